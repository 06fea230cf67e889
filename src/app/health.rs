//! Database health, watched continuously. A database that stops answering (a stopped process,
//! a partitioned network) does not fail queries: they hang. So a monitor pings it on a
//! connection of its own, and requests fail fast, and in-flight ones are abandoned, as soon as
//! pings stop coming back.

use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::sync::watch;

/// How often the monitor pings.
const INTERVAL: Duration = Duration::from_millis(500);
/// How long one ping may take.
const PING_TIMEOUT: Duration = Duration::from_secs(1);
/// Consecutive failed pings before the database counts as unavailable: about 2–3 s in all,
/// inside the 5 s in which a client must hear `DB_UNAVAILABLE`.
const FAILURES_TO_TRIP: u32 = 2;

/// The latest verdict, shared by every request.
#[derive(Debug, Clone)]
pub struct DbHealth {
    available: watch::Receiver<bool>,
}

impl DbHealth {
    /// Starts the monitor on `monitor`, a pool of its own (one connection), so that a main pool
    /// saturated by slow but healthy queries is not mistaken for an outage.
    pub fn spawn(monitor: DatabaseConnection) -> DbHealth {
        let (tx, available) = watch::channel(true);
        tokio::spawn(async move {
            let mut failures = 0;
            let mut every = tokio::time::interval(INTERVAL);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                let ok = matches!(
                    tokio::time::timeout(PING_TIMEOUT, monitor.ping()).await,
                    Ok(Ok(()))
                );
                failures = if ok { 0 } else { failures + 1 };
                let verdict = failures < FAILURES_TO_TRIP;
                if *tx.borrow() != verdict {
                    if verdict {
                        tracing::info!("database available again");
                    } else {
                        tracing::error!("database unavailable: pings are not answered");
                    }
                    if tx.send(verdict).is_err() {
                        return; // every App is gone
                    }
                }
            }
        });
        DbHealth { available }
    }

    /// Whether the database answered recently.
    pub fn is_available(&self) -> bool {
        *self.available.borrow()
    }

    /// Resolves when the database becomes unavailable (at once if it is).
    pub async fn lost(&self) {
        let mut available = self.available.clone();
        if available.wait_for(|ok| !ok).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
