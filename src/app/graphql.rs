//! `POST /graphql` and `GET /graphql`: rate limits, database health, the request timeout and
//! the request's context around one execution of the schema.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use async_graphql_axum::{GraphQLRequest, rejection::GraphQLRejection};
use axum::{
    extract::{ConnectInfo, FromRequest as _, Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    response::{IntoResponse as _, Response},
};

use super::{
    AppState,
    error::http_error,
    graphiql,
    media::{self, Media},
    viewer::{self, unauthenticated},
};
use crate::{
    auth::Viewer,
    domain::access::Access,
    domain::text::Lang,
    error::{AppError, ErrorCode},
    graphql::{Mode, RequestCtx, loaders::Loaders, localize, pipeline},
};

/// `GET /graphql`: GraphiQL for a browser in development mode, else a query. Anything but a
/// query is answered 405 before it runs: writes take POST, which a browser does not send
/// across origins without asking, and subscriptions take `/graphql/ws`.
pub async fn graphql_get(
    State(state): State<AppState>,
    connect_info: ConnectInfo<SocketAddr>,
    viewer: Viewer,
    headers: HeaderMap,
    request: Request,
) -> Response {
    if state.mode == Mode::Development && graphiql::wanted(&headers, request.uri()) {
        return graphiql::page().into_response();
    }
    let graphql_request = GraphQLRequest::from_request(request, &state).await;
    if let Ok(request) = &graphql_request
        && media::writes(&request.0, &state.app.documents)
    {
        let mut refused = http_error(
            StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::BadUserInput,
            "GET runs queries only: send mutations by POST, subscriptions over /graphql/ws",
        );
        refused
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return refused;
    }
    graphql(
        State(state),
        connect_info,
        Method::GET,
        viewer,
        headers,
        graphql_request,
    )
    .await
}

/// GraphiQL's assets, in development mode only.
pub async fn graphiql_asset(
    State(state): State<AppState>,
    file: axum::extract::Path<String>,
) -> Response {
    if state.mode == Mode::Development {
        graphiql::asset(file).await
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}

/// Runs a GraphQL request: POST on the full schema, GET on the query-only one.
pub async fn graphql(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    viewer: Viewer,
    headers: HeaderMap,
    request: Result<GraphQLRequest, GraphQLRejection>,
) -> Response {
    let request = match request.map(GraphQLRequest::into_inner) {
        // A persisted query's hash stands for its text.
        Ok(request)
            if !request.query.trim().is_empty()
                || request.extensions.contains_key("persistedQuery") =>
        {
            request
        }
        Ok(_) => {
            return http_error(
                StatusCode::BAD_REQUEST,
                ErrorCode::BadUserInput,
                "a GraphQL request needs `query` (or a persisted query's hash)",
            );
        }
        Err(rejection) => {
            return http_error(
                StatusCode::BAD_REQUEST,
                ErrorCode::BadUserInput,
                &format!(
                    "not a GraphQL request (`query` a string, `operationName` a string, \
                     `variables` and `extensions` objects): {}",
                    rejection.0
                ),
            );
        }
    };
    let media = Media::accepted(&headers);
    if let Err(wait) = state.app.rate_limits.check(viewer, peer.ip()) {
        return rate_limited(wait);
    }
    if !state.app.db_health.is_available() {
        return db_unavailable();
    }
    let asked = viewer::asked_lang(&headers);
    let lang = asked.unwrap_or(viewer::DEFAULT_LANG);
    let run = async {
        // A signed token for an account that no longer exists is refused here, with 401 like
        // any other bad token, rather than served as anonymous. Almost every operation needs
        // the caller's access anyway, so loading it now costs no extra round trip.
        let ctx = match viewer {
            Viewer::Anonymous => RequestCtx::new(viewer, lang),
            Viewer::User(id) => match Access::load(&state.app.services.db, id).await {
                Ok(access) => RequestCtx::with_access(viewer, lang, Arc::new(access)),
                Err(err @ AppError::Unauthenticated(_)) => return unauthenticated(err),
                // The database failing is reported by the operation that needs the access.
                Err(_) => RequestCtx::new(viewer, lang),
            },
        };
        let (loaders, reads) = Loaders::new(&state.app.services);
        let request = request.data(ctx).data(loaders);
        let (services, documents) = (&state.app.services, &state.app.documents);
        let execute = async {
            if method == Method::GET {
                pipeline::execute(&state.read_only, services, documents, request).await
            } else {
                pipeline::execute(&state.schema, services, documents, request).await
            }
        };
        let mut response = reads.beside(execute).await;
        // Error messages follow a language the client asked for; without one they stay
        // English, the language of the contract and of the logs.
        if let Some(lang @ (Lang::Kk | Lang::Ru)) = asked {
            localize(&mut response.errors, lang);
        }
        let busy = busy_for(&response);
        let response = media::answer(&response, media);
        match busy {
            // Refused before anything ran (a password check with its queue full): 429 and
            // `Retry-After`, as the rate limiter answers.
            Some(seconds) => with_retry_after(
                (StatusCode::TOO_MANY_REQUESTS, response).into_response(),
                seconds,
            ),
            None => response,
        }
    };
    // A database that stops answering makes queries hang rather than fail: stop waiting as soon
    // as the health monitor says so. Nothing half-written remains (a transaction whose future is
    // dropped is rolled back), but a statement already handed to the driver may still complete,
    // so the outcome of an abandoned mutation is unknown to the client, as with any lost reply.
    tokio::select! {
        response = tokio::time::timeout(state.app.request_timeout, run) => match response {
            Ok(response) => response,
            Err(_) => {
                let limit = state.app.request_timeout.as_secs();
                tracing::error!(limit, "request timed out");
                http_error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorCode::Internal,
                    &format!(
                        "the request took longer than {limit} s and the server stopped waiting; \
                         a mutation may or may not have taken effect"
                    ),
                )
            }
        },
        () = state.app.db_health.lost() => db_unavailable(),
    }
}

/// The `retryAfter` of a response that holds nothing but `RATE_LIMITED` refusals.
fn busy_for(response: &async_graphql::Response) -> Option<u64> {
    if response.errors.is_empty() || response.data != async_graphql::Value::Null {
        return None;
    }
    response
        .errors
        .iter()
        .map(|e| match e.extensions.as_ref()?.get("retryAfter")? {
            async_graphql::Value::Number(n) => n.as_u64(),
            _ => None,
        })
        .collect::<Option<Vec<u64>>>()?
        .into_iter()
        .max()
}

/// 503 with `DB_UNAVAILABLE` and a hint to retry.
fn db_unavailable() -> Response {
    let err = AppError::DbUnavailable(sea_orm::DbErr::Custom("health monitor".into()));
    with_retry_after(
        http_error(
            StatusCode::SERVICE_UNAVAILABLE,
            err.code(),
            &err.to_string(),
        ),
        5,
    )
}

/// 429 with `Retry-After` (whole seconds, rounded up) and a GraphQL error coded `RATE_LIMITED`.
fn rate_limited(wait: Duration) -> Response {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let message = format!("too many requests; retry in {seconds} s");
    with_retry_after(
        http_error(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::RateLimited,
            &message,
        ),
        seconds,
    )
}

fn with_retry_after(mut response: Response, seconds: u64) -> Response {
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}
