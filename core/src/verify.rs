//! The JWT verifier: signature against the key source, then the claim policy an MCP
//! resource server needs (issuer, audience bound to this server, expiry, scopes, `typ`).

use std::fmt;
use std::ops::RangeInclusive;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use serde_json::{Map, Value};

use crate::bounds;
pub use crate::cache::DEFAULT_TOKEN_CACHE_ENTRIES;
use crate::cache::TokenCache;
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, ErrorKind, Result};
use crate::jwk::{Algorithm, KeySet};
use crate::jwks::{KeySnapshot, MissPeek, Peek, RemoteJwks};
use crate::jws::{CompactJws, DEFAULT_MAX_KEY_CANDIDATES, JwsHeader};
use crate::registered::{Extracted, RegisteredClaims};

/// Default for [`VerifierOptions::leeway`].
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(30);
/// Default for [`VerifierOptions::max_token_bytes`].
pub const DEFAULT_MAX_TOKEN_BYTES: usize = 16 * 1024;
/// Allowed [`VerifierOptions::leeway`]: 0 to 1 day.
pub const LEEWAY_RANGE: RangeInclusive<Duration> = Duration::ZERO..=Duration::from_secs(86_400);
/// Allowed [`VerifierOptions::max_token_age`] when set: 0 to 10 years (3650 days).
pub const MAX_TOKEN_AGE_RANGE: RangeInclusive<Duration> =
    Duration::ZERO..=Duration::from_secs(3650 * 86_400);
/// Allowed [`VerifierOptions::max_token_bytes`]: 1 byte to 1 MiB (more than any HTTP server
/// accepts in a header).
pub const MAX_TOKEN_BYTES_RANGE: RangeInclusive<usize> = 1..=1024 * 1024;
/// Allowed [`VerifierOptions::max_key_candidates`]: 1 to 10 000.
pub const MAX_KEY_CANDIDATES_RANGE: RangeInclusive<usize> = 1..=10_000;
/// Allowed [`VerifierOptions::token_cache_entries`]: 0 (no cache) to 10 000 000.
pub const TOKEN_CACHE_ENTRIES_RANGE: RangeInclusive<usize> = 0..=10_000_000;

/// `exp`, `nbf` and `iat`, each with the error its type check gave.
type TimeClaims = (
    Result<Option<f64>>,
    Result<Option<f64>>,
    Result<Option<f64>>,
);

/// Where the verification keys come from.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// An identity provider's JWKS over HTTP, cached.
    Remote(Arc<RemoteJwks>),
    /// A fixed set: keys from a file, or a shared secret ([`crate::jwk::Jwk::from_secret`]).
    Static(Arc<KeySet>),
}

/// Which `typ` header values are accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TypPolicy {
    /// No `typ`, `JWT`, or `at+jwt` (RFC 9068), compared case-insensitively and with an
    /// optional `application/` prefix. Other types (`dpop+jwt`, `logout+jwt`, …) are
    /// rejected so that another kind of JWT signed by the same issuer cannot pass as an
    /// access token. The default.
    #[default]
    AccessTokenOrJwt,
    /// Only `at+jwt` (RFC 9068 §2.1 strict mode).
    StrictAccessToken,
    /// Any `typ` or none.
    Any,
}

impl TypPolicy {
    fn check(self, typ: Option<&str>) -> Result<()> {
        let normalized = typ.map(|t| {
            let t = t.to_ascii_lowercase();
            t.strip_prefix("application/")
                .map(str::to_owned)
                .unwrap_or(t)
        });
        let ok = match (self, normalized.as_deref()) {
            (TypPolicy::Any, _) => true,
            (TypPolicy::StrictAccessToken, Some("at+jwt")) => true,
            (TypPolicy::StrictAccessToken, _) => false,
            (TypPolicy::AccessTokenOrJwt, None | Some("jwt" | "at+jwt")) => true,
            (TypPolicy::AccessTokenOrJwt, _) => false,
        };
        if ok {
            return Ok(());
        }
        let expected = match self {
            TypPolicy::StrictAccessToken => "at+jwt",
            _ => "JWT or at+jwt",
        };
        Err(Error::new(
            ErrorKind::JwtTypeInvalid,
            format!(
                "the token's \"typ\" is {}; expected {expected} (an access token, RFC 9068)",
                typ.map_or_else(|| "missing".to_owned(), crate::untrusted::quote)
            ),
        )
        .with_values(expected, typ.unwrap_or("")))
    }
}

