//! Kopir's schema migrations, including the reference data the product cannot run without
//! (regions, fields of science, TRL levels). Migrations are append-only: never edit one that has
//! shipped; add a new one.

pub use sea_orm_migration::prelude::*;

mod m20261124_000001_create_reference_tables;
mod m20261124_000002_create_registry;
mod m20261124_000003_create_accounts;
mod m20261124_000004_create_matching;
mod m20261124_000005_create_sessions;
mod m20261125_000006_create_deals_and_indicators;
mod m20261125_000007_protect_deal_history;
mod m20261128_000008_create_portfolio;
mod m20261128_000009_add_organization_external_id;
mod m20261128_000010_add_portfolio_revision;
mod m20261128_000011_create_invitations;
mod m20261128_000012_add_account_deactivation;
mod m20261129_000013_create_meeting_reports;
mod m20261129_000014_create_infrastructure;
mod m20261129_000015_create_outbox;
mod m20261207_000016_translate_reference_data;
mod m20261207_000017_index_seats_by_organization;

/// Runs Kopir's migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_create_reference_tables::Migration),
            Box::new(m20261124_000002_create_registry::Migration),
            Box::new(m20261124_000003_create_accounts::Migration),
            Box::new(m20261124_000004_create_matching::Migration),
            Box::new(m20261124_000005_create_sessions::Migration),
            Box::new(m20261125_000006_create_deals_and_indicators::Migration),
            Box::new(m20261125_000007_protect_deal_history::Migration),
            Box::new(m20261128_000008_create_portfolio::Migration),
            Box::new(m20261128_000009_add_organization_external_id::Migration),
            Box::new(m20261128_000010_add_portfolio_revision::Migration),
            Box::new(m20261128_000011_create_invitations::Migration),
            Box::new(m20261128_000012_add_account_deactivation::Migration),
            Box::new(m20261129_000013_create_meeting_reports::Migration),
            Box::new(m20261129_000014_create_infrastructure::Migration),
            Box::new(m20261129_000015_create_outbox::Migration),
            Box::new(m20261207_000016_translate_reference_data::Migration),
            Box::new(m20261207_000017_index_seats_by_organization::Migration),
        ]
    }
}

/// Builds a named unique index; the `{table}_{columns}_key` naming lets error mapping recognise
/// the violated constraint on PostgreSQL (which reports the index name) as well as on SQLite
/// (which reports `table.column`).
fn unique_index(table: impl IntoIden, columns: &[&'static str]) -> IndexCreateStatement {
    let table = table.into_iden();
    let table_name = table.to_string();
    let mut index = Index::create();
    index
        .name(format!("{table_name}_{}_key", columns.join("_")))
        .table(table)
        .unique();
    for column in columns {
        index.col(Alias::new(*column));
    }
    index.take()
}

/// Builds a plain (non-unique) index named `{table}_{column}_idx`.
fn plain_index(table: impl IntoIden, column: &'static str) -> IndexCreateStatement {
    let table = table.into_iden();
    let table_name = table.to_string();
    Index::create()
        .name(format!("{table_name}_{column}_idx"))
        .table(table)
        .col(Alias::new(column))
        .take()
}
