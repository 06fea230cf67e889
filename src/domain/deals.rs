//! Technology-transfer deals: recording with parties, financing and the first history entry
//! (all or nothing), stage transitions and term changes under optimistic concurrency, and who
//! may see a deal.
//!
//! Every write names the version it read (`expectedVersion`) and claims the next one (see
//! `versions`); each version has exactly one history entry (unique (deal, version)), so history
//! and version always agree.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use entity::{
    deal::{self, DealStage, DealType},
    deal_financing::{self, FinancingSource},
    deal_history::{self, DealChange},
    deal_party::{self, PartyRole},
    need::Strings,
};
use sea_orm::{
    ActiveEnum as _, ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, ConnectionTrait,
    DatabaseConnection, DatabaseTransaction, EntityTrait as _, QueryFilter as _, Select,
    sea_query::Query,
};

use super::{
    Patch,
    access::Access,
    events, money,
    pagination::{self, Page, PageRequest},
    references,
    text::{self, Localized, Shape},
    versions,
};
use crate::{
    db,
    error::{AppError, AppResult, Reason},
};

/// A party with its role.
#[derive(Debug, Clone, Copy)]
pub struct Party {
    /// The organisation.
    pub organization_id: i64,
    /// Its role.
    pub role: PartyRole,
}

/// A financing line.
#[derive(Debug, Clone)]
pub struct Financing {
    /// Where the money comes from.
    pub source: FinancingSource,
    /// Amount, decimal KZT.
    pub amount: String,
    /// The investing organisation, if named.
    pub investor_organization_id: Option<i64>,
}

/// IP terms.
#[derive(Debug, Clone, Default)]
pub struct IpTerms {
    /// Field of use.
    pub field_of_use: Option<String>,
    /// Territory.
    pub territory: Option<String>,
    /// Royalty in percent, a decimal string with up to two decimals.
    pub royalty_percent: Option<String>,
    /// Milestones.
    pub milestones: Vec<String>,
}

/// What `recordDeal` receives.
#[derive(Debug, Clone)]
pub struct NewDeal {
    /// Title.
    pub title: Localized,
    /// Kind of transfer.
    pub deal_type: DealType,
    /// Initial stage (recording an already signed deal is allowed).
    pub stage: DealStage,
    /// When it was signed, for deals recorded at or past `SIGNED`; now when omitted.
    pub signed_at: Option<DateTime<Utc>>,
    /// Value, decimal KZT.
    pub value: String,
    /// Parties.
    pub parties: Vec<Party>,
    /// Financing lines.
    pub financing: Vec<Financing>,
    /// IP terms.
    pub ip: IpTerms,
    /// Origin links.
    pub need_id: Option<i64>,
    /// Origin: capability.
    pub capability_id: Option<i64>,
    /// Origin: meeting.
    pub meeting_id: Option<i64>,
    /// Origin: session.
    pub session_id: Option<i64>,
    /// The science city its figures count for; derived from the session or the parties when
    /// omitted.
    pub science_city_id: Option<i64>,
    /// A note for the first history entry.
    pub note: Option<String>,
}

/// What `updateDealTerms` may change.
#[derive(Debug, Clone, Default)]
pub struct TermChanges {
    /// New title.
    pub title: Option<Localized>,
    /// New value, decimal KZT.
    pub value: Option<String>,
    /// New financing lines (replace the old ones).
    pub financing: Option<Vec<Financing>>,
    /// New field of use.
    pub field_of_use: Patch<String>,
    /// New territory.
    pub territory: Patch<String>,
    /// New royalty percent.
    pub royalty_percent: Patch<String>,
    /// New milestones.
    pub milestones: Option<Vec<String>>,
}

/// Which deals to list.
#[derive(Debug, Clone, Default)]
pub struct DealFilter {
    /// Only deals this organisation is party to.
    pub organization_id: Option<i64>,
    /// Only in this stage.
    pub stage: Option<DealStage>,
    /// Only of this type.
    pub deal_type: Option<DealType>,
    /// Only counted for this science city.
    pub science_city_id: Option<i64>,
}

