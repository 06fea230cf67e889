//! Science cities: the knowledge-intensive territories and their status.

mod mutation;
mod query;
pub mod types;

pub use mutation::ScienceCityMutation;
pub use query::ScienceCityQuery;
