//! Science-innovation sessions: registration, meeting requests and answers, booking under
//! concurrency, the scheduler and the iCalendar feed, over HTTP on both databases.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, TimeZone as _, Utc};
use serde_json::{Value, json};

use crate::helpers::{Reply, TestApp, bins};

const CREATE_ORG: &str = "mutation($name: String!, $bin: String!) { createOrganization(input: { kind: UNIVERSITY, name: { en: $name }, bin: $bin, regionCode: \"KZ-75\" }) { organization { id } } }";
const CREATE_SESSION: &str = "mutation($input: CreateSessionInput!) { createSession(input: $input) { session { id slotMinutes slots { index localStartsAt } } } }";
const REGISTER: &str = "mutation($s: ID!, $o: ID!, $a: [Int!]) { registerForSession(input: { sessionId: $s, organizationId: $o, availability: $a }) { registration { availability calendarPath } } }";
const REQUEST: &str = "mutation($s: ID!, $from: ID!, $to: ID!) { requestMeeting(input: { sessionId: $s, fromOrganizationId: $from, toOrganizationId: $to }) { meeting { id status } } }";
const RESPOND: &str = "mutation($m: ID!, $accept: Boolean!, $reason: DeclineReason) { respondToMeeting(input: { meetingId: $m, accept: $accept, reason: $reason }) { meeting { status declineReason } } }";
const BOOK: &str = "mutation($m: ID!, $slot: Int!) { bookMeeting(input: { meetingId: $m, slot: $slot }) { meeting { id slot { index } table } } }";

/// Tomorrow 10:00 in Almaty (UTC+5), as UTC.
fn tomorrow_ten() -> chrono::DateTime<Utc> {
    let date = (Utc::now() + Duration::days(1)).date_naive();
    chrono_tz::Asia::Almaty
        .from_local_datetime(&date.and_hms_opt(10, 0, 0).expect("time"))
        .single()
        .expect("unambiguous")
        .with_timezone(&Utc)
}

async fn org(app: &TestApp, token: &str, name: &str, bin: &str) -> String {
    app.gql(Some(token), CREATE_ORG, json!({ "name": name, "bin": bin }))
        .await
        .data("/createOrganization/organization/id")
        .as_str()
        .expect("id")
        .to_owned()
}

fn id(reply: &Reply, pointer: &str) -> String {
    reply.data(pointer).as_str().expect("id").to_owned()
}

async fn session(
    app: &TestApp,
    token: &str,
    venue: &str,
    slots: i64,
    tables: i64,
    capacity: i64,
) -> String {
    let start = tomorrow_ten();
    let reply = app
        .gql(
            Some(token),
            CREATE_SESSION,
            json!({ "input": {
                "title": { "ru": "Научно-инновационная сессия" }, "themes": ["2.4"],
                "venueOrganizationId": venue, "startsAt": start.to_rfc3339(),
                "endsAt": (start + Duration::minutes(20 * slots)).to_rfc3339(),
                "slotMinutes": 20, "tables": tables, "capacity": capacity,
            } }),
        )
        .await;
    id(&reply, "/createSession/session/id")
}

/// One user who is admin of `n` organisations (so one token acts for every party).
async fn organisations(app: &TestApp, n: usize) -> (String, Vec<String>) {
    let token = app.register("broker@example.kz").await;
    let mut orgs = Vec::new();
    for (i, bin) in bins(n).iter().enumerate() {
        orgs.push(org(app, &token, &format!("Org {i}"), bin).await);
    }
    (token, orgs)
}

/// Requests a meeting from `from` to `to`; answers its id.
async fn requested(app: &TestApp, token: &str, session: &str, from: &str, to: &str) -> String {
    id(
        &app.gql(
            Some(token),
            REQUEST,
            json!({ "s": session, "from": from, "to": to }),
        )
        .await,
        "/requestMeeting/meeting/id",
    )
}

async fn accepted(app: &TestApp, token: &str, session: &str, from: &str, to: &str) -> String {
    let m = requested(app, token, session, from, to).await;
    app.gql(Some(token), RESPOND, json!({ "m": m, "accept": true }))
        .await
        .data("/respondToMeeting/meeting");
    m
}

