//! The OAuth proxy's building blocks as values, for a Swift MCP server that fronts an identity
//! provider without dynamic client registration: PKCE, random `state`/`nonce`, the redirect
//! URI policy, the sealed proxy state, and the upstream authorization URL and token requests.
//! Nothing here does I/O: a token request is an [`HttpRequest`] the host sends itself.
//! Secrets (verifiers, the state key, client secrets) live in objects whose description is
//! redacted.

use std::fmt;
use std::sync::Arc;

use mcp_bearer::oauth::{self, ClientAuth, Grant, PkceChallenge, SecretString};
use serde_json::{Map, Value};

use crate::errors::{Result, invalid_config};
use crate::fetch::HttpRequest;

/// A PKCE code verifier (RFC 7636), redacted when printed.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct PkceVerifier {
    inner: oauth::PkceVerifier,
}

impl fmt::Debug for PkceVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

#[uniffi::export]
impl PkceVerifier {
    /// A new random verifier (32 random bytes, base64url).
    #[uniffi::constructor]
    pub fn generate() -> Result<Arc<Self>> {
        Ok(Arc::new(PkceVerifier {
            inner: oauth::PkceVerifier::generate()?,
        }))
    }

    /// A verifier received from elsewhere: 43 to 128 unreserved characters (RFC 7636 §4.1).
    #[uniffi::constructor]
    pub fn from_string(verifier: String) -> Result<Arc<Self>> {
        Ok(Arc::new(PkceVerifier {
            inner: oauth::PkceVerifier::new(verifier)?,
        }))
    }

    /// Its `S256` challenge, for the authorization request.
    pub fn challenge(&self) -> String {
        self.inner.challenge().as_str().to_owned()
    }

    /// The verifier itself, for a token request the host builds on its own.
    pub fn secret_value(&self) -> String {
        self.inner.expose().to_owned()
    }
}

/// Checks `verifier` against the `challenge` a client sent with `method` (`S256`; `plain` is
/// refused, as OAuth 2.1 requires).
#[uniffi::export]
pub fn pkce_check(challenge: String, method: Option<String>, verifier: String) -> Result<()> {
    Ok(PkceChallenge::from_request(&challenge, method.as_deref())?.verify(&verifier)?)
}

/// A random value for an OAuth `state` parameter.
#[uniffi::export]
pub fn random_state() -> Result<String> {
    Ok(oauth::random_state()?)
}

/// A random value for an OIDC `nonce`.
#[uniffi::export]
pub fn random_nonce() -> Result<String> {
    Ok(oauth::random_nonce()?)
}

/// Which redirect URIs MCP clients may register (the core's `RedirectUriPolicy`).
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct RedirectPolicy {
    /// Private-use schemes accepted, case-insensitively. Defaults to `cursor`, `vscode`,
    /// `windsurf`.
    #[uniffi(default)]
    pub private_use_schemes: Option<Vec<String>>,
    /// Whether `http` to a loopback host is accepted (RFC 8252 §7.3). Defaults to `true`.
    #[uniffi(default)]
    pub allow_loopback_http: Option<bool>,
}

impl RedirectPolicy {
    fn to_core(&self) -> Result<oauth::RedirectUriPolicy> {
        let RedirectPolicy {
            private_use_schemes,
            allow_loopback_http,
        } = self.clone();
        let mut map = Map::new();
        if let Some(schemes) = private_use_schemes {
            map.insert(
                "private_use_schemes".into(),
                Value::Array(schemes.into_iter().map(Value::String).collect()),
            );
        }
        if let Some(allow) = allow_loopback_http {
            map.insert("allow_loopback_http".into(), Value::Bool(allow));
        }
        Ok(oauth::RedirectUriPolicy::from_value(Value::Object(map))?)
    }
}

/// Checks a client's redirect URI against `policy`: `ERR_REDIRECT_URI_REJECTED` with a
/// `reason` and a message saying what to change.
#[uniffi::export]
pub fn check_redirect_uri(policy: RedirectPolicy, uri: String) -> Result<()> {
    Ok(policy.to_core()?.check(&uri)?)
}

