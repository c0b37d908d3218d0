//! Opaque (non-JWT) access tokens: RFC 7662 introspection, and verification by calling the
//! provider's userinfo endpoint (GitHub's `/user`, Google's and any OIDC provider's
//! userinfo). Both keep their verdicts in a bounded TTL cache and answer with the same
//! [`VerifiedToken`] and error contract as JWT verification.
//!
//! Cache keys are SHA-256 digests of the tokens, so the cache never holds a bearer token.

use std::fmt;
use std::ops::RangeInclusive;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::bounds;
use crate::cache::BoundedCache;
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, ErrorKind, Result};
use crate::net::url::check_fetch_url;
use crate::net::{self, Fetch, Fetched, HttpRequest, HttpResponse};
use crate::oauth::ClientAuth;
use crate::scope::scopes_of;
use crate::verify::{TokenSource, VerifiedToken, check_audience, check_issuer, check_scopes};

/// Default for [`IntrospectionOptions::cache_ttl`] and [`UserInfoOptions::cache_ttl`].
pub const DEFAULT_OPAQUE_CACHE_TTL: Duration = Duration::from_secs(60);
/// Default for the opaque verifiers' cache size.
pub const DEFAULT_OPAQUE_CACHE_ENTRIES: usize = 10_000;
/// Default for [`IntrospectionOptions::timeout`] and [`UserInfoOptions::timeout`].
pub const DEFAULT_OPAQUE_TIMEOUT: Duration = crate::net::DEFAULT_TIMEOUT;
/// Allowed `cache_ttl` of [`IntrospectionOptions`] and [`UserInfoOptions`]: 0 (verdicts are
/// not reused) to 1 day.
pub const OPAQUE_CACHE_TTL_RANGE: RangeInclusive<Duration> =
    Duration::ZERO..=Duration::from_secs(86_400);
/// Allowed `cache_entries` of [`IntrospectionOptions`] and [`UserInfoOptions`]: 0 (no cache)
/// to 10 000 000.
pub const OPAQUE_CACHE_ENTRIES_RANGE: RangeInclusive<usize> = 0..=10_000_000;
/// Allowed `timeout` of [`IntrospectionOptions`] and [`UserInfoOptions`]: 1 ms to 10 min
/// ([`crate::net::TIMEOUT_RANGE`]).
pub const OPAQUE_TIMEOUT_RANGE: RangeInclusive<Duration> = crate::net::TIMEOUT_RANGE;

/// Checks the options both opaque verifiers share; `fields` names them for the message.
fn check_common(
    fields: [&'static str; 3],
    cache_ttl: Duration,
    cache_entries: usize,
    timeout: Duration,
) -> Result<()> {
    let [ttl_field, entries_field, timeout_field] = fields;
    bounds::duration(ttl_field, cache_ttl, &OPAQUE_CACHE_TTL_RANGE)?;
    bounds::count(entries_field, cache_entries, &OPAQUE_CACHE_ENTRIES_RANGE)?;
    bounds::duration(timeout_field, timeout, &OPAQUE_TIMEOUT_RANGE)
}

/// Options for [`Introspector`]. As data ([`IntrospectionOptions::from_json`]), durations
/// are seconds and `client_auth` is `{"method": "client_secret_basic", "client_secret": "…"}`.
///
/// Like a [`crate::Verifier`], an introspector checks whom the token was issued by and for:
/// `issuers` and `audiences` are required (or the `dangerous_accept_any_*` switches), and a
/// response without `iss` or `aud` (both optional in RFC 7662 §2.2) is refused while they are
/// configured.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IntrospectionOptions {
    /// The RFC 7662 introspection endpoint: `https`, or `http` to a loopback host (any `http`
    /// with `dangerous_allow_insecure_http`). Required; defaults to empty.
    pub endpoint: String,
    /// This resource server's client id at the authorization server. Required; defaults to
    /// empty.
    pub client_id: String,
    /// How this resource server authenticates to the endpoint. Defaults to none (most
    /// servers require `client_secret_basic`).
    pub client_auth: ClientAuth,
    /// Accepted `iss` values: the response must carry one of them. Required unless
    /// `dangerous_accept_any_issuer`. Defaults to empty.
    pub issuers: Vec<String>,
    /// Accepted audiences: the response's `aud` must contain one. Required unless
    /// `dangerous_accept_any_audience`. Defaults to empty.
    pub audiences: Vec<String>,
    /// Skip the issuer check. Defaults to `false`.
    pub dangerous_accept_any_issuer: bool,
    /// Skip the audience check: any active token of the authorization server passes,
    /// whatever service it was issued for. Defaults to `false`.
    pub dangerous_accept_any_audience: bool,
    /// Scopes the token must carry. Defaults to none.
    pub required_scopes: Vec<String>,
    /// How long a verdict is reused; never past the token's `exp`. Defaults to 60 seconds;
    /// 0 to 1 day ([`OPAQUE_CACHE_TTL_RANGE`]).
    #[serde(deserialize_with = "crate::config::seconds")]
    pub cache_ttl: Duration,
    /// How many verdicts are cached; 0 disables the cache. Defaults to 10 000; at most
    /// 10 000 000 ([`OPAQUE_CACHE_ENTRIES_RANGE`]).
    pub cache_entries: usize,
    /// How long one request may take. Defaults to 5 seconds; 1 ms to 10 min
    /// ([`OPAQUE_TIMEOUT_RANGE`]).
    #[serde(deserialize_with = "crate::config::seconds")]
    pub timeout: Duration,
    /// Allow a plain `http` endpoint on a host that is not loopback (a docker-compose
    /// network: `http://keycloak:8080/…`). Defaults to `false`: tokens sent over plain HTTP
    /// can be read by anyone on the path.
    pub dangerous_allow_insecure_http: bool,
}

