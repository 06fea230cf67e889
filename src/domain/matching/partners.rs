//! Organisation-level ranking: which organisations to work with on a need, judged by what they
//! have done (their portfolio items and capabilities) and with whom (shared work, partners of
//! partners), each part a named factor with the evidence behind it.
//!
//! Text is scored record by record — every portfolio item and capability in its own BM25
//! corpus — and an organisation's text score is its best record plus a damped sum of the next
//! few ([`DAMPING`]): one strong record counts most, a body of related work counts more than one
//! lucky match, and a long record is neither truncated nor rewarded for length alone. Measured
//! on real Horizon 2020 consortia (`benches/partner_eval.rs`): item-level scoring beats BM25
//! over one concatenated profile, by far where texts are short.

use std::collections::HashMap;

use entity::{need::NeedStatus, organization::OrganizationKind};
use rustc_hash::FxHashMap;
use unicode_segmentation::UnicodeSegmentation as _;

use super::{
    Factor,
    analysis::{Query, Terms, analyze, analyze_phrases},
    engine::{Engine, capability_parts, need_parts},
    explain::{Phrase, all},
    index::{Corpus, best},
    profiles::CapabilityProfile,
    records::ItemProfile,
};
use crate::{
    domain::{
        access::{Access, NeedView},
        text::{Localized, fold},
    },
    error::{AppError, AppResult},
};

/// The factors of a partner's score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartnerFactorName {
    /// How well the organisation's records (portfolio items, capabilities) cover the need.
    Text,
    /// Work done together before: shared portfolio items, completed deals, meetings held.
    History,
    /// Partners the two organisations have in common.
    Network,
    /// How much work the organisation has on record.
    Experience,
    /// Same science city, region or country.
    Geography,
}

/// Weights of the partner factors for a need described at length (at least
/// [`LONG_NEED_WORDS`] distinct words), summing to 100. Text says what the work is and carries most;
/// shared history is the strongest single predictor of who works together next (it alone
/// nearly matches text on real consortia), so it comes second, but it saturates at three
/// shared works and cannot outweigh a strong text match.
pub const PARTNER_WEIGHTS: [(PartnerFactorName, f64); 5] = [
    (PartnerFactorName::Text, 55.0),
    (PartnerFactorName::History, 16.0),
    (PartnerFactorName::Network, 8.0),
    (PartnerFactorName::Experience, 3.0),
    (PartnerFactorName::Geography, 18.0),
];

/// Weights for a need of a title's length (at most [`SHORT_NEED_WORDS`] words): a few words say
/// less about the work than who has worked with whom, so history and partners of partners
/// count more. On the Horizon 2020 titles set (needs of 3–49 words) a broad range of such
/// weights ranks better than the long-need ones (NDCG@10 0.200 vs 0.190, and in both halves
/// when fitted on the other); on full abstracts no re-weighting helped.
pub const SHORT_NEED_WEIGHTS: [(PartnerFactorName, f64); 5] = [
    (PartnerFactorName::Text, 35.0),
    (PartnerFactorName::History, 28.0),
    (PartnerFactorName::Network, 17.0),
    (PartnerFactorName::Experience, 3.0),
    (PartnerFactorName::Geography, 17.0),
];

/// Distinct words up to which a need counts as short.
const SHORT_NEED_WORDS: f64 = 30.0;
/// Distinct words from which a need counts as long; between the two, weights move from one set to the
/// other with the logarithm of the length.
const LONG_NEED_WORDS: f64 = 100.0;

/// The partner factors' weights for short and long needs, each summing to 100.
#[derive(Debug, Clone, PartialEq)]
pub struct PartnerWeights {
    short: [(PartnerFactorName, f64); 5],
    long: [(PartnerFactorName, f64); 5],
}

impl Default for PartnerWeights {
    fn default() -> Self {
        Self {
            short: SHORT_NEED_WEIGHTS,
            long: PARTNER_WEIGHTS,
        }
    }
}

impl PartnerWeights {
    /// The shipped weights of `factors` only, renormalised to sum to 100: for measuring what
    /// each factor family brings.
    pub fn only(factors: &[PartnerFactorName]) -> Self {
        let keep = |mut set: [(PartnerFactorName, f64); 5]| {
            for w in &mut set {
                if !factors.contains(&w.0) {
                    w.1 = 0.0;
                }
            }
            let total: f64 = set.iter().map(|w| w.1).sum();
            for w in &mut set {
                w.1 = if total > 0.0 {
                    w.1 * 100.0 / total
                } else {
                    0.0
                };
            }
            set
        };
        Self {
            short: keep(SHORT_NEED_WEIGHTS),
            long: keep(PARTNER_WEIGHTS),
        }
    }

