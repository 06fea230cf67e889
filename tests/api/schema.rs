//! The committed schema matches the code, and every part of it is described.

use async_graphql::Request;
use serde_json::Value;

#[test]
fn committed_schema_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    let committed = std::fs::read_to_string(path).expect("schema.graphql is committed");
    assert!(
        committed == kopir::graphql::sdl(),
        "schema.graphql is out of date: run `cargo run -- export-schema` and commit it"
    );
}

#[tokio::test]
async fn every_type_field_argument_and_value_has_a_description() {
    let schema = kopir::graphql::schema_builder().finish();
    let response = schema
        .execute(Request::new(
            "{ __schema { types { name kind description
                 fields { name description args { name description } }
                 inputFields { name description }
                 enumValues { name description } } } }",
        ))
        .await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let data = response.data.into_json().expect("JSON");
    let mut missing = Vec::new();
    let described = |v: &Value| {
        v["description"]
            .as_str()
            .is_some_and(|d| !d.trim().is_empty())
    };
    for ty in data["__schema"]["types"].as_array().expect("types") {
        let name = ty["name"].as_str().unwrap_or_default();
        if name.starts_with("__") {
            continue;
        }
        // The spec's built-in scalars are defined by GraphQL itself, not by Kopir.
        let builtin_scalar = matches!(name, "ID" | "String" | "Int" | "Float" | "Boolean");
        if !builtin_scalar && !described(ty) {
            missing.push(name.to_owned());
        }
        for field in ty["fields"].as_array().into_iter().flatten() {
            let field_name = format!("{name}.{}", field["name"].as_str().unwrap_or_default());
            if !described(field) {
                missing.push(field_name.clone());
            }
            for arg in field["args"].as_array().into_iter().flatten() {
                if !described(arg) {
                    missing.push(format!(
                        "{field_name}({})",
                        arg["name"].as_str().unwrap_or_default()
                    ));
                }
            }
        }
        for list in ["inputFields", "enumValues"] {
            for item in ty[list].as_array().into_iter().flatten() {
                if !described(item) {
                    missing.push(format!(
                        "{name}.{}",
                        item["name"].as_str().unwrap_or_default()
                    ));
                }
            }
        }
    }
    assert!(missing.is_empty(), "undescribed schema parts: {missing:#?}");
}

/// A description shared by many fields says nothing about any of them. At most this many schema
/// members (fields, arguments, input fields) may share one, except the members of the generic
/// connection types, every node's `id`, and the paging arguments, which are one concept each.
const MAX_SHARED_DESCRIPTION: usize = 4;

#[tokio::test]
async fn descriptions_are_not_boilerplate() {
    let schema = kopir::graphql::schema_builder().finish();
    let response = schema
        .execute(Request::new(
            "{ __schema { types { name
                 fields { name description args { name description } }
                 inputFields { name description } } } }",
        ))
        .await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let data = response.data.into_json().expect("JSON");
    let mut uses: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let mut count = |description: &Value, at: String| {
        if let Some(d) = description.as_str() {
            uses.entry(d.to_owned()).or_default().push(at);
        }
    };
    for ty in data["__schema"]["types"].as_array().expect("types") {
        let name = ty["name"].as_str().unwrap_or_default();
        if name.starts_with("__") || name.ends_with("Connection") || name.ends_with("Edge") {
            continue;
        }
        for field in ty["fields"].as_array().into_iter().flatten() {
            let field_name = field["name"].as_str().unwrap_or_default();
            if field_name != "id" {
                count(&field["description"], format!("{name}.{field_name}"));
            }
            for arg in field["args"].as_array().into_iter().flatten() {
                let arg_name = arg["name"].as_str().unwrap_or_default();
                if !matches!(arg_name, "first" | "after") {
                    count(
                        &arg["description"],
                        format!("{name}.{field_name}({arg_name})"),
                    );
                }
            }
        }
        for field in ty["inputFields"].as_array().into_iter().flatten() {
            let field_name = field["name"].as_str().unwrap_or_default();
            count(&field["description"], format!("{name}.{field_name}"));
        }
    }
    let boilerplate: Vec<String> = uses
        .into_iter()
        .filter(|(_, at)| at.len() > MAX_SHARED_DESCRIPTION)
        .map(|(d, at)| format!("{d:?} on {} members: {}", at.len(), at.join(", ")))
        .collect();
    assert!(
        boilerplate.is_empty(),
        "descriptions shared too widely:\n{}",
        boilerplate.join("\n")
    );
}

