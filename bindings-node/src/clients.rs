//! Who the proxy's client is (the core's `mcp_bearer::oauth::ProxyClient`) for JavaScript:
//! client id metadata documents fetched by a `ClientMetadataResolver`, registrations sealed
//! into their client ids (`registerSealedClient`), and the `Consent` a consent page shows.
//!
//! Resolving a document is blocking I/O (the core's `UreqFetch`), so it runs as a task on the
//! libuv pool and answers with a Promise; nothing else here does I/O or leaves the main
//! thread. A sealed client id is not a secret (it is signed, not encrypted, and holds only
//! what the client registered); the `StateKey` that seals it stays inside its class.

use std::sync::Arc;

use mcp_bearer::clock::SystemClock;
use mcp_bearer::net::UreqFetchOptions;
use mcp_bearer::oauth::{
    ClientMetadataDocument as CoreClientMetadataDocument, ClientMetadataOptions,
    ClientMetadataResolver as CoreClientMetadataResolver,
    ClientRegistration as CoreClientRegistration, ClientVerification, Consent as CoreConsent,
    ProxyClient as CoreProxyClient, SealedRegistrationOptions, StateKey as CoreStateKey,
};
use napi::bindgen_prelude::{AsyncTask, Either3, Object, PromiseRaw, Uint8Array};
use napi::{Env, Task};
use napi_derive::napi;
use serde_json::{Map, Value, json};

use crate::errors::{guard, panicked, to_js_object, to_napi};
use crate::oauth::{now_secs, run};
use crate::registration::{
    ClientRegistration, RedirectUriPolicy, registration_request, with_policy,
};
use crate::state::StateKey;

/// The options of a resolver or a fetch: camelCase names to the core's, absent as `{}`.
fn options_value(options: Option<Value>) -> Value {
    options.map_or_else(|| json!({}), crate::config::to_core)
}

/// A client's metadata document, fetched and checked (the core's `ClientMetadataDocument`).
#[napi(object)]
pub struct ClientMetadataDocument {
    /// The client id: the URL the document was fetched from, equal to its `client_id`.
    pub client_id: String,
    /// The redirect URIs the document lists.
    pub redirect_uris: Vec<String>,
    /// The client's name, if the document gives one.
    pub client_name: Option<String>,
    /// The client's home page (an `https` URL), if the document gives one.
    pub client_uri: Option<String>,
    /// The client's logo, if the document gives one (shown only if the host chooses to).
    pub logo_uri: Option<String>,
    /// How the client authenticates at the token endpoint: the document's value, or `none`.
    pub token_endpoint_auth_method: String,
    /// The grant types the document lists (`authorization_code` when it lists none).
    pub grant_types: Vec<String>,
    /// The document's other members, as sent.
    #[napi(ts_type = "Record<string, unknown>")]
    pub extra: Value,
}

impl From<&CoreClientMetadataDocument> for ClientMetadataDocument {
    fn from(document: &CoreClientMetadataDocument) -> Self {
        // Destructured without `..`: a field added to the core's type fails this build.
        let CoreClientMetadataDocument {
            client_id,
            redirect_uris,
            client_name,
            client_uri,
            logo_uri,
            token_endpoint_auth_method,
            grant_types,
            extra,
        } = document;
        ClientMetadataDocument {
            client_id: client_id.clone(),
            redirect_uris: redirect_uris.clone(),
            client_name: client_name.clone(),
            client_uri: client_uri.clone(),
            logo_uri: logo_uri.clone(),
            token_endpoint_auth_method: token_endpoint_auth_method.clone(),
            grant_types: grant_types.clone(),
            extra: Value::Object(extra.clone()),
        }
    }
}

/// Fetches, checks and caches client id metadata documents (the core's
/// `ClientMetadataResolver`): the client id is an `https` URL, the document there must name
/// it as its `client_id` and list the redirect URIs. The fetch refuses loopback, private and
/// link-local addresses (on every address the name resolves to, and connects only to the
/// address it checked) unless the options opt in.
#[napi]
pub struct ClientMetadataResolver {
    inner: Arc<CoreClientMetadataResolver>,
}

