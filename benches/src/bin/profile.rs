//! Runs the bench cases a fixed number of times each, one function per case, for an
//! instruction-level profile (there is no `perf` here; callgrind counts instructions, which
//! unlike wall time do not move when the machine is busy):
//!
//! ```text
//! cargo build --release -p mcp-bearer-benches --bin profile
//! valgrind --tool=callgrind --toggle-collect='profile::case_verify' \
//!     target/release/profile RS256 200
//! callgrind_annotate --inclusive=yes callgrind.out.<pid>
//! ```
//!
//! Arguments: the algorithm (`RS256`, `ES256`, `EdDSA`; default `RS256`) and the number of
//! calls per case (default 200). Collect `profile::case_floor` the same way and divide the two
//! totals for the instruction ratio. Under valgrind aws-lc may take another code path than
//! natively (CPU feature detection), so use this for where the time above the floor goes,
//! and `ratios` for the ratio itself.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use mcp_bearer::Algorithm;
use mcp_bearer_benches::{Cycle, Fixture};

#[inline(never)]
fn case_verify(fx: &Fixture, n: usize) {
    let mut cycle = Cycle::new(fx.len());
    for _ in 0..n {
        assert!(black_box(fx.verify(cycle.next())));
    }
}

#[inline(never)]
fn case_floor(fx: &Fixture, n: usize) {
    let mut cycle = Cycle::new(fx.len());
    for _ in 0..n {
        assert!(black_box(fx.floor(cycle.next())));
    }
}

#[inline(never)]
fn case_peer(fx: &Fixture, n: usize) {
    let mut cycle = Cycle::new(fx.len());
    for _ in 0..n {
        assert!(black_box(fx.peer(cycle.next())));
    }
}

#[inline(never)]
fn case_cache_hit(fx: &Fixture, n: usize) {
    for _ in 0..n {
        assert!(black_box(fx.cache_hit()));
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let alg = args.next().map_or(Algorithm::RS256, |name| {
        Algorithm::from_name(&name).expect("an algorithm: RS256, ES256 or EdDSA")
    });
    let n: usize = args
        .next()
        .map_or(200, |n| n.parse().expect("a number of calls"));
    // A pool as large as the calls, so that every verified token is new.
    let fx = Fixture::with_pool(alg, n.max(1));
    case_verify(&fx, n);
    case_floor(&fx, n);
    case_peer(&fx, n);
    case_cache_hit(&fx, n);
}
