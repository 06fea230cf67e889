//! Accounts API: who am I, registration, sign-in and sessions.

mod mutation;
mod query;
pub mod types;

pub use mutation::AccountMutation;
pub use query::AccountQuery;
