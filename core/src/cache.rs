//! The verified-token cache: the same bearer token arrives on every request of an MCP
//! session, so its verified claims are kept until the token expires.
//!
//! Entries are keyed by a hash of the token's signature segment (short, and unique per
//! token) and hold the whole token, compared in full on every hit. Only verified tokens are
//! inserted, so an attacker cannot fill the cache with forgeries.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;

use parking_lot::RwLock;

use crate::verify::TokenData;

/// Default for [`crate::VerifierOptions::token_cache_entries`].
pub const DEFAULT_TOKEN_CACHE_ENTRIES: usize = 10_000;

struct Entry {
    token: Box<str>,
    data: Arc<TokenData>,
    /// The key-set generation the token was verified under; the entry answers only while
    /// that set is current.
    generation: u64,
}

pub(crate) struct TokenCache {
    capacity: usize,
    hasher: RandomState,
    map: RwLock<HashMap<u64, Entry>>,
}

impl TokenCache {
    pub(crate) fn new(capacity: usize) -> TokenCache {
        TokenCache {
            capacity,
            hasher: RandomState::new(),
            map: RwLock::new(HashMap::new()),
        }
    }

    fn key(&self, token: &str) -> u64 {
        let signature = token.rsplit_once('.').map_or(token, |(_, s)| s);
        self.hasher.hash_one(signature)
    }

    /// The cached data and the generation it was last checked at.
    pub(crate) fn get(&self, token: &str) -> Option<(Arc<TokenData>, u64)> {
        if self.capacity == 0 {
            return None;
        }
        let map = self.map.read();
        let e = map.get(&self.key(token))?;
        (*e.token == *token).then(|| (Arc::clone(&e.data), e.generation))
    }

    pub(crate) fn remove(&self, token: &str) {
        let key = self.key(token);
        let mut map = self.map.write();
        if map.get(&key).is_some_and(|e| *e.token == *token) {
            map.remove(&key);
        }
    }

    /// Inserts a verified token. When full, drops expired entries first, then (if still
    /// full) every other entry: a cheap bound that keeps hot sessions likely to survive.
    pub(crate) fn insert(&self, token: &str, data: Arc<TokenData>, generation: u64, now: f64) {
        if self.capacity == 0 {
            return;
        }
        let key = self.key(token);
        let mut map = self.map.write();
        if map.len() >= self.capacity && !map.contains_key(&key) {
            map.retain(|_, e| e.data.expires_at.is_none_or(|exp| exp > now));
            if map.len() >= self.capacity {
                let mut keep = false;
                map.retain(|_, _| {
                    keep = !keep;
                    keep
                });
            }
        }
        map.insert(
            key,
            Entry {
                token: token.into(),
                data,
                generation,
            },
        );
    }

    pub(crate) fn len(&self) -> usize {
        self.map.read().len()
    }

    pub(crate) fn clear(&self) {
        self.map.write().clear();
    }
}
