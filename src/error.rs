//! The one error type. Every failure a client can see is an [`AppError`]; each variant maps to an
//! `extensions.code` from the API contract. Internal errors keep their source for the log and show
//! the client only "internal error", so SQL, paths and driver text never leak.

use async_graphql::ErrorExtensions;
use axum::{
    http::StatusCode,
    response::{IntoResponse as _, Response},
};
use sea_orm::{DbErr, SqlErr};

/// A failure that reaches a client.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No valid credentials (missing where required, expired, tampered, wrong audience, …).
    #[error("{0}")]
    Unauthenticated(&'static str),
    /// Authenticated, but not allowed to do this.
    #[error("{0}")]
    Forbidden(String),
    /// The thing asked for does not exist, or the caller may not know it exists.
    #[error("{0} not found")]
    NotFound(&'static str),
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
        /// A stable, machine-readable name of the rule, e.g. `SESSION_FULL`.
        reason: &'static str,
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
    /// A `BAD_USER_INPUT` error about one input field.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::BadUserInput {
            field: Some(field),
            message: message.into(),
        }
    }

    /// A `BAD_USER_INPUT` error naming the rule (`reason`) the request breaks.
    pub fn rule(
        field: Option<&'static str>,
        reason: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self::Rule {
            field,
            reason,
            message: message.into(),
        }
    }

    /// The `extensions.code` clients switch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated(_) => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::NotFound(_) => "NOT_FOUND",
            Self::BadUserInput { .. } | Self::Rule { .. } => "BAD_USER_INPUT",
            Self::SlotConflict(_) => "SLOT_CONFLICT",
            Self::VersionConflict(_) => "VERSION_CONFLICT",
            Self::DbUnavailable(_) => "DB_UNAVAILABLE",
            Self::Internal(_) => "INTERNAL",
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

/// An HTTP response whose body is a GraphQL response carrying one error, for refusals made
/// around GraphQL execution rather than inside it (authentication, content type, rate limits,
/// outages, timeouts, panics), so clients read `extensions.code` the same way everywhere.
pub fn http_error(status: StatusCode, code: &str, message: &str) -> Response {
    crate::telemetry::count_error(code);
    let body = serde_json::json!({
        "data": null,
        "errors": [{ "message": message, "extensions": { "code": code } }],
    });
    (status, axum::Json(body)).into_response()
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

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        match &err {
            AppError::Internal(source) => tracing::error!(error = ?source, "internal error"),
            AppError::DbUnavailable(source) => {
                tracing::warn!(error = %source, "database unavailable")
            }
            _ => {}
        }
        let code = err.code();
        let (field, reason) = match &err {
            AppError::BadUserInput { field, .. } => (*field, None),
            AppError::Rule { field, reason, .. } => (*field, Some(*reason)),
            _ => (None, None),
        };
        async_graphql::Error::new(err.to_string()).extend_with(|_, ext| {
            ext.set("code", code);
            if let Some(field) = field {
                ext.set("field", field);
            }
            if let Some(reason) = reason {
                ext.set("reason", reason);
            }
        })
    }
}
