//! Science-innovation sessions: creation, registration with availability, the slot clock and
//! the calendar feed ([`calendar`]). Meetings between participants are in `meetings`.
//!
//! Writes lock the session row (`FOR UPDATE` on PostgreSQL; SQLite's immediate transactions
//! exclude writers already), so capacity counts and duplicate checks see every committed
//! registration and request.

pub mod calendar;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use entity::{
    meeting::{self, MeetingStatus},
    meeting_seat,
    need::Strings,
    session,
    session_registration::{self, Slots},
};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait as _, PaginatorTrait as _, QueryFilter as _, QueryOrder as _,
    QuerySelect as _, Select, sea_query::Query,
};

use super::{
    access::Access,
    listings,
    pagination::{self, Page, PageRequest},
    references,
    text::Localized,
};
use crate::{
    db,
    error::{AppError, AppResult, Reason},
};

/// The time zone of a session when none is given.
pub const DEFAULT_TIME_ZONE: &str = "Asia/Almaty";
/// Longest session accepted.
const MAX_DAYS: i64 = 7;

/// What `createSession` receives.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Title.
    pub title: Localized,
    /// Themes (FOS codes).
    pub themes: Vec<String>,
    /// The hosting organisation.
    pub venue_organization_id: i64,
    /// The science city, if any.
    pub science_city_id: Option<i64>,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// IANA zone; [`DEFAULT_TIME_ZONE`] when absent.
    pub time_zone: Option<String>,
    /// Minutes per slot.
    pub slot_minutes: i32,
    /// Tables.
    pub tables: i32,
    /// Most registered organisations.
    pub capacity: i32,
    /// Registration closes; the start when absent.
    pub registration_deadline: Option<DateTime<Utc>>,
}

/// Which sessions to list.
#[derive(Debug, Clone, Default)]
pub struct SessionFilter {
    /// Only this science city's.
    pub science_city_id: Option<i64>,
    /// Only sessions ending after this instant (e.g. now, for upcoming ones).
    pub ends_after: Option<DateTime<Utc>>,
}

/// The zone of a session (validated at creation).
pub fn zone(session: &session::Model) -> Tz {
    session.time_zone.parse().unwrap_or(chrono_tz::Asia::Almaty)
}

pub use super::scheduling::slot_times;

