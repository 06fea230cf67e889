//! Target indicators per science city and year: targets and critical levels set by the
//! Management Company, actuals computed from the platform's own data (or reported for the few
//! the platform cannot see), and a status for each.
//!
//! Figures are stored as integers in thousandths of the indicator's unit, so computed shares
//! stay exact whatever precision a unit is shown at; they are read and written at their
//! [`Unit`]'s precision (KZT with two decimals like every amount of money, counts whole,
//! percentages with two decimals).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    deal::{self, DealStage, DealType},
    deal_financing::{self, FinancingSource},
    deal_party,
    indicator::{self, IndicatorMethod},
    indicator_target, indicator_value, meeting,
    meeting::MeetingStatus,
    meeting_report::MeetingOutcome,
    need,
    organization::{self, OrganizationKind},
    session, session_registration,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, DatabaseConnection, EntityTrait as _,
    QueryFilter as _, QueryOrder as _, sea_query::OnConflict,
};

use super::{
    access::Access,
    money::{self, percent},
    outcomes::{self, MeetingRules, Settled, Verdict},
    programme, references,
    text::{self, Shape},
};

/// Longest note on a reported figure, in characters.
const NOTE_MAX: usize = 2000;
use crate::error::{AppError, AppResult, Reason};

/// The indicators the platform computes from its own data, by their seeded `code`. The
/// migrations seed one `COMPUTED` indicator row per variant; a test checks both ways.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::EnumIter, strum::IntoStaticStr,
)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum Computed {
    /// Deals of the science city signed in the year and not called off.
    DealsSigned,
    /// The sum of those deals' values.
    DealVolume,
    /// The share of private financing in those deals.
    PrivateFinancingShare,
    /// The share of public–private partnership financing in those deals.
    PppFinancingShare,
    /// Sessions of the science city that started in the year.
    SessionsHeld,
    /// Meetings of those sessions that took place, by their parties' reports.
    MeetingsHeld,
    /// Enterprises that posted a need, registered for a session or signed a deal.
    EnterprisesEngaged,
    /// Needs posted in the year that reached a booked meeting.
    NeedToMeetingConversion,
    /// Meetings held that led to a recorded deal.
    MeetingToDealConversion,
    /// Spin-off deals among those signed.
    SpinOffs,
    /// Booked meetings of those sessions, their slot over, that a party reports nobody came to
    /// and neither reports held.
    MeetingNoShowRate,
    /// Meetings held whose furthest reported outcome is a planned follow-up or more.
    MeetingFollowUpConversion,
    /// Infrastructure financing committed by the year's end (see `programme`).
    InfrastructureCommitted,
    /// Infrastructure financing disbursed by the year's end.
    InfrastructureDisbursed,
    /// Private money's share of the infrastructure financing committed.
    InfrastructurePrivateShare,
    /// PPP money's share of the infrastructure financing committed.
    InfrastructurePppShare,
    /// Infrastructure projects behind schedule at the year's end.
    InfrastructureBehindSchedule,
}

/// How an actual compares with its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// At or above the target.
    OnTrack,
    /// Below the target, at or above the critical level.
    AtRisk,
    /// Below the critical level.
    BelowCritical,
}

/// One line of a report.
#[derive(Debug, Clone)]
pub struct Line {
    /// The indicator.
    pub indicator: indicator::Model,
    /// Its target for the city and year, if set.
    pub target: Option<indicator_target::Model>,
    /// Its unit.
    pub unit: Unit,
    /// The actual, in thousandths rounded to the unit's precision; `None` when there is
    /// nothing to compute it from.
    pub actual: Option<i64>,
    /// How the actual was obtained, in words.
    pub basis: String,
    /// Status, when both target and actual exist.
    pub status: Option<Status>,
}

/// An indicator's unit, which sets how precisely its figures are written and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Whole things counted: no decimals.
    Count,
    /// Tenge: two decimals, as every amount of money.
    Kzt,
    /// Percentages: two decimals.
    Percent,
}

impl Unit {
    /// The unit of an indicator (the migrations seed `count`, `KZT` and `percent`; a test
    /// reads every seeded one through this).
    pub fn of(indicator: &indicator::Model) -> AppResult<Unit> {
        match indicator.unit.as_str() {
            "count" => Ok(Unit::Count),
            "KZT" => Ok(Unit::Kzt),
            "percent" => Ok(Unit::Percent),
            other => Err(AppError::Internal(anyhow::anyhow!(
                "indicator {} has the unknown unit {other:?}",
                indicator.code
            ))),
        }
    }

