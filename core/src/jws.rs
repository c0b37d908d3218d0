//! The JWS layer (RFC 7515 compact serialization): split, decode the protected header,
//! enforce the header policy, and verify the signature against a key set.
//!
//! [`verify_jws`] is the equivalent of jose's `compactVerify`; the JWT verifier
//! ([`crate::verify`]) builds on the same compact parser so that it can look at the header
//! (for the `kid`) before it fetches keys, and [`decode_header`] gives that header alone.

use serde_json::{Map, Value};

use crate::b64;
use crate::error::{Error, ErrorKind, Result};
use crate::jwk::{Algorithm, Jwk, KeySet, SkippedKey};
use crate::untrusted::quote;

/// Default for the number of keys tried for one token (see [`verify_jws_with_budget`]).
pub const DEFAULT_MAX_KEY_CANDIDATES: usize = 8;
/// The largest compact JWS accepted by default, in bytes (16 KiB); also the default of
/// [`VerifierOptions::max_token_bytes`](crate::VerifierOptions::max_token_bytes).
pub const DEFAULT_MAX_TOKEN_BYTES: usize = 16 * 1024;

/// The protected header of a JWS, after the policy checks.
///
/// Key-carrying headers (`jwk`, `jku`, `x5u`, `x5c`) are kept in [`raw`](JwsHeader::raw) but
/// never used: keys come only from the configured set.
#[derive(Debug, Clone, PartialEq)]
pub struct JwsHeader {
    /// The signature algorithm.
    pub alg: Algorithm,
    /// The key id, if any.
    pub kid: Option<String>,
    /// The media type (`typ`), if any.
    pub typ: Option<String>,
    /// The whole header as decoded.
    pub raw: Map<String, Value>,
}

/// A compact JWS split and with its header decoded, not yet verified.
#[derive(Debug)]
pub(crate) struct CompactJws<'a> {
    signing_input: &'a str,
    payload_b64: &'a str,
    signature: Vec<u8>,
    header: JwsHeader,
}

/// Checks the shape of a bearer value without decoding it: `Ok(())` for three base64url
/// segments (a JWS).
///
/// # Errors
/// [`ErrorKind::TokenOpaque`] when it is not a JWT at all, [`ErrorKind::NotSupported`] for a
/// five-segment JWE.
pub fn check_shape(token: &str) -> Result<()> {
    // One pass with no early exit, rather than splitting twice: this runs on every
    // verification, and splitting was a third of the cost above the signature check. The dot
    // count of a 64-byte chunk fits a `u8`, which lets the inner loop vectorise.
    let mut bad = 0u8;
    let mut dots = 0usize;
    for chunk in token.as_bytes().chunks(64) {
        let mut chunk_dots = 0u8;
        for &b in chunk {
            bad |= u8::from(!(b64::is_alphabet_byte(b) | (b == b'.')));
            chunk_dots += u8::from(b == b'.');
        }
        dots += usize::from(chunk_dots);
    }
    let (segments, alphabet) = (dots + 1, bad == 0);
    match (segments, alphabet) {
        (3, true) => Ok(()),
        (5, true) => Err(Error::new(
            ErrorKind::NotSupported,
            "the token is a JWE (encrypted JWT, five segments); only signed JWTs are supported: \
             configure the identity provider to issue signed (JWS) access tokens",
        )),
        _ => Err(Error::new(
            ErrorKind::TokenOpaque,
            format!(
                "the bearer token is not a JWT ({segments} segment{}, expected three base64url \
                 segments): it is an opaque token. Request a JWT access token from the identity \
                 provider (for Auth0, pass an `audience` parameter in the authorize request), or \
                 verify it by introspection",
                if segments == 1 { "" } else { "s" }
            ),
        )),
    }
}

