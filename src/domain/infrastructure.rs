//! The science cities' infrastructure programme: what is being built, by whom, at what stage and
//! with whose money.
//!
//! A project moves `PLANNED → FINANCING → CONSTRUCTION → COMMISSIONED → OPERATING`, one stage at
//! a time; it may be suspended from any active stage and resumed to the stage it left, or
//! cancelled before it is commissioned. Every write — details, stage, a financing commitment, a
//! disbursement — names the version it read (`expectedVersion`), bumps it in one statement, and
//! appends one history entry, exactly as deals do: concurrent writers never lose an update, and
//! history and version always agree.
//!
//! Money rules: commitments (binding) may not add up to more than the project's cost, and a
//! commitment's disbursements never exceed it. Pledges (announcements) may: oversubscription is
//! normal before contracts are signed and worth seeing, so it is reported (`overPledged`)
//! rather than refused.

use chrono::{NaiveDate, Utc};
use entity::{
    infrastructure_disbursement as disbursement,
    infrastructure_financing::{self as financing, FinancingInstrument, InvestmentSource},
    infrastructure_history::{self as history, InfrastructureChange},
    infrastructure_milestone as milestone,
    infrastructure_project::{self as project, InfrastructureKind, InfrastructureStage},
    organization::OrganizationKind,
};
use sea_orm::{
    ActiveEnum as _, ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, ConnectionTrait,
    DatabaseConnection, DatabaseTransaction, EntityTrait as _, QueryFilter as _, QueryOrder as _,
    sea_query::Expr,
};

use super::{
    Patch,
    access::Access,
    money,
    pagination::{self, Page, PageRequest},
    references, regions,
    text::{self, Localized, Shape},
    versions,
};
use crate::{
    db,
    error::{AppError, AppResult, Reason},
};

/// Longest title per language, in characters.
const TITLE_MAX: usize = 300;
/// Longest description per language, in characters.
const DESCRIPTION_MAX: usize = 10_000;
/// Longest note on a change, in characters.
const NOTE_MAX: usize = 2000;

/// What `createInfrastructureProject` receives.
#[derive(Debug, Clone)]
pub struct NewProject {
    /// The science city.
    pub science_city_id: i64,
    /// What is built.
    pub kind: InfrastructureKind,
    /// Title, at least one language.
    pub title: Localized,
    /// Description.
    pub description: Localized,
    /// The sponsoring organisation; the caller must be a member (or a platform admin).
    pub sponsor_id: i64,
    /// The organisation that will run it.
    pub operator_id: Option<i64>,
    /// The site's region; the science city's when omitted.
    pub region_code: Option<String>,
    /// Site coordinates.
    pub site: Option<(f64, f64)>,
    /// Total cost, a decimal string in KZT.
    pub total_cost: String,
    /// Floor area in square metres.
    pub floor_area_m2: Option<i64>,
    /// Planned dates of the stages to reach.
    pub milestones: Vec<(InfrastructureStage, NaiveDate)>,
}

/// What `updateInfrastructureProject` may change.
#[derive(Debug, Clone, Default)]
pub struct ProjectChanges {
    /// New title.
    pub title: Option<Localized>,
    /// New description.
    pub description: Option<Localized>,
    /// New operator.
    pub operator_id: Patch<i64>,
    /// New site coordinates.
    pub site: Patch<(f64, f64)>,
    /// New total cost.
    pub total_cost: Option<String>,
    /// New floor area.
    pub floor_area_m2: Patch<i64>,
    /// New planned dates (replacing the list; dates already reached are kept).
    pub milestones: Option<Vec<(InfrastructureStage, NaiveDate)>>,
}

/// A financing commitment as written.
#[derive(Debug, Clone)]
pub struct Commitment {
    /// The commitment to change; a new one when `None`.
    pub id: Option<i64>,
    /// Where the money comes from.
    pub source: InvestmentSource,
    /// How it is put in.
    pub instrument: FinancingInstrument,
    /// Who puts it in; required for private, PPP, bank and IFI money.
    pub financier_id: Option<i64>,
    /// The public party of a PPP.
    pub public_party_id: Option<i64>,
    /// Announced, a decimal string in KZT.
    pub pledged: String,
    /// Contractually committed, a decimal string in KZT.
    pub committed: String,
    /// When it was pledged.
    pub pledged_on: NaiveDate,
    /// When it was committed; required once anything is.
    pub committed_on: Option<NaiveDate>,
}

