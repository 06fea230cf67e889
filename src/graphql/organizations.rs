//! Organisations of every kind and their members.

mod mutation;
mod query;
pub mod types;

pub use mutation::OrganizationMutation;
pub use query::OrganizationQuery;
