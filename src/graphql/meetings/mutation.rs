//! Meeting mutations: request, answer, book, cancel, `scheduleSession` placing them all, and
//! the parties' reports of what came of a meeting.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use entity::{
    meeting::DeclineReason,
    meeting_report::{Attendance, MeetingOutcome},
};

use super::types::{Meeting, UnplacedMeeting};
use crate::{
    domain::meetings::{self, NewMeeting, NewReport},
    graphql::{
        access,
        ids::{NodeType, decode_as},
        services,
    },
};

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

/// A party's report on a meeting after its slot.
#[derive(Debug, InputObject)]
pub struct ReportMeetingOutcomeInput {
    /// The meeting: booked, its slot ended.
    pub meeting_id: ID,
    /// The reporting party; needed only when the caller is a member of both.
    pub organization_id: Option<ID>,
    /// Whether the meeting took place.
    pub attendance: Attendance,
    /// What came of it; only with `HELD`.
    pub outcome: Option<MeetingOutcome>,
    /// A note only the two parties' members see (up to 2000 characters); replaces the earlier
    /// one, and omitting it clears it.
    pub note: Option<String>,
}

fn meeting_id(id: &ID) -> Result<i64> {
    Ok(decode_as(id, NodeType::Meeting, "meetingId")?)
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

/// Meeting mutations.
#[derive(Default)]
pub struct MeetingMutation;

#[Object]
impl MeetingMutation {
    /// Asks another participant for a 1:1 meeting. A pending request blocks no slot. Refused with
    /// `reason` `REGISTRATION_CLOSED` once the session has ended.
    async fn request_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The session, who asks whom, and optionally the need and capability to discuss."
        )]
        input: RequestMeetingInput,
    ) -> Result<MeetingPayload> {
        let services = services(ctx)?;
        let m = meetings::request(
            &services.db,
            &*access(ctx).await?,
            &services.matcher,
            &services.meetings,
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
        #[graphql(desc = "The meeting, whether the invitee accepts, and a reason when declining.")]
        input: RespondToMeetingInput,
    ) -> Result<MeetingPayload> {
        let services = services(ctx)?;
        let m = meetings::respond(
            &services.db,
            &*access(ctx).await?,
            meeting_id(&input.meeting_id)?,
            &services.meetings,
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
        #[graphql(desc = "The accepted meeting, the slot and optionally the table.")]
        input: BookMeetingInput,
    ) -> Result<MeetingPayload> {
        let m = meetings::book(
            &services(ctx)?.db,
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
    /// organiser may. A meeting whose slot has passed is reported on instead
    /// (`reportMeetingOutcome` with `CANCELLED_LATE`).
    async fn cancel_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting to cancel.")] input: CancelMeetingInput,
    ) -> Result<MeetingPayload> {
        let services = services(ctx)?;
        let m = meetings::cancel(
            &services.db,
            &*access(ctx).await?,
            &services.meetings,
            meeting_id(&input.meeting_id)?,
        )
        .await?;
        Ok(MeetingPayload {
            meeting: Meeting(m),
        })
    }

    /// Records whether a booked meeting took place and what came of it, for the caller's party,
    /// once its slot has ended; the same call updates the report later (a follow-up survey). The
    /// meeting counts as held when both parties say so, or when one does and the other stays
    /// silent past the confirmation window. Members of the two parties only.
    async fn report_meeting_outcome(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting, the reporting party, attendance, outcome and a note.")]
        input: ReportMeetingOutcomeInput,
    ) -> Result<MeetingPayload> {
        let organization_id = input
            .organization_id
            .map(|id| decode_as(&id, NodeType::Organization, "organizationId"))
            .transpose()?;
        let m = meetings::report(
            &services(ctx)?.db,
            &*access(ctx).await?,
            NewReport {
                meeting_id: meeting_id(&input.meeting_id)?,
                organization_id,
                attendance: input.attendance,
                outcome: input.outcome,
                note: input.note,
            },
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
        #[graphql(desc = "The session whose accepted meetings to place.")]
        input: ScheduleSessionInput,
    ) -> Result<ScheduleSessionPayload> {
        let session_id = decode_as(&input.session_id, NodeType::Session, "sessionId")?;
        let done = meetings::schedule(&services(ctx)?.db, &*access(ctx).await?, session_id).await?;
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
