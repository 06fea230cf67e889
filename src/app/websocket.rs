//! `GET /graphql/ws`: subscriptions over the `graphql-transport-ws` protocol (and the older
//! `graphql-ws`). The client signs in inside `connection_init` with the same bearer token as
//! over HTTP (`{"Authorization": "Bearer <token>"}`); a connection without one may subscribe to
//! nothing. An invalid token closes the connection (4403, as the protocol says).
//!
//! Limits, so one client cannot hold a replica's memory: [`PER_ADDRESS`] open connections per
//! client address (more are answered 429 before the upgrade), [`PER_ACCOUNT`] per signed-in
//! account (more are refused in `connection_init`), and a connection that has not sent
//! `connection_init` within [`INIT_TIMEOUT`] is closed. Subscriptions per connection are
//! limited in `graphql::realtime`.
//!
//! On shutdown every connection is closed with 1001 (going away), which `graphql-ws` clients
//! treat as a cue to reconnect, reaching another replica; the process waits for the close
//! frames to go out within its grace period.

use std::{
    collections::HashMap,
    hash::Hash,
    net::{IpAddr, SocketAddr},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use async_graphql::{
    Data,
    futures_util::{SinkExt as _, StreamExt as _},
};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::{
    extract::{
        ConnectInfo, State, WebSocketUpgrade,
        ws::{CloseFrame, Message, close_code},
    },
    http::{HeaderMap, StatusCode},
    response::{IntoResponse as _, Response},
};
use serde_json::Value;
use tokio::sync::watch;

use super::{
    AppState,
    viewer::{self, bearer},
};
use crate::{
    auth::Viewer,
    domain::{Services, access::Access, text::Lang},
    error::AppError,
    graphql::{RequestCtx, loaders::Loaders, realtime::Subscriber},
};

/// How often an idle connection is pinged; a client that stops answering is dropped.
const KEEPALIVE: Duration = Duration::from_secs(30);
/// Open connections per client address.
pub const PER_ADDRESS: usize = 100;
/// Open connections per signed-in account.
pub const PER_ACCOUNT: usize = 20;
/// How long a new connection has to send `connection_init`.
pub const INIT_TIMEOUT: Duration = Duration::from_secs(10);

/// Open connections by client address and by account, and the signal that closes them all.
#[derive(Debug)]
pub struct Connections {
    by_address: Mutex<HashMap<IpAddr, usize>>,
    by_account: Mutex<HashMap<i64, usize>>,
    /// How many are open.
    open: watch::Sender<usize>,
    /// Set when the server shuts down.
    closing: watch::Sender<bool>,
}

impl Default for Connections {
    fn default() -> Self {
        Self {
            by_address: Mutex::default(),
            by_account: Mutex::default(),
            open: watch::Sender::new(0),
            closing: watch::Sender::new(false),
        }
    }
}

impl Connections {
    /// Closes every open connection with 1001 (going away), and refuses new ones.
    pub fn close_all(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves once every connection has closed.
    pub async fn closed(&self) {
        let _ = self.open.subscribe().wait_for(|n| *n == 0).await;
    }
}

/// Counts one more under `key` if fewer than `limit` are open.
fn take<K: Hash + Eq>(counts: &Mutex<HashMap<K, usize>>, key: K, limit: usize) -> bool {
    let mut counts = counts
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let n = counts.entry(key).or_default();
    if *n >= limit {
        return false;
    }
    *n += 1;
    true
}

fn give_back<K: Hash + Eq>(counts: &Mutex<HashMap<K, usize>>, key: &K) {
    let mut counts = counts
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(n) = counts.get_mut(key) {
        *n -= 1;
        if *n == 0 {
            counts.remove(key);
        }
    }
}

/// One open connection's places under the limits, given back when it closes.
struct Held {
    connections: Arc<Connections>,
    address: IpAddr,
    account: Mutex<Option<i64>>,
}

impl Drop for Held {
    fn drop(&mut self) {
        self.connections.open.send_modify(|n| *n -= 1);
        give_back(&self.connections.by_address, &self.address);
        let account = self
            .account
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(account) = *account {
            give_back(&self.connections.by_account, &account);
        }
    }
}

/// Upgrades to a WebSocket serving the schema's subscriptions.
pub async fn graphql_ws(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    // The upgrade request's `Accept-Language` (a browser sends its own) sets the language of
    // the connection's explanations, as over HTTP.
    let lang = viewer::lang(&headers);
    let connections = state.connections.clone();
    if *connections.closing.borrow() {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down").into_response();
    }
    if !take(&connections.by_address, peer.ip(), PER_ADDRESS) {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            "too many WebSocket connections from this address",
        )
            .into_response();
    }
    connections.open.send_modify(|n| *n += 1);
    let mut closing = connections.closing.subscribe();
    let held = Arc::new(Held {
        connections,
        address: peer.ip(),
        account: Mutex::new(None),
    });
    let schema = state.connection_schema.clone();
    let services = state.app.services.clone();
    upgrade
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| async move {
            let initialised = Arc::new(AtomicBool::new(false));
            // The connection's loaders; their reads run beside the connection's operations.
            let (loaders, reads) = Loaders::new(&services);
            let (slot, done) = (held.clone(), initialised.clone());
            let (mut sink, stream) = socket.split();
            let serve = GraphQLWebSocket::new_with_pair(&mut sink, stream, schema, protocol)
                .on_connection_init(move |payload| async move {
                    let (data, account) =
                        connection_init(&services, loaders, lang, payload).await?;
                    if let Some(account) = account {
                        if !take(&slot.connections.by_account, account, PER_ACCOUNT) {
                            return Err(AppError::Forbidden(format!(
                                "at most {PER_ACCOUNT} connections per account"
                            ))
                            .into());
                        }
                        *slot
                            .account
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(account);
                    }
                    done.store(true, Ordering::Release);
                    Ok(data)
                })
                .keepalive_timeout(KEEPALIVE)
                .serve();
            // Completes only for a connection still silent after the timeout; dropping it
            // closes it.
            let silent = async {
                tokio::time::sleep(INIT_TIMEOUT).await;
                if initialised.load(Ordering::Acquire) {
                    std::future::pending::<()>().await;
                }
            };
            let going_away = tokio::select! {
                () = reads.beside(serve) => false,
                () = silent => false,
                Ok(_) = closing.wait_for(|closing| *closing) => true,
            };
            if going_away {
                let _ = sink
                    .send(Message::Close(Some(CloseFrame {
                        code: close_code::AWAY,
                        reason: "server shutting down; reconnect".into(),
                    })))
                    .await;
            }
            drop(held);
        })
}

/// The connection's data: the subscriber named by the token in the payload, its loaders, and a
/// request context that reads rights afresh each time.
async fn connection_init(
    services: &Arc<Services>,
    loaders: Loaders,
    lang: Lang,
    payload: Value,
) -> async_graphql::Result<(Data, Option<i64>)> {
    let mut data = Data::default();
    data.insert(loaders);
    let token = payload.as_object().and_then(|fields| {
        fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
            .and_then(|(_, v)| v.as_str().map(str::to_owned))
    });
    let Some(header) = token else {
        data.insert(RequestCtx::connection(Viewer::Anonymous, lang));
        return Ok((data, None));
    };
    let token = bearer(&header).ok_or(AppError::Unauthenticated(
        "Authorization must be `Bearer <access token>`",
    ))?;
    let (user_id, expires_at) = services.tokens.jwt.verify_until(token)?;
    // The account must exist and be active now; every delivery checks again.
    Access::load(&services.db, user_id).await?;
    data.insert(RequestCtx::connection(Viewer::User(user_id), lang));
    data.insert(Subscriber::new(user_id, expires_at));
    Ok((data, Some(user_id)))
}