/// Which projects to list.
#[derive(Debug, Clone, Default)]
pub struct ProjectFilter {
    /// Of this science city.
    pub science_city_id: Option<i64>,
    /// Sited in this region.
    pub region_id: Option<i64>,
    /// In this stage.
    pub stage: Option<InfrastructureStage>,
    /// Of this kind.
    pub kind: Option<InfrastructureKind>,
}

/// Whether a project in `from` may move to `to`; `left` is the stage a suspended project left.
pub fn can_move(
    from: InfrastructureStage,
    to: InfrastructureStage,
    left: Option<InfrastructureStage>,
) -> bool {
    use InfrastructureStage::*;
    match (from, to) {
        (Suspended, Cancelled) => true,
        (Suspended, to) => left == Some(to),
        (Planned | Financing | Construction, Cancelled) => true,
        (Planned | Financing | Construction | Commissioned, Suspended) => true,
        _ => next(from) == Some(to),
    }
}

/// The stage after `stage` on the way to operation.
fn next(stage: InfrastructureStage) -> Option<InfrastructureStage> {
    use InfrastructureStage::*;
    match stage {
        Planned => Some(Financing),
        Financing => Some(Construction),
        Construction => Some(Commissioned),
        Commissioned => Some(Operating),
        Operating | Suspended | Cancelled => None,
    }
}

/// Who may change a project: platform admins (the Management Company) and members of its
/// sponsor or operator.
fn can_write(access: &Access, p: &project::Model) -> bool {
    access.acts_for_any(p.operator_id.iter().chain([&p.sponsor_id]))
}

fn note(text: Option<String>) -> AppResult<Option<String>> {
    match text {
        Some(t) => text::clean("note", &t, NOTE_MAX, Shape::Long),
        None => Ok(None),
    }
}

fn site(site: (f64, f64)) -> AppResult<(f64, f64)> {
    let (lat, lon) = site;
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(AppError::invalid(
            "site",
            "latitude runs from -90 to 90 and longitude from -180 to 180",
        ));
    }
    Ok(site)
}

fn floor_area(area: i64) -> AppResult<i64> {
    if area < 0 {
        return Err(AppError::invalid(
            "floorAreaM2",
            "floor area cannot be negative",
        ));
    }
    Ok(area)
}

/// Milestones checked: stages on the way to operation, each once, dates in stage order.
fn milestones(
    mut list: Vec<(InfrastructureStage, NaiveDate)>,
) -> AppResult<Vec<(InfrastructureStage, NaiveDate)>> {
    use InfrastructureStage::*;
    let order = |s: InfrastructureStage| match s {
        Financing => Some(1),
        Construction => Some(2),
        Commissioned => Some(3),
        Operating => Some(4),
        _ => None,
    };
    if list.iter().any(|(s, _)| order(*s).is_none()) {
        return Err(AppError::invalid(
            "milestones",
            "milestones are FINANCING, CONSTRUCTION, COMMISSIONED or OPERATING",
        ));
    }
    list.sort_by_key(|(s, _)| order(*s));
    if list.windows(2).any(|w| w[0].0 == w[1].0) {
        return Err(AppError::invalid("milestones", "one date per stage"));
    }
    if list.windows(2).any(|w| w[0].1 > w[1].1) {
        return Err(AppError::invalid(
            "milestones",
            "a later stage cannot be planned before an earlier one",
        ));
    }
    Ok(list)
}

