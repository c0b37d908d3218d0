//! The `verify` target: one payload, every path of [`Verifier`], one verdict.
//!
//! The input is a [`TokenInput`]: policy flags and a payload (optionally a header), signed
//! here with the fixed test keys, so that the fuzzer explores the claims parser rather than
//! failing signatures. The same token is judged by:
//!
//! - the fast claims path (no `required_claims`) and the full parse (`required_claims:
//!   ["exp"]`, which every token that passes the time check has, so it changes no verdict
//!   but sends the payload through the claims map);
//! - a verifier with the token cache on, twice (miss, then hit), against the cache off;
//! - `verify_cached` against `verify` on a [`mcp_bearer::RemoteJwks`] over loopback HTTP,
//!   cache on and off;
//! - the static HS256 set against the remote EdDSA set (when the header is ours, so both
//!   tokens differ only in the signature).
//!
//! Every verdict must be the same: the same error (kind, message, claim, reason, values),
//! or the same accepted token. An accepted token's `claims()` must be exactly its payload
//! parsed as a JSON object, and a payload that is not one must be `ERR_JWT_INVALID`.

use mcp_bearer::{Error, ErrorKind, Result, TokenSource, VerifiedToken};
use serde_json::{Map, Value};

use crate::fixture::fixture;
use crate::input::TokenInput;
use crate::show;

/// The token cache size of the cache-on verifiers: small, so eviction is exercised too.
const CACHE_ENTRIES: usize = 16;

/// What a verification decided, in comparable form. The key thumbprint and the header are
/// left out: they differ between the HS256 and the EdDSA token by construction.
#[derive(Debug, PartialEq)]
enum Verdict {
    Valid(Box<Accepted>),
    Invalid(Error),
}

#[derive(Debug, PartialEq)]
struct Accepted {
    source: TokenSource,
    claims: Map<String, Value>,
    claims_json: String,
    issuer: Option<String>,
    subject: Option<String>,
    audiences: Vec<String>,
    audience: Option<String>,
    expires_at: Option<u64>,
    not_before: Option<u64>,
    issued_at: Option<u64>,
    scopes: Vec<String>,
    client_id: Option<String>,
    token_id: Option<String>,
}

fn verdict(result: &Result<VerifiedToken>) -> Verdict {
    match result {
        Ok(t) => Verdict::Valid(Box::new(Accepted {
            source: t.source(),
            claims: t.claims().clone(),
            claims_json: t.claims_json().to_owned(),
            issuer: t.issuer().map(str::to_owned),
            subject: t.subject().map(str::to_owned),
            audiences: t.audiences().to_vec(),
            audience: t.audience().map(str::to_owned),
            expires_at: t.expires_at(),
            not_before: t.not_before(),
            issued_at: t.issued_at(),
            scopes: t.scopes().to_vec(),
            client_id: t.client_id().map(str::to_owned),
            token_id: t.token_id().map(str::to_owned),
        })),
        Err(e) => Verdict::Invalid(e.clone()),
    }
}

fn thumbprint(result: &Result<VerifiedToken>) -> Option<&str> {
    result.as_ref().ok().map(VerifiedToken::key_thumbprint)
}