impl Default for IntrospectionOptions {
    fn default() -> Self {
        IntrospectionOptions {
            endpoint: String::new(),
            client_id: String::new(),
            client_auth: ClientAuth::None,
            issuers: Vec::new(),
            audiences: Vec::new(),
            dangerous_accept_any_issuer: false,
            dangerous_accept_any_audience: false,
            required_scopes: Vec::new(),
            cache_ttl: DEFAULT_OPAQUE_CACHE_TTL,
            cache_entries: DEFAULT_OPAQUE_CACHE_ENTRIES,
            timeout: DEFAULT_OPAQUE_TIMEOUT,
            dangerous_allow_insecure_http: false,
        }
    }
}

crate::config::from_config_data!(IntrospectionOptions);

impl IntrospectionOptions {
    /// Options for `endpoint` and `client_id`, every other field at its default (so
    /// `issuers` and `audiences` are still to be set).
    pub fn new(endpoint: impl Into<String>, client_id: impl Into<String>) -> Self {
        IntrospectionOptions {
            endpoint: endpoint.into(),
            client_id: client_id.into(),
            ..IntrospectionOptions::default()
        }
    }
}

/// Which userinfo document a [`UserInfoVerifier`] reads. As data, by name: `"oidc"` or
/// `"github"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UserInfoFlavor {
    /// An OIDC userinfo endpoint (Google, Okta, Auth0, …): the subject is `sub`. The default.
    #[default]
    Oidc,
    /// GitHub's `GET /user`: the subject is the numeric `id`, and the token's scopes come in
    /// the `X-OAuth-Scopes` response header.
    GitHub,
}

/// Options for [`UserInfoVerifier`]. As data ([`UserInfoOptions::from_json`]), durations are
/// seconds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UserInfoOptions {
    /// The userinfo endpoint: `https`, or `http` to a loopback host (any `http` with
    /// `dangerous_allow_insecure_http`). Required; defaults to empty.
    pub endpoint: String,
    /// The document's shape. Defaults to [`UserInfoFlavor::Oidc`].
    pub flavor: UserInfoFlavor,
    /// Scopes the token must carry (only checkable where the provider reports them: GitHub).
    /// Defaults to none.
    pub required_scopes: Vec<String>,
    /// How long a verdict is reused. Defaults to 60 seconds; 0 to 1 day
    /// ([`OPAQUE_CACHE_TTL_RANGE`]).
    #[serde(deserialize_with = "crate::config::seconds")]
    pub cache_ttl: Duration,
    /// How many verdicts are cached; 0 disables the cache. Defaults to 10 000; at most
    /// 10 000 000 ([`OPAQUE_CACHE_ENTRIES_RANGE`]).
    pub cache_entries: usize,
    /// How long one request may take. Defaults to 5 seconds; 1 ms to 10 min
    /// ([`OPAQUE_TIMEOUT_RANGE`]).
    #[serde(deserialize_with = "crate::config::seconds")]
    pub timeout: Duration,
    /// Allow a plain `http` endpoint on a host that is not loopback. Defaults to `false`:
    /// tokens sent over plain HTTP can be read by anyone on the path.
    pub dangerous_allow_insecure_http: bool,
}

