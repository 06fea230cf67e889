//! Subscriptions over WebSocket (`graphql-transport-ws` at `/graphql/ws`): a session's meetings
//! and an organisation's deals as they change. Each event comes from the outbox (see
//! `domain::events`), carries its cursor, and reaches a subscriber only if the subscriber may
//! read it at the moment of delivery — rights are read again for every event, so a membership
//! removed mid-stream stops the flow, and a token that expires or an account deactivated ends
//! the subscription. `after:` replays what was missed from the outbox first, once, in order.

use std::{
    collections::HashSet,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};

use async_graphql::futures_util::{Stream, future::BoxFuture};
use async_graphql::{Context, Enum, ID, Result, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use entity::event::{self, Topic};
use tokio::sync::broadcast::error::RecvError;

use super::{
    deals::types::Deal,
    ids::{NodeType, decode_as},
    matching::types::Match,
    meetings::types::Meeting,
    services,
};
use crate::{
    domain::{Services, access::Access, deals, events, meetings, references},
    error::{AppError, AppResult},
};

/// Events replayed for one `after:` at most; a subscriber further behind reads the current
/// state with queries and subscribes again.
const MAX_REPLAY: usize = 10_000;
/// Subscriptions open at once on one connection: each holds a place in the hub's broadcast and
/// costs reads per event, so a client wanting more opens another connection (itself limited
/// per account and address).
pub const PER_CONNECTION: usize = 25;

/// Who holds a connection's subscriptions: the account its `connection_init` token names, and
/// when that token expires.
#[derive(Debug, Clone)]
pub struct Subscriber {
    /// The account.
    pub user_id: i64,
    /// The token's expiry: its subscriptions end then.
    pub expires_at: DateTime<Utc>,
    /// The account's rights as read for the newest event, shared by the connection's
    /// subscriptions: each event costs one read of them per connection, not one per
    /// subscription, and they are still read after the event was written.
    pub rights: Arc<tokio::sync::Mutex<Option<(i64, Access)>>>,
    /// Subscriptions open on the connection.
    open: Arc<AtomicUsize>,
}

/// A subscription's place on its connection, given back when the subscription ends.
struct Place(Arc<AtomicUsize>);

impl Drop for Place {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Subscriber {
    /// A subscriber for `user_id` whose token expires at `expires_at`.
    pub fn new(user_id: i64, expires_at: DateTime<Utc>) -> Self {
        Self {
            user_id,
            expires_at,
            rights: Arc::default(),
            open: Arc::default(),
        }
    }

    /// A place for one more subscription on the connection, if fewer than [`PER_CONNECTION`]
    /// are open.
    fn place(&self) -> AppResult<Place> {
        self.open
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < PER_CONNECTION).then_some(n + 1)
            })
            .map(|_| Place(self.open.clone()))
            .map_err(|_| {
                AppError::Forbidden(format!(
                    "at most {PER_CONNECTION} subscriptions per connection; end one or open another connection"
                ))
            })
    }

    /// The account's rights for delivering `event`: read once per event and connection.
    async fn rights_for(&self, services: &Services, event: i64) -> AppResult<Access> {
        let mut cached = self.rights.lock().await;
        if let Some((seen, access)) = &*cached
            && *seen == event
        {
            return Ok(access.clone());
        }
        let access = Access::load(&services.db, self.user_id).await?;
        *cached = Some((event, access.clone()));
        Ok(access)
    }
}

/// What happened to a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "events::MeetingChange")]
pub enum MeetingEventKind {
    /// Requested.
    Requested,
    /// Accepted by the invitee.
    Accepted,
    /// Declined by the invitee.
    Declined,
    /// Booked into a slot (by hand or by the scheduler).
    Booked,
    /// Cancelled.
    Cancelled,
    /// A party reported on it after its slot.
    Reported,
}

/// What happened to a deal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "events::DealChange")]
pub enum DealEventKind {
    /// Recorded.
    Recorded,
    /// Moved to another stage.
    Advanced,
    /// Its terms, value or financing changed.
    TermsChanged,
}

/// A change to a meeting of the session subscribed to.
#[derive(SimpleObject)]
pub struct MeetingEvent {
    /// This event's cursor: pass it as `after` to resume right after it.
    pub cursor: String,
    /// What happened.
    pub change: MeetingEventKind,
    /// The meeting as it stands now.
    pub meeting: Meeting,
}

/// A change to a deal of the organisation subscribed to.
#[derive(SimpleObject)]
pub struct DealEvent {
    /// This event's cursor: pass it as `after` to resume right after it.
    pub cursor: String,
    /// What happened.
    pub change: DealEventKind,
    /// The deal as it stands now.
    pub deal: Deal,
}

/// GraphQL view of the subscription root; see the schema description on its `impl`.
#[derive(Default)]
pub struct SubscriptionRoot;

