//! A science city (ғылым қаласы): a knowledge-intensive territory run by a Management Company.

use sea_orm::entity::prelude::*;

/// Where a science city stands in the designation process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ScienceCityStatus {
    /// Proposed; the region is being assessed.
    #[sea_orm(string_value = "CANDIDATE")]
    Candidate,
    /// Granted the status, not yet operating.
    #[sea_orm(string_value = "DESIGNATED")]
    Designated,
    /// Operating, with its Management Company in place.
    #[sea_orm(string_value = "ACTIVE")]
    Active,
}

/// A science city row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "science_city")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Name in Kazakh.
    pub name_kk: Option<String>,
    /// Name in Russian.
    pub name_ru: Option<String>,
    /// Name in English.
    pub name_en: Option<String>,
    /// The region it lies in.
    pub region_id: i64,
    /// Designation status.
    pub status: ScienceCityStatus,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
