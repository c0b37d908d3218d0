//! An identity provider's key set (JWKS), fetched over HTTP and cached.
//!
//! [`JwksCache`] is the cache as a state machine that does no I/O and reads no clock: it says
//! when a fetch is needed and why ([`FetchReason`]), builds the [`HttpRequest`], and takes the
//! response (or the transport failure) back; the caller passes the time, in seconds since the
//! Unix epoch. The size cap, the status, redirect, JSON and key checks all happen inside it.
//! [`RemoteJwks`] is its default driver: it sends the requests with a [`crate::net::Fetch`]
//! ([`crate::net::UreqFetch`] unless told otherwise), reads a [`crate::clock::Clock`], and makes
//! concurrent callers wait for the fetch in flight. A host with its own HTTP client (URLSession
//! on Apple platforms, OkHttp on Android) drives the same cache itself; see [`JwksCache`].
//!
//! Lazy first fetch; a set is fresh for `max_age`; an unknown `kid` or a signature failure
//! may trigger a refetch at most once per `cooldown`, and so may a failed fetch; one fetch is
//! in flight at a time (single flight); past `max_age`, callers other than the one refreshing
//! are answered from the set in hand (stale-while-revalidate); when a refresh fails, the last
//! good set keeps serving for `stale_window` after it went stale, so an identity-provider
//! outage does not lock every user out; a refetch of the same document keeps the generation.

use std::ops::RangeInclusive;
use std::sync::Arc;
use std::time::Duration;

use crate::bounds;
use crate::error::{Error, Result};
use crate::jwk::KeySet;
#[cfg(doc)]
use crate::net::HttpRequest;

mod cache;
mod published;
mod remote;

pub use cache::{JwksCache, PendingFetch};
pub use remote::RemoteJwks;

/// Default for [`RemoteJwksOptions::max_age`].
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(600);
/// Default for [`RemoteJwksOptions::cooldown`].
pub const DEFAULT_COOLDOWN: Duration = Duration::from_secs(30);
/// Default for [`RemoteJwksOptions::timeout`]: [`crate::net::DEFAULT_TIMEOUT`] (5 s).
pub const DEFAULT_TIMEOUT: Duration = crate::net::DEFAULT_TIMEOUT;
/// Default for [`RemoteJwksOptions::stale_window`].
pub const DEFAULT_STALE_WINDOW: Duration = Duration::from_secs(3600);
/// Default for [`RemoteJwksOptions::max_response_bytes`].
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 512 * 1024;
/// Default for [`RemoteJwksOptions::max_keys`]: [`crate::jwk::DEFAULT_MAX_KEYS`] (100).
pub const DEFAULT_MAX_KEYS: usize = crate::jwk::DEFAULT_MAX_KEYS;
/// Allowed [`RemoteJwksOptions::max_age`]: 1 s to 7 days.
pub const MAX_AGE_RANGE: RangeInclusive<Duration> =
    Duration::from_secs(1)..=Duration::from_secs(7 * 86_400);
/// Allowed [`RemoteJwksOptions::cooldown`]: 0 (no rate limit) to 1 day.
pub const COOLDOWN_RANGE: RangeInclusive<Duration> = Duration::ZERO..=Duration::from_secs(86_400);
/// Allowed [`RemoteJwksOptions::timeout`]: 1 ms to 10 min ([`crate::net::TIMEOUT_RANGE`]).
pub const TIMEOUT_RANGE: RangeInclusive<Duration> = crate::net::TIMEOUT_RANGE;
/// Allowed [`RemoteJwksOptions::stale_window`]: 0 (no stale serving) to 7 days.
pub const STALE_WINDOW_RANGE: RangeInclusive<Duration> =
    Duration::ZERO..=Duration::from_secs(7 * 86_400);
/// Allowed [`RemoteJwksOptions::max_response_bytes`]: 1 byte to 64 MiB
/// ([`crate::net::MAX_RESPONSE_BYTES_RANGE`]).
pub const MAX_RESPONSE_BYTES_RANGE: RangeInclusive<usize> = crate::net::MAX_RESPONSE_BYTES_RANGE;
/// Allowed [`RemoteJwksOptions::max_keys`]: 1 to 10 000.
pub const MAX_KEYS_RANGE: RangeInclusive<usize> = 1..=10_000;

