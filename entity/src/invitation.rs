//! An invitation to join an organisation, addressed to an e-mail; open until answered or expired.

use sea_orm::entity::prelude::*;

use crate::membership::MembershipRole;

/// An invitation row. At most one open (unanswered) invitation per (organisation, e-mail).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invitation")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The organisation to join.
    pub organization_id: i64,
    /// Who is invited, normalised (trimmed, lower case).
    pub email: String,
    /// The role the invitee gets on accepting.
    pub role: MembershipRole,
    /// The admin who invited.
    pub invited_by: i64,
    /// When it was sent (or last renewed).
    pub created_at: DateTimeUtc,
    /// After this it can no longer be accepted.
    pub expires_at: DateTimeUtc,
    /// When the invitee answered; `None` while open.
    pub answered_at: Option<DateTimeUtc>,
    /// The answer.
    pub accepted: Option<bool>,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
