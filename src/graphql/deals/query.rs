//! Deal queries.

use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::deal::{DealStage, DealType};

use super::types::{Deal, DealConnection};
use crate::{
    domain::deals::{self, DealFilter},
    graphql::{
        access,
        connection::{Connection, page_cost, page_request},
        ids::{NodeType, decode_as},
        loaders, services,
    },
};

/// Which deals to list.
#[derive(Debug, Default, InputObject)]
pub struct DealFilterInput {
    /// Only deals this organisation is party to.
    pub organization_id: Option<ID>,
    /// Only in this stage.
    pub stage: Option<DealStage>,
    /// Only of this type.
    pub deal_type: Option<DealType>,
    /// Only counted for this science city.
    pub science_city_id: Option<ID>,
}

/// Deal queries.
#[derive(Default)]
pub struct DealQuery;

#[Object]
impl DealQuery {
    /// Deals the caller's organisations are party to (all for platform admins), oldest first.
    /// Aggregate figures are public in `indicatorReport`.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn deals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which deals; all visible when omitted.")] filter: Option<DealFilterInput>,
        #[graphql(desc = "Page size, 0 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Return rows after this cursor.")] after: Option<String>,
    ) -> Result<DealConnection> {
        let access = access(ctx).await?;
        access.user_id()?;
        let db = &services(ctx)?.db;
        let page = page_request(first, after)?;
        let filter = filter.unwrap_or_default();
        let rows = deals::list(
            db,
            &access,
            &DealFilter {
                organization_id: filter
                    .organization_id
                    .map(|id| decode_as(&id, NodeType::Organization, "filter.organizationId"))
                    .transpose()?,
                stage: filter.stage,
                deal_type: filter.deal_type,
                science_city_id: filter
                    .science_city_id
                    .map(|id| decode_as(&id, NodeType::ScienceCity, "filter.scienceCityId"))
                    .transpose()?,
            },
            page,
        )
        .await?;
        Ok(Connection::of(rows, Deal))
    }

    /// One deal; null if it does not exist or the caller is not party to it.
    async fn deal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The deal's global ID.")] id: ID,
    ) -> Result<Option<Deal>> {
        let id = decode_as(&id, NodeType::Deal, "id")?;
        Deal::load(ctx, id).await
    }
}

impl Deal {
    /// The deal `id` if the caller may see it.
    pub async fn load(ctx: &Context<'_>, id: i64) -> Result<Option<Deal>> {
        let Some(row) = loaders(ctx)?.deals.load_one(id).await? else {
            return Ok(None);
        };
        let parties = deals::parties_of(&services(ctx)?.db, id).await?;
        Ok(deals::can_see(&*access(ctx).await?, &parties).then_some(Deal(row)))
    }
}
