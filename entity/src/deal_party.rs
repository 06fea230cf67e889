//! An organisation taking part in a deal, with its role.

use sea_orm::entity::prelude::*;

/// A party's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum PartyRole {
    /// Provides the technology or the work.
    #[sea_orm(string_value = "PROVIDER")]
    Provider,
    /// Receives it.
    #[sea_orm(string_value = "RECIPIENT")]
    Recipient,
    /// Finances it.
    #[sea_orm(string_value = "INVESTOR")]
    Investor,
    /// Brokers it (e.g. a technology-transfer office).
    #[sea_orm(string_value = "INTERMEDIARY")]
    Intermediary,
}

/// A party row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deal_party")]
pub struct Model {
    /// The deal.
    #[sea_orm(primary_key, auto_increment = false)]
    pub deal_id: i64,
    /// The organisation.
    #[sea_orm(primary_key, auto_increment = false)]
    pub organization_id: i64,
    /// Its role.
    pub role: PartyRole,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
