//! An organisation's seats in a session, by index: the agenda (`domain::sessions::agenda`)
//! reads them on every call, and a change of availability checks them. Without it both went
//! through all the session's meetings or seats (on SQLite, whose planner has no statistics and
//! preferred the session's unique index over the two party indexes, a full session's 1,600
//! meetings for an agenda of 16). The plain `meeting(session_id)` index goes: the unique
//! `(session_id, slot, table_no)` index serves the same lookups by its prefix.

use sea_orm_migration::prelude::*;

/// Adds `meeting_seat(organization_id, session_id)`; drops `meeting(session_id)`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261207_000017_index_seats_by_organization"
    }
}

const SEATS_BY_ORGANIZATION: &str = "meeting_seat_organization_id_session_id_idx";
const MEETINGS_BY_SESSION: &str = "meeting_session_id_idx";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(SEATS_BY_ORGANIZATION)
                    .table(Alias::new("meeting_seat"))
                    .col(Alias::new("organization_id"))
                    .col(Alias::new("session_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(MEETINGS_BY_SESSION)
                    .table(Alias::new("meeting"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(MEETINGS_BY_SESSION)
                    .table(Alias::new("meeting"))
                    .col(Alias::new("session_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(SEATS_BY_ORGANIZATION)
                    .table(Alias::new("meeting_seat"))
                    .to_owned(),
            )
            .await
    }
}
