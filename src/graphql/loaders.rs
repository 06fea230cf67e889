//! DataLoaders: every relation a per-row resolver follows goes through one of these, so a page
//! of N rows costs one query per relation, not N. The reads themselves are `domain::batch`;
//! this module only batches keys. Loaders are created per request, so nothing is cached across
//! callers with different rights.

use std::{collections::HashMap, marker::PhantomData, sync::Arc, time::Duration};

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use entity::{
    capability, deal, deal_financing, deal_history, deal_party, infrastructure_disbursement,
    infrastructure_financing, infrastructure_history, infrastructure_milestone,
    infrastructure_project, meeting, meeting_report, membership, need, organization,
    portfolio_item, portfolio_participant, region, science_city, session, session_registration,
    user_account,
};

use crate::domain::{
    Services,
    batch::{self, Child, Keyed},
    needs,
};

/// Loads rows of `E` by id.
pub struct ById<E> {
    services: Arc<Services>,
    entity: PhantomData<fn() -> E>,
}

impl<E: Keyed> Loader<i64> for ById<E>
where
    E::Model: Clone + Send + Sync,
{
    type Value = E::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, E::Model>, Self::Error> {
        Ok(batch::by_id::<E>(&self.services.db, keys).await?)
    }
}

impl<E> ById<E> {
    fn new(services: &Arc<Services>) -> Self {
        Self {
            services: services.clone(),
            entity: PhantomData,
        }
    }
}

/// Loads the rows of `E` belonging to each parent id.
pub struct ChildrenOf<E> {
    services: Arc<Services>,
    entity: PhantomData<fn() -> E>,
}

impl<E: Child> Loader<i64> for ChildrenOf<E>
where
    E::Model: Clone + Send + Sync,
{
    type Value = Vec<E::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        Ok(batch::children::<E>(&self.services.db, keys).await?)
    }
}

impl<E> ChildrenOf<E> {
    fn new(services: &Arc<Services>) -> Self {
        Self {
            services: services.clone(),
            entity: PhantomData,
        }
    }
}

/// Loads each user's memberships.
pub struct MembershipsOfUsers(Arc<Services>);

impl Loader<i64> for MembershipsOfUsers {
    type Value = Vec<membership::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        Ok(batch::memberships_of_users(&self.0.db, keys).await?)
    }
}

/// Loads the organisations each need is shared with.
pub struct SharesOf(Arc<Services>);

impl Loader<i64> for SharesOf {
    type Value = Vec<i64>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        Ok(needs::shares_of_many(&self.0.db, keys.to_vec()).await?)
    }
}

/// The loaders of one request.
pub struct Loaders {
    /// Organisations by id.
    pub organizations: DataLoader<ById<organization::Entity>>,
    /// Regions by id.
    pub regions: DataLoader<ById<region::Entity>>,
    /// Science cities by id.
    pub science_cities: DataLoader<ById<science_city::Entity>>,
    /// Users by id.
    pub users: DataLoader<ById<user_account::Entity>>,
    /// Memberships by organisation id.
    pub members_of: DataLoader<ChildrenOf<membership::Entity>>,
    /// Memberships by user id.
    pub memberships_of: DataLoader<MembershipsOfUsers>,
    /// Needs by id.
    pub needs: DataLoader<ById<need::Entity>>,
    /// Capabilities by id.
    pub capabilities: DataLoader<ById<capability::Entity>>,
    /// Organisations each need is shared with; cached, as every restricted field of a need
    /// asks.
    pub need_shares: DataLoader<SharesOf, HashMapCache>,
    /// Sessions by id.
    pub sessions: DataLoader<ById<session::Entity>>,
    /// Meetings by id.
    pub meetings: DataLoader<ById<meeting::Entity>>,
    /// Reports by meeting id, in party order.
    pub meeting_reports: DataLoader<ChildrenOf<meeting_report::Entity>>,
    /// Deals by id.
    pub deals: DataLoader<ById<deal::Entity>>,
    /// Registrations by session id.
    pub registrations: DataLoader<ChildrenOf<session_registration::Entity>>,
    /// Parties by deal id.
    pub deal_parties: DataLoader<ChildrenOf<deal_party::Entity>>,
    /// Financing lines by deal id.
    pub deal_financing: DataLoader<ChildrenOf<deal_financing::Entity>>,
    /// History entries by deal id, oldest first.
    pub deal_history: DataLoader<ChildrenOf<deal_history::Entity>>,
    /// Infrastructure projects by id.
    pub infrastructure_projects: DataLoader<ById<infrastructure_project::Entity>>,
    /// Milestones by project id, by planned date.
    pub infrastructure_milestones: DataLoader<ChildrenOf<infrastructure_milestone::Entity>>,
    /// History entries by project id, oldest first.
    pub infrastructure_history: DataLoader<ChildrenOf<infrastructure_history::Entity>>,
    /// Financing commitments by project id.
    pub infrastructure_financing: DataLoader<ChildrenOf<infrastructure_financing::Entity>>,
    /// Disbursements by commitment id.
    pub infrastructure_disbursements: DataLoader<ChildrenOf<infrastructure_disbursement::Entity>>,
    /// Portfolio items by id.
    pub portfolio_items: DataLoader<ById<portfolio_item::Entity>>,
    /// Participants by portfolio item id.
    pub portfolio_participants: DataLoader<ChildrenOf<portfolio_participant::Entity>>,
}

impl Loaders {
    /// Fresh loaders for one request. Each gathers keys for `window` after its first `load`,
    /// then queries them in one statement.
    pub fn new(services: &Arc<Services>, window: Duration) -> Self {
        Self {
            organizations: batched(ById::new(services), window),
            regions: batched(ById::new(services), window),
            science_cities: batched(ById::new(services), window),
            users: batched(ById::new(services), window),
            members_of: batched(ChildrenOf::new(services), window),
            memberships_of: batched(MembershipsOfUsers(services.clone()), window),
            needs: batched(ById::new(services), window),
            capabilities: batched(ById::new(services), window),
            need_shares: DataLoader::with_cache(
                SharesOf(services.clone()),
                tokio::spawn,
                HashMapCache::default(),
            )
            .delay(window),
            sessions: batched(ById::new(services), window),
            meetings: batched(ById::new(services), window),
            meeting_reports: batched(ChildrenOf::new(services), window),
            deals: batched(ById::new(services), window),
            registrations: batched(ChildrenOf::new(services), window),
            deal_parties: batched(ChildrenOf::new(services), window),
            deal_financing: batched(ChildrenOf::new(services), window),
            deal_history: batched(ChildrenOf::new(services), window),
            infrastructure_projects: batched(ById::new(services), window),
            infrastructure_milestones: batched(ChildrenOf::new(services), window),
            infrastructure_history: batched(ChildrenOf::new(services), window),
            infrastructure_financing: batched(ChildrenOf::new(services), window),
            infrastructure_disbursements: batched(ChildrenOf::new(services), window),
            portfolio_items: batched(ById::new(services), window),
            portfolio_participants: batched(ChildrenOf::new(services), window),
        }
    }
}

/// A loader that gathers keys for `window` after its first `load`.
fn batched<L: Loader<i64>>(loader: L, window: Duration) -> DataLoader<L> {
    DataLoader::new(loader, tokio::spawn).delay(window)
}
