//! Deal mutations.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{
    deal::{DealStage, DealType},
    deal_financing::FinancingSource,
    deal_party::PartyRole,
};

use super::types::Deal;
use crate::{
    domain::deals::{self, Financing, IpTerms, NewDeal, Party, TermChanges},
    graphql::{
        access,
        ids::{NodeType, decode_as},
        localized::LocalizedTextInput,
        patch, services,
    },
};

/// A party of a new deal.
#[derive(Debug, InputObject)]
pub struct DealPartyInput {
    /// The party organisation.
    pub organization_id: ID,
    /// Its role.
    pub role: PartyRole,
}

/// A financing line.
#[derive(Debug, InputObject)]
pub struct FinancingLineInput {
    /// Where the money comes from.
    pub source: FinancingSource,
    /// Amount in KZT, a decimal string.
    pub amount: String,
    /// The investing organisation, if named.
    pub investor_organization_id: Option<ID>,
}

/// IP terms.
#[derive(Debug, Default, InputObject)]
pub struct IpTermsInput {
    /// Field of use.
    pub field_of_use: Option<String>,
    /// Territory.
    pub territory: Option<String>,
    /// Royalty in percent (0–100, up to two decimals), a decimal string.
    pub royalty_percent: Option<String>,
    /// Milestones (up to 30).
    #[graphql(default)]
    pub milestones: Vec<String>,
}

/// A new deal: recorded with its parties, financing and first history entry, all or nothing.
#[derive(Debug, InputObject)]
pub struct RecordDealInput {
    /// Title, in at least one of kk/ru/en.
    pub title: LocalizedTextInput,
    /// Kind of transfer.
    pub deal_type: DealType,
    /// Initial stage (default `PROPOSED`; an already signed deal may be recorded as such).
    #[graphql(default_with = "DealStage::Proposed")]
    pub stage: DealStage,
    /// When it was signed (for stages from `SIGNED` on; now when omitted).
    pub signed_at: Option<DateTime<Utc>>,
    /// Value in KZT, a decimal string.
    pub value: String,
    /// Parties: at least a provider and a recipient; the caller must belong to one.
    pub parties: Vec<DealPartyInput>,
    /// Financing lines; they must add up to no more than the value.
    #[graphql(default)]
    pub financing: Vec<FinancingLineInput>,
    /// IP terms.
    pub ip_terms: Option<IpTermsInput>,
    /// The need it came from.
    pub need_id: Option<ID>,
    /// The capability it came from.
    pub capability_id: Option<ID>,
    /// The meeting it came from.
    pub meeting_id: Option<ID>,
    /// The session it came from.
    pub session_id: Option<ID>,
    /// The science city its figures count for (default: the session's, else a party's).
    pub science_city_id: Option<ID>,
    /// A note for the history.
    pub note: Option<String>,
}

/// The result of a deal mutation.
#[derive(SimpleObject)]
pub struct DealPayload {
    /// The deal as it now stands.
    pub deal: Deal,
}

/// A stage transition.
#[derive(Debug, InputObject)]
pub struct AdvanceDealInput {
    /// The deal.
    pub id: ID,
    /// The next stage; only valid transitions are accepted.
    pub stage: DealStage,
    /// The version the caller read; a stale one gets `VERSION_CONFLICT` and changes nothing.
    pub expected_version: i32,
    /// A note for the history.
    pub note: Option<String>,
}

/// Changes to a deal's terms. Omitted fields stay; `null` clears the optional ones.
#[derive(Debug, InputObject)]
pub struct UpdateDealTermsInput {
    /// The deal.
    pub id: ID,
    /// The version the caller read; a stale one gets `VERSION_CONFLICT` and changes nothing.
    pub expected_version: i32,
    /// New title.
    pub title: Option<LocalizedTextInput>,
    /// New value in KZT.
    pub value: Option<String>,
    /// New financing lines (replace the old ones).
    pub financing: Option<Vec<FinancingLineInput>>,
    /// New field of use.
    pub field_of_use: MaybeUndefined<String>,
    /// New territory.
    pub territory: MaybeUndefined<String>,
    /// New royalty in percent.
    pub royalty_percent: MaybeUndefined<String>,
    /// New milestones.
    pub milestones: Option<Vec<String>>,
    /// A note for the history.
    pub note: Option<String>,
}