impl<'a> CompactJws<'a> {
    /// Splits `token` and decodes and checks its protected header.
    ///
    /// # Errors
    /// [`ErrorKind::TokenOpaque`] / [`ErrorKind::NotSupported`] from [`check_shape`];
    /// [`ErrorKind::JwsInvalid`] for a header that is not base64url JSON, has `crit`, or
    /// `b64: false`; [`ErrorKind::AlgNotAllowed`] when `alg` is missing, `none`, unknown, or
    /// not in `algorithms`.
    pub(crate) fn parse(token: &'a str, algorithms: &[Algorithm]) -> Result<CompactJws<'a>> {
        check_shape(token)?;
        let (signing_input, signature_b64) = token
            .rsplit_once('.')
            .ok_or_else(|| Error::new(ErrorKind::JwsInvalid, "the JWS has no signature"))?;
        let (header_b64, payload_b64) = signing_input
            .split_once('.')
            .ok_or_else(|| Error::new(ErrorKind::JwsInvalid, "the JWS has no payload"))?;
        let header_bytes = b64::decode(header_b64).map_err(|_| {
            Error::new(
                ErrorKind::JwsInvalid,
                "the JWS protected header is not valid base64url",
            )
        })?;
        let raw: Map<String, Value> = serde_json::from_slice(&header_bytes).map_err(|_| {
            Error::new(
                ErrorKind::JwsInvalid,
                "the JWS protected header is not a JSON object",
            )
        })?;
        let header = check_header(raw, algorithms)?;
        let signature = b64::decode(signature_b64).map_err(|_| {
            Error::new(
                ErrorKind::JwsInvalid,
                "the JWS signature is not valid base64url",
            )
        })?;
        Ok(CompactJws {
            signing_input,
            payload_b64,
            signature,
            header,
        })
    }

    /// Verifies the signature with the candidates of `keys` for this header's `alg` and
    /// `kid`, trying at most `max_candidates` keys. Returns the key that verified.
    ///
    /// # Errors
    /// [`ErrorKind::JwksNoMatchingKey`] when no key fits; [`ErrorKind::JwksMultipleMatchingKeys`]
    /// when more keys fit than the budget allows; [`ErrorKind::JwsSignatureVerificationFailed`]
    /// when no candidate verifies.
    pub(crate) fn verify_signature<'k>(
        &self,
        keys: &'k KeySet,
        max_candidates: usize,
    ) -> Result<&'k Jwk> {
        let alg = self.header.alg;
        let kid = self.header.kid.as_deref();
        let mut tried = 0usize;
        for key in keys.candidates(alg, kid) {
            if tried == max_candidates {
                return Err(Error::new(
                    ErrorKind::JwksMultipleMatchingKeys,
                    format!(
                        "more than {max_candidates} keys could verify this {alg} token{}; give \
                         the token a \"kid\" or raise the candidate limit",
                        if kid.is_some() {
                            " (several keys share its kid)"
                        } else {
                            " (it has no kid)"
                        }
                    ),
                ));
            }
            tried += 1;
            if key.verify_signature(alg, self.signing_input.as_bytes(), &self.signature) {
                return Ok(key);
            }
        }
        if tried == 0 {
            return Err(no_matching_key(alg, kid, keys));
        }
        Err(Error::new(
            ErrorKind::JwsSignatureVerificationFailed,
            format!(
                "signature verification failed under {tried} candidate key{} for {alg}{}",
                if tried == 1 { "" } else { "s" },
                kid.map(|k| format!(" (kid {})", crate::untrusted::quote(k)))
                    .unwrap_or_default()
            ),
        ))
    }

    /// Decodes the payload.
    ///
    /// # Errors
    /// [`ErrorKind::JwsInvalid`] when the payload is not base64url.
    pub(crate) fn payload(&self) -> Result<Vec<u8>> {
        b64::decode(self.payload_b64).map_err(|_| {
            Error::new(
                ErrorKind::JwsInvalid,
                "the JWS payload is not valid base64url",
            )
        })
    }

    /// Splits off the header, dropping the rest.
    pub(crate) fn into_header(self) -> JwsHeader {
        self.header
    }
}

/// Decodes and checks the protected header of a compact JWS without verifying it: what can
/// be refused before any key is fetched (an opaque token, a JWE, a malformed header, an
/// `alg` outside `algorithms`, `crit`, `b64: false`).
///
/// # Errors
/// [`ErrorKind::TokenOpaque`] / [`ErrorKind::NotSupported`] from [`check_shape`];
/// [`ErrorKind::JwsInvalid`] for a header that is not base64url JSON, has `crit`, or
/// `b64: false`, or a signature segment that is not base64url; [`ErrorKind::AlgNotAllowed`]
/// when `alg` is missing, `none`, unknown, or not in `algorithms`.
pub fn decode_header(token: &str, algorithms: &[Algorithm]) -> Result<JwsHeader> {
    CompactJws::parse(token, algorithms).map(CompactJws::into_header)
}

/// How many of the set's kids a "no matching key" message lists.
const LISTED_KIDS: usize = 10;
/// How many skipped members a "no matching key" message lists.
const LISTED_SKIPPED: usize = 3;

/// The first `limit` items joined by `separator`, then how many were left out. Keeps a message
/// about a 100-member set (or a flood of kids) short.
fn bounded_list(
    items: impl ExactSizeIterator<Item = String>,
    limit: usize,
    separator: &str,
) -> String {
    let total = items.len();
    let mut listed: Vec<String> = items.take(limit).collect();
    if total > limit {
        listed.push(format!("and {} more", total - limit));
    }
    listed.join(separator)
}

/// The error for a token no key of `keys` can serve. The kids and the skipped members it
/// names come from the key set and the token, so each is quoted by
/// [`quote`](crate::untrusted::quote) and the lists are bounded. A member skipped at load
/// (a weak or malformed key) that the token may have meant is named with the reason, so
/// that "no key" is not a mystery when the provider publishes a key we refuse.
fn no_matching_key(alg: Algorithm, kid: Option<&str>, keys: &KeySet) -> Error {
    let offered = keys.kids();
    let mut message = match kid {
        Some(kid) => format!(
            "no key in the JWKS has kid {} and fits {alg}; the JWKS offers kids [{}]",
            quote(kid),
            bounded_list(offered.iter().map(|k| quote(k)), LISTED_KIDS, ", ")
        ),
        None => format!("no key in the JWKS fits {alg} (the token has no kid)"),
    };
    let skipped: Vec<&SkippedKey> = keys
        .skipped()
        .iter()
        .filter(|s| kid.is_none() || s.kid.as_deref() == kid)
        .collect();
    if !skipped.is_empty() {
        message.push_str("; skipped: ");
        message.push_str(&bounded_list(
            skipped.iter().map(ToString::to_string),
            LISTED_SKIPPED,
            "; ",
        ));
    }
    let err = Error::new(ErrorKind::JwksNoMatchingKey, message);
    match kid {
        Some(kid) => err.with_values(offered.join(", "), kid),
        None => err,
    }
}

