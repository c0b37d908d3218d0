//! `Verifier`: the core's verifier for JavaScript, with the asynchronous plumbing.
//!
//! `verify(token)` answers from the main thread whenever the core's `verify_cached` can (keys
//! in hand, including stale keys while a background refresh runs). Otherwise it joins the one
//! shared fetch in flight, a task on the libuv pool that runs the core's blocking `verify`
//! for the first such token; when that task settles, every waiter asks `verify_cached` again.
//! So a burst of tokens with an unknown `kid` occupies one pool thread, not one per token.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use mcp_bearer::clock::{Clock, ManualClock, SystemClock};
use mcp_bearer::{ErrorKind, KeySource, VerifierConfig};
use napi::bindgen_prelude::{AsyncTask, PromiseRaw, Unknown};
use napi::{Env, JsValue, Task, UnknownRef};
use napi_derive::napi;
use serde_json::Value;

use crate::deliver::Delivery;

use crate::errors::{guard, panicked, to_js_object, to_napi};

/// How many times a verification joins a shared fetch before it runs its own on the pool (a
/// new fetch can become due while waiting, e.g. after another rotation).
const SHARED_ROUNDS: u8 = 3;

/// A key set to start from, or the one in hand: jose's `jwksCache` shape, so a serverless
/// host keeps keys across cold starts.
#[napi(object)]
pub struct JwksCacheEntry {
    /// The JWKS document (`{ keys: [...] }`).
    #[napi(ts_type = "{ keys: Array<Record<string, unknown>> }")]
    pub jwks: Value,
    /// When it was fetched, in milliseconds since the Unix epoch (jose's unit for `uat`).
    pub uat: f64,
}

/// What a verifier starts from besides its configuration.
#[napi(object)]
pub struct VerifierInit {
    /// A key set kept from an earlier run, for a `jwksUrl` or `discoveryIssuer` verifier:
    /// served without a fetch while fresh (jose's `jwksCache`). Defaults to none.
    pub jwks_cache: Option<JwksCacheEntry>,
    /// A fixed time, in seconds since the Unix epoch, at which every verification happens
    /// (jose's `currentDate`, for tests and replays). Defaults to the system clock.
    pub now: Option<f64>,
}

/// The scopes of a verified token (a `VerifiedToken` fits).
#[napi(object)]
pub struct TokenScopes {
    /// The token's scopes.
    pub scopes: Vec<String>,
}

/// State shared by a verifier and its pending promises, on the main thread only.
struct Shared {
    verifier: Arc<mcp_bearer::Verifier>,
    /// How verified tokens become JS objects.
    delivery: Delivery,
    /// The promise of the shared fetch in flight, if any.
    flight: RefCell<Option<UnknownRef>>,
    /// A background refresh is running.
    refreshing: Cell<bool>,
}

/// A bearer-token verifier: the core's `Verifier::from_config` over a plain object.
#[napi]
pub struct Verifier {
    shared: Rc<Shared>,
}

