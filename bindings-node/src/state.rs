//! The sealed proxy state, PKCE and random `state`/`nonce` values of the core
//! (`mcp_bearer::oauth`) for JavaScript. The state key and the PKCE verifiers live in
//! classes: `util.inspect` shows none of their contents, `toJSON()` only the public parts,
//! and a secret is read on purpose, by a method.

use mcp_bearer::oauth::{
    OpenedState as CoreOpenedState, PKCE_METHOD_S256, PkceChallenge,
    PkceVerifier as CorePkceVerifier, ProxyState, ProxyStateOptions,
    SealedState as CoreSealedState, StateKey as CoreStateKey,
};
use napi::Env;
use napi::bindgen_prelude::Uint8Array;
use napi_derive::napi;
use serde_json::{Value, json};

use crate::oauth::{now_secs, run};

/// The key that seals proxy states (HMAC-SHA256; the core's `StateKey`). Every instance of
/// the server must use the same one. Nothing of it can be read back.
#[napi]
pub struct StateKey {
    pub(crate) inner: CoreStateKey,
}

#[napi]
impl StateKey {
    /// A key from at least 32 secret bytes, e.g. `Buffer.from(process.env.STATE_KEY,
    /// 'base64')`. Throws `ERR_INVALID_KEY` for fewer bytes (the message gives the count,
    /// never the bytes).
    #[napi(constructor)]
    pub fn new(env: Env, secret: Uint8Array) -> napi::Result<Self> {
        run(&env, || {
            CoreStateKey::new(&secret).map(|inner| StateKey { inner })
        })
    }

    /// A fresh random key, for a single instance or tests (its states die with the process).
    #[napi(factory)]
    pub fn generate(env: Env) -> napi::Result<Self> {
        run(&env, || {
            CoreStateKey::generate().map(|inner| StateKey { inner })
        })
    }

    /// `"StateKey(<redacted>)"`: the key never appears in JSON.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> &'static str {
        "StateKey(<redacted>)"
    }
}

/// The MCP client's authorization request, to carry across the upstream round trip (the
/// core's `ProxyState`). Check `redirectUri` with a `RedirectUriPolicy` (and the client's
/// registration) before sealing.
#[napi(object, object_to_js = false)]
pub struct ProxyStateInit {
    /// The MCP client's id at the proxy.
    pub client_id: String,
    /// Where the proxy sends the client back.
    pub redirect_uri: String,
    /// The client's own `state`, returned to it unchanged. Defaults to none.
    pub client_state: Option<String>,
    /// The client's `code_challenge`.
    pub code_challenge: String,
    /// The client's `code_challenge_method`: only `S256` is accepted, and a missing one
    /// means `plain` (refused).
    pub code_challenge_method: Option<String>,
    /// The scopes the client asked for. Defaults to none.
    pub scopes: Option<Vec<String>>,
    /// The RFC 8707 resources the client asked for. Defaults to none.
    pub resources: Option<Vec<String>>,
}

/// An opened proxy state's client request.
#[napi(object)]
pub struct ProxyStateObject {
    /// The MCP client's id at the proxy.
    pub client_id: String,
    /// Where the proxy sends the client back.
    pub redirect_uri: String,
    /// The client's own `state`.
    pub client_state: Option<String>,
    /// The client's PKCE challenge, to check its `code_verifier` with `verifyPkce`.
    pub code_challenge: String,
    /// The scopes the client asked for.
    pub scopes: Vec<String>,
    /// The RFC 8707 resources the client asked for.
    pub resources: Vec<String>,
}

/// A freshly sealed state (the core's `SealedState`): `value` for the upstream request's
/// `state`, and the upstream leg's PKCE challenge and nonce. The verifier is read with
/// `upstreamPkceVerifier()`; `toJSON()` leaves it out.
#[napi]
pub struct SealedState {
    inner: CoreSealedState,
}

#[napi]
impl SealedState {
    /// The value for the upstream authorization request's `state` parameter.
    #[napi(getter)]
    pub fn value(&self) -> String {
        self.inner.as_str().to_owned()
    }

    /// When the state stops being accepted, in seconds since the Unix epoch.
    #[napi(getter)]
    pub fn expires_at(&self) -> f64 {
        self.inner.expires_at() as f64
    }

    /// The `S256` challenge of the upstream leg, for the upstream authorization request.
    #[napi(getter)]
    pub fn upstream_code_challenge(&self) -> String {
        self.inner
            .upstream_pkce_verifier()
            .challenge()
            .as_str()
            .to_owned()
    }

    /// The OIDC nonce for the upstream authorization request.
    #[napi(getter)]
    pub fn upstream_nonce(&self) -> String {
        self.inner.upstream_nonce().to_owned()
    }

