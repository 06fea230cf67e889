//! Bulk import of organisations and portfolio items from an outside registry (CORDIS, a
//! national research registry, a university's own list), as `kopir import` reads them from
//! JSON Lines or CSV files ([`files`]).
//!
//! Every row is checked by the same rules as the API; every bad row is reported (file, line,
//! field, reason) and then nothing at all is written: one import is one transaction. Rows are
//! keyed by `(source, externalId)`, so a second import of the same files changes nothing and a
//! changed row updates its record. Writes go in batches, so tens of thousands of rows take
//! seconds.

use std::{
    collections::{HashMap, HashSet},
    fmt,
    sync::Arc,
};

use chrono::{NaiveDate, Utc};
use entity::{
    organization::{self, OrganizationKind},
    portfolio_item::{self, PortfolioKind},
    portfolio_participant::{self, ParticipantRole},
};
use sea_orm::{
    ActiveEnum as _, ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, DatabaseConnection,
    EntityTrait as _, QueryFilter as _, TryIntoModel as _,
};
use serde::Deserialize;

use super::{
    listings,
    matching::store,
    organizations::{Draft, NewOrganization},
    portfolio::{self, NewItem, Participant},
    taxonomy,
    text::Localized,
};
use crate::{
    db,
    error::{AppError, AppResult, ErrorCode},
};

pub mod files;

/// Rows written per statement: well under SQLite's and PostgreSQL's parameter limits.
const BATCH: usize = 500;
/// Longest `source` and `externalId`.
const KEY_MAX: usize = 128;

/// Text in up to three languages, as a record carries it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextRecord {
    /// Kazakh.
    pub kk: Option<String>,
    /// Russian.
    pub ru: Option<String>,
    /// English.
    pub en: Option<String>,
}

impl From<TextRecord> for Localized {
    fn from(t: TextRecord) -> Self {
        Localized {
            kk: t.kk,
            ru: t.ru,
            en: t.en,
        }
    }
}

/// One line of an organisations file.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrganizationRecord {
    /// The registry it comes from, e.g. `cordis`.
    pub source: String,
    /// Its id there.
    pub external_id: String,
    /// An `OrganizationKind` name, e.g. `UNIVERSITY`.
    pub kind: String,
    /// Its name.
    pub name: TextRecord,
    /// Its description.
    #[serde(default)]
    pub description: TextRecord,
    /// ISO 3166-1 alpha-2 country; `KZ` when absent.
    pub country: Option<String>,
    /// BIN, for Kazakh organisations.
    pub bin: Option<String>,
    /// Region code, for Kazakh organisations.
    pub region_code: Option<String>,
    /// Web site.
    pub website: Option<String>,
}

/// A participant of a portfolio record: an organisation by its key.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ParticipantRecord {
    /// The organisation's registry; the item's own when absent.
    pub source: Option<String>,
    /// The organisation's id there.
    pub external_id: String,
    /// `COORDINATOR`, `PARTICIPANT` (default) or `OTHER`.
    pub role: Option<String>,
}

/// One line of a portfolio file.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PortfolioRecord {
    /// The registry it comes from.
    pub source: String,
    /// Its id there.
    pub external_id: String,
    /// A `PortfolioKind` name; `PROJECT` when absent.
    pub kind: Option<String>,
    /// Its title.
    pub title: TextRecord,
    /// Its abstract.
    #[serde(default, rename = "abstract")]
    pub summary: TextRecord,
    /// The year it is dated by.
    pub year: Option<i32>,
    /// Start.
    pub start_date: Option<NaiveDate>,
    /// End.
    pub end_date: Option<NaiveDate>,
    /// Who paid.
    pub funder: Option<String>,
    /// Programme or call.
    pub programme: Option<String>,
    /// Amount, decimal KZT.
    pub amount: Option<String>,
    /// FOS codes.
    #[serde(default)]
    pub fields_of_science: Vec<String>,
    /// Keywords.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Readable by its participants' members only.
    #[serde(default)]
    pub members_only: bool,
    /// Who took part.
    pub participants: Vec<ParticipantRecord>,
}

/// A parsed line and where it came from.
#[derive(Debug, Clone)]
pub struct Line<T> {
    /// The file.
    pub file: Arc<str>,
    /// 1-based line number.
    pub line: usize,
    /// What it says.
    pub record: T,
}

