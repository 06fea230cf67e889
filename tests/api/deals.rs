//! Technology-transfer deals under concurrency, target indicators computed from a fixture, and
//! the region-potential index, over HTTP on both databases.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::helpers::{Backend, Reply, TestApp, bins};

const RECORD: &str = "mutation($input: RecordDealInput!) { recordDeal(input: $input) { deal { id version stage } } }";
const TERMS: &str = "mutation($input: UpdateDealTermsInput!) { updateDealTerms(input: $input) { deal { version } } }";
const ADVANCE: &str =
    "mutation($input: AdvanceDealInput!) { advanceDeal(input: $input) { deal { version stage } } }";
const STAGES: [&str; 3] = ["NEGOTIATING", "SIGNED", "IN_EXECUTION"];
const READ: &str = "query($id: ID!) { deal(id: $id) { version stage value { amount currency } ipTerms { territory } financing { source amount { amount } } history { version change fromStage toStage note } parties { role organization { id } } } }";

fn id(reply: &Reply, pointer: &str) -> String {
    reply.data(pointer).as_str().expect("id").to_owned()
}

fn reason(reply: &Reply) -> Option<&str> {
    reply.body["errors"][0]["extensions"]["reason"].as_str()
}

struct Fixture {
    admin: String,
    token: String,
    city: String,
    /// Enterprise 1, enterprise 2, a university (all in the city), an enterprise elsewhere.
    orgs: Vec<String>,
}

async fn fixture(app: &TestApp) -> Fixture {
    let admin = app.admin().await;
    let city = id(
        &app.gql(Some(&admin), "mutation { createScienceCity(input: { name: { en: \"Alatau\" }, regionCode: \"KZ-75\" }) { scienceCity { id } } }", json!({})).await,
        "/createScienceCity/scienceCity/id",
    );
    let token = app.register("ceo@example.kz").await;
    let bins = bins(4);
    let mut orgs = Vec::new();
    for (i, (kind, in_city)) in [
        ("ENTERPRISE", true),
        ("ENTERPRISE", true),
        ("UNIVERSITY", true),
        ("ENTERPRISE", false),
    ]
    .into_iter()
    .enumerate()
    {
        let input = json!({ "kind": kind, "name": { "en": format!("Org {i}") }, "bin": bins[i], "regionCode": "KZ-75", "scienceCityId": if in_city { json!(city) } else { Value::Null } });
        orgs.push(id(
            &app.gql(Some(&token), "mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }", json!({ "input": input })).await,
            "/createOrganization/organization/id",
        ));
    }
    Fixture {
        admin,
        token,
        city,
        orgs,
    }
}

fn deal_input(f: &Fixture, extra: Value) -> Value {
    let mut input = json!({
        "title": { "en": "Catalyst licence" }, "dealType": "NON_EXCLUSIVE_LICENCE", "value": "100000000",
        "parties": [{ "organizationId": f.orgs[2], "role": "PROVIDER" }, { "organizationId": f.orgs[0], "role": "RECIPIENT" }],
    });
    for (k, v) in extra.as_object().expect("object") {
        input[k] = v.clone();
    }
    input
}

