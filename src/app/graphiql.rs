//! GraphiQL for development mode, served from assets compiled into the binary: deployments may
//! be air-gapped, so nothing comes from a CDN. Production mode serves none of it.

use axum::{
    extract::Path,
    http::{StatusCode, header},
    response::{Html, IntoResponse, Response},
};

/// The page: GraphiQL against `/graphql`, subscriptions over `/graphql/ws` (the headers
/// editor's `Authorization` goes in `connection_init`), with the headers editor open.
pub fn page() -> Html<&'static str> {
    Html(
        r##"<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Kopir · GraphiQL</title>
  <link rel="stylesheet" href="/graphiql/graphiql.min.css">
</head>
<body style="margin:0">
  <div id="graphiql" style="height:100vh"></div>
  <script src="/graphiql/react.production.min.js"></script>
  <script src="/graphiql/react-dom.production.min.js"></script>
  <script src="/graphiql/graphiql.min.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({
      url: "/graphql",
      subscriptionUrl: (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/graphql/ws",
    });
    ReactDOM.createRoot(document.getElementById("graphiql")).render(
      React.createElement(GraphiQL, {
        fetcher,
        defaultEditorToolbarOpen: true,
        defaultQuery: "# Kopir. Paste {\"Authorization\": \"Bearer …\"} into Headers to act as a user.\n{ regions { code name { kk ru en } } }\n",
      })
    );
  </script>
</body>
</html>"##,
    )
}

/// One vendored asset (see `assets/graphiql/README.md`).
pub async fn asset(Path(file): Path<String>) -> Response {
    let (body, content_type): (&'static [u8], &str) = match file.as_str() {
        "graphiql.min.js" => (
            include_bytes!("../../assets/graphiql/graphiql.min.js"),
            "text/javascript",
        ),
        "graphiql.min.css" => (
            include_bytes!("../../assets/graphiql/graphiql.min.css"),
            "text/css",
        ),
        "react.production.min.js" => (
            include_bytes!("../../assets/graphiql/react.production.min.js"),
            "text/javascript",
        ),
        "react-dom.production.min.js" => (
            include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
            "text/javascript",
        ),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}

/// Whether a request to `/graphql` comes from a browser wanting a page rather than a GraphQL
/// client: it accepts HTML and asks no query.
pub fn wanted(headers: &axum::http::HeaderMap, uri: &axum::http::Uri) -> bool {
    let html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    html && !uri.query().is_some_and(|q| q.contains("query="))
}
