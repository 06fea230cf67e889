//! Session queries.

use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::{DateTime, Utc};

use super::types::{Session, SessionConnection};
use crate::{
    domain::{
        pagination::{self, PageRequest},
        sessions::{self, SessionFilter},
    },
    graphql::{
        app,
        connection::{page_cost, parse_cursor},
        ids::{NodeType, decode_as},
        loaders,
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
        let db = &app(ctx)?.db;
        let page = PageRequest::new(first, parse_cursor(after.as_deref())?)?;
        let filter = filter.unwrap_or_default();
        let select = sessions::search(&SessionFilter {
            science_city_id: filter
                .science_city_id
                .map(|id| decode_as(&id, NodeType::ScienceCity, "filter.scienceCityId"))
                .transpose()?,
            ends_after: filter.ends_after,
        });
        let rows = pagination::fetch(db, select.clone(), entity::session::Column::Id, page).await?;
        Ok(SessionConnection::new(rows, page, select))
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
