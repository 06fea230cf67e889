//! Makes the deal history append-only in the database itself: updates and deletes of
//! `deal_history` rows are refused, whoever sends them.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

/// Adds triggers refusing UPDATE and DELETE on `deal_history`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000007_protect_deal_history"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE FUNCTION deal_history_append_only() RETURNS trigger AS $$ \
                     BEGIN RAISE EXCEPTION 'deal history is append-only'; END $$ LANGUAGE plpgsql",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER deal_history_append_only BEFORE UPDATE OR DELETE ON deal_history \
                     FOR EACH ROW EXECUTE FUNCTION deal_history_append_only()",
                )
                .await?;
            }
            _ => {
                for (name, event) in [("no_update", "UPDATE"), ("no_delete", "DELETE")] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER deal_history_{name} BEFORE {event} ON deal_history \
                         BEGIN SELECT RAISE(ABORT, 'deal history is append-only'); END"
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared("DROP TRIGGER deal_history_append_only ON deal_history")
                    .await?;
                db.execute_unprepared("DROP FUNCTION deal_history_append_only()")
                    .await?;
            }
            _ => {
                db.execute_unprepared("DROP TRIGGER deal_history_no_update")
                    .await?;
                db.execute_unprepared("DROP TRIGGER deal_history_no_delete")
                    .await?;
            }
        }
        Ok(())
    }
}
