//! The core's OAuth and metadata helpers for Python, each a thin call: plain values and
//! JSON-shaped dicts in, the core's types built from them by serde (so every default is the
//! core's), dicts out. `WWW-Authenticate` challenges, RFC 9728 / RFC 8414 documents, user
//! info from claims (presets or a mapping), PKCE, `state`/`nonce`, the redirect URI policy
//! and sealed proxy state.

use std::time::{SystemTime, UNIX_EPOCH};

use mcp_bearer::ErrorKind;
use mcp_bearer::claims::{ClaimMapping, ClaimPreset, UserInfo};
use mcp_bearer::metadata::{
    self, AuthorizationServerMetadata, BearerChallenge, ProtectedResourceMetadata,
};
use mcp_bearer::oauth::{
    PkceChallenge, PkceVerifier, ProxyState, ProxyStateOptions, RedirectUriPolicy, StateKey,
};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::errors::{NativeError, py_result};

/// `json.loads`, looked up once.
static JSON_LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn invalid(message: impl Into<String>) -> mcp_bearer::Error {
    mcp_bearer::Error::new(ErrorKind::InvalidConfig, message)
}

/// `value` as a Python object (through `json.loads`).
pub(crate) fn to_py<'py>(py: Python<'py>, value: &impl Serialize) -> PyResult<Bound<'py, PyAny>> {
    let text = py_result(
        py,
        serde_json::to_string(value).map_err(|_| invalid("could not serialize the result")),
    )?;
    let loads = JSON_LOADS.get_or_try_init(py, || {
        py.import("json")?.getattr("loads").map(Bound::unbind)
    })?;
    loads.bind(py).call1((text,))
}

/// `object` (a dict, or keyword arguments) read as the core type `T` by serde; the message
/// of a refusal names `what`, never the refused value.
fn from_py<T: DeserializeOwned>(
    object: Option<&Bound<'_, PyDict>>,
    what: &str,
) -> mcp_bearer::Result<T> {
    let value = crate::config::to_core(object)?;
    serde_json::from_value(value).map_err(|e| {
        let detail = e.to_string();
        // serde's "unknown field `x`" and "missing field `x`" name members, not values.
        let detail = if detail.contains("field `") {
            detail
        } else {
            format!("a member has the wrong type ({})", classify(&detail))
        };
        invalid(format!("{what}: {detail}"))
    })
}

fn classify(detail: &str) -> &'static str {
    if detail.starts_with("invalid type") {
        "invalid type"
    } else if detail.starts_with("invalid value") {
        "invalid value"
    } else {
        "not readable"
    }
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

pub(crate) fn time_or_now(now: Option<f64>) -> mcp_bearer::Result<u64> {
    match now {
        None => Ok(now_secs()),
        Some(t) if t.is_finite() && t >= 0.0 => Ok(t as u64),
        Some(_) => Err(invalid(
            "now must be a time in seconds since the Unix epoch",
        )),
    }
}

