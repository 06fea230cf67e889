//! An organisation that took part in a portfolio item, with its role.

use sea_orm::entity::prelude::*;

/// An organisation's part in an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ParticipantRole {
    /// Led the work.
    #[sea_orm(string_value = "COORDINATOR")]
    Coordinator,
    /// Took part.
    #[sea_orm(string_value = "PARTICIPANT")]
    Participant,
    /// Any other part (third party, associated partner, …).
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// A participation row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "portfolio_participant")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The item.
    pub item_id: i64,
    /// The organisation.
    pub organization_id: i64,
    /// Its part in the item.
    pub role: ParticipantRole,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
