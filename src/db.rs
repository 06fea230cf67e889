//! Database connections. The same code runs on SQLite (embedded default) and PostgreSQL; this
//! module holds the few places where they differ.

use std::time::Duration;

use anyhow::Context as _;
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};

/// How long a writer waits for SQLite's write lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens a pool for `url` (`sqlite://…` or `postgres://…`), creating an SQLite file if needed.
///
/// SQLite runs in WAL mode so readers never block the writer, with a busy timeout so concurrent
/// writers queue instead of failing, and a pool of several connections so reads run in parallel.
/// `synchronous = FULL` syncs the WAL at every commit: `NORMAL` would survive a process crash
/// but could lose the last commits on power loss, and an acknowledged write must stay written.
pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<DatabaseConnection> {
    connect_with(url, max_connections, |_| {}).await
}

/// Like [`connect`], letting the caller adjust the options (tests set a PostgreSQL schema).
pub async fn connect_with(
    url: &str,
    max_connections: u32,
    adjust: impl FnOnce(&mut ConnectOptions),
) -> anyhow::Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(max_connections)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(5))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            o.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
                .foreign_keys(true)
        });
    adjust(&mut options);
    Database::connect(options)
        .await
        .with_context(|| format!("cannot connect to the database at {}", redact(url)))
}

/// Applies all pending migrations.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None)
        .await
        .context("database migration failed")
}

/// Begins a transaction that will write.
///
/// On SQLite it starts with `BEGIN IMMEDIATE`: a deferred transaction that reads first and then
/// writes can fail with `SQLITE_BUSY` without waiting, because upgrading a read lock cannot honour
/// the busy timeout. On PostgreSQL the mode is ignored.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// The URL with any password replaced, for logs and error messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redact_hides_only_the_password() {
        assert_eq!(
            redact("postgres://kopir:s3cret@db:5432/kopir"),
            "postgres://kopir:***@db:5432/kopir"
        );
        assert_eq!(
            redact("postgres://root@127.0.0.1/test"),
            "postgres://root@127.0.0.1/test"
        );
        assert_eq!(redact("sqlite://kopir.db"), "sqlite://kopir.db");
    }
}
