//! Registry API: regions, science cities, organisations, memberships and reference taxonomies.

mod mutation;
mod query;
pub mod types;

pub use mutation::RegistryMutation;
pub use query::RegistryQuery;
