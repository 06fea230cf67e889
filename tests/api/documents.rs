//! GraphQL documents by hash over real HTTP: automatic persisted queries (Apollo's protocol:
//! an unknown hash, registration, then the hash alone, by POST and by GET), and a deployment
//! that runs trusted documents only.

use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::helpers::{Backend, Options, TestApp};

const QUERY: &str = "query Regions { regions { code } }";

fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn persisted(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

async fn post(app: &TestApp, body: Value) -> (StatusCode, Value) {
    app.post_json(None, body).await
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

#[tokio::test]
async fn automatic_persisted_queries_round_trip() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let hash = sha256(QUERY);

    // Unknown: the client is told to send the query (Apollo clients read the message).
    let (_, body) = post(&app, json!({ "extensions": persisted(&hash) })).await;
    assert_eq!(code(&body), "PERSISTED_QUERY_NOT_FOUND", "{body}");
    assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");

    // A hash that is not the query's is refused, and registers nothing.
    let (_, body) = post(
        &app,
        json!({ "query": "{ __typename }", "extensions": persisted(&hash) }),
    )
    .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");

    // Sent once in full with its hash, it registers; then the hash alone runs it.
    let (status, body) = post(
        &app,
        json!({ "query": QUERY, "extensions": persisted(&hash) }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["regions"].as_array().map(Vec::len), Some(20));
    let (status, body) = post(&app, json!({ "extensions": persisted(&hash) })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["regions"].as_array().map(Vec::len), Some(20));

    // By GET too, as Apollo clients send hashed queries (cacheable by a CDN).
    let response = app
        .client
        .get(format!("{}/graphql", app.base))
        .query(&[("extensions", persisted(&hash).to_string())])
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(
        body["data"]["regions"].as_array().map(Vec::len),
        Some(20),
        "{body}"
    );

    // A malformed `persistedQuery` is the client's mistake, named as such.
    let (_, body) = post(
        &app,
        json!({ "extensions": { "persistedQuery": { "version": 2, "sha256Hash": hash } } }),
    )
    .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
}

#[tokio::test]
async fn trusted_documents_mode_runs_listed_documents_only() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let manifest = dir.path().join("persisted-documents.json");
    std::fs::write(&manifest, json!({ sha256(QUERY): QUERY }).to_string()).expect("write");
    let trusted = kopir::graphql::documents::TrustedDocuments::load(&manifest).expect("manifest");
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            trusted_documents: Some(trusted),
            ..Options::default()
        },
    )
    .await;

    // Listed: in full, or by hash.
    let (_, body) = post(&app, json!({ "query": QUERY })).await;
    assert_eq!(
        body["data"]["regions"].as_array().map(Vec::len),
        Some(20),
        "{body}"
    );
    let (_, body) = post(&app, json!({ "extensions": persisted(&sha256(QUERY)) })).await;
    assert_eq!(
        body["data"]["regions"].as_array().map(Vec::len),
        Some(20),
        "{body}"
    );

    // Anything else is refused before it runs, and cannot register itself.
    let other = "{ regions { code name { en } } }";
    for body in [
        json!({ "query": other }),
        json!({ "query": other, "extensions": persisted(&sha256(other)) }),
        json!({ "extensions": persisted(&sha256(other)) }),
    ] {
        let (status, answer) = post(&app, body.clone()).await;
        assert_eq!(
            code(&answer),
            "PERSISTED_QUERY_NOT_IN_LIST",
            "{body}: {answer}"
        );
        assert_eq!(
            status,
            StatusCode::OK,
            "a JSON client gets 200 for any GraphQL answer"
        );
        assert!(answer["data"].is_null());
    }
    let (_, body) = post(&app, json!({ "extensions": persisted(&sha256(other)) })).await;
    assert_eq!(code(&body), "PERSISTED_QUERY_NOT_IN_LIST");
}
