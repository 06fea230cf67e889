//! The taxonomy query.

use async_graphql::Object;

use super::types::Taxonomy;

/// The taxonomy query.
#[derive(Default)]
pub struct TaxonomyQuery;

#[Object]
impl TaxonomyQuery {
    /// Reference classifications: fields of science and TRL levels.
    async fn taxonomy(&self) -> Taxonomy {
        Taxonomy
    }
}
