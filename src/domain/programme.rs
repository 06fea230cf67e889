//! Programme figures: what the infrastructure programme of a science city (or of every project
//! sited in a region) stands at by the end of a year — money by source pledged, committed and
//! disbursed, the private and PPP shares, leverage of budget money, projects by stage, projects
//! behind schedule and floor area commissioned.
//!
//! Every figure is as of one date: the year's last day, or today for the current year. Money
//! counts by its dates (pledged on, committed on, paid on) and stages are read back from the
//! append-only history, so a past year's figures do not move when later work is recorded.
//! Amounts are exact tiyn; shares are thousandths of a percent, as in `indicators`.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use entity::{
    infrastructure_disbursement as disbursement,
    infrastructure_financing::{self as financing, InvestmentSource},
    infrastructure_history as history, infrastructure_milestone as milestone,
    infrastructure_project::{self as project, InfrastructureStage},
};
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, EntityTrait as _, Iterable as _, QueryFilter as _,
    QueryOrder as _,
};

use super::money::percent;
use crate::error::AppResult;

/// Whose programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The projects of a science city.
    ScienceCity(i64),
    /// The projects sited in a region.
    Region(i64),
}

/// Money by the date, in tiyn.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Amounts {
    /// Pledged by the date.
    pub pledged: i64,
    /// Committed by the date.
    pub committed: i64,
    /// Paid by the date.
    pub disbursed: i64,
}

/// A programme's figures as of one date.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// The date they stand at.
    pub as_of: NaiveDate,
    /// Projects recorded by then.
    pub projects: usize,
    /// Their total cost, in tiyn.
    pub total_cost: i64,
    /// Money by source, every source listed.
    pub by_source: Vec<(InvestmentSource, Amounts)>,
    /// Everything pledged, committed, disbursed.
    pub total: Amounts,
    /// Private money's share of what is committed, thousandths of a percent.
    pub private_share: Option<i64>,
    /// PPP money's share of what is committed, thousandths of a percent.
    pub ppp_share: Option<i64>,
    /// IFI, private and PPP money committed per tenge of budget money committed, in
    /// hundredths; `None` without budget money.
    pub leverage: Option<i64>,
    /// Projects by the stage they were in, every stage listed.
    pub by_stage: Vec<(InfrastructureStage, usize)>,
    /// Projects with a planned milestone date passed and the stage not reached (cancelled ones
    /// aside), by id.
    pub behind_schedule: Vec<i64>,
    /// Floor area of projects commissioned or operating, in square metres.
    pub commissioned_floor_area_m2: i64,
}

/// The date a year's figures stand at: its last day, or today while it runs.
pub fn as_of(year: i32) -> NaiveDate {
    let end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX);
    end.min(Utc::now().date_naive())
}

