//! One party's seat in a booked meeting; unique per (session, slot, organisation).

use sea_orm::entity::prelude::*;

/// A seat row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_seat")]
pub struct Model {
    /// The meeting.
    #[sea_orm(primary_key, auto_increment = false)]
    pub meeting_id: i64,
    /// The session (repeated for the unique key).
    pub session_id: i64,
    /// The slot (repeated for the unique key).
    pub slot: i32,
    /// The party.
    #[sea_orm(primary_key, auto_increment = false)]
    pub organization_id: i64,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
