//! Technology needs: posting, changing, closing, listing, and who may read how much of one.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use entity::{
    capability,
    need::{self, Confidentiality, NeedStatus, Sector, Strings},
    need_share,
};
use sea_orm::{
    ActiveModelTrait as _,
    ActiveValue::Set,
    ColumnTrait as _, Condition, ConnectionTrait, DatabaseConnection, EntityTrait as _,
    QueryFilter as _, QuerySelect as _, Select,
    sea_query::{Expr, ExprTrait as _, LikeExpr, Query},
};

use super::{
    Patch,
    access::Access,
    access::NeedView,
    listings,
    matching::store,
    money,
    pagination::{self, Page, PageRequest},
    references::{self, shares_of},
    text::{Localized, contains_pattern, fold},
};
use crate::{
    db,
    error::{AppError, AppResult},
};

const TITLE_MAX: usize = 300;
const DESCRIPTION_MAX: usize = 10_000;
/// Organisations a need may be shared with.
const SHARES_MAX: usize = 50;

/// What `postNeed` receives.
#[derive(Debug, Clone)]
pub struct NewNeed {
    /// The posting organisation.
    pub organization_id: i64,
    /// Title.
    pub title: Localized,
    /// Problem description.
    pub description: Localized,
    /// Keywords.
    pub keywords: Vec<String>,
    /// FOS codes.
    pub fields: Vec<String>,
    /// IRSTI codes.
    pub irsti_codes: Vec<String>,
    /// Lowest acceptable TRL.
    pub trl_min: Option<i32>,
    /// Highest wanted TRL.
    pub trl_max: Option<i32>,
    /// Budget floor, decimal KZT.
    pub budget_min: Option<String>,
    /// Budget ceiling, decimal KZT.
    pub budget_max: Option<String>,
    /// Deadline.
    pub deadline: Option<NaiveDate>,
    /// Must-have requirements.
    pub requirements: Vec<String>,
    /// Who may read it.
    pub confidentiality: Confidentiality,
    /// The enterprise's sector.
    pub sector: Option<Sector>,
    /// Organisations that may read it in full.
    pub shared_with: Vec<i64>,
}

/// What `updateNeed` may change; `None`/`Keep` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct NeedChanges {
    /// New title.
    pub title: Option<Localized>,
    /// New description.
    pub description: Option<Localized>,
    /// New keywords.
    pub keywords: Option<Vec<String>>,
    /// New FOS codes.
    pub fields: Option<Vec<String>>,
    /// New IRSTI codes.
    pub irsti_codes: Option<Vec<String>>,
    /// New TRL floor.
    pub trl_min: Patch<i32>,
    /// New TRL ceiling.
    pub trl_max: Patch<i32>,
    /// New budget floor.
    pub budget_min: Patch<String>,
    /// New budget ceiling.
    pub budget_max: Patch<String>,
    /// New deadline.
    pub deadline: Patch<NaiveDate>,
    /// New requirements.
    pub requirements: Option<Vec<String>>,
    /// New confidentiality.
    pub confidentiality: Option<Confidentiality>,
    /// New sector.
    pub sector: Patch<Sector>,
    /// New share list (replaces the old one).
    pub shared_with: Option<Vec<i64>>,
    /// `MATCHED` (with `matched_capability_id`) or back to `OPEN`.
    pub status: Option<NeedStatus>,
    /// The capability it was matched with.
    pub matched_capability_id: Option<i64>,
}

/// Which needs to list.
#[derive(Debug, Clone, Default)]
pub struct NeedFilter {
    /// Only this organisation's.
    pub organization_id: Option<i64>,
    /// Only in this status.
    pub status: Option<NeedStatus>,
    /// Only with this FOS code (a major field includes its sub-fields).
    pub field_of_science: Option<String>,
    /// Case-insensitive text in the title.
    pub text: Option<String>,
}

/// The validated content of a need row.
struct Draft {
    title: Localized,
    description: Localized,
    keywords: Vec<String>,
    fields: Vec<String>,
    irsti_codes: Vec<String>,
    trl: (Option<i16>, Option<i16>),
    budget: (Option<i64>, Option<i64>),
    deadline: Option<NaiveDate>,
    requirements: Vec<String>,
    confidentiality: Confidentiality,
    sector: Option<Sector>,
    status: NeedStatus,
    matched_capability_id: Option<i64>,
}

