//! The verified-token cache: the same bearer token arrives on every request of an MCP
//! session, so its verdict is kept until the token expires.
//!
//! Entries are keyed by a hash of the token's signature segment (short, and unique per
//! token) and of the claim policy it was checked under, and hold the whole token, compared in
//! full on every hit. Only verified tokens are inserted, so an attacker cannot fill the cache
//! with forgeries. The storage is [`crate::cache::BoundedCache`]; verifiers derived with
//! [`Verifier::with_policy`](super::Verifier::with_policy) share it, and an entry answers
//! only the policy it was checked under and only while its key-set generation is current.

use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;

use super::token::TokenData;
use crate::cache::BoundedCache;

struct Cached {
    /// The claim policy the token was checked under.
    policy: u64,
    /// The key-set generation the token was verified under.
    generation: u64,
    data: Arc<TokenData>,
}

pub(super) struct TokenCache {
    hasher: RandomState,
    entries: BoundedCache<Box<str>, Cached>,
}

impl TokenCache {
    pub(super) fn new(capacity: usize) -> TokenCache {
        TokenCache {
            hasher: RandomState::new(),
            entries: BoundedCache::new(capacity),
        }
    }

    fn hash(&self, token: &str, policy: u64) -> u64 {
        let signature = token.rsplit_once('.').map_or(token, |(_, s)| s);
        self.hasher.hash_one((policy, signature))
    }

    /// The data cached for `token` under `policy`, and the generation it was verified at.
    pub(super) fn get(&self, token: &str, policy: u64) -> Option<(Arc<TokenData>, u64)> {
        self.entries.get(self.hash(token, policy), |key, cached| {
            (**key == *token && cached.policy == policy)
                .then(|| (Arc::clone(&cached.data), cached.generation))
        })
    }

    pub(super) fn insert(&self, token: &str, policy: u64, data: Arc<TokenData>, generation: u64) {
        let cached = Cached {
            policy,
            generation,
            data,
        };
        self.entries
            .insert(self.hash(token, policy), token.into(), cached);
    }

    pub(super) fn remove(&self, token: &str, policy: u64) {
        self.entries
            .remove(self.hash(token, policy), |key| **key == *token);
    }

    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(super) fn clear(&self) {
        self.entries.clear();
    }
}
