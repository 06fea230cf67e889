//! Fan-out of subscriptions on one replica: starts `kopir serve` (SQLite), opens 20 WebSocket
//! connections for one account (the per-account limit) carrying `--subscriptions` (default
//! 5,000) `meetingUpdated` subscriptions between them, then makes `--events` (default 20)
//! meeting changes, one at a time, and prints what it measured: deliveries per second, the
//! p50/p99 delay from a mutation's start to each subscription receiving its event, and resident
//! memory per connection and per subscription. Every subscription must receive every event
//! exactly once; the harness fails otherwise.
//!
//! `cargo bench --bench fanout [-- --subscriptions N --events E]`

use std::{
    collections::HashMap,
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{Value, json};
use tokio_tungstenite::{
    connect_async,
    tungstenite::{Message, client::IntoClientRequest as _, http::HeaderValue},
};

const CONNECTIONS: usize = 20;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (mut subscriptions, mut events) = (5_000_usize, 20_usize);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--subscriptions" => subscriptions = args.next().unwrap_or_default().parse()?,
            "--events" => events = args.next().unwrap_or_default().parse()?,
            _ => {} // cargo bench passes `--bench`
        }
    }
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run(subscriptions, events))
}

/// `kopir serve` on a free port, stopped when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    async fn start(db: &str) -> anyhow::Result<Server> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_kopir"))
            .args(["serve", "--database-url", db])
            .arg(format!("--listen=127.0.0.1:{port}"))
            .env(
                "KOPIR_JWT_SECRET",
                "fanout-harness-secret-fanout-harness-0123",
            )
            .env("KOPIR_RATE_LIMIT_PER_USER", "100000000")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()?;
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        for _ in 0..600 {
            if let Ok(r) = client.get(format!("{}/readyz", server.base)).send().await
                && r.status().is_success()
            {
                return Ok(server);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anyhow::bail!("kopir did not become ready")
    }

    fn resident_kb(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("VmRSS:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            })
            .unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn gql(
    base: &str,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> anyhow::Result<Value> {
    let mut request = reqwest::Client::new()
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let body: Value = request.send().await?.json().await?;
    anyhow::ensure!(body.get("errors").is_none(), "GraphQL errors: {body}");
    Ok(body["data"].clone())
}

fn bin(serial: u32) -> String {
    let body = format!("240140{serial:05}");
    let digits: Vec<u32> = body.chars().filter_map(|c| c.to_digit(10)).collect();
    kopir::domain::bin::check_digit(&digits)
        .map(|d| format!("{body}{d}"))
        .unwrap_or_default()
}

/// One account, admin of a venue and a guest organisation at a session tomorrow.
async fn world(base: &str) -> anyhow::Result<(String, [String; 2], String)> {
    let token = gql(base, None, "mutation { register(input: { email: \"fanout@example.kz\", password: \"correct horse battery\", displayName: \"Fan-out\" }) { accessToken } }", json!({}))
        .await?["register"]["accessToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let mut orgs = Vec::new();
    for serial in (1..).filter(|s| !bin(*s).is_empty()).take(2) {
        let data = gql(base, Some(&token), "mutation($b: String!) { createOrganization(input: { kind: UNIVERSITY, name: { en: \"Org\" }, bin: $b, regionCode: \"KZ-75\" }) { organization { id } } }", json!({ "b": bin(serial) })).await?;
        orgs.push(
            data["createOrganization"]["organization"]["id"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    let start = chrono::Utc::now() + chrono::Duration::days(1);
    let session = gql(base, Some(&token), "mutation($v: ID!, $s: DateTime!, $e: DateTime!) { createSession(input: { title: { en: \"S\" }, venueOrganizationId: $v, startsAt: $s, endsAt: $e, tables: 5, capacity: 10 }) { session { id } } }",
        json!({ "v": orgs[0], "s": start.to_rfc3339(), "e": (start + chrono::Duration::hours(2)).to_rfc3339() })).await?["createSession"]["session"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    for org in &orgs {
        gql(base, Some(&token), "mutation($s: ID!, $o: ID!) { registerForSession(input: { sessionId: $s, organizationId: $o }) { registration { registeredAt } } }", json!({ "s": session, "o": org })).await?;
    }
    Ok((token, [orgs[0].clone(), orgs[1].clone()], session))
}

/// (meeting id, change) → when each subscription received it.
type Received = Arc<Mutex<HashMap<(String, String), Vec<Instant>>>>;

async fn run(subscriptions: usize, events: usize) -> anyhow::Result<()> {
    let work = tempfile::tempdir()?;
    let server = Server::start(&format!("sqlite://{}/fanout.db", work.path().display())).await?;
    let (token, orgs, session) = world(&server.base).await?;
    let before = server.resident_kb();

    let received: Received = Arc::default();
    let per_connection = subscriptions.div_ceil(CONNECTIONS);
    let mut readers = Vec::new();
    for c in 0..CONNECTIONS {
        let count = per_connection.min(subscriptions.saturating_sub(c * per_connection));
        let mut request = format!("{}/graphql/ws", server.base.replace("http://", "ws://"))
            .into_client_request()?;
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            HeaderValue::from_static("graphql-transport-ws"),
        );
        let (mut ws, _) = connect_async(request).await?;
        let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } });
        ws.send(Message::Text(init.to_string().into())).await?;
        ws.next().await; // connection_ack
        for i in 0..count {
            let subscribe = json!({ "id": i.to_string(), "type": "subscribe", "payload": {
                "query": "subscription($s: ID!) { meetingUpdated(sessionId: $s) { change meeting { id } } }",
                "variables": { "s": session } } });
            ws.send(Message::Text(subscribe.to_string().into())).await?;
        }
        let received = received.clone();
        readers.push(tokio::spawn(async move {
            while let Some(Ok(message)) = ws.next().await {
                let at = Instant::now();
                let Message::Text(text) = message else {
                    continue;
                };
                let Ok(message) = serde_json::from_str::<Value>(&text) else {
                    continue;
                };
                if message["type"] == "ping" {
                    let _ = ws
                        .send(Message::Text(json!({ "type": "pong" }).to_string().into()))
                        .await;
                    continue;
                }
                let event = &message["payload"]["data"]["meetingUpdated"];
                let key = (
                    event["meeting"]["id"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                    event["change"].as_str().unwrap_or_default().to_owned(),
                );
                if let Ok(mut r) = received.lock() {
                    r.entry(key).or_default().push(at);
                }
            }
        }));
    }
    // Let every subscription register.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let open = server.resident_kb();

    let mut sent: Vec<((String, String), Instant)> = Vec::new();
    let first = Instant::now();
    for _ in 0..events / 2 {
        let at = Instant::now();
        let m = gql(&server.base, Some(&token), "mutation($s: ID!, $f: ID!, $t: ID!) { requestMeeting(input: { sessionId: $s, fromOrganizationId: $f, toOrganizationId: $t }) { meeting { id } } }",
            json!({ "s": session, "f": orgs[0], "t": orgs[1] })).await?["requestMeeting"]["meeting"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        sent.push(((m.clone(), "REQUESTED".into()), at));
        let at = Instant::now();
        gql(
            &server.base,
            Some(&token),
            "mutation($m: ID!) { cancelMeeting(input: { meetingId: $m }) { meeting { id } } }",
            json!({ "m": m }),
        )
        .await?;
        sent.push(((m, "CANCELLED".into()), at));
    }
    // Wait for every delivery (or give up after a minute).
    let expected = subscriptions * sent.len();
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut delivered = 0;
    while Instant::now() < deadline {
        delivered = received
            .lock()
            .map(|r| r.values().map(Vec::len).sum())
            .unwrap_or(0);
        if delivered >= expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let received = received.lock().map(|r| r.clone()).unwrap_or_default();
    let last = received.values().flatten().max().copied().unwrap_or(first);
    let mut delays: Vec<Duration> = Vec::with_capacity(expected);
    for (key, at) in &sent {
        for got in received.get(key).into_iter().flatten() {
            delays.push(got.saturating_duration_since(*at));
        }
    }
    delays.sort_unstable();
    let pick = |q: f64| {
        delays
            .get(((delays.len() as f64 - 1.0) * q) as usize)
            .copied()
            .unwrap_or_default()
    };
    println!(
        "{subscriptions} subscriptions on {CONNECTIONS} connections, {} events: {delivered} of {expected} deliveries in {:.2?} ({:.0} deliveries/s); delay from mutation start p50 {:.1?}, p99 {:.1?}",
        sent.len(),
        last - first,
        delivered as f64 / (last - first).as_secs_f64().max(1e-9),
        pick(0.5),
        pick(0.99),
    );
    println!(
        "resident memory: {} MB before, {} MB with the subscriptions open: {:.0} KB per connection, {:.1} KB per subscription",
        before / 1000,
        open / 1000,
        open.saturating_sub(before) as f64 / CONNECTIONS as f64,
        open.saturating_sub(before) as f64 / subscriptions.max(1) as f64,
    );
    for reader in readers {
        reader.abort();
    }
    anyhow::ensure!(
        delivered == expected,
        "{delivered} deliveries, expected {expected}"
    );
    Ok(())
}
