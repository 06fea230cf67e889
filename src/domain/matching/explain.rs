//! A factor's reason in words, in Kazakh, Russian and English. Scoring keeps the reason as data
//! ([`Detail`]); it is put into words only for pairs that are returned, and the API answers in
//! the language the request asks for.

use entity::need::Sector;
use sea_orm::ActiveEnum as _;

use crate::domain::text::Localized;

/// A fixed phrase of an explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter)]
pub enum Phrase {
    /// A teaser hides the part the factor reads.
    NotInTeaser,
    /// The need has no text.
    NoNeedText,
    /// Both in one science city.
    SameCity,
    /// Both in one region.
    SameRegion,
    /// In different regions.
    DifferentRegions,
    /// Both in one country.
    SameCountry,
    /// In different countries.
    DifferentCountries,
    /// Where one of them is, is unknown.
    LocationUnknown,
    /// A side states no field of science.
    NoFields,
    /// The capability states no TRL.
    NoTrl,
    /// The need states no TRL window.
    NoTrlWindow,
    /// The need states no budget ceiling.
    NoBudget,
    /// The capability states no price.
    NoPrice,
}

impl Phrase {
    /// The phrase in Kazakh, Russian and English.
    pub fn words(self) -> Localized {
        let (kk, ru, en) = match self {
            Self::NotInTeaser => (
                "тизерде көрсетілмеген",
                "не показано в тизере",
                "not shown in the teaser",
            ),
            Self::NoNeedText => (
                "қажеттілікте салыстыратын мәтін жоқ",
                "у потребности нет текста для сравнения",
                "the need has no text to compare",
            ),
            Self::SameCity => ("бір ғылым қаласында", "один наукоград", "same science city"),
            Self::SameRegion => ("бір өңірде", "один регион", "same region"),
            Self::DifferentRegions => ("әртүрлі өңірлерде", "разные регионы", "different regions"),
            Self::SameCountry => ("бір елде", "одна страна", "same country"),
            Self::DifferentCountries => ("әртүрлі елдерде", "разные страны", "different countries"),
            Self::LocationUnknown => (
                "орналасқан жері белгісіз",
                "местоположение неизвестно",
                "location unknown",
            ),
            Self::NoFields => (
                "ғылым салалары екі жақта да көрсетілмеген",
                "области науки указаны не с обеих сторон",
                "fields of science not stated on both sides",
            ),
            Self::NoTrl => (
                "мүмкіндіктің TRL деңгейі көрсетілмеген",
                "у возможности не указан TRL",
                "the capability states no TRL",
            ),
            Self::NoTrlWindow => (
                "қажеттілікте TRL аралығы көрсетілмеген",
                "у потребности не указан диапазон TRL",
                "the need states no TRL window",
            ),
            Self::NoBudget => (
                "қажеттілікте бюджеттің жоғарғы шегі көрсетілмеген",
                "у потребности не указан потолок бюджета",
                "the need states no budget ceiling",
            ),
            Self::NoPrice => (
                "мүмкіндіктің бағасы көрсетілмеген",
                "у возможности не указана цена",
                "the capability states no price",
            ),
        };
        all(kk.to_owned(), ru.to_owned(), en.to_owned())
    }
}

/// Text in all three languages.
pub fn all(kk: String, ru: String, en: String) -> Localized {
    Localized {
        kk: Some(kk),
        ru: Some(ru),
        en: Some(en),
    }
}

