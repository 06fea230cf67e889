//! An outbox row: a change others may watch, written in the same transaction as the change.

use sea_orm::entity::prelude::*;

/// What an event is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Topic {
    /// A meeting changed; the scope is its session.
    #[sea_orm(string_value = "MEETING")]
    Meeting,
    /// A deal changed; the scope is the deal.
    #[sea_orm(string_value = "DEAL")]
    Deal,
    /// A capability was posted or changed; the scope is its organisation.
    #[sea_orm(string_value = "CAPABILITY")]
    Capability,
}

/// An event row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event")]
pub struct Model {
    /// The cursor: increasing with every event.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// What it is about.
    pub topic: Topic,
    /// The session of a meeting event, the deal of a deal event, the organisation of a
    /// capability event.
    pub scope_id: i64,
    /// The meeting, deal or capability that changed.
    pub item_id: i64,
    /// What happened, e.g. `BOOKED`.
    pub kind: String,
    /// When.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
