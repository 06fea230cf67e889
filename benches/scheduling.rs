//! `scheduleSession`'s solver on the instance — 500 organisations, 5,000 accepted
//! requests, 24 slots, 60 tables — timed over several runs, with the placed count against an
//! upper bound; then small instances against the exact optimum. Prints figures; asserts
//! nothing. Run with `cargo bench --bench scheduling`.

use std::{collections::HashMap, time::Instant};

use kopir::domain::scheduling::{Problem, Request, exact, schedule, upper_bound};
use rand::{Rng as _, SeedableRng as _, rngs::StdRng};

/// Participants available in about `available_pct`% of slots; requests between distinct
/// random pairs with random scores.
fn instance(
    seed: u64,
    orgs: u64,
    requests: usize,
    slots: usize,
    tables: usize,
    available_pct: u64,
) -> Problem {
    let mut rng = StdRng::seed_from_u64(seed);
    let availability: HashMap<i64, Vec<bool>> = (0..orgs)
        .map(|o| {
            (
                o as i64,
                (0..slots)
                    .map(|_| rng.random_range(0..100_u64) < available_pct)
                    .collect(),
            )
        })
        .collect();
    let mut out = Vec::with_capacity(requests);
    while out.len() < requests {
        let (a, b) = (
            rng.random_range(0..orgs) as i64,
            rng.random_range(0..orgs) as i64,
        );
        if a != b {
            out.push(Request {
                id: out.len() as i64 + 1,
                a,
                b,
                score: rng.random_range(0..10_000_u32) as f64 / 100.0,
            });
        }
    }
    Problem {
        slots,
        tables,
        availability,
        booked: vec![],
        requests: out,
    }
}

fn main() {
    for (label, available, tables) in [
        ("issue instance, 75% availability, 60 tables", 75, 60),
        ("same, 40% availability", 40, 60),
        ("same, 75% availability, 400 tables (people-bound)", 75, 400),
    ] {
        let problem = instance(7, 500, 5_000, 24, tables, available);
        let mut times = Vec::new();
        let mut placed = 0;
        for _ in 0..5 {
            let start = Instant::now();
            let plan = schedule(&problem);
            times.push(start.elapsed().as_secs_f64());
            placed = plan.placed.len();
        }
        times.sort_by(f64::total_cmp);
        let bound = upper_bound(&problem);
        println!(
            "{label}: placed {placed} of 5000, upper bound {bound} ({:.1}%), median {:.0} ms, worst {:.0} ms",
            placed as f64 * 100.0 / bound as f64,
            times[2] * 1e3,
            times[4] * 1e3
        );
    }
    let (mut greedy, mut optimum, mut bound) = (0, 0, 0);
    for seed in 1..=200 {
        let problem = instance(seed, 8, 12, 4, 2, 70);
        greedy += schedule(&problem).placed.len();
        optimum += exact(&problem);
        bound += upper_bound(&problem);
    }
    println!(
        "200 small instances (8 organisations, 12 requests, 4 slots, 2 tables): heuristic {greedy}, exact {optimum} ({:.1}%), upper bound {bound}",
        greedy as f64 * 100.0 / optimum as f64
    );
}