/// The status and `WWW-Authenticate` value to answer a failed request with: for `error`
/// (an `MCPBearerError`), `invalid_token` (401), `insufficient_scope` (403, with the
/// required scopes), `invalid_request` (400) or a 5xx, described by the error's public
/// description; for `None`, a request without a token (401, no `error`). `resource_metadata`
/// is the RFC 9728 metadata URL MCP clients look for; `realm` and `scopes` are optional
/// attributes.
#[pyfunction]
#[pyo3(signature = (error, *, resource_metadata, realm = None, scopes = None))]
pub(crate) fn www_authenticate(
    py: Python<'_>,
    error: Option<&Bound<'_, PyAny>>,
    resource_metadata: String,
    realm: Option<String>,
    scopes: Option<Vec<String>>,
) -> PyResult<(u16, String)> {
    let mut challenge = match error {
        None => BearerChallenge::token_missing(resource_metadata),
        Some(error) => {
            let native = error
                .getattr("_native")
                .ok()
                .and_then(|n| n.extract::<PyRef<'_, NativeError>>().ok());
            match native {
                Some(native) => BearerChallenge::from_error(native.error(), resource_metadata),
                None => {
                    // An MCPBearerError made in Python: rebuilt from its code.
                    let code: String = error.getattr("code")?.extract()?;
                    let kind = py_result(
                        py,
                        ErrorKind::from_code(&code)
                            .ok_or_else(|| invalid(format!("unknown error code {code:?}"))),
                    )?;
                    let mut challenge = BearerChallenge::from_error(
                        &mcp_bearer::Error::new(kind, String::new()),
                        resource_metadata,
                    );
                    if kind == ErrorKind::InsufficientScope {
                        challenge.scopes = error.getattr("required_scopes")?.extract()?;
                    }
                    challenge
                }
            }
        }
    };
    if let Some(realm) = realm {
        challenge = challenge.with_realm(realm);
    }
    if let Some(scopes) = scopes {
        challenge = challenge.with_scopes(scopes);
    }
    Ok((challenge.status, challenge.header_value()))
}

/// The token of an `Authorization: Bearer …` header value. Raises `BearerMissing` for no
/// header or another scheme, `InvalidRequest` for a malformed one.
#[pyfunction]
#[pyo3(signature = (authorization))]
pub(crate) fn bearer_token(py: Python<'_>, authorization: Option<&str>) -> PyResult<String> {
    py_result(py, metadata::bearer_token(authorization).map(str::to_owned))
}

/// The RFC 9728 protected-resource metadata document for `document`'s members (`resource`,
/// `authorization_servers`, `scopes_supported`, …; extra members kept), as a dict.
#[pyfunction]
#[pyo3(signature = (**document))]
pub(crate) fn protected_resource_metadata<'py>(
    py: Python<'py>,
    document: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let metadata: ProtectedResourceMetadata =
        py_result(py, from_py(document, "protected resource metadata"))?;
    to_py(py, &metadata)
}

/// Where a resource's RFC 9728 metadata is published
/// (`/.well-known/oauth-protected-resource` + the resource's path).
#[pyfunction]
pub(crate) fn protected_resource_metadata_url(py: Python<'_>, resource: &str) -> PyResult<String> {
    py_result(py, metadata::protected_resource_metadata_url(resource))
}

/// The RFC 8414 authorization-server metadata an OAuth proxy at `issuer` publishes, as a
/// dict. Plain `http` to a host that is not loopback is refused unless
/// `dangerous_allow_insecure_http`.
#[pyfunction]
#[pyo3(signature = (issuer, *, dangerous_allow_insecure_http = false))]
pub(crate) fn authorization_server_metadata_for_proxy<'py>(
    py: Python<'py>,
    issuer: &str,
    dangerous_allow_insecure_http: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let metadata = py_result(
        py,
        AuthorizationServerMetadata::for_proxy(issuer, dangerous_allow_insecure_http),
    )?;
    to_py(py, &metadata)
}

/// Where an issuer's RFC 8414 metadata is published.
#[pyfunction]
pub(crate) fn authorization_server_metadata_url(py: Python<'_>, issuer: &str) -> PyResult<String> {
    py_result(py, metadata::authorization_server_metadata_url(issuer))
}