async fn concurrent_writers_each_apply_exactly_once(app: TestApp) {
    let f = fixture(&app).await;
    let deal = id(
        &app.gql(
            Some(&f.token),
            RECORD,
            json!({ "input": deal_input(&f, json!({})) }),
        )
        .await,
        "/recordDeal/deal/id",
    );
    let clients: Vec<_> = (0..16)
        .map(|client| {
            let (http, base, token, deal) = (app.client.clone(), app.base.clone(), f.token.clone(), deal.clone());
            tokio::spawn(async move {
                let post = |query: &'static str, variables: Value| {
                    let (http, base, token) = (http.clone(), base.clone(), token.clone());
                    async move {
                        http.post(format!("{base}/graphql"))
                            .bearer_auth(token)
                            .json(&json!({ "query": query, "variables": variables }))
                            .send()
                            .await
                            .expect("POST")
                            .json::<Value>()
                            .await
                            .expect("JSON")
                    }
                };
                let mut conflicts = 0;
                for j in 0..20 {
                    loop {
                        let version = post(READ, json!({ "id": deal })).await["data"]["deal"]["version"].clone();
                        // Client 0 moves the deal forward three times; everything else edits terms.
                        let body = match (client, j) {
                            (0, 0..=2) => post(ADVANCE, json!({ "input": { "id": deal, "stage": STAGES.get(j).copied().unwrap_or_default(), "expectedVersion": version, "note": format!("c{client}-{j}") } })).await,
                            _ => post(TERMS, json!({ "input": { "id": deal, "expectedVersion": version, "territory": format!("c{client}-{j}"), "note": format!("c{client}-{j}") } })).await,
                        };
                        match body["errors"][0]["extensions"]["code"].as_str() {
                            None => break,
                            Some("VERSION_CONFLICT") => conflicts += 1,
                            Some(other) => panic!("unexpected {other}: {body}"),
                        }
                    }
                }
                conflicts
            })
        })
        .collect();
    let mut conflicts = 0;
    for c in clients {
        conflicts += c.await.expect("client");
    }
    let now = app.gql(Some(&f.token), READ, json!({ "id": deal })).await;
    assert_eq!(
        now.data("/deal/version"),
        321,
        "{conflicts} conflicts retried"
    );
    assert_eq!(now.data("/deal/stage"), "IN_EXECUTION");
    let history = now
        .data("/deal/history")
        .as_array()
        .expect("history")
        .clone();
    assert_eq!(history.len(), 321);
    let versions: Vec<i64> = history
        .iter()
        .map(|h| h["version"].as_i64().expect("v"))
        .collect();
    assert_eq!(versions, (1..=321).collect::<Vec<_>>());
    let mut notes: HashMap<String, usize> = HashMap::new();
    for h in &history[1..] {
        *notes
            .entry(h["note"].as_str().expect("note").to_owned())
            .or_default() += 1;
    }
    assert_eq!(notes.len(), 320);
    assert!(notes.values().all(|&n| n == 1));
    assert!(
        conflicts > 0,
        "the clients never collided; the test proves nothing"
    );
}