/// A row that cannot be imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file.
    pub file: Arc<str>,
    /// 1-based line number.
    pub line: usize,
    /// The field at fault, where one is.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{}:{}: {field}: {}", self.file, self.line, self.message),
            None => write!(f, "{}:{}: {}", self.file, self.line, self.message),
        }
    }
}

impl Problem {
    fn of<T>(line: &Line<T>, err: AppError) -> Problem {
        Problem {
            file: line.file.clone(),
            line: line.line,
            field: err.field().map(str::to_owned),
            message: err.to_string(),
        }
    }
}

/// What an import did to one kind of record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// New records.
    pub created: usize,
    /// Records whose content changed.
    pub updated: usize,
    /// Records already as imported.
    pub unchanged: usize,
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Organisations.
    pub organizations: Counts,
    /// Portfolio items.
    pub portfolio: Counts,
    /// Participations written (of created and updated items).
    pub participations: usize,
}

/// Why an import wrote nothing.
#[derive(Debug)]
pub enum Refusal {
    /// These rows are bad; nothing was written.
    Rows(Vec<Problem>),
    /// The database failed; nothing was written.
    Failed(AppError),
}

impl From<AppError> for Refusal {
    fn from(err: AppError) -> Self {
        Refusal::Failed(err)
    }
}

impl From<sea_orm::DbErr> for Refusal {
    fn from(err: sea_orm::DbErr) -> Self {
        Refusal::Failed(err.into())
    }
}

/// A database failure met while checking rows is not the row's fault.
fn is_failure(err: &AppError) -> bool {
    matches!(err.code(), ErrorCode::Internal | ErrorCode::DbUnavailable)
}

fn checked_key(field: &'static str, value: &str) -> AppResult<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > KEY_MAX {
        return Err(AppError::invalid(
            field,
            format!("1 to {KEY_MAX} characters"),
        ));
    }
    Ok(value.to_owned())
}

fn enum_value<E: sea_orm::ActiveEnum<Value = String>>(
    field: &'static str,
    text: &str,
) -> AppResult<E> {
    E::try_from_value(&text.trim().to_ascii_uppercase())
        .map_err(|_| AppError::invalid(field, format!("unknown value `{text}`")))
}

/// An organisation checked and ready to write.
struct OrgRow {
    key: (String, String),
    draft: Draft,
}

/// An item checked and ready to write.
struct ItemRow {
    key: (String, String),
    row: portfolio_item::ActiveModel,
    participants: Vec<(String, String, ParticipantRole)>,
}