fn financing(lines: Vec<FinancingLineInput>) -> Result<Vec<Financing>> {
    lines
        .into_iter()
        .map(|l| {
            Ok(Financing {
                source: l.source,
                amount: l.amount,
                investor_organization_id: l
                    .investor_organization_id
                    .map(|id| {
                        decode_as(
                            &id,
                            NodeType::Organization,
                            "financing.investorOrganizationId",
                        )
                    })
                    .transpose()?,
            })
        })
        .collect()
}

fn optional(id: Option<ID>, kind: NodeType, field: &'static str) -> Result<Option<i64>> {
    Ok(id.map(|id| decode_as(&id, kind, field)).transpose()?)
}

/// Deal mutations.
#[derive(Default)]
pub struct DealMutation;

#[Object]
impl DealMutation {
    /// Records a deal with its parties, financing and first history entry, all or nothing.
    /// Members of a party and platform admins may do this.
    async fn record_deal(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The deal to record: type, parties, value, IP terms, financing and origin."
        )]
        input: RecordDealInput,
    ) -> Result<DealPayload> {
        let ip = input.ip_terms.unwrap_or_default();
        let deal = deals::record(
            &services(ctx)?.db,
            &*access(ctx).await?,
            NewDeal {
                title: input.title.into(),
                deal_type: input.deal_type,
                stage: input.stage,
                signed_at: input.signed_at,
                value: input.value,
                parties: input
                    .parties
                    .into_iter()
                    .map(|p| {
                        Ok(Party {
                            organization_id: decode_as(
                                &p.organization_id,
                                NodeType::Organization,
                                "parties.organizationId",
                            )?,
                            role: p.role,
                        })
                    })
                    .collect::<Result<_>>()?,
                financing: financing(input.financing)?,
                ip: IpTerms {
                    field_of_use: ip.field_of_use,
                    territory: ip.territory,
                    royalty_percent: ip.royalty_percent,
                    milestones: ip.milestones,
                },
                need_id: optional(input.need_id, NodeType::Need, "needId")?,
                capability_id: optional(input.capability_id, NodeType::Capability, "capabilityId")?,
                meeting_id: optional(input.meeting_id, NodeType::Meeting, "meetingId")?,
                session_id: optional(input.session_id, NodeType::Session, "sessionId")?,
                science_city_id: optional(
                    input.science_city_id,
                    NodeType::ScienceCity,
                    "scienceCityId",
                )?,
                note: input.note,
            },
        )
        .await?;
        Ok(DealPayload { deal: Deal(deal) })
    }

    /// Moves a deal to its next stage (`PROPOSED → NEGOTIATING → SIGNED → IN_EXECUTION →
    /// COMPLETED`, or to `CANCELLED`/`EXPIRED` where allowed), recorded in its history. A
    /// party's members and platform admins may do this.
    async fn advance_deal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The deal, the version read, the stage to move to and an optional note.")]
        input: AdvanceDealInput,
    ) -> Result<DealPayload> {
        let id = decode_as(&input.id, NodeType::Deal, "id")?;
        let deal = deals::advance(
            &services(ctx)?.db,
            &*access(ctx).await?,
            id,
            input.stage,
            input.expected_version,
            input.note,
        )
        .await?;
        Ok(DealPayload { deal: Deal(deal) })
    }

    /// Changes a deal's terms, value or financing, recorded in its history. A party's members
    /// and platform admins may do this.
    async fn update_deal_terms(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The deal, the version read, and the terms to change.")]
        input: UpdateDealTermsInput,
    ) -> Result<DealPayload> {
        let id = decode_as(&input.id, NodeType::Deal, "id")?;
        let changes = TermChanges {
            title: input.title.map(Into::into),
            value: input.value,
            financing: input.financing.map(financing).transpose()?,
            field_of_use: patch(input.field_of_use, Ok)?,
            territory: patch(input.territory, Ok)?,
            royalty_percent: patch(input.royalty_percent, Ok)?,
            milestones: input.milestones,
        };
        let deal = deals::update_terms(
            &services(ctx)?.db,
            &*access(ctx).await?,
            id,
            input.expected_version,
            changes,
            input.note,
        )
        .await?;
        Ok(DealPayload { deal: Deal(deal) })
    }
}
