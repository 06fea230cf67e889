//! Kazakh and Russian names for the reference data that had English only: the OECD FOS 2007
//! sub-fields (the major fields had all three) and the nine TRL levels, so forms can show them
//! in the user's language. The Kazakh wording awaits a native speaker's review.

use sea_orm_migration::{prelude::*, schema::*};
use serde::Deserialize;

use super::m20261124_000001_create_reference_tables::{FieldOfScience, TrlLevel, rows};

/// Adds `trl_level.name_kk`/`name_ru` and fills them and the sub-fields' names.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261207_000016_translate_reference_data"
    }
}

#[derive(DeriveIden)]
enum TrlNames {
    NameKk,
    NameRu,
}

#[derive(Deserialize)]
struct FosNames {
    code: String,
    name_ru: String,
    name_kk: String,
}

#[derive(Deserialize)]
struct TrlRow {
    level: i32,
    name_ru: String,
    name_kk: String,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [TrlNames::NameKk, TrlNames::NameRu] {
            // One column per statement: SQLite adds one at a time.
            manager
                .alter_table(
                    Table::alter()
                        .table(TrlLevel::Table)
                        .add_column(string_null(column))
                        .to_owned(),
                )
                .await?;
        }
        for r in rows::<TrlRow>(include_str!("../data/trl_kk_ru.csv"))? {
            manager
                .exec_stmt(
                    Query::update()
                        .table(TrlLevel::Table)
                        .value(TrlNames::NameRu, r.name_ru)
                        .value(TrlNames::NameKk, r.name_kk)
                        .and_where(Expr::col(TrlLevel::Level).eq(r.level))
                        .to_owned(),
                )
                .await?;
        }
        for r in rows::<FosNames>(include_str!("../data/fos2007_subfields_kk_ru.csv"))? {
            manager
                .exec_stmt(
                    Query::update()
                        .table(FieldOfScience::Table)
                        .value(FieldOfScience::NameRu, r.name_ru)
                        .value(FieldOfScience::NameKk, r.name_kk)
                        .and_where(Expr::col(FieldOfScience::Code).eq(r.code))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .exec_stmt(
                Query::update()
                    .table(FieldOfScience::Table)
                    .value(FieldOfScience::NameRu, Option::<String>::None)
                    .value(FieldOfScience::NameKk, Option::<String>::None)
                    .and_where(Expr::col(FieldOfScience::ParentCode).is_not_null())
                    .to_owned(),
            )
            .await?;
        for column in [TrlNames::NameKk, TrlNames::NameRu] {
            manager
                .alter_table(
                    Table::alter()
                        .table(TrlLevel::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
