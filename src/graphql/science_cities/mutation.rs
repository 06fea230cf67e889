//! Science-city mutations (platform admins).

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use entity::science_city::ScienceCityStatus;

use super::types::ScienceCity;
use crate::{
    domain::science_cities::{self, NewScienceCity, ScienceCityChanges},
    graphql::{
        access,
        ids::{NodeType, decode_as},
        localized::LocalizedTextInput,
        services,
    },
};

/// A new science city.
#[derive(Debug, InputObject)]
pub struct CreateScienceCityInput {
    /// Name, in at least one of kk/ru/en.
    pub name: LocalizedTextInput,
    /// Region (ISO 3166-2 or KATO code).
    pub region_code: String,
    /// Initial status.
    #[graphql(default_with = "ScienceCityStatus::Candidate")]
    pub status: ScienceCityStatus,
}

/// The result of `createScienceCity`.
#[derive(SimpleObject)]
pub struct CreateScienceCityPayload {
    /// The new science city.
    pub science_city: ScienceCity,
}

/// Changes to a science city. Omitted fields stay as they are.
#[derive(Debug, InputObject)]
pub struct UpdateScienceCityInput {
    /// The science city to change.
    pub id: ID,
    /// New name (replaces all languages).
    pub name: Option<LocalizedTextInput>,
    /// New region; refused while organisations belong to the city.
    pub region_code: Option<String>,
    /// Next status: CANDIDATE → DESIGNATED → ACTIVE, one step at a time.
    pub status: Option<ScienceCityStatus>,
}

/// The result of `updateScienceCity`.
#[derive(SimpleObject)]
pub struct UpdateScienceCityPayload {
    /// The science city as changed.
    pub science_city: ScienceCity,
}

/// Science-city mutations.
#[derive(Default)]
pub struct ScienceCityMutation;

#[Object]
impl ScienceCityMutation {
    /// Creates a science city. Platform admins only.
    async fn create_science_city(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The science city to create: names, region and status.")]
        input: CreateScienceCityInput,
    ) -> Result<CreateScienceCityPayload> {
        let city = science_cities::create(
            &services(ctx)?.db,
            &*access(ctx).await?,
            NewScienceCity {
                name: input.name.into(),
                region_code: input.region_code,
                status: Some(input.status),
            },
        )
        .await?;
        Ok(CreateScienceCityPayload {
            science_city: ScienceCity(city),
        })
    }

    /// Changes a science city. Platform admins only.
    async fn update_science_city(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The science city and the fields to change; omitted fields stay as they are."
        )]
        input: UpdateScienceCityInput,
    ) -> Result<UpdateScienceCityPayload> {
        let id = decode_as(&input.id, NodeType::ScienceCity, "id")?;
        let city = science_cities::update(
            &services(ctx)?.db,
            &*access(ctx).await?,
            id,
            ScienceCityChanges {
                name: input.name.map(Into::into),
                region_code: input.region_code,
                status: input.status,
            },
        )
        .await?;
        Ok(UpdateScienceCityPayload {
            science_city: ScienceCity(city),
        })
    }
}
