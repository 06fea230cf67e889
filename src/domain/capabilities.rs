//! Capabilities: what universities and R&D sites offer — posting, changing, listing.

use chrono::Utc;
use entity::{
    capability,
    need::{Sector, Sectors, Strings},
};
use sea_orm::{
    ActiveModelTrait as _,
    ActiveValue::Set,
    ColumnTrait as _, Condition, DatabaseConnection, EntityTrait as _, QueryFilter as _,
    QuerySelect as _, Select,
    sea_query::{Expr, ExprTrait as _, LikeExpr},
};

use super::{
    Patch,
    access::Access,
    events::{self, Change},
    listings,
    matching::store,
    money,
    pagination::{self, Page, PageRequest},
    references,
    text::{Localized, contains_pattern, fold},
};
use crate::{
    db,
    error::{AppError, AppResult},
};

const TITLE_MAX: usize = 300;
const DESCRIPTION_MAX: usize = 10_000;
/// Longest lead time accepted, in days (two years).
const LEAD_TIME_MAX: i32 = 730;
/// Most open slots a capability may announce.
const CAPACITY_MAX: i32 = 1_000;

/// What `postCapability` receives.
#[derive(Debug, Clone)]
pub struct NewCapability {
    /// The offering organisation.
    pub organization_id: i64,
    /// Title.
    pub title: Localized,
    /// Expertise.
    pub description: Localized,
    /// Keywords.
    pub keywords: Vec<String>,
    /// FOS codes.
    pub fields: Vec<String>,
    /// Equipment and facilities.
    pub equipment: Vec<String>,
    /// TRL reached.
    pub trl: Option<i32>,
    /// Lowest price, decimal KZT.
    pub price_min: Option<String>,
    /// Highest price, decimal KZT.
    pub price_max: Option<String>,
    /// Lead time in days.
    pub lead_time_days: Option<i32>,
    /// Open slots for new projects.
    pub capacity: i32,
    /// Sectors the owner works with.
    pub sectors: Vec<Sector>,
    /// Whether it is offered.
    pub active: bool,
}

/// What `updateCapability` may change; `None`/`Keep` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct CapabilityChanges {
    /// New title.
    pub title: Option<Localized>,
    /// New expertise.
    pub description: Option<Localized>,
    /// New keywords.
    pub keywords: Option<Vec<String>>,
    /// New FOS codes.
    pub fields: Option<Vec<String>>,
    /// New equipment.
    pub equipment: Option<Vec<String>>,
    /// New TRL.
    pub trl: Patch<i32>,
    /// New lowest price.
    pub price_min: Patch<String>,
    /// New highest price.
    pub price_max: Patch<String>,
    /// New lead time.
    pub lead_time_days: Patch<i32>,
    /// New capacity.
    pub capacity: Option<i32>,
    /// New sectors.
    pub sectors: Option<Vec<Sector>>,
    /// Switch on or off.
    pub active: Option<bool>,
}

/// Which capabilities to list.
#[derive(Debug, Clone, Default)]
pub struct CapabilityFilter {
    /// Only this organisation's.
    pub organization_id: Option<i64>,
    /// Only with this FOS code (a major field includes its sub-fields).
    pub field_of_science: Option<String>,
    /// Only active ones (default), only inactive ones, or both (`None`).
    pub active: Option<bool>,
    /// Case-insensitive text in the title.
    pub text: Option<String>,
}

fn apply(row: &mut capability::ActiveModel, input: NewCapability, revision: i64) -> AppResult<()> {
    let title = input.title.cleaned_line("title", TITLE_MAX, true)?;
    let price = listings::money_range(
        ("priceMin", "priceMax"),
        input.price_min.as_deref(),
        input.price_max.as_deref(),
    )?;
    if input
        .lead_time_days
        .is_some_and(|d| !(0..=LEAD_TIME_MAX).contains(&d))
    {
        return Err(AppError::invalid(
            "leadTimeDays",
            format!("between 0 and {LEAD_TIME_MAX} days"),
        ));
    }
    if !(0..=CAPACITY_MAX).contains(&input.capacity) {
        return Err(AppError::invalid(
            "capacity",
            format!("between 0 and {CAPACITY_MAX} open slots"),
        ));
    }
    let mut sectors = input.sectors;
    sectors.sort_by_key(|s| format!("{s:?}"));
    sectors.dedup();
    row.title_search = Set(listings::title_search(&title));
    row.title_kk = Set(title.kk);
    row.title_ru = Set(title.ru);
    row.title_en = Set(title.en);
    let description = input
        .description
        .cleaned("description", DESCRIPTION_MAX, false)?;
    row.description_kk = Set(description.kk);
    row.description_ru = Set(description.ru);
    row.description_en = Set(description.en);
    row.keywords = Set(Strings(listings::short_texts(
        "keywords",
        input.keywords,
        20,
        60,
    )?));
    row.fields = Set(Strings(input.fields));
    row.equipment = Set(Strings(listings::short_texts(
        "equipment",
        input.equipment,
        30,
        200,
    )?));
    row.trl = Set(listings::trl("trl", input.trl)?);
    row.price_min = Set(price.0);
    row.price_max = Set(price.1);
    row.lead_time_days = Set(input.lead_time_days);
    row.capacity = Set(input.capacity);
    row.sectors = Set(Sectors(sectors));
    row.active = Set(input.active);
    row.revision = Set(revision);
    row.updated_at = Set(Utc::now());
    Ok(())
}

