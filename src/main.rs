//! The `kopir` binary: parse the command line and dispatch.

use std::{process::ExitCode, time::Duration};

fn main() -> ExitCode {
    #[expect(
        clippy::expect_used,
        reason = "start-up: without a runtime there is nothing to run"
    )]
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("cannot start the tokio runtime");
    let result = runtime.block_on(kopir::cli::run());
    // Dropping a runtime waits for every blocking task, and abandoned requests may have queued
    // password hashes; after the shutdown grace period, do not wait for them.
    runtime.shutdown_timeout(Duration::from_millis(200));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
