//! Keyset pagination over an ascending integer key: `WHERE id > :after ORDER BY id LIMIT n + 1`.
//! Unlike `OFFSET`, every page costs the same however deep the client walks, and rows inserted
//! meanwhile never shift a page into duplicates or gaps.

use std::{future::Future, pin::Pin, sync::Arc};

use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter as _, QueryOrder as _,
    QuerySelect as _, Select, sea_query::Expr,
};

use crate::error::{AppError, AppResult};

/// Largest page a client may ask for.
pub const MAX_PAGE: u64 = 100;
/// Page size when the client does not say.
pub const DEFAULT_PAGE: u64 = 20;

/// A validated page request.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    /// Rows wanted.
    pub first: u64,
    /// Key of the last row already seen.
    pub after: Option<i64>,
}

impl PageRequest {
    /// Checks `first` (0..=100, default 20).
    pub fn new(first: Option<i32>, after: Option<i64>) -> AppResult<Self> {
        let first = match first {
            None => DEFAULT_PAGE,
            Some(n) => u64::try_from(n)
                .ok()
                .filter(|n| *n <= MAX_PAGE)
                .ok_or_else(|| {
                    AppError::invalid("first", format!("first must be between 0 and {MAX_PAGE}"))
                })?,
        };
        Ok(Self { first, after })
    }
}

/// One page of rows, with the size of the whole list counted only when asked for.
pub struct Page<M> {
    /// The rows, in key order, each with its key.
    pub rows: Vec<(i64, M)>,
    /// Whether rows precede this page (an `after` was given).
    pub has_previous: bool,
    /// Whether rows follow this page.
    pub has_next: bool,
    /// Counts the whole list.
    pub total: Count,
}

/// The future a [`Count`] returns.
type CountFuture = Pin<Box<dyn Future<Output = AppResult<u64>> + Send>>;

/// Counts every row of a list, lazily: a count is a second scan, so only a client that selects
/// `totalCount` pays for it.
#[derive(Clone)]
pub struct Count(Arc<dyn Fn() -> CountFuture + Send + Sync>);

impl Count {
    /// Runs the count.
    pub async fn get(&self) -> AppResult<u64> {
        (self.0)().await
    }
}

/// Fetches one page of `select`, keyed on `key` (an ascending `i64` column read by `key_of`).
pub async fn fetch<E>(
    db: &DatabaseConnection,
    select: Select<E>,
    key: E::Column,
    key_of: fn(&E::Model) -> i64,
    page: PageRequest,
) -> AppResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Sync,
{
    let total = {
        let (db, select) = (db.clone(), select.clone());
        Count(Arc::new(move || {
            let (db, select) = (db.clone(), select.clone());
            // `COUNT(*)` over the page's filter itself: sea-orm's `count()` would wrap the
            // full-column select in a sub-query, reading every column of every row.
            Box::pin(async move {
                let n: Option<i64> = select
                    .select_only()
                    .expr(Expr::cust("COUNT(*)"))
                    .into_tuple()
                    .one(&db)
                    .await?;
                Ok(n.map_or(0, |n| u64::try_from(n).unwrap_or(0)))
            })
        }))
    };
    let mut select = select.order_by_asc(key).limit(page.first + 1);
    if let Some(after) = page.after {
        select = select.filter(key.gt(after));
    }
    let mut rows = select.all(db).await?;
    let has_next = rows.len() as u64 > page.first;
    rows.truncate(usize::try_from(page.first).unwrap_or(usize::MAX));
    Ok(Page {
        rows: rows.into_iter().map(|row| (key_of(&row), row)).collect(),
        has_previous: page.after.is_some(),
        has_next,
        total,
    })
}
