//! The region-potential query.

use async_graphql::{Context, InputObject, Object, Result};

use super::types::PotentialComponent;
use super::types::RegionPotential;
use super::types::RegionPotentialIndex;
use crate::{
    domain::{indicators, potential},
    graphql::{regions::types::Region, services},
};

/// A component weight.
#[derive(Debug, InputObject)]
pub struct PotentialWeightInput {
    /// Component name (a recorded statistic, or `ORGANIZATIONS`, `CAPABILITIES`, `DEALS`).
    pub name: String,
    /// Weight ≥ 0; weights are normalised by their sum.
    pub weight: f64,
}

/// Region-potential queries.
#[derive(Default)]
pub struct PotentialQuery;

#[Object]
impl PotentialQuery {
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
            &services(ctx)?.db,
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
