//! Runs each bench case for a fixed wall time and prints the figures the issue asks for:
//! verify/floor per algorithm (target ≤ 1.15×), jsonwebtoken/mcp-bearer, and the cache hit
//! in µs (target ≤ 2 µs). The cases are the same as the criterion bench's (`src/lib.rs`).
//!
//! `cargo run --release -p mcp-bearer-benches --bin ratios [SECONDS_PER_CASE]` (default 2).
//!
//! This machine is shared and its speed drifts, so the cases are not timed one after the
//! other: each case's time is cut into short slices, the four cases take turns slice by slice
//! (rotating which goes first), and a ratio is computed from slices that ran side by side.
//! The figures printed are medians over the slices.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use mcp_bearer_benches::{ALGORITHMS, Cycle, Fixture, POOL_SIZE};

/// How long one case runs before the next takes its turn.
const SLICE: Duration = Duration::from_millis(20);
/// Calls between two looks at the clock.
const BATCH: u32 = 16;
const CASES: usize = 4;

/// Nanoseconds per call of `op` over about `budget`.
fn ns_per_op(budget: Duration, mut op: impl FnMut() -> bool) -> f64 {
    let start = Instant::now();
    let mut calls = 0u64;
    loop {
        for _ in 0..BATCH {
            assert!(black_box(op()), "a bench case failed");
        }
        calls += u64::from(BATCH);
        let elapsed = start.elapsed();
        if elapsed >= budget {
            return elapsed.as_nanos() as f64 / calls as f64;
        }
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let seconds: f64 = std::env::args()
        .nth(1)
        .map(|s| s.parse().expect("SECONDS_PER_CASE must be a number"))
        .unwrap_or(2.0);
    let slices = ((seconds / SLICE.as_secs_f64()).ceil() as usize).max(1);
    println!(
        "mcp-bearer verification: {POOL_SIZE} distinct tokens per algorithm, {seconds} s per case \
         in {slices} interleaved slices of {} ms, medians",
        SLICE.as_millis()
    );
    println!(
        "verify = Verifier::verify, token cache off (full path); floor = base64url decode of the \
         signature + aws-lc-rs verify_sig with a pre-parsed key; cache hit = Verifier::verify \
         of one token again\n"
    );
    println!(
        "{:<7} {:>10} {:>10} {:>13} {:>12} {:>13} {:>18}",
        "alg",
        "verify ns",
        "floor ns",
        "jsonwebtoken",
        "cache hit",
        "verify/floor",
        "jsonwebtoken/ours"
    );
    let mut worst_ratio: f64 = 0.0;
    let mut worst_hit: f64 = 0.0;
    for alg in ALGORITHMS {
        let fx = Fixture::new(alg);
        let mut cursors = [(); CASES].map(|()| Cycle::new(fx.len()));
        // An untimed turn each, so that every case starts warm.
        for (case, cursor) in cursors.iter_mut().enumerate() {
            run(&fx, case, cursor, Duration::from_millis(100));
        }
        let mut times: [Vec<f64>; CASES] = Default::default();
        let (mut ratios, mut peer_ratios) = (vec![], vec![]);
        for slice in 0..slices {
            let mut t = [0.0; CASES];
            for k in 0..CASES {
                let case = (slice + k) % CASES;
                t[case] = run(&fx, case, &mut cursors[case], SLICE);
                times[case].push(t[case]);
            }
            ratios.push(t[0] / t[1]);
            peer_ratios.push(t[2] / t[0]);
        }
        let [verify, floor, peer, hit] = times.map(median);
        let ratio = median(ratios);
        worst_ratio = worst_ratio.max(ratio);
        worst_hit = worst_hit.max(hit);
        println!(
            "{:<7} {:>10.0} {:>10.0} {:>13.0} {:>9.3} µs {:>12.3}× {:>17.2}×",
            alg.name(),
            verify,
            floor,
            peer,
            hit / 1000.0,
            ratio,
            median(peer_ratios)
        );
    }
    println!(
        "\nworst verify/floor {worst_ratio:.3}× (target ≤ 1.15×): {}; worst cache hit {:.3} µs \
         (target ≤ 2 µs): {}",
        if worst_ratio <= 1.15 {
            "met"
        } else {
            "NOT met"
        },
        worst_hit / 1000.0,
        if worst_hit <= 2000.0 {
            "met"
        } else {
            "NOT met"
        }
    );
}

/// Runs case `case` of `fx` (0 verify, 1 floor, 2 jsonwebtoken, 3 cache hit) for `budget`,
/// going on through the pool from `cursor`; returns nanoseconds per call.
fn run(fx: &Fixture, case: usize, cursor: &mut Cycle, budget: Duration) -> f64 {
    match case {
        0 => ns_per_op(budget, || fx.verify(black_box(cursor.next()))),
        1 => ns_per_op(budget, || fx.floor(black_box(cursor.next()))),
        2 => ns_per_op(budget, || fx.peer(black_box(cursor.next()))),
        _ => ns_per_op(budget, || fx.cache_hit()),
    }
}
