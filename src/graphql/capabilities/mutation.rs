//! Capability mutations.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};
use entity::need::Sector;

use super::types::Capability;
use crate::{
    domain::capabilities::{self, CapabilityChanges, NewCapability},
    graphql::{
        access,
        ids::{NodeType, decode_as},
        localized::LocalizedTextInput,
        patch, services,
    },
};

/// A new capability.
#[derive(Debug, InputObject)]
pub struct PostCapabilityInput {
    /// The organisation offering it; the caller must be a member.
    pub organization_id: ID,
    /// Short title, in at least one of kk/ru/en (up to 300 characters each).
    pub title: LocalizedTextInput,
    /// The expertise in full (up to 10,000 characters per language).
    pub description: Option<LocalizedTextInput>,
    /// Keywords (up to 20, 60 characters each).
    #[graphql(default)]
    pub keywords: Vec<String>,
    /// OECD FOS 2007 codes (up to 10).
    #[graphql(default)]
    pub fields_of_science: Vec<String>,
    /// Equipment and facilities (up to 30, 200 characters each).
    #[graphql(default)]
    pub equipment: Vec<String>,
    /// Technology readiness level reached, 1–9.
    pub trl: Option<i32>,
    /// Lowest price in KZT, a decimal string.
    pub price_min: Option<String>,
    /// Highest price in KZT, a decimal string.
    pub price_max: Option<String>,
    /// Days from agreement to start of work (0–730).
    pub lead_time_days: Option<i32>,
    /// New projects it can take now (0–1000); 0 keeps it out of matching.
    #[graphql(default = 1)]
    pub capacity: i32,
    /// Sectors the owner wants to work with; empty means any.
    #[graphql(default)]
    pub sectors: Vec<Sector>,
    /// Whether it is offered.
    #[graphql(default = true)]
    pub active: bool,
}

/// The result of `postCapability`.
#[derive(SimpleObject)]
pub struct PostCapabilityPayload {
    /// The new capability.
    pub capability: Capability,
}

/// Changes to a capability. Omitted fields stay as they are; `null` clears the optional ones;
/// lists replace the old list.
#[derive(Debug, InputObject)]
pub struct UpdateCapabilityInput {
    /// The capability to change.
    pub id: ID,
    /// New title.
    pub title: Option<LocalizedTextInput>,
    /// New expertise.
    pub description: Option<LocalizedTextInput>,
    /// New keywords.
    pub keywords: Option<Vec<String>>,
    /// New FOS codes.
    pub fields_of_science: Option<Vec<String>>,
    /// New equipment.
    pub equipment: Option<Vec<String>>,
    /// New TRL, or null.
    pub trl: MaybeUndefined<i32>,
    /// New lowest price, or null.
    pub price_min: MaybeUndefined<String>,
    /// New highest price, or null.
    pub price_max: MaybeUndefined<String>,
    /// New lead time, or null.
    pub lead_time_days: MaybeUndefined<i32>,
    /// New capacity.
    pub capacity: Option<i32>,
    /// New sectors.
    pub sectors: Option<Vec<Sector>>,
    /// Switch it on or off.
    pub active: Option<bool>,
}

/// The result of `updateCapability`.
#[derive(SimpleObject)]
pub struct UpdateCapabilityPayload {
    /// The capability as changed.
    pub capability: Capability,
}

/// Capability mutations.
#[derive(Default)]
pub struct CapabilityMutation;

#[Object]
impl CapabilityMutation {
    /// Posts a capability for an organisation. Its members and platform admins may do this.
    async fn post_capability(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The capability to post: owner, texts, fields, TRL, price, capacity.")]
        input: PostCapabilityInput,
    ) -> Result<PostCapabilityPayload> {
        let organization_id = decode_as(
            &input.organization_id,
            NodeType::Organization,
            "organizationId",
        )?;
        let capability = capabilities::post(
            &services(ctx)?.db,
            &*access(ctx).await?,
            NewCapability {
                organization_id,
                title: input.title.into(),
                description: input.description.unwrap_or_default().into(),
                keywords: input.keywords,
                fields: input.fields_of_science,
                equipment: input.equipment,
                trl: input.trl,
                price_min: input.price_min,
                price_max: input.price_max,
                lead_time_days: input.lead_time_days,
                capacity: input.capacity,
                sectors: input.sectors,
                active: input.active,
            },
        )
        .await?;
        Ok(PostCapabilityPayload {
            capability: Capability(capability),
        })
    }

    /// Changes a capability. Its organisation's members and platform admins may do this.
    async fn update_capability(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The capability and the fields to change; omitted fields stay as they are."
        )]
        input: UpdateCapabilityInput,
    ) -> Result<UpdateCapabilityPayload> {
        let id = decode_as(&input.id, NodeType::Capability, "id")?;
        let changes = CapabilityChanges {
            title: input.title.map(Into::into),
            description: input.description.map(Into::into),
            keywords: input.keywords,
            fields: input.fields_of_science,
            equipment: input.equipment,
            trl: patch(input.trl, Ok)?,
            price_min: patch(input.price_min, Ok)?,
            price_max: patch(input.price_max, Ok)?,
            lead_time_days: patch(input.lead_time_days, Ok)?,
            capacity: input.capacity,
            sectors: input.sectors,
            active: input.active,
        };
        let capability =
            capabilities::update(&services(ctx)?.db, &*access(ctx).await?, id, changes).await?;
        Ok(UpdateCapabilityPayload {
            capability: Capability(capability),
        })
    }
}
