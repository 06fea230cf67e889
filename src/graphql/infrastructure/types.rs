//! Infrastructure object types.

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    infrastructure_financing::{self as financing, FinancingInstrument, InvestmentSource},
    infrastructure_history::{self as history, InfrastructureChange},
    infrastructure_milestone as milestone,
    infrastructure_project::{self as project, InfrastructureKind, InfrastructureStage},
};

use crate::{
    domain::{
        indicators::Unit,
        money::percent,
        programme::{self, Figures},
    },
    graphql::{
        connection::Connection,
        ids::{self, NodeType},
        loaders,
        localized::{LocalizedText, localized},
        money::Money,
        organizations::types::Organization,
        regions::types::Region,
        required,
        science_cities::types::ScienceCity,
    },
};

/// GraphQL view of InfrastructureProject; see the schema description on its `impl`.
pub struct InfrastructureProject(pub project::Model);

/// A piece of a science city's infrastructure — a campus, laboratory, engineering centre,
/// technopark, design bureau, robotics centre — with its stage, milestones and financing.
/// Public: the programme is the Management Company's plan in the open.
#[Object]
impl InfrastructureProject {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::InfrastructureProject, self.0.id)
    }

    /// The science city it belongs to.
    async fn science_city(&self, ctx: &Context<'_>) -> Result<ScienceCity> {
        let city = loaders(ctx)?
            .science_cities
            .load_one(self.0.science_city_id)
            .await?;
        required(city.map(ScienceCity), "science city")
    }

    /// What is being built.
    async fn kind(&self) -> InfrastructureKind {
        self.0.kind
    }

    /// Title.
    async fn title(&self) -> LocalizedText {
        localized(&self.0.title_kk, &self.0.title_ru, &self.0.title_en)
    }

    /// Description.
    async fn description(&self) -> LocalizedText {
        localized(
            &self.0.description_kk,
            &self.0.description_ru,
            &self.0.description_en,
        )
    }

    /// The sponsoring organisation.
    async fn sponsor(&self, ctx: &Context<'_>) -> Result<Organization> {
        Organization::referenced(ctx, self.0.sponsor_id).await
    }

    /// The organisation that will run it.
    async fn operator(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        match self.0.operator_id {
            Some(id) => Ok(Some(Organization::referenced(ctx, id).await?)),
            None => Ok(None),
        }
    }

    /// The region of its site.
    async fn region(&self, ctx: &Context<'_>) -> Result<Region> {
        let region = loaders(ctx)?.regions.load_one(self.0.region_id).await?;
        required(region.map(Region), "region")
    }

    /// Site coordinates, where recorded.
    async fn site(&self) -> Option<Site> {
        Some(Site {
            latitude: self.0.latitude?,
            longitude: self.0.longitude?,
        })
    }

    /// Total cost.
    async fn total_cost(&self) -> Money {
        Money::from_tiyn(self.0.total_cost)
    }

    /// Floor area in square metres, where recorded.
    async fn floor_area_m2(&self) -> Option<i64> {
        self.0.floor_area_m2
    }

    /// Where it stands.
    async fn stage(&self) -> InfrastructureStage {
        self.0.stage
    }

    /// Version for optimistic concurrency: pass it as `expectedVersion` when changing the
    /// project, its financing or recording a disbursement.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// Planned and reached dates of its stages, in stage order.
    async fn milestones(&self, ctx: &Context<'_>) -> Result<Vec<Milestone>> {
        let rows = loaders(ctx)?
            .infrastructure_milestones
            .load_one(self.0.id)
            .await?;
        let today = Utc::now().date_naive();
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(|m| Milestone::new(m, today))
            .collect())
    }

    /// Financing commitments, oldest first.
    async fn financing(&self, ctx: &Context<'_>) -> Result<Vec<FinancingCommitment>> {
        let rows = loaders(ctx)?
            .infrastructure_financing
            .load_one(self.0.id)
            .await?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(FinancingCommitment)
            .collect())
    }

    /// Pledged, committed and disbursed so far, and how far the pledges exceed the cost.
    async fn funding(&self, ctx: &Context<'_>) -> Result<Funding> {
        let loaders = loaders(ctx)?;
        let commitments = loaders
            .infrastructure_financing
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        let paid = loaders
            .infrastructure_disbursements
            .load_many(commitments.iter().map(|f| f.id))
            .await?;
        let pledged: i64 = commitments.iter().map(|f| f.pledged).sum();
        let committed: i64 = commitments.iter().map(|f| f.committed).sum();
        let disbursed: i64 = paid.values().flatten().map(|d| d.amount).sum();
        let cost = self.0.total_cost;
        Ok(Funding {
            pledged: Money::from_tiyn(pledged),
            committed: Money::from_tiyn(committed),
            disbursed: Money::from_tiyn(disbursed),
            over_pledged: Money::from_tiyn((pledged - cost).max(0)),
            cost_committed_percent: percent(committed, cost).map(|p| Unit::Percent.format(p)),
        })
    }

    /// Every change, oldest first; append-only.
    async fn history(&self, ctx: &Context<'_>) -> Result<Vec<InfrastructureHistoryEntry>> {
        let rows = loaders(ctx)?
            .infrastructure_history
            .load_one(self.0.id)
            .await?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(InfrastructureHistoryEntry)
            .collect())
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

