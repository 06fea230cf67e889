//! Capability queries.

use async_graphql::{Context, ID, InputObject, Object, Result};

use crate::{
    domain::capabilities::{self, CapabilityFilter},
    graphql::{
        access,
        connection::{Connection, page_cost, page_request},
        ids::{self},
        services,
    },
};

use super::types::{Capability, CapabilityConnection};

/// Which capabilities to list; every criterion is optional and they combine with AND.
#[derive(Debug, InputObject)]
pub struct CapabilityFilterInput {
    /// Only capabilities of this organisation.
    pub organization_id: Option<ID>,
    /// Only capabilities in this field of science (FOS code; a major field includes its
    /// sub-fields).
    pub field_of_science: Option<String>,
    /// Active ones (default), inactive ones (visible to their owners only), or null for both.
    #[graphql(default_with = "Some(true)")]
    pub active: Option<bool>,
    /// Case-insensitive text in the title (any language).
    pub text: Option<String>,
}

impl Default for CapabilityFilterInput {
    fn default() -> Self {
        Self {
            organization_id: None,
            field_of_science: None,
            active: Some(true),
            text: None,
        }
    }
}

/// Capability queries.
#[derive(Default)]
pub struct CapabilityQuery;

#[Object]
impl CapabilityQuery {
    /// Capabilities the caller may see, oldest first.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn capabilities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which capabilities; active ones when omitted.")] filter: Option<
            CapabilityFilterInput,
        >,
        #[graphql(desc = "Page size, 0 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Return rows after this cursor.")] after: Option<String>,
    ) -> Result<CapabilityConnection> {
        let db = &services(ctx)?.db;
        let page = page_request(first, after)?;
        let filter = filter.unwrap_or_default();
        let rows = capabilities::list(
            db,
            &*access(ctx).await?,
            &CapabilityFilter {
                organization_id: ids::organization(
                    filter.organization_id.as_ref(),
                    "filter.organizationId",
                )?,
                field_of_science: filter.field_of_science,
                active: filter.active,
                text: filter.text,
            },
            page,
        )
        .await?;
        Ok(Connection::of(rows, Capability))
    }
}