/// Who a token speaks for, read from its `claims` (a dict) by a provider preset (`"oidc"`,
/// `"auth0"`, `"okta"`, `"entra"`, `"google"`, `"github"`, `"keycloak"`, `"clerk"`,
/// `"workos"`, `"supabase"`, `"cognito"`, or a dict such as `{"provider": "auth0",
/// "roles_claim": "https://example.com/roles"}`) or by a `mapping` (the core's
/// `ClaimMapping` as a dict). Defaults to the OIDC preset. Returns the core's `UserInfo` as
/// a dict (`user_id`, `email`, `roles`, `scopes`, …, `extra`).
#[pyfunction]
#[pyo3(signature = (claims, *, preset = None, mapping = None))]
pub(crate) fn user_info<'py>(
    py: Python<'py>,
    claims: &Bound<'py, PyDict>,
    preset: Option<&Bound<'py, PyAny>>,
    mapping: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let mapping: ClaimMapping = match (preset, mapping) {
        (Some(_), Some(_)) => {
            return py_result(
                py,
                Err(invalid("user_info: pass preset or mapping, not both")),
            );
        }
        (None, Some(mapping)) => py_result(py, from_py(Some(mapping), "claim mapping"))?,
        (Some(preset), None) => {
            let value = if let Ok(name) = preset.extract::<String>() {
                serde_json::json!({ "provider": name })
            } else {
                py_result(py, crate::config::to_json(preset, "preset"))?
            };
            // The core's reading: an unknown provider, or a member the preset does not take,
            // is refused with a message that names it.
            let preset = py_result(py, ClaimPreset::from_value(value))?;
            preset.mapping()
        }
        (None, None) => ClaimMapping::oidc(),
    };
    let claims = match py_result(py, crate::config::to_json(claims.as_any(), "claims"))? {
        Value::Object(map) => map,
        _ => return py_result(py, Err(invalid("claims must be a dict"))),
    };
    to_py(py, &UserInfo::from_claims(&claims, &mapping))
}

/// A new PKCE code verifier (43 base64url characters from 32 random bytes).
#[pyfunction]
pub(crate) fn pkce_verifier(py: Python<'_>) -> PyResult<String> {
    py_result(py, PkceVerifier::generate().map(|v| v.expose().to_owned()))
}

/// The S256 code challenge of `verifier`.
#[pyfunction]
pub(crate) fn pkce_challenge(verifier: &str) -> String {
    PkceChallenge::s256(verifier).as_str().to_owned()
}

/// Checks a client's `code_verifier` against the `code_challenge` (and
/// `code_challenge_method`) of its authorization request. Raises `InvalidRequest` for a
/// challenge or method that is refused (only S256 is accepted) and `OAuthError`
/// (`ERR_OAUTH_INVALID_GRANT`) for a verifier that does not match.
#[pyfunction]
#[pyo3(signature = (challenge, verifier, method = None))]
pub(crate) fn pkce_check(
    py: Python<'_>,
    challenge: &str,
    verifier: &str,
    method: Option<&str>,
) -> PyResult<()> {
    py_result(
        py,
        PkceChallenge::from_request(challenge, method).and_then(|c| c.verify(verifier)),
    )
}

/// A new random `state` value.
#[pyfunction]
pub(crate) fn random_state(py: Python<'_>) -> PyResult<String> {
    py_result(py, mcp_bearer::oauth::random_state())
}

/// A new random `nonce` value.
#[pyfunction]
pub(crate) fn random_nonce(py: Python<'_>) -> PyResult<String> {
    py_result(py, mcp_bearer::oauth::random_nonce())
}

/// The core's `RedirectUriPolicy` from keyword arguments (its defaults for the rest).
pub(crate) fn redirect_policy(
    py: Python<'_>,
    policy: Option<&Bound<'_, PyDict>>,
) -> PyResult<RedirectUriPolicy> {
    py_result(
        py,
        RedirectUriPolicy::from_value(py_result(py, crate::config::to_core(policy))?),
    )
}

/// Checks a client's redirect URI against the core's `RedirectUriPolicy`, whose members
/// (`private_use_schemes`, `allow_loopback_http`) are keyword arguments with the core's
/// defaults. Raises `OAuthError` (`ERR_REDIRECT_URI_REJECTED`, with a `reason`).
#[pyfunction]
#[pyo3(signature = (uri, **policy))]
pub(crate) fn check_redirect_uri(
    py: Python<'_>,
    uri: &str,
    policy: Option<&Bound<'_, PyDict>>,
) -> PyResult<()> {
    py_result(py, redirect_policy(py, policy)?.check(uri))
}