    /// The weights for a need text of `words` words.
    fn for_words(&self, words: usize) -> [(PartnerFactorName, f64); 5] {
        let at = ((words as f64).max(1.0).ln() - SHORT_NEED_WORDS.ln())
            / (LONG_NEED_WORDS.ln() - SHORT_NEED_WORDS.ln());
        let at = at.clamp(0.0, 1.0);
        let mut out = self.long;
        for (w, s) in out.iter_mut().zip(self.short) {
            w.1 = s.1 + (w.1 - s.1) * at;
        }
        out
    }
}

/// Weight of an organisation's second to fifth best records relative to its best.
const DAMPING: f64 = 0.3;
/// Records counted per organisation.
const RECORDS_COUNTED: usize = 5;
/// A query feature's weight is capped here, so a long description that repeats a word many
/// times does not let that one word decide the ranking.
const QUERY_WEIGHT_CAP: f32 = 4.0;
/// Shared works at which history counts in full.
const HISTORY_FULL: u32 = 3;
/// An organisation's newest portfolio items that describe it when it asks for partners
/// without a need: enough to say what it works on now, few enough that decades of work do
/// not turn the query into the whole vocabulary.
pub const OWN_ITEMS: usize = 30;
/// Portfolio items at which experience counts in full (its value grows with the logarithm).
const EXPERIENCE_FULL: f64 = 150.0;
/// Best-matching portfolio items whose participants are considered by text. An organisation's
/// text counts its five best records, so items beyond the best few thousand never change the
/// top of a ranking; the cap bounds the work when a common word matches most of a large index.
const ITEM_CANDIDATES: usize = 5_000;
/// The need owner's strongest partners through whom partners of partners are found: a hub with
/// thousands of partners would otherwise make one query walk millions of links.
const NETWORK_MIDDLES: usize = 200;
/// Partners above which an organisation is a hub that does not link partners of partners: under
/// Adamic–Adar a link through it weighs at most 1/ln(1000) ≈ 0.14, yet walking its list is
/// most of a query's cost on a large registry.
const HUB_PARTNERS: usize = 1_000;
/// Records named as text evidence per partner.
const EVIDENCE_RECORDS: usize = 3;
/// Terms named per record.
const EVIDENCE_TERMS: usize = 6;
/// Common partners named per partner.
const EVIDENCE_PARTNERS: usize = 5;

/// A record that carried an organisation's text score.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// One of its capabilities.
    Capability(i64),
    /// One of its portfolio items.
    PortfolioItem(i64),
    /// A members-only portfolio item the caller may not read: it counts, but is not shown.
    Hidden,
}

/// One record's part in the text score.
#[derive(Debug, Clone, PartialEq)]
pub struct TextEvidence {
    /// Which record.
    pub record: Record,
    /// The share of the need's text it covers, 0..=1.
    pub coverage: f64,
    /// The need's words it shares, strongest first (none for hidden records).
    pub terms: Vec<String>,
}

/// Why an organisation ranks where it does.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evidence {
    /// The records that carried the text score, strongest first.
    pub texts: Vec<TextEvidence>,
    /// Portfolio items both organisations took part in that the caller may read.
    pub shared_items: Vec<i64>,
    /// Shared items the caller may not read (members-only).
    pub hidden_shared_items: u32,
    /// First and last year of the shared items the caller may read.
    pub shared_years: Option<(i32, i32)>,
    /// Deals between the two that were completed.
    pub completed_deals: u32,
    /// Meetings between the two that took place.
    pub meetings_held: u32,
    /// Of those, meetings that led to an NDA, a proposal or an agreement.
    pub meetings_advanced: u32,
    /// The strongest partners the two have in common.
    pub common_partners: Vec<i64>,
    /// How many partners the two have in common.
    pub common_partner_count: u32,
}

/// An organisation ranked as a partner.
#[derive(Debug, Clone)]
pub struct PartnerMatch {
    /// The organisation.
    pub organization_id: i64,
    /// 0..=100, the sum of the contributions.
    pub score: f64,
    /// The factors.
    pub factors: Vec<Factor<PartnerFactorName>>,
    /// The records and history behind the factors.
    pub evidence: Evidence,
}