#[napi]
impl ClientMetadataResolver {
    /// A resolver with the system clock. `options` is the core's `ClientMetadataOptions` in
    /// camelCase (durations in seconds): `timeout` defaults to 5 (1 ms to 10 min);
    /// `maxResponseBytes` to 65536 (64 KiB); `cacheTtl`, the lifetime of a document whose
    /// response has no caching headers, to 300 (0 to 7 days); `maxCacheTtl`, whatever the
    /// headers say, to 86400 (0 to 7 days); `cacheEntries` to 1000 (0 for no cache);
    /// `tokenEndpointAuthMethods` to `['none']`; `dangerousAllowLoopback` (documents on
    /// 127.0.0.0/8, `::1`, `localhost`, and plain `http` ids there: tests and development) and
    /// `dangerousAllowPrivate` (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7) to `false`.
    /// `fetchOptions` is the core's `UreqFetchOptions` in camelCase: `extraCaPem` (PEM text)
    /// defaults to none, `onlyExtraCa` to `false`, `ignoreProxyEnv` to `false` (a fetch with
    /// an address policy, as this one always is, ignores the proxy variables anyway); its
    /// `addressPolicy` is replaced by the one of `options`. Throws `ERR_INVALID_CONFIG` for
    /// an unknown member, a wrong type or a value out of range.
    #[napi(
        constructor,
        ts_args_type = "options?: { timeout?: number, maxResponseBytes?: number, cacheTtl?: number, maxCacheTtl?: number, cacheEntries?: number, tokenEndpointAuthMethods?: string[], dangerousAllowLoopback?: boolean, dangerousAllowPrivate?: boolean } | undefined | null, fetchOptions?: { extraCaPem?: string, onlyExtraCa?: boolean, ignoreProxyEnv?: boolean } | undefined | null"
    )]
    pub fn new(
        env: Env,
        options: Option<Value>,
        fetch_options: Option<Value>,
    ) -> napi::Result<Self> {
        run(&env, || {
            let options = ClientMetadataOptions::from_value(options_value(options))?;
            let fetch_options = UreqFetchOptions::from_value(options_value(fetch_options))?;
            CoreClientMetadataResolver::with_clock(options, &fetch_options, Arc::new(SystemClock))
                .map(|inner| ClientMetadataResolver {
                    inner: Arc::new(inner),
                })
        })
    }

    /// The document for `clientId`: from the cache while it is fresh (by the response's
    /// `Cache-Control: max-age` or `Expires`, within `maxCacheTtl`), otherwise fetched on the
    /// libuv pool (no redirects followed, size-capped, timed out) and checked. Rejects with
    /// `ERR_OAUTH_INVALID_CLIENT` (`invalid_client`, 401) whose `reason` names the failed
    /// check: `client_id_url` (not an `https` URL with a path in normal form), `address` (a
    /// refused address), `fetch`, `status`, `document`, `client_id` (the document names
    /// another URL), `redirect_uris`, `token_endpoint_auth_method`, `client_secret`,
    /// `client_uri`, `grant_types`, `response_types`. A refused document is not cached.
    #[napi(ts_return_type = "Promise<ClientMetadataDocument>")]
    pub fn resolve(&self, client_id: String) -> AsyncTask<ResolveDocument> {
        AsyncTask::new(ResolveDocument {
            resolver: Arc::clone(&self.inner),
            client_id,
            outcome: None,
        })
    }

    /// The options in use, with the core's names (durations in seconds).
    #[napi(
        js_name = "toJSON",
        ts_return_type = "{ options: Record<string, unknown> }"
    )]
    pub fn to_json(&self) -> Value {
        let o = self.inner.options();
        json!({
            "options": {
                "timeout": o.timeout.as_secs_f64(),
                "maxResponseBytes": o.max_response_bytes,
                "cacheTtl": o.cache_ttl.as_secs(),
                "maxCacheTtl": o.max_cache_ttl.as_secs(),
                "cacheEntries": o.cache_entries,
                "tokenEndpointAuthMethods": o.token_endpoint_auth_methods,
                "dangerousAllowLoopback": o.dangerous_allow_loopback,
                "dangerousAllowPrivate": o.dangerous_allow_private,
            }
        })
    }
}