impl Default for UserInfoOptions {
    fn default() -> Self {
        UserInfoOptions {
            endpoint: String::new(),
            flavor: UserInfoFlavor::Oidc,
            required_scopes: Vec::new(),
            cache_ttl: DEFAULT_OPAQUE_CACHE_TTL,
            cache_entries: DEFAULT_OPAQUE_CACHE_ENTRIES,
            timeout: DEFAULT_OPAQUE_TIMEOUT,
            dangerous_allow_insecure_http: false,
        }
    }
}

crate::config::from_config_data!(UserInfoOptions);

impl UserInfoOptions {
    /// Options for `endpoint`, every other field at its default.
    pub fn new(endpoint: impl Into<String>) -> Self {
        UserInfoOptions {
            endpoint: endpoint.into(),
            ..UserInfoOptions::default()
        }
    }
}

/// Verdicts by token digest, each with the time it stops being reused; stored in the crate's
/// one bounded cache ([`crate::cache::BoundedCache`]).
struct VerdictCache(BoundedCache<[u8; 32], (f64, VerifiedToken)>);

impl VerdictCache {
    fn new(capacity: usize) -> Self {
        VerdictCache(BoundedCache::new(capacity))
    }

    fn digest(token: &str) -> ([u8; 32], u64) {
        let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, token.as_bytes());
        let mut out = [0u8; 32];
        out.copy_from_slice(d.as_ref());
        let mut hash = [0u8; 8];
        hash.copy_from_slice(&out[..8]);
        (out, u64::from_le_bytes(hash))
    }

    fn get(&self, token: &str, now: f64) -> Option<VerifiedToken> {
        let (digest, hash) = Self::digest(token);
        let (until, verdict) = self.0.get(hash, |key, (until, v)| {
            (*key == digest).then(|| (*until, v.clone()))
        })?;
        if until > now {
            return Some(verdict);
        }
        self.0.remove(hash, |key| *key == digest);
        None
    }

    fn put(&self, token: &str, until: f64, verdict: VerifiedToken) {
        let (digest, hash) = Self::digest(token);
        self.0.insert(hash, digest, (until, verdict));
    }
}

fn send(fetch: &dyn Fetch, request: &HttpRequest, what: Fetched<'_>) -> Result<HttpResponse> {
    fetch
        .fetch(request)
        .map_err(|e| net::fetch_failure(what, &e))
}

fn parse_object(body: &[u8], what: &str) -> Result<Map<String, Value>> {
    serde_json::from_slice(body).map_err(|_| {
        Error::new(
            ErrorKind::IntrospectionFailed,
            format!("the {what} response is not a JSON object"),
        )
    })
}

/// Verifies opaque tokens with RFC 7662 token introspection.
pub struct Introspector {
    options: IntrospectionOptions,
    fetch: Arc<dyn Fetch>,
    clock: Arc<dyn Clock>,
    cache: VerdictCache,
}