/// Records a project (platform admins and members of the sponsor).
pub async fn create(
    db: &DatabaseConnection,
    access: &Access,
    input: NewProject,
) -> AppResult<project::Model> {
    let actor = access.user_id()?;
    let city = references::science_city(db, "scienceCityId", input.science_city_id).await?;
    references::organization(db, "sponsorId", input.sponsor_id).await?;
    access.require_member(input.sponsor_id)?;
    if let Some(operator) = input.operator_id {
        references::organization(db, "operatorId", operator).await?;
    }
    let region_id = match &input.region_code {
        Some(code) => regions::resolve(db, "regionCode", code).await?.id,
        None => city.region_id,
    };
    let title = input.title.cleaned_line("title", TITLE_MAX, true)?;
    let description = input
        .description
        .cleaned("description", DESCRIPTION_MAX, false)?;
    let total_cost = money::parse("totalCost", &input.total_cost)?;
    let site = input.site.map(site).transpose()?;
    let floor_area_m2 = input.floor_area_m2.map(floor_area).transpose()?;
    let planned = milestones(input.milestones)?;
    let now = Utc::now();
    let txn = db::begin_write(db).await?;
    let p = project::ActiveModel {
        science_city_id: Set(city.id),
        kind: Set(input.kind),
        title_kk: Set(title.kk),
        title_ru: Set(title.ru),
        title_en: Set(title.en),
        description_kk: Set(description.kk),
        description_ru: Set(description.ru),
        description_en: Set(description.en),
        sponsor_id: Set(input.sponsor_id),
        operator_id: Set(input.operator_id),
        region_id: Set(region_id),
        latitude: Set(site.map(|s| s.0)),
        longitude: Set(site.map(|s| s.1)),
        total_cost: Set(total_cost),
        floor_area_m2: Set(floor_area_m2),
        stage: Set(InfrastructureStage::Planned),
        version: Set(1),
        created_by: Set(actor),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    set_milestones(&txn, p.id, &planned).await?;
    append_history(&txn, &p, actor, InfrastructureChange::Created, None, None).await?;
    txn.commit().await?;
    tracing::info!(project_id = p.id, "infrastructure project recorded");
    Ok(p)
}

/// Replaces a project's planned dates, keeping the dates stages were reached.
async fn set_milestones(
    txn: &DatabaseTransaction,
    project_id: i64,
    planned: &[(InfrastructureStage, NaiveDate)],
) -> AppResult<()> {
    let existing = milestone::Entity::find()
        .filter(milestone::Column::ProjectId.eq(project_id))
        .all(txn)
        .await?;
    for m in &existing {
        if !planned.iter().any(|(s, _)| *s == m.stage) {
            milestone::Entity::delete_by_id(m.id).exec(txn).await?;
        }
    }
    for &(stage, planned_on) in planned {
        match existing.iter().find(|m| m.stage == stage) {
            Some(m) => {
                let mut row: milestone::ActiveModel = m.clone().into();
                row.planned_on = Set(planned_on);
                row.update(txn).await?;
            }
            None => {
                milestone::ActiveModel {
                    project_id: Set(project_id),
                    stage: Set(stage),
                    planned_on: Set(planned_on),
                    reached_on: Set(None),
                    ..Default::default()
                }
                .insert(txn)
                .await?;
            }
        }
    }
    Ok(())
}

async fn append_history(
    txn: &DatabaseTransaction,
    p: &project::Model,
    actor: i64,
    change: InfrastructureChange,
    from: Option<InfrastructureStage>,
    note: Option<String>,
) -> AppResult<()> {
    history::ActiveModel {
        project_id: Set(p.id),
        version: Set(p.version),
        change: Set(change),
        from_stage: Set(from),
        to_stage: Set(p.stage),
        note: Set(note),
        actor_user_id: Set(actor),
        at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// A project, for a write by the caller: `NOT_FOUND` (naming `field`) if absent, `FORBIDDEN`
/// unless the caller may change it.
async fn writable(
    db: &impl ConnectionTrait,
    access: &Access,
    field: &'static str,
    id: i64,
) -> AppResult<()> {
    access.user_id()?;
    let p = project::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::not_found(field, "infrastructure project"))?;
    if !can_write(access, &p) {
        return Err(AppError::Forbidden(
            "only the Management Company and the project's sponsor and operator change it".into(),
        ));
    }
    Ok(())
}

/// Bumps the version from `expected` in one statement and reads the project as it now stands;
/// `VERSION_CONFLICT` when someone else wrote first.
async fn claim_version(
    txn: &DatabaseTransaction,
    id: i64,
    expected: i32,
) -> AppResult<project::Model> {
    use project::Column as C;
    versions::claim::<project::Entity>(
        txn,
        [C::Id, C::Version, C::UpdatedAt],
        id,
        expected,
        "project",
    )
    .await?;
    project::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or(AppError::not_found("id", "infrastructure project"))
}

fn closed(p: &project::Model) -> AppResult<()> {
    if p.stage == InfrastructureStage::Cancelled {
        return Err(AppError::rule(
            Some("id"),
            Reason::ProjectClosed,
            "a cancelled project takes no more changes",
        ));
    }
    Ok(())
}

/// Sum of the commitments of a project, but `except` one.
async fn committed_total(
    txn: &DatabaseTransaction,
    project_id: i64,
    except: Option<i64>,
) -> AppResult<i64> {
    Ok(financing::Entity::find()
        .filter(financing::Column::ProjectId.eq(project_id))
        .all(txn)
        .await?
        .into_iter()
        .filter(|f| Some(f.id) != except)
        .map(|f| f.committed)
        .sum())
}

async fn disbursed_under(txn: &DatabaseTransaction, financing_id: i64) -> AppResult<i64> {
    Ok(disbursement::Entity::find()
        .filter(disbursement::Column::FinancingId.eq(financing_id))
        .all(txn)
        .await?
        .iter()
        .map(|d| d.amount)
        .sum())
}

fn exceeds_cost(field: &'static str, committed: i64, cost: i64) -> AppError {
    AppError::rule(
        Some(field),
        Reason::FinancingExceedsCost,
        format!(
            "commitments would reach {} KZT, more than the project's cost of {} KZT",
            money::format(committed),
            money::format(cost)
        ),
    )
}

/// Changes a project's details if nobody wrote since `expected`.
pub async fn update(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    expected: i32,
    changes: ProjectChanges,
    note_text: Option<String>,
) -> AppResult<project::Model> {
    let actor = access.user_id()?;
    let note = note(note_text)?;
    writable(db, access, "id", id).await?;
    let title = changes
        .title
        .map(|t| t.cleaned_line("title", TITLE_MAX, true))
        .transpose()?;
    let description = changes
        .description
        .map(|d| d.cleaned("description", DESCRIPTION_MAX, false))
        .transpose()?;
    if let Patch::Set(operator) = changes.operator_id {
        references::organization(db, "operatorId", operator).await?;
    }
    let total_cost = changes
        .total_cost
        .map(|c| money::parse("totalCost", &c))
        .transpose()?;
    let planned = changes.milestones.map(milestones).transpose()?;
    let txn = db::begin_write(db).await?;
    let current = claim_version(&txn, id, expected).await?;
    closed(&current)?;
    if let Some(cost) = total_cost {
        let committed = committed_total(&txn, id, None).await?;
        if committed > cost {
            return Err(exceeds_cost("totalCost", committed, cost));
        }
    }
    let mut row: project::ActiveModel = current.into();
    if let Some(t) = title {
        row.title_kk = Set(t.kk);
        row.title_ru = Set(t.ru);
        row.title_en = Set(t.en);
    }
    if let Some(d) = description {
        row.description_kk = Set(d.kk);
        row.description_ru = Set(d.ru);
        row.description_en = Set(d.en);
    }
    match changes.operator_id {
        Patch::Keep => {}
        Patch::Clear => row.operator_id = Set(None),
        Patch::Set(o) => row.operator_id = Set(Some(o)),
    }
    match changes.site {
        Patch::Keep => {}
        Patch::Clear => {
            row.latitude = Set(None);
            row.longitude = Set(None);
        }
        Patch::Set(s) => {
            let (lat, lon) = site(s)?;
            row.latitude = Set(Some(lat));
            row.longitude = Set(Some(lon));
        }
    }
    if let Some(cost) = total_cost {
        row.total_cost = Set(cost);
    }
    match changes.floor_area_m2 {
        Patch::Keep => {}
        Patch::Clear => row.floor_area_m2 = Set(None),
        Patch::Set(a) => row.floor_area_m2 = Set(Some(floor_area(a)?)),
    }
    let p = row.update(&txn).await?;
    if let Some(planned) = planned {
        set_milestones(&txn, id, &planned).await?;
    }
    append_history(&txn, &p, actor, InfrastructureChange::Details, None, note).await?;
    txn.commit().await?;
    Ok(p)
}

/// Moves a project to `stage` if the transition is valid and nobody wrote since `expected`;
/// reaching a stage dates its milestone.
pub async fn advance(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    stage: InfrastructureStage,
    expected: i32,
    note_text: Option<String>,
) -> AppResult<project::Model> {
    let actor = access.user_id()?;
    let note = note(note_text)?;
    writable(db, access, "id", id).await?;
    let txn = db::begin_write(db).await?;
    let current = claim_version(&txn, id, expected).await?;
    let left = if current.stage == InfrastructureStage::Suspended {
        history::Entity::find()
            .filter(history::Column::ProjectId.eq(id))
            .filter(history::Column::ToStage.eq(InfrastructureStage::Suspended))
            .filter(history::Column::Change.eq(InfrastructureChange::Stage))
            .order_by_desc(history::Column::Version)
            .one(&txn)
            .await?
            .and_then(|h| h.from_stage)
    } else {
        None
    };
    if !can_move(current.stage, stage, left) {
        return Err(AppError::rule(
            Some("stage"),
            Reason::InvalidTransition,
            format!(
                "a project cannot move from {} to {}",
                current.stage.to_value(),
                stage.to_value()
            ),
        ));
    }
    let from = current.stage;
    let mut row: project::ActiveModel = current.into();
    row.stage = Set(stage);
    let p = row.update(&txn).await?;
    milestone::Entity::update_many()
        .col_expr(
            milestone::Column::ReachedOn,
            Expr::value(Utc::now().date_naive()),
        )
        .filter(milestone::Column::ProjectId.eq(id))
        .filter(milestone::Column::Stage.eq(stage))
        .filter(milestone::Column::ReachedOn.is_null())
        .exec(&txn)
        .await?;
    append_history(
        &txn,
        &p,
        actor,
        InfrastructureChange::Stage,
        Some(from),
        note,
    )
    .await?;
    txn.commit().await?;
    Ok(p)
}

/// Records a new financing commitment to a project, or changes one, if nobody wrote since
/// `expected`.
pub async fn record_financing(
    db: &DatabaseConnection,
    access: &Access,
    project_id: i64,
    expected: i32,
    c: Commitment,
    note_text: Option<String>,
) -> AppResult<project::Model> {
    let actor = access.user_id()?;
    let note = note(note_text)?;
    writable(db, access, "projectId", project_id).await?;
    let pledged = money::parse("pledged", &c.pledged)?;
    let committed = money::parse("committed", &c.committed)?;
    if committed > 0 && c.committed_on.is_none() {
        return Err(AppError::invalid(
            "committedOn",
            "say when the money was committed",
        ));
    }
    let committed_on = if committed > 0 { c.committed_on } else { None };
    if committed_on.is_some_and(|d| d < c.pledged_on) {
        return Err(AppError::invalid(
            "committedOn",
            "money is committed on or after it is pledged",
        ));
    }
    match c.financier_id {
        Some(id) => {
            let financier = references::organization(db, "financierId", id).await?;
            if matches!(c.source, InvestmentSource::Bank | InvestmentSource::Ifi)
                && financier.kind != OrganizationKind::Investor
            {
                return Err(AppError::invalid(
                    "financierId",
                    "banks and international financial institutions are INVESTOR organisations",
                ));
            }
        }
        None if matches!(
            c.source,
            InvestmentSource::Private
                | InvestmentSource::Ppp
                | InvestmentSource::Bank
                | InvestmentSource::Ifi
        ) =>
        {
            return Err(AppError::invalid(
                "financierId",
                format!("{} money names its financier", c.source.to_value()),
            ));
        }
        None => {}
    }
    match (c.source, c.public_party_id) {
        (InvestmentSource::Ppp, Some(id)) => {
            references::organization(db, "publicPartyId", id).await?;
        }
        (InvestmentSource::Ppp, None) => {
            return Err(AppError::invalid(
                "publicPartyId",
                "a public–private partnership names its public party",
            ));
        }
        (_, Some(_)) => {
            return Err(AppError::invalid(
                "publicPartyId",
                "only a PPP has a public party",
            ));
        }
        (_, None) => {}
    }
    let txn = db::begin_write(db).await?;
    let current = claim_version(&txn, project_id, expected).await?;
    closed(&current)?;
    let others = committed_total(&txn, project_id, c.id).await?;
    if others + committed > current.total_cost {
        return Err(exceeds_cost(
            "committed",
            others + committed,
            current.total_cost,
        ));
    }
    let mut row = match c.id {
        Some(id) => {
            let existing = financing::Entity::find_by_id(id)
                .filter(financing::Column::ProjectId.eq(project_id))
                .one(&txn)
                .await?
                .ok_or(AppError::not_found("financingId", "financing commitment"))?;
            let paid = disbursed_under(&txn, id).await?;
            if committed < paid {
                return Err(AppError::rule(
                    Some("committed"),
                    Reason::DisbursementExceedsCommitment,
                    format!(
                        "{} KZT has been disbursed under this commitment already",
                        money::format(paid)
                    ),
                ));
            }
            existing.into()
        }
        None => financing::ActiveModel {
            project_id: Set(project_id),
            ..Default::default()
        },
    };
    row.source = Set(c.source);
    row.instrument = Set(c.instrument);
    row.financier_id = Set(c.financier_id);
    row.public_party_id = Set(c.public_party_id);
    row.pledged = Set(pledged);
    row.committed = Set(committed);
    row.pledged_on = Set(c.pledged_on);
    row.committed_on = Set(committed_on);
    row.save(&txn).await?;
    append_history(
        &txn,
        &current,
        actor,
        InfrastructureChange::Financing,
        None,
        note,
    )
    .await?;
    txn.commit().await?;
    Ok(current)
}

/// Records money paid under a commitment, if nobody wrote since `expected` and the
/// commitment covers it.
pub async fn disburse(
    db: &DatabaseConnection,
    access: &Access,
    financing_id: i64,
    expected: i32,
    amount: &str,
    paid_on: NaiveDate,
    note_text: Option<String>,
) -> AppResult<project::Model> {
    let actor = access.user_id()?;
    let note = note(note_text)?;
    let amount = money::parse("amount", amount)?;
    if amount == 0 {
        return Err(AppError::invalid("amount", "a disbursement pays something"));
    }
    if paid_on > Utc::now().date_naive() {
        return Err(AppError::invalid(
            "paidOn",
            "record a disbursement once it is paid",
        ));
    }
    let commitment = financing::Entity::find_by_id(financing_id)
        .one(db)
        .await?
        .ok_or(AppError::not_found("financingId", "financing commitment"))?;
    writable(db, access, "financingId", commitment.project_id).await?;
    let txn = db::begin_write(db).await?;
    let current = claim_version(&txn, commitment.project_id, expected).await?;
    closed(&current)?;
    // Read again under the version just claimed: no other write to the project can interleave.
    let commitment = financing::Entity::find_by_id(financing_id)
        .one(&txn)
        .await?
        .ok_or(AppError::not_found("financingId", "financing commitment"))?;
    let paid = disbursed_under(&txn, financing_id).await?;
    if paid + amount > commitment.committed {
        return Err(AppError::rule(
            Some("amount"),
            Reason::DisbursementExceedsCommitment,
            format!(
                "{} KZT would be disbursed under a commitment of {} KZT",
                money::format(paid + amount),
                money::format(commitment.committed)
            ),
        ));
    }
    disbursement::ActiveModel {
        financing_id: Set(financing_id),
        project_id: Set(commitment.project_id),
        amount: Set(amount),
        paid_on: Set(paid_on),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    append_history(
        &txn,
        &current,
        actor,
        InfrastructureChange::Financing,
        None,
        note,
    )
    .await?;
    txn.commit().await?;
    Ok(current)
}

/// Projects matching `filter`, oldest first. The programme is public.
pub async fn list(
    db: &DatabaseConnection,
    filter: &ProjectFilter,
    page: PageRequest,
) -> AppResult<Page<project::Model>> {
    let mut select = project::Entity::find();
    if let Some(city) = filter.science_city_id {
        select = select.filter(project::Column::ScienceCityId.eq(city));
    }
    if let Some(region) = filter.region_id {
        select = select.filter(project::Column::RegionId.eq(region));
    }
    if let Some(stage) = filter.stage {
        select = select.filter(project::Column::Stage.eq(stage));
    }
    if let Some(kind) = filter.kind {
        select = select.filter(project::Column::Kind.eq(kind));
    }
    pagination::fetch(db, select, project::Column::Id, |row| row.id, page).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projects_move_forward_and_resume_where_they_left() {
        use InfrastructureStage::*;
        assert!(can_move(Planned, Financing, None));
        assert!(!can_move(Planned, Construction, None));
        assert!(!can_move(Financing, Planned, None));
        assert!(can_move(Construction, Suspended, None));
        assert!(can_move(Suspended, Construction, Some(Construction)));
        assert!(!can_move(Suspended, Commissioned, Some(Construction)));
        assert!(can_move(Suspended, Cancelled, Some(Construction)));
        assert!(!can_move(Commissioned, Cancelled, None));
        assert!(!can_move(Operating, Suspended, None));
        assert!(!can_move(Cancelled, Planned, None));
    }
}