/// `ClientMetadataResolver#resolve` on the pool.
pub struct ResolveDocument {
    resolver: Arc<CoreClientMetadataResolver>,
    client_id: String,
    outcome: Option<mcp_bearer::Error>,
}

impl Task for ResolveDocument {
    type Output = Option<Arc<CoreClientMetadataDocument>>;
    type JsValue = ClientMetadataDocument;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        guard(|| match self.resolver.resolve(&self.client_id) {
            Ok(document) => Ok(Some(document)),
            Err(error) => {
                self.outcome = Some(error);
                Ok(None)
            }
        })
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<ClientMetadataDocument> {
        match (output, self.outcome.take()) {
            (Some(document), _) => Ok(ClientMetadataDocument::from(document.as_ref())),
            (None, Some(error)) => Err(to_napi(&env, &error)),
            (None, None) => Err(panicked()),
        }
    }
}

/// What a consent page shows for a pending authorization (the core's `Consent`). Every text
/// in it is the client's own (from its document or its registration): escape it when
/// rendering.
#[napi(object)]
pub struct Consent {
    /// The client id of the request: for a verified URL, the document's URL (show its
    /// host); for a sealed registration, an opaque value not worth showing.
    pub client_id: String,
    /// The client's name, if it gave one.
    pub client_name: Option<String>,
    /// The client's home page (an `https` URL), if it gave one.
    pub client_uri: Option<String>,
    /// The exact redirect URI the authorization code will be sent to.
    pub redirect_uri: String,
    /// `verified_url`: the client id is an `https` URL whose host published the document
    /// (show that host); `self_asserted`: a registration, whose name anyone could have
    /// chosen (say so).
    #[napi(ts_type = "'verified_url' | 'self_asserted'")]
    pub verification: String,
    /// The scopes the client asked for.
    pub scopes: Vec<String>,
}

/// The core's name of `verification` (its serde name).
fn verification_name(verification: ClientVerification) -> String {
    match serde_json::to_value(verification) {
        Ok(Value::String(name)) => name,
        _ => String::new(),
    }
}

impl From<CoreConsent> for Consent {
    fn from(consent: CoreConsent) -> Self {
        // Destructured without `..`: a field added to the core's type fails this build.
        let CoreConsent {
            client_id,
            client_name,
            client_uri,
            redirect_uri,
            verification,
            scopes,
        } = consent;
        Consent {
            client_id,
            client_name,
            client_uri,
            redirect_uri,
            verification: verification_name(verification),
            scopes,
        }
    }
}

/// The client of an authorization request, identified (the core's `ProxyClient`): by a client
/// id metadata document, or by a client id sealed at registration.
#[napi]
pub struct ProxyClient {
    inner: CoreProxyClient,
}