/// Whether `requested` is the registered redirect URI `registered` (a loopback URI may
/// differ in its port, RFC 8252 §7.3).
#[pyfunction]
pub(crate) fn redirect_uri_matches(registered: &str, requested: &str) -> bool {
    RedirectUriPolicy::matches_registered(registered, requested)
}

/// The key that seals an OAuth proxy's `state` across the upstream round trip (HMAC; the
/// upstream PKCE verifier and nonce are derived from it, so nothing is stored).
#[pyclass(module = "mcp_bearer._native", frozen)]
pub struct ProxyStateKey {
    pub(crate) key: StateKey,
}

#[pymethods]
impl ProxyStateKey {
    /// A key from `secret` (at least 32 bytes; keep it across restarts and instances).
    #[new]
    fn new(py: Python<'_>, secret: &[u8]) -> PyResult<Self> {
        Ok(ProxyStateKey {
            key: py_result(py, StateKey::new(secret))?,
        })
    }

    /// A new random key (for a single process; states die with it).
    #[staticmethod]
    fn generate(py: Python<'_>) -> PyResult<Self> {
        Ok(ProxyStateKey {
            key: py_result(py, StateKey::generate())?,
        })
    }

    /// Seals `state` (the core's `ProxyState` as a dict: `client_id`, `redirect_uri`,
    /// `client_state`, `code_challenge`, `scopes`, `resources`) at `now` (seconds; defaults
    /// to the system clock) with `options` (the core's `ProxyStateOptions`, e.g. `{"ttl":
    /// 600}`). Returns `{"state", "expires_at", "upstream_pkce_verifier",
    /// "upstream_nonce"}`.
    #[pyo3(signature = (state, *, now = None, options = None))]
    fn seal<'py>(
        &self,
        py: Python<'py>,
        state: &Bound<'py, PyDict>,
        now: Option<f64>,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let proxy_state: ProxyState = py_result(py, from_py(Some(state), "proxy state"))?;
        let options = py_result(
            py,
            ProxyStateOptions::from_value(py_result(py, crate::config::to_core(options))?),
        )?;
        let now = py_result(py, time_or_now(now))?;
        let sealed = py_result(py, proxy_state.seal_with(&self.key, now, &options))?;
        let out = PyDict::new(py);
        out.set_item("state", sealed.as_str())?;
        out.set_item("expires_at", sealed.expires_at())?;
        out.set_item(
            "upstream_pkce_verifier",
            sealed.upstream_pkce_verifier().expose(),
        )?;
        out.set_item("upstream_nonce", sealed.upstream_nonce())?;
        Ok(out)
    }

    /// Opens a sealed `state` that came back from the upstream, at `now` (defaults to the
    /// system clock). Returns `{"state": {...}, "expires_at", "upstream_pkce_verifier",
    /// "upstream_nonce"}`. Raises `OAuthError` (`ERR_OAUTH_STATE_INVALID`, reason
    /// `malformed`, `signature` or `expired`).
    #[pyo3(signature = (sealed, *, now = None))]
    fn open<'py>(
        &self,
        py: Python<'py>,
        sealed: &str,
        now: Option<f64>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let now = py_result(py, time_or_now(now))?;
        let opened = py_result(py, ProxyState::open(&self.key, sealed, now))?;
        let out = PyDict::new(py);
        out.set_item("state", to_py(py, &opened.state)?)?;
        out.set_item("expires_at", opened.expires_at)?;
        out.set_item(
            "upstream_pkce_verifier",
            opened.upstream_pkce_verifier().expose(),
        )?;
        out.set_item("upstream_nonce", opened.upstream_nonce())?;
        Ok(out)
    }

    fn __repr__(&self) -> &'static str {
        "ProxyStateKey(<secret>)"
    }
}
