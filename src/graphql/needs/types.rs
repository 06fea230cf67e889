//! The need object type.

use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, NaiveDate, Utc};
use entity::need::{self, Confidentiality, NeedStatus, Sector};

use crate::{
    domain::{access::NeedView, needs},
    graphql::{
        access,
        capabilities::types::Capability,
        connection::Connection,
        ids::{self, NodeType},
        loaders,
        localized::{LocalizedText, localized},
        money::MoneyRange,
        money::range,
        organizations::types::Organization,
    },
};

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

/// A page of needs the caller may see, oldest first.
pub type NeedConnection = Connection<Need>;
