//! An in-memory inverted index with BM25 statistics, built for top-k retrieval whose cost stays
//! nearly flat as the corpus grows.
//!
//! Each posting list is kept in *impact order* (the posting's BM25 term-frequency part,
//! highest first), and a query reads at most a fixed budget of postings, rarest features
//! first. Small corpora are read in full; on large ones the budget reads the postings that can
//! matter most — "score-at-a-time" retrieval (Anh & Moffat, SIGIR 2006). Candidates found this
//! way are then rescored exactly, so the reported score never depends on the budget.
//!
//! The index is compact because it is held whole in memory on every replica: features are
//! interned once per corpus (a 64-bit hash becomes a 32-bit id), a document keeps only its
//! `(id, weight)` pairs and its length, a posting is 8 bytes, and posting lists live in one
//! vector indexed by id rather than in a map. A document is the only copy of its terms (the
//! engine asks the corpus for them rather than keeping its own).

use rustc_hash::FxHashMap;

use super::analysis::{Feature, Terms};

/// BM25 term-frequency saturation.
const K1: f32 = 1.2;
/// BM25 length normalisation.
const B: f32 = 0.75;

#[derive(Debug, Clone, Copy)]
struct Posting {
    slot: u32,
    impact: f32,
}

/// An indexed document: its interned features with their weights, in the order of the features
/// themselves (as [`Terms`] keeps them), so it merges with a query without sorting.
#[derive(Debug)]
struct Doc {
    terms: Box<[(u32, f32)]>,
    length: f32,
}

/// One side's documents (needs, capabilities, portfolio titles or abstracts) and their postings.
#[derive(Debug, Default)]
pub struct Corpus {
    /// The id of each feature ever indexed; ids are never reused or dropped, so a feature that
    /// leaves the corpus keeps an empty posting list.
    ids: FxHashMap<Feature, u32>,
    /// The feature of each id.
    features: Vec<Feature>,
    /// Postings by feature id.
    postings: Vec<Vec<Posting>>,
    docs: Vec<Option<Doc>>,
    live: u32,
    total_length: f64,
    /// Documents were staged ([`Corpus::stage`]) since the postings were last built: no query
    /// may run until [`Corpus::settle`].
    stale: bool,
}

impl Corpus {
    fn avg_length(&self) -> f32 {
        if self.live == 0 {
            1.0
        } else {
            (self.total_length / f64::from(self.live)) as f32
        }
    }

