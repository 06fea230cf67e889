//! The science cities' infrastructure programme: projects, their financing and the programme's
//! figures.

mod mutation;
mod query;
pub mod types;

pub use mutation::InfrastructureMutation;
pub use query::InfrastructureQuery;
