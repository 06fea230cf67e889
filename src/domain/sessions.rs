//! Science-innovation sessions: creation, registration with availability, 1:1 meeting requests
//! and answers, booking by hand or by the scheduler, cancellation, agendas.
//!
//! Nobody is ever double-booked: a booked meeting holds one `meeting_seat` row per party, unique
//! per (session, slot, organisation), and a table holds one meeting per slot (unique
//! (session, slot, table)). The database refuses the loser of any race, which is answered
//! `SLOT_CONFLICT`. Writes also lock the session row (`FOR UPDATE` on PostgreSQL; SQLite's
//! immediate transactions exclude writers already), so capacity counts and duplicate checks
//! see every committed registration and request.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use entity::{
    capability,
    meeting::{self, DeclineReason, MeetingStatus},
    meeting_seat, need,
    need::Strings,
    organization, science_city, session,
    session_registration::{self, Slots},
};
use sea_orm::{
    ActiveEnum as _, ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, Condition,
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait as _,
    PaginatorTrait as _, QueryFilter as _, QueryOrder as _, QuerySelect as _, Select,
};

use super::{
    access::Access,
    listings,
    matching::{Viewer, store::Matcher},
    scheduling::{self, Problem, Request, Unplaced},
    text::Localized,
};
use crate::{
    db,
    error::{AppError, AppResult},
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

/// Start and end of slot `index`.
pub fn slot_times(session: &session::Model, index: i32) -> (DateTime<Utc>, DateTime<Utc>) {
    let start =
        session.starts_at + Duration::minutes(i64::from(session.slot_minutes) * i64::from(index));
    (
        start,
        start + Duration::minutes(i64::from(session.slot_minutes)),
    )
}

/// Whether the caller organises `session`: a platform admin or an admin of the venue.
pub fn organises(access: &Access, session: &session::Model) -> bool {
    access
        .require_org_admin(session.venue_organization_id)
        .is_ok()
}

/// Creates a session (platform admins and the venue's organisation admins).
pub async fn create(
    db: &DatabaseConnection,
    access: &Access,
    input: NewSession,
) -> AppResult<session::Model> {
    let user_id = access.user_id()?;
    organization::Entity::find_by_id(input.venue_organization_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::invalid("venueOrganizationId", "no such organisation"))?;
    access.require_org_admin(input.venue_organization_id)?;
    if let Some(city) = input.science_city_id {
        science_city::Entity::find_by_id(city)
            .one(db)
            .await?
            .ok_or_else(|| AppError::invalid("scienceCityId", "no such science city"))?;
    }
    let title = input.title.cleaned("title", 300, true)?;
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
async fn lock_session(txn: &DatabaseTransaction, id: i64) -> AppResult<session::Model> {
    session::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("session"))
}

async fn registration(
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

fn new_token() -> AppResult<String> {
    use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("no randomness: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
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
    organization::Entity::find_by_id(organization_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::invalid("organizationId", "no such organisation"))?;
    access.require_member(organization_id)?;
    let now = Utc::now();
    if now > session.registration_deadline {
        return Err(AppError::rule(
            Some("sessionId"),
            "REGISTRATION_CLOSED",
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
                    "SLOT_BOOKED",
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
                    "SESSION_FULL",
                    format!("the session is full ({} participants)", session.capacity),
                ));
            }
            session_registration::ActiveModel {
                session_id: Set(session_id),
                organization_id: Set(organization_id),
                availability: Set(Slots(slots)),
                calendar_token: Set(new_token()?),
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

/// What `requestMeeting` receives.
#[derive(Debug, Clone)]
pub struct NewMeeting {
    /// The session.
    pub session_id: i64,
    /// The asking organisation (the caller's).
    pub from: i64,
    /// The organisation asked.
    pub to: i64,
    /// The need it is about.
    pub need_id: Option<i64>,
    /// The capability it is about.
    pub capability_id: Option<i64>,
    /// A note to the invitee.
    pub message: Option<String>,
}

/// Statuses in which a meeting between two organisations is still live.
const LIVE: [MeetingStatus; 3] = [
    MeetingStatus::Requested,
    MeetingStatus::Accepted,
    MeetingStatus::Booked,
];

/// Asks another participant for a meeting. The match score of the need and capability, when
/// both are named, is kept for the scheduler.
pub async fn request(
    db: &DatabaseConnection,
    access: &Access,
    matcher: &Matcher,
    input: NewMeeting,
) -> AppResult<meeting::Model> {
    access.user_id()?;
    access.require_member(input.from)?;
    if input.from == input.to {
        return Err(AppError::invalid(
            "toOrganizationId",
            "a meeting needs two organisations",
        ));
    }
    let message = input
        .message
        .map(|m| m.trim().to_owned())
        .filter(|m| !m.is_empty());
    if message.as_ref().is_some_and(|m| m.chars().count() > 1000) {
        return Err(AppError::invalid("message", "at most 1000 characters"));
    }
    let pair = [input.from, input.to];
    if let Some(id) = input.need_id {
        let n = need::Entity::find_by_id(id).one(db).await?;
        if !n.is_some_and(|n| pair.contains(&n.organization_id)) {
            return Err(AppError::invalid(
                "needId",
                "not a need of either organisation",
            ));
        }
    }
    if let Some(id) = input.capability_id {
        let c = capability::Entity::find_by_id(id).one(db).await?;
        if !c.is_some_and(|c| pair.contains(&c.organization_id)) {
            return Err(AppError::invalid(
                "capabilityId",
                "not a capability of either organisation",
            ));
        }
    }
    let score = match (input.need_id, input.capability_id) {
        (Some(n), Some(c)) => {
            let admin = Viewer {
                admin: true,
                organizations: vec![],
            };
            let engine = matcher.current(db).await?;
            engine.explain(n, c, &admin).ok().map(|m| m.score)
        }
        _ => None,
    };
    let txn = db::begin_write(db).await?;
    let session = lock_session(&txn, input.session_id).await?;
    for (org, field) in [
        (input.from, "fromOrganizationId"),
        (input.to, "toOrganizationId"),
    ] {
        if registration(&txn, session.id, org).await?.is_none() {
            return Err(AppError::rule(
                Some(field),
                "NOT_REGISTERED",
                "both organisations must be registered for the session",
            ));
        }
    }
    let live = meeting::Entity::find()
        .filter(meeting::Column::SessionId.eq(session.id))
        .filter(meeting::Column::Status.is_in(LIVE))
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(meeting::Column::RequesterId.eq(input.from))
                        .add(meeting::Column::InviteeId.eq(input.to)),
                )
                .add(
                    Condition::all()
                        .add(meeting::Column::RequesterId.eq(input.to))
                        .add(meeting::Column::InviteeId.eq(input.from)),
                ),
        )
        .count(&txn)
        .await?;
    if live > 0 {
        return Err(AppError::rule(
            Some("toOrganizationId"),
            "ALREADY_REQUESTED",
            "a meeting between these organisations is already requested or agreed",
        ));
    }
    let now = Utc::now();
    let row = meeting::ActiveModel {
        session_id: Set(session.id),
        requester_id: Set(input.from),
        invitee_id: Set(input.to),
        need_id: Set(input.need_id),
        capability_id: Set(input.capability_id),
        message: Set(message),
        status: Set(MeetingStatus::Requested),
        score: Set(score),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// The meeting and its session, the session locked for the rest of `txn` (which holds every
/// write to its meetings), if the caller may see it (a party, the organiser,
/// a platform admin).
async fn lock_meeting(
    txn: &DatabaseTransaction,
    access: &Access,
    id: i64,
) -> AppResult<(meeting::Model, session::Model)> {
    let find = || meeting::Entity::find_by_id(id).one(txn);
    let session_id = find()
        .await?
        .ok_or(AppError::NotFound("meeting"))?
        .session_id;
    // The session row first, as every write to a session's meetings takes it (scheduleSession
    // locks the session, then writes its meetings): locking the meeting first would deadlock
    // against it on PostgreSQL. Under the session lock the meeting is read as committed.
    let session = lock_session(txn, session_id).await?;
    let m = find().await?.ok_or(AppError::NotFound("meeting"))?;
    if !can_see(access, &m, &session) {
        return Err(AppError::NotFound("meeting"));
    }
    Ok((m, session))
}

/// Whether the caller may see a meeting.
pub fn can_see(access: &Access, m: &meeting::Model, session: &session::Model) -> bool {
    access.can_see_members(m.requester_id)
        || access.can_see_members(m.invitee_id)
        || organises(access, session)
}

fn wrong_status(m: &meeting::Model, wanted: &str) -> AppError {
    AppError::rule(
        Some("meetingId"),
        "WRONG_STATUS",
        format!("the meeting is {}, not {wanted}", m.status.to_value()),
    )
}

/// The invitee accepts, or declines with a reason.
pub async fn respond(
    db: &DatabaseConnection,
    access: &Access,
    meeting_id: i64,
    accept: bool,
    reason: Option<DeclineReason>,
) -> AppResult<meeting::Model> {
    access.user_id()?;
    let txn = db::begin_write(db).await?;
    let (m, _) = lock_meeting(&txn, access, meeting_id).await?;
    if !access.can_see_members(m.invitee_id) {
        return Err(AppError::Forbidden(
            "only the invited organisation answers".into(),
        ));
    }
    if m.status != MeetingStatus::Requested {
        return Err(wrong_status(&m, "REQUESTED"));
    }
    let mut row: meeting::ActiveModel = m.into();
    if accept {
        row.status = Set(MeetingStatus::Accepted);
    } else {
        let reason =
            reason.ok_or_else(|| AppError::invalid("reason", "say why the meeting is declined"))?;
        row.status = Set(MeetingStatus::Declined);
        row.decline_reason = Set(Some(reason));
    }
    row.updated_at = Set(Utc::now());
    let saved = row.update(&txn).await?;
    txn.commit().await?;
    Ok(saved)
}

fn seat_conflict(err: sea_orm::DbErr) -> AppError {
    AppError::on_unique(
        err,
        "meeting_seat_session_id_slot_organization_id_key",
        "meeting_seat.session_id, meeting_seat.slot, meeting_seat.organization_id",
        AppError::SlotConflict(
            "one of the organisations is already in a meeting in this slot".into(),
        ),
    )
}

fn table_conflict(err: sea_orm::DbErr) -> AppError {
    AppError::on_unique(
        err,
        "meeting_session_id_slot_table_no_key",
        "meeting.session_id, meeting.slot, meeting.table_no",
        AppError::SlotConflict("the table is taken in this slot".into()),
    )
}

/// Puts a meeting into `slot` at `table`: seats first (their unique key refuses a double
/// booking), then the meeting row (its unique key refuses a double-used table).
async fn place(
    txn: &DatabaseTransaction,
    m: meeting::Model,
    slot: i32,
    table: i32,
) -> AppResult<meeting::Model> {
    // Seats in organisation order, so two bookings sharing both parties lock alike.
    let mut parties = [m.requester_id, m.invitee_id];
    parties.sort_unstable();
    for organization_id in parties {
        meeting_seat::ActiveModel {
            meeting_id: Set(m.id),
            session_id: Set(m.session_id),
            slot: Set(slot),
            organization_id: Set(organization_id),
        }
        .insert(txn)
        .await
        .map_err(seat_conflict)?;
    }
    let mut row: meeting::ActiveModel = m.into();
    row.status = Set(MeetingStatus::Booked);
    row.slot = Set(Some(slot));
    row.table_no = Set(Some(table));
    row.updated_at = Set(Utc::now());
    row.update(txn).await.map_err(table_conflict)
}

async fn availability(
    db: &impl ConnectionTrait,
    session_id: i64,
) -> AppResult<HashMap<i64, Vec<i32>>> {
    Ok(session_registration::Entity::find()
        .filter(session_registration::Column::SessionId.eq(session_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.organization_id, r.availability.0))
        .collect())
}

/// Books an accepted meeting into `slot`, at `table` or the lowest free one. Either party may.
pub async fn book(
    db: &DatabaseConnection,
    access: &Access,
    meeting_id: i64,
    slot: i32,
    table: Option<i32>,
) -> AppResult<meeting::Model> {
    access.user_id()?;
    let txn = db::begin_write(db).await?;
    let (m, session) = lock_meeting(&txn, access, meeting_id).await?;
    if !access.can_see_members(m.requester_id) && !access.can_see_members(m.invitee_id) {
        return Err(AppError::Forbidden(
            "only the two parties book their meeting".into(),
        ));
    }
    if m.status != MeetingStatus::Accepted {
        return Err(wrong_status(&m, "ACCEPTED"));
    }
    if !(0..session.slot_count).contains(&slot) {
        return Err(AppError::invalid(
            "slot",
            format!("slot indices run from 0 to {}", session.slot_count - 1),
        ));
    }
    let available = availability(&txn, session.id).await?;
    for party in [m.requester_id, m.invitee_id] {
        if !available.get(&party).is_some_and(|a| a.contains(&slot)) {
            return Err(AppError::rule(
                Some("slot"),
                "NOT_AVAILABLE",
                "a party is not available in this slot",
            ));
        }
    }
    let table = match table {
        Some(t) if (1..=session.tables).contains(&t) => t,
        Some(_) => {
            return Err(AppError::invalid(
                "table",
                format!("tables are numbered 1 to {}", session.tables),
            ));
        }
        None => {
            let used: HashSet<i32> = meeting::Entity::find()
                .filter(meeting::Column::SessionId.eq(session.id))
                .filter(meeting::Column::Slot.eq(slot))
                .all(&txn)
                .await?
                .into_iter()
                .filter_map(|m| m.table_no)
                .collect();
            (1..=session.tables)
                .find(|t| !used.contains(t))
                .ok_or_else(|| AppError::SlotConflict("every table is taken in this slot".into()))?
        }
    };
    let saved = place(&txn, m, slot, table).await?;
    txn.commit().await.map_err(seat_conflict)?;
    Ok(saved)
}

/// Cancels a meeting not yet declined or cancelled: either party or the organiser. Its slot
/// and table are freed.
pub async fn cancel(
    db: &DatabaseConnection,
    access: &Access,
    meeting_id: i64,
) -> AppResult<meeting::Model> {
    access.user_id()?;
    let txn = db::begin_write(db).await?;
    let (m, _) = lock_meeting(&txn, access, meeting_id).await?;
    if !LIVE.contains(&m.status) {
        return Err(wrong_status(&m, "REQUESTED, ACCEPTED or BOOKED"));
    }
    meeting_seat::Entity::delete_many()
        .filter(meeting_seat::Column::MeetingId.eq(m.id))
        .exec(&txn)
        .await?;
    let mut row: meeting::ActiveModel = m.into();
    row.status = Set(MeetingStatus::Cancelled);
    row.slot = Set(None);
    row.table_no = Set(None);
    row.updated_at = Set(Utc::now());
    let saved = row.update(&txn).await?;
    txn.commit().await?;
    Ok(saved)
}

/// What `scheduleSession` did.
#[derive(Debug)]
pub struct Scheduled {
    /// Meetings booked by this run.
    pub placed: Vec<meeting::Model>,
    /// Meetings left unplaced, with why.
    pub unplaced: Vec<(meeting::Model, Unplaced)>,
    /// No schedule could place more than this many of the meetings considered.
    pub upper_bound: usize,
}

/// Places every accepted, unplaced meeting of a session (organiser only). All or nothing.
pub async fn schedule(
    db: &DatabaseConnection,
    access: &Access,
    session_id: i64,
) -> AppResult<Scheduled> {
    access.user_id()?;
    let txn = db::begin_write(db).await?;
    let session = lock_session(&txn, session_id).await?;
    if !organises(access, &session) {
        return Err(AppError::Forbidden(
            "only the session's organiser schedules it".into(),
        ));
    }
    let meetings = meeting::Entity::find()
        .filter(meeting::Column::SessionId.eq(session.id))
        .filter(meeting::Column::Status.is_in([MeetingStatus::Accepted, MeetingStatus::Booked]))
        .order_by_asc(meeting::Column::Id)
        .all(&txn)
        .await?;
    let slots = usize::try_from(session.slot_count).unwrap_or(0);
    let problem = Problem {
        slots,
        tables: usize::try_from(session.tables).unwrap_or(0),
        availability: availability(&txn, session.id)
            .await?
            .into_iter()
            .map(|(org, free)| {
                let mut v = vec![false; slots];
                for s in free {
                    if let Some(x) = usize::try_from(s).ok().and_then(|s| v.get_mut(s)) {
                        *x = true;
                    }
                }
                (org, v)
            })
            .collect(),
        booked: meetings
            .iter()
            .filter_map(|m| {
                let slot = usize::try_from(m.slot?).ok()?;
                let table = usize::try_from(m.table_no?).ok()?;
                Some((m.requester_id, m.invitee_id, slot, table))
            })
            .collect(),
        requests: meetings
            .iter()
            .filter(|m| m.status == MeetingStatus::Accepted)
            .map(|m| Request {
                id: m.id,
                a: m.requester_id,
                b: m.invitee_id,
                score: m.score.unwrap_or(0.0),
            })
            .collect(),
    };
    let plan = scheduling::schedule(&problem);
    let mut by_id: HashMap<i64, meeting::Model> = meetings.into_iter().map(|m| (m.id, m)).collect();
    let mut placed = Vec::with_capacity(plan.placed.len());
    for (id, slot, table) in plan.placed {
        let Some(m) = by_id.remove(&id) else { continue };
        let slot = i32::try_from(slot).unwrap_or(i32::MAX);
        let table = i32::try_from(table).unwrap_or(i32::MAX);
        placed.push(place(&txn, m, slot, table).await?);
    }
    txn.commit().await.map_err(seat_conflict)?;
    let unplaced = plan
        .unplaced
        .into_iter()
        .filter_map(|(id, why)| Some((by_id.remove(&id)?, why)))
        .collect();
    let upper_bound = plan.upper_bound;
    tracing::info!(
        session_id,
        placed = placed.len(),
        upper_bound,
        "session scheduled"
    );
    Ok(Scheduled {
        placed,
        unplaced,
        upper_bound,
    })
}

/// Sessions matching `filter`, unordered and unpaged. Sessions are public.
pub fn search(filter: &SessionFilter) -> Select<session::Entity> {
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
    if !access.can_see_members(organization_id) && !organises(access, session) {
        return Err(AppError::Forbidden(
            "an agenda is for its organisation and the organiser".into(),
        ));
    }
    booked_meetings(db, session.id, organization_id).await
}

/// Booked meetings of `organization_id` in a session, by slot.
pub async fn booked_meetings(
    db: &impl ConnectionTrait,
    session_id: i64,
    organization_id: i64,
) -> AppResult<Vec<meeting::Model>> {
    Ok(meeting::Entity::find()
        .filter(meeting::Column::SessionId.eq(session_id))
        .filter(meeting::Column::Status.eq(MeetingStatus::Booked))
        .filter(
            Condition::any()
                .add(meeting::Column::RequesterId.eq(organization_id))
                .add(meeting::Column::InviteeId.eq(organization_id)),
        )
        .order_by_asc(meeting::Column::Slot)
        .all(db)
        .await?)
}

/// Meetings of a session the caller may see: all for the organiser, their own for parties.
pub fn meetings_visible(access: &Access, session: &session::Model) -> Select<meeting::Entity> {
    let select = meeting::Entity::find().filter(meeting::Column::SessionId.eq(session.id));
    if organises(access, session) {
        return select;
    }
    let mine: Vec<i64> = access.memberships.keys().copied().collect();
    select.filter(
        Condition::any()
            .add(meeting::Column::RequesterId.is_in(mine.clone()))
            .add(meeting::Column::InviteeId.is_in(mine)),
    )
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
        .ok_or(AppError::NotFound("session"))?;
    Ok(Some((reg, session)))
}