/// Checks every row; returns the good ones, or every problem found.
async fn check(
    db: &DatabaseConnection,
    organizations: Vec<Line<OrganizationRecord>>,
    portfolio: Vec<Line<PortfolioRecord>>,
) -> Result<(Vec<OrgRow>, Vec<ItemRow>), Refusal> {
    let mut problems = Vec::new();
    let mut orgs = Vec::with_capacity(organizations.len());
    let mut seen = HashSet::new();
    for line in organizations {
        let r = line.record.clone();
        let checked = async {
            let key = (
                checked_key("source", &r.source)?,
                checked_key("externalId", &r.external_id)?,
            );
            if !seen.insert(key.clone()) {
                return Err(AppError::invalid(
                    "externalId",
                    "the same organisation appears twice",
                ));
            }
            let kind: OrganizationKind = enum_value("kind", &r.kind)?;
            if kind == OrganizationKind::ManagementCompany {
                return Err(AppError::invalid(
                    "kind",
                    "the Management Company is not imported",
                ));
            }
            let input = NewOrganization {
                kind,
                name: r.name.into(),
                description: r.description.into(),
                bin: r.bin,
                country: r.country,
                region_code: r.region_code,
                science_city_id: None,
                website: r.website,
            };
            Ok(OrgRow {
                key,
                draft: Draft::new(db, input).await?,
            })
        }
        .await;
        match checked {
            Ok(row) => orgs.push(row),
            Err(err) if is_failure(&err) => return Err(Refusal::Failed(err)),
            Err(err) => problems.push(Problem::of(&line, err)),
        }
    }

    let known_fields: HashSet<String> = taxonomy::fields_of_science(db)
        .await?
        .into_iter()
        .map(|f| f.code)
        .collect();
    let mut items = Vec::with_capacity(portfolio.len());
    let mut seen = HashSet::new();
    for line in portfolio {
        let r = line.record.clone();
        let checked = (|| {
            let key = (
                checked_key("source", &r.source)?,
                checked_key("externalId", &r.external_id)?,
            );
            if !seen.insert(key.clone()) {
                return Err(AppError::invalid(
                    "externalId",
                    "the same item appears twice",
                ));
            }
            let kind: PortfolioKind = match &r.kind {
                Some(k) => enum_value("kind", k)?,
                None => PortfolioKind::Project,
            };
            let mut participants = Vec::with_capacity(r.participants.len());
            let mut who = HashSet::new();
            for p in &r.participants {
                let source = checked_key("participants", p.source.as_deref().unwrap_or(&key.0))?;
                let id = checked_key("participants", &p.external_id)?;
                let role = match &p.role {
                    Some(role) => enum_value("participants", role)?,
                    None => ParticipantRole::Participant,
                };
                if !who.insert((source.clone(), id.clone())) {
                    return Err(AppError::invalid(
                        "participants",
                        format!("organisation {source}:{id} takes part twice"),
                    ));
                }
                participants.push((source, id, role));
            }
            if participants.is_empty() {
                return Err(AppError::invalid(
                    "participants",
                    "name at least one participating organisation",
                ));
            }
            let mut row = <portfolio_item::ActiveModel as Default>::default();
            portfolio::apply(
                &mut row,
                NewItem {
                    kind,
                    title: r.title.into(),
                    summary: r.summary.into(),
                    year: r.year,
                    start_date: r.start_date,
                    end_date: r.end_date,
                    funder: r.funder,
                    programme: r.programme,
                    amount: r.amount,
                    fields: listings::known_fields(
                        "fieldsOfScience",
                        r.fields_of_science,
                        &known_fields,
                    )?,
                    keywords: r.keywords,
                    source: Some(key.0.clone()),
                    external_id: Some(key.1.clone()),
                    members_only: r.members_only,
                    participants: Vec::new(),
                },
            )?;
            Ok(ItemRow {
                key,
                row,
                participants,
            })
        })();
        match checked {
            Ok(item) => items.push((line, item)),
            Err(err) => problems.push(Problem::of(&line, err)),
        }
    }

    // Every participant is imported now or was before.
    let imported: HashSet<&(String, String)> = orgs.iter().map(|o| &o.key).collect();
    let sources: HashSet<&str> = items
        .iter()
        .flat_map(|(_, i)| i.participants.iter().map(|p| p.0.as_str()))
        .collect();
    let existing = existing_organizations(db, sources.into_iter().map(str::to_owned)).await?;
    for (line, item) in &items {
        if let Some((source, id, _)) = item.participants.iter().find(|(s, i, _)| {
            let key = (s.clone(), i.clone());
            !imported.contains(&key) && !existing.contains_key(&key)
        }) {
            problems.push(Problem::of(
                line,
                AppError::invalid(
                    "participants",
                    format!("no organisation {source}:{id} in this import or before"),
                ),
            ));
        }
    }
    if problems.is_empty() {
        Ok((orgs, items.into_iter().map(|(_, item)| item).collect()))
    } else {
        problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        Err(Refusal::Rows(problems))
    }
}

/// Organisations already imported from `sources`, by key.
async fn existing_organizations(
    db: &impl sea_orm::ConnectionTrait,
    sources: impl IntoIterator<Item = String>,
) -> AppResult<HashMap<(String, String), organization::Model>> {
    Ok(organization::Entity::find()
        .filter(organization::Column::Source.is_in(sources))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|o| Some(((o.source.clone()?, o.external_id.clone()?), o)))
        .collect())
}

