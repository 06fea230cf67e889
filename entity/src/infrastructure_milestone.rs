//! The date a project is planned to reach a stage, and the date it did.

use sea_orm::entity::prelude::*;

use crate::infrastructure_project::InfrastructureStage;

/// A milestone row; one per (project, stage).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "infrastructure_milestone")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The project.
    pub project_id: i64,
    /// The stage to reach.
    pub stage: InfrastructureStage,
    /// When it is planned to be reached.
    pub planned_on: Date,
    /// When it was reached.
    pub reached_on: Option<Date>,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
