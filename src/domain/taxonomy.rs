//! Reference classifications: fields of science (OECD FOS 2007) and TRL levels.

use entity::{field_of_science, trl_level};
use sea_orm::{ConnectionTrait, EntityTrait as _, QueryOrder as _};

use crate::error::AppResult;

/// All fields of science, major fields before their sub-fields.
pub async fn fields_of_science(
    db: &impl ConnectionTrait,
) -> AppResult<Vec<field_of_science::Model>> {
    Ok(field_of_science::Entity::find()
        .order_by_asc(field_of_science::Column::Position)
        .all(db)
        .await?)
}

/// TRL levels 1 to 9.
pub async fn trl_levels(db: &impl ConnectionTrait) -> AppResult<Vec<trl_level::Model>> {
    Ok(trl_level::Entity::find()
        .order_by_asc(trl_level::Column::Level)
        .all(db)
        .await?)
}
