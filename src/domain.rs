//! Business rules, free of GraphQL: each function takes a connection (or transaction) and the
//! caller's [`access::Access`], checks the rules and writes or reads rows.

pub mod access;
pub mod accounts;
pub mod bin;
pub mod capabilities;
pub mod deals;
pub mod indicators;
pub mod listings;
pub mod matching;
pub mod money;
pub mod needs;
pub mod organizations;
pub mod pagination;
pub mod potential;
pub mod regions;
pub mod scheduling;
pub mod science_cities;
pub mod sessions;
pub mod taxonomy;
pub mod text;