/// Whether `from → to` is a valid stage transition.
pub fn can_move(from: DealStage, to: DealStage) -> bool {
    use DealStage::*;
    matches!(
        (from, to),
        (Proposed, Negotiating | Cancelled | Expired)
            | (Negotiating, Signed | Cancelled | Expired)
            | (Signed, InExecution | Cancelled)
            | (InExecution, Completed | Cancelled)
    )
}

fn is_signed(stage: DealStage) -> bool {
    matches!(
        stage,
        DealStage::Signed | DealStage::InExecution | DealStage::Completed
    )
}

fn clean(text: Option<String>, field: &'static str, max: usize) -> AppResult<Option<String>> {
    match text {
        Some(t) => text::clean(field, &t, max, Shape::Long),
        None => Ok(None),
    }
}

/// Parses financing lines and checks that they add up to no more than `value`.
async fn financing_lines(
    db: &impl ConnectionTrait,
    lines: Vec<Financing>,
    value: i64,
) -> AppResult<Vec<(FinancingSource, i64, Option<i64>)>> {
    if lines.len() > 50 {
        return Err(AppError::invalid("financing", "at most 50 financing lines"));
    }
    let mut out = Vec::with_capacity(lines.len());
    let mut total: i64 = 0;
    for line in lines {
        let amount = money::parse("financing.amount", &line.amount)?;
        total = total.saturating_add(amount);
        out.push((line.source, amount, line.investor_organization_id));
    }
    let investors: Vec<i64> = out
        .iter()
        .filter_map(|(_, _, investor)| *investor)
        .collect();
    if !investors.is_empty() {
        references::organizations(db, "investorOrganizationId", &investors).await?;
    }
    if total > value {
        return Err(AppError::rule(
            Some("financing"),
            Reason::FinancingExceedsValue,
            format!(
                "financing lines add up to {} KZT, more than the deal's value of {} KZT",
                money::format(total),
                money::format(value)
            ),
        ));
    }
    Ok(out)
}

fn royalty(text: Option<&str>) -> AppResult<Option<i32>> {
    text.map(|t| {
        money::parse_scaled("royaltyPercent", t, 2)
            .ok()
            .and_then(|bp| i32::try_from(bp).ok())
            .filter(|bp| (0..=10_000).contains(bp))
            .ok_or_else(|| AppError::invalid("royaltyPercent", "a percentage from 0 to 100"))
    })
    .transpose()
}