/// How a token is verified. Every field has a default ([`VerifierOptions::default`]);
/// bindings set only what their caller set.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifierOptions {
    /// Accepted issuers (`iss`), compared exactly. Required unless
    /// `dangerous_accept_any_issuer`. Defaults to empty.
    pub issuers: Vec<String>,
    /// Accepted audiences: the token's `aud` must contain one. Required unless
    /// `dangerous_accept_any_audience`. Defaults to empty.
    pub audiences: Vec<String>,
    /// Skip the issuer check. Defaults to `false`.
    pub dangerous_accept_any_issuer: bool,
    /// Skip the audience check: any token the issuer signed for any service passes.
    /// Defaults to `false`.
    pub dangerous_accept_any_audience: bool,
    /// Accepted `alg` values. Defaults to the asymmetric algorithms for a JWKS and to
    /// HS256/HS384/HS512 for a shared secret; HMAC is never accepted from a remote JWKS.
    pub algorithms: Option<Vec<Algorithm>>,
    /// Clock skew tolerated on `exp`, `nbf` and `iat`. Defaults to 30 seconds; 0 to 1 day
    /// ([`LEEWAY_RANGE`]).
    pub leeway: Duration,
    /// Reject tokens issued (`iat`) longer ago than this; requires `iat`. Defaults to none;
    /// when set, 0 to 10 years ([`MAX_TOKEN_AGE_RANGE`]).
    pub max_token_age: Option<Duration>,
    /// Claims that must be present. Defaults to none (`exp` is always required).
    pub required_claims: Vec<String>,
    /// Scopes the token must carry (in `scope` or `scp`); missing ones fail with
    /// [`ErrorKind::InsufficientScope`] (HTTP 403). Defaults to none.
    pub required_scopes: Vec<String>,
    /// Accepted `typ` headers. Defaults to [`TypPolicy::AccessTokenOrJwt`].
    pub typ: TypPolicy,
    /// The largest token accepted, in bytes. Defaults to 16 KiB; 1 byte to 1 MiB
    /// ([`MAX_TOKEN_BYTES_RANGE`]).
    pub max_token_bytes: usize,
    /// How many keys are tried for one token (a token without `kid`, or several keys with
    /// the same `kid`). Defaults to 8; 1 to 10 000 ([`MAX_KEY_CANDIDATES_RANGE`]).
    pub max_key_candidates: usize,
    /// How many verified tokens are cached; 0 disables the cache. Defaults to 10 000; at most
    /// 10 000 000 ([`TOKEN_CACHE_ENTRIES_RANGE`]).
    pub token_cache_entries: usize,
}

impl VerifierOptions {
    /// Checks every numeric field against its range (the `*_RANGE` constants).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] naming the first field outside its range.
    pub fn validate(&self) -> Result<()> {
        bounds::duration("VerifierOptions::leeway", self.leeway, &LEEWAY_RANGE)?;
        if let Some(age) = self.max_token_age {
            bounds::duration("VerifierOptions::max_token_age", age, &MAX_TOKEN_AGE_RANGE)?;
        }
        bounds::bytes(
            "VerifierOptions::max_token_bytes",
            self.max_token_bytes,
            &MAX_TOKEN_BYTES_RANGE,
        )?;
        bounds::count(
            "VerifierOptions::max_key_candidates",
            self.max_key_candidates,
            &MAX_KEY_CANDIDATES_RANGE,
        )?;
        bounds::count(
            "VerifierOptions::token_cache_entries",
            self.token_cache_entries,
            &TOKEN_CACHE_ENTRIES_RANGE,
        )
    }
}

impl Default for VerifierOptions {
    fn default() -> Self {
        VerifierOptions {
            issuers: Vec::new(),
            audiences: Vec::new(),
            dangerous_accept_any_issuer: false,
            dangerous_accept_any_audience: false,
            algorithms: None,
            leeway: DEFAULT_LEEWAY,
            max_token_age: None,
            required_claims: Vec::new(),
            required_scopes: Vec::new(),
            typ: TypPolicy::default(),
            max_token_bytes: DEFAULT_MAX_TOKEN_BYTES,
            max_key_candidates: DEFAULT_MAX_KEY_CANDIDATES,
            token_cache_entries: DEFAULT_TOKEN_CACHE_ENTRIES,
        }
    }
}

/// How a token was verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    /// A JWT: signature and claims checked locally.
    Jwt,
    /// An opaque token, vouched for by RFC 7662 introspection.
    Introspection,
    /// An opaque token, accepted by the provider's userinfo endpoint.
    UserInfo,
}

