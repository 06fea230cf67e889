//! The example operations in `tests/operations/` — the ones a frontend team writes first, one
//! file per area, linked from the README — run against the demo world over real HTTP, signed in
//! as the demo enterprise. Each must answer without errors, and every list it asks for must
//! hold something: an example that shows an empty screen teaches nothing. (`.ci/run` also
//! validates them with graphql-js and generates TypeScript types from them.)

use std::path::{Path, PathBuf};

use async_graphql::parser::{parse_query, types::DocumentOperations};
use chrono::Datelike as _;
use kopir::domain::demo;
use serde_json::{Map, Value, json};

use crate::helpers::TestApp;

/// The example files, sorted by name.
fn files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/operations");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "graphql"))
        .collect();
    files.sort();
    files
}

/// The named operations of a document, each with the variables it declares: `(name, required)`
/// for those without a default.
type Declared = Vec<(String, bool)>;

fn operations(document: &str, file: &Path) -> Vec<(String, Declared)> {
    let parsed = parse_query(document).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let DocumentOperations::Multiple(named) = parsed.operations else {
        panic!("{}: every example operation has a name", file.display());
    };
    let mut out: Vec<(String, Declared)> = named
        .iter()
        .map(|(name, op)| {
            let declared = op
                .node
                .variable_definitions
                .iter()
                .map(|v| {
                    let v = &v.node;
                    let required = v.default_value.is_none() && !v.var_type.node.nullable;
                    (v.name.node.to_string(), required)
                })
                .collect();
            (name.to_string(), declared)
        })
        .collect();
    out.sort();
    out
}

/// Paths of the lists in `value` that are empty.
fn empty_lists(value: &Value, path: &str, out: &mut Vec<String>) {
    match value {
        Value::Array(items) if items.is_empty() => out.push(path.to_owned()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                empty_lists(item, &format!("{path}/{i}"), out);
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                empty_lists(item, &format!("{path}/{key}"), out);
            }
        }
        _ => {}
    }
}

async fn example_operations_run_against_the_demo_world(app: TestApp) {
    demo::seed(&app.services).await.expect("demo seeded");
    let (email, _) = demo::ACCOUNTS[3];
    let token = app.token(email, demo::PASSWORD).await;
    let token = Some(token.as_str());
    let first_id = |reply: &crate::helpers::Reply, pointer: &str| {
        reply
            .data(pointer)
            .as_str()
            .unwrap_or_else(|| panic!("no {pointer}: {:#}", reply.body))
            .to_owned()
    };
    let me = app
        .gql(
            token,
            "{ me { memberships { organization { id } } } }",
            json!({}),
        )
        .await;
    let organization = first_id(&me, "/me/memberships/0/organization/id");
    let mine = app
        .gql(
            token,
            "query($o: ID!) { needs(first: 1, filter: { organizationId: $o }) { nodes { id } } deals(first: 1) { nodes { id } } sessions(first: 1) { nodes { id scienceCity { id } } } }",
            json!({ "o": organization }),
        )
        .await;
    // Every variable an example may declare, from the demo world.
    let pool = json!({
        "email": email,
        "password": demo::PASSWORD,
        "organizationId": organization,
        "needId": first_id(&mine, "/needs/nodes/0/id"),
        "dealId": first_id(&mine, "/deals/nodes/0/id"),
        "sessionId": first_id(&mine, "/sessions/nodes/0/id"),
        "scienceCityId": first_id(&mine, "/sessions/nodes/0/scienceCity/id"),
        "year": chrono::Utc::now().year(),
    });

    let mut names = Vec::new();
    for file in files() {
        let document = std::fs::read_to_string(&file).expect("readable");
        for (name, declared) in operations(&document, &file) {
            // A variable the pool knows is passed; one it does not must be optional.
            let mut variables = Map::new();
            for (variable, required) in declared {
                match pool.get(&variable) {
                    Some(value) => {
                        variables.insert(variable, value.clone());
                    }
                    None => assert!(
                        !required,
                        "{name} in {}: no demo value for ${variable}",
                        file.display()
                    ),
                }
            }
            let (status, body) = app
                .post_json(
                    token,
                    json!({ "query": document, "operationName": name, "variables": variables }),
                )
                .await;
            assert!(
                status.is_success() && body.get("errors").is_none(),
                "{name} in {}: {status} {body:#}",
                file.display()
            );
            let data = body["data"].as_object().expect("data");
            assert!(
                data.values().all(|v| !v.is_null()),
                "{name}: a root field is null: {body:#}"
            );
            let mut empty = Vec::new();
            empty_lists(&body["data"], "", &mut empty);
            assert!(empty.is_empty(), "{name}: empty lists at {empty:?}");
            names.push(name);
        }
    }
    // Operation names are what generated client code is keyed by: one per name.
    let count = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), count, "operation names repeat across files");
    assert!(count >= 15, "only {count} example operations");
}

crate::db_tests!(example_operations_run_against_the_demo_world);