async fn replace_financing(
    txn: &DatabaseTransaction,
    deal_id: i64,
    lines: Vec<(FinancingSource, i64, Option<i64>)>,
) -> AppResult<()> {
    deal_financing::Entity::delete_many()
        .filter(deal_financing::Column::DealId.eq(deal_id))
        .exec(txn)
        .await?;
    for (source, amount, investor) in lines {
        deal_financing::ActiveModel {
            deal_id: Set(deal_id),
            source: Set(source),
            amount: Set(amount),
            investor_organization_id: Set(investor),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

async fn append_history(
    txn: &DatabaseTransaction,
    deal: &deal::Model,
    actor: i64,
    change: DealChange,
    from: Option<DealStage>,
    note: Option<String>,
) -> AppResult<()> {
    deal_history::ActiveModel {
        deal_id: Set(deal.id),
        version: Set(deal.version),
        actor_user_id: Set(actor),
        at: Set(Utc::now()),
        change: Set(change),
        from_stage: Set(from),
        to_stage: Set(Some(deal.stage)),
        note: Set(note),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    // Every write to a deal appends exactly one history entry, and with it its event.
    let kind = match change {
        DealChange::Recorded => events::DealChange::Recorded,
        DealChange::Stage => events::DealChange::Advanced,
        DealChange::Terms => events::DealChange::TermsChanged,
    };
    events::record(txn, events::Change::Deal(kind), deal.id, deal.id).await?;
    Ok(())
}

/// Deal `id` as it stands, if `org` is a party and `access` may see it: what a subscriber to
/// `org`'s deals receives of a change.
pub async fn changed_for(
    db: &impl ConnectionTrait,
    access: &Access,
    org: i64,
    id: i64,
) -> AppResult<Option<deal::Model>> {
    let parties = parties_of(db, id).await?;
    if !parties.iter().any(|p| p.organization_id == org) || !can_see(access, &parties) {
        return Ok(None);
    }
    Ok(deal::Entity::find_by_id(id).one(db).await?)
}

/// The organisations party to a deal.
pub async fn parties_of(
    db: &impl ConnectionTrait,
    deal_id: i64,
) -> AppResult<Vec<deal_party::Model>> {
    Ok(deal_party::Entity::find()
        .filter(deal_party::Column::DealId.eq(deal_id))
        .all(db)
        .await?)
}

/// Whether the caller may see a deal with these parties.
pub fn can_see(access: &Access, parties: &[deal_party::Model]) -> bool {
    access.is_platform_admin()
        || parties
            .iter()
            .any(|p| access.memberships.contains_key(&p.organization_id))
}

/// Records a deal with its parties, financing and first history entry, all or nothing. The
/// caller must be a member of a party (or a platform admin).
pub async fn record(
    db: &DatabaseConnection,
    access: &Access,
    input: NewDeal,
) -> AppResult<deal::Model> {
    let actor = access.user_id()?;
    let title = input.title.cleaned_line("title", 300, true)?;
    let value = money::parse("value", &input.value)?;
    let mut seen = HashSet::new();
    if input.parties.len() > 20 {
        return Err(AppError::invalid("parties", "at most 20 parties"));
    }
    for p in &input.parties {
        if !seen.insert(p.organization_id) {
            return Err(AppError::invalid(
                "parties",
                "an organisation is listed twice",
            ));
        }
    }
    let has = |role| input.parties.iter().any(|p| p.role == role);
    if !has(PartyRole::Provider) || !has(PartyRole::Recipient) {
        return Err(AppError::invalid(
            "parties",
            "a deal needs a provider and a recipient",
        ));
    }
    let party_ids: Vec<i64> = input.parties.iter().map(|p| p.organization_id).collect();
    let orgs = references::organizations(db, "organizationId", &party_ids).await?;
    if !access.acts_for_any(&seen) {
        return Err(AppError::Forbidden(
            "only a party's members record a deal".into(),
        ));
    }
    if matches!(input.stage, DealStage::Cancelled | DealStage::Expired) {
        return Err(AppError::invalid(
            "stage",
            "a deal is not recorded as cancelled or expired",
        ));
    }
    let financing = financing_lines(db, input.financing, value).await?;
    let royalty = royalty(input.ip.royalty_percent.as_deref())?;
    let milestones = super::listings::short_texts("milestones", input.ip.milestones, 30, 300)?;
    // Origin links: each visible to the caller (else not found, like a missing one) and each
    // belonging to this deal's parties.
    if let Some(id) = input.need_id {
        let (need, _) = references::need(db, access, "needId", id).await?;
        if !seen.contains(&need.organization_id) {
            return Err(AppError::invalid(
                "needId",
                "the need's organisation is not a party to the deal",
            ));
        }
    }
    if let Some(id) = input.capability_id {
        let capability = references::capability(db, access, "capabilityId", id).await?;
        if !seen.contains(&capability.organization_id) {
            return Err(AppError::invalid(
                "capabilityId",
                "the capability's organisation is not a party to the deal",
            ));
        }
    }
    let mut session_id = input.session_id;
    if let Some(id) = input.meeting_id {
        let (meeting, _) = references::meeting(db, access, "meetingId", id).await?;
        if !seen.contains(&meeting.requester_id) || !seen.contains(&meeting.invitee_id) {
            return Err(AppError::invalid(
                "meetingId",
                "the meeting was not between parties to the deal",
            ));
        }
        // A deal that came of a meeting came of its session.
        match session_id {
            Some(given) if given != meeting.session_id => {
                return Err(AppError::invalid(
                    "sessionId",
                    "the meeting took place in another session",
                ));
            }
            _ => session_id = Some(meeting.session_id),
        }
    }
    let session_city = match session_id {
        Some(id) => {
            references::session(db, "sessionId", id)
                .await?
                .science_city_id
        }
        None => None,
    };
    if let Some(id) = input.science_city_id {
        references::science_city(db, "scienceCityId", id).await?;
    }
    let science_city_id = input
        .science_city_id
        .or(session_city)
        .or_else(|| orgs.iter().filter_map(|o| o.science_city_id).min());
    let now = Utc::now();
    let signed_at = is_signed(input.stage).then(|| input.signed_at.unwrap_or(now));

    let txn = db::begin_write(db).await?;
    let deal = deal::ActiveModel {
        title_kk: Set(title.kk),
        title_ru: Set(title.ru),
        title_en: Set(title.en),
        deal_type: Set(input.deal_type),
        stage: Set(input.stage),
        value: Set(value),
        field_of_use: Set(clean(input.ip.field_of_use, "fieldOfUse", 1000)?),
        territory: Set(clean(input.ip.territory, "territory", 1000)?),
        royalty_basis_points: Set(royalty),
        milestones: Set(Strings(milestones)),
        need_id: Set(input.need_id),
        capability_id: Set(input.capability_id),
        meeting_id: Set(input.meeting_id),
        session_id: Set(session_id),
        science_city_id: Set(science_city_id),
        signed_at: Set(signed_at),
        version: Set(1),
        created_by: Set(actor),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for p in &input.parties {
        deal_party::ActiveModel {
            deal_id: Set(deal.id),
            organization_id: Set(p.organization_id),
            role: Set(p.role),
        }
        .insert(&txn)
        .await?;
    }
    replace_financing(&txn, deal.id, financing).await?;
    append_history(
        &txn,
        &deal,
        actor,
        DealChange::Recorded,
        None,
        clean(input.note, "note", 2000)?,
    )
    .await?;
    txn.commit().await?;
    tracing::info!(deal_id = deal.id, "deal recorded");
    Ok(deal)
}

/// Loads a deal the caller may write (a party's member or a platform admin).
async fn writable(db: &impl ConnectionTrait, access: &Access, id: i64) -> AppResult<deal::Model> {
    access.user_id()?;
    let deal = deal::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::not_found("id", "deal"))?;
    if !can_see(access, &parties_of(db, id).await?) {
        return Err(AppError::not_found("id", "deal"));
    }
    Ok(deal)
}

/// Claims the deal's next version (see `versions`).
async fn claim_version(txn: &DatabaseTransaction, id: i64, expected: i32) -> AppResult<()> {
    use deal::Column as C;
    versions::claim::<deal::Entity>(txn, [C::Id, C::Version, C::UpdatedAt], id, expected, "deal")
        .await
}

/// Moves a deal to `stage` if the transition is valid and nobody wrote since `expected`.
pub async fn advance(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    stage: DealStage,
    expected: i32,
    note: Option<String>,
) -> AppResult<deal::Model> {
    let actor = access.user_id()?;
    let note = clean(note, "note", 2000)?;
    writable(db, access, id).await?;
    let txn = db::begin_write(db).await?;
    claim_version(&txn, id, expected).await?;
    let current = deal::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::not_found("id", "deal"))?;
    if !can_move(current.stage, stage) {
        return Err(AppError::rule(
            Some("stage"),
            Reason::InvalidTransition,
            format!(
                "a deal cannot move from {} to {}",
                current.stage.to_value(),
                stage.to_value()
            ),
        ));
    }
    let from = current.stage;
    let mut row: deal::ActiveModel = current.into();
    row.stage = Set(stage);
    if stage == DealStage::Signed {
        row.signed_at = Set(Some(Utc::now()));
    }
    let deal = row.update(&txn).await?;
    append_history(&txn, &deal, actor, DealChange::Stage, Some(from), note).await?;
    txn.commit().await?;
    Ok(deal)
}

/// Changes a deal's terms, value or financing if nobody wrote since `expected`.
pub async fn update_terms(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    expected: i32,
    changes: TermChanges,
    note: Option<String>,
) -> AppResult<deal::Model> {
    let actor = access.user_id()?;
    let note = clean(note, "note", 2000)?;
    writable(db, access, id).await?;
    let title = changes
        .title
        .map(|t| t.cleaned_line("title", 300, true))
        .transpose()?;
    let royalty = match changes.royalty_percent {
        Patch::Keep => None,
        Patch::Clear => Some(None),
        Patch::Set(p) => Some(royalty(Some(&p))?),
    };
    let milestones = changes
        .milestones
        .map(|m| super::listings::short_texts("milestones", m, 30, 300))
        .transpose()?;
    let txn = db::begin_write(db).await?;
    claim_version(&txn, id, expected).await?;
    let current = deal::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::not_found("id", "deal"))?;
    if matches!(
        current.stage,
        DealStage::Completed | DealStage::Cancelled | DealStage::Expired
    ) {
        return Err(AppError::rule(
            Some("id"),
            Reason::DealClosed,
            "a closed deal's terms are final",
        ));
    }
    let value = match &changes.value {
        Some(v) => money::parse("value", v)?,
        None => current.value,
    };
    let financing = match changes.financing {
        Some(lines) => Some(financing_lines(&txn, lines, value).await?),
        None => {
            // A lower value must still cover the existing lines.
            let existing: i64 = deal_financing::Entity::find()
                .filter(deal_financing::Column::DealId.eq(id))
                .all(&txn)
                .await?
                .iter()
                .map(|f| f.amount)
                .sum();
            if existing > value {
                return Err(AppError::rule(
                    Some("value"),
                    Reason::FinancingExceedsValue,
                    "the financing lines add up to more than the new value",
                ));
            }
            None
        }
    };
    let stage = current.stage;
    let mut row: deal::ActiveModel = current.into();
    if let Some(t) = title {
        row.title_kk = Set(t.kk);
        row.title_ru = Set(t.ru);
        row.title_en = Set(t.en);
    }
    row.value = Set(value);
    match changes.field_of_use {
        Patch::Keep => {}
        Patch::Clear => row.field_of_use = Set(None),
        Patch::Set(v) => row.field_of_use = Set(clean(Some(v), "fieldOfUse", 1000)?),
    }
    match changes.territory {
        Patch::Keep => {}
        Patch::Clear => row.territory = Set(None),
        Patch::Set(v) => row.territory = Set(clean(Some(v), "territory", 1000)?),
    }
    if let Some(r) = royalty {
        row.royalty_basis_points = Set(r);
    }
    if let Some(m) = milestones {
        row.milestones = Set(Strings(m));
    }
    let deal = row.update(&txn).await?;
    if let Some(lines) = financing {
        replace_financing(&txn, id, lines).await?;
    }
    append_history(&txn, &deal, actor, DealChange::Terms, Some(stage), note).await?;
    txn.commit().await?;
    Ok(deal)
}

/// Deals the caller may see matching `filter`, unordered and unpaged.
fn search(access: &Access, filter: &DealFilter) -> Select<deal::Entity> {
    let mut select = deal::Entity::find();
    if !access.is_platform_admin() {
        let mine: Vec<i64> = access.memberships.keys().copied().collect();
        select = select.filter(
            deal::Column::Id.in_subquery(
                Query::select()
                    .column(deal_party::Column::DealId)
                    .from(deal_party::Entity)
                    .and_where(deal_party::Column::OrganizationId.is_in(mine))
                    .to_owned(),
            ),
        );
    }
    if let Some(org) = filter.organization_id {
        select = select.filter(
            deal::Column::Id.in_subquery(
                Query::select()
                    .column(deal_party::Column::DealId)
                    .from(deal_party::Entity)
                    .and_where(deal_party::Column::OrganizationId.eq(org))
                    .to_owned(),
            ),
        );
    }
    if let Some(stage) = filter.stage {
        select = select.filter(deal::Column::Stage.eq(stage));
    }
    if let Some(t) = filter.deal_type {
        select = select.filter(deal::Column::DealType.eq(t));
    }
    if let Some(city) = filter.science_city_id {
        select = select.filter(deal::Column::ScienceCityId.eq(city));
    }
    select
}

/// One page of the deals matching `filter` the caller is party to (all for platform admins), oldest first.
pub async fn list(
    db: &DatabaseConnection,
    access: &Access,
    filter: &DealFilter,
    page: PageRequest,
) -> AppResult<Page<deal::Model>> {
    let select = search(access, filter);
    pagination::fetch(db, select, deal::Column::Id, |row| row.id, page).await
}
