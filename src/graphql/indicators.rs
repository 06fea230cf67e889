//! Target indicators per science city and year, and their report.

mod mutation;
mod query;
pub mod types;

pub use mutation::IndicatorMutation;
pub use query::IndicatorQuery;
