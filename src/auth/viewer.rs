//! The [`Viewer`] extractor: who is calling, from the `Authorization` header.

use std::sync::Arc;

use axum::{
    extract::{FromRef, FromRequestParts},
    http::{HeaderValue, StatusCode, header, request::Parts},
    response::Response,
};

use super::jwt::JwtKeys;
use crate::error::{AppError, http_error};

/// The caller of one request, as proven by its bearer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// No `Authorization` header: public data only.
    Anonymous,
    /// A valid access token for this user id.
    User(i64),
}

impl<S> FromRequestParts<S> for Viewer
where
    Arc<JwtKeys>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    /// A missing header means anonymous; a present but invalid one is refused outright rather
    /// than downgraded, so a client with a stale token learns it at once.
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Ok(Viewer::Anonymous);
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .ok_or_else(|| {
                unauthenticated(AppError::Unauthenticated(
                    "the Authorization header must be `Bearer <access token>`",
                ))
            })?;
        Arc::<JwtKeys>::from_ref(state)
            .verify(token)
            .map(Viewer::User)
            .map_err(unauthenticated)
    }
}

/// A 401 whose body is a GraphQL response, so GraphQL clients can read `extensions.code`.
fn unauthenticated(err: AppError) -> Response {
    let mut response = http_error(StatusCode::UNAUTHORIZED, err.code(), &err.to_string());
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer error=\"invalid_token\""),
    );
    response
}
