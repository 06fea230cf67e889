//! Need and capability mutations.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};
use chrono::NaiveDate;
use entity::need::{Confidentiality, NeedStatus, Sector};

use super::types::{Capability, Need};
use crate::{
    domain::{
        capabilities::{self, CapabilityChanges, NewCapability},
        needs::{self, NeedChanges, NewNeed},
    },
    graphql::{
        access, app,
        ids::{NodeType, decode_as},
        localized::LocalizedTextInput,
        patch,
    },
};

fn org_ids(ids: Vec<ID>, field: &'static str) -> Result<Vec<i64>> {
    Ok(ids
        .iter()
        .map(|id| decode_as(id, NodeType::Organization, field))
        .collect::<Result<_, _>>()?)
}

/// A new technology need.
#[derive(Debug, InputObject)]
pub struct PostNeedInput {
    /// The organisation posting it; the caller must be a member.
    pub organization_id: ID,
    /// Short title, in at least one of kk/ru/en (up to 300 characters each).
    pub title: LocalizedTextInput,
    /// The problem in full (up to 10,000 characters per language).
    pub description: Option<LocalizedTextInput>,
    /// Keywords (up to 20, 60 characters each).
    #[graphql(default)]
    pub keywords: Vec<String>,
    /// OECD FOS 2007 codes (up to 10; see `taxonomy.fieldsOfScience`).
    #[graphql(default)]
    pub fields_of_science: Vec<String>,
    /// IRSTI (ГРНТИ) codes such as `61.51.17` (optional, up to 10).
    #[graphql(default)]
    pub irsti_codes: Vec<String>,
    /// Lowest acceptable technology readiness level, 1–9.
    pub trl_min: Option<i32>,
    /// Highest wanted technology readiness level, 1–9.
    pub trl_max: Option<i32>,
    /// Budget floor in KZT, a decimal string such as `"5000000.00"`.
    pub budget_min: Option<String>,
    /// Budget ceiling in KZT, a decimal string.
    pub budget_max: Option<String>,
    /// When a solution is needed by (today or later).
    pub deadline: Option<NaiveDate>,
    /// Up to five must-have requirements (500 characters each).
    #[graphql(default)]
    pub requirements: Vec<String>,
    /// Who may read it.
    #[graphql(default_with = "Confidentiality::Public")]
    pub confidentiality: Confidentiality,
    /// The enterprise's sector.
    pub sector: Option<Sector>,
    /// Organisations that may read it in full even if it is confidential or a teaser.
    #[graphql(default)]
    pub shared_with: Vec<ID>,
}

/// The result of `postNeed`.
#[derive(SimpleObject)]
pub struct PostNeedPayload {
    /// The new need, `OPEN`.
    pub need: Need,
}

/// Changes to a need. Omitted fields stay as they are; `null` clears the optional ones; lists
/// replace the old list.
#[derive(Debug, InputObject)]
pub struct UpdateNeedInput {
    /// The need to change.
    pub id: ID,
    /// New title.
    pub title: Option<LocalizedTextInput>,
    /// New description.
    pub description: Option<LocalizedTextInput>,
    /// New keywords.
    pub keywords: Option<Vec<String>>,
    /// New FOS codes.
    pub fields_of_science: Option<Vec<String>>,
    /// New IRSTI codes.
    pub irsti_codes: Option<Vec<String>>,
    /// New lowest TRL, or null.
    pub trl_min: MaybeUndefined<i32>,
    /// New highest TRL, or null.
    pub trl_max: MaybeUndefined<i32>,
    /// New budget floor, or null.
    pub budget_min: MaybeUndefined<String>,
    /// New budget ceiling, or null.
    pub budget_max: MaybeUndefined<String>,
    /// New deadline, or null.
    pub deadline: MaybeUndefined<NaiveDate>,
    /// New requirements.
    pub requirements: Option<Vec<String>>,
    /// New confidentiality.
    pub confidentiality: Option<Confidentiality>,
    /// New sector, or null.
    pub sector: MaybeUndefined<Sector>,
    /// New share list (replaces the old one).
    pub shared_with: Option<Vec<ID>>,
    /// `MATCHED` once a partner is found (give `matchedCapabilityId`), or `OPEN` again if it
    /// fell through. Closing is `closeNeed`.
    pub status: Option<NeedStatus>,
    /// The capability the need was matched with.
    pub matched_capability_id: Option<ID>,
}

