//! `partnersForNeed`'s ranking (top 20, with evidence) among 20,000 organisations with 150,000
//! synthetic portfolio items, plus how long the index takes to build and how much memory it
//! holds. Items are written from the words of the labelled evaluation set with a Zipf-like
//! frequency; consortia of 1–12 organisations drawn with a skew, so some organisations are hubs
//! as in real registries. Prints p50/p95 over every need before criterion's own measurement.
//! Run with `cargo bench --bench partners`.
#![expect(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]

use std::{hint::black_box, time::Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use entity::{
    need::{Confidentiality, NeedStatus},
    organization::OrganizationKind,
};
use kopir::domain::{
    access::Access,
    matching::{
        Encounters, Engine, ItemProfile, NeedProfile, OrganizationProfile, PartnerFilter, Place,
        Weights,
    },
    text::Localized,
};
use rand::{Rng as _, SeedableRng as _, rngs::StdRng};
use serde_json::Value;

mod common;
use common::{eval_set, phrase, text, vocabulary, zipf};

const ORGANIZATIONS: i64 = 20_000;
const ITEMS: i64 = 150_000;

/// Resident memory of this process, in MiB (Linux).
fn resident_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

fn world(vocabulary: &[String], needs: &[NeedProfile]) -> Engine {
    let mut rng = StdRng::seed_from_u64(0x5EED_0F0A_274E_4500);
    let phrase = |rng: &mut StdRng, n: usize| phrase(rng, vocabulary, n);
    let mut engine = Engine::new(Weights::default());
    let kinds = [
        OrganizationKind::University,
        OrganizationKind::ResearchInstitute,
        OrganizationKind::Enterprise,
        OrganizationKind::Enterprise,
    ];
    for id in 1..=ORGANIZATIONS {
        engine.set_organization(
            id,
            OrganizationProfile {
                kind: kinds[id as usize % kinds.len()],
                country: "KZ".into(),
                place: Place {
                    region_id: Some(id % 20 + 1),
                    science_city_id: None,
                },
            },
        );
    }
    let items: Vec<ItemProfile> = (1..=ITEMS)
        .map(|id| {
            let size = rng.random_range(1..=12);
            let participants = (0..size)
                .map(|_| zipf(&mut rng, ORGANIZATIONS as usize) as i64 + 1)
                .collect();
            ItemProfile {
                id,
                title: Localized {
                    ru: Some(phrase(&mut rng, 8)),
                    ..Default::default()
                },
                summary: Localized {
                    ru: Some(phrase(&mut rng, 120)),
                    ..Default::default()
                },
                keywords: vec![],
                year: Some(rng.random_range(2010..=2025)),
                members_only: rng.random_ratio(1, 20),
                participants,
            }
        })
        .collect();
    engine.upsert_items(items);
    engine.upsert_needs(needs.to_vec());
    engine
}

fn needs(set: &Value) -> Vec<NeedProfile> {
    set["needs"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, n)| NeedProfile {
            id: n["id"].as_i64().unwrap_or_default(),
            // Enterprises (every fourth organisation from 3 on), some of them hubs.
            organization_id: 3 + 4 * i as i64,
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
            fields: vec![],
            trl: (None, None),
            budget: (None, None),
            sector: None,
            confidentiality: Confidentiality::Public,
            status: NeedStatus::Open,
            shared_with: vec![],
            matched_capability_id: None,
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let set = eval_set();
    let vocabulary = vocabulary(&set);
    let needs = needs(&set);
    let before = resident_mib();
    let started = Instant::now();
    let engine = world(&vocabulary, &needs);
    println!(
        "index of {ORGANIZATIONS} organisations and {ITEMS} items: built in {:.1} s, {:.0} MiB resident",
        started.elapsed().as_secs_f64(),
        resident_mib() - before
    );
    let viewer = Access::default();
    let kinds = [
        OrganizationKind::University,
        OrganizationKind::ResearchInstitute,
    ];
    let filter = PartnerFilter { kinds: &kinds };
    let none = Encounters::default();
    let mut times = Vec::new();
    for _ in 0..5 {
        for need in &needs {
            let start = Instant::now();
            let top = engine.partners_for_need(need.id, &viewer, &filter, &none, 20);
            times.push(start.elapsed().as_secs_f64() * 1e3);
            black_box(top.map(|t| t.len()).unwrap_or_default());
        }
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!(
        "partnersForNeed top 20 over {} calls: p50 {:.1} ms, p95 {:.1} ms",
        times.len(),
        at(0.5),
        at(0.95)
    );
    let first = needs.first().map_or(0, |n| n.id);
    c.bench_function("partners_for_need top 20 among 20k organisations", |b| {
        b.iter(|| engine.partners_for_need(black_box(first), &viewer, &filter, &none, 20))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
