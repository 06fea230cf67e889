//! The science cities' infrastructure programme: projects with their stage, milestones and
//! append-only history, financing commitments by source, and the disbursements paid under
//! them. Money is integer tiyn, as everywhere.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DbBackend};

use super::{
    m20261124_000001_create_reference_tables::Region,
    m20261124_000002_create_registry::{Organization, ScienceCity},
    m20261124_000003_create_accounts::UserAccount,
    plain_index, unique_index,
};

/// Creates the programme's tables.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000014_create_infrastructure"
    }
}

#[derive(DeriveIden)]
enum InfrastructureProject {
    Table,
    Id,
    ScienceCityId,
    Kind,
    TitleKk,
    TitleRu,
    TitleEn,
    DescriptionKk,
    DescriptionRu,
    DescriptionEn,
    SponsorId,
    OperatorId,
    RegionId,
    Latitude,
    Longitude,
    TotalCost,
    FloorAreaM2,
    Stage,
    Version,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum InfrastructureMilestone {
    Table,
    Id,
    ProjectId,
    Stage,
    PlannedOn,
    ReachedOn,
}

#[derive(DeriveIden)]
enum InfrastructureHistory {
    Table,
    Id,
    ProjectId,
    Version,
    Change,
    FromStage,
    ToStage,
    Note,
    ActorUserId,
    At,
}

#[derive(DeriveIden)]
enum InfrastructureFinancing {
    Table,
    Id,
    ProjectId,
    Source,
    Instrument,
    FinancierId,
    PublicPartyId,
    Pledged,
    Committed,
    PledgedOn,
    CommittedOn,
}

#[derive(DeriveIden)]
enum Indicator {
    Table,
    Code,
    TitleEn,
    TitleRu,
    TitleKk,
    Unit,
    Direction,
    Method,
    Position,
    LowerIsBetter,
}

/// The programme's computed indicators (code, en, ru, kk, unit, lower is better), after the
/// fourteen seeded before.
const INDICATORS: [(&str, &str, &str, &str, &str, bool); 5] = [
    (
        "INFRASTRUCTURE_COMMITTED",
        "Infrastructure investment committed",
        "Законтрактованные инвестиции в инфраструктуру",
        "Инфрақұрылымға келісілген инвестициялар",
        "KZT",
        false,
    ),
    (
        "INFRASTRUCTURE_DISBURSED",
        "Infrastructure investment disbursed",
        "Освоенные инвестиции в инфраструктуру",
        "Инфрақұрылымға игерілген инвестициялар",
        "KZT",
        false,
    ),
    (
        "INFRASTRUCTURE_PRIVATE_SHARE",
        "Private share of infrastructure investment",
        "Доля частных инвестиций в инфраструктуру",
        "Инфрақұрылымға жеке инвестициялар үлесі",
        "percent",
        false,
    ),
    (
        "INFRASTRUCTURE_PPP_SHARE",
        "PPP share of infrastructure investment",
        "Доля ГЧП в инвестициях в инфраструктуру",
        "Инфрақұрылымға инвестициялардағы МЖӘ үлесі",
        "percent",
        false,
    ),
    (
        "INFRASTRUCTURE_BEHIND_SCHEDULE",
        "Infrastructure projects behind schedule",
        "Инфраструктурные проекты с отставанием от графика",
        "Кестеден қалып жатқан инфрақұрылым жобалары",
        "count",
        true,
    ),
];

#[derive(DeriveIden)]
enum InfrastructureDisbursement {
    Table,
    Id,
    FinancingId,
    ProjectId,
    Amount,
    PaidOn,
}

const STAGES: [&str; 7] = [
    "PLANNED",
    "FINANCING",
    "CONSTRUCTION",
    "COMMISSIONED",
    "OPERATING",
    "SUSPENDED",
    "CANCELLED",
];

fn organization(from: impl IntoIden, column: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from, column)
        .to(Organization::Table, Organization::Id)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use InfrastructureProject as P;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(big_pk_auto(P::Id))
                    .col(big_integer(P::ScienceCityId))
                    .col(string_len(P::Kind, 32).check(Expr::col(P::Kind).is_in([
                        "CAMPUS",
                        "LABORATORY",
                        "ENGINEERING_CENTER",
                        "TECHNOPARK",
                        "DESIGN_BUREAU",
                        "ROBOTICS_CENTER",
                        "SCIENCE_CITY_CENTER",
                        "TECH_TRANSFER_CENTER",
                        "OTHER",
                    ])))
                    .col(string_null(P::TitleKk))
                    .col(string_null(P::TitleRu))
                    .col(string_null(P::TitleEn))
                    .col(text_null(P::DescriptionKk))
                    .col(text_null(P::DescriptionRu))
                    .col(text_null(P::DescriptionEn))
                    .col(big_integer(P::SponsorId))
                    .col(big_integer_null(P::OperatorId))
                    .col(big_integer(P::RegionId))
                    .col(
                        double_null(P::Latitude).check(
                            Expr::col(P::Latitude)
                                .is_null()
                                .or(Expr::col(P::Latitude).between(-90, 90)),
                        ),
                    )
                    .col(
                        double_null(P::Longitude).check(
                            Expr::col(P::Longitude)
                                .is_null()
                                .or(Expr::col(P::Longitude).between(-180, 180)),
                        ),
                    )
                    .col(big_integer(P::TotalCost).check(Expr::col(P::TotalCost).gte(0)))
                    .col(
                        big_integer_null(P::FloorAreaM2).check(
                            Expr::col(P::FloorAreaM2)
                                .is_null()
                                .or(Expr::col(P::FloorAreaM2).gte(0)),
                        ),
                    )
                    .col(string_len(P::Stage, 16).check(Expr::col(P::Stage).is_in(STAGES)))
                    .col(integer(P::Version).check(Expr::col(P::Version).gte(1)))
                    .col(big_integer(P::CreatedBy))
                    .col(timestamp_with_time_zone(P::CreatedAt))
                    .col(timestamp_with_time_zone(P::UpdatedAt))
                    .check(
                        Expr::col(P::TitleKk)
                            .is_not_null()
                            .or(Expr::col(P::TitleRu).is_not_null())
                            .or(Expr::col(P::TitleEn).is_not_null()),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(P::Table, P::ScienceCityId)
                            .to(ScienceCity::Table, ScienceCity::Id),
                    )
                    .foreign_key(&mut organization(P::Table, P::SponsorId))
                    .foreign_key(&mut organization(P::Table, P::OperatorId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(P::Table, P::RegionId)
                            .to(Region::Table, Region::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(P::Table, P::CreatedBy)
                            .to(UserAccount::Table, UserAccount::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for column in ["science_city_id", "sponsor_id", "operator_id"] {
            manager.create_index(plain_index(P::Table, column)).await?;
        }

        use InfrastructureMilestone as M;
        manager
            .create_table(
                Table::create()
                    .table(M::Table)
                    .col(big_pk_auto(M::Id))
                    .col(big_integer(M::ProjectId))
                    // Milestones are the stages a project is planned to reach.
                    .col(string_len(M::Stage, 16).check(Expr::col(M::Stage).is_in([
                        "FINANCING",
                        "CONSTRUCTION",
                        "COMMISSIONED",
                        "OPERATING",
                    ])))
                    .col(date(M::PlannedOn))
                    .col(date_null(M::ReachedOn))
                    .foreign_key(
                        ForeignKey::create()
                            .from(M::Table, M::ProjectId)
                            .to(P::Table, P::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(M::Table, &["project_id", "stage"]))
            .await?;

        use InfrastructureHistory as H;
        manager
            .create_table(
                Table::create()
                    .table(H::Table)
                    .col(big_pk_auto(H::Id))
                    .col(big_integer(H::ProjectId))
                    .col(integer(H::Version))
                    .col(string_len(H::Change, 16).check(Expr::col(H::Change).is_in([
                        "CREATED",
                        "STAGE",
                        "DETAILS",
                        "FINANCING",
                    ])))
                    .col(string_len_null(H::FromStage, 16))
                    .col(string_len(H::ToStage, 16))
                    .col(text_null(H::Note))
                    .col(big_integer(H::ActorUserId))
                    .col(timestamp_with_time_zone(H::At))
                    .foreign_key(
                        ForeignKey::create()
                            .from(H::Table, H::ProjectId)
                            .to(P::Table, P::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(H::Table, H::ActorUserId)
                            .to(UserAccount::Table, UserAccount::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // One entry per version: history and version always agree.
        manager
            .create_index(unique_index(H::Table, &["project_id", "version"]))
            .await?;
        append_only(manager).await?;

        use InfrastructureFinancing as F;
        manager
            .create_table(
                Table::create()
                    .table(F::Table)
                    .col(big_pk_auto(F::Id))
                    .col(big_integer(F::ProjectId))
                    .col(string_len(F::Source, 32).check(Expr::col(F::Source).is_in([
                        "PRIVATE",
                        "PPP",
                        "BANK",
                        "IFI",
                        "STATE_BUDGET",
                        "LOCAL_BUDGET",
                        "GRANT",
                        "SUBSOIL_USER_RD_OBLIGATION",
                    ])))
                    .col(
                        string_len(F::Instrument, 16).check(Expr::col(F::Instrument).is_in([
                            "EQUITY",
                            "LOAN",
                            "GRANT",
                            "GUARANTEE",
                            "CONCESSION",
                        ])),
                    )
                    .col(big_integer_null(F::FinancierId))
                    .col(big_integer_null(F::PublicPartyId))
                    .col(big_integer(F::Pledged).check(Expr::col(F::Pledged).gte(0)))
                    .col(big_integer(F::Committed).check(Expr::col(F::Committed).gte(0)))
                    .col(date(F::PledgedOn))
                    .col(date_null(F::CommittedOn))
                    // A PPP names its private partner (the financier) and its public party.
                    .check(
                        Expr::col(F::Source).ne("PPP").or(Expr::col(F::FinancierId)
                            .is_not_null()
                            .and(Expr::col(F::PublicPartyId).is_not_null())),
                    )
                    // A commitment has its date, and only a commitment has one.
                    .check(
                        Expr::col(F::Committed)
                            .eq(0)
                            .or(Expr::col(F::CommittedOn).is_not_null()),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(F::Table, F::ProjectId)
                            .to(P::Table, P::Id),
                    )
                    .foreign_key(&mut organization(F::Table, F::FinancierId))
                    .foreign_key(&mut organization(F::Table, F::PublicPartyId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(plain_index(F::Table, "project_id"))
            .await?;

        use InfrastructureDisbursement as D;
        manager
            .create_table(
                Table::create()
                    .table(D::Table)
                    .col(big_pk_auto(D::Id))
                    .col(big_integer(D::FinancingId))
                    .col(big_integer(D::ProjectId))
                    .col(big_integer(D::Amount).check(Expr::col(D::Amount).gt(0)))
                    .col(date(D::PaidOn))
                    .foreign_key(
                        ForeignKey::create()
                            .from(D::Table, D::FinancingId)
                            .to(F::Table, F::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(D::Table, D::ProjectId)
                            .to(P::Table, P::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(plain_index(D::Table, "financing_id"))
            .await?;

        // An indicator may be one where less is better (a no-show rate, projects behind
        // schedule): its status then reads the target as a ceiling.
        manager
            .alter_table(
                Table::alter()
                    .table(Indicator::Table)
                    .add_column(boolean(Indicator::LowerIsBetter).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(Indicator::Table)
                    .value(Indicator::LowerIsBetter, true)
                    .and_where(Expr::col(Indicator::Code).eq("MEETING_NO_SHOW_RATE"))
                    .to_owned(),
            )
            .await?;
        for (i, (code, en, ru, kk, unit, lower)) in INDICATORS.into_iter().enumerate() {
            manager
                .exec_stmt(
                    Query::insert()
                        .into_table(Indicator::Table)
                        .columns([
                            Indicator::Code,
                            Indicator::TitleEn,
                            Indicator::TitleRu,
                            Indicator::TitleKk,
                            Indicator::Unit,
                            Indicator::Direction,
                            Indicator::Method,
                            Indicator::Position,
                            Indicator::LowerIsBetter,
                        ])
                        .values_panic([
                            code.into(),
                            en.into(),
                            ru.into(),
                            kk.into(),
                            unit.into(),
                            "Infrastructure and investment".into(),
                            "COMPUTED".into(),
                            (14 + <i32 as TryFrom<usize>>::try_from(i).unwrap_or(0)).into(),
                            lower.into(),
                        ])
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .exec_stmt(
                Query::delete()
                    .from_table(Indicator::Table)
                    .and_where(Expr::col(Indicator::Code).is_in(INDICATORS.iter().map(|i| i.0)))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Indicator::Table)
                    .drop_column(Indicator::LowerIsBetter)
                    .to_owned(),
            )
            .await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("DROP FUNCTION infrastructure_history_append_only() CASCADE")
                .await?;
        }
        for table in [
            InfrastructureDisbursement::Table.into_iden(),
            InfrastructureFinancing::Table.into_iden(),
            InfrastructureHistory::Table.into_iden(),
            InfrastructureMilestone::Table.into_iden(),
            InfrastructureProject::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// Refuses updates and deletes of history rows in the database itself, as for deals.
async fn append_only(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    if manager.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared(
            "CREATE FUNCTION infrastructure_history_append_only() RETURNS trigger AS $$ \
             BEGIN RAISE EXCEPTION 'infrastructure history is append-only'; END $$ \
             LANGUAGE plpgsql",
        )
        .await?;
        db.execute_unprepared(
            "CREATE TRIGGER infrastructure_history_append_only BEFORE UPDATE OR DELETE ON \
             infrastructure_history FOR EACH ROW EXECUTE FUNCTION \
             infrastructure_history_append_only()",
        )
        .await?;
    } else {
        for (name, event) in [("no_update", "UPDATE"), ("no_delete", "DELETE")] {
            db.execute_unprepared(&format!(
                "CREATE TRIGGER infrastructure_history_{name} BEFORE {event} ON \
                 infrastructure_history BEGIN SELECT RAISE(ABORT, \
                 'infrastructure history is append-only'); END"
            ))
            .await?;
        }
    }
    Ok(())
}
