//! Portfolios: an organisation's record of past work — projects, publications, patents,
//! products. An item shared by several organisations is one row with several participants, so a
//! project's consortium is recorded once and says who worked with whom.
//!
//! Members of any participating organisation (and platform admins) add, change and remove an
//! item. Items are public unless `members_only`: then only members of its participants and
//! platform admins can read them at all.

use std::collections::HashSet;

use chrono::{Datelike as _, NaiveDate, Utc};
use entity::{
    need::Strings,
    organization,
    portfolio_item::{self, PortfolioKind},
    portfolio_participant::{self, ParticipantRole},
};
use sea_orm::{
    ActiveModelTrait as _,
    ActiveValue::Set,
    ColumnTrait as _, Condition, ConnectionTrait, DatabaseConnection, EntityTrait as _,
    ModelTrait as _, QueryFilter as _, QuerySelect as _,
    sea_query::{Expr, Query as SubQuery},
};

use super::{
    Patch,
    access::Access,
    listings,
    matching::store,
    money,
    pagination::{self, Page, PageRequest},
    references,
    text::{self, Localized, Shape},
};
use crate::{
    db,
    error::{AppError, AppResult},
};

const TITLE_MAX: usize = 500;
/// Longest abstract per language, in characters: a full project objective (CORDIS abstracts run
/// to about 4,000) or a paper's abstract fits several times over, while one item can never
/// swamp the matching index. The database holds the same limit.
pub const ABSTRACT_MAX: usize = 20_000;
/// Most organisations on one item: the largest Horizon 2020 consortia have about 100.
const PARTICIPANTS_MAX: usize = 200;
/// Longest funder, programme, source or external id.
const LABEL_MAX: usize = 200;

/// One organisation's part in an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Participant {
    /// The organisation.
    pub organization_id: i64,
    /// Its role.
    pub role: ParticipantRole,
}

/// What `addPortfolioItem` receives.
#[derive(Debug, Clone)]
pub struct NewItem {
    /// What kind of work.
    pub kind: PortfolioKind,
    /// Title, in at least one language.
    pub title: Localized,
    /// Abstract.
    pub summary: Localized,
    /// The year it is dated by.
    pub year: Option<i32>,
    /// When the work started.
    pub start_date: Option<NaiveDate>,
    /// When the work ended.
    pub end_date: Option<NaiveDate>,
    /// Who paid for it.
    pub funder: Option<String>,
    /// The programme or call.
    pub programme: Option<String>,
    /// Amount, decimal KZT.
    pub amount: Option<String>,
    /// FOS codes.
    pub fields: Vec<String>,
    /// Keywords.
    pub keywords: Vec<String>,
    /// The registry it comes from, with `external_id`.
    pub source: Option<String>,
    /// Its id there.
    pub external_id: Option<String>,
    /// Readable by its participants' members only.
    pub members_only: bool,
    /// Every organisation that took part, the caller's among them.
    pub participants: Vec<Participant>,
}

/// What `updatePortfolioItem` may change; `None`/`Keep` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ItemChanges {
    /// New kind.
    pub kind: Option<PortfolioKind>,
    /// New title.
    pub title: Option<Localized>,
    /// New abstract.
    pub summary: Option<Localized>,
    /// New year.
    pub year: Patch<i32>,
    /// New start.
    pub start_date: Patch<NaiveDate>,
    /// New end.
    pub end_date: Patch<NaiveDate>,
    /// New funder.
    pub funder: Patch<String>,
    /// New programme.
    pub programme: Patch<String>,
    /// New amount.
    pub amount: Patch<String>,
    /// New FOS codes.
    pub fields: Option<Vec<String>>,
    /// New keywords.
    pub keywords: Option<Vec<String>>,
    /// Switch members-only on or off.
    pub members_only: Option<bool>,
    /// New participants (replacing the old ones).
    pub participants: Option<Vec<Participant>>,
}

/// An optional one-line label, at most [`LABEL_MAX`] characters; blank means none.
fn label(field: &'static str, value: Option<String>) -> AppResult<Option<String>> {
    match value {
        Some(value) => text::clean(field, &value, LABEL_MAX, Shape::Line),
        None => Ok(None),
    }
}

