//! The in-memory matcher: documents of both sides with their indexes, candidate retrieval, and
//! scoring of a pair into explained factors.

use std::{borrow::Cow, collections::HashMap};

use entity::need::{Confidentiality, NeedStatus};
use rustc_hash::FxHashMap;

use super::{
    CapabilityProfile, Exclusion, FIELD_CANDIDATES, FactorName, ItemProfile, NeedProfile,
    OrganizationProfile, POSTING_BUDGET, PartnerWeights, Place, TEXT_CANDIDATES, TEXT_SATURATION,
    Weights,
    analysis::{Feature, Terms, analyze, each, terms},
    explain::{Detail, Phrase},
    factors::{budget_factor, fields_factor, reciprocity_factor, trl_factor},
    index::{Corpus, best},
    records::Records,
};
use crate::{
    domain::{
        access::{Access, NeedView},
        text::Localized,
    },
    error::{AppError, AppResult},
};

/// One factor of a score; `N` names the factors of the kind of score (pairs, or partners).
#[derive(Debug, Clone, PartialEq)]
pub struct Factor<N = FactorName> {
    /// Which factor.
    pub name: N,
    /// Its weight (weights sum to 100).
    pub weight: f64,
    /// How well the pair does on it, 0..=1.
    pub value: f64,
    /// `weight × value`; contributions sum to the score.
    pub contribution: f64,
    /// Why, in words, in Kazakh, Russian and English.
    pub detail: Localized,
}

impl<N> Factor<N> {
    /// A factor of `weight` on which the scored thing reaches `value` (clamped to 0..=1).
    pub fn new(name: N, weight: f64, value: f64, detail: Localized) -> Self {
        let value = value.clamp(0.0, 1.0);
        Self {
            name,
            weight,
            value,
            contribution: weight * value,
            detail,
        }
    }
}

/// A scored pair.
#[derive(Debug, Clone)]
pub struct Match {
    /// The need.
    pub need_id: i64,
    /// The capability.
    pub capability_id: i64,
    /// 0..=100, the sum of the contributions.
    pub score: f64,
    /// The factors.
    pub factors: Vec<Factor>,
    /// Hard filters that exclude the pair; empty for ranked results.
    pub exclusions: Vec<Exclusion>,
    /// Whether the need was scored from its teaser only (the viewer may not read the rest).
    pub teaser_only: bool,
}

/// An indexed need. The words behind its terms are not kept (an explanation analyses the need's
/// text again for them), nor are terms the needs' index already holds: a public need's full
/// terms, a teaser need's teaser (the only ones shown as teasers). Keeping both copies of every
/// need's terms made a need cost 13 KB where a capability costs 6.
pub(super) struct NeedDoc {
    pub profile: NeedProfile,
    /// Where the index holds what everybody may read of it.
    pub slot: u32,
    /// Its full terms, if the index does not hold them (teaser and confidential needs).
    pub full: Option<Terms>,
}

/// A need's terms as a viewer may read them, and those terms scored against themselves with the
/// capabilities' statistics: the scale of its text factor.
struct NeedText<'a> {
    terms: Cow<'a, Terms>,
    own: f32,
}

pub(super) struct CapabilityDoc {
    pub profile: CapabilityProfile,
    /// Where its terms are in the capabilities' corpus (the only copy of them).
    pub slot: u32,
}

/// One side's documents with their slots and indexes.
pub(super) struct Side<D> {
    pub docs: Vec<Option<D>>,
    slots: HashMap<i64, u32>,
    pub corpus: Corpus,
    by_field: FxHashMap<String, Vec<u32>>,
}

impl<D> Default for Side<D> {
    fn default() -> Self {
        Self {
            docs: Vec::new(),
            slots: HashMap::new(),
            corpus: Corpus::default(),
            by_field: FxHashMap::default(),
        }
    }
}

impl<D> Side<D> {
    fn slot(&mut self, id: i64) -> u32 {
        let next = self.docs.len() as u32;
        let slot = *self.slots.entry(id).or_insert(next);
        if slot == next {
            self.docs.push(None);
        }
        slot
    }

