//! One rule for the IDs an input names. A mutation that names another object (a need, a
//! capability, a meeting, a session, an organisation, a science city, a portfolio item) resolves
//! it here, through
//! the same visibility rule as a read by the same caller: an object the caller may not see
//! answers `NOT_FOUND`, word for word like one that does not exist, so an ID never confirms that
//! something hidden exists. What the object must be *to the operation* (a deal's origin meeting
//! between the deal's parties, say) is checked by the operation after this.

use entity::{
    capability, meeting, need, need_share, organization, portfolio_item, portfolio_participant,
    science_city, session,
};
use sea_orm::{ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _};

use super::{
    access::{Access, NeedView},
    batch::Keyed,
};
use crate::error::{AppError, AppResult};

/// A row of a kind every caller may see (sessions, organisations, science cities): it must
/// merely exist.
async fn public<E: Keyed>(
    db: &impl ConnectionTrait,
    field: &'static str,
    what: &'static str,
    id: i64,
) -> AppResult<E::Model> {
    E::find()
        .filter(E::key_column().eq(id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(field, what))
}

/// A need the caller may know of (in full or as a teaser), and how much of it they may read.
pub async fn need(
    db: &impl ConnectionTrait,
    access: &Access,
    field: &'static str,
    id: i64,
) -> AppResult<(need::Model, NeedView)> {
    let need = need::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(field, "need"))?;
    let shared_with = shares_of(db, id).await?;
    match access.need_view(need.organization_id, need.confidentiality, &shared_with) {
        NeedView::Hidden => Err(AppError::not_found(field, "need")),
        view => Ok((need, view)),
    }
}

/// Organisations a need is shared with (they read it in full).
pub async fn shares_of(db: &impl ConnectionTrait, need_id: i64) -> AppResult<Vec<i64>> {
    Ok(need_share::Entity::find()
        .filter(need_share::Column::NeedId.eq(need_id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.organization_id)
        .collect())
}

/// A capability the caller may see (inactive ones: its own organisation's members).
pub async fn capability(
    db: &impl ConnectionTrait,
    access: &Access,
    field: &'static str,
    id: i64,
) -> AppResult<capability::Model> {
    capability::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|c| access.sees_capability(c.organization_id, c.active))
        .ok_or_else(|| AppError::not_found(field, "capability"))
}

/// A meeting the caller may see (its two organisations' members, the session's organisers),
/// with its session.
pub async fn meeting(
    db: &impl ConnectionTrait,
    access: &Access,
    field: &'static str,
    id: i64,
) -> AppResult<(meeting::Model, session::Model)> {
    let Some(m) = meeting::Entity::find_by_id(id).one(db).await? else {
        return Err(AppError::not_found(field, "meeting"));
    };
    match session::Entity::find_by_id(m.session_id).one(db).await? {
        Some(s)
            if access.can_see_members(m.requester_id)
                || access.can_see_members(m.invitee_id)
                || access.organises(&s) =>
        {
            Ok((m, s))
        }
        _ => Err(AppError::not_found(field, "meeting")),
    }
}

/// A session: sessions are public.
pub async fn session(
    db: &impl ConnectionTrait,
    field: &'static str,
    id: i64,
) -> AppResult<session::Model> {
    public::<session::Entity>(db, field, "session", id).await
}

/// Organisations: the registry is public, so each must merely exist. Returned in `ids`' order.
pub async fn organizations(
    db: &impl ConnectionTrait,
    field: &'static str,
    ids: &[i64],
) -> AppResult<Vec<organization::Model>> {
    let mut found = organization::Entity::find()
        .filter(organization::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    if ids.iter().any(|id| !found.iter().any(|o| o.id == *id)) {
        return Err(AppError::not_found(field, "organisation"));
    }
    found.sort_by_key(|o| ids.iter().position(|id| *id == o.id));
    Ok(found)
}

/// An organisation: the registry is public, so it must merely exist.
pub async fn organization(
    db: &impl ConnectionTrait,
    field: &'static str,
    id: i64,
) -> AppResult<organization::Model> {
    public::<organization::Entity>(db, field, "organisation", id).await
}

/// A science city: science cities are public.
pub async fn science_city(
    db: &impl ConnectionTrait,
    field: &'static str,
    id: i64,
) -> AppResult<science_city::Model> {
    public::<science_city::Entity>(db, field, "science city", id).await
}

/// A portfolio item the caller may see (members-only ones: its participants' members).
pub async fn portfolio_item(
    db: &impl ConnectionTrait,
    access: &Access,
    field: &'static str,
    id: i64,
) -> AppResult<portfolio_item::Model> {
    let item = portfolio_item::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(field, "portfolio item"))?;
    if item.members_only {
        let participants: Vec<i64> = portfolio_participant::Entity::find()
            .filter(portfolio_participant::Column::ItemId.eq(id))
            .all(db)
            .await?
            .into_iter()
            .map(|p| p.organization_id)
            .collect();
        if !access.acts_for_any(&participants) {
            return Err(AppError::not_found(field, "portfolio item"));
        }
    }
    Ok(item)
}
