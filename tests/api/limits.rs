//! Limits that are part of the product: production mode, query depth and complexity, batches,
//! and readiness.

use kopir::graphql::Mode;
use migration::MigratorTrait as _;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Backend, Options, TestApp};

async fn production_mode_hides_the_schema_but_keeps_typename(app: TestApp) {
    // async-graphql answers disabled introspection with null rather than an error.
    let schema = app
        .gql(None, "{ __schema { types { name } } }", json!({}))
        .await;
    assert_eq!(schema.data("/__schema"), &serde_json::Value::Null);
    let typed = app
        .gql(
            None,
            "{ __type(name: \"Organization\") { name } }",
            json!({}),
        )
        .await;
    assert_eq!(typed.data("/__type"), &serde_json::Value::Null);
    let typename = app
        .gql(
            None,
            "{ __typename regions { __typename code } }",
            json!({}),
        )
        .await;
    assert_eq!(typename.data("/__typename"), "Query");
    assert_eq!(typename.data("/regions/0/__typename"), "Region");

    let typo = app.gql(None, "{ regons { code } }", json!({})).await;
    let message = typo.body["errors"][0]["message"].as_str().expect("message");
    assert!(
        message.contains("regons") && !message.contains("Did you mean"),
        "{message}"
    );
}

#[tokio::test]
async fn development_mode_shows_the_schema_and_suggests() {
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            mode: Mode::Development,
            ..Options::default()
        },
    )
    .await;
    let introspection = app
        .gql(
            None,
            "{ __type(name: \"Organization\") { name } }",
            json!({}),
        )
        .await;
    assert_eq!(introspection.data("/__type/name"), "Organization");
    let typo = app.gql(None, "{ regons { code } }", json!({})).await;
    let message = typo.body["errors"][0]["message"].as_str().expect("message");
    assert!(message.contains("Did you mean \"regions\""), "{message}");
    // The query GraphiQL and code generators send (graphql-js getIntrospectionQuery) fits
    // under the selection and depth limits.
    let full = app.gql(None, INTROSPECTION, json!({})).await;
    assert!(
        full.data("/__schema/types")
            .as_array()
            .is_some_and(|t| t.len() > 30)
    );
}

const INTROSPECTION: &str = "query IntrospectionQuery { __schema { queryType { name } mutationType { name } subscriptionType { name } types { ...FullType } directives { name description locations args { ...InputValue } } } }
fragment FullType on __Type { kind name description fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason } inputFields { ...InputValue } interfaces { ...TypeRef } enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason } possibleTypes { ...TypeRef } }
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }";

/// 35 fields a row: 3,500 at 100 rows is over the 3,000 limit, 1,750 at 50 is under.
const WIDE: &str = "query($first: Int) { organizations(first: $first) { nodes { id kind name { kk ru en } description { kk ru en } bin country region { code katoCode name { kk ru en } } scienceCity { id status name { en } } website createdAt updatedAt viewerRole members { role since user { email displayName } } } } }";

async fn connections_cost_in_proportion_to_first(app: TestApp) {
    let refused = app.gql(None, WIDE, json!({ "first": 100 })).await;
    assert_eq!(refused.error_code(), "BAD_USER_INPUT");
    let message = refused.body["errors"][0]["message"]
        .as_str()
        .expect("message");
    assert!(message.to_lowercase().contains("complex"), "{message}");
    let allowed = app.gql(None, WIDE, json!({ "first": 50 })).await;
    assert_eq!(allowed.data("/organizations/nodes"), &json!([]));
}

async fn deep_queries_are_refused(app: TestApp) {
    // 16 levels: organizations nodes (members user memberships organization) x 4, then email.
    let deep = "{ organizations { nodes { members { user { memberships { organization { members { user { memberships { organization { members { user { memberships { organization { members { user { email } } } } } } } } } } } } } } } } }";
    assert_eq!(
        app.gql(None, deep, json!({})).await.error_code(),
        "BAD_USER_INPUT"
    );
    let shallow =
        "{ organizations { nodes { members { user { memberships { organization { bin } } } } } } }";
    app.gql(None, shallow, json!({}))
        .await
        .data("/organizations");
}

