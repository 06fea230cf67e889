//! What load balancers and monitoring ask: `/readyz` and `/metrics` (`/healthz` is a constant).

use std::{sync::atomic::Ordering, time::Duration};

use axum::{
    extract::State,
    http::{StatusCode, header},
    response::IntoResponse,
};
use migration::{Migrator, MigratorTrait as _};

use super::AppState;
use crate::telemetry;

/// Prometheus text exposition.
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        telemetry::render(&state.app.services.db),
    )
}

/// Ready when the database answers, its schema is current (a replica must not take traffic
/// against a database an older or newer release migrated) and the start-up build of the
/// matching index has ended (matching requests would wait for it).
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if state.shutting_down.load(Ordering::SeqCst) {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down");
    }
    if !state.app.db_health.is_available() {
        return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable");
    }
    if state.app.services.matcher.is_building() {
        return (StatusCode::SERVICE_UNAVAILABLE, "matching index building");
    }
    let check = async {
        let pending = Migrator::get_pending_migrations(&state.app.services.db).await?;
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
