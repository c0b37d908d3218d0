//! [`RemoteJwks`]: an identity provider's key set fetched over HTTP and cached.
//!
//! Lazy first fetch; a set is fresh for `max_age`; an unknown `kid` or a signature failure
//! may trigger a refetch at most once per `cooldown`; one fetch is in flight at a time and
//! concurrent callers wait for it (single flight); when a refresh fails, the last good set keeps
//! serving for `stale_window` after it went stale, so an identity-provider outage does not lock
//! every user out.

use std::fmt;
use std::ops::RangeInclusive;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

use crate::bounds;
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, ErrorKind, Result};
use crate::fetch::UreqFetch;
use crate::http::{Fetch, FetchError, HttpRequest, fetch_text, quote_url, redact_url};
use crate::jwk::{KeySet, KeySetLimits};
use crate::url_policy;

/// Default for [`RemoteJwksOptions::max_age`].
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(600);
/// Default for [`RemoteJwksOptions::cooldown`].
pub const DEFAULT_COOLDOWN: Duration = Duration::from_secs(30);
/// Default for [`RemoteJwksOptions::timeout`].
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default for [`RemoteJwksOptions::stale_window`].
pub const DEFAULT_STALE_WINDOW: Duration = Duration::from_secs(3600);
/// Default for [`RemoteJwksOptions::max_response_bytes`].
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 512 * 1024;
/// Allowed [`RemoteJwksOptions::max_age`]: 1 s to 7 days.
pub const MAX_AGE_RANGE: RangeInclusive<Duration> =
    Duration::from_secs(1)..=Duration::from_secs(7 * 86_400);
/// Allowed [`RemoteJwksOptions::cooldown`]: 0 (no rate limit) to 1 day.
pub const COOLDOWN_RANGE: RangeInclusive<Duration> = Duration::ZERO..=Duration::from_secs(86_400);
/// Allowed [`RemoteJwksOptions::timeout`]: 1 ms to 10 min ([`crate::http::TIMEOUT_RANGE`]).
pub const TIMEOUT_RANGE: RangeInclusive<Duration> = crate::http::TIMEOUT_RANGE;
/// Allowed [`RemoteJwksOptions::stale_window`]: 0 (no stale serving) to 7 days.
pub const STALE_WINDOW_RANGE: RangeInclusive<Duration> =
    Duration::ZERO..=Duration::from_secs(7 * 86_400);
/// Allowed [`RemoteJwksOptions::max_response_bytes`]: 1 byte to 64 MiB
/// ([`crate::http::MAX_RESPONSE_BYTES_RANGE`]).
pub const MAX_RESPONSE_BYTES_RANGE: RangeInclusive<usize> = crate::http::MAX_RESPONSE_BYTES_RANGE;
/// Allowed [`RemoteJwksOptions::max_keys`]: 1 to 10 000.
pub const MAX_KEYS_RANGE: RangeInclusive<usize> = 1..=10_000;
/// How much longer than the fetch timeout a caller waits for another caller's fetch.
const WAIT_MARGIN: Duration = Duration::from_secs(2);

/// Options for [`RemoteJwks`]. Every field has a default ([`RemoteJwksOptions::default`]).
/// Each numeric field is checked against its range (`*_RANGE` in this module) when the
/// [`RemoteJwks`] is built; a value outside is [`ErrorKind::InvalidConfig`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteJwksOptions {
    /// How long a fetched set is used before it is refetched. Defaults to 10 minutes;
    /// 1 s to 7 days ([`MAX_AGE_RANGE`]).
    pub max_age: Duration,
    /// The least time between two fetches triggered by an unknown `kid`, a signature
    /// failure, or a failed fetch. Defaults to 30 seconds; 0 to 1 day ([`COOLDOWN_RANGE`]).
    pub cooldown: Duration,
    /// How long one fetch may take. Defaults to 5 seconds; 1 ms to 10 min
    /// ([`TIMEOUT_RANGE`]).
    pub timeout: Duration,
    /// How long past `max_age` the last good set keeps serving while refreshes fail.
    /// Defaults to 1 hour; zero disables stale serving; at most 7 days
    /// ([`STALE_WINDOW_RANGE`]).
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

impl RemoteJwksOptions {
    /// Checks every field against its range.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] naming the first field outside its range.
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
            max_keys: crate::jwk::DEFAULT_MAX_KEYS,
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
    /// already parsed), so tokens verified under it stay cached.
    pub generation: u64,
    /// When the set was fetched (clock time since the Unix epoch).
    pub fetched_at: Duration,
}

