//! Top-20 capabilities for one need among 10k and 100k synthetic capabilities.
//!
//! The corpus is generated from the words of the labelled evaluation set (all three languages)
//! with a Zipf-like frequency, so postings have realistic skew; each capability has a title of
//! 5 words and a description of 30; the queries are the set's real needs. Before
//! criterion's own measurement, the bench prints the time to build the index, the memory it
//! holds (bytes live on the heap, counted by this binary's allocator), p50/p95 over every need
//! and the 100k/10k ratio. Run with `cargo bench --bench matching`.
#![expect(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]

use std::{alloc::System, hint::black_box, time::Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use entity::need::{Confidentiality, NeedStatus};
use kopir::domain::{
    access::Access,
    matching::{CapabilityProfile, Engine, NeedProfile, POSTING_BUDGET, Weights},
    text::Localized,
};
use rand::{Rng as _, SeedableRng as _, rngs::StdRng};
use serde_json::Value;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

mod common;
use common::{eval_set, phrase, text, vocabulary};

/// The system allocator, counting what is allocated, to say how much the index holds.
#[global_allocator]
static ALLOCATOR: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const FIELDS: [&str; 12] = [
    "1.2", "1.4", "1.5", "2.1", "2.2", "2.3", "2.4", "2.5", "2.7", "3.2", "4.1", "4.5",
];

fn capabilities(size: usize, vocabulary: &[String]) -> Vec<CapabilityProfile> {
    let mut rng = StdRng::seed_from_u64(0x9E37_79B9_7F4A_7C15);
    let phrase = |rng: &mut StdRng, n: usize| phrase(rng, vocabulary, n);
    (0..size)
        .map(|i| {
            let title = phrase(&mut rng, 5);
            let description = phrase(&mut rng, 30);
            let low = rng.random_range(1..=50_i64) * 100_000_000;
            CapabilityProfile {
                id: i as i64 + 1,
                organization_id: (i / 3) as i64 + 1000,
                title: Localized {
                    ru: Some(title),
                    ..Default::default()
                },
                description: Localized {
                    ru: Some(description),
                    ..Default::default()
                },
                keywords: vec![],
                equipment: vec![],
                fields: vec![FIELDS[rng.random_range(0..FIELDS.len())].to_owned()],
                trl: Some(rng.random_range(1..=9)),
                price: (Some(low), Some(low * 3)),
                capacity: rng.random_range(0..4),
                sectors: vec![],
                active: !rng.random_ratio(1, 10),
            }
        })
        .collect()
}

fn needs(set: &Value) -> Vec<NeedProfile> {
    set["needs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|n| NeedProfile {
            id: n["id"].as_i64().unwrap_or_default(),
            organization_id: 1,
            title: Localized {
                ru: Some(text(&n["title"])),
                ..Default::default()
            },
            description: Localized {
                ru: Some(text(&n["description"])),
                ..Default::default()
            },
            keywords: vec![],
            requirements: vec![],
            fields: n["fields"]
                .as_array()
                .into_iter()
                .flatten()
                .map(text)
                .collect(),
            trl: (Some(4), Some(8)),
            budget: (None, Some(6_000_000_000)),
            sector: None,
            confidentiality: Confidentiality::Public,
            status: NeedStatus::Open,
            shared_with: vec![],
            matched_capability_id: None,
        })
        .collect()
}

fn percentiles(engine: &Engine, needs: &[NeedProfile]) -> (f64, f64) {
    let viewer = Access::default();
    let mut times = Vec::new();
    for _ in 0..10 {
        for need in needs {
            let start = Instant::now();
            let top = engine.matches_for_need(need.id, &viewer, 20);
            times.push(start.elapsed().as_secs_f64() * 1e3);
            black_box(top.map(|t| t.len()).unwrap_or_default());
        }
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    (at(0.5), at(0.95))
}

fn top_ids(engine: &Engine, needs: &[NeedProfile]) -> Vec<Vec<i64>> {
    let viewer = Access::default();
    needs
        .iter()
        .map(|n| {
            engine
                .matches_for_need(n.id, &viewer, 20)
                .map(|ms| ms.iter().map(|m| m.capability_id).collect())
                .unwrap_or_default()
        })
        .collect()
}

/// How many of the exact top 20 the budgeted retrieval also returns, on average.
fn agreement(engine: &mut Engine, needs: &[NeedProfile]) -> (f64, f64) {
    let budgeted = top_ids(engine, needs);
    engine.set_posting_budget(usize::MAX);
    let exact = top_ids(engine, needs);
    let (_, exact_p95) = percentiles(engine, needs);
    engine.set_posting_budget(POSTING_BUDGET);
    let shared: usize = budgeted
        .iter()
        .zip(&exact)
        .map(|(b, e)| b.iter().filter(|id| e.contains(id)).count())
        .sum();
    let total: usize = exact.iter().map(Vec::len).sum();
    (shared as f64 / total.max(1) as f64, exact_p95)
}

fn bench(c: &mut Criterion) {
    let set = eval_set();
    let vocabulary = vocabulary(&set);
    let needs = needs(&set);
    let mut p95 = Vec::new();
    for size in [10_000, 100_000] {
        // The engine keeps the profiles it is given (their texts too), so they count.
        let region = Region::new(ALLOCATOR);
        let capabilities = capabilities(size, &vocabulary);
        let start = Instant::now();
        let mut engine = Engine::new(Weights::default());
        engine.upsert_capabilities(capabilities);
        engine.upsert_needs(needs.clone());
        let change = region.change();
        // A reallocation is already counted in the bytes allocated or deallocated.
        let held = change
            .bytes_allocated
            .saturating_sub(change.bytes_deallocated) as f64;
        println!(
            "{size} capabilities indexed in {:.1} s ({} words of vocabulary); the engine holds {:.0} MB, {:.1} KB per capability",
            start.elapsed().as_secs_f64(),
            vocabulary.len(),
            held / 1e6,
            held / 1e3 / size as f64
        );
        let (p50, p95_ms) = percentiles(&engine, &needs);
        println!("top-20 among {size}: p50 {p50:.2} ms, p95 {p95_ms:.2} ms");
        p95.push(p95_ms);
        let (agree, exact_p95) = agreement(&mut engine, &needs);
        println!(
            "  exact retrieval (every posting): p95 {exact_p95:.2} ms; the budgeted top 20 holds {:.1}% of the exact top 20",
            agree * 100.0
        );
        let viewer = Access::default();
        let need = needs[0].id;
        c.bench_function(&format!("matches_for_need top-20 of {size}"), |b| {
            b.iter(|| black_box(engine.matches_for_need(need, &viewer, 20)))
        });
    }
    println!("p95 ratio 100k / 10k: {:.2}", p95[1] / p95[0]);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50);
    targets = bench
}
criterion_main!(benches);
