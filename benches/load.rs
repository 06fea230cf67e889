//! The load harness: one command, `cargo bench --bench load`, measures Kopir's HTTP service
//! against a bare axum handler in the same run, on SQLite and PostgreSQL.
//!
//! For each backend it fills a fresh database with generated data
//! (`load/data.rs`: 10,000 organisations by default, with members, needs, capabilities,
//! brokerage sessions with booked meetings, and deals with their history),
//! starts `kopir serve` and a bare axum server (this binary again, `--serve-bare`, answering a
//! fixed 26 KB JSON body) as separate processes, and drives a fixed set of operations with its
//! own load generator: `--connections` keep-alive clients for `--seconds` each, every response
//! checked (a 200 carrying `errors` counts as a failure, not a success). Per operation it
//! prints requests per second, p50/p99 latency, the server's CPU time per request (from
//! `/proc/<pid>/stat`) and each figure as a ratio to the bare handler of the same run.
//!
//! Then the same nested page is asked of graphql-yoga, Apollo Server and Mercurius with
//! graphql-jit (`load/reference/`, pinned npm packages installed by `npm ci`), serving the
//! page's shape from memory, and Kopir's rate is printed as a ratio to each.
//!
//! Options: `--organizations N` (default 10000), `--seconds S` (5), `--connections C` (64),
//! `--only TEXT` (only the operations whose name contains it, beside the bare handler),
//! `--backend sqlite|postgres|both` (both; PostgreSQL at `KOPIR_LOAD_POSTGRES`, default
//! `postgres://postgres@127.0.0.1:5432`, database `kopir_load`, dropped and recreated),
//! `--kopir PATH` (the `kopir` binary to measure; default the one built with this harness).
//!
//! The generator is in the repository rather than `oha` or `wrk` because neither reads the
//! bodies: a GraphQL server answers most failures with 200.

#[path = "common/mod.rs"]
mod common;
#[path = "load/data.rs"]
mod data;

use std::{
    process::{Child, Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use serde_json::{Value, json};

/// What one operation sends.
struct Operation {
    name: &'static str,
    body: Value,
    caller: Caller,
}

/// Who sends an operation.
#[derive(Clone, Copy, PartialEq)]
enum Caller {
    Anonymous,
    /// Every client signed in as the same organisation's admin.
    OneAccount,
    /// Each client signed in as a different organisation's admin, `$id` set to that organisation.
    EachOwnAccount,
}

/// What a run of one operation measured.
struct Figures {
    requests: u64,
    failures: u64,
    seconds: f64,
    p50: Duration,
    p99: Duration,
    cpu_per_request: Duration,
    first_failure: Option<String>,
}

impl Figures {
    fn per_second(&self) -> f64 {
        self.requests as f64 / self.seconds
    }
}

fn option(args: &[String], name: &str, default: &str) -> String {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| default.to_owned())
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    if let Some(port) = args.iter().position(|a| a == "--serve-bare") {
        return runtime.block_on(serve_bare(args[port + 1].parse()?));
    }
    let organizations: usize = option(&args, "--organizations", "10000").parse()?;
    let seconds: u64 = option(&args, "--seconds", "5").parse()?;
    let connections: usize = option(&args, "--connections", "64").parse()?;
    let only = option(&args, "--only", "");
    let backends = match option(&args, "--backend", "both").as_str() {
        "both" => vec!["sqlite", "postgres"],
        one => vec![if one == "sqlite" {
            "sqlite"
        } else {
            "postgres"
        }],
    };
    // `cargo bench` builds the binary with the same optimisations as this harness; another
    // build's binary compares two versions on the same data in one session.
    let kopir = option(&args, "--kopir", env!("CARGO_BIN_EXE_kopir"));
    let references = install_references();
    let work = tempfile::tempdir()?;
    for backend in backends {
        let url = match backend {
            "sqlite" => format!("sqlite://{}/load.db", work.path().display()),
            _ => runtime.block_on(fresh_postgres())?,
        };
        let started = Instant::now();
        runtime.block_on(data::fill(&url, organizations))?;
        println!(
            "\n== {backend}: {organizations} organisations generated in {:.1?}",
            started.elapsed()
        );
        let kopir = Server::start(Kind::Kopir, std::path::Path::new(&kopir), |port| {
            vec![
                "serve".into(),
                "--database-url".into(),
                url.clone(),
                format!("--listen=127.0.0.1:{port}"),
            ]
        })?;
        let bare = Server::start(Kind::Bare, &std::env::current_exe()?, |port| {
            vec!["--serve-bare".into(), port.to_string()]
        })?;
        let rates = runtime.block_on(measure(&kopir, &bare, seconds, connections, &only))?;
        if !NESTED_PAGE_SIGNED_IN.contains(only.as_str()) {
            continue;
        }
        match &references {
            Ok(()) => {
                for (name, script_name) in REFERENCES {
                    let server = Server::start(Kind::Reference, "node".as_ref(), |port| {
                        vec![
                            REFERENCE_SCRIPT.into(),
                            script_name.into(),
                            port.to_string(),
                        ]
                    })?;
                    let figures = runtime.block_on(drive(
                        &server,
                        vec![(None, nested_page()); connections],
                        seconds,
                    ))?;
                    print_row(
                        &format!("{name} [{connections} conn]"),
                        &figures,
                        rates.bare,
                    );
                    if let Some(kopir) = rates.nested_signed_in {
                        println!(
                            "    kopir's signed-in page from {backend} / {name} from memory: {:.2} ×",
                            kopir / figures.per_second()
                        );
                    }
                }
            }
            Err(why) => println!("reference servers skipped: {why}"),
        }
    }
    Ok(())
}

/// What a server under test is, for starting it and for knowing when it is ready.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// `kopir serve`: answers `/healthz` at once and `/readyz` once the matching index is built.
    Kopir,
    /// The bare axum handler: ready when `/healthz` answers.
    Bare,
    /// A Node reference server: ready when `{ __typename }` answers.
    Reference,
}

