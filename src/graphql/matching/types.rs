//! Need, capability and match object types.

use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    capability,
    need::{self, Confidentiality, NeedStatus, Sector},
};

use crate::{
    domain::{
        matching::{self, NeedView},
        money, needs,
    },
    graphql::{
        access,
        connection::connection,
        ids::{self, NodeType},
        loaders,
        localized::{LocalizedText, localized},
        registry::types::Organization,
        required,
    },
};

/// An amount of money.
#[derive(Debug, Clone, SimpleObject)]
pub struct Money {
    /// Exact decimal amount with two decimals, e.g. `"1500000.00"`; never a float.
    pub amount: String,
    /// ISO 4217 currency code; always `KZT` for now.
    pub currency: String,
}

impl Money {
    /// An amount kept in tiyn.
    pub fn from_tiyn(tiyn: i64) -> Money {
        Money {
            amount: money::format(tiyn),
            currency: money::CURRENCY.to_owned(),
        }
    }
}

/// A range of money; either end may be open.
#[derive(Debug, Clone, SimpleObject)]
pub struct MoneyRange {
    /// Lower end, if stated.
    pub min: Option<Money>,
    /// Upper end, if stated.
    pub max: Option<Money>,
}

fn range(min: Option<i64>, max: Option<i64>) -> Option<MoneyRange> {
    (min.is_some() || max.is_some()).then(|| MoneyRange {
        min: min.map(Money::from_tiyn),
        max: max.map(Money::from_tiyn),
    })
}

/// GraphQL view of Need; see the schema description on its `impl`.
pub struct Need(pub need::Model);

impl Need {
    /// Whether the caller reads the whole need (else the teaser: title and fields only).
    async fn full(&self, ctx: &Context<'_>) -> Result<bool> {
        let access = access(ctx).await?;
        let n = &self.0;
        if n.confidentiality == Confidentiality::Public || access.can_see_members(n.organization_id)
        {
            return Ok(true);
        }
        let shares = loaders(ctx)?
            .need_shares
            .load_one(n.id)
            .await?
            .unwrap_or_default();
        Ok(needs::view(&access, n, &shares) == NeedView::Full)
    }

    /// `value` for readers of the whole need, `None` for teaser readers.
    async fn unless_teaser<T>(&self, ctx: &Context<'_>, value: T) -> Result<Option<T>> {
        Ok(self.full(ctx).await?.then_some(value))
    }
}

/// A technology need posted by an enterprise. Readers of a `TEASER` need who are not its owner
/// or shared with see only its title, fields of science, status and owner; every other field is
/// null or empty for them.
#[Object]
impl Need {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::Need, self.0.id)
    }

    /// The organisation that posted it.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        Organization::referenced(ctx, self.0.organization_id).await
    }

    /// Short title.
    async fn title(&self) -> LocalizedText {
        localized(&self.0.title_kk, &self.0.title_ru, &self.0.title_en)
    }

    /// The problem in full; null in a teaser.
    async fn description(&self, ctx: &Context<'_>) -> Result<Option<LocalizedText>> {
        let n = &self.0;
        self.unless_teaser(
            ctx,
            localized(&n.description_kk, &n.description_ru, &n.description_en),
        )
        .await
    }

    /// Keywords; empty in a teaser.
    async fn keywords(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        Ok(self
            .unless_teaser(ctx, self.0.keywords.0.clone())
            .await?
            .unwrap_or_default())
    }

    /// OECD FOS 2007 codes (see `taxonomy.fieldsOfScience`).
    async fn fields_of_science(&self) -> &[String] {
        &self.0.fields.0
    }

    /// IRSTI (ГРНТИ) codes; empty in a teaser.
    async fn irsti_codes(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        Ok(self
            .unless_teaser(ctx, self.0.irsti_codes.0.clone())
            .await?
            .unwrap_or_default())
    }

    /// Lowest acceptable technology readiness level; null if not stated or in a teaser.
    async fn trl_min(&self, ctx: &Context<'_>) -> Result<Option<i16>> {
        Ok(self.unless_teaser(ctx, self.0.trl_min).await?.flatten())
    }

    /// Highest wanted technology readiness level; null if not stated or in a teaser.
    async fn trl_max(&self, ctx: &Context<'_>) -> Result<Option<i16>> {
        Ok(self.unless_teaser(ctx, self.0.trl_max).await?.flatten())
    }

    /// Budget range in KZT; null if not stated or in a teaser.
    async fn budget(&self, ctx: &Context<'_>) -> Result<Option<MoneyRange>> {
        Ok(self
            .unless_teaser(ctx, range(self.0.budget_min, self.0.budget_max))
            .await?
            .flatten())
    }

    /// When a solution is needed by; null if not stated or in a teaser.
    async fn deadline(&self, ctx: &Context<'_>) -> Result<Option<NaiveDate>> {
        Ok(self.unless_teaser(ctx, self.0.deadline).await?.flatten())
    }

    /// Up to five must-have requirements; empty in a teaser.
    async fn requirements(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        Ok(self
            .unless_teaser(ctx, self.0.requirements.0.clone())
            .await?
            .unwrap_or_default())
    }

    /// The enterprise's sector; null if not stated or in a teaser.
    async fn sector(&self, ctx: &Context<'_>) -> Result<Option<Sector>> {
        Ok(self.unless_teaser(ctx, self.0.sector).await?.flatten())
    }

    /// Who may read it.
    async fn confidentiality(&self) -> Confidentiality {
        self.0.confidentiality
    }

    /// Where it stands.
    async fn status(&self) -> NeedStatus {
        self.0.status
    }

    /// Whether the caller sees only the teaser.
    async fn teaser_only(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(!self.full(ctx).await?)
    }

    /// Organisations it is shared with; shown to the owner's members and platform admins only.
    async fn shared_with(&self, ctx: &Context<'_>) -> Result<Vec<Organization>> {
        if !access(ctx).await?.can_see_members(self.0.organization_id) {
            return Ok(Vec::new());
        }
        let loaders = loaders(ctx)?;
        let ids = loaders
            .need_shares
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        let orgs = loaders.organizations.load_many(ids).await?;
        let mut out: Vec<Organization> = orgs.into_values().map(Organization).collect();
        out.sort_by_key(|o| o.0.id);
        Ok(out)
    }

    /// The capability it was matched with; null if none or in a teaser.
    async fn matched_capability(&self, ctx: &Context<'_>) -> Result<Option<Capability>> {
        let Some(id) = self
            .unless_teaser(ctx, self.0.matched_capability_id)
            .await?
            .flatten()
        else {
            return Ok(None);
        };
        Capability::load(ctx, id).await
    }

    /// When it was posted.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it was last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

