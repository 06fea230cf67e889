//! Keeps the in-memory [`Engine`] equal to the database.
//!
//! Every write to a need, capability or organisation takes the next value of the one-row
//! `matching_revision` counter inside its transaction ([`bump`]) and stores it on the row. The
//! counter's row lock orders those transactions, so once revision `r` is committed every row
//! with a revision up to `r` is too. Before each matching query, [`Matcher::current`] reads the
//! counter (one indexed statement) and, if it moved, loads only the rows above the revision the
//! engine has seen. The same code builds the engine at start-up (from revision 0), so there is
//! one path, it works across replicas, and results never lag a committed write. On PostgreSQL
//! the bump also notifies every replica, which catches up at once ([`Matcher::follow`]), so the
//! work is rarely left to a query.
//!
//! At start-up the service builds the index on a task of its own ([`Matcher::warm_up`]) and
//! answers everything else meanwhile; `/readyz` says the index is building until it is done,
//! and a matching request that arrives first waits for it.

use std::{
    collections::HashMap,
    sync::atomic::{AtomicBool, Ordering},
    time::Instant,
};

use entity::{
    capability, deal, deal_party, meeting,
    meeting_report::MeetingOutcome,
    need, need_share,
    organization::{self, OrganizationKind},
    portfolio_item, portfolio_participant, session,
};
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, DatabaseBackend, DatabaseConnection, DerivePartialModel,
    EntityTrait, Order, QueryFilter as _, QueryOrder as _, QuerySelect as _, QueryTrait as _,
    Statement, sea_query::NullOrdering,
};
use tokio::sync::{RwLock, RwLockReadGuard};

use super::{
    CapabilityProfile, Encounters, Engine, ItemProfile, NeedProfile, OrganizationProfile, OwnWork,
    PartnerFilter, PartnerMatch, Place, Weights, partners::OWN_ITEMS,
};
use crate::{
    domain::{
        access::Access,
        batch, events,
        outcomes::MeetingRules,
        outcomes::{self, Verdict},
        text::Localized,
    },
    error::{AppError, AppResult},
};

struct State {
    engine: Engine,
    revision: i64,
}

/// The revision of an index not built yet: every row's revision is above it, and a load from it
/// is a first build, read chunk by chunk.
const UNBUILT: i64 = -1;

/// The engine and the revision it reflects.
pub struct Matcher {
    state: RwLock<State>,
    /// True from creation until the first build has ended (built or failed).
    building: AtomicBool,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Matcher")
    }
}

/// Takes the next matching revision inside the write transaction `txn`; store it on the row.
/// On PostgreSQL the same statement queues a notification on [`events::MATCHING_CHANNEL`],
/// delivered on commit, so every replica brings its index up to date at once rather than on
/// its next matching query.
pub async fn bump(txn: &impl ConnectionTrait) -> AppResult<i64> {
    let backend = txn.get_database_backend();
    let sql = if backend == DatabaseBackend::Postgres {
        format!(
            "WITH r AS (UPDATE matching_revision SET value = value + 1 WHERE id = 1 RETURNING value) \
             SELECT value, pg_notify('{}', value::text) FROM r",
            events::MATCHING_CHANNEL
        )
    } else {
        "UPDATE matching_revision SET value = value + 1 WHERE id = 1 RETURNING value".to_owned()
    };
    let row = txn
        .query_one_raw(Statement::from_string(backend, sql))
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("matching_revision row is missing")))?;
    Ok(row.try_get_by_index(0)?)
}

async fn committed_revision(db: &impl ConnectionTrait) -> AppResult<i64> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT value FROM matching_revision WHERE id = 1",
        ))
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("matching_revision row is missing")))?;
    Ok(row.try_get_by_index(0)?)
}

impl Matcher {
    /// An empty matcher; the first [`Matcher::current`] loads everything.
    pub fn new(weights: Weights) -> Self {
        Self {
            state: RwLock::new(State {
                engine: Engine::new(weights),
                revision: UNBUILT,
            }),
            building: AtomicBool::new(true),
        }
    }

