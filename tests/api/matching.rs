//! Needs, capabilities and the explained matching resolvers, over HTTP on both databases.

use serde_json::{Value, json};

use reqwest::StatusCode;

use crate::helpers::{Backend, Options, TestApp, bins};

const CREATE_ORG: &str = "mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }";
const POST_NEED: &str = "mutation($input: PostNeedInput!) { postNeed(input: $input) { need { id status teaserOnly } } }";
const POST_CAPABILITY: &str = "mutation($input: PostCapabilityInput!) { postCapability(input: $input) { capability { id } } }";
const MATCHES: &str = "query($id: ID!) { matchesForNeed(needId: $id, first: 50) { score reasons capability { id title { text } } factors { name weight value contribution detail } } }";
const EXPLAIN: &str = "query($n: ID!, $c: ID!) { explainMatch(needId: $n, capabilityId: $c) { score reasons factors { name contribution } } }";

/// A signed-in member of a fresh organisation.
struct Member {
    token: String,
    org: String,
}

async fn member(app: &TestApp, email: &str, kind: &str, region: &str, bin: &str) -> Member {
    let token = app.register(email).await;
    let org = app
        .gql(
            Some(&token),
            CREATE_ORG,
            json!({ "input": { "kind": kind, "name": { "en": email }, "bin": bin, "regionCode": region } }),
        )
        .await
        .data("/createOrganization/organization/id")
        .as_str()
        .expect("id")
        .to_owned();
    Member { token, org }
}

async fn post_capability(app: &TestApp, m: &Member, fields: Value) -> String {
    let mut input = fields;
    input["organizationId"] = json!(m.org);
    app.gql(Some(&m.token), POST_CAPABILITY, json!({ "input": input }))
        .await
        .data("/postCapability/capability/id")
        .as_str()
        .expect("id")
        .to_owned()
}

async fn post_need(app: &TestApp, m: &Member, fields: Value) -> String {
    let mut input = fields;
    input["organizationId"] = json!(m.org);
    app.gql(Some(&m.token), POST_NEED, json!({ "input": input }))
        .await
        .data("/postNeed/need/id")
        .as_str()
        .expect("id")
        .to_owned()
}

/// An enterprise in Karaganda, a Kazakh-writing university in Karaganda, an English-writing one
/// in Almaty and one working on something else.
struct World {
    enterprise: Member,
    kazakh: Member,
    english: Member,
    other: Member,
    need: String,
}

async fn world(app: &TestApp) -> World {
    let b = bins(4);
    let enterprise = member(app, "cto@qarmet.kz", "ENTERPRISE", "KZ-35", &b[0]).await;
    let kazakh = member(app, "lab@buketov.kz", "UNIVERSITY", "KZ-35", &b[1]).await;
    let english = member(app, "tto@nu.kz", "UNIVERSITY", "KZ-75", &b[2]).await;
    let other = member(app, "agro@kaznau.kz", "UNIVERSITY", "KZ-75", &b[3]).await;
    let need = post_need(
        app,
        &enterprise,
        json!({
            "title": { "ru": "Катализатор для глубокой переработки тяжёлой нефти" },
            "description": { "ru": "Ищем катализатор гидрокрекинга тяжёлой нефти с высоким содержанием серы; нужны лабораторные испытания и опытная партия." },
            "keywords": ["катализатор", "гидрокрекинг", "нефтепереработка"],
            "fieldsOfScience": ["2.4"],
            "trlMin": 4, "trlMax": 7,
            "budgetMin": "20000000", "budgetMax": "60000000.50",
            "sector": "MINING",
            "requirements": ["испытания на реальном сырье"],
        }),
    )
    .await;
    World {
        enterprise,
        kazakh,
        english,
        other,
        need,
    }
}

