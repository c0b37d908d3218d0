//! The JWT verifier: signature against the key source, then the claim policy an MCP
//! resource server needs (issuer, audience bound to this server, expiry, scopes, `typ`).
//!
//! One concept per file: [`options`](VerifierOptions) (the policy and limits as data),
//! `token` ([`VerifiedToken`] and its owned [`VerifiedTokenRecord`]), `claims` (the
//! registered claims read from the payload), `policy` (the claim checks), `cache` (the
//! verified-token cache), `issuer` (construction from OIDC discovery) and `config` (the
//! whole verifier as one plain object, [`VerifierConfig`], built by
//! [`Verifier::from_config`]).

mod cache;
mod claims;
mod config;
mod issuer;
mod options;
mod policy;
mod token;

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::clock::{Clock, SystemClock};
use crate::error::{Error, ErrorKind, Result};
use crate::jwk::{Algorithm, KeySet};
use crate::jwks::{KeySnapshot, MissPeek, Peek, RemoteJwks};
use crate::jws::CompactJws;
use cache::TokenCache;

pub use config::{KeySourceConfig, VerifierConfig};
pub use issuer::IssuerVerifier;
pub use options::{
    DEFAULT_LEEWAY, DEFAULT_MAX_KEY_CANDIDATES, DEFAULT_MAX_TOKEN_BYTES,
    DEFAULT_TOKEN_CACHE_ENTRIES, LEEWAY_RANGE, MAX_KEY_CANDIDATES_RANGE, MAX_TOKEN_AGE_RANGE,
    MAX_TOKEN_BYTES_RANGE, TOKEN_CACHE_ENTRIES_RANGE, TypPolicy, VerifierOptions,
};
pub(crate) use policy::{check_audience, check_issuer};
use token::TokenData;
pub(crate) use token::check_scopes;
pub use token::{TokenSource, VerifiedToken, VerifiedTokenRecord, require_scopes};

/// Where the verification keys come from.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// An identity provider's JWKS over HTTP, cached.
    Remote(Arc<RemoteJwks>),
    /// A fixed set: keys from a file, or a shared secret ([`crate::jwk::Jwk::from_secret`]).
    Static(Arc<KeySet>),
}

/// Verifies bearer tokens. `Send + Sync`; build one per protected resource and share it.
pub struct Verifier {
    source: KeySource,
    options: VerifierOptions,
    algorithms: Vec<Algorithm>,
    clock: Arc<dyn Clock>,
    /// Shared with the verifiers derived by [`with_policy`](Verifier::with_policy).
    cache: Arc<TokenCache>,
    /// Tells claim policies apart in the shared cache: a verdict answers only the policy it
    /// was reached under.
    policy: u64,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("source", &self.source)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// Keys for one verification, and the generation they belong to (0 for a static set).
struct Keys {
    set: Arc<KeySet>,
    generation: u64,
}

impl From<KeySnapshot> for Keys {
    fn from(s: KeySnapshot) -> Keys {
        Keys {
            set: s.keys,
            generation: s.generation,
        }
    }
}

impl Verifier {
    /// A verifier over `source` with `options`. For a remote source it uses that source's
    /// clock; otherwise the system clock.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] when no issuer or audience is configured and the
    /// matching `dangerous_…` switch is off, when the algorithm list is empty, when HMAC
    /// algorithms are allowed for a remote JWKS, or when a numeric option is outside its
    /// range ([`VerifierOptions::validate`]).
    pub fn new(source: KeySource, options: VerifierOptions) -> Result<Verifier> {
        let clock: Arc<dyn Clock> = match &source {
            KeySource::Remote(r) => Arc::clone(r.clock()),
            KeySource::Static(_) => Arc::new(SystemClock),
        };
        Verifier::with_clock(source, options, clock)
    }

    /// A verifier that reads the time from `clock`.
    ///
    /// # Errors
    /// As [`Verifier::new`].
    pub fn with_clock(
        source: KeySource,
        options: VerifierOptions,
        clock: Arc<dyn Clock>,
    ) -> Result<Verifier> {
        let algorithms = checked_algorithms(&source, &options)?;
        let cache = Arc::new(TokenCache::new(options.token_cache_entries));
        Ok(Verifier {
            source,
            options,
            algorithms,
            clock,
            cache,
            policy: next_policy(),
        })
    }

