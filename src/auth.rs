//! Authentication at the edge: access tokens (JWT), password hashing, and the [`Viewer`]
//! extractor that turns a bearer token into the caller's identity for one request.

pub mod jwt;
pub mod password;
mod viewer;

pub use viewer::Viewer;
