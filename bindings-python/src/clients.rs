//! Who the OAuth proxy's client is (the core's `mcp_bearer::oauth::ProxyClient`) for Python:
//! dynamic client registration (RFC 7591), plain or sealed into the client id; client id
//! metadata documents fetched by a `ClientMetadataResolver`; the consent a consent page
//! shows; and the RFC 9207 check of the upstream's `iss`.
//!
//! Resolving a document is blocking I/O (the core's `UreqFetch`): it releases the GIL, and
//! the package's `aresolve` / `ProxyClient.aidentify` run it off the event loop. Nothing
//! else here does I/O. A sealed client id is not a secret (it is signed, not encrypted, and
//! holds only what the client registered); the key that seals it stays in `ProxyStateKey`.

use std::sync::Arc;

use mcp_bearer::clock::SystemClock;
use mcp_bearer::net::UreqFetchOptions;
use mcp_bearer::oauth::{
    ClientMetadataDocument, ClientMetadataOptions,
    ClientMetadataResolver as CoreClientMetadataResolver, ClientRegistration,
    ClientRegistrationRequest, ProxyClient as CoreProxyClient, SealedRegistrationOptions,
    check_authorization_response_issuer as core_check_iss,
};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use serde_json::{Value, json};

use crate::errors::py_result;
use crate::oauth::{ProxyStateKey, redirect_policy, time_or_now, to_py};

/// A registration request body: `bytes` or `str` (JSON, as the client sent it) or a dict.
fn registration_request(
    py: Python<'_>,
    body: &Bound<'_, PyAny>,
) -> PyResult<ClientRegistrationRequest> {
    let bytes: Vec<u8> = if let Ok(bytes) = body.cast::<PyBytes>() {
        bytes.as_bytes().to_vec()
    } else if let Ok(text) = body.cast::<PyString>() {
        text.to_str()?.as_bytes().to_vec()
    } else {
        let value = py_result(py, crate::config::to_json(body, "body"))?;
        py_result(
            py,
            serde_json::to_vec(&value).map_err(|_| {
                mcp_bearer::Error::new(
                    mcp_bearer::ErrorKind::InvalidClientMetadata,
                    "the registration body is not JSON",
                )
            }),
        )?
    };
    py_result(py, ClientRegistrationRequest::parse(&bytes))
}

/// The registration response (RFC 7591 §3.2.1) as a dict.
fn registration_dict<'py>(
    py: Python<'py>,
    registration: &ClientRegistration,
) -> PyResult<Bound<'py, PyAny>> {
    let value: Value = serde_json::from_str(&registration.to_json()).unwrap_or(Value::Null);
    to_py(py, &value)
}

/// A metadata document as a dict: `client_id`, `redirect_uris`, `client_name`, `client_uri`,
/// `logo_uri`, `token_endpoint_auth_method`, `grant_types`, `extra` (the other members).
fn document_dict<'py>(
    py: Python<'py>,
    document: &ClientMetadataDocument,
) -> PyResult<Bound<'py, PyAny>> {
    // Destructured without `..`: a field added to the core's type fails this build.
    let ClientMetadataDocument {
        client_id,
        redirect_uris,
        client_name,
        client_uri,
        logo_uri,
        token_endpoint_auth_method,
        grant_types,
        extra,
    } = document;
    to_py(
        py,
        &json!({
            "client_id": client_id,
            "redirect_uris": redirect_uris,
            "client_name": client_name,
            "client_uri": client_uri,
            "logo_uri": logo_uri,
            "token_endpoint_auth_method": token_endpoint_auth_method,
            "grant_types": grant_types,
            "extra": extra,
        }),
    )
}