#[derive(Debug, Default)]
struct State {
    current: Option<KeySnapshot>,
    last_attempt: Option<Duration>,
    last_error: Option<Error>,
    in_flight: bool,
    /// Counts finished fetches, so that a waiter can tell its fetch has completed.
    finished: u64,
    /// The outcome of the most recent fetch, for callers that waited on it.
    last_outcome: Option<Result<KeySnapshot>>,
    generation: u64,
    /// SHA-256 of the document behind `current`.
    digest: Option<[u8; 32]>,
}

/// What the cache can answer without I/O: see [`RemoteJwks::peek`].
#[derive(Debug, Clone)]
pub enum Peek {
    /// A set that may be used now (fresh, or past `max_age` but within the stale window).
    /// `refresh_due` says a fetch should run in the background
    /// ([`RemoteJwks::refresh_if_due`]).
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
/// I/O: see [`RemoteJwks::peek_miss`].
#[derive(Debug, Clone)]
pub enum MissPeek {
    /// Another caller already brought a newer set: try it.
    Retry(KeySnapshot),
    /// A refetch is allowed (or one is in flight): only it can answer.
    FetchNeeded,
    /// The cooldown forbids a refetch: the miss is final.
    Final,
}

/// A JWKS fetched from a URL and cached. `Send + Sync`; share it behind an `Arc`.
pub struct RemoteJwks {
    url: String,
    options: RemoteJwksOptions,
    fetch: Arc<dyn Fetch>,
    clock: Arc<dyn Clock>,
    state: Mutex<State>,
    done: Condvar,
    /// `current`'s generation and times, for readers that must not take `state`.
    published: crate::key_generation::PublishedGeneration,
}

impl fmt::Debug for RemoteJwks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteJwks")
            .field("url", &redact_url(&self.url))
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// Why a refetch is asked for; decides whether the cooldown applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trigger {
    /// No set yet, or the set is past `max_age`.
    Expired,
    /// An unknown `kid` or a signature failure: at most once per cooldown.
    Miss,
    /// The caller asked (prefetch): always fetch, still single flight.
    Forced,
}

impl RemoteJwks {
    /// A key set at `url` fetched with the shared [`UreqFetch`] and the system clock.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] when the URL is not `https` (or `http` to a loopback
    /// host), when an option is outside its range, or when the HTTP client cannot be built.
    pub fn new(url: &str, options: RemoteJwksOptions) -> Result<RemoteJwks> {
        let fetch: Arc<dyn Fetch> = UreqFetch::shared()?;
        RemoteJwks::with_parts(url, options, fetch, Arc::new(SystemClock))
    }

    /// A key set at `url` fetched with `fetch` and timed with `clock`.
    ///
    /// # Errors
    /// As [`RemoteJwks::new`].
    pub fn with_parts(
        url: &str,
        options: RemoteJwksOptions,
        fetch: Arc<dyn Fetch>,
        clock: Arc<dyn Clock>,
    ) -> Result<RemoteJwks> {
        url_policy::check_fetch_url(url, "JWKS", options.dangerous_allow_insecure_http)?;
        options.validate()?;
        Ok(RemoteJwks {
            url: url.to_owned(),
            options,
            fetch,
            clock,
            state: Mutex::new(State::default()),
            done: Condvar::new(),
            published: Default::default(),
        })
    }

    /// The JWKS URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The options in force.
    pub fn options(&self) -> &RemoteJwksOptions {
        &self.options
    }

    /// The clock this set is timed with.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// The set if one was fetched within `max_age`; never does I/O.
    pub fn fresh(&self) -> Option<KeySnapshot> {
        let now = self.clock.now();
        let st = self.state.lock();
        st.current
            .as_ref()
            .filter(|s| self.is_fresh(s, now))
            .cloned()
    }

    /// The generation [`fresh`](RemoteJwks::fresh) (or, with `serve_stale`,
    /// [`peek`](RemoteJwks::peek)) would answer with, read from atomics without writing shared
    /// memory; `None` when they would not answer with a set (or a refresh is being published).
    pub(crate) fn generation_in_hand(&self, serve_stale: bool) -> Option<u64> {
        self.published.read(self.clock.now(), serve_stale)
    }

    /// The set if one may still be used: fresh, or stale within the stale window after a
    /// failed refresh. Never does I/O.
    pub fn usable(&self) -> Option<KeySnapshot> {
        let now = self.clock.now();
        let st = self.state.lock();
        st.current
            .as_ref()
            .filter(|s| self.within_stale_window(s, now))
            .cloned()
    }

