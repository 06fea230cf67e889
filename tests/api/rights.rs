//! Who may do what: every operation that exists, tried by an anonymous caller, a member of
//! organisation A, a member of organisation B and a platform admin. Each row states the expected
//! outcome for each caller; a new operation adds a row here.

use serde_json::{Value, json};

use crate::helpers::{TestApp, bins};

/// What a caller should get.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// Data, no error.
    Ok,
    /// `data` at the pointer is null (hidden), no error.
    Hidden(&'static str),
    /// An error with this code.
    Code(&'static str),
}

use Expect::{Code, Hidden, Ok};

async fn every_operation_respects_every_callers_rights(app: TestApp) {
    let admin = app.admin().await;
    let a = app.register("a@a.kz").await;
    let b = app.register("b@b.kz").await;
    let b_bins = bins(3);
    let org_a = app.create_org(&a, "Org A", &b_bins[0]).await;
    let org_b = app.create_org(&b, "Org B", &b_bins[1]).await;
    let me_a = app
        .gql(Some(&a), "{ me { id } }", json!({}))
        .await
        .data("/me/id")
        .clone();
    let city = app
        .gql(Some(&admin), "mutation { createScienceCity(input: { name: { en: \"C\" }, regionCode: \"KZ-75\" }) { scienceCity { id } } }", json!({}))
        .await
        .data("/createScienceCity/scienceCity/id")
        .clone();

    let need_a = app
        .gql(Some(&a), "mutation($org: ID!) { postNeed(input: { organizationId: $org, title: { en: \"Secret need\" }, confidentiality: CONFIDENTIAL }) { need { id } } }", json!({ "org": org_a }))
        .await
        .data("/postNeed/need/id")
        .clone();
    let post_capability = "mutation($org: ID!, $active: Boolean!) { postCapability(input: { organizationId: $org, title: { en: \"Secret capability\" }, active: $active }) { capability { id } } }";
    let inactive_a = app
        .gql(
            Some(&a),
            post_capability,
            json!({ "org": org_a, "active": false }),
        )
        .await
        .data("/postCapability/capability/id")
        .clone();
    let cap_b = app
        .gql(
            Some(&b),
            post_capability,
            json!({ "org": org_b, "active": true }),
        )
        .await
        .data("/postCapability/capability/id")
        .clone();

    let start = chrono::Utc::now() + chrono::Duration::days(1);
    let session = app
        .gql(Some(&a), "mutation($v: ID!, $s: DateTime!, $e: DateTime!) { createSession(input: { title: { en: \"S\" }, venueOrganizationId: $v, startsAt: $s, endsAt: $e, tables: 2, capacity: 10 }) { session { id } } }", json!({ "v": org_a, "s": start.to_rfc3339(), "e": (start + chrono::Duration::hours(1)).to_rfc3339() }))
        .await
        .data("/createSession/session/id")
        .clone();
    let register = "mutation($s: ID!, $o: ID!) { registerForSession(input: { sessionId: $s, organizationId: $o }) { registration { registeredAt } } }";
    app.gql(Some(&a), register, json!({ "s": session, "o": org_a }))
        .await
        .data("/registerForSession");
    app.gql(Some(&b), register, json!({ "s": session, "o": org_b }))
        .await
        .data("/registerForSession");
    let meeting = app
        .gql(Some(&b), "mutation($s: ID!, $f: ID!, $t: ID!) { requestMeeting(input: { sessionId: $s, fromOrganizationId: $f, toOrganizationId: $t }) { meeting { id } } }", json!({ "s": session, "f": org_b, "t": org_a }))
        .await
        .data("/requestMeeting/meeting/id")
        .clone();

    // A deal between A and another organisation of A's user: B is no party.
    let org_a2 = app.create_org(&a, "Org A2", &b_bins[2]).await;
    let parties = json!([{ "organizationId": org_a, "role": "PROVIDER" }, { "organizationId": org_a2, "role": "RECIPIENT" }]);
    let record_deal = "mutation($p: [DealPartyInput!]!) { recordDeal(input: { title: { en: \"Deal\" }, dealType: CONSULTANCY, value: \"1000\", parties: $p }) { deal { id } } }";
    let deal = app
        .gql(Some(&a), record_deal, json!({ "p": parties }))
        .await
        .data("/recordDeal/deal/id")
        .clone();

    // Two members-only portfolio items of A: one to read and change, one to remove.
    let add_item = "mutation($o: ID!) { addPortfolioItem(input: { kind: PROJECT, title: { en: \"Work\" }, membersOnly: true, participants: [{ organizationId: $o }] }) { item { id } } }";
    let mut items = Vec::new();
    for _ in 0..2 {
        items.push(
            app.gql(Some(&a), add_item, json!({ "o": org_a }))
                .await
                .data("/addPortfolioItem/item/id")
                .clone(),
        );
    }

    // An infrastructure project A's organisation sponsors, with one commitment (version 2).
    let project = app
        .gql(Some(&a), "mutation($c: ID!, $s: ID!) { createInfrastructureProject(input: { scienceCityId: $c, kind: TECHNOPARK, title: { en: \"Park\" }, sponsorId: $s, totalCost: \"1000\" }) { project { id } } }", json!({ "c": city, "s": org_a }))
        .await
        .data("/createInfrastructureProject/project/id")
        .clone();
    let commitment = app
        .gql(Some(&a), "mutation($p: ID!) { recordInfrastructureFinancing(input: { projectId: $p, expectedVersion: 1, source: LOCAL_BUDGET, instrument: GRANT, pledged: \"100\", committed: \"100\", pledgedOn: \"2025-01-01\", committedOn: \"2025-01-01\" }) { project { financing { id } } } }", json!({ "p": project }))
        .await
        .data("/recordInfrastructureFinancing/project/financing/0/id")
        .clone();

    // (operation, variables, [anonymous, member of A, member of B, platform admin])
    let rows: Vec<(&str, Value, [Expect; 4])> = vec![
        (
            "{ regions { code } region(code: \"KZ-75\") { code } scienceCities { totalCount } taxonomy { trlLevels { level } } }",
            json!({}),
            [Ok, Ok, Ok, Ok],
        ),
        (
            "{ organizations { totalCount nodes { name { en } } } }",
            json!({}),
            [Ok, Ok, Ok, Ok],
        ),
        (
            "query($id: ID!) { organization(id: $id) { members { role } } }",
            json!({ "id": org_a }),
            [
                Hidden("/organization/members"),
                Ok,
                Hidden("/organization/members"),
                Ok,
            ],
        ),
        (
            "query($id: ID!) { organization(id: $id) { viewerRole } }",
            json!({ "id": org_a }),
            [
                Hidden("/organization/viewerRole"),
                Ok,
                Hidden("/organization/viewerRole"),
                Hidden("/organization/viewerRole"),
            ],
        ),
        (
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": me_a }),
            [Hidden("/node"), Ok, Hidden("/node"), Ok],
        ),
        ("{ me { email } }", json!({}), [Hidden("/me"), Ok, Ok, Ok]),
        (
            "{ needs { totalCount } capabilities(filter: { active: null }) { totalCount } }",
            json!({}),
            [Ok, Ok, Ok, Ok],
        ),
        (
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": need_a }),
            [Hidden("/node"), Ok, Hidden("/node"), Ok],
        ),
        (
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": inactive_a }),
            [Hidden("/node"), Ok, Hidden("/node"), Ok],
        ),
        (
            "query($id: ID!) { matchesForNeed(needId: $id) { score } }",
            json!({ "id": need_a }),
            [Code("UNAUTHENTICATED"), Ok, Code("NOT_FOUND"), Ok],
        ),
        (
            "query($id: ID!) { matchesForCapability(capabilityId: $id) { score } }",
            json!({ "id": cap_b }),
            [Code("UNAUTHENTICATED"), Ok, Ok, Ok],
        ),
        (
            "query($n: ID!, $c: ID!) { explainMatch(needId: $n, capabilityId: $c) { score } }",
            json!({ "n": need_a, "c": cap_b }),
            [Code("UNAUTHENTICATED"), Ok, Code("NOT_FOUND"), Ok],
        ),
        (
            "query($id: ID!) { partnerSuggestions(organizationId: $id) { score } }",
            json!({ "id": org_a }),
            [Code("UNAUTHENTICATED"), Ok, Code("FORBIDDEN"), Ok],
        ),
        (
            "mutation($id: ID!) { postNeed(input: { organizationId: $id, title: { en: \"N\" } }) { need { id } } }",
            json!({ "id": org_a }),
            [Code("UNAUTHENTICATED"), Ok, Code("FORBIDDEN"), Ok],
        ),
        (
            "mutation($id: ID!) { updateNeed(input: { id: $id, keywords: [\"k\"] }) { need { id } } }",
            json!({ "id": need_a }),
            [Code("UNAUTHENTICATED"), Ok, Code("NOT_FOUND"), Ok],
        ),
        (
            "mutation($id: ID!) { closeNeed(input: { id: $id }) { need { status } } }",
            json!({ "id": need_a }),
            // A closes it; the admin's repeat finds it closed already.
            [
                Code("UNAUTHENTICATED"),
                Ok,
                Code("NOT_FOUND"),
                Code("BAD_USER_INPUT"),
            ],
        ),
        (
            "mutation($id: ID!) { postCapability(input: { organizationId: $id, title: { en: \"C\" } }) { capability { id } } }",
            json!({ "id": org_a }),
            [Code("UNAUTHENTICATED"), Ok, Code("FORBIDDEN"), Ok],
        ),
        (
            "mutation($id: ID!) { updateCapability(input: { id: $id, capacity: 2 }) { capability { id } } }",
            json!({ "id": cap_b }),
            [Code("UNAUTHENTICATED"), Code("FORBIDDEN"), Ok, Ok],
        ),
        (
            "{ sessions { totalCount nodes { slots { index } registrations { availability calendarPath } } } }",
            json!({}),
            [Ok, Ok, Ok, Ok],
        ),
        (
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": meeting }),
            [Hidden("/node"), Ok, Ok, Ok],
        ),
        (
            "query($s: ID!, $o: ID!) { session(id: $s) { agenda(organizationId: $o) { id } } }",
            json!({ "s": session, "o": org_a }),
            [Code("UNAUTHENTICATED"), Ok, Code("FORBIDDEN"), Ok],
        ),
        (
            "mutation($v: ID!, $s: DateTime!, $e: DateTime!) { createSession(input: { title: { en: \"T\" }, venueOrganizationId: $v, startsAt: $s, endsAt: $e, tables: 1, capacity: 2 }) { session { id } } }",
            json!({ "v": org_a, "s": start.to_rfc3339(), "e": (start + chrono::Duration::hours(1)).to_rfc3339() }),
            [Code("UNAUTHENTICATED"), Ok, Code("FORBIDDEN"), Ok],
        ),
        (
            "mutation($s: ID!, $o: ID!) { registerForSession(input: { sessionId: $s, organizationId: $o, availability: [0] }) { registration { availability } } }",
            json!({ "s": session, "o": org_a }),
            [Code("UNAUTHENTICATED"), Ok, Code("FORBIDDEN"), Ok],
        ),
        (
            "mutation($s: ID!, $f: ID!, $t: ID!) { requestMeeting(input: { sessionId: $s, fromOrganizationId: $f, toOrganizationId: $t }) { meeting { id } } }",
            json!({ "s": session, "f": org_b, "t": org_a }),
            // B asked already; A is not B's member.
            [
                Code("UNAUTHENTICATED"),
                Code("FORBIDDEN"),
                Code("BAD_USER_INPUT"),
                Code("BAD_USER_INPUT"),
            ],
        ),
        (
            "mutation($m: ID!) { respondToMeeting(input: { meetingId: $m, accept: true }) { meeting { status } } }",
            json!({ "m": meeting }),
            // Only the invitee (A) answers; then it is no longer pending.
            [
                Code("UNAUTHENTICATED"),
                Ok,
                Code("FORBIDDEN"),
                Code("BAD_USER_INPUT"),
            ],
        ),
        (
            "mutation($m: ID!) { bookMeeting(input: { meetingId: $m, slot: 0 }) { meeting { table } } }",
            json!({ "m": meeting }),
            // A party books; then it is booked. Platform admins act for any organisation.
            [
                Code("UNAUTHENTICATED"),
                Ok,
                Code("BAD_USER_INPUT"),
                Code("BAD_USER_INPUT"),
            ],
        ),
        (
            "mutation($m: ID!) { reportMeetingOutcome(input: { meetingId: $m, attendance: HELD }) { meeting { verdict } } }",
            json!({ "m": meeting }),
            // The parties' members only, and not before the slot has ended (tomorrow); a
            // platform admin speaks for neither party.
            [
                Code("UNAUTHENTICATED"),
                Code("BAD_USER_INPUT"),
                Code("BAD_USER_INPUT"),
                Code("FORBIDDEN"),
            ],
        ),
        (
            "query($p: ID!, $c: ID!) { infrastructureProjects { totalCount } infrastructureProject(id: $p) { version financing { pledged { amount } } } infrastructureProgramme(scienceCityId: $c, year: 2026) { projects } }",
            json!({ "p": project, "c": city }),
            // The programme is public.
            [Ok, Ok, Ok, Ok],
        ),
        (
            "mutation($c: ID!, $s: ID!) { createInfrastructureProject(input: { scienceCityId: $c, kind: CAMPUS, title: { en: \"Campus\" }, sponsorId: $s, totalCost: \"1\" }) { project { id } } }",
            json!({ "c": city, "s": org_a }),
            // Members of the sponsor and platform admins (the Management Company).
            [Code("UNAUTHENTICATED"), Ok, Code("FORBIDDEN"), Ok],
        ),
        (
            "mutation($p: ID!) { updateInfrastructureProject(input: { id: $p, expectedVersion: 2, floorAreaM2: 500 }) { project { version } } }",
            json!({ "p": project }),
            // A writes version 3; the admin's version 2 is stale by then.
            [
                Code("UNAUTHENTICATED"),
                Ok,
                Code("FORBIDDEN"),
                Code("VERSION_CONFLICT"),
            ],
        ),
        (
            "mutation($p: ID!) { advanceInfrastructureProject(input: { id: $p, stage: FINANCING, expectedVersion: 3 }) { project { stage } } }",
            json!({ "p": project }),
            [
                Code("UNAUTHENTICATED"),
                Ok,
                Code("FORBIDDEN"),
                Code("VERSION_CONFLICT"),
            ],
        ),
        (
            "mutation($p: ID!) { recordInfrastructureFinancing(input: { projectId: $p, expectedVersion: 4, source: STATE_BUDGET, instrument: GRANT, pledged: \"5\", pledgedOn: \"2025-01-01\" }) { project { version } } }",
            json!({ "p": project }),
            [
                Code("UNAUTHENTICATED"),
                Ok,
                Code("FORBIDDEN"),
                Code("VERSION_CONFLICT"),
            ],
        ),
        (
            "mutation($f: ID!) { recordInfrastructureDisbursement(input: { financingId: $f, expectedVersion: 5, amount: \"10\", paidOn: \"2025-06-01\" }) { project { version } } }",
            json!({ "f": commitment }),
            [
                Code("UNAUTHENTICATED"),
                Ok,
                Code("FORBIDDEN"),
                Code("VERSION_CONFLICT"),
            ],
        ),
        (
            "mutation($s: ID!) { scheduleSession(input: { sessionId: $s }) { upperBound } }",
            json!({ "s": session }),
            [Code("UNAUTHENTICATED"), Ok, Code("FORBIDDEN"), Ok],
        ),
        (
            "mutation($m: ID!) { cancelMeeting(input: { meetingId: $m }) { meeting { status } } }",
            json!({ "m": meeting }),
            [
                Code("UNAUTHENTICATED"),
                Ok,
                Code("BAD_USER_INPUT"),
                Code("BAD_USER_INPUT"),
            ],
        ),
        (
            "query($id: ID!) { deal(id: $id) { version parties { role } financing { source } history { version } } }",
            json!({ "id": deal }),
            [Hidden("/deal"), Ok, Hidden("/deal"), Ok],
        ),
        (
            "{ deals { totalCount } }",
            json!({}),
            [Code("UNAUTHENTICATED"), Ok, Ok, Ok],
        ),
        (
            "mutation($id: ID!) { advanceDeal(input: { id: $id, stage: NEGOTIATING, expectedVersion: 1 }) { deal { version } } }",
            json!({ "id": deal }),
            // A moves it to version 2; the admin's version 1 is stale by then.
            [
                Code("UNAUTHENTICATED"),
                Ok,
                Code("NOT_FOUND"),
                Code("VERSION_CONFLICT"),
            ],
        ),
        (
            "mutation($id: ID!) { updateDealTerms(input: { id: $id, expectedVersion: 2, territory: \"KZ\" }) { deal { version } } }",
            json!({ "id": deal }),
            [
                Code("UNAUTHENTICATED"),
                Ok,
                Code("NOT_FOUND"),
                Code("VERSION_CONFLICT"),
            ],
        ),
        (
            "mutation($p: [DealPartyInput!]!) { recordDeal(input: { title: { en: \"Deal\" }, dealType: CONSULTANCY, value: \"1000\", parties: $p }) { deal { id } } }",
            json!({ "p": parties }),
            [Code("UNAUTHENTICATED"), Ok, Code("FORBIDDEN"), Ok],
        ),
        (
            "query($c: ID!) { indicatorReport(scienceCityId: $c, year: 2026) { code actual status } regionPotential(year: 2026) { regions { rank } } }",
            json!({ "c": city }),
            [Ok, Ok, Ok, Ok],
        ),
        (
            "mutation($c: ID!) { setIndicatorTarget(input: { indicatorCode: \"DEALS_SIGNED\", scienceCityId: $c, year: 2026, target: \"3\", critical: \"1\" }) { target } }",
            json!({ "c": city }),
            [
                Code("UNAUTHENTICATED"),
                Code("FORBIDDEN"),
                Code("FORBIDDEN"),
                Ok,
            ],
        ),
        (
            "mutation($c: ID!) { recordIndicatorValue(input: { indicatorCode: \"JOBS_CREATED\", scienceCityId: $c, year: 2026, value: \"4\" }) { value } }",
            json!({ "c": city }),
            [
                Code("UNAUTHENTICATED"),
                Code("FORBIDDEN"),
                Code("FORBIDDEN"),
                Ok,
            ],
        ),
        (
            "mutation { recordRegionStatistics(input: { regionCode: \"KZ-75\", year: 2026, values: [{ name: \"GRP\", value: \"1\" }] }) { stored } }",
            json!({}),
            [
                Code("UNAUTHENTICATED"),
                Code("FORBIDDEN"),
                Code("FORBIDDEN"),
                Ok,
            ],
        ),
        (
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": items[0] }),
            [Hidden("/node"), Ok, Hidden("/node"), Ok],
        ),
        (
            add_item,
            json!({ "o": org_a }),
            [Code("UNAUTHENTICATED"), Ok, Code("FORBIDDEN"), Ok],
        ),
        (
            "mutation($id: ID!) { updatePortfolioItem(input: { id: $id, year: 2020 }) { item { year } } }",
            json!({ "id": items[0] }),
            [Code("UNAUTHENTICATED"), Ok, Code("NOT_FOUND"), Ok],
        ),
        (
            "mutation($id: ID!) { removePortfolioItem(input: { id: $id }) { removedId } }",
            json!({ "id": items[1] }),
            // A removes it; after that it is gone for the platform admin too.
            [
                Code("UNAUTHENTICATED"),
                Ok,
                Code("NOT_FOUND"),
                Code("NOT_FOUND"),
            ],
        ),
        (
            "mutation($id: ID!) { updateOrganization(input: { id: $id, website: \"https://a.kz\" }) { organization { id } } }",
            json!({ "id": org_a }),
            [Code("UNAUTHENTICATED"), Ok, Code("FORBIDDEN"), Ok],
        ),
        (
            "mutation($id: ID!) { inviteMember(input: { organizationId: $id, email: \"b@b.kz\" }) { invitation { role } } }",
            json!({ "id": org_a }),
            [
                // A's admin invites b; b, not an admin of A, may not; the platform admin's
                // repeat renews the open invitation.
                Code("UNAUTHENTICATED"),
                Ok,
                Code("FORBIDDEN"),
                Ok,
            ],
        ),
        (
            "mutation($id: ID!) { updateScienceCity(input: { id: $id, status: DESIGNATED }) { scienceCity { status } } }",
            json!({ "id": city }),
            [
                Code("UNAUTHENTICATED"),
                Code("FORBIDDEN"),
                Code("FORBIDDEN"),
                Ok,
            ],
        ),
        (
            "mutation { createScienceCity(input: { name: { en: \"D\" }, regionCode: \"KZ-71\" }) { scienceCity { id } } }",
            json!({}),
            [
                Code("UNAUTHENTICATED"),
                Code("FORBIDDEN"),
                Code("FORBIDDEN"),
                Ok,
            ],
        ),
    ];
    let callers = [
        ("anonymous", None),
        ("member of A", Some(&a)),
        ("member of B", Some(&b)),
        ("platform admin", Some(&admin)),
    ];
    for (query, variables, expected) in rows {
        for ((who, token), expect) in callers.iter().zip(expected) {
            let reply = app
                .gql(token.map(String::as_str), query, variables.clone())
                .await;
            match expect {
                Ok => assert!(
                    reply.body.get("errors").is_none(),
                    "{who}: {query}: {:#}",
                    reply.body
                ),
                Hidden(pointer) => {
                    assert!(
                        reply.body.get("errors").is_none(),
                        "{who}: {query}: {:#}",
                        reply.body
                    );
                    assert_eq!(
                        reply.data(pointer),
                        &Value::Null,
                        "{who} sees {pointer} of {query}"
                    );
                }
                Code(code) => assert_eq!(reply.error_code(), code, "{who}: {query}"),
            }
        }
    }
    // Three founding admins (A's user founded two organisations); an invitation adds no one
    // until it is accepted, and no refused call wrote a membership.
    assert_eq!(app.count("SELECT COUNT(*) FROM membership").await, 3);
}

crate::db_tests!(every_operation_respects_every_callers_rights);

/// Operations whose rights are proven by their own tests instead of a matrix row (a row would
/// change who belongs where for the rows after it), each with the test that does.
const COVERED_ELSEWHERE: [(&str, &str); 11] = [
    ("register", "accounts::register_login_and_me"),
    (
        "partnersForNeed",
        "partners::strangers_and_anonymous_callers_get_no_partners",
    ),
    ("login", "accounts::register_login_and_me"),
    (
        "refreshToken",
        "accounts::refresh_tokens_rotate_and_reuse_revokes_the_session",
    ),
    ("logout", "accounts::logout_ends_one_session_or_all"),
    (
        "setAccountActive",
        "tokens::a_deactivated_account_is_refused_at_once",
    ),
    (
        "createOrganization",
        "organizations::another_organisations_member_is_forbidden",
    ),
    (
        "respondToInvitation",
        "organizations::members_join_by_invitation_and_the_last_admin_stays",
    ),
    (
        "changeMemberRole",
        "organizations::members_join_by_invitation_and_the_last_admin_stays",
    ),
    (
        "removeMember",
        "organizations::members_join_by_invitation_and_the_last_admin_stays",
    ),
    (
        "leaveOrganization",
        "organizations::members_join_by_invitation_and_the_last_admin_stays",
    ),
];

/// Every query and mutation of the schema has a row above or is named in
/// [`COVERED_ELSEWHERE`], so a new operation cannot arrive without its rights being tried.
#[test]
fn every_operation_has_its_rights_tried() {
    let matrix = include_str!("rights.rs");
    let missing: Vec<String> = ["Query", "Mutation"]
        .into_iter()
        .flat_map(crate::helpers::root_fields)
        .map(|field| field.name.node.to_string())
        .filter(|name| {
            // Selected in some row's document: ` name(` or ` name {`.
            let in_matrix =
                matrix.contains(&format!(" {name}(")) || matrix.contains(&format!(" {name} {{"));
            !in_matrix && !COVERED_ELSEWHERE.iter().any(|(op, _)| op == name)
        })
        .collect();
    assert!(
        missing.is_empty(),
        "operations without a rights row: {missing:?}"
    );
}