#[napi]
impl ProxyClient {
    /// Identifies the client behind `clientId` (the core's `ProxyClient::identify`): an
    /// `http(s)` URL is a client id metadata document, resolved by `documents` on the libuv
    /// pool (without `documents` it is refused: reason `metadata_document`); anything else
    /// must be a client id `registerSealedClient` sealed under `key`, opened at `now`
    /// (seconds; defaults to the system clock) on the main thread. A host that also keeps a
    /// pre-registered client id compares it first. Rejects with `ERR_OAUTH_INVALID_CLIENT`
    /// (`invalid_client`, 401), `reason` naming the failed check: `ClientMetadataResolver`'s
    /// reasons, or for a sealed id `malformed`, `signature` (altered, or sealed under another
    /// key) or `expired`.
    #[napi(
        ts_args_type = "clientId: string, key: StateKey, documents?: ClientMetadataResolver | undefined | null, now?: number | undefined | null",
        ts_return_type = "Promise<ProxyClient>"
    )]
    pub fn identify(
        env: Env,
        client_id: String,
        key: &StateKey,
        documents: Option<&ClientMetadataResolver>,
        now: Option<f64>,
    ) -> napi::Result<PromiseRaw<'static, ProxyClient>> {
        guard(|| {
            let now = match now_secs(now) {
                Ok(now) => now,
                Err(error) => return PromiseRaw::reject(&env, to_js_object(&env, &error)?),
            };
            // Without a resolver the core answers at once, with no I/O: a sealed id opened,
            // or a URL refused (`metadata_document`), which a resolver then fetches.
            let error = match CoreProxyClient::identify(&client_id, &key.inner, None, now) {
                Ok(inner) => return PromiseRaw::resolve(&env, ProxyClient { inner }),
                Err(error) => error,
            };
            match documents {
                Some(documents) if error.reason() == Some("metadata_document") => {
                    let work = env.spawn(Identify {
                        client_id,
                        key: key.inner.clone(),
                        documents: Arc::clone(&documents.inner),
                        now,
                        outcome: None,
                    })?;
                    Ok(work.promise_object())
                }
                _ => PromiseRaw::reject(&env, to_js_object(&env, &error)?),
            }
        })
    }

    /// Identifies the client behind `clientId` without client id metadata documents, on the
    /// calling thread (no I/O): a client id `registerSealedClient` sealed under `key`, opened
    /// at `now` (seconds; defaults to the system clock). Throws `ERR_OAUTH_INVALID_CLIENT`
    /// with `reason` `malformed`, `signature`, `expired`, or `metadata_document` for a URL
    /// (use `identify` with a `ClientMetadataResolver` to accept those).
    #[napi(ts_args_type = "clientId: string, key: StateKey, now?: number | undefined | null")]
    pub fn identify_sync(
        env: Env,
        client_id: String,
        key: &StateKey,
        now: Option<f64>,
    ) -> napi::Result<ProxyClient> {
        run(&env, || {
            CoreProxyClient::identify(&client_id, &key.inner, None, now_secs(now)?)
                .map(|inner| ProxyClient { inner })
        })
    }

    /// The client id.
    #[napi(getter)]
    pub fn client_id(&self) -> String {
        self.inner.client_id().to_owned()
    }

    /// The redirect URIs the client listed (in its document or its registration).
    #[napi(getter)]
    pub fn redirect_uris(&self) -> Vec<String> {
        match &self.inner {
            CoreProxyClient::MetadataDocument(d) => d.redirect_uris.clone(),
            CoreProxyClient::Registered(r) => r.redirect_uris.clone(),
        }
    }

    /// The client's name, if it gave one.
    #[napi(getter)]
    pub fn client_name(&self) -> Option<String> {
        match &self.inner {
            CoreProxyClient::MetadataDocument(d) => d.client_name.clone(),
            CoreProxyClient::Registered(r) => r.client_name.clone(),
        }
    }

    /// The client's home page, if it gave one.
    #[napi(getter)]
    pub fn client_uri(&self) -> Option<String> {
        match &self.inner {
            CoreProxyClient::MetadataDocument(d) => d.client_uri.clone(),
            CoreProxyClient::Registered(r) => r.client_uri.clone(),
        }
    }

    /// The metadata document, for a client identified by one; `null` for a registration.
    #[napi(getter)]
    pub fn document(&self) -> Option<ClientMetadataDocument> {
        match &self.inner {
            CoreProxyClient::MetadataDocument(d) => Some(ClientMetadataDocument::from(d.as_ref())),
            CoreProxyClient::Registered(_) => None,
        }
    }

    /// When a sealed registration stops being accepted, in seconds since the Unix epoch;
    /// `null` when it does not expire, or for a metadata document.
    #[napi(getter)]
    pub fn expires_at(&self) -> Option<f64> {
        match &self.inner {
            CoreProxyClient::MetadataDocument(_) => None,
            CoreProxyClient::Registered(r) => r.expires_at.map(|e| e as f64),
        }
    }

    /// Checks the authorization request's `redirectUri` against the client's own list
    /// (exactly, or a loopback `http` URI on any port, RFC 8252 §7.3) and `policy` (defaults
    /// to the core's `RedirectUriPolicy`), and returns what a consent page shows; `scopes`
    /// are the ones asked for (defaults to none). Throws `ERR_INVALID_REQUEST`
    /// (`invalid_request`, reason `redirect_uri`) for a URI the client did not list, and
    /// `ERR_REDIRECT_URI_REJECTED` when `policy` refuses it: answer on the authorize
    /// endpoint's own page, never by a redirect (RFC 6749 §4.1.2.1).
    #[napi(
        ts_args_type = "redirectUri: string, scopes?: string[] | undefined | null, policy?: RedirectUriPolicy | undefined | null"
    )]
    pub fn authorize(
        &self,
        env: Env,
        redirect_uri: String,
        scopes: Option<Vec<String>>,
        policy: Option<&RedirectUriPolicy>,
    ) -> napi::Result<Consent> {
        run(&env, || {
            let scopes = scopes.unwrap_or_default();
            with_policy(policy, |policy| {
                self.inner.authorize(&redirect_uri, &scopes, policy)
            })
            .map(Consent::from)
        })
    }

    /// What the client said about itself: `clientId`, `clientName`, `clientUri`,
    /// `redirectUris`, `expiresAt`.
    #[napi(
        js_name = "toJSON",
        ts_return_type = "{ clientId: string, clientName: string | null, clientUri: string | null, redirectUris: string[], expiresAt: number | null }"
    )]
    pub fn to_json(&self) -> Value {
        let mut view = Map::new();
        view.insert("clientId".into(), json!(self.inner.client_id()));
        view.insert("clientName".into(), json!(self.client_name()));
        view.insert("clientUri".into(), json!(self.client_uri()));
        view.insert("redirectUris".into(), json!(self.redirect_uris()));
        view.insert("expiresAt".into(), json!(self.expires_at()));
        Value::Object(view)
    }
}

