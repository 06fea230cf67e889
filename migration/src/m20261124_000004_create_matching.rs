//! Needs, capabilities, and the revision counter that keeps every replica's matching index
//! current.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261124_000002_create_registry::Organization;
use crate::plain_index;

/// Creates `capability`, `need`, `need_share` and `matching_revision`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000004_create_matching"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Need {
    Table,
    Id,
    OrganizationId,
    TitleKk,
    TitleRu,
    TitleEn,
    DescriptionKk,
    DescriptionRu,
    DescriptionEn,
    Keywords,
    Fields,
    IrstiCodes,
    TrlMin,
    TrlMax,
    BudgetMin,
    BudgetMax,
    Deadline,
    Requirements,
    Confidentiality,
    Status,
    Sector,
    MatchedCapabilityId,
    TitleSearch,
    Revision,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum NeedShare {
    Table,
    NeedId,
    OrganizationId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Capability {
    Table,
    Id,
    OrganizationId,
    TitleKk,
    TitleRu,
    TitleEn,
    DescriptionKk,
    DescriptionRu,
    DescriptionEn,
    Keywords,
    Fields,
    Equipment,
    Trl,
    PriceMin,
    PriceMax,
    LeadTimeDays,
    Capacity,
    Sectors,
    Active,
    TitleSearch,
    Revision,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MatchingRevision {
    Table,
    Id,
    Value,
}

#[derive(DeriveIden)]
enum OrganizationMatching {
    MatchingRevision,
}

const SECTORS: [&str; 13] = [
    "AGRICULTURE",
    "MINING",
    "MANUFACTURING",
    "ENERGY",
    "WATER_AND_WASTE",
    "CONSTRUCTION",
    "TRANSPORT",
    "ICT",
    "FINANCE",
    "EDUCATION",
    "HEALTH",
    "PUBLIC_ADMINISTRATION",
    "OTHER",
];

/// `column` is null or between 1 and 9 (TRL).
fn trl_check(column: impl IntoIden + Clone) -> Expr {
    Expr::col(column.clone())
        .is_null()
        .or(Expr::col(column).between(1, 9))
}

/// Neither bound negative, and the floor not above the ceiling.
fn range_check(min: impl IntoIden + Clone, max: impl IntoIden + Clone) -> Expr {
    Expr::col(min.clone())
        .is_null()
        .or(Expr::col(min.clone()).gte(0))
        .and(
            Expr::col(max.clone())
                .is_null()
                .or(Expr::col(max.clone()).gte(0)),
        )
        .and(
            Expr::col(min.clone())
                .is_null()
                .or(Expr::col(max.clone()).is_null())
                .or(Expr::col(min).lte(Expr::col(max))),
        )
}

fn some_title(kk: impl IntoIden, ru: impl IntoIden, en: impl IntoIden) -> Expr {
    Expr::col(kk)
        .is_not_null()
        .or(Expr::col(ru).is_not_null())
        .or(Expr::col(en).is_not_null())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Capability::Table)
                    .col(big_pk_auto(Capability::Id))
                    .col(big_integer(Capability::OrganizationId))
                    .col(string_null(Capability::TitleKk))
                    .col(string_null(Capability::TitleRu))
                    .col(string_null(Capability::TitleEn))
                    .col(text_null(Capability::DescriptionKk))
                    .col(text_null(Capability::DescriptionRu))
                    .col(text_null(Capability::DescriptionEn))
                    .col(json(Capability::Keywords))
                    .col(json(Capability::Fields))
                    .col(json(Capability::Equipment))
                    .col(small_integer_null(Capability::Trl).check(trl_check(Capability::Trl)))
                    .col(big_integer_null(Capability::PriceMin))
                    .col(big_integer_null(Capability::PriceMax))
                    .col(
                        integer_null(Capability::LeadTimeDays).check(
                            Expr::col(Capability::LeadTimeDays)
                                .is_null()
                                .or(Expr::col(Capability::LeadTimeDays).gte(0)),
                        ),
                    )
                    .col(
                        integer(Capability::Capacity).check(Expr::col(Capability::Capacity).gte(0)),
                    )
                    .col(json(Capability::Sectors))
                    .col(boolean(Capability::Active))
                    .col(text(Capability::TitleSearch))
                    .col(big_integer(Capability::Revision))
                    .col(timestamp_with_time_zone(Capability::CreatedAt))
                    .col(timestamp_with_time_zone(Capability::UpdatedAt))
                    .check(some_title(
                        Capability::TitleKk,
                        Capability::TitleRu,
                        Capability::TitleEn,
                    ))
                    .check(range_check(Capability::PriceMin, Capability::PriceMax))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Capability::Table, Capability::OrganizationId)
                            .to(Organization::Table, Organization::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Need::Table)
                    .col(big_pk_auto(Need::Id))
                    .col(big_integer(Need::OrganizationId))
                    .col(string_null(Need::TitleKk))
                    .col(string_null(Need::TitleRu))
                    .col(string_null(Need::TitleEn))
                    .col(text_null(Need::DescriptionKk))
                    .col(text_null(Need::DescriptionRu))
                    .col(text_null(Need::DescriptionEn))
                    .col(json(Need::Keywords))
                    .col(json(Need::Fields))
                    .col(json(Need::IrstiCodes))
                    .col(small_integer_null(Need::TrlMin).check(trl_check(Need::TrlMin)))
                    .col(small_integer_null(Need::TrlMax).check(trl_check(Need::TrlMax)))
                    .col(big_integer_null(Need::BudgetMin))
                    .col(big_integer_null(Need::BudgetMax))
                    .col(date_null(Need::Deadline))
                    .col(json(Need::Requirements))
                    .col(string_len(Need::Confidentiality, 16).check(
                        Expr::col(Need::Confidentiality).is_in([
                            "PUBLIC",
                            "TEASER",
                            "CONFIDENTIAL",
                        ]),
                    ))
                    .col(
                        string_len(Need::Status, 16)
                            .check(Expr::col(Need::Status).is_in(["OPEN", "MATCHED", "CLOSED"])),
                    )
                    .col(
                        string_len_null(Need::Sector, 32).check(
                            Expr::col(Need::Sector)
                                .is_null()
                                .or(Expr::col(Need::Sector).is_in(SECTORS)),
                        ),
                    )
                    .col(big_integer_null(Need::MatchedCapabilityId))
                    .col(text(Need::TitleSearch))
                    .col(big_integer(Need::Revision))
                    .col(timestamp_with_time_zone(Need::CreatedAt))
                    .col(timestamp_with_time_zone(Need::UpdatedAt))
                    .check(some_title(Need::TitleKk, Need::TitleRu, Need::TitleEn))
                    .check(range_check(Need::BudgetMin, Need::BudgetMax))
                    .check(
                        Expr::col(Need::TrlMin)
                            .is_null()
                            .or(Expr::col(Need::TrlMax).is_null())
                            .or(Expr::col(Need::TrlMin).lte(Expr::col(Need::TrlMax))),
                    )
                    // A matched need names its partner capability.
                    .check(
                        Expr::col(Need::Status)
                            .ne("MATCHED")
                            .or(Expr::col(Need::MatchedCapabilityId).is_not_null()),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Need::Table, Need::OrganizationId)
                            .to(Organization::Table, Organization::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Need::Table, Need::MatchedCapabilityId)
                            .to(Capability::Table, Capability::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(NeedShare::Table)
                    .col(big_integer(NeedShare::NeedId))
                    .col(big_integer(NeedShare::OrganizationId))
                    .primary_key(
                        Index::create()
                            .col(NeedShare::NeedId)
                            .col(NeedShare::OrganizationId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(NeedShare::Table, NeedShare::NeedId)
                            .to(Need::Table, Need::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(NeedShare::Table, NeedShare::OrganizationId)
                            .to(Organization::Table, Organization::Id),
                    )
                    .to_owned(),
            )
            .await?;

        // One row whose value every need, capability or organisation write increments in its
        // own transaction. The row lock orders those writes, so "revision > last seen" finds
        // every committed change, on any replica.
        manager
            .create_table(
                Table::create()
                    .table(MatchingRevision::Table)
                    .col(integer(MatchingRevision::Id).primary_key())
                    .col(big_integer(MatchingRevision::Value))
                    .check(Expr::col(MatchingRevision::Id).eq(1))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(MatchingRevision::Table)
                    .columns([MatchingRevision::Id, MatchingRevision::Value])
                    .values_panic([1.into(), 0.into()])
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Organization::Table)
                    .add_column(big_integer(OrganizationMatching::MatchingRevision).default(0))
                    .to_owned(),
            )
            .await?;

        for (table, column) in [
            (Need::Table.into_iden(), "organization_id"),
            (Need::Table.into_iden(), "revision"),
            (Capability::Table.into_iden(), "organization_id"),
            (Capability::Table.into_iden(), "revision"),
            (NeedShare::Table.into_iden(), "organization_id"),
            (Organization::Table.into_iden(), "matching_revision"),
        ] {
            manager.create_index(plain_index(table, column)).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Organization::Table)
                    .drop_column(OrganizationMatching::MatchingRevision)
                    .to_owned(),
            )
            .await?;
        for table in [
            MatchingRevision::Table.into_iden(),
            NeedShare::Table.into_iden(),
            Need::Table.into_iden(),
            Capability::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
