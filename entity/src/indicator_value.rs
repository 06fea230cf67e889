//! A reported actual value of an indicator for one science city and year.

use sea_orm::entity::prelude::*;

/// A reported value row; in thousandths of the indicator's unit.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "indicator_value")]
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
    /// Value, in thousandths.
    pub value: i64,
    /// Where the figure comes from.
    pub note: Option<String>,
    /// Who recorded it.
    pub recorded_by: i64,
    /// When.
    pub recorded_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
