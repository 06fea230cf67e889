//! 1:1 meetings at a session: requests and answers, booking by hand or by the scheduler,
//! cancellation, agendas.
//!
//! Nobody is ever double-booked: a booked meeting holds one `meeting_seat` row per party, unique
//! per (session, slot, organisation), and a table holds one meeting per slot (unique
//! (session, slot, table)). The database refuses the loser of any race, which is answered
//! `SLOT_CONFLICT`. Every write locks the session row first (see `sessions`).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use entity::{
    meeting::{self, DeclineReason, MeetingStatus},
    meeting_report::{self, Attendance, MeetingOutcome},
    meeting_seat, session,
    session_registration::{self},
};
use sea_orm::{
    ActiveEnum as _, ActiveModelTrait as _,
    ActiveValue::Set,
    ColumnTrait as _, Condition, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait as _, PaginatorTrait as _, QueryFilter as _, QueryOrder as _, QuerySelect as _,
    sea_query::{Query, UnionType},
};

use super::{
    access::Access,
    events::{self, Change, MeetingChange},
    matching::store::Matcher,
    outcomes::{self, MeetingRules},
    references,
    scheduling::{self, Problem, Request, Unplaced},
    sessions::{lock_session, registration, slot_times},
    text::{self, Shape},
};
use crate::{
    db,
    error::{AppError, AppResult, Reason},
};

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

/// Why a request expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// Nobody answered within the request's time to live.
    NoAnswer,
    /// The session ended before anybody answered.
    SessionEnded,
}

/// Whether and why an unanswered request has expired at `now`. Expiry is read, never written:
/// a `REQUESTED` row past its time reads as `EXPIRED` from that second on, with no sweeper to
/// lag behind, and as it never held a slot there is nothing to free.
pub fn expiry(
    m: &meeting::Model,
    session: &session::Model,
    rules: &MeetingRules,
    now: DateTime<Utc>,
) -> Option<Expiry> {
    if m.status != MeetingStatus::Requested {
        None
    } else if now >= session.ends_at {
        Some(Expiry::SessionEnded)
    } else if now >= m.created_at + rules.request_ttl {
        Some(Expiry::NoAnswer)
    } else {
        None
    }
}

/// The status a meeting shows: its row's, or `EXPIRED` for a request past its time.
pub fn status(
    m: &meeting::Model,
    session: &session::Model,
    rules: &MeetingRules,
    now: DateTime<Utc>,
) -> MeetingStatus {
    match expiry(m, session, rules, now) {
        Some(_) => MeetingStatus::Expired,
        None => m.status,
    }
}

/// Longest note on a meeting report, in characters.
const NOTE_MAX: usize = 2000;

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
    rules: &MeetingRules,
    input: NewMeeting,
) -> AppResult<meeting::Model> {
    access.user_id()?;
    references::organization(db, "fromOrganizationId", input.from).await?;
    references::organization(db, "toOrganizationId", input.to).await?;
    access.require_member(input.from)?;
    if input.from == input.to {
        return Err(AppError::invalid(
            "toOrganizationId",
            "a meeting needs two organisations",
        ));
    }
    let message = match input.message {
        Some(m) => text::clean("message", &m, 1000, Shape::Long)?,
        None => None,
    };
    let pair = [input.from, input.to];
    // What the meeting is about: visible to the caller, and of one of the two organisations.
    if let Some(id) = input.need_id {
        let (need, _) = references::need(db, access, "needId", id).await?;
        if !pair.contains(&need.organization_id) {
            return Err(AppError::invalid(
                "needId",
                "not a need of either organisation",
            ));
        }
    }
    if let Some(id) = input.capability_id {
        let capability = references::capability(db, access, "capabilityId", id).await?;
        if !pair.contains(&capability.organization_id) {
            return Err(AppError::invalid(
                "capabilityId",
                "not a capability of either organisation",
            ));
        }
    }
    // Scored as the requester may read the pair: a teaser need by its teaser only, so the
    // score says nothing of text the requester cannot read.
    let score = match (input.need_id, input.capability_id) {
        (Some(n), Some(c)) => {
            let engine = matcher.current(db).await?;
            engine.explain(n, c, access).ok().map(|m| m.score)
        }
        _ => None,
    };
    let txn = db::begin_write(db).await?;
    let session = lock_session(&txn, input.session_id).await?;
    let now = Utc::now();
    if now >= session.ends_at {
        return Err(AppError::rule(
            Some("sessionId"),
            Reason::RegistrationClosed,
            "the session has ended and takes no more meeting requests",
        ));
    }
    for (org, field) in [
        (input.from, "fromOrganizationId"),
        (input.to, "toOrganizationId"),
    ] {
        if registration(&txn, session.id, org).await?.is_none() {
            return Err(AppError::rule(
                Some(field),
                Reason::NotRegistered,
                "both organisations must be registered for the session",
            ));
        }
    }
    // An expired request is no longer live, so the two may ask again.
    let live = meeting::Entity::find()
        .filter(meeting::Column::SessionId.eq(session.id))
        .filter(meeting::Column::Status.is_in(LIVE))
        .filter(
            Condition::any()
                .add(meeting::Column::Status.ne(MeetingStatus::Requested))
                .add(meeting::Column::CreatedAt.gt(now - rules.request_ttl)),
        )
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
            Reason::AlreadyRequested,
            "a meeting between these organisations is already requested or agreed",
        ));
    }
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
    changed(&txn, &row, MeetingChange::Requested).await?;
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
        .ok_or(AppError::not_found("meetingId", "meeting"))?
        .session_id;
    // The session row first, as every write to a session's meetings takes it (scheduleSession
    // locks the session, then writes its meetings): locking the meeting first would deadlock
    // against it on PostgreSQL. Under the session lock the meeting is read as committed.
    let session = lock_session(txn, session_id).await?;
    let m = find()
        .await?
        .ok_or(AppError::not_found("meetingId", "meeting"))?;
    if !can_see(access, &m, &session) {
        return Err(AppError::not_found("meetingId", "meeting"));
    }
    Ok((m, session))
}