    fn places(self) -> u32 {
        match self {
            Unit::Count => 0,
            Unit::Kzt | Unit::Percent => 2,
        }
    }

    /// Thousandths per last written digit.
    fn step(self) -> i64 {
        10_i64.pow(3 - self.places())
    }

    /// Parses a figure written at this unit's precision into thousandths.
    pub fn parse(self, field: &'static str, text: &str) -> AppResult<i64> {
        let expected = match self {
            Unit::Count => "a whole number, such as \"12\"",
            Unit::Kzt => "an amount in KZT with at most two decimals, such as \"1500000.00\"",
            Unit::Percent => "a percentage with at most two decimals, such as \"12.5\"",
        };
        money::parse_scaled(field, text, self.places() as usize)
            .ok()
            .and_then(|v| v.checked_mul(self.step()))
            .ok_or_else(|| AppError::invalid(field, expected))
    }

    /// Thousandths rounded (half up) to this unit's precision, still in thousandths: what a
    /// reader sees, so a status never disagrees with the figures shown beside it.
    pub fn round(self, thousandths: i64) -> i64 {
        let step = self.step();
        (thousandths + step / 2).div_euclid(step) * step
    }

    /// Thousandths written at this unit's precision.
    pub fn format(self, thousandths: i64) -> String {
        money::format_scaled(
            self.round(thousandths) / self.step(),
            self.places() as usize,
        )
    }
}

/// Parses a figure given as a decimal string (up to three decimals) into thousandths.
pub fn parse_figure(field: &'static str, text: &str) -> AppResult<i64> {
    money::parse_scaled(field, text, 3)
}

/// Formats thousandths as a decimal string.
pub fn format_figure(value: i64) -> String {
    money::format_scaled(value, 3)
}

fn status(actual: i64, target: &indicator_target::Model, lower_is_better: bool) -> Status {
    // Where less is better, mirror the figures so one comparison serves both.
    let sign = if lower_is_better { -1 } else { 1 };
    let (actual, goal, critical) = (actual * sign, target.target * sign, target.critical * sign);
    if actual >= goal {
        Status::OnTrack
    } else if actual >= critical {
        Status::AtRisk
    } else {
        Status::BelowCritical
    }
}

async fn indicator_by_code(db: &impl ConnectionTrait, code: &str) -> AppResult<indicator::Model> {
    indicator::Entity::find()
        .filter(indicator::Column::Code.eq(code.trim()))
        .one(db)
        .await?
        .ok_or_else(|| AppError::invalid("indicatorCode", "no indicator with this code"))
}

async fn check_city_and_year(db: &impl ConnectionTrait, city: i64, year: i32) -> AppResult<()> {
    references::science_city(db, "scienceCityId", city).await?;
    if !(2000..=2100).contains(&year) {
        return Err(AppError::invalid("year", "a year between 2000 and 2100"));
    }
    Ok(())
}

/// What `setIndicatorTarget` receives.
#[derive(Debug, Clone)]
pub struct NewTarget {
    /// Indicator code.
    pub code: String,
    /// Science city.
    pub city: i64,
    /// Year.
    pub year: i32,
    /// Target, decimal string.
    pub target: String,
    /// Critical level, decimal string.
    pub critical: String,
    /// Demo data rather than an official figure.
    pub is_demo: bool,
}

