//! The GraphQL API: schema assembly, per-request context, and the glue shared by the areas in
//! `graphql/` (each area's resolvers are thin: parse, call one domain function, map).

pub mod accounts;
pub mod capabilities;
pub mod connection;
pub mod deals;
pub mod documents;
mod error;
pub use error::localize;
pub mod ids;
pub mod indicators;
pub mod infrastructure;
mod limits;
pub mod loaders;
pub mod localized;
pub mod matching;
pub mod meetings;
pub mod money;
pub mod needs;
mod node;
pub mod organizations;
pub mod pipeline;
pub mod portfolio;
pub mod potential;
pub mod realtime;
pub mod regions;
pub mod science_cities;
pub mod sessions;
pub mod taxonomy;
mod text_guard;

use std::sync::{Arc, LazyLock};

use async_graphql::{
    Context, EmptyMutation, EmptySubscription, MergedObject, Schema, SchemaBuilder,
};
use tokio::sync::Mutex;

use self::documents::Documents;
use crate::{
    auth::Viewer,
    domain::{Services, access::Access, text::Lang},
    error::AppError,
};

/// Every query field.
#[derive(MergedObject, Default)]
pub struct Query(
    accounts::AccountQuery,
    node::NodeQuery,
    regions::RegionQuery,
    science_cities::ScienceCityQuery,
    organizations::OrganizationQuery,
    taxonomy::TaxonomyQuery,
    needs::NeedQuery,
    capabilities::CapabilityQuery,
    matching::MatchingQuery,
    sessions::SessionQuery,
    deals::DealQuery,
    infrastructure::InfrastructureQuery,
    indicators::IndicatorQuery,
    potential::PotentialQuery,
);

/// Every mutation.
#[derive(MergedObject, Default)]
pub struct Mutation(
    accounts::AccountMutation,
    organizations::OrganizationMutation,
    science_cities::ScienceCityMutation,
    needs::NeedMutation,
    capabilities::CapabilityMutation,
    portfolio::PortfolioMutation,
    sessions::SessionMutation,
    meetings::MeetingMutation,
    deals::DealMutation,
    infrastructure::InfrastructureMutation,
    indicators::IndicatorMutation,
    potential::PotentialMutation,
);

/// Kopir's schema type.
pub type KopirSchema = Schema<Query, Mutation, realtime::SubscriptionRoot>;

/// The schema for `GET /graphql`: the same queries, no mutations, so a link or an `<img>` can
/// never change anything (CSRF), and a mutation sent by GET fails validation before it runs.
pub type ReadOnlySchema = Schema<Query, EmptyMutation, EmptySubscription>;

/// Deepest query accepted. Kopir's own deepest useful query (organisation → members → user →
/// memberships → organisation → region) is 7 deep; the standard introspection query that
/// GraphiQL and code generators send is 14 deep (its `ofType` chain). Cost is bounded by
/// complexity and the selection cap, so depth only has to stop runaway recursion.
const MAX_DEPTH: usize = 15;

/// Most expensive query accepted. Every field costs 1 and a connection multiplies its selection
/// by `first`, so a page of 100 organisations with a dozen fields each, members included, fits;
/// the same selection nested inside itself does not.
pub const MAX_COMPLEXITY: usize = 3_000;

/// How the schema presents itself to clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Introspection and "did you mean" suggestions off: the committed `schema.graphql` is the
    /// published contract, and an open-internet service should not map itself for strangers.
    Production,
    /// Introspection and suggestions on, for local development and tooling.
    Development,
}

/// The schema without runtime data, so `export-schema` needs no database.
pub fn schema_builder() -> SchemaBuilder<Query, Mutation, realtime::SubscriptionRoot> {
    Schema::build(
        Query::default(),
        Mutation::default(),
        realtime::SubscriptionRoot,
    )
}

/// The schema serving `POST` requests, run through [`pipeline::execute`].
pub fn schema(services: Arc<Services>, mode: Mode) -> KopirSchema {
    configure(schema_builder(), services, mode).finish()
}

/// The schema serving WebSocket connections: [`schema`] with the pipeline's steps as an
/// extension, as a connection's operations cannot be wrapped from outside.
pub fn connection_schema(
    services: Arc<Services>,
    documents: Arc<Documents>,
    mode: Mode,
) -> KopirSchema {
    configure(schema_builder(), services.clone(), mode)
        .extension(pipeline::Checks {
            documents,
            services,
        })
        .finish()
}

/// The schema serving `GET` requests, run through [`pipeline::execute`].
pub fn read_only_schema(services: Arc<Services>, mode: Mode) -> ReadOnlySchema {
    configure(
        Schema::build(Query::default(), EmptyMutation, EmptySubscription),
        services,
        mode,
    )
    .finish()
}

/// Limits and mode, shared by every schema so they cannot drift apart.
fn configure<
    M: async_graphql::ObjectType + 'static,
    S: async_graphql::SubscriptionType + 'static,
