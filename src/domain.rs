//! Business rules, free of GraphQL and HTTP: each function takes a connection (or transaction)
//! and the caller's [`access::Access`], checks the rules and writes or reads rows. One room per
//! feature, named as in `graphql/` and `entity/`; `tests/architecture.rs` keeps web crates out.

pub mod access;
pub mod accounts;
pub mod batch;
pub mod bin;
pub mod capabilities;
pub mod deals;
pub mod demo;
pub mod events;
pub mod import;
pub mod indicators;
pub mod infrastructure;
pub mod listings;
pub mod matching;
pub mod meetings;
pub mod memberships;
pub mod money;
pub mod needs;
pub mod organizations;
pub mod outcomes;
pub mod pagination;
pub mod portfolio;
pub mod potential;
pub mod programme;
pub mod references;
pub mod regions;
pub mod scheduling;
pub mod science_cities;
pub mod sessions;
pub mod taxonomy;
pub mod text;
pub mod versions;

use sea_orm::DatabaseConnection;

/// What the domain works with, built once at start-up and shared by every request.
#[derive(Debug)]
pub struct Services {
    /// The database pool.
    pub db: DatabaseConnection,
    /// Token keys and lifetimes.
    pub tokens: accounts::TokenConfig,
    /// The matching engine, kept equal to the database.
    pub matcher: matching::store::Matcher,
    /// The password-hashing threads and their bounded queue.
    pub passwords: crate::auth::password::Hasher,
    /// How long meeting requests and reports may wait.
    pub meetings: outcomes::MeetingRules,
    /// The outbox's fan-out to this replica's subscribers.
    pub events: events::Hub,
}

/// A change to an optional field: leave it, clear it, or set it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Patch<T> {
    /// Leave the field as it is.
    #[default]
    Keep,
    /// Clear the field.
    Clear,
    /// Set the field.
    Set(T),
}

impl<T> Patch<T> {
    /// The field's new value, given its `current` one.
    pub fn apply(self, current: Option<T>) -> Option<T> {
        match self {
            Patch::Keep => current,
            Patch::Clear => None,
            Patch::Set(value) => Some(value),
        }
    }
}
