//! The portfolio item object type.

use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    portfolio_item::{self, PortfolioKind},
    portfolio_participant::{self, ParticipantRole},
};

use crate::{
    domain::portfolio,
    graphql::{
        access,
        connection::Connection,
        ids::{self, NodeType},
        loaders,
        localized::{LocalizedText, localized},
        money::Money,
        organizations::types::Organization,
    },
};

/// GraphQL view of PortfolioItem; see the schema description on its `impl`.
pub struct PortfolioItem(pub portfolio_item::Model);

impl PortfolioItem {
    /// The item, if it exists and the caller may read it.
    pub async fn load(ctx: &Context<'_>, id: i64) -> Result<Option<PortfolioItem>> {
        let loaders = loaders(ctx)?;
        let Some(item) = loaders.portfolio_items.load_one(id).await? else {
            return Ok(None);
        };
        let organizations: Vec<i64> = loaders
            .portfolio_participants
            .load_one(id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(|p| p.organization_id)
            .collect();
        let access = access(ctx).await?;
        Ok(portfolio::visible(&access, &item, &organizations).then_some(PortfolioItem(item)))
    }
}

/// A piece of an organisation's record of past work: a project, publication, patent or product,
/// shared by every organisation that took part. Members-only items are shown to their
/// participants' members and platform admins only.
#[Object]
impl PortfolioItem {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::PortfolioItem, self.0.id)
    }

    /// What kind of work it records.
    async fn kind(&self) -> PortfolioKind {
        self.0.kind
    }

    /// Its title.
    async fn title(&self) -> LocalizedText {
        localized(&self.0.title_kk, &self.0.title_ru, &self.0.title_en)
    }

    /// Its abstract or summary, up to 20,000 characters per language.
    #[graphql(name = "abstract")]
    async fn summary(&self) -> LocalizedText {
        localized(
            &self.0.abstract_kk,
            &self.0.abstract_ru,
            &self.0.abstract_en,
        )
    }

    /// The year it is dated by (publication, grant, start).
    async fn year(&self) -> Option<i32> {
        self.0.year
    }

    /// When the work started.
    async fn start_date(&self) -> Option<NaiveDate> {
        self.0.start_date
    }

    /// When the work ended.
    async fn end_date(&self) -> Option<NaiveDate> {
        self.0.end_date
    }

    /// Who paid for it.
    async fn funder(&self) -> Option<&str> {
        self.0.funder.as_deref()
    }

    /// The funding programme or call.
    async fn programme(&self) -> Option<&str> {
        self.0.programme.as_deref()
    }

    /// How much it was worth, in KZT.
    async fn amount(&self) -> Option<Money> {
        self.0.amount.map(Money::from_tiyn)
    }

    /// OECD FOS 2007 codes.
    async fn fields_of_science(&self) -> &[String] {
        &self.0.fields.0
    }

    /// Free keywords.
    async fn keywords(&self) -> &[String] {
        &self.0.keywords.0
    }

    /// The registry it was imported from, e.g. `cordis`.
    async fn source(&self) -> Option<&str> {
        self.0.source.as_deref()
    }

    /// Its identifier in that registry.
    async fn external_id(&self) -> Option<&str> {
        self.0.external_id.as_deref()
    }

    /// Whether only members of its participants (and platform admins) may read it.
    async fn members_only(&self) -> bool {
        self.0.members_only
    }

    /// Every organisation that took part, with its role.
    async fn participants(&self, ctx: &Context<'_>) -> Result<Vec<PortfolioParticipant>> {
        Ok(loaders(ctx)?
            .portfolio_participants
            .load_one(self.0.id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(PortfolioParticipant)
            .collect())
    }

    /// When it was recorded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it was last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// GraphQL view of PortfolioParticipant; see the schema description on its `impl`.
pub struct PortfolioParticipant(pub portfolio_participant::Model);

/// An organisation's part in a portfolio item.
#[Object]
impl PortfolioParticipant {
    /// The organisation that took part.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        Organization::referenced(ctx, self.0.organization_id).await
    }

    /// Its role in the work.
    async fn role(&self) -> ParticipantRole {
        self.0.role
    }
}

/// A page of portfolio items, oldest first.
pub type PortfolioItemConnection = Connection<PortfolioItem>;
