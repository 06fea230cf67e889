//! One party's report on a booked meeting after its slot: whether it took place and what came
//! of it. One row per (meeting, party); a later survey updates it.

use sea_orm::entity::prelude::*;

/// Whether the meeting took place, as one party saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Attendance {
    /// Both parties met.
    #[sea_orm(string_value = "HELD")]
    Held,
    /// The other party did not come.
    #[sea_orm(string_value = "NO_SHOW")]
    NoShow,
    /// Called off too late to free the slot.
    #[sea_orm(string_value = "CANCELLED_LATE")]
    CancelledLate,
}

/// What came of a meeting that took place, from least to most; ordered so that the furthest
/// outcome either party reports is the meeting's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, EnumIter, DeriveActiveEnum)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum MeetingOutcome {
    /// Nothing further planned.
    #[sea_orm(string_value = "NO_FURTHER_CONTACT")]
    NoFurtherContact,
    /// The parties plan to talk again.
    #[sea_orm(string_value = "FOLLOW_UP_PLANNED")]
    FollowUpPlanned,
    /// A non-disclosure agreement is signed.
    #[sea_orm(string_value = "NDA_SIGNED")]
    NdaSigned,
    /// A proposal has been sent.
    #[sea_orm(string_value = "PROPOSAL_SENT")]
    ProposalSent,
    /// The parties agreed to work together.
    #[sea_orm(string_value = "AGREEMENT_REACHED")]
    AgreementReached,
}

/// A report row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_report")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The meeting.
    pub meeting_id: i64,
    /// The party reporting.
    pub organization_id: i64,
    /// Whether it took place.
    pub attendance: Attendance,
    /// What came of it (only when held).
    pub outcome: Option<MeetingOutcome>,
    /// A note for the two parties only.
    pub note: Option<String>,
    /// The user who last wrote it.
    pub reported_by: i64,
    /// First reported.
    pub created_at: DateTimeUtc,
    /// Last updated.
    pub updated_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
