//! The registry: science cities and organisations of every kind.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261124_000001_create_reference_tables::Region;
use crate::{plain_index, unique_index};

/// Creates `science_city` and `organization`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000002_create_registry"
    }
}

#[derive(DeriveIden)]
pub(crate) enum ScienceCity {
    Table,
    Id,
    NameKk,
    NameRu,
    NameEn,
    RegionId,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub(crate) enum Organization {
    Table,
    Id,
    Kind,
    NameKk,
    NameRu,
    NameEn,
    DescriptionKk,
    DescriptionRu,
    DescriptionEn,
    Bin,
    Country,
    RegionId,
    ScienceCityId,
    Website,
    SearchText,
    CreatedAt,
    UpdatedAt,
}

const ORGANIZATION_KINDS: [&str; 11] = [
    "ENTERPRISE",
    "UNIVERSITY",
    "RESEARCH_INSTITUTE",
    "TECHNOPARK",
    "ENGINEERING_CENTER",
    "DESIGN_BUREAU",
    "ROBOTICS_CENTER",
    "LABORATORY",
    "TECH_TRANSFER_OFFICE",
    "MANAGEMENT_COMPANY",
    "INVESTOR",
];

/// At least one of the three language variants of a name must be present.
fn some_name(kk: impl IntoIden, ru: impl IntoIden, en: impl IntoIden) -> Expr {
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
                    .table(ScienceCity::Table)
                    .col(big_pk_auto(ScienceCity::Id))
                    .col(string_null(ScienceCity::NameKk))
                    .col(string_null(ScienceCity::NameRu))
                    .col(string_null(ScienceCity::NameEn))
                    .col(big_integer(ScienceCity::RegionId))
                    .col(string_len(ScienceCity::Status, 16).check(
                        Expr::col(ScienceCity::Status).is_in(["CANDIDATE", "DESIGNATED", "ACTIVE"]),
                    ))
                    .col(timestamp_with_time_zone(ScienceCity::CreatedAt))
                    .col(timestamp_with_time_zone(ScienceCity::UpdatedAt))
                    .check(some_name(
                        ScienceCity::NameKk,
                        ScienceCity::NameRu,
                        ScienceCity::NameEn,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ScienceCity::Table, ScienceCity::RegionId)
                            .to(Region::Table, Region::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(plain_index(ScienceCity::Table, "region_id"))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Organization::Table)
                    .col(big_pk_auto(Organization::Id))
                    .col(
                        string_len(Organization::Kind, 32)
                            .check(Expr::col(Organization::Kind).is_in(ORGANIZATION_KINDS)),
                    )
                    .col(string_null(Organization::NameKk))
                    .col(string_null(Organization::NameRu))
                    .col(string_null(Organization::NameEn))
                    .col(text_null(Organization::DescriptionKk))
                    .col(text_null(Organization::DescriptionRu))
                    .col(text_null(Organization::DescriptionEn))
                    .col(string_len_null(Organization::Bin, 12))
                    .col(string_len(Organization::Country, 2).default("KZ"))
                    .col(big_integer_null(Organization::RegionId))
                    .col(big_integer_null(Organization::ScienceCityId))
                    .col(string_null(Organization::Website))
                    .col(text(Organization::SearchText))
                    .col(timestamp_with_time_zone(Organization::CreatedAt))
                    .col(timestamp_with_time_zone(Organization::UpdatedAt))
                    .check(some_name(
                        Organization::NameKk,
                        Organization::NameRu,
                        Organization::NameEn,
                    ))
                    // A Kazakh organisation is identified by its BIN; a foreign one has none.
                    .check(
                        Expr::col(Organization::Country)
                            .eq("KZ")
                            .and(Expr::col(Organization::Bin).is_not_null())
                            .or(Expr::col(Organization::Country)
                                .ne("KZ")
                                .and(Expr::col(Organization::Bin).is_null())),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Organization::Table, Organization::RegionId)
                            .to(Region::Table, Region::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Organization::Table, Organization::ScienceCityId)
                            .to(ScienceCity::Table, ScienceCity::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(Organization::Table, &["bin"]))
            .await?;
        for column in ["kind", "region_id", "science_city_id"] {
            manager
                .create_index(plain_index(Organization::Table, column))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Organization::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ScienceCity::Table).to_owned())
            .await
    }
}
