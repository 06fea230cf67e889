//! What came of a meeting: each party's report after the slot, the verdict drawn from both, who
//! sees the notes, requests that expire unanswered, and meetings held counting as history, over
//! HTTP on both databases.

use chrono::{Duration, Utc};
use entity::{meeting, session};
use kopir::graphql::ids::decode;
use sea_orm::{ActiveModelTrait as _, ActiveValue::Set, EntityTrait as _};
use serde_json::{Value, json};

use crate::helpers::{Reply, TestApp, bins};

const REPORT: &str = "mutation($input: ReportMeetingOutcomeInput!) { reportMeetingOutcome(input: $input) { meeting { verdict outcome } } }";
const SHOW: &str = "query($id: ID!) { node(id: $id) { ... on Meeting { status expiryReason verdict outcome reports { organization { id } attendance outcome note } } } }";
const REQUEST: &str = "mutation($s: ID!, $f: ID!, $t: ID!) { requestMeeting(input: { sessionId: $s, fromOrganizationId: $f, toOrganizationId: $t }) { meeting { id status } } }";

fn id(reply: &Reply, pointer: &str) -> String {
    reply.data(pointer).as_str().expect("id").to_owned()
}

fn reason(reply: &Reply) -> Option<&str> {
    reply.body["errors"][0]["extensions"]["reason"].as_str()
}

/// Three organisations, each with its own admin, at a session that started an hour ago (six
/// 20-minute slots, so slots 0–2 are over), all registered.
struct World {
    tokens: [String; 3],
    orgs: [String; 3],
    session: String,
}

async fn world(app: &TestApp) -> World {
    let bins = bins(3);
    let mut tokens = Vec::new();
    let mut orgs = Vec::new();
    for (i, bin) in bins.iter().enumerate() {
        let token = app.register(&format!("party{i}@example.kz")).await;
        orgs.push(app.create_org(&token, &format!("Party {i}"), bin).await);
        tokens.push(token);
    }
    let start = Utc::now() - Duration::hours(1);
    let session = id(
        &app.gql(Some(&tokens[0]), "mutation($input: CreateSessionInput!) { createSession(input: $input) { session { id } } }", json!({ "input": {
            "title": { "en": "Session" }, "venueOrganizationId": orgs[0], "startsAt": start.to_rfc3339(),
            "endsAt": (start + Duration::hours(2)).to_rfc3339(), "registrationDeadline": (start + Duration::minutes(90)).to_rfc3339(),
            "tables": 3, "capacity": 10 } })).await,
        "/createSession/session/id",
    );
    for (token, org) in tokens.iter().zip(&orgs) {
        app.gql(Some(token), "mutation($s: ID!, $o: ID!) { registerForSession(input: { sessionId: $s, organizationId: $o }) { registration { registeredAt } } }", json!({ "s": session, "o": org }))
            .await
            .data("/registerForSession");
    }
    World {
        tokens: tokens.try_into().expect("three"),
        orgs: orgs.try_into().expect("three"),
        session,
    }
}

/// Party `from` asks `to`, `to` accepts, `from` books `slot`.
async fn booked(app: &TestApp, w: &World, from: usize, to: usize, slot: i32) -> String {
    let m = id(
        &app.gql(
            Some(&w.tokens[from]),
            REQUEST,
            json!({ "s": w.session, "f": w.orgs[from], "t": w.orgs[to] }),
        )
        .await,
        "/requestMeeting/meeting/id",
    );
    app.gql(Some(&w.tokens[to]), "mutation($m: ID!) { respondToMeeting(input: { meetingId: $m, accept: true }) { meeting { status } } }", json!({ "m": m }))
        .await
        .data("/respondToMeeting");
    app.gql(Some(&w.tokens[from]), "mutation($m: ID!, $s: Int!) { bookMeeting(input: { meetingId: $m, slot: $s }) { meeting { id } } }", json!({ "m": m, "s": slot }))
        .await
        .data("/bookMeeting");
    m
}

fn raw_id(global: &str) -> i64 {
    decode(&global.into()).expect("a global ID").1
}

/// Moves the session `days` into the past, as if that much time had gone by since.
async fn age_session(app: &TestApp, session: &str, days: i64) {
    let row = session::Entity::find_by_id(raw_id(session))
        .one(&app.db)
        .await
        .expect("read")
        .expect("session");
    let shift = Duration::days(days);
    let mut active: session::ActiveModel = row.clone().into();
    active.starts_at = Set(row.starts_at - shift);
    active.ends_at = Set(row.ends_at - shift);
    active.registration_deadline = Set(row.registration_deadline - shift);
    active.update(&app.db).await.expect("age the session");
}

