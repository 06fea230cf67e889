//! Science-innovation sessions, registrations, 1:1 meetings and the seats that keep anyone from
//! being double-booked.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261124_000002_create_registry::{Organization, ScienceCity};
use crate::{plain_index, unique_index};

/// Creates `session`, `session_registration`, `meeting` and `meeting_seat`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000005_create_sessions"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Session {
    Table,
    Id,
    TitleKk,
    TitleRu,
    TitleEn,
    Themes,
    VenueOrganizationId,
    ScienceCityId,
    StartsAt,
    EndsAt,
    TimeZone,
    SlotMinutes,
    SlotCount,
    Tables,
    Capacity,
    RegistrationDeadline,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SessionRegistration {
    Table,
    Id,
    SessionId,
    OrganizationId,
    Availability,
    CalendarToken,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Meeting {
    Table,
    Id,
    SessionId,
    RequesterId,
    InviteeId,
    NeedId,
    CapabilityId,
    Message,
    Status,
    DeclineReason,
    Slot,
    TableNo,
    Score,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum MeetingSeat {
    Table,
    MeetingId,
    SessionId,
    Slot,
    OrganizationId,
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
enum UserAccount {
    Table,
    Id,
}

fn some_title(kk: Session, ru: Session, en: Session) -> Expr {
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
                    .table(Session::Table)
                    .col(big_pk_auto(Session::Id))
                    .col(string_null(Session::TitleKk))
                    .col(string_null(Session::TitleRu))
                    .col(string_null(Session::TitleEn))
                    .col(json(Session::Themes))
                    .col(big_integer(Session::VenueOrganizationId))
                    .col(big_integer_null(Session::ScienceCityId))
                    .col(timestamp_with_time_zone(Session::StartsAt))
                    .col(timestamp_with_time_zone(Session::EndsAt))
                    .col(string_len(Session::TimeZone, 64))
                    .col(
                        integer(Session::SlotMinutes)
                            .check(Expr::col(Session::SlotMinutes).between(5, 240)),
                    )
                    .col(
                        integer(Session::SlotCount)
                            .check(Expr::col(Session::SlotCount).between(1, 500)),
                    )
                    .col(
                        integer(Session::Tables).check(Expr::col(Session::Tables).between(1, 1000)),
                    )
                    .col(
                        integer(Session::Capacity)
                            .check(Expr::col(Session::Capacity).between(2, 100_000)),
                    )
                    .col(timestamp_with_time_zone(Session::RegistrationDeadline))
                    .col(big_integer(Session::CreatedBy))
                    .col(timestamp_with_time_zone(Session::CreatedAt))
                    .col(timestamp_with_time_zone(Session::UpdatedAt))
                    .check(some_title(
                        Session::TitleKk,
                        Session::TitleRu,
                        Session::TitleEn,
                    ))
                    .check(Expr::col(Session::EndsAt).gt(Expr::col(Session::StartsAt)))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Session::Table, Session::VenueOrganizationId)
                            .to(Organization::Table, Organization::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Session::Table, Session::ScienceCityId)
                            .to(ScienceCity::Table, ScienceCity::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Session::Table, Session::CreatedBy)
                            .to(UserAccount::Table, UserAccount::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SessionRegistration::Table)
                    .col(big_pk_auto(SessionRegistration::Id))
                    .col(big_integer(SessionRegistration::SessionId))
                    .col(big_integer(SessionRegistration::OrganizationId))
                    .col(json(SessionRegistration::Availability))
                    .col(string_len(SessionRegistration::CalendarToken, 64))
                    .col(timestamp_with_time_zone(SessionRegistration::CreatedAt))
                    .col(timestamp_with_time_zone(SessionRegistration::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SessionRegistration::Table, SessionRegistration::SessionId)
                            .to(Session::Table, Session::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                SessionRegistration::Table,
                                SessionRegistration::OrganizationId,
                            )
                            .to(Organization::Table, Organization::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                SessionRegistration::Table,
                &["session_id", "organization_id"],
            ))
            .await?;
        manager
            .create_index(unique_index(
                SessionRegistration::Table,
                &["calendar_token"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Meeting::Table)
                    .col(big_pk_auto(Meeting::Id))
                    .col(big_integer(Meeting::SessionId))
                    .col(big_integer(Meeting::RequesterId))
                    .col(big_integer(Meeting::InviteeId))
                    .col(big_integer_null(Meeting::NeedId))
                    .col(big_integer_null(Meeting::CapabilityId))
                    .col(text_null(Meeting::Message))
                    .col(
                        string_len(Meeting::Status, 16).check(Expr::col(Meeting::Status).is_in([
                            "REQUESTED",
                            "ACCEPTED",
                            "DECLINED",
                            "BOOKED",
                            "CANCELLED",
                        ])),
                    )
                    .col(string_len_null(Meeting::DeclineReason, 32).check(
                        Expr::col(Meeting::DeclineReason).is_null().or(
                            Expr::col(Meeting::DeclineReason).is_in([
                                "NOT_RELEVANT",
                                "NO_CAPACITY",
                                "TIMING",
                                "ALREADY_IN_CONTACT",
                                "OTHER",
                            ]),
                        ),
                    ))
                    .col(integer_null(Meeting::Slot))
                    .col(integer_null(Meeting::TableNo))
                    .col(double_null(Meeting::Score))
                    .col(timestamp_with_time_zone(Meeting::CreatedAt))
                    .col(timestamp_with_time_zone(Meeting::UpdatedAt))
                    .check(Expr::col(Meeting::RequesterId).ne(Expr::col(Meeting::InviteeId)))
                    // Booked exactly when placed.
                    .check(
                        Expr::col(Meeting::Status)
                            .eq("BOOKED")
                            .and(Expr::col(Meeting::Slot).is_not_null())
                            .and(Expr::col(Meeting::TableNo).is_not_null())
                            .or(Expr::col(Meeting::Status)
                                .ne("BOOKED")
                                .and(Expr::col(Meeting::Slot).is_null())
                                .and(Expr::col(Meeting::TableNo).is_null())),
                    )
                    .check(
                        Expr::col(Meeting::Status)
                            .eq("DECLINED")
                            .eq(Expr::col(Meeting::DeclineReason).is_not_null()),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Meeting::Table, Meeting::SessionId)
                            .to(Session::Table, Session::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Meeting::Table, Meeting::RequesterId)
                            .to(Organization::Table, Organization::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Meeting::Table, Meeting::InviteeId)
                            .to(Organization::Table, Organization::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Meeting::Table, Meeting::NeedId)
                            .to(Need::Table, Need::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Meeting::Table, Meeting::CapabilityId)
                            .to(Capability::Table, Capability::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // One table holds one meeting per slot (NULLs — unplaced meetings — never collide).
        manager
            .create_index(unique_index(
                Meeting::Table,
                &["session_id", "slot", "table_no"],
            ))
            .await?;
        for column in ["session_id", "requester_id", "invitee_id"] {
            manager
                .create_index(plain_index(Meeting::Table, column))
                .await?;
        }

        // A booked meeting holds one seat per party; the unique key is the no-double-booking
        // invariant, kept by the database on SQLite and PostgreSQL alike. Slots are discrete,
        // so "overlap" is "same slot" and a unique index does what an exclusion constraint
        // would do for time ranges.
        manager
            .create_table(
                Table::create()
                    .table(MeetingSeat::Table)
                    .col(big_integer(MeetingSeat::MeetingId))
                    .col(big_integer(MeetingSeat::SessionId))
                    .col(integer(MeetingSeat::Slot))
                    .col(big_integer(MeetingSeat::OrganizationId))
                    .primary_key(
                        Index::create()
                            .col(MeetingSeat::MeetingId)
                            .col(MeetingSeat::OrganizationId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MeetingSeat::Table, MeetingSeat::MeetingId)
                            .to(Meeting::Table, Meeting::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MeetingSeat::Table, MeetingSeat::OrganizationId)
                            .to(Organization::Table, Organization::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                MeetingSeat::Table,
                &["session_id", "slot", "organization_id"],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            MeetingSeat::Table.into_iden(),
            Meeting::Table.into_iden(),
            SessionRegistration::Table.into_iden(),
            Session::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
