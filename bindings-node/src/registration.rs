//! Dynamic client registration (RFC 7591) answered for the proxy's pre-registered client, and
//! the redirect-URI policy it checks with: the core's `ClientRegistration` and
//! `RedirectUriPolicy` for JavaScript.

use mcp_bearer::oauth::{
    ClientRegistration as CoreClientRegistration, ClientRegistrationRequest,
    RedirectUriPolicy as CoreRedirectUriPolicy,
};
use napi::Env;
use napi::bindgen_prelude::{Either3, Object, Uint8Array};
use napi_derive::napi;
use serde_json::{Value, json};

use crate::errors::invalid_config;
use crate::oauth::{now_secs, run};

/// Which redirect URIs the proxy accepts from MCP clients (the core's `RedirectUriPolicy`):
/// `https`, `http` to a loopback host, the configured private-use schemes; never
/// `javascript:`, `data:`, `file:`, fragments or userinfo.
#[napi]
pub struct RedirectUriPolicy {
    pub(crate) inner: CoreRedirectUriPolicy,
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
        let request = registration_request(&env, body)?;
        with_policy(policy, |policy| {
            CoreClientRegistration::for_pre_registered_client(
                &request,
                &client_id,
                policy,
                now_secs(now)?,
            )
        })
        .map(ClientRegistration::from)
    })
}

/// A registration request from its body: text or bytes as received, or its parsed JSON.
pub(crate) fn registration_request(
    env: &Env,
    body: Either3<String, Uint8Array, Object>,
) -> mcp_bearer::Result<ClientRegistrationRequest> {
    let bytes = match body {
        Either3::A(text) => text.into_bytes(),
        Either3::B(bytes) => bytes.to_vec(),
        Either3::C(object) => env
            .from_js_value::<Value, _>(object)
            .ok()
            .and_then(|value| serde_json::to_vec(&value).ok())
            .ok_or_else(|| invalid_config("the registration request is not JSON"))?,
    };
    ClientRegistrationRequest::parse(&bytes)
}

/// Runs `f` with `policy`, or the core's default `RedirectUriPolicy` when none is given.
pub(crate) fn with_policy<T>(
    policy: Option<&RedirectUriPolicy>,
    f: impl FnOnce(&CoreRedirectUriPolicy) -> mcp_bearer::Result<T>,
) -> mcp_bearer::Result<T> {
    match policy {
        Some(policy) => f(&policy.inner),
        None => f(&CoreRedirectUriPolicy::default()),
    }
}
