//! Organisations imported from an outside registry keep where they came from (`source`) and
//! their id there (`external_id`), so a second import finds and updates them instead of
//! duplicating them.

use sea_orm_migration::prelude::*;

use super::m20261124_000002_create_registry::Organization;
use crate::unique_index;

/// Adds `organization.source` and `organization.external_id`, unique together.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000009_add_organization_external_id"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Imported {
    Source,
    ExternalId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for (column, len) in [(Imported::Source, 64), (Imported::ExternalId, 128)] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Organization::Table)
                        .add_column(ColumnDef::new(column).string_len(len).null())
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(unique_index(
                Organization::Table,
                &["source", "external_id"],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("organization_source_external_id_key")
                    .table(Organization::Table)
                    .to_owned(),
            )
            .await?;
        for column in [Imported::ExternalId, Imported::Source] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Organization::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
