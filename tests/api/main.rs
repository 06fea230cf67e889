//! Kopir's integration tests: one binary, every module driving the real HTTP server over a real
//! database. Database-backed tests run twice, on SQLite and (with `KOPIR_TEST_DATABASE_URL`) on
//! PostgreSQL.

mod accounts;
mod architecture;
mod browser;
mod cli;
mod deals;
mod demo;
mod documents;
mod faults;
mod fuzz;
mod helpers;
mod http;
mod import;
mod infrastructure;
mod limits;
mod matching;
mod operations;
mod organizations;
mod outcomes;
mod pagination;
mod partners;
mod portfolio;
mod realtime;
mod references;
mod rights;
mod schema;
mod sessions;
mod text;
mod tokens;