/// What the database knows of an organisation's encounters with others on Kopir, by partner.
#[derive(Debug, Clone, Default)]
pub struct Encounters {
    /// Completed deals with each partner.
    pub completed_deals: HashMap<i64, u32>,
    /// Meetings held with each partner.
    pub meetings_held: HashMap<i64, u32>,
    /// Of those, meetings that led to an NDA, a proposal or an agreement: stronger evidence
    /// than a meeting alone, they count twice.
    pub meetings_advanced: HashMap<i64, u32>,
}

/// What the ranking knows of one candidate before it is put into words.
#[derive(Default)]
struct Candidate {
    /// `(coverage, record)` of every record that shares text with the need.
    texts: Vec<(f64, Slot)>,
    /// Partners in common.
    network: u32,
    /// Partners in common, each weighted by `1 / ln(e + its partners)` (Adamic–Adar).
    network_strength: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Slot {
    Item(u32),
    Capability(u32),
}

/// One ranking's question: whose need, what the database adds, who asks, and the need's text
/// as items and as capabilities are scored.
#[derive(Clone, Copy)]
struct Ask<'a> {
    owner: i64,
    /// The factors' weights for this question's length of text.
    weights: [(PartnerFactorName, f64); 5],
    encounters: &'a Encounters,
    viewer: &'a Access,
    queries: (&'a Query, &'a Query),
}

/// What an organisation asking for partners has done and offers, as the store reads it.
#[derive(Debug, Clone, Default)]
pub struct OwnWork {
    /// Its active capabilities.
    pub capabilities: Vec<CapabilityProfile>,
    /// Its portfolio, newest first.
    pub items: Vec<ItemProfile>,
}

/// Which organisations may be ranked.
pub struct PartnerFilter<'a> {
    /// Kinds wanted; empty means any.
    pub kinds: &'a [OrganizationKind],
}

impl Engine {
    /// The owner of a need the viewer may read in full.
    pub fn need_owner(&self, need_id: i64, viewer: &Access) -> AppResult<i64> {
        match self.need_for(need_id, viewer)? {
            (need, NeedView::Full) => Ok(need.profile.organization_id),
            _ => Err(hidden_partners()),
        }
    }

    /// The organisations that best fit a need the viewer may read in full, best first.
    pub fn partners_for_need(
        &self,
        need_id: i64,
        viewer: &Access,
        filter: &PartnerFilter<'_>,
        encounters: &Encounters,
        first: usize,
    ) -> AppResult<Vec<PartnerMatch>> {
        let (need, view) = self.need_for(need_id, viewer)?;
        if view != NeedView::Full {
            return Err(hidden_partners());
        }
        // Items are indexed with phrases; capabilities, shared with need–capability matching,
        // without.
        let parts = need_parts(&need.profile);
        let (phrased, plain) = (analyze_phrases(&parts), analyze(&parts));
        let ask = Ask {
            owner: need.profile.organization_id,
            weights: self.partner_weights.for_words(word_count(&parts)),
            encounters,
            viewer,
            queries: (&phrased, &plain),
        };
        Ok(self.rank_partners(&ask, filter, first))
    }

    /// The organisations that best fit `owner` by what it seeks and does — its open needs and
    /// `own` work as the store reads it (the index keeps no capability text) — and by whom it
    /// has worked with, best first. The caller must act for `owner`: its confidential needs
    /// and members-only items are read.
    pub fn partners_for_organization(
        &self,
        owner: i64,
        own: &OwnWork,
        viewer: &Access,
        filter: &PartnerFilter<'_>,
        encounters: &Encounters,
        first: usize,
    ) -> Vec<PartnerMatch> {
        let mut parts = Vec::new();
        for need in self.needs.docs.iter().flatten() {
            let p = &need.profile;
            if p.organization_id == owner && p.status == NeedStatus::Open {
                parts.extend(need_parts(p));
            }
        }
        for p in &own.capabilities {
            parts.extend(capability_parts(p));
        }
        for item in own.items.iter().take(OWN_ITEMS) {
            parts.extend(item.title.iter().map(|t| (t, 2.0)));
            parts.extend(item.keywords.iter().map(|k| (k.as_str(), 2.0)));
            parts.extend(item.summary.iter().map(|t| (t, 1.0)));
        }
        let ask = Ask {
            owner,
            weights: self.partner_weights.for_words(word_count(&parts)),
            encounters,
            viewer,
            queries: (&analyze_phrases(&parts), &analyze(&parts)),
        };
        self.rank_partners(&ask, filter, first)
    }

