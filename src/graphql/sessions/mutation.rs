//! Session mutations: create, register.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use super::types::Session;
use super::types::SessionRegistration;
use crate::{
    domain::sessions::{self, NewSession},
    graphql::{
        access,
        ids::{NodeType, decode_as},
        localized::LocalizedTextInput,
        services,
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

/// Session mutations.
#[derive(Default)]
pub struct SessionMutation;

#[Object]
impl SessionMutation {
    /// Creates a session. Platform admins and admins of the venue organisation may do this.
    async fn create_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The session to create: venue, times, slots, tables, capacity and themes."
        )]
        input: CreateSessionInput,
    ) -> Result<CreateSessionPayload> {
        let session = sessions::create(
            &services(ctx)?.db,
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
        #[graphql(desc = "The session, the organisation registering and its available slots.")]
        input: RegisterForSessionInput,
    ) -> Result<RegisterForSessionPayload> {
        let session_id = decode_as(&input.session_id, NodeType::Session, "sessionId")?;
        let org = decode_as(
            &input.organization_id,
            NodeType::Organization,
            "organizationId",
        )?;
        let (row, session) = sessions::register(
            &services(ctx)?.db,
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
}