impl fmt::Debug for Introspector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Introspector")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Introspector {
    /// An introspector sending its requests with `fetch`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] for an endpoint that is not `https` (or loopback
    /// `http`, or any `http` with `dangerous_allow_insecure_http`), an empty client id, no
    /// issuer or no audience configured (without the `dangerous_accept_any_*` switch), or an
    /// option outside its range.
    pub fn new(options: IntrospectionOptions, fetch: Arc<dyn Fetch>) -> Result<Introspector> {
        Introspector::with_clock(options, fetch, Arc::new(SystemClock))
    }

    /// As [`Introspector::new`], with an explicit clock.
    ///
    /// # Errors
    /// As [`Introspector::new`].
    pub fn with_clock(
        options: IntrospectionOptions,
        fetch: Arc<dyn Fetch>,
        clock: Arc<dyn Clock>,
    ) -> Result<Introspector> {
        check_fetch_url(
            &options.endpoint,
            "introspection endpoint",
            options.dangerous_allow_insecure_http,
        )?;
        if options.client_id.is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                "the introspection client_id is empty",
            ));
        }
        if options.issuers.is_empty() && !options.dangerous_accept_any_issuer {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                "no issuer configured for introspection: set IntrospectionOptions::issuers to \
                 the authorization server's issuer (the response's \"iss\"), or set \
                 dangerous_accept_any_issuer",
            ));
        }
        if options.audiences.is_empty() && !options.dangerous_accept_any_audience {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                "no audience configured for introspection: set IntrospectionOptions::audiences \
                 to this server's audience (usually its resource URL) so that tokens issued \
                 for other services are refused, or set dangerous_accept_any_audience",
            ));
        }
        check_common(
            [
                "IntrospectionOptions::cache_ttl",
                "IntrospectionOptions::cache_entries",
                "IntrospectionOptions::timeout",
            ],
            options.cache_ttl,
            options.cache_entries,
            options.timeout,
        )?;
        let cache = VerdictCache::new(options.cache_entries);
        Ok(Introspector {
            options,
            fetch,
            clock,
            cache,
        })
    }

    /// The introspection request for `token` (RFC 7662 §2.1), for hosts that send it
    /// themselves.
    pub fn request(&self, token: &str) -> HttpRequest {
        let mut request = self.options.client_auth.post_form(
            self.options.endpoint.clone(),
            &self.options.client_id,
            &[("token", token), ("token_type_hint", "access_token")],
        );
        request.timeout = self.options.timeout;
        request.max_response_bytes = 64 * 1024;
        request
    }

    /// Verifies `token`: a cached verdict, or a call to the introspection endpoint.
    ///
    /// # Errors
    /// [`ErrorKind::TokenInactive`] when the server says `active: false`;
    /// [`ErrorKind::IntrospectionFailed`] when it cannot be asked;
    /// [`ErrorKind::JwtClaimValidationFailed`] for a wrong `iss`/`aud`;
    /// [`ErrorKind::JwtExpired`] past `exp`; [`ErrorKind::InsufficientScope`].
    pub fn verify(&self, token: &str) -> Result<VerifiedToken> {
        let now = self.clock.now().as_secs_f64();
        if let Some(hit) = self.cache.get(token, now) {
            return Ok(hit);
        }
        let response = send(
            self.fetch.as_ref(),
            &self.request(token),
            Fetched::Introspection,
        )?;
        if response.status != 200 {
            return Err(Error::new(
                ErrorKind::IntrospectionFailed,
                format!(
                    "the introspection endpoint answered HTTP {}{}",
                    response.status,
                    if response.status == 401 {
                        ": check this server's client credentials"
                    } else {
                        ""
                    }
                ),
            ));
        }
        let claims = parse_object(&response.body, "introspection")?;
        if claims.get("active") != Some(&Value::Bool(true)) {
            return Err(Error::new(
                ErrorKind::TokenInactive,
                "the authorization server says the token is not active (revoked, expired or \
                 unknown)",
            ));
        }
        let exp = claims.get("exp").and_then(Value::as_f64);
        if exp.is_some_and(|e| e <= now) {
            return Err(Error::claim(
                ErrorKind::JwtExpired,
                "exp",
                "check_failed",
                "the introspected token has expired",
            ));
        }
        // RFC 7662 §2.2: `iss` and `aud` are optional members of the response; while they
        // are configured, a response without them cannot show the token is for us.
        if !self.options.dangerous_accept_any_issuer {
            let iss = claims.get("iss").and_then(Value::as_str);
            check_issuer(&self.options.issuers, iss)?;
        }
        let audiences: Vec<String> = match claims.get("aud") {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        };
        let audience = if self.options.dangerous_accept_any_audience {
            None
        } else {
            let present = matches!(claims.get("aud"), Some(Value::String(_) | Value::Array(_)));
            Some(check_audience(
                &self.options.audiences,
                &audiences,
                present,
            )?)
        };
        let scopes = scopes_of(&claims);
        check_scopes(&self.options.required_scopes, &scopes)?;
        let until = exp.map_or(now + self.options.cache_ttl.as_secs_f64(), |e| {
            e.min(now + self.options.cache_ttl.as_secs_f64())
        });
        let verified = VerifiedToken::from_opaque(
            TokenSource::Introspection,
            claims,
            scopes,
            audiences,
            audience,
            exp,
        );
        self.cache.put(token, until, verified.clone());
        Ok(verified)
    }
}

/// Verifies opaque tokens by calling the provider's userinfo endpoint with them.
pub struct UserInfoVerifier {
    options: UserInfoOptions,
    fetch: Arc<dyn Fetch>,
    clock: Arc<dyn Clock>,
    cache: VerdictCache,
}

