//! Indicator targets and recorded values (platform admins).

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};

use crate::{
    domain::indicators,
    graphql::{
        access,
        ids::{NodeType, decode_as},
        services,
    },
};

/// A target and critical level.
#[derive(Debug, InputObject)]
pub struct SetIndicatorTargetInput {
    /// Indicator code.
    pub indicator_code: String,
    /// The science city.
    pub science_city_id: ID,
    /// The year.
    pub year: i32,
    /// Target, a decimal string in the indicator's unit, at its precision: a whole number for
    /// `count`, at most two decimals for `KZT` and `percent`.
    pub target: String,
    /// Critical level (≤ target), at the same precision.
    pub critical: String,
    /// Mark as demo data rather than an official figure.
    #[graphql(default)]
    pub is_demo: bool,
}

/// A reported actual.
#[derive(Debug, InputObject)]
pub struct RecordIndicatorValueInput {
    /// Indicator code (a `REPORTED` one).
    pub indicator_code: String,
    /// The science city.
    pub science_city_id: ID,
    /// The year.
    pub year: i32,
    /// The value, a decimal string in the indicator's unit, at its precision (as `target` of
    /// `setIndicatorTarget`).
    pub value: String,
    /// Where the figure comes from.
    pub note: Option<String>,
}

/// The result of `setIndicatorTarget`.
#[derive(SimpleObject)]
pub struct SetIndicatorTargetPayload {
    /// The target as stored, a decimal string.
    pub target: String,
    /// The critical level as stored.
    pub critical: String,
}

/// The result of `recordIndicatorValue`.
#[derive(SimpleObject)]
pub struct RecordIndicatorValuePayload {
    /// The value as stored, a decimal string.
    pub value: String,
}

/// Indicator mutations.
#[derive(Default)]
pub struct IndicatorMutation;

#[Object]
impl IndicatorMutation {
    /// Sets a target and critical level of an indicator for a science city and year.
    /// Platform admins only.
    async fn set_indicator_target(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The indicator, science city, year, target and critical level.")]
        input: SetIndicatorTargetInput,
    ) -> Result<SetIndicatorTargetPayload> {
        let city = decode_as(
            &input.science_city_id,
            NodeType::ScienceCity,
            "scienceCityId",
        )?;
        let (unit, row) = indicators::set_target(
            &services(ctx)?.db,
            &*access(ctx).await?,
            indicators::NewTarget {
                code: input.indicator_code,
                city,
                year: input.year,
                target: input.target,
                critical: input.critical,
                is_demo: input.is_demo,
            },
        )
        .await?;
        Ok(SetIndicatorTargetPayload {
            target: unit.format(row.target),
            critical: unit.format(row.critical),
        })
    }

    /// Records the actual of a reported indicator. Platform admins only.
    async fn record_indicator_value(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The reported indicator, science city, year and value.")]
        input: RecordIndicatorValueInput,
    ) -> Result<RecordIndicatorValuePayload> {
        let city = decode_as(
            &input.science_city_id,
            NodeType::ScienceCity,
            "scienceCityId",
        )?;
        let (unit, row) = indicators::record_value(
            &services(ctx)?.db,
            &*access(ctx).await?,
            &input.indicator_code,
            city,
            input.year,
            &input.value,
            input.note,
        )
        .await?;
        Ok(RecordIndicatorValuePayload {
            value: unit.format(row.value),
        })
    }
}
