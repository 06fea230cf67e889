//! DataLoaders: every relation a per-row resolver follows goes through one of these, so a page
//! of N rows costs one query per relation, not N. The reads themselves are `domain::batch`;
//! this module only batches keys. Loaders are created per request, so nothing is cached across
//! callers with different rights.
//!
//! A batch's read runs in the request's own task ([`Reads::beside`]), not in a task spawned
//! after a timer: it starts once the request can go no further without it, so every key the
//! request can ask for by then is in it. Batches follow the query's structure rather than a
//! time window and the machine's speed, and no timer thread or second worker is woken per
//! level. With async-graphql's default (a 1 ms window on async-io's timer thread) each level
//! cost a millisecond of latency: a nested page sent one at a time ran at a third of the rate.

use std::{
    collections::HashMap,
    marker::PhantomData,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    task::{Context, Poll, Wake, Waker},
    time::Duration,
};

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use entity::{
    capability, deal, deal_financing, deal_history, deal_party, infrastructure_disbursement,
    infrastructure_financing, infrastructure_history, infrastructure_milestone,
    infrastructure_project, meeting, meeting_report, membership, need, organization,
    portfolio_item, portfolio_participant, region, science_city, session, session_registration,
    user_account,
};
use futures_util::{
    StreamExt as _, future::BoxFuture, stream::FuturesUnordered, task::AtomicWaker,
};
use tokio::sync::mpsc;

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

/// The reads a request's loaders have started, waiting to be run beside the request.
pub struct Reads(mpsc::UnboundedReceiver<BoxFuture<'static, ()>>);

impl Reads {
    /// Runs `work` (the request) to completion with the loaders' reads beside it, in the same
    /// task. A read is started only when a pass over `work` ends with nothing left to do
    /// without it, so each batch holds every key that the work can ask for.
    pub async fn beside<F: Future>(mut self, work: F) -> F::Output {
        let pass = Arc::new(Pass::default());
        let waker = Waker::from(pass.clone());
        let mut work = std::pin::pin!(work);
        let mut running = FuturesUnordered::new();
        std::future::poll_fn(|cx| {
            pass.task.register(cx.waker());
            pass.woken.store(false, Ordering::Relaxed);
            if let Poll::Ready(out) = work.as_mut().poll(&mut Context::from_waker(&waker)) {
                return Poll::Ready(out);
            }
            // Work that woke itself is not done asking: a join over many fields yields after
            // polling each once, with more of them ready (async-graphql resolves a list's
            // items in such a join). Its next pass adds keys to the batches waiting here.
            if !pass.woken.load(Ordering::Relaxed) {
                while let Poll::Ready(Some(read)) = self.0.poll_recv(cx) {
                    running.push(read);
                }
            }
            while let Poll::Ready(Some(())) = running.poll_next_unpin(cx) {}
            Poll::Pending
        })
        .await
    }
}

/// The waker `work` is polled with: wakes the task and notes that it did.
#[derive(Default)]
struct Pass {
    woken: AtomicBool,
    task: AtomicWaker,
}

impl Wake for Pass {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Relaxed);
        self.task.wake();
    }
}

impl Loaders {
    /// Fresh loaders for one request (or one WebSocket connection), and the reads they start,
    /// which must run [`Reads::beside`] the request: a loader's batch is read once the request
    /// has nothing more to do without it.
    pub fn new(services: &Arc<Services>) -> (Self, Reads) {
        let (queue, reads) = mpsc::unbounded_channel();
        let loaders = Self {
            organizations: batched(ById::new(services), &queue),
            regions: batched(ById::new(services), &queue),
            science_cities: batched(ById::new(services), &queue),
            users: batched(ById::new(services), &queue),
            members_of: batched(ChildrenOf::new(services), &queue),
            memberships_of: batched(MembershipsOfUsers(services.clone()), &queue),
            needs: batched(ById::new(services), &queue),
            capabilities: batched(ById::new(services), &queue),
            need_shares: DataLoader::with_cache(
                SharesOf(services.clone()),
                enqueue(&queue),
                HashMapCache::default(),
            )
            .delay(Duration::ZERO),
            sessions: batched(ById::new(services), &queue),
            meetings: batched(ById::new(services), &queue),
            meeting_reports: batched(ChildrenOf::new(services), &queue),
            deals: batched(ById::new(services), &queue),
            registrations: batched(ChildrenOf::new(services), &queue),
            deal_parties: batched(ChildrenOf::new(services), &queue),
            deal_financing: batched(ChildrenOf::new(services), &queue),
            deal_history: batched(ChildrenOf::new(services), &queue),
            infrastructure_projects: batched(ById::new(services), &queue),
            infrastructure_milestones: batched(ChildrenOf::new(services), &queue),
            infrastructure_history: batched(ChildrenOf::new(services), &queue),
            infrastructure_financing: batched(ChildrenOf::new(services), &queue),
            infrastructure_disbursements: batched(ChildrenOf::new(services), &queue),
            portfolio_items: batched(ById::new(services), &queue),
            portfolio_participants: batched(ChildrenOf::new(services), &queue),
        };
        (loaders, Reads(reads))
    }
}

/// A loader whose reads go to `queue`, to run beside the request. No delay: a zero one is
/// ready at once, without a timer (the batch is gathered by [`Reads::beside`]).
fn batched<L: Loader<i64>>(
    loader: L,
    queue: &mpsc::UnboundedSender<BoxFuture<'static, ()>>,
) -> DataLoader<L> {
    DataLoader::new(loader, enqueue(queue)).delay(Duration::ZERO)
}

/// A DataLoader "spawner" that hands the read to the request's [`Reads`]. Once the request is
/// done nobody awaits a read, so one sent after that is dropped.
fn enqueue(
    queue: &mpsc::UnboundedSender<BoxFuture<'static, ()>>,
) -> impl Fn(BoxFuture<'static, ()>) + Send + Sync + 'static {
    let queue = queue.clone();
    move |read| {
        let _ = queue.send(read);
    }
}
