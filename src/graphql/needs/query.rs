//! Need queries.

use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::need::NeedStatus;

use crate::{
    domain::needs::{self, NeedFilter},
    graphql::{
        access,
        connection::{Connection, page_cost, page_request},
        ids::{self},
        services,
    },
};

use super::types::{Need, NeedConnection};

/// Which needs to list; every criterion is optional and they combine with AND.
#[derive(Debug, Default, InputObject)]
pub struct NeedFilterInput {
    /// Only needs of this organisation.
    pub organization_id: Option<ID>,
    /// Only needs in this status.
    pub status: Option<NeedStatus>,
    /// Only needs in this field of science (FOS code; a major field such as `2` includes its
    /// sub-fields).
    pub field_of_science: Option<String>,
    /// Case-insensitive text in the title (any language).
    pub text: Option<String>,
}

/// Need queries.
#[derive(Default)]
pub struct NeedQuery;

#[Object]
impl NeedQuery {
    /// Needs the caller may know of, oldest first. Confidential needs appear only to their
    /// owner, platform admins and organisations they are shared with; teasers to everyone.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn needs(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which needs; all visible when omitted.")] filter: Option<NeedFilterInput>,
        #[graphql(desc = "Page size, 0 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Return rows after this cursor.")] after: Option<String>,
    ) -> Result<NeedConnection> {
        let db = &services(ctx)?.db;
        let page = page_request(first, after)?;
        let filter = filter.unwrap_or_default();
        let rows = needs::list(
            db,
            &*access(ctx).await?,
            &NeedFilter {
                organization_id: ids::organization(
                    filter.organization_id.as_ref(),
                    "filter.organizationId",
                )?,
                status: filter.status,
                field_of_science: filter.field_of_science,
                text: filter.text,
            },
            page,
        )
        .await?;
        Ok(Connection::of(rows, Need))
    }
}
