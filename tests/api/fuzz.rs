//! A fuzz run over GraphQL inputs (property-based, `proptest`): seed operations from
//! `tests/fuzz/seeds.graphql`, their text mutated and their variables replaced by hostile
//! values, sent over HTTP with and without credentials. No response may be a 5xx, every error
//! must carry a code, and none may show internals. Failing inputs are kept by proptest in
//! `tests/api/fuzz.proptest-regressions` and replayed first on later runs;
//! `PROPTEST_CASES=20000` runs longer.

use proptest::{
    prelude::*,
    test_runner::{Config, FileFailurePersistence, TestRunner},
};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, bins};

const SEEDS: &str = include_str!("../fuzz/seeds.graphql");

/// Text that must never reach a client.
const LEAKS: [&str; 14] = [
    "SELECT",
    "INSERT",
    "UPDATE ",
    "sqlx",
    "sea_orm",
    "SqlxError",
    "/work/",
    "/root/",
    "/tmp/",
    ".rs:",
    "panicked",
    "constraint",
    "user_account",
    "RUST_BACKTRACE",
];

fn seeds() -> Vec<String> {
    SEEDS
        .split("# ---")
        .map(|block| {
            block
                .lines()
                .filter(|l| !l.starts_with('#'))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .filter(|s| !s.trim().is_empty())
        .collect()
}

/// Hostile JSON: odd strings (Kazakh letters, control characters, huge), extreme numbers,
/// nesting, and every JSON type where another is expected.
fn hostile_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        Just(json!(u64::MAX)),
        "\\PC{0,40}".prop_map(Value::String),
        Just(json!("әғқңөұүһі ҚАЗАҚСТАН 940140000385")),
        Just(json!("KZ-75")),
        Just(json!("\u{0}\u{1b}[31m' OR 1=1 --")),
        (1usize..200_000).prop_map(|n| json!("x".repeat(n))),
        Just(json!("T3JnYW5pemF0aW9uOjE")),
        Just(json!("TmVlZDox")),
        Just(json!("Q2FwYWJpbGl0eTox")),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::hash_map("[a-zA-Z]{1,12}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, String),
    Delete(usize, usize),
    Duplicate(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (
            any::<usize>(),
            prop_oneof!["[{}()\\[\\]:$@!.,\"#]{1,3}", "[a-zA-Z_]{1,8}", "\\PC{1,4}"]
        )
            .prop_map(|(at, s)| Edit::Insert(at, s)),
        (any::<usize>(), 1usize..20).prop_map(|(at, n)| Edit::Delete(at, n)),
        (any::<usize>(), 1usize..60).prop_map(|(at, n)| Edit::Duplicate(at, n)),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for edit in edits {
        let len = chars.len().max(1);
        match edit {
            Edit::Insert(at, s) => {
                let at = at % len;
                chars.splice(at..at, s.chars());
            }
            Edit::Delete(at, n) => {
                let at = at % len;
                let end = (at + n).min(chars.len());
                chars.drain(at.min(end)..end);
            }
            Edit::Duplicate(at, n) => {
                let at = at % len;
                let end = (at + n).min(chars.len());
                let copy: Vec<char> = chars[at.min(end)..end].to_vec();
                chars.splice(end..end, copy);
            }
        }
    }
    chars.into_iter().collect()
}

#[derive(Debug, Clone)]
struct Case {
    seed: usize,
    edits: Vec<Edit>,
    variables: Value,
    operation_name: Option<String>,
    auth: u8,
}

fn case(seed_count: usize) -> impl Strategy<Value = Case> {
    (
        0..seed_count,
        prop::collection::vec(edit(), 0..4),
        prop::collection::hash_map("[a-zA-Z]{1,6}", hostile_value(), 0..5),
        prop::option::of("[A-Za-z]{0,10}"),
        0u8..3,
    )
        .prop_map(|(seed, edits, vars, operation_name, auth)| Case {
            seed,
            edits,
            variables: Value::Object(vars.into_iter().collect()),
            operation_name,
            auth,
        })
}

#[test]
fn fuzzed_graphql_inputs_never_get_a_5xx_or_leak_internals() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let seeds = seeds();
    assert!(seeds.len() >= 15, "seed corpus too small: {}", seeds.len());
    let (app, token) = runtime.block_on(async {
        let app = TestApp::spawn(Backend::Sqlite).await;
        let token = app.register("fuzz@example.kz").await;
        let org = app.create_org(&token, "Fuzz", &bins(1)[0]).await;
        // Need:1 and Capability:1 exist, so fuzzed IDs reach the matching code paths.
        app.gql(
            Some(&token),
            "mutation($org: ID!) { postNeed(input: { organizationId: $org, title: { ru: \"Катализатор нефти\" }, fieldsOfScience: [\"2.4\"], budgetMax: \"1000000\", confidentiality: TEASER }) { need { id } } }",
            serde_json::json!({ "org": org }),
        )
        .await
        .data("/postNeed/need/id");
        app.gql(
            Some(&token),
            "mutation($org: ID!) { postCapability(input: { organizationId: $org, title: { kk: \"Мұнай катализаторы\" }, fieldsOfScience: [\"2.4\"] }) { capability { id } } }",
            serde_json::json!({ "org": org }),
        )
        .await
        .data("/postCapability/capability/id");
        (app, token)
    });
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(400);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        source_file: Some(file!()),
        ..Config::default()
    });
    let result = runner.run(&case(seeds.len()), |case| {
        let query = apply(&seeds[case.seed], &case.edits);
        let mut body = json!({ "query": query, "variables": case.variables });
        if let Some(name) = &case.operation_name {
            body["operationName"] = json!(name);
        }
        let oversized = body.to_string().len() > kopir::app::MAX_BODY_BYTES;
        let send = |client: &reqwest::Client| {
            let mut request = client.post(format!("{}/graphql", app.base)).json(&body);
            request = match case.auth {
                0 => request,
                1 => request.bearer_auth(&token),
                _ => request.bearer_auth("garbage.token.value"),
            };
            runtime.block_on(async {
                let response = request.send().await?;
                let status = response.status();
                Ok::<_, reqwest::Error>((status, response.text().await?))
            })
        };
        let (status, text) = match send(&app.client) {
            Ok(reply) => reply,
            // An oversized body is refused before it is read and the connection closed; a client
            // still writing may see the close instead of the 413. Every other body gets an answer.
            Err(_) if oversized => return Ok(()),
            // A pooled connection can fail under heavy load (seen once in a full CI run, never
            // reproduced alone). The server must still answer on a fresh connection, so the
            // case is sent again once; the first error is printed, not hidden.
            Err(first) => match send(&reqwest::Client::new()) {
                Ok(reply) => {
                    eprintln!(
                        "transport error on a pooled connection, answered on a fresh one: {first:?}"
                    );
                    reply
                }
                Err(second) => {
                    return Err(TestCaseError::fail(format!(
                        "no answer for {body}: {first:?}; again on a fresh connection: {second:?}"
                    )));
                }
            },
        };
        prop_assert!(!status.is_server_error(), "{status} for {body}: {text}");
        for leak in LEAKS {
            prop_assert!(!text.contains(leak), "{leak:?} leaked for {body}: {text}");
        }
        let parsed: Value = serde_json::from_str(&text)
            .map_err(|e| TestCaseError::fail(format!("not JSON ({e}): {text}")))?;
        for error in parsed["errors"].as_array().into_iter().flatten() {
            prop_assert!(
                error["extensions"]["code"].is_string(),
                "error without code for {body}: {error}"
            );
        }
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}