async fn batches_are_refused_and_run_nothing(app: TestApp) {
    let register = |email: &str| json!({ "query": format!("mutation {{ register(input: {{ email: \"{email}\", password: \"correct horse battery\", displayName: \"B\" }}) {{ accessToken }} }}") });
    let response = app
        .client
        .post(format!("{}/graphql", app.base))
        .json(&json!([
            register("one@example.kz"),
            register("two@example.kz")
        ]))
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.count("SELECT COUNT(*) FROM user_account").await, 0);
}

/// `/readyz` answers 503 while migrations are pending and 200 once they are applied, without a
/// restart.
async fn readiness_requires_current_migrations(backend: Backend) {
    let app = TestApp::spawn_with(
        backend,
        Options {
            migration_steps: Some(2),
            ..Options::default()
        },
    )
    .await;
    let url = format!("{}/readyz", app.base);
    let pending = app.client.get(&url).send().await.expect("GET");
    assert_eq!(pending.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        pending.text().await.expect("text"),
        "database migrations pending"
    );
    migration::Migrator::up(&app.db, None)
        .await
        .expect("migrate");
    let ready = app.client.get(&url).send().await.expect("GET");
    assert_eq!(ready.status(), StatusCode::OK);
    let health = app.get("/healthz").await;
    assert_eq!(
        health.status(),
        StatusCode::OK,
        "liveness does not depend on the database"
    );
}