/// The key that signs proxy states (HMAC-SHA256), redacted when printed. Every instance
/// behind a load balancer needs the same key.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct StateKey {
    inner: oauth::StateKey,
}

impl fmt::Debug for StateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

#[uniffi::export]
impl StateKey {
    /// A key from secret bytes (at least 32).
    #[uniffi::constructor]
    pub fn new(secret: Vec<u8>) -> Result<Arc<Self>> {
        Ok(Arc::new(StateKey {
            inner: oauth::StateKey::new(&secret)?,
        }))
    }

    /// A new random key (one instance only, or states do not survive a restart).
    #[uniffi::constructor]
    pub fn generate() -> Result<Arc<Self>> {
        Ok(Arc::new(StateKey {
            inner: oauth::StateKey::generate()?,
        }))
    }
}

/// What the proxy carries across the upstream round trip: the MCP client's authorization
/// request, already checked.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ProxyState {
    /// The MCP client's id at the proxy.
    pub client_id: String,
    /// Where the proxy sends the client back (check it with `checkRedirectUri` first).
    pub redirect_uri: String,
    /// The client's own `state`, returned unchanged. Defaults to none.
    #[uniffi(default)]
    pub client_state: Option<String>,
    /// The client's `S256` PKCE challenge.
    pub code_challenge: String,
    /// The scopes the client asked for. Defaults to none.
    #[uniffi(default)]
    pub scopes: Vec<String>,
    /// The RFC 8707 resources the client asked for. Defaults to none.
    #[uniffi(default)]
    pub resources: Vec<String>,
}

impl ProxyState {
    fn to_core(&self) -> Result<oauth::ProxyState> {
        let ProxyState {
            client_id,
            redirect_uri,
            client_state,
            code_challenge,
            scopes,
            resources,
        } = self.clone();
        Ok(oauth::ProxyState {
            client_id,
            redirect_uri,
            client_state,
            code_challenge: PkceChallenge::from_request(&code_challenge, Some("S256"))?,
            scopes,
            resources,
        })
    }

    fn from_core(state: oauth::ProxyState) -> ProxyState {
        let oauth::ProxyState {
            client_id,
            redirect_uri,
            client_state,
            code_challenge,
            scopes,
            resources,
        } = state;
        ProxyState {
            client_id,
            redirect_uri,
            client_state,
            code_challenge: code_challenge.as_str().to_owned(),
            scopes,
            resources,
        }
    }
}

/// A sealed state: the value for the upstream `state` parameter, and the upstream leg's
/// secrets derived from the key.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct SealedState {
    inner: oauth::SealedState,
}

impl fmt::Debug for SealedState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

#[uniffi::export]
impl SealedState {
    /// The value for the upstream request's `state` parameter.
    pub fn value(&self) -> String {
        self.inner.as_str().to_owned()
    }

    /// When the state stops being accepted, in seconds since the Unix epoch.
    pub fn expires_at(&self) -> u64 {
        self.inner.expires_at()
    }

    /// The PKCE verifier of the upstream leg (send its challenge upstream).
    pub fn upstream_pkce_verifier(&self) -> Arc<PkceVerifier> {
        Arc::new(PkceVerifier {
            inner: self.inner.upstream_pkce_verifier().clone(),
        })
    }

    /// The OIDC nonce of the upstream leg.
    pub fn upstream_nonce(&self) -> String {
        self.inner.upstream_nonce().to_owned()
    }
}

/// Seals `state` under `key` at `now` (seconds since the Unix epoch) for `ttl` seconds
/// (defaults to 600; 1 to 86400).
#[uniffi::export(default(ttl = None))]
pub fn seal_proxy_state(
    state: ProxyState,
    key: Arc<StateKey>,
    now: u64,
    ttl: Option<f64>,
) -> Result<Arc<SealedState>> {
    let mut options = Map::new();
    if let Some(ttl) = ttl {
        let number = serde_json::Number::from_f64(ttl)
            .ok_or_else(|| invalid_config("ttl must be a finite number of seconds"))?;
        options.insert("ttl".into(), Value::Number(number));
    }
    let options = oauth::ProxyStateOptions::from_value(Value::Object(options))?;
    let sealed = state.to_core()?.seal_with(&key.inner, now, &options)?;
    Ok(Arc::new(SealedState { inner: sealed }))
}

