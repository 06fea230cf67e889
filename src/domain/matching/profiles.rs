//! Needs and capabilities as matching sees them, and why a pair can be excluded.

use entity::{
    need::{Confidentiality, NeedStatus, Sector},
    organization::OrganizationKind,
};

use crate::domain::text::Localized;

/// Why a pair is not matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exclusion {
    /// Both belong to the same organisation.
    OwnOrganization,
    /// The capability is switched off.
    CapabilityInactive,
    /// The capability has no open slot.
    NoCapacity,
    /// The capability's minimum price is above the need's budget ceiling.
    PriceAboveBudget,
    /// The need is matched or closed.
    NeedNotOpen,
}

/// A need as matching sees it.
#[derive(Debug, Clone)]
pub struct NeedProfile {
    /// Row id.
    pub id: i64,
    /// Owner.
    pub organization_id: i64,
    /// Title.
    pub title: Localized,
    /// Problem description.
    pub description: Localized,
    /// Keywords.
    pub keywords: Vec<String>,
    /// Must-have requirements.
    pub requirements: Vec<String>,
    /// FOS codes.
    pub fields: Vec<String>,
    /// Wanted TRL window.
    pub trl: (Option<i16>, Option<i16>),
    /// Budget range in tiyn.
    pub budget: (Option<i64>, Option<i64>),
    /// The enterprise's sector.
    pub sector: Option<Sector>,
    /// Who may read it.
    pub confidentiality: Confidentiality,
    /// Where it stands.
    pub status: NeedStatus,
    /// Organisations it is shared with.
    pub shared_with: Vec<i64>,
    /// The capability it was matched with.
    pub matched_capability_id: Option<i64>,
}

/// A capability as matching sees it.
#[derive(Debug, Clone)]
pub struct CapabilityProfile {
    /// Row id.
    pub id: i64,
    /// Owner.
    pub organization_id: i64,
    /// Title.
    pub title: Localized,
    /// Expertise.
    pub description: Localized,
    /// Keywords.
    pub keywords: Vec<String>,
    /// Equipment and facilities.
    pub equipment: Vec<String>,
    /// FOS codes.
    pub fields: Vec<String>,
    /// TRL reached.
    pub trl: Option<i16>,
    /// Price range in tiyn.
    pub price: (Option<i64>, Option<i64>),
    /// Open slots.
    pub capacity: i32,
    /// Sectors the owner works with; empty means any.
    pub sectors: Vec<Sector>,
    /// Whether it is offered.
    pub active: bool,
}

/// Where an organisation sits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Place {
    /// Region.
    pub region_id: Option<i64>,
    /// Science city.
    pub science_city_id: Option<i64>,
}

/// An organisation as matching sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationProfile {
    /// What kind of organisation.
    pub kind: OrganizationKind,
    /// ISO country code (registries' own codes for foreign ones).
    pub country: String,
    /// Where in Kazakhstan, if there.
    pub place: Place,
}