#[tokio::test]
async fn sqlite_readiness_requires_current_migrations() {
    readiness_requires_current_migrations(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_readiness_requires_current_migrations() {
    if let Some(backend) = Backend::postgres("readiness_requires_current_migrations") {
        readiness_requires_current_migrations(backend).await;
    }
}

/// `a0: __typename a1: __typename …`, `n` of them.
fn typename_aliases(n: usize) -> String {
    (0..n)
        .map(|i| format!("a{i}: __typename"))
        .collect::<Vec<_>>()
        .join(" ")
}

async fn selections_are_capped_counting_aliases_and_typename(app: TestApp) {
    let aliases = |n: usize| format!("{{ {} }}", typename_aliases(n));
    let refused = app.gql(None, &aliases(301), json!({})).await;
    assert_eq!(refused.error_code(), "BAD_USER_INPUT");
    assert!(
        refused.body["errors"][0]["message"]
            .as_str()
            .expect("message")
            .contains("more than 300 fields")
    );
    let allowed = app.gql(None, &aliases(300), json!({})).await;
    assert_eq!(allowed.data("/a299"), "Query");

    // A fragment spread many times counts every time.
    let spreads = format!(
        "{{ {} }} fragment R on Region {{ code name {{ kk ru en }} }}",
        (0..60)
            .map(|i| format!("r{i}: region(code: \"KZ-75\") {{ ...R }}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    assert_eq!(
        app.gql(None, &spreads, json!({})).await.error_code(),
        "BAD_USER_INPUT"
    );

    // A refused mutation never runs.
    let mutation = format!(
        "mutation {{ register(input: {{ email: \"cap@example.kz\", password: \"correct horse battery\", displayName: \"C\" }}) {{ accessToken }} {} }}",
        typename_aliases(300)
    );
    assert_eq!(
        app.gql(None, &mutation, json!({})).await.error_code(),
        "BAD_USER_INPUT"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM user_account").await, 0);
}

async fn directives_per_field_are_capped(app: TestApp) {
    let many = "{ regions @include(if: true) @include(if: true) @include(if: true) @include(if: true) @include(if: true) @include(if: true) { code } }";
    assert_eq!(
        app.gql(None, many, json!({})).await.error_code(),
        "BAD_USER_INPUT"
    );
    let few = "{ regions @include(if: true) @skip(if: false) { code } }";
    assert_eq!(
        app.gql(None, few, json!({}))
            .await
            .data("/regions")
            .as_array()
            .map(Vec::len),
        Some(20)
    );
}

crate::db_tests!(
    production_mode_hides_the_schema_but_keeps_typename,
    connections_cost_in_proportion_to_first,
    deep_queries_are_refused,
    batches_are_refused_and_run_nothing,
    selections_are_capped_counting_aliases_and_typename,
    directives_per_field_are_capped,
);

/// Past the per-user allowance a caller gets 429, `Retry-After` and `RATE_LIMITED`, and the
/// refused mutation does not run; another user on the same address is unaffected until the
/// address's own allowance runs out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_refuse_with_retry_after_and_run_nothing() {
    use kopir::app::rate_limit::RateLimitSettings;
    let options = Options {
        rate_limits: RateLimitSettings {
            per_subject_per_minute: 60,
            per_ip_per_minute: 200,
        },
        ..Options::default()
    };
    let app = TestApp::spawn_with(Backend::Sqlite, options).await;
    let alice = app.register("alice@example.kz").await;
    let bob = app.register("bob@example.kz").await;
    let create = |n: usize| {
        format!(
            "mutation {{ createScienceCity(input: {{ name: {{ en: \"C{n}\" }}, regionCode: \"KZ-75\" }}) {{ scienceCity {{ id }} }} }}"
        )
    };

    // A burst of 6 (a tenth of 60 a minute) passes; the 7th waits.
    for _ in 0..6 {
        app.gql(Some(&alice), "{ me { email } }", json!({}))
            .await
            .data("/me");
    }
    let response = app
        .client
        .post(format!("{}/graphql", app.base))
        .bearer_auth(&alice)
        .json(&json!({ "query": create(1) }))
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert_eq!(retry_after, 1, "one token refills in a second");
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM science_city").await,
        0,
        "the refused mutation did not run"
    );

    let other = app.gql(Some(&bob), "{ me { email } }", json!({})).await;
    assert_eq!(other.data("/me/email"), "bob@example.kz");

    // The address's allowance (a burst of 20) covers everyone on it, anonymous callers too.
    let mut refused = 0;
    for _ in 0..30 {
        let reply = app.gql(None, "{ regions { code } }", json!({})).await;
        if reply.status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(reply.error_code(), "RATE_LIMITED");
            refused += 1;
        }
    }
    assert!(
        refused >= 10,
        "only {refused} of 30 anonymous requests refused"
    );
    let health = app.get("/readyz").await;
    assert_eq!(
        health.status(),
        StatusCode::OK,
        "probes are never rate limited"
    );
}

/// A request still running at the timeout is answered 503 at the timeout, not whenever its
/// work ends: here a mutation waits on an SQLite write lock the test holds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_past_the_timeout_are_answered_at_the_timeout() {
    let options = Options {
        request_timeout: std::time::Duration::from_secs(1),
        ..Options::default()
    };
    let app = TestApp::spawn_with(Backend::Sqlite, options).await;
    let token = app.register("slow@example.kz").await;
    let lock = kopir::db::begin_write(&app.db).await.expect("write lock");
    let started = std::time::Instant::now();
    let reply = app
        .gql(
            Some(&token),
            "mutation { createOrganization(input: { kind: ENTERPRISE, name: { en: \"Slow\" }, bin: \"940140000385\", regionCode: \"KZ-75\" }) { organization { id } } }",
            json!({}),
        )
        .await;
    let waited = started.elapsed();
    lock.rollback().await.expect("release");
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(reply.error_code(), "INTERNAL");
    assert!(
        reply.body["errors"][0]["message"]
            .as_str()
            .expect("message")
            .contains("longer than 1 s")
    );
    assert!(
        waited >= std::time::Duration::from_millis(950)
            && waited < std::time::Duration::from_secs(3),
        "{waited:?}"
    );
    // The abandoned transaction never committed: the organisation and its membership are absent.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM organization").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM membership").await, 0);
}

/// A burst of sign-ins beyond what the hashing threads and their queue hold is refused at once
/// with 429, `RATE_LIMITED` and `Retry-After` — never queued without bound, never an internal
/// error — and the service signs people in again as soon as the burst has passed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_sign_ins_is_bounded_and_refused_with_retry_after() {
    let options = Options {
        password_hashing: Some((1, 2)),
        ..Options::default()
    };
    let app = std::sync::Arc::new(TestApp::spawn_with(Backend::Sqlite, options).await);
    app.register("burst@example.kz").await;
    let login = "mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken } }";
    let attempts: Vec<_> = (0..24)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move {
                let response = app
                    .client
                    .post(format!("{}/graphql", app.base))
                    .json(&json!({ "query": login, "variables": { "e": "burst@example.kz", "p": "correct horse battery" } }))
                    .send()
                    .await
                    .expect("sent");
                let status = response.status();
                let retry_after = response.headers().get("retry-after").cloned();
                let body: serde_json::Value = response.json().await.expect("JSON");
                (status, retry_after, body)
            })
        })
        .collect();
    let (mut signed_in, mut refused) = (0, 0);
    for attempt in attempts {
        let (status, retry_after, body) = attempt.await.expect("joined");
        match body["errors"][0]["extensions"]["code"].as_str() {
            None => {
                assert_eq!(status, StatusCode::OK);
                assert!(body["data"]["login"]["accessToken"].is_string(), "{body:#}");
                signed_in += 1;
            }
            Some("RATE_LIMITED") => {
                assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body:#}");
                assert_eq!(retry_after.expect("Retry-After"), "1");
                assert_eq!(body["errors"][0]["extensions"]["retryAfter"], 1);
                refused += 1;
            }
            Some(other) => panic!("{other}: {body:#}"),
        }
    }
    // One thread and two places in the queue: at least three of the burst got through, and
    // with 24 at once some cannot have.
    assert!(signed_in >= 3, "signed in {signed_in}");
    assert!(refused > 0, "none refused of 24");
    assert_eq!(signed_in + refused, 24);
    let after = app.login("burst@example.kz", "correct horse battery").await;
    assert!(after.data("/login/accessToken").is_string());
}

