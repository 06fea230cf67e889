//! The `kopir` binary: parse the command line and dispatch.

use std::{process::ExitCode, time::Duration};

/// mimalloc rather than the system allocator: glibc keeps every freed 19 MiB Argon2 block of a
/// password check resident (its mmap threshold rises after the first one), so resident memory
/// grew by ~14 MiB per sign-in and never came back; mimalloc returns such blocks to the system
/// (measured by `benches/load/login_burst.py`, figures in the README).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    // Dropping a runtime waits for every blocking task; after the shutdown grace period, do not
    // wait for them.
    runtime.shutdown_timeout(Duration::from_millis(200));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