/// Sets (or replaces) a target and critical level. Platform admins only.
pub async fn set_target(
    db: &DatabaseConnection,
    access: &Access,
    input: NewTarget,
) -> AppResult<(Unit, indicator_target::Model)> {
    access.require_platform_admin()?;
    let (city, year, is_demo) = (input.city, input.year, input.is_demo);
    let indicator = indicator_by_code(db, &input.code).await?;
    check_city_and_year(db, city, year).await?;
    let unit = Unit::of(&indicator)?;
    let target = unit.parse("target", &input.target)?;
    let critical = unit.parse("critical", &input.critical)?;
    if indicator.lower_is_better && critical < target {
        return Err(AppError::invalid(
            "critical",
            "where less is better, the critical level cannot be below the target",
        ));
    }
    if !indicator.lower_is_better && critical > target {
        return Err(AppError::invalid(
            "critical",
            "the critical level cannot exceed the target",
        ));
    }
    // One statement, so simultaneous first writes of the same key cannot collide: the unique
    // (indicator, city, year) index decides, and the last write wins.
    let row = indicator_target::ActiveModel {
        indicator_id: Set(indicator.id),
        science_city_id: Set(city),
        year: Set(year),
        target: Set(target),
        critical: Set(critical),
        is_demo: Set(is_demo),
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    use indicator_target::Column as C;
    indicator_target::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([C::IndicatorId, C::ScienceCityId, C::Year])
                .update_columns([C::Target, C::Critical, C::IsDemo, C::UpdatedAt])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    let row = indicator_target::Entity::find()
        .filter(C::IndicatorId.eq(indicator.id))
        .filter(C::ScienceCityId.eq(city))
        .filter(C::Year.eq(year))
        .one(db)
        .await?
        .ok_or_else(|| AppError::missing_row("indicator target"))?;
    Ok((unit, row))
}

/// Records a reported actual (for `REPORTED` indicators). Platform admins only.
pub async fn record_value(
    db: &DatabaseConnection,
    access: &Access,
    code: &str,
    city: i64,
    year: i32,
    value: &str,
    note: Option<String>,
) -> AppResult<(Unit, indicator_value::Model)> {
    let user = access.user_id()?;
    access.require_platform_admin()?;
    let indicator = indicator_by_code(db, code).await?;
    if indicator.method != IndicatorMethod::Reported {
        return Err(AppError::rule(
            Some("indicatorCode"),
            Reason::ComputedIndicator,
            "this indicator is computed from the platform's data and cannot be reported",
        ));
    }
    check_city_and_year(db, city, year).await?;
    let unit = Unit::of(&indicator)?;
    let value = unit.parse("value", value)?;
    let note = match note {
        Some(note) => text::clean("note", &note, NOTE_MAX, Shape::Long)?,
        None => None,
    };
    // One statement, as for targets: the unique (indicator, city, year) index decides.
    let row = indicator_value::ActiveModel {
        indicator_id: Set(indicator.id),
        science_city_id: Set(city),
        year: Set(year),
        value: Set(value),
        note: Set(note),
        recorded_by: Set(user),
        recorded_at: Set(Utc::now()),
        ..Default::default()
    };
    use indicator_value::Column as C;
    indicator_value::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([C::IndicatorId, C::ScienceCityId, C::Year])
                .update_columns([C::Value, C::Note, C::RecordedBy, C::RecordedAt])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    let row = indicator_value::Entity::find()
        .filter(C::IndicatorId.eq(indicator.id))
        .filter(C::ScienceCityId.eq(city))
        .filter(C::Year.eq(year))
        .one(db)
        .await?
        .ok_or_else(|| AppError::missing_row("indicator value"))?;
    Ok((unit, row))
}

/// The UTC instants bounding `year`.
fn year_bounds(year: i32) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = |y| {
        NaiveDate::from_ymd_opt(y, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc())
            .unwrap_or_default()
    };
    (start(year), start(year + 1))
}

