//! [`VerifierOptions`]: the claim policy and limits of a [`Verifier`](super::Verifier), every
//! default a named constant.

use std::ops::RangeInclusive;
use std::time::Duration;

use serde::Deserialize;

use crate::bounds;
use crate::config::from_config_data;
use crate::error::{Error, ErrorKind, Result};
use crate::jwk::Algorithm;
pub use crate::jws::{DEFAULT_MAX_KEY_CANDIDATES, DEFAULT_MAX_TOKEN_BYTES};

/// Default for [`VerifierOptions::leeway`].
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(30);
/// Default for [`VerifierOptions::token_cache_entries`].
pub const DEFAULT_TOKEN_CACHE_ENTRIES: usize = 10_000;
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

/// Which `typ` header values are accepted. As data, by name: `"access_token_or_jwt"`,
/// `"strict_access_token"` or `"any"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
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
    pub(super) fn check(self, typ: Option<&str>) -> Result<()> {
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
/// bindings set only what their caller set, as data ([`VerifierOptions::from_json`]:
/// durations in seconds, algorithms and the `typ` policy by name).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
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
    /// Accepted `alg` values. Defaults to the asymmetric algorithms (RS*, PS*, ES*, EdDSA) for
    /// a JWKS or a PEM key, and for a shared secret to the HMAC algorithms it is long enough
    /// for (RFC 7518 §3.2: HS256 from 32 bytes, HS384 from 48, HS512 from 64); HMAC is never
    /// accepted from a remote JWKS.
    pub algorithms: Option<Vec<Algorithm>>,
    /// Clock skew tolerated on `exp`, `nbf` and `iat`. Defaults to 30 seconds; 0 to 1 day
    /// ([`LEEWAY_RANGE`]).
    #[serde(deserialize_with = "crate::config::seconds")]
    pub leeway: Duration,
    /// Reject tokens issued (`iat`) longer ago than this; requires `iat`. Defaults to none;
    /// when set, 0 to 10 years ([`MAX_TOKEN_AGE_RANGE`]).
    #[serde(deserialize_with = "crate::config::optional_seconds")]
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

from_config_data!(VerifierOptions);

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
