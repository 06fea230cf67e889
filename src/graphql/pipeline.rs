//! What every request goes through around async-graphql's own execution: the document it names
//! (persisted, trusted, cached parse), the checks on its shape and strings, a default
//! `extensions.code` on every error, metrics, and a poke to the event hub after a mutation.
//!
//! Over HTTP these run in [`execute`], around [`Schema::execute`], not as schema extensions: a
//! schema with any extension resolves every field and list item on async-graphql's slow path
//! (a `ResolveInfo`, a registry lookup and a boxed future per extension), which cost 16 % of the
//! nested organisations page's throughput (641 → 743 req/s, 2.9 → 2.5 ms of CPU a request). A
//! WebSocket cannot be wrapped that way, so its schema carries the same steps as one extension,
//! [`Checks`]; both call the same functions.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Instant,
};

use async_graphql::{
    ObjectType, Request, Response, Schema, ServerError, ServerResult, SubscriptionType, Variables,
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery,
        NextPrepareRequest, NextRequest,
    },
    parser::types::{DocumentOperations, ExecutableDocument, OperationType},
};

use super::{Query, documents::Documents, limits, text_guard};
use crate::{domain::Services, error::ErrorCode, telemetry};

/// Runs `request` on `schema` (an HTTP one, without extensions) with every step of this module.
pub async fn execute<M, S>(
    schema: &Schema<Query, M, S>,
    services: &Services,
    documents: &Documents,
    mut request: Request,
) -> Response
where
    M: ObjectType + 'static,
    S: SubscriptionType + 'static,
{
    let mut response = match prepare(documents, &mut request) {
        Err(error) => Response::from_errors(vec![error]),
        Ok(Prepared {
            document,
            mutation,
            operation,
        }) => {
            request.set_parsed_query(document);
            let started = Instant::now();
            let response = schema.execute(request).await;
            telemetry::record_operation(
                operation.as_deref(),
                started.elapsed(),
                response.errors.is_empty(),
            );
            if mutation {
                services.events.poke();
            }
            response
        }
    };
    response.errors.iter_mut().for_each(add_default_code);
    response
}

/// A request's document, parsed and checked.
struct Prepared {
    document: ExecutableDocument,
    /// Whether it holds a mutation.
    mutation: bool,
    /// The operation it runs, if named.
    operation: Option<String>,
}

fn prepare(documents: &Documents, request: &mut Request) -> ServerResult<Prepared> {
    documents.resolve(request)?;
    let document = documents.parse(&request.query)?;
    let mutation = check(&document, &request.variables)?;
    let operation = request
        .operation_name
        .clone()
        .or_else(|| match &document.operations {
            DocumentOperations::Multiple(named) if named.len() == 1 => {
                named.keys().next().map(ToString::to_string)
            }
            _ => None,
        });
    Ok(Prepared {
        document,
        mutation,
        operation,
    })
}

/// Refuses a document that selects too many fields or carries control characters, before it
/// is validated or run; says whether it holds a mutation.
fn check(document: &ExecutableDocument, variables: &Variables) -> ServerResult<bool> {
    limits::check_selections(document)?;
    text_guard::check(document, variables)?;
    Ok(document
        .operations
        .iter()
        .any(|(_, op)| op.node.ty == OperationType::Mutation))
}

/// Gives an error its `extensions.code` if it has none, and counts it. Errors raised by Kopir's
/// resolvers carry one already; the rest come from async-graphql itself rejecting the request
/// (syntax, unknown fields, argument types, depth), which is the client's input, hence
/// `BAD_USER_INPUT`.
fn add_default_code(error: &mut ServerError) {
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if extensions.get("code").is_none() {
        extensions.set("code", ErrorCode::BadUserInput.as_str());
    }
    if let Some(async_graphql::Value::String(code)) = extensions.get("code") {
        telemetry::count_error(code);
    }
}

/// The steps of [`execute`] as a schema extension, for the WebSocket's schema.
pub struct Checks {
    /// The replica's documents.
    pub documents: Arc<Documents>,
    /// The services, whose event hub hears of mutations.
    pub services: Arc<Services>,
}

impl ExtensionFactory for Checks {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ChecksRequest {
            documents: self.documents.clone(),
            services: self.services.clone(),
            mutation: AtomicBool::new(false),
        })
    }
}

struct ChecksRequest {
    documents: Arc<Documents>,
    services: Arc<Services>,
    mutation: AtomicBool,
}

#[async_trait::async_trait]
impl Extension for ChecksRequest {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        if self.mutation.load(Ordering::Relaxed) {
            self.services.events.poke();
        }
        response.errors.iter_mut().for_each(add_default_code);
        response
    }

    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        self.documents.resolve(&mut request)?;
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        self.mutation
            .store(check(&document, variables)?, Ordering::Relaxed);
        Ok(document)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let started = Instant::now();
        let response = next.run(ctx, operation_name).await;
        telemetry::record_operation(
            operation_name,
            started.elapsed(),
            response.errors.is_empty(),
        );
        response
    }
}
