//! The `kopir` binary itself: the README's first command in an empty directory, the admin
//! bootstrap, and the start-up checks.

use std::{
    io::Write as _,
    path::Path,
    process::{Child, Command, Stdio},
    time::Duration,
};

use serde_json::{Value, json};

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
    let port = free_port();
    let child = kopir(dir)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
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
