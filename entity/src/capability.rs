//! A capability a university or R&D site offers: expertise, equipment, capacity.

use sea_orm::entity::prelude::*;

use crate::need::{Sectors, Strings};

/// A capability row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "capability")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The organisation offering it.
    pub organization_id: i64,
    /// Title in Kazakh.
    pub title_kk: Option<String>,
    /// Title in Russian.
    pub title_ru: Option<String>,
    /// Title in English.
    pub title_en: Option<String>,
    /// Expertise in Kazakh.
    pub description_kk: Option<String>,
    /// Expertise in Russian.
    pub description_ru: Option<String>,
    /// Expertise in English.
    pub description_en: Option<String>,
    /// Free keywords.
    pub keywords: Strings,
    /// OECD FOS 2007 codes.
    pub fields: Strings,
    /// Equipment and facilities.
    pub equipment: Strings,
    /// Technology readiness level reached.
    pub trl: Option<i16>,
    /// Lowest price in tiyn (1/100 KZT).
    pub price_min: Option<i64>,
    /// Highest price in tiyn (1/100 KZT).
    pub price_max: Option<i64>,
    /// Days from agreement to start.
    pub lead_time_days: Option<i32>,
    /// New projects it can take now.
    pub capacity: i32,
    /// Sectors the owner wants to work with; empty means any.
    pub sectors: Sectors,
    /// Whether it is offered at all.
    pub active: bool,
    /// Case-folded titles, for the `text` filter; derived, never shown.
    pub title_search: String,
    /// Matching revision of the last change; see `matching_revision`.
    pub revision: i64,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
