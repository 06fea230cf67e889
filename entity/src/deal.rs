//! A technology-transfer deal, its parties, financing and history.

use sea_orm::entity::prelude::*;

use crate::need::Strings;

/// What kind of transfer a deal is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum DealType {
    /// Exclusive licence.
    #[sea_orm(string_value = "EXCLUSIVE_LICENCE")]
    ExclusiveLicence,
    /// Non-exclusive licence.
    #[sea_orm(string_value = "NON_EXCLUSIVE_LICENCE")]
    NonExclusiveLicence,
    /// Sole licence (exclusive but the licensor keeps its own use).
    #[sea_orm(string_value = "SOLE_LICENCE")]
    SoleLicence,
    /// Option to license later.
    #[sea_orm(string_value = "OPTION")]
    Option,
    /// Assignment of the rights.
    #[sea_orm(string_value = "ASSIGNMENT")]
    Assignment,
    /// Contract research and development.
    #[sea_orm(string_value = "RD_CONTRACT")]
    RdContract,
    /// Collaborative research.
    #[sea_orm(string_value = "COLLABORATIVE_RESEARCH")]
    CollaborativeResearch,
    /// A spin-off company (equity).
    #[sea_orm(string_value = "SPIN_OFF")]
    SpinOff,
    /// Consultancy.
    #[sea_orm(string_value = "CONSULTANCY")]
    Consultancy,
    /// A joint venture.
    #[sea_orm(string_value = "JOINT_VENTURE")]
    JointVenture,
}

/// Where a deal stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum DealStage {
    /// Proposed by one side.
    #[sea_orm(string_value = "PROPOSED")]
    Proposed,
    /// Terms under negotiation.
    #[sea_orm(string_value = "NEGOTIATING")]
    Negotiating,
    /// Signed.
    #[sea_orm(string_value = "SIGNED")]
    Signed,
    /// Being carried out.
    #[sea_orm(string_value = "IN_EXECUTION")]
    InExecution,
    /// Carried out (final).
    #[sea_orm(string_value = "COMPLETED")]
    Completed,
    /// Called off (final).
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
    /// Lapsed before signature (final).
    #[sea_orm(string_value = "EXPIRED")]
    Expired,
}

/// A deal row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deal")]
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
    /// Kind of transfer.
    pub deal_type: DealType,
    /// Where it stands.
    pub stage: DealStage,
    /// Value in tiyn (1/100 KZT).
    pub value: i64,
    /// IP terms: field of use.
    pub field_of_use: Option<String>,
    /// IP terms: territory.
    pub territory: Option<String>,
    /// IP terms: royalty in basis points (1/100 of a percent).
    pub royalty_basis_points: Option<i32>,
    /// IP terms: milestones.
    pub milestones: Strings,
    /// Origin: the need.
    pub need_id: Option<i64>,
    /// Origin: the capability.
    pub capability_id: Option<i64>,
    /// Origin: the meeting.
    pub meeting_id: Option<i64>,
    /// Origin: the session.
    pub session_id: Option<i64>,
    /// The science city its figures count for.
    pub science_city_id: Option<i64>,
    /// When it was signed.
    pub signed_at: Option<DateTimeUtc>,
    /// Optimistic-concurrency version, +1 per change.
    pub version: i32,
    /// Who recorded it.
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
