//! Portfolio mutations: add, change and remove items (members of a participant; platform
//! admins).

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};
use chrono::NaiveDate;
use entity::{portfolio_item::PortfolioKind, portfolio_participant::ParticipantRole};

use super::types::PortfolioItem;
use crate::{
    domain::portfolio::{self, ItemChanges, NewItem, Participant},
    graphql::{
        access,
        ids::{NodeType, decode_as},
        localized::LocalizedTextInput,
        patch, services,
    },
};

/// An organisation taking part in an item.
#[derive(Debug, InputObject)]
pub struct PortfolioParticipantInput {
    /// The participating organisation's ID.
    pub organization_id: ID,
    /// Its part in the work.
    #[graphql(default_with = "ParticipantRole::Participant")]
    pub role: ParticipantRole,
}

fn participants(list: Vec<PortfolioParticipantInput>) -> Result<Vec<Participant>> {
    Ok(list
        .into_iter()
        .map(|p| {
            Ok(Participant {
                organization_id: decode_as(
                    &p.organization_id,
                    NodeType::Organization,
                    "participants",
                )?,
                role: p.role,
            })
        })
        .collect::<Result<_, crate::error::AppError>>()?)
}

/// A new portfolio item.
#[derive(Debug, InputObject)]
pub struct AddPortfolioItemInput {
    /// What kind of work it records.
    pub kind: PortfolioKind,
    /// Its title, in at least one of kk/ru/en (at most 500 characters each).
    pub title: LocalizedTextInput,
    /// Its abstract (at most 20,000 characters per language).
    #[graphql(name = "abstract")]
    pub summary: Option<LocalizedTextInput>,
    /// The year it is dated by, 1900 to next year.
    pub year: Option<i32>,
    /// When the work started.
    pub start_date: Option<NaiveDate>,
    /// When the work ended; not before the start.
    pub end_date: Option<NaiveDate>,
    /// Who paid for it.
    pub funder: Option<String>,
    /// The funding programme or call.
    pub programme: Option<String>,
    /// Its amount in KZT, a decimal string such as `"1500000.00"`.
    pub amount: Option<String>,
    /// OECD FOS 2007 codes (at most 10).
    #[graphql(default)]
    pub fields_of_science: Vec<String>,
    /// Free keywords (at most 30).
    #[graphql(default)]
    pub keywords: Vec<String>,
    /// The registry it comes from, e.g. `cordis`; needed with `externalId`.
    pub source: Option<String>,
    /// Its identifier in that registry, unique per source.
    pub external_id: Option<String>,
    /// Show it only to members of its participants and platform admins.
    #[graphql(default)]
    pub members_only: bool,
    /// Every organisation that took part, one the caller belongs to among them.
    pub participants: Vec<PortfolioParticipantInput>,
}

/// The result of `addPortfolioItem`.
#[derive(SimpleObject)]
pub struct AddPortfolioItemPayload {
    /// The new item.
    pub item: PortfolioItem,
}

/// Changes to an item. Omitted fields stay as they are; `null` clears the optional ones; lists
/// replace the old list. Its source and external id are fixed.
#[derive(Debug, InputObject)]
pub struct UpdatePortfolioItemInput {
    /// The item to change.
    pub id: ID,
    /// New kind.
    pub kind: Option<PortfolioKind>,
    /// New title.
    pub title: Option<LocalizedTextInput>,
    /// New abstract.
    #[graphql(name = "abstract")]
    pub summary: Option<LocalizedTextInput>,
    /// New year, or null.
    pub year: MaybeUndefined<i32>,
    /// New start, or null.
    pub start_date: MaybeUndefined<NaiveDate>,
    /// New end, or null.
    pub end_date: MaybeUndefined<NaiveDate>,
    /// New funder, or null.
    pub funder: MaybeUndefined<String>,
    /// New programme, or null.
    pub programme: MaybeUndefined<String>,
    /// New amount, or null.
    pub amount: MaybeUndefined<String>,
    /// New FOS codes.
    pub fields_of_science: Option<Vec<String>>,
    /// New keywords.
    pub keywords: Option<Vec<String>>,
    /// Show it to members of its participants only, or to everyone.
    pub members_only: Option<bool>,
    /// New participants, replacing the old ones; one the caller belongs to among them.
    pub participants: Option<Vec<PortfolioParticipantInput>>,
}

/// The result of `updatePortfolioItem`.
#[derive(SimpleObject)]
pub struct UpdatePortfolioItemPayload {
    /// The item as changed.
    pub item: PortfolioItem,
}

/// Removes an item.
#[derive(Debug, InputObject)]
pub struct RemovePortfolioItemInput {
    /// The item to remove, with its participations.
    pub id: ID,
}

/// The result of `removePortfolioItem`.
#[derive(SimpleObject)]
pub struct RemovePortfolioItemPayload {
    /// The ID of the removed item.
    pub removed_id: ID,
}

/// Portfolio mutations.
#[derive(Default)]
pub struct PortfolioMutation;

#[Object]
impl PortfolioMutation {
    /// Records a piece of past work of one or more organisations. Members of a participating
    /// organisation and platform admins may do this.
    async fn add_portfolio_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The item to record: kind, texts, dates, funding and participants.")]
        input: AddPortfolioItemInput,
    ) -> Result<AddPortfolioItemPayload> {
        let item = portfolio::add(
            &services(ctx)?.db,
            &*access(ctx).await?,
            NewItem {
                kind: input.kind,
                title: input.title.into(),
                summary: input.summary.unwrap_or_default().into(),
                year: input.year,
                start_date: input.start_date,
                end_date: input.end_date,
                funder: input.funder,
                programme: input.programme,
                amount: input.amount,
                fields: input.fields_of_science,
                keywords: input.keywords,
                source: input.source,
                external_id: input.external_id,
                members_only: input.members_only,
                participants: participants(input.participants)?,
            },
        )
        .await?;
        Ok(AddPortfolioItemPayload {
            item: PortfolioItem(item),
        })
    }

    /// Changes a portfolio item. Members of a participating organisation and platform admins
    /// may do this.
    async fn update_portfolio_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The item and the fields to change; omitted fields stay as they are.")]
        input: UpdatePortfolioItemInput,
    ) -> Result<UpdatePortfolioItemPayload> {
        let id = decode_as(&input.id, NodeType::PortfolioItem, "id")?;
        let changes = ItemChanges {
            kind: input.kind,
            title: input.title.map(Into::into),
            summary: input.summary.map(Into::into),
            year: patch(input.year, Ok)?,
            start_date: patch(input.start_date, Ok)?,
            end_date: patch(input.end_date, Ok)?,
            funder: patch(input.funder, Ok)?,
            programme: patch(input.programme, Ok)?,
            amount: patch(input.amount, Ok)?,
            fields: input.fields_of_science,
            keywords: input.keywords,
            members_only: input.members_only,
            participants: input.participants.map(participants).transpose()?,
        };
        let item = portfolio::update(&services(ctx)?.db, &*access(ctx).await?, id, changes).await?;
        Ok(UpdatePortfolioItemPayload {
            item: PortfolioItem(item),
        })
    }

    /// Removes a portfolio item for every participant. Members of a participating
    /// organisation and platform admins may do this.
    async fn remove_portfolio_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The item to remove.")] input: RemovePortfolioItemInput,
    ) -> Result<RemovePortfolioItemPayload> {
        let id = decode_as(&input.id, NodeType::PortfolioItem, "id")?;
        portfolio::remove(&services(ctx)?.db, &*access(ctx).await?, id).await?;
        Ok(RemovePortfolioItemPayload {
            removed_id: input.id,
        })
    }
}