#[napi]
impl Verifier {
    /// Builds a verifier from `config`, the core's `VerifierConfig` with camelCase names
    /// (`jwksUrl`, `issuers`, `audiences`, `requiredScopes`, `leeway`, `remoteJwks: {
    /// maxAge }`, …; see the README's "Configuration as data"). Every default is the
    /// core's; members set to `undefined` or `null` count as absent. A `discoveryIssuer`
    /// runs discovery now, blocking. `init.jwksCache` seeds a `jwksUrl`/`discoveryIssuer`
    /// verifier with a key set kept from an earlier run; `init.now` fixes the clock. Throws
    /// an `McpBearerError` (`ERR_INVALID_CONFIG`, `ERR_INVALID_KEY`, …) for a configuration
    /// the core refuses.
    #[napi(
        constructor,
        ts_args_type = "config: Record<string, unknown>, init?: VerifierInit"
    )]
    pub fn new(env: Env, config: Value, init: Option<VerifierInit>) -> napi::Result<Self> {
        guard(|| {
            let (jwks_cache, now) = init.map_or((None, None), |i| (i.jwks_cache, i.now));
            let clock: Arc<dyn Clock> = match now {
                Some(now) if now.is_finite() && now >= 0.0 => {
                    Arc::new(ManualClock::at_secs(now as u64))
                }
                Some(_) => {
                    let error = mcp_bearer::Error::new(
                        ErrorKind::InvalidConfig,
                        "init.now must be a time in seconds since the Unix epoch",
                    );
                    return Err(to_napi(&env, &error));
                }
                None => Arc::new(SystemClock),
            };
            let built = VerifierConfig::from_value(crate::config::to_core(config))
                .and_then(|config| mcp_bearer::Verifier::from_config_with_clock(config, clock))
                .and_then(|verifier| {
                    if let Some(entry) = &jwks_cache {
                        seed(&verifier, entry)?;
                    }
                    Ok(verifier)
                })
                .map_err(|e| to_napi(&env, &e))?;
            Ok(Verifier {
                shared: Rc::new(Shared {
                    verifier: Arc::new(built),
                    delivery: Delivery::new(&env)?,
                    flight: RefCell::new(None),
                    refreshing: Cell::new(false),
                }),
            })
        })
    }

    /// Verifies `token` on the calling thread, fetching keys (blocking) if needed. Throws an
    /// `McpBearerError` with the core's `code` for a refused token.
    #[napi(ts_return_type = "VerifiedToken")]
    pub fn verify_sync(&self, env: Env, token: String) -> napi::Result<Unknown<'static>> {
        guard(|| match self.shared.verifier.verify(&token) {
            Ok(verified) => self.shared.delivery.object(&env, &token, &verified),
            Err(error) => Err(to_napi(&env, &error)),
        })
    }

    /// Verifies `token`. Settles on the main thread when the keys are in hand; otherwise joins
    /// the one shared key fetch on the libuv pool. Rejects with an `McpBearerError`.
    #[napi(ts_return_type = "Promise<VerifiedToken>")]
    pub fn verify(
        &self,
        env: Env,
        token: String,
    ) -> napi::Result<PromiseRaw<'static, Unknown<'static>>> {
        guard(|| settle(&env, &self.shared, token, SHARED_ROUNDS, false))
    }

    /// A measurement aid for benchmarks: runs the core's `Verifier::verify` of `token`
    /// `count` times inside the native module (no result crosses into JavaScript) and returns
    /// how many were accepted. Its time per call beside `verifySync`'s is what the binding
    /// adds (`benches/node/verify.js` prints both).
    #[napi]
    pub fn bench_core(&self, token: String, count: u32) -> napi::Result<u32> {
        guard(|| {
            let verifier = &self.shared.verifier;
            Ok((0..count)
                .filter(|_| verifier.verify(&token).is_ok())
                .count() as u32)
        })
    }

    /// Fetches the keys now (a start-up warm-up), whatever the cooldown; resolves when done.
    /// A verifier with static keys resolves at once.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn prefetch(&self) -> AsyncTask<Prefetch> {
        AsyncTask::new(Prefetch {
            verifier: Arc::clone(&self.shared.verifier),
            outcome: None,
        })
    }

    /// Whether the keys are past their max-age and a background refresh may run (`verify`
    /// starts one by itself).
    #[napi]
    pub fn refresh_due(&self) -> bool {
        self.shared.verifier.refresh_due()
    }

    /// The key set in hand and when it was fetched (jose's `jwksCache` shape), to keep for
    /// the next start; `null` before the first fetch or for a verifier with static keys.
    #[napi(getter)]
    pub fn jwks_cache(&self) -> Option<JwksCacheEntry> {
        let KeySource::Remote(remote) = self.shared.verifier.source() else {
            return None;
        };
        let (document, fetched_at) = remote.document()?;
        Some(JwksCacheEntry {
            jwks: serde_json::from_slice(&document).ok()?,
            uat: fetched_at as f64 * 1000.0,
        })
    }

    /// Throws the core's `ERR_INSUFFICIENT_SCOPE` (HTTP 403, with `requiredScopes`) unless
    /// `verified` has every scope of `required`: a route's own scope check.
    #[napi]
    pub fn require_scopes(
        env: Env,
        verified: TokenScopes,
        required: Vec<String>,
    ) -> napi::Result<()> {
        guard(|| {
            let required: Vec<&str> = required.iter().map(String::as_str).collect();
            mcp_bearer::verify::require_scopes(&verified.scopes, &required)
                .map_err(|e| to_napi(&env, &e))
        })
    }
}