/// Posts a capability for an organisation the caller belongs to.
pub async fn post(
    db: &DatabaseConnection,
    access: &Access,
    mut input: NewCapability,
) -> AppResult<capability::Model> {
    access.user_id()?;
    references::organization(db, "organizationId", input.organization_id).await?;
    access.require_member(input.organization_id)?;
    input.fields =
        listings::fields_of_science(db, "fieldsOfScience", std::mem::take(&mut input.fields))
            .await?;
    let txn = db::begin_write(db).await?;
    let mut row = capability::ActiveModel {
        organization_id: Set(input.organization_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    apply(&mut row, input, store::bump(&txn).await?)?;
    let cap = row.insert(&txn).await?;
    events::record(&txn, Change::Capability, cap.organization_id, cap.id).await?;
    txn.commit().await?;
    tracing::info!(
        capability_id = cap.id,
        organization_id = cap.organization_id,
        "capability posted"
    );
    Ok(cap)
}

/// Changes a capability (members of its organisation and platform admins).
pub async fn update(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    changes: CapabilityChanges,
) -> AppResult<capability::Model> {
    access.user_id()?;
    let txn = db::begin_write(db).await?;
    let revision = store::bump(&txn).await?;
    let current = capability::Entity::find_by_id(id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .filter(|c| visible(access, c))
        .ok_or(AppError::not_found("id", "capability"))?;
    access.require_member(current.organization_id)?;
    let fields = match changes.fields {
        Some(f) => listings::fields_of_science(&txn, "fieldsOfScience", f).await?,
        None => current.fields.0.clone(),
    };
    let input = NewCapability {
        organization_id: current.organization_id,
        title: changes.title.unwrap_or_else(|| {
            Localized::from_columns(&current.title_kk, &current.title_ru, &current.title_en)
        }),
        description: changes.description.unwrap_or_else(|| {
            Localized::from_columns(
                &current.description_kk,
                &current.description_ru,
                &current.description_en,
            )
        }),
        keywords: changes
            .keywords
            .unwrap_or_else(|| current.keywords.0.clone()),
        fields,
        equipment: changes
            .equipment
            .unwrap_or_else(|| current.equipment.0.clone()),
        trl: changes.trl.apply(current.trl.map(i32::from)),
        price_min: changes
            .price_min
            .apply(current.price_min.map(money::format)),
        price_max: changes
            .price_max
            .apply(current.price_max.map(money::format)),
        lead_time_days: changes.lead_time_days.apply(current.lead_time_days),
        capacity: changes.capacity.unwrap_or(current.capacity),
        sectors: changes.sectors.unwrap_or_else(|| current.sectors.0.clone()),
        active: changes.active.unwrap_or(current.active),
    };
    let mut row: capability::ActiveModel = current.into();
    apply(&mut row, input, revision)?;
    let cap = row.update(&txn).await?;
    events::record(&txn, Change::Capability, cap.organization_id, cap.id).await?;
    txn.commit().await?;
    Ok(cap)
}

/// The capabilities matching `filter` that the caller may see, unordered and unpaged. Inactive
/// ones are visible to their organisation's members and platform admins only.
fn search(access: &Access, filter: &CapabilityFilter) -> AppResult<Select<capability::Entity>> {
    let mut select = capability::Entity::find();
    if !access.is_platform_admin() {
        let mine: Vec<i64> = access.memberships.keys().copied().collect();
        select = select.filter(
            Condition::any()
                .add(capability::Column::Active.eq(true))
                .add(capability::Column::OrganizationId.is_in(mine)),
        );
    }
    if let Some(org) = filter.organization_id {
        select = select.filter(capability::Column::OrganizationId.eq(org));
    }
    if let Some(active) = filter.active {
        select = select.filter(capability::Column::Active.eq(active));
    }
    if let Some(code) = &filter.field_of_science {
        select = select.filter(
            Expr::col(capability::Column::Fields)
                .cast_as("text")
                .like(listings::field_pattern(code)?),
        );
    }
    if let Some(text) = filter
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        select = select.filter(
            Expr::col(capability::Column::TitleSearch)
                .like(LikeExpr::new(contains_pattern(&fold(text))).escape('\\')),
        );
    }
    Ok(select)
}

/// Whether the caller may see `capability`.
pub fn visible(access: &Access, capability: &capability::Model) -> bool {
    capability.active || access.can_see_members(capability.organization_id)
}

/// One page of the capabilities matching `filter` that the caller may see, oldest first.
pub async fn list(
    db: &DatabaseConnection,
    access: &Access,
    filter: &CapabilityFilter,
    page: PageRequest,
) -> AppResult<Page<capability::Model>> {
    let select = search(access, filter)?;
    pagination::fetch(db, select, capability::Column::Id, |row| row.id, page).await
}
