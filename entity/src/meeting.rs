//! A 1:1 brokerage meeting requested between two participants of a session.

use sea_orm::entity::prelude::*;

/// Where a meeting request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum MeetingStatus {
    /// Asked for; waiting for the invitee. Blocks no slot.
    #[sea_orm(string_value = "REQUESTED")]
    Requested,
    /// Accepted; waiting for a slot and table.
    #[sea_orm(string_value = "ACCEPTED")]
    Accepted,
    /// Declined by the invitee, with a reason.
    #[sea_orm(string_value = "DECLINED")]
    Declined,
    /// Placed in a slot at a table; both parties are busy then.
    #[sea_orm(string_value = "BOOKED")]
    Booked,
    /// Called off by a party or the organiser.
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
    /// Asked for and never answered before the request's time to live or its session ran out
    /// (see `expiryReason`). Blocks no slot, and the two may ask again.
    // Never stored (the table refuses it): a `REQUESTED` row reads as `EXPIRED` from then on
    // (`domain::meetings::status`), so expiry takes effect to the second without a sweeper.
    #[sea_orm(string_value = "EXPIRED")]
    Expired,
}

/// Why an invitee declined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum DeclineReason {
    /// The topic is not relevant to the invitee.
    #[sea_orm(string_value = "NOT_RELEVANT")]
    NotRelevant,
    /// The invitee cannot take on more work.
    #[sea_orm(string_value = "NO_CAPACITY")]
    NoCapacity,
    /// The timing does not suit.
    #[sea_orm(string_value = "TIMING")]
    Timing,
    /// The two already work together.
    #[sea_orm(string_value = "ALREADY_IN_CONTACT")]
    AlreadyInContact,
    /// Another reason.
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// A meeting row.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The session.
    pub session_id: i64,
    /// The organisation asking.
    pub requester_id: i64,
    /// The organisation asked.
    pub invitee_id: i64,
    /// The need it is about, if any.
    pub need_id: Option<i64>,
    /// The capability it is about, if any.
    pub capability_id: Option<i64>,
    /// The requester's note.
    pub message: Option<String>,
    /// Where it stands.
    pub status: MeetingStatus,
    /// Why it was declined.
    pub decline_reason: Option<DeclineReason>,
    /// Slot index once booked.
    pub slot: Option<i32>,
    /// Table number (1-based) once booked.
    pub table_no: Option<i32>,
    /// Match score of the need and capability at request time, if both were named.
    pub score: Option<f64>,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
