//! The organisation object type.

use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};
use entity::{
    membership::MembershipRole,
    organization::{self, OrganizationKind},
};

use crate::{
    domain::portfolio,
    graphql::{
        access,
        accounts::types::Membership,
        connection::{Connection, page_cost, page_request},
        ids::{self, NodeType},
        loaders,
        localized::{LocalizedText, localized},
        portfolio::types::{PortfolioItem, PortfolioItemConnection},
        regions::types::Region,
        required,
        science_cities::types::ScienceCity,
        services,
    },
};

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

    /// Its record of past work — projects, publications, patents, products — oldest first.
    /// Members-only items appear to members of their participants and platform admins only.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn portfolio(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 0 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Return rows after this cursor.")] after: Option<String>,
    ) -> Result<PortfolioItemConnection> {
        let page = page_request(first, after)?;
        let rows = portfolio::list_for_organization(
            &services(ctx)?.db,
            &*access(ctx).await?,
            self.0.id,
            page,
        )
        .await?;
        Ok(Connection::of(rows, PortfolioItem))
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

/// A page of organisations, in registration order.
pub type OrganizationConnection = Connection<Organization>;