    pub fn get(&self, id: i64) -> Option<&D> {
        self.slots
            .get(&id)
            .and_then(|&s| self.docs[s as usize].as_ref())
    }

    fn set_fields(&mut self, slot: u32, old: &[String], new: &[String]) {
        for code in old {
            if let Some(list) = self.by_field.get_mut(code) {
                list.retain(|&s| s != slot);
            }
        }
        for code in new {
            self.by_field.entry(code.clone()).or_default().push(slot);
        }
    }
}

/// The in-memory matcher.
pub struct Engine {
    weights: Weights,
    pub(super) needs: Side<NeedDoc>,
    pub(super) capabilities: Side<CapabilityDoc>,
    pub(super) organizations: HashMap<i64, OrganizationProfile>,
    /// Portfolio items and the collaboration graph, for ranking organisations.
    pub(super) records: Records,
    /// Needs matched with each organisation's capabilities.
    track_record: HashMap<i64, u32>,
    /// Postings a query reads at most; see [`POSTING_BUDGET`].
    pub(super) posting_budget: usize,
    /// Weights of the partner factors.
    pub(super) partner_weights: PartnerWeights,
}

/// A need's text with the weight of each part: titles and keywords count double.
pub(super) fn need_parts(need: &NeedProfile) -> Vec<(&str, f32)> {
    let mut parts: Vec<(&str, f32)> = need.title.iter().map(|t| (t, 2.0)).collect();
    parts.extend(need.keywords.iter().map(|k| (k.as_str(), 2.0)));
    parts.extend(need.description.iter().map(|t| (t, 1.0)));
    parts.extend(need.requirements.iter().map(|r| (r.as_str(), 1.0)));
    parts
}

fn teaser_parts(need: &NeedProfile) -> Vec<(&str, f32)> {
    need.title.iter().map(|t| (t, 2.0)).collect()
}

/// The words behind the need's features, as `view` shows it: what an explanation names.
fn need_words(need: &NeedDoc, view: NeedView) -> HashMap<Feature, String> {
    let parts = if view == NeedView::Teaser {
        teaser_parts(&need.profile)
    } else {
        need_parts(&need.profile)
    };
    analyze(&parts).words
}

pub(super) fn capability_parts(capability: &CapabilityProfile) -> Vec<(&str, f32)> {
    let mut parts: Vec<(&str, f32)> = capability.title.iter().map(|t| (t, 2.0)).collect();
    parts.extend(capability.keywords.iter().map(|k| (k.as_str(), 2.0)));
    parts.extend(capability.description.iter().map(|t| (t, 1.0)));
    parts.extend(capability.equipment.iter().map(|e| (e.as_str(), 1.0)));
    parts
}

fn capability_terms(capability: &CapabilityProfile) -> Terms {
    terms(&capability_parts(capability), false)
}

impl Engine {
    /// An empty engine scoring with `weights`.
    pub fn new(weights: Weights) -> Self {
        Self {
            weights,
            needs: Side::default(),
            capabilities: Side::default(),
            organizations: HashMap::new(),
            records: Records::default(),
            track_record: HashMap::new(),
            posting_budget: POSTING_BUDGET,
            partner_weights: PartnerWeights::default(),
        }
    }

    /// Changes the partner factors' weights.
    pub fn set_partner_weights(&mut self, weights: PartnerWeights) {
        self.partner_weights = weights;
    }

    /// Changes the postings budget; `usize::MAX` reads every posting (exact retrieval). For
    /// measuring what the budget costs in quality.
    pub fn set_posting_budget(&mut self, postings: usize) {
        self.posting_budget = postings;
    }

    /// Adds or replaces capabilities, ready to be queried.
    pub fn upsert_capabilities(&mut self, profiles: Vec<CapabilityProfile>) {
        self.stage_capabilities(profiles);
        self.settle();
    }

