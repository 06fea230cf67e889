//! Account queries.

use async_graphql::{Context, Object, Result};

use super::types::User;
use crate::graphql::access;

/// Account queries.
#[derive(Default)]
pub struct AccountQuery;

#[Object]
impl AccountQuery {
    /// The signed-in user; null for anonymous callers.
    async fn me(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        Ok(access(ctx).await?.user.clone().map(User))
    }
}
