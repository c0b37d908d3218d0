//! PKCE (RFC 7636) with the `S256` method only, and random `state` and `nonce` values.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::b64;
use crate::error::{Error, ErrorKind, Result};

use super::secret::SecretString;

/// The only code challenge method this crate sends or accepts. `plain` gives no protection
/// when the authorization request leaks, and the MCP authorization spec requires `S256`.
pub const PKCE_METHOD_S256: &str = "S256";

/// Random bytes behind a generated verifier, state or nonce: 256 bits, so guessing is hopeless
/// and the base64url text (43 characters) is a valid RFC 7636 verifier.
const RANDOM_BYTES: usize = 32;

/// A PKCE code verifier (RFC 7636 §4.1): the secret half, kept by the client and sent only
/// with the token request. `Debug` redacts it.
#[derive(Clone, PartialEq, Eq)]
pub struct PkceVerifier(SecretString);

impl PkceVerifier {
    /// A fresh verifier: 32 random bytes as 43 base64url characters.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] if the system random number generator fails.
    pub fn generate() -> Result<Self> {
        let mut bytes = [0u8; RANDOM_BYTES];
        fill_random(&mut bytes)?;
        Ok(PkceVerifier::from_secret_bytes(&bytes))
    }

    /// The verifier made of `bytes` (32 of them: random, or derived from a key) as
    /// base64url; 32 to 96 bytes always give a valid verifier, so no check is needed.
    pub(crate) fn from_secret_bytes(bytes: &[u8]) -> Self {
        debug_assert!((32..=96).contains(&bytes.len()));
        PkceVerifier(SecretString::new(b64::encode(bytes)))
    }

    /// Wraps an existing verifier after checking its syntax: 43 to 128 characters from
    /// `A-Z a-z 0-9 - . _ ~` (RFC 7636 §4.1).
    ///
    /// # Errors
    /// [`ErrorKind::OAuthInvalidGrant`] when the syntax is wrong (the verifier comes from a
    /// token request, where RFC 7636 §4.6 answers `invalid_grant`).
    pub fn new(verifier: impl Into<String>) -> Result<Self> {
        let verifier = verifier.into();
        if !is_verifier_syntax(&verifier) {
            return Err(Error::new(
                ErrorKind::OAuthInvalidGrant,
                format!(
                    "the PKCE code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ \
                     (RFC 7636 §4.1); this one has {} characters",
                    verifier.len()
                ),
            ));
        }
        Ok(PkceVerifier(SecretString::new(verifier)))
    }

    /// The verifier, for the `code_verifier` parameter of the token request.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    /// The `S256` challenge for this verifier: `BASE64URL(SHA256(verifier))`.
    pub fn challenge(&self) -> PkceChallenge {
        PkceChallenge::s256(self.expose())
    }
}

impl fmt::Debug for PkceVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PkceVerifier(<redacted>)")
    }
}

/// A PKCE `S256` code challenge (RFC 7636 §4.2): the public half, sent with the
/// authorization request. It is not a secret.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PkceChallenge(String);

impl PkceChallenge {
    /// The `S256` challenge of `verifier`.
    pub fn s256(verifier: &str) -> Self {
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes());
        PkceChallenge(b64::encode(digest.as_ref()))
    }

    /// Reads the `code_challenge` and `code_challenge_method` parameters of a client's
    /// authorization request.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`] when the method is missing or not `S256` (a missing
    /// method means `plain`, RFC 7636 §4.3), or the challenge is not the 43-character
    /// base64url form of a SHA-256 digest.
    pub fn from_request(challenge: &str, method: Option<&str>) -> Result<Self> {
        match method {
            Some(PKCE_METHOD_S256) => {}
            Some(other) => {
                return Err(Error::new(
                    ErrorKind::InvalidRequest,
                    format!(
                        "code_challenge_method {} is not supported; use S256 (RFC 7636 §4.2)",
                        crate::untrusted::quote(other)
                    ),
                ));
            }
            None => {
                return Err(Error::new(
                    ErrorKind::InvalidRequest,
                    "code_challenge_method is missing, which means plain (RFC 7636 §4.3); \
                     send code_challenge_method=S256",
                ));
            }
        }
        let decoded = b64::decode(challenge).ok().filter(|d| d.len() == 32);
        if decoded.is_none() {
            return Err(Error::new(
                ErrorKind::InvalidRequest,
                "code_challenge must be BASE64URL(SHA256(code_verifier)): 43 base64url \
                 characters (RFC 7636 §4.2)",
            ));
        }
        Ok(PkceChallenge(challenge.to_owned()))
    }

    /// The challenge, for the `code_challenge` parameter.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The method, for the `code_challenge_method` parameter: always `S256`.
    pub fn method(&self) -> &'static str {
        PKCE_METHOD_S256
    }

    /// Checks a `code_verifier` from a token request against this challenge (RFC 7636 §4.6),
    /// in constant time.
    ///
    /// # Errors
    /// [`ErrorKind::OAuthInvalidGrant`] when the verifier is malformed or does not match.
    pub fn verify(&self, verifier: &str) -> Result<()> {
        let verifier = PkceVerifier::new(verifier)?;
        let computed = verifier.challenge();
        aws_lc_rs::constant_time::verify_slices_are_equal(computed.0.as_bytes(), self.0.as_bytes())
            .map_err(|_| {
                Error::new(
                    ErrorKind::OAuthInvalidGrant,
                    "the PKCE code_verifier does not match the code_challenge of the authorization \
                 request (RFC 7636 §4.6)",
                )
            })
    }
}

