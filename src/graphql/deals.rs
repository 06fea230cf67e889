//! Technology-transfer deals.

mod mutation;
mod query;
pub mod types;

pub use mutation::DealMutation;
pub use query::DealQuery;
