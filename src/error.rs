//! The one error type. Every failure a client can see is an [`AppError`]; each variant maps to an
//! [`ErrorCode`] from the API contract. Internal errors keep their source for the log and show
//! the client only "internal error", so SQL, paths and driver text never leak.
//!
//! This module is plain Rust: the GraphQL mapping lives in `graphql/error.rs` and the HTTP one in
//! `app/error.rs`, so the domain that returns these errors knows nothing of either.

use sea_orm::{DbErr, SqlErr};

/// The `extensions.code` values of the API contract.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumIter, strum::EnumString,
)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// No valid credentials.
    Unauthenticated,
    /// Authenticated, but not allowed.
    Forbidden,
    /// Absent, or hidden from the caller.
    NotFound,
    /// The input breaks a rule.
    BadUserInput,
    /// An optimistic write named a stale version.
    VersionConflict,
    /// A booking lost a race for a slot or table.
    SlotConflict,
    /// Too many requests.
    RateLimited,
    /// The database cannot be reached.
    DbUnavailable,
    /// An automatic persisted query's hash this replica does not know: send the query with it.
    PersistedQueryNotFound,
    /// A document outside the deployment's trusted documents.
    PersistedQueryNotInList,
    /// Anything else.
    Internal,
}

impl ErrorCode {
    /// The code as clients see it, e.g. `BAD_USER_INPUT`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Which rule of the current state refused a well-formed input, sent as `extensions.reason`
/// beside `BAD_USER_INPUT`. Clients switch on these names; the README lists every one.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumIter, strum::EnumString,
)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum Reason {
    /// The session takes no more registrations or requests.
    RegistrationClosed,
    /// A participant's slot is already held by a booked meeting.
    SlotBooked,
    /// The session has as many participants as it has room for.
    SessionFull,
    /// The organisation is not registered for the session.
    NotRegistered,
    /// A live request between the same two organisations exists already.
    AlreadyRequested,
    /// The meeting is not in a status that allows this.
    WrongStatus,
    /// A party is not available in the slot asked for.
    NotAvailable,
    /// The meeting request expired unanswered.
    RequestExpired,
    /// The meeting's slot has not ended yet, so nothing can be reported on it.
    MeetingNotOver,
    /// The meeting's slot has passed: it is reported on, not cancelled.
    MeetingOver,
    /// Financing lines would add up to more than the deal's value.
    FinancingExceedsValue,
    /// Commitments would add up to more than the infrastructure project's cost.
    FinancingExceedsCost,
    /// Disbursements would exceed what the commitment committed.
    DisbursementExceedsCommitment,
    /// The infrastructure project is cancelled and takes no more changes.
    ProjectClosed,
    /// The deal's or project's stage cannot move to the one asked for.
    InvalidTransition,
    /// The deal is completed, cancelled or expired and takes no more changes.
    DealClosed,
    /// The indicator is computed from the platform's data and takes no recorded values.
    ComputedIndicator,
    /// The change would leave an organisation without an admin.
    LastAdmin,
}

impl Reason {
    /// The reason as clients see it, e.g. `SESSION_FULL`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A failure that reaches a client.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No valid credentials (missing where required, expired, tampered, wrong audience, …).
    #[error("{0}")]
    Unauthenticated(&'static str),
    /// Authenticated, but not allowed to do this.
    #[error("{0}")]
    Forbidden(String),
    /// Too many of one costly kind of work at once (password checks): refused at once rather
    /// than queued without bound; `RATE_LIMITED` with a `Retry-After`.
    #[error("too many {what} at once; retry in {retry_after_secs} s")]
    Busy {
        /// What is busy, e.g. `password checks`.
        what: &'static str,
        /// Seconds after which a retry is likely to get through.
        retry_after_secs: u64,
    },
    /// An input names an object that does not exist or that the caller may not see; the two
    /// answer alike, so an ID never confirms that something hidden exists. There is no
    /// not-found without the input field that named the object: clients point at it.
    #[error("{what} not found")]
    NotFound {
        /// The input field that names it, e.g. `needId`.
        field: &'static str,
        /// What it names, e.g. `need`.
        what: &'static str,
    },
    /// The input breaks a rule; `field` names the offending input field where there is one.
    #[error("{message}")]
    BadUserInput {
        /// Input field path, e.g. `bin` or `name`.
        field: Option<&'static str>,
        /// What is wrong, in words a client can show.
        message: String,
    },
    /// The input is well-formed but a rule of the current state refuses it (session full,
    /// registration closed, …): `BAD_USER_INPUT` with `extensions.reason` saying which rule.
    #[error("{message}")]
    Rule {
        /// Input field path, where one input is at fault.
        field: Option<&'static str>,
        /// Which rule.
        reason: Reason,
        /// What is wrong, in words a client can show.
        message: String,
    },
    /// An optimistic write named a version that is no longer current; nothing was changed.
    #[error("{0}")]
    VersionConflict(String),
    /// A booking lost to another for the same slot (a party or the table is taken).
    #[error("{0}")]
    SlotConflict(String),
    /// The database cannot be reached (down, restarting, unreachable, or every connection
    /// busy past the acquire timeout). Worth retrying later.
    #[error("the database is unavailable; try again shortly")]
    DbUnavailable(#[source] DbErr),
    /// Anything else. The source is logged, never shown.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

/// Shorthand for results in resolvers and domain functions.
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// A `NOT_FOUND` error: the input field `field` names a `what` that does not exist or that
    /// the caller may not see.
    pub fn not_found(field: &'static str, what: &'static str) -> Self {
        Self::NotFound { field, what }
    }

    /// A `BAD_USER_INPUT` error about one input field.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::BadUserInput {
            field: Some(field),
            message: message.into(),
        }
    }

