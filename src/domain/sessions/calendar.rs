//! A participant's session agenda as an iCalendar (RFC 5545) feed. The token is 256 random bits
//! issued at registration; whoever holds the URL reads the agenda, as calendar apps subscribe
//! without credentials.

use icalendar::{Calendar, Component as _, Event, EventLike as _};
use sea_orm::DatabaseConnection;

use crate::{
    domain::{
        organizations, sessions,
        text::{Lang, Localized},
    },
    error::AppResult,
};

/// The agenda of the registration holding `token`, or `None` for an unknown token.
pub async fn feed(db: &DatabaseConnection, token: &str) -> AppResult<Option<String>> {
    let Some((registration, session)) = sessions::by_calendar_token(db, token).await? else {
        return Ok(None);
    };
    let meetings = sessions::booked_meetings(db, session.id, registration.organization_id).await?;
    let mut ids: Vec<i64> = meetings
        .iter()
        .flat_map(|m| [m.requester_id, m.invitee_id])
        .collect();
    ids.push(session.venue_organization_id);
    let names = organizations::names(db, ids, Lang::Ru).await?;
    let title = Localized::from_columns(&session.title_kk, &session.title_ru, &session.title_en);
    let zone = sessions::zone(&session);
    let venue = names
        .get(&session.venue_organization_id)
        .cloned()
        .unwrap_or_default();
    let mut calendar = Calendar::new();
    calendar
        .name(title.get(Lang::Ru).unwrap_or("Kopir"))
        .timezone(session.time_zone.as_str());
    for m in meetings {
        let Some(slot) = m.slot else { continue };
        let other = if m.requester_id == registration.organization_id {
            m.invitee_id
        } else {
            m.requester_id
        };
        let (start, end) = sessions::slot_times(&session, slot);
        let table = m.table_no.unwrap_or_default();
        calendar.push(
            Event::new()
                .uid(&format!("meeting-{}@kopir", m.id))
                .summary(&format!(
                    "{} — table {table}",
                    names.get(&other).map_or("Meeting", String::as_str)
                ))
                .description(&format!(
                    "1:1 meeting at {venue}, {} ({}), table {table}",
                    start.with_timezone(&zone).format("%Y-%m-%d %H:%M"),
                    session.time_zone
                ))
                .location(&venue)
                .starts(start)
                .ends(end)
                .done(),
        );
    }
    Ok(Some(calendar.done().to_string()))
}
