//! The running service: settings, shared state, the HTTP router and its layers. Each job of the
//! HTTP edge has its room here: `graphql` (the GraphQL endpoint), `limits` (body size, content
//! type), `viewer` (the bearer token), `rate_limit`, `health` (the database watch), `probes`
//! (`/readyz`, `/metrics`), `calendar` (iCalendar feeds), `graphiql`, `cors` (which web origins
//! may call), `error` (HTTP answers),
//! `media` (the GraphQL-over-HTTP media types and statuses) and `shutdown`.

mod calendar;
pub mod cors;
pub mod error;
mod graphiql;
mod graphql;
pub mod health;
pub mod limits;
mod media;
mod probes;
pub mod rate_limit;
mod shutdown;
mod viewer;
pub mod websocket;

use std::{
    net::SocketAddr,
    path::PathBuf,
    sync::{Arc, atomic::AtomicBool},
    time::Duration,
};

use anyhow::Context as _;
use axum::{
    Router,
    extract::{DefaultBodyLimit, FromRef},
    middleware,
    routing::{get, post},
};
use tower_http::{
    catch_panic::CatchPanicLayer,
    classify::ServerErrorsFailureClass,
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};

use self::{health::DbHealth, rate_limit::RateLimits};
pub use self::{limits::MAX_BODY_BYTES, shutdown::serve};
use crate::{
    auth::{
        jwt::{JwtKeys, JwtSettings},
        password::Hasher,
    },
    db,
    domain::{
        Services, accounts::TokenConfig, events::Hub, matching::Weights, matching::store::Matcher,
        outcomes::MeetingRules,
    },
    graphql::{
        self as api, KopirSchema, Mode, ReadOnlySchema,
        documents::{Documents, TrustedDocuments},
    },
    telemetry,
};

/// Everything the service is configured with, assembled by `config` from flags, environment,
/// file and defaults. Each part is owned by the module it configures.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Address `serve` listens on.
    pub listen: SocketAddr,
    /// Database URL.
    pub database_url: String,
    /// Development mode (GraphiQL, introspection and suggestions on).
    pub dev: bool,
    /// How long in-flight requests may run on after SIGTERM.
    pub shutdown_grace: Duration,
    /// Request rate limits.
    pub rate_limits: rate_limit::RateLimitSettings,
    /// How long a GraphQL request may run.
    pub request_timeout: Duration,
    /// Pool size.
    pub db_max_connections: u32,
    /// Token settings.
    pub jwt: JwtSettings,
    /// Matching factor weights.
    pub matching_weights: Weights,
    /// Meeting requests' time to live and the window for confirming a meeting held.
    pub meetings: MeetingRules,
    /// How long events stay in the outbox.
    pub event_retention: Duration,
    /// Web origins whose pages may call the API (CORS).
    pub cors_origins: Vec<String>,
    /// The trusted documents' manifest: when set, only its documents run.
    pub trusted_documents: Option<PathBuf>,
}

impl Settings {
    /// Whether the database is SQLite.
    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }

    /// The SQLite database file, if the database is an SQLite file (not `:memory:`).
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        let rest = self.database_url.strip_prefix("sqlite:")?;
        let path = rest.trim_start_matches("//");
        let path = path.split('?').next().unwrap_or(path);
        (!path.is_empty() && !path.contains(":memory:")).then(|| PathBuf::from(path))
    }
}

/// Services shared by every request.
#[derive(Debug)]
pub struct App {
    /// What the domain works with: the database, token keys, the matching engine.
    pub services: Arc<Services>,
    /// Request rate limits.
    pub rate_limits: RateLimits,
    /// Whether the database is answering, watched continuously.
    pub db_health: DbHealth,
    /// How long a GraphQL request may run.
    pub request_timeout: Duration,
    /// Web origins whose pages may call the API (CORS); development mode adds `localhost`.
    pub cors_origins: Vec<String>,
    /// Trusted, registered (persisted) and parsed GraphQL documents.
    pub documents: Arc<Documents>,
}

/// The router's state.
#[derive(Clone)]
pub struct AppState {
    /// Shared services.
    pub app: Arc<App>,
    /// The GraphQL schema for `POST`, built once.
    pub schema: KopirSchema,
    /// The query-only schema for `GET`.
    pub read_only: ReadOnlySchema,
    /// The schema for WebSocket connections (the same, with the request pipeline as an
    /// extension).
    pub connection_schema: KopirSchema,
    /// Set when shutdown begins, so `/readyz` turns away new traffic at once.
    pub shutting_down: Arc<AtomicBool>,
    /// Open WebSocket connections, for their limits.
    pub connections: Arc<websocket::Connections>,
    /// Production or development (GraphiQL, introspection, suggestions).
    pub mode: Mode,
}

impl FromRef<AppState> for Arc<JwtKeys> {
    fn from_ref(state: &AppState) -> Self {
        state.app.services.tokens.jwt.clone()
    }
}

