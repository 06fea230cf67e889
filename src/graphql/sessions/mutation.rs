//! Session, registration and meeting mutations.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::meeting::DeclineReason;

use super::types::{Meeting, Session, SessionRegistration, UnplacedMeeting};
use crate::{
    domain::sessions::{self, NewMeeting, NewSession},
    graphql::{
        access, app,
        ids::{NodeType, decode_as},
        localized::LocalizedTextInput,
    },
};

/// A new session.
#[derive(Debug, InputObject)]
pub struct CreateSessionInput {
    /// Title, in at least one of kk/ru/en.
    pub title: LocalizedTextInput,
    /// Themes as OECD FOS 2007 codes.
    #[graphql(default)]
    pub themes: Vec<String>,
    /// The hosting organisation; the caller must be its admin (or a platform admin).
    pub venue_organization_id: ID,
    /// The science city it belongs to.
    pub science_city_id: Option<ID>,
    /// Start of the first slot (RFC 3339; any offset, stored in UTC).
    pub starts_at: DateTime<Utc>,
    /// End of the session (at most 7 days after the start).
    pub ends_at: DateTime<Utc>,
    /// IANA time zone.
    #[graphql(default = "Asia/Almaty")]
    pub time_zone: String,
    /// Minutes per meeting slot (5–240); the session holds as many whole slots as fit.
    #[graphql(default = 20)]
    pub slot_minutes: i32,
    /// Meeting tables (1–1000).
    pub tables: i32,
    /// Most organisations that may register (2–100000).
    pub capacity: i32,
    /// Registration closes at this instant; the start when omitted.
    pub registration_deadline: Option<DateTime<Utc>>,
}

/// The result of `createSession`.
#[derive(SimpleObject)]
pub struct CreateSessionPayload {
    /// The new session.
    pub session: Session,
}

/// An organisation's registration, or a change to its availability.
#[derive(Debug, InputObject)]
pub struct RegisterForSessionInput {
    /// The session.
    pub session_id: ID,
    /// The organisation; the caller must be a member.
    pub organization_id: ID,
    /// Slot indices it can meet in; every slot when omitted.
    pub availability: Option<Vec<i32>>,
}

/// The result of `registerForSession`.
#[derive(SimpleObject)]
pub struct RegisterForSessionPayload {
    /// The registration.
    pub registration: SessionRegistration,
}

/// A request for a 1:1 meeting.
#[derive(Debug, InputObject)]
pub struct RequestMeetingInput {
    /// The session; both organisations must be registered.
    pub session_id: ID,
    /// The asking organisation; the caller must be a member.
    pub from_organization_id: ID,
    /// The organisation asked.
    pub to_organization_id: ID,
    /// A need of either organisation it is about.
    pub need_id: Option<ID>,
    /// A capability of either organisation it is about; with `needId`, their match score
    /// orders the scheduler.
    pub capability_id: Option<ID>,
    /// A note to the invitee (up to 1000 characters).
    pub message: Option<String>,
}

/// The result of a meeting mutation.
#[derive(SimpleObject)]
pub struct MeetingPayload {
    /// The meeting as it now stands.
    pub meeting: Meeting,
}

/// The invitee's answer.
#[derive(Debug, InputObject)]
pub struct RespondToMeetingInput {
    /// The meeting; the caller must be a member of the invitee.
    pub meeting_id: ID,
    /// Accept (true) or decline (false).
    pub accept: bool,
    /// Why it is declined; required when declining.
    pub reason: Option<DeclineReason>,
}

/// Books an accepted meeting.
#[derive(Debug, InputObject)]
pub struct BookMeetingInput {
    /// The meeting; the caller must be a member of either party.
    pub meeting_id: ID,
    /// Slot index; both parties must be available and free in it.
    pub slot: i32,
    /// Table number; the lowest free one when omitted.
    pub table: Option<i32>,
}

/// Cancels a meeting.
#[derive(Debug, InputObject)]
pub struct CancelMeetingInput {
    /// The meeting; either party or the organiser may cancel.
    pub meeting_id: ID,
}

/// Runs the scheduler.
#[derive(Debug, InputObject)]
pub struct ScheduleSessionInput {
    /// The session; the caller must organise it.
    pub session_id: ID,
}

/// The result of `scheduleSession`.
#[derive(SimpleObject)]
pub struct ScheduleSessionPayload {
    /// Meetings booked by this run.
    pub placed: Vec<Meeting>,
    /// Accepted meetings it could not place, with why.
    pub unplaced: Vec<UnplacedMeeting>,
    /// No schedule could place more of the meetings considered than this.
    pub upper_bound: i32,
}

fn meeting_id(id: &ID) -> Result<i64> {
    Ok(decode_as(id, NodeType::Meeting, "meetingId")?)
}

/// Session mutations.
#[derive(Default)]
pub struct SessionMutation;

