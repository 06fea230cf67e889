//! A financing commitment to an infrastructure project: who puts in what, from which source,
//! through which instrument, pledged and committed. Disbursements are their own rows.

use sea_orm::entity::prelude::*;

/// Where programme money comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum InvestmentSource {
    /// Private investors.
    #[sea_orm(string_value = "PRIVATE")]
    Private,
    /// A public–private partnership: the financier is the private partner.
    #[sea_orm(string_value = "PPP")]
    Ppp,
    /// A second-tier bank.
    #[sea_orm(string_value = "BANK")]
    Bank,
    /// An international financial institution.
    #[sea_orm(string_value = "IFI")]
    Ifi,
    /// The republican budget.
    #[sea_orm(string_value = "STATE_BUDGET")]
    StateBudget,
    /// A local (regional or city) budget.
    #[sea_orm(string_value = "LOCAL_BUDGET")]
    LocalBudget,
    /// A grant.
    #[sea_orm(string_value = "GRANT")]
    Grant,
    /// Subsoil users' obligation to spend on R&D.
    #[sea_orm(string_value = "SUBSOIL_USER_RD_OBLIGATION")]
    SubsoilUserRdObligation,
}

impl InvestmentSource {
    /// Budget money: what leverage is measured against.
    pub fn is_budget(self) -> bool {
        matches!(self, Self::StateBudget | Self::LocalBudget)
    }
}

/// How the money is put in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum FinancingInstrument {
    /// An equity stake.
    #[sea_orm(string_value = "EQUITY")]
    Equity,
    /// A loan.
    #[sea_orm(string_value = "LOAN")]
    Loan,
    /// A grant.
    #[sea_orm(string_value = "GRANT")]
    Grant,
    /// A guarantee.
    #[sea_orm(string_value = "GUARANTEE")]
    Guarantee,
    /// A concession.
    #[sea_orm(string_value = "CONCESSION")]
    Concession,
}

/// A commitment row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "infrastructure_financing")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The project.
    pub project_id: i64,
    /// Where the money comes from.
    pub source: InvestmentSource,
    /// How it is put in.
    pub instrument: FinancingInstrument,
    /// Who puts it in (the private partner of a PPP).
    pub financier_id: Option<i64>,
    /// The public party of a PPP.
    pub public_party_id: Option<i64>,
    /// Announced, in tiyn.
    pub pledged: i64,
    /// Contractually committed, in tiyn.
    pub committed: i64,
    /// When it was pledged.
    pub pledged_on: Date,
    /// When it was committed.
    pub committed_on: Option<Date>,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