/// `ProxyClient.identify` of a client id metadata document, on the pool.
pub struct Identify {
    client_id: String,
    key: CoreStateKey,
    documents: Arc<CoreClientMetadataResolver>,
    now: u64,
    outcome: Option<mcp_bearer::Error>,
}

impl Task for Identify {
    type Output = Option<CoreProxyClient>;
    type JsValue = ProxyClient;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        guard(|| {
            let identified = CoreProxyClient::identify(
                &self.client_id,
                &self.key,
                Some(&self.documents),
                self.now,
            );
            match identified {
                Ok(client) => Ok(Some(client)),
                Err(error) => {
                    self.outcome = Some(error);
                    Ok(None)
                }
            }
        })
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<ProxyClient> {
        match (output, self.outcome.take()) {
            (Some(inner), _) => Ok(ProxyClient { inner }),
            (None, Some(error)) => Err(to_napi(&env, &error)),
            (None, None) => Err(panicked()),
        }
    }
}

/// Answers a dynamic client registration (RFC 7591) with a client id of the client's own
/// (the core's `ClientRegistration::sealed`): its redirect URIs, name, home page and the
/// time `now` (seconds; defaults to the system clock), HMAC-sealed under `key`, so that
/// `ProxyClient.identify` on any instance accepts only the redirect URIs it registered,
/// without a shared store. `body` is as for `registerClient`; `policy` defaults to the
/// core's `RedirectUriPolicy`; `options.ttl` (seconds) is how long the client id is accepted,
/// 60 s to 10 years, and defaults to none (as long as the key). Throws
/// `ERR_INVALID_CLIENT_METADATA` as `registerClient` does and also for a `client_uri` that is
/// not `https` or a registration too large to seal (over 2 KiB), `ERR_REDIRECT_URI_REJECTED`
/// for a missing or refused redirect URI, `ERR_INVALID_CONFIG` for a bad option.
#[napi(
    ts_args_type = "body: string | Uint8Array | Record<string, unknown>, key: StateKey, policy?: RedirectUriPolicy | undefined | null, options?: { ttl?: number } | undefined | null, now?: number | undefined | null"
)]
pub fn register_sealed_client(
    env: Env,
    body: Either3<String, Uint8Array, Object>,
    key: &StateKey,
    policy: Option<&RedirectUriPolicy>,
    options: Option<Value>,
    now: Option<f64>,
) -> napi::Result<ClientRegistration> {
    run(&env, || {
        let options = SealedRegistrationOptions::from_value(options_value(options))?;
        let request = registration_request(&env, body)?;
        let now = now_secs(now)?;
        with_policy(policy, |policy| {
            CoreClientRegistration::sealed(&request, &key.inner, policy, now, &options)
        })
        .map(ClientRegistration::from)
    })
}