    /// A verifier with another claim policy (issuers, audiences, scopes, any option) that
    /// keeps this one's key source, clock and verified-token cache: keys already fetched and
    /// tokens already verified stay. A cached verdict answers only the policy it was reached
    /// under, so a token accepted here is checked again under `options` before the new
    /// verifier accepts it. For hosts that set the audience after construction.
    ///
    /// # Errors
    /// As [`Verifier::new`]; [`ErrorKind::InvalidConfig`] also when
    /// `options.token_cache_entries` differs from this verifier's (the cache is shared, so
    /// its size is fixed).
    pub fn with_policy(&self, options: VerifierOptions) -> Result<Verifier> {
        if options.token_cache_entries != self.options.token_cache_entries {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                format!(
                    "VerifierOptions::token_cache_entries is {}, but the derived verifier shares \
                     this verifier's cache of {}: keep the size",
                    options.token_cache_entries, self.options.token_cache_entries
                ),
            ));
        }
        let algorithms = checked_algorithms(&self.source, &options)?;
        let policy = if options == self.options {
            self.policy
        } else {
            next_policy()
        };
        Ok(Verifier {
            source: self.source.clone(),
            options,
            algorithms,
            clock: Arc::clone(&self.clock),
            cache: Arc::clone(&self.cache),
            policy,
        })
    }

    /// The options in force.
    pub fn options(&self) -> &VerifierOptions {
        &self.options
    }

    /// The algorithms accepted, after defaults.
    pub fn algorithms(&self) -> &[Algorithm] {
        &self.algorithms
    }

    /// The key source.
    pub fn source(&self) -> &KeySource {
        &self.source
    }

    /// Fetches the keys now, so that the first request does not wait for them.
    ///
    /// # Errors
    /// The fetch's error, for a remote source.
    pub fn prefetch(&self) -> Result<()> {
        if let KeySource::Remote(r) = &self.source {
            r.refresh()?;
        }
        Ok(())
    }

    /// How many verified tokens are cached.
    pub fn cached_tokens(&self) -> usize {
        self.cache.len()
    }

    /// Drops every cached verified token (also those of the verifiers sharing this one's
    /// cache through [`with_policy`](Verifier::with_policy)).
    pub fn clear_token_cache(&self) {
        self.cache.clear();
    }

    /// Verifies `token`, fetching keys when needed (blocking for at most the fetch timeout).
    ///
    /// # Errors
    /// Every failure has its own [`ErrorKind`]; see the crate's error-code table.
    pub fn verify(&self, token: &str) -> Result<VerifiedToken> {
        self.verify_inner(token, Mode::Io)?
            .ok_or_else(|| Error::new(ErrorKind::JwksFetchFailed, "the keys could not be obtained"))
    }

    /// Verifies `token` without any I/O: the exact no-I/O half of
    /// [`verify`](Verifier::verify).
    ///
    /// `Ok(None)` exactly when a fetch could change the verdict: no usable keys yet, or an
    /// unknown `kid` or a signature failure while a refetch is allowed (a rotation, or a `kid`
    /// reused for a new key). Then call [`verify`](Verifier::verify) off the event loop.
    /// Every other verdict is final and is the one `verify` gives. Keys past their max-age
    /// (within the stale window) still answer here; [`refresh_due`](Verifier::refresh_due)
    /// then says so, and [`refresh_keys_if_due`](Verifier::refresh_keys_if_due), run in the
    /// background, refreshes them, so that no request waits on the network while the
    /// provider is healthy.
    ///
    /// # Errors
    /// As [`verify`](Verifier::verify), for every failure decided without I/O; a failed key
    /// fetch still cooling down is one of them.
    pub fn verify_cached(&self, token: &str) -> Result<Option<VerifiedToken>> {
        self.verify_inner(token, Mode::Cached)
    }

    /// Verifies `token` without any I/O once a key fetch it waited for has finished (its
    /// [`verify_cached`](Verifier::verify_cached) answered `Ok(None)`, and the host then ran
    /// or joined a fetch: [`verify`](Verifier::verify) of another token on a thread pool,
    /// [`prefetch`](Verifier::prefetch), or a host-driven `JwksCache` fetch).
    ///
    /// As `verify_cached`, except that an unknown `kid` or a signature failure under the set
    /// in hand is final even where the cooldown would allow another fetch: the fetch the
    /// token waited for was its one refetch, as in `verify`. Without it, a host would loop
    /// (fetch, `Ok(None)`, fetch, …) on a bad token whenever the cooldown is 0. `Ok(None)`
    /// only while a fetch is still in flight or no set has arrived yet: wait for that one.
    ///
    /// # Errors
    /// As [`verify`](Verifier::verify).
    pub fn verify_after_fetch(&self, token: &str) -> Result<Option<VerifiedToken>> {
        self.verify_inner(token, Mode::AfterFetch)
    }

    /// Whether the key set should be refreshed in the background: it is past its max-age
    /// (or there is none) and a fetch is allowed now. Always `false` for a static key set.
    pub fn refresh_due(&self) -> bool {
        match &self.source {
            KeySource::Remote(r) => r.refresh_due(),
            KeySource::Static(_) => false,
        }
    }

    /// Refreshes the key set if [`refresh_due`](Verifier::refresh_due), blocking for at most
    /// the fetch timeout; for a background task. Single flight with every other fetch.
    ///
    /// # Errors
    /// The fetch's error when there is no set to fall back on.
    pub fn refresh_keys_if_due(&self) -> Result<()> {
        match &self.source {
            KeySource::Remote(r) => r.refresh_if_due(),
            KeySource::Static(_) => Ok(()),
        }
    }

    fn now(&self) -> f64 {
        self.clock.now().as_secs_f64()
    }

    fn verify_inner(&self, token: &str, mode: Mode) -> Result<Option<VerifiedToken>> {
        let allow_io = mode == Mode::Io;
        if token.len() > self.options.max_token_bytes {
            return Err(Error::new(
                ErrorKind::TokenTooLarge,
                format!(
                    "the token is {} bytes; the limit is {} (max_token_bytes)",
                    token.len(),
                    self.options.max_token_bytes
                ),
            ));
        }
        // A cached verdict stands only for the key set it was reached under, so that the
        // cache can never answer differently from a fresh verification.
        if let Some((data, generation)) = self.cache.get(token, self.policy) {
            if self.generation_in_hand(allow_io) == Some(generation) {
                return self.cache_hit(token, data).map(Some);
            }
            // Another key set: judged again from scratch (and cached again if it passes).
            self.cache.remove(token, self.policy);
        }
        // Malformed and opaque tokens fail before any key is fetched.
        let jws = CompactJws::parse(token, &self.algorithms)?;
        let Some(keys) = self.keys(allow_io)? else {
            return Ok(None);
        };
        let first = jws
            .verify_signature(&keys.set, self.options.max_key_candidates)
            .map(|k| k.thumbprint().to_owned());
        let (keys, key) = match first {
            Ok(key) => (keys, key),
            Err(e) => {
                let KeySource::Remote(remote) = &self.source else {
                    return Err(e);
                };
                // An unknown kid may be a rotation, and a signature failure under a known kid
                // may be a kid reused for a new key: a newer set may answer either.
                if !matches!(
                    e.kind(),
                    ErrorKind::JwksNoMatchingKey | ErrorKind::JwsSignatureVerificationFailed
                ) {
                    return Err(e);
                }
                let fresh = if allow_io {
                    match remote.refresh_after_miss(keys.generation)? {
                        Some(fresh) => fresh,
                        None => return Err(e),
                    }
                } else {
                    match remote.peek_miss(keys.generation) {
                        MissPeek::Retry(fresh) => fresh,
                        MissPeek::FetchNeeded
                            if mode == Mode::AfterFetch && !remote.fetch_in_flight() =>
                        {
                            return Err(e);
                        }
                        MissPeek::FetchNeeded => return Ok(None),
                        MissPeek::Final => return Err(e),
                    }
                };
                let fresh = Keys::from(fresh);
                let key = jws.verify_signature(&fresh.set, self.options.max_key_candidates)?;
                let thumb = key.thumbprint().to_owned();
                (fresh, thumb)
            }
        };
        let payload = jws.payload()?;
        let data = Arc::new(policy::check_claims(
            &self.options,
            jws.into_header(),
            payload,
            key,
            self.now(),
        )?);
        self.cache
            .insert(token, self.policy, Arc::clone(&data), keys.generation);
        Ok(Some(VerifiedToken(data)))
    }

    /// A token verified under the current key set: only the time claims can have changed
    /// since, so they are checked again with the current clock, in the order and with the
    /// errors of a fresh verification.
    fn cache_hit(&self, token: &str, data: Arc<TokenData>) -> Result<VerifiedToken> {
        let times = (Ok(data.expires_at), Ok(data.not_before), Ok(data.issued_at));
        match policy::check_times(&self.options, times, self.now()) {
            Ok(_) => Ok(VerifiedToken(data)),
            Err(e) => {
                self.cache.remove(token, self.policy);
                Err(e)
            }
        }
    }

    /// The generation of the set [`keys`](Verifier::keys) would answer with at once, if any.
    /// Read from atomics: a cache hit writes no shared memory.
    fn generation_in_hand(&self, allow_io: bool) -> Option<u64> {
        match &self.source {
            KeySource::Static(_) => Some(0),
            // With I/O only a fresh set answers at once; without, a stale one does too.
            KeySource::Remote(r) => r.generation_in_hand(!allow_io),
        }
    }

    /// The keys to verify with. With I/O: fresh keys, fetched when needed. Without: the set
    /// in hand while it is usable (a refresh past `max_age` is left to
    /// [`refresh_keys_if_due`](Verifier::refresh_keys_if_due)); `None` when only a fetch can
    /// answer.
    fn keys(&self, allow_io: bool) -> Result<Option<Keys>> {
        match &self.source {
            KeySource::Static(set) => Ok(Some(Keys {
                set: Arc::clone(set),
                generation: 0,
            })),
            KeySource::Remote(r) if allow_io => r.keys().map(|s| Some(s.into())),
            KeySource::Remote(r) => match r.peek() {
                Peek::Keys { snapshot, .. } => Ok(Some(snapshot.into())),
                Peek::FetchNeeded => Ok(None),
                Peek::Failed(e) => Err(e),
            },
        }
    }
}

