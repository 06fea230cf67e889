//! Reads by many keys at once, one statement per call: what the GraphQL layer's DataLoaders
//! ask for, so that a page of N rows costs one query per relation rather than N.

use std::collections::HashMap;

use entity::{
    capability, deal, deal_financing, deal_history, deal_party, infrastructure_disbursement,
    infrastructure_financing, infrastructure_history, infrastructure_milestone,
    infrastructure_project, meeting, meeting_report, membership, need, organization,
    portfolio_item, portfolio_participant, region, science_city, session, session_registration,
    user_account,
};
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, EntityTrait, Iterable as _, QueryFilter as _,
    QueryOrder as _, QuerySelect as _, Select, sea_query::Expr,
};

use crate::error::AppResult;

/// An entity keyed by an `i64` id.
pub trait Keyed: EntityTrait {
    /// The key column.
    fn key_column() -> Self::Column;
    /// The key of a row.
    fn key(model: &Self::Model) -> i64;
    /// What a read by key selects: the whole row, unless the entity holds a secret.
    fn readable() -> Select<Self> {
        Self::find()
    }
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
    infrastructure_project,
    meeting,
    need,
    organization,
    portfolio_item,
    region,
    science_city,
    session
);

impl Keyed for user_account::Entity {
    fn key_column() -> Self::Column {
        user_account::Column::Id
    }
    fn key(model: &Self::Model) -> i64 {
        model.id
    }
    /// Users as the API shows them: the password hash is never read (an empty string stands in
    /// for it), so a page of members does not move every member's secret out of the database.
    fn readable() -> Select<Self> {
        use user_account::Column as C;
        Self::find()
            .select_only()
            .columns(C::iter().filter(|c| !matches!(c, C::PasswordHash)))
            .column_as(Expr::val(""), C::PasswordHash)
    }
}

/// An entity whose rows belong to a parent row, read grouped by parent.
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
    session_registration: SessionId / session_id by Id,
    membership: OrganizationId / organization_id by Id,
    portfolio_participant: ItemId / item_id by Id,
    meeting_report: MeetingId / meeting_id by OrganizationId,
    infrastructure_milestone: ProjectId / project_id by PlannedOn,
    infrastructure_history: ProjectId / project_id by Version,
    infrastructure_financing: ProjectId / project_id by Id,
    infrastructure_disbursement: FinancingId / financing_id by Id
);

/// Rows of `E` by id.
pub async fn by_id<E: Keyed>(
    db: &impl ConnectionTrait,
    keys: &[i64],
) -> AppResult<HashMap<i64, E::Model>> {
    let rows = E::readable()
        .filter(E::key_column().is_in(keys.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|m| (E::key(&m), m)).collect())
}

/// Rows of `E` belonging to each parent id, in the entity's order.
pub async fn children<E: Child>(
    db: &impl ConnectionTrait,
    parents: &[i64],
) -> AppResult<HashMap<i64, Vec<E::Model>>> {
    let rows = E::find()
        .filter(E::parent_column().is_in(parents.iter().copied()))
        .order_by_asc(E::order_column())
        .all(db)
        .await?;
    let mut grouped: HashMap<i64, Vec<E::Model>> = HashMap::new();
    for row in rows {
        grouped.entry(E::parent(&row)).or_default().push(row);
    }
    Ok(grouped)
}

/// Each user's memberships, oldest first.
pub async fn memberships_of_users(
    db: &impl ConnectionTrait,
    users: &[i64],
) -> AppResult<HashMap<i64, Vec<membership::Model>>> {
    let rows = membership::Entity::find()
        .filter(membership::Column::UserId.is_in(users.iter().copied()))
        .order_by_asc(membership::Column::Id)
        .all(db)
        .await?;
    let mut grouped: HashMap<i64, Vec<membership::Model>> = HashMap::new();
    for row in rows {
        grouped.entry(row.user_id).or_default().push(row);
    }
    Ok(grouped)
}
