//! The `kopir` command line: `serve`, `migrate`, `export-schema` and `create-admin`.

use std::{
    io::BufRead as _,
    path::{Path, PathBuf},
};

use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use crate::{
    app::{self, AppState},
    config::{self, Layer},
    db,
    domain::{accounts, demo, import},
    graphql::{self, Mode},
};

/// Kopir: the science–business matchmaking API for Kazakhstan's science cities.
#[derive(Debug, Parser)]
#[command(name = "kopir", version, about)]
pub struct Cli {
    /// TOML file with settings (same names as the flags, in snake_case).
    #[arg(long, global = true, env = "KOPIR_CONFIG")]
    config: Option<PathBuf>,
    #[command(flatten)]
    settings: Layer,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Migrate the database and serve the API (SQLite file `kopir.db` by default).
    Serve {
        /// Seed the demo world first, unless the database holds it already.
        #[arg(long)]
        demo: bool,
    },
    /// Seed the demo world: science cities, universities, R&D sites, enterprises, needs and
    /// capabilities, a session, deals and demo accounts (README, "Try it"). A database that
    /// holds it already gets nothing more.
    SeedDemo,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Write the GraphQL schema (SDL) to a file, or check that the file is current.
    ExportSchema {
        /// Where to write; `-` for standard output.
        #[arg(long, default_value = "schema.graphql")]
        path: PathBuf,
        /// Fail instead of writing if the file differs from the code's schema.
        #[arg(long)]
        check: bool,
    },
    /// Import organisations and portfolio items from JSON Lines or CSV files (by extension;
    /// formats in the README).
    /// Every row is checked first; any bad row is reported with its file and line, and then
    /// nothing is written. Rows are keyed by `source` + `externalId`: importing the same files
    /// again changes nothing.
    Import {
        /// Organisations: JSON Lines, or CSV if the name ends in `.csv`.
        #[arg(long)]
        organizations: Option<PathBuf>,
        /// Portfolio items: JSON Lines, or CSV if the name ends in `.csv`; participants refer to
        /// organisations by `source` + `externalId`.
        #[arg(long)]
        portfolio: Option<PathBuf>,
    },
    /// Create the first platform admin (or promote an existing account) without a running
    /// server. The password is read from `KOPIR_ADMIN_PASSWORD`, else from the first line of
    /// standard input.
    CreateAdmin {
        /// The admin's e-mail.
        #[arg(long)]
        email: String,
        /// The admin's display name.
        #[arg(long, default_value = "Platform administrator")]
        display_name: String,
    },
}