    /// What can be answered now without I/O: the usable set and whether a background refresh
    /// is due, or that a fetch is needed, or the error of a failed fetch still cooling down.
    /// This is the no-I/O half of [`keys`](RemoteJwks::keys): where `keys` would fetch and
    /// wait, `peek` says [`Peek::FetchNeeded`]; where `keys` would answer at once, `peek`
    /// gives the same answer, except that a set past `max_age` (within the stale window) is
    /// served with `refresh_due` instead of being refetched first.
    pub fn peek(&self) -> Peek {
        let now = self.clock.now();
        let st = self.state.lock();
        if let Some(cur) = &st.current
            && self.within_stale_window(cur, now)
        {
            let refresh_due = !self.is_fresh(cur, now) && self.expired_fetch_allowed(&st, now);
            return Peek::Keys {
                snapshot: cur.clone(),
                refresh_due,
            };
        }
        if st.in_flight || self.expired_fetch_allowed(&st, now) {
            return Peek::FetchNeeded;
        }
        Peek::Failed(
            st.last_error.clone().unwrap_or_else(|| {
                Error::new(ErrorKind::JwksFetchFailed, "the JWKS is not available")
            }),
        )
    }

    /// The no-I/O half of [`refresh_after_miss`](RemoteJwks::refresh_after_miss), for a miss
    /// under the set of generation `seen_generation`.
    pub fn peek_miss(&self, seen_generation: u64) -> MissPeek {
        let now = self.clock.now();
        let st = self.state.lock();
        match &st.current {
            Some(cur) if cur.generation != seen_generation => MissPeek::Retry(cur.clone()),
            _ if st.in_flight || !self.cooling(&st, now) => MissPeek::FetchNeeded,
            _ => MissPeek::Final,
        }
    }

    /// Whether a background refresh should run: the set is past `max_age` (or there is none)
    /// and a fetch is allowed now (none in flight, no failure within the cooldown).
    pub fn refresh_due(&self) -> bool {
        let now = self.clock.now();
        let st = self.state.lock();
        let stale = st.current.as_ref().is_none_or(|s| !self.is_fresh(s, now));
        stale && !st.in_flight && self.expired_fetch_allowed(&st, now)
    }

    /// Refreshes the set if [`refresh_due`](RemoteJwks::refresh_due) says so, as
    /// [`keys`](RemoteJwks::keys) does (single flight, cooldown after failures). For a
    /// binding's background task after [`peek`](RemoteJwks::peek) answered `refresh_due`.
    ///
    /// # Errors
    /// The fetch's error when there is no set to fall back on.
    pub fn refresh_if_due(&self) -> Result<()> {
        self.keys().map(|_| ())
    }

    fn cooling(&self, st: &State, now: Duration) -> bool {
        st.last_attempt
            .is_some_and(|t| now < t.saturating_add(self.options.cooldown))
    }

    /// An expired (or missing) set may be refetched unless the last attempt failed within the
    /// cooldown: a dead endpoint must not be hammered by every request.
    fn expired_fetch_allowed(&self, st: &State, now: Duration) -> bool {
        !(self.cooling(st, now) && st.last_error.is_some())
    }

    /// How many fetches have finished, successful or not. For diagnostics and tests.
    pub fn fetch_count(&self) -> u64 {
        self.state.lock().finished
    }

    /// The current set, fetching it when there is none yet or it is past `max_age`.
    ///
    /// # Errors
    /// The fetch's error ([`ErrorKind::JwksTimeout`], [`ErrorKind::JwksFetchFailed`],
    /// [`ErrorKind::JwksInvalid`]) when there is no set to fall back on.
    pub fn keys(&self) -> Result<KeySnapshot> {
        if let Some(s) = self.fresh() {
            return Ok(s);
        }
        self.refetch(Trigger::Expired)?
            .ok_or_else(|| Error::new(ErrorKind::JwksFetchFailed, "the JWKS could not be fetched"))
    }

