//! The `kopir` binary: parse the command line and dispatch.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match kopir::cli::run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