/// Checks an item's fields and writes them into `row`.
pub(super) fn apply(row: &mut portfolio_item::ActiveModel, input: NewItem) -> AppResult<()> {
    let title = input.title.cleaned_line("title", TITLE_MAX, true)?;
    let summary = input.summary.cleaned("abstract", ABSTRACT_MAX, false)?;
    let latest = Utc::now().year() + 1;
    if input.year.is_some_and(|y| !(1900..=latest).contains(&y)) {
        return Err(AppError::invalid(
            "year",
            format!("a year between 1900 and {latest}"),
        ));
    }
    if let (Some(start), Some(end)) = (input.start_date, input.end_date)
        && start > end
    {
        return Err(AppError::invalid("endDate", "the end precedes the start"));
    }
    let (source, external_id) = (
        label("source", input.source)?,
        label("externalId", input.external_id)?,
    );
    if external_id.is_some() && source.is_none() {
        return Err(AppError::invalid(
            "source",
            "an external id needs the registry it comes from",
        ));
    }
    row.kind = Set(input.kind);
    row.title_kk = Set(title.kk);
    row.title_ru = Set(title.ru);
    row.title_en = Set(title.en);
    row.abstract_kk = Set(summary.kk);
    row.abstract_ru = Set(summary.ru);
    row.abstract_en = Set(summary.en);
    row.year = Set(input.year);
    row.start_date = Set(input.start_date);
    row.end_date = Set(input.end_date);
    row.funder = Set(label("funder", input.funder)?);
    row.programme = Set(label("programme", input.programme)?);
    row.amount = Set(input
        .amount
        .map(|a| money::parse("amount", &a))
        .transpose()?);
    row.fields = Set(Strings(input.fields));
    row.keywords = Set(Strings(listings::short_texts(
        "keywords",
        input.keywords,
        30,
        80,
    )?));
    row.source = Set(source);
    row.external_id = Set(external_id);
    row.members_only = Set(input.members_only);
    row.updated_at = Set(Utc::now());
    Ok(())
}

/// Checks the participants: at least one, no organisation twice, every one registered, and the
/// caller acting for one of them (platform admins for any).
async fn check_participants(
    db: &impl ConnectionTrait,
    access: &Access,
    participants: &[Participant],
) -> AppResult<()> {
    if participants.is_empty() {
        return Err(AppError::invalid(
            "participants",
            "name at least one participating organisation",
        ));
    }
    if participants.len() > PARTICIPANTS_MAX {
        return Err(AppError::invalid(
            "participants",
            format!("at most {PARTICIPANTS_MAX} organisations"),
        ));
    }
    let ids: HashSet<i64> = participants.iter().map(|p| p.organization_id).collect();
    if ids.len() != participants.len() {
        return Err(AppError::invalid(
            "participants",
            "each organisation takes part once",
        ));
    }
    let ids: Vec<i64> = ids.into_iter().collect();
    references::organizations(db, "organizationId", &ids).await?;
    if !access.acts_for_any(&ids) {
        return Err(AppError::Forbidden(
            "only members of a participating organisation may record its work".into(),
        ));
    }
    Ok(())
}

/// Writes the participants of `item_id`, replacing any there were.
pub(super) async fn write_participants(
    txn: &impl ConnectionTrait,
    item_id: i64,
    participants: &[Participant],
) -> AppResult<()> {
    portfolio_participant::Entity::delete_many()
        .filter(portfolio_participant::Column::ItemId.eq(item_id))
        .exec(txn)
        .await?;
    portfolio_participant::Entity::insert_many(participants.iter().map(|p| {
        portfolio_participant::ActiveModel {
            item_id: Set(item_id),
            organization_id: Set(p.organization_id),
            role: Set(p.role),
            ..Default::default()
        }
    }))
    .exec(txn)
    .await?;
    Ok(())
}

/// A duplicate `(source, externalId)` is the client's to fix, not an internal error.
fn duplicate_external_id(err: sea_orm::DbErr) -> AppError {
    AppError::on_unique(
        err,
        "portfolio_item_source_external_id_key",
        "portfolio_item.source, portfolio_item.external_id",
        AppError::invalid(
            "externalId",
            "an item with this external id from this source exists already",
        ),
    )
}

/// Adds an item with its participants.
pub async fn add(
    db: &DatabaseConnection,
    access: &Access,
    mut input: NewItem,
) -> AppResult<portfolio_item::Model> {
    access.user_id()?;
    check_participants(db, access, &input.participants).await?;
    input.fields =
        listings::fields_of_science(db, "fieldsOfScience", std::mem::take(&mut input.fields))
            .await?;
    let participants = std::mem::take(&mut input.participants);
    let now = Utc::now();
    let mut row = portfolio_item::ActiveModel {
        created_at: Set(now),
        ..Default::default()
    };
    apply(&mut row, input)?;
    let txn = db::begin_write(db).await?;
    row.revision = Set(store::bump(&txn).await?);
    let item = row.insert(&txn).await.map_err(duplicate_external_id)?;
    write_participants(&txn, item.id, &participants).await?;
    txn.commit().await?;
    tracing::info!(
        item_id = item.id,
        participants = participants.len(),
        "portfolio item added"
    );
    Ok(item)
}

/// The participants of an item.
async fn participants(
    db: &impl ConnectionTrait,
    item_id: i64,
) -> AppResult<Vec<portfolio_participant::Model>> {
    Ok(portfolio_participant::Entity::find()
        .filter(portfolio_participant::Column::ItemId.eq(item_id))
        .all(db)
        .await?)
}

/// Whether the caller may read `item`, whose participating organisations are `organizations`.
pub fn visible(access: &Access, item: &portfolio_item::Model, organizations: &[i64]) -> bool {
    !item.members_only || access.acts_for_any(organizations)
}

