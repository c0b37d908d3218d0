//! `JwtVerifier`: the core's verifier for Swift, and what it answers with.
//!
//! Every method is synchronous: `verify` and the key refreshes block the calling thread for
//! at most the fetch timeout (call them off the main thread; the package's hand-written Swift
//! adds an `async` `verify`), and `verifyCached` never does I/O, for synchronous hooks.

use std::sync::Arc;

use mcp_bearer::clock::{Clock, ManualClock, SystemClock};
use mcp_bearer::{ErrorKind, KeySource, VerifiedTokenRecord, Verifier};

use crate::config::JwtVerifierConfig;
use crate::errors::{Result, invalid_config};
use crate::fetch::{HostFetch, HttpFetcher};

/// How a token was verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TokenSource {
    /// A JWT: signature and claims checked locally.
    Jwt,
    /// An opaque token, vouched for by RFC 7662 introspection.
    Introspection,
    /// An opaque token, accepted by the provider's userinfo endpoint.
    UserInfo,
}

/// A verified token: the core's `VerifiedTokenRecord`. Times are seconds since the Unix
/// epoch.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VerifiedToken {
    /// How the token was verified.
    pub source: TokenSource,
    /// Every claim (the JWT payload), as JSON text.
    pub claims_json: String,
    /// The protected header as JSON text, for a JWT.
    pub header_json: Option<String>,
    /// `sub`.
    pub subject: Option<String>,
    /// `iss`.
    pub issuer: Option<String>,
    /// Every value of `aud`.
    pub audiences: Vec<String>,
    /// The configured audience that matched, if the audience was checked.
    pub audience: Option<String>,
    /// The scopes (`scope` split on spaces, or `scp`).
    pub scopes: Vec<String>,
    /// `client_id`, else `azp`.
    pub client_id: Option<String>,
    /// `jti`.
    pub token_id: Option<String>,
    /// `exp`.
    pub expires_at: Option<u64>,
    /// `nbf`.
    pub not_before: Option<u64>,
    /// `iat`.
    pub issued_at: Option<u64>,
    /// The RFC 7638 thumbprint of the key that verified the signature, for a JWT.
    pub key_thumbprint: Option<String>,
}

impl From<VerifiedTokenRecord> for VerifiedToken {
    fn from(record: VerifiedTokenRecord) -> Self {
        // Destructured without `..`: a field added to the record fails this build until mapped.
        let VerifiedTokenRecord {
            source,
            claims_json,
            header_json,
            subject,
            issuer,
            audiences,
            audience,
            scopes,
            client_id,
            token_id,
            expires_at,
            not_before,
            issued_at,
            key_thumbprint,
        } = record;
        VerifiedToken {
            source: match source {
                mcp_bearer::TokenSource::Jwt => TokenSource::Jwt,
                mcp_bearer::TokenSource::Introspection => TokenSource::Introspection,
                mcp_bearer::TokenSource::UserInfo => TokenSource::UserInfo,
            },
            claims_json,
            header_json,
            subject,
            issuer,
            audiences,
            audience,
            scopes,
            client_id,
            token_id,
            expires_at,
            not_before,
            issued_at,
            key_thumbprint,
        }
    }
}

/// A key set to start from, or the one in hand: an app keeps it across launches so that a
/// cold start verifies without waiting on the network while the set is fresh.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CachedKeys {
    /// The JWKS document, as JSON text.
    pub jwks_json: String,
    /// When it was fetched, in seconds since the Unix epoch.
    pub fetched_at: u64,
}

/// Verifies bearer tokens; build one per protected resource and share it across threads.
#[derive(Debug, uniffi::Object)]
pub struct JwtVerifier {
    inner: Verifier,
}

impl JwtVerifier {
    fn wrap(inner: Verifier) -> Arc<Self> {
        Arc::new(JwtVerifier { inner })
    }
}

#[uniffi::export]
impl JwtVerifier {
    /// The verifier `config` describes (the core's `Verifier::from_config`): keys from a
    /// `jwksUrl` or `discoveryIssuer` are fetched with the built-in client (ureq, rustls
    /// with the platform's certificate verifier). A `discoveryIssuer` runs discovery now,
    /// blocking.
    #[uniffi::constructor]
    pub fn new(config: JwtVerifierConfig) -> Result<Arc<Self>> {
        Ok(JwtVerifier::wrap(Verifier::from_config(config.to_core()?)?))
    }

    /// As [`new`](JwtVerifier::new), with keys (and discovery) fetched by the host's own
    /// client: on iOS, `URLSessionFetcher`. `config.fetch` must be left `nil`.
    #[uniffi::constructor]
    pub fn with_fetcher(
        config: JwtVerifierConfig,
        fetcher: Arc<dyn HttpFetcher>,
    ) -> Result<Arc<Self>> {
        let fetch = Arc::new(HostFetch(fetcher));
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        Ok(JwtVerifier::wrap(Verifier::from_config_with_fetch(
            config.to_core()?,
            fetch,
            clock,
        )?))
    }

