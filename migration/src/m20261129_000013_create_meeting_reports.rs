//! What came of a meeting: each party's report of whether it took place and what followed, one
//! row per (meeting, party), and the indicators computed from them.

use sea_orm_migration::{prelude::*, schema::*};

use super::{
    m20261124_000002_create_registry::Organization, m20261124_000003_create_accounts::UserAccount,
    unique_index,
};

/// Creates `meeting_report` and seeds the indicators computed from it.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000013_create_meeting_reports"
    }
}

#[derive(DeriveIden)]
enum MeetingReport {
    Table,
    Id,
    MeetingId,
    OrganizationId,
    Attendance,
    Outcome,
    Note,
    ReportedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Meeting {
    Table,
    Id,
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
}

/// Indicators computed from the reports, after the twelve seeded with the deals.
const INDICATORS: [(&str, &str, &str, &str, i32); 2] = [
    (
        "MEETING_NO_SHOW_RATE",
        "Booked meetings a party did not attend",
        "Доля встреч, на которые сторона не пришла",
        "Тарап келмеген кездесулер үлесі",
        12,
    ),
    (
        "MEETING_FOLLOW_UP_CONVERSION",
        "Meetings held that led to a follow-up",
        "Доля проведённых встреч с продолжением",
        "Жалғасы болған өткізілген кездесулер үлесі",
        13,
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MeetingReport::Table)
                    .col(big_pk_auto(MeetingReport::Id))
                    .col(big_integer(MeetingReport::MeetingId))
                    .col(big_integer(MeetingReport::OrganizationId))
                    .col(string_len(MeetingReport::Attendance, 16).check(
                        Expr::col(MeetingReport::Attendance).is_in([
                            "HELD",
                            "NO_SHOW",
                            "CANCELLED_LATE",
                        ]),
                    ))
                    .col(string_len_null(MeetingReport::Outcome, 32).check(
                        Expr::col(MeetingReport::Outcome).is_null().or(
                            Expr::col(MeetingReport::Outcome).is_in([
                                "NO_FURTHER_CONTACT",
                                "FOLLOW_UP_PLANNED",
                                "NDA_SIGNED",
                                "PROPOSAL_SENT",
                                "AGREEMENT_REACHED",
                            ]),
                        ),
                    ))
                    .col(text_null(MeetingReport::Note))
                    .col(big_integer(MeetingReport::ReportedBy))
                    .col(timestamp_with_time_zone(MeetingReport::CreatedAt))
                    .col(timestamp_with_time_zone(MeetingReport::UpdatedAt))
                    // Something came of a meeting only if it took place.
                    .check(
                        Expr::col(MeetingReport::Attendance)
                            .eq("HELD")
                            .or(Expr::col(MeetingReport::Outcome).is_null()),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MeetingReport::Table, MeetingReport::MeetingId)
                            .to(Meeting::Table, Meeting::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MeetingReport::Table, MeetingReport::OrganizationId)
                            .to(Organization::Table, Organization::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MeetingReport::Table, MeetingReport::ReportedBy)
                            .to(UserAccount::Table, UserAccount::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // One report per party: a later survey updates it.
        manager
            .create_index(unique_index(
                MeetingReport::Table,
                &["meeting_id", "organization_id"],
            ))
            .await?;
        for (code, en, ru, kk, position) in INDICATORS {
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
                            code.into(),
                            en.into(),
                            ru.into(),
                            kk.into(),
                            "percent".into(),
                            "Science–business cooperation".into(),
                            "COMPUTED".into(),
                            position.into(),
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
            .drop_table(Table::drop().table(MeetingReport::Table).to_owned())
            .await
    }
}
