//! IDs an input names, on both databases: an object the caller may not see answers exactly as
//! one that does not exist (`NOT_FOUND`, the same field and message) and writes nothing; a
//! visible object that does not belong to the operation is refused by name.

use chrono::{Duration, Utc};
use kopir::graphql::ids::{NodeType, encode};
use serde_json::{Value, json};

use crate::helpers::{Reply, TestApp, bins};

const CREATE_ORG: &str = "mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }";
const RECORD: &str = "mutation($input: RecordDealInput!) { recordDeal(input: $input) { deal { id session { id } } } }";
const REQUEST: &str = "mutation($input: RequestMeetingInput!) { requestMeeting(input: $input) { meeting { id score } } }";
const UPDATE_NEED: &str =
    "mutation($input: UpdateNeedInput!) { updateNeed(input: $input) { need { id status } } }";

fn id(reply: &Reply, pointer: &str) -> String {
    reply.data(pointer).as_str().expect("id").to_owned()
}

/// The parts of an error a client can tell apart.
fn answer(reply: &Reply) -> Value {
    let e = &reply.body["errors"][0];
    json!({ "code": e["extensions"]["code"], "field": e["extensions"]["field"], "message": e["message"], "data": reply.body["data"] })
}

/// The owner runs two organisations (an enterprise with a confidential need, a university with
/// an inactive capability) that met at a session; the outsider runs two others, registered for
/// the same session.
struct World {
    owner: String,
    outsider: String,
    /// The owner's enterprise and university; the outsider's university and enterprise.
    orgs: [String; 4],
    session: String,
    need: String,
    inactive_capability: String,
    meeting: String,
}

async fn world(app: &TestApp) -> World {
    let admin = app.admin().await;
    let owner = app.register("owner@example.kz").await;
    let outsider = app.register("outsider@example.kz").await;
    let bins = bins(4);
    let mut orgs = Vec::new();
    for (i, (token, kind)) in [
        (&owner, "ENTERPRISE"),
        (&owner, "UNIVERSITY"),
        (&outsider, "UNIVERSITY"),
        (&outsider, "ENTERPRISE"),
    ]
    .into_iter()
    .enumerate()
    {
        let input = json!({ "kind": kind, "name": { "en": format!("Org {i}") }, "bin": bins[i], "regionCode": "KZ-75" });
        orgs.push(id(
            &app.gql(Some(token), CREATE_ORG, json!({ "input": input }))
                .await,
            "/createOrganization/organization/id",
        ));
    }
    let orgs: [String; 4] = orgs.try_into().expect("four");
    let need = id(
        &app.gql(
            Some(&owner),
            "mutation($input: PostNeedInput!) { postNeed(input: $input) { need { id } } }",
            json!({ "input": { "organizationId": orgs[0], "title": { "en": "Secret catalysts" }, "confidentiality": "CONFIDENTIAL" } }),
        )
        .await,
        "/postNeed/need/id",
    );
    let inactive_capability = id(
        &app.gql(
            Some(&owner),
            "mutation($input: PostCapabilityInput!) { postCapability(input: $input) { capability { id } } }",
            json!({ "input": { "organizationId": orgs[1], "title": { "en": "Catalyst testing" }, "active": false } }),
        )
        .await,
        "/postCapability/capability/id",
    );
    let start = Utc::now() + Duration::days(1);
    let session = id(
        &app.gql(
            Some(&admin),
            "mutation($input: CreateSessionInput!) { createSession(input: $input) { session { id } } }",
            json!({ "input": { "title": { "en": "Session" }, "venueOrganizationId": orgs[1],
                "startsAt": start.to_rfc3339(), "endsAt": (start + Duration::hours(3)).to_rfc3339(),
                "tables": 5, "capacity": 10 } }),
        )
        .await,
        "/createSession/session/id",
    );
    for (token, org) in [
        (&owner, &orgs[0]),
        (&owner, &orgs[1]),
        (&outsider, &orgs[2]),
        (&outsider, &orgs[3]),
    ] {
        app.gql(
            Some(token),
            "mutation($s: ID!, $o: ID!) { registerForSession(input: { sessionId: $s, organizationId: $o }) { registration { registeredAt } } }",
            json!({ "s": session, "o": org }),
        )
        .await
        .data("/registerForSession");
    }
    let meeting = id(
        &app.gql(
            Some(&owner),
            REQUEST,
            json!({ "input": { "sessionId": session, "fromOrganizationId": orgs[0], "toOrganizationId": orgs[1] } }),
        )
        .await,
        "/requestMeeting/meeting/id",
    );
    World {
        owner,
        outsider,
        orgs,
        session,
        need,
        inactive_capability,
        meeting,
    }
}

/// IDs of the same kinds whose rows do not exist.
fn missing(kind: NodeType) -> String {
    encode(kind, 987_654_321).to_string()
}

