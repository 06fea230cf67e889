//! Session queries.

use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::{DateTime, Utc};

use super::types::Session;
use super::types::SessionConnection;
use crate::{
    domain::sessions::{self, SessionFilter},
    graphql::{
        connection::{Connection, page_cost, page_request},
        ids::{NodeType, decode_as},
        loaders, services,
    },
};

/// Which sessions to list.
#[derive(Debug, Default, InputObject)]
pub struct SessionFilterInput {
    /// Only sessions of this science city.
    pub science_city_id: Option<ID>,
    /// Only sessions ending after this instant (pass now for upcoming and running ones).
    pub ends_after: Option<DateTime<Utc>>,
}

/// Session queries.
#[derive(Default)]
pub struct SessionQuery;

#[Object]
impl SessionQuery {
    /// Science-innovation sessions, oldest first. Sessions are public.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn sessions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which sessions; all when omitted.")] filter: Option<SessionFilterInput>,
        #[graphql(desc = "Page size, 0 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Return rows after this cursor.")] after: Option<String>,
    ) -> Result<SessionConnection> {
        let db = &services(ctx)?.db;
        let page = page_request(first, after)?;
        let filter = filter.unwrap_or_default();
        let rows = sessions::list(
            db,
            &SessionFilter {
                science_city_id: filter
                    .science_city_id
                    .map(|id| decode_as(&id, NodeType::ScienceCity, "filter.scienceCityId"))
                    .transpose()?,
                ends_after: filter.ends_after,
            },
            page,
        )
        .await?;
        Ok(Connection::of(rows, Session))
    }

    /// One session; null if there is none with this ID.
    async fn session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session's global ID.")] id: ID,
    ) -> Result<Option<Session>> {
        let id = decode_as(&id, NodeType::Session, "id")?;
        Ok(loaders(ctx)?.sessions.load_one(id).await?.map(Session))
    }
}