/// Checks one input; panics on any disagreement.
pub fn verify(data: &[u8]) {
    let Some(input) = TokenInput::decode(data) else {
        return;
    };
    let fx = fixture();
    let payload = input.payload;
    let what = |paths: &str| {
        format!(
            "{paths} disagree; flags {:#04x}, header {:?}, payload \"{}\"",
            input.flags,
            input.header.map(show),
            show(payload)
        )
    };
    let plain_options = fx.options(input.flags, 0);
    let mut full_options = plain_options.clone();
    full_options.required_claims = vec!["exp".to_owned()];

    // Static HS256 set.
    let token = fx.hs256_token(&input);
    let static_len = token.len();
    let fast = fx.static_verifier(plain_options.clone()).verify(&token);
    let full = fx.static_verifier(full_options).verify(&token);
    assert_eq!(
        verdict(&fast),
        verdict(&full),
        "{}",
        what("the fast claims path and the full parse")
    );
    let cached = fx.static_verifier(fx.options(input.flags, CACHE_ENTRIES));
    for round in ["miss", "hit"] {
        let again = cached.verify(&token);
        assert_eq!(
            verdict(&fast),
            verdict(&again),
            "{}",
            what(&format!("the token cache ({round}) and no cache"))
        );
        assert_eq!(thumbprint(&fast), thumbprint(&again));
    }
    check_claims(&fast, payload, &what);
    if input.header.is_none() {
        check_unparsable_is_invalid(&fast, payload, &what);
    }

    // Remote EdDSA set, over loopback HTTP.
    let token = fx.eddsa_token(&input);
    let uncached = fx.remote_verifier(plain_options).verify(&token);
    let remote = fx.remote_verifier(fx.options(input.flags, CACHE_ENTRIES));
    let no_io = remote.verify_cached(&token);
    let with_io = remote.verify(&token);
    let hit = remote.verify(&token);
    for (result, paths) in [
        (&with_io, "verify with the token cache and without"),
        (&hit, "a token-cache hit on a remote set and no cache"),
    ] {
        assert_eq!(verdict(&uncached), verdict(result), "{}", what(paths));
    }
    match no_io {
        Ok(Some(t)) => assert_eq!(
            verdict(&uncached),
            verdict(&Ok(t)),
            "{}",
            what("verify_cached and verify")
        ),
        Err(e) => assert_eq!(
            verdict(&uncached),
            Verdict::Invalid(e),
            "{}",
            what("verify_cached and verify")
        ),
        // Needing the network is an answer only when a fetch could change the verdict.
        // The keys are in hand and fresh, so only an unknown kid or a signature failure
        // (a possible rotation) may ask for it.
        Ok(None) => assert!(
            matches!(
                &uncached,
                Err(e) if matches!(
                    e.kind(),
                    ErrorKind::JwksNoMatchingKey | ErrorKind::JwsSignatureVerificationFailed
                )
            ),
            "{}: verify_cached asked for I/O, verify said {:?}",
            what("verify_cached and verify"),
            verdict(&uncached)
        ),
    }
    check_claims(&uncached, payload, &what);

    // With our own header the two tokens differ only in their signature (and so in length:
    // near the size limit one may be too large and the other not).
    let limit = fx.options(input.flags, 0).max_token_bytes;
    if input.header.is_none() && static_len <= limit && token.len() <= limit {
        assert_eq!(
            verdict(&fast),
            verdict(&uncached),
            "{}",
            what("the static set and the remote set")
        );
    }
}

/// An accepted token's claims are exactly its payload.
fn check_claims(result: &Result<VerifiedToken>, payload: &[u8], what: &dyn Fn(&str) -> String) {
    let Ok(token) = result else {
        return;
    };
    let parsed = serde_json::from_slice::<Map<String, Value>>(payload);
    assert!(
        parsed.is_ok(),
        "{}: accepted, but the payload is not a JSON object ({:?})",
        what("acceptance and the JSON parser"),
        parsed.err()
    );
    assert_eq!(
        parsed.ok().as_ref(),
        Some(token.claims()),
        "{}",
        what("claims() and the payload")
    );
    assert_eq!(
        token.claims_json().as_bytes(),
        payload,
        "{}",
        what("claims_json() and the payload")
    );
}

/// A well-signed token whose payload is not a JSON object is `ERR_JWT_INVALID` (or too
/// large to look at).
fn check_unparsable_is_invalid(
    result: &Result<VerifiedToken>,
    payload: &[u8],
    what: &dyn Fn(&str) -> String,
) {
    if serde_json::from_slice::<Map<String, Value>>(payload).is_ok() {
        return;
    }
    let kind = result.as_ref().err().map(Error::kind);
    assert!(
        matches!(kind, Some(ErrorKind::JwtInvalid | ErrorKind::TokenTooLarge)),
        "{}: the payload is not a JSON object, the verdict is {:?}",
        what("the JSON parser and the verifier"),
        result.as_ref().map(|_| "valid").map_err(Error::code)
    );
}
