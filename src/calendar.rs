//! `GET /calendar/{token}.ics`: a participant's session agenda as an iCalendar (RFC 5545) feed.
//! The token is 256 random bits issued at registration; whoever holds the URL reads the agenda,
//! as calendar apps subscribe without credentials.

use std::collections::HashMap;

use axum::{
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse as _, Response},
};
use icalendar::{Calendar, Component as _, Event, EventLike as _};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};

use crate::{
    app::AppState,
    domain::{sessions, text::Lang},
    error::AppError,
};

/// Serves the feed, or 404 for an unknown token.
pub async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(token) = file.strip_suffix(".ics") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match build(&state, token).await {
        Ok(Some(ics)) => (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (header::CACHE_CONTROL, "private, max-age=60"),
            ],
            ics,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(err) => {
            tracing::error!(error = %err, "calendar feed failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

async fn build(state: &AppState, token: &str) -> Result<Option<String>, AppError> {
    let db = &state.app.db;
    let Some((registration, session)) = sessions::by_calendar_token(db, token).await? else {
        return Ok(None);
    };
    let meetings = sessions::booked_meetings(db, session.id, registration.organization_id).await?;
    let mut ids: Vec<i64> = meetings
        .iter()
        .flat_map(|m| [m.requester_id, m.invitee_id])
        .collect();
    ids.push(session.venue_organization_id);
    let names: HashMap<i64, String> = entity::organization::Entity::find()
        .filter(entity::organization::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| {
            let name = crate::domain::text::Localized {
                kk: o.name_kk,
                ru: o.name_ru,
                en: o.name_en,
            };
            (o.id, name.get(Lang::Ru).unwrap_or_default().to_owned())
        })
        .collect();
    let title = crate::domain::text::Localized::from_columns(
        &session.title_kk,
        &session.title_ru,
        &session.title_en,
    );
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