#[Object]
impl SessionMutation {
    /// Creates a session. Platform admins and admins of the venue organisation may do this.
    async fn create_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; see its type.")] input: CreateSessionInput,
    ) -> Result<CreateSessionPayload> {
        let session = sessions::create(
            &app(ctx)?.db,
            &*access(ctx).await?,
            NewSession {
                title: input.title.into(),
                themes: input.themes,
                venue_organization_id: decode_as(
                    &input.venue_organization_id,
                    NodeType::Organization,
                    "venueOrganizationId",
                )?,
                science_city_id: input
                    .science_city_id
                    .map(|id| decode_as(&id, NodeType::ScienceCity, "scienceCityId"))
                    .transpose()?,
                starts_at: input.starts_at,
                ends_at: input.ends_at,
                time_zone: Some(input.time_zone),
                slot_minutes: input.slot_minutes,
                tables: input.tables,
                capacity: input.capacity,
                registration_deadline: input.registration_deadline,
            },
        )
        .await?;
        Ok(CreateSessionPayload {
            session: Session(session),
        })
    }

    /// Registers an organisation for a session with its availability, or changes it. Members
    /// of the organisation may do this until the registration deadline, while there is room.
    async fn register_for_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; see its type.")] input: RegisterForSessionInput,
    ) -> Result<RegisterForSessionPayload> {
        let session_id = decode_as(&input.session_id, NodeType::Session, "sessionId")?;
        let org = decode_as(
            &input.organization_id,
            NodeType::Organization,
            "organizationId",
        )?;
        let (row, session) = sessions::register(
            &app(ctx)?.db,
            &*access(ctx).await?,
            session_id,
            org,
            input.availability,
        )
        .await?;
        Ok(RegisterForSessionPayload {
            registration: SessionRegistration { row, session },
        })
    }

    /// Asks another participant for a 1:1 meeting. A pending request blocks no slot.
    async fn request_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; see its type.")] input: RequestMeetingInput,
    ) -> Result<MeetingPayload> {
        let app = app(ctx)?;
        let m = sessions::request(
            &app.db,
            &*access(ctx).await?,
            &app.matcher,
            NewMeeting {
                session_id: decode_as(&input.session_id, NodeType::Session, "sessionId")?,
                from: decode_as(
                    &input.from_organization_id,
                    NodeType::Organization,
                    "fromOrganizationId",
                )?,
                to: decode_as(
                    &input.to_organization_id,
                    NodeType::Organization,
                    "toOrganizationId",
                )?,
                need_id: input
                    .need_id
                    .map(|id| decode_as(&id, NodeType::Need, "needId"))
                    .transpose()?,
                capability_id: input
                    .capability_id
                    .map(|id| decode_as(&id, NodeType::Capability, "capabilityId"))
                    .transpose()?,
                message: input.message,
            },
        )
        .await?;
        Ok(MeetingPayload {
            meeting: Meeting(m),
        })
    }

    /// Accepts a meeting request, or declines it with a reason. The invitee's members may.
    async fn respond_to_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; see its type.")] input: RespondToMeetingInput,
    ) -> Result<MeetingPayload> {
        let m = sessions::respond(
            &app(ctx)?.db,
            &*access(ctx).await?,
            meeting_id(&input.meeting_id)?,
            input.accept,
            input.reason,
        )
        .await?;
        Ok(MeetingPayload {
            meeting: Meeting(m),
        })
    }

    /// Books an accepted meeting into a slot. Either party may. Losing a race for the slot (a
    /// party or the table already taken) is answered `SLOT_CONFLICT`.
    async fn book_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; see its type.")] input: BookMeetingInput,
    ) -> Result<MeetingPayload> {
        let m = sessions::book(
            &app(ctx)?.db,
            &*access(ctx).await?,
            meeting_id(&input.meeting_id)?,
            input.slot,
            input.table,
        )
        .await?;
        Ok(MeetingPayload {
            meeting: Meeting(m),
        })
    }

    /// Cancels a requested, accepted or booked meeting, freeing its slot. Either party or the
    /// organiser may.
    async fn cancel_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; see its type.")] input: CancelMeetingInput,
    ) -> Result<MeetingPayload> {
        let m = sessions::cancel(
            &app(ctx)?.db,
            &*access(ctx).await?,
            meeting_id(&input.meeting_id)?,
        )
        .await?;
        Ok(MeetingPayload {
            meeting: Meeting(m),
        })
    }

    /// Places every accepted, unplaced meeting of a session into a slot and table: as many as
    /// possible, higher match scores first, deterministically; says why the rest could not be
    /// placed. All or nothing. Only the organiser may.
    async fn schedule_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; see its type.")] input: ScheduleSessionInput,
    ) -> Result<ScheduleSessionPayload> {
        let session_id = decode_as(&input.session_id, NodeType::Session, "sessionId")?;
        let done = sessions::schedule(&app(ctx)?.db, &*access(ctx).await?, session_id).await?;
        Ok(ScheduleSessionPayload {
            placed: done.placed.into_iter().map(Meeting).collect(),
            unplaced: done
                .unplaced
                .into_iter()
                .map(|(m, why)| UnplacedMeeting {
                    meeting: Meeting(m),
                    reason: why.into(),
                })
                .collect(),
            upper_bound: i32::try_from(done.upper_bound).unwrap_or(i32::MAX),
        })
    }
}