/// Raw values before validation, shared by post and update.
struct Raw {
    title: Localized,
    description: Localized,
    keywords: Vec<String>,
    fields: Vec<String>,
    irsti_codes: Vec<String>,
    trl: (Option<i32>, Option<i32>),
    budget: (Option<String>, Option<String>),
    deadline: Option<NaiveDate>,
    requirements: Vec<String>,
    confidentiality: Confidentiality,
    sector: Option<Sector>,
    status: NeedStatus,
    matched_capability_id: Option<i64>,
}

impl Raw {
    async fn validate(self, db: &impl ConnectionTrait, owner: i64) -> AppResult<Draft> {
        let trl = (
            listings::trl("trlMin", self.trl.0)?,
            listings::trl("trlMax", self.trl.1)?,
        );
        if let (Some(lo), Some(hi)) = trl
            && lo > hi
        {
            return Err(AppError::invalid("trlMin", "trlMin exceeds trlMax"));
        }
        if let Some(cap_id) = self.matched_capability_id {
            let cap = capability::Entity::find_by_id(cap_id)
                .one(db)
                .await?
                .ok_or_else(|| AppError::invalid("matchedCapabilityId", "no such capability"))?;
            if cap.organization_id == owner {
                return Err(AppError::invalid(
                    "matchedCapabilityId",
                    "a need cannot be matched with its own organisation's capability",
                ));
            }
        }
        if self.status == NeedStatus::Matched && self.matched_capability_id.is_none() {
            return Err(AppError::invalid(
                "matchedCapabilityId",
                "say which capability the need was matched with",
            ));
        }
        Ok(Draft {
            title: self.title.cleaned_line("title", TITLE_MAX, true)?,
            description: self
                .description
                .cleaned("description", DESCRIPTION_MAX, false)?,
            keywords: listings::short_texts("keywords", self.keywords, 20, 60)?,
            fields: listings::fields_of_science(db, "fieldsOfScience", self.fields).await?,
            irsti_codes: listings::irsti_codes(self.irsti_codes)?,
            trl,
            budget: listings::money_range(
                ("budgetMin", "budgetMax"),
                self.budget.0.as_deref(),
                self.budget.1.as_deref(),
            )?,
            deadline: self.deadline,
            requirements: listings::short_texts("requirements", self.requirements, 5, 500)?,
            confidentiality: self.confidentiality,
            sector: self.sector,
            status: self.status,
            matched_capability_id: self.matched_capability_id,
        })
    }
}

impl Draft {
    fn apply(self, row: &mut need::ActiveModel, revision: i64) {
        row.title_search = Set(listings::title_search(&self.title));
        row.title_kk = Set(self.title.kk);
        row.title_ru = Set(self.title.ru);
        row.title_en = Set(self.title.en);
        row.description_kk = Set(self.description.kk);
        row.description_ru = Set(self.description.ru);
        row.description_en = Set(self.description.en);
        row.keywords = Set(Strings(self.keywords));
        row.fields = Set(Strings(self.fields));
        row.irsti_codes = Set(Strings(self.irsti_codes));
        row.trl_min = Set(self.trl.0);
        row.trl_max = Set(self.trl.1);
        row.budget_min = Set(self.budget.0);
        row.budget_max = Set(self.budget.1);
        row.deadline = Set(self.deadline);
        row.requirements = Set(Strings(self.requirements));
        row.confidentiality = Set(self.confidentiality);
        row.sector = Set(self.sector);
        row.status = Set(self.status);
        row.matched_capability_id = Set(self.matched_capability_id);
        row.revision = Set(revision);
        row.updated_at = Set(Utc::now());
    }
}

/// A deadline a need is given must not have passed (one already stored may have).
fn future_deadline(deadline: Option<NaiveDate>) -> AppResult<()> {
    match deadline {
        Some(d) if d < Utc::now().date_naive() => {
            Err(AppError::invalid("deadline", "the deadline has passed"))
        }
        _ => Ok(()),
    }
}

/// Checks the share list: existing organisations, not the owner, at most [`SHARES_MAX`].
async fn check_shares(db: &impl ConnectionTrait, owner: i64, ids: &[i64]) -> AppResult<Vec<i64>> {
    let ids: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|&id| id != owner)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    if ids.len() > SHARES_MAX {
        return Err(AppError::invalid(
            "sharedWith",
            format!("share with at most {SHARES_MAX} organisations"),
        ));
    }
    references::organizations(db, "sharedWith", &ids).await?;
    Ok(ids)
}

