//! Relay connections over domain pages: `edges { cursor node }`, `nodes`, `pageInfo` and a
//! `totalCount` that is counted only when a client selects it.
//!
//! One generic type serves every list; its GraphQL name comes from the node (`Organization` →
//! `OrganizationConnection`, `OrganizationEdge`), as async-graphql's own `Connection` does.
//! Kopir keeps its own rather than that one so every type and field carries a description and
//! `totalCount` stays lazy; cursors are async-graphql's [`OpaqueCursor`].

use std::borrow::Cow;

use async_graphql::{
    Object, OutputType, Result, SimpleObject, TypeName,
    connection::{CursorType as _, OpaqueCursor},
};

use crate::{
    domain::pagination::{Count, DEFAULT_PAGE, Page, PageRequest},
    error::{AppError, AppResult},
};

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

/// One page of a list of `N`.
pub struct Connection<N> {
    edges: Vec<Edge<N>>,
    page_info: PageInfo,
    total: Count,
}

/// A page of the list: its rows with their cursors, where the page sits, and the list's size.
#[Object(name_type)]
impl<N: OutputType> Connection<N> {
    /// The rows of this page, each with its cursor.
    async fn edges(&self) -> &[Edge<N>] {
        &self.edges
    }

    /// The rows of this page, without cursors.
    async fn nodes(&self) -> Vec<&N> {
        self.edges.iter().map(|e| &e.node).collect()
    }

    /// Where this page sits in the whole list.
    async fn page_info(&self) -> &PageInfo {
        &self.page_info
    }

    /// How many rows match across all pages.
    async fn total_count(&self) -> Result<u64> {
        Ok(self.total.get().await?)
    }
}

impl<N: OutputType> TypeName for Connection<N> {
    fn type_name() -> Cow<'static, str> {
        format!("{}Connection", N::type_name()).into()
    }
}

/// A row of a page with its cursor.
pub struct Edge<N> {
    cursor: String,
    node: N,
}

/// One row of a page, with the cursor to continue after it.
#[Object(name_type)]
impl<N: OutputType> Edge<N> {
    /// Opaque position of this row; pass it as `after` to continue after it.
    async fn cursor(&self) -> &str {
        &self.cursor
    }

    /// The row.
    async fn node(&self) -> &N {
        &self.node
    }
}

impl<N: OutputType> TypeName for Edge<N> {
    fn type_name() -> Cow<'static, str> {
        format!("{}Edge", N::type_name()).into()
    }
}

impl<N> Connection<N> {
    /// The connection of a domain page, each row shown as `node(row)`.
    pub fn of<M>(page: Page<M>, node: impl Fn(M) -> N) -> Self {
        let edges: Vec<Edge<N>> = page
            .rows
            .into_iter()
            .map(|(key, row)| Edge {
                cursor: OpaqueCursor(key).encode_cursor(),
                node: node(row),
            })
            .collect();
        let page_info = PageInfo {
            has_previous_page: page.has_previous,
            has_next_page: page.has_next,
            start_cursor: edges.first().map(|e| e.cursor.clone()),
            end_cursor: edges.last().map(|e| e.cursor.clone()),
        };
        Self {
            edges,
            page_info,
            total: page.total,
        }
    }
}

/// Reads `first` and `after` into a page request.
pub fn page_request(first: Option<i32>, after: Option<String>) -> AppResult<PageRequest> {
    let after = after
        .map(|cursor| {
            OpaqueCursor::<i64>::decode_cursor(&cursor)
                .map(|c| c.0)
                .map_err(|_| AppError::invalid("after", "not a cursor from this list"))
        })
        .transpose()?;
    PageRequest::new(first, after)
}

/// A connection costs its selection once per row it may return.
pub fn page_cost(first: Option<i32>, child_complexity: usize) -> usize {
    let rows = first.map_or(DEFAULT_PAGE, |n| u64::try_from(n).unwrap_or(0));
    usize::try_from(rows)
        .unwrap_or(usize::MAX)
        .saturating_mul(child_complexity)
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let cursor = OpaqueCursor(250_i64).encode_cursor();
        assert_eq!(
            page_request(None, Some(cursor)).expect("valid").after,
            Some(250)
        );
        assert_eq!(page_request(None, None).expect("absent").after, None);
        let err = page_request(None, Some("bogus".into())).expect_err("garbage");
        assert_eq!(err.code(), crate::error::ErrorCode::BadUserInput);
        assert_eq!(err.field(), Some("after"));
    }
}
