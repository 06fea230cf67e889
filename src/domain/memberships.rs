//! Who belongs to an organisation, by consent. An organisation's admin invites an e-mail with a
//! role; the person signed in with that e-mail sees the invitation and accepts or declines it
//! before it expires. Inviting answers the same whether or not the e-mail has an account, so it
//! reveals nothing about who is registered. Admins change roles and remove members, members
//! leave; an organisation never loses its last admin.

use chrono::{Duration, Utc};
use entity::{
    invitation,
    membership::{self, MembershipRole},
    organization, user_account,
};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, ConnectionTrait, DatabaseConnection,
    EntityTrait as _, PaginatorTrait as _, QueryFilter as _, QueryOrder as _, QuerySelect as _,
    sea_query::Expr,
};

use super::{access::Access, accounts::normalize_email, references};
use crate::{
    db,
    error::{AppError, AppResult, Reason},
};

/// Days an invitation stays open.
pub const INVITATION_DAYS: i64 = 14;

/// Invites `email` to `organization_id` with `role` (its admins and platform admins). A second
/// invitation to the same e-mail while one is open renews it (new role, new expiry).
pub async fn invite(
    db: &DatabaseConnection,
    access: &Access,
    organization_id: i64,
    email: &str,
    role: MembershipRole,
) -> AppResult<invitation::Model> {
    let actor = access.user_id()?;
    references::organizations(db, "organizationId", &[organization_id]).await?;
    access.require_org_admin(organization_id)?;
    let email = normalize_email(email)?;
    let txn = db::begin_write(db).await?;
    let member = membership::Entity::find()
        .filter(membership::Column::OrganizationId.eq(organization_id))
        .filter(
            membership::Column::UserId.in_subquery(sea_orm::QueryTrait::into_query(
                user_account::Entity::find()
                    .select_only()
                    .column(user_account::Column::Id)
                    .filter(user_account::Column::Email.eq(email.clone())),
            )),
        )
        .count(&txn)
        .await?;
    if member > 0 {
        return Err(AppError::invalid(
            "email",
            "this e-mail already belongs to a member of the organisation",
        ));
    }
    let now = Utc::now();
    let open = invitation::Entity::find()
        .filter(invitation::Column::OrganizationId.eq(organization_id))
        .filter(invitation::Column::Email.eq(email.clone()))
        .filter(invitation::Column::AnsweredAt.is_null())
        .one(&txn)
        .await?;
    let mut row = match open {
        Some(open) => open.into(),
        None => invitation::ActiveModel {
            organization_id: Set(organization_id),
            email: Set(email),
            ..Default::default()
        },
    };
    row.role = Set(role);
    row.invited_by = Set(actor);
    row.created_at = Set(now);
    row.expires_at = Set(now + Duration::days(INVITATION_DAYS));
    let saved = row.save(&txn).await.map_err(|e| {
        AppError::on_unique(
            e,
            "invitation_open_key",
            "invitation.organization_id, invitation.email",
            AppError::invalid("email", "an invitation to this e-mail was sent just now"),
        )
    })?;
    txn.commit().await?;
    let invitation = sea_orm::TryIntoModel::try_into_model(saved)?;
    tracing::info!(
        invitation_id = invitation.id,
        organization_id,
        "member invited"
    );
    Ok(invitation)
}

/// The caller's open, unexpired invitations, newest first.
pub async fn pending_for(
    db: &impl ConnectionTrait,
    access: &Access,
) -> AppResult<Vec<invitation::Model>> {
    let Some(user) = &access.user else {
        return Ok(Vec::new());
    };
    Ok(invitation::Entity::find()
        .filter(invitation::Column::Email.eq(user.email.clone()))
        .filter(invitation::Column::AnsweredAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(Utc::now()))
        .order_by_desc(invitation::Column::Id)
        .all(db)
        .await?)
}

