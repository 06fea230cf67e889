//! Organisations: registration, profile changes, membership, and the registry search.

use chrono::Utc;
use entity::{
    membership::{self, MembershipRole},
    organization::{self, OrganizationKind},
};
use sea_orm::{
    ActiveModelTrait as _,
    ActiveValue::Set,
    ColumnTrait as _, ConnectionTrait, DatabaseConnection, EntityTrait as _, QueryFilter as _,
    QuerySelect as _, Select,
    sea_query::{Expr, ExprTrait as _, LikeExpr},
};

use super::{
    Patch,
    access::Access,
    bin,
    matching::store,
    pagination::{self, Page, PageRequest},
    references, regions,
    text::{self, Localized, Shape, contains_pattern, fold},
};
use crate::{
    db,
    error::{AppError, AppResult},
};

/// What `createOrganization` receives.
#[derive(Debug, Clone)]
pub struct NewOrganization {
    /// Kind of organisation.
    pub kind: OrganizationKind,
    /// Name, at least one language.
    pub name: Localized,
    /// Description, optional.
    pub description: Localized,
    /// BIN; required for Kazakh organisations, absent for foreign ones.
    pub bin: Option<String>,
    /// ISO 3166-1 alpha-2 country; `KZ` when absent.
    pub country: Option<String>,
    /// Region code; required for Kazakh organisations.
    pub region_code: Option<String>,
    /// Science city the organisation belongs to.
    pub science_city_id: Option<i64>,
    /// Public web site (`http://` or `https://`).
    pub website: Option<String>,
}

/// What `updateOrganization` may change. `None` leaves a required field as it is.
#[derive(Debug, Clone, Default)]
pub struct OrganizationChanges {
    /// New kind.
    pub kind: Option<OrganizationKind>,
    /// New name (replaces all three languages).
    pub name: Option<Localized>,
    /// New description (replaces all three languages; empty clears it).
    pub description: Option<Localized>,
    /// New BIN (platform admins only: the BIN is the organisation's legal identity).
    pub bin: Option<String>,
    /// New region code.
    pub region_code: Option<String>,
    /// New science city.
    pub science_city_id: Patch<i64>,
    /// New web site.
    pub website: Patch<String>,
}

impl OrganizationChanges {
    /// Whether they may change what matching reads of the organisation. Decided from the input
    /// alone, before the row is read and locked: the revision must be taken first.
    fn moves_matching(&self) -> bool {
        self.kind.is_some()
            || self.region_code.is_some()
            || !matches!(self.science_city_id, Patch::Keep)
    }
}

/// Registry search criteria; all optional, combined with AND.
#[derive(Debug, Clone, Default)]
pub struct OrganizationFilter {
    /// Only this kind.
    pub kind: Option<OrganizationKind>,
    /// Only this region (ISO or KATO code).
    pub region_code: Option<String>,
    /// Only members of this science city.
    pub science_city_id: Option<i64>,
    /// Case-insensitive substring of any name or the BIN.
    pub text: Option<String>,
}

/// The validated content of an organisation row, shared by create, update and import.
pub(super) struct Draft {
    kind: OrganizationKind,
    name: Localized,
    description: Localized,
    bin: Option<String>,
    country: String,
    region_id: Option<i64>,
    science_city_id: Option<i64>,
    website: Option<String>,
}

const NAME_MAX: usize = 300;
const DESCRIPTION_MAX: usize = 5000;
const WEBSITE_MAX: usize = 500;

impl Draft {
    /// Checks a new organisation's fields.
    pub(super) async fn new(db: &impl ConnectionTrait, input: NewOrganization) -> AppResult<Draft> {
        let region_id = match &input.region_code {
            Some(code) => Some(regions::resolve(db, "regionCode", code).await?.id),
            None => None,
        };
        Draft {
            kind: input.kind,
            name: input.name,
            description: input.description,
            bin: input.bin,
            country: input
                .country
                .unwrap_or_else(|| "KZ".into())
                .trim()
                .to_ascii_uppercase(),
            region_id,
            science_city_id: input.science_city_id,
            website: input.website,
        }
        .validate(db)
        .await
    }

    /// Whether `row` already holds exactly this content.
    pub(super) fn matches(&self, row: &organization::Model) -> bool {
        row.kind == self.kind
            && Localized::from_columns(&row.name_kk, &row.name_ru, &row.name_en) == self.name
            && Localized::from_columns(
                &row.description_kk,
                &row.description_ru,
                &row.description_en,
            ) == self.description
            && row.bin == self.bin
            && row.country == self.country
            && row.region_id == self.region_id
            && row.science_city_id == self.science_city_id
            && row.website == self.website
    }

