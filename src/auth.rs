//! Who is calling, proven how: access tokens (JWT), password hashing and the random tokens
//! handed to clients. Plain Rust with no web framework: the `Authorization` header is read at
//! the edge (`app/viewer.rs`), and the domain issues tokens through this module.

pub mod jwt;
pub mod password;

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};

use crate::error::{AppError, AppResult};

/// The caller of one request, as proven by its bearer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// No `Authorization` header: public data only.
    Anonymous,
    /// A valid access token for this user id.
    User(i64),
}

/// A fresh unguessable token: `BYTES` random bytes from the operating system, base64url without
/// padding. Used for refresh tokens, calendar-feed tokens and generated signing keys.
pub fn random_token<const BYTES: usize>() -> AppResult<String> {
    let mut bytes = [0u8; BYTES];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("the random source failed: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}
