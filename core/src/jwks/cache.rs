//! [`JwksCache`]: the key-set cache as a state machine, with no I/O and no clock.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use parking_lot::Mutex;

use super::{FetchReason, KeySnapshot, MissPeek, Peek, RemoteJwksOptions};
use crate::error::{Error, ErrorKind, Result};
use crate::jwk::{KeySet, KeySetOptions};
use crate::net::{self, FetchError, Fetched, HttpRequest, HttpResponse, quote_url, redact_url};

/// A JWKS cache that does no I/O: it decides, the caller fetches.
///
/// Every method takes the current time as seconds since the Unix epoch and answers at once.
/// The cycle a driver runs:
///
/// 1. [`start_fetch`](JwksCache::start_fetch) (or [`peek`](JwksCache::peek) /
///    [`fetch_needed`](JwksCache::fetch_needed) first, to see whether one is due) marks a
///    fetch as in flight and hands back a [`PendingFetch`] holding the [`HttpRequest`] to send
///    (with the timeout and size cap of the options) and why it is needed;
/// 2. the driver sends it with any HTTP client that does not follow redirects;
/// 3. [`finish_fetch`](JwksCache::finish_fetch) takes the response, or the transport failure,
///    checks it (status, redirect, size cap, JSON, keys) and installs the new set, or records
///    the failure for the cooldown. Every started fetch must be finished: until then, no
///    other fetch starts.
///
/// [`RemoteJwks`](super::RemoteJwks) is the default driver (blocking, over
/// [`crate::net::UreqFetch`]). A host with its own HTTP client builds the cache, wraps it in
/// [`RemoteJwks::driven_by_host`](super::RemoteJwks::driven_by_host) for a
/// [`crate::Verifier`], verifies with [`crate::Verifier::verify_cached`], and runs a fetch
/// whenever that answers `Ok(None)` or [`crate::Verifier::refresh_due`] says so:
///
/// ```no_run
/// use std::sync::Arc;
/// use mcp_bearer::clock::{Clock, SystemClock};
/// use mcp_bearer::jwks::{JwksCache, RemoteJwks, RemoteJwksOptions};
/// use mcp_bearer::net::{FetchError, HttpRequest, HttpResponse};
/// use mcp_bearer::{KeySource, Verifier, VerifierOptions};
///
/// // The host's own client (URLSession, OkHttp, …); it must not follow redirects.
/// fn send(request: &HttpRequest) -> Result<HttpResponse, FetchError> {
///     # let _ = request;
///     # Err(FetchError::Transport("the host's HTTP client answers here".into()))
/// }
///
/// let cache = Arc::new(JwksCache::new(
///     "https://idp.example.com/.well-known/jwks.json",
///     RemoteJwksOptions::default(),
/// )?);
/// let clock: Arc<dyn Clock> = Arc::new(SystemClock);
/// let remote = RemoteJwks::driven_by_host(Arc::clone(&cache), Arc::clone(&clock));
/// let verifier = Verifier::new(
///     KeySource::Remote(Arc::new(remote)),
///     VerifierOptions {
///         issuers: vec!["https://idp.example.com/".into()],
///         audiences: vec!["https://mcp.example.com/mcp".into()],
///         ..VerifierOptions::default()
///     },
/// )?;
/// # let bearer = "";
/// let verdict = loop {
///     if let Some(verdict) = verifier.verify_cached(bearer).transpose() {
///         break verdict;
///     }
///     // Only a fetch can answer: run it (or wait for the one in flight).
///     match cache.start_fetch(clock.now_secs()) {
///         Some(pending) => {
///             let response = send(pending.request());
///             // A failure is remembered (cooldown), and a set in hand keeps serving.
///             let _ = cache.finish_fetch(pending, response, clock.now_secs());
///         }
///         None => { /* another task's fetch is in flight: wait for it, then retry */ }
///     }
/// };
/// # let _ = verdict;
/// # Ok::<(), mcp_bearer::Error>(())
/// ```
pub struct JwksCache {
    url: String,
    options: RemoteJwksOptions,
    state: Mutex<State>,
    /// The generation of the current set (0: none yet), readable without the lock.
    generation: AtomicU64,
    /// Until when (Unix seconds, excluded) the current set is fresh (0: no set), readable
    /// without the lock.
    fresh_until: AtomicU64,
    /// The generation with the times it is fresh and usable until, published together so a
    /// verified-token cache hit can check its generation without the lock.
    published: super::published::PublishedGeneration,
}

