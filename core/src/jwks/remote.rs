//! [`RemoteJwks`]: the default driver of [`JwksCache`], blocking, over a [`Fetch`].

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

use super::cache::{Step, Want};
use super::{JwksCache, KeySnapshot, MissPeek, Peek, RemoteJwksOptions};
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, ErrorKind, Result};
use crate::net::{Fetch, FetchError, UreqFetch, redact_url};

/// How much longer than the fetch timeout a caller waits for another caller's fetch.
const WAIT_MARGIN: Duration = Duration::from_secs(2);

/// A JWKS fetched from a URL and cached: a [`JwksCache`] driven by a [`Fetch`] and a
/// [`Clock`]. Callers that need a fetch while another caller's is in flight wait for it.
/// `Send + Sync`; share it behind an `Arc`.
pub struct RemoteJwks {
    cache: Arc<JwksCache>,
    /// `None` when the host fetches ([`RemoteJwks::driven_by_host`]).
    fetch: Option<Arc<dyn Fetch>>,
    clock: Arc<dyn Clock>,
    /// Held only to wait on and to signal `done`; the state is the cache's.
    waiting: Mutex<()>,
    done: Condvar,
}

impl fmt::Debug for RemoteJwks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteJwks")
            .field("url", &redact_url(self.cache.url()))
            .field("options", self.cache.options())
            .field("driven_by_host", &self.fetch.is_none())
            .finish_non_exhaustive()
    }
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
        let cache = Arc::new(JwksCache::new(url, options)?);
        Ok(RemoteJwks {
            fetch: Some(fetch),
            ..RemoteJwks::driven_by_host(cache, clock)
        })
    }

    /// The key set of `cache`, which the host fetches with its own HTTP client (see
    /// [`JwksCache`]): this never fetches. Where a fetch would be needed,
    /// [`keys`](RemoteJwks::keys) answers as [`peek`](RemoteJwks::peek) does (a
    /// [`Peek::FetchNeeded`] is [`ErrorKind::JwksFetchFailed`]) and a miss is final, so
    /// verify with [`crate::Verifier::verify_cached`], which says when to fetch.
    pub fn driven_by_host(cache: Arc<JwksCache>, clock: Arc<dyn Clock>) -> RemoteJwks {
        RemoteJwks {
            cache,
            fetch: None,
            clock,
            waiting: Mutex::new(()),
            done: Condvar::new(),
        }
    }

    /// The cache this driver runs.
    pub fn cache(&self) -> &Arc<JwksCache> {
        &self.cache
    }

    /// The JWKS URL.
    pub fn url(&self) -> &str {
        self.cache.url()
    }

    /// The options in force.
    pub fn options(&self) -> &RemoteJwksOptions {
        self.cache.options()
    }

    /// The clock this set is timed with.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// See [`JwksCache::generation_in_hand`]; at this driver's clock.
    pub(crate) fn generation_in_hand(&self, serve_stale: bool) -> Option<u64> {
        self.cache.generation_in_hand(self.now(), serve_stale)
    }

    fn now(&self) -> u64 {
        self.clock.now_secs()
    }

    /// The set if one was fetched within `max_age`; never does I/O.
    pub fn fresh(&self) -> Option<KeySnapshot> {
        self.cache.fresh(self.now())
    }

    /// The set if one may still be used: fresh, or stale within the stale window after a
    /// failed refresh. Never does I/O.
    pub fn usable(&self) -> Option<KeySnapshot> {
        self.cache.usable(self.now())
    }

    /// What can be answered now without I/O ([`JwksCache::peek`]): the no-I/O half of
    /// [`keys`](RemoteJwks::keys).
    pub fn peek(&self) -> Peek {
        self.cache.peek(self.now())
    }

    /// The no-I/O half of [`refresh_after_miss`](RemoteJwks::refresh_after_miss), for a miss
    /// under the set of generation `seen_generation` ([`JwksCache::peek_miss`]).
    pub fn peek_miss(&self, seen_generation: u64) -> MissPeek {
        self.cache.peek_miss(seen_generation, self.now())
    }

    /// Whether a fetch of this set is in flight now.
    pub(crate) fn fetch_in_flight(&self) -> bool {
        self.cache.fetch_in_flight()
    }

    /// Installs a key set kept from an earlier run, fetched at `fetched_at` (Unix seconds):
    /// [`JwksCache::seed`] at this driver's clock.
    ///
    /// # Errors
    /// As [`JwksCache::seed`].
    pub fn seed(&self, document: &[u8], fetched_at: u64) -> Result<KeySnapshot> {
        self.cache.seed(document, fetched_at, self.now())
    }

    /// The current set's document and when it was fetched ([`JwksCache::document`]).
    pub fn document(&self) -> Option<(Arc<[u8]>, u64)> {
        self.cache.document()
    }

    /// Whether a background refresh should run: the set is past `max_age` (or there is none)
    /// and a fetch is allowed now (none in flight, no failure within the cooldown).
    pub fn refresh_due(&self) -> bool {
        self.cache.refresh_due(self.now())
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

    /// How many fetches have finished, successful or not. For diagnostics and tests.
    pub fn fetch_count(&self) -> u64 {
        self.cache.finished_fetches()
    }

    /// The current set, fetching it when there is none yet or it is past `max_age`.
    ///
    /// # Errors
    /// The fetch's error ([`ErrorKind::JwksTimeout`], [`ErrorKind::JwksFetchFailed`],
    /// [`ErrorKind::JwksInvalid`]) when there is no set to fall back on.
    pub fn keys(&self) -> Result<KeySnapshot> {
        if self.fetch.is_none() {
            return match self.peek() {
                Peek::Keys { snapshot, .. } => Ok(snapshot),
                Peek::FetchNeeded => Err(Error::new(
                    ErrorKind::JwksFetchFailed,
                    format!(
                        "the JWKS of {} has not been fetched yet; its host fetches it",
                        redact_url(self.url())
                    ),
                )),
                Peek::Failed(e) => Err(e),
            };
        }
        self.run(Want::Keys)?
            .ok_or_else(|| Error::new(ErrorKind::JwksFetchFailed, "the JWKS could not be fetched"))
    }

    /// Refetches because a token's `kid` is unknown or its signature failed under the cached
    /// key (some providers reuse a `kid` for a new key). Returns `Ok(None)` when the cooldown
    /// does not allow a fetch yet, or when the fetched set is the one already held.
    ///
    /// # Errors
    /// The fetch's error when there is no set to fall back on.
    pub fn refresh_after_miss(&self, seen_generation: u64) -> Result<Option<KeySnapshot>> {
        if self.fetch.is_none() {
            return Ok(match self.peek_miss(seen_generation) {
                MissPeek::Retry(snapshot) => Some(snapshot),
                MissPeek::FetchNeeded | MissPeek::Final => None,
            });
        }
        self.run(Want::Miss {
            seen: seen_generation,
        })
    }

    /// Fetches now (single flight, no cooldown), e.g. to warm the cache at start-up.
    ///
    /// # Errors
    /// The fetch's error.
    pub fn refresh(&self) -> Result<KeySnapshot> {
        if self.fetch.is_none() {
            return self.keys();
        }
        self.run(Want::Refresh)?
            .ok_or_else(|| Error::new(ErrorKind::JwksFetchFailed, "the JWKS could not be fetched"))
    }

    /// One call of the blocking API: the cache's answer, or its fetch run here, or the
    /// outcome of another caller's fetch waited for.
    fn run(&self, want: Want) -> Result<Option<KeySnapshot>> {
        let now = self.now();
        let outcome = match self.cache.begin(want, now) {
            Step::Done(answer) => return answer,
            Step::Wait { finished } => self.wait(finished),
            Step::Fetch(pending) => self.fetch_and_finish(pending),
        };
        self.cache.settle(want, outcome, now)
    }

    /// Waits for the fetch in flight to finish; bounded, since a waiter must not hang.
    fn wait(&self, finished: u64) -> Result<KeySnapshot> {
        let limit = self.options().timeout.saturating_add(WAIT_MARGIN);
        // The options are range-checked, but a deadline past what `Instant` can hold must
        // still not panic: then the wait is bounded by the fetch itself.
        let deadline = Instant::now().checked_add(limit);
        let mut guard = self.waiting.lock();
        loop {
            if let Some(outcome) = self.cache.outcome_since(finished) {
                return outcome;
            }
            let timed_out = match deadline {
                Some(deadline) => self.done.wait_until(&mut guard, deadline).timed_out(),
                None => {
                    self.done.wait(&mut guard);
                    false
                }
            };
            if timed_out {
                return self.cache.outcome_since(finished).unwrap_or_else(|| {
                    Err(Error::new(
                        ErrorKind::JwksTimeout,
                        format!(
                            "waited {} ms for the JWKS fetch of {}",
                            limit.as_millis(),
                            redact_url(self.url())
                        ),
                    )
                    .with_reason("timeout"))
                });
            }
        }
    }

    /// Sends the request of `pending` and finishes it; always finishes it and wakes the
    /// waiters, even if the fetch panics.
    fn fetch_and_finish(&self, pending: super::PendingFetch) -> Result<KeySnapshot> {
        /// Finishes the fetch as failed if the `Fetch` unwinds.
        struct Unwind<'a> {
            jwks: &'a RemoteJwks,
            pending: Option<super::PendingFetch>,
        }
        impl Drop for Unwind<'_> {
            fn drop(&mut self) {
                if let Some(pending) = self.pending.take() {
                    let failed = Err(FetchError::Transport("the JWKS fetch panicked".into()));
                    let _ = self
                        .jwks
                        .cache
                        .finish_fetch(pending, failed, self.jwks.now());
                    self.jwks.wake_waiters();
                }
            }
        }
        let mut guard = Unwind {
            jwks: self,
            pending: Some(pending),
        };
        let response = match (&self.fetch, &guard.pending) {
            (Some(fetch), Some(pending)) => fetch.fetch(pending.request()),
            _ => Err(FetchError::Transport("no HTTP client".into())),
        };
        let outcome = match guard.pending.take() {
            Some(pending) => self.cache.finish_fetch(pending, response, self.now()),
            None => Err(Error::new(
                ErrorKind::JwksFetchFailed,
                "the JWKS fetch did not finish",
            )),
        };
        self.wake_waiters();
        outcome
    }

    fn wake_waiters(&self) {
        // Taken so that a waiter between its check and its wait cannot miss the signal.
        let _guard = self.waiting.lock();
        self.done.notify_all();
    }
}
