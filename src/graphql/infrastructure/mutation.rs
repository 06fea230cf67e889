//! Infrastructure mutations: record and change a project, move its stage, record its financing
//! and the money paid. Every change but the first names `expectedVersion`.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};
use chrono::NaiveDate;
use entity::{
    infrastructure_financing::{FinancingInstrument, InvestmentSource},
    infrastructure_project::{InfrastructureKind, InfrastructureStage},
};

use super::types::InfrastructureProject;
use crate::{
    domain::infrastructure::{self, Commitment, NewProject, ProjectChanges},
    graphql::{
        access,
        ids::{NodeType, decode_as},
        localized::LocalizedTextInput,
        patch, services,
    },
};

/// Site coordinates (WGS 84).
#[derive(Debug, Clone, Copy, InputObject)]
pub struct SiteInput {
    /// Latitude, −90 to 90.
    pub latitude: f64,
    /// Longitude, −180 to 180.
    pub longitude: f64,
}

/// A stage's planned date.
#[derive(Debug, InputObject)]
pub struct MilestoneInput {
    /// `FINANCING`, `CONSTRUCTION`, `COMMISSIONED` or `OPERATING`.
    pub stage: InfrastructureStage,
    /// When it is planned to be reached.
    pub planned_on: NaiveDate,
}

fn planned(list: Vec<MilestoneInput>) -> Vec<(InfrastructureStage, NaiveDate)> {
    list.into_iter().map(|m| (m.stage, m.planned_on)).collect()
}

/// A new infrastructure project, recorded at stage `PLANNED` with its first history entry.
#[derive(Debug, InputObject)]
pub struct CreateInfrastructureProjectInput {
    /// The science city it belongs to.
    pub science_city_id: ID,
    /// What is being built.
    pub kind: InfrastructureKind,
    /// Title, in at least one of kk/ru/en (up to 300 characters each).
    pub title: LocalizedTextInput,
    /// Description (up to 10,000 characters per language).
    pub description: Option<LocalizedTextInput>,
    /// The sponsoring organisation; the caller must be a member (or a platform admin).
    pub sponsor_id: ID,
    /// The organisation that will run it.
    pub operator_id: Option<ID>,
    /// The region of its site; the science city's when omitted.
    pub region_code: Option<String>,
    /// Site coordinates.
    pub site: Option<SiteInput>,
    /// Total cost in KZT, a decimal string.
    pub total_cost: String,
    /// Floor area in square metres.
    pub floor_area_m2: Option<i64>,
    /// Planned dates of the stages ahead.
    #[graphql(default)]
    pub milestones: Vec<MilestoneInput>,
}

/// Changes to a project's details. Omitted fields stay; `null` clears the optional ones.
#[derive(Debug, InputObject)]
pub struct UpdateInfrastructureProjectInput {
    /// The project.
    pub id: ID,
    /// The project's `version` the caller read; a stale one gets `VERSION_CONFLICT` and
    /// changes nothing.
    pub expected_version: i32,
    /// New title, in at least one of kk/ru/en.
    pub title: Option<LocalizedTextInput>,
    /// New description.
    pub description: Option<LocalizedTextInput>,
    /// New operator.
    pub operator_id: MaybeUndefined<ID>,
    /// New site.
    pub site: MaybeUndefined<SiteInput>,
    /// New total cost in KZT; it may not fall below what is committed.
    pub total_cost: Option<String>,
    /// New floor area.
    pub floor_area_m2: MaybeUndefined<i64>,
    /// New planned dates, replacing the list (dates already reached are kept).
    pub milestones: Option<Vec<MilestoneInput>>,
    /// A note for the project's history.
    pub note: Option<String>,
}

