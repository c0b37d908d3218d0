//! `Verifier`: the core's verifier for Python. Every call that may take time (a signature
//! check, a key fetch, discovery) runs with the GIL released. The asyncio plumbing (one
//! shared in-flight fetch per event loop, background refresh) is in `mcp_bearer/__init__.py`,
//! over `verify_cached`, `verify` and `refresh_due` here.

use std::sync::Arc;

use mcp_bearer::clock::{Clock, ManualClock, SystemClock};
use mcp_bearer::{ErrorKind, KeySource, VerifierConfig};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

use crate::errors::{py_result, to_py_err};
use crate::token::VerifiedToken;

/// `json.loads`, looked up once.
static JSON_LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// A bearer-token verifier: the core's `Verifier::from_config` over keyword arguments.
#[pyclass(module = "mcp_bearer._native", subclass, frozen)]
pub struct Verifier {
    inner: Arc<mcp_bearer::Verifier>,
}

fn config_error(message: &str) -> mcp_bearer::Error {
    mcp_bearer::Error::new(ErrorKind::InvalidConfig, message)
}

#[pymethods]
impl Verifier {
    /// Builds a verifier from `options`, the core's `VerifierConfig` members as keyword
    /// arguments (snake_case or camelCase; durations as seconds or `timedelta`; `None` counts
    /// as absent). Every default is the core's. `now` fixes the clock (seconds since the
    /// Unix epoch, for tests and replays); `jwks_cache` seeds a `jwks_url`/`discovery_issuer`
    /// verifier with a key set kept from an earlier run (`{"jwks": {...}, "fetched_at":
    /// seconds}`, the shape `jwks_cache` returns). A `discovery_issuer` runs discovery now,
    /// with the GIL released. Raises `ConfigError` for a configuration the core refuses.
    #[new]
    #[pyo3(signature = (*, now = None, jwks_cache = None, **options))]
    fn new(
        py: Python<'_>,
        now: Option<f64>,
        jwks_cache: Option<&Bound<'_, PyDict>>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let clock: Arc<dyn Clock> = match now {
            Some(now) if now.is_finite() && now >= 0.0 => {
                Arc::new(ManualClock::at_secs(now as u64))
            }
            Some(_) => {
                return Err(to_py_err(
                    py,
                    &config_error("now must be a time in seconds since the Unix epoch"),
                ));
            }
            None => Arc::new(SystemClock),
        };
        let value = py_result(py, crate::config::to_core(options))?;
        let seed = match jwks_cache {
            Some(entry) => Some(py_result(py, seed_of(entry))?),
            None => None,
        };
        let built = py.detach(move || {
            let config = VerifierConfig::from_value(value)?;
            let verifier = mcp_bearer::Verifier::from_config_with_clock(config, clock)?;
            if let Some((document, fetched_at)) = seed {
                let KeySource::Remote(remote) = verifier.source() else {
                    return Err(config_error(
                        "jwks_cache seeds a verifier whose keys are fetched (jwks_url or \
                         discovery_issuer); this one has static keys",
                    ));
                };
                remote.seed(&document, fetched_at)?;
            }
            Ok(verifier)
        });
        Ok(Verifier {
            inner: Arc::new(py_result(py, built)?),
        })
    }

    /// Verifies `token` with the GIL released, fetching keys (blocking) if needed. Raises the
    /// `MCPBearerError` subclass of the core's code for a refused token.
    fn verify(&self, py: Python<'_>, token: &str) -> PyResult<VerifiedToken> {
        let verifier = &self.inner;
        let outcome = py.detach(|| verifier.verify(token));
        py_result(py, outcome).map(VerifiedToken::new)
    }

    /// Verifies `token` without any I/O, with the GIL released: `None` when a key fetch could
    /// change the verdict (no keys yet, an unknown `kid`), else what `verify` would answer.
    fn verify_cached(&self, py: Python<'_>, token: &str) -> PyResult<Option<VerifiedToken>> {
        let verifier = &self.inner;
        let outcome = py.detach(|| verifier.verify_cached(token));
        py_result(py, outcome).map(|v| v.map(VerifiedToken::new))
    }

    /// Verifies `token` without any I/O once a key fetch it waited for has finished, with the
    /// GIL released: as `verify_cached`, except that an unknown `kid` or a signature failure
    /// is final (that fetch was the token's one refetch, as in `verify`); `None` only while
    /// a fetch is still in flight.
    fn verify_after_fetch(&self, py: Python<'_>, token: &str) -> PyResult<Option<VerifiedToken>> {
        let verifier = &self.inner;
        let outcome = py.detach(|| verifier.verify_after_fetch(token));
        py_result(py, outcome).map(|v| v.map(VerifiedToken::new))
    }

    /// A measurement aid for benchmarks: runs the core's `Verifier::verify` of `token`
    /// `count` times inside the native module, with the GIL released and no result crossing
    /// into Python, and returns how many were accepted. Its time per call beside `verify`'s
    /// is what the binding adds (`benches/python/verify.py` prints both).
    fn bench_core(&self, py: Python<'_>, token: &str, count: u32) -> u32 {
        let verifier = &self.inner;
        py.detach(|| {
            (0..count)
                .filter(|_| verifier.verify(token).is_ok())
                .count() as u32
        })
    }

    /// Fetches the keys now (a start-up warm-up), whatever the cooldown, with the GIL
    /// released. Does nothing for static keys.
    fn prefetch(&self, py: Python<'_>) -> PyResult<()> {
        let verifier = &self.inner;
        let outcome = py.detach(|| verifier.prefetch());
        py_result(py, outcome)
    }

    /// Whether the keys are past their max-age and a background refresh may run
    /// (`averify` starts one by itself).
    fn refresh_due(&self) -> bool {
        self.inner.refresh_due()
    }

    /// Refreshes the keys if `refresh_due()`, with the GIL released (for a background
    /// thread).
    fn refresh_keys_if_due(&self, py: Python<'_>) -> PyResult<()> {
        let verifier = &self.inner;
        let outcome = py.detach(|| verifier.refresh_keys_if_due());
        py_result(py, outcome)
    }

    /// How many verified tokens are cached.
    fn cached_tokens(&self) -> usize {
        self.inner.cached_tokens()
    }

    /// Empties the verified-token cache.
    fn clear_token_cache(&self) {
        self.inner.clear_token_cache();
    }

    /// The key set in hand and when it was fetched (`{"jwks": {...}, "fetched_at":
    /// seconds}`), to pass as `jwks_cache` at the next start; `None` before the first fetch
    /// or for static keys.
    #[getter]
    fn jwks_cache<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let KeySource::Remote(remote) = self.inner.source() else {
            return Ok(None);
        };
        let Some((document, fetched_at)) = remote.document() else {
            return Ok(None);
        };
        let loads = JSON_LOADS.get_or_try_init(py, || {
            py.import("json")?.getattr("loads").map(Bound::unbind)
        })?;
        let jwks = loads
            .bind(py)
            .call1((pyo3::types::PyBytes::new(py, &document),))?;
        let out = PyDict::new(py);
        out.set_item("jwks", jwks)?;
        out.set_item("fetched_at", fetched_at)?;
        Ok(Some(out))
    }

    /// Raises the core's `InsufficientScope` (HTTP 403, with `required_scopes`) unless
    /// `verified` carries every scope of `required`: a route's own scope check.
    #[staticmethod]
    fn require_scopes(
        py: Python<'_>,
        verified: &VerifiedToken,
        required: Vec<String>,
    ) -> PyResult<()> {
        let required: Vec<&str> = required.iter().map(String::as_str).collect();
        py_result(
            py,
            mcp_bearer::verify::require_scopes(verified.scopes_of(), &required),
        )
    }

    fn __repr__(&self) -> String {
        let source = match self.inner.source() {
            KeySource::Remote(_) => "remote",
            KeySource::Static(_) => "static",
        };
        format!("Verifier(keys={source})")
    }
}

/// The document and fetch time of a `jwks_cache` entry.
fn seed_of(entry: &Bound<'_, PyDict>) -> mcp_bearer::Result<(Vec<u8>, u64)> {
    let jwks = entry
        .get_item("jwks")
        .ok()
        .flatten()
        .ok_or_else(|| config_error("jwks_cache must have a \"jwks\" member (a JWKS dict)"))?;
    let fetched_at = entry
        .get_item("fetched_at")
        .ok()
        .flatten()
        .and_then(|t| t.extract::<f64>().ok())
        .filter(|t| t.is_finite() && *t >= 0.0)
        .ok_or_else(|| {
            config_error("jwks_cache.fetched_at must be a time in seconds since the Unix epoch")
        })?;
    let document = crate::config::to_json(&jwks, "jwks_cache.jwks")?;
    let bytes =
        serde_json::to_vec(&document).map_err(|_| config_error("jwks_cache.jwks is not JSON"))?;
    Ok((bytes, fetched_at as u64))
}
