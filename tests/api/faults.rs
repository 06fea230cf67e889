//! Faults: a panicking resolver and an unreachable database are answered with a code and no
//! internals, and the service recovers without a restart.

use std::time::{Duration, Instant};

use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema};
use axum::{Router, routing::post};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Backend, PgDatabase, TestApp};

struct Panicky;

#[Object]
impl Panicky {
    /// Panics with text that must never reach a client.
    async fn boom(&self) -> i32 {
        "not a number"
            .parse::<i32>()
            .expect("secret at /etc/kopir/key, SELECT * FROM user_account")
    }

    /// Works.
    async fn fine(&self) -> i32 {
        7
    }
}

/// A resolver panic, served under the production layer stack, becomes a 500 `INTERNAL` with no
/// panic text; the same connection then serves the next request.
#[tokio::test]
async fn a_panicking_resolver_gives_internal_and_the_service_carries_on() {
    let schema = Schema::new(Panicky, EmptyMutation, EmptySubscription);
    let routes = Router::new().route(
        "/graphql",
        post(move |request: async_graphql_axum::GraphQLRequest| {
            let schema = schema.clone();
            async move {
                async_graphql_axum::GraphQLResponse::from(
                    schema.execute(request.into_inner()).await,
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/graphql", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, kopir::app::layers(routes)).await });
    let client = reqwest::Client::new();

    let boom = client
        .post(&url)
        .json(&json!({ "query": "{ boom }" }))
        .send()
        .await
        .expect("POST");
    assert_eq!(boom.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let text = boom.text().await.expect("body");
    let body: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(body["errors"][0]["extensions"]["code"], "INTERNAL");
    for leak in ["secret", "/etc", "SELECT", "panicked"] {
        assert!(!text.contains(leak), "{leak} leaked: {text}");
    }
    let fine = client
        .post(&url)
        .json(&json!({ "query": "{ fine }" }))
        .send()
        .await
        .expect("POST");
    assert_eq!(fine.json::<Value>().await.expect("JSON")["data"]["fine"], 7);
}

/// PostgreSQL closes the service's database to connections and drops every session: requests
/// fail fast with `DB_UNAVAILABLE` and no internals, `/readyz` turns 503; once the database
/// reopens, both recover without a restart and the writes made before are all there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_outage_answers_db_unavailable_and_recovers() {
    let Some(Backend::Postgres(base_url)) =
        Backend::postgres("outage_answers_db_unavailable_and_recovers")
    else {
        return;
    };
    let database = PgDatabase::create(&base_url, "kopir_outage").await;
    let app = TestApp::spawn(Backend::Postgres(database.url.clone())).await;

    for n in 0..5 {
        app.register(&format!("before{n}@example.kz")).await;
    }
    database
        .admin(&format!(
            "ALTER DATABASE {} ALLOW_CONNECTIONS false",
            database.name
        ))
        .await;
    database
        .admin(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{}'",
            database.name
        ))
        .await;

    let started = Instant::now();
    let reply = app
        .login("before0@example.kz", "correct horse battery")
        .await;
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(reply.error_code(), "DB_UNAVAILABLE", "{:#}", reply.body);
    let text = reply.body.to_string();
    for leak in [
        "SELECT",
        "127.0.0.1",
        "5432",
        database.name.as_str(),
        "sqlx",
        "postgres",
    ] {
        assert!(!text.contains(leak), "{leak} leaked: {text}");
    }
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);

    database
        .admin(&format!(
            "ALTER DATABASE {} ALLOW_CONNECTIONS true",
            database.name
        ))
        .await;
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), StatusCode::OK);
    let reply = app
        .login("before4@example.kz", "correct horse battery")
        .await;
    reply.data("/login/accessToken");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM user_account WHERE email LIKE 'before%'")
            .await,
        5
    );

    drop(app);
    database.drop_now().await;
}

