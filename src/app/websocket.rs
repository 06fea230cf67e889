//! `GET /graphql/ws`: subscriptions over the `graphql-transport-ws` protocol (and the older
//! `graphql-ws`). The client signs in inside `connection_init` with the same bearer token as
//! over HTTP (`{"Authorization": "Bearer <token>"}`); a connection without one may subscribe to
//! nothing. An invalid token closes the connection (4403, as the protocol says).

use std::time::Duration;

use async_graphql::Data;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::{
    extract::{State, WebSocketUpgrade},
    response::Response,
};
use serde_json::Value;

use super::AppState;
use crate::{
    auth::Viewer,
    domain::{Services, access::Access, text::Lang},
    error::AppError,
    graphql::{RequestCtx, loaders::Loaders, realtime::Subscriber},
};

/// How often an idle connection is pinged; a client that stops answering is dropped.
const KEEPALIVE: Duration = Duration::from_secs(30);

/// Upgrades to a WebSocket serving the schema's subscriptions.
pub async fn graphql_ws(
    State(state): State<AppState>,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    let schema = state.schema.clone();
    let services = state.app.services.clone();
    let window = state.app.loader_window;
    upgrade
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| {
            GraphQLWebSocket::new(socket, schema, protocol)
                .on_connection_init(move |payload| async move {
                    connection_init(&services, window, payload).await
                })
                .keepalive_timeout(KEEPALIVE)
                .serve()
        })
}

/// The connection's data: the subscriber named by the token in the payload, its loaders, and a
/// request context that reads rights afresh each time.
async fn connection_init(
    services: &std::sync::Arc<Services>,
    window: Duration,
    payload: Value,
) -> async_graphql::Result<Data> {
    let mut data = Data::default();
    data.insert(Loaders::new(services, window));
    let token = payload.as_object().and_then(|fields| {
        fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
            .and_then(|(_, v)| v.as_str().map(str::to_owned))
    });
    let Some(header) = token else {
        data.insert(RequestCtx::connection(Viewer::Anonymous, Lang::Ru));
        return Ok(data);
    };
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(str::trim)
        .ok_or(AppError::Unauthenticated(
            "Authorization must be `Bearer <access token>`",
        ))?;
    let (user_id, expires_at) = services.tokens.jwt.verify_until(token)?;
    // The account must exist and be active now; every delivery checks again.
    Access::load(&services.db, user_id).await?;
    data.insert(RequestCtx::connection(Viewer::User(user_id), Lang::Ru));
    data.insert(Subscriber {
        user_id,
        expires_at,
    });
    Ok(data)
}
