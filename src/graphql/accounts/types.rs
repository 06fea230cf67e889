//! Account object types.

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{invitation, membership, membership::MembershipRole, user_account};

use crate::{
    domain::{accounts::SignIn, memberships},
    graphql::{
        access,
        ids::{self, NodeType},
        loaders,
        organizations::types::Organization,
        required, services,
    },
};

/// GraphQL view of User; see the schema description on its `impl`.
pub struct User(pub user_account::Model);

/// A person who signs in to Kopir. Visible to the person, to members of the same
/// organisations, and to platform admins.
#[Object]
impl User {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::User, self.0.id)
    }

    /// Sign-in e-mail (lower-cased).
    async fn email(&self) -> &str {
        &self.0.email
    }

    /// Name shown to others.
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }

    /// Whether the user administers the platform for the Management Company.
    async fn is_platform_admin(&self) -> bool {
        self.0.is_platform_admin
    }

    /// The organisations the user belongs to, with roles.
    async fn memberships(&self, ctx: &Context<'_>) -> Result<Vec<Membership>> {
        let rows = loaders(ctx)?.memberships_of.load_one(self.0.id).await?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(Membership)
            .collect())
    }

    /// When a platform admin deactivated the account; `null` while it is active.
    async fn deactivated_at(&self) -> Option<DateTime<Utc>> {
        self.0.deactivated_at
    }

    /// Open invitations to join organisations, addressed to this person's e-mail, newest first.
    /// Only the person themself sees them; for anyone else the list is empty.
    async fn pending_invitations(&self, ctx: &Context<'_>) -> Result<Vec<Invitation>> {
        let viewer = access(ctx).await?;
        if viewer.user.as_ref().map(|u| u.id) != Some(self.0.id) {
            return Ok(Vec::new());
        }
        Ok(memberships::pending_for(&services(ctx)?.db, &viewer)
            .await?
            .into_iter()
            .map(Invitation)
            .collect())
    }

    /// When the account was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// GraphQL view of Membership; see the schema description on its `impl`.
pub struct Membership(pub membership::Model);

/// A user's membership in an organisation.
#[Object]
impl Membership {
    /// The member's role.
    async fn role(&self) -> MembershipRole {
        self.0.role
    }

    /// The organisation the user belongs to.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        Organization::referenced(ctx, self.0.organization_id).await
    }

    /// The member.
    async fn user(&self, ctx: &Context<'_>) -> Result<User> {
        let user = loaders(ctx)?.users.load_one(self.0.user_id).await?;
        required(user.map(User), "user")
    }

    /// When the membership began.
    async fn since(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// GraphQL view of Invitation; see the schema description on its `impl`.
pub struct Invitation(pub invitation::Model);

/// An invitation to join an organisation, addressed to an e-mail. Open until the person signed
/// in with that e-mail accepts or declines it, or it expires (14 days after it was sent).
#[Object]
impl Invitation {
    /// Opaque ID, for `respondToInvitation`.
    async fn id(&self) -> ID {
        ids::encode(NodeType::Invitation, self.0.id)
    }

    /// The organisation to join.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        Organization::referenced(ctx, self.0.organization_id).await
    }

    /// The e-mail it is addressed to.
    async fn email(&self) -> &str {
        &self.0.email
    }

    /// The role the invitee gets on accepting.
    async fn role(&self) -> MembershipRole {
        self.0.role
    }

    /// When it was sent (or last renewed).
    async fn sent_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// After this it can no longer be accepted.
    async fn expires_at(&self) -> DateTime<Utc> {
        self.0.expires_at
    }

    /// `true` accepted, `false` declined, `null` while open.
    async fn accepted(&self) -> Option<bool> {
        self.0.accepted
    }
}

/// A sign-in: send `accessToken` as `Authorization: Bearer …`; before it expires,
/// exchange `refreshToken` for a new sign-in with `refreshToken`.
#[derive(SimpleObject)]
pub struct AuthPayload {
    /// Short-lived bearer token (JWT).
    pub access_token: String,
    /// When the access token expires.
    pub access_token_expires_at: DateTime<Utc>,
    /// Single-use token for `refreshToken`; keep it secret.
    pub refresh_token: String,
    /// When the refresh token expires.
    pub refresh_token_expires_at: DateTime<Utc>,
    /// The signed-in user.
    pub user: User,
}

impl From<SignIn> for AuthPayload {
    fn from(s: SignIn) -> Self {
        Self {
            access_token: s.access_token,
            access_token_expires_at: s.access_expires_at,
            refresh_token: s.refresh_token,
            refresh_token_expires_at: s.refresh_expires_at,
            user: User(s.user),
        }
    }
}
