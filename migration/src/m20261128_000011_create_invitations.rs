//! Membership by consent: an organisation's admin invites an e-mail, and the person behind it
//! accepts or declines. At most one open invitation per (organisation, e-mail), held by a partial
//! unique index so that two admins inviting at once cannot create two.

use sea_orm_migration::{prelude::*, schema::*};

use super::{
    m20261124_000002_create_registry::Organization, m20261124_000003_create_accounts::UserAccount,
};

/// Creates `invitation`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000011_create_invitations"
    }
}

#[derive(DeriveIden)]
enum Invitation {
    Table,
    Id,
    OrganizationId,
    Email,
    Role,
    InvitedBy,
    CreatedAt,
    ExpiresAt,
    AnsweredAt,
    Accepted,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Invitation::Table)
                    .col(big_pk_auto(Invitation::Id))
                    .col(big_integer(Invitation::OrganizationId))
                    .col(string_len(Invitation::Email, 254))
                    .col(
                        string_len(Invitation::Role, 16)
                            .check(Expr::col(Invitation::Role).is_in(["ADMIN", "MEMBER"])),
                    )
                    .col(big_integer(Invitation::InvitedBy))
                    .col(timestamp_with_time_zone(Invitation::CreatedAt))
                    .col(timestamp_with_time_zone(Invitation::ExpiresAt))
                    .col(timestamp_with_time_zone_null(Invitation::AnsweredAt))
                    .col(boolean_null(Invitation::Accepted))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Invitation::Table, Invitation::OrganizationId)
                            .to(Organization::Table, Organization::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Invitation::Table, Invitation::InvitedBy)
                            .to(UserAccount::Table, UserAccount::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Partial indexes are written the same way in SQLite and PostgreSQL.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX invitation_open_key ON invitation (organization_id, email) \
                 WHERE answered_at IS NULL",
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared("CREATE INDEX invitation_email_idx ON invitation (email)")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Invitation::Table).to_owned())
            .await
    }
}
