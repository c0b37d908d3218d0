//! The OAuth proxy builders of the core (`mcp_bearer::oauth`) for JavaScript: the upstream
//! authorize URL, token requests as values the host sends with `fetch`, token responses,
//! the upstream token set, dynamic client registration and the redirect-URI policy. Nothing
//! here does I/O. Secrets (tokens, client secrets, codes, verifiers) sit behind getters of
//! classes whose `toJSON()` leaves them out, so logging an object never prints one.

use mcp_bearer::clock::{Clock, SystemClock};
use mcp_bearer::net::{HttpRequest as CoreHttpRequest, HttpResponse};
use mcp_bearer::oauth::{
    AuthorizationRequest, ClientAuth, ClientRegistration as CoreClientRegistration,
    ClientRegistrationRequest, DEFAULT_REFRESH_MARGIN_SECS, Grant, PkceChallenge, PkceVerifier,
    RedirectUriPolicy as CoreRedirectUriPolicy, SecretString, TokenExchange, TokenRequest,
    TokenResponse as CoreTokenResponse, UpstreamTokens as CoreUpstreamTokens,
};
use napi::Env;
use napi::bindgen_prelude::{Either, Either3, Object, Uint8Array};
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
fn client_auth(value: Option<Value>) -> mcp_bearer::Result<ClientAuth> {
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

/// An HTTP response as received: e.g. `{ status: r.status, headers:
/// Object.fromEntries(r.headers), body: await r.text() }` from `fetch`.
#[napi(object, object_to_js = false)]
pub struct HttpResponseInit {
    /// The status code.
    pub status: u32,
    /// The headers (`Content-Type` decides JSON or form). Defaults to none.
    #[napi(ts_type = "Record<string, string>")]
    pub headers: Option<Value>,
    /// The body.
    pub body: Either<String, Uint8Array>,
}

fn http_response(init: HttpResponseInit) -> mcp_bearer::Result<HttpResponse> {
    let status = u16::try_from(init.status)
        .ok()
        .filter(|s| (100..=999).contains(s))
        .ok_or_else(|| invalid_config("response.status must be an HTTP status code"))?;
    let headers = match init.headers {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(map)) => map
            .into_iter()
            .filter_map(|(k, v)| v.as_str().map(|v| (k, v.to_owned())))
            .collect(),
        Some(_) => {
            return Err(invalid_config(
                "response.headers must be an object of header names to strings (e.g. \
                 Object.fromEntries(response.headers))",
            ));
        }
    };
    let body = match init.body {
        Either::A(text) => text.into_bytes(),
        Either::B(bytes) => bytes.to_vec(),
    };
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

/// A successful token response (the core's `TokenResponse`). The tokens are getters;
/// `toJSON()` leaves them out, and `toResponseBody()` is the JSON to send to a client.
#[napi]
pub struct TokenResponse {
    inner: CoreTokenResponse,
}

#[napi]
impl TokenResponse {
    /// The access token.
    #[napi(getter)]
    pub fn access_token(&self) -> String {
        self.inner.access_token.expose().to_owned()
    }

    /// The token type as sent (`Bearer` when the upstream left it out).
    #[napi(getter)]
    pub fn token_type(&self) -> String {
        self.inner.token_type.clone()
    }

    /// Seconds the access token lives, when the upstream says.
    #[napi(getter)]
    pub fn expires_in(&self) -> Option<f64> {
        self.inner.expires_in.map(|s| s as f64)
    }

    /// The refresh token, when one was issued.
    #[napi(getter)]
    pub fn refresh_token(&self) -> Option<String> {
        self.inner
            .refresh_token
            .as_ref()
            .map(|t| t.expose().to_owned())
    }

    /// The OpenID Connect ID token, when one was issued.
    #[napi(getter)]
    pub fn id_token(&self) -> Option<String> {
        self.inner.id_token.as_ref().map(|t| t.expose().to_owned())
    }

    /// The granted scopes, when the upstream lists them.
    #[napi(getter)]
    pub fn scopes(&self) -> Option<Vec<String>> {
        self.inner.scopes.clone()
    }

    /// The type of the issued token, for a token exchange.
    #[napi(getter)]
    pub fn issued_token_type(&self) -> Option<String> {
        self.inner.issued_token_type.clone()
    }

    /// Every other member of the response.
    #[napi(getter, ts_return_type = "Record<string, unknown>")]
    pub fn extra(&self) -> Value {
        Value::Object(self.inner.extra.clone())
    }

    /// When the access token expires, in seconds since the Unix epoch, for a response
    /// received at `now` (defaults to the system clock).
    #[napi]
    pub fn expires_at(&self, env: Env, now: Option<f64>) -> napi::Result<Option<f64>> {
        run(&env, || {
            Ok(self.inner.expires_at(now_secs(now)?).map(|s| s as f64))
        })
    }

    /// The response as RFC 6749 §5.1 JSON, for a proxy answering its own client: it holds
    /// the tokens; send it, never log it.
    #[napi]
    pub fn to_response_body(&self) -> String {
        self.inner.to_json()
    }

    /// A view for logs without the tokens: `tokenType`, `expiresIn`, `scopes`,
    /// `issuedTokenType`, which tokens are present, and the names of the other members.
    #[napi(js_name = "toJSON", ts_return_type = "Record<string, unknown>")]
    pub fn to_json(&self) -> Value {
        let r = &self.inner;
        json!({
            "tokenType": r.token_type,
            "expiresIn": r.expires_in,
            "scopes": r.scopes,
            "issuedTokenType": r.issued_token_type,
            "hasRefreshToken": r.refresh_token.is_some(),
            "hasIdToken": r.id_token.is_some(),
            "extra": r.extra.keys().collect::<Vec<_>>(),
        })
    }
}

/// Reads a token endpoint's answer (the core's `TokenResponse::parse`): JSON, or the form
/// encoding GitHub answers with. Throws `ERR_OAUTH_UPSTREAM` when the upstream answered with
/// an OAuth error (relayed in `upstreamError`, `upstreamErrorDescription`, `upstreamErrorUri`
/// with its status in `httpStatus`), with another non-2xx status, or with a body that is not
/// a token response.
#[napi]
pub fn parse_token_response(env: Env, response: HttpResponseInit) -> napi::Result<TokenResponse> {
    run(&env, || {
        let response = http_response(response)?;
        CoreTokenResponse::parse(&response).map(|inner| TokenResponse { inner })
    })
}

/// A stored upstream token set, to restore an `UpstreamTokens`.
#[napi(object, object_to_js = false)]
pub struct UpstreamTokensInit {
    /// The upstream access token.
    pub access_token: String,
    /// The token type (`Bearer`).
    pub token_type: String,
    /// The ID token. Defaults to none.
    pub id_token: Option<String>,
    /// The refresh token. Defaults to none.
    pub refresh_token: Option<String>,
    /// When the access token expires, in seconds since the Unix epoch. Defaults to unknown.
    pub expires_at: Option<f64>,
    /// The granted scopes. Defaults to none.
    pub scopes: Option<Vec<String>>,
}

/// Where and how to refresh an upstream token set.
#[napi(object, object_to_js = false)]
pub struct RefreshOptions {
    /// The upstream token endpoint.
    pub token_endpoint: String,
    /// The client id registered with the upstream.
    pub client_id: String,
    /// As `tokenRequest`'s `clientAuth`. Defaults to a public client (`none`).
    #[napi(
        ts_type = "{ method: 'none' } | { method: 'client_secret_basic' | 'client_secret_post', clientSecret: string }"
    )]
    pub client_auth: Option<Value>,
    /// Allow a plain `http` endpoint on a host that is not loopback. Defaults to `false`.
    pub dangerous_allow_insecure_http: Option<bool>,
}

