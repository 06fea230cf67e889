//! Organisation and membership mutations.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};
use entity::{membership::MembershipRole, organization::OrganizationKind};

use super::types::Organization;
use crate::{
    domain::{
        memberships,
        organizations::{self, NewOrganization, OrganizationChanges},
    },
    graphql::{
        access,
        accounts::types::{Invitation, Membership},
        forget_access,
        ids::{self, NodeType, decode_as},
        localized::LocalizedTextInput,
        patch, services,
    },
};

/// A new organisation. Kazakh organisations (country `KZ`) need a valid BIN and a region;
/// foreign ones have neither.
#[derive(Debug, InputObject)]
pub struct CreateOrganizationInput {
    /// What kind of organisation this is. `MANAGEMENT_COMPANY` is for platform admins only.
    pub kind: OrganizationKind,
    /// Name, in at least one of kk/ru/en (up to 300 characters each).
    pub name: LocalizedTextInput,
    /// What the organisation does (up to 5,000 characters per language).
    pub description: Option<LocalizedTextInput>,
    /// Business identification number: 12 digits with a valid check digit.
    pub bin: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    #[graphql(default = "KZ")]
    pub country: String,
    /// Region (ISO 3166-2 code such as `KZ-75`, or KATO code).
    pub region_code: Option<String>,
    /// Science city the organisation belongs to; must lie in its region.
    pub science_city_id: Option<ID>,
    /// Public web site, `http://` or `https://`.
    pub website: Option<String>,
}

/// The result of `createOrganization`.
#[derive(SimpleObject)]
pub struct CreateOrganizationPayload {
    /// The new organisation; its creator is its first admin.
    pub organization: Organization,
}

/// Changes to an organisation's profile. Omitted fields stay as they are; `null` clears the
/// optional ones.
#[derive(Debug, InputObject)]
pub struct UpdateOrganizationInput {
    /// The organisation to change.
    pub id: ID,
    /// New kind (`MANAGEMENT_COMPANY` to or from: platform admins only).
    pub kind: Option<OrganizationKind>,
    /// New name (replaces all languages).
    pub name: Option<LocalizedTextInput>,
    /// New description (replaces all languages; all blank clears it).
    pub description: Option<LocalizedTextInput>,
    /// New BIN (platform admins only: the BIN is the organisation's legal identity).
    pub bin: Option<String>,
    /// New region.
    pub region_code: Option<String>,
    /// New science city; null takes the organisation out of its science city.
    pub science_city_id: MaybeUndefined<ID>,
    /// New web site, or null to remove it.
    pub website: MaybeUndefined<String>,
}

/// The result of `updateOrganization`.
#[derive(SimpleObject)]
pub struct UpdateOrganizationPayload {
    /// The organisation as changed.
    pub organization: Organization,
}

/// An invitation to send.
#[derive(Debug, InputObject)]
pub struct InviteMemberInput {
    /// The organisation to join.
    pub organization_id: ID,
    /// Who to invite: any e-mail, registered or not (the answer is the same either way).
    pub email: String,
    /// The role the invitee gets on accepting; `MEMBER` when omitted or null.
    pub role: Option<MembershipRole>,
}

/// The result of `inviteMember`.
#[derive(SimpleObject)]
pub struct InviteMemberPayload {
    /// The open invitation (a renewed one if the e-mail was already invited).
    pub invitation: Invitation,
}

/// An answer to an invitation.
#[derive(Debug, InputObject)]
pub struct RespondToInvitationInput {
    /// The invitation, from `me.pendingInvitations`.
    pub invitation_id: ID,
    /// `true` to join, `false` to decline.
    pub accept: bool,
}

/// The result of `respondToInvitation`.
#[derive(SimpleObject)]
pub struct RespondToInvitationPayload {
    /// The invitation, now answered.
    pub invitation: Invitation,
    /// The new membership, when accepted.
    pub membership: Option<Membership>,
}

/// A member of an organisation.
#[derive(Debug, InputObject)]
pub struct MemberInput {
    /// The organisation.
    pub organization_id: ID,
    /// The member.
    pub user_id: ID,
}

/// A new role for a member.
#[derive(Debug, InputObject)]
pub struct ChangeMemberRoleInput {
    /// The organisation.
    pub organization_id: ID,
    /// The member.
    pub user_id: ID,
    /// The new role.
    pub role: MembershipRole,
}

/// The result of `changeMemberRole`.
#[derive(SimpleObject)]
pub struct ChangeMemberRolePayload {
    /// The membership with its new role.
    pub membership: Membership,
}

/// The result of `removeMember` and `leaveOrganization`.
#[derive(SimpleObject)]
pub struct MembershipEndedPayload {
    /// The organisation the membership was in.
    pub organization_id: ID,
    /// The former member.
    pub user_id: ID,
}

/// Organisation and membership mutations.
#[derive(Default)]
pub struct OrganizationMutation;