/// A throwaway PostgreSQL cluster of the test's own, so it can be stopped and killed without
/// touching the machine's server. Signals go to the postmaster and each of its children: every
/// PostgreSQL child process starts its own session, so a process-group signal would miss the
/// backends.
struct Cluster {
    dir: tempfile::TempDir,
    port: u16,
    postmaster: Option<std::process::Child>,
}

const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

impl Cluster {
    /// A new cluster, or `None` (with a notice) where PostgreSQL's server binaries are missing.
    fn init() -> Option<Cluster> {
        if !std::path::Path::new(PG_BIN).join("initdb").exists() {
            assert!(
                std::env::var("KOPIR_REQUIRE_POSTGRES").is_err(),
                "KOPIR_REQUIRE_POSTGRES is set but {PG_BIN}/initdb is missing"
            );
            eprintln!("SKIPPED postgres fault test: no PostgreSQL server binaries in {PG_BIN}");
            return None;
        }
        let dir = tempfile::tempdir().expect("temporary directory");
        run(
            "chown",
            &["-R", "postgres:postgres", &dir.path().display().to_string()],
        );
        let data = dir.path().join("data").display().to_string();
        let status = as_postgres(&format!("{PG_BIN}/initdb"))
            .args(["-D", &data, "-A", "trust", "-U", "postgres", "--no-sync"])
            .stdout(std::process::Stdio::null())
            .status()
            .expect("initdb runs");
        assert!(status.success(), "initdb failed");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("port")
            .port();
        Some(Cluster {
            dir,
            port,
            postmaster: None,
        })
    }

