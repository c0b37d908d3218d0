//! ID token validation for the OAuth proxy's upstream leg (OIDC Core §3.1.3.7).
//!
//! When the proxy exchanges an authorization code with the upstream provider, the ID token
//! it receives must be checked before the user's identity is trusted: signature against the
//! provider's JWKS, `iss` exactly, `aud` containing our client id, `azp` when there are several
//! audiences, `exp`/`iat`, the `nonce` we sent, and `at_hash` when present.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use aws_lc_rs::digest;
use serde_json::Value;

use crate::b64;
use crate::bounds;
use crate::clock::Clock;
use crate::error::{Error, ErrorKind, Result};
use crate::jwk::Algorithm;
use crate::verify::{
    DEFAULT_LEEWAY, DEFAULT_MAX_TOKEN_BYTES, KeySource, LEEWAY_RANGE, MAX_TOKEN_AGE_RANGE,
    MAX_TOKEN_BYTES_RANGE, TypPolicy, VerifiedToken, Verifier, VerifierOptions,
};

/// How ID tokens are validated, beyond the fixed OIDC rules (issuer, audience, `azp`,
/// `nonce`, `at_hash`, `sub` and `iat` required). Every field has a default
/// ([`IdTokenValidatorOptions::default`]) and is range-checked when the validator is built.
/// As data ([`IdTokenValidatorOptions::from_json`]), durations are seconds and algorithms
/// names.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IdTokenValidatorOptions {
    /// Accepted `alg` values. Defaults to none, which means the verifier's default for the
    /// key source: the asymmetric algorithms for a JWKS (RS256, which OIDC requires providers
    /// to support, among them), HS256/HS384/HS512 for a shared client secret.
    pub algorithms: Option<Vec<Algorithm>>,
    /// Clock skew tolerated on `exp` and `iat`. Defaults to 30 seconds
    /// ([`crate::verify::DEFAULT_LEEWAY`]); 0 to 1 day ([`crate::verify::LEEWAY_RANGE`]).
    #[serde(deserialize_with = "crate::config::seconds")]
    pub leeway: Duration,
    /// Reject ID tokens issued (`iat`) longer ago than this (OIDC Core §3.1.3.7, step 10).
    /// Defaults to none (only `exp` limits it); when set, 0 to 10 years
    /// ([`crate::verify::MAX_TOKEN_AGE_RANGE`]).
    #[serde(deserialize_with = "crate::config::optional_seconds")]
    pub max_token_age: Option<Duration>,
    /// The largest ID token accepted, in bytes. Defaults to 16 KiB
    /// ([`crate::verify::DEFAULT_MAX_TOKEN_BYTES`]); 1 byte to 1 MiB
    /// ([`crate::verify::MAX_TOKEN_BYTES_RANGE`]).
    pub max_token_bytes: usize,
}

impl Default for IdTokenValidatorOptions {
    fn default() -> Self {
        IdTokenValidatorOptions {
            algorithms: None,
            leeway: DEFAULT_LEEWAY,
            max_token_age: None,
            max_token_bytes: DEFAULT_MAX_TOKEN_BYTES,
        }
    }
}

crate::config::from_config_data!(IdTokenValidatorOptions);

impl IdTokenValidatorOptions {
    /// Checks every numeric field against its range.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] naming the first field outside its range.
    pub fn validate(&self) -> Result<()> {
        bounds::duration(
            "IdTokenValidatorOptions::leeway",
            self.leeway,
            &LEEWAY_RANGE,
        )?;
        if let Some(age) = self.max_token_age {
            bounds::duration(
                "IdTokenValidatorOptions::max_token_age",
                age,
                &MAX_TOKEN_AGE_RANGE,
            )?;
        }
        bounds::bytes(
            "IdTokenValidatorOptions::max_token_bytes",
            self.max_token_bytes,
            &MAX_TOKEN_BYTES_RANGE,
        )
    }

