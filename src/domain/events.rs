//! The outbox and its fan-out. A change others may watch writes an `event` row in the same
//! transaction as the change ([`record`]), so no event exists without its change or the other
//! way round. Each replica's [`Hub`] reads new rows after its cursor and broadcasts them to its
//! own subscribers. Replicas learn of each other's events through PostgreSQL's
//! `LISTEN`/`NOTIFY` (the notification only says "look"; the row is the truth), and a lost
//! notification is recovered by reading from the cursor again when the listener reconnects. On
//! SQLite, one process serves, and a committed mutation pokes the hub directly.

use std::{
    collections::BTreeMap,
    sync::Arc,
    time::{Duration, Instant},
};

use chrono::Utc;
use entity::event::{self, Topic};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, ConnectionTrait, DatabaseBackend,
    DatabaseConnection, EntityTrait as _, QueryFilter as _, QueryOrder as _, QuerySelect as _,
    Statement,
};
use tokio::sync::{Notify, broadcast, watch};

use crate::error::AppResult;

/// The `NOTIFY` channel replicas listen on for new events.
const CHANNEL: &str = "kopir_events";
/// The `NOTIFY` channel on which a committed matching write (a need, capability, portfolio
/// item or organisation) tells every replica to bring its matching index up to date.
pub const MATCHING_CHANNEL: &str = "kopir_matching";
/// Events a subscriber may fall behind by before it is cut off (it resumes with `after:`).
const BACKLOG: usize = 1024;
/// Rows read per pass.
const BATCH: u64 = 500;
/// How long a gap in the cursors is waited for: an id taken by a transaction still running
/// commits later than higher ones on PostgreSQL; one rolled back never appears.
const GAP_WAIT: Duration = Duration::from_secs(5);

/// What happened to a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum MeetingChange {
    /// Requested.
    Requested,
    /// Accepted by the invitee.
    Accepted,
    /// Declined by the invitee.
    Declined,
    /// Booked into a slot, by hand or by the scheduler.
    Booked,
    /// Cancelled.
    Cancelled,
    /// A party reported on it after its slot.
    Reported,
}

/// What happened to a deal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum DealChange {
    /// Recorded.
    Recorded,
    /// Moved to another stage.
    Advanced,
    /// Its terms, value or financing changed.
    TermsChanged,
}

/// A change others may watch, and its topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Of a meeting; scoped by its session.
    Meeting(MeetingChange),
    /// Of a deal; scoped by the deal.
    Deal(DealChange),
    /// A capability posted or changed; scoped by its organisation.
    Capability,
}

/// Writes an event in `txn`, the transaction making the change; on PostgreSQL it also queues a
/// notification, which PostgreSQL delivers on commit and drops on rollback.
pub async fn record(
    txn: &impl ConnectionTrait,
    change: Change,
    scope_id: i64,
    item_id: i64,
) -> AppResult<()> {
    let (topic, kind): (Topic, &'static str) = match change {
        Change::Meeting(c) => (Topic::Meeting, c.into()),
        Change::Deal(c) => (Topic::Deal, c.into()),
        Change::Capability => (Topic::Capability, "CHANGED"),
    };
    let row = event::ActiveModel {
        topic: Set(topic),
        scope_id: Set(scope_id),
        item_id: Set(item_id),
        kind: Set(kind.to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), row.id.to_string().into()],
        ))
        .await?;
    }
    Ok(())
}

/// Deletes events older than `retention` (every replica may; deleting twice is harmless).
pub async fn prune(db: &impl ConnectionTrait, retention: Duration) -> AppResult<u64> {
    let before =
        Utc::now() - chrono::Duration::from_std(retention).unwrap_or(chrono::TimeDelta::MAX);
    let gone = event::Entity::delete_many()
        .filter(event::Column::CreatedAt.lt(before))
        .exec(db)
        .await?
        .rows_affected;
    if gone > 0 {
        tracing::info!(gone, "old events pruned");
    }
    Ok(gone)
}

