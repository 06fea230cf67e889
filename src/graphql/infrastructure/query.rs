//! Infrastructure queries. The programme is public.

use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::infrastructure_project::{InfrastructureKind, InfrastructureStage};

use super::types::{InfrastructureProject, InfrastructureProjectConnection, ProgrammeFigures};
use crate::{
    domain::{
        infrastructure::{self, ProjectFilter},
        programme::{self, Scope},
        references, regions,
    },
    error::AppError,
    graphql::{
        connection::{Connection, page_cost, page_request},
        ids::{NodeType, decode_as},
        services,
    },
};

/// Which projects to list.
#[derive(Debug, Default, InputObject)]
pub struct InfrastructureProjectFilter {
    /// Only of this science city.
    pub science_city_id: Option<ID>,
    /// Only sited in this region (KATO-based code such as `KZ-75`).
    pub region_code: Option<String>,
    /// Only in this stage.
    pub stage: Option<InfrastructureStage>,
    /// Only of this kind.
    pub kind: Option<InfrastructureKind>,
}

/// Infrastructure queries.
#[derive(Default)]
pub struct InfrastructureQuery;

#[Object]
impl InfrastructureQuery {
    /// Infrastructure projects, oldest first. Public.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn infrastructure_projects(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which projects; all when omitted.")] filter: Option<
            InfrastructureProjectFilter,
        >,
        #[graphql(desc = "Page size, 0 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Return rows after this cursor.")] after: Option<String>,
    ) -> Result<InfrastructureProjectConnection> {
        let db = &services(ctx)?.db;
        let page = page_request(first, after)?;
        let filter = filter.unwrap_or_default();
        let region_id = match &filter.region_code {
            Some(code) => Some(regions::resolve(db, "filter.regionCode", code).await?.id),
            None => None,
        };
        let rows = infrastructure::list(
            db,
            &ProjectFilter {
                science_city_id: filter
                    .science_city_id
                    .map(|id| decode_as(&id, NodeType::ScienceCity, "filter.scienceCityId"))
                    .transpose()?,
                region_id,
                stage: filter.stage,
                kind: filter.kind,
            },
            page,
        )
        .await?;
        Ok(Connection::of(rows, InfrastructureProject))
    }

    /// One infrastructure project; null if it does not exist.
    async fn infrastructure_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project's global ID.")] id: ID,
    ) -> Result<Option<InfrastructureProject>> {
        let id = decode_as(&id, NodeType::InfrastructureProject, "id")?;
        InfrastructureProject::load(ctx, id).await
    }

    /// The infrastructure programme's figures for a science city or a region (name exactly
    /// one) as of the end of `year` (today for the current year). Public.
    async fn infrastructure_programme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The science city.")] science_city_id: Option<ID>,
        #[graphql(desc = "Or the region whose sited projects count (e.g. `KZ-75`).")]
        region_code: Option<String>,
        #[graphql(desc = "The year, 2000 to 2100.")] year: i32,
    ) -> Result<ProgrammeFigures> {
        let db = &services(ctx)?.db;
        if !(2000..=2100).contains(&year) {
            return Err(AppError::invalid("year", "a year from 2000 to 2100").into());
        }
        let scope = match (science_city_id, region_code) {
            (Some(id), None) => {
                let id = decode_as(&id, NodeType::ScienceCity, "scienceCityId")?;
                Scope::ScienceCity(references::science_city(db, "scienceCityId", id).await?.id)
            }
            (None, Some(code)) => {
                Scope::Region(regions::resolve(db, "regionCode", &code).await?.id)
            }
            (Some(_), Some(_)) => {
                return Err(AppError::invalid(
                    "scienceCityId",
                    "name a science city or a region, not both",
                )
                .into());
            }
            (None, None) => {
                return Err(AppError::invalid(
                    "scienceCityId",
                    "name a science city (scienceCityId) or a region (regionCode)",
                )
                .into());
            }
        };
        Ok(ProgrammeFigures(programme::figures(db, scope, year).await?))
    }
}
