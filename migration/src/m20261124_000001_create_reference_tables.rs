//! Reference data: the 20 regions of Kazakhstan (KATO and ISO 3166-2 codes, kk/ru/en names),
//! OECD fields of science (FOS 2007) and technology readiness levels (EU H2020 scale).

use sea_orm_migration::{prelude::*, schema::*};
use serde::Deserialize;

/// Creates and fills the reference tables.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000001_create_reference_tables"
    }
}

#[derive(DeriveIden)]
pub(crate) enum Region {
    Table,
    Id,
    Code,
    KatoCode,
    Kind,
    NameKk,
    NameRu,
    NameEn,
    AdminCentreKk,
    AdminCentreEn,
}

#[derive(DeriveIden)]
pub(crate) enum FieldOfScience {
    Table,
    Code,
    ParentCode,
    NameKk,
    NameRu,
    NameEn,
    Position,
}

#[derive(DeriveIden)]
pub(crate) enum TrlLevel {
    Table,
    Level,
    NameEn,
}

#[derive(Deserialize)]
struct RegionRow {
    kato_code: String,
    iso_3166_2: String,
    kind: String,
    name_kk: String,
    name_ru: String,
    name_en: String,
    admin_centre_en: String,
    admin_centre_kk: String,
}

#[derive(Deserialize)]
struct FosRow {
    code: String,
    parent: String,
    name_en: String,
    name_ru: String,
    name_kk: String,
}

#[derive(Deserialize)]
struct TrlRow {
    level: i32,
    name_en: String,
}

pub(crate) fn rows<T: for<'de> Deserialize<'de>>(data: &str) -> Result<Vec<T>, DbErr> {
    csv::Reader::from_reader(data.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .map_err(|e| DbErr::Migration(format!("bad reference data: {e}")))
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Region::Table)
                    .col(big_pk_auto(Region::Id))
                    .col(string_len_uniq(Region::Code, 8))
                    .col(string_len_uniq(Region::KatoCode, 9))
                    .col(
                        string_len(Region::Kind, 20)
                            .check(Expr::col(Region::Kind).is_in(["oblast", "city_republican"])),
                    )
                    .col(string(Region::NameKk))
                    .col(string(Region::NameRu))
                    .col(string(Region::NameEn))
                    .col(string_null(Region::AdminCentreKk))
                    .col(string_null(Region::AdminCentreEn))
                    .to_owned(),
            )
            .await?;
        let mut insert = Query::insert()
            .into_table(Region::Table)
            .columns([
                Region::Code,
                Region::KatoCode,
                Region::Kind,
                Region::NameKk,
                Region::NameRu,
                Region::NameEn,
                Region::AdminCentreKk,
                Region::AdminCentreEn,
            ])
            .to_owned();
        for r in rows::<RegionRow>(include_str!("../data/regions_kz.csv"))? {
            insert.values_panic([
                r.iso_3166_2.into(),
                r.kato_code.into(),
                r.kind.into(),
                r.name_kk.into(),
                r.name_ru.into(),
                r.name_en.into(),
                non_empty(r.admin_centre_kk).into(),
                non_empty(r.admin_centre_en).into(),
            ]);
        }
        manager.exec_stmt(insert).await?;

        manager
            .create_table(
                Table::create()
                    .table(FieldOfScience::Table)
                    .col(string_len(FieldOfScience::Code, 8).primary_key())
                    .col(string_len_null(FieldOfScience::ParentCode, 8))
                    .col(string_null(FieldOfScience::NameKk))
                    .col(string_null(FieldOfScience::NameRu))
                    .col(string(FieldOfScience::NameEn))
                    .col(integer(FieldOfScience::Position))
                    .foreign_key(
                        ForeignKey::create()
                            .from(FieldOfScience::Table, FieldOfScience::ParentCode)
                            .to(FieldOfScience::Table, FieldOfScience::Code),
                    )
                    .to_owned(),
            )
            .await?;
        let mut insert = Query::insert()
            .into_table(FieldOfScience::Table)
            .columns([
                FieldOfScience::Code,
                FieldOfScience::ParentCode,
                FieldOfScience::NameKk,
                FieldOfScience::NameRu,
                FieldOfScience::NameEn,
                FieldOfScience::Position,
            ])
            .to_owned();
        // The CSV lists parents before children, so its order is also the display order.
        for (position, r) in (0..).zip(rows::<FosRow>(include_str!("../data/fos2007.csv"))?) {
            insert.values_panic([
                r.code.into(),
                non_empty(r.parent).into(),
                non_empty(r.name_kk).into(),
                non_empty(r.name_ru).into(),
                r.name_en.into(),
                Expr::val::<i32>(position),
            ]);
        }
        manager.exec_stmt(insert).await?;

        manager
            .create_table(
                Table::create()
                    .table(TrlLevel::Table)
                    .col(integer(TrlLevel::Level).primary_key())
                    .col(string(TrlLevel::NameEn))
                    .to_owned(),
            )
            .await?;
        let mut insert = Query::insert()
            .into_table(TrlLevel::Table)
            .columns([TrlLevel::Level, TrlLevel::NameEn])
            .to_owned();
        for r in rows::<TrlRow>(include_str!("../data/trl_eu_h2020.csv"))? {
            insert.values_panic([r.level.into(), r.name_en.into()]);
        }
        manager.exec_stmt(insert).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TrlLevel::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(FieldOfScience::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Region::Table).to_owned())
            .await
    }
}
