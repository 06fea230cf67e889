//! Synthetic corpora for the speed benches: words of the labelled evaluation set, drawn with a
//! Zipf-like frequency so postings have realistic skew.

use rand::{Rng as _, rngs::StdRng};
use serde_json::Value;

/// An index in `0..n` with a Zipf-like (log-uniform) distribution.
pub fn zipf(rng: &mut StdRng, n: usize) -> usize {
    ((n as f64).powf(rng.random::<f64>()) as usize)
        .saturating_sub(1)
        .min(n - 1)
}

/// The labelled trilingual evaluation set.
pub fn eval_set() -> Value {
    serde_json::from_str(include_str!("../data/matching_eval.json"))
        .unwrap_or_else(|e| panic!("matching_eval.json: {e}"))
}

/// A JSON string's text, or nothing.
pub fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// Every distinct word of three letters or more in the set's capabilities.
pub fn vocabulary(set: &Value) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for cap in set["capabilities"].as_array().into_iter().flatten() {
        for part in ["title", "description"] {
            for w in text(&cap[part]).split(|c: char| !c.is_alphanumeric()) {
                if w.chars().count() > 2 && !words.iter().any(|x| x == w) {
                    words.push(w.to_owned());
                }
            }
        }
    }
    words
}

/// `n` words drawn from `vocabulary`, joined by spaces.
pub fn phrase(rng: &mut StdRng, vocabulary: &[String], n: usize) -> String {
    (0..n)
        .map(|_| vocabulary[zipf(rng, vocabulary.len())].as_str())
        .collect::<Vec<_>>()
        .join(" ")
}
