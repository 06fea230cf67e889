//! Kopir from a real browser (headless Chromium), from pages served on origins of their own:
//! a subscription over `/graphql/ws` through the GraphiQL bundle's own client, configured as
//! the development GraphiQL page configures it, and queries allowed or refused by CORS.

use std::{process::Command, sync::Arc, time::Duration};

use axum::{Router, extract::State, response::Html, routing::get};
use serde_json::{Value, json};
use tokio::sync::{Mutex, Notify, oneshot};

use crate::helpers::{Backend, Options, TestApp, bins};

/// Headless Chromium, or `None` (with a notice) where it is not installed. CI installs it and
/// sets `KOPIR_REQUIRE_BROWSER`, which turns the skip into a failure.
pub(crate) fn chromium() -> Option<&'static str> {
    const PATH: &str = "/usr/bin/chromium";
    if std::path::Path::new(PATH).exists() {
        return Some(PATH);
    }
    assert!(
        std::env::var("KOPIR_REQUIRE_BROWSER").is_err(),
        "KOPIR_REQUIRE_BROWSER is set but {PATH} is missing"
    );
    eprintln!("SKIPPED browser test: {PATH} is not installed (apt-get install chromium)");
    None
}

/// Loads `url` in headless Chromium and returns the DOM once the page has loaded — with
/// `settle`, once it has also been idle for a while of Chromium's virtual time (pages that
/// render after their scripts fetch, such as GraphiQL).
pub(crate) async fn dump_dom(chromium: &'static str, url: String, settle: bool) -> String {
    let profile = tempfile::tempdir().expect("browser profile");
    let args: Vec<String> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--dump-dom",
    ]
    .iter()
    .map(|a| (*a).to_owned())
    .chain(settle.then(|| "--virtual-time-budget=20000".to_owned()))
    .chain([format!("--user-data-dir={}", profile.path().display()), url])
    .collect();
    let output = tokio::task::spawn_blocking(move || Command::new(chromium).args(&args).output())
        .await
        .expect("task")
        .expect("chromium runs");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// What the page's origin serves: the page, `/hold` (an image the page ends with, answered only
/// once the page has reported, so the page's load — and Chromium's dump of it — waits for the
/// page's work; real time runs meanwhile, so its timers do too) and `/report`.
#[derive(Clone)]
struct PageServer {
    page: Arc<String>,
    report: Arc<Mutex<Option<oneshot::Sender<String>>>>,
    reported: Arc<Notify>,
}

async fn page(State(s): State<PageServer>) -> Html<String> {
    Html(s.page.as_ref().clone())
}

async fn hold(State(s): State<PageServer>) -> &'static str {
    let _ = tokio::time::timeout(Duration::from_secs(60), s.reported.notified()).await;
    "released"
}

async fn report(State(s): State<PageServer>, body: String) -> &'static str {
    if let Some(tx) = s.report.lock().await.take() {
        let _ = tx.send(body);
    }
    s.reported.notify_one();
    "ok"
}

/// Serves `html` on an origin of its own; returns its URL and the first report the page posts.
async fn serve_page(html: String) -> (String, oneshot::Receiver<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    serve_page_on(listener, html).await
}

/// Serves `html` on `listener`; returns its URL and the first report the page posts.
async fn serve_page_on(
    listener: tokio::net::TcpListener,
    html: String,
) -> (String, oneshot::Receiver<String>) {
    let (tx, rx) = oneshot::channel();
    let state = PageServer {
        page: Arc::new(html),
        report: Arc::new(Mutex::new(Some(tx))),
        reported: Arc::new(Notify::new()),
    };
    let router = Router::new()
        .route("/", get(page))
        .route("/hold", get(hold))
        .route("/report", axum::routing::post(report))
        .with_state(state);
    let url = format!("http://{}/", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, router).await });
    (url, rx)
}