async fn a_brokerage_flow_ends_in_a_correct_calendar(app: TestApp) {
    let (token, orgs) = organisations(&app, 3).await;
    let s = session(&app, &token, &orgs[0], 6, 3, 10).await;
    let shown = app
        .gql(None, "query($id: ID!) { session(id: $id) { timeZone localStartsAt slots { index localStartsAt } } }", json!({ "id": s }))
        .await;
    assert_eq!(shown.data("/session/timeZone"), "Asia/Almaty");
    assert!(
        shown
            .data("/session/localStartsAt")
            .as_str()
            .expect("time")
            .ends_with("T10:00:00+05:00")
    );
    assert_eq!(
        shown.data("/session/slots").as_array().map(Vec::len),
        Some(6)
    );
    assert!(
        shown
            .data("/session/slots/1/localStartsAt")
            .as_str()
            .expect("time")
            .ends_with("T10:20:00+05:00")
    );

    let reg_a = app
        .gql(
            Some(&token),
            REGISTER,
            json!({ "s": s, "o": orgs[1], "a": [2, 1, 1, 0] }),
        )
        .await;
    assert_eq!(
        reg_a.data("/registerForSession/registration/availability"),
        &json!([0, 1, 2])
    );
    let calendar = id(&reg_a, "/registerForSession/registration/calendarPath");
    app.gql(Some(&token), REGISTER, json!({ "s": s, "o": orgs[2] }))
        .await
        .data("/registerForSession");

    let declined = requested(&app, &token, &s, &orgs[1], &orgs[2]).await;
    let no_reason = app
        .gql(
            Some(&token),
            RESPOND,
            json!({ "m": declined, "accept": false }),
        )
        .await;
    assert_eq!(no_reason.error_field(), Some("reason"));
    let answer = app
        .gql(
            Some(&token),
            RESPOND,
            json!({ "m": declined, "accept": false, "reason": "TIMING" }),
        )
        .await;
    assert_eq!(
        answer.data("/respondToMeeting/meeting"),
        &json!({ "status": "DECLINED", "declineReason": "TIMING" })
    );

    let m = accepted(&app, &token, &s, &orgs[2], &orgs[1]).await;
    let booked = app
        .gql(Some(&token), BOOK, json!({ "m": m, "slot": 1 }))
        .await;
    assert_eq!(booked.data("/bookMeeting/meeting/slot/index"), 1);
    assert_eq!(booked.data("/bookMeeting/meeting/table"), 1);
    let agenda = app
        .gql(Some(&token), "query($s: ID!, $o: ID!) { session(id: $s) { agenda(organizationId: $o) { id slot { localStartsAt } invitee { id } } } }", json!({ "s": s, "o": orgs[1] }))
        .await;
    assert_eq!(agenda.data("/session/agenda/0/id"), &json!(m));
    assert!(
        agenda
            .data("/session/agenda/0/slot/localStartsAt")
            .as_str()
            .expect("t")
            .ends_with("T10:20:00+05:00")
    );

    // The feed parses with a standard parser and shows 10:20–10:40 in Almaty.
    let response = app.get(&calendar).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    let text = response.text().await.expect("body");
    let parsed: icalendar::Calendar = text.parse().expect("a valid iCalendar document");
    let events: Vec<&icalendar::Event> = parsed.events().collect();
    assert_eq!(events.len(), 1, "{text}");
    use icalendar::{CalendarDateTime, Component as _, DatePerhapsTime};
    // Times are written in UTC (`…Z`), which every client converts to its reader's zone.
    let local = |d: DatePerhapsTime| match d {
        DatePerhapsTime::DateTime(CalendarDateTime::Utc(dt)) => dt
            .with_timezone(&chrono_tz::Asia::Almaty)
            .format("%H:%M")
            .to_string(),
        other => panic!("not a date-time: {other:?}"),
    };
    assert_eq!(local(events[0].get_start().expect("start")), "10:20");
    assert_eq!(local(events[0].get_end().expect("end")), "10:40");
    assert_eq!(events[0].get_summary(), Some("Org 2 — table 1"));
    assert_eq!(parsed.get_timezone(), Some("Asia/Almaty"));
    // The whole feed, byte for byte but for the stamp and the date (the session is tomorrow).
    let start = match events[0].get_start() {
        Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(dt))) => dt,
        other => panic!("not a date-time: {other:?}"),
    };
    let date = start.format("%Y%m%d").to_string();
    let local_date = start
        .with_timezone(&chrono_tz::Asia::Almaty)
        .format("%Y-%m-%d")
        .to_string();
    let stable: String = text
        .lines()
        .map(|line| {
            if line.starts_with("DTSTAMP:") {
                "DTSTAMP:[now]".to_owned()
            } else {
                line.replace(&date, "[date]").replace(&local_date, "[date]")
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!("calendar_feed", stable);
    assert_eq!(app.get("/calendar/not-a-token.ics").await.status(), 404);

    // Cancelling frees the slot for another meeting of the same organisation.
    app.gql(Some(&token), REGISTER, json!({ "s": s, "o": orgs[0] }))
        .await
        .data("/registerForSession");
    let other = accepted(&app, &token, &s, &orgs[0], &orgs[1]).await;
    let taken = app
        .gql(Some(&token), BOOK, json!({ "m": other, "slot": 1 }))
        .await;
    assert_eq!(taken.error_code(), "SLOT_CONFLICT");
    app.gql(Some(&token), "mutation($m: ID!) { cancelMeeting(input: { meetingId: $m }) { meeting { status slot { index } } } }", json!({ "m": m }))
        .await
        .data("/cancelMeeting/meeting");
    assert_eq!(
        app.gql(Some(&token), BOOK, json!({ "m": other, "slot": 1 }))
            .await
            .data("/bookMeeting/meeting/slot/index"),
        1
    );

    // The agenda holds the organisation's booked meetings by slot, as requester or invitee,
    // and not the cancelled one.
    let again = accepted(&app, &token, &s, &orgs[1], &orgs[2]).await;
    app.gql(Some(&token), BOOK, json!({ "m": again, "slot": 0 }))
        .await
        .data("/bookMeeting/meeting");
    let agenda = app
        .gql(Some(&token), "query($s: ID!, $o: ID!) { session(id: $s) { agenda(organizationId: $o) { id slot { index } } } }", json!({ "s": s, "o": orgs[1] }))
        .await;
    assert_eq!(
        agenda.data("/session/agenda"),
        &json!([
            { "id": again, "slot": { "index": 0 } },
            { "id": other, "slot": { "index": 1 } },
        ])
    );

    // A participant sees its own meetings of the session and no one else's; the organiser
    // sees all five, newest first.
    let participant = app.register("participant@example.kz").await;
    let own = org(&app, &participant, "Participant", &bins(4)[3]).await;
    app.gql(Some(&participant), REGISTER, json!({ "s": s, "o": own }))
        .await
        .data("/registerForSession");
    let asked = requested(&app, &participant, &s, &own, &orgs[1]).await;
    let meetings = "query($s: ID!) { session(id: $s) { meetings { id } } }";
    assert_eq!(
        app.gql(Some(&participant), meetings, json!({ "s": s }))
            .await
            .data("/session/meetings"),
        &json!([{ "id": asked }])
    );
    let all = app.gql(Some(&token), meetings, json!({ "s": s })).await;
    let all: Vec<&Value> = all
        .data("/session/meetings")
        .as_array()
        .expect("meetings")
        .iter()
        .map(|m| &m["id"])
        .collect();
    assert_eq!(
        all,
        [
            &json!(asked),
            &json!(again),
            &json!(other),
            &json!(m),
            &json!(declined)
        ]
    );
}

async fn capacity_deadline_availability_and_rights_are_enforced(app: TestApp) {
    let (token, orgs) = organisations(&app, 4).await;
    let stranger = app.register("stranger@example.kz").await;
    let s = session(&app, &token, &orgs[0], 4, 2, 2).await;
    let reason = |r: &Reply| {
        r.body["errors"][0]["extensions"]["reason"]
            .as_str()
            .map(str::to_owned)
    };

    // Only the venue's admins (and platform admins) organise.
    let stranger_org = org(&app, &stranger, "Stranger", &bins(5)[4]).await;
    let refused = app
        .gql(Some(&stranger), CREATE_SESSION, json!({ "input": { "title": { "en": "x" }, "venueOrganizationId": orgs[0], "startsAt": tomorrow_ten().to_rfc3339(), "endsAt": (tomorrow_ten() + Duration::hours(1)).to_rfc3339(), "tables": 1, "capacity": 2 } }))
        .await;
    assert_eq!(refused.error_code(), "FORBIDDEN");

    app.gql(
        Some(&token),
        REGISTER,
        json!({ "s": s, "o": orgs[1], "a": [0, 1] }),
    )
    .await
    .data("/registerForSession");
    app.gql(
        Some(&token),
        REGISTER,
        json!({ "s": s, "o": orgs[2], "a": [1, 2] }),
    )
    .await
    .data("/registerForSession");
    let full = app
        .gql(Some(&token), REGISTER, json!({ "s": s, "o": orgs[3] }))
        .await;
    assert_eq!(
        (full.error_code(), reason(&full).as_deref()),
        ("BAD_USER_INPUT", Some("SESSION_FULL"))
    );
    let not_member = app
        .gql(Some(&stranger), REGISTER, json!({ "s": s, "o": orgs[3] }))
        .await;
    assert_eq!(not_member.error_code(), "FORBIDDEN");
    let bad_slot = app
        .gql(
            Some(&token),
            REGISTER,
            json!({ "s": s, "o": orgs[1], "a": [9] }),
        )
        .await;
    assert_eq!(bad_slot.error_field(), Some("availability"));

    let unregistered = app
        .gql(
            Some(&token),
            REQUEST,
            json!({ "s": s, "from": orgs[1], "to": orgs[3] }),
        )
        .await;
    assert_eq!(reason(&unregistered).as_deref(), Some("NOT_REGISTERED"));
    let m = requested(&app, &token, &s, &orgs[1], &orgs[2]).await;
    let again = app
        .gql(
            Some(&token),
            REQUEST,
            json!({ "s": s, "from": orgs[2], "to": orgs[1] }),
        )
        .await;
    assert_eq!(reason(&again).as_deref(), Some("ALREADY_REQUESTED"));
    // A stranger cannot see the meeting, let alone answer or book it.
    let answer = app
        .gql(Some(&stranger), RESPOND, json!({ "m": m, "accept": true }))
        .await;
    assert_eq!(answer.error_code(), "NOT_FOUND");
    // Booking before acceptance is refused; a pending request blocks nothing.
    let early = app
        .gql(Some(&token), BOOK, json!({ "m": m, "slot": 1 }))
        .await;
    assert_eq!(reason(&early).as_deref(), Some("WRONG_STATUS"));
    app.gql(Some(&token), RESPOND, json!({ "m": m, "accept": true }))
        .await
        .data("/respondToMeeting");
    let unavailable = app
        .gql(Some(&token), BOOK, json!({ "m": m, "slot": 0 }))
        .await;
    assert_eq!(reason(&unavailable).as_deref(), Some("NOT_AVAILABLE"));
    let schedule = "mutation($s: ID!) { scheduleSession(input: { sessionId: $s }) { placed { slot { index } } upperBound } }";
    let not_organiser = app.gql(Some(&stranger), schedule, json!({ "s": s })).await;
    assert_eq!(not_organiser.error_code(), "FORBIDDEN");
    let scheduled = app.gql(Some(&token), schedule, json!({ "s": s })).await;
    assert_eq!(
        scheduled.data("/scheduleSession"),
        &json!({ "placed": [{ "slot": { "index": 1 } }], "upperBound": 1 })
    );

    // Registration closes at the deadline.
    let start = Utc::now() - Duration::minutes(10);
    let closed = app
        .gql(Some(&stranger), CREATE_SESSION, json!({ "input": { "title": { "en": "Past" }, "venueOrganizationId": stranger_org, "startsAt": start.to_rfc3339(), "endsAt": (start + Duration::hours(2)).to_rfc3339(), "tables": 1, "capacity": 5 } }))
        .await;
    let closed = id(&closed, "/createSession/session/id");
    let late = app
        .gql(
            Some(&stranger),
            REGISTER,
            json!({ "s": closed, "o": stranger_org }),
        )
        .await;
    assert_eq!(reason(&late).as_deref(), Some("REGISTRATION_CLOSED"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM session_registration").await,
        2
    );
}

async fn thirty_two_concurrent_bookings_of_one_organisation_one_wins(app: TestApp) {
    let (token, orgs) = organisations(&app, 33).await;
    let s = session(&app, &token, &orgs[0], 4, 40, 40).await;
    for o in &orgs {
        app.gql(Some(&token), REGISTER, json!({ "s": s, "o": o }))
            .await
            .data("/registerForSession");
    }
    let mut meetings = Vec::new();
    for partner in &orgs[1..] {
        meetings.push(accepted(&app, &token, &s, &orgs[0], partner).await);
    }
    let tasks: Vec<_> = meetings
        .iter()
        .map(|m| app.spawn_gql(Some(token.clone()), BOOK, json!({ "m": m, "slot": 2 })))
        .collect();
    let mut codes: HashMap<String, usize> = HashMap::new();
    for task in tasks {
        let reply = task.await.expect("task");
        let code = if reply.body.get("errors").is_some() {
            reply.error_code().to_owned()
        } else {
            "OK".to_owned()
        };
        *codes.entry(code).or_default() += 1;
    }
    assert_eq!(
        codes,
        HashMap::from([("OK".to_owned(), 1), ("SLOT_CONFLICT".to_owned(), 31)])
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM meeting WHERE status = 'BOOKED'")
            .await,
        1
    );
}

async fn a_storm_of_bookings_never_double_books(app: TestApp) {
    let (token, orgs) = organisations(&app, 16).await;
    let s = session(&app, &token, &orgs[0], 8, 12, 16).await;
    for o in &orgs {
        app.gql(Some(&token), REGISTER, json!({ "s": s, "o": o }))
            .await
            .data("/registerForSession");
    }
    let mut meetings = Vec::new();
    for (i, a) in orgs.iter().enumerate() {
        for b in &orgs[i + 1..] {
            meetings.push(accepted(&app, &token, &s, a, b).await);
        }
    }
    // 16 clients × 125 bookings of random meetings into random slots.
    let mut seed = 0x2545_F491_4F6C_DD1D_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let plan: Vec<Vec<(String, i64)>> = (0..16)
        .map(|_| {
            (0..125)
                .map(|_| {
                    (
                        meetings[next() as usize % meetings.len()].clone(),
                        (next() % 8) as i64,
                    )
                })
                .collect()
        })
        .collect();
    let clients: Vec<_> = plan
        .into_iter()
        .map(|work| {
            let (client, base, token) = (app.client.clone(), app.base.clone(), token.clone());
            tokio::spawn(async move {
                let mut outcomes = Vec::new();
                for (m, slot) in work {
                    let body: Value = client
                        .post(format!("{base}/graphql"))
                        .bearer_auth(&token)
                        .json(&json!({ "query": BOOK, "variables": { "m": m, "slot": slot } }))
                        .send()
                        .await
                        .expect("POST")
                        .json()
                        .await
                        .expect("JSON");
                    outcomes.push((m, slot, body));
                }
                outcomes
            })
        })
        .collect();
    let mut successes: Vec<(String, i64)> = Vec::new();
    for client in clients {
        for (m, slot, body) in client.await.expect("client") {
            match body["errors"][0]["extensions"]["code"].as_str() {
                None => {
                    assert_eq!(
                        body["data"]["bookMeeting"]["meeting"]["slot"]["index"],
                        slot
                    );
                    successes.push((m, slot));
                }
                Some("SLOT_CONFLICT") => {}
                // Already booked by an earlier success.
                Some("BAD_USER_INPUT") => assert_eq!(
                    body["errors"][0]["extensions"]["reason"], "WRONG_STATUS",
                    "{body}"
                ),
                Some(other) => panic!("unexpected {other}: {body}"),
            }
        }
    }
    assert!(
        successes.len() > 20,
        "only {} bookings succeeded",
        successes.len()
    );
    let unique: HashSet<&String> = successes.iter().map(|(m, _)| m).collect();
    assert_eq!(
        unique.len(),
        successes.len(),
        "a meeting was reported booked twice"
    );
    let overlapping = app
        .count(
            "SELECT COUNT(*) FROM meeting m1 JOIN meeting m2 ON m1.session_id = m2.session_id \
             AND m1.slot = m2.slot AND m1.id < m2.id \
             AND (m1.requester_id IN (m2.requester_id, m2.invitee_id) OR m1.invitee_id IN (m2.requester_id, m2.invitee_id)) \
             WHERE m1.status = 'BOOKED' AND m2.status = 'BOOKED'",
        )
        .await;
    assert_eq!(overlapping, 0);
    let shared_tables = app
        .count("SELECT COUNT(*) FROM meeting m1 JOIN meeting m2 ON m1.session_id = m2.session_id AND m1.slot = m2.slot AND m1.table_no = m2.table_no AND m1.id < m2.id")
        .await;
    assert_eq!(shared_tables, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM meeting WHERE status = 'BOOKED'")
            .await,
        successes.len() as i64
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM meeting_seat").await,
        2 * successes.len() as i64
    );
    for (m, slot) in &successes {
        let now = app
            .gql(
                Some(&token),
                "query($id: ID!) { node(id: $id) { ... on Meeting { slot { index } status } } }",
                json!({ "id": m }),
            )
            .await;
        assert_eq!(
            now.data("/node"),
            &json!({ "slot": { "index": slot }, "status": "BOOKED" })
        );
    }
}

async fn the_scheduler_places_accepted_meetings_without_overlap(app: TestApp) {
    let (token, orgs) = organisations(&app, 8).await;
    let s = session(&app, &token, &orgs[0], 3, 2, 8).await;
    for (i, o) in orgs.iter().enumerate() {
        // Org 7 is available in no slot its partners share.
        let availability = if i == 7 { json!([]) } else { json!([0, 1, 2]) };
        app.gql(
            Some(&token),
            REGISTER,
            json!({ "s": s, "o": o, "a": availability }),
        )
        .await
        .data("/registerForSession");
    }
    let mut all = Vec::new();
    for (i, a) in orgs.iter().enumerate() {
        for b in &orgs[i + 1..] {
            all.push(accepted(&app, &token, &s, a, b).await);
        }
    }
    let reply = app
        .gql(Some(&token), "mutation($s: ID!) { scheduleSession(input: { sessionId: $s }) { placed { id } unplaced { reason meeting { status } } upperBound } }", json!({ "s": s }))
        .await;
    let placed = reply
        .data("/scheduleSession/placed")
        .as_array()
        .expect("placed")
        .len();
    // 3 slots × 2 tables bound the session; the scheduler fills them.
    assert_eq!(placed, 6);
    assert_eq!(reply.data("/scheduleSession/upperBound"), 6);
    let unplaced = reply
        .data("/scheduleSession/unplaced")
        .as_array()
        .expect("unplaced")
        .clone();
    assert_eq!(unplaced.len(), all.len() - 6);
    assert!(
        unplaced
            .iter()
            .all(|u| u["meeting"]["status"] == "ACCEPTED")
    );
    assert_eq!(
        unplaced
            .iter()
            .filter(|u| u["reason"] == "NO_COMMON_AVAILABILITY")
            .count(),
        7
    );
    let overlapping = app
        .count(
            "SELECT COUNT(*) FROM meeting m1 JOIN meeting m2 ON m1.session_id = m2.session_id \
             AND m1.slot = m2.slot AND m1.id < m2.id \
             AND (m1.requester_id IN (m2.requester_id, m2.invitee_id) OR m1.invitee_id IN (m2.requester_id, m2.invitee_id)) \
             WHERE m1.status = 'BOOKED' AND m2.status = 'BOOKED'",
        )
        .await;
    assert_eq!(overlapping, 0);
    // Running it again changes nothing: every table is taken.
    let again = app
        .gql(
            Some(&token),
            "mutation($s: ID!) { scheduleSession(input: { sessionId: $s }) { placed { id } } }",
            json!({ "s": s }),
        )
        .await;
    assert_eq!(again.data("/scheduleSession/placed"), &json!([]));
}

crate::db_tests!(
    a_brokerage_flow_ends_in_a_correct_calendar,
    capacity_deadline_availability_and_rights_are_enforced,
    thirty_two_concurrent_bookings_of_one_organisation_one_wins,
    a_storm_of_bookings_never_double_books,
    the_scheduler_places_accepted_meetings_without_overlap,
);