/// Answers a dynamic client registration (RFC 7591) for a client id the host chose (and
/// keeps): the response as a dict, to send with status 201. `body` is the request body
/// (`bytes`, `str` or a dict); the policy's members (`private_use_schemes`,
/// `allow_loopback_http`) are keyword arguments with the core's defaults. Raises
/// `OAuthError` (`ERR_INVALID_CLIENT_METADATA`, `ERR_REDIRECT_URI_REJECTED`).
#[pyfunction]
#[pyo3(signature = (body, *, client_id, now = None, **policy))]
pub(crate) fn register_client<'py>(
    py: Python<'py>,
    body: &Bound<'py, PyAny>,
    client_id: &str,
    now: Option<f64>,
    policy: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let request = registration_request(py, body)?;
    let policy = redirect_policy(py, policy)?;
    let now = py_result(py, time_or_now(now))?;
    let registration = py_result(
        py,
        ClientRegistration::for_pre_registered_client(&request, client_id, &policy, now),
    )?;
    registration_dict(py, &registration)
}

/// Answers a dynamic client registration (RFC 7591) with a client id of the client's own:
/// its redirect URIs, name, home page and the time `now` (seconds; defaults to the system
/// clock), HMAC-sealed under `key`, so that `ProxyClient.identify` on any instance accepts
/// only the redirect URIs it registered, without a shared store. `ttl` (seconds or
/// `timedelta`, 60 s to 10 years) is how long the client id is accepted; defaults to none (as
/// long as the key). The policy's members are keyword arguments, as for `register_client`.
/// Raises `OAuthError` as `register_client` does, also for a `client_uri` that is not
/// `https` or a registration too large to seal; `ConfigError` for a bad `ttl`.
#[pyfunction]
#[pyo3(signature = (body, key, *, ttl = None, now = None, **policy))]
pub(crate) fn register_sealed_client<'py>(
    py: Python<'py>,
    body: &Bound<'py, PyAny>,
    key: &ProxyStateKey,
    ttl: Option<&Bound<'py, PyAny>>,
    now: Option<f64>,
    policy: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let request = registration_request(py, body)?;
    let policy = redirect_policy(py, policy)?;
    let options = PyDict::new(py);
    if let Some(ttl) = ttl {
        options.set_item("ttl", ttl)?;
    }
    let options = py_result(
        py,
        SealedRegistrationOptions::from_value(py_result(
            py,
            crate::config::to_core(Some(&options)),
        )?),
    )?;
    let now = py_result(py, time_or_now(now))?;
    let registration = py_result(
        py,
        ClientRegistration::sealed(&request, &key.key, &policy, now, &options),
    )?;
    registration_dict(py, &registration)
}

/// Checks the `iss` parameter of the upstream's authorization response against the
/// upstream's `issuer` (RFC 9207): when present it must equal it exactly; with `required`
/// (the upstream's metadata says `authorization_response_iss_parameter_supported`) it must
/// be present. Check it before redeeming the code. Raises `InvalidRequest`
/// (`ERR_INVALID_REQUEST`, reason `iss`).
#[pyfunction]
#[pyo3(signature = (iss, issuer, *, required = false))]
pub(crate) fn check_authorization_response_issuer(
    py: Python<'_>,
    iss: Option<&str>,
    issuer: &str,
    required: bool,
) -> PyResult<()> {
    py_result(py, core_check_iss(iss, issuer, required))
}

/// Fetches, checks and caches client id metadata documents (the core's
/// `ClientMetadataResolver`): the client id is an `https` URL, and the document there must
/// name it as its `client_id` and list the redirect URIs. The fetch refuses loopback,
/// private and link-local addresses (every address the name resolves to, and connects only
/// to the address it checked) unless the options opt in.
#[pyclass(module = "mcp_bearer._native", frozen, subclass)]
pub struct ClientMetadataResolver {
    pub(crate) inner: Arc<CoreClientMetadataResolver>,
}