/// What a verified token says. Shared between [`VerifiedToken`]s and the cache.
#[derive(Debug)]
pub(crate) struct TokenData {
    source: TokenSource,
    header: Option<JwsHeader>,
    /// Parsed from `payload_json` on first use: verification reads only the registered claims.
    claims: OnceLock<Map<String, Value>>,
    payload_json: String,
    issuer: Option<String>,
    subject: Option<String>,
    audiences: Vec<String>,
    audience: Option<String>,
    pub(crate) expires_at: Option<f64>,
    not_before: Option<f64>,
    issued_at: Option<f64>,
    scopes: Vec<String>,
    client_id: Option<String>,
    key_thumbprint: String,
}

/// A token that passed every check. Cheap to clone.
#[derive(Clone)]
pub struct VerifiedToken(Arc<TokenData>);

impl fmt::Debug for VerifiedToken {
    // The claims are the token's content; they are shown, but never the token itself.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedToken")
            .field("source", &self.0.source)
            .field("alg", &self.0.header.as_ref().map(|h| h.alg))
            .field(
                "kid",
                &self.0.header.as_ref().and_then(|h| h.kid.as_deref()),
            )
            .field("issuer", &self.0.issuer)
            .field("subject", &self.0.subject)
            .field("audience", &self.0.audience)
            .field("expires_at", &self.0.expires_at)
            .field("scopes", &self.0.scopes)
            .finish_non_exhaustive()
    }
}

impl VerifiedToken {
    /// A verdict on an opaque token, from an introspection or userinfo response.
    pub(crate) fn from_opaque(
        source: TokenSource,
        claims: Map<String, Value>,
        scopes: Vec<String>,
        audiences: Vec<String>,
        audience: Option<String>,
        expires_at: Option<f64>,
    ) -> VerifiedToken {
        let text = |k: &str| claims.get(k).and_then(Value::as_str).map(str::to_owned);
        let number = |k: &str| claims.get(k).and_then(Value::as_f64);
        VerifiedToken(Arc::new(TokenData {
            source,
            header: None,
            payload_json: Value::Object(claims.clone()).to_string(),
            issuer: text("iss"),
            subject: text("sub"),
            client_id: text("client_id").or_else(|| text("azp")),
            not_before: number("nbf"),
            issued_at: number("iat"),
            key_thumbprint: String::new(),
            claims: OnceLock::from(claims),
            audiences,
            audience,
            expires_at,
            scopes,
        }))
    }

    /// How the token was verified.
    pub fn source(&self) -> TokenSource {
        self.0.source
    }

    /// The protected header, for a JWT.
    pub fn header(&self) -> Option<&JwsHeader> {
        self.0.header.as_ref()
    }

    /// All claims: exactly the token's payload.
    pub fn claims(&self) -> &Map<String, Value> {
        // Verification accepted the payload only after reading all of it with the same parser
        // checks this parse applies (`registered::Checked`), so this parse succeeds; the
        // fast/full agreement is held by a property test and a fuzz target.
        self.0
            .claims
            .get_or_init(|| parse_claims(&self.0.payload_json).unwrap_or_default())
    }

    /// The claims as the JSON text the token carried (cheaper to hand across an FFI
    /// boundary than the parsed map).
    pub fn claims_json(&self) -> &str {
        &self.0.payload_json
    }

    /// `iss`.
    pub fn issuer(&self) -> Option<&str> {
        self.0.issuer.as_deref()
    }

    /// `sub`.
    pub fn subject(&self) -> Option<&str> {
        self.0.subject.as_deref()
    }

    /// Every value of `aud`.
    pub fn audiences(&self) -> &[String] {
        &self.0.audiences
    }

    /// The configured audience that matched, if the audience was checked.
    pub fn audience(&self) -> Option<&str> {
        self.0.audience.as_deref()
    }

    /// `exp`, in whole seconds since the Unix epoch. Always present for a JWT; for an
    /// opaque token, when introspection reported it.
    pub fn expires_at(&self) -> Option<u64> {
        self.0.expires_at.map(|t| t as u64)
    }

    /// `nbf`, in whole seconds since the Unix epoch.
    pub fn not_before(&self) -> Option<u64> {
        self.0.not_before.map(|t| t as u64)
    }

    /// `iat`, in whole seconds since the Unix epoch.
    pub fn issued_at(&self) -> Option<u64> {
        self.0.issued_at.map(|t| t as u64)
    }

    /// The scopes, from `scope` (space-separated) and `scp` (string or array).
    pub fn scopes(&self) -> &[String] {
        &self.0.scopes
    }

    /// The OAuth client: `client_id`, else `azp`.
    pub fn client_id(&self) -> Option<&str> {
        self.0.client_id.as_deref()
    }

