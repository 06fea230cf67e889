//! A science-innovation session: a brokerage event of 1:1 meetings at a venue.

use sea_orm::entity::prelude::*;

use crate::need::Strings;

/// A session row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "session")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Title in Kazakh.
    pub title_kk: Option<String>,
    /// Title in Russian.
    pub title_ru: Option<String>,
    /// Title in English.
    pub title_en: Option<String>,
    /// Themes as OECD FOS 2007 codes.
    pub themes: Strings,
    /// The hosting organisation.
    pub venue_organization_id: i64,
    /// The science city it belongs to.
    pub science_city_id: Option<i64>,
    /// Start of the first slot (UTC).
    pub starts_at: DateTimeUtc,
    /// End of the session (UTC).
    pub ends_at: DateTimeUtc,
    /// IANA time zone the session is held in.
    pub time_zone: String,
    /// Minutes per meeting slot.
    pub slot_minutes: i32,
    /// Number of slots (derived from start, end and slot length).
    pub slot_count: i32,
    /// Meeting tables.
    pub tables: i32,
    /// Most organisations that may register.
    pub capacity: i32,
    /// Registration closes at this instant (UTC).
    pub registration_deadline: DateTimeUtc,
    /// The user who created it.
    pub created_by: i64,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