/// The item, if the caller acts for one of its participants; `NOT_FOUND` when it is hidden from
/// them, `FORBIDDEN` when they may read but not change it.
async fn editable(
    txn: &impl ConnectionTrait,
    access: &Access,
    id: i64,
) -> AppResult<portfolio_item::Model> {
    access.user_id()?;
    let item = portfolio_item::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(AppError::not_found("id", "portfolio item"))?;
    let organizations: Vec<i64> = participants(txn, id)
        .await?
        .into_iter()
        .map(|p| p.organization_id)
        .collect();
    if !visible(access, &item, &organizations) {
        return Err(AppError::not_found("id", "portfolio item"));
    }
    if !access.acts_for_any(&organizations) {
        return Err(AppError::Forbidden(
            "only members of a participating organisation may change its work".into(),
        ));
    }
    Ok(item)
}

/// Changes an item (members of a participant and platform admins). New participants must still
/// include one the caller acts for, so nobody can hand an item away and lose it.
pub async fn update(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    changes: ItemChanges,
) -> AppResult<portfolio_item::Model> {
    if let Some(participants) = &changes.participants {
        check_participants(db, access, participants).await?;
    }
    let fields = match changes.fields {
        Some(f) => Some(listings::fields_of_science(db, "fieldsOfScience", f).await?),
        None => None,
    };
    let txn = db::begin_write(db).await?;
    let current = editable(&txn, access, id).await?;
    let input = NewItem {
        kind: changes.kind.unwrap_or(current.kind),
        title: changes.title.unwrap_or_else(|| {
            Localized::from_columns(&current.title_kk, &current.title_ru, &current.title_en)
        }),
        summary: changes.summary.unwrap_or_else(|| {
            Localized::from_columns(
                &current.abstract_kk,
                &current.abstract_ru,
                &current.abstract_en,
            )
        }),
        year: changes.year.apply(current.year),
        start_date: changes.start_date.apply(current.start_date),
        end_date: changes.end_date.apply(current.end_date),
        funder: changes.funder.apply(current.funder.clone()),
        programme: changes.programme.apply(current.programme.clone()),
        amount: changes.amount.apply(current.amount.map(money::format)),
        fields: fields.unwrap_or_else(|| current.fields.0.clone()),
        keywords: changes
            .keywords
            .unwrap_or_else(|| current.keywords.0.clone()),
        // Where an item came from is fixed at import: it is how a re-import finds it.
        source: current.source.clone(),
        external_id: current.external_id.clone(),
        members_only: changes.members_only.unwrap_or(current.members_only),
        participants: Vec::new(),
    };
    let mut row: portfolio_item::ActiveModel = current.into();
    apply(&mut row, input)?;
    row.revision = Set(store::bump(&txn).await?);
    let item = row.update(&txn).await?;
    if let Some(participants) = &changes.participants {
        write_participants(&txn, id, participants).await?;
    }
    txn.commit().await?;
    Ok(item)
}

/// Removes an item and its participations. Its participants take a new matching revision, so
/// the matching index learns that their record lost an item.
pub async fn remove(db: &DatabaseConnection, access: &Access, id: i64) -> AppResult<()> {
    let txn = db::begin_write(db).await?;
    let item = editable(&txn, access, id).await?;
    let organizations: Vec<i64> = participants(&txn, id)
        .await?
        .into_iter()
        .map(|p| p.organization_id)
        .collect();
    organization::Entity::update_many()
        .col_expr(
            organization::Column::MatchingRevision,
            Expr::value(store::bump(&txn).await?),
        )
        .filter(organization::Column::Id.is_in(organizations))
        .exec(&txn)
        .await?;
    item.delete(&txn).await?;
    txn.commit().await?;
    tracing::info!(item_id = id, "portfolio item removed");
    Ok(())
}

/// One page of the items `organization_id` took part in that the caller may read, oldest
/// first.
pub async fn list_for_organization(
    db: &DatabaseConnection,
    access: &Access,
    organization_id: i64,
    page: PageRequest,
) -> AppResult<Page<portfolio_item::Model>> {
    let of = |organizations: Condition| {
        SubQuery::select()
            .column(portfolio_participant::Column::ItemId)
            .from(portfolio_participant::Entity)
            .cond_where(organizations)
            .to_owned()
    };
    let mut select = portfolio_item::Entity::find().filter(portfolio_item::Column::Id.in_subquery(
        of(Condition::all().add(portfolio_participant::Column::OrganizationId.eq(organization_id))),
    ));
    if !access.is_platform_admin() {
        let mine: Vec<i64> = access.memberships.keys().copied().collect();
        select = select.filter(
            Condition::any()
                .add(portfolio_item::Column::MembersOnly.eq(false))
                .add(portfolio_item::Column::Id.in_subquery(of(
                    Condition::all().add(portfolio_participant::Column::OrganizationId.is_in(mine)),
                ))),
        );
    }
    pagination::fetch(db, select, portfolio_item::Column::Id, |row| row.id, page).await
}
