//! Text hygiene on both databases: arbitrary Unicode (NUL and other controls, bidirectional
//! overrides, combining marks, very long strings) through text inputs is either refused with
//! `BAD_USER_INPUT` naming the field, or stored and read back exactly as its NFC form — never an
//! internal error.

use proptest::{
    prelude::*,
    strategy::ValueTree as _,
    test_runner::{Config, TestRunner},
};
use serde_json::{Value, json};
use unicode_normalization::UnicodeNormalization as _;

use crate::helpers::{TestApp, bins};

const POST: &str = "mutation($input: PostNeedInput!) { postNeed(input: $input) { need { title { en } description { ru } keywords } } }";

/// Strings a hostile or careless client sends.
fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,30}",
        any::<String>(),
        (
            "\\PC{0,10}",
            prop::sample::select(vec![
                "\u{0}",
                "\u{7}",
                "\u{1b}",
                "\n",
                "\t",
                "\r\n",
                "\u{202E}",
                "\u{2066}",
                "\u{200F}",
                "и\u{306}",
                "\u{feff}",
                "\u{85}",
            ]),
            "\\PC{0,10}"
        )
            .prop_map(|(a, b, c)| format!("{a}{b}{c}")),
        (0usize..3).prop_map(|n| "ә".repeat(299 + n)),
    ]
}

/// What the service must store for `text`: trimmed, then NFC.
fn stored(text: &str) -> String {
    text.trim().nfc().collect()
}

fn code(reply: &crate::helpers::Reply) -> Option<&str> {
    reply.body["errors"][0]["extensions"]["code"].as_str()
}

/// One text input: a mutation, an input that is valid apart from the text, where the text goes
/// (`/`-separated keys) and where the answer reads it back.
struct TextInput {
    field: &'static str,
    document: &'static str,
    input: Value,
    at: &'static str,
    read: &'static str,
}

/// Text inputs of every kind of object: one-line names and titles, long descriptions and
/// abstracts, list items, labels, free notes and messages. (Every string input passes the same
/// two gates, the document-level control-character guard and `text::clean`; these are the
/// shapes they take.)
fn text_inputs(org: &str, partner: &str, session: &str) -> Vec<TextInput> {
    let deal = json!({ "title": { "en": "Deal" }, "dealType": "NON_EXCLUSIVE_LICENCE", "value": "1000",
        "parties": [{ "organizationId": org, "role": "PROVIDER" }, { "organizationId": partner, "role": "RECIPIENT" }] });
    let item = json!({ "kind": "PROJECT", "title": { "en": "Item" }, "participants": [{ "organizationId": org }] });
    let capability = json!({ "organizationId": org, "title": { "en": "Fixed" } });
    let need = json!({ "organizationId": org, "title": { "en": "Fixed" } });
    let (need_doc, capability_doc, item_doc, deal_doc) = (
        POST,
        "mutation($input: PostCapabilityInput!) { postCapability(input: $input) { capability { title { kk } description { en } equipment } } }",
        "mutation($input: AddPortfolioItemInput!) { addPortfolioItem(input: $input) { item { abstract { ru } funder } } }",
        "mutation($input: RecordDealInput!) { recordDeal(input: $input) { deal { title { ru } ipTerms { territory } history { note } } } }",
    );
    vec![
        TextInput {
            field: "title",
            document: need_doc,
            input: need.clone(),
            at: "title/en",
            read: "/postNeed/need/title/en",
        },
        TextInput {
            field: "description",
            document: need_doc,
            input: need.clone(),
            at: "description/ru",
            read: "/postNeed/need/description/ru",
        },
        TextInput {
            field: "keywords",
            document: need_doc,
            input: need,
            at: "keywords/0",
            read: "/postNeed/need/keywords/0",
        },
        TextInput {
            field: "title",
            document: capability_doc,
            input: capability.clone(),
            at: "title/kk",
            read: "/postCapability/capability/title/kk",
        },
        TextInput {
            field: "description",
            document: capability_doc,
            input: capability.clone(),
            at: "description/en",
            read: "/postCapability/capability/description/en",
        },
        TextInput {
            field: "equipment",
            document: capability_doc,
            input: capability,
            at: "equipment/0",
            read: "/postCapability/capability/equipment/0",
        },
        TextInput {
            field: "abstract",
            document: item_doc,
            input: item.clone(),
            at: "abstract/ru",
            read: "/addPortfolioItem/item/abstract/ru",
        },
        TextInput {
            field: "funder",
            document: item_doc,
            input: item,
            at: "funder",
            read: "/addPortfolioItem/item/funder",
        },
        TextInput {
            field: "title",
            document: deal_doc,
            input: deal.clone(),
            at: "title/ru",
            read: "/recordDeal/deal/title/ru",
        },
        TextInput {
            field: "territory",
            document: deal_doc,
            input: deal.clone(),
            at: "ipTerms/territory",
            read: "/recordDeal/deal/ipTerms/territory",
        },
        TextInput {
            field: "note",
            document: deal_doc,
            input: deal,
            at: "note",
            read: "/recordDeal/deal/history/0/note",
        },
        TextInput {
            field: "message",
            document: "mutation($input: RequestMeetingInput!) { requestMeeting(input: $input) { meeting { id message } } }",
            input: json!({ "sessionId": session, "fromOrganizationId": org, "toOrganizationId": partner }),
            at: "message",
            read: "/requestMeeting/meeting/message",
        },
    ]
}

