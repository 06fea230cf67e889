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

/// `(name, table, columns)` of the index added and of the index dropped.
const SEATS_BY_ORGANIZATION: (&str, &str, &[&str]) = (
    "meeting_seat_organization_id_session_id_idx",
    "meeting_seat",
    &["organization_id", "session_id"],
);
const MEETINGS_BY_SESSION: (&str, &str, &[&str]) =
    ("meeting_session_id_idx", "meeting", &["session_id"]);

/// Creates the index `(name, table, columns)`, then drops the index `(name, table, _)`.
async fn swap(
    manager: &SchemaManager<'_>,
    create: (&str, &str, &[&str]),
    drop: (&str, &str, &[&str]),
) -> Result<(), DbErr> {
    let (name, table, columns) = create;
    let mut index = Index::create();
    index.name(name).table(Alias::new(table));
    for column in columns {
        index.col(Alias::new(*column));
    }
    manager.create_index(index).await?;
    let (name, table, _) = drop;
    manager
        .drop_index(Index::drop().name(name).table(Alias::new(table)).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        swap(manager, SEATS_BY_ORGANIZATION, MEETINGS_BY_SESSION).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        swap(manager, MEETINGS_BY_SESSION, SEATS_BY_ORGANIZATION).await
    }
}
