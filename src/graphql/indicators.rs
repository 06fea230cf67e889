//! Target indicators, their report per science city and year, region statistics and the
//! region-potential index.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use entity::indicator::IndicatorMethod;

use crate::{
    domain::{indicators, potential},
    graphql::{
        access, app,
        ids::{NodeType, decode_as},
        localized::{LocalizedText, localized},
        registry::types::Region,
    },
};

/// How an actual compares with its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "indicators::Status")]
pub enum IndicatorStatus {
    /// At or above the target.
    OnTrack,
    /// Below the target, at or above the critical level.
    AtRisk,
    /// Below the critical level.
    BelowCritical,
}

/// One indicator in a report.
#[derive(SimpleObject)]
pub struct IndicatorLine {
    /// Stable code, e.g. `DEALS_SIGNED`.
    pub code: String,
    /// Title.
    pub title: LocalizedText,
    /// `count`, `KZT` or `percent`.
    pub unit: String,
    /// The Concept direction it measures.
    pub direction: String,
    /// How the actual is obtained.
    pub method: IndicatorMethod,
    /// Target for the year, a decimal string; null if none is set.
    pub target: Option<String>,
    /// Critical level, a decimal string; null if no target is set.
    pub critical: Option<String>,
    /// Whether the target is demo data, not an official figure (the Concept's figures are not
    /// public).
    pub target_is_demo: Option<bool>,
    /// The actual, a decimal string; null when there is nothing to compute it from yet.
    pub actual: Option<String>,
    /// How the actual was obtained.
    pub basis: String,
    /// Status, when both target and actual exist.
    pub status: Option<IndicatorStatus>,
}

/// A component of a region's potential score.
#[derive(SimpleObject)]
pub struct PotentialComponent {
    /// Component name, e.g. `RESEARCHERS`.
    pub name: String,
    /// Whether the platform counted it itself (organisations, capabilities, deals) rather than
    /// taking a recorded statistic.
    pub platform_derived: bool,
    /// The raw value, a decimal string; null when not recorded for the region and year
    /// (counted as 0).
    pub raw: Option<String>,
    /// Min–max normalised across the 20 regions, 0 to 1.
    pub normalized: f64,
    /// Its weight, as given.
    pub weight: f64,
    /// Points it adds: normalized × weight ÷ Σ weights × 100.
    pub contribution: f64,
}

/// A region in the potential ranking.
#[derive(SimpleObject)]
pub struct RegionPotential {
    /// Rank from 1.
    pub rank: i32,
    /// The region.
    pub region: Region,
    /// 0 to 100: the sum of the components' contributions.
    pub score: f64,
    /// Every component.
    pub components: Vec<PotentialComponent>,
}

/// The ranking and how it was computed.
#[derive(SimpleObject)]
pub struct RegionPotentialIndex {
    /// The year of the statistics.
    pub year: i32,
    /// Normalisation, weighting and aggregation, in words.
    pub method: String,
    /// The 20 regions, best first.
    pub regions: Vec<RegionPotential>,
}

/// A component weight.
#[derive(Debug, InputObject)]
pub struct PotentialWeightInput {
    /// Component name (a recorded statistic, or `ORGANIZATIONS`, `CAPABILITIES`, `DEALS`).
    pub name: String,
    /// Weight ≥ 0; weights are normalised by their sum.
    pub weight: f64,
}

/// Indicator and region-potential queries.
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
        let lines = indicators::report(&app(ctx)?.db, city, year).await?;
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
                method: l.indicator.method,
                target: l
                    .target
                    .as_ref()
                    .map(|t| indicators::format_figure(t.target)),
                critical: l
                    .target
                    .as_ref()
                    .map(|t| indicators::format_figure(t.critical)),
                target_is_demo: l.target.as_ref().map(|t| t.is_demo),
                actual: l.actual.map(indicators::format_figure),
                basis: l.basis,
                status: l.status.map(Into::into),
            })
            .collect())
    }

    /// The 20 regions ranked by a composite potential index for science-city status, each
    /// with its components. Public.
    async fn region_potential(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The year of the statistics, e.g. 2026.")] year: i32,
        #[graphql(desc = "Component weights; the defaults when omitted.")] weights: Option<
            Vec<PotentialWeightInput>,
        >,
    ) -> Result<RegionPotentialIndex> {
        let ranked = potential::rank(
            &app(ctx)?.db,
            year,
            weights.map(|w| w.into_iter().map(|w| (w.name, w.weight)).collect()),
        )
        .await?;
        Ok(RegionPotentialIndex {
            year,
            method: "each component is min–max normalised across the 20 regions (a missing \
                     statistic counts 0), weighted, and the weighted mean is scaled to 0–100"
                .to_owned(),
            regions: ranked
                .into_iter()
                .map(|r| RegionPotential {
                    rank: i32::try_from(r.rank).unwrap_or(i32::MAX),
                    region: Region(r.region),
                    score: r.score,
                    components: r
                        .components
                        .into_iter()
                        .map(|c| PotentialComponent {
                            name: c.name,
                            platform_derived: c.derived,
                            raw: c.raw.map(indicators::format_figure),
                            normalized: c.normalized,
                            weight: c.weight,
                            contribution: c.contribution,
                        })
                        .collect(),
                })
                .collect(),
        })
    }
}