/// A state opened after the upstream callback.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct OpenedState {
    inner: oauth::OpenedState,
}

impl fmt::Debug for OpenedState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

#[uniffi::export]
impl OpenedState {
    /// The client's authorization request.
    pub fn state(&self) -> ProxyState {
        ProxyState::from_core(self.inner.state.clone())
    }

    /// When the state expires, in seconds since the Unix epoch.
    pub fn expires_at(&self) -> u64 {
        self.inner.expires_at
    }

    /// The PKCE verifier for the upstream token request.
    pub fn upstream_pkce_verifier(&self) -> Arc<PkceVerifier> {
        Arc::new(PkceVerifier {
            inner: self.inner.upstream_pkce_verifier().clone(),
        })
    }

    /// The OIDC nonce the upstream ID token must carry.
    pub fn upstream_nonce(&self) -> String {
        self.inner.upstream_nonce().to_owned()
    }
}

/// Opens a sealed state that came back from the upstream at `now`:
/// `ERR_OAUTH_STATE_INVALID` with reason `malformed`, `signature` or `expired`.
#[uniffi::export]
pub fn open_proxy_state(key: Arc<StateKey>, sealed: String, now: u64) -> Result<Arc<OpenedState>> {
    Ok(Arc::new(OpenedState {
        inner: oauth::ProxyState::open(&key.inner, &sealed, now)?,
    }))
}

/// Where to send the client after the upstream leg: its redirect URI with `code`, its
/// `state`, and `iss`, the proxy's issuer (RFC 9207).
#[uniffi::export]
pub fn client_redirect_url(state: ProxyState, code: String, issuer: String) -> Result<String> {
    Ok(state.to_core()?.client_redirect_url(&code, &issuer)?)
}

/// Where to send the client when the authorization failed: its redirect URI with `error`,
/// `error_description` when given, its `state` and `iss`, the proxy's issuer (RFC 9207).
#[uniffi::export]
pub fn client_error_redirect_url(
    state: ProxyState,
    error: String,
    description: Option<String>,
    issuer: String,
) -> Result<String> {
    Ok(state
        .to_core()?
        .client_error_redirect_url(&error, description.as_deref(), &issuer)?)
}

/// One query or form parameter.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Param {
    /// The name.
    pub name: String,
    /// The value.
    pub value: String,
}

/// An upstream authorization request (RFC 6749 §4.1.1).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AuthorizationUrlRequest {
    /// The upstream authorization endpoint (`https`, or `http` to loopback).
    pub authorization_endpoint: String,
    /// The proxy's client id at the upstream.
    pub client_id: String,
    /// The proxy's callback URL.
    pub redirect_uri: String,
    /// The `state`: a sealed state's value.
    pub state: String,
    /// The scopes to ask for. Defaults to none.
    #[uniffi(default)]
    pub scopes: Vec<String>,
    /// The `S256` PKCE challenge. Defaults to none.
    #[uniffi(default)]
    pub pkce_challenge: Option<String>,
    /// RFC 8707 resources. Defaults to none.
    #[uniffi(default)]
    pub resources: Vec<String>,
    /// The OIDC `nonce`. Defaults to none.
    #[uniffi(default)]
    pub nonce: Option<String>,
    /// Provider-specific parameters (`access_type=offline`, Auth0's `audience`); none may
    /// repeat a parameter set above. Defaults to none.
    #[uniffi(default)]
    pub extra_params: Vec<Param>,
    /// Allow a plain `http` endpoint off loopback. Defaults to `false`.
    #[uniffi(default = false)]
    pub dangerous_allow_insecure_http: bool,
}

