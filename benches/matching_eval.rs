//! Offline evaluation of the matcher on the labelled set in `benches/data/matching_eval.json`:
//! NDCG@10, Recall@10 and MRR for Kopir's matcher (all factors, and text alone) against a plain
//! word-level BM25 baseline. Run with `cargo bench --bench matching_eval`.

use std::collections::HashMap;

use entity::need::{Confidentiality, NeedStatus, Sector};
use kopir::domain::{
    access::Access,
    matching::{CapabilityProfile, Engine, NeedProfile, Weights},
    text::{Localized, fold},
};
use serde::Deserialize;
use unicode_segmentation::UnicodeSegmentation as _;

#[derive(Deserialize)]
struct Set {
    capabilities: Vec<Cap>,
    needs: Vec<Need>,
}

#[derive(Deserialize)]
struct Cap {
    id: i64,
    org: i64,
    lang: String,
    title: String,
    description: String,
    keywords: Vec<String>,
    fields: Vec<String>,
    trl: i16,
    price: Option<[f64; 2]>,
    capacity: i32,
}

#[derive(Deserialize)]
struct Need {
    id: i64,
    org: i64,
    lang: String,
    title: String,
    description: String,
    keywords: Vec<String>,
    fields: Vec<String>,
    trl: [i16; 2],
    budget: [f64; 2],
    sector: Sector,
    relevant: HashMap<String, u8>,
}

fn localized(lang: &str, text: &str) -> Localized {
    let mut l = Localized::default();
    let slot = match lang {
        "kk" => &mut l.kk,
        "en" => &mut l.en,
        _ => &mut l.ru,
    };
    *slot = Some(text.to_owned());
    l
}

fn tiyn(kzt: f64) -> i64 {
    (kzt * 100.0).round() as i64
}

/// Plain BM25 over lower-cased words: no stemming, n-grams, transliteration or glossary.
struct Bm25 {
    docs: Vec<(i64, HashMap<String, f64>, f64)>,
    df: HashMap<String, f64>,
    avg: f64,
}

fn words(text: &str) -> Vec<String> {
    fold(text).unicode_words().map(str::to_owned).collect()
}

impl Bm25 {
    fn new(docs: impl Iterator<Item = (i64, String)>) -> Self {
        let mut out = Bm25 {
            docs: Vec::new(),
            df: HashMap::new(),
            avg: 0.0,
        };
        for (id, text) in docs {
            let mut tf: HashMap<String, f64> = HashMap::new();
            let ws = words(&text);
            for w in &ws {
                *tf.entry(w.clone()).or_default() += 1.0;
            }
            for w in tf.keys() {
                *out.df.entry(w.clone()).or_default() += 1.0;
            }
            out.avg += ws.len() as f64;
            out.docs.push((id, tf, ws.len() as f64));
        }
        out.avg /= out.docs.len() as f64;
        out
    }

    fn rank(&self, query: &str) -> Vec<i64> {
        let n = self.docs.len() as f64;
        let q = words(query);
        let mut scored: Vec<(f64, i64)> = self
            .docs
            .iter()
            .map(|(id, tf, len)| {
                let s: f64 = q
                    .iter()
                    .filter_map(|w| {
                        let f = *tf.get(w)?;
                        let df = self.df[w];
                        let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                        Some(idf * f * 2.2 / (f + 1.2 * (0.25 + 0.75 * len / self.avg)))
                    })
                    .sum();
                (s, *id)
            })
            .filter(|(s, _)| *s > 0.0)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().map(|(_, id)| id).collect()
    }
}

#[derive(Default)]
struct Scores {
    ndcg: f64,
    recall: f64,
    mrr: f64,
    n: f64,
}

impl Scores {
    fn add(&mut self, ranking: &[i64], relevant: &HashMap<i64, u8>) {
        let gain = |r: u8| f64::from((1u32 << r) - 1);
        let dcg: f64 = ranking
            .iter()
            .take(10)
            .enumerate()
            .map(|(i, id)| gain(relevant.get(id).copied().unwrap_or(0)) / (i as f64 + 2.0).log2())
            .sum();
        let mut ideal: Vec<u8> = relevant.values().copied().collect();
        ideal.sort_unstable_by(|a, b| b.cmp(a));
        let idcg: f64 = ideal
            .iter()
            .take(10)
            .enumerate()
            .map(|(i, r)| gain(*r) / (i as f64 + 2.0).log2())
            .sum();
        let found = ranking
            .iter()
            .take(10)
            .filter(|id| relevant.contains_key(id))
            .count();
        let first = ranking.iter().position(|id| relevant.contains_key(id));
        self.ndcg += dcg / idcg;
        self.recall += found as f64 / relevant.len() as f64;
        self.mrr += first.map_or(0.0, |p| 1.0 / (p as f64 + 1.0));
        self.n += 1.0;
    }

