//! What came of a booked meeting. After its slot, each party reports whether it took place and
//! what followed (`meetings::report`); a later survey updates the same report. Whether the
//! meeting counts as held is decided from both reports ([`verdict`]): both say so, or one says
//! so and the other stays silent past the confirmation window. Indicators and partner matching
//! read the verdict, never the booking alone. This module only reads, so that matching can
//! depend on it without depending on the meetings it ranks.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use entity::{
    meeting::{self, MeetingStatus},
    meeting_report::{self, Attendance, MeetingOutcome},
    session,
};
use sea_orm::{ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _};

use super::scheduling::slot_times;
use crate::error::AppResult;

/// How long a meeting's loose ends may wait, from the settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeetingRules {
    /// A request nobody answered expires this long after it was made, and at its session's
    /// end in any case.
    pub request_ttl: Duration,
    /// How long after a meeting's slot one party's silence confirms the other's report that it
    /// was held.
    pub confirmation: Duration,
}

impl Default for MeetingRules {
    fn default() -> Self {
        Self {
            request_ttl: Duration::days(7),
            confirmation: Duration::days(14),
        }
    }
}

/// Whether a booked meeting took place, from its parties' reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Its slot has not ended yet.
    Upcoming,
    /// Over, and not yet settled: nobody has reported, or one party said it was held and the
    /// other may still answer.
    AwaitingReports,
    /// Both parties say it took place, or one does and the other stayed silent past the
    /// confirmation window.
    Held,
    /// A party reports a no-show or a late cancellation, and neither says it was held.
    NotHeld,
    /// One says it took place, the other that it did not.
    Disputed,
}

/// The verdict on a booked meeting whose slot ends at `ends`, given its reports.
pub fn verdict(
    reports: &[meeting_report::Model],
    ends: DateTime<Utc>,
    confirmation: Duration,
    now: DateTime<Utc>,
) -> Verdict {
    if now < ends {
        return Verdict::Upcoming;
    }
    let held = reports
        .iter()
        .filter(|r| r.attendance == Attendance::Held)
        .count();
    match (held, reports.len() - held) {
        (2.., _) => Verdict::Held,
        (1, 1..) => Verdict::Disputed,
        (1, 0) if now >= ends + confirmation => Verdict::Held,
        (0, 1..) => Verdict::NotHeld,
        _ => Verdict::AwaitingReports,
    }
}

/// The furthest outcome either party reports.
pub fn outcome(reports: &[meeting_report::Model]) -> Option<MeetingOutcome> {
    reports.iter().filter_map(|r| r.outcome).max()
}

/// When a booked meeting's slot ends (`None` for a meeting not booked).
pub fn slot_end(m: &meeting::Model, session: &session::Model) -> Option<DateTime<Utc>> {
    (m.status == MeetingStatus::Booked)
        .then_some(m.slot)
        .flatten()
        .map(|slot| slot_times(session, slot).1)
}

/// The reports on `meetings`, by meeting.
pub async fn reports_of(
    db: &impl ConnectionTrait,
    meetings: impl IntoIterator<Item = i64>,
) -> AppResult<HashMap<i64, Vec<meeting_report::Model>>> {
    let mut by_meeting: HashMap<i64, Vec<meeting_report::Model>> = HashMap::new();
    for r in meeting_report::Entity::find()
        .filter(meeting_report::Column::MeetingId.is_in(meetings))
        .all(db)
        .await?
    {
        by_meeting.entry(r.meeting_id).or_default().push(r);
    }
    Ok(by_meeting)
}

/// Booked meetings with what came of them, as indicators and matching count them.
#[derive(Debug, Clone)]
pub struct Settled {
    /// The meeting.
    pub meeting: meeting::Model,
    /// Its verdict.
    pub verdict: Verdict,
    /// The furthest outcome reported, if held.
    pub outcome: Option<MeetingOutcome>,
    /// Whether a party reported a no-show.
    pub no_show: bool,
}

/// The verdicts on booked `meetings` of `sessions` (which must hold each meeting's session).
pub async fn settle(
    db: &impl ConnectionTrait,
    rules: &MeetingRules,
    meetings: Vec<meeting::Model>,
    sessions: &HashMap<i64, session::Model>,
) -> AppResult<Vec<Settled>> {
    let mut reports = reports_of(db, meetings.iter().map(|m| m.id)).await?;
    let now = Utc::now();
    Ok(meetings
        .into_iter()
        .filter_map(|m| {
            let ends = slot_end(&m, sessions.get(&m.session_id)?)?;
            let mine = reports.remove(&m.id).unwrap_or_default();
            let verdict = verdict(&mine, ends, rules.confirmation, now);
            Some(Settled {
                outcome: (verdict == Verdict::Held).then(|| outcome(&mine)).flatten(),
                no_show: mine.iter().any(|r| r.attendance == Attendance::NoShow),
                verdict,
                meeting: m,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(attendance: Attendance, outcome: Option<MeetingOutcome>) -> meeting_report::Model {
        let at = Utc::now();
        meeting_report::Model {
            id: 0,
            meeting_id: 1,
            organization_id: 1,
            attendance,
            outcome,
            note: None,
            reported_by: 1,
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn a_meeting_is_held_when_both_say_so_or_one_does_and_the_other_is_silent() {
        let ends = Utc::now() - Duration::days(3);
        let window = Duration::days(7);
        let held = report(Attendance::Held, Some(MeetingOutcome::NdaSigned));
        let also = report(Attendance::Held, Some(MeetingOutcome::FollowUpPlanned));
        let no_show = report(Attendance::NoShow, None);
        let now = Utc::now();
        assert_eq!(
            verdict(
                std::slice::from_ref(&held),
                now + Duration::hours(1),
                window,
                now
            ),
            Verdict::Upcoming
        );
        assert_eq!(verdict(&[], ends, window, now), Verdict::AwaitingReports);
        assert_eq!(
            verdict(std::slice::from_ref(&held), ends, window, now),
            Verdict::AwaitingReports
        );
        assert_eq!(
            verdict(
                std::slice::from_ref(&held),
                ends,
                window,
                now + Duration::days(5)
            ),
            Verdict::Held
        );
        assert_eq!(
            verdict(&[held.clone(), also.clone()], ends, window, now),
            Verdict::Held
        );
        assert_eq!(
            verdict(&[held.clone(), no_show.clone()], ends, window, now),
            Verdict::Disputed
        );
        assert_eq!(verdict(&[no_show], ends, window, now), Verdict::NotHeld);
        assert_eq!(
            outcome(&[also, held]),
            Some(MeetingOutcome::NdaSigned),
            "the furthest outcome counts"
        );
    }
}
