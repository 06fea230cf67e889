//! Needs, capabilities and the explained matching resolvers.

mod mutation;
mod query;
pub mod types;

pub use mutation::MatchingMutation;
pub use query::MatchingQuery;
