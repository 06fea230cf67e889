//! Explained two-sided matching of needs and capabilities.
//!
//! An [`Engine`] holds every need and capability in memory with inverted indexes over their text
//! ([`analysis`], `index`). The database stays the source of truth: [`store`] brings the engine
//! up to date with every committed change before each matching query, so results are always
//! current, on every replica. The rooms: `weights` (the factors and their weights), `profiles`
//! (needs and capabilities as matching sees them), `engine` (retrieval and scoring), `factors`
//! (the value of each factor), `explain` (a factor's reason in words), `records` (portfolio
//! items and the collaboration graph they make) and `partners` (ranking organisations for a
//! need by what they have done and with whom).
//!
//! A score is the sum of named factors, each `weight × value` with values in 0..=1 and weights
//! summing to 100, so contributions add up to the score exactly. Hard filters exclude a pair
//! outright; asked about one pair, the engine says which filters applied.

pub mod analysis;
mod engine;
pub mod explain;
mod factors;
mod index;
mod partners;
mod profiles;
mod records;
pub mod store;
mod weights;

pub use self::{
    engine::{Engine, Factor, Match},
    explain::Phrase,
    partners::{
        Encounters, Evidence, OwnWork, PARTNER_WEIGHTS, PartnerFactorName, PartnerFilter,
        PartnerMatch, PartnerWeights, Record, TextEvidence,
    },
    profiles::{CapabilityProfile, Exclusion, NeedProfile, OrganizationProfile, Place},
    records::ItemProfile,
    weights::{FactorName, Weights},
};

/// Postings a query reads at most (see [`index`]). Measured on this project's benchmark, a
/// query reads every posting of 100k capabilities within it (exact retrieval, ~3 ms); the
/// budget only bounds the worst case of far larger or wordier corpora, where the strongest
/// postings are read first.
pub const POSTING_BUDGET: usize = 1_000_000;
/// Best text candidates rescored exactly.
const TEXT_CANDIDATES: usize = 400;
/// Newest documents per shared field of science added as candidates, so a partner in the right
/// field is considered even if its wording shares nothing with the query.
const FIELD_CANDIDATES: usize = 100;
/// Text coverage at which the text factor is full: a capability that covers half of what the
/// need's text would score against itself already answers it.
const TEXT_SATURATION: f64 = 0.5;

#[cfg(test)]
mod tests;
