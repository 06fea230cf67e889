//! Portfolios over HTTP on both databases: one shared item per project, exact values back,
//! validation that writes nothing, members-only items hidden from strangers, rights to change.

use serde_json::{Value, json};

use crate::helpers::{TestApp, bins};

const ADD: &str =
    "mutation($input: AddPortfolioItemInput!) { addPortfolioItem(input: $input) { item { id } } }";
const UPDATE: &str = "mutation($input: UpdatePortfolioItemInput!) { updatePortfolioItem(input: $input) { item { id title { en } year funder amount { amount } participants { role organization { id } } } } }";
const REMOVE: &str = "mutation($id: ID!) { removePortfolioItem(input: { id: $id }) { removedId } }";
const LIST: &str = "query($org: ID!) { node(id: $org) { ... on Organization { portfolio(first: 10) { totalCount nodes { id kind title { en ru } abstract { en } year startDate endDate funder programme amount { amount currency } fieldsOfScience keywords source externalId membersOnly participants { role organization { id } } } } } } }";
const ITEM: &str =
    "query($id: ID!) { node(id: $id) { ... on PortfolioItem { title { en } abstract { en } } } }";

/// Three organisations: A (whose member records the work), B (a partner in it) and C (a
/// stranger), with their members' tokens.
struct World {
    a: (String, String),
    b: (String, String),
    c: (String, String),
}

async fn world(app: &TestApp) -> World {
    let bins = bins(3);
    let mut orgs = Vec::new();
    for (i, email) in ["a@a.kz", "b@b.kz", "c@c.kz"].into_iter().enumerate() {
        let token = app.register(email).await;
        let org = app.create_org(&token, &format!("Org {i}"), &bins[i]).await;
        orgs.push((token, org));
    }
    let mut orgs = orgs.into_iter();
    let mut next = || orgs.next().expect("three organisations");
    World {
        a: next(),
        b: next(),
        c: next(),
    }
}

fn project(w: &World, members_only: bool) -> Value {
    json!({
        "kind": "PROJECT",
        "title": { "en": "Catalysts for heavy oil", "ru": "Катализаторы для тяжёлой нефти" },
        "abstract": { "en": "Hydrocracking catalysts tested at pilot scale." },
        "year": 2017, "startDate": "2017-01-01", "endDate": "2019-12-31",
        "funder": "European Commission", "programme": "H2020-LCE",
        "amount": "1500000.50", "fieldsOfScience": ["2.4"], "keywords": ["catalyst", "catalyst"],
        "source": "cordis", "externalId": "764675", "membersOnly": members_only,
        "participants": [
            { "organizationId": w.a.1, "role": "COORDINATOR" },
            { "organizationId": w.b.1 },
        ],
    })
}

async fn items(app: &TestApp, token: Option<&str>, org: &str) -> Value {
    app.gql(token, LIST, json!({ "org": org }))
        .await
        .data("/node/portfolio")
        .clone()
}

async fn a_shared_project_is_one_item_listed_for_every_participant(app: TestApp) {
    let w = world(&app).await;
    let id = app
        .gql(Some(&w.a.0), ADD, json!({ "input": project(&w, false) }))
        .await
        .data("/addPortfolioItem/item/id")
        .clone();
    assert_eq!(app.count("SELECT COUNT(*) FROM portfolio_item").await, 1);
    let expected = json!({
        "id": id, "kind": "PROJECT",
        "title": { "en": "Catalysts for heavy oil", "ru": "Катализаторы для тяжёлой нефти" },
        "abstract": { "en": "Hydrocracking catalysts tested at pilot scale." },
        "year": 2017, "startDate": "2017-01-01", "endDate": "2019-12-31",
        "funder": "European Commission", "programme": "H2020-LCE",
        "amount": { "amount": "1500000.50", "currency": "KZT" },
        "fieldsOfScience": ["2.4"], "keywords": ["catalyst"],
        "source": "cordis", "externalId": "764675", "membersOnly": false,
        "participants": [
            { "role": "COORDINATOR", "organization": { "id": w.a.1 } },
            { "role": "PARTICIPANT", "organization": { "id": w.b.1 } },
        ],
    });
    // The same item on both participants' portfolios, and to an anonymous reader.
    for (token, org) in [(Some(w.a.0.as_str()), &w.a.1), (None, &w.b.1)] {
        let page = items(&app, token, org).await;
        assert_eq!(page["totalCount"], 1);
        assert_eq!(page["nodes"], json!([expected.clone()]));
    }
    assert_eq!(items(&app, None, &w.c.1).await["totalCount"], 0);

    // The partner may change it; omitted fields stay, null clears.
    let changed = app
        .gql(Some(&w.b.0), UPDATE, json!({ "input": { "id": id, "title": { "en": "Heavy-oil catalysts" }, "funder": null, "amount": "2000000" } }))
        .await;
    assert_eq!(
        changed.data("/updatePortfolioItem/item"),
        &json!({ "id": id, "title": { "en": "Heavy-oil catalysts" }, "year": 2017, "funder": null,
                 "amount": { "amount": "2000000.00" },
                 "participants": [
                     { "role": "COORDINATOR", "organization": { "id": w.a.1 } },
                     { "role": "PARTICIPANT", "organization": { "id": w.b.1 } },
                 ] })
    );

    // The same external id from the same source is the same record: refused, nothing written.
    let again = app
        .gql(Some(&w.a.0), ADD, json!({ "input": project(&w, false) }))
        .await;
    assert_eq!(again.error_code(), "BAD_USER_INPUT");
    assert_eq!(again.error_field(), Some("externalId"));
    assert_eq!(app.count("SELECT COUNT(*) FROM portfolio_item").await, 1);

    // A stranger may neither change nor remove it; a participant removes it for everyone.
    let foreign = app.gql(Some(&w.c.0), REMOVE, json!({ "id": id })).await;
    assert_eq!(foreign.error_code(), "FORBIDDEN");
    let removed = app.gql(Some(&w.a.0), REMOVE, json!({ "id": id })).await;
    assert_eq!(removed.data("/removePortfolioItem/removedId"), &id);
    assert_eq!(app.count("SELECT COUNT(*) FROM portfolio_item").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM portfolio_participant")
            .await,
        0
    );
    assert_eq!(items(&app, None, &w.b.1).await["totalCount"], 0);
}