impl InfrastructureProject {
    /// The project `id`, if it exists (projects are public).
    pub async fn load(ctx: &Context<'_>, id: i64) -> Result<Option<InfrastructureProject>> {
        Ok(loaders(ctx)?
            .infrastructure_projects
            .load_one(id)
            .await?
            .map(InfrastructureProject))
    }
}

/// A site's coordinates (WGS 84).
#[derive(SimpleObject)]
pub struct Site {
    /// Latitude, −90 to 90.
    pub latitude: f64,
    /// Longitude, −180 to 180.
    pub longitude: f64,
}

/// A stage a project is planned to reach.
#[derive(SimpleObject)]
pub struct Milestone {
    /// The stage.
    pub stage: InfrastructureStage,
    /// When it is planned to be reached.
    pub planned_on: NaiveDate,
    /// When it was reached.
    pub reached_on: Option<NaiveDate>,
    /// Whether its date has passed without the stage being reached.
    pub overdue: bool,
}

impl Milestone {
    fn new(m: milestone::Model, today: NaiveDate) -> Self {
        Self {
            stage: m.stage,
            planned_on: m.planned_on,
            reached_on: m.reached_on,
            overdue: m.reached_on.is_none() && m.planned_on < today,
        }
    }
}

/// A project's money so far.
#[derive(SimpleObject)]
pub struct Funding {
    /// Announced by financiers.
    pub pledged: Money,
    /// Contractually committed; never more than the cost.
    pub committed: Money,
    /// Paid; never more than committed.
    pub disbursed: Money,
    /// Pledges beyond the cost (oversubscription before contracts are signed); zero if none.
    pub over_pledged: Money,
    /// The share of the cost committed, in percent with two decimals.
    pub cost_committed_percent: Option<String>,
}

/// GraphQL view of FinancingCommitment; see the schema description on its `impl`.
pub struct FinancingCommitment(pub financing::Model);

/// One financier's money in a project.
#[Object]
impl FinancingCommitment {
    /// Opaque ID, to change the commitment or record disbursements under it.
    async fn id(&self) -> ID {
        ids::encode(NodeType::InfrastructureFinancing, self.0.id)
    }

    /// Where the money comes from.
    async fn source(&self) -> InvestmentSource {
        self.0.source
    }

    /// How it is put in.
    async fn instrument(&self) -> FinancingInstrument {
        self.0.instrument
    }

    /// Who puts it in (the private partner of a PPP).
    async fn financier(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        match self.0.financier_id {
            Some(id) => Ok(Some(Organization::referenced(ctx, id).await?)),
            None => Ok(None),
        }
    }

    /// The public party of a PPP.
    async fn public_party(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        match self.0.public_party_id {
            Some(id) => Ok(Some(Organization::referenced(ctx, id).await?)),
            None => Ok(None),
        }
    }

    /// Announced.
    async fn pledged(&self) -> Money {
        Money::from_tiyn(self.0.pledged)
    }

    /// Contractually committed.
    async fn committed(&self) -> Money {
        Money::from_tiyn(self.0.committed)
    }

    /// When it was pledged.
    async fn pledged_on(&self) -> NaiveDate {
        self.0.pledged_on
    }

    /// When it was committed.
    async fn committed_on(&self) -> Option<NaiveDate> {
        self.0.committed_on
    }

    /// Paid under it so far.
    async fn disbursed(&self, ctx: &Context<'_>) -> Result<Money> {
        let rows = loaders(ctx)?
            .infrastructure_disbursements
            .load_one(self.0.id)
            .await?;
        Ok(Money::from_tiyn(
            rows.unwrap_or_default().iter().map(|d| d.amount).sum(),
        ))
    }

    /// Each payment, oldest first.
    async fn disbursements(&self, ctx: &Context<'_>) -> Result<Vec<Disbursement>> {
        let rows = loaders(ctx)?
            .infrastructure_disbursements
            .load_one(self.0.id)
            .await?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(|d| Disbursement {
                amount: Money::from_tiyn(d.amount),
                paid_on: d.paid_on,
            })
            .collect())
    }
}

/// Money paid under a commitment.
#[derive(SimpleObject)]
pub struct Disbursement {
    /// How much.
    pub amount: Money,
    /// When.
    pub paid_on: NaiveDate,
}

/// GraphQL view of InfrastructureHistoryEntry; see the schema description on its `impl`.
pub struct InfrastructureHistoryEntry(pub history::Model);

