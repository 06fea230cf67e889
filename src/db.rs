//! Database connections. The same code runs on SQLite (embedded default) and PostgreSQL; this
//! module holds the few places where they differ.

use std::{
    collections::HashMap,
    path::PathBuf,
    sync::{Arc, LazyLock, Mutex, PoisonError},
    time::Duration,
};

use anyhow::Context as _;
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnAcquireErr, ConnectOptions, ConnectionTrait, Database, DatabaseConnection,
    DatabaseTransaction, DbBackend, DbErr, ExecResult, QueryResult, SqliteTransactionMode,
    Statement, TransactionOptions, TransactionTrait,
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
/// The bundled SQLite is compiled with `SQLITE_ENABLE_QPSG` (`.cargo/config.toml`), so prepared
/// statements keep their plans whatever values are bound.
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
/// the busy timeout. And it first takes the database file's write gate: SQLite admits one writer
/// at a time, and writers left to its busy handler poll with growing sleeps (up to 100 ms), so
/// under contention they are served late and out of order — at 64 concurrent mutations p99 was
/// three times p50. Queued on the gate, in-process writers take turns first come, first served.
/// On PostgreSQL the mode is ignored and there is no gate.
pub async fn begin_write(db: &DatabaseConnection) -> Result<WriteTxn, DbErr> {
    let gate = match write_gate(db) {
        Some(gate) => Some(
            tokio::time::timeout(SQLITE_BUSY_TIMEOUT, gate.lock_owned())
                .await
                // Classified like SQLite's own busy timeout: the database is unavailable.
                .map_err(|_| DbErr::ConnectionAcquire(ConnAcquireErr::Timeout))?,
        ),
        None => None,
    };
    let txn = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await?;
    Ok(WriteTxn { txn, _gate: gate })
}

/// The write gate of an SQLite database, one per file in this process (SQLite's own write lock
/// is per file); `None` on PostgreSQL.
fn write_gate(db: &DatabaseConnection) -> Option<Arc<tokio::sync::Mutex<()>>> {
    static GATES: LazyLock<Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>> =
        LazyLock::new(Default::default);
    if db.get_database_backend() != DbBackend::Sqlite {
        return None;
    }
    let file = db
        .get_sqlite_connection_pool()
        .connect_options()
        .get_filename()
        .to_owned();
    let mut gates = GATES.lock().unwrap_or_else(PoisonError::into_inner);
    Some(gates.entry(file).or_default().clone())
}

/// A write transaction from [`begin_write`], used like sea-orm's `DatabaseTransaction` (it derefs
/// to one and is a connection); on SQLite it holds the write gate until it commits or drops.
pub struct WriteTxn {
    txn: DatabaseTransaction,
    // Declared after `txn`, so it is released after a dropped transaction has rolled back.
    _gate: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTxn {
    /// Commits, then lets the next writer in.
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }

    /// Rolls back, then lets the next writer in.
    pub async fn rollback(self) -> Result<(), DbErr> {
        self.txn.rollback().await
    }
}

impl std::ops::Deref for WriteTxn {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTxn {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }
    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }
    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }
    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }
    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }
    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }
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
    use sea_orm::{ConnectionTrait as _, Statement};

    use super::{connect, redact};

    /// `.cargo/config.toml` builds the bundled SQLite with `SQLITE_ENABLE_QPSG`; without it every
    /// statement with `LIMIT ?` is planned again on each execution. A build that loses the flag
    /// (another SQLite, the variable overridden) fails here rather than only running slower.
    /// The re-planning itself is not observable without FFI (`sqlite3_stmt_status`), which the
    /// crate forbids; the option is what this checks.
    #[tokio::test]
    async fn sqlite_is_built_with_the_plan_stability_guarantee() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!("sqlite://{}/options.db", dir.path().display());
        let db = connect(&url, 1).await.expect("SQLite opens");
        let options: Vec<String> = db
            .query_all_raw(Statement::from_string(
                db.get_database_backend(),
                "PRAGMA compile_options",
            ))
            .await
            .expect("compile options")
            .iter()
            .map(|row| row.try_get_by_index::<String>(0).expect("an option"))
            .collect();
        assert!(
            options.iter().any(|o| o == "ENABLE_QPSG"),
            "SQLite built without ENABLE_QPSG: {options:?}"
        );
    }

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
