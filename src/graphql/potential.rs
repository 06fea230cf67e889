//! The region-potential index and the region statistics it is computed from.

mod mutation;
mod query;
pub mod types;

pub use mutation::PotentialMutation;
pub use query::PotentialQuery;