impl fmt::Debug for JwksCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwksCache")
            .field("url", &redact_url(&self.url))
            .field("options", &self.options)
            .field("generation", &self.current_generation())
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Default)]
struct State {
    current: Option<KeySnapshot>,
    /// When the last fetch finished (Unix seconds).
    last_attempt: Option<u64>,
    last_error: Option<Error>,
    in_flight: bool,
    /// Counts finished fetches, so that a waiter can tell its fetch has completed.
    finished: u64,
    /// The outcome of the most recent fetch, for callers that waited on it.
    last_outcome: Option<Result<KeySnapshot>>,
    generation: u64,
    /// SHA-256 of the document behind `current`.
    digest: Option<[u8; 32]>,
    /// The document behind `current`, as fetched or seeded.
    document: Option<Arc<[u8]>>,
}

/// A fetch this caller started: send [`request`](PendingFetch::request), then hand the
/// outcome to [`JwksCache::finish_fetch`].
#[derive(Debug)]
#[must_use = "a started fetch must be finished, or no other fetch starts"]
pub struct PendingFetch {
    request: HttpRequest,
    reason: FetchReason,
}

impl PendingFetch {
    /// The request to send: a `GET` of the JWKS URL with the options' timeout and size cap.
    pub fn request(&self) -> &HttpRequest {
        &self.request
    }

    /// Why the fetch runs.
    pub fn reason(&self) -> FetchReason {
        self.reason
    }
}

/// What a caller of the blocking API wants; decides which rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Want {
    /// The current set: fetched when there is none or it is past `max_age`.
    Keys,
    /// A newer set than generation `seen`, after a miss under it: at most once per cooldown.
    Miss {
        /// The generation the miss happened under.
        seen: u64,
    },
    /// A fetch now, whatever the cooldown (still single flight).
    Refresh,
}

/// The next step for a caller of the blocking API.
#[derive(Debug)]
pub(crate) enum Step {
    /// The answer, without a fetch.
    Done(Result<Option<KeySnapshot>>),
    /// Another caller's fetch is in flight: wait until more than `finished` fetches have
    /// finished, then [`JwksCache::settle`] its outcome.
    Wait {
        /// [`JwksCache::finished_fetches`] when the wait began.
        finished: u64,
    },
    /// This caller fetches: send the request, [`JwksCache::finish_fetch`], then
    /// [`JwksCache::settle`] the outcome.
    Fetch(PendingFetch),
}

