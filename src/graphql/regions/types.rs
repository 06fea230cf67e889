//! The region object type.

use async_graphql::{Enum, ID, Object};
use entity::region;

use crate::{
    domain::text::Localized,
    graphql::{
        ids::{self, NodeType},
        localized::{LocalizedText, localized},
    },
};

/// Whether a region is an oblast or a city of republican significance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum RegionKind {
    /// An oblast (облыс).
    Oblast,
    /// A city of republican significance (Astana, Almaty, Shymkent).
    CityRepublican,
}

/// GraphQL view of Region; see the schema description on its `impl`.
pub struct Region(pub region::Model);

/// One of Kazakhstan's 20 regions (17 oblasts and 3 cities of republican significance).
#[Object]
impl Region {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::Region, self.0.id)
    }

    /// ISO 3166-2 code, e.g. `KZ-75` for Almaty.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Nine-digit KATO code (classifier of administrative-territorial objects), e.g. `750000000`.
    async fn kato_code(&self) -> &str {
        &self.0.kato_code
    }

    /// Oblast or city of republican significance.
    async fn kind(&self) -> RegionKind {
        if self.0.kind == "oblast" {
            RegionKind::Oblast
        } else {
            RegionKind::CityRepublican
        }
    }

    /// The region's name.
    async fn name(&self) -> LocalizedText {
        LocalizedText(Localized {
            kk: Some(self.0.name_kk.clone()),
            ru: Some(self.0.name_ru.clone()),
            en: Some(self.0.name_en.clone()),
        })
    }

    /// The oblast's administrative centre (Kazakh and English names); null for cities.
    async fn admin_centre(&self) -> Option<LocalizedText> {
        let names = localized(&self.0.admin_centre_kk, &None, &self.0.admin_centre_en);
        (!names.0.is_empty()).then_some(names)
    }
}
