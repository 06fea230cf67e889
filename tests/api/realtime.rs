//! Subscriptions with a real WebSocket client (`graphql-transport-ws`) against real servers:
//! events reach those who may see them, `after:` replays what was missed once and in order,
//! strangers receive nothing, an expired token or a deactivated account ends the
//! subscription, and on PostgreSQL a change made through one replica reaches a subscriber of
//! another.

use std::time::Duration;

use chrono::Utc;
use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{Value, json};
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream, connect_async,
    tungstenite::{Message, client::IntoClientRequest as _, http::HeaderValue},
};

use crate::helpers::{Backend, JWT_SECRET, PgDatabase, Reply, TestApp, bins};

const MEETINGS: &str = "subscription($s: ID!, $after: String) { meetingUpdated(sessionId: $s, after: $after) { cursor change meeting { id status } } }";
const ALERTS: &str = "subscription($n: ID!) { matchAlert(needId: $n, minScore: 1) { cursor match { score capability { id } need { id } } } }";
const POST_CAPABILITY: &str = "mutation($o: ID!, $t: String!, $active: Boolean!) { postCapability(input: { organizationId: $o, title: { en: $t }, active: $active }) { capability { id } } }";
const DEALS: &str =
    "subscription($o: ID!) { dealUpdated(organizationId: $o) { cursor change deal { id stage } } }";
/// How long to wait for an event that should come, and to be sure one that should not does not.
const SOON: Duration = Duration::from_secs(5);
const QUIET: Duration = Duration::from_millis(700);

/// A `graphql-transport-ws` client.
pub(crate) struct Ws(WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>);

impl Ws {
    /// Opens a connection without signing in yet.
    async fn open(app: &TestApp) -> Ws {
        Ws::open_at(&app.base).await
    }

    /// Opens a connection to the server at `base` (`http://host:port`) without signing in.
    pub(crate) async fn open_at(base: &str) -> Ws {
        Ws::open_in(base, None).await
    }

    /// Opens a connection whose upgrade request names `lang` in `Accept-Language`.
    async fn open_in(base: &str, lang: Option<&'static str>) -> Ws {
        let url = format!("{}/graphql/ws", base.replace("http://", "ws://"));
        let mut request = url.into_client_request().expect("request");
        if let Some(lang) = lang {
            request
                .headers_mut()
                .insert("Accept-Language", HeaderValue::from_static(lang));
        }
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            HeaderValue::from_static("graphql-transport-ws"),
        );
        let (stream, _) = connect_async(request).await.expect("WebSocket");
        Ws(stream)
    }

    pub(crate) async fn init(&mut self, token: Option<&str>) {
        let payload = token.map_or(
            json!({}),
            |t| json!({ "Authorization": format!("Bearer {t}") }),
        );
        self.send(json!({ "type": "connection_init", "payload": payload }))
            .await;
    }

    /// Connects and signs in with `token` (anonymous without one).
    async fn connect(app: &TestApp, token: Option<&str>) -> Ws {
        let mut ws = Ws::open(app).await;
        ws.init(token).await;
        let ack = ws
            .message(SOON)
            .await
            .expect("an answer to connection_init");
        assert_eq!(ack["type"], "connection_ack", "{ack}");
        ws
    }

    async fn send(&mut self, message: Value) {
        self.0
            .send(Message::Text(message.to_string().into()))
            .await
            .expect("send");
    }

    async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": variables } }))
            .await;
    }

    /// The next protocol message within `wait`, answering pings on the way; `None` when none
    /// comes or the connection closes.
    pub(crate) async fn message(&mut self, wait: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let next = tokio::time::timeout_at(deadline, self.0.next())
                .await
                .ok()??;
            // A closed or reset connection ends the conversation.
            match next.unwrap_or(Message::Close(None)) {
                Message::Text(text) => {
                    let message: Value = serde_json::from_str(&text).expect("JSON");
                    if message["type"] == "ping" {
                        self.send(json!({ "type": "pong" })).await;
                        continue;
                    }
                    return Some(message);
                }
                Message::Close(_) => return None,
                _ => {}
            }
        }
    }

    /// The code of the close frame the server sends within `wait` (messages on the way
    /// skipped); `None` if it sends none, or drops the connection without one.
    pub(crate) async fn close_code(&mut self, wait: Duration) -> Option<u16> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match tokio::time::timeout_at(deadline, self.0.next())
                .await
                .ok()??
            {
                Ok(Message::Close(frame)) => return frame.map(|f| f.code.into()),
                Ok(_) => {}
                Err(_) => return None,
            }
        }
    }

    /// Whether the server closes the connection within `wait` (messages on the way skipped).
    async fn closed(&mut self, wait: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match tokio::time::timeout_at(deadline, self.0.next()).await {
                Err(_) => return false,
                Ok(None | Some(Err(_) | Ok(Message::Close(_)))) => return true,
                Ok(Some(Ok(_))) => {}
            }
        }
    }

    /// The payload of the next event, or `None` if none comes within `wait`.
    async fn event(&mut self, wait: Duration) -> Option<Value> {
        let message = self.message(wait).await?;
        assert_eq!(message["type"], "next", "{message}");
        Some(message["payload"].clone())
    }
}