/// Live changes over WebSocket (`graphql-transport-ws` at `/graphql/ws`); sign in inside
/// `connection_init`.
#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// Changes to the meetings of a session that the subscriber may see (its own organisations'
    /// meetings; all of them for the organiser). Sign in through `connection_init`.
    async fn meeting_updated(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session.")] session_id: ID,
        #[graphql(desc = "Replay every event after this cursor first, in order.")] after: Option<
            String,
        >,
    ) -> Result<impl Stream<Item = Result<MeetingEvent>> + use<>> {
        let (services, (who, place)) = (services(ctx)?.clone(), subscriber(ctx)?);
        let session_id = decode_as(&session_id, NodeType::Session, "sessionId")?;
        references::session(&services.db, "sessionId", session_id).await?;
        let after = cursor(after)?;
        Ok(feed(
            services,
            (who, place),
            (Topic::Meeting, Some(session_id)),
            after,
            |services, access, event| {
                Box::pin(async move {
                    let (Some(change), Some(m)) = (
                        change::<events::MeetingChange, _>(&event.kind),
                        meetings::changed_for(&services.db, &access, event.item_id).await?,
                    ) else {
                        return Ok(None);
                    };
                    Ok(Some(MeetingEvent {
                        cursor: event.id.to_string(),
                        change,
                        meeting: Meeting(m),
                    }))
                })
            },
        ))
    }

    /// Capabilities posted or changed, on any replica, that now match a need the subscriber
    /// may read in full: passing every hard filter and scoring at least `minScore`. Scored
    /// against the index as it stands when the capability is written.
    async fn match_alert(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The need.")] need_id: ID,
        #[graphql(
            desc = "The least score that raises an alert, 0 to 100.",
            default = 50.0
        )]
        min_score: f64,
        #[graphql(desc = "Replay every event after this cursor first, in order.")] after: Option<
            String,
        >,
    ) -> Result<impl Stream<Item = Result<MatchAlert>> + use<>> {
        let (services, (who, place)) = (services(ctx)?.clone(), subscriber(ctx)?);
        let need = decode_as(&need_id, NodeType::Need, "needId")?;
        if !(0.0..=100.0).contains(&min_score) {
            return Err(AppError::invalid("minScore", "a score from 0 to 100").into());
        }
        let access = Access::load(&services.db, who.user_id).await?;
        services
            .matcher
            .current(&services.db)
            .await?
            .need_owner(need, &access)?;
        let after = cursor(after)?;
        Ok(feed(
            services,
            (who, place),
            // Any capability may come to match the need.
            (Topic::Capability, None),
            after,
            move |services, access, event| {
                Box::pin(async move {
                    let found = services
                        .matcher
                        .alert(&services.db, &access, need, event.item_id, min_score)
                        .await?;
                    Ok(found.map(|m| MatchAlert {
                        cursor: event.id.to_string(),
                        found: Match(m),
                    }))
                })
            },
        ))
    }

    /// Changes to the deals an organisation is party to. The subscriber must be a member (or a
    /// platform admin) when subscribing and at every delivery: removed from the organisation,
    /// the subscription ends with `FORBIDDEN`.
    async fn deal_updated(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation.")] organization_id: ID,
        #[graphql(desc = "Replay every event after this cursor first, in order.")] after: Option<
            String,
        >,
    ) -> Result<impl Stream<Item = Result<DealEvent>> + use<>> {
        let (services, (who, place)) = (services(ctx)?.clone(), subscriber(ctx)?);
        let org = decode_as(&organization_id, NodeType::Organization, "organizationId")?;
        references::organization(&services.db, "organizationId", org).await?;
        Access::load(&services.db, who.user_id)
            .await?
            .require_member(org)?;
        let after = cursor(after)?;
        // Deal events are scoped by deal, so this feed reads every one and keeps the
        // organisation's.
        Ok(feed(
            services,
            (who, place),
            (Topic::Deal, None),
            after,
            move |services, access, event| {
                Box::pin(async move {
                    access.require_member(org)?;
                    let (Some(change), Some(d)) = (
                        change::<events::DealChange, _>(&event.kind),
                        deals::changed_for(&services.db, &access, org, event.item_id).await?,
                    ) else {
                        return Ok(None);
                    };
                    Ok(Some(DealEvent {
                        cursor: event.id.to_string(),
                        change,
                        deal: Deal(d),
                    }))
                })
            },
        ))
    }
}

/// A capability that came to match a need well.
#[derive(SimpleObject)]
pub struct MatchAlert {
    /// This event's cursor: pass it as `after` to resume right after it.
    pub cursor: String,
    /// The need and the capability, scored and explained as `explainMatch` does.
    #[graphql(name = "match")]
    pub found: Match,
}

