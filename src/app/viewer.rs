//! Reads the caller from the request: the axum extractor for [`Viewer`] (the `Authorization`
//! header), and the language it reads (`Accept-Language`).

use std::sync::Arc;

use axum::{
    extract::{FromRef, FromRequestParts},
    http::{HeaderMap, HeaderValue, header, request::Parts},
    response::{IntoResponse as _, Response},
};

use crate::{
    auth::{Viewer, jwt::JwtKeys},
    domain::text::Lang,
    error::AppError,
};

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
        let token = value.to_str().ok().and_then(bearer).ok_or_else(|| {
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

/// The token of an `Authorization: Bearer <token>` value (HTTP header or WebSocket
/// `connection_init` payload).
pub(super) fn bearer(value: &str) -> Option<&str> {
    value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
}

/// The language of a request whose `Accept-Language` names none Kopir writes in: Russian, the
/// language every user of the platform reads.
pub(super) const DEFAULT_LANG: Lang = Lang::Ru;

/// The language the request's `Accept-Language` names first, [`DEFAULT_LANG`] without one.
pub(super) fn lang(headers: &HeaderMap) -> Lang {
    asked_lang(headers).unwrap_or(DEFAULT_LANG)
}

/// The language `Accept-Language` names, if it names one Kopir writes in.
pub(super) fn asked_lang(headers: &HeaderMap) -> Option<Lang> {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
}

/// A 401 whose body is a GraphQL response, so GraphQL clients can read `extensions.code`.
pub(super) fn unauthenticated(err: AppError) -> Response {
    let mut response = err.into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer error=\"invalid_token\""),
    );
    response
}
