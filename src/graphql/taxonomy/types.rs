//! Reference classifications: fields of science, TRL levels and the labels of enum values.

use async_graphql::{Context, Object, Result};
use entity::{field_of_science, trl_level};

use super::labels::{EnumLabels, labels};
use crate::{
    domain::taxonomy,
    graphql::{
        localized::{LocalizedText, localized},
        services,
    },
};

/// GraphQL view of FieldOfScience; see the schema description on its `impl`.
pub struct FieldOfScience(pub field_of_science::Model);

/// A field of science from the OECD Frascati Manual classification (FOS 2007): six major fields,
/// each with sub-fields.
#[Object]
impl FieldOfScience {
    /// Hierarchical code: `2` for a major field, `2.3` for a sub-field.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// The major field's code for a sub-field; null for a major field.
    async fn parent_code(&self) -> Option<&str> {
        self.0.parent_code.as_deref()
    }

    /// The field's name in Kazakh, Russian and English.
    async fn name(&self) -> LocalizedText {
        localized(
            &self.0.name_kk,
            &self.0.name_ru,
            &Some(self.0.name_en.clone()),
        )
    }
}

/// GraphQL view of TrlLevel; see the schema description on its `impl`.
pub struct TrlLevel(pub trl_level::Model);

/// A technology readiness level on the EU Horizon 2020 scale (1 = basic principles observed,
/// 9 = actual system proven in operational environment).
#[Object]
impl TrlLevel {
    /// The level, 1 to 9.
    async fn level(&self) -> i32 {
        self.0.level
    }

    /// The level's definition in Kazakh, Russian and English (the scale's own language, the
    /// one the others translate).
    async fn name(&self) -> LocalizedText {
        localized(
            &self.0.name_kk,
            &self.0.name_ru,
            &Some(self.0.name_en.clone()),
        )
    }
}

/// GraphQL view of Taxonomy; see the schema description on its `impl`.
pub struct Taxonomy;

/// Reference classifications used across the platform.
#[Object]
impl Taxonomy {
    /// All fields of science, major fields before their sub-fields.
    async fn fields_of_science(&self, ctx: &Context<'_>) -> Result<Vec<FieldOfScience>> {
        let rows = taxonomy::fields_of_science(&services(ctx)?.db).await?;
        Ok(rows.into_iter().map(FieldOfScience).collect())
    }

    /// Technology readiness levels 1 to 9.
    async fn trl_levels(&self, ctx: &Context<'_>) -> Result<Vec<TrlLevel>> {
        let rows = taxonomy::trl_levels(&services(ctx)?.db).await?;
        Ok(rows.into_iter().map(TrlLevel).collect())
    }

    /// The label to show for each value of the schema's enums, in Kazakh, Russian and English
    /// (`text` follows `Accept-Language`): `DealStage.SIGNED` is «Подписана». Every enum, by
    /// name, unless `enums` names some; an unknown name is `BAD_USER_INPUT`.
    async fn enum_labels(
        &self,
        #[graphql(
            desc = "Enum names, e.g. `[\"DealStage\", \"MeetingStatus\"]`; all when absent."
        )]
        enums: Option<Vec<String>>,
    ) -> Result<Vec<EnumLabels>> {
        Ok(labels(enums.as_deref())?)
    }
}