/// The change an event records, if this version knows it.
fn change<T: std::str::FromStr, U: From<T>>(kind: &str) -> Option<U> {
    kind.parse::<T>().ok().map(Into::into)
}

/// The connection's subscriber and a place for this subscription; `UNAUTHENTICATED` when
/// `connection_init` named no valid token, `FORBIDDEN` when the connection holds
/// [`PER_CONNECTION`] subscriptions already.
fn subscriber(ctx: &Context<'_>) -> Result<(Subscriber, Place)> {
    let who = ctx.data_opt::<Subscriber>().cloned().ok_or_else(|| {
        AppError::Unauthenticated("send `Authorization: Bearer <token>` in connection_init")
    })?;
    let place = who.place()?;
    Ok((who, place))
}

fn cursor(after: Option<String>) -> Result<Option<i64>> {
    after
        .map(|a| {
            a.parse::<i64>()
                .ok()
                .filter(|c| *c >= 0)
                .ok_or_else(|| AppError::invalid("after", "a cursor from an earlier event").into())
        })
        .transpose()
}

/// One subscription's events of `topic` (and of `scope` when given; otherwise `deliver` keeps
/// what concerns the subscription): those after `after` from the outbox (when given), then live
/// ones from the hub, each passed through `deliver` with the subscriber's rights read afresh.
/// Ends when the token expires, the account is gone, `deliver` refuses, or the subscriber has
/// fallen so far behind that the hub dropped events for it (it resumes with `after:`).
fn feed<T: Send + 'static>(
    services: Arc<Services>,
    (who, place): (Subscriber, Place),
    (topic, scope): (Topic, Option<i64>),
    after: Option<i64>,
    deliver: impl Fn(
        Arc<Services>,
        Access,
        Arc<event::Model>,
    ) -> BoxFuture<'static, AppResult<Option<T>>>
    + Send
    + 'static,
) -> impl Stream<Item = Result<T>> {
    async_stream::stream! {
        // Held while the stream lives: dropped, the subscription's place comes back.
        let _place = place;
        // Subscribe before replaying, so nothing committed in between is missed; what both
        // bring is delivered once.
        let mut live = services.events.subscribe();
        let mut replayed: HashSet<i64> = HashSet::new();
        let mut last = after.unwrap_or(0);
        if after.is_some() {
            loop {
                let batch = match events::since(&services.db, topic, scope, last, 500).await {
                    Ok(b) => b,
                    Err(e) => {
                        yield Err(e.into());
                        return;
                    }
                };
                if batch.is_empty() {
                    break;
                }
                for event in batch {
                    last = event.id;
                    if replayed.len() >= MAX_REPLAY {
                        yield Err(AppError::invalid("after", "too far behind: query the current state and subscribe again").into());
                        return;
                    }
                    replayed.insert(event.id);
                    match step(&services, &who, &deliver, Arc::new(event)).await {
                        Ok(Some(item)) => yield Ok(item),
                        Ok(None) => {}
                        Err(e) => {
                            yield Err(e.into());
                            return;
                        }
                    }
                }
            }
        }
        let expiry = (who.expires_at - Utc::now()).to_std().unwrap_or_default();
        let expired = tokio::time::sleep(expiry);
        tokio::pin!(expired);
        loop {
            let event = tokio::select! {
                received = live.recv() => received,
                () = &mut expired => {
                    yield Err(AppError::Unauthenticated("the access token expired").into());
                    return;
                }
            };
            let event = match event {
                Ok(event) => event,
                Err(RecvError::Lagged(missed)) => {
                    yield Err(AppError::invalid(
                        "after",
                        format!("too slow: {missed} events were dropped; subscribe again with `after` set to the last cursor received"),
                    )
                    .into());
                    return;
                }
                Err(RecvError::Closed) => return,
            };
            if event.topic != topic
                || scope.is_some_and(|s| s != event.scope_id)
                || replayed.contains(&event.id)
            {
                continue;
            }
            match step(&services, &who, &deliver, event).await {
                Ok(Some(item)) => yield Ok(item),
                Ok(None) => {}
                Err(e) => {
                    yield Err(e.into());
                    return;
                }
            }
        }
    }
}

/// One event through `deliver`, with the subscriber's rights as they are now.
async fn step<T>(
    services: &Arc<Services>,
    who: &Subscriber,
    deliver: &impl Fn(
        Arc<Services>,
        Access,
        Arc<event::Model>,
    ) -> BoxFuture<'static, AppResult<Option<T>>>,
    event: Arc<event::Model>,
) -> AppResult<Option<T>> {
    if Utc::now() >= who.expires_at {
        return Err(AppError::Unauthenticated("the access token expired"));
    }
    let access = who.rights_for(services, event.id).await?;
    deliver(services.clone(), access, event).await
}
