//! The HTTP surface: GET for queries only, JSON-only POST, the body limit, health endpoints and
//! request ids.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp};

const REGISTER: &str = "mutation { register(input: { email: \"csrf@example.kz\", password: \"correct horse battery\", displayName: \"X\" }) { accessToken } }";

async fn get_serves_queries_but_never_mutations(app: TestApp) {
    let url = format!("{}/graphql", app.base);
    let query = app
        .client
        .get(&url)
        .query(&[("query", "{ region(code: \"KZ-71\") { name { en } } }")])
        .send()
        .await
        .expect("GET");
    assert_eq!(query.status(), StatusCode::OK);
    let body: Value = query.json().await.expect("JSON");
    assert_eq!(body["data"]["region"]["name"]["en"], "Astana");

    let mutation = app
        .client
        .get(&url)
        .query(&[("query", REGISTER)])
        .send()
        .await
        .expect("GET");
    // Refused before it runs: 405, naming the method that takes it.
    assert_eq!(mutation.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(mutation.headers()["allow"], "POST");
    let body: Value = mutation.json().await.expect("JSON");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body:#}"
    );
    assert_eq!(body["errors"].as_array().map(Vec::len), Some(1), "{body:#}");
    assert_eq!(body["data"], Value::Null);
    assert_eq!(app.count("SELECT COUNT(*) FROM user_account").await, 0);
}

/// The GraphQL-over-HTTP spec's answers: the media type follows `Accept`; a document that does
/// not parse or validate is 400 without `data` for a client accepting
/// `application/graphql-response+json` and 200 for a JSON client; a field error is 200 for
/// both; a body without `query`, or with parameters of the wrong type, is 400.
#[tokio::test]
async fn answers_follow_the_graphql_over_http_spec() {
    const SPEC: &str = "application/graphql-response+json";
    let app = TestApp::spawn(Backend::Sqlite).await;
    let url = format!("{}/graphql", app.base);
    let send = |accept: Option<&'static str>, body: Value| {
        let mut request = app.client.post(&url).json(&body);
        if let Some(accept) = accept {
            request = request.header("accept", accept);
        }
        async move {
            let response = request.send().await.expect("POST");
            let status = response.status();
            let media = response.headers()["content-type"]
                .to_str()
                .expect("ASCII")
                .to_owned();
            let body: Value = response.json().await.expect("JSON");
            (status, media, body)
        }
    };
    let ok = json!({ "query": "{ __typename }" });
    for (accept, media) in [
        (None, "application/json"),
        (Some("*/*"), "application/json"),
        (Some("application/json"), "application/json"),
        (Some(SPEC), SPEC),
        (
            Some("application/json, application/graphql-response+json;q=0.9"),
            SPEC,
        ),
    ] {
        let (status, got, body) = send(accept, ok.clone()).await;
        assert_eq!(
            (status, got.as_str()),
            (StatusCode::OK, media),
            "{accept:?}"
        );
        assert_eq!(body["data"]["__typename"], "Query");
    }
    for document in ["{", "{ nope }"] {
        let (status, _, body) = send(Some(SPEC), json!({ "query": document })).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{document}: {body}");
        assert!(body.get("data").is_none(), "{body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        let (status, _, body) = send(Some("application/json"), json!({ "query": document })).await;
        assert_eq!(status, StatusCode::OK, "{document}: {body}");
        assert_eq!(body["data"], Value::Null);
    }
    let unknown = json!({ "query": "query($id: ID!) { organization(id: $id) { id } }", "variables": { "id": "nope" } });
    let (status, _, body) = send(Some(SPEC), unknown).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a field error is not a request error: {body}"
    );
    assert_eq!(body["errors"][0]["path"][0], "organization", "{body}");
    for bad in [
        json!({ "qeury": "{ __typename }" }),
        json!({ "query": { "obj": "ect" } }),
        json!({ "query": "{ __typename }", "variables": "{}" }),
    ] {
        let (status, _, body) = send(None, bad.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{bad}"
        );
    }
}