    /// Ranks the organisations `filter` admits for `ask`, best first.
    fn rank_partners(
        &self,
        ask: &Ask<'_>,
        filter: &PartnerFilter<'_>,
        first: usize,
    ) -> Vec<PartnerMatch> {
        let Ask {
            owner,
            encounters,
            queries: (phrased, plain),
            ..
        } = *ask;
        let eligible = |org: i64| {
            org != owner
                && self
                    .organizations
                    .get(&org)
                    .is_some_and(|o| filter.kinds.is_empty() || filter.kinds.contains(&o.kind))
        };
        let query = capped(&phrased.terms);
        let mut candidates: FxHashMap<i64, Candidate> = FxHashMap::default();

        // Text, record by record: portfolio items (title and abstract), then capabilities.
        let mut scores = Vec::new();
        let mut items = Vec::new();
        let own =
            self.records.titles.self_score(&query) + self.records.abstracts.self_score(&query);
        if own > 0.0 {
            for corpus in [&self.records.titles, &self.records.abstracts] {
                corpus.accumulate(&query, self.posting_budget, &mut scores);
                items.resize(items.len().max(scores.len()), 0.0);
                for (slot, s) in scores.iter().enumerate() {
                    items[slot] += s;
                }
            }
            for (s, slot) in best(&items, ITEM_CANDIDATES) {
                let Some(doc) = self.records.doc(slot) else {
                    continue;
                };
                let coverage = f64::from(s / own);
                for &org in doc.participants.iter().filter(|&&o| eligible(o)) {
                    let c = candidates.entry(org).or_default();
                    c.texts.push((coverage, Slot::Item(slot)));
                }
            }
        }
        let query = capped(&plain.terms);
        let own = self.capabilities.corpus.self_score(&query);
        if own > 0.0 {
            self.capabilities
                .corpus
                .accumulate(&query, self.posting_budget, &mut scores);
            for (slot, &s) in scores.iter().enumerate() {
                let Some(cap) = (s > 0.0)
                    .then(|| self.capabilities.docs[slot].as_ref())
                    .flatten()
                else {
                    continue;
                };
                let p = &cap.profile;
                if p.active && eligible(p.organization_id) {
                    let c = candidates.entry(p.organization_id).or_default();
                    c.texts
                        .push((f64::from(s / own), Slot::Capability(slot as u32)));
                }
            }
        }

        // History and partners of partners.
        let partners = self.records.partners_of(owner);
        for (&org, _) in partners.into_iter().flatten() {
            if eligible(org) {
                candidates.entry(org).or_default();
            }
        }
        for &org in encounters
            .completed_deals
            .keys()
            .chain(encounters.meetings_held.keys())
        {
            if eligible(org) {
                candidates.entry(org).or_default();
            }
        }
        let mut middles: Vec<(u32, i64)> = partners
            .into_iter()
            .flatten()
            .map(|(&p, &n)| (n, p))
            .collect();
        if middles.len() > NETWORK_MIDDLES {
            middles.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            middles.truncate(NETWORK_MIDDLES);
        }
        for (_, middle) in middles {
            let theirs = self
                .records
                .partners_of(middle)
                .filter(|t| t.len() <= HUB_PARTNERS);
            // A partner shared with a hub that works with everybody says little; one shared
            // with a small, specialised organisation says much (Adamic & Adar, 2003; it ranked
            // better than a plain count on the energy set).
            let weight = 1.0 / (std::f64::consts::E + theirs.map_or(0, |t| t.len()) as f64).ln();
            for (&org, _) in theirs.into_iter().flatten() {
                if org != middle && eligible(org) {
                    let c = candidates.entry(org).or_default();
                    c.network += 1;
                    c.network_strength += weight;
                }
            }
        }

        let mut text_values: Vec<(i64, f64)> = Vec::with_capacity(candidates.len());
        for (&org, c) in &mut candidates {
            c.texts.sort_by(|a, b| b.0.total_cmp(&a.0));
            text_values.push((org, damped(&c.texts)));
        }
        // Text is relative to the best candidate's: the factor says how close an organisation
        // comes to the best-covered record set for this need.
        let best_text = text_values.iter().map(|t| t.1).fold(0.0, f64::max);
        let mut ranked: Vec<PartnerMatch> = text_values
            .into_iter()
            .map(|(org, text)| {
                let c = &candidates[&org];
                let text = if best_text > 0.0 {
                    text / best_text
                } else {
                    0.0
                };
                self.partner_match(ask, org, text, c, false)
            })
            .collect();
        ranked.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| {
                    let items = |o| self.records.items_of(o).len();
                    items(b.organization_id).cmp(&items(a.organization_id))
                })
                .then(a.organization_id.cmp(&b.organization_id))
        });
        ranked.truncate(first);
        // Only what is returned is put into words.
        ranked
            .into_iter()
            .map(|m| {
                let c = &candidates[&m.organization_id];
                let text = m.factors[0].value;
                self.partner_match(ask, m.organization_id, text, c, true)
            })
            .collect()
    }

    /// Scores one candidate; with `explain`, gathers the evidence and words too.
    fn partner_match(
        &self,
        ask: &Ask<'_>,
        org: i64,
        text: f64,
        candidate: &Candidate,
        explain: bool,
    ) -> PartnerMatch {
        let Ask {
            owner,
            weights,
            encounters,
            viewer,
            queries,
        } = *ask;
        let shared = self
            .records
            .partners_of(owner)
            .and_then(|p| p.get(&org))
            .copied()
            .unwrap_or(0);
        let deals = encounters.completed_deals.get(&org).copied().unwrap_or(0);
        let meetings = encounters.meetings_held.get(&org).copied().unwrap_or(0);
        let advanced = encounters.meetings_advanced.get(&org).copied().unwrap_or(0);
        let history = shared + deals + meetings + advanced;
        let items = self.records.items_of(org).len();
        let geography = self.geography(owner, org);
        let values = [
            (PartnerFactorName::Text, text),
            (
                PartnerFactorName::History,
                f64::from(history.min(HISTORY_FULL)) / f64::from(HISTORY_FULL),
            ),
            (
                PartnerFactorName::Network,
                candidate.network_strength.min(1.0),
            ),
            (
                PartnerFactorName::Experience,
                ((items as f64).ln_1p() / EXPERIENCE_FULL.ln_1p()).min(1.0),
            ),
            (PartnerFactorName::Geography, geography.0),
        ];
        let mut evidence = Evidence {
            completed_deals: deals,
            meetings_held: meetings,
            meetings_advanced: advanced,
            common_partner_count: candidate.network,
            ..Evidence::default()
        };
        if explain {
            evidence.texts = self.text_evidence(candidate, viewer, queries);
            self.shared_evidence(owner, org, viewer, &mut evidence);
        }
        let factors: Vec<Factor<PartnerFactorName>> = values
            .into_iter()
            .map(|(name, value)| {
                let words = if explain {
                    detail(name, candidate, &evidence, shared, items, geography.1)
                } else {
                    Localized::default()
                };
                let weight = weights.iter().find(|w| w.0 == name).map_or(0.0, |w| w.1);
                Factor::new(name, weight, value, words)
            })
            .collect();
        PartnerMatch {
            organization_id: org,
            score: factors.iter().map(|f| f.contribution).sum(),
            factors,
            evidence,
        }
    }

    fn geography(&self, a: i64, b: i64) -> (f64, Phrase) {
        let (Some(a), Some(b)) = (self.organizations.get(&a), self.organizations.get(&b)) else {
            return (0.0, Phrase::LocationUnknown);
        };
        if a.place.science_city_id.is_some() && a.place.science_city_id == b.place.science_city_id {
            (1.0, Phrase::SameCity)
        } else if a.place.region_id.is_some() && a.place.region_id == b.place.region_id {
            (0.75, Phrase::SameRegion)
        } else if a.country == b.country {
            (0.5, Phrase::SameCountry)
        } else {
            (0.0, Phrase::DifferentCountries)
        }
    }

    /// The best records of `candidate`, with the words of the need (`queries`: as items and as
    /// capabilities are scored) they share.
    fn text_evidence(
        &self,
        candidate: &Candidate,
        viewer: &Access,
        (for_items, for_capabilities): (&Query, &Query),
    ) -> Vec<TextEvidence> {
        candidate
            .texts
            .iter()
            .take(EVIDENCE_RECORDS)
            .map(|&(coverage, slot)| {
                let (record, terms) = match slot {
                    Slot::Item(slot) => {
                        let Some(doc) = self.records.doc(slot) else {
                            return TextEvidence {
                                record: Record::Hidden,
                                coverage,
                                terms: Vec::new(),
                            };
                        };
                        if doc.members_only && !viewer.acts_for_any(&doc.participants) {
                            (Record::Hidden, Vec::new())
                        } else {
                            let mut terms = Vec::new();
                            for corpus in [&self.records.titles, &self.records.abstracts] {
                                for word in shared_words(for_items, corpus, slot) {
                                    if terms.len() < EVIDENCE_TERMS && !terms.contains(&word) {
                                        terms.push(word);
                                    }
                                }
                            }
                            (Record::PortfolioItem(doc.id), terms)
                        }
                    }
                    Slot::Capability(slot) => {
                        let doc = self.capabilities.docs[slot as usize].as_ref();
                        (
                            doc.map_or(Record::Hidden, |d| Record::Capability(d.profile.id)),
                            doc.map(|_| {
                                shared_words(for_capabilities, &self.capabilities.corpus, slot)
                            })
                            .unwrap_or_default(),
                        )
                    }
                };
                TextEvidence {
                    record,
                    coverage,
                    terms,
                }
            })
            .collect()
    }

    fn shared_evidence(&self, owner: i64, org: i64, viewer: &Access, evidence: &mut Evidence) {
        let mut years: Option<(i32, i32)> = None;
        for &slot in self.records.items_of(owner) {
            let Some(doc) = self.records.doc(slot) else {
                continue;
            };
            if doc.participants.binary_search(&org).is_err() {
                continue;
            }
            if doc.members_only && !viewer.acts_for_any(&doc.participants) {
                evidence.hidden_shared_items += 1;
                continue;
            }
            evidence.shared_items.push(doc.id);
            if let Some(y) = doc.year {
                years = Some(years.map_or((y, y), |(lo, hi)| (lo.min(y), hi.max(y))));
            }
        }
        evidence.shared_years = years;
        let (Some(mine), Some(theirs)) = (
            self.records.partners_of(owner),
            self.records.partners_of(org),
        ) else {
            return;
        };
        let mut common: Vec<(u32, i64)> = mine
            .iter()
            .filter_map(|(&p, &a)| Some((a.min(*theirs.get(&p)?), p)))
            .collect();
        common.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        evidence.common_partner_count = common.len() as u32;
        evidence.common_partners = common
            .into_iter()
            .take(EVIDENCE_PARTNERS)
            .map(|(_, p)| p)
            .collect();
    }
}

