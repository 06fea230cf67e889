//! The indicator report line.

use async_graphql::{Enum, SimpleObject};
use entity::indicator::IndicatorMethod;

use crate::{domain::indicators, graphql::localized::LocalizedText};

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
    /// Whether a lower figure is better (a no-show rate, projects behind schedule): the target
    /// is then a ceiling, and the critical level lies above it.
    pub lower_is_better: bool,
    /// How the actual is obtained.
    pub method: IndicatorMethod,
    /// Target for the year, a decimal string at the unit's precision (whole counts, two
    /// decimals for `KZT` and `percent`); null if none is set.
    pub target: Option<String>,
    /// Critical level, a decimal string; null if no target is set.
    pub critical: Option<String>,
    /// Whether the target is demo data, not an official figure (the Concept's figures are not
    /// public).
    pub target_is_demo: Option<bool>,
    /// The actual, a decimal string at the unit's precision (rounded half up; the status is
    /// judged on the figure shown); null when there is nothing to compute it from yet.
    pub actual: Option<String>,
    /// How the actual was obtained.
    pub basis: String,
    /// Status, when both target and actual exist.
    pub status: Option<IndicatorStatus>,
}