    /// A `BAD_USER_INPUT` error naming the rule (`reason`) the request breaks.
    pub fn rule(field: Option<&'static str>, reason: Reason, message: impl Into<String>) -> Self {
        Self::Rule {
            field,
            reason,
            message: message.into(),
        }
    }

    /// A row a foreign key guarantees is missing: an inconsistency inside Kopir, never the
    /// client's doing.
    pub fn missing_row(what: &'static str) -> Self {
        Self::Internal(anyhow::anyhow!(
            "{what} referenced by a foreign key is missing"
        ))
    }

    /// The `extensions.code` clients switch on.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Unauthenticated(_) => ErrorCode::Unauthenticated,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::NotFound { .. } => ErrorCode::NotFound,
            Self::Busy { .. } => ErrorCode::RateLimited,
            Self::BadUserInput { .. } | Self::Rule { .. } => ErrorCode::BadUserInput,
            Self::SlotConflict(_) => ErrorCode::SlotConflict,
            Self::VersionConflict(_) => ErrorCode::VersionConflict,
            Self::DbUnavailable(_) => ErrorCode::DbUnavailable,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The input field at fault, if one is.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::BadUserInput { field, .. } | Self::Rule { field, .. } => *field,
            Self::NotFound { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The rule that refused the input, if one did.
    pub fn reason(&self) -> Option<Reason> {
        match self {
            Self::Rule { reason, .. } => Some(*reason),
            _ => None,
        }
    }

    /// Logs what the client will not see: the source of an internal error, or why the
    /// database is unavailable. Called once, where the error leaves the service.
    pub fn log(&self) {
        match self {
            Self::Internal(source) => tracing::error!(error = ?source, "internal error"),
            Self::DbUnavailable(source) => tracing::warn!(error = %source, "database unavailable"),
            Self::Busy { what, .. } => tracing::warn!(what, "refused: too many at once"),
            _ => {}
        }
    }

    /// Turns a violation of the named unique index into `err`, and anything else into an
    /// internal error. The index name follows the migrations' `{table}_{columns}_key` scheme;
    /// SQLite reports `table.column` instead, so both spellings are recognised.
    pub fn on_unique(db_err: DbErr, index: &str, sqlite_columns: &str, err: AppError) -> AppError {
        match db_err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(msg))
                if msg.contains(index) || msg.contains(sqlite_columns) =>
            {
                err
            }
            _ => db_err.into(),
        }
    }
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        if is_unavailable(&err) {
            Self::DbUnavailable(err)
        } else {
            Self::Internal(err.into())
        }
    }
}

/// Whether `err` means the database could not be reached, rather than that a statement failed.
fn is_unavailable(err: &DbErr) -> bool {
    use sea_orm::{RuntimeErr, sqlx::Error as Sqlx};
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            match &**e {
                Sqlx::Io(_) | Sqlx::PoolTimedOut | Sqlx::PoolClosed | Sqlx::WorkerCrashed => true,
                Sqlx::Database(db) => db.code().is_some_and(|code| {
                    // PostgreSQL: 08xxx connection exceptions, 57P01-57P03 shutdown/starting up.
                    // SQLite: 5 SQLITE_BUSY and 6 SQLITE_LOCKED, after the busy timeout.
                    code.starts_with("08")
                        || matches!(&*code, "57P01" | "57P02" | "57P03" | "5" | "6")
                }),
                _ => false,
            }
        }
        _ => false,
    }
}