/// What a factor's explanation says, kept as data until it is asked for in words.
pub(super) enum Detail {
    Fixed(Phrase),
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
    /// The explanation in Kazakh, Russian and English.
    pub(super) fn words(self) -> Localized {
        match self {
            Detail::Fixed(phrase) => phrase.words(),
            Detail::Text { words, .. } if words.is_empty() => all(
                "ортақ сөздер жоқ".into(),
                "общих слов нет".into(),
                "no words in common".into(),
            ),
            Detail::Text { coverage, words } => {
                let (pct, terms) = (coverage * 100.0, words.join(", "));
                all(
                    format!(
                        "қажеттілік мәтінінің {pct:.0}% қамтиды; ең мықты ортақ терминдер: {terms}"
                    ),
                    format!(
                        "покрывает {pct:.0}% текста потребности; главные общие термины: {terms}"
                    ),
                    format!("covers {pct:.0}% of the need's text; strongest shared terms: {terms}"),
                )
            }
            Detail::Fields(parts) => {
                let join = |exact: &str, none: &str, near: &str| {
                    parts
                        .iter()
                        .map(|(need, value, with)| match *value {
                            1.0 => format!("{need} {exact}"),
                            0.0 => format!("{need} {none}"),
                            _ => format!("{need} {near} {with}"),
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                };
                all(
                    join("дәл сәйкес", "сәйкес келмейді", "жақын:"),
                    join("точно", "без совпадения", "близко к"),
                    join("exact", "unmatched", "near"),
                )
            }
            Detail::Trl {
                trl,
                window: (lo, hi),
            } if trl < lo => {
                let gap = lo - trl;
                all(
                    format!("TRL {trl}, қажетті {lo}–{hi} аралығынан {gap} деңгей төмен"),
                    format!("TRL {trl}, на {gap} ниже нужного диапазона {lo}–{hi}"),
                    format!("TRL {trl}, {gap} below the wanted {lo}–{hi}"),
                )
            }
            Detail::Trl {
                trl,
                window: (lo, hi),
            } if trl > hi => all(
                format!("TRL {trl}, қажетті {lo}–{hi} аралығынан жетілгенірек"),
                format!("TRL {trl}, зрелее нужного диапазона {lo}–{hi}"),
                format!("TRL {trl}, more mature than the wanted {lo}–{hi}"),
            ),
            Detail::Trl {
                trl,
                window: (lo, hi),
            } => all(
                format!("TRL {trl} қажетті {lo}–{hi} аралығында"),
                format!("TRL {trl} в нужном диапазоне {lo}–{hi}"),
                format!("TRL {trl} within the wanted {lo}–{hi}"),
            ),
            Detail::Budget {
                high,
                ceiling,
                within,
                ..
            } if within >= 1.0 => {
                let (high, ceiling) = (kzt(high), kzt(ceiling));
                all(
                    format!("бағасы {high} теңгеге дейін, {ceiling} теңге бюджетке сыяды"),
                    format!("цена до {high} тенге укладывается в бюджет {ceiling} тенге"),
                    format!("price up to {high} KZT within the budget of {ceiling} KZT"),
                )
            }
            Detail::Budget {
                low,
                ceiling,
                within,
                ..
            } if within <= 0.0 => {
                let (low, ceiling) = (kzt(low), kzt(ceiling));
                all(
                    format!("бағасы {low} теңгеден басталады, {ceiling} теңге бюджеттен жоғары"),
                    format!("цена от {low} тенге, выше бюджета {ceiling} тенге"),
                    format!("price from {low} KZT, above the budget of {ceiling} KZT"),
                )
            }
            Detail::Budget {
                low,
                high,
                ceiling,
                within,
            } => {
                let (low, high, ceiling, pct) = (kzt(low), kzt(high), kzt(ceiling), within * 100.0);
                all(
                    format!(
                        "бағасы {low}–{high} теңге, ауқымның {pct:.0}% {ceiling} теңге бюджетке сыяды"
                    ),
                    format!(
                        "цена {low}–{high} тенге, {pct:.0}% диапазона в пределах бюджета {ceiling} тенге"
                    ),
                    format!(
                        "price {low}–{high} KZT, {pct:.0}% of the range within the budget of {ceiling} KZT"
                    ),
                )
            }
            Detail::Capacity(slots) => all(
                format!("{slots} бос орын; 3 және одан көп толық есептеледі"),
                format!("свободных мест: {slots}; 3 и более засчитываются полностью"),
                format!("{slots} open slot(s); 3 or more count in full"),
            ),
            Detail::TrackRecord(n) => all(
                format!(
                    "бұл ұйыммен бұрын {n} қажеттілік сәйкестендірілген; 5 және одан көп толық есептеледі"
                ),
                format!(
                    "с этой организацией ранее сопоставлено потребностей: {n}; 5 и более засчитываются полностью"
                ),
                format!(
                    "{n} need(s) matched with this organisation before; 5 or more count in full"
                ),
            ),
            Detail::Reciprocity {
                sector,
                fee,
                teaser,
            } => {
                let sector = match sector {
                    (_, None) if sector.0 == 1.0 => (
                        "иесі кез келген саламен жұмыс істейді".to_owned(),
                        "владелец работает с любой отраслью".to_owned(),
                        "the owner works with any sector".to_owned(),
                    ),
                    (_, None) => (
                        "қажеттілікте сала көрсетілмеген".to_owned(),
                        "в потребности не указана отрасль".to_owned(),
                        "the need names no sector".to_owned(),
                    ),
                    (1.0, Some(s)) => (
                        format!("иесі {} саласымен жұмыс істейді", s.to_value()),
                        format!("владелец работает с отраслью {}", s.to_value()),
                        format!("the owner works with {}", s.to_value()),
                    ),
                    (_, Some(s)) => (
                        format!("иесі {} саласымен жұмыс істемейді", s.to_value()),
                        format!("владелец не работает с отраслью {}", s.to_value()),
                        format!("the owner does not work with {}", s.to_value()),
                    ),
                };
                let fee = match (teaser, fee) {
                    (true, _) => (
                        "бюджет тизерде көрсетілмеген".to_owned(),
                        "бюджет не показан в тизере".to_owned(),
                        "budget not shown in the teaser".to_owned(),
                    ),
                    (false, Some(ratio)) => (
                        format!(
                            "бюджет ең төменгі ақыдан {ratio:.1} есе көп (2 есе және одан көп толық есептеледі)"
                        ),
                        format!(
                            "бюджет в {ratio:.1} раза больше минимальной оплаты (2 раза и более засчитываются полностью)"
                        ),
                        format!(
                            "budget is {ratio:.1}× the minimum fee (2× or more counts in full)"
                        ),
                    ),
                    (false, None) => (
                        "ең төменгі ақы немесе бюджет көрсетілмеген".to_owned(),
                        "не указаны минимальная оплата или бюджет".to_owned(),
                        "no minimum fee or no budget stated".to_owned(),
                    ),
                };
                all(
                    format!("{}; {}", sector.0, fee.0),
                    format!("{}; {}", sector.1, fee.1),
                    format!("{}; {}", sector.2, fee.2),
                )
            }
        }
    }
}

fn kzt(tiyn: i64) -> String {
    crate::domain::money::format_grouped(tiyn)
}

#[cfg(test)]
mod tests {
    use strum::IntoEnumIterator as _;

    use super::*;

    /// A Kazakh text uses letters Russian does not have, or at least Cyrillic ones.
    fn cyrillic(text: &str) -> bool {
        text.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c))
    }

