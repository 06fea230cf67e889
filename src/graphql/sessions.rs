//! Science-innovation sessions, registrations and 1:1 meetings.

mod mutation;
mod query;
pub mod types;

pub use mutation::SessionMutation;
pub use query::SessionQuery;