async fn stale_invalid_excessive_and_foreign_writes_are_refused(app: TestApp) {
    let f = fixture(&app).await;
    let deal = id(&app.gql(Some(&f.token), RECORD, json!({ "input": deal_input(&f, json!({ "financing": [{ "source": "PRIVATE", "amount": "60000000" }] })) })).await, "/recordDeal/deal/id");
    let first = app
        .gql(
            Some(&f.token),
            TERMS,
            json!({ "input": { "id": deal, "expectedVersion": 1, "territory": "Kazakhstan" } }),
        )
        .await;
    assert_eq!(first.data("/updateDealTerms/deal/version"), 2);
    let stale = app
        .gql(
            Some(&f.token),
            TERMS,
            json!({ "input": { "id": deal, "expectedVersion": 1, "territory": "World" } }),
        )
        .await;
    assert_eq!(stale.error_code(), "VERSION_CONFLICT");
    let stale_advance = app
        .gql(
            Some(&f.token),
            ADVANCE,
            json!({ "input": { "id": deal, "stage": "NEGOTIATING", "expectedVersion": 1 } }),
        )
        .await;
    assert_eq!(stale_advance.error_code(), "VERSION_CONFLICT");
    let invalid = app
        .gql(
            Some(&f.token),
            ADVANCE,
            json!({ "input": { "id": deal, "stage": "COMPLETED", "expectedVersion": 2 } }),
        )
        .await;
    assert_eq!(
        (invalid.error_code(), reason(&invalid)),
        ("BAD_USER_INPUT", Some("INVALID_TRANSITION"))
    );
    let over = app
        .gql(
            Some(&f.token),
            TERMS,
            json!({ "input": { "id": deal, "expectedVersion": 2, "value": "50000000" } }),
        )
        .await;
    assert_eq!(reason(&over), Some("FINANCING_EXCEEDS_VALUE"));
    let now = app.gql(Some(&f.token), READ, json!({ "id": deal })).await;
    assert_eq!(now.data("/deal/version"), 2);
    assert_eq!(now.data("/deal/stage"), "PROPOSED");
    assert_eq!(now.data("/deal/ipTerms/territory"), "Kazakhstan");
    assert_eq!(
        now.data("/deal/value"),
        &json!({ "amount": "100000000.00", "currency": "KZT" })
    );
    assert_eq!(now.data("/deal/history").as_array().map(Vec::len), Some(2));

    // The history is append-only in the database itself, not only in the API.
    {
        use sea_orm::ConnectionTrait as _;
        for statement in [
            "UPDATE deal_history SET note = 'rewritten'",
            "DELETE FROM deal_history",
        ] {
            let refused = app.db.execute_unprepared(statement).await;
            assert!(
                refused.is_err_and(|e| e.to_string().contains("append-only")),
                "{statement}"
            );
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM deal_history").await, 2);
    }

    // Financing over the value is refused at recording and nothing is written.
    let before = app.count("SELECT COUNT(*) FROM deal").await;
    let too_much = app
        .gql(Some(&f.token), RECORD, json!({ "input": deal_input(&f, json!({ "financing": [{ "source": "PRIVATE", "amount": "60000000" }, { "source": "BANK", "amount": "40000000.01" }] })) }))
        .await;
    assert_eq!(
        (too_much.error_code(), reason(&too_much)),
        ("BAD_USER_INPUT", Some("FINANCING_EXCEEDS_VALUE"))
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM deal").await, before);

    // Someone who is no party sees nothing and changes nothing.
    let stranger = app.register("stranger@example.kz").await;
    assert_eq!(
        app.gql(Some(&stranger), READ, json!({ "id": deal }))
            .await
            .data("/deal"),
        &Value::Null
    );
    assert_eq!(
        app.gql(Some(&stranger), "{ deals { totalCount } }", json!({}))
            .await
            .data("/deals/totalCount"),
        0
    );
    let foreign = app
        .gql(
            Some(&stranger),
            TERMS,
            json!({ "input": { "id": deal, "expectedVersion": 2, "territory": "Mine" } }),
        )
        .await;
    assert_eq!(foreign.error_code(), "NOT_FOUND");
    let not_party = app
        .gql(
            Some(&stranger),
            RECORD,
            json!({ "input": deal_input(&f, json!({})) }),
        )
        .await;
    assert_eq!(not_party.error_code(), "FORBIDDEN");
    assert_eq!(
        app.gql(None, "{ deals { totalCount } }", json!({}))
            .await
            .error_code(),
        "UNAUTHENTICATED"
    );
    assert_eq!(
        app.gql(Some(&f.admin), "{ deals { totalCount } }", json!({}))
            .await
            .data("/deals/totalCount"),
        1
    );
}

async fn a_failure_midway_through_record_deal_leaves_nothing(app: TestApp) {
    use sea_orm::{ConnectionTrait as _, DbBackend};
    let f = fixture(&app).await;
    // The deal and its parties are written before the financing lines; make those fail.
    let sql = match app.db.get_database_backend() {
        DbBackend::Postgres => vec![
            "CREATE FUNCTION kopir_injected_failure() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER injected_failure BEFORE INSERT ON deal_financing FOR EACH ROW EXECUTE FUNCTION kopir_injected_failure()",
        ],
        _ => vec![
            "CREATE TRIGGER injected_failure BEFORE INSERT ON deal_financing BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
        ],
    };
    for statement in sql {
        app.db.execute_unprepared(statement).await.expect("trigger");
    }
    let reply = app
        .gql(Some(&f.token), RECORD, json!({ "input": deal_input(&f, json!({ "financing": [{ "source": "IFI", "amount": "1000" }] })) }))
        .await;
    assert_eq!(reply.error_code(), "INTERNAL");
    assert!(
        !reply.body.to_string().contains("injected"),
        "the cause stays in the log"
    );
    for table in ["deal", "deal_party", "deal_financing", "deal_history"] {
        assert_eq!(
            app.count(&format!("SELECT COUNT(*) FROM {table}")).await,
            0,
            "{table}"
        );
    }
    // Without financing the same deal is recorded whole.
    app.gql(
        Some(&f.token),
        RECORD,
        json!({ "input": deal_input(&f, json!({})) }),
    )
    .await
    .data("/recordDeal");
    assert_eq!(app.count("SELECT COUNT(*) FROM deal_party").await, 2);
    assert_eq!(app.count("SELECT COUNT(*) FROM deal_history").await, 1);
}

async fn the_indicator_report_equals_hand_computed_figures(app: TestApp) {
    let f = fixture(&app).await;
    let (e1, e2, u1, elsewhere) = (&f.orgs[0], &f.orgs[1], &f.orgs[2], &f.orgs[3]);
    let t = Some(f.token.as_str());
    let post_need = "mutation($o: ID!, $t: String!) { postNeed(input: { organizationId: $o, title: { en: $t } }) { need { id } } }";
    id(
        &app.gql(
            t,
            post_need,
            json!({ "o": e1, "t": "Need without meeting" }),
        )
        .await,
        "/postNeed/need/id",
    );
    let n1 = id(
        &app.gql(t, post_need, json!({ "o": e2, "t": "Need with meeting" }))
            .await,
        "/postNeed/need/id",
    );
    id(
        &app.gql(
            t,
            post_need,
            json!({ "o": elsewhere, "t": "Need of another city" }),
        )
        .await,
        "/postNeed/need/id",
    );

    // A session of the city that started an hour ago, with two booked meetings and a pending one.
    let start = Utc::now() - Duration::hours(1);
    let session = id(
        &app.gql(t, "mutation($input: CreateSessionInput!) { createSession(input: $input) { session { id } } }", json!({ "input": {
            "title": { "en": "Session" }, "venueOrganizationId": u1, "scienceCityId": f.city, "startsAt": start.to_rfc3339(),
            "endsAt": (start + Duration::hours(3)).to_rfc3339(), "registrationDeadline": (start + Duration::hours(2)).to_rfc3339(), "tables": 5, "capacity": 10 } })).await,
        "/createSession/session/id",
    );
    for o in [e1, e2, u1] {
        app.gql(t, "mutation($s: ID!, $o: ID!) { registerForSession(input: { sessionId: $s, organizationId: $o }) { registration { registeredAt } } }", json!({ "s": session, "o": o }))
            .await
            .data("/registerForSession");
    }
    let request = "mutation($s: ID!, $f: ID!, $to: ID!, $n: ID) { requestMeeting(input: { sessionId: $s, fromOrganizationId: $f, toOrganizationId: $to, needId: $n }) { meeting { id } } }";
    let mut booked = Vec::new();
    for (from, to, need, slot) in [(e2, u1, Some(&n1), 0), (e1, u1, None, 1)] {
        let m = id(
            &app.gql(
                t,
                request,
                json!({ "s": session, "f": from, "to": to, "n": need }),
            )
            .await,
            "/requestMeeting/meeting/id",
        );
        app.gql(t, "mutation($m: ID!) { respondToMeeting(input: { meetingId: $m, accept: true }) { meeting { status } } }", json!({ "m": m })).await.data("/respondToMeeting");
        app.gql(t, "mutation($m: ID!, $s: Int!) { bookMeeting(input: { meetingId: $m, slot: $s }) { meeting { id } } }", json!({ "m": m, "s": slot })).await.data("/bookMeeting");
        booked.push(m);
    }
    id(
        &app.gql(
            t,
            request,
            json!({ "s": session, "f": e1, "to": e2, "n": null }),
        )
        .await,
        "/requestMeeting/meeting/id",
    );
    // Both slots are over (20 minutes from an hour ago). The first meeting took place by both
    // parties' reports and led to an NDA; at the second, the enterprise says nobody came.
    let report = "mutation($m: ID!, $o: ID!, $a: Attendance!, $x: MeetingOutcome) { reportMeetingOutcome(input: { meetingId: $m, organizationId: $o, attendance: $a, outcome: $x }) { meeting { verdict } } }";
    for (m, o, attendance, outcome) in [
        (&booked[0], e2, "HELD", json!("NDA_SIGNED")),
        (&booked[0], u1, "HELD", json!("FOLLOW_UP_PLANNED")),
        (&booked[1], e1, "NO_SHOW", Value::Null),
    ] {
        app.gql(
            t,
            report,
            json!({ "m": m, "o": o, "a": attendance, "x": outcome }),
        )
        .await
        .data("/reportMeetingOutcome");
    }

    let parties = |provider: &str, recipient: &str| json!([{ "organizationId": provider, "role": "PROVIDER" }, { "organizationId": recipient, "role": "RECIPIENT" }]);
    for input in [
        json!({ "title": { "en": "D1" }, "dealType": "RD_CONTRACT", "stage": "SIGNED", "value": "100000000", "parties": parties(u1, e1),
                "financing": [{ "source": "PRIVATE", "amount": "30000000" }, { "source": "PPP", "amount": "20000000" }, { "source": "STATE_GRANT", "amount": "10000000" }] }),
        json!({ "title": { "en": "D2" }, "dealType": "SPIN_OFF", "stage": "COMPLETED", "value": "50000000", "parties": parties(u1, e2), "meetingId": booked[0],
                "financing": [{ "source": "PRIVATE", "amount": "40000000" }] }),
        json!({ "title": { "en": "D3, not signed" }, "dealType": "OPTION", "value": "999", "parties": parties(u1, e1) }),
        json!({ "title": { "en": "D4, signed last year" }, "dealType": "OPTION", "stage": "SIGNED", "signedAt": "2025-06-01T00:00:00Z", "value": "777", "parties": parties(u1, e2) }),
    ] {
        app.gql(t, RECORD, json!({ "input": input }))
            .await
            .data("/recordDeal");
    }
    let year = Utc::now()
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .expect("year");
    let set = "mutation($input: SetIndicatorTargetInput!) { setIndicatorTarget(input: $input) { target critical } }";
    for (code, target, critical, demo) in [
        ("DEALS_SIGNED", "3", "1", true),
        ("SESSIONS_HELD", "1", "0", false),
        ("SPIN_OFFS", "5", "2", false),
    ] {
        app.gql(Some(&f.admin), set, json!({ "input": { "indicatorCode": code, "scienceCityId": f.city, "year": year, "target": target, "critical": critical, "isDemo": demo } }))
            .await
            .data("/setIndicatorTarget");
    }
    let reported = "mutation($input: RecordIndicatorValueInput!) { recordIndicatorValue(input: $input) { value } }";
    app.gql(Some(&f.admin), reported, json!({ "input": { "indicatorCode": "JOBS_CREATED", "scienceCityId": f.city, "year": year, "value": "12" } }))
        .await
        .data("/recordIndicatorValue");
    let computed = app.gql(Some(&f.admin), reported, json!({ "input": { "indicatorCode": "DEALS_SIGNED", "scienceCityId": f.city, "year": year, "value": "12" } })).await;
    assert_eq!(reason(&computed), Some("COMPUTED_INDICATOR"));
    let not_admin = app.gql(t, set, json!({ "input": { "indicatorCode": "SPIN_OFFS", "scienceCityId": f.city, "year": year, "target": "1", "critical": "0" } })).await;
    assert_eq!(not_admin.error_code(), "FORBIDDEN");
    // Figures are written at their unit's precision: whole counts, money and shares to the
    // hundredth, as every amount of money.
    for (code, target, written) in [
        ("SPIN_OFFS", "5.5", None),
        ("DEAL_VOLUME", "1000.125", None),
        ("PRIVATE_FINANCING_SHARE", "60.125", None),
        ("DEAL_VOLUME", "1000.5", Some("1000.50")),
        ("PRIVATE_FINANCING_SHARE", "60.25", Some("60.25")),
    ] {
        let next = year + 1;
        let reply = app.gql(Some(&f.admin), set, json!({ "input": { "indicatorCode": code, "scienceCityId": f.city, "year": next, "target": target, "critical": "0" } })).await;
        match written {
            Some(written) => assert_eq!(reply.data("/setIndicatorTarget/target"), written),
            None => {
                assert_eq!(reply.error_code(), "BAD_USER_INPUT", "{code} {target}");
                assert_eq!(reply.error_field(), Some("target"));
            }
        }
    }

    // Anyone may read the report.
    let report = app
        .gql(None, "query($c: ID!, $y: Int!) { indicatorReport(scienceCityId: $c, year: $y) { code actual target status targetIsDemo } }", json!({ "c": f.city, "y": year }))
        .await;
    let lines: HashMap<String, Value> = report
        .data("/indicatorReport")
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| (l["code"].as_str().expect("code").to_owned(), l.clone()))
        .collect();
    let actual = |code: &str| lines[code]["actual"].clone();
    assert_eq!(actual("DEALS_SIGNED"), "2");
    assert_eq!(actual("DEAL_VOLUME"), "150000000.00");
    assert_eq!(actual("PRIVATE_FINANCING_SHARE"), "70.00");
    assert_eq!(actual("PPP_FINANCING_SHARE"), "20.00");
    assert_eq!(actual("SESSIONS_HELD"), "1");
    assert_eq!(actual("MEETINGS_HELD"), "1");
    assert_eq!(actual("ENTERPRISES_ENGAGED"), "2");
    assert_eq!(actual("NEED_TO_MEETING_CONVERSION"), "50.00");
    assert_eq!(actual("MEETING_TO_DEAL_CONVERSION"), "100.00");
    assert_eq!(actual("MEETING_NO_SHOW_RATE"), "50.00");
    assert_eq!(actual("MEETING_FOLLOW_UP_CONVERSION"), "100.00");
    assert_eq!(actual("SPIN_OFFS"), "1");
    assert_eq!(actual("JOBS_CREATED"), "12");
    assert_eq!(actual("INNOVATIVE_OUTPUT"), Value::Null);
    assert_eq!(lines["DEALS_SIGNED"]["status"], "AT_RISK");
    assert_eq!(lines["DEALS_SIGNED"]["targetIsDemo"], true);
    assert_eq!(lines["SESSIONS_HELD"]["status"], "ON_TRACK");
    assert_eq!(lines["SPIN_OFFS"]["status"], "BELOW_CRITICAL");
    assert_eq!(lines["DEAL_VOLUME"]["status"], Value::Null);
    assert_eq!(lines.len(), 19);
    let full = app
        .gql(None, "query($c: ID!, $y: Int!) { indicatorReport(scienceCityId: $c, year: $y) { code title { en } unit direction target critical actual basis status targetIsDemo } }", json!({ "c": f.city, "y": year }))
        .await;
    let text = serde_json::to_string_pretty(full.data("/indicatorReport")).expect("JSON");
    insta::assert_snapshot!(
        "indicator_report",
        text.replace(&Utc::now().date_naive().to_string(), "[today]")
            .replace(&year.to_string(), "[year]")
    );
}

/// Sixteen simultaneous first writes of one key (an indicator target, a reported value, a
/// region statistic) all succeed and leave one row holding one of the values written.
async fn concurrent_first_writes_of_one_key_all_succeed(app: TestApp) {
    let f = fixture(&app).await;
    /// A mutation, the table it writes, and the input of writer `i` in the city.
    type Case = (&'static str, &'static str, fn(usize, &str) -> Value);
    let cases: [Case; 3] = [
        (
            "mutation($input: SetIndicatorTargetInput!) { setIndicatorTarget(input: $input) { target } }",
            "SELECT COUNT(*) FROM indicator_target",
            |i, city| json!({ "input": { "indicatorCode": "SPIN_OFFS", "scienceCityId": city, "year": 2030, "target": format!("{}", i + 10), "critical": "1" } }),
        ),
        (
            "mutation($input: RecordIndicatorValueInput!) { recordIndicatorValue(input: $input) { value } }",
            "SELECT COUNT(*) FROM indicator_value",
            |i, city| json!({ "input": { "indicatorCode": "JOBS_CREATED", "scienceCityId": city, "year": 2030, "value": format!("{i}") } }),
        ),
        (
            "mutation($input: RecordRegionStatisticsInput!) { recordRegionStatistics(input: $input) { stored } }",
            "SELECT COUNT(*) FROM region_statistic",
            |i, _| json!({ "input": { "regionCode": "KZ-75", "year": 2030, "values": [{ "name": "RESEARCHERS", "value": format!("{i}") }] } }),
        ),
    ];
    for (mutation, count, input) in cases {
        let writers: Vec<_> = (0..16)
            .map(|i| app.spawn_gql(Some(f.admin.clone()), mutation, input(i, &f.city)))
            .collect();
        for writer in writers {
            let reply = writer.await.expect("joined");
            assert!(
                reply.body["errors"].is_null(),
                "{mutation}: {:#}",
                reply.body
            );
        }
        assert_eq!(app.count(count).await, 1, "{mutation}");
    }
}

async fn region_potential_ranks_as_computed_by_hand(app: TestApp) {
    let admin = app.admin().await;
    let record = "mutation($input: RecordRegionStatisticsInput!) { recordRegionStatistics(input: $input) { stored } }";
    for (region, researchers, spending) in [
        ("KZ-75", "9000", "50000000000"),
        ("KZ-71", "6000", "80000000000"),
        ("KZ-35", "3000", "10000000000"),
    ] {
        let reply = app
            .gql(Some(&admin), record, json!({ "input": { "regionCode": region, "year": 2026, "values": [{ "name": "RESEARCHERS", "value": researchers }, { "name": "RD_SPENDING", "value": spending }] } }))
            .await;
        assert_eq!(reply.data("/recordRegionStatistics/stored"), 2);
    }
    let user = app.register("analyst@example.kz").await;
    let refused = app.gql(Some(&user), record, json!({ "input": { "regionCode": "KZ-75", "year": 2026, "values": [{ "name": "GRP", "value": "1" }] } })).await;
    assert_eq!(refused.error_code(), "FORBIDDEN");
    let reserved = app.gql(Some(&admin), record, json!({ "input": { "regionCode": "KZ-75", "year": 2026, "values": [{ "name": "DEALS", "value": "1" }] } })).await;
    assert_eq!(reserved.error_field(), Some("values.name"));

    let query = "query($w: [PotentialWeightInput!]) { regionPotential(year: 2026, weights: $w) { method regions { rank score region { code } components { name raw normalized weight contribution } } } }";
    let ranking = |weights: Value| {
        let app = &app;
        async move {
            app.gql(None, query, json!({ "w": weights }))
                .await
                .data("/regionPotential/regions")
                .as_array()
                .expect("regions")
                .clone()
        }
    };
    // A misspelt component is refused by name rather than scoring every region 0.
    let typo = app
        .gql(
            None,
            query,
            json!({ "w": [{ "name": "RESEARCHRES", "weight": 1 }] }),
        )
        .await;
    assert_eq!(typo.error_code(), "BAD_USER_INPUT");
    assert_eq!(typo.error_field(), Some("weights.name"));
    let equal = ranking(
        json!([{ "name": "RESEARCHERS", "weight": 1 }, { "name": "RD_SPENDING", "weight": 1 }]),
    )
    .await;
    assert_eq!(equal.len(), 20);
    let top: Vec<(&str, f64)> = equal[..4]
        .iter()
        .map(|r| {
            (
                r["region"]["code"].as_str().expect("code"),
                r["score"].as_f64().expect("score"),
            )
        })
        .collect();
    // Researchers 9000/6000/3000 and spending 50/80/10 bn, the other 17 regions 0:
    // Astana (2/3 + 1)/2 = 83.33, Almaty (1 + 5/8)/2 = 81.25, Karaganda (1/3 + 1/8)/2 = 22.92.
    assert_eq!(top[0].0, "KZ-71");
    assert!((top[0].1 - 250.0 / 3.0).abs() < 1e-9);
    assert_eq!(top[1].0, "KZ-75");
    assert!((top[1].1 - 81.25).abs() < 1e-9);
    assert_eq!(top[2].0, "KZ-35");
    assert!((top[2].1 - 22.916_666_666_666_668).abs() < 1e-9);
    assert_eq!(top[3].1, 0.0);
    for r in &equal {
        let sum: f64 = r["components"]
            .as_array()
            .expect("c")
            .iter()
            .map(|c| c["contribution"].as_f64().expect("c"))
            .sum();
        assert!((sum - r["score"].as_f64().expect("s")).abs() < 1e-9);
    }
    assert_eq!(
        equal[0]["components"][0],
        json!({ "name": "RESEARCHERS", "raw": "6000.000", "normalized": 6000.0 / 9000.0, "weight": 1.0, "contribution": 6000.0 / 9000.0 * 50.0 })
    );
    // Weighting researchers three times as much puts Almaty first: (3 + 5/8)/4 = 90.625 > 75.
    let researchers = ranking(
        json!([{ "name": "RESEARCHERS", "weight": 3 }, { "name": "RD_SPENDING", "weight": 1 }]),
    )
    .await;
    assert_eq!(researchers[0]["region"]["code"], "KZ-75");
    assert!((researchers[0]["score"].as_f64().expect("s") - 90.625).abs() < 1e-9);
    assert_eq!(researchers[1]["region"]["code"], "KZ-71");
    // The defaults include platform-derived counts.
    let defaults = app
        .gql(
            None,
            "{ regionPotential(year: 2026) { regions { components { name } } } }",
            json!({}),
        )
        .await;
    let names: Vec<&str> = defaults
        .data("/regionPotential/regions/0/components")
        .as_array()
        .expect("c")
        .iter()
        .map(|c| c["name"].as_str().expect("n"))
        .collect();
    assert!(names.contains(&"ORGANIZATIONS") && names.contains(&"DEALS"));
}

/// A page of deals with parties, financing and history costs the same statements at 5 rows as
/// at 30 (one batch per relation, never split: see the registry's test).
async fn deal_pages_cost_a_bounded_number_of_statements(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let f = fixture(&app).await;
    for _ in 0..30 {
        app.gql(Some(&f.token), RECORD, json!({ "input": deal_input(&f, json!({ "financing": [{ "source": "BANK", "amount": "1" }] })) }))
            .await
            .data("/recordDeal");
    }
    let query = "query($first: Int) { deals(first: $first) { nodes { version parties { role organization { id } } financing { source investor { id } } history { version } } } }";
    let mut counts = Vec::new();
    for first in [5, 30] {
        app.settle().await;
        app.take_statements();
        let reply = app
            .gql(Some(&f.token), query, json!({ "first": first }))
            .await;
        assert_eq!(
            reply.data("/deals/nodes").as_array().map(Vec::len),
            Some(first)
        );
        counts.push(app.take_request_statements().len());
    }
    assert_eq!(counts[0], counts[1], "statements at 5 and 30 rows");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_deal_pages_cost_a_bounded_number_of_statements() {
    deal_pages_cost_a_bounded_number_of_statements(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_deal_pages_cost_a_bounded_number_of_statements() {
    if let Some(backend) = Backend::postgres("deal_pages_cost_a_bounded_number_of_statements") {
        deal_pages_cost_a_bounded_number_of_statements(backend).await;
    }
}

/// Every computed indicator the migrations seed has its computation, and every computation has
/// its seeded row: the report can show no "not computed by this version" for shipped codes.
async fn every_seeded_computed_indicator_is_computed(app: TestApp) {
    use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
    use strum::IntoEnumIterator as _;
    let seeded: std::collections::BTreeSet<String> = entity::indicator::Entity::find()
        .filter(entity::indicator::Column::Method.eq(entity::indicator::IndicatorMethod::Computed))
        .all(&app.db)
        .await
        .expect("indicators")
        .into_iter()
        .map(|i| i.code)
        .collect();
    let computed: std::collections::BTreeSet<String> = kopir::domain::indicators::Computed::iter()
        .map(|c| <&str>::from(c).to_owned())
        .collect();
    assert_eq!(seeded, computed);
    assert_eq!(seeded.len(), 17);
}

crate::db_tests!(
    every_seeded_computed_indicator_is_computed,
    concurrent_writers_each_apply_exactly_once,
    stale_invalid_excessive_and_foreign_writes_are_refused,
    a_failure_midway_through_record_deal_leaves_nothing,
    the_indicator_report_equals_hand_computed_figures,
    region_potential_ranks_as_computed_by_hand,
    concurrent_first_writes_of_one_key_all_succeed,
);
