//! Matches, their factors and partner suggestions.

use async_graphql::{Context, Enum, Object, Result, SimpleObject};

use crate::{
    domain::matching,
    graphql::{
        capabilities::types::Capability, loaders, needs::types::Need,
        organizations::types::Organization, portfolio::types::PortfolioItem, required,
    },
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
    /// Why, in words: Kazakh, Russian or English as the request's `Accept-Language` asks
    /// (Russian without one).
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
    async fn factors(&self, ctx: &Context<'_>) -> Vec<MatchFactor> {
        let lang = crate::graphql::request(ctx).lang;
        self.0
            .factors
            .iter()
            .map(|f| MatchFactor {
                name: f.name.into(),
                weight: f.weight,
                value: f.value,
                contribution: f.contribution,
                detail: f.detail.get(lang).unwrap_or_default().to_owned(),
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

/// A factor of a partner's score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "matching::PartnerFactorName")]
pub enum PartnerFactorName {
    /// How well the organisation's records — portfolio items and capabilities — cover the need,
    /// relative to the best-covered candidate: the best record plus a damped sum of the next
    /// four.
    Text,
    /// Work done together before: shared portfolio items, completed deals, meetings held (3 or
    /// more count in full).
    History,
    /// Partners the two organisations have in common (10 or more count in full).
    Network,
    /// How much work the organisation has on record (grows with the logarithm of its portfolio
    /// items; 150 count in full).
    Experience,
    /// Same science city (1), same region (0.75), same country (0.5), elsewhere (0).
    Geography,
}

/// One factor of a partner's score: `contribution = weight × value`, and the contributions add
/// up to the score.
#[derive(Debug, Clone, SimpleObject)]
pub struct PartnerFactor {
    /// Which factor.
    pub name: PartnerFactorName,
    /// Its weight; the weights of all factors sum to 100.
    pub weight: f64,
    /// How well the organisation does on it, from 0 to 1.
    pub value: f64,
    /// `weight × value`, in score points.
    pub contribution: f64,
    /// Why, in words: Kazakh, Russian or English as the request's `Accept-Language` asks
    /// (Russian without one).
    pub detail: String,
}

/// A record whose text carried part of a partner's text score.
pub struct TextEvidence(pub matching::TextEvidence);

/// A record whose text carried part of a partner's text score: one of its capabilities or
/// portfolio items. A members-only portfolio item counts for the score but is not shown to
/// callers outside its participants: then both `capability` and `portfolioItem` are null and
/// `hidden` is true.
#[Object]
impl TextEvidence {
    /// The capability, if the record is one.
    async fn capability(&self, ctx: &Context<'_>) -> Result<Option<Capability>> {
        match self.0.record {
            matching::Record::Capability(id) => Capability::load(ctx, id).await,
            _ => Ok(None),
        }
    }

    /// The portfolio item, if the record is one the caller may read.
    async fn portfolio_item(&self, ctx: &Context<'_>) -> Result<Option<PortfolioItem>> {
        match self.0.record {
            matching::Record::PortfolioItem(id) => PortfolioItem::load(ctx, id).await,
            _ => Ok(None),
        }
    }

    /// Whether the record is a members-only item the caller may not read.
    async fn hidden(&self) -> bool {
        self.0.record == matching::Record::Hidden
    }

    /// The share of the need's text this record covers, from 0 to 1.
    async fn coverage(&self) -> f64 {
        self.0.coverage
    }

    /// The need's words this record shares, strongest first (empty for hidden records).
    async fn matched_terms(&self) -> &[String] {
        &self.0.terms
    }
}

/// A span of years.
#[derive(Debug, Clone, SimpleObject)]
pub struct YearSpan {
    /// The first year.
    pub first: i32,
    /// The last year.
    pub last: i32,
}

/// GraphQL view of Evidence; see the schema description on its `impl`.
pub struct PartnerEvidence(pub matching::Evidence);

/// What a partner's score rests on: the records whose text matched and the history the two
/// organisations share.
#[Object]
impl PartnerEvidence {
    /// The records that carried the text score, strongest first (at most 3).
    async fn texts(&self) -> Vec<TextEvidence> {
        self.0.texts.iter().cloned().map(TextEvidence).collect()
    }

    /// Portfolio items both organisations took part in, that the caller may read.
    async fn shared_items(&self, ctx: &Context<'_>) -> Result<Vec<PortfolioItem>> {
        let mut out = Vec::new();
        for &id in &self.0.shared_items {
            if let Some(item) = PortfolioItem::load(ctx, id).await? {
                out.push(item);
            }
        }
        Ok(out)
    }

    /// Shared members-only items the caller may not read: counted, not shown.
    async fn hidden_shared_items(&self) -> u32 {
        self.0.hidden_shared_items
    }

    /// The years the readable shared items span.
    async fn shared_years(&self) -> Option<YearSpan> {
        self.0
            .shared_years
            .map(|(first, last)| YearSpan { first, last })
    }

    /// Deals between the two organisations that were completed.
    async fn completed_deals(&self) -> u32 {
        self.0.completed_deals
    }

    /// Meetings between the two organisations that took place (by both parties' reports).
    async fn meetings_held(&self) -> u32 {
        self.0.meetings_held
    }

    /// Of those, meetings that led to an NDA, a proposal or an agreement; each counts twice
    /// as history.
    async fn meetings_advanced(&self) -> u32 {
        self.0.meetings_advanced
    }

    /// The strongest partners the two organisations have in common (at most 5).
    async fn common_partners(&self, ctx: &Context<'_>) -> Result<Vec<Organization>> {
        let mut orgs = loaders(ctx)?
            .organizations
            .load_many(self.0.common_partners.iter().copied())
            .await?;
        Ok(self
            .0
            .common_partners
            .iter()
            .filter_map(|id| orgs.remove(id).map(Organization))
            .collect())
    }

    /// How many partners the two organisations have in common.
    async fn common_partner_count(&self) -> u32 {
        self.0.common_partner_count
    }
}

/// An organisation ranked as a partner for a need, with its explained score.
#[derive(SimpleObject)]
pub struct PartnerMatch {
    /// The organisation.
    pub organization: Organization,
    /// 0 to 100: the sum of the factors' contributions.
    pub score: f64,
    /// Every factor with its weight, value, contribution and reason.
    pub factors: Vec<PartnerFactor>,
    /// The records and history behind the score.
    pub evidence: PartnerEvidence,
}