/// Seeds the remote key set of `verifier` with `entry`.
fn seed(verifier: &mcp_bearer::Verifier, entry: &JwksCacheEntry) -> mcp_bearer::Result<()> {
    let KeySource::Remote(remote) = verifier.source() else {
        return Err(mcp_bearer::Error::new(
            ErrorKind::InvalidConfig,
            "jwksCache seeds a verifier whose keys are fetched (jwksUrl or discoveryIssuer); \
             this one has static keys",
        ));
    };
    let uat = entry.uat;
    if !uat.is_finite() || uat < 0.0 {
        return Err(mcp_bearer::Error::new(
            ErrorKind::InvalidConfig,
            "jwksCache.uat must be a time in milliseconds since the Unix epoch",
        ));
    }
    let document = serde_json::to_vec(&entry.jwks).map_err(|_| {
        mcp_bearer::Error::new(ErrorKind::InvalidConfig, "jwksCache.jwks is not JSON")
    })?;
    remote.seed(&document, (uat / 1000.0) as u64).map(|_| ())
}

/// The promise for `token`: settled now when `verify_cached` answers, else after the shared
/// fetch (at most `rounds` times), else after a verification of its own on the pool. Once a
/// fetch it waited for has finished (`after_fetch`), the core's `verify_after_fetch` answers:
/// that fetch was the token's one refetch, so a bad token does not start another.
fn settle(
    env: &Env,
    shared: &Rc<Shared>,
    token: String,
    rounds: u8,
    after_fetch: bool,
) -> napi::Result<PromiseRaw<'static, Unknown<'static>>> {
    refresh_if_due(env, shared)?;
    let verdict = if after_fetch {
        shared.verifier.verify_after_fetch(&token)
    } else {
        shared.verifier.verify_cached(&token)
    };
    match verdict {
        Ok(Some(verified)) => {
            let object = shared.delivery.object(env, &token, &verified)?;
            PromiseRaw::resolve(env, object)
        }
        Err(error) => PromiseRaw::reject(env, to_js_object(env, &error)?),
        Ok(None) if rounds == 0 => {
            let work = env.spawn(VerifyAlone {
                verifier: Arc::clone(&shared.verifier),
                token,
                outcome: None,
            })?;
            Ok(work.promise_object())
        }
        Ok(None) => {
            let flight = join_flight(env, shared, &token)?;
            let shared = Rc::clone(shared);
            let chained = flight
                .then(move |ctx| guard(|| settle(&ctx.env, &shared, token, rounds - 1, true)))?;
            // A promise resolved with a promise settles as that one: retype it so.
            Ok(PromiseRaw::new(env.raw(), chained.raw()))
        }
    }
}

/// The promise of the shared fetch: the one in flight, or a new one for `token`.
fn join_flight(
    env: &Env,
    shared: &Rc<Shared>,
    token: &str,
) -> napi::Result<PromiseRaw<'static, ()>> {
    if let Some(flight) = shared.flight.borrow().as_ref() {
        let value = flight.get_value(env)?;
        return Ok(PromiseRaw::new(env.raw(), value.raw()));
    }
    let work = env.spawn(Flight {
        verifier: Arc::clone(&shared.verifier),
        token: token.to_owned(),
    })?;
    let mut promise: PromiseRaw<'static, ()> = work.promise_object();
    let slot = Rc::clone(shared);
    let promise = promise.finally(move |env| {
        if let Some(flight) = slot.flight.borrow_mut().take() {
            flight.unref(&env)?;
        }
        Ok(())
    })?;
    *shared.flight.borrow_mut() = Some(promise.to_unknown().create_ref()?);
    Ok(promise)
}