    /// Adds or replaces capabilities; many at once are staged, their postings built by
    /// [`Engine::settle`], so a start-up build can feed them chunk by chunk.
    pub fn stage_capabilities(&mut self, profiles: Vec<CapabilityProfile>) {
        let bulk = profiles.len() > 64;
        let mut batch = Vec::new();
        if bulk {
            // Exactly as many slots as needed, rather than up to twice that by doubling.
            self.capabilities.docs.reserve_exact(profiles.len());
        }
        let analysed = each(&profiles, capability_terms);
        for (profile, terms) in profiles.into_iter().zip(analysed) {
            let slot = self.capabilities.slot(profile.id);
            let old_fields = self.capabilities.docs[slot as usize]
                .as_ref()
                .map(|d| d.profile.fields.clone())
                .unwrap_or_default();
            self.capabilities
                .set_fields(slot, &old_fields, &profile.fields);
            if bulk {
                batch.push((slot, terms));
            } else {
                self.capabilities.corpus.insert(slot, terms);
            }
            // From here on the text lives in the corpus as terms: the profile keeps what the
            // filters and factors read, not a second copy of every description, which was an
            // eighth of the engine's memory at 100k capabilities.
            let profile = CapabilityProfile {
                title: Localized::default(),
                description: Localized::default(),
                keywords: Vec::new(),
                equipment: Vec::new(),
                ..profile
            };
            self.capabilities.docs[slot as usize] = Some(CapabilityDoc { profile, slot });
        }
        if bulk {
            self.capabilities.corpus.stage(batch);
        }
    }

    /// Adds or replaces needs, ready to be queried. Capabilities they were matched with should
    /// be loaded first.
    pub fn upsert_needs(&mut self, profiles: Vec<NeedProfile>) {
        self.stage_needs(profiles);
        self.settle();
    }

    /// Adds or replaces needs as [`Engine::stage_capabilities`] does capabilities.
    pub fn stage_needs(&mut self, profiles: Vec<NeedProfile>) {
        let bulk = profiles.len() > 64;
        let mut batch = Vec::new();
        let analysed = each(&profiles, |p| {
            let teaser = (p.confidentiality == Confidentiality::Teaser)
                .then(|| terms(&teaser_parts(p), false));
            (terms(&need_parts(p), false), teaser)
        });
        for (profile, (full, teaser)) in profiles.into_iter().zip(analysed) {
            let slot = self.needs.slot(profile.id);
            let old = self.needs.docs[slot as usize].take();
            let old_fields = old
                .as_ref()
                .map(|d| d.profile.fields.clone())
                .unwrap_or_default();
            if let Some(old_owner) = old.as_ref().and_then(|d| self.matched_owner(&d.profile))
                && let Some(n) = self.track_record.get_mut(&old_owner)
            {
                *n = n.saturating_sub(1);
            }
            if let Some(owner) = self.matched_owner(&profile) {
                *self.track_record.entry(owner).or_default() += 1;
            }
            self.needs.set_fields(slot, &old_fields, &profile.fields);
            // The needs index holds what everybody may read, so that retrieval itself cannot
            // reveal hidden text; viewers who may read more get those needs rescored in full.
            let (public, full) = match profile.confidentiality {
                Confidentiality::Public => (Some(full), None),
                Confidentiality::Teaser => (teaser, Some(full)),
                Confidentiality::Confidential => (None, Some(full)),
            };
            match (public, bulk) {
                (Some(terms), true) => batch.push((slot, terms)),
                (Some(terms), false) => self.needs.corpus.insert(slot, terms),
                (None, _) => self.needs.corpus.remove(slot),
            }
            self.needs.docs[slot as usize] = Some(NeedDoc {
                profile,
                slot,
                full,
            });
        }
        if bulk {
            self.needs.corpus.stage(batch);
        }
    }

    /// Builds the postings of everything staged: the engine answers queries only when settled.
    pub fn settle(&mut self) {
        self.capabilities.corpus.settle();
        self.needs.corpus.settle();
        self.records.settle();
    }

    fn matched_owner(&self, need: &NeedProfile) -> Option<i64> {
        let id = need.matched_capability_id?;
        Some(self.capabilities.get(id)?.profile.organization_id)
    }

