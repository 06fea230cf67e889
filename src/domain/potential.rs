//! Region potential: a composite index ranking the 20 regions as candidates for science-city
//! status, from yearly statistics recorded by the Management Company and counts the platform
//! derives itself.
//!
//! Method (shown to clients with every result): each component is min–max normalised across
//! the 20 regions (the best region 1, the weakest 0; all equal gives 0), multiplied by its
//! weight, and the weighted mean is scaled to 0–100. A region without a recorded figure counts
//! 0 for it and is flagged.

use std::collections::HashMap;

use chrono::Utc;
use entity::{
    capability, deal, deal::DealStage, deal_party, organization, region, region_statistic,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, DatabaseConnection, EntityTrait as _,
    QueryFilter as _, QuerySelect as _, sea_query::OnConflict,
};

use super::{access::Access, indicators, programme, regions};
use crate::{
    db,
    error::{AppError, AppResult},
};

/// Components the platform counts itself (not recordable).
pub const DERIVED: [&str; 4] = ["ORGANIZATIONS", "CAPABILITIES", "DEALS", "INFRASTRUCTURE"];

/// Weights used when a request names none.
pub const DEFAULT_WEIGHTS: [(&str, f64); 8] = [
    ("RESEARCHERS", 20.0),
    ("RD_SPENDING", 20.0),
    ("GRP", 10.0),
    ("UNIVERSITIES", 10.0),
    ("ENTERPRISES", 10.0),
    ("ORGANIZATIONS", 10.0),
    ("CAPABILITIES", 10.0),
    ("DEALS", 10.0),
];

/// One component of a region's score.
#[derive(Debug, Clone)]
pub struct Component {
    /// Component name.
    pub name: String,
    /// Whether the platform derived it (else recorded statistics).
    pub derived: bool,
    /// Raw value, in thousandths; `None` when not recorded for the region and year.
    pub raw: Option<i64>,
    /// Min–max normalised value, 0..=1.
    pub normalized: f64,
    /// Its weight, as given (not normalised).
    pub weight: f64,
    /// Points it adds to the score: `normalized × weight / Σ weights × 100`.
    pub contribution: f64,
}