    /// `jti`.
    pub fn token_id(&self) -> Option<&str> {
        self.claims().get("jti").and_then(Value::as_str)
    }

    /// The RFC 7638 thumbprint of the key that verified the signature (empty for an opaque
    /// token).
    pub fn key_thumbprint(&self) -> &str {
        &self.0.key_thumbprint
    }
}

/// Verifies bearer tokens. `Send + Sync`; build one per protected resource and share it.
pub struct Verifier {
    source: KeySource,
    options: VerifierOptions,
    algorithms: Vec<Algorithm>,
    clock: Arc<dyn Clock>,
    cache: TokenCache,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("source", &self.source)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// Keys for one verification, and the generation they belong to (0 for a static set).
struct Keys {
    set: Arc<KeySet>,
    generation: u64,
}

impl From<KeySnapshot> for Keys {
    fn from(s: KeySnapshot) -> Keys {
        Keys {
            set: s.keys,
            generation: s.generation,
        }
    }
}

impl Verifier {
    /// A verifier over `source` with `options`. For a remote source it uses that source's
    /// clock; otherwise the system clock.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] when no issuer or audience is configured and the
    /// matching `dangerous_…` switch is off, when the algorithm list is empty, when HMAC
    /// algorithms are allowed for a remote JWKS, or when a numeric option is outside its
    /// range ([`VerifierOptions::validate`]).
    pub fn new(source: KeySource, options: VerifierOptions) -> Result<Verifier> {
        let clock: Arc<dyn Clock> = match &source {
            KeySource::Remote(r) => Arc::clone(r.clock()),
            KeySource::Static(_) => Arc::new(SystemClock),
        };
        Verifier::with_clock(source, options, clock)
    }

