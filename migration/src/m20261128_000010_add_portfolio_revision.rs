//! Portfolio items feed partner matching, so each carries the matching revision of its last
//! write, as needs and capabilities do: every replica's matching index loads the items written
//! since the revision it has seen.

use sea_orm_migration::prelude::*;

use super::m20261128_000008_create_portfolio::PortfolioItem;
use crate::plain_index;

/// Adds `portfolio_item.revision`, indexed.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000010_add_portfolio_revision"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Matching {
    Revision,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(PortfolioItem::Table)
                    .add_column(
                        ColumnDef::new(Matching::Revision)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(plain_index(PortfolioItem::Table, "revision"))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("portfolio_item_revision_idx")
                    .table(PortfolioItem::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(PortfolioItem::Table)
                    .drop_column(Matching::Revision)
                    .to_owned(),
            )
            .await
    }
}