/// Puts `text` at `at` inside `input`, creating the objects and lists on the way.
fn place(input: &mut Value, at: &str, text: &str) {
    let mut slot = input;
    for key in at.split('/') {
        slot = match key.parse::<usize>() {
            Ok(i) => {
                if !slot.is_array() {
                    *slot = json!([]);
                }
                let items = slot.as_array_mut().expect("a list");
                items.resize(i + 1, Value::Null);
                &mut items[i]
            }
            Err(_) => {
                if !slot.is_object() {
                    *slot = json!({});
                }
                &mut slot[key]
            }
        };
    }
    *slot = json!(text);
}

async fn arbitrary_text_is_stored_exactly_or_refused_by_field(app: TestApp) {
    let admin = app.admin().await;
    let token = app.register("text@example.kz").await;
    let bins = bins(2);
    let org = app.create_org(&token, "Text", &bins[0]).await;
    let partner = app.create_org(&token, "Partner", &bins[1]).await;
    // A session both organisations are registered for, so meetings can be requested.
    let start = chrono::Utc::now() + chrono::Duration::days(1);
    let session = app
        .gql(
            Some(&admin),
            "mutation($input: CreateSessionInput!) { createSession(input: $input) { session { id } } }",
            json!({ "input": { "title": { "en": "Session" }, "venueOrganizationId": org,
                "startsAt": start.to_rfc3339(), "endsAt": (start + chrono::Duration::hours(3)).to_rfc3339(),
                "tables": 5, "capacity": 10 } }),
        )
        .await
        .data("/createSession/session/id")
        .as_str()
        .expect("id")
        .to_owned();
    for o in [&org, &partner] {
        app.gql(
            Some(&token),
            "mutation($s: ID!, $o: ID!) { registerForSession(input: { sessionId: $s, organizationId: $o }) { registration { registeredAt } } }",
            json!({ "s": session, "o": o }),
        )
        .await
        .data("/registerForSession");
    }
    let inputs = text_inputs(&org, &partner, &session);
    let mut runner = TestRunner::new(Config {
        cases: 40,
        ..Config::default()
    });
    let strategy = hostile_text();
    for _ in 0..40 {
        let text = strategy.new_tree(&mut runner).expect("a value").current();
        for TextInput {
            field,
            document,
            input,
            at,
            read,
        } in &inputs
        {
            let mut input = input.clone();
            place(&mut input, at, &text);
            let reply = app
                .gql(Some(&token), document, json!({ "input": input }))
                .await;
            match code(&reply) {
                None => {
                    let want = stored(&text);
                    let want = if want.is_empty() {
                        Value::Null
                    } else {
                        json!(want)
                    };
                    let got = reply.body["data"]
                        .pointer(read)
                        .cloned()
                        .unwrap_or(Value::Null);
                    assert_eq!(got, want, "{field} at {at}: {text:?}");
                    // One open request per pair: withdraw it so the next case may ask again.
                    if let Some(meeting) = reply.body.pointer("/data/requestMeeting/meeting/id") {
                        app.gql(
                            Some(&token),
                            "mutation($id: ID!) { cancelMeeting(input: { meetingId: $id }) { meeting { status } } }",
                            json!({ "id": meeting }),
                        )
                        .await
                        .data("/cancelMeeting");
                    }
                }
                Some("BAD_USER_INPUT") => {
                    assert_eq!(
                        reply.body["errors"][0]["extensions"]["field"],
                        json!(field),
                        "{at}: {text:?}: {:#}",
                        reply.body
                    );
                }
                Some(other) => panic!("{at} {text:?}: {other}: {:#}", reply.body),
            }
        }
    }
    // Names and titles refuse line breaks and bidirectional overrides; descriptions keep line
    // breaks; NUL is refused everywhere.
    for (input, refused) in [
        (
            json!({ "organizationId": org, "title": { "en": "evil\u{202E}fdp.exe" } }),
            true,
        ),
        (
            json!({ "organizationId": org, "title": { "en": "two\nlines" } }),
            true,
        ),
        (
            json!({ "organizationId": org, "title": { "en": "T" }, "description": { "ru": "a\u{0}b" } }),
            true,
        ),
        (
            json!({ "organizationId": org, "title": { "en": "T" }, "description": { "ru": "абзац\nвторой" } }),
            false,
        ),
    ] {
        let reply = app.gql(Some(&token), POST, json!({ "input": input })).await;
        assert_eq!(
            code(&reply) == Some("BAD_USER_INPUT"),
            refused,
            "{:#}",
            reply.body
        );
    }
    // A lone surrogate cannot even be decoded: 400, not 5xx.
    let response = app
        .client
        .post(format!("{}/graphql", app.base))
        .header("content-type", "application/json")
        .body(r#"{"query":"mutation { postNeed(input: { organizationId: \"x\", title: { en: \"a\ud800b\" } }) { need { id } } }"}"#)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 400);
}

crate::db_tests!(arbitrary_text_is_stored_exactly_or_refused_by_field);
