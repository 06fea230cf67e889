//! A region of Kazakhstan (oblast or city of republican significance). Reference data.

use sea_orm::entity::prelude::*;

/// One of the 20 regions, seeded by the first migration.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "region")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// ISO 3166-2 code, e.g. `KZ-75`.
    pub code: String,
    /// Nine-digit KATO code, e.g. `750000000`.
    pub kato_code: String,
    /// `oblast` or `city_republican`.
    pub kind: String,
    /// Name in Kazakh.
    pub name_kk: String,
    /// Name in Russian.
    pub name_ru: String,
    /// Name in English.
    pub name_en: String,
    /// Administrative centre in Kazakh (oblasts only).
    pub admin_centre_kk: Option<String>,
    /// Administrative centre in English (oblasts only).
    pub admin_centre_en: Option<String>,
}

/// No relations are navigated through sea-orm; the API batches them with DataLoaders.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