/// Parses the command line and runs the command.
pub async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_tracing();
    let settings = || config::load(cli.settings.clone(), cli.config.as_ref());
    match cli.command {
        Command::Serve { demo } => serve(settings()?, demo).await,
        Command::SeedDemo => {
            let app = app::build(&settings()?).await?;
            seed_demo(&app.services).await
        }
        Command::Migrate => {
            let settings = settings()?;
            let db = db::connect(&settings.database_url, 1).await?;
            db::migrate(&db).await?;
            tracing::info!(database = %db::redact(&settings.database_url), "migrations applied");
            Ok(())
        }
        Command::ExportSchema { path, check } => export_schema(&path, check),
        Command::Import {
            organizations,
            portfolio,
        } => import(&settings()?, organizations.as_deref(), portfolio.as_deref()).await,
        Command::CreateAdmin {
            email,
            display_name,
        } => {
            let settings = settings()?;
            let password = match std::env::var("KOPIR_ADMIN_PASSWORD") {
                Ok(p) if !p.is_empty() => p,
                _ => {
                    let mut line = String::new();
                    std::io::stdin()
                        .lock()
                        .read_line(&mut line)
                        .context("cannot read the password")?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            let db = db::connect(&settings.database_url, 1).await?;
            db::migrate(&db).await?;
            let (user, created) = accounts::bootstrap_admin(&db, &email, password, &display_name)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let verb = if created {
                "created"
            } else {
                "promoted existing account"
            };
            println!(
                "platform admin {verb}: {} (user id {})",
                user.email, user.id
            );
            Ok(())
        }
    }
}

/// Seeds the demo world and says what happened.
async fn seed_demo(services: &crate::domain::Services) -> anyhow::Result<()> {
    match demo::seed(services)
        .await
        .map_err(|e| anyhow::anyhow!("seeding the demo world failed: {e}"))?
    {
        demo::Seeded::Written { organizations } => println!(
            "demo world seeded: {organizations} organisations; sign in as {} (password {})",
            demo::ACCOUNTS
                .iter()
                .map(|(email, _)| *email)
                .collect::<Vec<_>>()
                .join(", "),
            demo::PASSWORD
        ),
        demo::Seeded::AlreadyThere => println!("the demo world is already there; nothing added"),
    }
    Ok(())
}

async fn serve(settings: app::Settings, demo: bool) -> anyhow::Result<()> {
    let app = app::build(&settings).await?;
    if demo {
        seed_demo(&app.services).await?;
    }
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    tracing::info!(
        address = %settings.listen,
        database = %db::redact(&settings.database_url),
        "kopir is serving GraphQL at http://{}/graphql",
        settings.listen
    );
    let mode = if settings.dev {
        Mode::Development
    } else {
        Mode::Production
    };
    if settings.dev {
        tracing::warn!("development mode: introspection and suggestions are on");
    }
    app::serve(listener, AppState::new(app, mode), settings.shutdown_grace).await
}

/// Reads an import file (JSON Lines, or CSV by its extension), if one is given.
fn read_file<T: serde::de::DeserializeOwned + import::files::FromCsv>(
    path: Option<&Path>,
    problems: &mut Vec<import::Problem>,
) -> anyhow::Result<Vec<import::Line<T>>> {
    match path {
        Some(path) => import::files::read(path, problems)
            .with_context(|| format!("cannot read {}", path.display())),
        None => Ok(Vec::new()),
    }
}

async fn import(
    settings: &app::Settings,
    organizations: Option<&Path>,
    portfolio: Option<&Path>,
) -> anyhow::Result<()> {
    if organizations.is_none() && portfolio.is_none() {
        bail!("nothing to import: give --organizations and/or --portfolio");
    }
    let started = std::time::Instant::now();
    let mut problems = Vec::new();
    let organizations = read_file(organizations, &mut problems)?;
    let portfolio = read_file(portfolio, &mut problems)?;
    let db = db::connect(&settings.database_url, 1).await?;
    db::migrate(&db).await?;
    // One bar, re-labelled per phase; indicatif draws nothing when stderr is not a terminal.
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{msg:>16} [{bar:40}] {pos}/{len} ({eta} left)")
            .context("progress bar template")?
            .progress_chars("=> "),
    );
    let progress = |what: &str, done: usize, of: usize| {
        if bar.message() != what {
            bar.set_message(what.to_owned());
            bar.reset();
        }
        bar.set_length(of as u64);
        bar.set_position(done as u64);
    };
    let outcome = if problems.is_empty() {
        import::run(&db, organizations, portfolio, &progress).await
    } else {
        Err(import::Refusal::Rows(problems))
    };
    bar.finish_and_clear();
    match outcome {
        Ok(summary) => {
            let import::Summary {
                organizations: o,
                portfolio: p,
                participations,
            } = summary;
            println!(
                "imported in {:.1} s: organisations {} created, {} updated, {} unchanged; \
                 portfolio items {} created, {} updated, {} unchanged; {participations} participations written",
                started.elapsed().as_secs_f64(),
                o.created,
                o.updated,
                o.unchanged,
                p.created,
                p.updated,
                p.unchanged,
            );
            Ok(())
        }
        Err(import::Refusal::Rows(problems)) => {
            const SHOWN: usize = 50;
            for problem in problems.iter().take(SHOWN) {
                eprintln!("{problem}");
            }
            if problems.len() > SHOWN {
                eprintln!("… and {} more", problems.len() - SHOWN);
            }
            bail!("{} bad row(s); nothing was imported", problems.len())
        }
        Err(import::Refusal::Failed(err)) => {
            bail!("the import failed and wrote nothing: {err:?}")
        }
    }
}

fn export_schema(path: &PathBuf, check: bool) -> anyhow::Result<()> {
    let sdl = graphql::sdl();
    if path.as_os_str() == "-" {
        print!("{sdl}");
        return Ok(());
    }
    if check {
        let current = std::fs::read_to_string(path).unwrap_or_default();
        if current != sdl {
            bail!(
                "{} is out of date with the code; run `kopir export-schema` and commit it",
                path.display()
            );
        }
        println!("{} is up to date", path.display());
        return Ok(());
    }
    std::fs::write(path, sdl).with_context(|| format!("cannot write {}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(())
}

/// Logs to stderr; `RUST_LOG` filters (default `info`), `KOPIR_LOG_FORMAT=json` gives one JSON
/// object per line for log collectors.
fn init_tracing() {
    use tracing_subscriber::{EnvFilter, fmt};
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if std::env::var("KOPIR_LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder.json().init();
    } else {
        builder.init();
    }
}