async fn invalid_items_are_refused_with_the_field_and_write_nothing(app: TestApp) {
    let w = world(&app).await;
    let long = "x".repeat(20_001);
    let with = |change: Value| {
        let mut input = project(&w, false);
        for (k, v) in change.as_object().expect("object") {
            input[k] = v.clone();
        }
        input
    };
    for (input, field, code) in [
        (
            with(json!({ "title": { "en": "  " } })),
            Some("title"),
            "BAD_USER_INPUT",
        ),
        (
            with(json!({ "abstract": { "en": long } })),
            Some("abstract"),
            "BAD_USER_INPUT",
        ),
        (
            with(json!({ "year": 1850 })),
            Some("year"),
            "BAD_USER_INPUT",
        ),
        (
            with(json!({ "startDate": "2020-01-01" })),
            Some("endDate"),
            "BAD_USER_INPUT",
        ),
        (
            with(json!({ "amount": "-5" })),
            Some("amount"),
            "BAD_USER_INPUT",
        ),
        (
            with(json!({ "fieldsOfScience": ["9.9"] })),
            Some("fieldsOfScience"),
            "BAD_USER_INPUT",
        ),
        (
            with(json!({ "source": null })),
            Some("source"),
            "BAD_USER_INPUT",
        ),
        (
            with(json!({ "participants": [] })),
            Some("participants"),
            "BAD_USER_INPUT",
        ),
        (
            with(
                json!({ "participants": [{ "organizationId": w.a.1 }, { "organizationId": w.a.1 }] }),
            ),
            Some("participants"),
            "BAD_USER_INPUT",
        ),
        // Work of other organisations only is not the caller's to record.
        (
            with(
                json!({ "participants": [{ "organizationId": w.b.1 }, { "organizationId": w.c.1 }] }),
            ),
            None,
            "FORBIDDEN",
        ),
    ] {
        let reply = app.gql(Some(&w.a.0), ADD, json!({ "input": input })).await;
        assert_eq!(reply.error_code(), code, "{input}");
        assert_eq!(reply.error_field(), field, "{input}");
    }
    let anonymous = app
        .gql(None, ADD, json!({ "input": project(&w, false) }))
        .await;
    assert_eq!(anonymous.error_code(), "UNAUTHENTICATED");
    assert_eq!(app.count("SELECT COUNT(*) FROM portfolio_item").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM portfolio_participant")
            .await,
        0
    );
}

async fn a_members_only_item_is_hidden_from_strangers(app: TestApp) {
    let w = world(&app).await;
    let id = app
        .gql(Some(&w.a.0), ADD, json!({ "input": project(&w, true) }))
        .await
        .data("/addPortfolioItem/item/id")
        .clone();
    let admin = app.admin().await;
    // Participants' members and platform admins read it …
    for token in [&w.a.0, &w.b.0, &admin] {
        assert_eq!(items(&app, Some(token), &w.a.1).await["totalCount"], 1);
        let read = app.gql(Some(token), ITEM, json!({ "id": id })).await;
        assert_eq!(read.data("/node/title/en"), "Catalysts for heavy oil");
    }
    // … a stranger and an anonymous caller see neither the item nor that it exists.
    for token in [Some(w.c.0.as_str()), None] {
        let page = items(&app, token, &w.a.1).await;
        assert_eq!(page, json!({ "totalCount": 0, "nodes": [] }));
        let read = app.gql(token, ITEM, json!({ "id": id })).await;
        assert_eq!(read.data("/node"), &Value::Null);
        let change = app
            .gql(
                token,
                UPDATE,
                json!({ "input": { "id": id, "year": 2018 } }),
            )
            .await;
        let expected = if token.is_some() {
            "NOT_FOUND"
        } else {
            "UNAUTHENTICATED"
        };
        assert_eq!(change.error_code(), expected);
    }
}

crate::db_tests!(
    a_shared_project_is_one_item_listed_for_every_participant,
    invalid_items_are_refused_with_the_field_and_write_nothing,
    a_members_only_item_is_hidden_from_strangers,
);
