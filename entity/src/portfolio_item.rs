//! An item of an organisation's record of past work: a project, publication, patent or product.
//! Shared by every organisation that took part (see `portfolio_participant`).

use sea_orm::entity::prelude::*;

use crate::need::Strings;

/// What kind of work an item records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum PortfolioKind {
    /// A funded or contracted project.
    #[sea_orm(string_value = "PROJECT")]
    Project,
    /// A paper, book or report.
    #[sea_orm(string_value = "PUBLICATION")]
    Publication,
    /// A granted patent or application.
    #[sea_orm(string_value = "PATENT")]
    Patent,
    /// A product or service brought to market.
    #[sea_orm(string_value = "PRODUCT")]
    Product,
    /// Anything else worth showing.
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// A portfolio item row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "portfolio_item")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// What kind of work it records.
    pub kind: PortfolioKind,
    /// Title in Kazakh.
    pub title_kk: Option<String>,
    /// Title in Russian.
    pub title_ru: Option<String>,
    /// Title in English.
    pub title_en: Option<String>,
    /// Abstract in Kazakh.
    pub abstract_kk: Option<String>,
    /// Abstract in Russian.
    pub abstract_ru: Option<String>,
    /// Abstract in English.
    pub abstract_en: Option<String>,
    /// The year it is dated by (publication, grant, start).
    pub year: Option<i32>,
    /// When the work started.
    pub start_date: Option<Date>,
    /// When the work ended.
    pub end_date: Option<Date>,
    /// Who paid for it.
    pub funder: Option<String>,
    /// The funding programme or call.
    pub programme: Option<String>,
    /// Its amount in tiyn (1/100 KZT).
    pub amount: Option<i64>,
    /// OECD FOS 2007 codes.
    pub fields: Strings,
    /// Free keywords.
    pub keywords: Strings,
    /// The registry the item was imported from (e.g. `cordis`).
    pub source: Option<String>,
    /// Its id in that registry; unique per source.
    pub external_id: Option<String>,
    /// Whether only members of its participants (and platform admins) may read it.
    pub members_only: bool,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// The matching revision of the item's last write (see `matching_revision`).
    pub revision: i64,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