/// One change of an infrastructure project.
#[Object]
impl InfrastructureHistoryEntry {
    /// The project's version after the change.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// What changed.
    async fn change(&self) -> InfrastructureChange {
        self.0.change
    }

    /// Stage before, for stage changes.
    async fn from_stage(&self) -> Option<InfrastructureStage> {
        self.0.from_stage
    }

    /// Stage after.
    async fn to_stage(&self) -> InfrastructureStage {
        self.0.to_stage
    }

    /// The writer's note.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// When.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }

    /// Who (the user's global ID).
    async fn actor_id(&self) -> ID {
        ids::encode(NodeType::User, self.0.actor_user_id)
    }
}

/// A page of infrastructure projects, oldest first.
pub type InfrastructureProjectConnection = Connection<InfrastructureProject>;

/// Money of one source in a programme.
#[derive(SimpleObject)]
pub struct SourceFigures {
    /// The source.
    pub source: InvestmentSource,
    /// Pledged by the date.
    pub pledged: Money,
    /// Committed by the date.
    pub committed: Money,
    /// Paid by the date.
    pub disbursed: Money,
}

impl From<(InvestmentSource, programme::Amounts)> for SourceFigures {
    fn from((source, a): (InvestmentSource, programme::Amounts)) -> Self {
        Self {
            source,
            pledged: Money::from_tiyn(a.pledged),
            committed: Money::from_tiyn(a.committed),
            disbursed: Money::from_tiyn(a.disbursed),
        }
    }
}

/// Projects in one stage.
#[derive(SimpleObject)]
pub struct StageCount {
    /// The stage.
    pub stage: InfrastructureStage,
    /// How many projects were in it.
    pub projects: i32,
}

/// GraphQL view of the programme's figures; see the schema description on its `impl`.
pub struct ProgrammeFigures(pub Figures);

/// An infrastructure programme's figures as of one date (the year's last day, or today for the
/// current year). Money counts by its dates and stages are read from the history, so a past
/// year's figures stay put. The README defines each figure.
#[Object]
impl ProgrammeFigures {
    /// The date the figures stand at.
    async fn as_of(&self) -> NaiveDate {
        self.0.as_of
    }

    /// Projects recorded by then.
    async fn projects(&self) -> i32 {
        i32::try_from(self.0.projects).unwrap_or(i32::MAX)
    }

    /// Their total cost.
    async fn total_cost(&self) -> Money {
        Money::from_tiyn(self.0.total_cost)
    }

    /// Money by source (every source listed, zeros included).
    async fn by_source(&self) -> Vec<SourceFigures> {
        self.0.by_source.iter().copied().map(Into::into).collect()
    }

    /// Everything pledged.
    async fn pledged(&self) -> Money {
        Money::from_tiyn(self.0.total.pledged)
    }

    /// Everything committed.
    async fn committed(&self) -> Money {
        Money::from_tiyn(self.0.total.committed)
    }

    /// Everything disbursed.
    async fn disbursed(&self) -> Money {
        Money::from_tiyn(self.0.total.disbursed)
    }

    /// `PRIVATE` money's share of everything committed, in percent (two decimals).
    async fn private_share_percent(&self) -> Option<String> {
        self.0.private_share.map(|p| Unit::Percent.format(p))
    }

    /// `PPP` money's share of everything committed, in percent (two decimals).
    async fn ppp_share_percent(&self) -> Option<String> {
        self.0.ppp_share.map(|p| Unit::Percent.format(p))
    }

    /// IFI leverage: `IFI`, `PRIVATE` and `PPP` money committed per tenge of state and local
    /// budget money committed (two decimals); null without budget money.
    async fn ifi_leverage(&self) -> Option<String> {
        self.0
            .leverage
            .map(|l| crate::domain::money::format_scaled(l, 2))
    }

    /// Projects by the stage they were in (every stage listed).
    async fn by_stage(&self) -> Vec<StageCount> {
        self.0
            .by_stage
            .iter()
            .map(|&(stage, n)| StageCount {
                stage,
                projects: i32::try_from(n).unwrap_or(i32::MAX),
            })
            .collect()
    }

    /// Projects with a milestone date passed and its stage not reached (cancelled ones aside).
    async fn behind_schedule(&self, ctx: &Context<'_>) -> Result<Vec<InfrastructureProject>> {
        let mut rows = loaders(ctx)?
            .infrastructure_projects
            .load_many(self.0.behind_schedule.iter().copied())
            .await?;
        Ok(self
            .0
            .behind_schedule
            .iter()
            .filter_map(|id| rows.remove(id).map(InfrastructureProject))
            .collect())
    }

    /// Floor area of the projects commissioned or operating, in square metres.
    async fn commissioned_floor_area_m2(&self) -> i64 {
        self.0.commissioned_floor_area_m2
    }
}
