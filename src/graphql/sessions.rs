//! Science-innovation sessions and registrations; their meetings are in `meetings`.

mod mutation;
mod query;
pub mod types;

pub use mutation::SessionMutation;
pub use query::SessionQuery;