async fn a_russian_need_finds_kazakh_and_english_capabilities_first(app: TestApp) {
    let w = world(&app).await;
    let kk = post_capability(&app, &w.kazakh, json!({
        "title": { "kk": "Ауыр мұнайды терең өңдеуге арналған катализаторлар" },
        "description": { "kk": "Күкірті жоғары ауыр мұнайды гидрокрекингтеу катализаторларын әзірлеу және зертханалық сынақтар." },
        "keywords": ["катализатор", "мұнай өңдеу"],
        "fieldsOfScience": ["2.4"], "trl": 5, "priceMin": "15000000", "priceMax": "40000000", "capacity": 2,
    })).await;
    let en = post_capability(&app, &w.english, json!({
        "title": { "en": "Catalysts for heavy oil hydrocracking and refining" },
        "description": { "en": "We design and test hydrocracking catalysts for sulphur-rich heavy crude, from laboratory trials to pilot batches." },
        "keywords": ["catalyst", "hydrocracking", "oil refining"],
        "fieldsOfScience": ["2.4"], "trl": 6, "capacity": 3,
    })).await;
    let wheat = post_capability(&app, &w.other, json!({
        "title": { "kk": "Бидайды суару технологиялары" },
        "description": { "kk": "Құрғақ аймақтарда бидай өнімділігін арттыратын тамшылатып суару." },
        "fieldsOfScience": ["4.1"], "trl": 7, "capacity": 5,
    })).await;
    let imaging = post_capability(
        &app,
        &w.other,
        json!({
            "title": { "en": "Machine learning for medical imaging" },
            "description": { "en": "Neural networks that read CT and MRI scans for hospitals." },
            "fieldsOfScience": ["3.1"], "trl": 6, "capacity": 5,
        }),
    )
    .await;

    let reply = app
        .gql_in(
            "en",
            Some(&w.enterprise.token),
            MATCHES,
            json!({ "id": w.need }),
        )
        .await;
    let matches = reply
        .data("/matchesForNeed")
        .as_array()
        .expect("list")
        .clone();
    let ids: Vec<&str> = matches
        .iter()
        .map(|m| m["capability"]["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids.len(), 4, "{ids:?}");
    let mut top: Vec<&str> = ids[..2].to_vec();
    top.sort_unstable();
    let mut expected = vec![kk.as_str(), en.as_str()];
    expected.sort_unstable();
    assert_eq!(
        top, expected,
        "shared fields and terms rank first: {matches:#?}"
    );
    let score = |id: &str| {
        matches
            .iter()
            .find(|m| m["capability"]["id"] == id)
            .and_then(|m| m["score"].as_f64())
            .expect("score")
    };
    assert!(score(&kk) > score(&wheat) + 15.0 && score(&en) > score(&imaging) + 15.0);
    // The explanation of the Kazakh capability for the Russian need, exactly as clients get it.
    let explained = matches
        .iter()
        .find(|m| m["capability"]["id"] == kk.as_str())
        .map(|m| json!({ "score": m["score"], "reasons": m["reasons"], "factors": m["factors"] }))
        .expect("the Kazakh capability is ranked");
    insta::assert_json_snapshot!("match_explanation", explained);
    for m in &matches {
        let factors = m["factors"].as_array().expect("factors");
        assert_eq!(factors.len(), 8);
        let sum: f64 = factors
            .iter()
            .map(|f| f["contribution"].as_f64().expect("contribution"))
            .sum();
        assert!((sum - m["score"].as_f64().expect("score")).abs() < 1e-6);
        let weights: f64 = factors
            .iter()
            .map(|f| f["weight"].as_f64().expect("w"))
            .sum();
        assert!((weights - 100.0).abs() < 1e-6);
        for f in factors {
            let (w, v, c) = (
                f["weight"].as_f64().expect("w"),
                f["value"].as_f64().expect("v"),
                f["contribution"].as_f64().expect("c"),
            );
            assert!((0.0..=1.0).contains(&v) && (w * v - c).abs() < 1e-9, "{f}");
        }
        assert_eq!(m["reasons"], json!([]));
    }
    // The Kazakh capability shares the science city's region: geography says so.
    let kk_match = matches
        .iter()
        .find(|m| m["capability"]["id"] == kk.as_str())
        .expect("kk");
    let geography = kk_match["factors"]
        .as_array()
        .expect("factors")
        .iter()
        .find(|f| f["name"] == "GEOGRAPHY")
        .expect("geography");
    assert_eq!(geography["detail"], "same region");
    let text = &kk_match["factors"][0];
    assert_eq!(text["name"], "TEXT");
    assert!(
        text["detail"]
            .as_str()
            .expect("detail")
            .contains("strongest shared terms")
    );

    // From the capability's side the same pair has the same score.
    let back = app
        .gql(
            Some(&w.kazakh.token),
            "query($id: ID!) { matchesForCapability(capabilityId: $id) { need { id } score } }",
            json!({ "id": kk }),
        )
        .await;
    let back = back.data("/matchesForCapability/0");
    assert_eq!(back["need"]["id"], json!(w.need));
    assert!((back["score"].as_f64().expect("score") - score(&kk)).abs() < 1e-9);
}

async fn excluded_capabilities_never_appear_and_say_why(app: TestApp) {
    let w = world(&app).await;
    let base = json!({ "title": { "ru": "Катализаторы гидрокрекинга тяжёлой нефти" }, "fieldsOfScience": ["2.4"], "trl": 5 });
    let with = |extra: Value| {
        let mut v = base.clone();
        for (k, val) in extra.as_object().expect("object") {
            v[k] = val.clone();
        }
        v
    };
    let dear = post_capability(&app, &w.kazakh, with(json!({ "priceMin": "60000000.51" }))).await;
    let inactive = post_capability(&app, &w.kazakh, with(json!({ "active": false }))).await;
    let full = post_capability(&app, &w.english, with(json!({ "capacity": 0 }))).await;
    let own = post_capability(&app, &w.enterprise, with(json!({}))).await;
    let fine = post_capability(&app, &w.english, with(json!({ "priceMin": "60000000.50" }))).await;

    let reply = app
        .gql(Some(&w.enterprise.token), MATCHES, json!({ "id": w.need }))
        .await;
    let ids: Vec<&str> = reply
        .data("/matchesForNeed")
        .as_array()
        .expect("list")
        .iter()
        .map(|m| m["capability"]["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, vec![fine.as_str()]);

    let why = |cap: String, token: String| {
        let app = &app;
        let need = w.need.clone();
        async move {
            app.gql(Some(&token), EXPLAIN, json!({ "n": need, "c": cap }))
                .await
                .data("/explainMatch/reasons")
                .clone()
        }
    };
    let admin = app.admin().await;
    assert_eq!(
        why(dear, w.enterprise.token.clone()).await,
        json!(["PRICE_ABOVE_BUDGET"])
    );
    // An inactive capability is its owner's business: the enterprise cannot see it at all …
    let hidden = app
        .gql(
            Some(&w.enterprise.token),
            EXPLAIN,
            json!({ "n": w.need, "c": inactive }),
        )
        .await;
    assert_eq!(hidden.error_code(), "NOT_FOUND");
    // … a platform admin can, and is told why it is out.
    assert_eq!(
        why(inactive, admin.clone()).await,
        json!(["CAPABILITY_INACTIVE"])
    );
    assert_eq!(why(full, admin.clone()).await, json!(["NO_CAPACITY"]));
    assert_eq!(why(own, admin.clone()).await, json!(["OWN_ORGANIZATION"]));
    assert_eq!(why(fine.clone(), admin.clone()).await, json!([]));

    // Results follow every write at once: switching a capability off removes it, closing the
    // need excludes every pair.
    app.gql(
        Some(&w.english.token),
        "mutation($id: ID!) { updateCapability(input: { id: $id, capacity: 0 }) { capability { capacity } } }",
        json!({ "id": fine }),
    )
    .await
    .data("/updateCapability/capability/capacity");
    let after = app
        .gql(Some(&w.enterprise.token), MATCHES, json!({ "id": w.need }))
        .await;
    assert_eq!(after.data("/matchesForNeed"), &json!([]));
    app.gql(
        Some(&w.enterprise.token),
        "mutation($id: ID!) { closeNeed(input: { id: $id }) { need { status } } }",
        json!({ "id": w.need }),
    )
    .await
    .data("/closeNeed/need/status");
    assert_eq!(
        why(fine, admin).await,
        json!(["NO_CAPACITY", "NEED_NOT_OPEN"])
    );
}

async fn a_teaser_shows_only_its_teaser_to_strangers(app: TestApp) {
    let w = world(&app).await;
    let secret_fields = json!({
        "title": { "ru": "Датчики износа футеровки" },
        "description": { "ru": "Секретная технология плавки" },
        "keywords": ["футеровка"], "fieldsOfScience": ["2.5"], "budgetMax": "1000000",
        "trlMin": 5, "sector": "MANUFACTURING",
    });
    let mut teaser = secret_fields.clone();
    teaser["confidentiality"] = json!("TEASER");
    teaser["sharedWith"] = json!([w.english.org]);
    let teaser = post_need(&app, &w.enterprise, teaser).await;
    let mut confidential = secret_fields;
    confidential["confidentiality"] = json!("CONFIDENTIAL");
    let confidential = post_need(&app, &w.enterprise, confidential).await;

    const READ: &str = "query($id: ID!) { node(id: $id) { ... on Need { title { ru } fieldsOfScience description { ru } keywords budget { max { amount currency } } trlMin sector teaserOnly } } }";
    let stranger = app
        .gql(Some(&w.kazakh.token), READ, json!({ "id": teaser }))
        .await;
    assert_eq!(
        stranger.data("/node"),
        &json!({ "title": { "ru": "Датчики износа футеровки" }, "fieldsOfScience": ["2.5"], "description": null, "keywords": [], "budget": null, "trlMin": null, "sector": null, "teaserOnly": true })
    );
    let anonymous = app.gql(None, READ, json!({ "id": teaser })).await;
    assert_eq!(anonymous.data("/node/teaserOnly"), true);
    assert_eq!(anonymous.data("/node/description"), &Value::Null);
    for token in [&w.enterprise.token, &w.english.token] {
        let full = app.gql(Some(token), READ, json!({ "id": teaser })).await;
        assert_eq!(
            full.data("/node"),
            &json!({ "title": { "ru": "Датчики износа футеровки" }, "fieldsOfScience": ["2.5"], "description": { "ru": "Секретная технология плавки" }, "keywords": ["футеровка"], "budget": { "max": { "amount": "1000000.00", "currency": "KZT" } }, "trlMin": 5, "sector": "MANUFACTURING", "teaserOnly": false })
        );
    }
    // A confidential need does not exist for strangers: not by ID, not in lists, not in matches.
    let hidden = app
        .gql(Some(&w.kazakh.token), READ, json!({ "id": confidential }))
        .await;
    assert_eq!(hidden.data("/node"), &Value::Null);
    let listed = app
        .gql(
            Some(&w.kazakh.token),
            "{ needs { totalCount nodes { id teaserOnly } } }",
            json!({}),
        )
        .await;
    assert_eq!(listed.data("/needs/totalCount"), 2);
    let ids: Vec<&Value> = listed
        .data("/needs/nodes")
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| &n["id"])
        .collect();
    assert!(!ids.contains(&&json!(confidential)));
    let owner_list = app
        .gql(
            Some(&w.enterprise.token),
            "{ needs { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(owner_list.data("/needs/totalCount"), 3);

    // Matches of a teaser are for those who read it whole.
    let m = app
        .gql(Some(&w.kazakh.token), MATCHES, json!({ "id": teaser }))
        .await;
    assert_eq!(m.error_code(), "FORBIDDEN");
    let m = app
        .gql(
            Some(&w.kazakh.token),
            MATCHES,
            json!({ "id": confidential }),
        )
        .await;
    assert_eq!(m.error_code(), "NOT_FOUND");
    let m = app.gql(None, MATCHES, json!({ "id": w.need })).await;
    assert_eq!(m.error_code(), "UNAUTHENTICATED");

    // A stranger's capability meets the teaser scored on its teaser only; the confidential
    // need never.
    let cap = post_capability(
        &app,
        &w.kazakh,
        json!({ "title": { "ru": "Футеровка и датчики износа" }, "fieldsOfScience": ["2.5"] }),
    )
    .await;
    let found = app
        .gql(
            Some(&w.kazakh.token),
            "query($id: ID!) { matchesForCapability(capabilityId: $id) { teaserOnly need { id description { ru } } } }",
            json!({ "id": cap }),
        )
        .await;
    let found = found
        .data("/matchesForCapability")
        .as_array()
        .expect("list")
        .clone();
    assert!(found.iter().all(|m| m["need"]["id"] != json!(confidential)));
    let t = found
        .iter()
        .find(|m| m["need"]["id"] == json!(teaser))
        .expect("teaser found");
    assert_eq!(t["teaserOnly"], true);
    assert_eq!(t["need"]["description"], Value::Null);
}

async fn invalid_needs_are_refused_with_the_field_and_write_nothing(app: TestApp) {
    let w = world(&app).await;
    let before = app.count("SELECT COUNT(*) FROM need").await;
    let cases = [
        (json!({ "fieldsOfScience": ["9.9"] }), "fieldsOfScience"),
        (json!({ "trlMin": 7, "trlMax": 3 }), "trlMin"),
        (json!({ "trlMin": 10 }), "trlMin"),
        (json!({ "budgetMax": "1e6" }), "budgetMax"),
        (json!({ "budgetMin": "5", "budgetMax": "4" }), "budgetMin"),
        (
            json!({ "requirements": ["a", "b", "c", "d", "e", "f"] }),
            "requirements",
        ),
        (json!({ "irstiCodes": ["61-51"] }), "irstiCodes"),
        (json!({ "deadline": "2020-01-01" }), "deadline"),
        (json!({ "title": { "ru": "  " } }), "title"),
        (json!({ "sharedWith": [w.need] }), "sharedWith"),
    ];
    for (extra, field) in cases {
        let mut input =
            json!({ "organizationId": w.enterprise.org, "title": { "en": "Valid title" } });
        for (k, v) in extra.as_object().expect("object") {
            input[k] = v.clone();
        }
        let reply = app
            .gql(
                Some(&w.enterprise.token),
                POST_NEED,
                json!({ "input": input }),
            )
            .await;
        assert_eq!(
            reply.error_code(),
            "BAD_USER_INPUT",
            "{field}: {:#}",
            reply.body
        );
        assert_eq!(reply.error_field(), Some(field), "{:#}", reply.body);
    }
    // Someone else's organisation.
    let reply = app
        .gql(
            Some(&w.kazakh.token),
            POST_NEED,
            json!({ "input": { "organizationId": w.enterprise.org, "title": { "en": "x" } } }),
        )
        .await;
    assert_eq!(reply.error_code(), "FORBIDDEN");
    assert_eq!(app.count("SELECT COUNT(*) FROM need").await, before);
    assert_eq!(app.count("SELECT COUNT(*) FROM need_share").await, 0);

    // Matching a need names a real capability of another organisation; closing is final.
    let update = "mutation($input: UpdateNeedInput!) { updateNeed(input: $input) { need { status matchedCapability { id } } } }";
    let no_partner = app
        .gql(
            Some(&w.enterprise.token),
            update,
            json!({ "input": { "id": w.need, "status": "MATCHED" } }),
        )
        .await;
    assert_eq!(no_partner.error_field(), Some("matchedCapabilityId"));
    let cap = post_capability(&app, &w.kazakh, json!({ "title": { "en": "Catalysts" } })).await;
    let matched = app
        .gql(
            Some(&w.enterprise.token),
            update,
            json!({ "input": { "id": w.need, "status": "MATCHED", "matchedCapabilityId": cap } }),
        )
        .await;
    assert_eq!(
        matched.data("/updateNeed/need"),
        &json!({ "status": "MATCHED", "matchedCapability": { "id": cap } })
    );
    app.gql(
        Some(&w.enterprise.token),
        "mutation($id: ID!) { closeNeed(input: { id: $id }) { need { status } } }",
        json!({ "id": w.need }),
    )
    .await
    .data("/closeNeed/need");
    let reopened = app
        .gql(
            Some(&w.enterprise.token),
            update,
            json!({ "input": { "id": w.need, "status": "OPEN" } }),
        )
        .await;
    assert_eq!(reopened.error_code(), "BAD_USER_INPUT");
}

async fn another_replica_sees_every_committed_write(app: TestApp) {
    use kopir::domain::matching::{Weights, store::Matcher};
    let w = world(&app).await;
    // A second matcher over the same database stands for another replica.
    let replica = Matcher::new(Weights::default());
    assert_eq!(
        replica.current(&app.db).await.expect("sync").need_count(),
        1
    );
    let cap = post_capability(
        &app,
        &w.kazakh,
        json!({ "title": { "kk": "Мұнай катализаторлары" }, "fieldsOfScience": ["2.4"] }),
    )
    .await;
    {
        let engine = replica.current(&app.db).await.expect("sync");
        assert_eq!(engine.capability_count(), 1);
    }
    let partners = app
        .gql(
            Some(&w.enterprise.token),
            "query($org: ID!) { partnerSuggestions(organizationId: $org) { organization { id } evidence { texts { capability { id } } } } }",
            json!({ "org": w.enterprise.org }),
        )
        .await;
    assert_eq!(
        partners.data("/partnerSuggestions"),
        &json!([{ "organization": { "id": w.kazakh.org }, "evidence": { "texts": [{ "capability": { "id": cap } }] } }])
    );
    let forbidden = app
        .gql(
            Some(&w.kazakh.token),
            "query($org: ID!) { partnerSuggestions(organizationId: $org) { score } }",
            json!({ "org": w.enterprise.org }),
        )
        .await;
    assert_eq!(forbidden.error_code(), "FORBIDDEN");
}

async fn concurrent_updates_to_one_capability_all_apply(app: TestApp) {
    let w = world(&app).await;
    let cap = post_capability(&app, &w.kazakh, json!({ "title": { "en": "Catalysts" } })).await;
    const UPDATE: &str = "mutation($input: UpdateCapabilityInput!) { updateCapability(input: $input) { capability { id } } }";
    let changes = [
        json!({ "keywords": ["catalyst"] }),
        json!({ "equipment": ["pilot reactor"] }),
        json!({ "trl": 6 }),
        json!({ "priceMin": "1000000" }),
        json!({ "leadTimeDays": 30 }),
        json!({ "capacity": 4 }),
        json!({ "description": { "en": "Hydrocracking" } }),
        json!({ "sectors": ["MINING"] }),
    ];
    let tasks: Vec<_> = changes
        .into_iter()
        .map(|mut change| {
            change["id"] = json!(cap);
            app.spawn_gql(
                Some(w.kazakh.token.clone()),
                UPDATE,
                json!({ "input": change }),
            )
        })
        .collect();
    for task in tasks {
        task.await.expect("task").data("/updateCapability");
    }
    let now = app
        .gql(
            Some(&w.kazakh.token),
            "query($id: ID!) { node(id: $id) { ... on Capability { keywords equipment trl price { min { amount } } leadTimeDays capacity description { en } sectors } } }",
            json!({ "id": cap }),
        )
        .await;
    assert_eq!(
        now.data("/node"),
        &json!({ "keywords": ["catalyst"], "equipment": ["pilot reactor"], "trl": 6, "price": { "min": { "amount": "1000000.00" } }, "leadTimeDays": 30, "capacity": 4, "description": { "en": "Hydrocracking" }, "sectors": ["MINING"] })
    );
}

/// At start-up the matching index is built on a task of its own: until it is, `/readyz`
/// answers 503 and says why, every other request is answered, and a matching request waits for
/// the index rather than failing. A transaction of the test's own holding the portfolio table
/// locked keeps the build waiting (PostgreSQL only: SQLite cannot hold readers back like that).
#[tokio::test]
async fn postgres_the_matching_index_builds_while_the_rest_serves() {
    let Some(backend) = Backend::postgres("the_matching_index_builds_while_the_rest_serves") else {
        return;
    };
    let options = Options {
        locked_table: Some("portfolio_item"),
        ..Options::default()
    };
    let mut app = TestApp::spawn_with(backend, options).await;
    let building = app.get("/readyz").await;
    assert_eq!(building.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        building.text().await.expect("text"),
        "matching index building"
    );
    // Accounts, organisations, a need and a capability are written meanwhile.
    let w = world(&app).await;
    let cap = post_capability(
        &app,
        &w.english,
        json!({ "title": { "en": "Heavy oil hydrocracking catalyst" }, "fieldsOfScience": ["2.4"] }),
    )
    .await;
    let matches = app.spawn_gql(
        Some(w.enterprise.token.clone()),
        "query($id: ID!) { matchesForNeed(needId: $id) { capability { id } } }",
        json!({ "id": w.need }),
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!matches.is_finished(), "the matching request waits");
    assert_eq!(
        app.get("/readyz").await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    app.release_lock().await;
    let matches = matches.await.expect("joined");
    assert_eq!(
        matches.data("/matchesForNeed"),
        &json!([{ "capability": { "id": cap } }])
    );
    assert_eq!(app.get("/readyz").await.status(), StatusCode::OK);
}

crate::db_tests!(
    concurrent_updates_to_one_capability_all_apply,
    a_russian_need_finds_kazakh_and_english_capabilities_first,
    excluded_capabilities_never_appear_and_say_why,
    a_teaser_shows_only_its_teaser_to_strangers,
    invalid_needs_are_refused_with_the_field_and_write_nothing,
    another_replica_sees_every_committed_write,
);