/// Refusal for a need the caller may read only as a teaser.
fn hidden_partners() -> AppError {
    AppError::Forbidden(
        "only the need's owner and organisations it is shared with see its partners".into(),
    )
}

/// Distinct words in a text's parts (a title repeated in the description adds nothing).
fn word_count(parts: &[(&str, f32)]) -> usize {
    let mut words = std::collections::HashSet::new();
    for (text, _) in parts {
        words.extend(fold(text).unicode_words().map(str::to_owned));
    }
    words.len()
}

/// `terms` with each feature's weight capped at [`QUERY_WEIGHT_CAP`].
fn capped(terms: &Terms) -> Terms {
    let features: Vec<_> = terms
        .features
        .iter()
        .map(|&(f, w)| (f, w.min(QUERY_WEIGHT_CAP)))
        .collect();
    let length = features.iter().map(|f| f.1).sum();
    Terms { features, length }
}

/// The best record plus the damped sum of the next ones; `texts` sorted best first.
fn damped(texts: &[(f64, Slot)]) -> f64 {
    texts
        .iter()
        .take(RECORDS_COUNTED)
        .enumerate()
        .map(|(i, t)| if i == 0 { t.0 } else { DAMPING * t.0 })
        .sum()
}

/// The need's words that the document in `slot` of `corpus` shares, by the weight of the shared
/// feature in the need.
fn shared_words(need: &Query, corpus: &Corpus, slot: u32) -> Vec<String> {
    let mut shared: Vec<(f32, u64)> = corpus
        .common(&need.terms, slot)
        .map(|(feature, weight, _)| (weight, feature))
        .collect();
    shared.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut words: Vec<String> = Vec::new();
    for (_, feature) in shared {
        if let Some(word) = need.words.get(&feature)
            && !words.contains(word)
        {
            words.push(word.clone());
            if words.len() == EVIDENCE_TERMS {
                break;
            }
        }
    }
    words
}

