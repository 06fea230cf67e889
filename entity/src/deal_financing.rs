//! One financing line of a deal.

use sea_orm::entity::prelude::*;

/// Where money comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum FinancingSource {
    /// Private investors or the parties' own funds.
    #[sea_orm(string_value = "PRIVATE")]
    Private,
    /// Public–private partnership.
    #[sea_orm(string_value = "PPP")]
    Ppp,
    /// A second-tier bank.
    #[sea_orm(string_value = "BANK")]
    Bank,
    /// An international financial institution.
    #[sea_orm(string_value = "IFI")]
    Ifi,
    /// A state grant.
    #[sea_orm(string_value = "STATE_GRANT")]
    StateGrant,
    /// A subsoil user's R&D obligation (1% of costs by law).
    #[sea_orm(string_value = "SUBSOIL_USER_RD_OBLIGATION")]
    SubsoilUserRdObligation,
}

/// A financing row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deal_financing")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The deal.
    pub deal_id: i64,
    /// Where the money comes from.
    pub source: FinancingSource,
    /// Amount in tiyn.
    pub amount: i64,
    /// The investing organisation, if named.
    pub investor_organization_id: Option<i64>,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
