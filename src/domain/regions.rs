//! Regions: reference data, read-only through the API.

use entity::region;
use sea_orm::{
    ColumnTrait as _, Condition, ConnectionTrait, EntityTrait as _, QueryFilter as _,
    QueryOrder as _,
};

use crate::error::{AppError, AppResult};

/// All 20 regions, in KATO order.
pub async fn list(db: &impl ConnectionTrait) -> AppResult<Vec<region::Model>> {
    Ok(region::Entity::find()
        .order_by_asc(region::Column::KatoCode)
        .all(db)
        .await?)
}

/// A region by ISO 3166-2 code (`KZ-75`) or nine-digit KATO code (`750000000`).
pub async fn find(db: &impl ConnectionTrait, code: &str) -> AppResult<Option<region::Model>> {
    let code = code.trim().to_ascii_uppercase();
    Ok(region::Entity::find()
        .filter(
            Condition::any()
                .add(region::Column::Code.eq(&code))
                .add(region::Column::KatoCode.eq(&code)),
        )
        .one(db)
        .await?)
}

/// Like [`find`], for an input field: an unknown code is the client's mistake.
pub async fn resolve(
    db: &impl ConnectionTrait,
    field: &'static str,
    code: &str,
) -> AppResult<region::Model> {
    find(db, code)
        .await?
        .ok_or_else(|| AppError::invalid(field, format!("unknown region code {code:?}")))
}