#[pymethods]
impl ClientMetadataResolver {
    /// The core's `ClientMetadataOptions` as keyword arguments (durations in seconds or
    /// `timedelta`): `timeout` defaults to 5 (1 ms to 10 min); `max_response_bytes` to 65536;
    /// `cache_ttl`, the lifetime of a document whose response has no caching headers, to 300
    /// (0 to 7 days); `max_cache_ttl`, whatever the headers say, to 86400 (0 to 7 days);
    /// `cache_entries` to 1000 (0 for no cache); `token_endpoint_auth_methods` to
    /// `["none"]`; `dangerous_allow_loopback` (documents on 127.0.0.0/8, `::1`, `localhost`,
    /// and plain `http` ids there: tests and development) and `dangerous_allow_private` to
    /// `False`. `fetch` is the core's `UreqFetchOptions` as a dict: `extra_ca_pem` defaults to
    /// none, `only_extra_ca` and `ignore_proxy_env` to `False`. Raises `ConfigError` for an
    /// unknown member, a wrong type or a value out of range.
    #[new]
    #[pyo3(signature = (*, fetch = None, **options))]
    fn new(
        py: Python<'_>,
        fetch: Option<&Bound<'_, PyDict>>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let options = py_result(
            py,
            ClientMetadataOptions::from_value(py_result(py, crate::config::to_core(options))?),
        )?;
        let fetch = py_result(
            py,
            UreqFetchOptions::from_value(py_result(py, crate::config::to_core(fetch))?),
        )?;
        let inner = py_result(
            py,
            CoreClientMetadataResolver::with_clock(options, &fetch, Arc::new(SystemClock)),
        )?;
        Ok(ClientMetadataResolver {
            inner: Arc::new(inner),
        })
    }

    /// The document for `client_id` as a dict: from the cache while it is fresh (by the
    /// response's `Cache-Control: max-age` or `Expires`, within `max_cache_ttl`), otherwise
    /// fetched (no redirects, size-capped, timed out; the GIL released) and checked. Raises
    /// `OAuthError` (`ERR_OAUTH_INVALID_CLIENT`, `invalid_client`, 401) whose `reason` names
    /// the failed check: `client_id_url`, `address`, `fetch`, `status`, `document`,
    /// `client_id`, `redirect_uris`, `token_endpoint_auth_method`, `client_secret`,
    /// `client_uri`, `grant_types`, `response_types`. A refused document is not cached.
    fn resolve<'py>(&self, py: Python<'py>, client_id: &str) -> PyResult<Bound<'py, PyAny>> {
        let inner = Arc::clone(&self.inner);
        let document = py.detach(|| inner.resolve(client_id));
        let document = py_result(py, document)?;
        document_dict(py, &document)
    }

    fn __repr__(&self) -> String {
        let o = self.inner.options();
        format!(
            "ClientMetadataResolver(timeout={}, cache_entries={}, dangerous_allow_loopback={}, \
             dangerous_allow_private={})",
            o.timeout.as_secs_f64(),
            o.cache_entries,
            if o.dangerous_allow_loopback {
                "True"
            } else {
                "False"
            },
            if o.dangerous_allow_private {
                "True"
            } else {
                "False"
            },
        )
    }
}

/// The client of an authorization request, identified (the core's `ProxyClient`): by a
/// client id metadata document, or by a client id sealed at registration.
#[pyclass(module = "mcp_bearer._native", frozen)]
pub struct ProxyClient {
    inner: CoreProxyClient,
}

#[pymethods]
impl ProxyClient {
    /// Identifies the client behind `client_id` (the core's `ProxyClient::identify`): an
    /// `http(s)` URL is a client id metadata document, resolved by `documents` (blocking, the
    /// GIL released; without `documents` it is refused: reason `metadata_document`);
    /// anything else must be a client id `register_sealed_client` sealed under `key`, opened
    /// at `now` (seconds; defaults to the system clock). A host that also keeps a
    /// pre-registered client id compares it first. Raises `OAuthError`
    /// (`ERR_OAUTH_INVALID_CLIENT`, 401), `reason` naming the failed check: the resolver's
    /// reasons, or for a sealed id `malformed`, `signature` (altered, or sealed under another
    /// key) or `expired`.
    #[staticmethod]
    #[pyo3(signature = (client_id, key, *, documents = None, now = None))]
    fn identify(
        py: Python<'_>,
        client_id: &str,
        key: &ProxyStateKey,
        documents: Option<&ClientMetadataResolver>,
        now: Option<f64>,
    ) -> PyResult<ProxyClient> {
        let now = py_result(py, time_or_now(now))?;
        let documents = documents.map(|d| Arc::clone(&d.inner));
        let identified =
            py.detach(|| CoreProxyClient::identify(client_id, &key.key, documents.as_deref(), now));
        py_result(py, identified).map(|inner| ProxyClient { inner })
    }