async fn post_bodies_must_be_json(app: TestApp) {
    let url = format!("{}/graphql", app.base);
    let payload = json!({ "query": REGISTER }).to_string();
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "",
    ] {
        let mut request = app.client.post(&url).body(payload.clone());
        if !content_type.is_empty() {
            request = request.header("content-type", content_type);
        }
        let response = request.send().await.expect("POST");
        assert_eq!(
            response.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM user_account").await, 0);

    let with_charset = app
        .client
        .post(&url)
        .header("content-type", "application/json; charset=utf-8")
        .body(payload)
        .send()
        .await
        .expect("POST");
    assert_eq!(with_charset.status(), StatusCode::OK);
    assert_eq!(app.count("SELECT COUNT(*) FROM user_account").await, 1);
}

async fn bodies_over_one_mebibyte_are_refused(app: TestApp) {
    let padding = "x".repeat(1024 * 1024);
    let body =
        json!({ "query": "{ regions { code } }", "variables": { "padding": padding } }).to_string();
    // Several rounds on one pooled client: a refused connection must not be reused.
    for _ in 0..5 {
        let response = app
            .client
            .post(format!("{}/graphql", app.base))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .expect("POST");
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(response.headers()["connection"], "close");
        let refusal: Value = response.json().await.expect("a GraphQL error");
        assert_eq!(refusal["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        let small = app.gql(None, "{ regions { code } }", json!({})).await;
        assert_eq!(small.data("/regions").as_array().map(Vec::len), Some(20));
    }
}

async fn health_readiness_and_request_ids(app: TestApp) {
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), StatusCode::OK);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(ready.text().await.expect("text"), "ready");

    let generated = app.get("/healthz").await;
    let id = generated
        .headers()
        .get("x-request-id")
        .expect("a request id is generated");
    assert_eq!(id.len(), 36, "a UUID");
    let given = app
        .client
        .get(format!("{}/healthz", app.base))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .expect("GET");
    assert_eq!(
        given.headers()["x-request-id"],
        "trace-me-42",
        "a caller's id is kept"
    );
}

async fn every_error_carries_a_code(app: TestApp) {
    for query in [
        "{ nope }",
        "{ regions { code ",
        "{ organizations(first: \"ten\") { totalCount } }",
        "query { node(id: \"garbage\") { id } }",
    ] {
        let reply = app.gql(None, query, json!({})).await;
        let errors = reply.body["errors"].as_array().expect("errors");
        assert!(!errors.is_empty(), "{query}");
        for error in errors {
            assert_eq!(
                error["extensions"]["code"], "BAD_USER_INPUT",
                "{query}: {error}"
            );
        }
    }
}

/// The shipped SQLite settings (WAL, busy timeout, foreign keys, synchronous = FULL) are what
/// the tests run with.
#[tokio::test]
async fn sqlite_runs_with_the_shipped_settings() {
    use sea_orm::{ConnectionTrait as _, DbBackend, Statement};
    let app = TestApp::spawn(Backend::Sqlite).await;
    for (pragma, expected) in [
        ("journal_mode", "wal"),
        ("busy_timeout", "5000"),
        ("foreign_keys", "1"),
        ("synchronous", "2"),
    ] {
        let row = app
            .db
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                format!("PRAGMA {pragma}"),
            ))
            .await
            .expect("pragma")
            .expect("row");
        let value = row
            .try_get_by_index::<String>(0)
            .or_else(|_| row.try_get_by_index::<i64>(0).map(|v| v.to_string()))
            .expect("value");
        assert_eq!(value, expected, "PRAGMA {pragma}");
    }
}

crate::db_tests!(
    get_serves_queries_but_never_mutations,
    post_bodies_must_be_json,
    bodies_over_one_mebibyte_are_refused,
    health_readiness_and_request_ids,
    every_error_carries_a_code,
);

/// `/metrics` exposes operations by name with latency, errors by code, HTTP requests by route
/// and pool use; client-chosen operation names cannot grow the label set without bound.
#[tokio::test]
async fn metrics_count_operations_errors_and_pool_use() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for _ in 0..3 {
        app.gql(None, "query MetricsRegions { regions { code } }", json!({}))
            .await
            .data("/regions");
    }
    app.gql(None, "{ nope }", json!({})).await;
    for n in 0..250 {
        app.gql(None, &format!("query Flood{n} {{ __typename }}"), json!({}))
            .await;
    }
    let text = app.get("/metrics").await.text().await.expect("text");
    let value = |needle: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with(needle))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{needle} missing from:\n{text}"))
    };
    assert_eq!(
        value("kopir_graphql_operations_total{operation=\"MetricsRegions\",outcome=\"ok\"}"),
        3.0
    );
    assert!(
        value("kopir_graphql_operation_duration_seconds_count{operation=\"MetricsRegions\"}")
            >= 3.0
    );
    assert!(value("kopir_graphql_errors_total{code=\"BAD_USER_INPUT\"}") >= 1.0);
    assert!(
        value("kopir_http_requests_total{route=\"/graphql\",method=\"POST\",status=\"200\"}")
            >= 254.0
    );
    assert!(value("kopir_db_pool_connections{state=\"open\"}") >= 1.0);
    let flood_labels = text
        .lines()
        .filter(|l| l.starts_with("kopir_graphql_operations_total{operation=\"Flood"))
        .count();
    assert!(
        flood_labels <= 200,
        "{flood_labels} operation labels from one client"
    );
    assert!(value("kopir_graphql_operations_total{operation=\"other\",outcome=\"ok\"}") >= 50.0);
}
