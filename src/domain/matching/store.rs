//! Keeps the in-memory [`Engine`] equal to the database.
//!
//! Every write to a need, capability or organisation takes the next value of the one-row
//! `matching_revision` counter inside its transaction ([`bump`]) and stores it on the row. The
//! counter's row lock orders those transactions, so once revision `r` is committed every row
//! with a revision up to `r` is too. Before each matching query, [`Matcher::current`] reads the
//! counter (one indexed statement) and, if it moved, loads only the rows above the revision the
//! engine has seen. The same code builds the engine at start-up (from revision 0), so there is
//! one path, it works across replicas, and results never lag a committed write.

use std::collections::HashMap;

use entity::{capability, need, need_share, organization};
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, DatabaseConnection, EntityTrait as _, QueryFilter as _,
    Statement,
};
use tokio::sync::{RwLock, RwLockReadGuard};

use super::{CapabilityProfile, Engine, NeedProfile, Place, Weights};
use crate::{
    domain::text::Localized,
    error::{AppError, AppResult},
};

struct State {
    engine: Engine,
    revision: i64,
}

/// The engine and the revision it reflects.
pub struct Matcher {
    state: RwLock<State>,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Matcher")
    }
}

/// Takes the next matching revision inside the write transaction `txn`; store it on the row.
pub async fn bump(txn: &impl ConnectionTrait) -> AppResult<i64> {
    let row = txn
        .query_one_raw(Statement::from_string(
            txn.get_database_backend(),
            "UPDATE matching_revision SET value = value + 1 WHERE id = 1 RETURNING value",
        ))
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
                revision: -1,
            }),
        }
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
            let newest = load_changes(db, &mut state.engine, seen).await?;
            state.revision = newest.max(committed);
            tracing::debug!(
                from = seen,
                to = state.revision,
                "matching index synchronised"
            );
        }
        Ok(RwLockReadGuard::map(state.downgrade(), |s| &s.engine))
    }
}

/// Applies every row changed after revision `seen`; returns the newest revision applied.
async fn load_changes(db: &DatabaseConnection, engine: &mut Engine, seen: i64) -> AppResult<i64> {
    let mut newest = seen;
    let orgs = organization::Entity::find()
        .filter(organization::Column::MatchingRevision.gt(seen))
        .all(db)
        .await?;
    for org in orgs {
        newest = newest.max(org.matching_revision);
        engine.set_place(
            org.id,
            Place {
                region_id: org.region_id,
                science_city_id: org.science_city_id,
            },
        );
    }
    let caps = capability::Entity::find()
        .filter(capability::Column::Revision.gt(seen))
        .all(db)
        .await?;
    newest = caps.iter().map(|c| c.revision).fold(newest, i64::max);
    engine.upsert_capabilities(caps.into_iter().map(capability_profile).collect());

    let needs = need::Entity::find()
        .filter(need::Column::Revision.gt(seen))
        .all(db)
        .await?;
    newest = needs.iter().map(|n| n.revision).fold(newest, i64::max);
    let mut shares: HashMap<i64, Vec<i64>> = HashMap::new();
    // Shares change only with their need (and its revision), so they are loaded with it; in
    // chunks, as databases cap the parameters of one statement.
    for chunk in needs.chunks(500) {
        let ids: Vec<i64> = chunk.iter().map(|n| n.id).collect();
        for share in need_share::Entity::find()
            .filter(need_share::Column::NeedId.is_in(ids))
            .all(db)
            .await?
        {
            shares
                .entry(share.need_id)
                .or_default()
                .push(share.organization_id);
        }
    }
    engine.upsert_needs(
        needs
            .into_iter()
            .map(|n| {
                let shared = shares.remove(&n.id).unwrap_or_default();
                need_profile(n, shared)
            })
            .collect(),
    );
    Ok(newest)
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