    /// A verifier that reads the time from `clock`.
    ///
    /// # Errors
    /// As [`Verifier::new`].
    pub fn with_clock(
        source: KeySource,
        options: VerifierOptions,
        clock: Arc<dyn Clock>,
    ) -> Result<Verifier> {
        if options.issuers.is_empty() && !options.dangerous_accept_any_issuer {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                "no issuer configured: set the identity provider's issuer (the token's \"iss\"), \
                 or set dangerous_accept_any_issuer",
            ));
        }
        if options.audiences.is_empty() && !options.dangerous_accept_any_audience {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                "no audience configured: set this server's audience (usually its resource URL) so \
                 that tokens issued for other services are rejected, or set \
                 dangerous_accept_any_audience",
            ));
        }
        let longest_secret = match &source {
            KeySource::Static(set) => set.keys().iter().filter_map(|k| k.secret_len()).max(),
            KeySource::Remote(_) => None,
        };
        let algorithms = match (&options.algorithms, longest_secret) {
            (Some(list), _) => list.clone(),
            // A secret serves only the HMAC algorithms it is long enough for (RFC 7518 §3.2).
            (None, Some(len)) => Algorithm::SYMMETRIC
                .into_iter()
                .filter(|a| a.hmac_min_key_len().is_some_and(|min| len >= min))
                .collect(),
            (None, None) => Algorithm::ASYMMETRIC.to_vec(),
        };
        if let Some(len) = longest_secret
            && let Some(short) = algorithms
                .iter()
                .find(|a| a.hmac_min_key_len().is_some_and(|min| len < min))
        {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                format!(
                    "{short} needs a secret of at least {} bytes (RFC 7518 §3.2); the configured \
                     secret has {len}",
                    short.hmac_min_key_len().unwrap_or_default()
                ),
            ));
        }
        if algorithms.is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                "the algorithm allowlist is empty",
            ));
        }
        if matches!(source, KeySource::Remote(_)) && algorithms.iter().any(|a| a.is_symmetric()) {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                "HMAC algorithms (HS256/384/512) need a shared secret and are never accepted with a \
                 remote JWKS",
            ));
        }
        options.validate()?;
        let cache = TokenCache::new(options.token_cache_entries);
        Ok(Verifier {
            source,
            options,
            algorithms,
            clock,
            cache,
        })
    }

    /// The options in force.
    pub fn options(&self) -> &VerifierOptions {
        &self.options
    }

    /// The algorithms accepted, after defaults.
    pub fn algorithms(&self) -> &[Algorithm] {
        &self.algorithms
    }

    /// The key source.
    pub fn source(&self) -> &KeySource {
        &self.source
    }

    /// Fetches the keys now, so that the first request does not wait for them.
    ///
    /// # Errors
    /// The fetch's error, for a remote source.
    pub fn prefetch(&self) -> Result<()> {
        if let KeySource::Remote(r) = &self.source {
            r.refresh()?;
        }
        Ok(())
    }

    /// How many verified tokens are cached.
    pub fn cached_tokens(&self) -> usize {
        self.cache.len()
    }

    /// Drops every cached verified token.
    pub fn clear_token_cache(&self) {
        self.cache.clear();
    }

    /// Verifies `token`, fetching keys when needed (blocking for at most the fetch timeout).
    ///
    /// # Errors
    /// Every failure has its own [`ErrorKind`]; see the crate's error-code table.
    pub fn verify(&self, token: &str) -> Result<VerifiedToken> {
        self.verify_inner(token, true)?
            .ok_or_else(|| Error::new(ErrorKind::JwksFetchFailed, "the keys could not be obtained"))
    }

    /// Verifies `token` without any I/O: the exact no-I/O half of
    /// [`verify`](Verifier::verify).
    ///
    /// `Ok(None)` exactly when a fetch could change the verdict: no usable keys yet, or an
    /// unknown `kid` or a signature failure while a refetch is allowed (a rotation, or a `kid`
    /// reused for a new key). Then call [`verify`](Verifier::verify) off the event loop.
    /// Every other verdict is final and is the one `verify` gives. Keys past their max-age
    /// (within the stale window) still answer here; [`refresh_due`](Verifier::refresh_due)
    /// then says so, and [`refresh_keys_if_due`](Verifier::refresh_keys_if_due), run in the
    /// background, refreshes them, so that no request waits on the network while the
    /// provider is healthy.
    ///
    /// # Errors
    /// As [`verify`](Verifier::verify), for every failure decided without I/O; a failed key
    /// fetch still cooling down is one of them.
    pub fn verify_cached(&self, token: &str) -> Result<Option<VerifiedToken>> {
        self.verify_inner(token, false)
    }

    /// Whether the key set should be refreshed in the background: it is past its max-age
    /// (or there is none) and a fetch is allowed now. Always `false` for a static key set.
    pub fn refresh_due(&self) -> bool {
        match &self.source {
            KeySource::Remote(r) => r.refresh_due(),
            KeySource::Static(_) => false,
        }
    }

    /// Refreshes the key set if [`refresh_due`](Verifier::refresh_due), blocking for at most
    /// the fetch timeout; for a background task. Single flight with every other fetch.
    ///
    /// # Errors
    /// The fetch's error when there is no set to fall back on.
    pub fn refresh_keys_if_due(&self) -> Result<()> {
        match &self.source {
            KeySource::Remote(r) => r.refresh_if_due(),
            KeySource::Static(_) => Ok(()),
        }
    }

    fn now(&self) -> f64 {
        self.clock.now().as_secs_f64()
    }

    fn verify_inner(&self, token: &str, allow_io: bool) -> Result<Option<VerifiedToken>> {
        if token.len() > self.options.max_token_bytes {
            return Err(Error::new(
                ErrorKind::TokenTooLarge,
                format!(
                    "the token is {} bytes; the limit is {} (max_token_bytes)",
                    token.len(),
                    self.options.max_token_bytes
                ),
            ));
        }
        // A cached verdict stands only for the key set it was reached under, so that the
        // cache can never answer differently from a fresh verification.
        if let Some((data, generation)) = self.cache.get(token) {
            if self.generation_in_hand(allow_io) == Some(generation) {
                return self.cache_hit(token, data).map(Some);
            }
            // Another key set: judged again from scratch (and cached again if it passes).
            self.cache.remove(token);
        }
        // Malformed and opaque tokens fail before any key is fetched.
        let jws = CompactJws::parse(token, &self.algorithms)?;
        let Some(keys) = self.keys(allow_io)? else {
            return Ok(None);
        };
        let first = jws
            .verify_signature(&keys.set, self.options.max_key_candidates)
            .map(|k| k.thumbprint().to_owned());
        let (keys, key) = match first {
            Ok(key) => (keys, key),
            Err(e) => {
                let KeySource::Remote(remote) = &self.source else {
                    return Err(e);
                };
                // An unknown kid may be a rotation, and a signature failure under a known kid
                // may be a kid reused for a new key: a newer set may answer either.
                if !matches!(
                    e.kind(),
                    ErrorKind::JwksNoMatchingKey | ErrorKind::JwsSignatureVerificationFailed
                ) {
                    return Err(e);
                }
                let fresh = if allow_io {
                    match remote.refresh_after_miss(keys.generation)? {
                        Some(fresh) => fresh,
                        None => return Err(e),
                    }
                } else {
                    match remote.peek_miss(keys.generation) {
                        MissPeek::Retry(fresh) => fresh,
                        MissPeek::FetchNeeded => return Ok(None),
                        MissPeek::Final => return Err(e),
                    }
                };
                let fresh = Keys::from(fresh);
                let key = jws.verify_signature(&fresh.set, self.options.max_key_candidates)?;
                let thumb = key.thumbprint().to_owned();
                (fresh, thumb)
            }
        };
        let payload = jws.payload()?;
        let data = Arc::new(self.check_claims(jws.into_header(), payload, key)?);
        self.cache
            .insert(token, Arc::clone(&data), keys.generation, self.now());
        Ok(Some(VerifiedToken(data)))
    }

    /// A token verified under the current key set: only the time claims can have changed
    /// since, so they are checked again with the current clock, in the order and with the
    /// errors of a fresh verification.
    fn cache_hit(&self, token: &str, data: Arc<TokenData>) -> Result<VerifiedToken> {
        let times = (Ok(data.expires_at), Ok(data.not_before), Ok(data.issued_at));
        match self.check_times(times, self.now()) {
            Ok(_) => Ok(VerifiedToken(data)),
            Err(e) => {
                self.cache.remove(token);
                Err(e)
            }
        }
    }

    /// The generation of the set [`keys`](Verifier::keys) would answer with at once, if any.
    fn generation_in_hand(&self, allow_io: bool) -> Option<u64> {
        match &self.source {
            KeySource::Static(_) => Some(0),
            KeySource::Remote(r) if allow_io => r.fresh().map(|s| s.generation),
            KeySource::Remote(r) => match r.peek() {
                Peek::Keys { snapshot, .. } => Some(snapshot.generation),
                Peek::FetchNeeded | Peek::Failed(_) => None,
            },
        }
    }

    /// The keys to verify with. With I/O: fresh keys, fetched when needed. Without: the set
    /// in hand while it is usable (a refresh past `max_age` is left to
    /// [`refresh_keys_if_due`](Verifier::refresh_keys_if_due)); `None` when only a fetch can
    /// answer.
    fn keys(&self, allow_io: bool) -> Result<Option<Keys>> {
        match &self.source {
            KeySource::Static(set) => Ok(Some(Keys {
                set: Arc::clone(set),
                generation: 0,
            })),
            KeySource::Remote(r) if allow_io => r.keys().map(|s| Some(s.into())),
            KeySource::Remote(r) => match r.peek() {
                Peek::Keys { snapshot, .. } => Ok(Some(snapshot.into())),
                Peek::FetchNeeded => Ok(None),
                Peek::Failed(e) => Err(e),
            },
        }
    }

    fn check_claims(
        &self,
        header: JwsHeader,
        payload: Vec<u8>,
        key_thumbprint: String,
    ) -> Result<TokenData> {
        self.options.typ.check(header.typ.as_deref())?;
        let payload_json = String::from_utf8(payload).map_err(|_| {
            Error::new(
                ErrorKind::JwtInvalid,
                "the JWT claims set is not UTF-8 (RFC 7519 §7.2)",
            )
        })?;
        // The common case reads only the registered claims, borrowed from the payload, and
        // walks the other members with the same parser checks the full parse applies (see
        // `registered`), so it accepts no payload the full parse refuses. Any surprise (a type
        // other than the usual, an escaped string, a duplicate registered name, a required
        // claim to look for) takes the full parse, which decides every error.
        let fast = if self.options.required_claims.is_empty() {
            serde_json::from_str::<RegisteredClaims<'_>>(&payload_json)
                .ok()
                .map(RegisteredClaims::extract)
        } else {
            None
        };
        let (extracted, claims) = match fast {
            Some(extracted) => (extracted, OnceLock::new()),
            None => {
                let claims = parse_claims(&payload_json)?;
                (Extracted::from_map(&claims), OnceLock::from(claims))
            }
        };
        let issuer = extracted.iss?;
        if !self.options.dangerous_accept_any_issuer {
            self.check_issuer(issuer.as_deref())?;
        }
        let aud = extracted.aud?;
        let audience = if self.options.dangerous_accept_any_audience {
            None
        } else {
            Some(self.check_audience(aud.as_deref().unwrap_or_default(), aud.is_some())?)
        };
        let audiences = aud.unwrap_or_default();
        let times = (extracted.exp, extracted.nbf, extracted.iat);
        let (expires_at, not_before, issued_at) = self.check_times(times, self.now())?;
        if let Some(claims) = claims.get() {
            for name in &self.options.required_claims {
                if !claims.contains_key(name.as_str()) {
                    return Err(Error::claim(
                        ErrorKind::JwtClaimValidationFailed,
                        name.clone(),
                        "missing",
                        format!("the token has no {name:?} claim, which this server requires"),
                    )
                    .with_values(name.clone(), ""));
                }
            }
        }
        let scopes = extracted.scopes;
        if self
            .options
            .required_scopes
            .iter()
            .any(|s| !scopes.contains(s))
        {
            let missing: Vec<&String> = self
                .options
                .required_scopes
                .iter()
                .filter(|s| !scopes.contains(s))
                .collect();
            return Err(insufficient_scope(
                &self.options.required_scopes,
                &scopes,
                &missing,
            ));
        }
        let client_id = extracted.client_id?;
        let subject = extracted.sub?;
        Ok(TokenData {
            source: TokenSource::Jwt,
            header: Some(header),
            claims,
            payload_json,
            issuer,
            subject,
            audiences,
            audience,
            expires_at: Some(expires_at),
            not_before,
            issued_at,
            scopes,
            client_id,
            key_thumbprint,
        })
    }

    fn check_issuer(&self, issuer: Option<&str>) -> Result<()> {
        if issuer.is_some_and(|iss| self.options.issuers.iter().any(|i| i == iss)) {
            return Ok(());
        }
        // Only failures pay for the message.
        let expected = self.options.issuers.join(", ");
        let Some(iss) = issuer else {
            return Err(Error::claim(
                ErrorKind::JwtClaimValidationFailed,
                "iss",
                "missing",
                format!("the token has no \"iss\" claim; expected {expected}"),
            )
            .with_values(expected, ""));
        };
        let slash_only = self
            .options
            .issuers
            .iter()
            .any(|i| i.trim_end_matches('/') == iss.trim_end_matches('/'));
        Err(Error::claim(
            ErrorKind::JwtClaimValidationFailed,
            "iss",
            "check_failed",
            format!(
                "unexpected \"iss\": the token's is {}, expected {}{}",
                crate::untrusted::quote(iss),
                self.options
                    .issuers
                    .iter()
                    .map(|i| format!("{i:?}"))
                    .collect::<Vec<_>>()
                    .join(" or "),
                if slash_only {
                    " (they differ only by a trailing slash)"
                } else {
                    ""
                }
            ),
        )
        .with_values(expected, iss))
    }

    fn check_audience(&self, audiences: &[String], present: bool) -> Result<String> {
        if present
            && let Some(hit) = self
                .options
                .audiences
                .iter()
                .find(|a| audiences.contains(a))
        {
            return Ok(hit.clone());
        }
        // Only failures pay for the message.
        let expected = self.options.audiences.join(", ");
        if !present {
            return Err(Error::claim(
                ErrorKind::JwtClaimValidationFailed,
                "aud",
                "missing",
                format!("the token has no \"aud\" claim; this server expects {expected}"),
            )
            .with_values(expected, ""));
        }
        let slash_only = self.options.audiences.iter().any(|a| {
            audiences
                .iter()
                .any(|t| a.trim_end_matches('/') == t.trim_end_matches('/'))
        });
        Err(Error::claim(
            ErrorKind::JwtClaimValidationFailed,
            "aud",
            "check_failed",
            format!(
                "unexpected \"aud\": the token is for {}, this server expects {}{}",
                crate::untrusted::quote_list(audiences.iter().map(String::as_str)),
                self.options
                    .audiences
                    .iter()
                    .map(|a| format!("{a:?}"))
                    .collect::<Vec<_>>()
                    .join(" or "),
                if slash_only {
                    " (they differ only by a trailing slash)"
                } else {
                    ""
                }
            ),
        )
        .with_values(expected, audiences.join(", ")))
    }

    /// Checks `exp`, `nbf`, `iat` and the token age; returns (`exp`, `nbf`, `iat`).
    fn check_times(
        &self,
        (exp, nbf, iat): TimeClaims,
        now: f64,
    ) -> Result<(f64, Option<f64>, Option<f64>)> {
        let leeway = self.options.leeway.as_secs_f64();
        let exp = exp?.ok_or_else(|| {
            Error::claim(
                ErrorKind::JwtClaimValidationFailed,
                "exp",
                "missing",
                "the token has no \"exp\" claim; access tokens must expire",
            )
        })?;
        if exp <= now - leeway {
            return Err(Error::claim(
                ErrorKind::JwtExpired,
                "exp",
                "check_failed",
                format!(
                    "the token expired {} s ago (exp {}, now {}, leeway {} s); get a new token",
                    (now - exp).round(),
                    exp as i64,
                    now as i64,
                    leeway
                ),
            )
            .with_values(
                format!("exp > {}", (now - leeway) as i64),
                format!("{}", exp as i64),
            ));
        }
        let nbf = nbf?;
        if let Some(nbf) = nbf
            && nbf > now + leeway
        {
            return Err(Error::claim(
                ErrorKind::JwtClaimValidationFailed,
                "nbf",
                "check_failed",
                format!(
                    "the token is not valid yet: nbf is {} s in the future (leeway {} s); \
                         check the clocks of this server and the issuer",
                    (nbf - now).round(),
                    leeway
                ),
            )
            .with_values(
                format!("nbf <= {}", (now + leeway) as i64),
                format!("{}", nbf as i64),
            ));
        }
        let iat = iat?;
        if let Some(iat) = iat
            && iat > now + leeway
        {
            return Err(Error::claim(
                ErrorKind::JwtClaimValidationFailed,
                "iat",
                "check_failed",
                format!(
                    "the token was issued {} s in the future (leeway {} s); check the clocks \
                         of this server and the issuer",
                    (iat - now).round(),
                    leeway
                ),
            )
            .with_values(
                format!("iat <= {}", (now + leeway) as i64),
                format!("{}", iat as i64),
            ));
        }
        if let Some(max_age) = self.options.max_token_age {
            let Some(iat) = iat else {
                return Err(Error::claim(
                    ErrorKind::JwtClaimValidationFailed,
                    "iat",
                    "missing",
                    "the token has no \"iat\" claim, which max_token_age requires",
                ));
            };
            let age = now - iat;
            if age - leeway > max_age.as_secs_f64() {
                return Err(Error::claim(
                    ErrorKind::JwtExpired,
                    "iat",
                    "check_failed",
                    format!(
                        "the token is {} s old; this server accepts tokens up to {} s old",
                        age.round(),
                        max_age.as_secs()
                    ),
                ));
            }
        }
        Ok((exp, nbf, iat))
    }
}

