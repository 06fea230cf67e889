//! Technology readiness levels 1–9 (EU Horizon 2020 scale). Reference data.

use sea_orm::entity::prelude::*;

/// One readiness level.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trl_level")]
pub struct Model {
    /// The level, 1 to 9.
    #[sea_orm(primary_key, auto_increment = false)]
    pub level: i32,
    /// Its definition in English.
    pub name_en: String,
    /// Its definition in Russian.
    pub name_ru: Option<String>,
    /// Its definition in Kazakh.
    pub name_kk: Option<String>,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
