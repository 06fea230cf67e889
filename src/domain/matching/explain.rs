//! A factor's reason in words. Scoring keeps the reason as data ([`Detail`]); it is turned into
//! English only for pairs that are returned.

use entity::need::Sector;
use sea_orm::ActiveEnum as _;

/// What a factor's explanation says, kept as data until it is asked for in words.
pub(super) enum Detail {
    Fixed(&'static str),
    Text {
        coverage: f64,
        words: Vec<String>,
    },
    Fields(Vec<(String, f64, String)>),
    Trl {
        trl: i16,
        window: (i16, i16),
    },
    Budget {
        low: i64,
        high: i64,
        ceiling: i64,
        within: f64,
    },
    Capacity(i32),
    TrackRecord(u32),
    Reciprocity {
        sector: (f64, Option<Sector>),
        fee: Option<f64>,
        teaser: bool,
    },
}

impl Detail {
    pub(super) fn words(self) -> String {
        match self {
            Detail::Fixed(text) => text.to_owned(),
            Detail::Text { words, .. } if words.is_empty() => "no words in common".to_owned(),
            Detail::Text { coverage, words } => format!(
                "covers {:.0}% of the need's text; strongest shared terms: {}",
                coverage * 100.0,
                words.join(", ")
            ),
            Detail::Fields(parts) => parts
                .into_iter()
                .map(|(need, value, with)| match value {
                    1.0 => format!("{need} exact"),
                    0.0 => format!("{need} unmatched"),
                    _ => format!("{need} near {with}"),
                })
                .collect::<Vec<_>>()
                .join("; "),
            Detail::Trl {
                trl,
                window: (lo, hi),
            } if trl < lo => {
                format!("TRL {trl}, {} below the wanted {lo}–{hi}", lo - trl)
            }
            Detail::Trl {
                trl,
                window: (lo, hi),
            } if trl > hi => {
                format!("TRL {trl}, more mature than the wanted {lo}–{hi}")
            }
            Detail::Trl {
                trl,
                window: (lo, hi),
            } => {
                format!("TRL {trl} within the wanted {lo}–{hi}")
            }
            Detail::Budget {
                high,
                ceiling,
                within,
                ..
            } if within >= 1.0 => format!(
                "price up to {} KZT within the budget of {} KZT",
                kzt(high),
                kzt(ceiling)
            ),
            Detail::Budget {
                low,
                ceiling,
                within,
                ..
            } if within <= 0.0 => format!(
                "price from {} KZT, above the budget of {} KZT",
                kzt(low),
                kzt(ceiling)
            ),
            Detail::Budget {
                low,
                high,
                ceiling,
                within,
            } => format!(
                "price {}–{} KZT, {:.0}% of the range within the budget of {} KZT",
                kzt(low),
                kzt(high),
                within * 100.0,
                kzt(ceiling)
            ),
            Detail::Capacity(slots) => {
                format!("{slots} open slot(s); 3 or more count in full")
            }
            Detail::TrackRecord(n) => format!(
                "{n} need(s) matched with this organisation before; 5 or more count in full"
            ),
            Detail::Reciprocity {
                sector,
                fee,
                teaser,
            } => {
                let sector = match sector {
                    (_, None) if sector.0 == 1.0 => "the owner works with any sector".to_owned(),
                    (_, None) => "the need names no sector".to_owned(),
                    (1.0, Some(s)) => format!("the owner works with {}", s.to_value()),
                    (_, Some(s)) => format!("the owner does not work with {}", s.to_value()),
                };
                let fee = match (teaser, fee) {
                    (true, _) => "budget not shown in the teaser".to_owned(),
                    (false, Some(ratio)) => {
                        format!("budget is {ratio:.1}× the minimum fee (2× or more counts in full)")
                    }
                    (false, None) => "no minimum fee or no budget stated".to_owned(),
                };
                format!("{sector}; {fee}")
            }
        }
    }
}

fn kzt(tiyn: i64) -> String {
    crate::domain::money::format_grouped(tiyn)
}