/// Whether the caller may see a meeting.
pub fn can_see(access: &Access, m: &meeting::Model, session: &session::Model) -> bool {
    access.can_see_members(m.requester_id)
        || access.can_see_members(m.invitee_id)
        || access.organises(session)
}

fn wrong_status(status: MeetingStatus, wanted: &str) -> AppError {
    AppError::rule(
        Some("meetingId"),
        Reason::WrongStatus,
        format!("the meeting is {}, not {wanted}", status.to_value()),
    )
}

/// The invitee accepts, or declines with a reason.
pub async fn respond(
    db: &DatabaseConnection,
    access: &Access,
    meeting_id: i64,
    rules: &MeetingRules,
    accept: bool,
    reason: Option<DeclineReason>,
) -> AppResult<meeting::Model> {
    access.user_id()?;
    let txn = db::begin_write(db).await?;
    let (m, session) = lock_meeting(&txn, access, meeting_id).await?;
    if !access.can_see_members(m.invitee_id) {
        return Err(AppError::Forbidden(
            "only the invited organisation answers".into(),
        ));
    }
    if m.status != MeetingStatus::Requested {
        return Err(wrong_status(m.status, "REQUESTED"));
    }
    if let Some(why) = expiry(&m, &session, rules, Utc::now()) {
        return Err(AppError::rule(
            Some("meetingId"),
            Reason::RequestExpired,
            match why {
                Expiry::NoAnswer => format!(
                    "the request expired unanswered after {} hours",
                    rules.request_ttl.num_hours()
                ),
                Expiry::SessionEnded => "the request expired when its session ended".to_owned(),
            },
        ));
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
    let kind = if accept {
        MeetingChange::Accepted
    } else {
        MeetingChange::Declined
    };
    changed(&txn, &saved, kind).await?;
    txn.commit().await?;
    Ok(saved)
}

/// The outbox event of a change to meeting `m`, in the change's transaction.
async fn changed(
    txn: &DatabaseTransaction,
    m: &meeting::Model,
    change: MeetingChange,
) -> AppResult<()> {
    events::record(txn, Change::Meeting(change), m.session_id, m.id).await
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
        return Err(wrong_status(m.status, "ACCEPTED"));
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
                Reason::NotAvailable,
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
    changed(&txn, &saved, MeetingChange::Booked).await?;
    txn.commit().await.map_err(seat_conflict)?;
    Ok(saved)
}

/// Cancels a live meeting whose slot has not ended: either party or the organiser. Its slot
/// and table are freed. A meeting already over is not cancelled but reported on
/// (`CANCELLED_LATE`), so its record stays.
pub async fn cancel(
    db: &DatabaseConnection,
    access: &Access,
    rules: &MeetingRules,
    meeting_id: i64,
) -> AppResult<meeting::Model> {
    access.user_id()?;
    let txn = db::begin_write(db).await?;
    let (m, session) = lock_meeting(&txn, access, meeting_id).await?;
    let now = Utc::now();
    let shown = status(&m, &session, rules, now);
    if !LIVE.contains(&shown) {
        return Err(wrong_status(shown, "REQUESTED, ACCEPTED or BOOKED"));
    }
    if let Some(slot) = m.slot
        && slot_times(&session, slot).1 <= now
    {
        return Err(AppError::rule(
            Some("meetingId"),
            Reason::MeetingOver,
            "the meeting's slot has passed: report CANCELLED_LATE instead",
        ));
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
    changed(&txn, &saved, MeetingChange::Cancelled).await?;
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
    if !access.organises(&session) {
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
        let saved = place(&txn, m, slot, table).await?;
        changed(&txn, &saved, MeetingChange::Booked).await?;
        placed.push(saved);
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

/// Meetings of a session the caller may see (all for the organiser, their own for parties),
/// newest first, at most `limit`.
pub async fn visible(
    db: &impl ConnectionTrait,
    access: &Access,
    session: &session::Model,
    limit: u64,
) -> AppResult<Vec<meeting::Model>> {
    let mut select = meeting::Entity::find();
    if access.organises(session) {
        select = select.filter(meeting::Column::SessionId.eq(session.id));
    } else {
        // The caller's meetings in the session as requester, then as invitee, each through its
        // party's index. Written as `session_id = ? AND (… OR …)`, SQLite (which keeps no
        // statistics) walked every meeting of the session through the session's index.
        let mine: Vec<i64> = access.memberships.keys().copied().collect();
        let of_mine = |party: meeting::Column| {
            Query::select()
                .column(meeting::Column::Id)
                .from(meeting::Entity)
                .and_where(party.is_in(mine.clone()))
                .and_where(meeting::Column::SessionId.eq(session.id))
                .to_owned()
        };
        let ids = of_mine(meeting::Column::RequesterId)
            .union(UnionType::All, of_mine(meeting::Column::InviteeId))
            .to_owned();
        select = select.filter(meeting::Column::Id.in_subquery(ids));
    }
    Ok(select
        .order_by_desc(meeting::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// What `reportMeetingOutcome` receives.
#[derive(Debug, Clone)]
pub struct NewReport {
    /// The meeting.
    pub meeting_id: i64,
    /// The reporting party; `None` when the caller is a member of exactly one of the two.
    pub organization_id: Option<i64>,
    /// Whether it took place.
    pub attendance: Attendance,
    /// What came of it.
    pub outcome: Option<MeetingOutcome>,
    /// A note for the two parties.
    pub note: Option<String>,
}

/// Records (or updates) the caller's party's report on a booked meeting whose slot has ended.
pub async fn report(
    db: &DatabaseConnection,
    access: &Access,
    input: NewReport,
) -> AppResult<meeting::Model> {
    let user_id = access.user_id()?;
    if let Some(org) = input.organization_id {
        references::organization(db, "organizationId", org).await?;
    }
    if input.outcome.is_some() && input.attendance != Attendance::Held {
        return Err(AppError::invalid(
            "outcome",
            "only a meeting that took place has an outcome",
        ));
    }
    let note = match input.note {
        Some(n) => text::clean("note", &n, NOTE_MAX, Shape::Long)?,
        None => None,
    };
    let txn = db::begin_write(db).await?;
    let (m, session) = lock_meeting(&txn, access, input.meeting_id).await?;
    let parties = [m.requester_id, m.invitee_id];
    let party = match input.organization_id {
        Some(org) if !parties.contains(&org) => {
            return Err(AppError::invalid(
                "organizationId",
                "not a party to the meeting",
            ));
        }
        Some(org) => org,
        None => {
            let mine: Vec<i64> = parties
                .into_iter()
                .filter(|p| access.memberships.contains_key(p))
                .collect();
            match mine[..] {
                [one] => one,
                [] => return Err(parties_only()),
                _ => {
                    return Err(AppError::invalid(
                        "organizationId",
                        "you belong to both parties: say which one reports",
                    ));
                }
            }
        }
    };
    // The parties' own members only: a report speaks for the organisation that met.
    if !access.memberships.contains_key(&party) {
        return Err(parties_only());
    }
    let Some(ends) = outcomes::slot_end(&m, &session) else {
        return Err(wrong_status(m.status, "BOOKED"));
    };
    let now = Utc::now();
    if now < ends {
        return Err(AppError::rule(
            Some("meetingId"),
            Reason::MeetingNotOver,
            format!("the meeting's slot ends at {}", ends.to_rfc3339()),
        ));
    }
    let existing = meeting_report::Entity::find()
        .filter(meeting_report::Column::MeetingId.eq(m.id))
        .filter(meeting_report::Column::OrganizationId.eq(party))
        .one(&txn)
        .await?;
    let mut row: meeting_report::ActiveModel = match existing {
        Some(r) => r.into(),
        None => meeting_report::ActiveModel {
            meeting_id: Set(m.id),
            organization_id: Set(party),
            created_at: Set(now),
            ..Default::default()
        },
    };
    row.attendance = Set(input.attendance);
    row.outcome = Set(input.outcome);
    row.note = Set(note);
    row.reported_by = Set(user_id);
    row.updated_at = Set(now);
    row.save(&txn).await?;
    changed(&txn, &m, MeetingChange::Reported).await?;
    txn.commit().await?;
    tracing::info!(
        meeting_id = m.id,
        organization_id = party,
        "meeting outcome reported"
    );
    Ok(m)
}

fn parties_only() -> AppError {
    AppError::Forbidden("only members of the two parties report on a meeting".into())
}

/// Meeting `id` as it stands, if `access` may see it: what a subscriber receives of a change.
pub async fn changed_for(
    db: &impl ConnectionTrait,
    access: &Access,
    id: i64,
) -> AppResult<Option<meeting::Model>> {
    let Some(m) = meeting::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let session = session::Entity::find_by_id(m.session_id).one(db).await?;
    Ok(session
        .is_some_and(|s| can_see(access, &m, &s))
        .then_some(m))
}
