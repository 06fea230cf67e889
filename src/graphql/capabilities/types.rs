//! The capability object type.

use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};
use entity::{capability, need::Sector};

use crate::graphql::{
    access,
    connection::Connection,
    ids::{self, NodeType},
    loaders,
    localized::{LocalizedText, localized},
    money::MoneyRange,
    money::range,
    organizations::types::Organization,
};

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

/// A page of capabilities the caller may see, oldest first.
pub type CapabilityConnection = Connection<Capability>;