/// A ranked region.
#[derive(Debug, Clone)]
pub struct Ranked {
    /// Rank from 1.
    pub rank: usize,
    /// The region.
    pub region: region::Model,
    /// 0..=100, the sum of the contributions.
    pub score: f64,
    /// Every component.
    pub components: Vec<Component>,
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && name.len() <= 40
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Records (or replaces) named statistics of a region for a year. Platform admins only.
pub async fn record(
    db: &DatabaseConnection,
    access: &Access,
    region_code: &str,
    year: i32,
    values: Vec<(String, String)>,
) -> AppResult<Vec<region_statistic::Model>> {
    access.require_platform_admin()?;
    let region = regions::resolve(db, "regionCode", region_code).await?;
    if !(2000..=2100).contains(&year) {
        return Err(AppError::invalid("year", "a year between 2000 and 2100"));
    }
    if values.is_empty() || values.len() > 50 {
        return Err(AppError::invalid("values", "between 1 and 50 statistics"));
    }
    let mut parsed = Vec::with_capacity(values.len());
    for (name, value) in values {
        let name = name.trim().to_owned();
        if !valid_name(&name) {
            return Err(AppError::invalid(
                "values.name",
                "UPPER_SNAKE_CASE, up to 40 characters",
            ));
        }
        if DERIVED.contains(&name.as_str()) {
            return Err(AppError::invalid(
                "values.name",
                format!("{name} is counted by the platform"),
            ));
        }
        parsed.push((name, indicators::parse_figure("values.value", &value)?));
    }
    let txn = db::begin_write(db).await?;
    let mut out = Vec::with_capacity(parsed.len());
    use region_statistic::Column as C;
    for (name, value) in parsed {
        // One statement per value: simultaneous first writes of the same statistic cannot
        // collide on the unique (region, year, name) index; the last write wins.
        let row = region_statistic::ActiveModel {
            region_id: Set(region.id),
            year: Set(year),
            name: Set(name.clone()),
            value: Set(value),
            recorded_at: Set(Utc::now()),
            ..Default::default()
        };
        region_statistic::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([C::RegionId, C::Year, C::Name])
                    .update_columns([C::Value, C::RecordedAt])
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        out.push(
            region_statistic::Entity::find()
                .filter(C::RegionId.eq(region.id))
                .filter(C::Year.eq(year))
                .filter(C::Name.eq(name))
                .one(&txn)
                .await?
                .ok_or_else(|| AppError::missing_row("region statistic"))?,
        );
    }
    txn.commit().await?;
    Ok(out)
}

/// Raw values of a platform-derived component per region, in thousandths.
/// `region_of` maps each organisation to its region.
async fn derived(
    db: &impl ConnectionTrait,
    name: &str,
    year: i32,
    region_of: &HashMap<i64, i64>,
) -> AppResult<HashMap<i64, i64>> {
    let mut out: HashMap<i64, i64> = HashMap::new();
    match name {
        "ORGANIZATIONS" => {
            for region in region_of.values() {
                *out.entry(*region).or_default() += 1000;
            }
        }
        "CAPABILITIES" => {
            for c in capability::Entity::find()
                .filter(capability::Column::Active.eq(true))
                .all(db)
                .await?
            {
                if let Some(region) = region_of.get(&c.organization_id) {
                    *out.entry(*region).or_default() += 1000;
                }
            }
        }
        "INFRASTRUCTURE" => {
            // Infrastructure financing committed by the year's end to projects sited in the
            // region, in thousandths of a tenge like every KZT figure.
            for (region, tiyn) in programme::committed_by_region(db, year).await? {
                out.insert(region, tiyn.saturating_mul(10));
            }
        }
        _ => {
            // Deals signed in the year with a party in the region, each counted once per region.
            let (from, to) = (
                chrono::NaiveDate::from_ymd_opt(year, 1, 1)
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
                    .map(|d| d.and_utc()),
                chrono::NaiveDate::from_ymd_opt(year + 1, 1, 1)
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
                    .map(|d| d.and_utc()),
            );
            let deals: Vec<i64> = deal::Entity::find()
                .filter(deal::Column::SignedAt.gte(from))
                .filter(deal::Column::SignedAt.lt(to))
                .filter(deal::Column::Stage.is_in([
                    DealStage::Signed,
                    DealStage::InExecution,
                    DealStage::Completed,
                ]))
                .all(db)
                .await?
                .into_iter()
                .map(|d| d.id)
                .collect();
            let mut seen = std::collections::HashSet::new();
            for p in deal_party::Entity::find()
                .filter(deal_party::Column::DealId.is_in(deals))
                .all(db)
                .await?
            {
                if let Some(region) = region_of.get(&p.organization_id)
                    && seen.insert((p.deal_id, *region))
                {
                    *out.entry(*region).or_default() += 1000;
                }
            }
        }
    }
    Ok(out)
}

/// Ranks the 20 regions for `year` with `weights` (the defaults when `None`). Public.
pub async fn rank(
    db: &impl ConnectionTrait,
    year: i32,
    weights: Option<Vec<(String, f64)>>,
) -> AppResult<Vec<Ranked>> {
    let weights: Vec<(String, f64)> = match weights {
        Some(w) => w,
        None => DEFAULT_WEIGHTS
            .iter()
            .map(|(n, w)| ((*n).to_owned(), *w))
            .collect(),
    };
    let mut names = std::collections::HashSet::new();
    for (name, weight) in &weights {
        if !valid_name(name) || !names.insert(name.clone()) {
            return Err(AppError::invalid(
                "weights.name",
                "distinct UPPER_SNAKE_CASE component names",
            ));
        }
        if !weight.is_finite() || *weight < 0.0 {
            return Err(AppError::invalid(
                "weights.weight",
                "weights are numbers ≥ 0",
            ));
        }
    }
    let total: f64 = weights.iter().map(|(_, w)| w).sum();
    if weights.is_empty() || total <= 0.0 {
        return Err(AppError::invalid("weights", "at least one positive weight"));
    }
    // A component is a derived one, a default one, or a statistic recorded for some year; any
    // other name is a typo that would score every region 0. Only a name outside the first two
    // costs a look at what has been recorded.
    let built_in = |n: &str| DERIVED.contains(&n) || DEFAULT_WEIGHTS.iter().any(|(d, _)| *d == n);
    if weights.iter().any(|(n, _)| !built_in(n)) {
        let recorded: Vec<String> = region_statistic::Entity::find()
            .select_only()
            .column(region_statistic::Column::Name)
            .distinct()
            .into_tuple()
            .all(db)
            .await?;
        if let Some((name, _)) = weights
            .iter()
            .find(|(n, _)| !built_in(n) && !recorded.contains(n))
        {
            let mut known: Vec<&str> = DERIVED.to_vec();
            known.extend(DEFAULT_WEIGHTS.iter().map(|(n, _)| *n));
            known.extend(recorded.iter().map(String::as_str));
            known.sort_unstable();
            known.dedup();
            return Err(AppError::invalid(
                "weights.name",
                format!("no component `{name}`; known: {}", known.join(", ")),
            ));
        }
    }
    let regions = regions::list(db).await?;
    let stats = region_statistic::Entity::find()
        .filter(region_statistic::Column::Year.eq(year))
        .all(db)
        .await?;
    let region_of: HashMap<i64, i64> = if weights.iter().any(|(n, _)| DERIVED.contains(&n.as_str()))
    {
        organization::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .filter_map(|o| Some((o.id, o.region_id?)))
            .collect()
    } else {
        HashMap::new()
    };
    let mut raw: HashMap<String, HashMap<i64, i64>> = HashMap::new();
    for (name, _) in &weights {
        let values = if DERIVED.contains(&name.as_str()) {
            derived(db, name, year, &region_of).await?
        } else {
            stats
                .iter()
                .filter(|s| &s.name == name)
                .map(|s| (s.region_id, s.value))
                .collect()
        };
        raw.insert(name.clone(), values);
    }
    // Per component: every region's value (missing counts 0) and the range across regions.
    let ranges: HashMap<&str, (i64, i64)> = weights
        .iter()
        .map(|(name, _)| {
            let values = &raw[name];
            let all = regions
                .iter()
                .map(|r| values.get(&r.id).copied().unwrap_or(0));
            let (min, max) = all.fold((i64::MAX, i64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
            (name.as_str(), (min, max))
        })
        .collect();
    let mut ranked: Vec<Ranked> = regions
        .iter()
        .map(|region| {
            let components: Vec<Component> = weights
                .iter()
                .map(|(name, weight)| {
                    let derived = DERIVED.contains(&name.as_str());
                    let own = raw[name].get(&region.id).copied().or(derived.then_some(0));
                    let (min, max) = ranges[name.as_str()];
                    let normalized = if max > min {
                        (own.unwrap_or(0) - min) as f64 / (max - min) as f64
                    } else {
                        0.0
                    };
                    Component {
                        name: name.clone(),
                        derived,
                        raw: own,
                        normalized,
                        weight: *weight,
                        contribution: normalized * weight / total * 100.0,
                    }
                })
                .collect();
            Ranked {
                rank: 0,
                score: components.iter().map(|c| c.contribution).sum(),
                region: region.clone(),
                components,
            }
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.region.code.cmp(&b.region.code))
    });
    for (i, r) in ranked.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    Ok(ranked)
}
