//! Serving until told to stop: SIGTERM or Ctrl-C turns `/readyz` off at once, stops accepting,
//! closes WebSocket connections with 1001 (going away) and lets in-flight requests finish within
//! a grace period.

use std::{net::SocketAddr, sync::atomic::Ordering, time::Duration};

use anyhow::Context as _;

use super::{AppState, router};

/// Serves `state` on `listener` until SIGTERM or Ctrl-C. Then `/readyz` turns 503 at once,
/// the listener stops accepting, WebSocket connections are closed with 1001 (so their clients
/// reconnect elsewhere), and in-flight requests finish; after `grace` the process stops
/// waiting, so a stuck request cannot hold a deployment hostage.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    grace: Duration,
) -> anyhow::Result<()> {
    let shutting_down = state.shutting_down.clone();
    let sockets = state.connections.clone();
    let (begun, mut begun_rx) = tokio::sync::watch::channel(false);
    let signal = {
        let sockets = sockets.clone();
        async move {
            shutdown_signal().await;
            shutting_down.store(true, Ordering::SeqCst);
            // Upgraded connections are no longer the HTTP server's: they are told apart.
            sockets.close_all();
            let _ = begun.send(true);
        }
    };
    let app = state.app.clone();
    let housekeeping = tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(60));
        loop {
            every.tick().await;
            app.rate_limits.forget_idle();
        }
    });
    let server = async move {
        axum::serve(
            listener,
            router(state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(signal)
        .await?;
        sockets.closed().await;
        Ok::<_, std::io::Error>(())
    };
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
