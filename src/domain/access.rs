//! Who may do what, and who may see what. [`Access`] is the caller's identity with their
//! platform role and memberships, loaded once per request; the checks here are pure so every
//! domain function (matching included) asks the same questions the same way.

use std::collections::HashMap;

use entity::{
    membership, membership::MembershipRole, need::Confidentiality, session, user_account,
};
use sea_orm::{ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _};

use super::batch::Keyed;
use crate::error::{AppError, AppResult};

/// The caller and what they may do.
#[derive(Debug, Clone, Default)]
pub struct Access {
    /// The signed-in user; `None` for anonymous callers.
    pub user: Option<user_account::Model>,
    /// The caller's role in each organisation they belong to.
    pub memberships: HashMap<i64, MembershipRole>,
    /// The service's own reads (see [`Access::internal`]).
    internal: bool,
}

/// How much of a need a caller may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NeedView {
    /// Everything.
    Full,
    /// Title and fields of science only.
    Teaser,
    /// Nothing; it does not exist for this caller.
    Hidden,
}

impl Access {
    /// Loads a signed-in user's access. A token for a user who no longer exists is refused.
    pub async fn load(db: &impl ConnectionTrait, user_id: i64) -> AppResult<Access> {
        let user = <user_account::Entity as Keyed>::readable()
            .filter(user_account::Column::Id.eq(user_id))
            .one(db)
            .await?
            .ok_or(AppError::Unauthenticated("the account no longer exists"))?;
        if user.deactivated_at.is_some() {
            return Err(AppError::Unauthenticated("the account is deactivated"));
        }
        let memberships = membership::Entity::find()
            .filter(membership::Column::UserId.eq(user_id))
            .all(db)
            .await?
            .into_iter()
            .map(|m| (m.organization_id, m.role))
            .collect();
        Ok(Access {
            user: Some(user),
            memberships,
            internal: false,
        })
    }

    /// An anonymous caller belonging to `organizations` (as a plain member), for pure code and
    /// its tests.
    pub fn member_of(organizations: impl IntoIterator<Item = i64>) -> Access {
        Access {
            memberships: organizations
                .into_iter()
                .map(|org| (org, MembershipRole::Member))
                .collect(),
            ..Access::default()
        }
    }

    /// Sees everything and may do nothing: the service's own reads of data a caller's request
    /// has already been checked against (e.g. scoring a pair both parties proposed). It has no
    /// user, so every `require_*` refuses it.
    pub fn internal() -> Access {
        Access {
            internal: true,
            ..Access::default()
        }
    }

    /// The signed-in user's id, or `UNAUTHENTICATED`.
    pub fn user_id(&self) -> AppResult<i64> {
        self.user
            .as_ref()
            .map(|u| u.id)
            .ok_or(AppError::Unauthenticated("sign in to do this"))
    }

    /// Whether the caller acts for the Management Company across the platform.
    pub fn is_platform_admin(&self) -> bool {
        self.internal || self.user.as_ref().is_some_and(|u| u.is_platform_admin)
    }

    /// Whether the caller acts for `organization_id`: a member, or a platform admin.
    fn acts_for(&self, organization_id: i64) -> bool {
        self.is_platform_admin() || self.memberships.contains_key(&organization_id)
    }

    /// Whether the caller acts for any of `organizations` (platform admins for all).
    pub fn acts_for_any<'a>(&self, organizations: impl IntoIterator<Item = &'a i64>) -> bool {
        self.is_platform_admin()
            || organizations
                .into_iter()
                .any(|o| self.memberships.contains_key(o))
    }

    /// `UNAUTHENTICATED` for anonymous callers, `FORBIDDEN` for everyone but platform admins.
    pub fn require_platform_admin(&self) -> AppResult<()> {
        self.user_id()?;
        if self.is_platform_admin() {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "only platform administrators may do this".into(),
            ))
        }
    }

    /// Members (any role) and platform admins may act for the organisation.
    pub fn require_member(&self, organization_id: i64) -> AppResult<()> {
        self.user_id()?;
        if self.is_platform_admin() || self.memberships.contains_key(&organization_id) {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "only members of this organisation may do this".into(),
            ))
        }
    }

    /// Whether the caller organises `session`: a platform admin or an admin of the venue.
    pub fn organises(&self, session: &session::Model) -> bool {
        self.require_org_admin(session.venue_organization_id)
            .is_ok()
    }

    /// Organisation admins and platform admins may manage the organisation's members.
    pub fn require_org_admin(&self, organization_id: i64) -> AppResult<()> {
        self.user_id()?;
        if self.is_platform_admin()
            || self.memberships.get(&organization_id) == Some(&MembershipRole::Admin)
        {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "only administrators of this organisation may do this".into(),
            ))
        }
    }

    /// Members' identities (names, e-mails) are visible to fellow members and platform admins.
    pub fn can_see_members(&self, organization_id: i64) -> bool {
        self.acts_for(organization_id)
    }

    /// How much the caller may read of a need of `owner` with `confidentiality`, shared with
    /// `shared_with`: public needs in full; teasers' title and fields; confidential ones not at
    /// all, except for the owner, platform admins and the organisations it is shared with.
    pub fn need_view(
        &self,
        owner: i64,
        confidentiality: Confidentiality,
        shared_with: &[i64],
    ) -> NeedView {
        if confidentiality == Confidentiality::Public
            || self.acts_for(owner)
            || shared_with.iter().any(|o| self.memberships.contains_key(o))
        {
            NeedView::Full
        } else if confidentiality == Confidentiality::Teaser {
            NeedView::Teaser
        } else {
            NeedView::Hidden
        }
    }

    /// Whether the caller may see a capability of `owner` (inactive ones: owners and admins).
    pub fn sees_capability(&self, owner: i64, active: bool) -> bool {
        active || self.acts_for(owner)
    }

    /// A user's profile is visible to the user, platform admins, and anyone sharing an
    /// organisation with them (`their_orgs`).
    pub fn can_see_user(&self, user_id: i64, their_orgs: impl IntoIterator<Item = i64>) -> bool {
        self.user.as_ref().is_some_and(|u| u.id == user_id)
            || self.is_platform_admin()
            || their_orgs
                .into_iter()
                .any(|org| self.memberships.contains_key(&org))
    }
}