    /// Builds the index (start-up), logging what it holds and what it took. A failure (the
    /// database unreachable, migrations pending) is logged, and the next matching request tries
    /// again.
    pub async fn warm_up(&self, db: &DatabaseConnection) {
        let started = Instant::now();
        match self.current(db).await {
            Ok(engine) => tracing::info!(
                needs = engine.need_count(),
                capabilities = engine.capability_count(),
                portfolio_items = engine.item_count(),
                elapsed_ms = started.elapsed().as_millis() as u64,
                "matching index built"
            ),
            Err(error) => tracing::warn!(
                %error,
                "matching index not built; the next matching request will try again"
            ),
        }
        self.building.store(false, Ordering::Release);
    }

    /// The newest matching revision the index reflects (-1 before the first build).
    pub async fn revision(&self) -> i64 {
        self.state.read().await.revision
    }

    /// Brings the index up to date whenever `hub` says a write committed (on any replica) past
    /// the revision it reflects, so the next matching query finds it current. Runs until the
    /// process ends.
    pub async fn follow(&self, db: &DatabaseConnection, hub: &events::Hub) {
        let mut notified = hub.matching_revisions();
        while notified.changed().await.is_ok() {
            let target = *notified.borrow_and_update();
            // A burst of writes notifies once each; one catch-up serves them all.
            if self.revision().await >= target {
                continue;
            }
            if let Err(error) = self.current(db).await {
                tracing::warn!(%error, "matching index not refreshed; the next query will try");
            }
        }
    }

    /// Whether the first build is still running (`/readyz` answers 503 meanwhile).
    pub fn is_building(&self) -> bool {
        self.building.load(Ordering::Acquire)
    }

    /// Changes the partner factors' weights (e.g. to measure a factor family alone).
    pub async fn set_partner_weights(&self, weights: super::PartnerWeights) {
        self.state.write().await.engine.set_partner_weights(weights);
    }

    /// The engine, brought up to date with every committed change first.
    pub async fn current(&self, db: &DatabaseConnection) -> AppResult<RwLockReadGuard<'_, Engine>> {
        let committed = committed_revision(db).await?;
        {
            let state = self.state.read().await;
            if state.revision >= committed {
                return Ok(RwLockReadGuard::map(state, |s| &s.engine));
            }
        }
        let mut state = self.state.write().await;
        if state.revision < committed {
            let seen = state.revision;
            let loaded = load_changes(db, &mut state.engine, seen).await;
            // Settled even after a failure: what was staged is then queried correctly, and
            // the revision not moving makes the next query load it again.
            state.engine.settle();
            loaded?;
            // `committed`, not the newest revision loaded: every write up to `committed` had
            // committed before the first row was read, but of the writes after it, one may have
            // been read (a later table, a later chunk) while an earlier one committed where
            // the reads had already passed. Taking the newest would skip that one for good;
            // rows above `committed` are simply loaded again next time.
            state.revision = committed;
            self.building.store(false, Ordering::Release);
            tracing::debug!(
                from = seen,
                to = state.revision,
                "matching index synchronised"
            );
        }
        Ok(RwLockReadGuard::map(state.downgrade(), |s| &s.engine))
    }
}

