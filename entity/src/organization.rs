//! An organisation: enterprise, university, R&D site, investor or the Management Company.

use sea_orm::entity::prelude::*;

/// What kind of organisation this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum OrganizationKind {
    /// A company with technology needs.
    #[sea_orm(string_value = "ENTERPRISE")]
    Enterprise,
    /// A university.
    #[sea_orm(string_value = "UNIVERSITY")]
    University,
    /// A research institute.
    #[sea_orm(string_value = "RESEARCH_INSTITUTE")]
    ResearchInstitute,
    /// A technopark.
    #[sea_orm(string_value = "TECHNOPARK")]
    Technopark,
    /// An engineering centre.
    #[sea_orm(string_value = "ENGINEERING_CENTER")]
    EngineeringCenter,
    /// A design bureau.
    #[sea_orm(string_value = "DESIGN_BUREAU")]
    DesignBureau,
    /// A robotics centre.
    #[sea_orm(string_value = "ROBOTICS_CENTER")]
    RoboticsCenter,
    /// A laboratory.
    #[sea_orm(string_value = "LABORATORY")]
    Laboratory,
    /// A technology-transfer office.
    #[sea_orm(string_value = "TECH_TRANSFER_OFFICE")]
    TechTransferOffice,
    /// The Management Company of a science city.
    #[sea_orm(string_value = "MANAGEMENT_COMPANY")]
    ManagementCompany,
    /// A bank, fund or international financial institution.
    #[sea_orm(string_value = "INVESTOR")]
    Investor,
}

/// An organisation row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organization")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Kind of organisation.
    pub kind: OrganizationKind,
    /// Name in Kazakh.
    pub name_kk: Option<String>,
    /// Name in Russian.
    pub name_ru: Option<String>,
    /// Name in English.
    pub name_en: Option<String>,
    /// Description in Kazakh.
    pub description_kk: Option<String>,
    /// Description in Russian.
    pub description_ru: Option<String>,
    /// Description in English.
    pub description_en: Option<String>,
    /// Business identification number; present exactly when `country` is `KZ`.
    pub bin: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// Region (Kazakh organisations).
    pub region_id: Option<i64>,
    /// Science city the organisation belongs to, if any.
    pub science_city_id: Option<i64>,
    /// Public web site.
    pub website: Option<String>,
    /// Case-folded names and BIN, for the `text` filter; derived, never shown.
    pub search_text: String,
    /// Matching revision of the last change to what matching reads (region, science city).
    pub matching_revision: i64,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// The registry the organisation was imported from (e.g. `cordis`), if any.
    pub source: Option<String>,
    /// Its id in that registry; unique per source.
    pub external_id: Option<String>,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
