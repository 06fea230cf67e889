//! Matches, their factors and partner suggestions.

use async_graphql::{Context, Enum, Object, Result, SimpleObject};

use crate::{
    domain::matching,
    graphql::{capabilities::types::Capability, needs::types::Need},
    graphql::{organizations::types::Organization, required},
};

/// A factor of a match score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "matching::FactorName")]
pub enum MatchFactorName {
    /// How much of the need's text the capability's text covers, across kk/ru/en word forms.
    Text,
    /// Proximity of fields of science (same code, parent field, same major field).
    Fields,
    /// Whether the capability's TRL lies in the need's wanted window.
    Trl,
    /// How much of the capability's price range lies within the need's budget.
    Budget,
    /// Same science city, same region, or elsewhere.
    Geography,
    /// Open slots for new projects (3 or more count in full).
    Capacity,
    /// Needs matched with the owner's capabilities before (5 or more count in full).
    TrackRecord,
    /// Whether the owner would want the need: sectors served and budget above the minimum fee.
    Reciprocity,
}

/// Why a pair is excluded from matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "matching::Exclusion")]
pub enum MatchExclusion {
    /// The need and the capability belong to the same organisation.
    OwnOrganization,
    /// The capability is switched off.
    CapabilityInactive,
    /// The capability has no open slot.
    NoCapacity,
    /// The capability's minimum price is above the need's budget ceiling.
    PriceAboveBudget,
    /// The need is matched or closed.
    NeedNotOpen,
}

/// One factor of a score: `contribution = weight × value`, and the contributions add up to the
/// score.
#[derive(Debug, Clone, SimpleObject)]
pub struct MatchFactor {
    /// Which factor.
    pub name: MatchFactorName,
    /// Its weight; the weights of all factors sum to 100.
    pub weight: f64,
    /// How well the pair does on it, from 0 to 1.
    pub value: f64,
    /// `weight × value`, in score points.
    pub contribution: f64,
    /// Why, in words (English).
    pub detail: String,
}

/// GraphQL view of Match; see the schema description on its `impl`.
pub struct Match(pub matching::Match);

/// A need and a capability scored for each other, with the explanation.
#[Object]
impl Match {
    /// The need (a teaser if the caller may read no more).
    async fn need(&self, ctx: &Context<'_>) -> Result<Need> {
        required(Need::load(ctx, self.0.need_id).await?, "need")
    }

    /// The capability.
    async fn capability(&self, ctx: &Context<'_>) -> Result<Capability> {
        required(
            Capability::load(ctx, self.0.capability_id).await?,
            "capability",
        )
    }

    /// 0 to 100: the sum of the factors' contributions.
    async fn score(&self) -> f64 {
        self.0.score
    }

    /// Every factor with its weight, value, contribution and reason.
    async fn factors(&self) -> Vec<MatchFactor> {
        self.0
            .factors
            .iter()
            .map(|f| MatchFactor {
                name: f.name.into(),
                weight: f.weight,
                value: f.value,
                contribution: f.contribution,
                detail: f.detail.clone(),
            })
            .collect()
    }

    /// Hard filters that exclude this pair; empty for ranked results.
    async fn reasons(&self) -> Vec<MatchExclusion> {
        self.0.exclusions.iter().map(|&e| e.into()).collect()
    }

    /// Whether the need was scored from its teaser only, because the caller may not read more.
    async fn teaser_only(&self) -> bool {
        self.0.teaser_only
    }
}

/// An organisation suggested as a partner, with the best match between the two.
#[derive(SimpleObject)]
pub struct PartnerSuggestion {
    /// The suggested partner.
    pub organization: Organization,
    /// The best-scoring match between the two organisations.
    pub best_match: Match,
    /// How many of their needs and capabilities match each other.
    pub match_count: u32,
}