    /// The upstream leg's PKCE verifier (a secret; `openState` gives the same one back).
    #[napi]
    pub fn upstream_pkce_verifier(&self) -> String {
        self.inner.upstream_pkce_verifier().expose().to_owned()
    }

    /// The public parts: `value`, `expiresAt`, `upstreamCodeChallenge`.
    #[napi(
        js_name = "toJSON",
        ts_return_type = "{ value: string, expiresAt: number, upstreamCodeChallenge: string }"
    )]
    pub fn to_json(&self) -> Value {
        json!({
            "value": self.inner.as_str(),
            "expiresAt": self.inner.expires_at(),
            "upstreamCodeChallenge": self.upstream_code_challenge(),
        })
    }
}

/// Seals `state` under `key` (the core's `ProxyState::seal_with`), valid for `options.ttl`
/// seconds (the core's `ProxyStateOptions`: defaults to 600, 1 to 86400) after `now`
/// (defaults to the system clock). Checks the client's PKCE challenge first. Throws
/// `ERR_INVALID_REQUEST` for a challenge that is not `S256` or a request too large to carry,
/// and `ERR_INVALID_CONFIG` for a `ttl` out of range or an unknown option.
#[napi(
    ts_args_type = "state: ProxyStateInit, key: StateKey, options?: { ttl?: number } | undefined | null, now?: number | undefined | null"
)]
pub fn seal_state(
    env: Env,
    state: ProxyStateInit,
    key: &StateKey,
    options: Option<Value>,
    now: Option<f64>,
) -> napi::Result<SealedState> {
    run(&env, || {
        let options = options.map_or_else(|| json!({}), crate::config::to_core);
        let options = ProxyStateOptions::from_value(options)?;
        let ProxyStateInit {
            client_id,
            redirect_uri,
            client_state,
            code_challenge,
            code_challenge_method,
            scopes,
            resources,
        } = state;
        let state = ProxyState {
            client_id,
            redirect_uri,
            client_state,
            code_challenge: PkceChallenge::from_request(
                &code_challenge,
                code_challenge_method.as_deref(),
            )?,
            scopes: scopes.unwrap_or_default(),
            resources: resources.unwrap_or_default(),
        };
        state
            .seal_with(&key.inner, now_secs(now)?, &options)
            .map(|inner| SealedState { inner })
    })
}

/// A state opened after the upstream callback (the core's `OpenedState`): the client's
/// request, and the upstream leg's secrets recomputed from the key.
#[napi]
pub struct OpenedState {
    inner: CoreOpenedState,
}

#[napi]
impl OpenedState {
    /// The client's authorization request.
    #[napi(getter)]
    pub fn state(&self) -> ProxyStateObject {
        let s = self.inner.state.clone();
        ProxyStateObject {
            client_id: s.client_id,
            redirect_uri: s.redirect_uri,
            client_state: s.client_state,
            code_challenge: s.code_challenge.as_str().to_owned(),
            scopes: s.scopes,
            resources: s.resources,
        }
    }

    /// When the state expires, in seconds since the Unix epoch.
    #[napi(getter)]
    pub fn expires_at(&self) -> f64 {
        self.inner.expires_at as f64
    }

    /// The OIDC nonce the upstream ID token must carry.
    #[napi(getter)]
    pub fn upstream_nonce(&self) -> String {
        self.inner.upstream_nonce().to_owned()
    }

    /// The upstream leg's PKCE verifier, for the upstream token request (a secret).
    #[napi]
    pub fn upstream_pkce_verifier(&self) -> String {
        self.inner.upstream_pkce_verifier().expose().to_owned()
    }

    /// Where to send the client after the upstream leg succeeded: its redirect URI with
    /// `code`, its `state` and `iss`, the proxy's issuer (RFC 9207).
    #[napi]
    pub fn client_redirect_url(
        &self,
        env: Env,
        code: String,
        issuer: String,
    ) -> napi::Result<String> {
        run(&env, || {
            self.inner.state.client_redirect_url(&code, &issuer)
        })
    }

    /// Where to send the client when the authorization failed: its redirect URI with `error`,
    /// `error_description` when given, its `state` and `iss`, the proxy's issuer (RFC 9207).
    #[napi]
    pub fn client_error_redirect_url(
        &self,
        env: Env,
        error: String,
        description: Option<String>,
        issuer: String,
    ) -> napi::Result<String> {
        run(&env, || {
            self.inner
                .state
                .client_error_redirect_url(&error, description.as_deref(), &issuer)
        })
    }