    /// Records what an organisation is and where it sits.
    pub fn set_organization(&mut self, organization_id: i64, profile: OrganizationProfile) {
        self.organizations.insert(organization_id, profile);
    }

    /// Adds or replaces portfolio items, ready to be queried.
    pub fn upsert_items(&mut self, items: Vec<ItemProfile>) {
        self.stage_items(items);
        self.settle();
    }

    /// Adds or replaces portfolio items as [`Engine::stage_capabilities`] does capabilities.
    pub fn stage_items(&mut self, items: Vec<ItemProfile>) {
        self.records.upsert(items);
    }

    /// Drops a portfolio item.
    pub fn remove_item(&mut self, id: i64) {
        self.records.remove(id);
    }

    /// The ids of the portfolio items `organization_id` took part in, as indexed.
    pub fn item_ids_of(&self, organization_id: i64) -> Vec<i64> {
        self.records.item_ids_of(organization_id)
    }

    /// Portfolio items indexed.
    pub fn item_count(&self) -> usize {
        self.records.len()
    }

    /// Needs indexed.
    pub fn need_count(&self) -> usize {
        self.needs.slots.len()
    }

    /// Capabilities indexed.
    pub fn capability_count(&self) -> usize {
        self.capabilities.slots.len()
    }

    pub(super) fn need_for(&self, id: i64, viewer: &Access) -> AppResult<(&NeedDoc, NeedView)> {
        let doc = self
            .needs
            .get(id)
            .ok_or(AppError::not_found("needId", "need"))?;
        match sees(viewer, &doc.profile) {
            NeedView::Hidden => Err(AppError::not_found("needId", "need")),
            view => Ok((doc, view)),
        }
    }

    fn capability_for(&self, id: i64, viewer: &Access) -> AppResult<&CapabilityDoc> {
        self.capabilities
            .get(id)
            .filter(|d| viewer.sees_capability(d.profile.organization_id, d.profile.active))
            .ok_or(AppError::not_found("capabilityId", "capability"))
    }

    /// The best capabilities for a need the viewer may read in full.
    pub fn matches_for_need(
        &self,
        need_id: i64,
        viewer: &Access,
        first: usize,
    ) -> AppResult<Vec<Match>> {
        let (need, view) = self.need_for(need_id, viewer)?;
        if view != NeedView::Full {
            return Err(AppError::Forbidden(
                "only the need's owner and organisations it is shared with see its matches".into(),
            ));
        }
        let side = &self.capabilities;
        let text = self.need_text(need, NeedView::Full);
        let candidates = self.candidates(side, &text.terms, &need.profile.fields);
        let mut out: Vec<Match> = candidates
            .into_iter()
            .filter_map(|slot| {
                let cap = side.docs[slot as usize].as_ref()?;
                let m = self.evaluate(need, NeedView::Full, &text, cap, None);
                m.exclusions.is_empty().then_some(m)
            })
            .collect();
        rank(&mut out, first);
        // Only what is returned is put into words.
        let words = need_words(need, NeedView::Full);
        Ok(out
            .iter()
            .filter_map(|m| {
                let cap = side.get(m.capability_id)?;
                Some(self.evaluate(need, NeedView::Full, &text, cap, Some(&words)))
            })
            .collect())
    }