impl fmt::Debug for UserInfoVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserInfoVerifier")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl UserInfoVerifier {
    /// A verifier sending its requests with `fetch`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] for an endpoint that is not `https` (or loopback `http`,
    /// or any `http` with `dangerous_allow_insecure_http`), or an option outside its range.
    pub fn new(options: UserInfoOptions, fetch: Arc<dyn Fetch>) -> Result<UserInfoVerifier> {
        UserInfoVerifier::with_clock(options, fetch, Arc::new(SystemClock))
    }

    /// As [`UserInfoVerifier::new`], with an explicit clock.
    ///
    /// # Errors
    /// As [`UserInfoVerifier::new`].
    pub fn with_clock(
        options: UserInfoOptions,
        fetch: Arc<dyn Fetch>,
        clock: Arc<dyn Clock>,
    ) -> Result<UserInfoVerifier> {
        check_fetch_url(
            &options.endpoint,
            "userinfo endpoint",
            options.dangerous_allow_insecure_http,
        )?;
        check_common(
            [
                "UserInfoOptions::cache_ttl",
                "UserInfoOptions::cache_entries",
                "UserInfoOptions::timeout",
            ],
            options.cache_ttl,
            options.cache_entries,
            options.timeout,
        )?;
        let cache = VerdictCache::new(options.cache_entries);
        Ok(UserInfoVerifier {
            options,
            fetch,
            clock,
            cache,
        })
    }

    /// The userinfo request for `token`, for hosts that send it themselves.
    pub fn request(&self, token: &str) -> HttpRequest {
        let mut request = HttpRequest::get(self.options.endpoint.clone());
        // `HttpRequest`'s Debug redacts this header.
        request
            .headers
            .push(("Authorization".into(), format!("Bearer {token}")));
        if self.options.flavor == UserInfoFlavor::GitHub {
            for (name, value) in &mut request.headers {
                if name.eq_ignore_ascii_case("accept") {
                    *value = "application/vnd.github+json".into();
                }
            }
        }
        request.timeout = self.options.timeout;
        request.max_response_bytes = 256 * 1024;
        request
    }

    /// Verifies `token`: a cached verdict, or a call to the userinfo endpoint.
    ///
    /// # Errors
    /// [`ErrorKind::TokenInactive`] when the provider answers 401;
    /// [`ErrorKind::IntrospectionFailed`] for any other failure;
    /// [`ErrorKind::InsufficientScope`] when required scopes are reported missing.
    pub fn verify(&self, token: &str) -> Result<VerifiedToken> {
        let now = self.clock.now().as_secs_f64();
        if let Some(hit) = self.cache.get(token, now) {
            return Ok(hit);
        }
        let response = send(self.fetch.as_ref(), &self.request(token), Fetched::UserInfo)?;
        match response.status {
            200 => {}
            401 | 403 => {
                return Err(Error::new(
                    ErrorKind::TokenInactive,
                    format!(
                        "the provider's userinfo endpoint refused the token (HTTP {})",
                        response.status
                    ),
                ));
            }
            status => {
                return Err(Error::new(
                    ErrorKind::IntrospectionFailed,
                    format!("the userinfo endpoint answered HTTP {status}"),
                ));
            }
        }
        let mut claims = parse_object(&response.body, "userinfo")?;
        let scopes = match self.options.flavor {
            UserInfoFlavor::GitHub => {
                // GitHub has no `sub`: its stable user id is the numeric `id`.
                if let Some(id) = claims.get("id").cloned() {
                    let sub = match id {
                        Value::Number(n) => n.to_string(),
                        Value::String(s) => s,
                        _ => String::new(),
                    };
                    if !sub.is_empty() {
                        claims.entry("sub").or_insert(Value::String(sub));
                    }
                }
                response
                    .header("x-oauth-scopes")
                    .map(crate::scope::github_list)
                    .unwrap_or_default()
            }
            UserInfoFlavor::Oidc => scopes_of(&claims),
        };
        if !claims.get("sub").is_some_and(Value::is_string) {
            return Err(Error::new(
                ErrorKind::IntrospectionFailed,
                "the userinfo response has no subject (\"sub\", or GitHub's \"id\")",
            ));
        }
        check_scopes(&self.options.required_scopes, &scopes)?;
        let verified = VerifiedToken::from_opaque(
            TokenSource::UserInfo,
            claims,
            scopes,
            Vec::new(),
            None,
            None,
        );
        self.cache.put(
            token,
            now + self.options.cache_ttl.as_secs_f64(),
            verified.clone(),
        );
        Ok(verified)
    }
}