impl AppState {
    /// State for `app`, presenting the schema in `mode`.
    pub fn new(app: App, mode: Mode) -> Self {
        telemetry::handle();
        // The matching index is built while everything else already answers (a large one
        // takes seconds); `/readyz` says so until it is done.
        let services = app.services.clone();
        tokio::spawn(async move { services.matcher.warm_up(&services.db).await });
        let services = app.services.clone();
        tokio::spawn(async move {
            services
                .matcher
                .follow(&services.db, &services.events)
                .await;
        });
        let services = app.services.clone();
        tokio::spawn(async move {
            if let Err(e) = services.events.start(services.db.clone()).await {
                tracing::error!(error = %e, "the event hub did not start");
            }
        });
        let app = Arc::new(app);
        Self {
            schema: api::schema(app.services.clone(), mode),
            read_only: api::read_only_schema(app.services.clone(), mode),
            connection_schema: api::connection_schema(
                app.services.clone(),
                app.documents.clone(),
                mode,
            ),
            app,
            shutting_down: Arc::new(AtomicBool::new(false)),
            connections: Arc::default(),
            mode,
        }
    }
}

/// Connects, migrates and assembles the services described by `settings`.
pub async fn build(settings: &Settings) -> anyhow::Result<App> {
    let secret = crate::auth::jwt::signing_secret(
        &settings.jwt,
        settings.is_sqlite(),
        settings.sqlite_path().as_deref(),
    )?;
    let db = db::connect(&settings.database_url, settings.db_max_connections).await?;
    db::migrate(&db).await?;
    let monitor = db::connect(&settings.database_url, 1).await?;
    let matcher = Matcher::new(settings.matching_weights.clone());
    Ok(App {
        services: Arc::new(Services {
            db,
            tokens: token_config(&settings.jwt, &secret)?,
            matcher,
            passwords: Hasher::for_this_machine(),
            meetings: settings.meetings,
            events: Hub::new(settings.event_retention),
        }),
        rate_limits: RateLimits::new(settings.rate_limits),
        db_health: DbHealth::spawn(monitor),
        request_timeout: settings.request_timeout,
        cors_origins: settings.cors_origins.clone(),
        documents: Documents::new(
            settings
                .trusted_documents
                .as_deref()
                .map(TrustedDocuments::load)
                .transpose()?,
        ),
    })
}

/// Token settings for `settings` and the signing `secret`.
pub fn token_config(
    settings: &JwtSettings,
    secret: &secrecy::SecretString,
) -> anyhow::Result<TokenConfig> {
    Ok(TokenConfig {
        jwt: Arc::new(JwtKeys::new(settings, secret)?),
        refresh_ttl: chrono::Duration::from_std(settings.refresh_ttl)
            .context("refresh-token lifetime out of range")?,
    })
}

/// The HTTP router.
pub fn router(state: AppState) -> Router {
    let cors = cors::layer(&state.app.cors_origins, state.mode);
    let routes = Router::new()
        .route(
            "/graphql",
            post(graphql::graphql)
                .layer(middleware::from_fn(limits::require_json))
                .get(graphql::graphql_get),
        )
        .route("/graphql/ws", get(websocket::graphql_ws))
        .route("/graphiql/{file}", get(graphql::graphiql_asset))
        .route("/calendar/{file}", get(calendar::feed))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(probes::readyz))
        .route("/metrics", get(probes::metrics))
        .route_layer(middleware::from_fn(telemetry::track_http))
        .with_state(state);
    let routes = layers(routes);
    // Outside the routes, so a preflight is answered before method routing, rate limits or
    // the content-type check see it.
    match cors {
        Some(cors) => routes.layer(cors),
        None => routes,
    }
}

/// Logs a response that failed: at ERROR, except a 503, which a replica answers while it is
/// starting (`/readyz` during the index build), shutting down or without its database — states
/// it logs once itself, and which load balancers polling every second would otherwise turn into a
/// line of ERROR per probe.
fn log_failure(class: ServerErrorsFailureClass, latency: Duration, _span: &tracing::Span) {
    let latency_ms = latency.as_millis() as u64;
    match class {
        ServerErrorsFailureClass::StatusCode(axum::http::StatusCode::SERVICE_UNAVAILABLE) => {
            tracing::debug!(latency_ms, "unavailable (503)");
        }
        class => tracing::error!(%class, latency_ms, "response failed"),
    }
}

/// The layers every route runs under: panic recovery, the body limit, tracing and request ids.
pub fn layers(routes: Router) -> Router {
    routes
        // A panic anywhere below becomes an INTERNAL response; the connection and the process
        // carry on. The panic's text goes to the log only.
        .layer(CatchPanicLayer::custom(error::internal_error_response))
        // async-graphql-axum reads the body itself, so axum's default limit does not apply;
        // this layer answers 413 before the body is read.
        .layer(DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(middleware::map_response(limits::body_too_large))
        .layer(middleware::from_fn(limits::refuse_declared_oversize))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
            let id = request
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            tracing::info_span!("request", method = %request.method(), uri = %request.uri(), request_id = %id)
        }).on_failure(log_failure))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// A log sink for one test.
    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Lines {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("log lock").extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn an_unavailable_replica_is_not_logged_as_an_error_but_a_failure_is() {
        let lines = Lines::default();
        let sink = lines.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_ansi(false)
            .with_writer(move || sink.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let span = tracing::Span::none();
            let status = |code| ServerErrorsFailureClass::StatusCode(code);
            log_failure(
                status(axum::http::StatusCode::SERVICE_UNAVAILABLE),
                Duration::from_millis(2),
                &span,
            );
            log_failure(
                status(axum::http::StatusCode::INTERNAL_SERVER_ERROR),
                Duration::from_millis(3),
                &span,
            );
        });
        let text = String::from_utf8(lines.0.lock().expect("log lock").clone()).expect("utf-8");
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.contains("ERROR") && text.contains("500"), "{text}");
    }
}
