//! Kazakhstan's 20 regions.

mod query;
pub mod types;

pub use query::RegionQuery;