#[Object]
impl OrganizationMutation {
    /// Registers an organisation; the caller becomes its admin. Requires sign-in.
    async fn create_organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation to register: kind, names, BIN, country and region.")]
        input: CreateOrganizationInput,
    ) -> Result<CreateOrganizationPayload> {
        let science_city_id = input
            .science_city_id
            .map(|id| decode_as(&id, NodeType::ScienceCity, "scienceCityId"))
            .transpose()?;
        let org = organizations::create(
            &services(ctx)?.db,
            &*access(ctx).await?,
            NewOrganization {
                kind: input.kind,
                name: input.name.into(),
                description: input.description.unwrap_or_default().into(),
                bin: input.bin,
                country: Some(input.country),
                region_code: input.region_code,
                science_city_id,
                website: input.website,
            },
        )
        .await?;
        forget_access(ctx).await;
        Ok(CreateOrganizationPayload {
            organization: Organization(org),
        })
    }

    /// Changes an organisation's profile. Its members and platform admins may do this.
    async fn update_organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The organisation and the fields to change; omitted fields stay as they are."
        )]
        input: UpdateOrganizationInput,
    ) -> Result<UpdateOrganizationPayload> {
        let id = decode_as(&input.id, NodeType::Organization, "id")?;
        let changes = OrganizationChanges {
            kind: input.kind,
            name: input.name.map(Into::into),
            description: input.description.map(Into::into),
            bin: input.bin,
            region_code: input.region_code,
            science_city_id: patch(input.science_city_id, |id| {
                Ok(decode_as(&id, NodeType::ScienceCity, "scienceCityId")?)
            })?,
            website: patch(input.website, Ok)?,
        };
        let org =
            organizations::update(&services(ctx)?.db, &*access(ctx).await?, id, changes).await?;
        Ok(UpdateOrganizationPayload {
            organization: Organization(org),
        })
    }

    /// Invites an e-mail to join an organisation with a role; the person signed in with that
    /// e-mail accepts or declines it (`respondToInvitation`) within 14 days. Its admins and
    /// platform admins may invite. Inviting an e-mail with an open invitation renews it.
    async fn invite_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Who to invite to which organisation, and in what role.")]
        input: InviteMemberInput,
    ) -> Result<InviteMemberPayload> {
        let org_id = decode_as(
            &input.organization_id,
            NodeType::Organization,
            "organizationId",
        )?;
        let invitation = memberships::invite(
            &services(ctx)?.db,
            &*access(ctx).await?,
            org_id,
            &input.email,
            input.role.unwrap_or(MembershipRole::Member),
        )
        .await?;
        Ok(InviteMemberPayload {
            invitation: Invitation(invitation),
        })
    }

    /// Accepts or declines an invitation addressed to the caller's e-mail.
    async fn respond_to_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The invitation and the answer.")] input: RespondToInvitationInput,
    ) -> Result<RespondToInvitationPayload> {
        let id = decode_as(&input.invitation_id, NodeType::Invitation, "invitationId")?;
        let (invitation, membership) =
            memberships::respond(&services(ctx)?.db, &*access(ctx).await?, id, input.accept)
                .await?;
        forget_access(ctx).await;
        Ok(RespondToInvitationPayload {
            invitation: Invitation(invitation),
            membership: membership.map(Membership),
        })
    }

    /// Changes a member's role. Its admins and platform admins may do this; the last admin
    /// cannot be made a plain member (`reason` `LAST_ADMIN`).
    async fn change_member_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The member and the new role.")] input: ChangeMemberRoleInput,
    ) -> Result<ChangeMemberRolePayload> {
        let org_id = decode_as(
            &input.organization_id,
            NodeType::Organization,
            "organizationId",
        )?;
        let user_id = decode_as(&input.user_id, NodeType::User, "userId")?;
        let membership = memberships::set_role(
            &services(ctx)?.db,
            &*access(ctx).await?,
            org_id,
            user_id,
            input.role,
        )
        .await?;
        forget_access(ctx).await;
        Ok(ChangeMemberRolePayload {
            membership: Membership(membership),
        })
    }

    /// Removes a member. Its admins and platform admins may do this; the last admin cannot be
    /// removed (`reason` `LAST_ADMIN`).
    async fn remove_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The member to remove.")] input: MemberInput,
    ) -> Result<MembershipEndedPayload> {
        let org_id = decode_as(
            &input.organization_id,
            NodeType::Organization,
            "organizationId",
        )?;
        let user_id = decode_as(&input.user_id, NodeType::User, "userId")?;
        memberships::remove(&services(ctx)?.db, &*access(ctx).await?, org_id, user_id).await?;
        forget_access(ctx).await;
        Ok(MembershipEndedPayload {
            organization_id: input.organization_id,
            user_id: input.user_id,
        })
    }

    /// Leaves an organisation; its last admin cannot (`reason` `LAST_ADMIN`).
    async fn leave_organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation to leave.")] organization_id: ID,
    ) -> Result<MembershipEndedPayload> {
        let org_id = decode_as(&organization_id, NodeType::Organization, "organizationId")?;
        let viewer = access(ctx).await?;
        let user_id = viewer.user_id()?;
        memberships::remove(&services(ctx)?.db, &viewer, org_id, user_id).await?;
        forget_access(ctx).await;
        Ok(MembershipEndedPayload {
            organization_id,
            user_id: ids::encode(NodeType::User, user_id),
        })
    }
}
