//! Registry object types.

use async_graphql::{Context, Enum, ID, Object, Result};
use chrono::{DateTime, Utc};
use entity::{
    field_of_science,
    membership::MembershipRole,
    organization::{self, OrganizationKind},
    region,
    science_city::{self, ScienceCityStatus},
    trl_level,
};

use crate::{
    domain::{taxonomy, text::Localized},
    graphql::{
        access,
        accounts::types::Membership,
        app,
        connection::connection,
        ids::{self, NodeType},
        loaders,
        localized::{LocalizedText, localized},
        required,
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

/// GraphQL view of ScienceCity; see the schema description on its `impl`.
pub struct ScienceCity(pub science_city::Model);

/// A science city (ғылым қаласы): a knowledge-intensive territory gathering universities,
/// technoparks, engineering centres and enterprises, run by a Management Company.
#[Object]
impl ScienceCity {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::ScienceCity, self.0.id)
    }

    /// The science city's name.
    async fn name(&self) -> LocalizedText {
        localized(&self.0.name_kk, &self.0.name_ru, &self.0.name_en)
    }

    /// Where it stands: candidate, designated or active.
    async fn status(&self) -> ScienceCityStatus {
        self.0.status
    }

    /// The region it lies in.
    async fn region(&self, ctx: &Context<'_>) -> Result<Region> {
        let region = loaders(ctx)?.regions.load_one(self.0.region_id).await?;
        required(region.map(Region), "region")
    }

    /// When it was entered into the registry.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it was last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// GraphQL view of Organization; see the schema description on its `impl`.
pub struct Organization(pub organization::Model);

impl Organization {
    /// The organisation a foreign key points at (batched through the request's loader).
    pub async fn referenced(ctx: &Context<'_>, id: i64) -> Result<Organization> {
        let org = loaders(ctx)?.organizations.load_one(id).await?;
        required(org.map(Organization), "organisation")
    }
}

/// An organisation on the platform: an enterprise, a university or R&D site, an investor, or a
/// science city's Management Company.
#[Object]
impl Organization {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::Organization, self.0.id)
    }

    /// What kind of organisation this is.
    async fn kind(&self) -> OrganizationKind {
        self.0.kind
    }

    /// The organisation's name.
    async fn name(&self) -> LocalizedText {
        localized(&self.0.name_kk, &self.0.name_ru, &self.0.name_en)
    }

    /// A description of what the organisation does; null when none was given.
    async fn description(&self) -> Option<LocalizedText> {
        let text = localized(
            &self.0.description_kk,
            &self.0.description_ru,
            &self.0.description_en,
        );
        (!text.0.is_empty()).then_some(text)
    }

    /// Business identification number (12 digits, check digit verified); null for foreign
    /// organisations.
    async fn bin(&self) -> Option<&str> {
        self.0.bin.as_deref()
    }

    /// ISO 3166-1 alpha-2 country code.
    async fn country(&self) -> &str {
        &self.0.country
    }

    /// The region the organisation is registered in; null for foreign organisations.
    async fn region(&self, ctx: &Context<'_>) -> Result<Option<Region>> {
        let Some(id) = self.0.region_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?.regions.load_one(id).await?.map(Region))
    }

    /// The science city the organisation belongs to, if any.
    async fn science_city(&self, ctx: &Context<'_>) -> Result<Option<ScienceCity>> {
        let Some(id) = self.0.science_city_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .science_cities
            .load_one(id)
            .await?
            .map(ScienceCity))
    }

    /// Public web site.
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }

    /// The organisation's members with their roles, oldest first. Visible to its own members
    /// and platform admins; null for everyone else.
    async fn members(&self, ctx: &Context<'_>) -> Result<Option<Vec<Membership>>> {
        if !access(ctx).await?.can_see_members(self.0.id) {
            return Ok(None);
        }
        let rows = loaders(ctx)?.members_of.load_one(self.0.id).await?;
        Ok(Some(
            rows.unwrap_or_default()
                .into_iter()
                .map(Membership)
                .collect(),
        ))
    }

    /// The caller's role in this organisation; null when not a member or anonymous.
    async fn viewer_role(&self, ctx: &Context<'_>) -> Result<Option<MembershipRole>> {
        Ok(access(ctx).await?.memberships.get(&self.0.id).copied())
    }

    /// When the organisation was registered.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When the profile was last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

connection!(
    OrganizationConnection,
    OrganizationEdge,
    Organization,
    organization::Entity,
    "A page of organisations, in registration order.",
    "An organisation in a page, with its cursor."
);

connection!(
    ScienceCityConnection,
    ScienceCityEdge,
    ScienceCity,
    science_city::Entity,
    "A page of science cities, in creation order.",
    "A science city in a page, with its cursor."
);

/// GraphQL view of FieldOfScience; see the schema description on its `impl`.
pub struct FieldOfScience(pub field_of_science::Model);

/// A field of science from the OECD Frascati Manual classification (FOS 2007): six major fields,
/// each with sub-fields.
#[Object]
impl FieldOfScience {
    /// Hierarchical code: `2` for a major field, `2.3` for a sub-field.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// The major field's code for a sub-field; null for a major field.
    async fn parent_code(&self) -> Option<&str> {
        self.0.parent_code.as_deref()
    }

    /// The field's name. English always; Kazakh and Russian for the major fields so far.
    async fn name(&self) -> LocalizedText {
        localized(
            &self.0.name_kk,
            &self.0.name_ru,
            &Some(self.0.name_en.clone()),
        )
    }
}

/// GraphQL view of TrlLevel; see the schema description on its `impl`.
pub struct TrlLevel(pub trl_level::Model);

/// A technology readiness level on the EU Horizon 2020 scale (1 = basic principles observed,
/// 9 = actual system proven in operational environment).
#[Object]
impl TrlLevel {
    /// The level, 1 to 9.
    async fn level(&self) -> i32 {
        self.0.level
    }

    /// The level's definition (English, the scale's own language).
    async fn name(&self) -> LocalizedText {
        LocalizedText(Localized {
            en: Some(self.0.name_en.clone()),
            ..Localized::default()
        })
    }
}

/// GraphQL view of Taxonomy; see the schema description on its `impl`.
pub struct Taxonomy;

/// Reference classifications used across the platform.
#[Object]
impl Taxonomy {
    /// All fields of science, major fields before their sub-fields.
    async fn fields_of_science(&self, ctx: &Context<'_>) -> Result<Vec<FieldOfScience>> {
        let rows = taxonomy::fields_of_science(&app(ctx)?.db).await?;
        Ok(rows.into_iter().map(FieldOfScience).collect())
    }

    /// Technology readiness levels 1 to 9.
    async fn trl_levels(&self, ctx: &Context<'_>) -> Result<Vec<TrlLevel>> {
        let rows = taxonomy::trl_levels(&app(ctx)?.db).await?;
        Ok(rows.into_iter().map(TrlLevel).collect())
    }
}
