//! A user's membership in an organisation, with a role.

use sea_orm::entity::prelude::*;

/// What a member may do for their organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum MembershipRole {
    /// Manages the organisation's profile and its members.
    #[sea_orm(string_value = "ADMIN")]
    Admin,
    /// Works on the organisation's profile, needs, capabilities and meetings.
    #[sea_orm(string_value = "MEMBER")]
    Member,
}

/// A membership row; unique per (user, organisation).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "membership")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The member.
    pub user_id: i64,
    /// The organisation.
    pub organization_id: i64,
    /// The member's role.
    pub role: MembershipRole,
    /// When the membership began.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