>(
    builder: SchemaBuilder<Query, M, S>,
    services: Arc<Services>,
    mode: Mode,
) -> SchemaBuilder<Query, M, S> {
    let builder = builder
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .limit_directives(limits::MAX_DIRECTIVES)
        .data(services);
    match mode {
        Mode::Production => builder.disable_introspection().disable_suggestions(),
        Mode::Development => builder,
    }
}

/// The schema in SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    schema_builder().finish().sdl()
}

/// What one request knows about its caller.
pub struct RequestCtx {
    viewer: Viewer,
    /// Language for `LocalizedText.text` when the query does not name one.
    pub lang: Lang,
    /// Loaded on first use; reset by mutations that change the caller's memberships.
    access: Mutex<Option<Arc<Access>>>,
    /// Whether the access, once loaded, is kept: not for a WebSocket connection, which lives
    /// for hours while memberships change.
    keep_access: bool,
}

impl RequestCtx {
    /// A context for `viewer`, preferring `lang`.
    pub fn new(viewer: Viewer, lang: Lang) -> Self {
        Self {
            viewer,
            lang,
            access: Mutex::new(None),
            keep_access: true,
        }
    }

    /// A context for a long-lived connection: the caller's rights are read afresh each time
    /// they are needed.
    pub fn connection(viewer: Viewer, lang: Lang) -> Self {
        Self {
            keep_access: false,
            ..Self::new(viewer, lang)
        }
    }

    /// A context whose viewer's access is already loaded (by the HTTP layer, which refuses a
    /// token for an account that does not exist before the request runs).
    pub fn with_access(viewer: Viewer, lang: Lang, access: Arc<Access>) -> Self {
        Self {
            access: Mutex::new(Some(access)),
            ..Self::new(viewer, lang)
        }
    }
}

static ANONYMOUS: LazyLock<RequestCtx> =
    LazyLock::new(|| RequestCtx::new(Viewer::Anonymous, Lang::Ru));

/// The request context; anonymous when the schema runs without one (e.g. in tooling).
pub fn request<'a>(ctx: &'a Context<'_>) -> &'a RequestCtx {
    ctx.data_opt::<RequestCtx>().unwrap_or(&ANONYMOUS)
}

/// The domain's shared services.
pub fn services<'a>(ctx: &'a Context<'_>) -> async_graphql::Result<&'a Arc<Services>> {
    ctx.data::<Arc<Services>>()
}

/// The caller's access, loaded from the database at most once per request (until
/// [`forget_access`]).
pub async fn access(ctx: &Context<'_>) -> async_graphql::Result<Arc<Access>> {
    let request = request(ctx);
    let mut cached = request.access.lock().await;
    if let Some(access) = &*cached {
        return Ok(access.clone());
    }
    let access = Arc::new(match request.viewer {
        Viewer::Anonymous => Access::default(),
        Viewer::User(id) => Access::load(&services(ctx)?.db, id).await?,
    });
    if request.keep_access {
        *cached = Some(access.clone());
    }
    Ok(access)
}

/// Drops the cached access after a mutation changed the caller's memberships, so the rest of
/// the response (e.g. `viewerRole` in the payload) sees the change.
pub async fn forget_access(ctx: &Context<'_>) {
    *request(ctx).access.lock().await = None;
}

/// A row a foreign key guarantees. Its absence is an inconsistency inside Kopir, never the
/// client's doing, so it is `INTERNAL` (a bare string error would be coded `BAD_USER_INPUT`).
pub fn required<T>(row: Option<T>, what: &'static str) -> async_graphql::Result<T> {
    row.ok_or_else(|| AppError::missing_row(what).into())
}

/// Reads an optional input field where omitted keeps, `null` clears and a value sets.
pub fn patch<T, U>(
    value: async_graphql::MaybeUndefined<T>,
    map: impl FnOnce(T) -> async_graphql::Result<U>,
) -> async_graphql::Result<crate::domain::Patch<U>> {
    use crate::domain::Patch;
    Ok(match value {
        async_graphql::MaybeUndefined::Undefined => Patch::Keep,
        async_graphql::MaybeUndefined::Null => Patch::Clear,
        async_graphql::MaybeUndefined::Value(v) => Patch::Set(map(v)?),
    })
}

/// The request's DataLoaders.
pub fn loaders<'a>(ctx: &'a Context<'_>) -> async_graphql::Result<&'a loaders::Loaders> {
    ctx.data::<loaders::Loaders>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_required_row_is_internal_not_the_clients_fault() {
        assert_eq!(required(Some(7), "region").expect("present"), 7);
        let err = required::<i32>(None, "region").expect_err("absent");
        let code = err.extensions.as_ref().and_then(|e| e.get("code")).cloned();
        assert_eq!(code, Some(async_graphql::Value::from("INTERNAL")));
        assert_eq!(err.message, "internal error");
    }
}
