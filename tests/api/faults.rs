//! Faults: a panicking resolver and an unreachable database are answered with a code and no
//! internals, and the service recovers without a restart.

use std::time::{Duration, Instant};

use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema};
use axum::{Router, routing::post};
use reqwest::StatusCode;
use sea_orm::ConnectionTrait as _;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp};

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
    let admin = kopir::db::connect(&base_url, 1)
        .await
        .expect("admin connection");
    let database = format!("kopir_outage_{}", std::process::id());
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
        .await
        .expect("drop");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {database}"))
        .await
        .expect("create");
    let (prefix, _) = base_url.rsplit_once('/').expect("URL with a database");
    let app = TestApp::spawn(Backend::Postgres(format!("{prefix}/{database}"))).await;

    for n in 0..5 {
        app.register(&format!("before{n}@example.kz")).await;
    }
    admin
        .execute_unprepared(&format!(
            "ALTER DATABASE {database} ALLOW_CONNECTIONS false"
        ))
        .await
        .expect("close");
    admin
        .execute_unprepared(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'"
        ))
        .await
        .expect("terminate sessions");

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
        database.as_str(),
        "sqlx",
        "postgres",
    ] {
        assert!(!text.contains(leak), "{leak} leaked: {text}");
    }
    let ready = app
        .client
        .get(format!("{}/readyz", app.base))
        .send()
        .await
        .expect("GET");
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);

    admin
        .execute_unprepared(&format!("ALTER DATABASE {database} ALLOW_CONNECTIONS true"))
        .await
        .expect("reopen");
    let ready = app
        .client
        .get(format!("{}/readyz", app.base))
        .send()
        .await
        .expect("GET");
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
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
        .await
        .expect("drop");
}