/// The tokens the upstream provider issued for one user (the core's `UpstreamTokens`), kept
/// by the host so tools can call the provider's APIs, and refreshed before they expire.
/// `toJSON()` leaves the tokens out.
#[napi]
pub struct UpstreamTokens {
    inner: CoreUpstreamTokens,
}

#[napi]
impl UpstreamTokens {
    /// Restores a token set kept by the host.
    #[napi(constructor)]
    pub fn new(env: Env, init: UpstreamTokensInit) -> napi::Result<Self> {
        run(&env, || {
            let expires_at = match init.expires_at {
                None => None,
                Some(t) => Some(now_secs(Some(t)).map_err(|_| {
                    invalid_config("expiresAt must be a time in seconds since the Unix epoch")
                })?),
            };
            Ok(UpstreamTokens {
                inner: CoreUpstreamTokens {
                    access_token: SecretString::new(init.access_token),
                    token_type: init.token_type,
                    id_token: init.id_token.map(SecretString::new),
                    refresh_token: init.refresh_token.map(SecretString::new),
                    expires_at,
                    scopes: init.scopes.unwrap_or_default(),
                },
            })
        })
    }

    /// The token set of `response`, received at `now` (defaults to the system clock).
    #[napi(factory)]
    pub fn from_response(
        env: Env,
        response: &TokenResponse,
        now: Option<f64>,
    ) -> napi::Result<Self> {
        run(&env, || {
            Ok(UpstreamTokens {
                inner: CoreUpstreamTokens::from_response(&response.inner, now_secs(now)?),
            })
        })
    }

