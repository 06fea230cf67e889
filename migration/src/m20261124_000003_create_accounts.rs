//! Accounts: users, their memberships in organisations, and refresh tokens.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261124_000002_create_registry::Organization;
use crate::{plain_index, unique_index};

/// Creates `user_account`, `membership` and `refresh_token`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000003_create_accounts"
    }
}

/// `user` is a reserved word in PostgreSQL, hence `user_account`.
#[derive(DeriveIden)]
pub(crate) enum UserAccount {
    Table,
    Id,
    Email,
    PasswordHash,
    DisplayName,
    IsPlatformAdmin,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Membership {
    Table,
    Id,
    UserId,
    OrganizationId,
    Role,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RefreshToken {
    Table,
    Id,
    UserId,
    TokenHash,
    FamilyId,
    ExpiresAt,
    UsedAt,
    RevokedAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(UserAccount::Table)
                    .col(big_pk_auto(UserAccount::Id))
                    .col(string_len(UserAccount::Email, 254))
                    .col(string(UserAccount::PasswordHash))
                    .col(string(UserAccount::DisplayName))
                    .col(boolean(UserAccount::IsPlatformAdmin).default(false))
                    .col(timestamp_with_time_zone(UserAccount::CreatedAt))
                    .col(timestamp_with_time_zone(UserAccount::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(UserAccount::Table, &["email"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Membership::Table)
                    .col(big_pk_auto(Membership::Id))
                    .col(big_integer(Membership::UserId))
                    .col(big_integer(Membership::OrganizationId))
                    .col(
                        string_len(Membership::Role, 16)
                            .check(Expr::col(Membership::Role).is_in(["ADMIN", "MEMBER"])),
                    )
                    .col(timestamp_with_time_zone(Membership::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Membership::Table, Membership::UserId)
                            .to(UserAccount::Table, UserAccount::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Membership::Table, Membership::OrganizationId)
                            .to(Organization::Table, Organization::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                Membership::Table,
                &["user_id", "organization_id"],
            ))
            .await?;
        manager
            .create_index(plain_index(Membership::Table, "organization_id"))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RefreshToken::Table)
                    .col(big_pk_auto(RefreshToken::Id))
                    .col(big_integer(RefreshToken::UserId))
                    .col(string_len(RefreshToken::TokenHash, 64))
                    .col(string_len(RefreshToken::FamilyId, 64))
                    .col(timestamp_with_time_zone(RefreshToken::ExpiresAt))
                    .col(timestamp_with_time_zone_null(RefreshToken::UsedAt))
                    .col(timestamp_with_time_zone_null(RefreshToken::RevokedAt))
                    .col(timestamp_with_time_zone(RefreshToken::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RefreshToken::Table, RefreshToken::UserId)
                            .to(UserAccount::Table, UserAccount::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(RefreshToken::Table, &["token_hash"]))
            .await?;
        for column in ["family_id", "user_id"] {
            manager
                .create_index(plain_index(RefreshToken::Table, column))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            RefreshToken::Table.into_iden(),
            Membership::Table.into_iden(),
            UserAccount::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
