//! The OAuth proxy's requests, from the core (`mcp_bearer::oauth`) for JavaScript: the
//! upstream authorize URL, and token requests as values the host sends with `fetch` (their
//! answers are read in [`crate::tokens`]). Nothing here does I/O. Secrets (client secrets,
//! codes, tokens, verifiers) sit behind getters of a class whose `toJSON()` leaves them out,
//! so logging a request never prints one.

use mcp_bearer::clock::{Clock, SystemClock};
use mcp_bearer::net::HttpRequest as CoreHttpRequest;
use mcp_bearer::oauth::{
    AuthorizationRequest, ClientAuth, Grant, PkceChallenge, PkceVerifier, SecretString,
    TokenExchange, TokenRequest,
};
use napi::Env;
use napi_derive::napi;
use serde_json::{Map, Value, json};

use crate::errors::{guard, invalid_config, to_napi};

/// `now` in whole seconds since the Unix epoch: the given time, or the system clock's.
pub(crate) fn now_secs(now: Option<f64>) -> mcp_bearer::Result<u64> {
    match now {
        None => Ok(SystemClock.now_secs()),
        Some(now) if now.is_finite() && now >= 0.0 => Ok(now as u64),
        Some(_) => Err(invalid_config(
            "now must be a time in seconds since the Unix epoch",
        )),
    }
}

/// Runs `f` at the boundary: a core error becomes an `McpBearerError`, a panic an `Error`.
pub(crate) fn run<T>(env: &Env, f: impl FnOnce() -> mcp_bearer::Result<T>) -> napi::Result<T> {
    guard(|| f().map_err(|e| to_napi(env, &e)))
}

/// `extraParams` as name/value pairs (every value a string).
fn extra_params(value: Option<Value>) -> mcp_bearer::Result<Vec<(String, String)>> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(map)) => map
            .into_iter()
            .map(|(name, value)| match value {
                Value::String(value) => Ok((name, value)),
                _ => Err(invalid_config(format!(
                    "extraParams.{name} must be a string"
                ))),
            })
            .collect(),
        Some(_) => Err(invalid_config(
            "extraParams must be an object of parameter names to string values",
        )),
    }
}

/// The core's `ClientAuth` from `{ method, clientSecret? }` (its serde shape); absent means
/// the core's default, a public client.
pub(crate) fn client_auth(value: Option<Value>) -> mcp_bearer::Result<ClientAuth> {
    match value {
        None | Some(Value::Null) => Ok(ClientAuth::default()),
        // The serde message is left out: it could quote what was passed as the secret.
        Some(value) => serde_json::from_value(crate::config::to_core(value)).map_err(|_| {
            invalid_config(
                "clientAuth must be { method: 'none' } or { method: 'client_secret_basic' | \
                 'client_secret_post', clientSecret: '<non-empty>' }",
            )
        }),
    }
}

/// An HTTP request for the host to send, e.g. `fetch(request.url, request)`: `method`,
/// `url`, `headers` and `body` are getters (which `fetch` reads). `toJSON()` redacts the
/// `Authorization` header and the body, which carry secrets.
#[napi]
pub struct HttpRequest {
    inner: CoreHttpRequest,
}

impl From<CoreHttpRequest> for HttpRequest {
    fn from(inner: CoreHttpRequest) -> Self {
        HttpRequest { inner }
    }
}

#[napi]
impl HttpRequest {
    /// `GET` or `POST`.
    #[napi(getter)]
    pub fn method(&self) -> &'static str {
        self.inner.method.as_str()
    }

    /// The absolute URL.
    #[napi(getter)]
    pub fn url(&self) -> String {
        self.inner.url.clone()
    }

    /// The headers (`Accept`, `Content-Type`, and `Authorization` for `client_secret_basic`).
    #[napi(getter, ts_return_type = "Record<string, string>")]
    pub fn headers(&self) -> Value {
        let headers: Map<String, Value> = self
            .inner
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        Value::Object(headers)
    }

    /// The form-encoded body (it carries the code, tokens, verifier or client secret).
    #[napi(getter)]
    pub fn body(&self) -> String {
        String::from_utf8_lossy(&self.inner.body).into_owned()
    }

    /// A view for logs: method, URL, headers with `Authorization` redacted, the body's size.
    #[napi(
        js_name = "toJSON",
        ts_return_type = "{ method: string, url: string, headers: Record<string, string>, body: string }"
    )]
    pub fn to_json(&self) -> Value {
        let headers: Map<String, Value> = self
            .inner
            .headers
            .iter()
            .map(|(k, v)| {
                let v = if k.eq_ignore_ascii_case("authorization") {
                    "<redacted>"
                } else {
                    v.as_str()
                };
                (k.clone(), Value::String(v.to_owned()))
            })
            .collect();
        json!({
            "method": self.method(),
            "url": self.inner.url,
            "headers": headers,
            "body": format!("<{} bytes>", self.inner.body.len()),
        })
    }
}

