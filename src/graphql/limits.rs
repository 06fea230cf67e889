//! Caps on the shape of a query that complexity does not cover: the number of field selections
//! (aliases and `__typename` included, fragments expanded where they are spread).

use async_graphql::{
    ServerError, ServerResult,
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};

/// Most field selections a request may make. Kopir's widest useful query has about 40; the
/// standard introspection query (development mode) expands to about 150.
pub const MAX_SELECTIONS: usize = 300;

/// Most directives on one field.
pub const MAX_DIRECTIVES: usize = 5;

/// Fragment spreads deeper than this are treated as over the cap; validation rejects fragment
/// cycles later, but this runs before validation.
const MAX_SPREAD_DEPTH: usize = 32;

/// Refuses documents with more than [`MAX_SELECTIONS`] field selections, right after parsing
/// and before validation or execution. Complexity cannot catch `{ a1: __typename … }`: such
/// fields cost next to nothing to resolve but each one still costs parsing and response size.
pub fn check_selections(document: &ExecutableDocument) -> ServerResult<()> {
    if count_selections(document, MAX_SELECTIONS) > MAX_SELECTIONS {
        return Err(ServerError::new(
            format!(
                "the query selects more than {MAX_SELECTIONS} fields (aliases and __typename included)"
            ),
            None,
        ));
    }
    Ok(())
}

/// Counts field selections with fragments expanded, stopping once past `cap` so that a
/// fragment bomb costs no more to count than `cap` fields.
pub fn count_selections(document: &ExecutableDocument, cap: usize) -> usize {
    let mut count = 0;
    for (_, operation) in document.operations.iter() {
        walk(
            &operation.node.selection_set.node,
            document,
            &mut count,
            cap,
            0,
        );
    }
    count
}

fn walk(
    set: &SelectionSet,
    document: &ExecutableDocument,
    count: &mut usize,
    cap: usize,
    depth: usize,
) {
    if depth > MAX_SPREAD_DEPTH {
        *count = cap + 1;
        return;
    }
    for item in &set.items {
        if *count > cap {
            return;
        }
        let nested = match &item.node {
            Selection::Field(field) => {
                *count += 1;
                Some(&field.node.selection_set.node)
            }
            Selection::InlineFragment(fragment) => Some(&fragment.node.selection_set.node),
            Selection::FragmentSpread(spread) => document
                .fragments
                .get(&spread.node.fragment_name.node)
                .map(|fragment| &fragment.node.selection_set.node),
        };
        if let Some(nested) = nested {
            walk(nested, document, count, cap, depth + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(query: &str) -> usize {
        count_selections(
            &async_graphql::parser::parse_query(query).expect("parses"),
            1000,
        )
    }

    #[test]
    fn aliases_typename_and_nested_fields_all_count() {
        assert_eq!(count("{ a: __typename b: __typename }"), 2);
        assert_eq!(count("{ regions { code name { en } } }"), 4);
        assert_eq!(count("{ ... on Query { __typename } }"), 1);
    }

    #[test]
    fn fragments_count_where_they_are_spread() {
        let q = "query { a: regions { ...R } b: regions { ...R } } fragment R on Region { code name { en } }";
        assert_eq!(count(q), 2 + 2 * 3);
    }

    #[test]
    fn counting_stops_past_the_cap_and_survives_cycles() {
        let doc = async_graphql::parser::parse_query(
            "{ ...A } fragment A on Query { __typename ...B } fragment B on Query { __typename ...A }",
        )
        .expect("parses");
        assert_eq!(count_selections(&doc, 10), 11);
        let wide = format!(
            "{{ {} }}",
            (0..50)
                .map(|i| format!("a{i}: __typename"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        assert_eq!(
            count_selections(
                &async_graphql::parser::parse_query(&wide).expect("parses"),
                10
            ),
            11
        );
    }
}
