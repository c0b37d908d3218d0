//! [`VerifiedToken`]: what a verified token says, shared by the verifier, its cache and the
//! opaque-token verifiers; and [`VerifiedTokenRecord`], the same as one owned, plain record.

use std::fmt;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::claims::parse_claims;
use crate::error::{Error, ErrorKind, Result};
use crate::jws::JwsHeader;

/// How a token was verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenSource {
    /// A JWT: signature and claims checked locally.
    Jwt,
    /// An opaque token, vouched for by RFC 7662 introspection.
    Introspection,
    /// An opaque token, accepted by the provider's userinfo endpoint.
    #[serde(rename = "userinfo")]
    UserInfo,
}

/// What a verified token says. Shared between [`VerifiedToken`]s and the cache.
#[derive(Debug)]
pub(crate) struct TokenData {
    pub(super) source: TokenSource,
    pub(super) header: Option<JwsHeader>,
    /// Parsed from `payload_json` on first use: verification reads only the registered claims.
    pub(super) claims: OnceLock<Map<String, Value>>,
    pub(super) payload_json: String,
    pub(super) issuer: Option<String>,
    pub(super) subject: Option<String>,
    pub(super) audiences: Vec<String>,
    pub(super) audience: Option<String>,
    pub(super) expires_at: Option<f64>,
    pub(super) not_before: Option<f64>,
    pub(super) issued_at: Option<f64>,
    pub(super) scopes: Vec<String>,
    pub(super) client_id: Option<String>,
    /// `jti`, when a string: read with the registered claims, so that asking for it does
    /// not parse the whole payload.
    pub(super) token_id: Option<String>,
    pub(super) key_thumbprint: String,
}

/// A token that passed every check. Cheap to clone.
#[derive(Clone)]
pub struct VerifiedToken(pub(super) Arc<TokenData>);

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
            payload_json: serde_json::to_string(&claims).unwrap_or_default(),
            issuer: text("iss"),
            subject: text("sub"),
            client_id: text("client_id").or_else(|| text("azp")),
            token_id: text("jti"),
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
        self.0.token_id.as_deref()
    }

    /// The RFC 7638 thumbprint of the key that verified the signature (empty for an opaque
    /// token).
    pub fn key_thumbprint(&self) -> &str {
        &self.0.key_thumbprint
    }

    /// Checks that the token carries every scope in `required`, for a route that needs more
    /// than the verifier's [`required_scopes`](super::VerifierOptions::required_scopes), so
    /// that one verifier serves routes with different needs.
    ///
    /// # Errors
    /// [`ErrorKind::InsufficientScope`] (HTTP 403, RFC 6750 `insufficient_scope`) naming the
    /// missing scopes, with `required` as [`Error::required_scopes`] for the challenge: the
    /// same error the verifier option gives.
    pub fn require_scopes(&self, required: &[&str]) -> Result<()> {
        let scopes = &self.0.scopes;
        if required.iter().all(|r| scopes.iter().any(|s| s == r)) {
            return Ok(());
        }
        let required: Vec<String> = required.iter().map(|s| (*s).to_owned()).collect();
        Err(insufficient_scope(&required, scopes))
    }

    /// The token as one owned, plain record: every accessor's value, the claims and header as
    /// JSON text. It holds no borrowed data and serializes as is, for a language binding.
    pub fn to_record(&self) -> VerifiedTokenRecord {
        let d = &self.0;
        VerifiedTokenRecord {
            source: d.source,
            claims_json: d.payload_json.clone(),
            header_json: d
                .header
                .as_ref()
                .and_then(|h| serde_json::to_string(&h.raw).ok()),
            subject: d.subject.clone(),
            issuer: d.issuer.clone(),
            audiences: d.audiences.clone(),
            audience: d.audience.clone(),
            scopes: d.scopes.clone(),
            client_id: d.client_id.clone(),
            token_id: d.token_id.clone(),
            expires_at: self.expires_at(),
            not_before: self.not_before(),
            issued_at: self.issued_at(),
            key_thumbprint: (!d.key_thumbprint.is_empty()).then(|| d.key_thumbprint.clone()),
        }
    }
}

impl From<&VerifiedToken> for VerifiedTokenRecord {
    fn from(token: &VerifiedToken) -> Self {
        token.to_record()
    }
}

/// A [`VerifiedToken`] as one owned, plain record that crosses an FFI boundary as is: strings,
/// numbers and lists only, times in whole seconds since the Unix epoch. It holds the token's
/// claims, never the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedTokenRecord {
    /// How the token was verified.
    pub source: TokenSource,
    /// The claims as JSON text: the JWT's payload, or the introspection/userinfo response.
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
    /// The scopes (see [`VerifiedToken::scopes`]).
    pub scopes: Vec<String>,
    /// `client_id`, else `azp`.
    pub client_id: Option<String>,
    /// `jti`.
    pub token_id: Option<String>,
    /// `exp`, in seconds.
    pub expires_at: Option<u64>,
    /// `nbf`, in seconds.
    pub not_before: Option<u64>,
    /// `iat`, in seconds.
    pub issued_at: Option<u64>,
    /// The RFC 7638 thumbprint of the key that verified the signature, for a JWT.
    pub key_thumbprint: Option<String>,
}

/// Checks that `scopes` (a verified token's, e.g. [`VerifiedTokenRecord::scopes`]) hold
/// every scope of `required`, as [`VerifiedToken::require_scopes`] does, for a binding that
/// holds only the record's scopes.
///
/// # Errors
/// [`ErrorKind::InsufficientScope`] naming the missing scopes, with `required` as the scopes
/// of the 403 challenge.
pub fn require_scopes(scopes: &[String], required: &[&str]) -> Result<()> {
    let required: Vec<String> = required.iter().map(|s| (*s).to_owned()).collect();
    check_scopes(&required, scopes)
}

/// The 403 error for a token that lacks some of the `required` scopes: the one error of the
/// verifier option, [`VerifiedToken::require_scopes`] and the opaque verifiers.
pub(crate) fn insufficient_scope(required: &[String], has: &[String]) -> Error {
    let missing: Vec<&String> = required.iter().filter(|r| !has.contains(r)).collect();
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

/// Checks `has` against `required`.
///
/// # Errors
/// [`insufficient_scope`] when one is missing.
pub(crate) fn check_scopes(required: &[String], has: &[String]) -> Result<()> {
    if required.iter().all(|r| has.contains(r)) {
        Ok(())
    } else {
        Err(insufficient_scope(required, has))
    }
}
