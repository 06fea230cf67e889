//! Accounts a platform admin can deactivate: `user_account.deactivated_at`, set while the account
//! may not sign in and its tokens are refused.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261124_000003_create_accounts::UserAccount;

/// Adds `user_account.deactivated_at`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000012_add_account_deactivation"
    }
}

#[derive(DeriveIden)]
enum Deactivation {
    DeactivatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(UserAccount::Table)
                    .add_column(timestamp_with_time_zone_null(Deactivation::DeactivatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(UserAccount::Table)
                    .drop_column(Deactivation::DeactivatedAt)
                    .to_owned(),
            )
            .await
    }
}