    fn start(&mut self) {
        let data = self.dir.path().join("data").display().to_string();
        let socket = self.dir.path().display().to_string();
        let child = as_postgres(&format!("{PG_BIN}/postgres"))
            .args(["-D", &data, "-p", &self.port.to_string(), "-k", &socket])
            .args([
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "max_connections=60",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("postgres starts");
        self.postmaster = Some(child);
        for _ in 0..300 {
            let ready = std::process::Command::new(format!("{PG_BIN}/pg_isready"))
                .args(["-q", "-h", "127.0.0.1", "-p", &self.port.to_string()])
                .status()
                .is_ok_and(|s| s.success());
            if ready {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the test cluster did not start");
    }

    /// Sends `signal` to the postmaster's children, then to the postmaster.
    fn signal(&self, signal: &str) {
        if let Some(postmaster) = &self.postmaster {
            let pid = postmaster.id().to_string();
            let _ = std::process::Command::new("pkill")
                .args([&format!("-{signal}"), "-P", &pid])
                .status();
            let _ = std::process::Command::new("kill")
                .args([&format!("-{signal}"), &pid])
                .status();
        }
    }

    /// Kills the cluster and reaps the postmaster.
    fn kill(&mut self) {
        self.signal("KILL");
        if let Some(mut postmaster) = self.postmaster.take() {
            let _ = postmaster.kill();
            let _ = postmaster.wait();
        }
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.signal("CONT");
        self.kill();
    }
}

/// `program`, run as the `postgres` user (PostgreSQL refuses to run as root). Started directly
/// rather than through `runuser`, which job control would stop along with its child.
fn as_postgres(program: &str) -> std::process::Command {
    use std::os::unix::process::CommandExt as _;
    let id = |flag: &str| -> u32 {
        let out = std::process::Command::new("id")
            .args([flag, "postgres"])
            .output()
            .expect("id runs");
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("the postgres user exists")
    };
    let mut command = std::process::Command::new(program);
    command.uid(id("-u")).gid(id("-g")).env("HOME", "/tmp");
    command
}

fn run(program: &str, args: &[&str]) {
    let status = std::process::Command::new(program)
        .args(args)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(status.success(), "{program} {args:?} failed");
}

/// PostgreSQL stops answering mid-load (SIGSTOP), then dies (SIGKILL) and is restarted: requests
/// fail fast with `DB_UNAVAILABLE` and nothing else, `/readyz` turns 503 and back to 200 without
/// restarting Kopir, and every write acknowledged before the fault is still there.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_stopped_then_killed_mid_load() {
    use std::sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    };
    let Some(mut cluster) = Cluster::init() else {
        return;
    };
    cluster.start();
    let app = TestApp::spawn(Backend::Postgres(cluster.url())).await;
    let token = app.register("writer@example.kz").await;

    // Four writers register organisations until told to stop, keeping every acknowledged BIN.
    const CREATE: &str = "mutation($bin: String!) { createOrganization(input: { kind: ENTERPRISE, name: { en: \"Storm\" }, bin: $bin, regionCode: \"KZ-75\" }) { organization { bin } } }";
    let all_bins = crate::helpers::bins(4000);
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let other_errors = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..4 {
        let bins: Vec<String> = all_bins.iter().skip(w).step_by(4).cloned().collect();
        let (app_client, base, token) = (app.client.clone(), app.base.clone(), token.clone());
        let (acknowledged, other_errors, stop) =
            (acknowledged.clone(), other_errors.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            for bin in bins {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let started = Instant::now();
                let response = app_client
                    .post(format!("{base}/graphql"))
                    .bearer_auth(&token)
                    .json(&json!({ "query": CREATE, "variables": { "bin": bin } }))
                    .send()
                    .await
                    .expect("the service answers");
                let elapsed = started.elapsed();
                let body: Value = response.json().await.expect("JSON");
                match body["errors"][0]["extensions"]["code"].as_str() {
                    None => acknowledged.lock().expect("lock").push(bin),
                    Some("DB_UNAVAILABLE") if elapsed < Duration::from_secs(5) => {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                    _ => other_errors
                        .lock()
                        .expect("lock")
                        .push(format!("after {elapsed:?}: {body}")),
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    let before_fault = acknowledged.lock().expect("lock").len();
    assert!(before_fault > 0, "no write succeeded before the fault");

    cluster.signal("STOP");
    let stopped_at = Instant::now();
    let readyz = format!("{}/readyz", app.base);
    let mut unready_after = None;
    while stopped_at.elapsed() < Duration::from_secs(6) {
        let status = app.client.get(&readyz).send().await.expect("GET").status();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            unready_after = Some(stopped_at.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let unready_after =
        unready_after.expect("/readyz never turned 503 while the database was stopped");
    assert!(unready_after < Duration::from_secs(5), "{unready_after:?}");
    let started = Instant::now();
    let reply = app.gql(Some(&token), "{ me { email } }", json!({})).await;
    assert_eq!(reply.error_code(), "DB_UNAVAILABLE");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "not fast: {:?}",
        started.elapsed()
    );
    tokio::time::sleep(Duration::from_secs(2)).await;

    cluster.kill();
    tokio::time::sleep(Duration::from_millis(500)).await;
    cluster.start();
    let restarted_at = Instant::now();
    loop {
        let status = app.client.get(&readyz).send().await.expect("GET").status();
        if status == StatusCode::OK {
            break;
        }
        assert!(
            restarted_at.elapsed() < Duration::from_secs(15),
            "/readyz did not recover"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stop.store(true, Ordering::SeqCst);
    for writer in writers {
        writer.await.expect("writer");
    }
    let other_errors = other_errors.lock().expect("lock").clone();
    assert!(
        other_errors.is_empty(),
        "errors other than a prompt DB_UNAVAILABLE: {other_errors:#?}"
    );
    let acknowledged = acknowledged.lock().expect("lock").clone();
    assert!(
        acknowledged.len() > before_fault,
        "no write succeeded after the restart"
    );

    crate::helpers::assert_all_stored(&app.db, &acknowledged).await;
    eprintln!(
        "fault test: {} writes acknowledged ({before_fault} before the fault), /readyz 503 after {unready_after:?}, recovered {:?} after restart",
        acknowledged.len(),
        restarted_at.elapsed()
    );
}
