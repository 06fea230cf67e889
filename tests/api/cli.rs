//! The `kopir` binary itself: the README's first command in an empty directory, the admin
//! bootstrap, and the start-up checks.

use std::{
    io::Write as _,
    path::Path,
    process::{Child, Command, Stdio},
    time::Duration,
};

use serde_json::{Value, json};

use crate::browser::dump_dom;

/// `kopir` with no inherited settings, run in `dir`.
fn kopir(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kopir"));
    command.current_dir(dir).env_remove("DATABASE_URL");
    for (key, _) in std::env::vars() {
        if key.starts_with("KOPIR_") {
            command.env_remove(key);
        }
    }
    command
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Kills the server when the test ends, pass or fail.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn start(dir: &Path) -> (Server, String) {
    start_with(dir, &[]).await
}

async fn start_with(dir: &Path, extra: &[&str]) -> (Server, String) {
    start_with_env(dir, extra, &[]).await
}

async fn start_with_env(dir: &Path, extra: &[&str], env: &[(&str, &str)]) -> (Server, String) {
    let port = free_port();
    let child = kopir(dir)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .args(extra)
        .envs(env.iter().copied())
        .stderr(Stdio::null())
        .spawn()
        .expect("kopir serve starts");
    let server = Server(child);
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..200 {
        if reqwest::get(format!("{base}/healthz")).await.is_ok() {
            return (server, base);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("kopir serve did not answer on {base}");
}

async fn post(base: &str, token: Option<&str>, query: &str) -> Value {
    let mut request = reqwest::Client::new()
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": query }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON")
}

#[tokio::test]
async fn serve_in_an_empty_directory_creates_migrates_and_answers() {
    let dir = tempfile::tempdir().expect("temporary directory");

    let mut admin = kopir(dir.path())
        .args(["create-admin", "--email", "admin@kopir.kz"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("create-admin starts");
    admin
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"an admin password\n")
        .expect("password");
    let output = admin.wait_with_output().expect("create-admin finishes");
    assert!(output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("platform admin created: admin@kopir.kz")
    );

    let (server, base) = start(dir.path()).await;
    let regions = post(&base, None, "{ regions { code name { kk ru en } } }").await;
    let regions = regions["data"]["regions"].as_array().expect("regions");
    assert_eq!(regions.len(), 20);
    assert_eq!(
        regions[19],
        json!({ "code": "KZ-79", "name": { "kk": "Шымкент қаласы", "ru": "город Шымкент", "en": "Shymkent" } })
    );
    assert!(dir.path().join("kopir.db").exists());
    assert!(dir.path().join("kopir.db.jwt-key").exists());

    let login = post(&base, None, "mutation { login(input: { email: \"admin@kopir.kz\", password: \"an admin password\" }) { accessToken user { isPlatformAdmin } } }").await;
    assert_eq!(
        login["data"]["login"]["user"]["isPlatformAdmin"], true,
        "{login:#}"
    );
    let token = login["data"]["login"]["accessToken"]
        .as_str()
        .expect("token")
        .to_owned();
    drop(server);

    // Restarted on the same directory, the kept key still accepts the token issued before.
    let (_server, base) = start(dir.path()).await;
    let me = post(&base, Some(&token), "{ me { email } }").await;
    assert_eq!(me["data"]["me"]["email"], "admin@kopir.kz", "{me:#}");
}

#[test]
fn short_secrets_and_keyless_postgres_are_refused_at_start_up() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let short = kopir(dir.path())
        .args(["serve"])
        .env("KOPIR_JWT_SECRET", "only-31-bytes-long-0123456789ab")
        .output()
        .expect("kopir runs");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 32 bytes"));

    let postgres = kopir(dir.path())
        .args([
            "serve",
            "--database-url",
            "postgres://nobody@127.0.0.1:1/none",
        ])
        .output()
        .expect("kopir runs");
    assert!(!postgres.status.success());
    assert!(String::from_utf8_lossy(&postgres.stderr).contains("no JWT secret configured"));
    assert!(!dir.path().join("kopir.db").exists(), "nothing was created");
}

#[test]
fn export_schema_check_passes_on_the_committed_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let check = kopir(root)
        .args(["export-schema", "--check"])
        .output()
        .expect("kopir runs");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(dir.path().join("schema.graphql"), "type Stale { x: Int }").expect("write");
    let stale = kopir(dir.path())
        .args(["export-schema", "--check"])
        .output()
        .expect("kopir runs");
    assert!(!stale.status.success());
    assert!(String::from_utf8_lossy(&stale.stderr).contains("out of date"));
}

fn sigterm(server: &Server) {
    let status = Command::new("kill")
        .args(["-TERM", &server.0.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// Waits up to `bound` for the server to exit and returns its status.
async fn exit_within(server: &mut Server, bound: Duration) -> std::process::ExitStatus {
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = server.0.try_wait().expect("wait") {
            return status;
        }
        assert!(
            started.elapsed() < bound,
            "kopir still running {bound:?} after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

const LOGIN: &str = "mutation { login(input: { email: \"drain@kopir.kz\", password: \"correct horse battery\" }) { accessToken } }";

async fn register_drain_user(base: &str) {
    let reply = post(base, None, "mutation { register(input: { email: \"drain@kopir.kz\", password: \"correct horse battery\", displayName: \"D\" }) { accessToken } }").await;
    assert!(
        reply["data"]["register"]["accessToken"].is_string(),
        "{reply:#}"
    );
}

/// 24 requests are in flight when SIGTERM arrives: every one completes, readiness is withdrawn
/// at once, and the process exits 0 promptly. The test holds the SQLite write lock itself, so
/// each login (which writes a refresh token) waits inside the server until after the signal:
/// in flight for certain, not by luck of timing.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_drains_in_flight_requests_and_exits_cleanly() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let (mut server, base) = start(dir.path()).await;
    register_drain_user(&base).await;
    let ready_client = reqwest::Client::new();
    let ready = ready_client
        .get(format!("{base}/readyz"))
        .send()
        .await
        .expect("readyz");
    assert_eq!(ready.status(), reqwest::StatusCode::OK);

    let db_url = format!("sqlite://{}", dir.path().join("kopir.db").display());
    let db = kopir::db::connect(&db_url, 1)
        .await
        .expect("the service's database");
    let lock = kopir::db::begin_write(&db).await.expect("write lock");

    // Fewer than the password-hashing queue holds on two cores (16 per core, plus one running
    // on each), so none is refused as busy.
    let requests: Vec<_> = (0..24)
        .map(|_| {
            let base = base.clone();
            tokio::spawn(async move { post(&base, None, LOGIN).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1000)).await;
    sigterm(&server);

    // Readiness is withdrawn at once (503 on a kept-alive connection, or no connection).
    let after = ready_client.get(format!("{base}/readyz")).send().await;
    assert!(
        after.map_or(true, |r| r.status() != reqwest::StatusCode::OK),
        "still ready after SIGTERM"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        requests.iter().all(|r| !r.is_finished()),
        "a request finished while the lock was held"
    );
    lock.rollback().await.expect("release the lock");

    for request in requests {
        let reply = request.await.expect("request task");
        assert!(
            reply["data"]["login"]["accessToken"].is_string(),
            "{reply:#}"
        );
    }
    let status = exit_within(&mut server, Duration::from_secs(10)).await;
    assert!(status.success(), "{status:?}");
}

/// A WebSocket connection open at SIGTERM is closed with 1001 (going away), which
/// `graphql-ws` clients take as a cue to reconnect (to another replica), and the process still
/// exits promptly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_closes_websockets_with_going_away() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let (mut server, base) = start(dir.path()).await;
    let mut ws = crate::realtime::Ws::open_at(&base).await;
    ws.init(None).await;
    let ack = ws
        .message(Duration::from_secs(5))
        .await
        .expect("an answer to connection_init");
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    sigterm(&server);
    assert_eq!(ws.close_code(Duration::from_secs(5)).await, Some(1001));
    let status = exit_within(&mut server, Duration::from_secs(10)).await;
    assert!(status.success(), "{status:?}");
}

/// The grace period bounds shutdown: with none, kopir exits promptly even with work queued.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn shutdown_does_not_wait_past_the_grace_period() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let (mut server, base) = start_with(dir.path(), &["--shutdown-grace-secs", "0"]).await;
    register_drain_user(&base).await;
    let requests: Vec<_> = (0..200)
        .map(|_| {
            let base = base.clone();
            tokio::spawn(async move {
                reqwest::Client::new()
                    .post(format!("{base}/graphql"))
                    .json(&json!({ "query": LOGIN }))
                    .send()
                    .await
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(100)).await;
    sigterm(&server);
    let status = exit_within(&mut server, Duration::from_secs(2)).await;
    assert!(status.success(), "{status:?}");
    let mut cut_off = 0;
    for request in requests {
        if request.await.expect("task").is_err() {
            cut_off += 1;
        }
    }
    assert!(
        cut_off > 0,
        "every request finished; the grace bound was not exercised"
    );
}

/// Kills kopir with SIGKILL in the middle of a write storm and restarts it on the same
/// database: every acknowledged write is there, none is half-written (each organisation has
/// exactly the one admin membership written in its transaction), and `check` passes.
async fn crash_during_write_storm(
    dir: &Path,
    extra: &[&str],
    env: &[(&str, &str)],
    database_url: &str,
) {
    use std::sync::{Arc, Mutex};
    const CREATE: &str = "mutation($bin: String!) { createOrganization(input: { kind: ENTERPRISE, name: { en: \"Crash\" }, bin: $bin, regionCode: \"KZ-75\" }) { organization { bin } } }";
    let (mut server, base) = start_with_env(dir, extra, env).await;
    let reply = post(&base, None, "mutation { register(input: { email: \"crash@kopir.kz\", password: \"correct horse battery\", displayName: \"C\" }) { accessToken } }").await;
    let token = reply["data"]["register"]["accessToken"]
        .as_str()
        .expect("token")
        .to_owned();

    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let all_bins = crate::helpers::bins(8000);
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let bins: Vec<String> = all_bins.iter().skip(w).step_by(4).cloned().collect();
            let (base, token, acknowledged) = (base.clone(), token.clone(), acknowledged.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                for bin in bins {
                    let sent = client
                        .post(format!("{base}/graphql"))
                        .bearer_auth(&token)
                        .json(&json!({ "query": CREATE, "variables": { "bin": bin } }))
                        .send()
                        .await;
                    let Ok(response) = sent else { return };
                    let Ok(body) = response.json::<Value>().await else {
                        return;
                    };
                    if body["data"]["createOrganization"]["organization"]["bin"] == json!(bin) {
                        acknowledged.lock().expect("lock").push(bin);
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.0.kill().expect("SIGKILL");
    server.0.wait().expect("reaped");
    for writer in writers {
        writer.await.expect("writer");
    }
    let acknowledged = acknowledged.lock().expect("lock").clone();
    assert!(
        acknowledged.len() > 20,
        "only {} writes before the crash",
        acknowledged.len()
    );

    // Restarting runs crash recovery; the service answers again.
    let (_server, base) = start_with_env(dir, extra, env).await;
    let regions = post(&base, None, "{ regions { code } }").await;
    assert_eq!(
        regions["data"]["regions"].as_array().map(Vec::len),
        Some(20)
    );

    use sea_orm::ConnectionTrait as _;
    let db = kopir::db::connect(database_url, 1).await.expect("database");
    crate::helpers::assert_all_stored(&db, &acknowledged).await;
    let half_written = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) FROM organization o WHERE (SELECT COUNT(*) FROM membership m WHERE m.organization_id = o.id AND m.role = 'ADMIN') <> 1".to_owned(),
        ))
        .await
        .expect("query")
        .expect("row")
        .try_get_by_index::<i64>(0)
        .expect("count");
    assert_eq!(
        half_written, 0,
        "organisations without exactly one admin membership"
    );
    if db.get_database_backend() == sea_orm::DbBackend::Sqlite {
        let check = db
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Sqlite,
                "PRAGMA integrity_check".to_owned(),
            ))
            .await
            .expect("integrity_check")
            .expect("row")
            .try_get_by_index::<String>(0)
            .expect("text");
        assert_eq!(check, "ok");
    }
    eprintln!(
        "crash test: {} acknowledged writes, all present",
        acknowledged.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_crash_during_a_write_storm_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite://{}", dir.path().join("kopir.db").display());
    crash_during_write_storm(dir.path(), &[], &[], &url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_crash_during_a_write_storm_loses_nothing_acknowledged() {
    let Some(crate::helpers::Backend::Postgres(base_url)) =
        crate::helpers::Backend::postgres("crash_during_a_write_storm_loses_nothing_acknowledged")
    else {
        return;
    };
    let database = crate::helpers::PgDatabase::create(&base_url, "kopir_crash").await;
    let url = database.url.clone();
    let dir = tempfile::tempdir().expect("temporary directory");
    let secret = crate::helpers::JWT_SECRET;
    crash_during_write_storm(
        dir.path(),
        &["--database-url", &url],
        &[("KOPIR_JWT_SECRET", secret)],
        &url,
    )
    .await;
    database.drop_now().await;
}

/// In development mode a browser opening `/graphql` gets GraphiQL from assets inside the
/// binary: headless Chromium renders it, and the page fetches the schema from the API. In
/// production mode neither the page nor its assets are served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphiql_renders_in_a_browser_in_development_mode_only() {
    let Some(chromium) = crate::browser::chromium() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temporary directory");
    let (_server, base) = start_with(dir.path(), &["--dev"]).await;
    let dom = dump_dom(chromium, format!("{base}/graphql"), true).await;
    assert!(
        dom.contains("graphiql-container"),
        "GraphiQL did not render:\n{}",
        &dom[..dom.len().min(2000)]
    );
    assert!(
        dom.contains("Kopir. Paste"),
        "the page's own default query is missing"
    );
    let metrics = reqwest::get(format!("{base}/metrics"))
        .await
        .expect("GET")
        .text()
        .await
        .expect("text");
    assert!(
        metrics.contains(
            "kopir_graphql_operations_total{operation=\"IntrospectionQuery\",outcome=\"ok\"}"
        ),
        "the page never fetched the schema:\n{metrics}"
    );

    let production_dir = tempfile::tempdir().expect("temporary directory");
    let (_production, base) = start(production_dir.path()).await;
    let client = reqwest::Client::new();
    let page = client
        .get(format!("{base}/graphql"))
        .header("accept", "text/html")
        .send()
        .await
        .expect("GET");
    // Not the page: a GraphQL response saying what is wrong with the (missing) query.
    let body: Value = page.json().await.expect("a GraphQL response, not HTML");
    assert!(
        body["errors"][0]["extensions"]["code"].is_string(),
        "{body}"
    );
    let asset = client
        .get(format!("{base}/graphiql/graphiql.min.js"))
        .send()
        .await
        .expect("GET");
    assert_eq!(asset.status(), reqwest::StatusCode::NOT_FOUND);
}

/// The README's "Try it" section, run as written: its first block must be the `serve --demo`
/// command (started here on a free port), and every later block runs in one shell against
/// it, with `cargo run --` standing for the built binary. Each block's answers are checked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_try_it_commands_run() {
    let readme = include_str!("../../README.md");
    let section = readme
        .split("## Try it")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("a Try it section");
    let blocks: Vec<&str> = section
        .split("```sh\n")
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .collect();
    assert_eq!(blocks[0].trim(), "cargo run -- serve --demo");
    let dir = tempfile::tempdir().expect("temporary directory");
    let (_server, base) = start_with(dir.path(), &["--demo"]).await;
    let binary = env!("CARGO_BIN_EXE_kopir");
    let script = blocks[1..]
        .iter()
        .map(|b| {
            b.replace("http://127.0.0.1:8080", &base)
                .replace("cargo run --", binary)
        })
        .collect::<Vec<_>>()
        .join("\necho\n");
    let mut bash = Command::new("bash");
    bash.args(["-euo", "pipefail", "-c", &script])
        .current_dir(dir.path())
        .env_remove("DATABASE_URL");
    for (key, _) in std::env::vars() {
        if key.starts_with("KOPIR_") {
            bash.env_remove(key);
        }
    }
    let run = bash.output().expect("bash runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "the README's commands failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    for expected in [
        "\"code\":\"KZ-71\"",
        // The enterprise's first need is answered first by the capability written for it.
        "Гидрокрекинг катализаторларын әзірлеу және пилоттық сынау",
        "\"postCapability\":{\"capability\":{\"id\":",
        "platform admin created: admin@example.kz",
    ] {
        assert!(stdout.contains(expected), "no {expected:?} in:\n{stdout}");
    }
    assert!(!stdout.contains("\"errors\""), "{stdout}");
}