/// The result of `updateNeed`.
#[derive(SimpleObject)]
pub struct UpdateNeedPayload {
    /// The need as changed.
    pub need: Need,
}

/// Closes a need.
#[derive(Debug, InputObject)]
pub struct CloseNeedInput {
    /// The need to close; closing is final.
    pub id: ID,
}

/// The result of `closeNeed`.
#[derive(SimpleObject)]
pub struct CloseNeedPayload {
    /// The need, `CLOSED`.
    pub need: Need,
}

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

/// Need and capability mutations.
#[derive(Default)]
pub struct MatchingMutation;

#[Object]
impl MatchingMutation {
    /// Posts a technology need for an organisation. Its members and platform admins may do this.
    async fn post_need(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; see its type.")] input: PostNeedInput,
    ) -> Result<PostNeedPayload> {
        let organization_id = decode_as(
            &input.organization_id,
            NodeType::Organization,
            "organizationId",
        )?;
        let need = needs::post(
            &app(ctx)?.db,
            &*access(ctx).await?,
            NewNeed {
                organization_id,
                title: input.title.into(),
                description: input.description.unwrap_or_default().into(),
                keywords: input.keywords,
                fields: input.fields_of_science,
                irsti_codes: input.irsti_codes,
                trl_min: input.trl_min,
                trl_max: input.trl_max,
                budget_min: input.budget_min,
                budget_max: input.budget_max,
                deadline: input.deadline,
                requirements: input.requirements,
                confidentiality: input.confidentiality,
                sector: input.sector,
                shared_with: org_ids(input.shared_with, "sharedWith")?,
            },
        )
        .await?;
        Ok(PostNeedPayload { need: Need(need) })
    }

    /// Changes a need. Its organisation's members and platform admins may do this; a closed
    /// need cannot change.
    async fn update_need(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; see its type.")] input: UpdateNeedInput,
    ) -> Result<UpdateNeedPayload> {
        let id = decode_as(&input.id, NodeType::Need, "id")?;
        let changes = NeedChanges {
            title: input.title.map(Into::into),
            description: input.description.map(Into::into),
            keywords: input.keywords,
            fields: input.fields_of_science,
            irsti_codes: input.irsti_codes,
            trl_min: patch(input.trl_min, Ok)?,
            trl_max: patch(input.trl_max, Ok)?,
            budget_min: patch(input.budget_min, Ok)?,
            budget_max: patch(input.budget_max, Ok)?,
            deadline: patch(input.deadline, Ok)?,
            requirements: input.requirements,
            confidentiality: input.confidentiality,
            sector: patch(input.sector, Ok)?,
            shared_with: input
                .shared_with
                .map(|ids| org_ids(ids, "sharedWith"))
                .transpose()?,
            status: input.status,
            matched_capability_id: input
                .matched_capability_id
                .map(|id| decode_as(&id, NodeType::Capability, "matchedCapabilityId"))
                .transpose()?,
        };
        let need = needs::update(&app(ctx)?.db, &*access(ctx).await?, id, changes).await?;
        Ok(UpdateNeedPayload { need: Need(need) })
    }

    /// Closes a need for good. Its organisation's members and platform admins may do this.
    async fn close_need(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; see its type.")] input: CloseNeedInput,
    ) -> Result<CloseNeedPayload> {
        let id = decode_as(&input.id, NodeType::Need, "id")?;
        let need = needs::close(&app(ctx)?.db, &*access(ctx).await?, id).await?;
        Ok(CloseNeedPayload { need: Need(need) })
    }

    /// Posts a capability for an organisation. Its members and platform admins may do this.
    async fn post_capability(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; see its type.")] input: PostCapabilityInput,
    ) -> Result<PostCapabilityPayload> {
        let organization_id = decode_as(
            &input.organization_id,
            NodeType::Organization,
            "organizationId",
        )?;
        let capability = capabilities::post(
            &app(ctx)?.db,
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
        #[graphql(desc = "The mutation's input; see its type.")] input: UpdateCapabilityInput,
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
            capabilities::update(&app(ctx)?.db, &*access(ctx).await?, id, changes).await?;
        Ok(UpdateCapabilityPayload {
            capability: Capability(capability),
        })
    }
}
