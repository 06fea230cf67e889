//! Relay connections: `edges { cursor node }`, `nodes`, `pageInfo` and a `totalCount` that is
//! counted only when a client selects it.

use async_graphql::SimpleObject;
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};

use crate::error::{AppError, AppResult};

/// Where a page sits in the whole list.
#[derive(Debug, Clone, SimpleObject)]
pub struct PageInfo {
    /// Whether a page precedes this one (true when `after` was given).
    pub has_previous_page: bool,
    /// Whether more rows follow; ask again with `after: endCursor`.
    pub has_next_page: bool,
    /// Cursor of the first edge, if any.
    pub start_cursor: Option<String>,
    /// Cursor of the last edge, if any; pass it as `after` for the next page.
    pub end_cursor: Option<String>,
}

/// The opaque cursor of a row key.
pub fn cursor(key: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("after:{key}"))
}

/// Reads an `after` argument.
pub fn parse_cursor(after: Option<&str>) -> AppResult<Option<i64>> {
    after
        .map(|c| {
            URL_SAFE_NO_PAD
                .decode(c)
                .ok()
                .and_then(|raw| String::from_utf8(raw).ok())
                .and_then(|s| s.strip_prefix("after:").and_then(|k| k.parse().ok()))
                .ok_or_else(|| AppError::invalid("after", "not a cursor from this list"))
        })
        .transpose()
}

/// A connection costs its selection once per row it may return.
pub fn page_cost(first: Option<i32>, child_complexity: usize) -> usize {
    let rows = first.map_or(crate::domain::pagination::DEFAULT_PAGE, |n| {
        u64::try_from(n).unwrap_or(0)
    });
    usize::try_from(rows)
        .unwrap_or(usize::MAX)
        .saturating_mul(child_complexity)
        .max(1)
}

/// Declares `$conn` and `$edge` for nodes of type `$node` built from rows of `$entity`.
macro_rules! connection {
    ($conn:ident, $edge:ident, $node:ident, $entity:path, $conn_doc:literal, $edge_doc:literal) => {
        #[doc = $conn_doc]
        pub struct $conn {
            edges: Vec<$edge>,
            page_info: $crate::graphql::connection::PageInfo,
            select: sea_orm::Select<$entity>,
        }

        #[doc = $conn_doc]
        #[async_graphql::Object]
        impl $conn {
            /// The rows of this page, each with its cursor.
            async fn edges(&self) -> &[$edge] {
                &self.edges
            }

            /// The rows of this page, without cursors.
            async fn nodes(&self) -> Vec<&$node> {
                self.edges.iter().map(|e| &e.node).collect()
            }

            /// Where this page sits in the whole list.
            async fn page_info(&self) -> &$crate::graphql::connection::PageInfo {
                &self.page_info
            }

            /// How many rows match across all pages.
            async fn total_count(
                &self,
                ctx: &async_graphql::Context<'_>,
            ) -> async_graphql::Result<u64> {
                let app = $crate::graphql::app(ctx)?;
                Ok($crate::domain::pagination::count(&app.db, self.select.clone()).await?)
            }
        }

        #[doc = $edge_doc]
        #[derive(async_graphql::SimpleObject)]
        pub struct $edge {
            /// Opaque position of this row; pass it as `after` to continue after it.
            pub cursor: String,
            /// The row.
            pub node: $node,
        }

        impl $conn {
            /// Wraps one fetched page; `select` is the unpaged query, kept for `totalCount`.
            pub fn new(
                page: $crate::domain::pagination::Page<<$entity as sea_orm::EntityTrait>::Model>,
                request: $crate::domain::pagination::PageRequest,
                select: sea_orm::Select<$entity>,
            ) -> Self {
                let edges: Vec<$edge> = page
                    .rows
                    .into_iter()
                    .map(|row| $edge {
                        cursor: $crate::graphql::connection::cursor(row.id),
                        node: $node(row),
                    })
                    .collect();
                let page_info = $crate::graphql::connection::PageInfo {
                    has_previous_page: request.after.is_some(),
                    has_next_page: page.has_next,
                    start_cursor: edges.first().map(|e| e.cursor.clone()),
                    end_cursor: edges.last().map(|e| e.cursor.clone()),
                };
                Self {
                    edges,
                    page_info,
                    select,
                }
            }
        }
    };
}
pub(crate) use connection;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        assert_eq!(parse_cursor(Some(&cursor(250))).expect("valid"), Some(250));
        assert_eq!(parse_cursor(None).expect("absent"), None);
        let err = parse_cursor(Some("bogus")).expect_err("garbage");
        assert_eq!(err.code(), "BAD_USER_INPUT");
    }
}
