//! The outbox: every change others may watch writes one `event` row in the same transaction as
//! the change. Its id is the cursor subscribers resume from.

use sea_orm_migration::{prelude::*, schema::*};

use super::plain_index;

/// Creates `event`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000015_create_outbox"
    }
}

#[derive(DeriveIden)]
enum Event {
    Table,
    Id,
    Topic,
    ScopeId,
    ItemId,
    Kind,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Event::Table)
                    .col(big_pk_auto(Event::Id))
                    .col(
                        string_len(Event::Topic, 16).check(Expr::col(Event::Topic).is_in([
                            "MEETING",
                            "DEAL",
                            "CAPABILITY",
                        ])),
                    )
                    // The session of a meeting event, the deal of a deal event, the organisation
                    // of a capability event.
                    .col(big_integer(Event::ScopeId))
                    // The meeting, deal or capability that changed.
                    .col(big_integer(Event::ItemId))
                    .col(string_len(Event::Kind, 32))
                    .col(timestamp_with_time_zone(Event::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("event_topic_scope_id_idx")
                    .table(Event::Table)
                    .col(Event::Topic)
                    .col(Event::ScopeId)
                    .col(Event::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(plain_index(Event::Table, "created_at"))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Event::Table).to_owned())
            .await
    }
}