impl Matcher {
    /// Capability `capability_id` scored for need `need_id` as `viewer` may read them, if it
    /// passes every hard filter and scores at least `min_score`: what raises a match alert.
    /// `FORBIDDEN` when the viewer may no longer read the need in full.
    pub async fn alert(
        &self,
        db: &DatabaseConnection,
        viewer: &Access,
        need_id: i64,
        capability_id: i64,
        min_score: f64,
    ) -> AppResult<Option<super::Match>> {
        let engine = self.current(db).await?;
        engine.need_owner(need_id, viewer)?;
        match engine.explain(need_id, capability_id, viewer) {
            Ok(m) => Ok((m.exclusions.is_empty() && m.score >= min_score).then_some(m)),
            // A capability the viewer may not see (inactive, or gone) raises nothing.
            Err(AppError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The organisations that best fit a need (see [`Engine::partners_for_need`]), with the
    /// need owner's deals and meetings on Kopir counted as shared history.
    pub async fn partners_for_need(
        &self,
        db: &DatabaseConnection,
        rules: &MeetingRules,
        viewer: &Access,
        need_id: i64,
        kinds: &[OrganizationKind],
        first: usize,
    ) -> AppResult<Vec<PartnerMatch>> {
        let engine = self.current(db).await?;
        let owner = engine.need_owner(need_id, viewer)?;
        let encounters = encounters(db, rules, owner).await?;
        engine.partners_for_need(
            need_id,
            viewer,
            &PartnerFilter { kinds },
            &encounters,
            first,
        )
    }

    /// The organisations that best fit an organisation the viewer acts for (see
    /// [`Engine::partners_for_organization`]): its open needs, active capabilities and newest
    /// portfolio items say what it looks for.
    pub async fn partners_for_organization(
        &self,
        db: &DatabaseConnection,
        rules: &MeetingRules,
        viewer: &Access,
        organization_id: i64,
        kinds: &[OrganizationKind],
        first: usize,
    ) -> AppResult<Vec<PartnerMatch>> {
        viewer.require_member(organization_id)?;
        let own = portfolio_participant::Entity::find()
            .select_only()
            .column(portfolio_participant::Column::ItemId)
            .filter(portfolio_participant::Column::OrganizationId.eq(organization_id))
            .into_query();
        let items: Vec<ItemProfile> = portfolio_item::Entity::find()
            .filter(portfolio_item::Column::Id.in_subquery(own))
            .order_by_with_nulls(
                portfolio_item::Column::Year,
                Order::Desc,
                NullOrdering::Last,
            )
            .order_by_desc(portfolio_item::Column::Id)
            .limit(OWN_ITEMS as u64)
            .all(db)
            .await?
            .into_iter()
            .map(|i| item_profile(i, Vec::new()))
            .collect();
        let capabilities = capability::Entity::find()
            .filter(capability::Column::OrganizationId.eq(organization_id))
            .filter(capability::Column::Active.eq(true))
            .order_by_asc(capability::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(capability_profile)
            .collect();
        let encounters = encounters(db, rules, organization_id).await?;
        let engine = self.current(db).await?;
        Ok(engine.partners_for_organization(
            organization_id,
            &OwnWork {
                capabilities,
                items,
            },
            viewer,
            &PartnerFilter { kinds },
            &encounters,
            first,
        ))
    }
}

/// `organization_id`'s completed deals and meetings held (by their parties' reports, see
/// [`outcomes::verdict`]), by counterpart. Read per query: one organisation's history is small,
/// and so it is never stale.
pub async fn encounters(
    db: &DatabaseConnection,
    rules: &MeetingRules,
    organization_id: i64,
) -> AppResult<Encounters> {
    let mut out = Encounters::default();
    let deals = deal_party::Entity::find()
        .select_only()
        .column(deal_party::Column::DealId)
        .filter(deal_party::Column::OrganizationId.eq(organization_id))
        .into_query();
    let parties: Vec<(i64, i64)> = deal_party::Entity::find()
        .select_only()
        .columns([
            deal_party::Column::DealId,
            deal_party::Column::OrganizationId,
        ])
        .filter(deal_party::Column::DealId.in_subquery(deals))
        .filter(
            deal_party::Column::DealId.in_subquery(
                deal::Entity::find()
                    .select_only()
                    .column(deal::Column::Id)
                    .filter(deal::Column::Stage.eq(deal::DealStage::Completed))
                    .into_query(),
            ),
        )
        .filter(deal_party::Column::OrganizationId.ne(organization_id))
        .into_tuple()
        .all(db)
        .await?;
    let mut seen = std::collections::HashSet::new();
    for (deal_id, org) in parties {
        if seen.insert((deal_id, org)) {
            *out.completed_deals.entry(org).or_default() += 1;
        }
    }
    // Only sessions that have begun can hold a meeting that took place: this runs on every
    // partner ranking, so upcoming ones are not read at all.
    let begun = session::Entity::find()
        .select_only()
        .column(session::Column::Id)
        .filter(session::Column::StartsAt.lte(chrono::Utc::now()))
        .into_query();
    let booked = meeting::Entity::find()
        .filter(meeting::Column::Status.eq(meeting::MeetingStatus::Booked))
        .filter(meeting::Column::SessionId.in_subquery(begun))
        .filter(
            sea_orm::Condition::any()
                .add(meeting::Column::RequesterId.eq(organization_id))
                .add(meeting::Column::InviteeId.eq(organization_id)),
        )
        .all(db)
        .await?;
    let session_ids: Vec<i64> = booked.iter().map(|m| m.session_id).collect();
    let sessions = batch::by_id::<session::Entity>(db, &session_ids).await?;
    for s in outcomes::settle(db, rules, booked, &sessions).await? {
        if s.verdict != Verdict::Held {
            continue;
        }
        let m = &s.meeting;
        let other = if m.requester_id == organization_id {
            m.invitee_id
        } else {
            m.requester_id
        };
        *out.meetings_held.entry(other).or_default() += 1;
        if s.outcome >= Some(MeetingOutcome::NdaSigned) {
            *out.meetings_advanced.entry(other).or_default() += 1;
        }
    }
    Ok(out)
}

/// The columns of an organisation that matching reads (a row also carries its texts).
#[derive(DerivePartialModel)]
#[sea_orm(entity = "organization::Entity")]
struct OrganizationRow {
    id: i64,
    kind: OrganizationKind,
    country: String,
    region_id: Option<i64>,
    science_city_id: Option<i64>,
}

/// Rows read per statement by a first build, which goes through the whole registry this many
/// rows at a time, the engine staging each chunk's analysed text into its compact index before
/// the next is read. With one statement per table, every row of a table and all its analysed
/// text were held at once.
const LOAD_CHUNK: u64 = 5_000;

/// Rows of `E` written after a revision: for the first build (every row) in id order,
/// [`LOAD_CHUNK`] at a time; for a catch-up, in one statement.
struct Changed<E: EntityTrait> {
    id: E::Column,
    revision: E::Column,
    id_of: fn(&E::Model) -> i64,
    seen: i64,
    /// Rows per statement.
    chunk: u64,
    /// The last id read; `None` once every row is.
    after: Option<i64>,
}

impl<E: EntityTrait> Changed<E> {
    fn after(
        seen: i64,
        (id, revision): (E::Column, E::Column),
        id_of: fn(&E::Model) -> i64,
    ) -> Self {
        Self {
            id,
            revision,
            id_of,
            seen,
            chunk: LOAD_CHUNK,
            after: Some(i64::MIN),
        }
    }

    /// The next chunk, or `None` when every row has been read.
    async fn next(&mut self, db: &DatabaseConnection) -> AppResult<Option<Vec<E::Model>>> {
        let Some(after) = self.after else {
            return Ok(None);
        };
        let changed = E::find().filter(self.revision.gt(self.seen));
        let first_build = self.seen == UNBUILT;
        let rows = if first_build {
            // Every row: along the primary key, a chunk at a time.
            changed
                .filter(self.id.gt(after))
                .order_by_asc(self.id)
                .limit(self.chunk)
                .all(db)
                .await?
        } else {
            // A catch-up: the rows above `seen`, few, found through the revision index in one
            // statement. Keyed on id, SQLite would walk the primary key through every row.
            changed.all(db).await?
        };
        self.after = match rows.last() {
            Some(last) if first_build && rows.len() as u64 == self.chunk => {
                Some((self.id_of)(last))
            }
            _ => None,
        };
        Ok((!rows.is_empty()).then_some(rows))
    }
}

/// The organisations linked to each of `ids` by rows of `E` (a need's shares, an item's
/// participants), whose `key` column holds the id; `pair` reads `(id, organisation)` off a row.
/// In groups, as databases cap the parameters of one statement.
async fn organizations_of<E: EntityTrait>(
    db: &DatabaseConnection,
    key: E::Column,
    ids: &[i64],
    pair: fn(E::Model) -> (i64, i64),
) -> AppResult<HashMap<i64, Vec<i64>>> {
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    for group in ids.chunks(500) {
        for row in E::find().filter(key.is_in(group.to_vec())).all(db).await? {
            let (id, organization) = pair(row);
            out.entry(id).or_default().push(organization);
        }
    }
    Ok(out)
}

/// Applies every row changed after revision `seen`, staged: the caller settles the engine.
async fn load_changes(db: &DatabaseConnection, engine: &mut Engine, seen: i64) -> AppResult<()> {
    let orgs = organization::Entity::find()
        .filter(organization::Column::MatchingRevision.gt(seen))
        .into_partial_model::<OrganizationRow>()
        .all(db)
        .await?;
    let changed_orgs: Vec<i64> = orgs.iter().map(|o| o.id).collect();
    for org in orgs {
        engine.set_organization(
            org.id,
            OrganizationProfile {
                kind: org.kind,
                country: org.country,
                place: Place {
                    region_id: org.region_id,
                    science_city_id: org.science_city_id,
                },
            },
        );
    }
    load_items(db, engine, seen, &changed_orgs).await?;
    let columns = (capability::Column::Id, capability::Column::Revision);
    let mut caps = Changed::<capability::Entity>::after(seen, columns, |c| c.id);
    while let Some(chunk) = caps.next(db).await? {
        engine.stage_capabilities(chunk.into_iter().map(capability_profile).collect());
    }
    let columns = (need::Column::Id, need::Column::Revision);
    let mut needs = Changed::<need::Entity>::after(seen, columns, |n| n.id);
    while let Some(chunk) = needs.next(db).await? {
        // Shares change only with their need (and its revision), so they are loaded with it.
        let ids: Vec<i64> = chunk.iter().map(|n| n.id).collect();
        let mut shares =
            organizations_of::<need_share::Entity>(db, need_share::Column::NeedId, &ids, |s| {
                (s.need_id, s.organization_id)
            })
            .await?;
        engine.stage_needs(
            chunk
                .into_iter()
                .map(|n| {
                    let shared = shares.remove(&n.id).unwrap_or_default();
                    need_profile(n, shared)
                })
                .collect(),
        );
    }
    Ok(())
}

/// Applies the portfolio items written after revision `seen`, and drops those deleted: removing
/// an item moves its participants' revision, so the items of `changed_orgs` that the engine
/// holds but the database no longer does are gone.
async fn load_items(
    db: &DatabaseConnection,
    engine: &mut Engine,
    seen: i64,
    changed_orgs: &[i64],
) -> AppResult<()> {
    let columns = (portfolio_item::Column::Id, portfolio_item::Column::Revision);
    let mut items = Changed::<portfolio_item::Entity>::after(seen, columns, |i| i.id);
    while let Some(chunk) = items.next(db).await? {
        let ids: Vec<i64> = chunk.iter().map(|i| i.id).collect();
        let column = portfolio_participant::Column::ItemId;
        let mut participants =
            organizations_of::<portfolio_participant::Entity>(db, column, &ids, |p| {
                (p.item_id, p.organization_id)
            })
            .await?;
        engine.stage_items(
            chunk
                .into_iter()
                .map(|i| {
                    let who = participants.remove(&i.id).unwrap_or_default();
                    item_profile(i, who)
                })
                .collect(),
        );
    }
    if seen >= 0 {
        let held: Vec<i64> = changed_orgs
            .iter()
            .flat_map(|&o| engine.item_ids_of(o))
            .collect();
        for chunk in held.chunks(500) {
            let present: std::collections::HashSet<i64> = portfolio_item::Entity::find()
                .select_only()
                .column(portfolio_item::Column::Id)
                .filter(portfolio_item::Column::Id.is_in(chunk.to_vec()))
                .into_tuple::<i64>()
                .all(db)
                .await?
                .into_iter()
                .collect();
            for &id in chunk.iter().filter(|id| !present.contains(id)) {
                engine.remove_item(id);
            }
        }
    }
    Ok(())
}

/// A portfolio item row as matching sees it.
pub fn item_profile(i: portfolio_item::Model, participants: Vec<i64>) -> ItemProfile {
    ItemProfile {
        id: i.id,
        title: Localized {
            kk: i.title_kk,
            ru: i.title_ru,
            en: i.title_en,
        },
        summary: Localized {
            kk: i.abstract_kk,
            ru: i.abstract_ru,
            en: i.abstract_en,
        },
        keywords: i.keywords.0,
        year: i.year.or(i.start_date.map(|d| chrono::Datelike::year(&d))),
        members_only: i.members_only,
        participants,
    }
}

/// A need row as matching sees it.
pub fn need_profile(n: need::Model, shared_with: Vec<i64>) -> NeedProfile {
    NeedProfile {
        id: n.id,
        organization_id: n.organization_id,
        title: Localized {
            kk: n.title_kk,
            ru: n.title_ru,
            en: n.title_en,
        },
        description: Localized {
            kk: n.description_kk,
            ru: n.description_ru,
            en: n.description_en,
        },
        keywords: n.keywords.0,
        requirements: n.requirements.0,
        fields: n.fields.0,
        trl: (n.trl_min, n.trl_max),
        budget: (n.budget_min, n.budget_max),
        sector: n.sector,
        confidentiality: n.confidentiality,
        status: n.status,
        shared_with,
        matched_capability_id: n.matched_capability_id,
    }
}

/// A capability row as matching sees it.
pub fn capability_profile(c: capability::Model) -> CapabilityProfile {
    CapabilityProfile {
        id: c.id,
        organization_id: c.organization_id,
        title: Localized {
            kk: c.title_kk,
            ru: c.title_ru,
            en: c.title_en,
        },
        description: Localized {
            kk: c.description_kk,
            ru: c.description_ru,
            en: c.description_en,
        },
        keywords: c.keywords.0,
        equipment: c.equipment.0,
        fields: c.fields.0,
        trl: c.trl,
        price: (c.price_min, c.price_max),
        capacity: c.capacity,
        sectors: c.sectors.0,
        active: c.active,
    }
}

#[cfg(test)]
mod tests {
    use entity::region;

    use super::*;

    /// A first build reads every row once, in order, whether or not the count is a multiple of
    /// the chunk; a catch-up reads the rows above its revision.
    #[tokio::test]
    async fn changed_rows_are_read_chunk_by_chunk_without_gaps_or_repeats() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}/kopir.db", dir.path().display());
        let db = crate::db::connect(&url, 1).await.expect("connect");
        crate::db::migrate(&db).await.expect("migrate");
        // The 20 regions the migrations seed; their id stands in for a revision.
        let all: Vec<i64> = region::Entity::find()
            .order_by_asc(region::Column::Id)
            .all(&db)
            .await
            .expect("regions")
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(all.len(), 20);
        for (chunk, sizes) in [(3, vec![3, 3, 3, 3, 3, 3, 2]), (4, vec![4; 5])] {
            let columns = (region::Column::Id, region::Column::Id);
            let mut rows = Changed::<region::Entity>::after(UNBUILT, columns, |r| r.id);
            rows.chunk = chunk;
            let (mut seen, mut got) = (Vec::new(), Vec::new());
            while let Some(part) = rows.next(&db).await.expect("chunk") {
                got.push(part.len());
                seen.extend(part.iter().map(|r| r.id));
            }
            assert_eq!(got, sizes, "chunk {chunk}");
            assert_eq!(seen, all, "chunk {chunk}");
        }
        let columns = (region::Column::Id, region::Column::Id);
        let mut later = Changed::<region::Entity>::after(all[16], columns, |r| r.id);
        later.chunk = 2;
        let part = later.next(&db).await.expect("chunk").expect("rows");
        assert_eq!(part.iter().map(|r| r.id).collect::<Vec<_>>(), all[17..]);
        assert!(later.next(&db).await.expect("done").is_none());
    }
}
