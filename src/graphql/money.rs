//! Money in the API: `{ amount currency }` with an exact decimal string.

use async_graphql::SimpleObject;

use crate::domain::money;

/// An amount of money.
#[derive(Debug, Clone, SimpleObject)]
pub struct Money {
    /// Exact decimal amount with two decimals, e.g. `"1500000.00"`; never a float.
    pub amount: String,
    /// ISO 4217 currency code; always `KZT` for now.
    pub currency: String,
}

impl Money {
    /// An amount kept in tiyn.
    pub fn from_tiyn(tiyn: i64) -> Money {
        Money {
            amount: money::format(tiyn),
            currency: money::CURRENCY.to_owned(),
        }
    }
}

/// A range of money; either end may be open.
#[derive(Debug, Clone, SimpleObject)]
pub struct MoneyRange {
    /// Lower end, if stated.
    pub min: Option<Money>,
    /// Upper end, if stated.
    pub max: Option<Money>,
}

/// A money range, or null when neither end is set.
pub fn range(min: Option<i64>, max: Option<i64>) -> Option<MoneyRange> {
    (min.is_some() || max.is_some()).then(|| MoneyRange {
        min: min.map(Money::from_tiyn),
        max: max.map(Money::from_tiyn),
    })
}