impl Need {
    /// The need `id` if the caller may know of it.
    pub async fn load(ctx: &Context<'_>, id: i64) -> Result<Option<Need>> {
        let Some(row) = loaders(ctx)?.needs.load_one(id).await? else {
            return Ok(None);
        };
        let access = access(ctx).await?;
        let shares = loaders(ctx)?
            .need_shares
            .load_one(id)
            .await?
            .unwrap_or_default();
        Ok((needs::view(&access, &row, &shares) != NeedView::Hidden).then_some(Need(row)))
    }
}

/// GraphQL view of Capability; see the schema description on its `impl`.
pub struct Capability(pub capability::Model);

impl Capability {
    /// The capability `id` if the caller may see it.
    pub async fn load(ctx: &Context<'_>, id: i64) -> Result<Option<Capability>> {
        let Some(row) = loaders(ctx)?.capabilities.load_one(id).await? else {
            return Ok(None);
        };
        let access = access(ctx).await?;
        Ok(crate::domain::capabilities::visible(&access, &row).then_some(Capability(row)))
    }
}

/// What a university or R&D site offers: expertise, equipment, readiness, price and capacity.
#[Object]
impl Capability {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::Capability, self.0.id)
    }

    /// The organisation offering it.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        Organization::referenced(ctx, self.0.organization_id).await
    }

    /// Short title.
    async fn title(&self) -> LocalizedText {
        localized(&self.0.title_kk, &self.0.title_ru, &self.0.title_en)
    }

    /// The expertise in full.
    async fn description(&self) -> LocalizedText {
        localized(
            &self.0.description_kk,
            &self.0.description_ru,
            &self.0.description_en,
        )
    }

    /// Keywords.
    async fn keywords(&self) -> &[String] {
        &self.0.keywords.0
    }

    /// OECD FOS 2007 codes (see `taxonomy.fieldsOfScience`).
    async fn fields_of_science(&self) -> &[String] {
        &self.0.fields.0
    }

    /// Equipment and facilities.
    async fn equipment(&self) -> &[String] {
        &self.0.equipment.0
    }

    /// Technology readiness level reached; null if not stated.
    async fn trl(&self) -> Option<i16> {
        self.0.trl
    }

    /// Price range in KZT; null if not stated.
    async fn price(&self) -> Option<MoneyRange> {
        range(self.0.price_min, self.0.price_max)
    }

    /// Days from agreement to start of work; null if not stated.
    async fn lead_time_days(&self) -> Option<i32> {
        self.0.lead_time_days
    }

    /// New projects it can take now; 0 keeps it out of matching.
    async fn capacity(&self) -> i32 {
        self.0.capacity
    }

    /// Sectors the owner wants to work with; empty means any.
    async fn sectors(&self) -> &[Sector] {
        &self.0.sectors.0
    }

    /// Whether it is offered; inactive capabilities are visible to their owner only.
    async fn active(&self) -> bool {
        self.0.active
    }

    /// When it was posted.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it was last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

connection!(
    NeedConnection,
    NeedEdge,
    Need,
    need::Entity,
    "A page of needs.",
    "A need in a page."
);
connection!(
    CapabilityConnection,
    CapabilityEdge,
    Capability,
    capability::Entity,
    "A page of capabilities.",
    "A capability in a page."
);

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
