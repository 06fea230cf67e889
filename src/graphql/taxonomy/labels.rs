//! Interface labels of every enum value in Kazakh, Russian and English (`labels.tsv`), so a
//! screen shows `Подписана` rather than `SIGNED` and every frontend says it the same way. The
//! schema's descriptions stay English: they document the contract for developers, while these
//! are what users read. A test checks that every enum value of the schema has its three labels.

use std::sync::LazyLock;

use async_graphql::SimpleObject;

use crate::{
    domain::text::Localized,
    error::{AppError, AppResult},
    graphql::localized::LocalizedText,
};

/// One enum's values with their labels.
#[derive(SimpleObject)]
pub struct EnumLabels {
    /// The enum's name in the schema, e.g. `DealStage`.
    name: &'static str,
    /// Its values in schema order.
    values: Vec<EnumValueLabel>,
}

/// An enum value with the label to show for it.
#[derive(SimpleObject)]
pub struct EnumValueLabel {
    /// The value as the API sends it, e.g. `SIGNED`.
    value: &'static str,
    /// What to show for it, e.g. `Подписана`.
    label: LocalizedText,
}

/// `(enum, value, label)` rows of `labels.tsv`, in file order.
static ROWS: LazyLock<Vec<(&'static str, &'static str, Localized)>> = LazyLock::new(|| {
    include_str!("labels.tsv")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let cells: Vec<&'static str> = line.split('\t').collect();
            let [name, value, en, ru, kk] = cells[..] else {
                panic!("labels.tsv: not five cells: {line}");
            };
            let text = |s: &str| Some(s.to_owned());
            let label = Localized {
                kk: text(kk),
                ru: text(ru),
                en: text(en),
            };
            (name, value, label)
        })
        .collect()
});

/// The labels of `names` (every enum when `None`), in the order asked, else by name as
/// `labels.tsv` lists them.
pub fn labels(names: Option<&[String]>) -> AppResult<Vec<EnumLabels>> {
    let mut all: Vec<&'static str> = ROWS.iter().map(|row| row.0).collect();
    all.dedup();
    let wanted: Vec<&'static str> = match names {
        None => all,
        Some(names) => names
            .iter()
            .map(|name| {
                all.iter().copied().find(|n| n == name).ok_or_else(|| {
                    AppError::invalid("enums", format!("{name} is not an enum of the schema"))
                })
            })
            .collect::<AppResult<_>>()?,
    };
    Ok(wanted
        .into_iter()
        .map(|name| EnumLabels {
            name,
            values: ROWS
                .iter()
                .filter(|row| row.0 == name)
                .map(|(_, value, label)| EnumValueLabel {
                    value,
                    label: LocalizedText(label.clone()),
                })
                .collect(),
        })
        .collect())
}