/// The claims set of a JWT as a map (RFC 7519 §7.2 step 10).
///
/// # Errors
/// [`ErrorKind::JwtInvalid`] when the payload is not a JSON object, saying why without
/// repeating any of it.
pub(crate) fn parse_claims(payload_json: &str) -> Result<Map<String, Value>> {
    serde_json::from_str(payload_json).map_err(|e| {
        use serde_json::error::Category;
        let message = match e.classify() {
            // serde_json's syntax messages are fixed texts with a position ("lone leading
            // surrogate in hex escape", "number out of range", "recursion limit exceeded").
            Category::Syntax | Category::Eof => {
                format!("the JWT claims set is not valid JSON ({e}); RFC 7519 §7.2 step 10")
            }
            // A type mismatch names the value it found, which may be long: not repeated.
            Category::Data | Category::Io => {
                "the JWT claims set is not a JSON object (RFC 7519 §7.2 step 10)".to_owned()
            }
        };
        Error::new(ErrorKind::JwtInvalid, message)
    })
}

/// The 403 error for a token that lacks some of the `required` scopes.
pub(crate) fn insufficient_scope(
    required: &[String],
    has: &[String],
    missing: &[&String],
) -> Error {
    Error::new(
        ErrorKind::InsufficientScope,
        format!(
            "the token lacks the scope{} {}; it has {}",
            if missing.len() == 1 { "" } else { "s" },
            missing
                .iter()
                .map(|s| format!("{s:?}"))
                .collect::<Vec<_>>()
                .join(", "),
            crate::untrusted::quote_list(has.iter().map(String::as_str))
        ),
    )
    .with_values(required.join(" "), has.join(" "))
    .with_required_scopes(required.to_vec())
}

/// The scopes of a claims set: `scope` (space-separated, RFC 8693 §4.2) and `scp` (a string
/// or an array, as Okta and Entra send), without duplicates, in order of appearance.
pub fn scopes_of(claims: &Map<String, Value>) -> Vec<String> {
    let mut scopes: Vec<String> = Vec::new();
    let mut push = |s: &str| {
        if !s.is_empty() && !scopes.iter().any(|x| x == s) {
            scopes.push(s.to_owned());
        }
    };
    if let Some(Value::String(s)) = claims.get("scope") {
        s.split(' ').for_each(&mut push);
    }
    match claims.get("scp") {
        Some(Value::String(s)) => s.split(' ').for_each(&mut push),
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).for_each(&mut push),
        _ => {}
    }
    scopes
}
