//! A field of science from the OECD Frascati classification (FOS 2007). Reference data.

use sea_orm::entity::prelude::*;

/// A major field (`2`) or a sub-field (`2.3`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "field_of_science")]
pub struct Model {
    /// Hierarchical code, e.g. `2.3`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    /// The major field's code for a sub-field; `None` for a major field.
    pub parent_code: Option<String>,
    /// Name in Kazakh, where translated.
    pub name_kk: Option<String>,
    /// Name in Russian, where translated.
    pub name_ru: Option<String>,
    /// Name in English (always present: the classification's own language).
    pub name_en: String,
    /// Display order (parents before their children).
    pub position: i32,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
