//! The crate's one bounded cache: the verified-token cache and the opaque-token verdict caches
//! are both built on it.
//!
//! Hits must scale with threads, because every request of every MCP session is one: a hit
//! takes the read lock of one shard only, chosen by the key's hash, so two sessions rarely
//! touch the same lock word. Each shard sits on its own cache lines. Eviction is CLOCK per
//! shard: a hit sets its entry's "referenced" bit only when it is clear (so a hot entry is
//! written once per pass of the hand, not once per hit), and an insert into a full shard
//! advances the hand past referenced entries (clearing their bit) to the first one that is
//! not. An insert therefore costs O(1) amortized and at most one pass over its shard, never a
//! sweep of the whole cache.
//!
//! Callers give the hash (so the verified-token cache can hash only the token's signature)
//! and compare keys themselves; one entry per hash, a later insert replacing it.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};

use parking_lot::RwLock;

/// Entries per shard aimed at: the shard count grows with the capacity up to [`MAX_SHARDS`].
const ENTRIES_PER_SHARD: usize = 32;
/// At most this many shards.
const MAX_SHARDS: usize = 256;

/// The hashes handed in are already random: used as they are.
#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

struct Slot<K, V> {
    hash: u64,
    key: K,
    value: V,
    referenced: AtomicBool,
}

/// One shard: its entries in a ring the CLOCK hand walks, and an index from hash to slot.
struct Ring<K, V> {
    capacity: usize,
    index: HashMap<u64, usize, BuildHasherDefault<PassThrough>>,
    slots: Vec<Slot<K, V>>,
    hand: usize,
}

/// Aligned so that two shards' lock words never share a cache line.
#[repr(align(128))]
struct Shard<K, V>(RwLock<Ring<K, V>>);

/// A bounded map from caller-hashed keys to values, sharded, with CLOCK eviction.
pub(crate) struct BoundedCache<K, V> {
    shards: Box<[Shard<K, V>]>,
}

impl<K, V> BoundedCache<K, V> {
    /// A cache of at most `capacity` entries; 0 keeps nothing.
    pub(crate) fn new(capacity: usize) -> Self {
        let count = (capacity / ENTRIES_PER_SHARD)
            .max(1)
            .next_power_of_two()
            .min(MAX_SHARDS);
        let shards = (0..count)
            .map(|i| {
                // The capacity is spread exactly: the shards' sum is `capacity`.
                let share = capacity / count + usize::from(i < capacity % count);
                Shard(RwLock::new(Ring {
                    capacity: share,
                    index: HashMap::default(),
                    slots: Vec::new(),
                    hand: 0,
                }))
            })
            .collect();
        BoundedCache { shards }
    }

    fn shard(&self, hash: u64) -> &RwLock<Ring<K, V>> {
        // The high bits pick the shard; the map inside uses the low ones.
        let i = (hash >> 40) as usize & (self.shards.len() - 1);
        &self.shards[i].0
    }

    /// Reads the entry for `hash` under its shard's read lock: `read` gets its key and value
    /// and decides what a hit returns (`None` when the key is another one, or the value no
    /// longer answers).
    pub(crate) fn get<R>(&self, hash: u64, read: impl FnOnce(&K, &V) -> Option<R>) -> Option<R> {
        let ring = self.shard(hash).read();
        let slot = &ring.slots[*ring.index.get(&hash)?];
        let hit = read(&slot.key, &slot.value)?;
        // Written only when clear, so a hot entry costs one write per pass of the hand.
        if !slot.referenced.load(Ordering::Relaxed) {
            slot.referenced.store(true, Ordering::Relaxed);
        }
        Some(hit)
    }

