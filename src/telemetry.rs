//! Prometheus metrics: HTTP requests by route and status, GraphQL operations by name with their
//! latency, errors by code, and database pool use. Rendered at `/metrics`.

use std::{
    collections::HashSet,
    sync::{LazyLock, Mutex, OnceLock},
    time::{Duration, Instant},
};

use axum::{
    extract::MatchedPath, extract::Request, middleware::Next, response::Response as HttpResponse,
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sea_orm::DatabaseConnection;

/// Latency buckets in seconds, from a cached read to a scheduler run.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// Distinct operation names kept as labels; later ones are counted as `other`. Names come from
/// clients, so without a cap a caller could mint a new time series per request.
const MAX_OPERATION_NAMES: usize = 200;

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's recorder, installed on first use.
pub fn handle() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new();
        let builder = builder
            .set_buckets_for_metric(Matcher::Suffix("duration_seconds".into()), &BUCKETS)
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed; /metrics may be empty");
        }
        handle
    })
}

/// The text exposition, with the pool gauges read now.
pub fn render(db: &DatabaseConnection) -> String {
    let (size, idle) = pool_use(db);
    metrics::gauge!("kopir_db_pool_connections", "state" => "open").set(f64::from(size));
    metrics::gauge!("kopir_db_pool_connections", "state" => "idle").set(idle as f64);
    handle().render()
}

fn pool_use(db: &DatabaseConnection) -> (u32, usize) {
    use sea_orm::DbBackend;
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => (0, 0),
    }
}

/// Counts HTTP requests and their latency by matched route (bounded by the router, unlike the
/// raw path) and status.
pub async fn track_http(request: Request, next: Next) -> HttpResponse {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("kopir_http_requests_total", "route" => route.clone(), "method" => method, "status" => status).increment(1);
    metrics::histogram!("kopir_http_request_duration_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// Operation names already used as labels.
static OPERATION_NAMES: LazyLock<Mutex<HashSet<String>>> = LazyLock::new(Mutex::default);

/// The label of operation `name`: itself while fewer than [`MAX_OPERATION_NAMES`] are known (and
/// it is a plain identifier), else `other`.
fn operation_label(name: Option<&str>) -> String {
    let Some(name) = name else {
        return "anonymous".into();
    };
    let valid = name.len() <= 64 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let Ok(mut seen) = OPERATION_NAMES.lock() else {
        return "other".into();
    };
    if valid && (seen.contains(name) || seen.len() < MAX_OPERATION_NAMES) {
        seen.insert(name.to_owned());
        name.to_owned()
    } else {
        "other".into()
    }
}

/// Counts one GraphQL operation by name and outcome, with its latency.
pub fn record_operation(name: Option<&str>, elapsed: Duration, ok: bool) {
    let operation = operation_label(name);
    let outcome = if ok { "ok" } else { "error" };
    metrics::counter!("kopir_graphql_operations_total", "operation" => operation.clone(), "outcome" => outcome).increment(1);
    metrics::histogram!("kopir_graphql_operation_duration_seconds", "operation" => operation)
        .record(elapsed.as_secs_f64());
}

/// Counts one error by its `extensions.code`.
pub fn count_error(code: &str) {
    metrics::counter!("kopir_graphql_errors_total", "code" => code.to_owned()).increment(1);
}
