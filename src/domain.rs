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
