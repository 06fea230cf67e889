//! Session, registration and scheduling object types.

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{session, session_registration};

use crate::{
    domain::{meetings, sessions},
    graphql::{
        access,
        connection::Connection,
        ids::{self, NodeType},
        loaders,
        localized::{LocalizedText, localized},
        meetings::types::Meeting,
        organizations::types::Organization,
        required,
        science_cities::types::ScienceCity,
    },
};

/// One meeting slot of a session.
#[derive(Debug, Clone, SimpleObject)]
pub struct Slot {
    /// Position in the session, from 0.
    pub index: i32,
    /// Start (UTC).
    pub starts_at: DateTime<Utc>,
    /// End (UTC).
    pub ends_at: DateTime<Utc>,
    /// Start in the session's time zone, RFC 3339 with its offset.
    pub local_starts_at: String,
    /// End in the session's time zone, RFC 3339 with its offset.
    pub local_ends_at: String,
}

/// Slot `index` of `session`.
pub fn slot(session: &session::Model, index: i32) -> Slot {
    let zone = sessions::zone(session);
    let (start, end) = sessions::slot_times(session, index);
    Slot {
        index,
        starts_at: start,
        ends_at: end,
        local_starts_at: start.with_timezone(&zone).to_rfc3339(),
        local_ends_at: end.with_timezone(&zone).to_rfc3339(),
    }
}

/// GraphQL view of Session; see the schema description on its `impl`.
pub struct Session(pub session::Model);

/// A science-innovation session: a brokerage event where enterprises and scientists meet 1:1
/// at tables, in fixed-length slots. Times are stored in UTC and also shown in the session's
/// time zone.
#[Object]
impl Session {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::Session, self.0.id)
    }

    /// Title.
    async fn title(&self) -> LocalizedText {
        localized(&self.0.title_kk, &self.0.title_ru, &self.0.title_en)
    }

    /// Themes as OECD FOS 2007 codes.
    async fn themes(&self) -> &[String] {
        &self.0.themes.0
    }

    /// The hosting organisation.
    async fn venue(&self, ctx: &Context<'_>) -> Result<Organization> {
        Organization::referenced(ctx, self.0.venue_organization_id).await
    }

    /// The science city it belongs to, if any.
    async fn science_city(&self, ctx: &Context<'_>) -> Result<Option<ScienceCity>> {
        let Some(id) = self.0.science_city_id else {
            return Ok(None);
        };
        let city = loaders(ctx)?.science_cities.load_one(id).await?;
        Ok(Some(required(city.map(ScienceCity), "science city")?))
    }

    /// Start (UTC).
    async fn starts_at(&self) -> DateTime<Utc> {
        self.0.starts_at
    }

    /// End (UTC).
    async fn ends_at(&self) -> DateTime<Utc> {
        self.0.ends_at
    }

    /// IANA time zone the session is held in, e.g. `Asia/Almaty`.
    async fn time_zone(&self) -> &str {
        &self.0.time_zone
    }

    /// Start in the session's time zone, RFC 3339 with its offset.
    async fn local_starts_at(&self) -> String {
        self.0
            .starts_at
            .with_timezone(&sessions::zone(&self.0))
            .to_rfc3339()
    }

    /// Minutes per meeting slot.
    async fn slot_minutes(&self) -> i32 {
        self.0.slot_minutes
    }

    /// Every slot, in order.
    async fn slots(&self) -> Vec<Slot> {
        (0..self.0.slot_count).map(|i| slot(&self.0, i)).collect()
    }

    /// Meeting tables.
    async fn tables(&self) -> i32 {
        self.0.tables
    }

    /// Most organisations that may register.
    async fn capacity(&self) -> i32 {
        self.0.capacity
    }

    /// Registration closes at this instant (UTC).
    async fn registration_deadline(&self) -> DateTime<Utc> {
        self.0.registration_deadline
    }

    /// Registered organisations, in registration order.
    async fn registrations(&self, ctx: &Context<'_>) -> Result<Vec<SessionRegistration>> {
        Ok(loaders(ctx)?
            .registrations
            .load_one(self.0.id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(|r| SessionRegistration {
                row: r,
                session: self.0.clone(),
            })
            .collect())
    }

    /// An organisation's booked meetings, by slot. For its members, the organiser and platform
    /// admins.
    async fn agenda(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation whose agenda to show.")] organization_id: ID,
    ) -> Result<Vec<Meeting>> {
        let org = ids::decode_as(&organization_id, NodeType::Organization, "organizationId")?;
        let services = crate::graphql::services(ctx)?;
        let rows = sessions::agenda(&services.db, &*access(ctx).await?, &self.0, org).await?;
        Ok(rows.into_iter().map(Meeting).collect())
    }

    /// Meetings of this session the caller may see (all for the organiser, their own for
    /// participants), newest first, at most 500.
    async fn meetings(&self, ctx: &Context<'_>) -> Result<Vec<Meeting>> {
        let services = crate::graphql::services(ctx)?;
        let rows = meetings::visible(&services.db, &*access(ctx).await?, &self.0, 500).await?;
        Ok(rows.into_iter().map(Meeting).collect())
    }
}

/// GraphQL view of SessionRegistration; see the schema description on its `impl`.
pub struct SessionRegistration {
    /// The row.
    pub row: session_registration::Model,
    /// Its session.
    pub session: session::Model,
}

/// An organisation registered for a session.
#[Object]
impl SessionRegistration {
    /// The organisation that registered.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        Organization::referenced(ctx, self.row.organization_id).await
    }

    /// Slot indices it is available in; shown to its members and the organiser only.
    async fn availability(&self, ctx: &Context<'_>) -> Result<Vec<i32>> {
        let access = access(ctx).await?;
        if access.can_see_members(self.row.organization_id) || access.organises(&self.session) {
            Ok(self.row.availability.0.clone())
        } else {
            Ok(Vec::new())
        }
    }

    /// Path of its iCalendar feed on this server (`/calendar/<token>.ics`): anyone holding it
    /// reads the agenda, so it is shown to the organisation's members only.
    async fn calendar_path(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(access(ctx)
            .await?
            .can_see_members(self.row.organization_id)
            .then(|| format!("/calendar/{}.ics", self.row.calendar_token)))
    }

    /// When it registered.
    async fn registered_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }
}

/// A page of sessions, oldest first.
pub type SessionConnection = Connection<Session>;
