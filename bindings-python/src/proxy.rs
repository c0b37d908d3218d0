//! The OAuth proxy's request builders for Python: the upstream authorization URL, token
//! requests as plain `{method, url, headers, body}` dicts for the host's own HTTP client, and
//! the token response parsed. The core's types are built field by field from keyword
//! arguments; what is not passed keeps the core's default.

use mcp_bearer::ErrorKind;
use mcp_bearer::net::HttpResponse;
use mcp_bearer::oauth::{
    AuthorizationRequest, ClientAuth, Grant, PkceChallenge, PkceVerifier, SecretString,
    TokenRequest, TokenResponse,
};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::errors::py_result;

fn invalid(message: impl Into<String>) -> mcp_bearer::Error {
    mcp_bearer::Error::new(ErrorKind::InvalidConfig, message)
}

/// The URL of an authorization request (`response_type=code`) to `authorization_endpoint`:
/// the core's `AuthorizationRequest` with `code_challenge` (an S256 challenge, see
/// `pkce_challenge`), `scopes`, `resources` (RFC 8707), `nonce` and `extra_params` when
/// given. Raises `ConfigError` or `InvalidRequest` for what the core refuses.
#[pyfunction]
#[pyo3(signature = (
    *, authorization_endpoint, client_id, redirect_uri, state, code_challenge = None,
    scopes = None, resources = None, nonce = None, extra_params = None,
    dangerous_allow_insecure_http = false
))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn authorization_url(
    py: Python<'_>,
    authorization_endpoint: String,
    client_id: String,
    redirect_uri: String,
    state: String,
    code_challenge: Option<&str>,
    scopes: Option<Vec<String>>,
    resources: Option<Vec<String>>,
    nonce: Option<String>,
    extra_params: Option<Vec<(String, String)>>,
    dangerous_allow_insecure_http: bool,
) -> PyResult<String> {
    let mut request =
        AuthorizationRequest::new(authorization_endpoint, client_id, redirect_uri, state);
    if let Some(challenge) = code_challenge {
        request.pkce_challenge = Some(py_result(
            py,
            PkceChallenge::from_request(challenge, Some(mcp_bearer::oauth::PKCE_METHOD_S256)),
        )?);
    }
    if let Some(scopes) = scopes {
        request.scopes = scopes;
    }
    if let Some(resources) = resources {
        request.resources = resources;
    }
    request.nonce = nonce;
    if let Some(extra) = extra_params {
        request.extra_params = extra;
    }
    request.dangerous_allow_insecure_http = dangerous_allow_insecure_http;
    py_result(py, request.url())
}

/// A token request for the host's HTTP client: `{"method", "url", "headers": [(name,
/// value)], "body": bytes}`. `grant` is `"authorization_code"` (with `code`,
/// `redirect_uri` and `code_verifier`), `"refresh_token"` (with `refresh_token`, optional
/// `scopes`) or `"client_credentials"` (optional `scopes`); `client_auth` is the core's
/// `ClientAuth` as data (`{"method": "client_secret_post", "client_secret": "…"}`; defaults
/// to a public client).
#[pyfunction]
#[pyo3(signature = (
    *, token_endpoint, client_id, grant, code = None, redirect_uri = None,
    code_verifier = None, refresh_token = None, scopes = None, client_auth = None,
    resources = None, extra_params = None, dangerous_allow_insecure_http = false
))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn token_request<'py>(
    py: Python<'py>,
    token_endpoint: String,
    client_id: String,
    grant: &str,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
    scopes: Option<Vec<String>>,
    client_auth: Option<&Bound<'py, PyDict>>,
    resources: Option<Vec<String>>,
    extra_params: Option<Vec<(String, String)>>,
    dangerous_allow_insecure_http: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let grant = match grant {
        "authorization_code" => {
            let (Some(code), Some(redirect_uri)) = (code, redirect_uri) else {
                return py_result(
                    py,
                    Err(invalid(
                        "token_request: the authorization_code grant needs code and redirect_uri",
                    )),
                );
            };
            let pkce_verifier = match code_verifier {
                Some(v) => Some(py_result(py, PkceVerifier::new(v))?),
                None => None,
            };
            Grant::AuthorizationCode {
                code: SecretString::new(code),
                redirect_uri,
                pkce_verifier,
            }
        }
        "refresh_token" => {
            let Some(refresh_token) = refresh_token else {
                return py_result(
                    py,
                    Err(invalid(
                        "token_request: the refresh_token grant needs refresh_token",
                    )),
                );
            };
            Grant::RefreshToken {
                refresh_token: SecretString::new(refresh_token),
                scopes: scopes.unwrap_or_default(),
            }
        }
        "client_credentials" => Grant::ClientCredentials {
            scopes: scopes.unwrap_or_default(),
        },
        _ => {
            return py_result(
                py,
                Err(invalid(
                    "token_request: grant must be authorization_code, refresh_token or \
                     client_credentials",
                )),
            );
        }
    };
    let mut request = TokenRequest::new(token_endpoint, client_id, grant);
    if let Some(auth) = client_auth {
        let value = py_result(py, crate::config::to_json(auth.as_any(), "client_auth"))?;
        request.client_auth = py_result(
            py,
            serde_json::from_value::<ClientAuth>(value).map_err(|_| {
                invalid(
                    "token_request: client_auth must be {\"method\": \"none\"} or {\"method\": \
                     \"client_secret_post\" | \"client_secret_basic\", \"client_secret\": \"…\"}",
                )
            }),
        )?;
    }
    if let Some(resources) = resources {
        request.resources = resources;
    }
    if let Some(extra) = extra_params {
        request.extra_params = extra;
    }
    request.dangerous_allow_insecure_http = dangerous_allow_insecure_http;
    let http = py_result(py, request.http_request())?;
    let out = PyDict::new(py);
    out.set_item("method", http.method.as_str())?;
    out.set_item("url", http.url)?;
    out.set_item("headers", http.headers)?;
    out.set_item("body", PyBytes::new(py, &http.body))?;
    Ok(out)
}

/// The token endpoint's answer (`status`, `headers` as `(name, value)` pairs, `body`)
/// parsed: `{"access_token", "token_type", "expires_in", "refresh_token", "id_token",
/// "scopes", "issued_token_type", "extra"}`. Raises `OAuthError` (`ERR_OAUTH_UPSTREAM`,
/// with the upstream's error) for an error answer.
#[pyfunction]
pub(crate) fn parse_token_response<'py>(
    py: Python<'py>,
    status: u16,
    headers: Vec<(String, String)>,
    body: &[u8],
) -> PyResult<Bound<'py, PyDict>> {
    let response = HttpResponse {
        status,
        headers,
        body: body.to_vec(),
    };
    let parsed = py_result(py, TokenResponse::parse(&response))?;
    let out = PyDict::new(py);
    out.set_item("access_token", parsed.access_token.expose())?;
    out.set_item("token_type", &parsed.token_type)?;
    out.set_item("expires_in", parsed.expires_in)?;
    out.set_item(
        "refresh_token",
        parsed.refresh_token.as_ref().map(SecretString::expose),
    )?;
    out.set_item(
        "id_token",
        parsed.id_token.as_ref().map(SecretString::expose),
    )?;
    out.set_item("scopes", parsed.scopes.clone())?;
    out.set_item("issued_token_type", parsed.issued_token_type.clone())?;
    out.set_item(
        "extra",
        crate::token::value_to_py(py, &serde_json::Value::Object(parsed.extra.clone()))?,
    )?;
    Ok(out)
}