    /// One of each kind of explanation, each branch of the wording included.
    fn every_detail() -> Vec<Detail> {
        let mut details: Vec<Detail> = Phrase::iter().map(Detail::Fixed).collect();
        details.extend([
            Detail::Text {
                coverage: 0.4,
                words: Vec::new(),
            },
            Detail::Text {
                coverage: 0.4,
                words: vec!["catalyst".into()],
            },
            Detail::Fields(vec![
                ("2.4".into(), 1.0, "2.4".into()),
                ("2.5".into(), 0.0, String::new()),
                ("2.7".into(), 0.5, "2.4".into()),
            ]),
            Detail::Trl {
                trl: 3,
                window: (5, 7),
            },
            Detail::Trl {
                trl: 9,
                window: (5, 7),
            },
            Detail::Trl {
                trl: 6,
                window: (5, 7),
            },
            Detail::Budget {
                low: 100,
                high: 200,
                ceiling: 300,
                within: 1.0,
            },
            Detail::Budget {
                low: 400,
                high: 500,
                ceiling: 300,
                within: 0.0,
            },
            Detail::Budget {
                low: 100,
                high: 500,
                ceiling: 300,
                within: 0.5,
            },
            Detail::Capacity(2),
            Detail::TrackRecord(1),
        ]);
        for sector in [
            (1.0, None),
            (0.5, None),
            (1.0, Some(Sector::Energy)),
            (0.0, Some(Sector::Mining)),
        ] {
            for (fee, teaser) in [(None, true), (Some(2.5), false), (None, false)] {
                details.push(Detail::Reciprocity {
                    sector,
                    fee,
                    teaser,
                });
            }
        }
        details
    }

    /// Every explanation exists in Kazakh, Russian and English, and the three are different
    /// texts (a missing translation would repeat the English).
    #[test]
    fn every_explanation_speaks_kazakh_russian_and_english() {
        for detail in every_detail() {
            let Localized { kk, ru, en } = detail.words();
            let (kk, ru, en) = (
                kk.unwrap_or_default(),
                ru.unwrap_or_default(),
                en.unwrap_or_default(),
            );
            assert!(!en.is_empty() && !cyrillic(&en), "English: {en:?}");
            assert!(cyrillic(&kk) && kk != en, "Kazakh for {en:?}: {kk:?}");
            assert!(
                cyrillic(&ru) && ru != en && ru != kk,
                "Russian for {en:?}: {ru:?}"
            );
        }
    }
}
