//! Limits on what a request may send: the body size (413) and, for `POST /graphql`, the content
//! type (415), both answered before the body is read.

use std::time::Duration;

use axum::{
    extract::Request,
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::Response,
};
use http_body_util::BodyExt as _;

use super::error::http_error;
use crate::error::ErrorCode;

/// Largest request body accepted (the API contract's limit).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Oversized bodies up to this size are read and discarded before the 413 is sent.
const LINGER_BYTES: u64 = 8 * MAX_BODY_BYTES as u64;
/// How long a client may take to send an oversized body that is being discarded.
const LINGER_TIME: Duration = Duration::from_secs(5);

/// Refuses a body whose declared `Content-Length` is over the limit. Answering before the
/// client has finished sending, then closing, makes the kernel reset the connection, and most
/// clients then report "broken pipe" instead of the 413 (hyper does no lingering close). So a
/// moderately oversized body is read to the end and discarded first, within [`LINGER_BYTES`]
/// and [`LINGER_TIME`]; anything larger is refused at once.
pub async fn refuse_declared_oversize(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(length) if length > MAX_BODY_BYTES as u64 => {
            if length <= LINGER_BYTES {
                let mut body = request.into_body();
                let drain = async { while let Some(Ok(_)) = body.frame().await {} };
                let _ = tokio::time::timeout(LINGER_TIME, drain).await;
            }
            too_large()
        }
        _ => next.run(request).await,
    }
}

/// A body that grew past the limit while being read (no or a false `Content-Length`) is cut
/// off by `RequestBodyLimitLayer`; its 413 becomes the same GraphQL error.
pub async fn body_too_large(response: Response) -> Response {
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        response
    }
}

/// The 413: a GraphQL error like every other refusal, with `Connection: close` so that a client
/// does not reuse a connection whose request body may be left unread.
fn too_large() -> Response {
    let mut response = http_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::BadUserInput,
        &format!("request bodies are limited to {MAX_BODY_BYTES} bytes"),
    );
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// Refuses `POST /graphql` bodies that are not JSON, before they are read. Browsers send
/// `text/plain`, form and multipart bodies cross-site without a CORS preflight; JSON they do not,
/// so this closes the cross-site request route to mutations.
pub async fn require_json(request: Request, next: Next) -> Response {
    let is_json = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
    if is_json {
        return next.run(request).await;
    }
    http_error(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorCode::BadUserInput,
        "POST /graphql takes `Content-Type: application/json`",
    )
}
