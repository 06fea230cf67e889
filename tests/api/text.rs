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

async fn arbitrary_text_is_stored_exactly_or_refused_by_field(app: TestApp) {
    let token = app.register("text@example.kz").await;
    let org = app.create_org(&token, "Text", &bins(1)[0]).await;
    let mut runner = TestRunner::new(Config {
        cases: 80,
        ..Config::default()
    });
    let strategy = hostile_text();
    for _ in 0..80 {
        let text = strategy.new_tree(&mut runner).expect("a value").current();
        // As a title (one line) and as a description and keyword.
        for (input, field) in [
            (
                json!({ "organizationId": org, "title": { "en": text } }),
                "title",
            ),
            (
                json!({ "organizationId": org, "title": { "en": "Fixed" }, "description": { "ru": text } }),
                "description",
            ),
            (
                json!({ "organizationId": org, "title": { "en": "Fixed" }, "keywords": [text] }),
                "keywords",
            ),
        ] {
            let reply = app.gql(Some(&token), POST, json!({ "input": input })).await;
            match code(&reply) {
                None => {
                    let need = &reply.body["data"]["postNeed"]["need"];
                    let got = match field {
                        "title" => need["title"]["en"].clone(),
                        "description" => need["description"]["ru"].clone(),
                        _ => need["keywords"][0].clone(),
                    };
                    let want = stored(&text);
                    let want = if want.is_empty() {
                        Value::Null
                    } else {
                        json!(want)
                    };
                    assert_eq!(got, want, "{field}: {text:?}");
                }
                Some("BAD_USER_INPUT") => {
                    assert_eq!(
                        reply.body["errors"][0]["extensions"]["field"],
                        json!(field),
                        "{text:?}: {:#}",
                        reply.body
                    );
                }
                Some(other) => panic!("{field} {text:?}: {other}: {:#}", reply.body),
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
