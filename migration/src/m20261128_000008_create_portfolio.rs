//! Organisations' portfolios: their past projects, publications, patents and products. One item
//! may have several participating organisations (a shared project is one row, not copies).

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261124_000002_create_registry::Organization;
use crate::{plain_index, unique_index};

/// Creates `portfolio_item` and `portfolio_participant`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000008_create_portfolio"
    }
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum PortfolioItem {
    Table,
    Id,
    Kind,
    TitleKk,
    TitleRu,
    TitleEn,
    AbstractKk,
    AbstractRu,
    AbstractEn,
    Year,
    StartDate,
    EndDate,
    Funder,
    Programme,
    Amount,
    Fields,
    Keywords,
    Source,
    ExternalId,
    MembersOnly,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PortfolioParticipant {
    Table,
    Id,
    ItemId,
    OrganizationId,
    Role,
}

/// Longest abstract in characters, per language (see `domain::portfolio`). `length` counts
/// characters on both SQLite and PostgreSQL.
const MAX_ABSTRACT: i32 = 20_000;

fn length_at_most(column: PortfolioItem, max: i32) -> Expr {
    Expr::col(column)
        .is_null()
        .or(Expr::expr(Func::cust(Alias::new("length")).arg(Expr::col(column))).lte(max))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use PortfolioItem as P;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(big_pk_auto(P::Id))
                    .col(string_len(P::Kind, 16).check(Expr::col(P::Kind).is_in([
                        "PROJECT",
                        "PUBLICATION",
                        "PATENT",
                        "PRODUCT",
                        "OTHER",
                    ])))
                    .col(text_null(P::TitleKk))
                    .col(text_null(P::TitleRu))
                    .col(text_null(P::TitleEn))
                    .col(
                        text_null(P::AbstractKk).check(length_at_most(P::AbstractKk, MAX_ABSTRACT)),
                    )
                    .col(
                        text_null(P::AbstractRu).check(length_at_most(P::AbstractRu, MAX_ABSTRACT)),
                    )
                    .col(
                        text_null(P::AbstractEn).check(length_at_most(P::AbstractEn, MAX_ABSTRACT)),
                    )
                    .col(
                        integer_null(P::Year).check(
                            Expr::col(P::Year)
                                .is_null()
                                .or(Expr::col(P::Year).between(1900, 2100)),
                        ),
                    )
                    .col(date_null(P::StartDate))
                    .col(date_null(P::EndDate))
                    .col(text_null(P::Funder))
                    .col(text_null(P::Programme))
                    .col(
                        big_integer_null(P::Amount).check(
                            Expr::col(P::Amount)
                                .is_null()
                                .or(Expr::col(P::Amount).gte(0)),
                        ),
                    )
                    .col(json(P::Fields))
                    .col(json(P::Keywords))
                    .col(string_len_null(P::Source, 64))
                    .col(string_len_null(P::ExternalId, 128))
                    .col(boolean(P::MembersOnly))
                    .col(timestamp_with_time_zone(P::CreatedAt))
                    .col(timestamp_with_time_zone(P::UpdatedAt))
                    .check(
                        Expr::col(P::TitleKk)
                            .is_not_null()
                            .or(Expr::col(P::TitleRu).is_not_null())
                            .or(Expr::col(P::TitleEn).is_not_null()),
                    )
                    .check(
                        Expr::col(P::StartDate)
                            .is_null()
                            .or(Expr::col(P::EndDate).is_null())
                            .or(Expr::col(P::StartDate).lte(Expr::col(P::EndDate))),
                    )
                    // An external id means something only with the registry it comes from.
                    .check(
                        Expr::col(P::ExternalId)
                            .is_null()
                            .or(Expr::col(P::Source).is_not_null()),
                    )
                    .to_owned(),
            )
            .await?;
        // The same record imported twice is one row (NULLs do not collide).
        manager
            .create_index(unique_index(P::Table, &["source", "external_id"]))
            .await?;

        use PortfolioParticipant as Q;
        manager
            .create_table(
                Table::create()
                    .table(Q::Table)
                    .col(big_pk_auto(Q::Id))
                    .col(big_integer(Q::ItemId))
                    .col(big_integer(Q::OrganizationId))
                    .col(string_len(Q::Role, 16).check(Expr::col(Q::Role).is_in([
                        "COORDINATOR",
                        "PARTICIPANT",
                        "OTHER",
                    ])))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Q::Table, Q::ItemId)
                            .to(P::Table, P::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Q::Table, Q::OrganizationId)
                            .to(Organization::Table, Organization::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(Q::Table, &["item_id", "organization_id"]))
            .await?;
        manager
            .create_index(plain_index(Q::Table, "organization_id"))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PortfolioParticipant::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(PortfolioItem::Table).to_owned())
            .await
    }
}
