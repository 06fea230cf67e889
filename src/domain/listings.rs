//! Rules shared by needs and capabilities: lists of short texts, fields of science, TRL, money
//! ranges and the row visibility of the matching side of the platform.

use std::collections::HashSet;

use entity::field_of_science;
use sea_orm::{ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _};

use super::{
    money,
    text::{Shape, clean, fold},
};
use crate::error::{AppError, AppResult};

/// Cleans each entry as one line ([`clean`]), drops blanks and duplicates, and bounds the
/// count.
pub fn short_texts(
    field: &'static str,
    items: Vec<String>,
    max_items: usize,
    max_chars: usize,
) -> AppResult<Vec<String>> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for item in items {
        let Some(item) = clean(field, &item, max_chars, Shape::Line)? else {
            continue;
        };
        if seen.insert(fold(&item)) {
            out.push(item);
        }
    }
    if out.len() > max_items {
        return Err(AppError::invalid(
            field,
            format!("at most {max_items} entries"),
        ));
    }
    Ok(out)
}

/// Checks FOS codes against the reference table (at most 10, no duplicates).
pub async fn fields_of_science(
    db: &impl ConnectionTrait,
    field: &'static str,
    codes: Vec<String>,
) -> AppResult<Vec<String>> {
    let codes = short_texts(field, codes, 10, 8)?;
    if codes.is_empty() {
        return Ok(codes);
    }
    let known: HashSet<String> = field_of_science::Entity::find()
        .filter(field_of_science::Column::Code.is_in(codes.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|f| f.code)
        .collect();
    known_fields(field, codes, &known)
}

/// Checks FOS codes against `known` (the reference table, read once by a bulk import).
pub fn known_fields(
    field: &'static str,
    codes: Vec<String>,
    known: &HashSet<String>,
) -> AppResult<Vec<String>> {
    let codes = short_texts(field, codes, 10, 8)?;
    if let Some(unknown) = codes.iter().find(|c| !known.contains(*c)) {
        return Err(AppError::invalid(
            field,
            format!("`{unknown}` is not an OECD FOS 2007 code (see taxonomy.fieldsOfScience)"),
        ));
    }
    Ok(codes)
}

/// Checks IRSTI (ГРНТИ) codes: `NN`, `NN.NN` or `NN.NN.NN`, at most 10.
pub fn irsti_codes(codes: Vec<String>) -> AppResult<Vec<String>> {
    let codes = short_texts("irstiCodes", codes, 10, 8)?;
    let well_formed = |c: &str| {
        let parts: Vec<&str> = c.split('.').collect();
        parts.len() <= 3
            && parts
                .iter()
                .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
    };
    if let Some(bad) = codes.iter().find(|c| !well_formed(c)) {
        return Err(AppError::invalid(
            "irstiCodes",
            format!("`{bad}` is not an IRSTI code such as 61.51.17"),
        ));
    }
    Ok(codes)
}

/// Checks a TRL (1–9).
pub fn trl(field: &'static str, level: Option<i32>) -> AppResult<Option<i16>> {
    level
        .map(|l| {
            i16::try_from(l)
                .ok()
                .filter(|l| (1..=9).contains(l))
                .ok_or_else(|| AppError::invalid(field, "a TRL between 1 and 9"))
        })
        .transpose()
}

/// Parses a money range; the floor may not exceed the ceiling.
pub fn money_range(
    fields: (&'static str, &'static str),
    min: Option<&str>,
    max: Option<&str>,
) -> AppResult<(Option<i64>, Option<i64>)> {
    let min = min.map(|m| money::parse(fields.0, m)).transpose()?;
    let max = max.map(|m| money::parse(fields.1, m)).transpose()?;
    if let (Some(lo), Some(hi)) = (min, max)
        && lo > hi
    {
        return Err(AppError::invalid(
            fields.0,
            "the minimum exceeds the maximum",
        ));
    }
    Ok((min, max))
}

/// The case-folded titles searched by the `text` filter.
pub fn title_search(title: &super::text::Localized) -> String {
    fold(&title.iter().collect::<Vec<_>>().join(" "))
}

/// A `LIKE` pattern finding `code`, or any sub-field of a major field, in a JSON array of
/// codes as stored (`["2.4","1.1"]`).
pub fn field_pattern(code: &str) -> AppResult<String> {
    let code = code.trim();
    if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err(AppError::invalid(
            "filter.fieldOfScience",
            "a FOS code such as 2.4",
        ));
    }
    Ok(if code.contains('.') {
        format!("%\"{code}\"%")
    } else {
        format!("%\"{code}%")
    })
}
