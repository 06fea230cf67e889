//! Region statistics (platform admins).

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};

use crate::{
    domain::potential,
    graphql::{access, services},
};

/// A named statistic.
#[derive(Debug, InputObject)]
pub struct RegionStatisticInput {
    /// Name in UPPER_SNAKE_CASE, e.g. `RESEARCHERS`, `RD_SPENDING`, `GRP`.
    pub name: String,
    /// Value, a decimal string.
    pub value: String,
}

/// Statistics of one region for one year.
#[derive(Debug, InputObject)]
pub struct RecordRegionStatisticsInput {
    /// Region (ISO 3166-2 or KATO code).
    pub region_code: String,
    /// The year.
    pub year: i32,
    /// The statistics; existing ones with the same name are replaced.
    pub values: Vec<RegionStatisticInput>,
}

/// The result of `recordRegionStatistics`.
#[derive(SimpleObject)]
pub struct RecordRegionStatisticsPayload {
    /// How many statistics were stored.
    pub stored: i32,
}

/// Region-statistics mutations.
#[derive(Default)]
pub struct PotentialMutation;

#[Object]
impl PotentialMutation {
    /// Records yearly statistics of a region. Platform admins only.
    async fn record_region_statistics(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The region, year and statistics to record.")]
        input: RecordRegionStatisticsInput,
    ) -> Result<RecordRegionStatisticsPayload> {
        let rows = potential::record(
            &services(ctx)?.db,
            &*access(ctx).await?,
            &input.region_code,
            input.year,
            input
                .values
                .into_iter()
                .map(|v| (v.name, v.value))
                .collect(),
        )
        .await?;
        Ok(RecordRegionStatisticsPayload {
            stored: i32::try_from(rows.len()).unwrap_or(i32::MAX),
        })
    }
}
