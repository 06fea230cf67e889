//! Science-city queries.

use async_graphql::{Context, InputObject, Object, Result};
use entity::science_city::ScienceCityStatus;

use super::types::{ScienceCity, ScienceCityConnection};
use crate::{
    domain::science_cities::{self, ScienceCityFilter},
    graphql::{
        connection::{Connection, page_cost, page_request},
        services,
    },
};

/// Which science cities to list.
#[derive(Debug, Default, InputObject)]
pub struct ScienceCityFilterInput {
    /// Only science cities in this region (ISO 3166-2 or KATO code).
    pub region_code: Option<String>,
    /// Only science cities with this status.
    pub status: Option<ScienceCityStatus>,
}

/// Science-city queries.
#[derive(Default)]
pub struct ScienceCityQuery;

#[Object]
impl ScienceCityQuery {
    /// Science cities, oldest first.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn science_cities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which science cities; all when omitted.")] filter: Option<
            ScienceCityFilterInput,
        >,
        #[graphql(desc = "Page size, 0 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Return rows after this cursor.")] after: Option<String>,
    ) -> Result<ScienceCityConnection> {
        let db = &services(ctx)?.db;
        let page = page_request(first, after)?;
        let filter = filter.unwrap_or_default();
        let rows = science_cities::list(
            db,
            &ScienceCityFilter {
                region_code: filter.region_code,
                status: filter.status,
            },
            page,
        )
        .await?;
        Ok(Connection::of(rows, ScienceCity))
    }
}
