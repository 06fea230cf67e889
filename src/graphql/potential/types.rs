//! The region-potential index.

use async_graphql::SimpleObject;

use crate::graphql::regions::types::Region;

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