impl JwksCache {
    /// A cache for the key set at `url`. Fetches nothing.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] when the URL is not `https` (or `http` to a loopback
    /// host), or when an option is outside its range.
    pub fn new(url: &str, options: RemoteJwksOptions) -> Result<JwksCache> {
        net::url::check_fetch_url(url, "JWKS", options.dangerous_allow_insecure_http)?;
        options.validate()?;
        Ok(JwksCache {
            url: url.to_owned(),
            options,
            state: Mutex::new(State::default()),
            generation: AtomicU64::new(0),
            fresh_until: AtomicU64::new(0),
            published: super::published::PublishedGeneration::default(),
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

    /// The generation of the current set, 0 before the first successful fetch. Reads one
    /// atomic, no lock.
    pub fn current_generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Until when the current set is fresh, in seconds since the Unix epoch (excluded); 0
    /// before the first successful fetch. Reads one atomic, no lock.
    pub fn fresh_until(&self) -> u64 {
        self.fresh_until.load(Ordering::Acquire)
    }

    /// The generation [`fresh`](JwksCache::fresh) (or, with `serve_stale`,
    /// [`usable`](JwksCache::usable)) would answer with at `now`, read from atomics without
    /// writing shared memory; `None` when there is no such set or a new one is being
    /// published (the caller then takes the locked path, which gives the same answer).
    pub(crate) fn generation_in_hand(&self, now: u64, serve_stale: bool) -> Option<u64> {
        self.published.read(secs(now), serve_stale)
    }

    /// How many fetches have finished, successful or not.
    pub fn finished_fetches(&self) -> u64 {
        self.state.lock().finished
    }

    /// The set if one was fetched within `max_age` of `now`.
    pub fn fresh(&self, now: u64) -> Option<KeySnapshot> {
        let st = self.state.lock();
        st.current
            .as_ref()
            .filter(|s| self.is_fresh(s, now))
            .cloned()
    }

    /// The set if one may still be used at `now`: fresh, or stale within the stale window.
    pub fn usable(&self, now: u64) -> Option<KeySnapshot> {
        let st = self.state.lock();
        st.current
            .as_ref()
            .filter(|s| self.within_stale_window(s, now))
            .cloned()
    }

    /// What can be answered at `now` without a fetch: the usable set and whether a
    /// background refresh is due, or that a fetch is needed, or the error of a failed fetch
    /// still cooling down. Where the blocking [`RemoteJwks::keys`](super::RemoteJwks::keys)
    /// would fetch and wait, this says [`Peek::FetchNeeded`]; where it would answer at once,
    /// this gives the same answer, except that a set past `max_age` (within the stale window)
    /// is served with `refresh_due` instead of being refetched first.
    pub fn peek(&self, now: u64) -> Peek {
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
        Peek::Failed(Self::last_error(&st))
    }

    /// The no-I/O answer to a miss (an unknown `kid`, or a signature failure) under the set
    /// of generation `seen_generation`, at `now`.
    pub fn peek_miss(&self, seen_generation: u64, now: u64) -> MissPeek {
        let st = self.state.lock();
        match &st.current {
            Some(cur) if cur.generation != seen_generation => MissPeek::Retry(cur.clone()),
            _ if st.in_flight || !self.cooling(&st, now) => MissPeek::FetchNeeded,
            _ => MissPeek::Final,
        }
    }

    /// Whether a fetch is in flight (started and not yet finished).
    pub(crate) fn fetch_in_flight(&self) -> bool {
        self.state.lock().in_flight
    }

    /// Whether a background refresh should run at `now`: the set is past `max_age` (or
    /// there is none) and a fetch is allowed (none in flight, no failure within the cooldown).
    pub fn refresh_due(&self, now: u64) -> bool {
        let st = self.state.lock();
        let stale = st.current.as_ref().is_none_or(|s| !self.is_fresh(s, now));
        stale && !st.in_flight && self.expired_fetch_allowed(&st, now)
    }

    /// Whether a fetch may start at `now`, and why; `None` while one is in flight or while
    /// the rules allow none (a fresh set within the cooldown of the last fetch, or a failure
    /// within its cooldown).
    ///
    /// [`FetchReason::Miss`] means a fetch is allowed but the set in hand does not need one:
    /// run it only for a token the set could not verify (what
    /// [`crate::Verifier::verify_cached`] answering `Ok(None)` says).
    pub fn fetch_needed(&self, now: u64) -> Option<FetchReason> {
        let st = self.state.lock();
        self.reason_for(&st, now)
    }

    fn reason_for(&self, st: &State, now: u64) -> Option<FetchReason> {
        if st.in_flight {
            return None;
        }
        match &st.current {
            None if self.expired_fetch_allowed(st, now) => Some(FetchReason::Initial),
            Some(cur) if !self.is_fresh(cur, now) && self.expired_fetch_allowed(st, now) => {
                Some(FetchReason::Expired)
            }
            Some(_) if !self.cooling(st, now) => Some(FetchReason::Miss),
            _ => None,
        }
    }

    /// Starts the fetch [`fetch_needed`](JwksCache::fetch_needed) allows at `now`, if any:
    /// marks it in flight and returns the request to send.
    pub fn start_fetch(&self, now: u64) -> Option<PendingFetch> {
        let mut st = self.state.lock();
        let reason = self.reason_for(&st, now)?;
        Some(self.start(&mut st, reason))
    }

    /// Starts a fetch whatever the cooldown (a start-up prefetch), unless one is in flight.
    pub fn start_forced_fetch(&self) -> Option<PendingFetch> {
        let mut st = self.state.lock();
        (!st.in_flight).then(|| self.start(&mut st, FetchReason::Forced))
    }

    fn start(&self, st: &mut State, reason: FetchReason) -> PendingFetch {
        st.in_flight = true;
        let mut request = HttpRequest::get(&self.url);
        request.timeout = self.options.timeout;
        request.max_response_bytes = self.options.max_response_bytes;
        PendingFetch { request, reason }
    }

    /// Ends the fetch `pending` at `now` with its outcome: the response, or the client's
    /// failure. A 200 whose body is a valid key set within the limits becomes the current
    /// set (keeping its generation when the document is unchanged); anything else is
    /// recorded as a failure, which starts the cooldown, while a set in hand keeps serving
    /// within the stale window.
    ///
    /// # Errors
    /// The fetch's error: [`ErrorKind::JwksTimeout`], [`ErrorKind::JwksFetchFailed`] (a
    /// transport failure, a body over `max_response_bytes`, a non-200 status, a redirect),
    /// [`ErrorKind::JwksInvalid`] (not a usable key set).
    pub fn finish_fetch(
        &self,
        pending: PendingFetch,
        response: std::result::Result<HttpResponse, FetchError>,
        now: u64,
    ) -> Result<KeySnapshot> {
        let checked = response
            .map_err(|e| net::fetch_failure(Fetched::Jwks, &e))
            .and_then(|r| self.check(&pending.request, r));
        self.complete(checked, now)
    }

    /// The answer to `want` from the outcome of the fetch it started or waited for, asked at
    /// `asked_at`: a failed fetch falls back to the set in hand within the stale window
    /// (except for a forced refresh), and a miss gets a set only if it is newer than the one
    /// it missed under.
    pub(crate) fn settle(
        &self,
        want: Want,
        outcome: Result<KeySnapshot>,
        asked_at: u64,
    ) -> Result<Option<KeySnapshot>> {
        let resolved = match (want, outcome) {
            (Want::Refresh, outcome) => outcome,
            (_, Ok(s)) => Ok(s),
            (_, Err(e)) => {
                let st = self.state.lock();
                match &st.current {
                    Some(cur) if self.within_stale_window(cur, asked_at) => Ok(cur.clone()),
                    _ => Err(e),
                }
            }
        }?;
        Ok(match want {
            Want::Miss { seen } => Some(resolved).filter(|s| s.generation != seen),
            Want::Keys | Want::Refresh => Some(resolved),
        })
    }

    /// The outcome of the fetch that finished after `finished` fetches had, once there is
    /// one; `None` while it is still in flight.
    pub(crate) fn outcome_since(&self, finished: u64) -> Option<Result<KeySnapshot>> {
        let st = self.state.lock();
        if st.in_flight && st.finished == finished {
            return None;
        }
        Some(st.last_outcome.clone().unwrap_or_else(|| {
            Err(Error::new(
                ErrorKind::JwksFetchFailed,
                "the JWKS fetch did not finish",
            ))
        }))
    }

    /// The next step towards `want` at `now`: the answer, a wait for the fetch in flight, or
    /// a fetch this caller runs. The rules of the blocking API: lazy first fetch, refetch past
    /// `max_age`, a miss at most once per cooldown, a failure cooling down, single flight,
    /// and stale-while-revalidate.
    pub(crate) fn begin(&self, want: Want, now: u64) -> Step {
        let mut st = self.state.lock();
        if let Some(cur) = &st.current {
            match want {
                Want::Keys if self.is_fresh(cur, now) => {
                    return Step::Done(Ok(Some(cur.clone())));
                }
                // Another caller already refreshed since this one looked: use that set.
                Want::Miss { seen } if cur.generation != seen => {
                    return Step::Done(Ok(Some(cur.clone())));
                }
                _ => {}
            }
        }
        let blocked = match want {
            Want::Refresh => false,
            Want::Miss { .. } => self.cooling(&st, now),
            Want::Keys => !self.expired_fetch_allowed(&st, now),
        };
        if blocked && !st.in_flight {
            return Step::Done(match (&st.current, want) {
                (Some(_), Want::Miss { .. }) => Ok(None),
                (Some(cur), _) if self.within_stale_window(cur, now) => Ok(Some(cur.clone())),
                _ => Err(Self::last_error(&st)),
            });
        }
        if st.in_flight {
            // Stale-while-revalidate: while another caller refreshes an expired set, the set
            // in hand (still within the stale window) answers at once instead of making every
            // request wait for a slow endpoint. Only the caller that fetches waits.
            if want == Want::Keys
                && let Some(cur) = &st.current
                && self.within_stale_window(cur, now)
            {
                return Step::Done(Ok(Some(cur.clone())));
            }
            return Step::Wait {
                finished: st.finished,
            };
        }
        let reason = match (want, &st.current) {
            (Want::Refresh, _) => FetchReason::Forced,
            (Want::Miss { .. }, _) => FetchReason::Miss,
            (Want::Keys, None) => FetchReason::Initial,
            (Want::Keys, Some(_)) => FetchReason::Expired,
        };
        Step::Fetch(self.start(&mut st, reason))
    }

    fn last_error(st: &State) -> Error {
        st.last_error
            .clone()
            .unwrap_or_else(|| Error::new(ErrorKind::JwksFetchFailed, "the JWKS is not available"))
    }

    fn cooling(&self, st: &State, now: u64) -> bool {
        st.last_attempt
            .is_some_and(|t| secs(now) < secs(t).saturating_add(self.options.cooldown))
    }

    /// An expired (or missing) set may be refetched unless the last attempt failed within the
    /// cooldown: a dead endpoint must not be hammered by every request.
    fn expired_fetch_allowed(&self, st: &State, now: u64) -> bool {
        !(self.cooling(st, now) && st.last_error.is_some())
    }

    fn is_fresh(&self, s: &KeySnapshot, now: u64) -> bool {
        secs(now) < secs(s.fetched_at).saturating_add(self.options.max_age)
    }

    fn within_stale_window(&self, s: &KeySnapshot, now: u64) -> bool {
        secs(now)
            < secs(s.fetched_at)
                .saturating_add(self.options.max_age)
                .saturating_add(self.options.stale_window)
    }

    fn complete(&self, fetched: Result<Checked>, now: u64) -> Result<KeySnapshot> {
        let mut st = self.state.lock();
        st.in_flight = false;
        st.finished += 1;
        st.last_attempt = Some(now);
        let outcome = match fetched {
            Ok((keys, digest, document)) => {
                Ok(self.install(&mut st, keys, digest, document.into(), now))
            }
            Err(e) => {
                st.last_error = Some(e.clone());
                Err(e)
            }
        };
        st.last_outcome = Some(outcome.clone());
        outcome
    }

    /// Installs `document`, a key set the host kept from an earlier run (a serverless host
    /// keeps it across cold starts, as jose's `jwksCache` does), as if it had been fetched at
    /// `fetched_at` (Unix seconds; a time after `now` counts as `now`). The document is
    /// checked as a fetched one is (size cap, JSON, keys), and the set is then fresh for
    /// `max_age` from `fetched_at` and usable within the stale window after that; an older
    /// one is kept but fetched again on first use, as an expired set is. A seed counts as a
    /// fetch for the cooldown (an unknown `kid` right after it refetches only once the
    /// cooldown from `fetched_at` is over) and changes nothing while a fetch is in flight.
    ///
    /// # Errors
    /// [`ErrorKind::JwksFetchFailed`] when a fetch is in flight or the document is over
    /// `max_response_bytes`; [`ErrorKind::JwksInvalid`] when it is not a usable key set. The
    /// cache is unchanged on error.
    pub fn seed(&self, document: &[u8], fetched_at: u64, now: u64) -> Result<KeySnapshot> {
        if document.len() > self.options.max_response_bytes {
            return Err(Error::new(
                ErrorKind::JwksFetchFailed,
                format!(
                    "the seeded JWKS document is larger than max_response_bytes ({})",
                    self.options.max_response_bytes
                ),
            ));
        }
        let keys = KeySet::from_slice(
            document,
            KeySetOptions {
                max_keys: self.options.max_keys,
            },
        )?;
        let digest = document_digest(document);
        let mut st = self.state.lock();
        if st.in_flight {
            return Err(Error::new(
                ErrorKind::JwksFetchFailed,
                "a JWKS fetch is in flight; seed the cache before its first use",
            ));
        }
        let fetched_at = fetched_at.min(now);
        st.last_attempt = Some(st.last_attempt.map_or(fetched_at, |t| t.max(fetched_at)));
        Ok(self.install(&mut st, keys, digest, document.into(), fetched_at))
    }

    /// The document of the current set and when it was fetched (or seeded), to hand back to
    /// [`seed`](JwksCache::seed) later; `None` before the first set.
    pub fn document(&self) -> Option<(Arc<[u8]>, u64)> {
        let st = self.state.lock();
        let fetched_at = st.current.as_ref()?.fetched_at;
        Some((Arc::clone(st.document.as_ref()?), fetched_at))
    }

    /// Makes `keys` (from `document`, of SHA-256 `digest`) the current set, fetched at `at`.
    fn install(
        &self,
        st: &mut State,
        keys: KeySet,
        digest: [u8; 32],
        document: Arc<[u8]>,
        at: u64,
    ) -> KeySnapshot {
        let snap = match &st.current {
            // The same document again: same generation, same parsed keys.
            Some(cur) if st.digest == Some(digest) => KeySnapshot {
                fetched_at: at,
                ..cur.clone()
            },
            _ => {
                st.generation += 1;
                KeySnapshot {
                    keys: Arc::new(keys),
                    generation: st.generation,
                    fetched_at: at,
                }
            }
        };
        st.digest = Some(digest);
        st.document = Some(document);
        st.current = Some(snap.clone());
        st.last_error = None;
        self.generation.store(snap.generation, Ordering::Release);
        let fresh_until = secs(at).saturating_add(self.options.max_age);
        self.fresh_until
            .store(ceil_secs(fresh_until), Ordering::Release);
        self.published.publish(
            snap.generation,
            fresh_until,
            fresh_until.saturating_add(self.options.stale_window),
        );
        snap
    }

    /// The status, redirect, JSON and key checks of a response.
    fn check(&self, request: &HttpRequest, response: HttpResponse) -> Result<Checked> {
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
        // A host's client may not enforce the cap itself.
        if response.body.len() > request.max_response_bytes {
            return Err(net::fetch_failure(
                Fetched::Jwks,
                &FetchError::TooLarge(format!(
                    "{} answered with more than {} bytes",
                    redact_url(&self.url),
                    request.max_response_bytes
                )),
            ));
        }
        let keys = KeySet::from_slice(
            &response.body,
            KeySetOptions {
                max_keys: self.options.max_keys,
            },
        )?;
        let digest = document_digest(&response.body);
        Ok((keys, digest, response.body))
    }
}

/// A checked response: the keys, the document's SHA-256 and the document.
type Checked = (KeySet, [u8; 32], Vec<u8>);

/// Unix seconds as a duration since the epoch, to add the options' durations to.
fn secs(t: u64) -> Duration {
    Duration::from_secs(t)
}

/// A time as whole Unix seconds, rounded up (a set fresh until 10.5 s is not fresh at 11 s,
/// and is at 10 s).
fn ceil_secs(t: Duration) -> u64 {
    t.as_secs().saturating_add(u64::from(t.subsec_nanos() > 0))
}

fn document_digest(body: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, body).as_ref());
    out
}