async fn replace_shares(db: &impl ConnectionTrait, need_id: i64, orgs: &[i64]) -> AppResult<()> {
    need_share::Entity::delete_many()
        .filter(need_share::Column::NeedId.eq(need_id))
        .exec(db)
        .await?;
    if !orgs.is_empty() {
        need_share::Entity::insert_many(orgs.iter().map(|&organization_id| {
            need_share::ActiveModel {
                need_id: Set(need_id),
                organization_id: Set(organization_id),
            }
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

/// Posts a need for an organisation the caller belongs to.
pub async fn post(
    db: &DatabaseConnection,
    access: &Access,
    input: NewNeed,
) -> AppResult<need::Model> {
    access.user_id()?;
    references::organization(db, "organizationId", input.organization_id).await?;
    access.require_member(input.organization_id)?;
    let owner = input.organization_id;
    future_deadline(input.deadline)?;
    let draft = Raw {
        title: input.title,
        description: input.description,
        keywords: input.keywords,
        fields: input.fields,
        irsti_codes: input.irsti_codes,
        trl: (input.trl_min, input.trl_max),
        budget: (input.budget_min, input.budget_max),
        deadline: input.deadline,
        requirements: input.requirements,
        confidentiality: input.confidentiality,
        sector: input.sector,
        status: NeedStatus::Open,
        matched_capability_id: None,
    }
    .validate(db, owner)
    .await?;
    let shares = check_shares(db, owner, &input.shared_with).await?;

    let txn = db::begin_write(db).await?;
    let revision = store::bump(&txn).await?;
    let mut row = need::ActiveModel {
        organization_id: Set(owner),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    draft.apply(&mut row, revision);
    let need = row.insert(&txn).await?;
    replace_shares(&txn, need.id, &shares).await?;
    txn.commit().await?;
    tracing::info!(need_id = need.id, organization_id = owner, "need posted");
    Ok(need)
}

/// Opens the write transaction of a change to need `id`: takes the next matching revision,
/// then locks the need, which the caller must be allowed to see and change. The counter's row
/// lock comes first: it orders every matching write, and taken first it cannot deadlock against
/// another writer holding the need's row.
async fn begin_change(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
) -> AppResult<(db::WriteTxn, i64, need::Model)> {
    access.user_id()?;
    let txn = db::begin_write(db).await?;
    let revision = store::bump(&txn).await?;
    let current = need::Entity::find_by_id(id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(AppError::not_found("id", "need"))?;
    if !visible_to(access, &current, &shares_of(&txn, id).await?) {
        return Err(AppError::not_found("id", "need"));
    }
    access.require_member(current.organization_id)?;
    Ok((txn, revision, current))
}

/// Changes a need (members of its organisation and platform admins). A closed need is final.
pub async fn update(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    changes: NeedChanges,
) -> AppResult<need::Model> {
    let (txn, revision, current) = begin_change(db, access, id).await?;
    if current.status == NeedStatus::Closed {
        return Err(AppError::invalid("id", "the need is closed"));
    }
    let status = match changes.status {
        None => current.status,
        Some(NeedStatus::Closed) => {
            return Err(AppError::invalid("status", "use closeNeed to close a need"));
        }
        Some(s) => s,
    };
    if let Patch::Set(deadline) = changes.deadline {
        future_deadline(Some(deadline))?;
    }
    // A capability named now must be one the caller may see, and active: matched needs count
    // for the capability's owner in ranking.
    if let Some(cap_id) = changes.matched_capability_id {
        let capability =
            references::capability(&txn, access, "matchedCapabilityId", cap_id).await?;
        if !capability.active {
            return Err(AppError::invalid(
                "matchedCapabilityId",
                "the capability is not active",
            ));
        }
    }
    let matched_capability_id = match status {
        NeedStatus::Open => None,
        _ => changes
            .matched_capability_id
            .or(current.matched_capability_id),
    };
    let draft = Raw {
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
        fields: changes.fields.unwrap_or_else(|| current.fields.0.clone()),
        irsti_codes: changes
            .irsti_codes
            .unwrap_or_else(|| current.irsti_codes.0.clone()),
        trl: (
            changes.trl_min.apply(current.trl_min.map(i32::from)),
            changes.trl_max.apply(current.trl_max.map(i32::from)),
        ),
        budget: (
            changes
                .budget_min
                .apply(current.budget_min.map(money::format)),
            changes
                .budget_max
                .apply(current.budget_max.map(money::format)),
        ),
        deadline: changes.deadline.apply(current.deadline),
        requirements: changes
            .requirements
            .unwrap_or_else(|| current.requirements.0.clone()),
        confidentiality: changes.confidentiality.unwrap_or(current.confidentiality),
        sector: changes.sector.apply(current.sector),
        status,
        matched_capability_id,
    }
    .validate(&txn, current.organization_id)
    .await?;
    if let Some(shared) = &changes.shared_with {
        let shares = check_shares(&txn, current.organization_id, shared).await?;
        replace_shares(&txn, id, &shares).await?;
    }
    let mut row: need::ActiveModel = current.into();
    draft.apply(&mut row, revision);
    let need = row.update(&txn).await?;
    txn.commit().await?;
    Ok(need)
}

/// Closes a need for good.
pub async fn close(db: &DatabaseConnection, access: &Access, id: i64) -> AppResult<need::Model> {
    let (txn, revision, current) = begin_change(db, access, id).await?;
    if current.status == NeedStatus::Closed {
        return Err(AppError::invalid("id", "the need is already closed"));
    }
    let mut row: need::ActiveModel = current.into();
    row.status = Set(NeedStatus::Closed);
    row.revision = Set(revision);
    row.updated_at = Set(Utc::now());
    let need = row.update(&txn).await?;
    txn.commit().await?;
    Ok(need)
}

/// The shares of many needs, in one statement.
pub async fn shares_of_many(
    db: &impl ConnectionTrait,
    need_ids: Vec<i64>,
) -> AppResult<HashMap<i64, Vec<i64>>> {
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    for share in need_share::Entity::find()
        .filter(need_share::Column::NeedId.is_in(need_ids))
        .all(db)
        .await?
    {
        out.entry(share.need_id)
            .or_default()
            .push(share.organization_id);
    }
    Ok(out)
}

/// How much of `need` the caller may read.
pub fn view(access: &Access, need: &need::Model, shared_with: &[i64]) -> NeedView {
    access.need_view(need.organization_id, need.confidentiality, shared_with)
}

fn visible_to(access: &Access, need: &need::Model, shared_with: &[i64]) -> bool {
    view(access, need, shared_with) != NeedView::Hidden
}

/// The needs matching `filter` that the caller may know of, unordered and unpaged.
fn search(access: &Access, filter: &NeedFilter) -> AppResult<Select<need::Entity>> {
    let mut select = need::Entity::find();
    if !access.is_platform_admin() {
        let mine: Vec<i64> = access.memberships.keys().copied().collect();
        select = select.filter(
            Condition::any()
                .add(need::Column::Confidentiality.ne(Confidentiality::Confidential))
                .add(need::Column::OrganizationId.is_in(mine.clone()))
                .add(
                    need::Column::Id.in_subquery(
                        Query::select()
                            .column(need_share::Column::NeedId)
                            .from(need_share::Entity)
                            .and_where(need_share::Column::OrganizationId.is_in(mine))
                            .to_owned(),
                    ),
                ),
        );
    }
    if let Some(org) = filter.organization_id {
        select = select.filter(need::Column::OrganizationId.eq(org));
    }
    if let Some(status) = filter.status {
        select = select.filter(need::Column::Status.eq(status));
    }
    if let Some(code) = &filter.field_of_science {
        select = select.filter(
            Expr::col(need::Column::Fields)
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
            Expr::col(need::Column::TitleSearch)
                .like(LikeExpr::new(contains_pattern(&fold(text))).escape('\\')),
        );
    }
    Ok(select)
}

/// One page of the needs matching `filter` that the caller may see, oldest first.
pub async fn list(
    db: &DatabaseConnection,
    access: &Access,
    filter: &NeedFilter,
    page: PageRequest,
) -> AppResult<Page<need::Model>> {
    let select = search(access, filter)?;
    pagination::fetch(db, select, need::Column::Id, |row| row.id, page).await
}