/// An authorization request (RFC 6749 §4.1.1) to the upstream: the core's
/// `AuthorizationRequest`.
#[napi(object, object_to_js = false)]
pub struct AuthorizationRequestOptions {
    /// The upstream authorization endpoint: `https` (or `http` to a loopback host), no
    /// fragment; it may carry its own query.
    pub authorization_endpoint: String,
    /// The client id registered with the upstream.
    pub client_id: String,
    /// Where the upstream sends the browser back.
    pub redirect_uri: String,
    /// The `state` value, e.g. `sealState(…).value`.
    pub state: String,
    /// The requested scopes. Defaults to none (no `scope` parameter).
    pub scopes: Option<Vec<String>>,
    /// The PKCE `S256` challenge, e.g. `sealed.upstreamCodeChallenge`. Defaults to none.
    pub code_challenge: Option<String>,
    /// RFC 8707 resource indicators. Defaults to none.
    pub resources: Option<Vec<String>>,
    /// The OIDC `nonce`, e.g. `sealed.upstreamNonce`. Defaults to none.
    pub nonce: Option<String>,
    /// Provider-specific parameters (`access_type`, `prompt`, Auth0's `audience`); they may
    /// not repeat one set above. Defaults to none.
    #[napi(ts_type = "Record<string, string>")]
    pub extra_params: Option<Value>,
    /// Allow a plain `http` endpoint on a host that is not loopback. Defaults to `false`.
    pub dangerous_allow_insecure_http: Option<bool>,
}

/// The URL to send the browser to for `request` (the core's `AuthorizationRequest::url`):
/// `response_type=code` and every parameter after the endpoint's own query. Throws
/// `ERR_INVALID_CONFIG` for a bad endpoint, an empty client id, redirect URI or state, or a
/// reserved extra parameter; `ERR_INVALID_REQUEST` for a malformed scope or resource.
#[napi]
pub fn authorization_url(env: Env, request: AuthorizationRequestOptions) -> napi::Result<String> {
    run(&env, || {
        let AuthorizationRequestOptions {
            authorization_endpoint,
            client_id,
            redirect_uri,
            state,
            scopes,
            code_challenge,
            resources,
            nonce,
            extra_params: extra,
            dangerous_allow_insecure_http,
        } = request;
        let mut core =
            AuthorizationRequest::new(authorization_endpoint, client_id, redirect_uri, state);
        if let Some(scopes) = scopes {
            core.scopes = scopes;
        }
        if let Some(challenge) = code_challenge {
            core.pkce_challenge = Some(PkceChallenge::from_request(
                &challenge,
                Some(mcp_bearer::oauth::PKCE_METHOD_S256),
            )?);
        }
        if let Some(resources) = resources {
            core.resources = resources;
        }
        core.nonce = nonce;
        core.extra_params = extra_params(extra)?;
        if let Some(dangerous) = dangerous_allow_insecure_http {
            core.dangerous_allow_insecure_http = dangerous;
        }
        core.url()
    })
}

/// The grant of a token request, by `grantType` (the core's `Grant`); each grant reads only
/// its own members.
#[napi(object, object_to_js = false)]
pub struct GrantOptions {
    /// `authorization_code`, `refresh_token`, `client_credentials` or `token_exchange`.
    pub grant_type: String,
    /// `authorization_code`: the code the authorization endpoint returned.
    pub code: Option<String>,
    /// `authorization_code`: the redirect URI of the authorization request.
    pub redirect_uri: Option<String>,
    /// `authorization_code`: the PKCE verifier whose challenge was sent. Defaults to none.
    pub code_verifier: Option<String>,
    /// `refresh_token`: the refresh token.
    pub refresh_token: Option<String>,
    /// `refresh_token`, `client_credentials`, `token_exchange`: the requested scopes.
    /// Defaults to none.
    pub scopes: Option<Vec<String>>,
    /// `token_exchange`: the token to exchange.
    pub subject_token: Option<String>,
    /// `token_exchange`: its type. Defaults to
    /// `urn:ietf:params:oauth:token-type:access_token`.
    pub subject_token_type: Option<String>,
    /// `token_exchange`: the acting party's token. Defaults to none.
    pub actor_token: Option<String>,
    /// `token_exchange`: its type, required with `actorToken`. Defaults to none.
    pub actor_token_type: Option<String>,
    /// `token_exchange`: the type of token wanted back. Defaults to none.
    pub requested_token_type: Option<String>,
    /// `token_exchange`: the target services (`audience`). Defaults to none.
    pub audiences: Option<Vec<String>>,
}