/// In development mode, the GraphiQL bundle's client subscribes over `/graphql/ws` with the
/// headers editor's `Authorization` as its `connection_init` payload, exactly as the page is
/// configured, and receives a deal's change from a real browser.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphiql_runs_subscriptions_in_a_browser() {
    let Some(chromium) = chromium() else { return };
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            mode: kopir::graphql::Mode::Development,
            ..Options::default()
        },
    )
    .await;
    let bins = bins(2);
    let token = app.register("browser@example.kz").await;
    let org = app.create_org(&token, "Browser Org", &bins[0]).await;
    let other = app.create_org(&token, "Other Org", &bins[1]).await;

    // The page served by kopir configures its fetcher this way; the test page does the same.
    let graphiql = app
        .client
        .get(format!("{}/graphql", app.base))
        .header("accept", "text/html")
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("page");
    assert!(
        graphiql.contains("\"/graphql/ws\""),
        "the GraphiQL page names no subscription endpoint"
    );

    let subscription =
        "subscription($o: ID!) { dealUpdated(organizationId: $o) { change deal { id } } }";
    let html = format!(
        r#"<!doctype html><html><body><pre id="out">waiting</pre>
<script src="{base}/graphiql/react.production.min.js"></script>
<script src="{base}/graphiql/react-dom.production.min.js"></script>
<script src="{base}/graphiql/graphiql.min.js"></script>
<script>
(async () => {{
  const send = (text) => {{
    document.getElementById("out").textContent = text;
    return fetch("/report", {{ method: "POST", body: text }});
  }};
  try {{
    const fetcher = GraphiQL.createFetcher({{ url: "{base}/graphql", subscriptionUrl: "{ws}/graphql/ws" }});
    // GraphiQL hands its fetcher the editor's parsed document; a subscription's goes to the
    // socket. This is the part of it the fetcher reads.
    const documentAST = {{ kind: "Document", definitions: [{{ kind: "OperationDefinition", operation: "subscription" }}] }};
    const result = await fetcher(
      {{ query: {query}, variables: {{ o: "{org}" }} }},
      {{ headers: {{ Authorization: "Bearer {token}" }}, documentAST }},
    );
    for await (const r of result) {{ await send(JSON.stringify(r)); break; }}
  }} catch (e) {{
    await send("error: " + e);
  }}
}})();
</script><img src="/hold" alt=""></body></html>"#,
        base = app.base,
        ws = app.base.replace("http://", "ws://"),
        query = json!(subscription),
    );
    let (url, reported) = serve_page(html).await;
    let browser = tokio::spawn(dump_dom(chromium, url, false));

    // Record deals until the page reports one (its subscription opens while Chromium starts).
    let mut reported = reported;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let report = loop {
        app.gql(
            Some(&token),
            "mutation($a: ID!, $b: ID!) { recordDeal(input: { title: { en: \"Licence\" }, dealType: OPTION, value: \"1000\", parties: [{ organizationId: $a, role: PROVIDER }, { organizationId: $b, role: RECIPIENT }] }) { deal { id } } }",
            json!({ "a": org, "b": other }),
        )
        .await
        .data("/recordDeal");
        match tokio::time::timeout(Duration::from_millis(300), &mut reported).await {
            Ok(report) => break report.expect("a report"),
            Err(_) => assert!(
                tokio::time::Instant::now() < deadline,
                "the browser received no event"
            ),
        }
    };
    let event: Value = serde_json::from_str(&report)
        .unwrap_or_else(|_| panic!("the page reported no event: {report}"));
    assert_eq!(
        event["data"]["dealUpdated"]["change"], "RECORDED",
        "{event}"
    );
    let dom = browser.await.expect("browser task");
    assert!(dom.contains("RECORDED"), "{dom}");
}

/// A page that posts a query to kopir at `base` (with a JSON body, so the browser sends a
/// preflight first) and reports the answer, or the browser's refusal.
fn query_page(base: &str) -> String {
    format!(
        r#"<!doctype html><html><body><pre id="out">waiting</pre>
<script>
(async () => {{
  let text;
  try {{
    const r = await fetch("{base}/graphql", {{
      method: "POST",
      headers: {{ "content-type": "application/json", accept: "application/graphql-response+json" }},
      body: JSON.stringify({{ query: "{{ region(code: \"KZ-71\") {{ name {{ en }} }} }}" }}),
    }});
    text = JSON.stringify(await r.json());
  }} catch (e) {{
    text = "error: " + e;
  }}
  document.getElementById("out").textContent = text;
  await fetch("/report", {{ method: "POST", body: text }});
}})();
</script><img src="/hold" alt=""></body></html>"#
    )
}

/// A page on a listed origin queries kopir from a real browser (after a real preflight); a
/// page on any other origin is refused by the browser, because kopir does not name it. The
/// preflight's answer is cached, allows no credentials, and development mode allows any page
/// from this machine.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_on_listed_origins_may_call_and_others_may_not() {
    let Some(chromium) = chromium() else { return };
    // Both pages' origins are known before kopir starts; only the first is listed.
    let listed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let unlisted = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let origin = |l: &tokio::net::TcpListener| format!("http://{}", l.local_addr().expect("addr"));
    let (allowed, refused) = (origin(&listed), origin(&unlisted));
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            cors_origins: vec![allowed.clone()],
            ..Options::default()
        },
    )
    .await;

    let preflight = |from: String| {
        app.client
            .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.base))
            .header("origin", from)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type,authorization",
            )
            .send()
    };
    let ok = preflight(allowed.clone()).await.expect("preflight");
    assert!(ok.status().is_success(), "{}", ok.status());
    let headers = ok.headers();
    assert_eq!(headers["access-control-allow-origin"], allowed.as_str());
    assert_eq!(headers["access-control-max-age"], "3600");
    assert!(headers.get("access-control-allow-credentials").is_none());
    let no = preflight(refused.clone()).await.expect("preflight");
    assert!(no.headers().get("access-control-allow-origin").is_none());

    for (listener, expect_allowed) in [(listed, true), (unlisted, false)] {
        let (url, report) = serve_page_on(listener, query_page(&app.base)).await;
        let browser = tokio::spawn(dump_dom(chromium, url, false));
        let report = tokio::time::timeout(Duration::from_secs(60), report)
            .await
            .expect("the page reports")
            .expect("a report");
        browser.await.expect("browser task");
        if expect_allowed {
            let answer: Value = serde_json::from_str(&report)
                .unwrap_or_else(|_| panic!("the listed page was refused: {report}"));
            assert_eq!(answer["data"]["region"]["name"]["en"], "Astana", "{answer}");
        } else {
            assert!(
                report.starts_with("error: TypeError"),
                "the unlisted page read kopir's answer: {report}"
            );
        }
    }

    // Development mode: any page from this machine, no list needed.
    let dev = TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            mode: kopir::graphql::Mode::Development,
            ..Options::default()
        },
    )
    .await;
    for (from, allowed) in [
        ("http://localhost:5173", true),
        ("https://app.example.kz", false),
    ] {
        let answer = dev
            .client
            .request(reqwest::Method::OPTIONS, format!("{}/graphql", dev.base))
            .header("origin", from)
            .header("access-control-request-method", "POST")
            .send()
            .await
            .expect("preflight");
        assert_eq!(
            answer
                .headers()
                .get("access-control-allow-origin")
                .is_some(),
            allowed,
            "{from}"
        );
    }
}