    fn impact(&self, tf: f32, length: f32) -> f32 {
        tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * length / self.avg_length()))
    }

    fn list(&self, feature: Feature) -> Option<&[Posting]> {
        let &id = self.ids.get(&feature)?;
        Some(&self.postings[id as usize])
    }

    /// Lucene's BM25 idf, never negative.
    pub fn idf(&self, feature: Feature) -> f32 {
        let df = self.list(feature).map_or(0, <[Posting]>::len) as f32;
        let n = self.live as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    fn intern(&mut self, feature: Feature) -> u32 {
        *self.ids.entry(feature).or_insert_with(|| {
            self.features.push(feature);
            self.postings.push(Vec::new());
            (self.features.len() - 1) as u32
        })
    }

    /// Indexes `terms` in `slot`, replacing what the slot held.
    pub fn insert(&mut self, slot: u32, terms: Terms) {
        self.remove(slot);
        // The document counts in the average it is normalised by: the first document of an
        // empty corpus is then of average length, not penalised against a length of 1.
        self.add_doc(slot, &terms);
        if self.stale {
            // Its postings come with everyone's at `settle`.
            return;
        }
        let Some(doc) = self.docs[slot as usize].as_ref() else {
            return;
        };
        let postings: Vec<(u32, Posting)> = doc
            .terms
            .iter()
            .map(|&(id, tf)| {
                let impact = self.impact(tf, doc.length);
                (id, Posting { slot, impact })
            })
            .collect();
        for (id, posting) in postings {
            let list = &mut self.postings[id as usize];
            let at = list.partition_point(|p| p.impact >= posting.impact);
            list.insert(at, posting);
        }
    }

    /// Adds documents without their postings, which [`Corpus::settle`] builds for all at once:
    /// one sort per list instead of one insertion per posting, and a start-up build can stage
    /// its documents chunk by chunk, never holding more than a chunk's analysed text.
    pub fn stage(&mut self, docs: impl IntoIterator<Item = (u32, Terms)>) {
        for (slot, terms) in docs {
            // The postings are rebuilt at `settle`, so only the document itself is replaced.
            self.take_doc(slot);
            self.add_doc(slot, &terms);
        }
        self.stale = true;
    }

    /// Builds the postings of every document, if any were staged since the last build.
    pub fn settle(&mut self) {
        if !self.stale {
            return;
        }
        self.stale = false;
        // Impacts need the final average length, so postings are built after all lengths.
        self.postings.iter_mut().for_each(Vec::clear);
        for (slot, doc) in self.docs.iter().enumerate() {
            let Some(doc) = doc else { continue };
            for &(id, tf) in &doc.terms {
                let impact = self.impact(tf, doc.length);
                self.postings[id as usize].push(Posting {
                    slot: slot as u32,
                    impact,
                });
            }
        }
        for list in &mut self.postings {
            list.sort_by(|a, b| b.impact.total_cmp(&a.impact));
            list.shrink_to_fit();
        }
    }

    fn add_doc(&mut self, slot: u32, terms: &Terms) {
        let i = slot as usize;
        if self.docs.len() <= i {
            self.docs.resize_with(i + 1, || None);
        }
        // An empty document (an item without an abstract) is no document: counted, it would
        // shrink the average length and so penalise every real one as long.
        if terms.features.is_empty() {
            return;
        }
        let doc = Doc {
            terms: terms
                .features
                .iter()
                .map(|&(feature, tf)| (self.intern(feature), tf))
                .collect(),
            length: terms.length,
        };
        self.total_length += f64::from(doc.length);
        self.live += 1;
        self.docs[i] = Some(doc);
    }

    /// Takes the document out of `slot` (not its postings), keeping the totals right.
    fn take_doc(&mut self, slot: u32) -> Option<Doc> {
        let doc = self.docs.get_mut(slot as usize).and_then(Option::take)?;
        self.total_length -= f64::from(doc.length);
        self.live -= 1;
        Some(doc)
    }

    /// The terms of the document in `slot` (rebuilt from the index: use it for a query, not per
    /// candidate).
    pub fn terms(&self, slot: u32) -> Option<Terms> {
        let doc = self.docs.get(slot as usize)?.as_ref()?;
        Some(Terms {
            features: doc
                .terms
                .iter()
                .map(|&(id, tf)| (self.features[id as usize], tf))
                .collect(),
            length: doc.length,
        })
    }

    /// Drops the document in `slot`, if any.
    pub fn remove(&mut self, slot: u32) {
        let Some(doc) = self.take_doc(slot) else {
            return;
        };
        if self.stale {
            return;
        }
        for &(id, _) in &doc.terms {
            self.postings[id as usize].retain(|p| p.slot != slot);
        }
    }

    /// Approximate BM25 scores of `query` against every document, reading at most `budget`
    /// postings; `scores` is resized to the slot count and overwritten.
    pub fn accumulate(&self, query: &Terms, budget: usize, scores: &mut Vec<f32>) {
        debug_assert!(!self.stale, "a query on staged documents without postings");
        scores.clear();
        scores.resize(self.docs.len(), 0.0);
        let mut lists: Vec<(f32, &[Posting])> = query
            .features
            .iter()
            .filter_map(|&(feature, weight)| {
                let list = self.list(feature).filter(|l| !l.is_empty())?;
                Some((weight * self.idf(feature), list))
            })
            .collect();
        // Rarest (shortest) lists first: they carry the most information per posting read.
        lists.sort_by_key(|(_, list)| list.len());
        let mut remaining = budget;
        let count = lists.len();
        for (i, (weight, list)) in lists.into_iter().enumerate() {
            // An even share of what is left, so the last lists are not starved.
            let share = remaining / (count - i);
            let take = list.len().min(share.max(1));
            for p in &list[..take] {
                scores[p.slot as usize] += weight * p.impact;
            }
            remaining = remaining.saturating_sub(take);
        }
    }

    /// The features `query` shares with the document in `slot`: each as the query's
    /// `(feature, weight)` and the document's weight, in feature order.
    pub fn common<'a>(
        &'a self,
        query: &'a Terms,
        slot: u32,
    ) -> impl Iterator<Item = (Feature, f32, f32)> + 'a {
        let doc: &[(u32, f32)] = self
            .docs
            .get(slot as usize)
            .and_then(Option::as_ref)
            .map_or(&[], |d| &d.terms);
        let (q, mut j) = (&query.features, 0);
        q.iter().filter_map(move |&(feature, weight)| {
            while j < doc.len() && self.features[doc[j].0 as usize] < feature {
                j += 1;
            }
            let &(id, tf) = doc.get(j)?;
            (self.features[id as usize] == feature).then_some((feature, weight, tf))
        })
    }

    /// Exact BM25 of `query` against the document in `slot`, with the shared features and
    /// their contributions.
    pub fn score_slot(&self, query: &Terms, slot: u32) -> (f32, Vec<(Feature, f32)>) {
        let length = self
            .docs
            .get(slot as usize)
            .and_then(Option::as_ref)
            .map_or(0.0, |d| d.length);
        let mut total = 0.0;
        let mut shared = Vec::new();
        for (feature, weight, tf) in self.common(query, slot) {
            let s = weight * self.idf(feature) * self.impact(tf, length);
            total += s;
            shared.push((feature, s));
        }
        (total, shared)
    }

    /// Exact BM25 of `query` scored against itself as a document, with this corpus's
    /// statistics: the most any document could share with it, the scale of a text factor.
    pub fn self_score(&self, query: &Terms) -> f32 {
        query
            .features
            .iter()
            .map(|&(feature, weight)| {
                weight * self.idf(feature) * self.impact(weight, query.length)
            })
            .sum()
    }
}