    /// Refetches because a token's `kid` is unknown or its signature failed under the cached
    /// key (some providers reuse a `kid` for a new key). Returns `Ok(None)` when the cooldown
    /// does not allow a fetch yet, or when the fetched set is the one already held.
    ///
    /// # Errors
    /// The fetch's error when there is no set to fall back on.
    pub fn refresh_after_miss(&self, seen_generation: u64) -> Result<Option<KeySnapshot>> {
        {
            let st = self.state.lock();
            // Another caller already refreshed since this one looked: use that set.
            if let Some(cur) = &st.current
                && cur.generation != seen_generation
            {
                return Ok(Some(cur.clone()));
            }
        }
        Ok(self
            .refetch(Trigger::Miss)?
            .filter(|s| s.generation != seen_generation))
    }

    /// Fetches now (single flight, no cooldown), e.g. to warm the cache at start-up.
    ///
    /// # Errors
    /// The fetch's error.
    pub fn refresh(&self) -> Result<KeySnapshot> {
        self.refetch(Trigger::Forced)?
            .ok_or_else(|| Error::new(ErrorKind::JwksFetchFailed, "the JWKS could not be fetched"))
    }

    fn is_fresh(&self, s: &KeySnapshot, now: Duration) -> bool {
        now < s.fetched_at.saturating_add(self.options.max_age)
    }

    fn within_stale_window(&self, s: &KeySnapshot, now: Duration) -> bool {
        now < s
            .fetched_at
            .saturating_add(self.options.max_age)
            .saturating_add(self.options.stale_window)
    }

    /// Either waits for the fetch in flight and returns its outcome, or marks a fetch as
    /// started by this caller (returns `None`; the caller must then call `run_fetch`).
    fn start_or_wait(
        &self,
        st: &mut parking_lot::MutexGuard<'_, State>,
    ) -> Option<Result<KeySnapshot>> {
        if st.in_flight {
            let seq = st.finished;
            // Bounded: a fetch cannot outlive its timeout by much, and a waiter must not hang.
            let limit = self.options.timeout.saturating_add(WAIT_MARGIN);
            // The options are range-checked, but a deadline past what `Instant` can hold
            // must still not panic: then the wait is bounded by the fetch itself.
            let deadline = Instant::now().checked_add(limit);
            while st.in_flight && st.finished == seq {
                let timed_out = match deadline {
                    Some(deadline) => self.done.wait_until(st, deadline).timed_out(),
                    None => {
                        self.done.wait(st);
                        false
                    }
                };
                if timed_out {
                    return Some(Err(Error::new(
                        ErrorKind::JwksTimeout,
                        format!(
                            "waited {} ms for the JWKS fetch of {}",
                            limit.as_millis(),
                            redact_url(&self.url)
                        ),
                    )
                    .with_reason("timeout")));
                }
            }
            return Some(st.last_outcome.clone().unwrap_or_else(|| {
                Err(Error::new(
                    ErrorKind::JwksFetchFailed,
                    "the JWKS fetch did not finish",
                ))
            }));
        }
        st.in_flight = true;
        None
    }

    fn refetch(&self, trigger: Trigger) -> Result<Option<KeySnapshot>> {
        let now = self.clock.now();
        let mut st = self.state.lock();
        if let Some(cur) = &st.current
            && trigger == Trigger::Expired
            && self.is_fresh(cur, now)
        {
            return Ok(Some(cur.clone()));
        }
        let blocked = match trigger {
            Trigger::Forced => false,
            Trigger::Miss => self.cooling(&st, now),
            Trigger::Expired => !self.expired_fetch_allowed(&st, now),
        };
        if blocked && !st.in_flight {
            return match (&st.current, trigger) {
                (Some(_), Trigger::Miss) => Ok(None),
                (Some(cur), _) if self.within_stale_window(cur, now) => Ok(Some(cur.clone())),
                _ => Err(st.last_error.clone().unwrap_or_else(|| {
                    Error::new(ErrorKind::JwksFetchFailed, "the JWKS is not available")
                })),
            };
        }
        // Stale-while-revalidate: while another caller refreshes an expired set, the set in
        // hand (still within the stale window) answers at once instead of making every request
        // wait for a slow endpoint. Only the caller that fetches waits.
        if trigger == Trigger::Expired
            && st.in_flight
            && let Some(cur) = &st.current
            && self.within_stale_window(cur, now)
        {
            return Ok(Some(cur.clone()));
        }
        let waited = self.start_or_wait(&mut st);
        // Released on both paths: `fallback` takes the lock again, and a waiter still holding
        // it would deadlock every caller after a failed fetch.
        drop(st);
        let outcome = match waited {
            Some(outcome) => outcome,
            None => self.run_fetch(),
        };
        if trigger == Trigger::Forced {
            return outcome.map(Some);
        }
        self.fallback(outcome, now).map(Some)
    }

