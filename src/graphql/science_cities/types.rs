//! The science-city object type.

use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};
use entity::science_city::{self, ScienceCityStatus};

use crate::graphql::{
    connection::Connection,
    ids::{self, NodeType},
    loaders,
    localized::{LocalizedText, localized},
    regions::types::Region,
    required,
};

/// GraphQL view of ScienceCity; see the schema description on its `impl`.
pub struct ScienceCity(pub science_city::Model);

/// A science city (ғылым қаласы): a knowledge-intensive territory gathering universities,
/// technoparks, engineering centres and enterprises, run by a Management Company.
#[Object]
impl ScienceCity {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::ScienceCity, self.0.id)
    }

    /// The science city's name.
    async fn name(&self) -> LocalizedText {
        localized(&self.0.name_kk, &self.0.name_ru, &self.0.name_en)
    }

    /// Where it stands: candidate, designated or active.
    async fn status(&self) -> ScienceCityStatus {
        self.0.status
    }

    /// The region it lies in.
    async fn region(&self, ctx: &Context<'_>) -> Result<Region> {
        let region = loaders(ctx)?.regions.load_one(self.0.region_id).await?;
        required(region.map(Region), "region")
    }

    /// When it was entered into the registry.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it was last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A page of science cities, in creation order.
pub type ScienceCityConnection = Connection<ScienceCity>;
