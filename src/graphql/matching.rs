//! Explained two-sided matching: capabilities for a need, needs for a capability, partner
//! suggestions, and why a pair is left out.

mod query;
pub mod types;

pub use query::MatchingQuery;
