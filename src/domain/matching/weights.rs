//! The factors a score is made of and their weights (normalised to sum to 100).

use std::collections::HashMap;

/// The factors a score is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FactorName {
    /// How much of the need's text the capability's text covers.
    Text,
    /// Proximity of fields of science.
    Fields,
    /// Technology readiness fit.
    Trl,
    /// Price against budget.
    Budget,
    /// Same science city, same region, or elsewhere.
    Geography,
    /// Open slots for new projects.
    Capacity,
    /// Needs matched with the owner's capabilities before.
    TrackRecord,
    /// Whether the capability's owner would want this need.
    Reciprocity,
}

impl FactorName {
    /// Every factor, in the order explanations list them.
    pub const ALL: [FactorName; 8] = [
        FactorName::Text,
        FactorName::Fields,
        FactorName::Trl,
        FactorName::Budget,
        FactorName::Geography,
        FactorName::Capacity,
        FactorName::TrackRecord,
        FactorName::Reciprocity,
    ];

    /// The name used in configuration.
    pub fn key(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Fields => "fields",
            Self::Trl => "trl",
            Self::Budget => "budget",
            Self::Geography => "geography",
            Self::Capacity => "capacity",
            Self::TrackRecord => "track_record",
            Self::Reciprocity => "reciprocity",
        }
    }
}

/// Factor weights, normalised to sum to 100.
#[derive(Debug, Clone, PartialEq)]
pub struct Weights(HashMap<FactorName, f64>);

/// The shipped weights, summing to 100. Text and fields carry most (they say what the work
/// is); reciprocity is next, so that a capability whose owner would not take the need cannot
/// rank high.
pub const DEFAULT_WEIGHTS: [(FactorName, f64); 8] = [
    (FactorName::Text, 35.0),
    (FactorName::Fields, 20.0),
    (FactorName::Trl, 10.0),
    (FactorName::Budget, 8.0),
    (FactorName::Geography, 5.0),
    (FactorName::Capacity, 5.0),
    (FactorName::TrackRecord, 5.0),
    (FactorName::Reciprocity, 12.0),
];

impl Default for Weights {
    fn default() -> Self {
        Self(DEFAULT_WEIGHTS.into_iter().collect())
    }
}

impl Weights {
    /// Reads `name=number,…`; unnamed factors weigh 0. Refuses negative, unknown or all-zero
    /// weights.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut raw = HashMap::new();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) = part
                .split_once('=')
                .ok_or_else(|| format!("`{part}` is not name=weight"))?;
            let factor = FactorName::ALL
                .into_iter()
                .find(|f| f.key() == name.trim())
                .ok_or_else(|| format!("unknown matching factor `{}`", name.trim()))?;
            let value: f64 = value
                .trim()
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| format!("the weight of `{name}` must be a number ≥ 0"))?;
            raw.insert(factor, value);
        }
        let total: f64 = raw.values().sum();
        if total <= 0.0 {
            return Err("at least one matching weight must be positive".into());
        }
        Ok(Self(
            FactorName::ALL
                .into_iter()
                .map(|f| (f, raw.get(&f).copied().unwrap_or(0.0) * 100.0 / total))
                .collect(),
        ))
    }

    /// The normalised weight of `factor`.
    pub fn get(&self, factor: FactorName) -> f64 {
        self.0.get(&factor).copied().unwrap_or(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_the_documented_spec_and_sums_to_100() {
        let documented = Weights::parse(
            "text=35,fields=20,trl=10,budget=8,geography=5,capacity=5,track_record=5,reciprocity=12",
        )
        .expect("the README's spec parses");
        assert_eq!(Weights::default(), documented);
        let total: f64 = FactorName::ALL
            .into_iter()
            .map(|f| Weights::default().get(f))
            .sum();
        assert!((total - 100.0).abs() < 1e-9, "{total}");
    }
}