/// A server process on a free port, stopped when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    /// Starts `program` with `args(port)` on a free port and waits until it is ready.
    fn start(
        kind: Kind,
        program: &std::path::Path,
        args: impl FnOnce(u16) -> Vec<String>,
    ) -> anyhow::Result<Server> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new(program)
            .args(args(port))
            .env(
                "KOPIR_JWT_SECRET",
                "load-harness-secret-load-harness-secret-0123",
            )
            .env("KOPIR_RATE_LIMIT_PER_IP", "100000000")
            .env("KOPIR_RATE_LIMIT_PER_USER", "100000000")
            .env("RUST_LOG", "warn")
            .env("NODE_ENV", "production")
            .stdout(Stdio::null())
            .spawn()?;
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let started = Instant::now();
        let deadline = started + Duration::from_secs(300);
        let mut alive = None;
        while Instant::now() < deadline {
            if alive.is_none() && answers_ok(port, "GET /healthz", "") {
                alive = Some(started.elapsed());
            }
            let ready = match kind {
                Kind::Kopir => answers_ok(port, "GET /readyz", ""),
                Kind::Bare => alive.is_some(),
                Kind::Reference => {
                    answers_ok(port, "POST /graphql", r#"{"query":"{ __typename }"}"#)
                }
            };
            if ready {
                if kind == Kind::Kopir {
                    // Kopir answers before it is ready: the matching index is built meanwhile.
                    println!(
                        "kopir answering after {:.1?}, ready (matching index built) after {:.1?}; resident memory {} MB, peak {} MB",
                        alive.unwrap_or_default(),
                        started.elapsed(),
                        server.memory_mb("VmRSS:").unwrap_or_default(),
                        server.memory_mb("VmHWM:").unwrap_or_default()
                    );
                }
                return Ok(server);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        anyhow::bail!("{} did not become ready", server.base)
    }

    /// A memory figure of `/proc/PID/status` (`VmRSS:` resident, `VmHWM:` its peak), in MB.
    fn memory_mb(&self, field: &str) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix(field))?
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some(kb / 1000)
    }

    /// User plus system CPU time the process has used.
    fn cpu(&self) -> anyhow::Result<Duration> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id()))?;
        // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map(|(_, rest)| rest.split_whitespace().collect())
            .unwrap_or_default();
        let ticks: u64 = fields[11].parse::<u64>()? + fields[12].parse::<u64>()?;
        // Linux reports in USER_HZ, 100 on every architecture Kopir runs on.
        Ok(Duration::from_millis(ticks * 10))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether `request` (a method and path) with a JSON `body` on the local `port` answers 200.
