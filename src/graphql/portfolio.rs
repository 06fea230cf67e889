//! Portfolios: organisations' past projects, publications, patents and products.

mod mutation;
pub mod types;

pub use mutation::PortfolioMutation;
