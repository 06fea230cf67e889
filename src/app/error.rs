//! The HTTP face of [`AppError`]: refusals made around GraphQL execution (authentication,
//! content type, rate limits, outages, timeouts, panics) answer with a GraphQL-shaped body, so
//! clients read `extensions.code` the same way everywhere.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};

use crate::{
    error::{AppError, ErrorCode},
    telemetry,
};

/// An HTTP response whose body is a GraphQL response carrying one error.
pub fn http_error(status: StatusCode, code: ErrorCode, message: &str) -> Response {
    telemetry::count_error(code.as_str());
    let body = serde_json::json!({
        "data": null,
        "errors": [{ "message": message, "extensions": { "code": code.as_str() } }],
    });
    (status, axum::Json(body)).into_response()
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let status = match self.code() {
            ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
            ErrorCode::Forbidden => StatusCode::FORBIDDEN,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::BadUserInput
            | ErrorCode::PersistedQueryNotFound
            | ErrorCode::PersistedQueryNotInList => StatusCode::BAD_REQUEST,
            ErrorCode::VersionConflict | ErrorCode::SlotConflict => StatusCode::CONFLICT,
            ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::DbUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        };
        http_error(status, self.code(), &self.to_string())
    }
}

/// A panic below the panic-catching layer: logged with its text, answered `INTERNAL`.
pub fn internal_error_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(panic = %detail, "request handler panicked");
    http_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::Internal,
        "internal error",
    )
}
