//! Deal object types.

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{
    deal::{self, DealStage, DealType},
    deal_financing::{self, FinancingSource},
    deal_history::{self, DealChange},
    deal_party::{self, PartyRole},
};

use crate::{
    domain::money,
    graphql::{
        capabilities::types::Capability,
        connection::Connection,
        ids::{self, NodeType},
        loaders,
        localized::{LocalizedText, localized},
        meetings::types::Meeting,
        money::Money,
        needs::types::Need,
        organizations::types::Organization,
        science_cities::types::ScienceCity,
        sessions::types::Session,
    },
};

/// GraphQL view of Deal; see the schema description on its `impl`.
pub struct Deal(pub deal::Model);

/// A technology-transfer deal. Visible to its parties' members and platform admins only.
#[Object]
impl Deal {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::Deal, self.0.id)
    }

    /// Title.
    async fn title(&self) -> LocalizedText {
        localized(&self.0.title_kk, &self.0.title_ru, &self.0.title_en)
    }

    /// Kind of transfer.
    async fn deal_type(&self) -> DealType {
        self.0.deal_type
    }

    /// Where it stands.
    async fn stage(&self) -> DealStage {
        self.0.stage
    }

    /// Version for optimistic concurrency: pass it as `expectedVersion` when changing the deal.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// Value.
    async fn value(&self) -> Money {
        Money::from_tiyn(self.0.value)
    }

    /// IP terms.
    async fn ip_terms(&self) -> IpTerms {
        IpTerms {
            field_of_use: self.0.field_of_use.clone(),
            territory: self.0.territory.clone(),
            royalty_percent: self
                .0
                .royalty_basis_points
                .map(|bp| money::format_scaled(i64::from(bp), 2)),
            milestones: self.0.milestones.0.clone(),
        }
    }

    /// The parties with their roles.
    async fn parties(&self, ctx: &Context<'_>) -> Result<Vec<DealParty>> {
        let rows = loaders(ctx)?.deal_parties.load_one(self.0.id).await?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(DealParty)
            .collect())
    }

    /// Financing lines; they add up to no more than the value.
    async fn financing(&self, ctx: &Context<'_>) -> Result<Vec<FinancingLine>> {
        let rows = loaders(ctx)?.deal_financing.load_one(self.0.id).await?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(FinancingLine)
            .collect())
    }

    /// Every change, oldest first; append-only.
    async fn history(&self, ctx: &Context<'_>) -> Result<Vec<DealHistoryEntry>> {
        let rows = loaders(ctx)?.deal_history.load_one(self.0.id).await?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(DealHistoryEntry)
            .collect())
    }

    /// The need it came from, if any and visible.
    async fn need(&self, ctx: &Context<'_>) -> Result<Option<Need>> {
        match self.0.need_id {
            Some(id) => Need::load(ctx, id).await,
            None => Ok(None),
        }
    }

    /// The capability it came from, if any and visible.
    async fn capability(&self, ctx: &Context<'_>) -> Result<Option<Capability>> {
        match self.0.capability_id {
            Some(id) => Capability::load(ctx, id).await,
            None => Ok(None),
        }
    }

    /// The meeting it came from, if any and visible.
    async fn meeting(&self, ctx: &Context<'_>) -> Result<Option<Meeting>> {
        match self.0.meeting_id {
            Some(id) => Meeting::load(ctx, id).await,
            None => Ok(None),
        }
    }

    /// The session it came from, if any.
    async fn session(&self, ctx: &Context<'_>) -> Result<Option<Session>> {
        match self.0.session_id {
            Some(id) => Ok(loaders(ctx)?.sessions.load_one(id).await?.map(Session)),
            None => Ok(None),
        }
    }

    /// The science city its figures count for.
    async fn science_city(&self, ctx: &Context<'_>) -> Result<Option<ScienceCity>> {
        match self.0.science_city_id {
            Some(id) => Ok(loaders(ctx)?
                .science_cities
                .load_one(id)
                .await?
                .map(ScienceCity)),
            None => Ok(None),
        }
    }

    /// When it was signed.
    async fn signed_at(&self) -> Option<DateTime<Utc>> {
        self.0.signed_at
    }

    /// When it was recorded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// IP terms of a deal.
#[derive(SimpleObject)]
pub struct IpTerms {
    /// Field of use.
    pub field_of_use: Option<String>,
    /// Territory.
    pub territory: Option<String>,
    /// Royalty in percent, a decimal string such as `"3.50"`.
    pub royalty_percent: Option<String>,
    /// Milestones.
    pub milestones: Vec<String>,
}

/// GraphQL view of DealParty; see the schema description on its `impl`.
pub struct DealParty(pub deal_party::Model);

/// An organisation taking part in a deal.
#[Object]
impl DealParty {
    /// The organisation taking part.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        Organization::referenced(ctx, self.0.organization_id).await
    }

    /// Its role.
    async fn role(&self) -> PartyRole {
        self.0.role
    }
}

/// GraphQL view of FinancingLine; see the schema description on its `impl`.
pub struct FinancingLine(pub deal_financing::Model);

/// One source of a deal's money.
#[Object]
impl FinancingLine {
    /// Where the money comes from.
    async fn source(&self) -> FinancingSource {
        self.0.source
    }

    /// How much.
    async fn amount(&self) -> Money {
        Money::from_tiyn(self.0.amount)
    }

    /// The investing organisation, if named.
    async fn investor(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        match self.0.investor_organization_id {
            Some(id) => Ok(loaders(ctx)?
                .organizations
                .load_one(id)
                .await?
                .map(Organization)),
            None => Ok(None),
        }
    }
}

/// GraphQL view of DealHistoryEntry; see the schema description on its `impl`.
pub struct DealHistoryEntry(pub deal_history::Model);

/// One change of a deal.
#[Object]
impl DealHistoryEntry {
    /// The deal's version after the change.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// What changed.
    async fn change(&self) -> DealChange {
        self.0.change
    }

    /// Stage before (null for the recording).
    async fn from_stage(&self) -> Option<DealStage> {
        self.0.from_stage
    }

    /// Stage after.
    async fn to_stage(&self) -> Option<DealStage> {
        self.0.to_stage
    }

    /// The actor's note.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// When.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }

    /// Who (the user's global ID; their profile is visible per the usual rules).
    async fn actor_id(&self) -> ID {
        ids::encode(NodeType::User, self.0.actor_user_id)
    }
}

/// A page of deals the caller is party to, oldest first.
pub type DealConnection = Connection<Deal>;
