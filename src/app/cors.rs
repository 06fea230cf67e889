//! Browsers: which web origins' pages may call the API from another origin (CORS). None by
//! default, as fits a production service whose clients are its own frontends; each deployment
//! lists its frontends' origins (`--cors-origins`). Development mode also allows any page
//! served from this machine (`localhost`, `127.0.0.1`, `[::1]`, any port). Credentials
//! (cookies) are never allowed: the API reads bearer tokens only, which a page sends itself.
//! Preflights are cached by the browser for an hour.

use std::time::Duration;

use axum::http::{HeaderName, HeaderValue, Method, header};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::graphql::Mode;

/// How long a browser may reuse a preflight's answer.
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(3600);

/// The CORS layer for `origins` (already checked by the settings) in `mode`; `None` when no
/// origin may call, which leaves cross-origin pages to the browser's same-origin refusal.
pub fn layer(origins: &[String], mode: Mode) -> Option<CorsLayer> {
    let dev = mode == Mode::Development;
    if origins.is_empty() && !dev {
        return None;
    }
    let listed: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    let allow = AllowOrigin::predicate(move |origin, _| {
        listed.contains(origin) || (dev && is_local(origin))
    });
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::ACCEPT,
                header::ACCEPT_LANGUAGE,
                HeaderName::from_static("x-request-id"),
            ])
            .expose_headers([HeaderName::from_static("x-request-id"), header::RETRY_AFTER])
            .max_age(PREFLIGHT_MAX_AGE),
    )
}

/// Whether `origin` is a page served from this machine.
fn is_local(origin: &HeaderValue) -> bool {
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let Some(authority) = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
    else {
        return false;
    };
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority,
    };
    matches!(host, "localhost" | "127.0.0.1" | "[::1]")
}

/// Checks one configured origin: `http(s)://host[:port]`, as a browser sends it in `Origin`
/// (no path, no trailing slash).
pub fn check_origin(origin: &str) -> Result<(), String> {
    let authority = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .ok_or_else(|| format!("CORS origin {origin:?} must start with https:// or http://"))?;
    if authority.is_empty()
        || authority.contains(['/', '?', '#', ' ', '*'])
        || HeaderValue::from_str(origin).is_err()
    {
        return Err(format!(
            "CORS origin {origin:?} must be scheme://host[:port], without a path or wildcard"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_origins_are_told_apart() {
        for local in [
            "http://localhost:5173",
            "http://127.0.0.1:3000",
            "https://localhost",
            "http://[::1]:8080",
        ] {
            assert!(is_local(&HeaderValue::from_static(local)), "{local}");
        }
        for remote in [
            "http://localhost.evil.kz",
            "https://app.kopir.kz",
            "http://127.0.0.1.nip.io:80",
            "file://localhost",
            "null",
        ] {
            assert!(!is_local(&HeaderValue::from_static(remote)), "{remote}");
        }
    }

    #[test]
    fn configured_origins_are_checked() {
        assert!(check_origin("https://app.kopir.kz").is_ok());
        assert!(check_origin("http://localhost:5173").is_ok());
        for bad in [
            "app.kopir.kz",
            "https://app.kopir.kz/",
            "https://*.kopir.kz",
            "https://",
            "ftp://x",
        ] {
            assert!(check_origin(bad).is_err(), "{bad}");
        }
    }
}