/// A stage change.
#[derive(Debug, InputObject)]
pub struct AdvanceInfrastructureProjectInput {
    /// The project.
    pub id: ID,
    /// The stage to move to: the next one, `SUSPENDED`, `CANCELLED` (before commissioning), or
    /// from `SUSPENDED` the stage it left.
    pub stage: InfrastructureStage,
    /// The project's `version` the caller read; a stale one gets `VERSION_CONFLICT` and
    /// changes nothing.
    pub expected_version: i32,
    /// A note for the project's history.
    pub note: Option<String>,
}

/// A financing commitment to record, or to change when `financingId` is given.
#[derive(Debug, InputObject)]
pub struct RecordInfrastructureFinancingInput {
    /// The project.
    pub project_id: ID,
    /// The commitment to change; a new one when omitted.
    pub financing_id: Option<ID>,
    /// The project's `version` the caller read; a stale one gets `VERSION_CONFLICT` and
    /// changes nothing.
    pub expected_version: i32,
    /// Where the money comes from.
    pub source: InvestmentSource,
    /// How it is put in.
    pub instrument: FinancingInstrument,
    /// Who puts it in: required for `PRIVATE`, `PPP` (the private partner), `BANK` and `IFI`
    /// money; banks and IFIs are `INVESTOR` organisations.
    pub financier_id: Option<ID>,
    /// The public party of a `PPP`; required for it, refused for others.
    pub public_party_id: Option<ID>,
    /// Announced, in KZT (pledges may exceed the cost: see `funding.overPledged`).
    pub pledged: String,
    /// Contractually committed, in KZT; all commitments together may not exceed the cost.
    #[graphql(default_with = "String::from(\"0\")")]
    pub committed: String,
    /// When it was pledged.
    pub pledged_on: NaiveDate,
    /// When it was committed; required once anything is.
    pub committed_on: Option<NaiveDate>,
    /// A note for the project's history.
    pub note: Option<String>,
}

/// Money paid under a commitment.
#[derive(Debug, InputObject)]
pub struct RecordInfrastructureDisbursementInput {
    /// The commitment.
    pub financing_id: ID,
    /// The project's version the caller read; a stale one gets `VERSION_CONFLICT`.
    pub expected_version: i32,
    /// Paid, in KZT; the commitment's disbursements may not exceed it.
    pub amount: String,
    /// When it was paid (not in the future).
    pub paid_on: NaiveDate,
    /// A note for the project's history.
    pub note: Option<String>,
}

/// The result of an infrastructure mutation.
#[derive(SimpleObject)]
pub struct InfrastructureProjectPayload {
    /// The project as it now stands.
    pub project: InfrastructureProject,
}

fn payload(p: entity::infrastructure_project::Model) -> InfrastructureProjectPayload {
    InfrastructureProjectPayload {
        project: InfrastructureProject(p),
    }
}

fn project_id(id: &ID, field: &'static str) -> Result<i64> {
    Ok(decode_as(id, NodeType::InfrastructureProject, field)?)
}

fn organization(id: Option<ID>, field: &'static str) -> Result<Option<i64>> {
    Ok(id
        .map(|id| decode_as(&id, NodeType::Organization, field))
        .transpose()?)
}

/// Infrastructure mutations.
#[derive(Default)]
pub struct InfrastructureMutation;

