//! Optimistic concurrency for versioned rows (deals, infrastructure projects). Every write
//! names the version it read (`expectedVersion`) and claims the next one in a single
//! `UPDATE … SET version = version + 1 WHERE id = ? AND version = ?`; if no row matched, someone
//! else wrote first and the caller gets `VERSION_CONFLICT` with nothing changed. Each version
//! then gets exactly one history entry (unique per row and version), so history and version
//! always agree.

use chrono::Utc;
use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter as _,
    sea_query::{Expr, ExprTrait as _},
};

use crate::error::{AppError, AppResult};

/// Claims version `expected + 1` of row `id` of `E` (its `[id, version, updated_at]` columns),
/// or answers `VERSION_CONFLICT` naming `what` changed.
pub async fn claim<E: EntityTrait>(
    txn: &DatabaseTransaction,
    [id_column, version, updated_at]: [E::Column; 3],
    id: i64,
    expected: i32,
    what: &str,
) -> AppResult<()> {
    let claimed = E::update_many()
        .col_expr(version, Expr::col(version).add(1))
        .col_expr(updated_at, Expr::value(Utc::now()))
        .filter(id_column.eq(id))
        .filter(version.eq(expected))
        .exec(txn)
        .await?;
    if claimed.rows_affected == 0 {
        return Err(AppError::VersionConflict(format!(
            "the {what} has changed since version {expected}; read it again and retry"
        )));
    }
    Ok(())
}