    /// The verifier options for ID tokens of `issuer` issued to `client_id`.
    fn verifier_options(&self, issuer: &str, client_id: &str) -> Result<VerifierOptions> {
        self.validate()?;
        for (value, name) in [(issuer, "issuer"), (client_id, "client_id")] {
            if value.is_empty() {
                return Err(Error::new(
                    ErrorKind::InvalidConfig,
                    format!(
                        "the ID token validator needs the provider's {name}; it is empty \
                         (IdTokenValidator::new {name})"
                    ),
                ));
            }
        }
        Ok(VerifierOptions {
            issuers: vec![issuer.to_owned()],
            audiences: vec![client_id.to_owned()],
            algorithms: self.algorithms.clone(),
            leeway: self.leeway,
            max_token_age: self.max_token_age,
            max_token_bytes: self.max_token_bytes,
            // ID tokens are typed `JWT` or not at all; they are never access tokens.
            typ: TypPolicy::Any,
            required_claims: vec!["sub".into(), "iat".into()],
            // Each ID token is checked once; caching it would only hold memory.
            token_cache_entries: 0,
            ..VerifierOptions::default()
        })
    }
}

/// Validates ID tokens from one provider for one client.
pub struct IdTokenValidator {
    verifier: Verifier,
    client_id: String,
}

impl fmt::Debug for IdTokenValidator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdTokenValidator")
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl IdTokenValidator {
    /// A validator for ID tokens issued by `issuer` (compared exactly) to `client_id`, with
    /// keys from `keys`. It reads the time from the key source's clock for a remote JWKS,
    /// otherwise from the system clock, as [`Verifier::new`] does.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] for an empty issuer or client id, an option outside its
    /// range ([`IdTokenValidatorOptions::validate`]), or as [`Verifier::new`].
    pub fn new(
        keys: KeySource,
        issuer: &str,
        client_id: &str,
        options: IdTokenValidatorOptions,
    ) -> Result<IdTokenValidator> {
        let verifier = Verifier::new(keys, options.verifier_options(issuer, client_id)?)?;
        Ok(IdTokenValidator {
            verifier,
            client_id: client_id.to_owned(),
        })
    }

    /// A validator that reads the time from `clock`.
    ///
    /// # Errors
    /// As [`IdTokenValidator::new`].
    pub fn with_clock(
        keys: KeySource,
        issuer: &str,
        client_id: &str,
        options: IdTokenValidatorOptions,
        clock: Arc<dyn Clock>,
    ) -> Result<IdTokenValidator> {
        let verifier =
            Verifier::with_clock(keys, options.verifier_options(issuer, client_id)?, clock)?;
        Ok(IdTokenValidator {
            verifier,
            client_id: client_id.to_owned(),
        })
    }

    /// Validates `id_token`. `nonce` is the value sent in the authorization request (it must
    /// match when given); `access_token` is checked against `at_hash` when the token has one.
    ///
    /// # Errors
    /// The verifier's errors, and [`ErrorKind::JwtClaimValidationFailed`] with claim `azp`,
    /// `nonce` or `at_hash`.
    pub fn validate(
        &self,
        id_token: &str,
        nonce: Option<&str>,
        access_token: Option<&str>,
    ) -> Result<VerifiedToken> {
        let token = self.verifier.verify(id_token)?;
        let claims = token.claims();
        let azp = claims.get("azp").and_then(Value::as_str);
        if token.audiences().len() > 1 && azp.is_none() {
            return Err(Error::claim(
                ErrorKind::JwtClaimValidationFailed,
                "azp",
                "missing",
                "the ID token has several audiences but no \"azp\" (OIDC Core §3.1.3.7)",
            ));
        }
        if let Some(azp) = azp
            && azp != self.client_id
        {
            return Err(Error::claim(
                ErrorKind::JwtClaimValidationFailed,
                "azp",
                "check_failed",
                format!(
                    "the ID token's \"azp\" is {}, not this client",
                    crate::untrusted::quote(azp)
                ),
            )
            .with_values(self.client_id.clone(), azp));
        }
        if let Some(expected) = nonce {
            match claims.get("nonce").and_then(Value::as_str) {
                // Nonces are random values, compared in constant time like any secret.
                Some(got) if constant_time_eq(got.as_bytes(), expected.as_bytes()) => {}
                Some(_) => {
                    return Err(Error::claim(
                        ErrorKind::JwtClaimValidationFailed,
                        "nonce",
                        "check_failed",
                        "the ID token's \"nonce\" is not the one sent (replayed or mixed-up response)",
                    ));
                }
                None => {
                    return Err(Error::claim(
                        ErrorKind::JwtClaimValidationFailed,
                        "nonce",
                        "missing",
                        "the ID token has no \"nonce\" but one was sent",
                    ));
                }
            }
        }
        if let (Some(at_hash), Some(access)) =
            (claims.get("at_hash").and_then(Value::as_str), access_token)
        {
            let alg = token.header().map_or(Algorithm::RS256, |h| h.alg);
            let expected = token_hash(alg, access);
            if at_hash != expected {
                return Err(Error::claim(
                    ErrorKind::JwtClaimValidationFailed,
                    "at_hash",
                    "check_failed",
                    "the ID token's \"at_hash\" does not match the access token",
                ));
            }
        }
        Ok(token)
    }
}