    /// As [`new`](JwtVerifier::new), with every verification at the fixed time `now`
    /// (seconds since the Unix epoch), for tests and replays.
    #[uniffi::constructor]
    pub fn with_fixed_time(config: JwtVerifierConfig, now: f64) -> Result<Arc<Self>> {
        if !(now.is_finite() && now >= 0.0) {
            return Err(invalid_config(
                "now must be a time in seconds since the Unix epoch",
            ));
        }
        let clock: Arc<dyn Clock> = Arc::new(ManualClock::at_secs(now as u64));
        Ok(JwtVerifier::wrap(Verifier::from_config_with_clock(
            config.to_core()?,
            clock,
        )?))
    }

    /// A verifier for the tokens of `issuer`, with keys from the `jwks_uri` of its discovery
    /// document (fetched now, blocking) and `audiences` accepted: the config with
    /// `discoveryIssuer` and `audiences` set and every other option at its default.
    #[uniffi::constructor]
    pub fn from_issuer(issuer: String, audiences: Vec<String>) -> Result<Arc<Self>> {
        JwtVerifier::new(JwtVerifierConfig {
            discovery_issuer: Some(issuer),
            audiences: Some(audiences),
            ..JwtVerifierConfig::default()
        })
    }

    /// Verifies `token`, fetching keys when needed: blocks for at most the fetch timeout, so
    /// call it off the main thread. Throws `McpBearerError` with the core's code.
    pub fn verify(&self, token: String) -> Result<VerifiedToken> {
        Ok(self.inner.verify(&token)?.to_record().into())
    }

    /// Verifies `token` without any I/O, for synchronous hooks. `nil` exactly when a fetch
    /// could change the verdict (no keys yet, an unknown `kid`, or a signature failure while
    /// a refetch is allowed): then call `verify` (or `refreshKeys`) off the main thread. Every
    /// other verdict is final and the one `verify` gives.
    pub fn verify_cached(&self, token: String) -> Result<Option<VerifiedToken>> {
        Ok(self
            .inner
            .verify_cached(&token)?
            .map(|t| t.to_record().into()))
    }

    /// Fetches the keys now, whatever the cooldown (single flight with every other fetch):
    /// a start-up warm-up. Does nothing for static keys.
    pub fn refresh_keys(&self) -> Result<()> {
        Ok(self.inner.prefetch()?)
    }

    /// Whether the keys are past their max-age (or there are none) and a fetch is allowed:
    /// then run `refreshKeysIfDue` in the background. Always `false` for static keys.
    pub fn refresh_due(&self) -> bool {
        self.inner.refresh_due()
    }

    /// Refreshes the keys if `refreshDue` says so, blocking for at most the fetch timeout.
    pub fn refresh_keys_if_due(&self) -> Result<()> {
        Ok(self.inner.refresh_keys_if_due()?)
    }

    /// The key set in hand and when it was fetched, to keep for the next launch; `nil`
    /// before the first fetch or for static keys.
    pub fn cached_keys(&self) -> Option<CachedKeys> {
        let KeySource::Remote(remote) = self.inner.source() else {
            return None;
        };
        let (document, fetched_at) = remote.document()?;
        Some(CachedKeys {
            jwks_json: String::from_utf8_lossy(&document).into_owned(),
            fetched_at,
        })
    }

    /// Installs a key set kept from an earlier launch (checked as a fetched one is): served
    /// without a fetch while it is fresh (`remoteJwks.maxAge` after `fetchedAt`).
    pub fn seed_keys(&self, keys: CachedKeys) -> Result<()> {
        let KeySource::Remote(remote) = self.inner.source() else {
            return Err(mcp_bearer::Error::new(
                ErrorKind::InvalidConfig,
                "seedKeys seeds a verifier whose keys are fetched (jwksUrl or discoveryIssuer); \
                 this one has static keys",
            )
            .into());
        };
        remote.seed(keys.jwks_json.as_bytes(), keys.fetched_at)?;
        Ok(())
    }
}

/// `ERR_INSUFFICIENT_SCOPE` (403, with the required scopes for the challenge) unless `token`
/// has every scope of `required`: a route's own scope check.
#[uniffi::export]
pub fn require_scopes(token: VerifiedToken, required: Vec<String>) -> Result<()> {
    let required: Vec<&str> = required.iter().map(String::as_str).collect();
    Ok(mcp_bearer::verify::require_scopes(
        &token.scopes,
        &required,
    )?)
}