    /// The best open needs for a capability the viewer may see. Needs the viewer may read only
    /// as a teaser are scored on their teaser; hidden ones never appear.
    pub fn matches_for_capability(
        &self,
        capability_id: i64,
        viewer: &Access,
        first: usize,
    ) -> AppResult<Vec<Match>> {
        let cap = self.capability_for(capability_id, viewer)?;
        let side = &self.needs;
        let terms = self.capabilities.corpus.terms(cap.slot).unwrap_or_default();
        let mut candidates = self.candidates(side, &terms, &cap.profile.fields);
        // Needs this viewer may read beyond the public index: shared with them, or all for
        // admins. Usually few, so they are simply all considered.
        candidates.extend(side.docs.iter().enumerate().filter_map(|(slot, d)| {
            let p = &d.as_ref()?.profile;
            (p.confidentiality != Confidentiality::Public
                && sees(viewer, p) == NeedView::Full
                && p.status == NeedStatus::Open)
                .then_some(slot as u32)
        }));
        candidates.sort_unstable();
        candidates.dedup();
        let mut out: Vec<Match> = candidates
            .into_iter()
            .filter_map(|slot| {
                let need = side.docs[slot as usize].as_ref()?;
                let view = sees(viewer, &need.profile);
                if view == NeedView::Hidden {
                    return None;
                }
                let m = self.evaluate(need, view, &self.need_text(need, view), cap, None);
                m.exclusions.is_empty().then_some(m)
            })
            .collect();
        rank(&mut out, first);
        Ok(out
            .iter()
            .filter_map(|m| {
                let need = side.get(m.need_id)?;
                let view = sees(viewer, &need.profile);
                let words = need_words(need, view);
                Some(self.evaluate(need, view, &self.need_text(need, view), cap, Some(&words)))
            })
            .collect())
    }

    /// One pair, scored, with every hard filter that excludes it.
    pub fn explain(&self, need_id: i64, capability_id: i64, viewer: &Access) -> AppResult<Match> {
        let (need, view) = self.need_for(need_id, viewer)?;
        let cap = self.capability_for(capability_id, viewer)?;
        let words = need_words(need, view);
        let text = self.need_text(need, view);
        Ok(self.evaluate(need, view, &text, cap, Some(&words)))
    }