/// Sends `input` with `hidden`, then with a missing ID of the same kind, in `field`; both must
/// answer alike, `NOT_FOUND` on `field`, and `table` must not grow.
async fn hidden_like_missing(
    app: &TestApp,
    token: &str,
    mutation: &str,
    input: Value,
    (field, hidden, kind): (&str, &str, NodeType),
    table: &str,
) {
    let before = app.count(&format!("SELECT COUNT(*) FROM {table}")).await;
    let mut answers = Vec::new();
    for value in [hidden.to_owned(), missing(kind)] {
        let mut input = input.clone();
        input[field] = json!(value);
        answers.push(answer(
            &app.gql(Some(token), mutation, json!({ "input": input }))
                .await,
        ));
    }
    assert_eq!(answers[0], answers[1], "{field}: hidden and missing differ");
    assert_eq!(answers[0]["code"], "NOT_FOUND", "{field}: {:#}", answers[0]);
    assert_eq!(answers[0]["field"], field);
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM {table}")).await,
        before,
        "{field}: nothing is written"
    );
}

async fn hidden_objects_answer_like_missing_ones(app: TestApp) {
    let w = world(&app).await;
    let deal = json!({ "title": { "en": "Licence" }, "dealType": "NON_EXCLUSIVE_LICENCE", "value": "1000",
        "parties": [{ "organizationId": w.orgs[2], "role": "PROVIDER" }, { "organizationId": w.orgs[3], "role": "RECIPIENT" }] });
    // recordDeal: another organisation's confidential need, inactive capability, and a meeting
    // between two other organisations.
    for reference in [
        ("needId", w.need.as_str(), NodeType::Need),
        (
            "capabilityId",
            w.inactive_capability.as_str(),
            NodeType::Capability,
        ),
        ("meetingId", w.meeting.as_str(), NodeType::Meeting),
    ] {
        hidden_like_missing(&app, &w.outsider, RECORD, deal.clone(), reference, "deal").await;
    }
    // requestMeeting about a confidential need: no meeting, no score from its hidden text.
    let meeting = json!({ "sessionId": w.session, "fromOrganizationId": w.orgs[2], "toOrganizationId": w.orgs[0] });
    hidden_like_missing(
        &app,
        &w.outsider,
        REQUEST,
        meeting,
        ("needId", &w.need, NodeType::Need),
        "meeting",
    )
    .await;
    // updateNeed matched with another organisation's inactive capability.
    let need = id(
        &app.gql(
            Some(&w.outsider),
            "mutation($input: PostNeedInput!) { postNeed(input: $input) { need { id } } }",
            json!({ "input": { "organizationId": w.orgs[3], "title": { "en": "Testing" } } }),
        )
        .await,
        "/postNeed/need/id",
    );
    hidden_like_missing(
        &app,
        &w.outsider,
        UPDATE_NEED,
        json!({ "id": need, "status": "MATCHED" }),
        (
            "matchedCapabilityId",
            &w.inactive_capability,
            NodeType::Capability,
        ),
        "need WHERE status = 'MATCHED'",
    )
    .await;
}

async fn visible_references_must_belong_to_the_operation(app: TestApp) {
    let w = world(&app).await;
    // The owner sees its own meeting, but a deal between other parties cannot come of it.
    let deal = json!({ "title": { "en": "Licence" }, "dealType": "NON_EXCLUSIVE_LICENCE", "value": "1000",
        "parties": [{ "organizationId": w.orgs[1], "role": "PROVIDER" }, { "organizationId": w.orgs[3], "role": "RECIPIENT" }],
        "meetingId": w.meeting });
    let reply = app
        .gql(Some(&w.owner), RECORD, json!({ "input": deal }))
        .await;
    assert_eq!(reply.error_code(), "BAD_USER_INPUT");
    assert_eq!(reply.error_field(), Some("meetingId"));
    // Between its parties, the deal takes the meeting's session.
    let deal = json!({ "title": { "en": "Licence" }, "dealType": "NON_EXCLUSIVE_LICENCE", "value": "1000",
        "parties": [{ "organizationId": w.orgs[1], "role": "PROVIDER" }, { "organizationId": w.orgs[0], "role": "RECIPIENT" }],
        "meetingId": w.meeting, "needId": w.need });
    let reply = app
        .gql(Some(&w.owner), RECORD, json!({ "input": deal }))
        .await;
    assert_eq!(reply.data("/recordDeal/deal/session/id"), &json!(w.session));
    // A need given a deadline that has passed is refused on update as on posting.
    let reply = app
        .gql(
            Some(&w.owner),
            UPDATE_NEED,
            json!({ "input": { "id": w.need, "deadline": "2020-01-01" } }),
        )
        .await;
    assert_eq!(reply.error_code(), "BAD_USER_INPUT");
    assert_eq!(reply.error_field(), Some("deadline"));
}

crate::db_tests!(
    hidden_objects_answer_like_missing_ones,
    visible_references_must_belong_to_the_operation,
);