async fn both_parties_report_and_the_verdict_follows(app: TestApp) {
    let w = world(&app).await;
    let admin = app.admin().await;
    let over = booked(&app, &w, 1, 2, 0).await;
    let silent = booked(&app, &w, 0, 1, 1).await;
    let upcoming = booked(&app, &w, 2, 0, 5).await;
    let input = |m: &str, extra: Value| {
        let mut input = json!({ "meetingId": m, "attendance": "HELD" });
        for (k, v) in extra.as_object().expect("object") {
            input[k] = v.clone();
        }
        json!({ "input": input })
    };

    // Nothing is reported on a meeting before its slot ends, and only a meeting that took
    // place has an outcome.
    let early = app
        .gql(Some(&w.tokens[2]), REPORT, input(&upcoming, json!({})))
        .await;
    assert_eq!(early.error_code(), "BAD_USER_INPUT");
    assert_eq!(reason(&early), Some("MEETING_NOT_OVER"));
    let contradiction = app
        .gql(
            Some(&w.tokens[1]),
            REPORT,
            input(
                &over,
                json!({ "attendance": "NO_SHOW", "outcome": "NDA_SIGNED" }),
            ),
        )
        .await;
    assert_eq!(contradiction.error_code(), "BAD_USER_INPUT");
    assert_eq!(contradiction.error_field(), Some("outcome"));
    // Only the parties' members report: the organiser (party 0 is the venue) and a platform
    // admin see the meeting but may not speak for either party.
    for token in [&w.tokens[0], &admin] {
        let outsider = app.gql(Some(token), REPORT, input(&over, json!({}))).await;
        assert_eq!(outsider.error_code(), "FORBIDDEN");
    }
    let stranger = app.register("stranger@example.kz").await;
    let hidden = app
        .gql(Some(&stranger), REPORT, input(&over, json!({})))
        .await;
    assert_eq!(hidden.error_code(), "NOT_FOUND");
    assert_eq!(app.count("SELECT COUNT(*) FROM meeting_report").await, 0);

    // One side says it was held: awaiting the other until the confirmation window passes.
    let first = app
        .gql(
            Some(&w.tokens[1]),
            REPORT,
            input(
                &over,
                json!({ "outcome": "NDA_SIGNED", "note": "Samples by March" }),
            ),
        )
        .await;
    assert_eq!(
        first.data("/reportMeetingOutcome/meeting"),
        &json!({ "verdict": "AWAITING_REPORTS", "outcome": "NDA_SIGNED" })
    );
    let second = app
        .gql(
            Some(&w.tokens[2]),
            REPORT,
            input(&over, json!({ "outcome": "FOLLOW_UP_PLANNED" })),
        )
        .await;
    assert_eq!(
        second.data("/reportMeetingOutcome/meeting"),
        &json!({ "verdict": "HELD", "outcome": "NDA_SIGNED" }),
        "both say held; the furthest outcome is the meeting's"
    );

    // The held meeting, which led to an NDA, counts twice as history when party 1 looks for
    // partners.
    let need = id(
        &app.gql(Some(&w.tokens[1]), "mutation($o: ID!) { postNeed(input: { organizationId: $o, title: { en: \"Catalyst pilot\" } }) { need { id } } }", json!({ "o": w.orgs[1] }))
            .await,
        "/postNeed/need/id",
    );
    let history = |reply: &Reply| -> Value {
        let partner = reply
            .data("/partnersForNeed")
            .as_array()
            .expect("partners")
            .iter()
            .find(|p| p["organization"]["id"] == json!(w.orgs[2]))
            .cloned()
            .expect("party 2 is ranked on its history");
        json!({
            "evidence": partner["evidence"],
            "history": partner["factors"].as_array().expect("factors").iter().find(|f| f["name"] == "HISTORY").expect("history")["value"],
        })
    };
    let partners = "query($n: ID!) { partnersForNeed(needId: $n) { organization { id } factors { name value } evidence { meetingsHeld meetingsAdvanced } } }";
    let ranked = app
        .gql(Some(&w.tokens[1]), partners, json!({ "n": need }))
        .await;
    let two_thirds = 2.0 / 3.0;
    assert_eq!(
        history(&ranked),
        json!({ "evidence": { "meetingsHeld": 1, "meetingsAdvanced": 1 }, "history": two_thirds })
    );

    // The note is the parties' own: the other party reads it, the organiser does not.
    let note_of = |reply: &Reply| -> Vec<Value> {
        reply
            .data("/node/reports")
            .as_array()
            .expect("reports")
            .iter()
            .map(|r| r["note"].clone())
            .collect()
    };
    let party_view = app
        .gql(Some(&w.tokens[2]), SHOW, json!({ "id": over }))
        .await;
    assert!(note_of(&party_view).contains(&json!("Samples by March")));
    let organiser_view = app.gql(Some(&admin), SHOW, json!({ "id": over })).await;
    assert_eq!(note_of(&organiser_view), vec![Value::Null, Value::Null]);
    assert_eq!(
        organiser_view.data("/node/verdict"),
        "HELD",
        "the organiser sees the verdict"
    );

    // A later survey updates the same report: one row per party, and now they disagree.
    let changed = app
        .gql(
            Some(&w.tokens[2]),
            REPORT,
            input(&over, json!({ "attendance": "NO_SHOW" })),
        )
        .await;
    assert_eq!(
        changed.data("/reportMeetingOutcome/meeting/verdict"),
        "DISPUTED"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM meeting_report").await, 2);
    let ranked = app
        .gql(Some(&w.tokens[1]), partners, json!({ "n": need }))
        .await;
    assert_eq!(
        ranked.data("/partnersForNeed"),
        &json!([]),
        "a disputed meeting is no history, and party 2 has nothing else to be ranked on"
    );

    // A meeting whose slot has passed is reported on, not cancelled.
    let cancel = app
        .gql(
            Some(&w.tokens[0]),
            "mutation($m: ID!) { cancelMeeting(input: { meetingId: $m }) { meeting { status } } }",
            json!({ "m": silent }),
        )
        .await;
    assert_eq!(reason(&cancel), Some("MEETING_OVER"));

    // Party 0 says the second meeting was held; party 1 never answers. Once the confirmation
    // window (14 days) has passed, silence confirms it.
    let said = app
        .gql(Some(&w.tokens[0]), REPORT, input(&silent, json!({})))
        .await;
    assert_eq!(
        said.data("/reportMeetingOutcome/meeting/verdict"),
        "AWAITING_REPORTS"
    );
    age_session(&app, &w.session, 15).await;
    let confirmed = app
        .gql(Some(&w.tokens[0]), SHOW, json!({ "id": silent }))
        .await;
    assert_eq!(confirmed.data("/node/verdict"), "HELD");
    assert_eq!(confirmed.data("/node/outcome"), &Value::Null);
}

async fn unanswered_requests_expire_and_free_the_pair(app: TestApp) {
    let w = world(&app).await;
    let ask = || {
        app.gql(
            Some(&w.tokens[1]),
            REQUEST,
            json!({ "s": w.session, "f": w.orgs[1], "t": w.orgs[2] }),
        )
    };
    let m = id(&ask().await, "/requestMeeting/meeting/id");
    assert_eq!(reason(&ask().await), Some("ALREADY_REQUESTED"));

    // Eight days without an answer (the time to live is seven).
    let row = meeting::Entity::find_by_id(raw_id(&m))
        .one(&app.db)
        .await
        .expect("read")
        .expect("meeting");
    let mut aged: meeting::ActiveModel = row.clone().into();
    aged.created_at = Set(row.created_at - Duration::days(8));
    aged.update(&app.db).await.expect("age the request");

    let shown = app.gql(Some(&w.tokens[2]), SHOW, json!({ "id": m })).await;
    assert_eq!(shown.data("/node/status"), "EXPIRED");
    assert_eq!(shown.data("/node/expiryReason"), "NO_ANSWER");
    assert_eq!(shown.data("/node/verdict"), &Value::Null);
    let late = app
        .gql(Some(&w.tokens[2]), "mutation($m: ID!) { respondToMeeting(input: { meetingId: $m, accept: true }) { meeting { status } } }", json!({ "m": m }))
        .await;
    assert_eq!(reason(&late), Some("REQUEST_EXPIRED"));
    let cancel = app
        .gql(
            Some(&w.tokens[1]),
            "mutation($m: ID!) { cancelMeeting(input: { meetingId: $m }) { meeting { status } } }",
            json!({ "m": m }),
        )
        .await;
    assert_eq!(reason(&cancel), Some("WRONG_STATUS"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM meeting WHERE status = 'REQUESTED'")
            .await,
        1,
        "expiry writes nothing: the row stays as it was"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM meeting_seat").await, 0);

    // The expired request no longer stands between the two.
    let again = ask().await;
    assert_eq!(again.data("/requestMeeting/meeting/status"), "REQUESTED");
    let again = id(&again, "/requestMeeting/meeting/id");

    // When the session ends, every request still unanswered expires with it.
    age_session(&app, &w.session, 1).await;
    let ended = app
        .gql(Some(&w.tokens[2]), SHOW, json!({ "id": again }))
        .await;
    assert_eq!(ended.data("/node/expiryReason"), "SESSION_ENDED");

    // An ended session takes no new requests: one would be born expired.
    let meetings = app.count("SELECT COUNT(*) FROM meeting").await;
    let after_end = app
        .gql(
            Some(&w.tokens[0]),
            REQUEST,
            json!({ "s": w.session, "f": w.orgs[0], "t": w.orgs[1] }),
        )
        .await;
    assert_eq!(after_end.error_code(), "BAD_USER_INPUT");
    assert_eq!(after_end.error_field(), Some("sessionId"));
    assert_eq!(reason(&after_end), Some("REGISTRATION_CLOSED"));
    assert_eq!(app.count("SELECT COUNT(*) FROM meeting").await, meetings);
}

crate::db_tests!(
    both_parties_report_and_the_verdict_follows,
    unanswered_requests_expire_and_free_the_pair,
);
