//! A refresh token. Only its SHA-256 hash is stored; tokens of one sign-in share a family so that
//! reuse of a rotated token can revoke the whole chain.

use sea_orm::entity::prelude::*;

/// A refresh-token row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "refresh_token")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Whose token it is.
    pub user_id: i64,
    /// Hex SHA-256 of the token.
    pub token_hash: String,
    /// Shared by every token rotated from one sign-in.
    pub family_id: String,
    /// After this instant the token is refused.
    pub expires_at: DateTimeUtc,
    /// Set when the token was exchanged for a new pair; it is refused afterwards.
    pub used_at: Option<DateTimeUtc>,
    /// Set on logout or on detected reuse.
    pub revoked_at: Option<DateTimeUtc>,
    /// When the token was issued.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