/// The programme of `scope` as of the end of `year`.
pub async fn figures(db: &impl ConnectionTrait, scope: Scope, year: i32) -> AppResult<Figures> {
    let as_of = as_of(year);
    let end = as_of
        .succ_opt()
        .unwrap_or(as_of)
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc());
    let select = match scope {
        Scope::ScienceCity(id) => {
            project::Entity::find().filter(project::Column::ScienceCityId.eq(id))
        }
        Scope::Region(id) => project::Entity::find().filter(project::Column::RegionId.eq(id)),
    };
    let projects = select
        .filter(project::Column::CreatedAt.lt(end))
        .order_by_asc(project::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i64> = projects.iter().map(|p| p.id).collect();

    // Each project's stage as of the date: the last history entry written by then.
    let mut stage: HashMap<i64, InfrastructureStage> = HashMap::new();
    for h in history::Entity::find()
        .filter(history::Column::ProjectId.is_in(ids.clone()))
        .filter(history::Column::At.lt(end))
        .order_by_asc(history::Column::Version)
        .all(db)
        .await?
    {
        stage.insert(h.project_id, h.to_stage);
    }
    let by_stage = InfrastructureStage::iter()
        .map(|s| (s, stage.values().filter(|&&v| v == s).count()))
        .collect();
    let mut behind_schedule: Vec<i64> = milestone::Entity::find()
        .filter(milestone::Column::ProjectId.is_in(ids.clone()))
        .filter(milestone::Column::PlannedOn.lt(as_of))
        .all(db)
        .await?
        .into_iter()
        .filter(|m| m.reached_on.is_none_or(|r| r > as_of))
        .filter(|m| stage.get(&m.project_id) != Some(&InfrastructureStage::Cancelled))
        .map(|m| m.project_id)
        .collect();
    behind_schedule.sort_unstable();
    behind_schedule.dedup();
    let commissioned_floor_area_m2 = projects
        .iter()
        .filter(|p| {
            matches!(
                stage.get(&p.id),
                Some(InfrastructureStage::Commissioned | InfrastructureStage::Operating)
            )
        })
        .filter_map(|p| p.floor_area_m2)
        .sum();

    let commitments = financing::Entity::find()
        .filter(financing::Column::ProjectId.is_in(ids.clone()))
        .all(db)
        .await?;
    let source_of: HashMap<i64, InvestmentSource> =
        commitments.iter().map(|f| (f.id, f.source)).collect();
    let mut by_source: Vec<(InvestmentSource, Amounts)> = InvestmentSource::iter()
        .map(|source| (source, Amounts::default()))
        .collect();
    // `by_source` lists the sources in declaration order.
    let slot = |s: InvestmentSource| InvestmentSource::iter().position(|x| x == s).unwrap_or(0);
    for f in &commitments {
        let amounts = &mut by_source[slot(f.source)].1;
        if f.pledged_on <= as_of {
            amounts.pledged += f.pledged;
        }
        if f.committed_on.is_some_and(|d| d <= as_of) {
            amounts.committed += f.committed;
        }
    }
    for d in disbursement::Entity::find()
        .filter(disbursement::Column::ProjectId.is_in(ids))
        .filter(disbursement::Column::PaidOn.lte(as_of))
        .all(db)
        .await?
    {
        if let Some(&source) = source_of.get(&d.financing_id) {
            by_source[slot(source)].1.disbursed += d.amount;
        }
    }
    let committed = |only: &dyn Fn(InvestmentSource) -> bool| -> i64 {
        by_source
            .iter()
            .filter(|(s, _)| only(*s))
            .map(|(_, a)| a.committed)
            .sum()
    };
    let total = Amounts {
        pledged: by_source.iter().map(|(_, a)| a.pledged).sum(),
        committed: committed(&|_| true),
        disbursed: by_source.iter().map(|(_, a)| a.disbursed).sum(),
    };
    let budget = committed(&|s| s.is_budget());
    let leveraged = committed(&|s| {
        matches!(
            s,
            InvestmentSource::Ifi | InvestmentSource::Private | InvestmentSource::Ppp
        )
    });
    let private_share = percent(
        committed(&|s| s == InvestmentSource::Private),
        total.committed,
    );
    let ppp_share = percent(committed(&|s| s == InvestmentSource::Ppp), total.committed);
    Ok(Figures {
        as_of,
        projects: projects.len(),
        total_cost: projects.iter().map(|p| p.total_cost).sum(),
        private_share,
        ppp_share,
        leverage: ratio(leveraged, budget),
        by_source,
        total,
        by_stage,
        behind_schedule,
        commissioned_floor_area_m2,
    })
}

/// Financing committed by the end of `year` to the projects sited in each region, in tiyn.
pub async fn committed_by_region(
    db: &impl ConnectionTrait,
    year: i32,
) -> AppResult<HashMap<i64, i64>> {
    let region_of: HashMap<i64, i64> = project::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.region_id))
        .collect();
    let mut out: HashMap<i64, i64> = HashMap::new();
    for f in financing::Entity::find()
        .filter(financing::Column::CommittedOn.lte(as_of(year)))
        .all(db)
        .await?
    {
        if let Some(&region) = region_of.get(&f.project_id) {
            *out.entry(region).or_default() += f.committed;
        }
    }
    Ok(out)
}

/// `part / whole` in hundredths, rounded half up; `None` when `whole` is 0.
fn ratio(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| {
        let (part, whole) = (i128::from(part), i128::from(whole));
        i64::try_from((part * 200 + whole) / (2 * whole)).unwrap_or(i64::MAX)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leverage_is_exact_hundredths() {
        assert_eq!(ratio(3, 2), Some(150));
        assert_eq!(ratio(1, 3), Some(33));
        assert_eq!(ratio(2, 3), Some(67));
        assert_eq!(ratio(5, 0), None);
    }
}
