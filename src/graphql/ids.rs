//! Opaque global IDs (Relay): base64url of `Type:key`. Clients must not parse them; the
//! encoding may change.

use async_graphql::ID;
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};

use crate::error::{AppError, AppResult};

/// The kinds of object that have a global ID; the name in an ID is the variant's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString)]
pub enum NodeType {
    /// `Region`.
    Region,
    /// `ScienceCity`.
    ScienceCity,
    /// `Organization`.
    Organization,
    /// `User`.
    User,
    /// `Need`.
    Need,
    /// `Capability`.
    Capability,
    /// `Session`.
    Session,
    /// `Meeting`.
    Meeting,
    /// `Deal`.
    Deal,
    /// `PortfolioItem`.
    PortfolioItem,
    /// `InfrastructureProject`.
    InfrastructureProject,
    /// A financing commitment of an infrastructure project (not a `Node`: read through its
    /// project).
    InfrastructureFinancing,
    /// `Invitation` (not a `Node`: only its addressee and the organisation's admins see it).
    Invitation,
}

impl NodeType {
    fn name(self) -> &'static str {
        self.into()
    }

    fn from_name(name: &str) -> Option<Self> {
        name.parse().ok()
    }
}

/// The global ID of a row.
pub fn encode(kind: NodeType, key: i64) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{key}", kind.name())))
}

/// Reads any global ID.
pub fn decode(id: &ID) -> Option<(NodeType, i64)> {
    let raw = URL_SAFE_NO_PAD.decode(id.as_str()).ok()?;
    let (kind, key) = std::str::from_utf8(&raw).ok()?.split_once(':')?;
    Some((NodeType::from_name(kind)?, key.parse().ok()?))
}

/// Reads a global ID that must be of `kind`, for the input field `field`.
pub fn decode_as(id: &ID, kind: NodeType, field: &'static str) -> AppResult<i64> {
    match decode(id) {
        Some((k, key)) if k == kind => Ok(key),
        _ => Err(AppError::invalid(
            field,
            format!("not a {} ID", kind.name()),
        )),
    }
}

/// Decodes a list of organisation IDs given as input `field`.
pub fn organizations(ids: &[ID], field: &'static str) -> AppResult<Vec<i64>> {
    ids.iter()
        .map(|id| decode_as(id, NodeType::Organization, field))
        .collect()
}

/// Decodes an optional organisation ID given as input `field`.
pub fn organization(id: Option<&ID>, field: &'static str) -> AppResult<Option<i64>> {
    id.map(|id| decode_as(id, NodeType::Organization, field))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_typed() {
        let id = encode(NodeType::Organization, 42);
        assert_eq!(decode(&id), Some((NodeType::Organization, 42)));
        assert_eq!(
            decode_as(&id, NodeType::Organization, "id").expect("same type"),
            42
        );
        assert!(decode_as(&id, NodeType::User, "id").is_err());
        assert_eq!(decode(&ID("not base64!".into())), None);
        assert_eq!(decode(&ID(URL_SAFE_NO_PAD.encode("Nope:1"))), None);
    }
}
