//! The key-set generation a JWKS cache publishes for readers that must not write shared
//! memory: a verified-token cache hit asks only "is the set this token was verified under
//! still the one in hand?", and answers from a few atomics instead of the cache's lock.
//!
//! A sequence lock: the one writer (holding the JWKS cache's own lock) makes the sequence odd,
//! stores the fields, and makes it even again; a reader that sees an odd or changed sequence
//! gives up, and its caller takes the locked path, which gives the same answer.

use std::sync::atomic::{AtomicU64, Ordering, fence};
use std::time::Duration;

/// The generation of the current key set and until when it may be used.
#[derive(Debug, Default)]
pub(crate) struct PublishedGeneration {
    /// Even when stable, odd while being written, 0 until a set is published.
    seq: AtomicU64,
    generation: AtomicU64,
    /// Nanoseconds since the Unix epoch: fetched at + max age.
    fresh_until: AtomicU64,
    /// Nanoseconds since the Unix epoch: fetched at + max age + stale window.
    usable_until: AtomicU64,
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

impl PublishedGeneration {
    /// Publishes a set. Callers serialize their calls (they hold the key cache's lock).
    pub(crate) fn publish(&self, generation: u64, fresh_until: Duration, usable_until: Duration) {
        let seq = self.seq.load(Ordering::Relaxed);
        self.seq.store(seq.wrapping_add(1), Ordering::Relaxed);
        fence(Ordering::Release);
        self.generation.store(generation, Ordering::Relaxed);
        self.fresh_until
            .store(nanos(fresh_until), Ordering::Relaxed);
        self.usable_until
            .store(nanos(usable_until), Ordering::Relaxed);
        self.seq.store(seq.wrapping_add(2), Ordering::Release);
    }

    /// The published generation if its set is fresh at `now` (or, with `serve_stale`, still
    /// usable); `None` when there is none, it is past that time, or a write is under way.
    pub(crate) fn read(&self, now: Duration, serve_stale: bool) -> Option<u64> {
        let seq = self.seq.load(Ordering::Acquire);
        if seq == 0 || seq % 2 == 1 {
            return None;
        }
        let generation = self.generation.load(Ordering::Relaxed);
        let until = if serve_stale {
            self.usable_until.load(Ordering::Relaxed)
        } else {
            self.fresh_until.load(Ordering::Relaxed)
        };
        fence(Ordering::Acquire);
        if self.seq.load(Ordering::Relaxed) != seq {
            return None;
        }
        (nanos(now) < until).then_some(generation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_only_within_the_published_times() {
        let p = PublishedGeneration::default();
        let s = Duration::from_secs;
        assert_eq!(p.read(s(0), true), None);
        p.publish(3, s(10), s(20));
        assert_eq!(p.read(s(9), false), Some(3));
        assert_eq!(p.read(s(10), false), None);
        assert_eq!(p.read(s(19), true), Some(3));
        assert_eq!(p.read(s(20), true), None);
        p.publish(4, s(30), s(40));
        assert_eq!(p.read(s(25), false), Some(4));
    }
}
