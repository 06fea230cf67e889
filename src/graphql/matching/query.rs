//! Need, capability and matching queries.

use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::need::NeedStatus;
use tokio::sync::RwLockReadGuard;

use super::types::{CapabilityConnection, Match, NeedConnection, PartnerSuggestion};
use crate::{
    domain::{
        capabilities::{self, CapabilityFilter},
        matching::{Engine, Viewer},
        needs::{self, NeedFilter},
        pagination::{self, PageRequest},
    },
    graphql::{
        access, app,
        connection::{page_cost, parse_cursor},
        ids::{NodeType, decode_as},
        loaders,
        registry::types::Organization,
        required,
    },
};

/// Which needs to list; every criterion is optional and they combine with AND.
#[derive(Debug, Default, InputObject)]
pub struct NeedFilterInput {
    /// Only needs of this organisation.
    pub organization_id: Option<ID>,
    /// Only needs in this status.
    pub status: Option<NeedStatus>,
    /// Only needs in this field of science (FOS code; a major field such as `2` includes its
    /// sub-fields).
    pub field_of_science: Option<String>,
    /// Case-insensitive text in the title (any language).
    pub text: Option<String>,
}

/// Which capabilities to list; every criterion is optional and they combine with AND.
#[derive(Debug, InputObject)]
pub struct CapabilityFilterInput {
    /// Only capabilities of this organisation.
    pub organization_id: Option<ID>,
    /// Only capabilities in this field of science (FOS code; a major field includes its
    /// sub-fields).
    pub field_of_science: Option<String>,
    /// Active ones (default), inactive ones (visible to their owners only), or null for both.
    #[graphql(default_with = "Some(true)")]
    pub active: Option<bool>,
    /// Case-insensitive text in the title (any language).
    pub text: Option<String>,
}

impl Default for CapabilityFilterInput {
    fn default() -> Self {
        Self {
            organization_id: None,
            field_of_science: None,
            active: Some(true),
            text: None,
        }
    }
}

/// How many ranked results to return: `first` checked like a page size (0–100, default 20).
fn match_count(first: Option<i32>) -> Result<usize> {
    Ok(usize::try_from(PageRequest::new(first, None)?.first).unwrap_or(0))
}

/// The signed-in caller as matching sees them, and the engine brought up to date.
async fn signed_in_engine<'a>(
    ctx: &'a Context<'_>,
) -> Result<(Viewer, RwLockReadGuard<'a, Engine>)> {
    let access = access(ctx).await?;
    access.user_id()?;
    let app = app(ctx)?;
    Ok((Viewer::of(&access), app.matcher.current(&app.db).await?))
}

fn org_filter(id: Option<ID>) -> Result<Option<i64>> {
    Ok(id
        .map(|id| decode_as(&id, NodeType::Organization, "filter.organizationId"))
        .transpose()?)
}

/// Need, capability and matching queries.
#[derive(Default)]
pub struct MatchingQuery;

#[Object]
impl MatchingQuery {
    /// Needs the caller may know of, oldest first. Confidential needs appear only to their
    /// owner, platform admins and organisations they are shared with; teasers to everyone.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn needs(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which needs; all visible when omitted.")] filter: Option<NeedFilterInput>,
        #[graphql(desc = "Page size, 0 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Return rows after this cursor.")] after: Option<String>,
    ) -> Result<NeedConnection> {
        let db = &app(ctx)?.db;
        let page = PageRequest::new(first, parse_cursor(after.as_deref())?)?;
        let filter = filter.unwrap_or_default();
        let select = needs::search(
            &*access(ctx).await?,
            &NeedFilter {
                organization_id: org_filter(filter.organization_id)?,
                status: filter.status,
                field_of_science: filter.field_of_science,
                text: filter.text,
            },
        )?;
        let rows = pagination::fetch(db, select.clone(), entity::need::Column::Id, page).await?;
        Ok(NeedConnection::new(rows, page, select))
    }

    /// Capabilities the caller may see, oldest first.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn capabilities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which capabilities; active ones when omitted.")] filter: Option<
            CapabilityFilterInput,
        >,
        #[graphql(desc = "Page size, 0 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Return rows after this cursor.")] after: Option<String>,
    ) -> Result<CapabilityConnection> {
        let db = &app(ctx)?.db;
        let page = PageRequest::new(first, parse_cursor(after.as_deref())?)?;
        let filter = filter.unwrap_or_default();
        let select = capabilities::search(
            &*access(ctx).await?,
            &CapabilityFilter {
                organization_id: org_filter(filter.organization_id)?,
                field_of_science: filter.field_of_science,
                active: filter.active,
                text: filter.text,
            },
        )?;
        let rows =
            pagination::fetch(db, select.clone(), entity::capability::Column::Id, page).await?;
        Ok(CapabilityConnection::new(rows, page, select))
    }

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

    /// Partner organisations for an organisation, best first: owners of capabilities that fit
    /// its open needs and of needs that fit its active capabilities. Its members and platform
    /// admins may ask.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn partner_suggestions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation looking for partners.")] organization_id: ID,
        #[graphql(desc = "How many, 0 to 100 (default 20).")] first: Option<i32>,
    ) -> Result<Vec<PartnerSuggestion>> {
        let org_id = decode_as(&organization_id, NodeType::Organization, "organizationId")?;
        let first = match_count(first)?;
        access(ctx).await?.require_member(org_id)?;
        let suggestions = {
            let (viewer, engine) = signed_in_engine(ctx).await?;
            engine.partner_suggestions(org_id, &viewer, first)
        };
        let mut orgs = loaders(ctx)?
            .organizations
            .load_many(suggestions.iter().map(|s| s.organization_id))
            .await?;
        let mut out = Vec::with_capacity(suggestions.len());
        for s in suggestions {
            out.push(PartnerSuggestion {
                organization: required(
                    orgs.remove(&s.organization_id).map(Organization),
                    "organisation",
                )?,
                best_match: Match(s.best),
                match_count: s.matches,
            });
        }
        Ok(out)
    }
}