    /// The upstream access token.
    #[napi(getter)]
    pub fn access_token(&self) -> String {
        self.inner.access_token.expose().to_owned()
    }

    /// The token type.
    #[napi(getter)]
    pub fn token_type(&self) -> String {
        self.inner.token_type.clone()
    }

    /// The ID token, when the provider issued one.
    #[napi(getter)]
    pub fn id_token(&self) -> Option<String> {
        self.inner.id_token.as_ref().map(|t| t.expose().to_owned())
    }

    /// The refresh token, when the provider issued one.
    #[napi(getter)]
    pub fn refresh_token(&self) -> Option<String> {
        self.inner
            .refresh_token
            .as_ref()
            .map(|t| t.expose().to_owned())
    }

    /// When the access token expires (seconds since the Unix epoch), when known.
    #[napi(getter)]
    pub fn expires_at(&self) -> Option<f64> {
        self.inner.expires_at.map(|s| s as f64)
    }

    /// The granted scopes.
    #[napi(getter)]
    pub fn scopes(&self) -> Vec<String> {
        self.inner.scopes.clone()
    }

    /// Whether the access token expires within `marginSecs` of `now` and can be refreshed.
    /// `now` defaults to the system clock, `marginSecs` to the core's 60 s.
    #[napi]
    pub fn needs_refresh(
        &self,
        env: Env,
        now: Option<f64>,
        margin_secs: Option<f64>,
    ) -> napi::Result<bool> {
        run(&env, || {
            let margin = match margin_secs {
                None => DEFAULT_REFRESH_MARGIN_SECS,
                Some(m) if m.is_finite() && m >= 0.0 => m as u64,
                Some(_) => return Err(invalid_config("marginSecs must be a number of seconds")),
            };
            Ok(self.inner.needs_refresh(now_secs(now)?, margin))
        })
    }

    /// The refresh request (RFC 6749 §6) for this set. Throws `ERR_INVALID_REQUEST` when the
    /// provider issued no refresh token.
    #[napi]
    pub fn refresh_request(&self, env: Env, options: RefreshOptions) -> napi::Result<HttpRequest> {
        run(&env, || {
            let mut request = self.inner.refresh_request(
                &options.token_endpoint,
                &options.client_id,
                client_auth(options.client_auth)?,
            )?;
            if let Some(dangerous) = options.dangerous_allow_insecure_http {
                request.dangerous_allow_insecure_http = dangerous;
            }
            request.http_request().map(HttpRequest::from)
        })
    }

