//! Connections: keyset pages without duplicates or gaps, bounded page sizes, and a bounded
//! number of SQL statements for nested queries whatever the page size.

use std::collections::HashSet;

use serde_json::json;

use crate::helpers::{Backend, TestApp, bins};

const PAGE: &str = "query($first: Int, $after: String) { organizations(first: $first, after: $after) { totalCount edges { cursor node { id bin } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";

/// Registers `count` organisations through the API, several requests at a time.
async fn create_organisations(app: &TestApp, token: &str, count: usize) -> Vec<String> {
    const CREATE: &str = "mutation($bin: String!) { createOrganization(input: { kind: ENTERPRISE, name: { en: \"Org\" }, bin: $bin, regionCode: \"KZ-75\" }) { organization { bin } } }";
    let all = bins(count);
    for chunk in all.chunks(10) {
        let tasks: Vec<_> = chunk
            .iter()
            .map(|bin| app.spawn_gql(Some(token.to_owned()), CREATE, json!({ "bin": bin })))
            .collect();
        for task in tasks {
            task.await
                .expect("request task")
                .data("/createOrganization/organization/bin");
        }
    }
    all
}

async fn walks_250_organisations_in_pages_of_100(app: TestApp) {
    let token = app.register("pager@example.kz").await;
    let created: HashSet<String> = create_organisations(&app, &token, 250)
        .await
        .into_iter()
        .collect();

    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    let mut sizes = Vec::new();
    loop {
        let reply = app
            .gql(None, PAGE, json!({ "first": 100, "after": after }))
            .await;
        let page = reply.data("/organizations");
        assert_eq!(page["totalCount"], 250);
        assert_eq!(page["pageInfo"]["hasPreviousPage"], after.is_some());
        let edges = page["edges"].as_array().expect("edges");
        sizes.push(edges.len());
        assert_eq!(page["pageInfo"]["startCursor"], edges[0]["cursor"]);
        assert_eq!(
            page["pageInfo"]["endCursor"],
            edges[edges.len() - 1]["cursor"]
        );
        seen.extend(
            edges
                .iter()
                .map(|e| e["node"]["bin"].as_str().expect("bin").to_owned()),
        );
        if page["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = Some(
            page["pageInfo"]["endCursor"]
                .as_str()
                .expect("cursor")
                .to_owned(),
        );
    }
    assert_eq!(sizes, [100, 100, 50]);
    let unique: HashSet<String> = seen.iter().cloned().collect();
    assert_eq!(seen.len(), 250, "no duplicates");
    assert_eq!(unique, created, "no gaps");

    // A page past the end is empty, not an error.
    let last = app
        .gql(None, PAGE, json!({ "first": 100, "after": after }))
        .await;
    let last_cursor = last.data("/organizations/pageInfo/endCursor").clone();
    let beyond = app
        .gql(None, PAGE, json!({ "first": 100, "after": last_cursor }))
        .await;
    assert_eq!(beyond.data("/organizations/edges"), &json!([]));
    assert_eq!(beyond.data("/organizations/pageInfo/hasNextPage"), false);
}

async fn page_sizes_and_cursors_are_checked(app: TestApp) {
    for (first, after) in [
        (json!(101), json!(null)),
        (json!(-1), json!(null)),
        (json!(10), json!("bogus")),
    ] {
        let reply = app
            .gql(None, PAGE, json!({ "first": first, "after": after }))
            .await;
        assert_eq!(
            reply.error_code(),
            "BAD_USER_INPUT",
            "first {first}, after {after}"
        );
    }
    let empty = app.gql(None, PAGE, json!({ "first": 0 })).await;
    assert_eq!(empty.data("/organizations/edges"), &json!([]));
}

/// A nested query costs the same statements whatever the page size: the caller's access (user,
/// memberships), the page, the count, then one batch per relation (regions, memberships, users,
/// the users' memberships, their organisations; no organisation has a science city here, so that
/// loader never queries). An N+1 would add statements per row.
///
/// Exactly nine, at every size and however busy the machine: a loader's batch is read once the
/// request has been polled as far as it goes, not after a time window a slow debug build can
/// outlast, so a batch is never split.
async fn nested_queries_cost_a_bounded_number_of_statements(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let mut all = bins(100).into_iter();
    for user in ["a@x.kz", "b@x.kz", "c@x.kz", "d@x.kz"] {
        let token = app.register(user).await;
        for bin in all.by_ref().take(25) {
            app.create_org(&token, "Org", &bin).await;
        }
    }
    let nested = "query($first: Int) { organizations(first: $first) { totalCount nodes { name { en } region { code name { ru } } scienceCity { id } members { role since user { email memberships { role organization { bin } } } } } } }";
    for first in [5, 50, 100] {
        app.settle().await;
        app.take_statements();
        let reply = app
            .gql(Some(&admin), nested, json!({ "first": first }))
            .await;
        let nodes = reply
            .data("/organizations/nodes")
            .as_array()
            .expect("nodes");
        assert_eq!(nodes.len(), first);
        assert!(
            nodes
                .iter()
                .all(|n| n["members"].as_array().is_some_and(|m| m.len() == 1))
        );
        let statements = app.take_request_statements();
        assert_eq!(statements.len(), 9, "page of {first}: {statements:#?}");
        // What is not shown is not read: no member's password hash, and the count is a
        // plain `COUNT(*)`, not a count over a sub-select of whole rows.
        let users: Vec<&String> = statements
            .iter()
            .filter(|s| s.contains("FROM \"user_account\""))
            .collect();
        assert!(!users.is_empty(), "{statements:#?}");
        assert!(
            users
                .iter()
                .all(|s| !s.contains("\"user_account\".\"password_hash\"")),
            "{users:#?}"
        );
        assert!(
            statements
                .iter()
                .any(|s| s.starts_with("SELECT COUNT(*) FROM \"organization\"")),
            "{statements:#?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_nested_queries_cost_a_bounded_number_of_statements() {
    nested_queries_cost_a_bounded_number_of_statements(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_nested_queries_cost_a_bounded_number_of_statements() {
    if let Some(backend) = Backend::postgres("nested_queries_cost_a_bounded_number_of_statements") {
        nested_queries_cost_a_bounded_number_of_statements(backend).await;
    }
}

crate::db_tests!(
    walks_250_organisations_in_pages_of_100,
    page_sizes_and_cursors_are_checked
);