/// Events of `topic` after cursor `after` — only those of `scope` when given — oldest first,
/// at most `limit`.
pub async fn since(
    db: &impl ConnectionTrait,
    topic: Topic,
    scope: Option<i64>,
    after: i64,
    limit: u64,
) -> AppResult<Vec<event::Model>> {
    let mut select = event::Entity::find()
        .filter(event::Column::Topic.eq(topic))
        .filter(event::Column::Id.gt(after));
    if let Some(scope) = scope {
        select = select.filter(event::Column::ScopeId.eq(scope));
    }
    Ok(select
        .order_by_asc(event::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// How long events are kept by default: resuming with `after:` works within it.
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(7 * 24 * 3600);
/// How often old events are pruned.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// One replica's fan-out: events read from the outbox, broadcast to every subscriber here.
#[derive(Debug, Clone)]
pub struct Hub {
    sender: broadcast::Sender<Arc<event::Model>>,
    wake: Arc<Notify>,
    /// The newest matching revision some replica notified of (`i64::MAX` after the listener
    /// reconnects: whatever was missed must be looked for).
    matching: watch::Sender<i64>,
    /// How long events are kept.
    retention: Duration,
}

impl Hub {
    /// A hub keeping events for `retention`.
    pub fn new(retention: Duration) -> Self {
        Self {
            sender: broadcast::channel(BACKLOG).0,
            wake: Arc::new(Notify::new()),
            matching: watch::Sender::new(0),
            retention,
        }
    }

    /// Asks the hub to read the outbox (after a local commit).
    pub fn poke(&self) {
        self.wake.notify_one();
    }

    /// Notified matching revisions, newest last (PostgreSQL only; on SQLite the next matching
    /// query catches up by itself).
    pub fn matching_revisions(&self) -> watch::Receiver<i64> {
        self.matching.subscribe()
    }

    /// Every event broadcast from now on; a receiver more than [`BACKLOG`] events behind is
    /// told it lagged.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<event::Model>> {
        self.sender.subscribe()
    }

    /// Starts reading the outbox (from its current end) and, on PostgreSQL, listening for other
    /// replicas' events. Runs until the process ends.
    pub async fn start(&self, db: DatabaseConnection) -> AppResult<()> {
        let newest: Option<i64> = event::Entity::find()
            .select_only()
            .column_as(event::Column::Id.max(), "max")
            .into_tuple()
            .one(&db)
            .await?
            .flatten();
        if db.get_database_backend() == DatabaseBackend::Postgres {
            let pool = db.get_postgres_connection_pool().clone();
            let hub = self.clone();
            tokio::spawn(async move { hub.listen(pool).await });
        }
        let (hub, pruned) = (self.clone(), db.clone());
        tokio::spawn(async move { hub.pump(db, newest.unwrap_or(0)).await });
        let retention = self.retention;
        tokio::spawn(async move {
            let mut every = tokio::time::interval(PRUNE_EVERY);
            loop {
                every.tick().await;
                if let Err(e) = prune(&pruned, retention).await {
                    tracing::warn!(error = %e, "cannot prune old events");
                }
            }
        });
        Ok(())
    }

    /// Pokes the hub on every event notification (and the matching index on every matching
    /// one), and both once more whenever the listening connection comes back, since
    /// notifications sent meanwhile are lost (the outbox and the revision counter are not).
    async fn listen(&self, pool: sea_orm::sqlx::PgPool) {
        use sea_orm::sqlx::postgres::PgListener;
        loop {
            let mut listener = match PgListener::connect_with(&pool).await {
                Ok(l) => l,
                Err(e) => {
                    tracing::warn!(error = %e, "event listener cannot connect; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            if let Err(e) = listener.listen_all([CHANNEL, MATCHING_CHANNEL]).await {
                tracing::warn!(error = %e, "LISTEN failed; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
            // Whatever was written while nobody listened.
            self.poke();
            self.matching.send_replace(i64::MAX);
            loop {
                match listener.try_recv().await {
                    Ok(Some(n)) if n.channel() == MATCHING_CHANNEL => {
                        self.matching
                            .send_replace(n.payload().parse().unwrap_or(i64::MAX));
                    }
                    Ok(Some(_)) => self.poke(),
                    Ok(None) => {
                        tracing::warn!("event listener lost its connection; reading the outbox");
                        self.poke();
                        self.matching.send_replace(i64::MAX);
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "event listener failed; reconnecting");
                        break;
                    }
                }
            }
        }
    }

    /// Reads new rows whenever poked and broadcasts them in cursor order. An id missing below
    /// the newest seen may belong to a transaction still committing: it is looked for again for
    /// [`GAP_WAIT`], then given up (its transaction rolled back).
    async fn pump(&self, db: DatabaseConnection, mut cursor: i64) {
        let mut gaps: BTreeMap<i64, Instant> = BTreeMap::new();
        loop {
            if gaps.is_empty() {
                self.wake.notified().await;
            } else {
                // Look again soon for the missing ids, or earlier if poked.
                let _ =
                    tokio::time::timeout(Duration::from_millis(100), self.wake.notified()).await;
            }
            let missing: Vec<i64> = gaps.keys().copied().collect();
            let rows = match event::Entity::find()
                .filter(
                    sea_orm::Condition::any()
                        .add(event::Column::Id.gt(cursor))
                        .add(event::Column::Id.is_in(missing)),
                )
                .order_by_asc(event::Column::Id)
                .limit(BATCH)
                .all(&db)
                .await
            {
                Ok(rows) => rows,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read the outbox; retrying");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    self.poke();
                    continue;
                }
            };
            // A full batch leaves more to read at once.
            let full = rows.len() == usize::try_from(BATCH).unwrap_or(usize::MAX);
            let mut newest = cursor;
            for row in rows {
                if row.id <= cursor {
                    gaps.remove(&row.id);
                } else {
                    for missing in (newest + 1)..row.id {
                        gaps.insert(missing, Instant::now());
                    }
                    newest = row.id;
                }
                // No receiver is fine: nobody is subscribed on this replica.
                let _ = self.sender.send(Arc::new(row));
            }
            if full {
                self.poke();
            }
            cursor = newest;
            gaps.retain(|_, since| since.elapsed() < GAP_WAIT);
        }
    }
}