    /// The set after a refresh answered with `response` at `now` (defaults to the system
    /// clock): a refresh token, ID token or scopes the response leaves out are kept.
    #[napi]
    pub fn refreshed(
        &self,
        env: Env,
        response: &TokenResponse,
        now: Option<f64>,
    ) -> napi::Result<UpstreamTokens> {
        run(&env, || {
            Ok(UpstreamTokens {
                inner: self.inner.refreshed(&response.inner, now_secs(now)?),
            })
        })
    }

    /// A view for logs without the tokens.
    #[napi(js_name = "toJSON", ts_return_type = "Record<string, unknown>")]
    pub fn to_json(&self) -> Value {
        let t = &self.inner;
        json!({
            "tokenType": t.token_type,
            "expiresAt": t.expires_at,
            "scopes": t.scopes,
            "hasRefreshToken": t.refresh_token.is_some(),
            "hasIdToken": t.id_token.is_some(),
        })
    }
}

/// Which redirect URIs the proxy accepts from MCP clients (the core's `RedirectUriPolicy`):
/// `https`, `http` to a loopback host, the configured private-use schemes; never
/// `javascript:`, `data:`, `file:`, fragments or userinfo.
#[napi]
pub struct RedirectUriPolicy {
    inner: CoreRedirectUriPolicy,
}

#[napi]
impl RedirectUriPolicy {
    /// A policy from `options` (the core's serde shape, camelCase): `privateUseSchemes`
    /// defaults to `cursor`, `vscode`, `windsurf`; `allowLoopbackHttp` to `true`. Throws
    /// `ERR_INVALID_CONFIG` for an unknown member or a wrong type.
    #[napi(
        constructor,
        ts_args_type = "options?: { privateUseSchemes?: string[], allowLoopbackHttp?: boolean }"
    )]
    pub fn new(env: Env, options: Option<Value>) -> napi::Result<Self> {
        run(&env, || {
            let value = options.map_or_else(|| json!({}), crate::config::to_core);
            CoreRedirectUriPolicy::from_value(value).map(|inner| RedirectUriPolicy { inner })
        })
    }

    /// Checks `uri`. Throws `ERR_REDIRECT_URI_REJECTED` with a `reason` (`malformed`,
    /// `scheme`, `fragment`, `userinfo`, `loopback`) and a message saying what to change.
    #[napi]
    pub fn check(&self, env: Env, uri: String) -> napi::Result<()> {
        run(&env, || self.inner.check(&uri))
    }

    /// Whether `requested` matches the `registered` redirect URI: exactly, or for loopback
    /// `http` URIs exactly but for the port (RFC 8252 §7.3).
    #[napi]
    pub fn matches_registered(registered: String, requested: String) -> bool {
        CoreRedirectUriPolicy::matches_registered(&registered, &requested)
    }

    /// The accepted private-use schemes.
    #[napi(getter)]
    pub fn private_use_schemes(&self) -> Vec<String> {
        self.inner.private_use_schemes.clone()
    }

    /// Whether `http` to a loopback host is accepted.
    #[napi(getter)]
    pub fn allow_loopback_http(&self) -> bool {
        self.inner.allow_loopback_http
    }

    /// The policy as options.
    #[napi(
        js_name = "toJSON",
        ts_return_type = "{ privateUseSchemes: string[], allowLoopbackHttp: boolean }"
    )]
    pub fn to_json(&self) -> Value {
        json!({
            "privateUseSchemes": self.inner.private_use_schemes,
            "allowLoopbackHttp": self.inner.allow_loopback_http,
        })
    }
}

