//! Target indicators: definitions, targets per science city and year, reported values.

use sea_orm::entity::prelude::*;

/// How an indicator's actual value is obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum IndicatorMethod {
    /// Computed from the platform's own data.
    #[sea_orm(string_value = "COMPUTED")]
    Computed,
    /// Reported by the Management Company.
    #[sea_orm(string_value = "REPORTED")]
    Reported,
}

/// An indicator definition.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "indicator")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Stable code, e.g. `DEALS_SIGNED`.
    pub code: String,
    /// Title in Kazakh.
    pub title_kk: String,
    /// Title in Russian.
    pub title_ru: String,
    /// Title in English.
    pub title_en: String,
    /// `count`, `KZT` or `percent`.
    pub unit: String,
    /// The Concept direction it measures.
    pub direction: String,
    /// How the actual is obtained.
    pub method: IndicatorMethod,
    /// Order in reports.
    pub position: i32,
    /// Whether a lower figure is better (a no-show rate): the target is then a ceiling and the
    /// critical level above it.
    pub lower_is_better: bool,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