    /// Slots worth scoring exactly: the best by text, plus the newest sharing each field.
    fn candidates<D>(&self, side: &Side<D>, query: &Terms, fields: &[String]) -> Vec<u32> {
        let mut scores = Vec::new();
        side.corpus
            .accumulate(query, self.posting_budget, &mut scores);
        let mut out: Vec<u32> = best(&scores, TEXT_CANDIDATES)
            .into_iter()
            .map(|(_, slot)| slot)
            .collect();
        for code in fields {
            if let Some(list) = side.by_field.get(code) {
                out.extend(list.iter().rev().take(FIELD_CANDIDATES));
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Scores one pair and lists the filters that exclude it. Without the need's `words` the
    /// details stay empty: ranking scores hundreds of candidates and only the returned ones need
    /// words.
    fn evaluate(
        &self,
        need: &NeedDoc,
        view: NeedView,
        text: &NeedText<'_>,
        cap: &CapabilityDoc,
        words: Option<&HashMap<Feature, String>>,
    ) -> Match {
        let n = &need.profile;
        let c = &cap.profile;
        let teaser = view == NeedView::Teaser;
        let mut exclusions = Vec::new();
        if n.organization_id == c.organization_id {
            exclusions.push(Exclusion::OwnOrganization);
        }
        if !c.active {
            exclusions.push(Exclusion::CapabilityInactive);
        }
        if c.capacity <= 0 {
            exclusions.push(Exclusion::NoCapacity);
        }
        if !teaser
            && let (Some(price_min), Some(budget_max)) = (c.price.0, n.budget.1)
            && price_min > budget_max
        {
            exclusions.push(Exclusion::PriceAboveBudget);
        }
        if n.status != NeedStatus::Open {
            exclusions.push(Exclusion::NeedNotOpen);
        }

        let record = self
            .track_record
            .get(&c.organization_id)
            .copied()
            .unwrap_or(0);
        let slots = c.capacity.max(0);
        let hidden = || (0.5, Detail::Fixed(Phrase::NotInTeaser));
        let values = [
            (
                FactorName::Text,
                self.text_factor(&text.terms, text.own, cap.slot, words),
            ),
            (FactorName::Fields, fields_factor(&n.fields, &c.fields)),
            (
                FactorName::Trl,
                if teaser {
                    hidden()
                } else {
                    trl_factor(n.trl, c.trl)
                },
            ),
            (
                FactorName::Budget,
                if teaser {
                    hidden()
                } else {
                    budget_factor(n.budget, c.price)
                },
            ),
            (
                FactorName::Geography,
                self.geography_factor(n.organization_id, c.organization_id),
            ),
            (
                FactorName::Capacity,
                (f64::from(slots.min(3)) / 3.0, Detail::Capacity(slots)),
            ),
            (
                FactorName::TrackRecord,
                (f64::from(record.min(5)) / 5.0, Detail::TrackRecord(record)),
            ),
            (FactorName::Reciprocity, reciprocity_factor(n, c, teaser)),
        ];
        let factors: Vec<Factor> = values
            .into_iter()
            .map(|(name, (value, detail))| {
                let words = if words.is_some() {
                    detail.words()
                } else {
                    Localized::default()
                };
                Factor::new(name, self.weights.get(name), value, words)
            })
            .collect();
        Match {
            need_id: n.id,
            capability_id: c.id,
            score: factors.iter().map(|f| f.contribution).sum(),
            factors,
            exclusions,
            teaser_only: teaser,
        }
    }

    /// The need's terms as `view` shows them, with their score against themselves.
    fn need_text<'a>(&'a self, need: &'a NeedDoc, view: NeedView) -> NeedText<'a> {
        let terms = match (view, &need.full) {
            (NeedView::Full, Some(full)) => Cow::Borrowed(full),
            // What the index holds: all of a public need, the teaser of a need shown as one.
            _ => Cow::Owned(self.needs.corpus.terms(need.slot).unwrap_or_default()),
        };
        let own = self.capabilities.corpus.self_score(&terms);
        NeedText { terms, own }
    }

    /// BM25 of the need's text against the capability's, over the capability corpus, relative
    /// to the need's text scored against itself (`own`): the share of the need the capability
    /// covers.
    fn text_factor(
        &self,
        need: &Terms,
        own: f32,
        cap_slot: u32,
        need_words: Option<&HashMap<Feature, String>>,
    ) -> (f64, Detail) {
        if own <= 0.0 {
            return (0.0, Detail::Fixed(Phrase::NoNeedText));
        }
        let (raw, mut shared) = self.capabilities.corpus.score_slot(need, cap_slot);
        let coverage = f64::from(raw / own);
        let mut words: Vec<String> = Vec::new();
        if let Some(need_words) = need_words {
            shared.sort_by(|a, b| b.1.total_cmp(&a.1));
            for (feature, _) in &shared {
                if let Some(word) = need_words.get(feature)
                    && !words.contains(word)
                {
                    words.push(word.clone());
                }
                if words.len() == 6 {
                    break;
                }
            }
        }
        (
            (coverage / TEXT_SATURATION).min(1.0),
            Detail::Text { coverage, words },
        )
    }

    pub(super) fn place(&self, organization_id: i64) -> Place {
        self.organizations
            .get(&organization_id)
            .map(|o| o.place)
            .unwrap_or_default()
    }

    fn geography_factor(&self, need_org: i64, cap_org: i64) -> (f64, Detail) {
        let a = self.place(need_org);
        let b = self.place(cap_org);
        if a.science_city_id.is_some() && a.science_city_id == b.science_city_id {
            (1.0, Detail::Fixed(Phrase::SameCity))
        } else if a.region_id.is_some() && a.region_id == b.region_id {
            (0.6, Detail::Fixed(Phrase::SameRegion))
        } else {
            (0.2, Detail::Fixed(Phrase::DifferentRegions))
        }
    }
}

/// How much of `need` the viewer may read.
fn sees(viewer: &Access, need: &NeedProfile) -> NeedView {
    viewer.need_view(
        need.organization_id,
        need.confidentiality,
        &need.shared_with,
    )
}

/// Sorts by score (then ids, so equal scores always come in the same order) and keeps `first`.
fn rank(matches: &mut Vec<Match>, first: usize) {
    matches.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.need_id.cmp(&b.need_id))
            .then(a.capability_id.cmp(&b.capability_id))
    });
    matches.truncate(first);
}
