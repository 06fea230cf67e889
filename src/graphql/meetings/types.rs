//! The meeting object type, and what the scheduler could not place.

use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};
use entity::meeting::{self, DeclineReason, MeetingStatus};

use crate::{
    domain::meetings,
    graphql::{
        access,
        capabilities::types::Capability,
        ids::{self, NodeType},
        loaders,
        needs::types::Need,
        organizations::types::Organization,
        required,
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

    /// Where it stands.
    async fn status(&self) -> MeetingStatus {
        self.0.status
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
