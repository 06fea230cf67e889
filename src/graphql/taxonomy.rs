//! Reference classifications: OECD fields of science, TRL levels and enum labels.

mod labels;
mod query;
pub mod types;

pub use query::TaxonomyQuery;
