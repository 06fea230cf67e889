//! Import files as an operator writes them: JSON Lines (one object a line, the records'
//! own shape) or CSV (one row a record, a header row naming the columns; texts in up to three
//! languages as `name_kk`, `name_ru`, `name_en`, lists separated by `;`). The format follows the
//! file's extension: `.csv` is CSV, anything else JSON Lines.

use std::{path::Path, sync::Arc};

use chrono::NaiveDate;
use serde::{Deserialize, de::DeserializeOwned};

use super::{Line, OrganizationRecord, ParticipantRecord, PortfolioRecord, Problem, TextRecord};

/// A record as a CSV row carries it.
pub trait FromCsv: Sized {
    /// The row's flat shape.
    type Row: DeserializeOwned;
    /// The record the row stands for.
    fn from_row(row: Self::Row) -> Self;
}

/// Reads `path`: its records with their line numbers, and what is wrong with each line or row
/// that is not a record (into `problems`). Fails only if the file cannot be read.
pub fn read<T: DeserializeOwned + FromCsv>(
    path: &Path,
    problems: &mut Vec<Problem>,
) -> std::io::Result<Vec<Line<T>>> {
    let file: Arc<str> = path.display().to_string().into();
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let text = std::fs::read_to_string(path)?;
    let mut out = Vec::new();
    let mut bad = |line: usize, message: String| {
        problems.push(Problem {
            file: file.clone(),
            line,
            field: None,
            message,
        });
    };
    if is_csv {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                bad(1, format!("no header row: {e}"));
                return Ok(out);
            }
        };
        for row in reader.records() {
            let row = match row {
                Ok(row) => row,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line() as usize);
                    bad(line, format!("not a CSV row: {e}"));
                    continue;
                }
            };
            let line = row.position().map_or(0, |p| p.line() as usize);
            match row.deserialize::<T::Row>(Some(&headers)) {
                Ok(flat) => out.push(Line {
                    file: file.clone(),
                    line,
                    record: T::from_row(flat),
                }),
                Err(e) => bad(line, format!("not a record: {e}")),
            }
        }
    } else {
        for (index, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str(line) {
                Ok(record) => out.push(Line {
                    file: file.clone(),
                    line: index + 1,
                    record,
                }),
                Err(e) => bad(index + 1, format!("not a record: {e}")),
            }
        }
    }
    Ok(out)
}

/// A `;`-separated list; empty when the cell is.
fn list(cell: Option<String>) -> Vec<String> {
    cell.iter()
        .flat_map(|c| c.split(';'))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn text(kk: Option<String>, ru: Option<String>, en: Option<String>) -> TextRecord {
    TextRecord { kk, ru, en }
}

/// A row of an organisations CSV file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationRow {
    source: String,
    #[serde(rename = "externalId")]
    external_id: String,
    kind: String,
    name_kk: Option<String>,
    name_ru: Option<String>,
    name_en: Option<String>,
    description_kk: Option<String>,
    description_ru: Option<String>,
    description_en: Option<String>,
    country: Option<String>,
    bin: Option<String>,
    #[serde(rename = "regionCode")]
    region_code: Option<String>,
    website: Option<String>,
}

impl FromCsv for OrganizationRecord {
    type Row = OrganizationRow;

    fn from_row(r: OrganizationRow) -> Self {
        OrganizationRecord {
            source: r.source,
            external_id: r.external_id,
            kind: r.kind,
            name: text(r.name_kk, r.name_ru, r.name_en),
            description: text(r.description_kk, r.description_ru, r.description_en),
            country: r.country,
            bin: r.bin,
            region_code: r.region_code,
            website: r.website,
        }
    }
}

/// A row of a portfolio CSV file. `participants` lists `[source:]externalId[|ROLE]` separated
/// by `;` (the item's own source when none is given).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortfolioRow {
    source: String,
    #[serde(rename = "externalId")]
    external_id: String,
    kind: Option<String>,
    title_kk: Option<String>,
    title_ru: Option<String>,
    title_en: Option<String>,
    abstract_kk: Option<String>,
    abstract_ru: Option<String>,
    abstract_en: Option<String>,
    year: Option<i32>,
    #[serde(rename = "startDate")]
    start_date: Option<NaiveDate>,
    #[serde(rename = "endDate")]
    end_date: Option<NaiveDate>,
    funder: Option<String>,
    programme: Option<String>,
    amount: Option<String>,
    #[serde(rename = "fieldsOfScience")]
    fields_of_science: Option<String>,
    keywords: Option<String>,
    #[serde(rename = "membersOnly")]
    members_only: Option<bool>,
    participants: Option<String>,
}

impl FromCsv for PortfolioRecord {
    type Row = PortfolioRow;

    fn from_row(r: PortfolioRow) -> Self {
        let participants = list(r.participants)
            .into_iter()
            .map(|entry| {
                let (who, role) = match entry.split_once('|') {
                    Some((who, role)) => (who.trim(), Some(role.trim().to_owned())),
                    None => (entry.as_str(), None),
                };
                let (source, external_id) = match who.split_once(':') {
                    Some((source, id)) => (Some(source.trim().to_owned()), id.trim()),
                    None => (None, who),
                };
                ParticipantRecord {
                    source,
                    external_id: external_id.to_owned(),
                    role,
                }
            })
            .collect();
        PortfolioRecord {
            source: r.source,
            external_id: r.external_id,
            kind: r.kind,
            title: text(r.title_kk, r.title_ru, r.title_en),
            summary: text(r.abstract_kk, r.abstract_ru, r.abstract_en),
            year: r.year,
            start_date: r.start_date,
            end_date: r.end_date,
            funder: r.funder,
            programme: r.programme,
            amount: r.amount,
            fields_of_science: list(r.fields_of_science),
            keywords: list(r.keywords),
            members_only: r.members_only.unwrap_or(false),
            participants,
        }
    }
}