/// How much a verification may do to reach its verdict.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Fetch keys (blocking): [`Verifier::verify`].
    Io,
    /// No I/O; `Ok(None)` when a fetch could change the verdict: [`Verifier::verify_cached`].
    Cached,
    /// No I/O, after a fetch the token waited for: a miss is final unless a fetch is in
    /// flight ([`Verifier::verify_after_fetch`]).
    AfterFetch,
}

/// Checks `options` against `source` and returns the algorithms accepted, after defaults.
fn checked_algorithms(source: &KeySource, options: &VerifierOptions) -> Result<Vec<Algorithm>> {
    if options.issuers.is_empty() && !options.dangerous_accept_any_issuer {
        return Err(Error::new(
            ErrorKind::InvalidConfig,
            "no issuer configured: set the identity provider's issuer (the token's \"iss\"), \
             or set dangerous_accept_any_issuer",
        ));
    }
    if options.audiences.is_empty() && !options.dangerous_accept_any_audience {
        return Err(Error::new(
            ErrorKind::InvalidConfig,
            "no audience configured: set this server's audience (usually its resource URL) so \
             that tokens issued for other services are rejected, or set \
             dangerous_accept_any_audience",
        ));
    }
    let longest_secret = match source {
        KeySource::Static(set) => set.keys().iter().filter_map(|k| k.secret_len()).max(),
        KeySource::Remote(_) => None,
    };
    let algorithms = match (&options.algorithms, longest_secret) {
        (Some(list), _) => list.clone(),
        // A secret serves only the HMAC algorithms it is long enough for (RFC 7518 §3.2).
        (None, Some(len)) => Algorithm::SYMMETRIC
            .into_iter()
            .filter(|a| a.hmac_min_key_len().is_some_and(|min| len >= min))
            .collect(),
        (None, None) => Algorithm::ASYMMETRIC.to_vec(),
    };
    if let Some(len) = longest_secret
        && let Some(short) = algorithms
            .iter()
            .find(|a| a.hmac_min_key_len().is_some_and(|min| len < min))
    {
        return Err(Error::new(
            ErrorKind::InvalidConfig,
            format!(
                "{short} needs a secret of at least {} bytes (RFC 7518 §3.2); the configured \
                 secret has {len}",
                short.hmac_min_key_len().unwrap_or_default()
            ),
        ));
    }
    if algorithms.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidConfig,
            "the algorithm allowlist is empty",
        ));
    }
    if matches!(source, KeySource::Remote(_)) && algorithms.iter().any(|a| a.is_symmetric()) {
        return Err(Error::new(
            ErrorKind::InvalidConfig,
            "HMAC algorithms (HS256/384/512) need a shared secret and are never accepted with a \
             remote JWKS",
        ));
    }
    options.validate()?;
    Ok(algorithms)
}

/// A claim policy id never used before.
fn next_policy() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
