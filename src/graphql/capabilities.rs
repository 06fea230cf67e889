//! Capabilities posted by universities and R&D sites.

mod mutation;
mod query;
pub mod types;

pub use mutation::CapabilityMutation;
pub use query::CapabilityQuery;