    /// The client id.
    #[getter]
    fn client_id(&self) -> &str {
        self.inner.client_id()
    }

    /// The redirect URIs the client listed (in its document or its registration).
    #[getter]
    fn redirect_uris(&self) -> Vec<String> {
        match &self.inner {
            CoreProxyClient::MetadataDocument(d) => d.redirect_uris.clone(),
            CoreProxyClient::Registered(r) => r.redirect_uris.clone(),
        }
    }

    /// The client's name, if it gave one.
    #[getter]
    fn client_name(&self) -> Option<String> {
        match &self.inner {
            CoreProxyClient::MetadataDocument(d) => d.client_name.clone(),
            CoreProxyClient::Registered(r) => r.client_name.clone(),
        }
    }

    /// The client's home page, if it gave one.
    #[getter]
    fn client_uri(&self) -> Option<String> {
        match &self.inner {
            CoreProxyClient::MetadataDocument(d) => d.client_uri.clone(),
            CoreProxyClient::Registered(r) => r.client_uri.clone(),
        }
    }

    /// The metadata document as a dict, for a client identified by one; `None` for a
    /// registration.
    #[getter]
    fn document<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        match &self.inner {
            CoreProxyClient::MetadataDocument(d) => document_dict(py, d).map(Some),
            CoreProxyClient::Registered(_) => Ok(None),
        }
    }

    /// When a sealed registration stops being accepted, in seconds since the Unix epoch;
    /// `None` when it does not expire, or for a metadata document.
    #[getter]
    fn expires_at(&self) -> Option<u64> {
        match &self.inner {
            CoreProxyClient::MetadataDocument(_) => None,
            CoreProxyClient::Registered(r) => r.expires_at,
        }
    }

    /// Checks the authorization request's `redirect_uri` against the client's own list
    /// (exactly, or a loopback `http` URI on any port, RFC 8252 §7.3) and the redirect URI
    /// policy (its members as keyword arguments, the core's defaults), and returns what a
    /// consent page shows: `{"client_id", "client_name", "client_uri", "redirect_uri",
    /// "verification" ("verified_url" or "self_asserted"), "scopes"}`. Every text in it is
    /// the client's own: escape it when rendering. Raises `InvalidRequest`
    /// (`ERR_INVALID_REQUEST`, reason `redirect_uri`) for a URI the client did not list and
    /// `OAuthError` (`ERR_REDIRECT_URI_REJECTED`) when the policy refuses it: answer on the
    /// authorize endpoint's own page, never by a redirect (RFC 6749 §4.1.2.1).
    #[pyo3(signature = (redirect_uri, scopes = None, **policy))]
    fn authorize<'py>(
        &self,
        py: Python<'py>,
        redirect_uri: &str,
        scopes: Option<Vec<String>>,
        policy: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let policy = redirect_policy(py, policy)?;
        let scopes = scopes.unwrap_or_default();
        let consent = py_result(py, self.inner.authorize(redirect_uri, &scopes, &policy))?;
        to_py(py, &consent)
    }

    fn __repr__(&self) -> String {
        let kind = match &self.inner {
            CoreProxyClient::MetadataDocument(_) => "metadata document",
            CoreProxyClient::Registered(_) => "sealed registration",
        };
        let name = self
            .client_name()
            .map_or_else(|| "None".to_owned(), |n| format!("{n:?}"));
        format!(
            "ProxyClient({kind}, client_name={name}, redirect_uris={:?})",
            self.redirect_uris()
        )
    }
}
