//! DataLoaders: every relation a per-row resolver follows goes through one of these, so a page
//! of N rows costs one query per relation, not N. They are created per request, so nothing is
//! cached across callers with different rights.

use std::{collections::HashMap, marker::PhantomData, time::Duration};

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use entity::{
    capability, deal, deal_financing, deal_history, deal_party, meeting, membership, need,
    need_share, organization, region, science_city, session, session_registration, user_account,
};
use sea_orm::{
    ColumnTrait as _, DatabaseConnection, EntityTrait, QueryFilter as _, QueryOrder as _,
};

use crate::error::AppError;

/// An entity keyed by an `i64` id.
pub trait Keyed: EntityTrait {
    /// The key column.
    fn key_column() -> Self::Column;
    /// The key of a row.
    fn key(model: &Self::Model) -> i64;
}

macro_rules! keyed {
    ($($module:ident),*) => {$(
        impl Keyed for $module::Entity {
            fn key_column() -> Self::Column {
                $module::Column::Id
            }
            fn key(model: &Self::Model) -> i64 {
                model.id
            }
        }
    )*};
}
keyed!(
    capability,
    deal,
    meeting,
    need,
    organization,
    region,
    science_city,
    session,
    user_account
);

/// Loads rows of `E` by id.
pub struct ById<E> {
    db: DatabaseConnection,
    entity: PhantomData<fn() -> E>,
}

impl<E: Keyed> Loader<i64> for ById<E>
where
    E::Model: Clone + Send + Sync,
{
    type Value = E::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, E::Model>, Self::Error> {
        let rows = E::find()
            .filter(E::key_column().is_in(keys.iter().copied()))
            .all(&self.db)
            .await
            .map_err(AppError::from)?;
        Ok(rows.into_iter().map(|m| (E::key(&m), m)).collect())
    }
}

/// Loads memberships grouped by organisation id or by user id.
pub struct MembershipsBy {
    db: DatabaseConnection,
    column: membership::Column,
}

impl Loader<i64> for MembershipsBy {
    type Value = Vec<membership::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = membership::Entity::find()
            .filter(self.column.is_in(keys.iter().copied()))
            .order_by_asc(membership::Column::Id)
            .all(&self.db)
            .await
            .map_err(AppError::from)?;
        let mut grouped: HashMap<i64, Self::Value> = HashMap::new();
        for row in rows {
            let key = match self.column {
                membership::Column::UserId => row.user_id,
                _ => row.organization_id,
            };
            grouped.entry(key).or_default().push(row);
        }
        Ok(grouped)
    }
}

/// Loads the organisations each need is shared with.
pub struct SharesOf {
    db: DatabaseConnection,
}

impl Loader<i64> for SharesOf {
    type Value = Vec<i64>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = need_share::Entity::find()
            .filter(need_share::Column::NeedId.is_in(keys.iter().copied()))
            .all(&self.db)
            .await
            .map_err(AppError::from)?;
        let mut grouped: HashMap<i64, Self::Value> = HashMap::new();
        for row in rows {
            grouped
                .entry(row.need_id)
                .or_default()
                .push(row.organization_id);
        }
        Ok(grouped)
    }
}

/// An entity whose rows belong to a parent row, loaded grouped by parent.
pub trait Child: EntityTrait {
    /// The column holding the parent's id.
    fn parent_column() -> Self::Column;
    /// The column rows are ordered by within a parent.
    fn order_column() -> Self::Column;
    /// The parent's id of a row.
    fn parent(model: &Self::Model) -> i64;
}

macro_rules! child {
    ($($module:ident: $column:ident / $field:ident by $order:ident),*) => {$(
        impl Child for $module::Entity {
            fn parent_column() -> Self::Column {
                $module::Column::$column
            }
            fn order_column() -> Self::Column {
                $module::Column::$order
            }
            fn parent(model: &Self::Model) -> i64 {
                model.$field
            }
        }
    )*};
}
child!(
    deal_party: DealId / deal_id by OrganizationId,
    deal_financing: DealId / deal_id by Id,
    deal_history: DealId / deal_id by Version,
    session_registration: SessionId / session_id by Id
);

/// Loads the rows of `E` belonging to each parent id.
pub struct ChildrenOf<E> {
    db: DatabaseConnection,
    entity: PhantomData<fn() -> E>,
}

impl<E: Child> Loader<i64> for ChildrenOf<E>
where
    E::Model: Clone + Send + Sync,
{
    type Value = Vec<E::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = E::find()
            .filter(E::parent_column().is_in(keys.iter().copied()))
            .order_by_asc(E::order_column())
            .all(&self.db)
            .await
            .map_err(AppError::from)?;
        let mut grouped: HashMap<i64, Self::Value> = HashMap::new();
        for row in rows {
            grouped.entry(E::parent(&row)).or_default().push(row);
        }
        Ok(grouped)
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
    pub members_of: DataLoader<MembershipsBy>,
    /// Memberships by user id.
    pub memberships_of: DataLoader<MembershipsBy>,
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
}

impl Loaders {
    /// Fresh loaders for one request. Each gathers keys for `window` after its first `load`,
    /// then queries them in one statement.
    pub fn new(db: &DatabaseConnection, window: Duration) -> Self {
        fn by_id<E>(db: &DatabaseConnection, window: Duration) -> DataLoader<ById<E>>
        where
            E: Keyed,
            E::Model: Clone + Send + Sync,
        {
            DataLoader::new(
                ById {
                    db: db.clone(),
                    entity: PhantomData,
                },
                tokio::spawn,
            )
            .delay(window)
        }
        fn children<E>(db: &DatabaseConnection, window: Duration) -> DataLoader<ChildrenOf<E>>
        where
            E: Child,
            E::Model: Clone + Send + Sync,
        {
            DataLoader::new(
                ChildrenOf {
                    db: db.clone(),
                    entity: PhantomData,
                },
                tokio::spawn,
            )
            .delay(window)
        }
        let memberships = |column| {
            DataLoader::new(
                MembershipsBy {
                    db: db.clone(),
                    column,
                },
                tokio::spawn,
            )
            .delay(window)
        };
        Self {
            organizations: by_id(db, window),
            regions: by_id(db, window),
            science_cities: by_id(db, window),
            users: by_id(db, window),
            members_of: memberships(membership::Column::OrganizationId),
            memberships_of: memberships(membership::Column::UserId),
            needs: by_id(db, window),
            capabilities: by_id(db, window),
            need_shares: DataLoader::with_cache(
                SharesOf { db: db.clone() },
                tokio::spawn,
                HashMapCache::default(),
            )
            .delay(window),
            sessions: by_id(db, window),
            meetings: by_id(db, window),
            deals: by_id(db, window),
            registrations: children(db, window),
            deal_parties: children(db, window),
            deal_financing: children(db, window),
            deal_history: children(db, window),
        }
    }
}