    /// Inserts or replaces the entry for `hash`; in a full shard, evicts the first entry the
    /// CLOCK hand finds unreferenced.
    pub(crate) fn insert(&self, hash: u64, key: K, value: V) {
        let mut ring = self.shard(hash).write();
        if ring.capacity == 0 {
            return;
        }
        let slot = Slot {
            hash,
            key,
            value,
            referenced: AtomicBool::new(false),
        };
        if let Some(&i) = ring.index.get(&hash) {
            ring.slots[i] = slot;
            return;
        }
        if ring.slots.len() < ring.capacity {
            let i = ring.slots.len();
            ring.slots.push(slot);
            ring.index.insert(hash, i);
            return;
        }
        let len = ring.slots.len();
        let mut hand = ring.hand % len;
        // At most one pass: the hand clears every bit it passes, so it stops by the time it
        // returns to where it started.
        while ring.slots[hand].referenced.swap(false, Ordering::Relaxed) {
            hand = (hand + 1) % len;
        }
        let old = std::mem::replace(&mut ring.slots[hand], slot).hash;
        ring.index.remove(&old);
        ring.index.insert(hash, hand);
        ring.hand = (hand + 1) % len;
    }

    /// Removes the entry for `hash` if `matches` says it is the caller's key.
    pub(crate) fn remove(&self, hash: u64, matches: impl FnOnce(&K) -> bool) {
        let mut ring = self.shard(hash).write();
        let Some(&i) = ring.index.get(&hash) else {
            return;
        };
        if !matches(&ring.slots[i].key) {
            return;
        }
        ring.index.remove(&hash);
        ring.slots.swap_remove(i);
        if let Some(moved) = ring.slots.get(i).map(|s| s.hash) {
            ring.index.insert(moved, i);
        }
        if ring.hand >= ring.slots.len() {
            ring.hand = 0;
        }
    }

    /// How many entries are held.
    pub(crate) fn len(&self) -> usize {
        self.shards.iter().map(|s| s.0.read().slots.len()).sum()
    }

    /// Drops every entry.
    pub(crate) fn clear(&self) {
        for shard in &self.shards {
            let mut ring = shard.0.write();
            ring.slots.clear();
            ring.index.clear();
            ring.hand = 0;
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn hash(i: u64) -> u64 {
        // Spread over the shards the way a real hash would.
        i.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }

    #[test]
    fn holds_at_most_its_capacity_and_evicts_unreferenced_entries_first() {
        for capacity in [0, 1, 7, 100, 10_000] {
            let cache = BoundedCache::<u64, u64>::new(capacity);
            for i in 0..(capacity as u64 * 3 + 5) {
                cache.insert(hash(i), i, i);
                assert!(cache.len() <= capacity, "capacity {capacity}");
            }
        }
        // One shard: a hit entry survives the next eviction, a cold one does not.
        let cache = BoundedCache::<u64, u64>::new(3);
        for i in 0..3 {
            cache.insert(hash(i), i, i);
        }
        assert_eq!(cache.get(hash(0), |_, v| Some(*v)), Some(0));
        cache.insert(hash(3), 3, 3);
        assert_eq!(cache.get(hash(0), |_, v| Some(*v)), Some(0));
        assert_eq!(cache.get(hash(1), |_, v| Some(*v)), None);
        assert_eq!(cache.len(), 3);
    }

    #[test]
    fn get_replace_and_remove_check_the_key() {
        let cache = BoundedCache::<&str, u32>::new(10);
        cache.insert(1, "a", 1);
        assert_eq!(cache.get(1, |k, v| (*k == "a").then_some(*v)), Some(1));
        assert_eq!(cache.get(1, |k, v| (*k == "b").then_some(*v)), None);
        cache.remove(1, |k| *k == "b");
        assert_eq!(cache.len(), 1);
        cache.insert(1, "b", 2);
        assert_eq!(cache.get(1, |_, v| Some(*v)), Some(2));
        cache.insert(2, "c", 3);
        cache.remove(1, |k| *k == "b");
        assert_eq!((cache.len(), cache.get(2, |_, v| Some(*v))), (1, Some(3)));
        cache.clear();
        assert_eq!(cache.len(), 0);
    }
}
