//! The meeting object type, the parties' reports on it, and what the scheduler could not place.

use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{
    meeting::{self, DeclineReason, MeetingStatus},
    meeting_report::{self, Attendance, MeetingOutcome},
    session,
};

use crate::{
    domain::{meetings, outcomes},
    graphql::{
        access,
        capabilities::types::Capability,
        ids::{self, NodeType},
        loaders,
        needs::types::Need,
        organizations::types::Organization,
        required, services,
        sessions::types::Session,
        sessions::types::Slot,
        sessions::types::slot,
    },
};

/// GraphQL view of Meeting; see the schema description on its `impl`.
pub struct Meeting(pub meeting::Model);

/// A 1:1 meeting between two participants of a session.
#[Object]
impl Meeting {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::Meeting, self.0.id)
    }

    /// The session.
    async fn session(&self, ctx: &Context<'_>) -> Result<Session> {
        let s = loaders(ctx)?.sessions.load_one(self.0.session_id).await?;
        required(s.map(Session), "session")
    }

    /// The organisation that asked.
    async fn requester(&self, ctx: &Context<'_>) -> Result<Organization> {
        Organization::referenced(ctx, self.0.requester_id).await
    }

    /// The organisation asked.
    async fn invitee(&self, ctx: &Context<'_>) -> Result<Organization> {
        Organization::referenced(ctx, self.0.invitee_id).await
    }

    /// The need it is about, if any and if the caller may see it.
    async fn need(&self, ctx: &Context<'_>) -> Result<Option<Need>> {
        match self.0.need_id {
            Some(id) => Need::load(ctx, id).await,
            None => Ok(None),
        }
    }

    /// The capability it is about, if any and if the caller may see it.
    async fn capability(&self, ctx: &Context<'_>) -> Result<Option<Capability>> {
        match self.0.capability_id {
            Some(id) => Capability::load(ctx, id).await,
            None => Ok(None),
        }
    }

    /// The requester's note.
    async fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }

    /// Where it stands. A request nobody answered reads `EXPIRED` once its time to live or its
    /// session has run out (see `expiryReason`).
    async fn status(&self, ctx: &Context<'_>) -> Result<MeetingStatus> {
        let session = self.session_row(ctx).await?;
        Ok(meetings::status(
            &self.0,
            &session,
            &services(ctx)?.meetings,
            Utc::now(),
        ))
    }

    /// Why the request expired, when `status` is `EXPIRED`.
    async fn expiry_reason(&self, ctx: &Context<'_>) -> Result<Option<MeetingExpiry>> {
        let session = self.session_row(ctx).await?;
        Ok(
            meetings::expiry(&self.0, &session, &services(ctx)?.meetings, Utc::now())
                .map(Into::into),
        )
    }

    /// Whether a booked meeting took place, from its parties' reports; null unless booked.
    async fn verdict(&self, ctx: &Context<'_>) -> Result<Option<MeetingVerdict>> {
        let session = self.session_row(ctx).await?;
        let Some(ends) = outcomes::slot_end(&self.0, &session) else {
            return Ok(None);
        };
        let reports = self.report_rows(ctx).await?;
        Ok(Some(
            outcomes::verdict(
                &reports,
                ends,
                services(ctx)?.meetings.confirmation,
                Utc::now(),
            )
            .into(),
        ))
    }

    /// The furthest outcome either party reports (null until one does).
    async fn outcome(&self, ctx: &Context<'_>) -> Result<Option<MeetingOutcome>> {
        let reports = self.report_rows(ctx).await?;
        Ok(outcomes::outcome(&reports))
    }

    /// Each party's report, for the parties and the organiser (notes for the parties only).
    async fn reports(&self, ctx: &Context<'_>) -> Result<Vec<MeetingReport>> {
        Ok(self
            .report_rows(ctx)
            .await?
            .into_iter()
            .map(MeetingReport)
            .collect())
    }

    /// Why it was declined.
    async fn decline_reason(&self) -> Option<DeclineReason> {
        self.0.decline_reason
    }

    /// The slot it is booked in.
    async fn slot(&self, ctx: &Context<'_>) -> Result<Option<Slot>> {
        let Some(index) = self.0.slot else {
            return Ok(None);
        };
        let s = loaders(ctx)?.sessions.load_one(self.0.session_id).await?;
        Ok(Some(slot(&required(s, "session")?, index)))
    }

    /// The table it is booked at (from 1).
    async fn table(&self) -> Option<i32> {
        self.0.table_no
    }

    /// Match score of its need and capability when both were named; the scheduler places
    /// higher scores first.
    async fn score(&self) -> Option<f64> {
        self.0.score
    }
}