fn check_header(raw: Map<String, Value>, algorithms: &[Algorithm]) -> Result<JwsHeader> {
    let alg_name = match raw.get("alg") {
        Some(Value::String(s)) => s.as_str(),
        Some(_) => {
            return Err(Error::new(
                ErrorKind::JwsInvalid,
                "the JWS \"alg\" must be a string",
            ));
        }
        None => {
            return Err(Error::new(
                ErrorKind::JwsInvalid,
                "the JWS header has no \"alg\"",
            ));
        }
    };
    let alg = Algorithm::from_name(alg_name)
        .filter(|a| algorithms.contains(a))
        .ok_or_else(|| {
            let allowed: Vec<&str> = algorithms.iter().map(|a| a.name()).collect();
            Error::new(
                ErrorKind::AlgNotAllowed,
                format!(
                    "\"alg\" {} is not allowed; this verifier accepts [{}]",
                    crate::untrusted::quote(alg_name),
                    allowed.join(", ")
                ),
            )
            .with_values(allowed.join(", "), alg_name)
        })?;
    if let Some(crit) = raw.get("crit") {
        // No extension is understood, so any `crit` must be rejected (RFC 7515 §4.1.11).
        return Err(Error::new(
            ErrorKind::JwsInvalid,
            format!(
                "the JWS has a \"crit\" header ({}); no critical extension is supported",
                crate::untrusted::quote(&crit.to_string())
            ),
        ));
    }
    match raw.get("b64") {
        None | Some(Value::Bool(true)) => {}
        Some(_) => {
            return Err(Error::new(
                ErrorKind::JwsInvalid,
                "unencoded payloads (\"b64\": false, RFC 7797) are not supported",
            ));
        }
    }
    let kid = match raw.get("kid") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            return Err(Error::new(
                ErrorKind::JwsInvalid,
                "the JWS \"kid\" must be a string",
            ));
        }
    };
    let typ = match raw.get("typ") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            return Err(Error::new(
                ErrorKind::JwsInvalid,
                "the JWS \"typ\" must be a string",
            ));
        }
    };
    Ok(JwsHeader { alg, kid, typ, raw })
}

/// A verified JWS: its header, payload, and the thumbprint of the key that verified it.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedJws {
    /// The protected header.
    pub header: JwsHeader,
    /// The decoded payload bytes.
    pub payload: Vec<u8>,
    /// The RFC 7638 thumbprint of the key that verified the signature.
    pub key_thumbprint: String,
}

/// Verifies a compact JWS against `keys`, accepting only `algorithms`, and returns its
/// header and payload (jose's `compactVerify`). Tries at most
/// [`DEFAULT_MAX_KEY_CANDIDATES`] keys.
///
/// A JWS longer than [`DEFAULT_MAX_TOKEN_BYTES`] (the [`Verifier`](crate::Verifier)'s
/// default token limit) is refused before any decoding.
///
/// # Errors
/// [`ErrorKind::TokenTooLarge`] over the size limit; those of [`decode_header`];
/// [`ErrorKind::JwksNoMatchingKey`] when no key fits; [`ErrorKind::JwksMultipleMatchingKeys`]
/// when more keys fit than the budget allows; [`ErrorKind::JwsSignatureVerificationFailed`]
/// when no candidate verifies; [`ErrorKind::JwsInvalid`] for a payload that is not base64url.
pub fn verify_jws(compact: &str, keys: &KeySet, algorithms: &[Algorithm]) -> Result<VerifiedJws> {
    verify_jws_with_budget(compact, keys, algorithms, DEFAULT_MAX_KEY_CANDIDATES)
}

/// [`verify_jws`] with an explicit number of keys to try; the same size limit applies.
///
/// # Errors
/// See [`verify_jws`].
pub fn verify_jws_with_budget(
    compact: &str,
    keys: &KeySet,
    algorithms: &[Algorithm],
    max_candidates: usize,
) -> Result<VerifiedJws> {
    if compact.len() > DEFAULT_MAX_TOKEN_BYTES {
        return Err(Error::new(
            ErrorKind::TokenTooLarge,
            format!(
                "the JWS is {} bytes; the limit is {DEFAULT_MAX_TOKEN_BYTES}",
                compact.len()
            ),
        ));
    }
    let jws = CompactJws::parse(compact, algorithms)?;
    let key = jws.verify_signature(keys, max_candidates)?;
    let payload = jws.payload()?;
    Ok(VerifiedJws {
        key_thumbprint: key.thumbprint().to_owned(),
        payload,
        header: jws.header,
    })
}
