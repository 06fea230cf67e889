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

/// `labels.tsv` grouped by enum: each enum's name with its `(value, label)` pairs, in file
/// order (enums by name, values in schema order).
type Enums = Vec<(&'static str, Vec<(&'static str, Localized)>)>;

static ENUMS: LazyLock<Enums> = LazyLock::new(|| {
    let mut enums: Enums = Vec::new();
    let rows = include_str!("labels.tsv")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty());
    for line in rows {
        let cells: Vec<&'static str> = line.split('\t').collect();
        let [name, value, en, ru, kk] = cells[..] else {
            panic!("labels.tsv: not five cells: {line}");
        };
        let label = Localized {
            kk: Some(kk.to_owned()),
            ru: Some(ru.to_owned()),
            en: Some(en.to_owned()),
        };
        match enums.last_mut() {
            Some((last, values)) if *last == name => values.push((value, label)),
            _ => enums.push((name, vec![(value, label)])),
        }
    }
    enums
});

/// The labels of `names` (every enum when `None`), in the order asked, else by name as
/// `labels.tsv` lists them.
pub fn labels(names: Option<&[String]>) -> AppResult<Vec<EnumLabels>> {
    let of = |(name, values): &(&'static str, Vec<(&'static str, Localized)>)| EnumLabels {
        name,
        values: values
            .iter()
            .map(|(value, label)| EnumValueLabel {
                value,
                label: LocalizedText(label.clone()),
            })
            .collect(),
    };
    match names {
        None => Ok(ENUMS.iter().map(of).collect()),
        Some(names) => names
            .iter()
            .map(|name| {
                ENUMS.iter().find(|e| e.0 == name).map(of).ok_or_else(|| {
                    AppError::invalid("enums", format!("{name} is not an enum of the schema"))
                })
            })
            .collect(),
    }
}
