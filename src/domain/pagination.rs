//! Keyset pagination over an ascending integer key: `WHERE id > :after ORDER BY id LIMIT n + 1`.
//! Unlike `OFFSET`, every page costs the same however deep the client walks, and rows inserted
//! meanwhile never shift a page into duplicates or gaps.

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait as _, QueryFilter as _,
    QueryOrder as _, QuerySelect as _, Select,
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

/// One page of rows.
#[derive(Debug)]
pub struct Page<M> {
    /// The rows, in key order.
    pub rows: Vec<M>,
    /// Whether rows follow this page.
    pub has_next: bool,
}

/// Fetches one page of `select`, keyed on `key`.
pub async fn fetch<E: EntityTrait>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    key: E::Column,
    page: PageRequest,
) -> AppResult<Page<E::Model>> {
    let mut select = select.order_by_asc(key).limit(page.first + 1);
    if let Some(after) = page.after {
        select = select.filter(key.gt(after));
    }
    let mut rows = select.all(db).await?;
    let has_next = rows.len() as u64 > page.first;
    rows.truncate(usize::try_from(page.first).unwrap_or(usize::MAX));
    Ok(Page { rows, has_next })
}

/// Counts every row `select` matches (for `totalCount`).
pub async fn count<E: EntityTrait>(db: &impl ConnectionTrait, select: Select<E>) -> AppResult<u64>
where
    E::Model: Sync,
{
    Ok(select.count(db).await?)
}