/// Imports `organizations` and `portfolio` in one transaction, reporting progress as
/// `(what, done, of)`.
pub async fn run(
    db: &DatabaseConnection,
    organizations: Vec<Line<OrganizationRecord>>,
    portfolio: Vec<Line<PortfolioRecord>>,
    progress: &(dyn Fn(&str, usize, usize) + Sync),
) -> Result<Summary, Refusal> {
    let (orgs, items) = check(db, organizations, portfolio).await?;
    let mut summary = Summary::default();
    let txn = db::begin_write(db).await?;
    let now = Utc::now();

    // Organisations: insert the new, update the changed, leave the rest.
    let sources: HashSet<String> = orgs.iter().map(|o| o.key.0.clone()).collect();
    let existing = existing_organizations(&txn, sources).await?;
    // Matching reads organisations and items: a revision is taken only when one is new or
    // changed, so a repeated import leaves the matching index alone.
    let mut revision = Revision::default();
    let total = orgs.len();
    let mut fresh = Vec::new();
    for (done, org) in orgs.into_iter().enumerate() {
        match existing.get(&org.key) {
            Some(row) if org.draft.matches(row) => summary.organizations.unchanged += 1,
            Some(row) => {
                let mut active: organization::ActiveModel = row.clone().into();
                active.matching_revision = Set(revision.take(&txn).await?);
                org.draft.apply(&mut active);
                active.update(&txn).await?;
                summary.organizations.updated += 1;
            }
            None => {
                let mut active = organization::ActiveModel {
                    created_at: Set(now),
                    matching_revision: Set(revision.take(&txn).await?),
                    source: Set(Some(org.key.0)),
                    external_id: Set(Some(org.key.1)),
                    ..Default::default()
                };
                org.draft.apply(&mut active);
                fresh.push(active);
                summary.organizations.created += 1;
            }
        }
        if fresh.len() == BATCH {
            organization::Entity::insert_many(std::mem::take(&mut fresh))
                .exec(&txn)
                .await?;
            progress("organisations", done + 1, total);
        }
    }
    if !fresh.is_empty() {
        organization::Entity::insert_many(fresh).exec(&txn).await?;
    }
    progress("organisations", total, total);

    // Portfolio items, then their participants.
    let participant_sources: HashSet<String> = items
        .iter()
        .flat_map(|i| i.participants.iter().map(|p| p.0.clone()))
        .collect();
    let org_ids: HashMap<(String, String), i64> = existing_organizations(&txn, participant_sources)
        .await?
        .into_iter()
        .map(|(k, o)| (k, o.id))
        .collect();
    let item_sources: HashSet<String> = items.iter().map(|i| i.key.0.clone()).collect();
    let existing_items = existing_items(&txn, item_sources).await?;
    let total = items.len();
    let (mut fresh, mut write_participants_of) = (Vec::new(), Vec::new());
    for (done, mut item) in items.into_iter().enumerate() {
        let participants: Vec<Participant> = item
            .participants
            .iter()
            .filter_map(|(s, i, role)| {
                Some(Participant {
                    organization_id: *org_ids.get(&(s.clone(), i.clone()))?,
                    role: *role,
                })
            })
            .collect();
        match existing_items.get(&item.key) {
            Some((row, had)) => {
                // Compare the checked row with the stored one, timestamps aside.
                item.row.id = Set(row.id);
                item.row.created_at = Set(row.created_at);
                item.row.updated_at = Set(row.updated_at);
                item.row.revision = Set(row.revision);
                let same_row = item.row.clone().try_into_model().ok().as_ref() == Some(row);
                let same_participants = same_set(had, &participants);
                if same_row && same_participants {
                    summary.portfolio.unchanged += 1;
                } else {
                    item.row.updated_at = Set(now);
                    item.row.revision = Set(revision.take(&txn).await?);
                    item.row.update(&txn).await?;
                    if !same_participants {
                        write_participants_of.push((row.id, participants, false));
                    }
                    summary.portfolio.updated += 1;
                }
            }
            None => {
                item.row.created_at = Set(now);
                item.row.updated_at = Set(now);
                item.row.revision = Set(revision.take(&txn).await?);
                fresh.push((item.key, item.row, participants));
                summary.portfolio.created += 1;
            }
        }
        if fresh.len() == BATCH {
            let batch = std::mem::take(&mut fresh);
            insert_items(&txn, batch, &mut write_participants_of).await?;
            progress("portfolio items", done + 1, total);
        }
    }
    if !fresh.is_empty() {
        insert_items(&txn, fresh, &mut write_participants_of).await?;
    }
    progress("portfolio items", total, total);
    // New items' participants go in batches; changed items' replace their old ones.
    let mut fresh_rows = Vec::new();
    for (item_id, participants, is_new) in write_participants_of {
        summary.participations += participants.len();
        if is_new {
            fresh_rows.extend(
                participants
                    .iter()
                    .map(|p| portfolio_participant::ActiveModel {
                        item_id: Set(item_id),
                        organization_id: Set(p.organization_id),
                        role: Set(p.role),
                        ..Default::default()
                    }),
            );
        } else {
            portfolio::write_participants(&txn, item_id, &participants).await?;
        }
    }
    let total = fresh_rows.len();
    let mut rows = fresh_rows.into_iter().peekable();
    let mut done = 0;
    while rows.peek().is_some() {
        let batch: Vec<_> = rows.by_ref().take(BATCH).collect();
        done += batch.len();
        portfolio_participant::Entity::insert_many(batch)
            .exec(&txn)
            .await?;
        progress("participations", done, total);
    }
    txn.commit().await?;
    tracing::info!(?summary, "import committed");
    Ok(summary)
}

