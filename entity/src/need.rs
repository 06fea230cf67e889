//! A technology need an enterprise posts, hoping to find who can solve it.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Who may read a need in full.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Confidentiality {
    /// Everyone sees the whole need.
    #[sea_orm(string_value = "PUBLIC")]
    Public,
    /// Everyone sees the title and fields of science; the rest only the owner, platform admins
    /// and organisations it is shared with.
    #[sea_orm(string_value = "TEASER")]
    Teaser,
    /// Only the owner, platform admins and organisations it is shared with see it at all.
    #[sea_orm(string_value = "CONFIDENTIAL")]
    Confidential,
}

/// Where a need stands: `OPEN → MATCHED → CLOSED` (a match that falls through reopens it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum NeedStatus {
    /// Looking for a partner; matched against capabilities.
    #[sea_orm(string_value = "OPEN")]
    Open,
    /// A partner was found (the capability is recorded).
    #[sea_orm(string_value = "MATCHED")]
    Matched,
    /// Finished or withdrawn; no longer matched.
    #[sea_orm(string_value = "CLOSED")]
    Closed,
}

/// Economic sector, by section of Kazakhstan's OKED classifier (NACE Rev. 2 based).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Sector {
    /// OKED A: agriculture, forestry and fishing.
    #[sea_orm(string_value = "AGRICULTURE")]
    Agriculture,
    /// OKED B: mining and quarrying, oil and gas included.
    #[sea_orm(string_value = "MINING")]
    Mining,
    /// OKED C: manufacturing.
    #[sea_orm(string_value = "MANUFACTURING")]
    Manufacturing,
    /// OKED D: electricity, gas, steam and air-conditioning supply.
    #[sea_orm(string_value = "ENERGY")]
    Energy,
    /// OKED E: water supply, sewerage, waste management.
    #[sea_orm(string_value = "WATER_AND_WASTE")]
    WaterAndWaste,
    /// OKED F: construction.
    #[sea_orm(string_value = "CONSTRUCTION")]
    Construction,
    /// OKED H: transport and storage.
    #[sea_orm(string_value = "TRANSPORT")]
    Transport,
    /// OKED J: information and communication.
    #[sea_orm(string_value = "ICT")]
    Ict,
    /// OKED K: financial and insurance activities.
    #[sea_orm(string_value = "FINANCE")]
    Finance,
    /// OKED P: education.
    #[sea_orm(string_value = "EDUCATION")]
    Education,
    /// OKED Q: human health and social work.
    #[sea_orm(string_value = "HEALTH")]
    Health,
    /// OKED O: public administration and defence.
    #[sea_orm(string_value = "PUBLIC_ADMINISTRATION")]
    PublicAdministration,
    /// Any other OKED section.
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// A list of strings stored as a JSON array.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
pub struct Strings(pub Vec<String>);

/// A list of sectors stored as a JSON array.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
pub struct Sectors(pub Vec<Sector>);

/// A need row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "need")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The organisation that posted it.
    pub organization_id: i64,
    /// Title in Kazakh.
    pub title_kk: Option<String>,
    /// Title in Russian.
    pub title_ru: Option<String>,
    /// Title in English.
    pub title_en: Option<String>,
    /// Problem description in Kazakh.
    pub description_kk: Option<String>,
    /// Problem description in Russian.
    pub description_ru: Option<String>,
    /// Problem description in English.
    pub description_en: Option<String>,
    /// Free keywords.
    pub keywords: Strings,
    /// OECD FOS 2007 codes.
    pub fields: Strings,
    /// IRSTI (ГРНТИ) codes, optional.
    pub irsti_codes: Strings,
    /// Lowest acceptable TRL.
    pub trl_min: Option<i16>,
    /// Highest wanted TRL.
    pub trl_max: Option<i16>,
    /// Budget floor in tiyn (1/100 KZT).
    pub budget_min: Option<i64>,
    /// Budget ceiling in tiyn (1/100 KZT).
    pub budget_max: Option<i64>,
    /// When a solution is needed by.
    pub deadline: Option<Date>,
    /// Up to five must-have requirements.
    pub requirements: Strings,
    /// Who may read it.
    pub confidentiality: Confidentiality,
    /// Where it stands.
    pub status: NeedStatus,
    /// The enterprise's sector.
    pub sector: Option<Sector>,
    /// The capability it was matched with.
    pub matched_capability_id: Option<i64>,
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
