//! A person who signs in to Kopir.

use sea_orm::entity::prelude::*;

/// A user row (`user` is reserved in PostgreSQL, hence `user_account`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user_account")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Sign-in e-mail, stored trimmed and lower-cased.
    pub email: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Name shown to others.
    pub display_name: String,
    /// Platform administrators act for the Management Company across the platform.
    pub is_platform_admin: bool,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Set while a platform admin has deactivated the account: it cannot sign in and its
    /// tokens are refused.
    pub deactivated_at: Option<DateTimeUtc>,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
