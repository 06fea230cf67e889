//! Matching queries: ranked partners for a need or a capability, and why a pair is left out.

use std::sync::Arc;

use async_graphql::{Context, ID, Object, Result};
use entity::organization::OrganizationKind;
use tokio::sync::RwLockReadGuard;

use super::types::{Match, PartnerEvidence, PartnerFactor, PartnerMatch};
use crate::{
    domain::{
        access::Access,
        matching::{self, Engine},
        pagination::PageRequest,
    },
    graphql::{
        access,
        connection::page_cost,
        ids::{NodeType, decode_as},
        loaders,
        organizations::types::Organization,
        required, services,
    },
};

/// How many ranked results to return: `first` checked like a page size (0–100, default 20).
fn match_count(first: Option<i32>) -> Result<usize> {
    Ok(usize::try_from(PageRequest::new(first, None)?.first).unwrap_or(0))
}

/// The signed-in caller's access, and the engine brought up to date.
async fn signed_in_engine<'a>(
    ctx: &'a Context<'_>,
) -> Result<(Arc<Access>, RwLockReadGuard<'a, Engine>)> {
    let access = access(ctx).await?;
    access.user_id()?;
    let services = services(ctx)?;
    Ok((access, services.matcher.current(&services.db).await?))
}

/// Matching queries.
#[derive(Default)]
pub struct MatchingQuery;

#[Object]
impl MatchingQuery {
    /// The capabilities that best fit a need, best first, each with its explained score.
    /// Requires sign-in and the right to read the whole need. Capabilities of the need's own
    /// organisation, inactive ones, those without capacity and those whose minimum price is
    /// above the budget never appear.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn matches_for_need(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The need.")] need_id: ID,
        #[graphql(desc = "How many, 0 to 100 (default 20).")] first: Option<i32>,
    ) -> Result<Vec<Match>> {
        let need_id = decode_as(&need_id, NodeType::Need, "needId")?;
        let first = match_count(first)?;
        let (viewer, engine) = signed_in_engine(ctx).await?;
        Ok(engine
            .matches_for_need(need_id, &viewer, first)?
            .into_iter()
            .map(Match)
            .collect())
    }

    /// The open needs that best fit a capability, best first. Requires sign-in. Needs the caller
    /// may read only as a teaser are scored on their teaser; confidential ones not shared with
    /// the caller never appear.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn matches_for_capability(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The capability.")] capability_id: ID,
        #[graphql(desc = "How many, 0 to 100 (default 20).")] first: Option<i32>,
    ) -> Result<Vec<Match>> {
        let capability_id = decode_as(&capability_id, NodeType::Capability, "capabilityId")?;
        let first = match_count(first)?;
        let (viewer, engine) = signed_in_engine(ctx).await?;
        Ok(engine
            .matches_for_capability(capability_id, &viewer, first)?
            .into_iter()
            .map(Match)
            .collect())
    }

    /// The organisations that best fit a need, best first, each with its explained score and
    /// the evidence behind it: the capabilities and portfolio items whose text matched, and the
    /// history the organisation shares with the need's owner (portfolio items, completed deals,
    /// meetings held, partners in common). Requires sign-in and the right to read the whole
    /// need. The need's own organisation never appears.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn partners_for_need(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The need.")] need_id: ID,
        #[graphql(desc = "Only organisations of these kinds; all kinds if omitted or empty.")]
        kinds: Option<Vec<OrganizationKind>>,
        #[graphql(desc = "How many, 0 to 100 (default 20).")] first: Option<i32>,
    ) -> Result<Vec<PartnerMatch>> {
        let need_id = decode_as(&need_id, NodeType::Need, "needId")?;
        let first = match_count(first)?;
        let viewer = access(ctx).await?;
        viewer.user_id()?;
        let services = services(ctx)?;
        let ranked = services
            .matcher
            .partners_for_need(
                &services.db,
                &services.meetings,
                &viewer,
                need_id,
                &kinds.unwrap_or_default(),
                first,
            )
            .await?;
        partner_matches(ctx, ranked).await
    }

    /// One need and one capability scored for each other, with every hard filter that excludes
    /// the pair in `reasons` ("why not?"). Requires sign-in and the right to see both.
    async fn explain_match(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The need.")] need_id: ID,
        #[graphql(desc = "The capability.")] capability_id: ID,
    ) -> Result<Match> {
        let need_id = decode_as(&need_id, NodeType::Need, "needId")?;
        let capability_id = decode_as(&capability_id, NodeType::Capability, "capabilityId")?;
        let (viewer, engine) = signed_in_engine(ctx).await?;
        Ok(Match(engine.explain(need_id, capability_id, &viewer)?))
    }

    /// Organisations to work with, for an organisation, best first — the same ranking and
    /// explanation as `partnersForNeed`, with the organisation's open needs, active capabilities
    /// and newest 30 portfolio items as the text it is matched by. Its members and platform
    /// admins may ask; the organisation itself never appears.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn partner_suggestions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation looking for partners.")] organization_id: ID,
        #[graphql(desc = "Only organisations of these kinds; all kinds if omitted or empty.")]
        kinds: Option<Vec<OrganizationKind>>,
        #[graphql(desc = "How many, 0 to 100 (default 20).")] first: Option<i32>,
    ) -> Result<Vec<PartnerMatch>> {
        let org_id = decode_as(&organization_id, NodeType::Organization, "organizationId")?;
        let first = match_count(first)?;
        let viewer = access(ctx).await?;
        viewer.user_id()?;
        let services = services(ctx)?;
        let ranked = services
            .matcher
            .partners_for_organization(
                &services.db,
                &services.meetings,
                &viewer,
                org_id,
                &kinds.unwrap_or_default(),
                first,
            )
            .await?;
        partner_matches(ctx, ranked).await
    }
}

/// Ranked partners with their organisations, loaded in one batch.
async fn partner_matches(
    ctx: &Context<'_>,
    ranked: Vec<matching::PartnerMatch>,
) -> Result<Vec<PartnerMatch>> {
    let mut orgs = loaders(ctx)?
        .organizations
        .load_many(ranked.iter().map(|m| m.organization_id))
        .await?;
    let lang = crate::graphql::request(ctx).lang;
    let mut out = Vec::with_capacity(ranked.len());
    for m in ranked {
        out.push(PartnerMatch {
            organization: required(
                orgs.remove(&m.organization_id).map(Organization),
                "organisation",
            )?,
            score: m.score,
            factors: m
                .factors
                .into_iter()
                .map(|f| PartnerFactor {
                    name: f.name.into(),
                    weight: f.weight,
                    value: f.value,
                    contribution: f.contribution,
                    detail: f.detail.get(lang).unwrap_or_default().to_owned(),
                })
                .collect(),
            evidence: PartnerEvidence(m.evidence),
        });
    }
    Ok(out)
}