/// A registration response (RFC 7591 §3.2.1): send `document` with `status`.
#[napi(object)]
pub struct ClientRegistration {
    /// The status to answer with: 201.
    pub status: u32,
    /// The JSON body to send, with the RFC 7591 member names.
    #[napi(ts_type = "Record<string, unknown>")]
    pub document: Value,
    /// The client id to use at the proxy.
    pub client_id: String,
    /// When the registration happened, in seconds since the Unix epoch.
    pub client_id_issued_at: f64,
    /// The accepted redirect URIs.
    pub redirect_uris: Vec<String>,
    /// The granted grant types.
    pub grant_types: Vec<String>,
    /// The granted response types.
    pub response_types: Vec<String>,
    /// Always `none`: the proxy's clients are public and use PKCE.
    pub token_endpoint_auth_method: String,
    /// The client's name, echoed.
    pub client_name: Option<String>,
    /// The client's home page, echoed.
    pub client_uri: Option<String>,
    /// The scopes, echoed.
    pub scope: Option<String>,
    /// The software id, echoed.
    pub software_id: Option<String>,
    /// The software version, echoed.
    pub software_version: Option<String>,
}

impl From<CoreClientRegistration> for ClientRegistration {
    fn from(registration: CoreClientRegistration) -> Self {
        let document = serde_json::from_str(&registration.to_json()).unwrap_or(Value::Null);
        // Destructured without `..`: a field added to the core's type fails this build.
        let CoreClientRegistration {
            client_id,
            client_id_issued_at,
            redirect_uris,
            grant_types,
            response_types,
            token_endpoint_auth_method,
            client_name,
            client_uri,
            scope,
            software_id,
            software_version,
        } = registration;
        ClientRegistration {
            status: u32::from(CoreClientRegistration::STATUS),
            document,
            client_id,
            client_id_issued_at: client_id_issued_at as f64,
            redirect_uris,
            grant_types,
            response_types,
            token_endpoint_auth_method,
            client_name,
            client_uri,
            scope,
            software_id,
            software_version,
        }
    }
}

/// Answers a dynamic client registration (RFC 7591) for the proxy's pre-registered client
/// `clientId` (the core's `ClientRegistration::for_pre_registered_client`). `body` is the
/// request body as received (text or bytes, at most 16 KiB) or its parsed JSON (RFC 7591
/// member names). `policy` defaults to the core's `RedirectUriPolicy`; `now` to the system
/// clock. Throws `ERR_INVALID_CLIENT_METADATA` for a body that is not client metadata, too
/// many redirect URIs or an unserved grant or response type, and
/// `ERR_REDIRECT_URI_REJECTED` for a missing or refused redirect URI.
#[napi(
    ts_args_type = "body: string | Uint8Array | Record<string, unknown>, clientId: string, policy?: RedirectUriPolicy | undefined | null, now?: number | undefined | null"
)]
pub fn register_client(
    env: Env,
    body: Either3<String, Uint8Array, Object>,
    client_id: String,
    policy: Option<&RedirectUriPolicy>,
    now: Option<f64>,
) -> napi::Result<ClientRegistration> {
    run(&env, || {
        let bytes = match body {
            Either3::A(text) => text.into_bytes(),
            Either3::B(bytes) => bytes.to_vec(),
            Either3::C(object) => env
                .from_js_value::<Value, _>(object)
                .ok()
                .and_then(|value| serde_json::to_vec(&value).ok())
                .ok_or_else(|| invalid_config("the registration request is not JSON"))?,
        };
        let request = ClientRegistrationRequest::parse(&bytes)?;
        let default_policy;
        let policy = match policy {
            Some(policy) => &policy.inner,
            None => {
                default_policy = CoreRedirectUriPolicy::default();
                &default_policy
            }
        };
        CoreClientRegistration::for_pre_registered_client(
            &request,
            &client_id,
            policy,
            now_secs(now)?,
        )
        .map(ClientRegistration::from)
    })
}
