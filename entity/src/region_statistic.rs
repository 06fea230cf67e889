//! One named yearly statistic of a region (researchers, R&D spending, GRP, …).

use sea_orm::entity::prelude::*;

/// A statistic row; the value in thousandths of its unit.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "region_statistic")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The region.
    pub region_id: i64,
    /// The year.
    pub year: i32,
    /// The statistic's name, e.g. `RESEARCHERS`.
    pub name: String,
    /// Value, in thousandths.
    pub value: i64,
    /// When it was recorded.
    pub recorded_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