fn answers_ok(port: u16, request: &str, body: &str) -> bool {
    use std::io::{Read as _, Write as _};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let mut answer = String::new();
    stream
        .write_all(
            format!(
                "{request} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .as_bytes(),
        )
        .and_then(|()| stream.read_to_string(&mut answer))
        .is_ok()
        && (answer.starts_with("HTTP/1.1 200") || answer.starts_with("HTTP/1.0 200"))
}

/// The nested organisations page every server is asked for.
const NESTED_PAGE: &str = "{ organizations(first: 50) { nodes { id name { en } region { code } members { role user { displayName } } } } }";
const NESTED_PAGE_SIGNED_IN: &str = "organizations(first: 50) nested, signed in";

fn nested_page() -> Value {
    json!({ "query": NESTED_PAGE })
}

/// The Node servers run beside Kopir (name printed, argument of `server.mjs`).
const REFERENCES: [(&str, &str); 3] = [
    ("graphql-yoga (memory)", "yoga"),
    ("Apollo Server (memory)", "apollo"),
    ("Mercurius + graphql-jit (memory)", "mercurius"),
];
const REFERENCE_SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/benches/load/reference/server.mjs"
);

/// Installs the reference servers' pinned packages (`npm ci`), or says why they cannot run here.
fn install_references() -> Result<(), String> {
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/load/reference");
    let npm = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--silent"])
        .current_dir(folder)
        .status()
        .map_err(|e| format!("npm could not run ({e}); install Node.js 20 or later"))?;
    if !npm.success() {
        return Err(format!("`npm ci` in {folder} failed ({npm})"));
    }
    Ok(())
}

/// What the run measured that later rows are compared with.
struct Rates {
    /// The bare handler's req/s.
    bare: f64,
    /// Kopir's nested page, signed in, at the full connection count.
    nested_signed_in: Option<f64>,
}