/// The URL to send the browser to for `request`.
#[uniffi::export]
pub fn authorization_url(request: AuthorizationUrlRequest) -> Result<String> {
    let AuthorizationUrlRequest {
        authorization_endpoint,
        client_id,
        redirect_uri,
        state,
        scopes,
        pkce_challenge,
        resources,
        nonce,
        extra_params,
        dangerous_allow_insecure_http,
    } = request;
    let mut core =
        oauth::AuthorizationRequest::new(authorization_endpoint, client_id, redirect_uri, state);
    core.scopes = scopes;
    core.pkce_challenge = pkce_challenge
        .map(|c| PkceChallenge::from_request(&c, Some("S256")))
        .transpose()?;
    core.resources = resources;
    core.nonce = nonce;
    core.extra_params = extra_params
        .into_iter()
        .map(|p| (p.name, p.value))
        .collect();
    core.dangerous_allow_insecure_http = dangerous_allow_insecure_http;
    Ok(core.url()?)
}

/// How the proxy authenticates at the upstream token endpoint, redacted when printed.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct ClientAuthentication {
    inner: ClientAuth,
}

impl fmt::Debug for ClientAuthentication {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

#[uniffi::export]
impl ClientAuthentication {
    /// A public client: no secret.
    #[uniffi::constructor]
    pub fn none() -> Arc<Self> {
        Arc::new(ClientAuthentication {
            inner: ClientAuth::None,
        })
    }

    /// `client_secret_post`: the secret in the form body.
    #[uniffi::constructor]
    pub fn secret_post(client_secret: String) -> Arc<Self> {
        Arc::new(ClientAuthentication {
            inner: ClientAuth::ClientSecretPost(SecretString::new(client_secret)),
        })
    }

    /// `client_secret_basic`: HTTP Basic.
    #[uniffi::constructor]
    pub fn secret_basic(client_secret: String) -> Arc<Self> {
        Arc::new(ClientAuthentication {
            inner: ClientAuth::ClientSecretBasic(SecretString::new(client_secret)),
        })
    }