/// The `extensions.code` of a refusal, sent as an `error` message or as a `next` carrying
/// errors.
fn code(message: &Value) -> &str {
    let errors = match message["type"].as_str() {
        Some("error") => &message["payload"],
        _ => &message["payload"]["errors"],
    };
    errors[0]["extensions"]["code"].as_str().unwrap_or_default()
}

fn id(reply: &Reply, pointer: &str) -> String {
    reply.data(pointer).as_str().expect("id").to_owned()
}

/// Two organisations with an admin each, and a stranger's, at a session tomorrow where all are
/// registered (organisation 0 is the venue).
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
        let token = app.register(&format!("rt{i}@example.kz")).await;
        orgs.push(app.create_org(&token, &format!("Org {i}"), bin).await);
        tokens.push(token);
    }
    let start = Utc::now() + chrono::Duration::days(1);
    let session = id(
        &app.gql(Some(&tokens[0]), "mutation($v: ID!, $s: DateTime!, $e: DateTime!) { createSession(input: { title: { en: \"S\" }, venueOrganizationId: $v, startsAt: $s, endsAt: $e, tables: 3, capacity: 10 }) { session { id } } }",
            json!({ "v": orgs[0], "s": start.to_rfc3339(), "e": (start + chrono::Duration::hours(2)).to_rfc3339() })).await,
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

async fn request(app: &TestApp, w: &World, from: usize, to: usize) -> String {
    id(
        &app.gql(Some(&w.tokens[from]), "mutation($s: ID!, $f: ID!, $t: ID!) { requestMeeting(input: { sessionId: $s, fromOrganizationId: $f, toOrganizationId: $t }) { meeting { id } } }",
            json!({ "s": w.session, "f": w.orgs[from], "t": w.orgs[to] })).await,
        "/requestMeeting/meeting/id",
    )
}

async fn meeting_changes_reach_the_parties_and_resume_after_a_cursor(app: TestApp) {
    let w = world(&app).await;
    let mut party = Ws::connect(&app, Some(&w.tokens[1])).await;
    party
        .subscribe("1", MEETINGS, json!({ "s": w.session }))
        .await;
    let mut stranger = Ws::connect(&app, Some(&w.tokens[2])).await;
    stranger
        .subscribe("1", MEETINGS, json!({ "s": w.session }))
        .await;
    // Let both subscriptions register before the first change.
    tokio::time::sleep(Duration::from_millis(200)).await;

    // Organisation 0 asks organisation 1; 1 accepts; 0 books.
    let m = request(&app, &w, 0, 1).await;
    app.gql(Some(&w.tokens[1]), "mutation($m: ID!) { respondToMeeting(input: { meetingId: $m, accept: true }) { meeting { id } } }", json!({ "m": m }))
        .await
        .data("/respondToMeeting");
    app.gql(
        Some(&w.tokens[0]),
        "mutation($m: ID!) { bookMeeting(input: { meetingId: $m, slot: 2 }) { meeting { id } } }",
        json!({ "m": m }),
    )
    .await
    .data("/bookMeeting");
    // Each event shows the meeting as it stands when delivered; by the last, it is booked.
    let mut cursors = Vec::new();
    let mut last = Value::Null;
    for change in ["REQUESTED", "ACCEPTED", "BOOKED"] {
        let event = party.event(SOON).await.expect("an event");
        last = event["data"]["meetingUpdated"].clone();
        assert_eq!(last["change"], change, "{last}");
        assert_eq!(last["meeting"]["id"], json!(m));
        cursors.push(last["cursor"].as_str().expect("cursor").to_owned());
    }
    assert_eq!(last["meeting"]["status"], "BOOKED");
    assert!(
        stranger.event(QUIET).await.is_none(),
        "a meeting of others never reaches a stranger"
    );

    // The party disconnects; meanwhile the meeting is cancelled and a new one requested.
    drop(party);
    app.gql(
        Some(&w.tokens[0]),
        "mutation($m: ID!) { cancelMeeting(input: { meetingId: $m }) { meeting { id } } }",
        json!({ "m": m }),
    )
    .await
    .data("/cancelMeeting");
    let second = request(&app, &w, 1, 0).await;
    // Resuming after the booking brings exactly what was missed, in order, then what follows.
    let mut back = Ws::connect(&app, Some(&w.tokens[1])).await;
    back.subscribe(
        "2",
        MEETINGS,
        json!({ "s": w.session, "after": cursors[1] }),
    )
    .await;
    let mut replayed = Vec::new();
    for _ in 0..3 {
        let event = back.event(SOON).await.expect("a missed event");
        let event = &event["data"]["meetingUpdated"];
        replayed.push((
            event["change"].as_str().expect("change").to_owned(),
            event["meeting"]["id"].as_str().expect("id").to_owned(),
        ));
    }
    assert_eq!(
        replayed,
        vec![
            ("BOOKED".to_owned(), m.clone()),
            ("CANCELLED".to_owned(), m.clone()),
            ("REQUESTED".to_owned(), second.clone()),
        ]
    );
    app.gql(Some(&w.tokens[0]), "mutation($m: ID!) { respondToMeeting(input: { meetingId: $m, accept: false, reason: TIMING }) { meeting { id } } }", json!({ "m": second }))
        .await
        .data("/respondToMeeting");
    let live = back.event(SOON).await.expect("the live event");
    assert_eq!(live["data"]["meetingUpdated"]["change"], "DECLINED");
    assert!(back.event(QUIET).await.is_none(), "each event once");

    // Events older than the retention are pruned (here: all of them).
    let pruned = kopir::domain::events::prune(&app.db, Duration::ZERO)
        .await
        .expect("prune");
    assert_eq!(
        pruned, 6,
        "requested, accepted, booked, cancelled, requested, declined"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM event").await, 0);
}

async fn deal_changes_reach_only_the_parties(app: TestApp) {
    let w = world(&app).await;
    let mut party = Ws::connect(&app, Some(&w.tokens[1])).await;
    party.subscribe("1", DEALS, json!({ "o": w.orgs[1] })).await;
    let mut stranger = Ws::connect(&app, Some(&w.tokens[2])).await;
    stranger
        .subscribe("1", DEALS, json!({ "o": w.orgs[2] }))
        .await;
    // A stranger may not watch someone else's organisation.
    stranger
        .subscribe("2", DEALS, json!({ "o": w.orgs[1] }))
        .await;
    let refused = stranger.message(SOON).await.expect("an answer");
    assert_eq!(code(&refused), "FORBIDDEN", "{refused}");
    if refused["type"] == "next" {
        let done = stranger.message(SOON).await.expect("the end of it");
        assert_eq!(done, json!({ "id": "2", "type": "complete" }));
    }
    // Nor may anybody anonymous.
    let mut anonymous = Ws::connect(&app, None).await;
    anonymous
        .subscribe("1", DEALS, json!({ "o": w.orgs[1] }))
        .await;
    let refused = anonymous.message(SOON).await.expect("an answer");
    assert_eq!(code(&refused), "UNAUTHENTICATED", "{refused}");
    tokio::time::sleep(Duration::from_millis(200)).await;

    // A deal between organisations 0 and 1 recorded by organisation 1's admin.
    let parties = json!([{ "organizationId": w.orgs[0], "role": "PROVIDER" }, { "organizationId": w.orgs[1], "role": "RECIPIENT" }]);
    app.gql(Some(&w.tokens[1]), "mutation($p: [DealPartyInput!]!) { recordDeal(input: { title: { en: \"Licence\" }, dealType: OPTION, value: \"1000\", parties: $p }) { deal { id } } }", json!({ "p": parties }))
        .await
        .data("/recordDeal");
    let event = party.event(SOON).await.expect("the party hears of it");
    assert_eq!(event["data"]["dealUpdated"]["change"], "RECORDED");
    assert_eq!(event["data"]["dealUpdated"]["deal"]["stage"], "PROPOSED");
    assert!(
        stranger.event(QUIET).await.is_none(),
        "a deal it is not party to never reaches a stranger"
    );
}

async fn an_expired_token_or_a_deactivated_account_ends_the_subscription(app: TestApp) {
    let w = world(&app).await;
    // A token of organisation 1's admin that expires in two seconds.
    let me = app
        .gql(Some(&w.tokens[1]), "{ me { id } }", json!({}))
        .await;
    let user = kopir::graphql::ids::decode(&me.data("/me/id").as_str().expect("id").into())
        .expect("a user ID")
        .1;
    let now = Utc::now().timestamp();
    let short = jsonwebtoken::encode(
        &jsonwebtoken::Header {
            kid: Some("k1".into()),
            ..jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256)
        },
        &json!({ "sub": user.to_string(), "iss": "kopir", "aud": "kopir-api", "exp": now + 2, "nbf": now - 5, "iat": now - 5 }),
        &jsonwebtoken::EncodingKey::from_secret(JWT_SECRET.as_bytes()),
    )
    .expect("sign");
    let mut ws = Ws::connect(&app, Some(&short)).await;
    ws.subscribe("1", MEETINGS, json!({ "s": w.session })).await;
    let ended = ws.message(SOON).await.expect("the end");
    assert_eq!(code(&ended), "UNAUTHENTICATED", "{ended}");
    assert_eq!(
        ws.message(SOON).await,
        Some(json!({ "id": "1", "type": "complete" })),
        "the subscription is over"
    );

    // Organisation 2's admin subscribes, is deactivated, and the next event ends it.
    let mut ws = Ws::connect(&app, Some(&w.tokens[2])).await;
    ws.subscribe("1", MEETINGS, json!({ "s": w.session })).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let admin = app.admin().await;
    let them = app
        .gql(Some(&w.tokens[2]), "{ me { id } }", json!({}))
        .await;
    app.gql(Some(&admin), "mutation($u: ID!) { setAccountActive(input: { userId: $u, active: false }) { user { id } } }", json!({ "u": them.data("/me/id") }))
        .await
        .data("/setAccountActive");
    request(&app, &w, 0, 1).await;
    let ended = ws.message(SOON).await.expect("the end");
    assert_eq!(code(&ended), "UNAUTHENTICATED", "{ended}");
    assert_eq!(
        ws.message(SOON).await,
        Some(json!({ "id": "1", "type": "complete" })),
        "the subscription is over"
    );
}

/// Two replicas on one PostgreSQL database: a booking made through A reaches a subscriber
/// connected to B, through the outbox and `LISTEN`/`NOTIFY` alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_change_on_one_replica_reaches_a_subscriber_of_another() {
    let Some(backend) =
        Backend::postgres("a_change_on_one_replica_reaches_a_subscriber_of_another")
    else {
        return;
    };
    // A database of its own: the test kills every listening connection on it, which must not
    // reach other tests' services.
    let Backend::Postgres(base_url) = backend else {
        unreachable!("a PostgreSQL backend")
    };
    let database = PgDatabase::create(&base_url, "kopir_replicas").await;
    let a = TestApp::spawn(Backend::Postgres(database.url.clone())).await;
    let b = a.replica().await;
    let w = world(&a).await;
    let mut ws = Ws::connect(&b, Some(&w.tokens[1])).await;
    ws.subscribe("1", MEETINGS, json!({ "s": w.session })).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let m = request(&a, &w, 0, 1).await;
    let event = ws.event(SOON).await.expect("the event crossed replicas");
    assert_eq!(event["data"]["meetingUpdated"]["meeting"]["id"], json!(m));
    assert_eq!(event["data"]["meetingUpdated"]["change"], "REQUESTED");

    // Kill the listening connections: a notification sent while B reconnects is lost, and B
    // reads the outbox from its cursor once it is back, so the next event still arrives.
    kill_listeners(&a).await;
    cancel(&a, &w, &m).await;
    let event = ws
        .event(SOON)
        .await
        .expect("the event despite the lost listener");
    assert_eq!(event["data"]["meetingUpdated"]["change"], "CANCELLED");

    // A need posted through A reaches B's index within a second with nothing asked of B: the
    // write's notification tells B to catch up.
    let need = need(&a, &w).await;
    caught_up_within_a_second(&a, &b).await;

    // A capability posted through A raises B's alert and is among B's matches.
    let mut alerts = Ws::connect(&b, Some(&w.tokens[0])).await;
    alerts.subscribe("1", ALERTS, json!({ "n": need })).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let capability = post_capability(&a, &w, 1, true).await;
    let alert = alerts
        .event(SOON)
        .await
        .expect("the alert crossed replicas");
    assert_eq!(
        alert["data"]["matchAlert"]["match"]["capability"]["id"],
        json!(capability)
    );
    let matches = b
        .gql(
            Some(&w.tokens[0]),
            "query($n: ID!) { matchesForNeed(needId: $n) { capability { id } } }",
            json!({ "n": need }),
        )
        .await;
    assert_eq!(
        matches.data("/matchesForNeed/0/capability/id"),
        &json!(capability)
    );

    // A portfolio item added through A reaches B's index within a second, unasked, and ranks
    // its organisation among B's partners for the need.
    a.gql(Some(&w.tokens[2]), "mutation($o: ID!) { addPortfolioItem(input: { kind: PROJECT, title: { en: \"Hydrocracking catalysts for oil refining\" }, year: 2024, participants: [{ organizationId: $o, role: COORDINATOR }] }) { item { id } } }", json!({ "o": w.orgs[2] }))
        .await
        .data("/addPortfolioItem/item/id");
    caught_up_within_a_second(&a, &b).await;
    let partners = b
        .gql(
            Some(&w.tokens[0]),
            "query($n: ID!) { partnersForNeed(needId: $n, first: 10) { organization { id } } }",
            json!({ "n": need }),
        )
        .await;
    let ranked: Vec<&Value> = partners
        .data("/partnersForNeed")
        .as_array()
        .expect("partners")
        .iter()
        .map(|p| &p["organization"]["id"])
        .collect();
    assert!(ranked.contains(&&json!(w.orgs[2])), "{ranked:?}");
    database.drop_now().await;
}

