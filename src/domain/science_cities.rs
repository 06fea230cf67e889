//! Science cities: created and maintained by platform admins (the Management Company).

use chrono::Utc;
use entity::{
    organization,
    science_city::{self, ScienceCityStatus},
};
use sea_orm::{
    ActiveEnum as _, ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, ConnectionTrait,
    DatabaseConnection, EntityTrait as _, PaginatorTrait as _, QueryFilter as _, QuerySelect as _,
    Select,
};

use super::{
    access::Access,
    pagination::{self, Page, PageRequest},
    regions,
    text::Localized,
};
use crate::{
    db,
    error::{AppError, AppResult},
};

const NAME_MAX: usize = 300;

/// What `createScienceCity` receives.
#[derive(Debug, Clone)]
pub struct NewScienceCity {
    /// Name, at least one language.
    pub name: Localized,
    /// Region code (ISO or KATO).
    pub region_code: String,
    /// Initial status; `CANDIDATE` when absent.
    pub status: Option<ScienceCityStatus>,
}

/// What `updateScienceCity` may change.
#[derive(Debug, Clone, Default)]
pub struct ScienceCityChanges {
    /// New name (replaces all three languages).
    pub name: Option<Localized>,
    /// New region; refused while organisations belong to the city.
    pub region_code: Option<String>,
    /// Next status.
    pub status: Option<ScienceCityStatus>,
}

/// Search criteria.
#[derive(Debug, Clone, Default)]
pub struct ScienceCityFilter {
    /// Only this region (ISO or KATO code).
    pub region_code: Option<String>,
    /// Only this status.
    pub status: Option<ScienceCityStatus>,
}

/// Status moves forward one step at a time: candidate → designated → active.
pub fn can_move(from: ScienceCityStatus, to: ScienceCityStatus) -> bool {
    use ScienceCityStatus::*;
    matches!(
        (from, to),
        (Candidate, Candidate | Designated) | (Designated, Designated | Active) | (Active, Active)
    )
}

/// Creates a science city.
pub async fn create(
    db: &DatabaseConnection,
    access: &Access,
    input: NewScienceCity,
) -> AppResult<science_city::Model> {
    access.require_platform_admin()?;
    let name = input.name.cleaned_line("name", NAME_MAX, true)?;
    let region = regions::resolve(db, "regionCode", &input.region_code).await?;
    let now = Utc::now();
    Ok(science_city::ActiveModel {
        name_kk: Set(name.kk),
        name_ru: Set(name.ru),
        name_en: Set(name.en),
        region_id: Set(region.id),
        status: Set(input.status.unwrap_or(ScienceCityStatus::Candidate)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Changes a science city.
pub async fn update(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    changes: ScienceCityChanges,
) -> AppResult<science_city::Model> {
    access.require_platform_admin()?;
    let txn = db::begin_write(db).await?;
    // Locked for the same reason as in `organizations::update`.
    let current = science_city::Entity::find_by_id(id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(AppError::not_found("id", "science city"))?;
    let mut row: science_city::ActiveModel = current.clone().into();
    if let Some(name) = changes.name {
        let name = name.cleaned_line("name", NAME_MAX, true)?;
        row.name_kk = Set(name.kk);
        row.name_ru = Set(name.ru);
        row.name_en = Set(name.en);
    }
    if let Some(code) = &changes.region_code {
        let region = regions::resolve(&txn, "regionCode", code).await?;
        if region.id != current.region_id {
            let members = organization::Entity::find()
                .filter(organization::Column::ScienceCityId.eq(id))
                .count(&txn)
                .await?;
            if members > 0 {
                return Err(AppError::invalid(
                    "regionCode",
                    format!("{members} organisations belong to this science city; move them first"),
                ));
            }
            row.region_id = Set(region.id);
        }
    }
    if let Some(status) = changes.status {
        if !can_move(current.status, status) {
            return Err(AppError::invalid(
                "status",
                format!(
                    "a science city moves CANDIDATE → DESIGNATED → ACTIVE one step at a time; \
                     it cannot go from {} to {}",
                    current.status.to_value(),
                    status.to_value()
                ),
            ));
        }
        row.status = Set(status);
    }
    row.updated_at = Set(Utc::now());
    let city = row.update(&txn).await?;
    txn.commit().await?;
    Ok(city)
}

/// The rows matching `filter`, unordered and unpaged.
async fn search(
    db: &impl ConnectionTrait,
    filter: &ScienceCityFilter,
) -> AppResult<Select<science_city::Entity>> {
    let mut select = science_city::Entity::find();
    if let Some(code) = &filter.region_code {
        let region = regions::resolve(db, "filter.regionCode", code).await?;
        select = select.filter(science_city::Column::RegionId.eq(region.id));
    }
    if let Some(status) = filter.status {
        select = select.filter(science_city::Column::Status.eq(status));
    }
    Ok(select)
}

/// One page of the science cities matching `filter`, oldest first.
pub async fn list(
    db: &DatabaseConnection,
    filter: &ScienceCityFilter,
    page: PageRequest,
) -> AppResult<Page<science_city::Model>> {
    let select = search(db, filter).await?;
    pagination::fetch(db, select, science_city::Column::Id, |row| row.id, page).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use ScienceCityStatus::*;

    #[test]
    fn status_only_moves_forward_one_step() {
        assert!(can_move(Candidate, Designated));
        assert!(can_move(Designated, Active));
        assert!(can_move(Active, Active));
        assert!(!can_move(Candidate, Active));
        assert!(!can_move(Active, Designated));
        assert!(!can_move(Designated, Candidate));
    }
}