    /// The RFC 8414 method name (`none`, `client_secret_post`, `client_secret_basic`).
    pub fn method(&self) -> String {
        self.inner.method().to_owned()
    }
}

fn token_request(
    token_endpoint: String,
    client_id: String,
    auth: &ClientAuthentication,
    grant: Grant,
    resources: Vec<String>,
) -> Result<Arc<HttpRequest>> {
    let mut request = oauth::TokenRequest::new(token_endpoint, client_id, grant);
    request.client_auth = auth.inner.clone();
    request.resources = resources;
    Ok(Arc::new(HttpRequest {
        inner: request.http_request()?,
    }))
}

/// The upstream token request redeeming `code` (RFC 6749 §4.1.3) with the upstream leg's
/// PKCE verifier: a form `POST` for the host to send.
#[uniffi::export]
pub fn authorization_code_token_request(
    token_endpoint: String,
    client_id: String,
    auth: Arc<ClientAuthentication>,
    code: String,
    redirect_uri: String,
    pkce_verifier: Option<Arc<PkceVerifier>>,
    resources: Vec<String>,
) -> Result<Arc<HttpRequest>> {
    let grant = Grant::AuthorizationCode {
        code: SecretString::new(code),
        redirect_uri,
        pkce_verifier: pkce_verifier.map(|v| v.inner.clone()),
    };
    token_request(token_endpoint, client_id, &auth, grant, resources)
}

/// The upstream token request for a refresh (RFC 6749 §6), optionally narrowing `scopes`.
#[uniffi::export]
pub fn refresh_token_request(
    token_endpoint: String,
    client_id: String,
    auth: Arc<ClientAuthentication>,
    refresh_token: String,
    scopes: Vec<String>,
) -> Result<Arc<HttpRequest>> {
    let grant = Grant::RefreshToken {
        refresh_token: SecretString::new(refresh_token),
        scopes,
    };
    token_request(token_endpoint, client_id, &auth, grant, Vec::new())
}

/// The upstream token request of a confidential client for itself (RFC 6749 §4.4), with
/// `scopes` asked for and RFC 8707 `resources`.
#[uniffi::export]
pub fn client_credentials_token_request(
    token_endpoint: String,
    client_id: String,
    auth: Arc<ClientAuthentication>,
    scopes: Vec<String>,
    resources: Vec<String>,
) -> Result<Arc<HttpRequest>> {
    let grant = Grant::ClientCredentials { scopes };
    token_request(token_endpoint, client_id, &auth, grant, resources)
}

/// An RFC 8693 token exchange of `subject_token` (of type `subject_token_type`, by default an
/// access token) for a token to another service: `audiences` (logical names), `resources`
/// (RFC 8707 URIs), `scopes`, optionally on behalf of `actor_token` (whose type is then
/// required) and asking for `requested_token_type`. A form `POST` for the host to send; the
/// tokens never appear when it is printed.
#[uniffi::export]
#[allow(clippy::too_many_arguments)]
pub fn token_exchange_request(
    token_endpoint: String,
    client_id: String,
    auth: Arc<ClientAuthentication>,
    subject_token: String,
    subject_token_type: Option<String>,
    actor_token: Option<String>,
    actor_token_type: Option<String>,
    requested_token_type: Option<String>,
    audiences: Vec<String>,
    scopes: Vec<String>,
    resources: Vec<String>,
) -> Result<Arc<HttpRequest>> {
    let mut exchange = oauth::TokenExchange::new(SecretString::new(subject_token));
    if let Some(kind) = subject_token_type {
        exchange.subject_token_type = kind;
    }
    exchange.actor_token = actor_token.map(SecretString::new);
    exchange.actor_token_type = actor_token_type;
    exchange.requested_token_type = requested_token_type;
    exchange.audiences = audiences;
    exchange.scopes = scopes;
    token_request(
        token_endpoint,
        client_id,
        &auth,
        Grant::TokenExchange(exchange),
        resources,
    )
}

/// A successful upstream token response (RFC 6749 §5.1), redacted when printed: the tokens
/// are read through methods, and `to_json` is the body a proxy sends its own client.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct TokenResponse {
    inner: oauth::TokenResponse,
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

#[uniffi::export]
impl TokenResponse {
    /// The access token.
    pub fn access_token(&self) -> String {
        self.inner.access_token.expose().to_owned()
    }

    /// The token type as sent (`Bearer` when the upstream left it out).
    pub fn token_type(&self) -> String {
        self.inner.token_type.clone()
    }

    /// The refresh token, when one was issued.
    pub fn refresh_token(&self) -> Option<String> {
        self.inner
            .refresh_token
            .as_ref()
            .map(|t| t.expose().to_owned())
    }

    /// The OpenID Connect ID token, when one was issued.
    pub fn id_token(&self) -> Option<String> {
        self.inner.id_token.as_ref().map(|t| t.expose().to_owned())
    }

    /// The granted scopes, when the upstream listed them.
    pub fn scopes(&self) -> Option<Vec<String>> {
        self.inner.scopes.clone()
    }

    /// When the access token expires, given the time `now` the response was received.
    pub fn expires_at(&self, now: u64) -> Option<u64> {
        self.inner.expires_at(now)
    }

    /// The response as a JSON token response, for the proxy's own client: it holds the
    /// tokens, so send it, never log it.
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }
}

/// Reads an upstream token endpoint's answer (JSON, or GitHub's form encoding). An OAuth
/// error from the upstream arrives as `McpBearerError.Upstream` with `upstreamError`,
/// `upstreamErrorDescription` and the upstream's status, relayed, never turned into a 500.
#[uniffi::export]
pub fn parse_token_response(response: crate::fetch::HttpResponse) -> Result<Arc<TokenResponse>> {
    Ok(Arc::new(TokenResponse {
        inner: oauth::TokenResponse::parse(&response.into())?,
    }))
}
