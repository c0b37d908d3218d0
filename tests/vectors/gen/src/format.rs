//! The vector file format, documented for every language in `tests/vectors/README.md`.
//!
//! Structs (not maps) so that the fields come out in a fixed, readable order whatever
//! features `serde_json` is built with.

use serde::Serialize;
use serde_json::Value;

/// Names the format; bump it when a reader would misread a file.
pub(crate) const FORMAT: &str = "mcp-bearer-vectors/2";

/// One JSON file of cases.
#[derive(Debug, Serialize)]
pub(crate) struct VectorFile {
    pub(crate) format: &'static str,
    pub(crate) description: &'static str,
    pub(crate) generated_by: &'static str,
    pub(crate) cases: Vec<Case>,
}

/// Which API a case goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Layer {
    /// `Verifier` (the JWT claim policy on top of the JWS layer), with `options` and `now`.
    Jwt,
    /// `verify_jws(token, keys, algorithms)`: signature and header policy only.
    Jws,
}

/// The verification keys of a case: the key-source member of a verifier config.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Keys {
    /// A public JWKS, parsed as a whole set (unusable members are skipped).
    Jwks(Value),
    /// A shared secret for HS256/384/512, base64url without padding.
    SharedSecretB64u(String),
}

/// Verifier options: only what the case sets; every absent field takes the core's default.
/// With the case's `keys` merged in, this is a verifier config (`VerifierConfig`), durations
/// in seconds.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Options {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) issuers: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) audiences: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) dangerous_accept_any_issuer: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) dangerous_accept_any_audience: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) algorithms: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) leeway: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) max_token_age: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) required_claims: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) required_scopes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) typ: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) max_token_bytes: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) max_key_candidates: Option<usize>,
}

/// The expected verdict.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Expected {
    /// `valid` or `invalid`.
    pub(crate) verdict: &'static str,
    /// For `invalid`: the stable error code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) code: Option<&'static str>,
    /// For `invalid` claim failures: the claim named by the error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) claim: Option<&'static str>,
    /// For `invalid` claim failures: why the claim failed (`missing`, `check_failed`,
    /// `invalid`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) reason: Option<&'static str>,
    /// For a valid `jwt` case: `sub`, or null when the token has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) subject: Option<Value>,
    /// For a valid `jwt` case: the scopes, in order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) scopes: Option<Vec<String>>,
    /// For a valid `jws` case: the payload, base64url.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) payload_b64u: Option<String>,
}

impl Expected {
    /// A valid JWT with this subject and these scopes.
    pub(crate) fn valid_jwt(subject: Option<&str>, scopes: &[&str]) -> Expected {
        Expected {
            verdict: "valid",
            code: None,
            claim: None,
            reason: None,
            subject: Some(subject.map_or(Value::Null, |s| Value::String(s.to_owned()))),
            scopes: Some(scopes.iter().map(|s| (*s).to_owned()).collect()),
            payload_b64u: None,
        }
    }

    /// A valid JWS with this payload (base64url).
    pub(crate) fn valid_jws(payload_b64u: &str) -> Expected {
        Expected {
            verdict: "valid",
            code: None,
            claim: None,
            reason: None,
            subject: None,
            scopes: None,
            payload_b64u: Some(payload_b64u.to_owned()),
        }
    }

    /// Rejected with `code`.
    pub(crate) fn invalid(code: &'static str) -> Expected {
        Expected {
            verdict: "invalid",
            code: Some(code),
            claim: None,
            reason: None,
            subject: None,
            scopes: None,
            payload_b64u: None,
        }
    }

    /// Rejected with `code`, naming `claim` and `reason`.
    pub(crate) fn invalid_claim_because(
        code: &'static str,
        claim: &'static str,
        reason: &'static str,
    ) -> Expected {
        Expected {
            claim: Some(claim),
            reason: Some(reason),
            ..Expected::invalid(code)
        }
    }

    /// Rejected with `code`, naming `claim`.
    pub(crate) fn invalid_claim(code: &'static str, claim: &'static str) -> Expected {
        Expected {
            claim: Some(claim),
            ..Expected::invalid(code)
        }
    }
}

/// One case.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Case {
    pub(crate) id: String,
    pub(crate) description: String,
    /// For outside vectors: the copied file the token or keys come from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) source: Option<String>,
    pub(crate) layer: Layer,
    pub(crate) token: String,
    pub(crate) keys: Keys,
    /// For `jws` cases: the accepted algorithms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) algorithms: Option<Vec<String>>,
    /// For `jwt` cases: the verifier options.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) options: Option<Options>,
    /// For `jwt` cases: the fixed time of the verification, in Unix seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) now: Option<u64>,
    pub(crate) expected: Expected,
}

impl Case {
    /// A case through the `Verifier`.
    pub(crate) fn jwt(
        id: &str,
        description: &str,
        token: String,
        keys: Keys,
        options: Options,
        now: u64,
        expected: Expected,
    ) -> Case {
        Case {
            id: id.to_owned(),
            description: description.to_owned(),
            source: None,
            layer: Layer::Jwt,
            token,
            keys,
            algorithms: None,
            options: Some(options),
            now: Some(now),
            expected,
        }
    }

    /// A case through `verify_jws`.
    pub(crate) fn jws(
        id: &str,
        description: &str,
        token: String,
        keys: Keys,
        algorithms: &[&str],
        expected: Expected,
    ) -> Case {
        Case {
            id: id.to_owned(),
            description: description.to_owned(),
            source: None,
            layer: Layer::Jws,
            token,
            keys,
            algorithms: Some(algorithms.iter().map(|a| (*a).to_owned()).collect()),
            options: None,
            now: None,
            expected,
        }
    }

    /// Records the copied file this case comes from.
    pub(crate) fn with_source(mut self, source: &str) -> Case {
        self.source = Some(source.to_owned());
        self
    }
}
