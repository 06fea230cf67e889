//! Need mutations.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};
use chrono::NaiveDate;
use entity::need::{Confidentiality, NeedStatus, Sector};

use super::types::Need;
use crate::{
    domain::needs::{self, NeedChanges, NewNeed},
    graphql::{
        access,
        ids::{self, NodeType, decode_as},
        localized::LocalizedTextInput,
        patch, services,
    },
};

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

/// Need mutations.
#[derive(Default)]
pub struct NeedMutation;

#[Object]
impl NeedMutation {
    /// Posts a technology need for an organisation. Its members and platform admins may do this.
    async fn post_need(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The need to post: owner, texts, fields, TRL window, budget, deadline, confidentiality."
        )]
        input: PostNeedInput,
    ) -> Result<PostNeedPayload> {
        let organization_id = decode_as(
            &input.organization_id,
            NodeType::Organization,
            "organizationId",
        )?;
        let need = needs::post(
            &services(ctx)?.db,
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
                shared_with: ids::organizations(&input.shared_with, "sharedWith")?,
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
        #[graphql(desc = "The need and the fields to change; omitted fields stay as they are.")]
        input: UpdateNeedInput,
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
                .map(|list| ids::organizations(&list, "sharedWith"))
                .transpose()?,
            status: input.status,
            matched_capability_id: input
                .matched_capability_id
                .map(|id| decode_as(&id, NodeType::Capability, "matchedCapabilityId"))
                .transpose()?,
        };
        let need = needs::update(&services(ctx)?.db, &*access(ctx).await?, id, changes).await?;
        Ok(UpdateNeedPayload { need: Need(need) })
    }

    /// Closes a need for good. Its organisation's members and platform admins may do this.
    async fn close_need(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The need to close; it stops being matched and takes no more changes.")]
        input: CloseNeedInput,
    ) -> Result<CloseNeedPayload> {
        let id = decode_as(&input.id, NodeType::Need, "id")?;
        let need = needs::close(&services(ctx)?.db, &*access(ctx).await?, id).await?;
        Ok(CloseNeedPayload { need: Need(need) })
    }
}
