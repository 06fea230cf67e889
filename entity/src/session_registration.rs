//! An organisation registered for a session, with the slots it is available in.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Slot indices stored as a JSON array.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
pub struct Slots(pub Vec<i32>);

/// A registration row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "session_registration")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The session.
    pub session_id: i64,
    /// The registered organisation.
    pub organization_id: i64,
    /// Slot indices the organisation can meet in.
    pub availability: Slots,
    /// Unguessable token of the organisation's calendar feed URL.
    pub calendar_token: String,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
