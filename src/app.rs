//! The running service: shared state, the HTTP router and its layers, and graceful shutdown.

use std::{
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use anyhow::Context as _;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::{
    Router,
    extract::{ConnectInfo, DefaultBodyLimit, FromRef, FromRequest as _, Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use http_body_util::BodyExt as _;
use migration::{Migrator, MigratorTrait as _};
use sea_orm::DatabaseConnection;
use tower_http::{
    catch_panic::CatchPanicLayer,
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};

use crate::{
    auth::{Viewer, jwt::JwtKeys},
    config::Settings,
    db,
    domain::{accounts::TokenConfig, matching::store::Matcher, text::Lang},
    error::{AppError, http_error},
    graphiql,
    graphql::{self, KopirSchema, Mode, ReadOnlySchema, RequestCtx, loaders::Loaders},
    health::DbHealth,
    rate_limit::RateLimits,
    telemetry,
};

/// Largest request body accepted (the API contract's limit).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Services shared by every request.
#[derive(Debug)]
pub struct App {
    /// The database pool.
    pub db: DatabaseConnection,
    /// Token keys and lifetimes.
    pub tokens: TokenConfig,
    /// How long DataLoaders gather keys before querying. Longer means fewer, larger batches
    /// but that much more latency per level of nesting.
    pub loader_window: Duration,
    /// Request rate limits.
    pub rate_limits: RateLimits,
    /// Whether the database is answering, watched continuously.
    pub db_health: DbHealth,
    /// How long a GraphQL request may run.
    pub request_timeout: Duration,
    /// The matching engine, kept equal to the database.
    pub matcher: Matcher,
}

/// async-graphql's own default: enough for a release build to enqueue a page's keys.
pub const DEFAULT_LOADER_WINDOW: Duration = Duration::from_millis(1);

/// The router's state.
#[derive(Clone)]
pub struct AppState {
    /// Shared services.
    pub app: Arc<App>,
    /// The GraphQL schema, built once.
    pub schema: KopirSchema,
    /// The query-only schema for `GET`.
    pub read_only: ReadOnlySchema,
    /// Set when shutdown begins, so `/readyz` turns away new traffic at once.
    pub shutting_down: Arc<AtomicBool>,
    /// Production or development (GraphiQL, introspection, suggestions).
    pub mode: Mode,
}

impl FromRef<AppState> for Arc<JwtKeys> {
    fn from_ref(state: &AppState) -> Self {
        state.app.tokens.jwt.clone()
    }
}

impl AppState {
    /// State for `app`, presenting the schema in `mode`.
    pub fn new(app: App, mode: Mode) -> Self {
        telemetry::handle();
        let app = Arc::new(app);
        Self {
            schema: graphql::schema(app.clone(), mode),
            read_only: graphql::read_only_schema(app.clone(), mode),
            app,
            shutting_down: Arc::new(AtomicBool::new(false)),
            mode,
        }
    }
}

/// Connects, migrates and assembles the services described by `settings`.
pub async fn build(settings: &Settings) -> anyhow::Result<App> {
    let secret = crate::auth::jwt::signing_secret(settings)?;
    let db = db::connect(&settings.database_url, settings.db_max_connections).await?;
    db::migrate(&db).await?;
    let monitor = db::connect(&settings.database_url, 1).await?;
    // Build the matching index now rather than on the first matching request.
    let matcher = Matcher::new(settings.matching_weights.clone());
    let started = std::time::Instant::now();
    {
        let engine = matcher
            .current(&db)
            .await
            .context("cannot build the matching index")?;
        tracing::info!(
            needs = engine.need_count(),
            capabilities = engine.capability_count(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "matching index built"
        );
    }
    Ok(App {
        db,
        tokens: token_config(settings, &secret)?,
        loader_window: DEFAULT_LOADER_WINDOW,
        rate_limits: RateLimits::new(settings.rate_limits),
        db_health: DbHealth::spawn(monitor),
        request_timeout: settings.request_timeout,
        matcher,
    })
}

/// Token settings for `settings` and the signing `secret`.
pub fn token_config(
    settings: &Settings,
    secret: &secrecy::SecretString,
) -> anyhow::Result<TokenConfig> {
    Ok(TokenConfig {
        jwt: Arc::new(JwtKeys::new(&settings.jwt, secret)?),
        refresh_ttl: chrono::Duration::from_std(settings.jwt.refresh_ttl)
            .context("refresh-token lifetime out of range")?,
    })
}

/// The HTTP router.
pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .route(
            "/graphql",
            post(graphql)
                .layer(middleware::from_fn(require_json))
                .get(graphql_get),
        )
        .route("/graphiql/{file}", get(graphiql_asset))
        .route("/calendar/{file}", get(crate::calendar::feed))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route_layer(middleware::from_fn(telemetry::track_http))
        .with_state(state);
    layers(routes)
}

/// The layers every route runs under: panic recovery, the body limit, tracing and request ids.
pub fn layers(routes: Router) -> Router {
    routes
        // A panic anywhere below becomes an INTERNAL response; the connection and the process
        // carry on. The panic's text goes to the log only.
        .layer(CatchPanicLayer::custom(internal_error_response))
        // async-graphql-axum reads the body itself, so axum's default limit does not apply;
        // this layer answers 413 before the body is read.
        .layer(DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(middleware::map_response(body_too_large))
        .layer(middleware::from_fn(refuse_declared_oversize))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
            let id = request
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            tracing::info_span!("request", method = %request.method(), uri = %request.uri(), request_id = %id)
        }))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// `GET /graphql`: GraphiQL for a browser in development mode, else a query.
async fn graphql_get(
    State(state): State<AppState>,
    connect_info: ConnectInfo<SocketAddr>,
    viewer: Viewer,
    headers: HeaderMap,
    request: Request,
) -> Response {
    if state.mode == Mode::Development && graphiql::wanted(&headers, request.uri()) {
        return graphiql::page().into_response();
    }
    match GraphQLRequest::from_request(request, &state).await {
        Ok(graphql_request) => {
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
        Err(rejection) => rejection.into_response(),
    }
}

/// GraphiQL's assets, in development mode only.
async fn graphiql_asset(
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
async fn graphql(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    viewer: Viewer,
    headers: HeaderMap,
    request: GraphQLRequest,
) -> Response {
    if let Err(wait) = state.app.rate_limits.check(viewer, peer.ip()) {
        return rate_limited(wait);
    }
    if !state.app.db_health.is_available() {
        return db_unavailable();
    }
    let lang = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
        .unwrap_or(Lang::Ru);
    let request = request
        .into_inner()
        .data(RequestCtx::new(viewer, lang))
        .data(Loaders::new(&state.app.db, state.app.loader_window));
    let execute = async {
        if method == Method::GET {
            state.read_only.execute(request).await
        } else {
            state.schema.execute(request).await
        }
    };
    // A database that stops answering makes queries hang rather than fail: stop waiting as soon
    // as the health monitor says so. Nothing half-written remains (a transaction whose future is
    // dropped is rolled back), but a statement already handed to the driver may still complete,
    // so the outcome of an abandoned mutation is unknown to the client, as with any lost reply.
    tokio::select! {
        response = tokio::time::timeout(state.app.request_timeout, execute) => match response {
            Ok(response) => GraphQLResponse::from(response).into_response(),
            Err(_) => {
                let limit = state.app.request_timeout.as_secs();
                tracing::error!(limit, "request timed out");
                http_error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "INTERNAL",
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
        http_error(StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED", &message),
        seconds,
    )
}

fn with_retry_after(mut response: Response, seconds: u64) -> Response {
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

/// Oversized bodies up to this size are read and discarded before the 413 is sent.
const LINGER_BYTES: u64 = 8 * MAX_BODY_BYTES as u64;
/// How long a client may take to send an oversized body that is being discarded.
const LINGER_TIME: Duration = Duration::from_secs(5);

/// Refuses a body whose declared `Content-Length` is over the limit. Answering before the
/// client has finished sending, then closing, makes the kernel reset the connection, and most
/// clients then report "broken pipe" instead of the 413 (hyper does no lingering close). So a
/// moderately oversized body is read to the end and discarded first, within [`LINGER_BYTES`]
/// and [`LINGER_TIME`]; anything larger is refused at once.
async fn refuse_declared_oversize(request: Request, next: Next) -> Response {
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
async fn body_too_large(response: Response) -> Response {
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
        "BAD_USER_INPUT",
        &format!("request bodies are limited to {MAX_BODY_BYTES} bytes"),
    );
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

fn internal_error_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(panic = %detail, "request handler panicked");
    http_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL",
        "internal error",
    )
}

/// Refuses `POST /graphql` bodies that are not JSON, before they are read. Browsers send
/// `text/plain`, form and multipart bodies cross-site without a CORS preflight; JSON they do not,
/// so this closes the cross-site request route to mutations.
async fn require_json(request: Request, next: Next) -> Response {
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
        "BAD_USER_INPUT",
        "POST /graphql takes `Content-Type: application/json`",
    )
}

/// Prometheus text exposition.
async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        telemetry::render(&state.app.db),
    )
}

/// Ready when the database answers and its schema is current: a replica must not take traffic
/// against a database an older or newer release migrated.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if state.shutting_down.load(Ordering::SeqCst) {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down");
    }
    if !state.app.db_health.is_available() {
        return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable");
    }
    let check = async {
        let pending = Migrator::get_pending_migrations(&state.app.db).await?;
        Ok::<_, sea_orm::DbErr>(pending.len())
    };
    match tokio::time::timeout(Duration::from_secs(2), check).await {
        Ok(Ok(0)) => (StatusCode::OK, "ready"),
        Ok(Ok(_)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "database migrations pending",
        ),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

/// Serves `state` on `listener` until SIGTERM or Ctrl-C. Then `/readyz` turns 503 at once,
/// the listener stops accepting, and in-flight requests finish; after `grace` the process
/// stops waiting, so a stuck request cannot hold a deployment hostage.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    grace: Duration,
) -> anyhow::Result<()> {
    let shutting_down = state.shutting_down.clone();
    let (begun, mut begun_rx) = tokio::sync::watch::channel(false);
    let signal = async move {
        shutdown_signal().await;
        shutting_down.store(true, Ordering::SeqCst);
        let _ = begun.send(true);
    };
    let app = state.app.clone();
    let housekeeping = tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(60));
        loop {
            every.tick().await;
            app.rate_limits.forget_idle();
        }
    });
    let server = axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(signal);
    let deadline = async move {
        let _ = begun_rx.wait_for(|begun| *begun).await;
        tokio::time::sleep(grace).await;
    };
    let _housekeeping = AbortOnDrop(housekeeping);
    tokio::select! {
        result = server => result.context("server error"),
        () = deadline => {
            tracing::warn!(?grace, "in-flight requests still running after the grace period; exiting");
            Ok(())
        }
    }
}

/// Stops a background task when the server stops.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
