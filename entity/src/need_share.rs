//! An organisation a confidential or teaser need is shared with.

use sea_orm::entity::prelude::*;

/// A need-share row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "need_share")]
pub struct Model {
    /// The need.
    #[sea_orm(primary_key, auto_increment = false)]
    pub need_id: i64,
    /// The organisation that may read it in full.
    #[sea_orm(primary_key, auto_increment = false)]
    pub organization_id: i64,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