async fn fresh_postgres() -> anyhow::Result<String> {
    use sea_orm::ConnectionTrait as _;
    let base = std::env::var("KOPIR_LOAD_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
    let admin = sea_orm::Database::connect(format!("{base}/postgres")).await?;
    admin
        .execute_unprepared("DROP DATABASE IF EXISTS kopir_load WITH (FORCE)")
        .await?;
    admin
        .execute_unprepared("CREATE DATABASE kopir_load")
        .await?;
    Ok(format!("{base}/kopir_load"))
}

/// A bare axum server answering every POST with the same 26 KB JSON document.
async fn serve_bare(port: u16) -> anyhow::Result<()> {
    let nodes: Vec<Value> = (0..50)
        .map(|i| json!({ "id": format!("T3JnYW5pemF0aW9uOj{i:03}"), "name": { "en": format!("Organisation number {i} of the page") },
            "region": { "code": "KZ-75" },
            "members": (0..2).map(|m| json!({ "role": "ADMIN", "user": { "displayName": format!("Member {m} of organisation {i}, with a long enough name") } })).collect::<Vec<_>>() }))
        .collect();
    let mut body = serde_json::to_vec(&json!({ "data": { "organizations": { "nodes": nodes } } }))?;
    body.resize(26 * 1024, b' ');
    let body = axum::body::Bytes::from(body);
    let app = axum::Router::new()
        .route(
            "/graphql",
            axum::routing::post(move || {
                let body = body.clone();
                async move { ([("content-type", "application/json")], body) }
            }),
        )
        .route("/healthz", axum::routing::get(|| async { "ok" }));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    axum::serve(listener, app).await?;
    Ok(())
}

async fn gql(base: &str, token: Option<&str>, body: &Value) -> anyhow::Result<Value> {
    let mut request = reqwest::Client::new()
        .post(format!("{base}/graphql"))
        .json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let reply: Value = request.send().await?.json().await?;
    anyhow::ensure!(reply.get("errors").is_none(), "{reply}");
    Ok(reply)
}

/// The id of the first node of the top-level connection `list` (`needs`, `sessions`), read
/// anonymously.
async fn first_id(base: &str, list: &str) -> anyhow::Result<Value> {
    let query = format!("{{ {list}(first: 1) {{ nodes {{ id }} }} }}");
    let reply = gql(base, None, &json!({ "query": query })).await?;
    Ok(reply["data"][list]["nodes"][0]["id"].clone())
}

/// Signs in as `email`; answers the token and the id of the first organisation of the account.
async fn sign_in(base: &str, email: &str) -> anyhow::Result<(String, Value)> {
    let login = gql(
        base,
        None,
        &json!({ "query": "mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken } }",
                 "variables": { "e": email, "p": data::PASSWORD } }),
    )
    .await?;
    let token = login["data"]["login"]["accessToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let me = gql(
        base,
        Some(&token),
        &json!({ "query": "{ me { memberships { organization { id } } } }" }),
    )
    .await?;
    let own = me["data"]["me"]["memberships"][0]["organization"]["id"].clone();
    Ok((token, own))
}

async fn measure(
    kopir: &Server,
    bare: &Server,
    seconds: u64,
    connections: usize,
    only: &str,
) -> anyhow::Result<Rates> {
    // One admin per connection, each with the organisation they administer.
    let mut accounts = Vec::with_capacity(connections);
    for i in 0..connections {
        accounts.push(sign_in(&kopir.base, &format!("admin{i}@load.kz")).await?);
    }
    let (token, own) = accounts[0].clone();
    let need = first_id(&kopir.base, "needs").await?;
    // The first session: every signed-in admin's organisation is registered and booked there.
    let session = first_id(&kopir.base, "sessions").await?;
    let update = json!({ "query": "mutation($id: ID!) { updateOrganization(input: { id: $id, website: \"https://example.kz\" }) { organization { id } } }", "variables": { "id": own } });
    let operations = [
        Operation {
            name: "bare axum handler (26 KB)",
            body: nested_page(),
            caller: Caller::Anonymous,
        },
        Operation {
            name: "{ __typename }",
            body: json!({ "query": "{ __typename }" }),
            caller: Caller::Anonymous,
        },
        Operation {
            name: NESTED_PAGE_SIGNED_IN,
            body: nested_page(),
            caller: Caller::OneAccount,
        },
        // The signed-in page built up one level at a time (level 3, members' users, is the
        // nested page below): the differences in CPU per request are what each DataLoader
        // level costs.
        Operation {
            name: "organizations(first: 50) level 0: id, name",
            body: json!({ "query": "{ organizations(first: 50) { nodes { id name { en } } } }" }),
            caller: Caller::OneAccount,
        },
        Operation {
            name: "organizations(first: 50) level 1: + region",
            body: json!({ "query": "{ organizations(first: 50) { nodes { id name { en } region { code } } } }" }),
            caller: Caller::OneAccount,
        },
        Operation {
            name: "organizations(first: 50) level 2: + members",
            body: json!({ "query": "{ organizations(first: 50) { nodes { id name { en } region { code } members { role } } } }" }),
            caller: Caller::OneAccount,
        },
        Operation {
            name: "organizations(first: 50) nested, anonymous",
            body: nested_page(),
            caller: Caller::Anonymous,
        },
        Operation {
            name: "needs(first: 50) with organisation",
            body: json!({ "query": "{ needs(first: 50) { nodes { id title { en } organization { name { en } } } } }" }),
            caller: Caller::Anonymous,
        },
        Operation {
            name: "matchesForNeed(first: 10)",
            body: json!({ "query": "query($n: ID!) { matchesForNeed(needId: $n, first: 10) { score capability { id } } }", "variables": { "n": need } }),
            caller: Caller::OneAccount,
        },
        Operation {
            name: "partnersForNeed(first: 10)",
            body: json!({ "query": "query($n: ID!) { partnersForNeed(needId: $n, first: 10) { score organization { id } } }", "variables": { "n": need } }),
            caller: Caller::OneAccount,
        },
        Operation {
            name: "session { agenda } (16 meetings), each its own",
            body: json!({ "query": "query($id: ID!, $s: ID!) { session(id: $s) { agenda(organizationId: $id) { slot { index startsAt } table status requester { name { en } } invitee { name { en } } } } }", "variables": { "s": session } }),
            caller: Caller::EachOwnAccount,
        },
        Operation {
            name: "deals(first: 20) with history, each its own",
            body: json!({ "query": "query($id: ID!) { deals(filter: { organizationId: $id }, first: 20) { totalCount nodes { id title { en } stage value { amount currency } parties { role organization { name { en } } } history { version change toStage at } } } }" }),
            caller: Caller::EachOwnAccount,
        },
        Operation {
            name: "updateOrganization, each its own",
            body: update.clone(),
            caller: Caller::EachOwnAccount,
        },
        Operation {
            name: "updateOrganization region (matching revision), each its own",
            body: json!({ "query": "mutation($id: ID!) { updateOrganization(input: { id: $id, regionCode: \"KZ-75\" }) { organization { id } } }" }),
            caller: Caller::EachOwnAccount,
        },
        Operation {
            name: "updateOrganization, all the same one",
            body: update,
            caller: Caller::OneAccount,
        },
    ];
    println!(
        "{:<46} {:>9} {:>8} {:>8} {:>10} {:>9} {:>8}",
        "operation", "req/s", "p50 ms", "p99 ms", "CPU µs/req", "× bare", "failures"
    );
    let mut rates = Rates {
        bare: 0.0,
        nested_signed_in: None,
    };
    for (i, op) in operations.iter().enumerate() {
        if i > 0 && !op.name.contains(only) {
            continue;
        }
        let server = if i == 0 { bare } else { kopir };
        // The nested page is also driven by one client, to show how throughput scales; every
        // operation is driven by `connections` clients (once, when that is 1).
        let mut counts = vec![1, connections];
        counts.dedup();
        for clients in counts {
            if clients == 1 && connections > 1 && op.name != NESTED_PAGE_SIGNED_IN {
                continue;
            }
            let requests = (0..clients)
                .map(|c| match op.caller {
                    Caller::Anonymous => (None, op.body.clone()),
                    Caller::OneAccount => (Some(token.clone()), op.body.clone()),
                    Caller::EachOwnAccount => {
                        let (token, own) = &accounts[c];
                        let mut body = op.body.clone();
                        body["variables"]["id"] = own.clone();
                        (Some(token.clone()), body)
                    }
                })
                .collect();
            let figures = drive(server, requests, seconds).await?;
            if i == 0 {
                rates.bare = figures.per_second();
            }
            if op.name == NESTED_PAGE_SIGNED_IN && clients == connections {
                rates.nested_signed_in = Some(figures.per_second());
            }
            print_row(
                &format!("{} [{clients} conn]", op.name),
                &figures,
                rates.bare,
            );
        }
    }
    Ok(rates)
}

/// Prints one operation's figures, req/s also as a ratio to the bare handler's.
fn print_row(name: &str, figures: &Figures, bare_rate: f64) {
    let rate = figures.per_second();
    println!(
        "{:<46} {:>9.0} {:>8.2} {:>8.2} {:>10.0} {:>9.3} {:>8}",
        name,
        rate,
        figures.p50.as_secs_f64() * 1e3,
        figures.p99.as_secs_f64() * 1e3,
        figures.cpu_per_request.as_secs_f64() * 1e6,
        rate / bare_rate,
        figures.failures,
    );
    if let Some(failure) = &figures.first_failure {
        println!("    first failure: {failure}");
    }
}

/// One keep-alive connection per request (an optional token and a body), each sending its
/// request back to back for `seconds`.
async fn drive(
    server: &Server,
    requests: Vec<(Option<String>, Value)>,
    seconds: u64,
) -> anyhow::Result<Figures> {
    let url = Arc::new(format!("{}/graphql", server.base));
    let cpu_before = server.cpu()?;
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let tasks = requests
        .into_iter()
        .map(|(token, body)| {
            let body = serde_json::to_vec(&body)?;
            let token = token.map(|t| format!("Bearer {t}"));
            let url = url.clone();
            Ok(tokio::spawn(async move {
                let client = reqwest::Client::builder()
                    .pool_max_idle_per_host(1)
                    .build()
                    .expect("client");
                let mut latencies = Vec::new();
                let (mut failures, mut first_failure) = (0u64, None);
                while Instant::now() < deadline {
                    let sent = Instant::now();
                    let mut request = client
                        .post(url.as_str())
                        .header("content-type", "application/json")
                        .body(body.clone());
                    if let Some(token) = &token {
                        request = request.header("authorization", token.as_str());
                    }
                    let outcome = match request.send().await {
                        Ok(response) => {
                            let status = response.status();
                            match response.bytes().await {
                                Ok(bytes)
                                    if status.is_success()
                                        && !bytes.windows(9).any(|w| w == b"\"errors\":") =>
                                {
                                    Ok(())
                                }
                                Ok(bytes) => Err(format!(
                                    "{status}: {}",
                                    String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
                                )),
                                Err(e) => Err(e.to_string()),
                            }
                        }
                        Err(e) => Err(e.to_string()),
                    };
                    latencies.push(sent.elapsed());
                    if let Err(e) = outcome {
                        failures += 1;
                        first_failure.get_or_insert(e);
                    }
                }
                (latencies, failures, first_failure)
            }))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut latencies = Vec::new();
    let (mut failures, mut first_failure) = (0, None);
    for task in tasks {
        let (l, f, first) = task.await?;
        latencies.extend(l);
        failures += f;
        if first_failure.is_none() {
            first_failure = first;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = server.cpu()?.saturating_sub(cpu_before);
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    let requests = latencies.len() as u64;
    Ok(Figures {
        requests,
        failures,
        seconds: elapsed,
        p50: at(0.50),
        p99: at(0.99),
        cpu_per_request: cpu / u32::try_from(requests.max(1)).unwrap_or(u32::MAX),
        first_failure,
    })
}
