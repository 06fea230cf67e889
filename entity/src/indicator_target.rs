//! A target and critical level of an indicator for one science city and year.

use sea_orm::entity::prelude::*;

/// A target row; figures in thousandths of the indicator's unit.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "indicator_target")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The indicator.
    pub indicator_id: i64,
    /// The science city.
    pub science_city_id: i64,
    /// The year.
    pub year: i32,
    /// Target, in thousandths.
    pub target: i64,
    /// Critical level, in thousandths.
    pub critical: i64,
    /// Whether this is demo data rather than an official figure.
    pub is_demo: bool,
    /// When it was last set.
    pub updated_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