    /// Checks the rules that span fields: a Kazakh organisation has a valid BIN and a region, a
    /// foreign one has neither; a science city lies in the organisation's region.
    async fn validate(mut self, db: &impl ConnectionTrait) -> AppResult<Draft> {
        self.name = self.name.cleaned_line("name", NAME_MAX, true)?;
        self.description = self
            .description
            .cleaned("description", DESCRIPTION_MAX, false)?;
        if self.country.len() != 2 || !self.country.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(AppError::invalid(
                "country",
                "an ISO 3166-1 alpha-2 code such as KZ",
            ));
        }
        if self.country == "KZ" {
            let raw = self
                .bin
                .as_deref()
                .ok_or_else(|| AppError::invalid("bin", "a Kazakh organisation needs its BIN"))?;
            self.bin =
                Some(bin::parse(raw.trim()).map_err(|e| AppError::invalid("bin", e.to_string()))?);
            if self.region_id.is_none() {
                return Err(AppError::invalid(
                    "regionCode",
                    "a Kazakh organisation needs its region",
                ));
            }
        } else {
            if self.bin.is_some() {
                return Err(AppError::invalid(
                    "bin",
                    "only Kazakh organisations have a BIN",
                ));
            }
            if self.region_id.is_some() || self.science_city_id.is_some() {
                return Err(AppError::invalid(
                    "regionCode",
                    "foreign organisations have no Kazakh region or science city",
                ));
            }
        }
        if let Some(city_id) = self.science_city_id {
            let city = references::science_city(db, "scienceCityId", city_id).await?;
            if Some(city.region_id) != self.region_id {
                return Err(AppError::invalid(
                    "scienceCityId",
                    "the science city lies in another region than the organisation",
                ));
            }
        }
        if let Some(site) = &mut self.website {
            *site = text::clean("website", site, WEBSITE_MAX, Shape::Line)?.unwrap_or_default();
            let scheme_ok = site.starts_with("https://") || site.starts_with("http://");
            if !scheme_ok || site.len() > WEBSITE_MAX || site.contains(char::is_whitespace) {
                return Err(AppError::invalid(
                    "website",
                    "an http:// or https:// address",
                ));
            }
        }
        Ok(self)
    }

    fn search_text(&self) -> String {
        let mut parts: Vec<&str> = self.name.iter().collect();
        parts.extend(self.bin.as_deref());
        fold(&parts.join(" "))
    }

    pub(super) fn apply(self, row: &mut organization::ActiveModel) {
        row.search_text = Set(self.search_text());
        row.kind = Set(self.kind);
        row.name_kk = Set(self.name.kk);
        row.name_ru = Set(self.name.ru);
        row.name_en = Set(self.name.en);
        row.description_kk = Set(self.description.kk);
        row.description_ru = Set(self.description.ru);
        row.description_en = Set(self.description.en);
        row.bin = Set(self.bin);
        row.country = Set(self.country);
        row.region_id = Set(self.region_id);
        row.science_city_id = Set(self.science_city_id);
        row.website = Set(self.website);
        row.updated_at = Set(Utc::now());
    }
}

/// Only platform admins register or create the Management Company.
fn check_kind(access: &Access, kind: OrganizationKind) -> AppResult<()> {
    if kind == OrganizationKind::ManagementCompany && !access.is_platform_admin() {
        return Err(AppError::Forbidden(
            "only platform administrators manage the Management Company".into(),
        ));
    }
    Ok(())
}

fn duplicate_bin(err: sea_orm::DbErr) -> AppError {
    AppError::on_unique(
        err,
        "organization_bin_key",
        "organization.bin",
        AppError::invalid("bin", "an organisation with this BIN is already registered"),
    )
}