#[Object]
impl InfrastructureMutation {
    /// Records an infrastructure project of a science city. Platform admins (the Management
    /// Company) and members of the sponsor may.
    async fn create_infrastructure_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project.")] input: CreateInfrastructureProjectInput,
    ) -> Result<InfrastructureProjectPayload> {
        let services = services(ctx)?;
        let p = infrastructure::create(
            &services.db,
            &*access(ctx).await?,
            NewProject {
                science_city_id: decode_as(
                    &input.science_city_id,
                    NodeType::ScienceCity,
                    "scienceCityId",
                )?,
                kind: input.kind,
                title: input.title.into(),
                description: input.description.map(Into::into).unwrap_or_default(),
                sponsor_id: decode_as(&input.sponsor_id, NodeType::Organization, "sponsorId")?,
                operator_id: organization(input.operator_id, "operatorId")?,
                region_code: input.region_code,
                site: input.site.map(|s| (s.latitude, s.longitude)),
                total_cost: input.total_cost,
                floor_area_m2: input.floor_area_m2,
                milestones: planned(input.milestones),
            },
        )
        .await?;
        Ok(payload(p))
    }

    /// Changes a project's details. Platform admins and members of its sponsor or operator may.
    async fn update_infrastructure_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project, the version read, and the changes.")]
        input: UpdateInfrastructureProjectInput,
    ) -> Result<InfrastructureProjectPayload> {
        let services = services(ctx)?;
        let id = project_id(&input.id, "id")?;
        let changes = ProjectChanges {
            title: input.title.map(Into::into),
            description: input.description.map(Into::into),
            operator_id: patch(input.operator_id, |id| {
                Ok(decode_as(&id, NodeType::Organization, "operatorId")?)
            })?,
            site: patch(input.site, |s| Ok((s.latitude, s.longitude)))?,
            total_cost: input.total_cost,
            floor_area_m2: patch(input.floor_area_m2, Ok)?,
            milestones: input.milestones.map(planned),
        };
        let p = infrastructure::update(
            &services.db,
            &*access(ctx).await?,
            id,
            input.expected_version,
            changes,
            input.note,
        )
        .await?;
        Ok(payload(p))
    }

    /// Moves a project to another stage: forward one stage at a time, to `SUSPENDED` and back
    /// to the stage it left, or to `CANCELLED` before commissioning; anything else is refused
    /// with `reason` `INVALID_TRANSITION`. Reaching a stage dates its milestone.
    async fn advance_infrastructure_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project, the stage, the version read and a note.")]
        input: AdvanceInfrastructureProjectInput,
    ) -> Result<InfrastructureProjectPayload> {
        let p = infrastructure::advance(
            &services(ctx)?.db,
            &*access(ctx).await?,
            project_id(&input.id, "id")?,
            input.stage,
            input.expected_version,
            input.note,
        )
        .await?;
        Ok(payload(p))
    }

    /// Records a financing commitment to a project, or changes one. Commitments together may
    /// not exceed the cost (`FINANCING_EXCEEDS_COST`), nor fall below what was disbursed under
    /// them (`DISBURSEMENT_EXCEEDS_COMMITMENT`); pledges may exceed the cost and are reported.
    async fn record_infrastructure_financing(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project, the version read, and the commitment.")]
        input: RecordInfrastructureFinancingInput,
    ) -> Result<InfrastructureProjectPayload> {
        let commitment = Commitment {
            id: input
                .financing_id
                .map(|id| decode_as(&id, NodeType::InfrastructureFinancing, "financingId"))
                .transpose()?,
            source: input.source,
            instrument: input.instrument,
            financier_id: organization(input.financier_id, "financierId")?,
            public_party_id: organization(input.public_party_id, "publicPartyId")?,
            pledged: input.pledged,
            committed: input.committed,
            pledged_on: input.pledged_on,
            committed_on: input.committed_on,
        };
        let p = infrastructure::record_financing(
            &services(ctx)?.db,
            &*access(ctx).await?,
            project_id(&input.project_id, "projectId")?,
            input.expected_version,
            commitment,
            input.note,
        )
        .await?;
        Ok(payload(p))
    }

    /// Records money paid under a commitment; a commitment's disbursements never exceed it
    /// (`DISBURSEMENT_EXCEEDS_COMMITMENT`).
    async fn record_infrastructure_disbursement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The commitment, the project's version read, the amount and date.")]
        input: RecordInfrastructureDisbursementInput,
    ) -> Result<InfrastructureProjectPayload> {
        let p = infrastructure::disburse(
            &services(ctx)?.db,
            &*access(ctx).await?,
            decode_as(
                &input.financing_id,
                NodeType::InfrastructureFinancing,
                "financingId",
            )?,
            input.expected_version,
            &input.amount,
            input.paid_on,
            input.note,
        )
        .await?;
        Ok(payload(p))
    }
}
