//! Criterion benches of mcp-bearer's verification: for RS256, ES256 and EdDSA, the full
//! `Verifier::verify` of unique tokens next to the floor (base64url decode of the signature
//! plus aws-lc-rs's raw signature check of the same bytes) and jsonwebtoken's `decode`; and
//! the repeated-token cache hit. What each row includes is written in `src/lib.rs`.
//!
//! `cargo bench -p mcp-bearer-benches --bench verify`; for the ratios in one line each,
//! `cargo run --release -p mcp-bearer-benches --bin ratios`.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use mcp_bearer_benches::{ALGORITHMS, Cycle, Fixture};

fn verify(c: &mut Criterion) {
    for alg in ALGORITHMS {
        let fx = Fixture::new(alg);
        let mut group = c.benchmark_group(format!("verify/{alg}"));
        group.bench_function("mcp-bearer", |b| {
            let mut cycle = Cycle::new(fx.len());
            b.iter(|| black_box(fx.verify(black_box(cycle.next()))));
        });
        group.bench_function("floor", |b| {
            let mut cycle = Cycle::new(fx.len());
            b.iter(|| black_box(fx.floor(black_box(cycle.next()))));
        });
        group.bench_function("jsonwebtoken", |b| {
            let mut cycle = Cycle::new(fx.len());
            b.iter(|| black_box(fx.peer(black_box(cycle.next()))));
        });
        group.finish();

        c.bench_function(&format!("cache_hit/{alg}"), |b| {
            b.iter(|| black_box(fx.cache_hit()));
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = verify
}
criterion_main!(benches);