/// The import's matching revision, taken from the counter the first time it is needed.
#[derive(Default)]
struct Revision(Option<i64>);

impl Revision {
    async fn take(&mut self, txn: &impl sea_orm::ConnectionTrait) -> AppResult<i64> {
        match self.0 {
            Some(r) => Ok(r),
            None => Ok(*self.0.insert(store::bump(txn).await?)),
        }
    }
}

/// Inserts new items and queues their participants, which need the items' ids.
async fn insert_items(
    txn: &impl sea_orm::ConnectionTrait,
    batch: Vec<(
        (String, String),
        portfolio_item::ActiveModel,
        Vec<Participant>,
    )>,
    participants_of: &mut Vec<(i64, Vec<Participant>, bool)>,
) -> AppResult<()> {
    let keys: Vec<(String, String)> = batch.iter().map(|(k, _, _)| k.clone()).collect();
    let mut pending: HashMap<(String, String), Vec<Participant>> = HashMap::new();
    let mut rows = Vec::with_capacity(batch.len());
    for (key, row, participants) in batch {
        pending.insert(key, participants);
        rows.push(row);
    }
    portfolio_item::Entity::insert_many(rows).exec(txn).await?;
    let ids = portfolio_item::Entity::find()
        .filter(portfolio_item::Column::ExternalId.is_in(keys.iter().map(|k| k.1.clone())))
        .all(txn)
        .await?;
    for item in ids {
        let (Some(source), Some(external)) = (item.source, item.external_id) else {
            continue;
        };
        if let Some(participants) = pending.remove(&(source, external)) {
            participants_of.push((item.id, participants, true));
        }
    }
    Ok(())
}

/// Items already imported from `sources`, by key, with their participants.
async fn existing_items(
    db: &impl sea_orm::ConnectionTrait,
    sources: HashSet<String>,
) -> AppResult<HashMap<(String, String), (portfolio_item::Model, Vec<Participant>)>> {
    let items = portfolio_item::Entity::find()
        .filter(portfolio_item::Column::Source.is_in(sources))
        .all(db)
        .await?;
    let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
    let mut participants: HashMap<i64, Vec<Participant>> = HashMap::new();
    for chunk in ids.chunks(BATCH) {
        for p in portfolio_participant::Entity::find()
            .filter(portfolio_participant::Column::ItemId.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            participants
                .entry(p.item_id)
                .or_default()
                .push(Participant {
                    organization_id: p.organization_id,
                    role: p.role,
                });
        }
    }
    Ok(items
        .into_iter()
        .filter_map(|i| {
            let key = (i.source.clone()?, i.external_id.clone()?);
            let had = participants.remove(&i.id).unwrap_or_default();
            Some((key, (i, had)))
        })
        .collect())
}

fn same_set(a: &[Participant], b: &[Participant]) -> bool {
    let set = |list: &[Participant]| {
        list.iter()
            .map(|p| (p.organization_id, p.role.to_value()))
            .collect::<HashSet<_>>()
    };
    a.len() == b.len() && set(a) == set(b)
}
