//! Technology needs posted by enterprises, with their confidentiality.

mod mutation;
mod query;
pub mod types;

pub use mutation::NeedMutation;
pub use query::NeedQuery;
