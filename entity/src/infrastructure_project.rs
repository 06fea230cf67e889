//! A piece of a science city's infrastructure being planned, financed, built or run.

use sea_orm::entity::prelude::*;

/// What is being built.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum InfrastructureKind {
    /// A university campus.
    #[sea_orm(string_value = "CAMPUS")]
    Campus,
    /// A laboratory.
    #[sea_orm(string_value = "LABORATORY")]
    Laboratory,
    /// An engineering centre.
    #[sea_orm(string_value = "ENGINEERING_CENTER")]
    EngineeringCenter,
    /// A technopark.
    #[sea_orm(string_value = "TECHNOPARK")]
    Technopark,
    /// A design bureau.
    #[sea_orm(string_value = "DESIGN_BUREAU")]
    DesignBureau,
    /// A robotics centre.
    #[sea_orm(string_value = "ROBOTICS_CENTER")]
    RoboticsCenter,
    /// The science city's own centre.
    #[sea_orm(string_value = "SCIENCE_CITY_CENTER")]
    ScienceCityCenter,
    /// A technology-transfer centre.
    #[sea_orm(string_value = "TECH_TRANSFER_CENTER")]
    TechTransferCenter,
    /// Anything else.
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// Where a project stands. It moves forward one stage at a time; it may be suspended from any
/// active stage (and resumed to the stage it left) or cancelled before it operates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum InfrastructureStage {
    /// Planned; financing not yet sought.
    #[sea_orm(string_value = "PLANNED")]
    Planned,
    /// Raising its financing.
    #[sea_orm(string_value = "FINANCING")]
    Financing,
    /// Being built.
    #[sea_orm(string_value = "CONSTRUCTION")]
    Construction,
    /// Built and accepted into use.
    #[sea_orm(string_value = "COMMISSIONED")]
    Commissioned,
    /// In regular operation.
    #[sea_orm(string_value = "OPERATING")]
    Operating,
    /// Stopped for now.
    #[sea_orm(string_value = "SUSPENDED")]
    Suspended,
    /// Abandoned.
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
}

/// A project row.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "infrastructure_project")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The science city it belongs to.
    pub science_city_id: i64,
    /// What is being built.
    pub kind: InfrastructureKind,
    /// Title in Kazakh.
    pub title_kk: Option<String>,
    /// Title in Russian.
    pub title_ru: Option<String>,
    /// Title in English.
    pub title_en: Option<String>,
    /// Description in Kazakh.
    pub description_kk: Option<String>,
    /// Description in Russian.
    pub description_ru: Option<String>,
    /// Description in English.
    pub description_en: Option<String>,
    /// The organisation sponsoring it.
    pub sponsor_id: i64,
    /// The organisation that will run it.
    pub operator_id: Option<i64>,
    /// The region of its site.
    pub region_id: i64,
    /// Site latitude.
    pub latitude: Option<f64>,
    /// Site longitude.
    pub longitude: Option<f64>,
    /// Total cost in tiyn.
    pub total_cost: i64,
    /// Floor area in square metres, where recorded.
    pub floor_area_m2: Option<i64>,
    /// Where it stands.
    pub stage: InfrastructureStage,
    /// Bumped by every write; each version has one history entry.
    pub version: i32,
    /// Who recorded it.
    pub created_by: i64,
    /// When it was recorded.
    pub created_at: DateTimeUtc,
    /// When it last changed.
    pub updated_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
