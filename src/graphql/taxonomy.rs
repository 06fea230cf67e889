//! Reference classifications: OECD fields of science and TRL levels.

mod query;
pub mod types;

pub use query::TaxonomyQuery;
