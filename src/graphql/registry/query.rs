//! Registry queries.

use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::{
    organization, organization::OrganizationKind, science_city, science_city::ScienceCityStatus,
};

use super::types::{Organization, OrganizationConnection, Region, ScienceCityConnection, Taxonomy};
use crate::{
    domain::{
        organizations::{self, OrganizationFilter},
        pagination::{self, PageRequest},
        regions,
        science_cities::{self, ScienceCityFilter},
    },
    graphql::{
        app,
        connection::{page_cost, parse_cursor},
        ids::{NodeType, decode_as},
        loaders,
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

/// Which science cities to list.
#[derive(Debug, Default, InputObject)]
pub struct ScienceCityFilterInput {
    /// Only science cities in this region (ISO 3166-2 or KATO code).
    pub region_code: Option<String>,
    /// Only science cities with this status.
    pub status: Option<ScienceCityStatus>,
}

/// Registry queries.
#[derive(Default)]
pub struct RegistryQuery;

#[Object]
impl RegistryQuery {
    /// All 20 regions of Kazakhstan, in KATO order.
    async fn regions(&self, ctx: &Context<'_>) -> Result<Vec<Region>> {
        Ok(regions::list(&app(ctx)?.db)
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
        Ok(regions::find(&app(ctx)?.db, &code).await?.map(Region))
    }

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
        let db = &app(ctx)?.db;
        let page = PageRequest::new(first, parse_cursor(after.as_deref())?)?;
        let filter = filter.unwrap_or_default();
        let select = science_cities::search(
            db,
            &ScienceCityFilter {
                region_code: filter.region_code,
                status: filter.status,
            },
        )
        .await?;
        let rows = pagination::fetch(db, select.clone(), science_city::Column::Id, page).await?;
        Ok(ScienceCityConnection::new(rows, page, select))
    }

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
        let db = &app(ctx)?.db;
        let page = PageRequest::new(first, parse_cursor(after.as_deref())?)?;
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
        let select = organizations::search(db, &filter).await?;
        let rows = pagination::fetch(db, select.clone(), organization::Column::Id, page).await?;
        Ok(OrganizationConnection::new(rows, page, select))
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

    /// Reference classifications: fields of science and TRL levels.
    async fn taxonomy(&self) -> Taxonomy {
        Taxonomy
    }
}