/// Clients switch on `extensions.code` and `extensions.reason`: the README names every one.
#[test]
fn the_readme_lists_every_error_code_and_reason() {
    use strum::IntoEnumIterator as _;
    let readme = include_str!("../../README.md");
    let missing: Vec<&str> = kopir::error::ErrorCode::iter()
        .map(|c| c.as_str())
        .chain(kopir::error::Reason::iter().map(|r| r.as_str()))
        .filter(|name| !readme.contains(&format!("`{name}`")))
        .collect();
    assert!(missing.is_empty(), "not in the README: {missing:?}");
}

/// Every value of every enum in the schema has a label in Kazakh, Russian and English, in
/// schema order, with `text` following `Accept-Language`; nothing is labelled that the schema
/// does not have.
#[tokio::test]
async fn every_enum_value_has_a_label_in_three_languages() {
    use async_graphql::parser::types::TypeKind;
    use serde_json::json;

    use crate::helpers::{Backend, TestApp};

    let mut expected: Vec<(String, Vec<String>)> = crate::helpers::schema_types()
        .into_iter()
        .filter_map(|t| match t.kind {
            TypeKind::Enum(e) => Some((
                t.name.node.to_string(),
                e.values
                    .iter()
                    .map(|v| v.node.value.node.to_string())
                    .collect(),
            )),
            _ => None,
        })
        .collect();
    expected.sort();

    let app = TestApp::spawn(Backend::Sqlite).await;
    let reply = app
        .gql_in(
            "kk",
            None,
            "{ taxonomy { enumLabels { name values { value label { kk ru en text } } } } }",
            json!({}),
        )
        .await;
    let labels = reply.data("/taxonomy/enumLabels").as_array().expect("list");
    let mut found: Vec<(String, Vec<String>)> = Vec::new();
    for e in labels {
        let name = e["name"].as_str().expect("name").to_owned();
        let mut values = Vec::new();
        for v in e["values"].as_array().expect("values") {
            let label = &v["label"];
            let texts: Vec<&str> = ["kk", "ru", "en"]
                .iter()
                .map(|lang| label[*lang].as_str().unwrap_or_default())
                .collect();
            assert!(
                texts.iter().all(|t| !t.trim().is_empty()),
                "{name}.{}: {label}",
                v["value"]
            );
            assert_eq!(label["text"], label["kk"], "text follows Accept-Language");
            values.push(v["value"].as_str().expect("value").to_owned());
        }
        found.push((name, values));
    }
    assert_eq!(found, expected);

    let some = app
        .gql_in(
            "ru",
            None,
            "{ taxonomy { enumLabels(enums: [\"DealStage\"]) { name values { value label { text } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        some.data("/taxonomy/enumLabels/0/values/2/label/text"),
        "Подписана"
    );
    let unknown = app
        .gql(
            None,
            "{ taxonomy { enumLabels(enums: [\"Stage\"]) { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(unknown.error_code(), "BAD_USER_INPUT");
    assert_eq!(unknown.error_field(), Some("enums"));
}

/// Every field of science and TRL level is named in Kazakh, Russian and English, migrated
/// into a fresh database.
#[tokio::test]
async fn reference_classifications_speak_three_languages() {
    use serde_json::json;

    use crate::helpers::{Backend, TestApp};

    let app = TestApp::spawn(Backend::Sqlite).await;
    let reply = app
        .gql_in(
            "kk",
            None,
            "{ taxonomy { fieldsOfScience { code name { kk ru en text } } trlLevels { level name { kk ru en text } } } }",
            json!({}),
        )
        .await;
    let fields = reply
        .data("/taxonomy/fieldsOfScience")
        .as_array()
        .expect("list");
    let levels = reply.data("/taxonomy/trlLevels").as_array().expect("list");
    assert_eq!((fields.len(), levels.len()), (48, 9));
    for entry in fields.iter().chain(levels) {
        let name = &entry["name"];
        for lang in ["kk", "ru", "en"] {
            assert!(
                name[lang].as_str().is_some_and(|t| !t.trim().is_empty()),
                "{entry}: no {lang} name"
            );
        }
        assert_ne!(name["kk"], name["en"], "{entry}");
        assert_eq!(name["text"], name["kk"], "text follows Accept-Language");
    }
    assert_eq!(
        levels[3]["name"]["ru"],
        "Технология проверена в лаборатории"
    );
}