/// Every indicator for a science city and year, with targets, actuals and status. Public.
pub async fn report(
    db: &impl ConnectionTrait,
    rules: &MeetingRules,
    city: i64,
    year: i32,
) -> AppResult<Vec<Line>> {
    check_city_and_year(db, city, year).await?;
    let (from, to) = year_bounds(year);
    let now = Utc::now();

    // Deals counted for the city, signed in the year, not called off since.
    let deals: Vec<deal::Model> = deal::Entity::find()
        .filter(deal::Column::ScienceCityId.eq(city))
        .filter(deal::Column::SignedAt.gte(from))
        .filter(deal::Column::SignedAt.lt(to))
        .filter(deal::Column::Stage.is_in([
            DealStage::Signed,
            DealStage::InExecution,
            DealStage::Completed,
        ]))
        .all(db)
        .await?;
    let deal_ids: Vec<i64> = deals.iter().map(|d| d.id).collect();
    let financing = deal_financing::Entity::find()
        .filter(deal_financing::Column::DealId.is_in(deal_ids.clone()))
        .all(db)
        .await?;
    let financed: i64 = financing.iter().map(|f| f.amount).sum();
    let by_source = |s: FinancingSource| {
        financing
            .iter()
            .filter(|f| f.source == s)
            .map(|f| f.amount)
            .sum::<i64>()
    };

    // Sessions of the city that started in the year (and have started).
    let sessions: Vec<session::Model> = session::Entity::find()
        .filter(session::Column::ScienceCityId.eq(city))
        .filter(session::Column::StartsAt.gte(from))
        .filter(session::Column::StartsAt.lt(to))
        .filter(session::Column::StartsAt.lte(now))
        .all(db)
        .await?;
    let session_ids: Vec<i64> = sessions.iter().map(|s| s.id).collect();
    let booked: Vec<meeting::Model> = meeting::Entity::find()
        .filter(meeting::Column::SessionId.is_in(session_ids.clone()))
        .filter(meeting::Column::Status.eq(MeetingStatus::Booked))
        .all(db)
        .await?;
    let by_id: HashMap<i64, session::Model> = sessions.iter().map(|s| (s.id, s.clone())).collect();
    let settled = outcomes::settle(db, rules, booked, &by_id).await?;
    let over: Vec<&Settled> = settled
        .iter()
        .filter(|s| s.verdict != Verdict::Upcoming)
        .collect();
    let meetings: Vec<&Settled> = over
        .iter()
        .copied()
        .filter(|s| s.verdict == Verdict::Held)
        .collect();
    let no_shows = over
        .iter()
        .filter(|s| s.no_show && s.verdict == Verdict::NotHeld)
        .count();
    let followed_up = meetings
        .iter()
        .filter(|s| s.outcome >= Some(MeetingOutcome::FollowUpPlanned))
        .count();
    let meeting_ids: HashSet<i64> = meetings.iter().map(|s| s.meeting.id).collect();
    let meetings_with_deal = deal::Entity::find()
        .filter(deal::Column::MeetingId.is_in(meeting_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|d| d.meeting_id)
        .collect::<HashSet<i64>>()
        .len();

    // The city's organisations, enterprises among them.
    let orgs = organization::Entity::find()
        .filter(organization::Column::ScienceCityId.eq(city))
        .all(db)
        .await?;
    let org_ids: Vec<i64> = orgs.iter().map(|o| o.id).collect();
    let enterprises: HashSet<i64> = orgs
        .iter()
        .filter(|o| o.kind == OrganizationKind::Enterprise)
        .map(|o| o.id)
        .collect();
    let needs = need::Entity::find()
        .filter(need::Column::OrganizationId.is_in(org_ids.clone()))
        .filter(need::Column::CreatedAt.gte(from))
        .filter(need::Column::CreatedAt.lt(to))
        .all(db)
        .await?;
    let needs_met: HashSet<i64> = meeting::Entity::find()
        .filter(meeting::Column::NeedId.is_in(needs.iter().map(|n| n.id)))
        .filter(meeting::Column::Status.eq(MeetingStatus::Booked))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|m| m.need_id)
        .collect();
    let mut engaged: HashSet<i64> = needs.iter().map(|n| n.organization_id).collect();
    engaged.extend(
        session_registration::Entity::find()
            .filter(session_registration::Column::OrganizationId.is_in(org_ids.clone()))
            .filter(session_registration::Column::CreatedAt.gte(from))
            .filter(session_registration::Column::CreatedAt.lt(to))
            .all(db)
            .await?
            .into_iter()
            .map(|r| r.organization_id),
    );
    engaged.extend(
        deal_party::Entity::find()
            .filter(deal_party::Column::DealId.is_in(deal_ids.clone()))
            .all(db)
            .await?
            .into_iter()
            .map(|p| p.organization_id),
    );
    engaged.retain(|o| enterprises.contains(o));

    let programme = programme::figures(db, programme::Scope::ScienceCity(city), year).await?;
    let as_of = programme.as_of;
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX).saturating_mul(1000);
    let volume: i64 = deals.iter().map(|d| d.value).sum();
    // One arm per computed indicator: a new one is a new `Computed` variant, and the compiler
    // points here.
    let figure = |which: Computed| -> (Option<i64>, String) {
        match which {
            Computed::DealsSigned => (Some(count(deals.len())), format!("{} deals of the science city signed in {year} and not called off", deals.len())),
            Computed::DealVolume => (Some(volume.saturating_mul(10)), format!("sum of the values of those {} deals", deals.len())),
            Computed::PrivateFinancingShare => (percent(by_source(FinancingSource::Private), financed), format!("PRIVATE lines of {} KZT financing of those deals", money::format(financed))),
            Computed::PppFinancingShare => (percent(by_source(FinancingSource::Ppp), financed), format!("PPP lines of {} KZT financing of those deals", money::format(financed))),
            Computed::SessionsHeld => (Some(count(sessions.len())), format!("sessions of the science city started in {year}")),
            Computed::MeetingsHeld => (Some(count(meetings.len())), format!("meetings of those {} sessions held by both parties' reports, or by one's left unanswered past the confirmation window", sessions.len())),
            Computed::EnterprisesEngaged => (Some(count(engaged.len())), "enterprises of the science city that posted a need, registered for a session or signed a deal in the year".to_owned()),
            Computed::NeedToMeetingConversion => (percent(count(needs_met.len()), count(needs.len())), format!("{} of {} needs posted in {year} reached a booked meeting", needs_met.len(), needs.len())),
            Computed::MeetingToDealConversion => (percent(count(meetings_with_deal), count(meetings.len())), format!("{meetings_with_deal} of {} meetings held led to a recorded deal", meetings.len())),
            Computed::MeetingNoShowRate => (percent(count(no_shows), count(over.len())), format!("{no_shows} of {} booked meetings whose slot has passed were reported as a no-show and by nobody as held", over.len())),
            Computed::MeetingFollowUpConversion => (percent(count(followed_up), count(meetings.len())), format!("{followed_up} of {} meetings held led to a follow-up, NDA, proposal or agreement", meetings.len())),
            Computed::InfrastructureCommitted => (Some(programme.total.committed.saturating_mul(10)), format!("financing of the science city's {} infrastructure projects committed by {as_of}", programme.projects)),
            Computed::InfrastructureDisbursed => (Some(programme.total.disbursed.saturating_mul(10)), format!("financing of those projects paid by {as_of}")),
            Computed::InfrastructurePrivateShare => (programme.private_share, format!("PRIVATE commitments of {} KZT committed by {as_of}", money::format(programme.total.committed))),
            Computed::InfrastructurePppShare => (programme.ppp_share, format!("PPP commitments of {} KZT committed by {as_of}", money::format(programme.total.committed))),
            Computed::InfrastructureBehindSchedule => (Some(count(programme.behind_schedule.len())), format!("projects with a milestone date passed by {as_of} and its stage not reached")),
            Computed::SpinOffs => (Some(count(deals.iter().filter(|d| d.deal_type == DealType::SpinOff).count())), "SPIN_OFF deals among those signed".to_owned()),
        }
    };

    let targets: HashMap<i64, indicator_target::Model> = indicator_target::Entity::find()
        .filter(indicator_target::Column::ScienceCityId.eq(city))
        .filter(indicator_target::Column::Year.eq(year))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.indicator_id, t))
        .collect();
    let reported: HashMap<i64, indicator_value::Model> = indicator_value::Entity::find()
        .filter(indicator_value::Column::ScienceCityId.eq(city))
        .filter(indicator_value::Column::Year.eq(year))
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.indicator_id, v))
        .collect();
    let indicators = indicator::Entity::find()
        .order_by_asc(indicator::Column::Position)
        .all(db)
        .await?;
    indicators
        .into_iter()
        .map(|indicator| {
            let unit = Unit::of(&indicator)?;
            let (actual, basis) = match indicator.method {
                IndicatorMethod::Computed => match indicator.code.parse::<Computed>() {
                    Ok(which) => figure(which),
                    Err(_) => (None, "not computed by this version".to_owned()),
                },
                IndicatorMethod::Reported => match reported.get(&indicator.id) {
                    Some(v) => (
                        Some(v.value),
                        v.note
                            .clone()
                            .unwrap_or_else(|| "reported by the Management Company".to_owned()),
                    ),
                    None => (None, "not reported yet".to_owned()),
                },
            };
            let actual = actual.map(|a| unit.round(a));
            let target = targets.get(&indicator.id).cloned();
            let status = match (&target, actual) {
                (Some(t), Some(a)) => Some(status(a, t, indicator.lower_is_better)),
                _ => None,
            };
            Ok(Line {
                indicator,
                unit,
                target,
                actual,
                basis,
                status,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_written_at_their_units_precision() {
        assert_eq!(Unit::Count.parse("v", "12").expect("count"), 12_000);
        assert!(Unit::Count.parse("v", "12.5").is_err());
        assert_eq!(
            Unit::Kzt.parse("v", "1500000.25").expect("KZT"),
            1_500_000_250
        );
        assert!(Unit::Kzt.parse("v", "1.234").is_err());
        assert_eq!(Unit::Percent.parse("v", "12.5").expect("percent"), 12_500);
        assert!(Unit::Percent.parse("v", "-1").is_err());
        assert_eq!(Unit::Count.format(2_000), "2");
        assert_eq!(Unit::Kzt.format(150_000_000_000), "150000000.00");
        // A computed third of a percent rounds half up, and the status sees the rounded figure.
        assert_eq!(Unit::Percent.format(33_333), "33.33");
        assert_eq!(Unit::Percent.format(66_667), "66.67");
        assert_eq!(Unit::Percent.round(12_345), 12_350);
        assert_eq!(Unit::Count.round(1_499), 1_000);
    }

    #[test]
    fn percentages_are_exact_thousandths() {
        assert_eq!(percent(1, 3), Some(33_333));
        assert_eq!(percent(2, 3), Some(66_667));
        assert_eq!(percent(5, 5), Some(100_000));
        assert_eq!(percent(1, 0), None);
    }
}