/// The `at_hash`/`c_hash` of `value` for a token signed with `alg`: base64url of the left
/// half of the hash the algorithm uses (OIDC Core §3.1.3.6; SHA-512 for Ed25519).
pub fn token_hash(alg: Algorithm, value: &str) -> String {
    let d = digest::digest(alg.digest(), value.as_bytes());
    let bytes = d.as_ref();
    b64::encode(&bytes[..bytes.len() / 2])
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && aws_lc_rs::constant_time::verify_slices_are_equal(a, b).is_ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::sync::Arc;

    use serde_json::{Map, json};

    use super::*;
    use crate::clock::ManualClock;
    use crate::jwk::{KeySet, KeySetOptions};
    use crate::sign::SigningKey;

    /// The time every test starts at.
    const T0: u64 = 1_800_000_000;

    fn now() -> u64 {
        T0
    }

    fn key_source(key: &SigningKey) -> KeySource {
        let set = KeySet::from_json(
            &json!({"keys": [key.public_jwk()]}),
            KeySetOptions::default(),
        )
        .unwrap();
        KeySource::Static(Arc::new(set))
    }

    fn validator(
        key: &SigningKey,
        options: IdTokenValidatorOptions,
        clock: &Arc<ManualClock>,
    ) -> Result<IdTokenValidator> {
        IdTokenValidator::with_clock(
            key_source(key),
            "https://accounts.example.com",
            "client-123",
            options,
            Arc::clone(clock) as Arc<dyn Clock>,
        )
    }

    fn setup() -> (SigningKey, IdTokenValidator) {
        let key = SigningKey::generate(Algorithm::ES256).unwrap();
        let clock = Arc::new(ManualClock::at_secs(T0));
        let v = validator(&key, IdTokenValidatorOptions::default(), &clock).unwrap();
        (key, v)
    }

    fn mint(key: &SigningKey, extra: Value) -> String {
        let mut claims: Map<String, Value> = json!({
            "iss": "https://accounts.example.com", "aud": "client-123", "sub": "u1",
            "iat": now(), "exp": now() + 600,
        })
        .as_object()
        .unwrap()
        .clone();
        for (k, v) in extra.as_object().unwrap() {
            claims.insert(k.clone(), v.clone());
        }
        key.sign_jwt(&claims, &Map::new()).unwrap()
    }

    #[test]
    fn oidc_core_3_1_3_7_nonce_azp_and_at_hash() {
        let (key, v) = setup();
        let access = "ya29.access-token";
        let good = mint(
            &key,
            json!({"nonce": "n-1", "at_hash": token_hash(Algorithm::ES256, access)}),
        );
        v.validate(&good, Some("n-1"), Some(access)).unwrap();
        let e = v.validate(&good, Some("n-2"), Some(access)).unwrap_err();
        assert_eq!(e.claim_name(), Some("nonce"));
        let e = v.validate(&good, Some("n-1"), Some("other")).unwrap_err();
        assert_eq!(e.claim_name(), Some("at_hash"));
        let multi = mint(&key, json!({"aud": ["client-123", "other"]}));
        assert_eq!(
            v.validate(&multi, None, None).unwrap_err().claim_name(),
            Some("azp")
        );
        let foreign_azp = mint(&key, json!({"azp": "other"}));
        assert_eq!(
            v.validate(&foreign_azp, None, None)
                .unwrap_err()
                .claim_name(),
            Some("azp")
        );
        let wrong_aud = mint(&key, json!({"aud": "other"}));
        assert_eq!(
            v.validate(&wrong_aud, None, None).unwrap_err().claim_name(),
            Some("aud")
        );
        let no_iat = {
            let mut c: Map<String, Value> = json!({
                "iss": "https://accounts.example.com", "aud": "client-123", "sub": "u1",
                "exp": now() + 600,
            })
            .as_object()
            .unwrap()
            .clone();
            c.remove("iat");
            key.sign_jwt(&c, &Map::new()).unwrap()
        };
        assert!(v.validate(&no_iat, None, None).is_err());
    }

    #[test]
    fn defaults_are_the_verifiers_named_constants() {
        let options = IdTokenValidatorOptions::default();
        assert_eq!(options.algorithms, None);
        assert_eq!(options.leeway, DEFAULT_LEEWAY);
        assert_eq!(options.leeway, Duration::from_secs(30));
        assert_eq!(options.max_token_age, None);
        assert_eq!(options.max_token_bytes, DEFAULT_MAX_TOKEN_BYTES);
        assert_eq!(options.max_token_bytes, 16 * 1024);
        options.validate().unwrap();
    }

    #[test]
    fn options_outside_their_range_name_the_field() {
        let key = SigningKey::generate(Algorithm::ES256).unwrap();
        let clock = Arc::new(ManualClock::at_secs(T0));
        let cases = [
            (
                IdTokenValidatorOptions {
                    leeway: Duration::from_secs(2 * 86_400),
                    ..IdTokenValidatorOptions::default()
                },
                "IdTokenValidatorOptions::leeway",
            ),
            (
                IdTokenValidatorOptions {
                    max_token_age: Some(Duration::from_secs(u64::MAX)),
                    ..IdTokenValidatorOptions::default()
                },
                "IdTokenValidatorOptions::max_token_age",
            ),
            (
                IdTokenValidatorOptions {
                    max_token_bytes: 0,
                    ..IdTokenValidatorOptions::default()
                },
                "IdTokenValidatorOptions::max_token_bytes",
            ),
        ];
        for (options, field) in cases {
            let err = validator(&key, options.clone(), &clock).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{field}");
            assert!(err.message().contains(field), "{}", err.message());
            let err = options.validate().unwrap_err();
            assert!(err.message().contains(field), "{}", err.message());
        }
        for (issuer, client_id, name) in [
            ("", "client-123", "issuer"),
            ("https://accounts.example.com", "", "client_id"),
        ] {
            let err = IdTokenValidator::new(
                key_source(&key),
                issuer,
                client_id,
                IdTokenValidatorOptions::default(),
            )
            .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidConfig);
            assert!(err.message().contains(name), "{}", err.message());
        }
    }

    #[test]
    fn expiry_leeway_and_age_follow_the_given_clock() {
        let key = SigningKey::generate(Algorithm::ES256).unwrap();
        let clock = Arc::new(ManualClock::at_secs(T0));
        let token = mint(&key, json!({}));
        let default = validator(&key, IdTokenValidatorOptions::default(), &clock).unwrap();
        let strict = validator(
            &key,
            IdTokenValidatorOptions {
                leeway: Duration::ZERO,
                max_token_age: Some(Duration::from_secs(60)),
                ..IdTokenValidatorOptions::default()
            },
            &clock,
        )
        .unwrap();
        default.validate(&token, None, None).unwrap();
        strict.validate(&token, None, None).unwrap();

        // Older than max_token_age, not yet expired.
        clock.set_secs(T0 + 61);
        default.validate(&token, None, None).unwrap();
        let err = strict.validate(&token, None, None).unwrap_err();
        assert_eq!(
            (err.kind(), err.claim_name()),
            (ErrorKind::JwtExpired, Some("iat"))
        );

        // `exp` is T0 + 600: within the default 30 s leeway, then past it.
        clock.set_secs(T0 + 600 + 29);
        default.validate(&token, None, None).unwrap();
        clock.set_secs(T0 + 600 + 31);
        let err = default.validate(&token, None, None).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::JwtExpired);
    }

    #[test]
    fn algorithms_option_limits_the_accepted_alg() {
        let key = SigningKey::generate(Algorithm::ES256).unwrap();
        let clock = Arc::new(ManualClock::at_secs(T0));
        let rs_only = validator(
            &key,
            IdTokenValidatorOptions {
                algorithms: Some(vec![Algorithm::RS256]),
                ..IdTokenValidatorOptions::default()
            },
            &clock,
        )
        .unwrap();
        let err = rs_only
            .validate(&mint(&key, json!({})), None, None)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AlgNotAllowed);
    }

    #[test]
    fn at_hash_matches_oidc_core_example() {
        // OIDC Core A.3: access token "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y" with
        // RS256 has at_hash "77QmUPtjPfzWtF2AnpK9RQ".
        assert_eq!(
            token_hash(
                Algorithm::RS256,
                "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"
            ),
            "77QmUPtjPfzWtF2AnpK9RQ"
        );
    }
}
