//! ID token validation for the OAuth proxy's upstream leg (OIDC Core §3.1.3.7).
//!
//! When the proxy exchanges an authorization code with the upstream provider, the ID token
//! it receives must be checked before the user's identity is trusted: signature against the
//! provider's JWKS, `iss` exactly, `aud` containing our client id, `azp` when there are several
//! audiences, `exp`/`iat`, the `nonce` we sent, and `at_hash` when present.

use std::fmt;

use aws_lc_rs::digest;
use serde_json::Value;

use crate::b64;
use crate::error::{Error, ErrorKind, Result};
use crate::jwk::Algorithm;
use crate::verify::{KeySource, TypPolicy, VerifiedToken, Verifier, VerifierOptions};

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
    /// A validator for ID tokens issued by `issuer` to `client_id`, with keys from `keys`.
    /// `algorithms` defaults to the asymmetric set (RS256 is what OIDC requires providers to
    /// support).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] as [`Verifier::new`].
    pub fn new(
        keys: KeySource,
        issuer: &str,
        client_id: &str,
        algorithms: Option<Vec<Algorithm>>,
    ) -> Result<IdTokenValidator> {
        let verifier = Verifier::new(
            keys,
            VerifierOptions {
                issuers: vec![issuer.to_owned()],
                audiences: vec![client_id.to_owned()],
                algorithms,
                // ID tokens are typed `JWT` or not at all; they are never access tokens.
                typ: TypPolicy::Any,
                required_claims: vec!["sub".into(), "iat".into()],
                // Each ID token is checked once; caching it would only hold memory.
                token_cache_entries: 0,
                ..VerifierOptions::default()
            },
        )?;
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
    use crate::jwk::{KeySet, KeySetLimits};
    use crate::sign::SigningKey;

    fn now() -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }

    fn setup() -> (SigningKey, IdTokenValidator) {
        let key = SigningKey::generate(Algorithm::ES256).unwrap();
        let set = KeySet::from_json(
            &json!({"keys": [key.public_jwk()]}),
            KeySetLimits::default(),
        )
        .unwrap();
        let v = IdTokenValidator::new(
            KeySource::Static(Arc::new(set)),
            "https://accounts.example.com",
            "client-123",
            None,
        )
        .unwrap();
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