/// Creates a session (platform admins and the venue's organisation admins).
pub async fn create(
    db: &DatabaseConnection,
    access: &Access,
    input: NewSession,
) -> AppResult<session::Model> {
    let user_id = access.user_id()?;
    references::organization(db, "venueOrganizationId", input.venue_organization_id).await?;
    access.require_org_admin(input.venue_organization_id)?;
    if let Some(city) = input.science_city_id {
        references::science_city(db, "scienceCityId", city).await?;
    }
    let title = input.title.cleaned_line("title", 300, true)?;
    let themes = listings::fields_of_science(db, "themes", input.themes).await?;
    let time_zone = input
        .time_zone
        .unwrap_or_else(|| DEFAULT_TIME_ZONE.to_owned());
    time_zone
        .parse::<Tz>()
        .map_err(|_| AppError::invalid("timeZone", "an IANA time zone such as Asia/Almaty"))?;
    if input.ends_at <= input.starts_at {
        return Err(AppError::invalid(
            "endsAt",
            "the session must end after it starts",
        ));
    }
    if input.ends_at - input.starts_at > Duration::days(MAX_DAYS) {
        return Err(AppError::invalid(
            "endsAt",
            format!("a session lasts at most {MAX_DAYS} days"),
        ));
    }
    if !(5..=240).contains(&input.slot_minutes) {
        return Err(AppError::invalid(
            "slotMinutes",
            "between 5 and 240 minutes",
        ));
    }
    let slot_count =
        (input.ends_at - input.starts_at).num_minutes() / i64::from(input.slot_minutes);
    if slot_count < 1 {
        return Err(AppError::invalid(
            "slotMinutes",
            "the session is shorter than one slot",
        ));
    }
    if !(1..=1000).contains(&input.tables) {
        return Err(AppError::invalid("tables", "between 1 and 1000 tables"));
    }
    if !(2..=100_000).contains(&input.capacity) {
        return Err(AppError::invalid(
            "capacity",
            "between 2 and 100000 participants",
        ));
    }
    let deadline = input.registration_deadline.unwrap_or(input.starts_at);
    if deadline > input.ends_at {
        return Err(AppError::invalid(
            "registrationDeadline",
            "registration must close before the session ends",
        ));
    }
    let now = Utc::now();
    let row = session::ActiveModel {
        title_kk: Set(title.kk),
        title_ru: Set(title.ru),
        title_en: Set(title.en),
        themes: Set(Strings(themes)),
        venue_organization_id: Set(input.venue_organization_id),
        science_city_id: Set(input.science_city_id),
        starts_at: Set(input.starts_at),
        ends_at: Set(input.ends_at),
        time_zone: Set(time_zone),
        slot_minutes: Set(input.slot_minutes),
        slot_count: Set(i32::try_from(slot_count.min(500)).unwrap_or(500)),
        tables: Set(input.tables),
        capacity: Set(input.capacity),
        registration_deadline: Set(deadline),
        created_by: Set(user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let session = row.insert(db).await?;
    tracing::info!(session_id = session.id, "session created");
    Ok(session)
}

/// The session, locked for the rest of `txn`.
pub(super) async fn lock_session(txn: &DatabaseTransaction, id: i64) -> AppResult<session::Model> {
    session::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(AppError::not_found("sessionId", "session"))
}

pub(super) async fn registration(
    db: &impl ConnectionTrait,
    session_id: i64,
    organization_id: i64,
) -> AppResult<Option<session_registration::Model>> {
    Ok(session_registration::Entity::find()
        .filter(session_registration::Column::SessionId.eq(session_id))
        .filter(session_registration::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?)
}

/// Registers an organisation for a session with the slots it is available in (all when
/// `availability` is `None`), or changes a registration's availability. Returns the
/// registration and its session.
pub async fn register(
    db: &DatabaseConnection,
    access: &Access,
    session_id: i64,
    organization_id: i64,
    availability: Option<Vec<i32>>,
) -> AppResult<(session_registration::Model, session::Model)> {
    access.user_id()?;
    let txn = db::begin_write(db).await?;
    let session = lock_session(&txn, session_id).await?;
    references::organization(&txn, "organizationId", organization_id).await?;
    access.require_member(organization_id)?;
    let now = Utc::now();
    if now > session.registration_deadline {
        return Err(AppError::rule(
            Some("sessionId"),
            Reason::RegistrationClosed,
            "registration for this session has closed",
        ));
    }
    let slots: Vec<i32> = match availability {
        None => (0..session.slot_count).collect(),
        Some(mut slots) => {
            slots.sort_unstable();
            slots.dedup();
            if slots.iter().any(|s| !(0..session.slot_count).contains(s)) {
                return Err(AppError::invalid(
                    "availability",
                    format!("slot indices run from 0 to {}", session.slot_count - 1),
                ));
            }
            slots
        }
    };
    let existing = registration(&txn, session_id, organization_id).await?;
    let saved = match existing {
        Some(current) => {
            let booked: Vec<i32> = meeting_seat::Entity::find()
                .filter(meeting_seat::Column::SessionId.eq(session_id))
                .filter(meeting_seat::Column::OrganizationId.eq(organization_id))
                .all(&txn)
                .await?
                .into_iter()
                .map(|s| s.slot)
                .collect();
            if let Some(slot) = booked.iter().find(|s| !slots.contains(s)) {
                return Err(AppError::rule(
                    Some("availability"),
                    Reason::SlotBooked,
                    format!("slot {slot} holds a booked meeting; cancel it first"),
                ));
            }
            let mut row: session_registration::ActiveModel = current.into();
            row.availability = Set(Slots(slots));
            row.updated_at = Set(now);
            row.update(&txn).await?
        }
        None => {
            let registered = session_registration::Entity::find()
                .filter(session_registration::Column::SessionId.eq(session_id))
                .count(&txn)
                .await?;
            if registered >= u64::try_from(session.capacity).unwrap_or(0) {
                return Err(AppError::rule(
                    Some("sessionId"),
                    Reason::SessionFull,
                    format!("the session is full ({} participants)", session.capacity),
                ));
            }
            session_registration::ActiveModel {
                session_id: Set(session_id),
                organization_id: Set(organization_id),
                availability: Set(Slots(slots)),
                calendar_token: Set(crate::auth::random_token::<32>()?),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    txn.commit().await?;
    Ok((saved, session))
}

/// Sessions matching `filter`, unordered and unpaged. Sessions are public.
fn search(filter: &SessionFilter) -> Select<session::Entity> {
    let mut select = session::Entity::find();
    if let Some(city) = filter.science_city_id {
        select = select.filter(session::Column::ScienceCityId.eq(city));
    }
    if let Some(after) = filter.ends_after {
        select = select.filter(session::Column::EndsAt.gt(after));
    }
    select
}

/// An organisation's booked meetings in a session, by slot (its members, the organiser and
/// platform admins).
pub async fn agenda(
    db: &impl ConnectionTrait,
    access: &Access,
    session: &session::Model,
    organization_id: i64,
) -> AppResult<Vec<meeting::Model>> {
    access.user_id()?;
    if !access.can_see_members(organization_id) && !access.organises(session) {
        return Err(AppError::Forbidden(
            "an agenda is for its organisation and the organiser".into(),
        ));
    }
    booked_meetings(db, session.id, organization_id).await
}

/// Booked meetings of `organization_id` in a session, by slot: the meetings it holds a seat in
/// (a booked meeting holds one per party), found through the seats' organisation index.
pub async fn booked_meetings(
    db: &impl ConnectionTrait,
    session_id: i64,
    organization_id: i64,
) -> AppResult<Vec<meeting::Model>> {
    let seats = Query::select()
        .column(meeting_seat::Column::MeetingId)
        .from(meeting_seat::Entity)
        .and_where(meeting_seat::Column::OrganizationId.eq(organization_id))
        .and_where(meeting_seat::Column::SessionId.eq(session_id))
        .to_owned();
    Ok(meeting::Entity::find()
        .filter(meeting::Column::Id.in_subquery(seats))
        .filter(meeting::Column::Status.eq(MeetingStatus::Booked))
        .order_by_asc(meeting::Column::Slot)
        .all(db)
        .await?)
}

/// The registration behind a calendar token.
pub async fn by_calendar_token(
    db: &impl ConnectionTrait,
    token: &str,
) -> AppResult<Option<(session_registration::Model, session::Model)>> {
    let Some(reg) = session_registration::Entity::find()
        .filter(session_registration::Column::CalendarToken.eq(token))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let session = session::Entity::find_by_id(reg.session_id)
        .one(db)
        .await?
        .ok_or(AppError::not_found("sessionId", "session"))?;
    Ok(Some((reg, session)))
}

/// One page of the sessions matching `filter`, oldest first.
pub async fn list(
    db: &DatabaseConnection,
    filter: &SessionFilter,
    page: PageRequest,
) -> AppResult<Page<session::Model>> {
    let select = search(filter);
    pagination::fetch(db, select, session::Column::Id, |row| row.id, page).await
}