/// Starts a background key refresh when the core says one is due and none is running.
fn refresh_if_due(env: &Env, shared: &Rc<Shared>) -> napi::Result<()> {
    if shared.refreshing.get() || !shared.verifier.refresh_due() {
        return Ok(());
    }
    shared.refreshing.set(true);
    let work = env.spawn(Refresh {
        verifier: Arc::clone(&shared.verifier),
    })?;
    let mut promise: PromiseRaw<'static, ()> = work.promise_object();
    let slot = Rc::clone(shared);
    promise.finally(move |_| {
        slot.refreshing.set(false);
        Ok(())
    })?;
    Ok(())
}

/// The shared fetch: the core's blocking `verify` of the first token that needed keys. Its
/// verdict is not used: every waiter (that token included) asks `verify_cached` again.
pub(crate) struct Flight {
    verifier: Arc<mcp_bearer::Verifier>,
    token: String,
}

impl Task for Flight {
    type Output = ();
    type JsValue = ();

    fn compute(&mut self) -> napi::Result<()> {
        guard(|| {
            let _ = self.verifier.verify(&self.token);
            Ok(())
        })
    }

    fn resolve(&mut self, _env: Env, _output: ()) -> napi::Result<()> {
        Ok(())
    }

    // A failed flight (a caught panic) still releases its waiters, which then verify alone.
    fn reject(&mut self, _env: Env, _err: napi::Error) -> napi::Result<()> {
        Ok(())
    }
}

/// A background refresh of keys past their max-age (its failure is remembered by the core).
pub(crate) struct Refresh {
    verifier: Arc<mcp_bearer::Verifier>,
}

impl Task for Refresh {
    type Output = ();
    type JsValue = ();

    fn compute(&mut self) -> napi::Result<()> {
        guard(|| {
            let _ = self.verifier.refresh_keys_if_due();
            Ok(())
        })
    }

    fn resolve(&mut self, _env: Env, _output: ()) -> napi::Result<()> {
        Ok(())
    }

    fn reject(&mut self, _env: Env, _err: napi::Error) -> napi::Result<()> {
        Ok(())
    }
}

/// One verification on the pool, when the shared fetch did not settle a token.
pub(crate) struct VerifyAlone {
    verifier: Arc<mcp_bearer::Verifier>,
    token: String,
    outcome: Option<mcp_bearer::Error>,
}

impl Task for VerifyAlone {
    type Output = Option<mcp_bearer::VerifiedToken>;
    type JsValue = Unknown<'static>;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        guard(|| match self.verifier.verify(&self.token) {
            Ok(verified) => Ok(Some(verified)),
            Err(error) => {
                self.outcome = Some(error);
                Ok(None)
            }
        })
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Unknown<'static>> {
        match (output, self.outcome.take()) {
            // A rare path (a token no shared fetch settled): a delivery of its own.
            (Some(verified), _) => Delivery::new(&env)?.object(&env, &self.token, &verified),
            (None, Some(error)) => Err(to_napi(&env, &error)),
            (None, None) => Err(panicked()),
        }
    }
}

/// `prefetch()` on the pool.
pub struct Prefetch {
    verifier: Arc<mcp_bearer::Verifier>,
    outcome: Option<mcp_bearer::Error>,
}

impl Task for Prefetch {
    type Output = ();
    type JsValue = ();

    fn compute(&mut self) -> napi::Result<()> {
        guard(|| {
            self.outcome = self.verifier.prefetch().err();
            Ok(())
        })
    }

    fn resolve(&mut self, env: Env, _output: ()) -> napi::Result<()> {
        match self.outcome.take() {
            Some(error) => Err(to_napi(&env, &error)),
            None => Ok(()),
        }
    }
}
