//! One gate for every string a request carries, in variables or written into the document:
//! control characters are refused before anything runs (tab, line feed and carriage return
//! aside). A NUL byte would otherwise fail on PostgreSQL as an internal error and be stored as-is
//! on SQLite, and no input of the API needs any of them. Per-field rules (NFC, no line breaks or
//! bidirectional controls in names and titles, lengths) live with the domain's text cleaning.

use async_graphql::{
    ErrorExtensions as _, Pos, ServerResult, Value as ConstValue, Variables,
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};

use crate::error::ErrorCode;

/// Refuses a request whose strings, in `variables` or written into `document`, hold control
/// characters.
pub fn check(document: &ExecutableDocument, variables: &Variables) -> ServerResult<()> {
    for (name, value) in variables.iter() {
        if let Some(field) = bad_const(name.as_str(), value) {
            return Err(refusal(&field, None));
        }
    }
    let sets = document
        .operations
        .iter()
        .map(|(_, op)| &op.node.selection_set.node)
        .chain(
            document
                .fragments
                .values()
                .map(|f| &f.node.selection_set.node),
        );
    for set in sets {
        if let Some((field, pos)) = bad_in_set(set) {
            return Err(refusal(&field, Some(pos)));
        }
    }
    Ok(())
}

fn refusal(field: &str, pos: Option<Pos>) -> async_graphql::ServerError {
    let field = field.to_owned();
    async_graphql::Error::new(format!(
        "`{field}` holds a control character; only tab and line breaks are allowed"
    ))
    .extend_with(|_, ext| {
        ext.set("code", ErrorCode::BadUserInput.as_str());
        ext.set("field", field.as_str());
    })
    .into_server_error(pos.unwrap_or_default())
}

fn is_refused(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// The input field a value sits in: the innermost key, except that a language (`en`) is
/// reported as the text it belongs to (`title`).
fn field_of<'a>(parent: &'a str, key: &'a str) -> &'a str {
    if matches!(key, "kk" | "ru" | "en") {
        parent
    } else {
        key
    }
}

fn bad_const(field: &str, value: &ConstValue) -> Option<String> {
    match value {
        ConstValue::String(s) => s.chars().any(is_refused).then(|| field.to_owned()),
        ConstValue::List(items) => items.iter().find_map(|v| bad_const(field, v)),
        ConstValue::Object(map) => map
            .iter()
            .find_map(|(k, v)| bad_const(field_of(field, k.as_str()), v)),
        _ => None,
    }
}

fn bad_in_set(set: &SelectionSet) -> Option<(String, Pos)> {
    set.items.iter().find_map(|item| match &item.node {
        Selection::Field(field) => field
            .node
            .arguments
            .iter()
            .find_map(|(name, value)| {
                // Written into the document, with variables standing for nothing (they are
                // checked as variables).
                let literal = value
                    .node
                    .clone()
                    .into_const_with(|_| Ok::<_, std::convert::Infallible>(ConstValue::Null))
                    .unwrap_or_default();
                bad_const(name.node.as_str(), &literal).map(|f| (f, value.pos))
            })
            .or_else(|| bad_in_set(&field.node.selection_set.node)),
        Selection::InlineFragment(fragment) => bad_in_set(&fragment.node.selection_set.node),
        Selection::FragmentSpread(_) => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_with_their_field() {
        let doc = async_graphql::parser::parse_query(
            r#"mutation { postNeed(input: { title: { en: "a\u0000b" } }) { need { id } } }"#,
        )
        .expect("parses");
        let (_, op) = doc.operations.iter().next().expect("operation");
        let found = bad_in_set(&op.node.selection_set.node).map(|(f, _)| f);
        assert_eq!(found.as_deref(), Some("title"));

        let ok = ConstValue::from_json(
            serde_json::json!({ "description": { "ru": "строка\nвторая\tтаб" } }),
        )
        .expect("json");
        assert_eq!(bad_const("input", &ok), None);
        let bad = ConstValue::from_json(serde_json::json!({ "keywords": ["ok", "bell\u{7}"] }))
            .expect("json");
        assert_eq!(bad_const("input", &bad).as_deref(), Some("keywords"));
    }
}