    fn line(&self, name: &str) -> String {
        format!(
            "{name:<28} NDCG@10 {:.3}   Recall@10 {:.3}   MRR {:.3}   ({} needs)",
            self.ndcg / self.n,
            self.recall / self.n,
            self.mrr / self.n,
            self.n
        )
    }
}

fn engine(set: &Set, weights: Weights) -> Engine {
    let mut e = Engine::new(weights);
    e.upsert_capabilities(
        set.capabilities
            .iter()
            .map(|c| CapabilityProfile {
                id: c.id,
                organization_id: c.org,
                title: localized(&c.lang, &c.title),
                description: localized(&c.lang, &c.description),
                keywords: c.keywords.clone(),
                equipment: vec![],
                fields: c.fields.clone(),
                trl: Some(c.trl),
                price: c
                    .price
                    .map_or((None, None), |p| (Some(tiyn(p[0])), Some(tiyn(p[1])))),
                capacity: c.capacity,
                sectors: vec![],
                active: true,
            })
            .collect(),
    );
    e.upsert_needs(
        set.needs
            .iter()
            .map(|n| NeedProfile {
                id: n.id,
                organization_id: n.org,
                title: localized(&n.lang, &n.title),
                description: localized(&n.lang, &n.description),
                keywords: n.keywords.clone(),
                requirements: vec![],
                fields: n.fields.clone(),
                trl: (Some(n.trl[0]), Some(n.trl[1])),
                budget: (Some(tiyn(n.budget[0])), Some(tiyn(n.budget[1]))),
                sector: Some(n.sector),
                confidentiality: Confidentiality::Public,
                status: NeedStatus::Open,
                shared_with: vec![],
                matched_capability_id: None,
            })
            .collect(),
    );
    e
}

fn main() {
    let set: Set = serde_json::from_str(include_str!("data/matching_eval.json"))
        .unwrap_or_else(|e| panic!("matching_eval.json: {e}"));
    let lang_of: HashMap<i64, &str> = set
        .capabilities
        .iter()
        .map(|c| (c.id, c.lang.as_str()))
        .collect();
    let bm25 = Bm25::new(set.capabilities.iter().map(|c| {
        (
            c.id,
            format!("{} {} {}", c.title, c.description, c.keywords.join(" ")),
        )
    }));
    let full = engine(&set, Weights::default());
    let text_only = engine(
        &set,
        Weights::parse("text=1").unwrap_or_else(|e| panic!("{e}")),
    );
    let admin = Access::internal();
    let (mut s_bm25, mut s_full, mut s_text) =
        (Scores::default(), Scores::default(), Scores::default());
    let (mut x_bm25, mut x_full) = (Scores::default(), Scores::default());
    for need in &set.needs {
        let relevant: HashMap<i64, u8> = need
            .relevant
            .iter()
            .map(|(k, v)| (k.parse().unwrap_or_else(|e| panic!("{e}")), *v))
            .collect();
        let query = format!(
            "{} {} {}",
            need.title,
            need.description,
            need.keywords.join(" ")
        );
        let rank = |e: &Engine| -> Vec<i64> {
            e.matches_for_need(need.id, &admin, 100)
                .unwrap_or_else(|e| panic!("{e}"))
                .into_iter()
                .map(|m| m.capability_id)
                .collect()
        };
        let (b, f, t) = (bm25.rank(&query), rank(&full), rank(&text_only));
        s_bm25.add(&b, &relevant);
        s_full.add(&f, &relevant);
        s_text.add(&t, &relevant);
        // The cross-language part: only the relevant capabilities written in another language.
        let foreign: HashMap<i64, u8> = relevant
            .iter()
            .filter(|(id, _)| lang_of[*id] != need.lang)
            .map(|(id, r)| (*id, *r))
            .collect();
        if !foreign.is_empty() {
            x_bm25.add(&b, &foreign);
            x_full.add(&f, &foreign);
        }
        let missed: Vec<&i64> = relevant
            .keys()
            .filter(|id| !f.iter().take(10).any(|x| x == *id))
            .collect();
        if !missed.is_empty() {
            println!(
                "need {:>2}: relevant outside the top 10: {missed:?}",
                need.id
            );
        }
    }
    println!();
    println!("{}", s_bm25.line("BM25 baseline (words)"));
    println!("{}", s_text.line("Kopir, text factor only"));
    println!("{}", s_full.line("Kopir, all factors"));
    println!("cross-language relevant only:");
    println!("{}", x_bm25.line("  BM25 baseline (words)"));
    println!("{}", x_full.line("  Kopir, all factors"));
}
