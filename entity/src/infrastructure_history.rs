//! The append-only history of an infrastructure project: one entry per version.

use sea_orm::entity::prelude::*;

use crate::infrastructure_project::InfrastructureStage;

/// What an entry records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum InfrastructureChange {
    /// The project was recorded.
    #[sea_orm(string_value = "CREATED")]
    Created,
    /// The stage changed.
    #[sea_orm(string_value = "STAGE")]
    Stage,
    /// Its details (titles, cost, site, milestones, operator) changed.
    #[sea_orm(string_value = "DETAILS")]
    Details,
    /// A financing commitment or disbursement was recorded.
    #[sea_orm(string_value = "FINANCING")]
    Financing,
}

/// A history row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "infrastructure_history")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The project.
    pub project_id: i64,
    /// The version this entry made.
    pub version: i32,
    /// What changed.
    pub change: InfrastructureChange,
    /// The stage before, for stage changes.
    pub from_stage: Option<InfrastructureStage>,
    /// The stage after.
    pub to_stage: InfrastructureStage,
    /// The writer's note.
    pub note: Option<String>,
    /// Who.
    pub actor_user_id: i64,
    /// When.
    pub at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