/// Ends every LISTEN connection on `app`'s database (the test's own), asserting that both
/// replicas were listening: notifications sent until they reconnect are lost.
async fn kill_listeners(app: &TestApp) {
    let killed = app
        .count(
            "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE query LIKE 'LISTEN%' AND datname = current_database() \
             AND pid <> pg_backend_pid()",
        )
        .await;
    assert!(
        killed >= 2,
        "both replicas listen ({killed} listeners ended)"
    );
}

/// Waits up to a second, asking `b` nothing, for its matching index to reflect every write
/// committed through `a`.
async fn caught_up_within_a_second(a: &TestApp, b: &TestApp) {
    let committed = a
        .count("SELECT value FROM matching_revision WHERE id = 1")
        .await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
    while b.services.matcher.revision().await < committed {
        assert!(
            tokio::time::Instant::now() < deadline,
            "B's index still behind A's write after a second"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// 1,000 meeting events written through two replicas at once, while every listening
/// connection is killed mid-run, reach each subscriber of either replica exactly once and in
/// order: the organiser everything, a party only its own meetings.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_thousand_events_across_two_replicas_arrive_exactly_once() {
    const EVENTS: usize = 1000;
    let Some(backend) =
        Backend::postgres("a_thousand_events_across_two_replicas_arrive_exactly_once")
    else {
        return;
    };
    // A database of its own: the test kills every listening connection on it.
    let Backend::Postgres(base_url) = backend else {
        unreachable!("a PostgreSQL backend")
    };
    let database = PgDatabase::create(&base_url, "kopir_thousand").await;
    let a = std::sync::Arc::new(TestApp::spawn(Backend::Postgres(database.url.clone())).await);
    let b = std::sync::Arc::new(a.replica().await);
    let w = std::sync::Arc::new(world(&a).await);
    // (replica, account, expected events): the organiser on each replica, organisation 1 on B.
    let watchers = [(&a, 0, EVENTS), (&b, 0, EVENTS), (&b, 1, 0)];
    let mut listening = Vec::new();
    for (app, who, _) in watchers {
        let mut ws = Ws::connect(app, Some(&w.tokens[who])).await;
        ws.subscribe("1", MEETINGS, json!({ "s": w.session })).await;
        listening.push(ws);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Each subscriber reads until it has what it is owed (known once the writers are done) or
    // nothing more comes for a long while after that: a busy machine may pause deliveries for
    // seconds, which must not end the count early.
    let (owed_tx, owed) = tokio::sync::watch::channel::<Option<[usize; 3]>>(None);
    let received: Vec<_> = listening
        .into_iter()
        .enumerate()
        .map(|(k, mut ws)| {
            let mut owed = owed.clone();
            tokio::spawn(async move {
                let mut cursors = Vec::new();
                let mut quiet = 0;
                loop {
                    let target = owed.borrow_and_update().map(|o| o[k]);
                    match ws.event(Duration::from_millis(500)).await {
                        Some(event) => cursors.push(
                            event["data"]["meetingUpdated"]["cursor"]
                                .as_str()
                                .unwrap_or_else(|| panic!("an event: {event}"))
                                .parse::<i64>()
                                .expect("numeric cursor"),
                        ),
                        // Owed everything and quiet for a moment (to catch an extra one), or
                        // quiet for 30 s once the writers are done: nothing more comes.
                        None if target.is_some_and(|t| cursors.len() >= t) => break,
                        None if target.is_some() => {
                            quiet += 1;
                            if quiet >= 60 {
                                break;
                            }
                        }
                        None => {}
                    }
                }
                cursors
            })
        })
        .collect();

    // Three pairs, each requesting and cancelling in turn, alternately through A and B.
    let pairs = [(0, 1), (0, 2), (1, 2)];
    let produced = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let workers: Vec<_> = pairs
        .into_iter()
        .enumerate()
        .map(|(k, (from, to))| {
            let (a, b, w, produced) = (a.clone(), b.clone(), w.clone(), produced.clone());
            tokio::spawn(async move {
                let mut mine = 0;
                let mut turn = k;
                while produced.fetch_add(2, std::sync::atomic::Ordering::SeqCst) < EVENTS {
                    let app = if turn % 2 == 0 { &a } else { &b };
                    turn += 1;
                    let m = request(app, &w, from, to).await;
                    app.gql(
                        Some(&w.tokens[from]),
                        "mutation($m: ID!) { cancelMeeting(input: { meetingId: $m }) { meeting { id } } }",
                        json!({ "m": m }),
                    )
                    .await
                    .data("/cancelMeeting");
                    mine += 2;
                }
                ((from, to), mine)
            })
        })
        .collect();
    // Mid-run, every listening connection dies; notifications sent meanwhile are lost.
    while produced.load(std::sync::atomic::Ordering::SeqCst) < EVENTS / 3 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    kill_listeners(&a).await;
    let mut party = 0;
    let mut total = 0;
    for worker in workers {
        let ((from, to), mine) = worker.await.expect("worker");
        total += mine;
        if from == 1 || to == 1 {
            party += mine;
        }
    }
    assert_eq!(total, EVENTS, "1,000 events written");
    let written = a
        .count("SELECT COUNT(*) FROM event WHERE topic = 'MEETING'")
        .await;
    assert_eq!(written, i64::try_from(EVENTS).expect("count"));

    let owed = watchers.map(|(_, who, expected)| if who == 1 { party } else { expected });
    owed_tx.send_replace(Some(owed));
    for ((cursors, (_, who, _)), expected) in received.into_iter().zip(watchers).zip(owed) {
        let cursors = cursors.await.expect("subscriber");
        assert_eq!(cursors.len(), expected, "subscriber {who}: each event once");
        assert!(
            cursors.windows(2).all(|p| p[0] < p[1]),
            "subscriber {who}: in cursor order, no repeats"
        );
    }
    database.drop_now().await;
}

async fn cancel(app: &TestApp, w: &World, m: &str) {
    app.gql(
        Some(&w.tokens[0]),
        "mutation($m: ID!) { cancelMeeting(input: { meetingId: $m }) { meeting { id } } }",
        json!({ "m": m }),
    )
    .await
    .data("/cancelMeeting");
}

/// Organisation 0's confidential need; a subscriber alerted of capabilities matching it.
async fn need(app: &TestApp, w: &World) -> String {
    id(
        &app.gql(Some(&w.tokens[0]), "mutation($o: ID!) { postNeed(input: { organizationId: $o, title: { en: \"Catalysts for oil refining\" }, description: { en: \"Hydrocracking catalysts for a refinery\" }, confidentiality: CONFIDENTIAL }) { need { id } } }", json!({ "o": w.orgs[0] })).await,
        "/postNeed/need/id",
    )
}

async fn post_capability(app: &TestApp, w: &World, by: usize, active: bool) -> String {
    id(
        &app.gql(Some(&w.tokens[by]), POST_CAPABILITY, json!({ "o": w.orgs[by], "t": "Oil refining catalysts and hydrocracking", "active": active })).await,
        "/postCapability/capability/id",
    )
}

async fn a_capability_that_matches_raises_an_alert(app: TestApp) {
    let w = world(&app).await;
    let need = need(&app, &w).await;
    let mut owner = Ws::connect(&app, Some(&w.tokens[0])).await;
    owner.subscribe("1", ALERTS, json!({ "n": need })).await;
    // A stranger may not read the confidential need, so may not watch it either: to them it
    // does not exist.
    let mut stranger = Ws::connect(&app, Some(&w.tokens[2])).await;
    stranger.subscribe("1", ALERTS, json!({ "n": need })).await;
    let refused = stranger.message(SOON).await.expect("an answer");
    assert_eq!(code(&refused), "NOT_FOUND", "{refused}");
    tokio::time::sleep(Duration::from_millis(200)).await;

    // The owner's own capability and an inactive one raise nothing; an active one of another
    // organisation does.
    post_capability(&app, &w, 0, true).await;
    post_capability(&app, &w, 1, false).await;
    let capability = post_capability(&app, &w, 1, true).await;
    let alert = owner.event(SOON).await.expect("an alert");
    let found = &alert["data"]["matchAlert"]["match"];
    assert_eq!(found["capability"]["id"], json!(capability), "{alert}");
    assert_eq!(found["need"]["id"], json!(need));
    assert!(found["score"].as_f64().expect("score") >= 1.0);
    assert!(owner.event(QUIET).await.is_none(), "only the one");

    // Explained in the language the connection's upgrade request named.
    let mut kazakh = Ws::open_in(&app.base, Some("kk")).await;
    kazakh.init(Some(&w.tokens[0])).await;
    assert_eq!(
        kazakh.message(SOON).await.expect("ack")["type"],
        "connection_ack"
    );
    kazakh
        .subscribe("1", "subscription($n: ID!) { matchAlert(needId: $n, minScore: 1) { match { factors { name detail } } } }", json!({ "n": need }))
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    post_capability(&app, &w, 1, true).await;
    let alert = kazakh.event(SOON).await.expect("an alert");
    let factors = alert["data"]["matchAlert"]["match"]["factors"]
        .as_array()
        .expect("factors");
    let trl = factors.iter().find(|f| f["name"] == "TRL").expect("TRL");
    assert_eq!(
        trl["detail"], "мүмкіндіктің TRL деңгейі көрсетілмеген",
        "{alert}"
    );
}

/// An account holds at most `PER_ACCOUNT` connections (one more is refused at sign-in, and a
/// place comes back when one closes), a connection at most `PER_CONNECTION` subscriptions
/// (likewise), and a connection that does not sign in within `INIT_TIMEOUT` is closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_are_limited_and_must_sign_in_in_time() {
    use kopir::{
        app::websocket::{INIT_TIMEOUT, PER_ACCOUNT},
        graphql::realtime::PER_CONNECTION,
    };
    let app = TestApp::spawn(Backend::Sqlite).await;
    let token = app.register("many@example.kz").await;
    let mut open = Vec::new();
    for _ in 0..PER_ACCOUNT {
        open.push(Ws::connect(&app, Some(&token)).await);
    }
    let mut one_more = Ws::open(&app).await;
    one_more.init(Some(&token)).await;
    assert!(
        one_more.closed(SOON).await,
        "the connection beyond the limit is closed at sign-in"
    );
    drop(open.pop());
    let deadline = tokio::time::Instant::now() + SOON;
    loop {
        let mut again = Ws::open(&app).await;
        again.init(Some(&token)).await;
        match again.message(SOON).await {
            Some(ack) if ack["type"] == "connection_ack" => break,
            _ => assert!(
                tokio::time::Instant::now() < deadline,
                "a closed connection gives its place back"
            ),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Subscriptions per connection: one beyond the limit is refused, and ending one gives its
    // place back. (Which one is refused is the server's choice: a subscription takes its place
    // when the server first runs it, in no set order.)
    let org = app.create_org(&token, "Many", &bins(1)[0]).await;
    let ws = &mut open[0];
    for i in 0..=PER_CONNECTION {
        ws.subscribe(&i.to_string(), DEALS, json!({ "o": org }))
            .await;
    }
    let refused = ws.message(SOON).await.expect("an answer");
    assert_eq!(code(&refused), "FORBIDDEN", "{refused}");
    let ended = ws.message(SOON).await.expect("the refused one completes");
    assert_eq!(
        (&ended["type"], &ended["id"]),
        (&json!("complete"), &refused["id"])
    );
    assert!(ws.message(QUIET).await.is_none(), "only one refused");
    let live = if refused["id"] == "0" { "1" } else { "0" };
    ws.send(json!({ "id": live, "type": "complete" })).await;
    let ended = ws.message(SOON).await.expect("completion confirmed");
    assert_eq!(
        (&ended["type"], &ended["id"]),
        (&json!("complete"), &json!(live))
    );
    ws.subscribe("again", DEALS, json!({ "o": org })).await;
    let answer = ws.message(QUIET).await;
    assert!(
        answer.is_none(),
        "a place freed by `complete` is taken again: {answer:?}"
    );

    // The server's clock starts when it accepts the upgrade, so the test's starts before the
    // handshake: taken after it, a busy machine makes the close look early.
    let opened = tokio::time::Instant::now();
    let mut silent = Ws::open(&app).await;
    assert!(
        silent.closed(INIT_TIMEOUT + SOON).await,
        "a connection that never signs in is closed"
    );
    assert!(opened.elapsed() >= INIT_TIMEOUT, "but not before its time");
}

crate::db_tests!(
    a_capability_that_matches_raises_an_alert,
    meeting_changes_reach_the_parties_and_resume_after_a_cursor,
    deal_changes_reach_only_the_parties,
    an_expired_token_or_a_deactivated_account_ends_the_subscription,
);
