//! Region queries.

use async_graphql::{Context, Object, Result};

use super::types::Region;
use crate::{domain::regions, graphql::services};

/// Region queries.
#[derive(Default)]
pub struct RegionQuery;

#[Object]
impl RegionQuery {
    /// All 20 regions of Kazakhstan, in KATO order.
    async fn regions(&self, ctx: &Context<'_>) -> Result<Vec<Region>> {
        Ok(regions::list(&services(ctx)?.db)
            .await?
            .into_iter()
            .map(Region)
            .collect())
    }

    /// One region by ISO 3166-2 code (`KZ-75`) or KATO code (`750000000`); null if unknown.
    async fn region(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "ISO 3166-2 or KATO code.")] code: String,
    ) -> Result<Option<Region>> {
        Ok(regions::find(&services(ctx)?.db, &code).await?.map(Region))
    }
}