/// A fresh, unguessable `state` value for an authorization request (RFC 6749 §10.12).
///
/// # Errors
/// [`ErrorKind::InvalidConfig`] if the system random number generator fails.
pub fn random_state() -> Result<String> {
    random_token()
}

/// A fresh, unguessable OIDC `nonce` (OpenID Connect Core §3.1.2.1).
///
/// # Errors
/// [`ErrorKind::InvalidConfig`] if the system random number generator fails.
pub fn random_nonce() -> Result<String> {
    random_token()
}

/// 32 random bytes as base64url.
pub(crate) fn random_token() -> Result<String> {
    let mut bytes = [0u8; RANDOM_BYTES];
    fill_random(&mut bytes)?;
    Ok(b64::encode(bytes))
}

/// Fills `dest` from the system random number generator.
pub(crate) fn fill_random(dest: &mut [u8]) -> Result<()> {
    aws_lc_rs::rand::fill(dest).map_err(|_| {
        Error::new(
            ErrorKind::InvalidConfig,
            "the system random number generator failed",
        )
    })
}

fn is_verifier_syntax(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The RFC 7636 Appendix B pair, read from the project's outside vectors.
    fn appendix_b() -> (String, String) {
        let doc: serde_json::Value = serde_json::from_str(include_str!(
            "../../../tests/vectors/rfc-examples/rfc_examples.json"
        ))
        .unwrap();
        let v = &doc["rfc7636_appendix_b_pkce_s256"];
        assert_eq!(v["code_challenge_method"], "S256");
        (
            v["code_verifier"].as_str().unwrap().to_owned(),
            v["code_challenge"].as_str().unwrap().to_owned(),
        )
    }

    #[test]
    fn rfc7636_appendix_b_s256_challenge() {
        let (verifier, challenge) = appendix_b();
        assert_eq!(PkceChallenge::s256(&verifier).as_str(), challenge);
        let verifier = PkceVerifier::new(verifier).unwrap();
        assert_eq!(verifier.challenge().as_str(), challenge);
        let parsed = PkceChallenge::from_request(&challenge, Some("S256")).unwrap();
        parsed.verify(verifier.expose()).unwrap();
    }

    #[test]
    fn rfc7636_s4_6_wrong_verifier_is_invalid_grant() {
        let (_, challenge) = appendix_b();
        let challenge = PkceChallenge::from_request(&challenge, Some("S256")).unwrap();
        let other = PkceVerifier::generate().unwrap();
        let err = challenge.verify(other.expose()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OAuthInvalidGrant);
        assert_eq!(err.oauth_error(), "invalid_grant");
        assert_eq!(
            challenge.verify("short").unwrap_err().kind(),
            ErrorKind::OAuthInvalidGrant
        );
    }

    #[test]
    fn rfc7636_s4_1_verifier_syntax() {
        assert!(PkceVerifier::new("a".repeat(43)).is_ok());
        assert!(PkceVerifier::new("a".repeat(128)).is_ok());
        assert!(PkceVerifier::new("a".repeat(42)).is_err());
        assert!(PkceVerifier::new("a".repeat(129)).is_err());
        assert!(PkceVerifier::new(format!("{}~._-", "a".repeat(40))).is_ok());
        assert!(PkceVerifier::new(format!("{}+", "a".repeat(43))).is_err());
        assert!(PkceVerifier::new(format!("{} ", "a".repeat(43))).is_err());
    }

    #[test]
    fn rfc7636_s4_3_plain_and_missing_method_rejected() {
        let (_, challenge) = appendix_b();
        for method in [None, Some("plain"), Some("s256")] {
            let err = PkceChallenge::from_request(&challenge, method).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{method:?}");
        }
        let err = PkceChallenge::from_request("too-short", Some("S256")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    }

    #[test]
    fn generated_values_are_fresh_and_well_formed() {
        let a = PkceVerifier::generate().unwrap();
        let b = PkceVerifier::generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.expose().len(), 43);
        assert!(PkceVerifier::new(a.expose()).is_ok());
        let s1 = random_state().unwrap();
        let s2 = random_state().unwrap();
        assert_ne!(s1, s2);
        assert_eq!(s1.len(), 43);
        assert_ne!(random_nonce().unwrap(), random_nonce().unwrap());
        assert_eq!(format!("{a:?}"), "PkceVerifier(<redacted>)");
    }
}
