//! Organisation queries.

use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::organization::OrganizationKind;

use super::types::Organization;
use super::types::OrganizationConnection;
use crate::{
    domain::organizations::{self, OrganizationFilter},
    graphql::{
        connection::{Connection, page_cost, page_request},
        ids::{NodeType, decode_as},
        loaders, services,
    },
};

/// Which organisations to list; every criterion is optional and they combine with AND.
#[derive(Debug, Default, InputObject)]
pub struct OrganizationFilterInput {
    /// Only organisations of this kind.
    pub kind: Option<OrganizationKind>,
    /// Only organisations in this region (ISO 3166-2 code such as `KZ-75`, or KATO code).
    pub region_code: Option<String>,
    /// Only organisations belonging to this science city.
    pub science_city_id: Option<ID>,
    /// Case-insensitive text found in any language's name or in the BIN.
    pub text: Option<String>,
}

/// Organisation queries.
#[derive(Default)]
pub struct OrganizationQuery;

#[Object]
impl OrganizationQuery {
    /// Organisations in the registry, in registration order.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which organisations; all when omitted.")] filter: Option<
            OrganizationFilterInput,
        >,
        #[graphql(desc = "Page size, 0 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Return rows after this cursor.")] after: Option<String>,
    ) -> Result<OrganizationConnection> {
        let db = &services(ctx)?.db;
        let page = page_request(first, after)?;
        let filter = filter.unwrap_or_default();
        let filter = OrganizationFilter {
            kind: filter.kind,
            region_code: filter.region_code,
            science_city_id: filter
                .science_city_id
                .map(|id| decode_as(&id, NodeType::ScienceCity, "filter.scienceCityId"))
                .transpose()?,
            text: filter.text,
        };
        let rows = organizations::list(db, &filter, page).await?;
        Ok(Connection::of(rows, Organization))
    }

    /// One organisation; null if there is none with this ID.
    async fn organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation's global ID.")] id: ID,
    ) -> Result<Option<Organization>> {
        let id = decode_as(&id, NodeType::Organization, "id")?;
        Ok(loaders(ctx)?
            .organizations
            .load_one(id)
            .await?
            .map(Organization))
    }
}