/// The `k` highest positive `scores` with their slots, in no particular order.
pub fn best(scores: &[f32], k: usize) -> Vec<(f32, u32)> {
    let mut scored: Vec<(f32, u32)> = scores
        .iter()
        .enumerate()
        .filter(|&(_, &s)| s > 0.0)
        .map(|(slot, &s)| (s, slot as u32))
        .collect();
    if scored.len() > k {
        scored.select_nth_unstable_by(k, |a, b| b.0.total_cmp(&a.0));
        scored.truncate(k);
    }
    scored
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::matching::analysis::analyze;

    fn terms(text: &str) -> Terms {
        analyze(&[(text, 1.0)]).terms
    }

    #[test]
    fn accumulated_scores_equal_exact_scores_when_the_budget_covers_everything() {
        let mut corpus = Corpus::default();
        let texts = [
            "catalyst for oil refining",
            "wheat irrigation in dry soil",
            "oil pipeline corrosion monitoring",
        ];
        corpus.stage(texts.iter().enumerate().map(|(i, t)| (i as u32, terms(t))));
        corpus.settle();
        let query = terms("oil corrosion");
        let mut scores = Vec::new();
        corpus.accumulate(&query, usize::MAX, &mut scores);
        for (slot, text) in texts.iter().enumerate() {
            let (exact, shared) = corpus.score_slot(&query, slot as u32);
            assert!((scores[slot] - exact).abs() < 1e-4, "{text}");
            assert!((shared.iter().map(|s| s.1).sum::<f32>() - exact).abs() < 1e-6);
            // The indexed document gives its terms back intact, and scored against itself
            // through the index it scores as its text does on its own.
            let back = corpus.terms(slot as u32).expect("indexed");
            assert_eq!(back.features, terms(text).features);
            assert_eq!(
                corpus.score_slot(&back, slot as u32).0,
                corpus.self_score(&terms(text)),
                "{text}"
            );
        }
        assert!(scores[2] > scores[0] && scores[0] > scores[1]);
        assert!(
            scores[1] < scores[0] / 4.0,
            "soil shares only a gram with oil"
        );
    }

    #[test]
    fn insert_and_remove_keep_statistics() {
        let mut corpus = Corpus::default();
        corpus.insert(0, terms("copper flotation"));
        corpus.insert(1, terms("copper leaching"));
        assert_eq!(corpus.live, 2);
        corpus.insert(1, terms("gold leaching"));
        assert_eq!(corpus.live, 2);
        corpus.remove(0);
        assert_eq!(corpus.live, 1);
        let mut scores = Vec::new();
        corpus.accumulate(&terms("copper"), usize::MAX, &mut scores);
        assert!(scores.iter().all(|s| *s == 0.0), "copper left with slot 0");
    }
}
