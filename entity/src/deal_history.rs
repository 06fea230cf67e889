//! The append-only history of a deal: one entry per version.

use sea_orm::entity::prelude::*;

use crate::deal::DealStage;

/// What an entry records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum DealChange {
    /// The deal was recorded.
    #[sea_orm(string_value = "RECORDED")]
    Recorded,
    /// The stage changed.
    #[sea_orm(string_value = "STAGE")]
    Stage,
    /// Terms, value or financing changed.
    #[sea_orm(string_value = "TERMS")]
    Terms,
}

/// A history row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deal_history")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The deal.
    pub deal_id: i64,
    /// The deal's version after the change.
    pub version: i32,
    /// Who changed it.
    pub actor_user_id: i64,
    /// When.
    pub at: DateTimeUtc,
    /// What changed.
    pub change: DealChange,
    /// Stage before.
    pub from_stage: Option<DealStage>,
    /// Stage after.
    pub to_stage: Option<DealStage>,
    /// The actor's note.
    pub note: Option<String>,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