/// Accepts or declines an invitation addressed to the caller's e-mail. Anyone else's
/// invitation is not found. Accepting makes the caller a member with the invited role.
pub async fn respond(
    db: &DatabaseConnection,
    access: &Access,
    invitation_id: i64,
    accept: bool,
) -> AppResult<(invitation::Model, Option<membership::Model>)> {
    let user = access
        .user
        .as_ref()
        .ok_or(AppError::Unauthenticated("sign in to do this"))?;
    let invitation = invitation::Entity::find_by_id(invitation_id)
        .one(db)
        .await?
        .filter(|i| i.email == user.email)
        .ok_or(AppError::not_found("invitationId", "invitation"))?;
    if invitation.answered_at.is_some() {
        return Err(AppError::invalid(
            "invitationId",
            "the invitation was already answered",
        ));
    }
    let now = Utc::now();
    if invitation.expires_at <= now {
        return Err(AppError::invalid(
            "invitationId",
            "the invitation has expired; ask for a new one",
        ));
    }
    let txn = db::begin_write(db).await?;
    // Answered once, even by two tabs at the same moment.
    let answered = invitation::Entity::update_many()
        .col_expr(invitation::Column::AnsweredAt, Expr::value(now))
        .col_expr(invitation::Column::Accepted, Expr::value(accept))
        .filter(invitation::Column::Id.eq(invitation_id))
        .filter(invitation::Column::AnsweredAt.is_null())
        .exec(&txn)
        .await?;
    if answered.rows_affected == 0 {
        return Err(AppError::invalid(
            "invitationId",
            "the invitation was already answered",
        ));
    }
    let membership = if accept {
        let existing = membership::Entity::find()
            .filter(membership::Column::UserId.eq(user.id))
            .filter(membership::Column::OrganizationId.eq(invitation.organization_id))
            .one(&txn)
            .await?;
        Some(match existing {
            Some(m) => m,
            None => {
                membership::ActiveModel {
                    user_id: Set(user.id),
                    organization_id: Set(invitation.organization_id),
                    role: Set(invitation.role),
                    created_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
            }
        })
    } else {
        None
    };
    txn.commit().await?;
    let invitation = invitation::Entity::find_by_id(invitation_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::missing_row("invitation"))?;
    Ok((invitation, membership))
}

/// Changes a member's role (organisation admins and platform admins).
pub async fn set_role(
    db: &DatabaseConnection,
    access: &Access,
    organization_id: i64,
    user_id: i64,
    role: MembershipRole,
) -> AppResult<membership::Model> {
    access.user_id()?;
    references::organizations(db, "organizationId", &[organization_id]).await?;
    access.require_org_admin(organization_id)?;
    let txn = db::begin_write(db).await?;
    let member = locked_member(&txn, organization_id, user_id).await?;
    if role != MembershipRole::Admin {
        keep_an_admin(&txn, organization_id, user_id).await?;
    }
    let mut row: membership::ActiveModel = member.into();
    row.role = Set(role);
    let updated = row.update(&txn).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Ends a membership: an admin removes anyone, a member removes themself (leaves).
pub async fn remove(
    db: &DatabaseConnection,
    access: &Access,
    organization_id: i64,
    user_id: i64,
) -> AppResult<()> {
    let actor = access.user_id()?;
    references::organizations(db, "organizationId", &[organization_id]).await?;
    if actor != user_id {
        access.require_org_admin(organization_id)?;
    }
    let txn = db::begin_write(db).await?;
    let member = locked_member(&txn, organization_id, user_id).await?;
    keep_an_admin(&txn, organization_id, user_id).await?;
    membership::Entity::delete_by_id(member.id)
        .exec(&txn)
        .await?;
    txn.commit().await?;
    tracing::info!(organization_id, user_id, "membership ended");
    Ok(())
}

/// The membership, with the organisation's row locked so that role changes and removals in one
/// organisation happen one at a time (`FOR UPDATE` on PostgreSQL; SQLite's immediate
/// transaction already excludes other writers).
async fn locked_member(
    txn: &impl ConnectionTrait,
    organization_id: i64,
    user_id: i64,
) -> AppResult<membership::Model> {
    organization::Entity::find_by_id(organization_id)
        .lock_exclusive()
        .one(txn)
        .await?;
    membership::Entity::find()
        .filter(membership::Column::OrganizationId.eq(organization_id))
        .filter(membership::Column::UserId.eq(user_id))
        .one(txn)
        .await?
        .ok_or(AppError::not_found("userId", "member"))
}

/// Refuses a change that would leave the organisation without an admin once `user_id` is no
/// longer one.
async fn keep_an_admin(
    txn: &impl ConnectionTrait,
    organization_id: i64,
    user_id: i64,
) -> AppResult<()> {
    let other_admins = membership::Entity::find()
        .filter(membership::Column::OrganizationId.eq(organization_id))
        .filter(membership::Column::Role.eq(MembershipRole::Admin))
        .filter(membership::Column::UserId.ne(user_id))
        .count(txn)
        .await?;
    let is_admin = membership::Entity::find()
        .filter(membership::Column::OrganizationId.eq(organization_id))
        .filter(membership::Column::UserId.eq(user_id))
        .filter(membership::Column::Role.eq(MembershipRole::Admin))
        .count(txn)
        .await?
        > 0;
    if is_admin && other_admins == 0 {
        return Err(AppError::rule(
            Some("userId"),
            Reason::LastAdmin,
            "an organisation keeps at least one admin; make another member admin first",
        ));
    }
    Ok(())
}
