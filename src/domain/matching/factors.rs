//! The value of each factor that depends on the pair alone (fields, TRL, budget, reciprocity),
//! in 0..=1 with the detail that explains it.

use super::{
    CapabilityProfile, NeedProfile,
    explain::{Detail, Phrase},
};

/// How close two FOS codes are: the same code 1, one the parent of the other 0.75, the same
/// major field 0.5, else 0.
fn field_proximity(a: &str, b: &str) -> f64 {
    let major = |c: &str| c.split('.').next().unwrap_or(c).to_owned();
    if a == b {
        1.0
    } else if major(a) == b || major(b) == a {
        0.75
    } else if major(a) == major(b) {
        0.5
    } else {
        0.0
    }
}

pub(super) fn fields_factor(need: &[String], cap: &[String]) -> (f64, Detail) {
    if need.is_empty() || cap.is_empty() {
        return (0.5, Detail::Fixed(Phrase::NoFields));
    }
    let mut parts = Vec::with_capacity(need.len());
    let mut total = 0.0;
    for n in need {
        let (best, with) = cap
            .iter()
            .map(|c| (field_proximity(n, c), c))
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .unwrap_or((0.0, n));
        total += best;
        parts.push((n.clone(), best, with.clone()));
    }
    (total / need.len() as f64, Detail::Fields(parts))
}

pub(super) fn trl_factor(window: (Option<i16>, Option<i16>), trl: Option<i16>) -> (f64, Detail) {
    let Some(trl) = trl else {
        return (0.5, Detail::Fixed(Phrase::NoTrl));
    };
    if window == (None, None) {
        return (0.5, Detail::Fixed(Phrase::NoTrlWindow));
    }
    let (lo, hi) = (window.0.unwrap_or(1), window.1.unwrap_or(9));
    let value = if trl < lo {
        (1.0 - f64::from(lo - trl) / 3.0).max(0.0)
    } else if trl > hi {
        0.7
    } else {
        1.0
    };
    (
        value,
        Detail::Trl {
            trl,
            window: (lo, hi),
        },
    )
}

pub(super) fn budget_factor(
    budget: (Option<i64>, Option<i64>),
    price: (Option<i64>, Option<i64>),
) -> (f64, Detail) {
    let Some(ceiling) = budget.1 else {
        return (0.5, Detail::Fixed(Phrase::NoBudget));
    };
    if price == (None, None) {
        return (0.5, Detail::Fixed(Phrase::NoPrice));
    }
    let low = price.0.unwrap_or(0);
    let high = price.1.unwrap_or(low);
    // The share of the price range inside the budget: all of it, none of it (the floor is
    // above the ceiling, also when only a floor is given), or the part below the ceiling.
    let within = if high <= ceiling {
        1.0
    } else if low >= ceiling {
        0.0
    } else {
        (ceiling - low) as f64 / (high - low) as f64
    };
    (
        within,
        Detail::Budget {
            low,
            high,
            ceiling,
            within,
        },
    )
}

/// The capability owner's side: do they serve the need's sector, and does the budget leave
/// room above their minimum fee?
pub(super) fn reciprocity_factor(
    need: &NeedProfile,
    cap: &CapabilityProfile,
    teaser: bool,
) -> (f64, Detail) {
    let sector = match need.sector {
        _ if cap.sectors.is_empty() => 1.0,
        None => 0.5,
        Some(s) if cap.sectors.contains(&s) => 1.0,
        Some(_) => 0.0,
    };
    let ratio = match (teaser, cap.price.0, need.budget.1) {
        (false, Some(min), Some(ceiling)) if min > 0 => Some(ceiling as f64 / min as f64),
        _ => None,
    };
    let fee = ratio.map_or(0.5, |r| (r - 1.0).clamp(0.0, 1.0));
    (
        (sector + fee) / 2.0,
        Detail::Reciprocity {
            sector: (sector, need.sector.filter(|_| !cap.sectors.is_empty())),
            fee: ratio,
            teaser,
        },
    )
}