    /// The public parts: `state` and `expiresAt`.
    #[napi(
        js_name = "toJSON",
        ts_return_type = "{ state: ProxyStateObject, expiresAt: number }"
    )]
    pub fn to_json(&self) -> Value {
        json!({
            "state": {
                "clientId": self.inner.state.client_id,
                "redirectUri": self.inner.state.redirect_uri,
                "clientState": self.inner.state.client_state,
                "codeChallenge": self.inner.state.code_challenge.as_str(),
                "scopes": self.inner.state.scopes,
                "resources": self.inner.state.resources,
            },
            "expiresAt": self.inner.expires_at,
        })
    }
}

/// Opens a sealed state that came back from the upstream (the core's `ProxyState::open`) at
/// `now` (defaults to the system clock). Throws `ERR_OAUTH_STATE_INVALID` with `reason`
/// `malformed`, `signature` (altered, or sealed under another key) or `expired`.
#[napi]
pub fn open_state(
    env: Env,
    sealed: String,
    key: &StateKey,
    now: Option<f64>,
) -> napi::Result<OpenedState> {
    run(&env, || {
        ProxyState::open(&key.inner, &sealed, now_secs(now)?).map(|inner| OpenedState { inner })
    })
}

/// A PKCE code verifier (RFC 7636; the core's `PkceVerifier`) and its `S256` challenge. The
/// verifier is read with `expose()`; `util.inspect` and `toJSON()` show only the challenge.
#[napi]
pub struct PkceVerifier {
    inner: CorePkceVerifier,
}

#[napi]
impl PkceVerifier {
    /// Wraps an existing verifier after checking its syntax (43 to 128 characters of
    /// `A-Z a-z 0-9 - . _ ~`). Throws `ERR_OAUTH_INVALID_GRANT` otherwise.
    #[napi(constructor)]
    pub fn new(env: Env, verifier: String) -> napi::Result<Self> {
        run(&env, || {
            CorePkceVerifier::new(verifier).map(|inner| PkceVerifier { inner })
        })
    }

    /// A fresh verifier: 32 random bytes as 43 base64url characters.
    #[napi(factory)]
    pub fn generate(env: Env) -> napi::Result<Self> {
        run(&env, || {
            CorePkceVerifier::generate().map(|inner| PkceVerifier { inner })
        })
    }

    /// The `S256` challenge, for the `code_challenge` parameter.
    #[napi(getter)]
    pub fn challenge(&self) -> String {
        self.inner.challenge().as_str().to_owned()
    }

    /// The challenge method: always `S256`.
    #[napi(getter)]
    pub fn method(&self) -> &'static str {
        PKCE_METHOD_S256
    }

    /// The verifier itself, for the `code_verifier` parameter of the token request.
    #[napi]
    pub fn expose(&self) -> String {
        self.inner.expose().to_owned()
    }

    /// The public half: `{ challenge, method }`.
    #[napi(
        js_name = "toJSON",
        ts_return_type = "{ challenge: string, method: string }"
    )]
    pub fn to_json(&self) -> Value {
        json!({ "challenge": self.challenge(), "method": PKCE_METHOD_S256 })
    }
}

/// Checks the `code_challenge` and `code_challenge_method` of a client's authorization
/// request (the core's `PkceChallenge::from_request`) and returns the challenge. Throws
/// `ERR_INVALID_REQUEST` for a method other than `S256` (a missing one means `plain`) or a
/// challenge that is not 43 base64url characters of a SHA-256 digest.
#[napi]
pub fn check_pkce_challenge(
    env: Env,
    challenge: String,
    method: Option<String>,
) -> napi::Result<String> {
    run(&env, || {
        PkceChallenge::from_request(&challenge, method.as_deref()).map(|c| c.as_str().to_owned())
    })
}

/// Checks a client's `code_verifier` against the `S256` `challenge` of its authorization
/// request (RFC 7636 §4.6), in constant time. Throws `ERR_INVALID_REQUEST` for a malformed
/// challenge and `ERR_OAUTH_INVALID_GRANT` for a malformed or mismatching verifier.
#[napi]
pub fn verify_pkce(env: Env, challenge: String, verifier: String) -> napi::Result<()> {
    run(&env, || {
        PkceChallenge::from_request(&challenge, Some(PKCE_METHOD_S256))?.verify(&verifier)
    })
}

/// A fresh, unguessable `state` value (32 random bytes, base64url).
#[napi]
pub fn random_state(env: Env) -> napi::Result<String> {
    run(&env, mcp_bearer::oauth::random_state)
}

/// A fresh, unguessable OIDC `nonce` (32 random bytes, base64url).
#[napi]
pub fn random_nonce(env: Env) -> napi::Result<String> {
    run(&env, mcp_bearer::oauth::random_nonce)
}