impl Meeting {
    async fn session_row(&self, ctx: &Context<'_>) -> Result<session::Model> {
        let s = loaders(ctx)?.sessions.load_one(self.0.session_id).await?;
        required(s, "session")
    }

    async fn report_rows(&self, ctx: &Context<'_>) -> Result<Vec<meeting_report::Model>> {
        let reports = loaders(ctx)?.meeting_reports.load_one(self.0.id).await?;
        Ok(reports.unwrap_or_default())
    }

    /// The meeting `id` if the caller may see it.
    pub async fn load(ctx: &Context<'_>, id: i64) -> Result<Option<Meeting>> {
        let loaders = loaders(ctx)?;
        let Some(m) = loaders.meetings.load_one(id).await? else {
            return Ok(None);
        };
        let s = required(loaders.sessions.load_one(m.session_id).await?, "session")?;
        Ok(meetings::can_see(&*access(ctx).await?, &m, &s).then_some(Meeting(m)))
    }
}

/// Why the scheduler left a meeting out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "crate::domain::scheduling::Unplaced")]
pub enum UnplacedReason {
    /// The two parties share no available slot.
    NoCommonAvailability,
    /// Every slot both are available in already holds a meeting of one of them.
    NoCommonFreeSlot,
    /// Slots where both are free exist, but their tables are all taken.
    NoTable,
}

/// A meeting the scheduler could not place.
#[derive(SimpleObject)]
pub struct UnplacedMeeting {
    /// The meeting (still `ACCEPTED`).
    pub meeting: Meeting,
    /// Why.
    pub reason: UnplacedReason,
}

/// Why a meeting request expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "meetings::Expiry")]
pub enum MeetingExpiry {
    /// Nobody answered within the request's time to live (a setting).
    NoAnswer,
    /// The session ended before anybody answered.
    SessionEnded,
}

/// Whether a booked meeting took place, from its parties' reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "outcomes::Verdict")]
pub enum MeetingVerdict {
    /// Its slot has not ended yet.
    Upcoming,
    /// Over and not settled: nobody has reported, or one party said it was held and the other
    /// may still answer within the confirmation window.
    AwaitingReports,
    /// Both parties say it took place, or one does and the other stayed silent past the
    /// confirmation window.
    Held,
    /// A party reports a no-show or a late cancellation, and neither says it was held.
    NotHeld,
    /// One party says it took place, the other that it did not.
    Disputed,
}

/// GraphQL view of MeetingReport; see the schema description on its `impl`.
pub struct MeetingReport(pub meeting_report::Model);

/// One party's report on a meeting after its slot.
#[Object]
impl MeetingReport {
    /// The reporting party.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        Organization::referenced(ctx, self.0.organization_id).await
    }

    /// Whether the meeting took place, as this party saw it.
    async fn attendance(&self) -> Attendance {
        self.0.attendance
    }

    /// What came of it, as this party saw it.
    async fn outcome(&self) -> Option<MeetingOutcome> {
        self.0.outcome
    }

    /// The party's note: shown to members of the two parties only, null to anyone else.
    async fn note(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        let Some(note) = &self.0.note else {
            return Ok(None);
        };
        let meeting = loaders(ctx)?.meetings.load_one(self.0.meeting_id).await?;
        let meeting = required(meeting, "meeting")?;
        let access = access(ctx).await?;
        let party = [meeting.requester_id, meeting.invitee_id]
            .iter()
            .any(|p| access.memberships.contains_key(p));
        Ok(party.then(|| note.clone()))
    }

    /// When the party first reported.
    async fn first_reported_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When the party last updated its report.
    async fn reported_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}