fn required(value: Option<String>, name: &str, grant: &str) -> mcp_bearer::Result<String> {
    value.ok_or_else(|| invalid_config(format!("grant.{name} is required for grantType {grant}")))
}

impl GrantOptions {
    fn into_core(self) -> mcp_bearer::Result<Grant> {
        let GrantOptions {
            grant_type,
            code,
            redirect_uri,
            code_verifier,
            refresh_token,
            scopes,
            subject_token,
            subject_token_type,
            actor_token,
            actor_token_type,
            requested_token_type,
            audiences,
        } = self;
        let scopes = scopes.unwrap_or_default();
        match grant_type.as_str() {
            "authorization_code" => Ok(Grant::AuthorizationCode {
                code: SecretString::new(required(code, "code", &grant_type)?),
                redirect_uri: required(redirect_uri, "redirectUri", &grant_type)?,
                pkce_verifier: code_verifier.map(PkceVerifier::new).transpose()?,
            }),
            "refresh_token" => Ok(Grant::RefreshToken {
                refresh_token: SecretString::new(required(
                    refresh_token,
                    "refreshToken",
                    &grant_type,
                )?),
                scopes,
            }),
            "client_credentials" => Ok(Grant::ClientCredentials { scopes }),
            "token_exchange" => {
                let mut exchange =
                    TokenExchange::new(required(subject_token, "subjectToken", &grant_type)?);
                if let Some(kind) = subject_token_type {
                    exchange.subject_token_type = kind;
                }
                exchange.actor_token = actor_token.map(SecretString::new);
                exchange.actor_token_type = actor_token_type;
                exchange.requested_token_type = requested_token_type;
                exchange.audiences = audiences.unwrap_or_default();
                exchange.scopes = scopes;
                Ok(Grant::TokenExchange(exchange))
            }
            _ => Err(invalid_config(
                "grant.grantType must be authorization_code, refresh_token, client_credentials \
                 or token_exchange",
            )),
        }
    }
}

/// A token request (the core's `TokenRequest`): endpoint, client, grant.
#[napi(object, object_to_js = false)]
pub struct TokenRequestOptions {
    /// The token endpoint: `https` (or `http` to a loopback host).
    pub token_endpoint: String,
    /// The client id.
    pub client_id: String,
    /// How the client authenticates: `{ method: 'none' }`, or `{ method:
    /// 'client_secret_basic' | 'client_secret_post', clientSecret }`. Defaults to a public
    /// client (`none`).
    #[napi(
        ts_type = "{ method: 'none' } | { method: 'client_secret_basic' | 'client_secret_post', clientSecret: string }"
    )]
    pub client_auth: Option<Value>,
    /// What is presented.
    #[napi(
        ts_type = "{ grantType: 'authorization_code', code: string, redirectUri: string, codeVerifier?: string } | { grantType: 'refresh_token', refreshToken: string, scopes?: string[] } | { grantType: 'client_credentials', scopes?: string[] } | { grantType: 'token_exchange', subjectToken: string, subjectTokenType?: string, actorToken?: string, actorTokenType?: string, requestedTokenType?: string, audiences?: string[], scopes?: string[] }"
    )]
    pub grant: GrantOptions,
    /// RFC 8707 resource indicators. Defaults to none.
    pub resources: Option<Vec<String>>,
    /// Provider-specific parameters; they may not repeat one the request sets. Defaults to
    /// none.
    #[napi(ts_type = "Record<string, string>")]
    pub extra_params: Option<Value>,
    /// Allow a plain `http` endpoint on a host that is not loopback. Defaults to `false`.
    pub dangerous_allow_insecure_http: Option<bool>,
}

/// The token request to send (the core's `TokenRequest::http_request`): a form-encoded
/// `POST` accepting JSON, for the authorization-code, refresh, client-credentials and
/// token-exchange grants. Throws `ERR_INVALID_CONFIG` for a bad endpoint, an empty client id,
/// client credentials without a secret, an actor token without its type or a reserved extra
/// parameter; `ERR_INVALID_REQUEST` for a malformed scope or resource.
#[napi]
pub fn token_request(env: Env, request: TokenRequestOptions) -> napi::Result<HttpRequest> {
    run(&env, || {
        let TokenRequestOptions {
            token_endpoint,
            client_id,
            client_auth: auth,
            grant,
            resources,
            extra_params: extra,
            dangerous_allow_insecure_http,
        } = request;
        let mut core = TokenRequest::new(token_endpoint, client_id, grant.into_core()?);
        core.client_auth = client_auth(auth)?;
        if let Some(resources) = resources {
            core.resources = resources;
        }
        core.extra_params = extra_params(extra)?;
        if let Some(dangerous) = dangerous_allow_insecure_http {
            core.dangerous_allow_insecure_http = dangerous;
        }
        core.http_request().map(HttpRequest::from)
    })
}
