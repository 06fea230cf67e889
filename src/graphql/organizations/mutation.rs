//! Organisation and membership mutations.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};
use entity::{membership::MembershipRole, organization::OrganizationKind};

use super::types::Organization;
use crate::{
    domain::organizations::{self, NewOrganization, OrganizationChanges},
    graphql::{
        access,
        accounts::types::Membership,
        forget_access,
        ids::{NodeType, decode_as},
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

/// Adds a registered user to an organisation.
#[derive(Debug, InputObject)]
pub struct AddMemberInput {
    /// The organisation to add the member to.
    pub organization_id: ID,
    /// The e-mail the user registered with.
    pub email: String,
    /// Their role.
    #[graphql(default_with = "MembershipRole::Member")]
    pub role: MembershipRole,
}

/// The result of `addMember`.
#[derive(SimpleObject)]
pub struct AddMemberPayload {
    /// The new membership.
    pub membership: Membership,
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

    /// Adds a registered user to an organisation. Its admins and platform admins may do this.
    async fn add_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Who to add to which organisation, and in what role.")]
        input: AddMemberInput,
    ) -> Result<AddMemberPayload> {
        let org_id = decode_as(
            &input.organization_id,
            NodeType::Organization,
            "organizationId",
        )?;
        let membership = organizations::add_member(
            &services(ctx)?.db,
            &*access(ctx).await?,
            org_id,
            &input.email,
            input.role,
        )
        .await?;
        forget_access(ctx).await;
        Ok(AddMemberPayload {
            membership: Membership(membership),
        })
    }
}
