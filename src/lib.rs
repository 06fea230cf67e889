//! Kopir: a GraphQL API linking enterprises, universities and R&D sites in Kazakhstan's science
//! cities. The binary is a thin wrapper around [`cli::run`]; tests drive [`app::router`] directly.

pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod telemetry;