/// A target and critical level.
#[derive(Debug, InputObject)]
pub struct SetIndicatorTargetInput {
    /// Indicator code.
    pub indicator_code: String,
    /// The science city.
    pub science_city_id: ID,
    /// The year.
    pub year: i32,
    /// Target, a decimal string in the indicator's unit.
    pub target: String,
    /// Critical level (≤ target).
    pub critical: String,
    /// Mark as demo data rather than an official figure.
    #[graphql(default)]
    pub is_demo: bool,
}

/// A reported actual.
#[derive(Debug, InputObject)]
pub struct RecordIndicatorValueInput {
    /// Indicator code (a `REPORTED` one).
    pub indicator_code: String,
    /// The science city.
    pub science_city_id: ID,
    /// The year.
    pub year: i32,
    /// The value, a decimal string in the indicator's unit.
    pub value: String,
    /// Where the figure comes from.
    pub note: Option<String>,
}

/// A named statistic.
#[derive(Debug, InputObject)]
pub struct RegionStatisticInput {
    /// Name in UPPER_SNAKE_CASE, e.g. `RESEARCHERS`, `RD_SPENDING`, `GRP`.
    pub name: String,
    /// Value, a decimal string.
    pub value: String,
}

/// Statistics of one region for one year.
#[derive(Debug, InputObject)]
pub struct RecordRegionStatisticsInput {
    /// Region (ISO 3166-2 or KATO code).
    pub region_code: String,
    /// The year.
    pub year: i32,
    /// The statistics; existing ones with the same name are replaced.
    pub values: Vec<RegionStatisticInput>,
}

/// The result of `setIndicatorTarget`.
#[derive(SimpleObject)]
pub struct SetIndicatorTargetPayload {
    /// The target as stored, a decimal string.
    pub target: String,
    /// The critical level as stored.
    pub critical: String,
}

/// The result of `recordIndicatorValue`.
#[derive(SimpleObject)]
pub struct RecordIndicatorValuePayload {
    /// The value as stored, a decimal string.
    pub value: String,
}

/// The result of `recordRegionStatistics`.
#[derive(SimpleObject)]
pub struct RecordRegionStatisticsPayload {
    /// How many statistics were stored.
    pub stored: i32,
}

/// Indicator and statistics mutations (platform admins).
#[derive(Default)]
pub struct IndicatorMutation;

#[Object]
impl IndicatorMutation {
    /// Sets a target and critical level of an indicator for a science city and year.
    /// Platform admins only.
    async fn set_indicator_target(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; see its type.")] input: SetIndicatorTargetInput,
    ) -> Result<SetIndicatorTargetPayload> {
        let city = decode_as(
            &input.science_city_id,
            NodeType::ScienceCity,
            "scienceCityId",
        )?;
        let row = indicators::set_target(
            &app(ctx)?.db,
            &*access(ctx).await?,
            indicators::NewTarget {
                code: input.indicator_code,
                city,
                year: input.year,
                target: input.target,
                critical: input.critical,
                is_demo: input.is_demo,
            },
        )
        .await?;
        Ok(SetIndicatorTargetPayload {
            target: indicators::format_figure(row.target),
            critical: indicators::format_figure(row.critical),
        })
    }

    /// Records the actual of a reported indicator. Platform admins only.
    async fn record_indicator_value(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; see its type.")] input: RecordIndicatorValueInput,
    ) -> Result<RecordIndicatorValuePayload> {
        let city = decode_as(
            &input.science_city_id,
            NodeType::ScienceCity,
            "scienceCityId",
        )?;
        let row = indicators::record_value(
            &app(ctx)?.db,
            &*access(ctx).await?,
            &input.indicator_code,
            city,
            input.year,
            &input.value,
            input.note,
        )
        .await?;
        Ok(RecordIndicatorValuePayload {
            value: indicators::format_figure(row.value),
        })
    }

    /// Records yearly statistics of a region. Platform admins only.
    async fn record_region_statistics(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; see its type.")] input: RecordRegionStatisticsInput,
    ) -> Result<RecordRegionStatisticsPayload> {
        let rows = potential::record(
            &app(ctx)?.db,
            &*access(ctx).await?,
            &input.region_code,
            input.year,
            input
                .values
                .into_iter()
                .map(|v| (v.name, v.value))
                .collect(),
        )
        .await?;
        Ok(RecordRegionStatisticsPayload {
            stored: i32::try_from(rows.len()).unwrap_or(i32::MAX),
        })
    }
}