    /// A failed fetch falls back to the last good set while it is within the stale window.
    fn fallback(&self, outcome: Result<KeySnapshot>, now: Duration) -> Result<KeySnapshot> {
        match outcome {
            Ok(s) => Ok(s),
            Err(e) => {
                let st = self.state.lock();
                match &st.current {
                    Some(cur) if self.within_stale_window(cur, now) => Ok(cur.clone()),
                    _ => Err(e),
                }
            }
        }
    }

    /// Runs one fetch; the caller has set `in_flight`. Always clears it and wakes waiters,
    /// even if the fetch panics.
    fn run_fetch(&self) -> Result<KeySnapshot> {
        struct Unwind<'a>(&'a RemoteJwks, bool);
        impl Drop for Unwind<'_> {
            fn drop(&mut self) {
                if self.1 {
                    let e = Error::new(ErrorKind::JwksFetchFailed, "the JWKS fetch panicked");
                    let _ = self.0.complete(Err(e));
                }
            }
        }
        let mut guard = Unwind(self, true);
        let fetched = self.fetch_once();
        guard.1 = false;
        self.complete(fetched)
    }

    fn complete(&self, fetched: Result<(KeySet, [u8; 32])>) -> Result<KeySnapshot> {
        let now = self.clock.now();
        let mut st = self.state.lock();
        st.in_flight = false;
        st.finished += 1;
        st.last_attempt = Some(now);
        let outcome = match fetched {
            Ok((keys, digest)) => {
                let snap = match &st.current {
                    // The same document again: same generation, same parsed keys.
                    Some(cur) if st.digest == Some(digest) => KeySnapshot {
                        fetched_at: now,
                        ..cur.clone()
                    },
                    _ => {
                        st.generation += 1;
                        KeySnapshot {
                            keys: Arc::new(keys),
                            generation: st.generation,
                            fetched_at: now,
                        }
                    }
                };
                st.digest = Some(digest);
                let fresh_until = snap.fetched_at.saturating_add(self.options.max_age);
                let usable_until = fresh_until.saturating_add(self.options.stale_window);
                self.published
                    .publish(snap.generation, fresh_until, usable_until);
                st.current = Some(snap.clone());
                st.last_error = None;
                Ok(snap)
            }
            Err(e) => {
                st.last_error = Some(e.clone());
                Err(e)
            }
        };
        st.last_outcome = Some(outcome.clone());
        self.done.notify_all();
        outcome
    }

    fn fetch_once(&self) -> Result<(KeySet, [u8; 32])> {
        let mut request = HttpRequest::get(&self.url);
        request.timeout = self.options.timeout;
        request.max_response_bytes = self.options.max_response_bytes;
        let response = self.fetch.fetch(&request).map_err(|e| match e {
            FetchError::Timeout(m) => Error::new(
                ErrorKind::JwksTimeout,
                format!("JWKS fetch timed out: {}", fetch_text(&m)),
            )
            .with_reason("timeout"),
            FetchError::TooLarge(m) => Error::new(
                ErrorKind::JwksFetchFailed,
                format!(
                    "JWKS response too large: {} (raise max_response_bytes if this is right)",
                    fetch_text(&m)
                ),
            )
            .with_reason("too_large"),
            FetchError::Transport(m) => Error::new(
                ErrorKind::JwksFetchFailed,
                format!("JWKS fetch failed: {}", fetch_text(&m)),
            )
            .with_reason("transport"),
        })?;
        match response.status {
            200 => {}
            300..=399 => {
                return Err(Error::new(
                    ErrorKind::JwksFetchFailed,
                    format!(
                        "JWKS endpoint {} redirected (HTTP {}) to {}; redirects are not followed: \
                         configure the final URL",
                        redact_url(&self.url),
                        response.status,
                        response
                            .header("location")
                            .map_or_else(|| "nowhere".to_owned(), quote_url)
                    ),
                )
                .with_reason("redirect"));
            }
            status => {
                return Err(Error::new(
                    ErrorKind::JwksFetchFailed,
                    format!(
                        "JWKS endpoint {} answered HTTP {status}",
                        redact_url(&self.url)
                    ),
                )
                .with_reason("http_status"));
            }
        }
        let keys = KeySet::from_slice(
            &response.body,
            KeySetLimits {
                max_keys: self.options.max_keys,
            },
        )?;
        Ok((keys, document_digest(&response.body)))
    }
}

fn document_digest(body: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, body).as_ref());
    out
}
