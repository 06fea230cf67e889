//! The indicator report.

use async_graphql::{Context, ID, Object, Result};

use super::types::IndicatorLine;
use crate::{
    domain::indicators,
    graphql::{
        ids::{NodeType, decode_as},
        localized::localized,
        services,
    },
};

/// Indicator queries.
#[derive(Default)]
pub struct IndicatorQuery;

#[Object]
impl IndicatorQuery {
    /// Every target indicator of a science city for a year: target, critical level, the actual
    /// computed from the platform's data (or as reported) and the status. Public.
    async fn indicator_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The science city.")] science_city_id: ID,
        #[graphql(desc = "The year, e.g. 2026.")] year: i32,
    ) -> Result<Vec<IndicatorLine>> {
        let city = decode_as(&science_city_id, NodeType::ScienceCity, "scienceCityId")?;
        let services = services(ctx)?;
        let lines = indicators::report(&services.db, &services.meetings, city, year).await?;
        Ok(lines
            .into_iter()
            .map(|l| IndicatorLine {
                title: localized(
                    &Some(l.indicator.title_kk.clone()),
                    &Some(l.indicator.title_ru.clone()),
                    &Some(l.indicator.title_en.clone()),
                ),
                code: l.indicator.code,
                unit: l.indicator.unit,
                direction: l.indicator.direction,
                lower_is_better: l.indicator.lower_is_better,
                method: l.indicator.method,
                target: l.target.as_ref().map(|t| l.unit.format(t.target)),
                critical: l.target.as_ref().map(|t| l.unit.format(t.critical)),
                target_is_demo: l.target.as_ref().map(|t| t.is_demo),
                actual: l.actual.map(|a| l.unit.format(a)),
                basis: l.basis,
                status: l.status.map(Into::into),
            })
            .collect())
    }
}
