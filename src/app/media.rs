//! What the GraphQL-over-HTTP spec asks of an answer: the media type the client accepts, and
//! the status that goes with each outcome.
//!
//! A client that accepts `application/graphql-response+json` learns from the status whether
//! the request itself was refused (400 for a document that does not parse or validate, or
//! variables that do not coerce; the body then carries no `data`). Any other client —
//! `application/json`, `*/*` or no `Accept` at all — gets `application/json` and 200 for every
//! GraphQL response, as clients written before the spec expect.

use async_graphql::parser::types::{DocumentOperations, OperationType};
use axum::{
    body::Body,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::Response,
};

use crate::graphql::documents::Documents;

/// The media type an answer is sent as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    /// `application/graphql-response+json`: request errors answered 400.
    GraphqlResponse,
    /// `application/json`: 200 for every GraphQL response.
    Json,
}

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

impl Media {
    /// The type named by the request's `Accept`: the spec's own whenever it is listed (q-values
    /// are not weighed; a client listing it understands it), JSON otherwise.
    pub fn accepted(headers: &HeaderMap) -> Self {
        let listed = headers
            .get_all(header::ACCEPT)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|part| part.split(';').next())
            .any(|media| media.trim().eq_ignore_ascii_case(GRAPHQL_RESPONSE));
        if listed {
            Self::GraphqlResponse
        } else {
            Self::Json
        }
    }

    fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::GraphqlResponse => GRAPHQL_RESPONSE,
            Self::Json => "application/json",
        })
    }
}

/// Whether `response` is a refusal of the request before anything ran: no data, and no error
/// with a path (field errors have one; parse, validation and variable errors do not).
fn refused_before_execution(response: &async_graphql::Response) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
}

/// The HTTP answer carrying `response` as `media`.
pub fn answer(response: &async_graphql::Response, media: Media) -> Response {
    let refused = media == Media::GraphqlResponse && refused_before_execution(response);
    let body = if refused {
        // The spec: a request error has no `data` entry at all.
        serde_json::json!({ "errors": response.errors })
    } else {
        serde_json::to_value(response).unwrap_or_default()
    };
    let mut answer = Response::new(Body::from(body.to_string()));
    if refused {
        *answer.status_mut() = StatusCode::BAD_REQUEST;
    }
    let headers = answer.headers_mut();
    headers.insert(header::CONTENT_TYPE, media.content_type());
    if response.is_ok()
        && let Some(value) = response.cache_control.value()
        && let Ok(value) = HeaderValue::from_str(&value)
    {
        headers.insert(header::CACHE_CONTROL, value);
    }
    headers.extend(response.http_headers.clone());
    answer
}

/// Whether `request` runs anything but a query (a mutation or subscription), as far as its
/// document can be read; one that does not parse is left for execution to report. Parsed
/// through the replica's cache, so the execution that follows does not parse it again.
pub fn writes(request: &async_graphql::Request, documents: &Documents) -> bool {
    let Ok(document) = documents.parse(&request.query) else {
        return false;
    };
    let kind = match (&document.operations, request.operation_name.as_deref()) {
        (DocumentOperations::Single(op), _) => Some(op.node.ty),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| op.node.ty),
        // Ambiguous without a name: execution refuses it unless there is just one.
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().map(|op| op.node.ty)
        }
        (DocumentOperations::Multiple(_), None) => None,
    };
    kind.is_some_and(|ty| ty != OperationType::Query)
}