/// Options for [`JwksCache`] and [`RemoteJwks`]. Every field has a default
/// ([`RemoteJwksOptions::default`], each one a `DEFAULT_*` constant of this module). Each
/// numeric field is checked against its range (`*_RANGE` in this module) when the
/// [`JwksCache`] is built; a value outside is [`crate::ErrorKind::InvalidConfig`].
///
/// As data ([`RemoteJwksOptions::from_json`]), durations are seconds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RemoteJwksOptions {
    /// How long a fetched set is used before it is refetched. Defaults to 10 minutes;
    /// 1 s to 7 days ([`MAX_AGE_RANGE`]).
    #[serde(deserialize_with = "crate::config::seconds")]
    pub max_age: Duration,
    /// The least time between two fetches triggered by an unknown `kid`, a signature
    /// failure, or a failed fetch. Defaults to 30 seconds; 0 to 1 day ([`COOLDOWN_RANGE`]).
    #[serde(deserialize_with = "crate::config::seconds")]
    pub cooldown: Duration,
    /// How long one fetch may take. Defaults to 5 seconds; 1 ms to 10 min
    /// ([`TIMEOUT_RANGE`]).
    #[serde(deserialize_with = "crate::config::seconds")]
    pub timeout: Duration,
    /// How long past `max_age` the last good set keeps serving while refreshes fail.
    /// Defaults to 1 hour; zero disables stale serving; at most 7 days
    /// ([`STALE_WINDOW_RANGE`]).
    #[serde(deserialize_with = "crate::config::seconds")]
    pub stale_window: Duration,
    /// The largest JWKS document accepted, in bytes. Defaults to 512 KiB; 1 byte to 64 MiB
    /// ([`MAX_RESPONSE_BYTES_RANGE`]).
    pub max_response_bytes: usize,
    /// The largest number of keys in the set. Defaults to 100; 1 to 10 000
    /// ([`MAX_KEYS_RANGE`]).
    pub max_keys: usize,
    /// Allow plain `http` to a host that is not loopback. Defaults to `false`: keys fetched
    /// over plain HTTP can be replaced by anyone on the path.
    pub dangerous_allow_insecure_http: bool,
}

crate::config::from_config_data!(RemoteJwksOptions);

impl RemoteJwksOptions {
    /// Checks every field against its range.
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidConfig`] naming the first field outside its range.
    pub fn validate(&self) -> Result<()> {
        bounds::duration("RemoteJwksOptions::max_age", self.max_age, &MAX_AGE_RANGE)?;
        bounds::duration(
            "RemoteJwksOptions::cooldown",
            self.cooldown,
            &COOLDOWN_RANGE,
        )?;
        bounds::duration("RemoteJwksOptions::timeout", self.timeout, &TIMEOUT_RANGE)?;
        bounds::duration(
            "RemoteJwksOptions::stale_window",
            self.stale_window,
            &STALE_WINDOW_RANGE,
        )?;
        bounds::bytes(
            "RemoteJwksOptions::max_response_bytes",
            self.max_response_bytes,
            &MAX_RESPONSE_BYTES_RANGE,
        )?;
        bounds::count(
            "RemoteJwksOptions::max_keys",
            self.max_keys,
            &MAX_KEYS_RANGE,
        )
    }
}

impl Default for RemoteJwksOptions {
    fn default() -> Self {
        RemoteJwksOptions {
            max_age: DEFAULT_MAX_AGE,
            cooldown: DEFAULT_COOLDOWN,
            timeout: DEFAULT_TIMEOUT,
            stale_window: DEFAULT_STALE_WINDOW,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_keys: DEFAULT_MAX_KEYS,
            dangerous_allow_insecure_http: false,
        }
    }
}

/// A key set as fetched at one moment.
#[derive(Debug, Clone)]
pub struct KeySnapshot {
    /// The parsed keys.
    pub keys: Arc<KeySet>,
    /// Tells sets apart cheaply: increases by one with every successful fetch that brought a
    /// different document; a refetch of the same document keeps the generation (and the keys
    /// already parsed), so tokens verified under it stay cached. The first set is generation 1.
    pub generation: u64,
    /// When the set was fetched, in seconds since the Unix epoch.
    pub fetched_at: u64,
}

/// What the cache can answer without I/O: see [`JwksCache::peek`].
#[derive(Debug, Clone)]
pub enum Peek {
    /// A set that may be used now (fresh, or past `max_age` but within the stale window).
    /// `refresh_due` says a fetch should run in the background
    /// ([`RemoteJwks::refresh_if_due`], or [`JwksCache::start_fetch`] for a host's client).
    Keys {
        /// The set.
        snapshot: KeySnapshot,
        /// The set is past `max_age` and a refresh may run now.
        refresh_due: bool,
    },
    /// No usable set: only a fetch can answer.
    FetchNeeded,
    /// No usable set, and the last fetch failed within the cooldown: no fetch will run
    /// before it ends, so this error is the answer.
    Failed(Error),
}

/// What a miss (an unknown `kid`, or a signature failure under a known one) can do without
/// I/O: see [`JwksCache::peek_miss`].
#[derive(Debug, Clone)]
pub enum MissPeek {
    /// Another caller already brought a newer set: try it.
    Retry(KeySnapshot),
    /// A refetch is allowed (or one is in flight): only it can answer.
    FetchNeeded,
    /// The cooldown forbids a refetch: the miss is final.
    Final,
}

/// Why a fetch is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FetchReason {
    /// No set was fetched yet (the first fetch is lazy), or the last one failed and its
    /// cooldown is over.
    Initial,
    /// The set is past `max_age`.
    Expired,
    /// A token's `kid` is unknown, or its signature failed under the cached key, and the
    /// cooldown allows a refetch.
    Miss,
    /// The caller asked for a fetch (a start-up prefetch): no cooldown, still single flight.
    Forced,
}
