//! Money actually paid under a financing commitment: one row per tranche.

use sea_orm::entity::prelude::*;

/// A disbursement row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "infrastructure_disbursement")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The commitment paid under.
    pub financing_id: i64,
    /// Its project.
    pub project_id: i64,
    /// Paid, in tiyn.
    pub amount: i64,
    /// When.
    pub paid_on: Date,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