/// A factor's reason in words, in Kazakh, Russian and English.
fn detail(
    name: PartnerFactorName,
    candidate: &Candidate,
    evidence: &Evidence,
    shared: u32,
    items: usize,
    place: Phrase,
) -> Localized {
    match name {
        PartnerFactorName::Text => match evidence.texts.first() {
            None => all(
                "бірде-бір жазбада қажеттілікпен ортақ сөз жоқ".into(),
                "ни одна запись не имеет общих слов с потребностью".into(),
                "no record shares words with the need".into(),
            ),
            Some(best) => {
                let (n, pct) = (candidate.texts.len(), best.coverage * 100.0);
                all(
                    format!(
                        "{n} жазбада қажеттілікпен ортақ сөздер бар; ең үздігі оның {pct:.0}% қамтиды"
                    ),
                    format!(
                        "записей с общими словами: {n}; лучшая покрывает {pct:.0}% потребности"
                    ),
                    format!(
                        "{n} record(s) share words with the need; the best covers {pct:.0}% of it"
                    ),
                )
            }
        },
        PartnerFactorName::History => {
            let mut parts: Vec<(String, String, String)> = Vec::new();
            if shared > 0 {
                let years = match evidence.shared_years {
                    Some((a, b)) if a == b => format!(", {a}"),
                    Some((a, b)) => format!(", {a}–{b}"),
                    None => String::new(),
                };
                parts.push((
                    format!("{shared} портфолио жобасында бірге жұмыс істеген{years}"),
                    format!("совместных записей портфолио: {shared}{years}"),
                    format!("worked together on {shared} portfolio item(s){years}"),
                ));
            }
            if evidence.completed_deals > 0 {
                let n = evidence.completed_deals;
                parts.push((
                    format!("{n} аяқталған мәміле"),
                    format!("завершённых сделок: {n}"),
                    format!("{n} completed deal(s)"),
                ));
            }
            if evidence.meetings_held > 0 {
                let (n, advanced) = (evidence.meetings_held, evidence.meetings_advanced);
                let (kk, ru, en) = match advanced {
                    0 => (String::new(), String::new(), String::new()),
                    a => (
                        format!(
                            " ({a} кездесу NDA-ға, ұсынысқа немесе келісімге жеткізді, екі рет есептеледі)"
                        ),
                        format!(
                            " ({a} привели к NDA, предложению или соглашению и считаются дважды)"
                        ),
                        format!(" ({a} led to an NDA, proposal or agreement, counted twice)"),
                    ),
                };
                parts.push((
                    format!("{n} кездесу өтті{kk}"),
                    format!("проведённых встреч: {n}{ru}"),
                    format!("{n} meeting(s) held{en}"),
                ));
            }
            if parts.is_empty() {
                return all(
                    "бірлескен жұмыс тіркелмеген".into(),
                    "совместной работы не зафиксировано".into(),
                    "no work together on record".into(),
                );
            }
            let join = |pick: fn(&(String, String, String)) -> &String| {
                parts
                    .iter()
                    .map(pick)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            all(
                format!(
                    "{}; {HISTORY_FULL} және одан көп толық есептеледі",
                    join(|p| &p.0)
                ),
                format!(
                    "{}; {HISTORY_FULL} и более засчитываются полностью",
                    join(|p| &p.1)
                ),
                format!("{}; {HISTORY_FULL} or more count in full", join(|p| &p.2)),
            )
        }
        PartnerFactorName::Network => {
            let (n, w) = (candidate.network, candidate.network_strength);
            all(
                format!(
                    "сіздің {n} серіктесіңіздің серіктесі (әрқайсысының іріктелуі бойынша өлшенген: {w:.2}; 1 толық есептеледі)"
                ),
                format!(
                    "партнёр {n} ваших партнёров (с учётом избирательности каждого: {w:.2}; 1 засчитывается полностью)"
                ),
                format!(
                    "partner of {n} of your partners (weighted by how selective each is: {w:.2}; 1 counts in full)"
                ),
            )
        }
        PartnerFactorName::Experience => all(
            format!("портфолиода {items} жазба бар"),
            format!("записей в портфолио: {items}"),
            format!("{items} portfolio item(s) on record"),
        ),
        PartnerFactorName::Geography => place.words(),
    }
}
