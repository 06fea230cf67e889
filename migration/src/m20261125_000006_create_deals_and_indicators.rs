//! Technology-transfer deals with parties, financing and an append-only history; target
//! indicators with their definitions, targets and reported values; yearly region statistics.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261124_000001_create_reference_tables::Region;
use super::m20261124_000002_create_registry::{Organization, ScienceCity};
use crate::{plain_index, unique_index};

/// Creates `deal`, `deal_party`, `deal_financing`, `deal_history`, `indicator` (with the
/// platform's definitions), `indicator_target`, `indicator_value` and `region_statistic`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000006_create_deals_and_indicators"
    }
}

#[derive(DeriveIden, Clone, Copy)]
#[expect(clippy::enum_variant_names, reason = "the column is named deal_type")]
enum Deal {
    Table,
    Id,
    TitleKk,
    TitleRu,
    TitleEn,
    DealType,
    Stage,
    Value,
    FieldOfUse,
    Territory,
    RoyaltyBasisPoints,
    Milestones,
    NeedId,
    CapabilityId,
    MeetingId,
    SessionId,
    ScienceCityId,
    SignedAt,
    Version,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum DealParty {
    Table,
    DealId,
    OrganizationId,
    Role,
}

#[derive(DeriveIden, Clone, Copy)]
enum DealFinancing {
    Table,
    Id,
    DealId,
    Source,
    Amount,
    InvestorOrganizationId,
}

#[derive(DeriveIden, Clone, Copy)]
enum DealHistory {
    Table,
    Id,
    DealId,
    Version,
    ActorUserId,
    At,
    Change,
    FromStage,
    ToStage,
    Note,
}

#[derive(DeriveIden, Clone, Copy)]
enum Indicator {
    Table,
    Id,
    Code,
    TitleKk,
    TitleRu,
    TitleEn,
    Unit,
    Direction,
    Method,
    Position,
}

#[derive(DeriveIden, Clone, Copy)]
enum IndicatorTarget {
    Table,
    Id,
    IndicatorId,
    ScienceCityId,
    Year,
    Target,
    Critical,
    IsDemo,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum IndicatorValue {
    Table,
    Id,
    IndicatorId,
    ScienceCityId,
    Year,
    Value,
    Note,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum RegionStatistic {
    Table,
    Id,
    RegionId,
    Year,
    Name,
    Value,
    RecordedAt,
}

#[derive(DeriveIden)]
enum UserAccount {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Need {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Capability {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Meeting {
    Table,
    Id,
}
#[derive(DeriveIden)]
enum Session {
    Table,
    Id,
}

const STAGES: [&str; 7] = [
    "PROPOSED",
    "NEGOTIATING",
    "SIGNED",
    "IN_EXECUTION",
    "COMPLETED",
    "CANCELLED",
    "EXPIRED",
];

/// The indicators the platform tracks: (code, en, ru, kk, unit, Concept direction, method).
/// Figures are the platform's own definitions; the Concept's targets are not public.
const INDICATORS: [(&str, &str, &str, &str, &str, &str, &str); 12] = [
    (
        "DEALS_SIGNED",
        "Technology-transfer deals signed",
        "Подписанные сделки по трансферу технологий",
        "Қол қойылған технология трансфері мәмілелері",
        "count",
        "Commercialisation of science",
        "COMPUTED",
    ),
    (
        "DEAL_VOLUME",
        "Volume of deals signed",
        "Объём подписанных сделок",
        "Қол қойылған мәмілелер көлемі",
        "KZT",
        "Commercialisation of science",
        "COMPUTED",
    ),
    (
        "PRIVATE_FINANCING_SHARE",
        "Private share of deal financing",
        "Доля частного финансирования сделок",
        "Мәмілелерді жеке қаржыландыру үлесі",
        "percent",
        "Investment attraction",
        "COMPUTED",
    ),
    (
        "PPP_FINANCING_SHARE",
        "PPP share of deal financing",
        "Доля ГЧП в финансировании сделок",
        "Мәмілелерді МЖӘ қаржыландыру үлесі",
        "percent",
        "Investment attraction",
        "COMPUTED",
    ),
    (
        "SESSIONS_HELD",
        "Science-innovation sessions held",
        "Проведённые научно-инновационные сессии",
        "Өткізілген ғылыми-инновациялық сессиялар",
        "count",
        "Science–business cooperation",
        "COMPUTED",
    ),
    (
        "MEETINGS_HELD",
        "Brokerage meetings held",
        "Проведённые брокерские встречи",
        "Өткізілген брокерлік кездесулер",
        "count",
        "Science–business cooperation",
        "COMPUTED",
    ),
    (
        "ENTERPRISES_ENGAGED",
        "Enterprises engaged",
        "Вовлечённые предприятия",
        "Тартылған кәсіпорындар",
        "count",
        "Science–business cooperation",
        "COMPUTED",
    ),
    (
        "NEED_TO_MEETING_CONVERSION",
        "Needs that led to a meeting",
        "Доля потребностей, дошедших до встречи",
        "Кездесуге жеткен қажеттіліктер үлесі",
        "percent",
        "Science–business cooperation",
        "COMPUTED",
    ),
    (
        "MEETING_TO_DEAL_CONVERSION",
        "Meetings that led to a deal",
        "Доля встреч, приведших к сделке",
        "Мәмілеге әкелген кездесулер үлесі",
        "percent",
        "Commercialisation of science",
        "COMPUTED",
    ),
    (
        "SPIN_OFFS",
        "Spin-off companies created",
        "Созданные спин-офф компании",
        "Құрылған спин-офф компаниялар",
        "count",
        "Commercialisation of science",
        "COMPUTED",
    ),
    (
        "INNOVATIVE_OUTPUT",
        "Innovative products output",
        "Выпуск инновационной продукции",
        "Инновациялық өнім шығару",
        "KZT",
        "Knowledge-intensive economy",
        "REPORTED",
    ),
    (
        "JOBS_CREATED",
        "High-skilled jobs created",
        "Созданные высококвалифицированные рабочие места",
        "Құрылған жоғары білікті жұмыс орындары",
        "count",
        "Knowledge-intensive economy",
        "REPORTED",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Deal::Table)
                    .col(big_pk_auto(Deal::Id))
                    .col(string_null(Deal::TitleKk))
                    .col(string_null(Deal::TitleRu))
                    .col(string_null(Deal::TitleEn))
                    .col(
                        string_len(Deal::DealType, 32).check(Expr::col(Deal::DealType).is_in([
                            "EXCLUSIVE_LICENCE",
                            "NON_EXCLUSIVE_LICENCE",
                            "SOLE_LICENCE",
                            "OPTION",
                            "ASSIGNMENT",
                            "RD_CONTRACT",
                            "COLLABORATIVE_RESEARCH",
                            "SPIN_OFF",
                            "CONSULTANCY",
                            "JOINT_VENTURE",
                        ])),
                    )
                    .col(string_len(Deal::Stage, 16).check(Expr::col(Deal::Stage).is_in(STAGES)))
                    .col(big_integer(Deal::Value).check(Expr::col(Deal::Value).gte(0)))
                    .col(text_null(Deal::FieldOfUse))
                    .col(text_null(Deal::Territory))
                    .col(
                        integer_null(Deal::RoyaltyBasisPoints).check(
                            Expr::col(Deal::RoyaltyBasisPoints)
                                .is_null()
                                .or(Expr::col(Deal::RoyaltyBasisPoints).between(0, 10_000)),
                        ),
                    )
                    .col(json(Deal::Milestones))
                    .col(big_integer_null(Deal::NeedId))
                    .col(big_integer_null(Deal::CapabilityId))
                    .col(big_integer_null(Deal::MeetingId))
                    .col(big_integer_null(Deal::SessionId))
                    .col(big_integer_null(Deal::ScienceCityId))
                    .col(timestamp_with_time_zone_null(Deal::SignedAt))
                    .col(integer(Deal::Version).check(Expr::col(Deal::Version).gte(1)))
                    .col(big_integer(Deal::CreatedBy))
                    .col(timestamp_with_time_zone(Deal::CreatedAt))
                    .col(timestamp_with_time_zone(Deal::UpdatedAt))
                    .check(
                        Expr::col(Deal::TitleKk)
                            .is_not_null()
                            .or(Expr::col(Deal::TitleRu).is_not_null())
                            .or(Expr::col(Deal::TitleEn).is_not_null()),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Deal::Table, Deal::NeedId)
                            .to(Need::Table, Need::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Deal::Table, Deal::CapabilityId)
                            .to(Capability::Table, Capability::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Deal::Table, Deal::MeetingId)
                            .to(Meeting::Table, Meeting::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Deal::Table, Deal::SessionId)
                            .to(Session::Table, Session::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Deal::Table, Deal::ScienceCityId)
                            .to(ScienceCity::Table, ScienceCity::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Deal::Table, Deal::CreatedBy)
                            .to(UserAccount::Table, UserAccount::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DealParty::Table)
                    .col(big_integer(DealParty::DealId))
                    .col(big_integer(DealParty::OrganizationId))
                    .col(
                        string_len(DealParty::Role, 16).check(Expr::col(DealParty::Role).is_in([
                            "PROVIDER",
                            "RECIPIENT",
                            "INVESTOR",
                            "INTERMEDIARY",
                        ])),
                    )
                    .primary_key(
                        Index::create()
                            .col(DealParty::DealId)
                            .col(DealParty::OrganizationId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DealParty::Table, DealParty::DealId)
                            .to(Deal::Table, Deal::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DealParty::Table, DealParty::OrganizationId)
                            .to(Organization::Table, Organization::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DealFinancing::Table)
                    .col(big_pk_auto(DealFinancing::Id))
                    .col(big_integer(DealFinancing::DealId))
                    .col(string_len(DealFinancing::Source, 32).check(
                        Expr::col(DealFinancing::Source).is_in([
                            "PRIVATE",
                            "PPP",
                            "BANK",
                            "IFI",
                            "STATE_GRANT",
                            "SUBSOIL_USER_RD_OBLIGATION",
                        ]),
                    ))
                    .col(
                        big_integer(DealFinancing::Amount)
                            .check(Expr::col(DealFinancing::Amount).gte(0)),
                    )
                    .col(big_integer_null(DealFinancing::InvestorOrganizationId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(DealFinancing::Table, DealFinancing::DealId)
                            .to(Deal::Table, Deal::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DealFinancing::Table, DealFinancing::InvestorOrganizationId)
                            .to(Organization::Table, Organization::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DealHistory::Table)
                    .col(big_pk_auto(DealHistory::Id))
                    .col(big_integer(DealHistory::DealId))
                    .col(integer(DealHistory::Version))
                    .col(big_integer(DealHistory::ActorUserId))
                    .col(timestamp_with_time_zone(DealHistory::At))
                    .col(string_len(DealHistory::Change, 16).check(
                        Expr::col(DealHistory::Change).is_in(["RECORDED", "STAGE", "TERMS"]),
                    ))
                    .col(string_len_null(DealHistory::FromStage, 16))
                    .col(string_len_null(DealHistory::ToStage, 16))
                    .col(text_null(DealHistory::Note))
                    .foreign_key(
                        ForeignKey::create()
                            .from(DealHistory::Table, DealHistory::DealId)
                            .to(Deal::Table, Deal::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DealHistory::Table, DealHistory::ActorUserId)
                            .to(UserAccount::Table, UserAccount::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // One history entry per version: a lost update would show as a duplicate here.
        manager
            .create_index(unique_index(DealHistory::Table, &["deal_id", "version"]))
            .await?;
        for (table, column) in [
            (DealParty::Table.into_iden(), "organization_id"),
            (DealFinancing::Table.into_iden(), "deal_id"),
            (Deal::Table.into_iden(), "science_city_id"),
        ] {
            manager.create_index(plain_index(table, column)).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Indicator::Table)
                    .col(big_pk_auto(Indicator::Id))
                    .col(string_len(Indicator::Code, 40))
                    .col(string(Indicator::TitleKk))
                    .col(string(Indicator::TitleRu))
                    .col(string(Indicator::TitleEn))
                    .col(string_len(Indicator::Unit, 16))
                    .col(string(Indicator::Direction))
                    .col(
                        string_len(Indicator::Method, 16)
                            .check(Expr::col(Indicator::Method).is_in(["COMPUTED", "REPORTED"])),
                    )
                    .col(integer(Indicator::Position))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(Indicator::Table, &["code"]))
            .await?;
        for (i, (code, en, ru, kk, unit, direction, method)) in INDICATORS.iter().enumerate() {
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
                        ])
                        .values_panic([
                            (*code).into(),
                            (*en).into(),
                            (*ru).into(),
                            (*kk).into(),
                            (*unit).into(),
                            (*direction).into(),
                            (*method).into(),
                            <i32 as TryFrom<usize>>::try_from(i).unwrap_or(0).into(),
                        ])
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(IndicatorTarget::Table)
                    .col(big_pk_auto(IndicatorTarget::Id))
                    .col(big_integer(IndicatorTarget::IndicatorId))
                    .col(big_integer(IndicatorTarget::ScienceCityId))
                    .col(integer(IndicatorTarget::Year))
                    .col(big_integer(IndicatorTarget::Target))
                    .col(big_integer(IndicatorTarget::Critical))
                    .col(boolean(IndicatorTarget::IsDemo).default(false))
                    .col(timestamp_with_time_zone(IndicatorTarget::UpdatedAt))
                    .check(
                        Expr::col(IndicatorTarget::Critical)
                            .lte(Expr::col(IndicatorTarget::Target)),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(IndicatorTarget::Table, IndicatorTarget::IndicatorId)
                            .to(Indicator::Table, Indicator::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(IndicatorTarget::Table, IndicatorTarget::ScienceCityId)
                            .to(ScienceCity::Table, ScienceCity::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                IndicatorTarget::Table,
                &["indicator_id", "science_city_id", "year"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IndicatorValue::Table)
                    .col(big_pk_auto(IndicatorValue::Id))
                    .col(big_integer(IndicatorValue::IndicatorId))
                    .col(big_integer(IndicatorValue::ScienceCityId))
                    .col(integer(IndicatorValue::Year))
                    .col(big_integer(IndicatorValue::Value))
                    .col(text_null(IndicatorValue::Note))
                    .col(big_integer(IndicatorValue::RecordedBy))
                    .col(timestamp_with_time_zone(IndicatorValue::RecordedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(IndicatorValue::Table, IndicatorValue::IndicatorId)
                            .to(Indicator::Table, Indicator::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(IndicatorValue::Table, IndicatorValue::ScienceCityId)
                            .to(ScienceCity::Table, ScienceCity::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(IndicatorValue::Table, IndicatorValue::RecordedBy)
                            .to(UserAccount::Table, UserAccount::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                IndicatorValue::Table,
                &["indicator_id", "science_city_id", "year"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RegionStatistic::Table)
                    .col(big_pk_auto(RegionStatistic::Id))
                    .col(big_integer(RegionStatistic::RegionId))
                    .col(integer(RegionStatistic::Year))
                    .col(string_len(RegionStatistic::Name, 40))
                    .col(big_integer(RegionStatistic::Value))
                    .col(timestamp_with_time_zone(RegionStatistic::RecordedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RegionStatistic::Table, RegionStatistic::RegionId)
                            .to(Region::Table, Region::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                RegionStatistic::Table,
                &["region_id", "year", "name"],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            RegionStatistic::Table.into_iden(),
            IndicatorValue::Table.into_iden(),
            IndicatorTarget::Table.into_iden(),
            Indicator::Table.into_iden(),
            DealHistory::Table.into_iden(),
            DealFinancing::Table.into_iden(),
            DealParty::Table.into_iden(),
            Deal::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