/// Writers on one SQLite file wait for each other in arrival order (SQLite's own busy handler
/// polls with growing sleeps, so the latest arrival often won), and a writer on another file
/// does not wait for them at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_writers_take_turns_in_arrival_order() {
    use sea_orm::ConnectionTrait as _;
    let dir = tempfile::tempdir().expect("temporary directory");
    let open = |name: &str| {
        let url = format!("sqlite://{}", dir.path().join(name).display());
        async move { kopir::db::connect(&url, 8).await.expect("database") }
    };
    let (db, other) = (open("turns.db").await, open("other.db").await);
    db.execute_unprepared("CREATE TABLE turn (writer INTEGER NOT NULL)")
        .await
        .expect("table");
    let held = kopir::db::begin_write(&db).await.expect("first writer");
    let mut writers = Vec::new();
    for writer in 1..=6 {
        let db = db.clone();
        writers.push(tokio::spawn(async move {
            let txn = kopir::db::begin_write(&db).await.expect("a turn");
            txn.execute_unprepared(&format!("INSERT INTO turn VALUES ({writer})"))
                .await
                .expect("insert");
            txn.commit().await.expect("commit");
        }));
        // Arrivals 20 ms apart, so their order is defined.
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let elsewhere = tokio::time::timeout(
        std::time::Duration::from_secs(1),
        kopir::db::begin_write(&other),
    )
    .await
    .expect("another file's writer does not wait")
    .expect("its transaction");
    elsewhere.rollback().await.expect("rollback");
    held.rollback().await.expect("rollback");
    for writer in writers {
        writer.await.expect("writer");
    }
    let order: Vec<i64> = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT writer FROM turn ORDER BY rowid",
        ))
        .await
        .expect("rows")
        .iter()
        .map(|row| row.try_get_by_index(0).expect("writer"))
        .collect();
    assert_eq!(order, [1, 2, 3, 4, 5, 6]);
}

/// A writer kept waiting for its turn past the busy timeout is told the database is
/// unavailable (worth retrying), as SQLite's own busy timeout is reported.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_writer_kept_waiting_past_the_busy_timeout_hears_the_database_is_unavailable() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite://{}", dir.path().join("busy.db").display());
    let db = kopir::db::connect(&url, 2).await.expect("database");
    let held = kopir::db::begin_write(&db).await.expect("first writer");
    let Err(late) = kopir::db::begin_write(&db).await else {
        panic!("a second writer got in while the first held the database");
    };
    assert_eq!(
        kopir::error::AppError::from(late).code(),
        kopir::error::ErrorCode::DbUnavailable
    );
    held.rollback().await.expect("rollback");
}