/// Registers an organisation; its creator becomes its first admin. All or nothing.
pub async fn create(
    db: &DatabaseConnection,
    access: &Access,
    input: NewOrganization,
) -> AppResult<organization::Model> {
    let user_id = access.user_id()?;
    check_kind(access, input.kind)?;
    let draft = Draft::new(db, input).await?;

    let txn = db::begin_write(db).await?;
    let now = Utc::now();
    let mut row = organization::ActiveModel {
        created_at: Set(now),
        matching_revision: Set(store::bump(&txn).await?),
        ..Default::default()
    };
    draft.apply(&mut row);
    let org = row.insert(&txn).await.map_err(duplicate_bin)?;
    membership::ActiveModel {
        user_id: Set(user_id),
        organization_id: Set(org.id),
        role: Set(MembershipRole::Admin),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    tracing::info!(organization_id = org.id, user_id, "organisation registered");
    Ok(org)
}

/// Changes an organisation's profile (members and platform admins).
pub async fn update(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    changes: OrganizationChanges,
) -> AppResult<organization::Model> {
    let txn = db::begin_write(db).await?;
    // Matching reads the organisation's kind, region and science city (see `matching::store`);
    // only a change to them takes the next matching revision, which queues the update behind
    // every other matching write. Taken first, as every matching write does, so that two
    // writers never wait for each other's locks in opposite orders.
    let revision = if changes.moves_matching() {
        Some(store::bump(&txn).await?)
    } else {
        None
    };
    // The update rewrites the whole row from what it read, so the read must lock the row
    // (`FOR UPDATE` on PostgreSQL; SQLite's immediate transaction already excludes writers).
    let current = organization::Entity::find_by_id(id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(AppError::not_found("id", "organisation"))?;
    access.require_member(id)?;
    if changes
        .bin
        .as_ref()
        .is_some_and(|b| Some(b) != current.bin.as_ref())
        && !access.is_platform_admin()
    {
        return Err(AppError::Forbidden(
            "only platform administrators may change a BIN".into(),
        ));
    }
    if let Some(kind) = changes.kind {
        check_kind(access, kind)?;
        check_kind(access, current.kind)?;
    }
    let region_id = match &changes.region_code {
        Some(code) => Some(regions::resolve(&txn, "regionCode", code).await?.id),
        None => current.region_id,
    };
    let draft = Draft {
        kind: changes.kind.unwrap_or(current.kind),
        name: changes.name.unwrap_or_else(|| {
            Localized::from_columns(&current.name_kk, &current.name_ru, &current.name_en)
        }),
        description: changes.description.unwrap_or_else(|| {
            Localized::from_columns(
                &current.description_kk,
                &current.description_ru,
                &current.description_en,
            )
        }),
        bin: changes.bin.or_else(|| current.bin.clone()),
        country: current.country.clone(),
        region_id,
        science_city_id: changes.science_city_id.apply(current.science_city_id),
        website: changes.website.apply(current.website.clone()),
    }
    .validate(&txn)
    .await?;
    let mut row: organization::ActiveModel = current.into();
    draft.apply(&mut row);
    if let Some(revision) = revision {
        row.matching_revision = Set(revision);
    }
    let org = row.update(&txn).await.map_err(duplicate_bin)?;
    txn.commit().await?;
    Ok(org)
}

/// The names of organisations `ids` in `lang` (falling back to the other languages), by id.
pub async fn names(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
    lang: text::Lang,
) -> AppResult<std::collections::HashMap<i64, String>> {
    Ok(organization::Entity::find()
        .filter(organization::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| {
            let name = Localized {
                kk: o.name_kk,
                ru: o.name_ru,
                en: o.name_en,
            };
            (o.id, name.get(lang).unwrap_or_default().to_owned())
        })
        .collect())
}

/// The rows matching `filter`, unordered and unpaged.
async fn search(
    db: &impl ConnectionTrait,
    filter: &OrganizationFilter,
) -> AppResult<Select<organization::Entity>> {
    let mut select = organization::Entity::find();
    if let Some(kind) = filter.kind {
        select = select.filter(organization::Column::Kind.eq(kind));
    }
    if let Some(code) = &filter.region_code {
        let region = regions::resolve(db, "filter.regionCode", code).await?;
        select = select.filter(organization::Column::RegionId.eq(region.id));
    }
    if let Some(city) = filter.science_city_id {
        select = select.filter(organization::Column::ScienceCityId.eq(city));
    }
    if let Some(text) = filter
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let pattern = contains_pattern(&fold(text));
        select = select.filter(
            Expr::col(organization::Column::SearchText).like(LikeExpr::new(pattern).escape('\\')),
        );
    }
    Ok(select)
}

/// One page of the organisations matching `filter`, in registration order.
pub async fn list(
    db: &DatabaseConnection,
    filter: &OrganizationFilter,
    page: PageRequest,
) -> AppResult<Page<organization::Model>> {
    let select = search(db, filter).await?;
    pagination::fetch(db, select, organization::Column::Id, |row| row.id, page).await
}
