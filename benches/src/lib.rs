//! Fixtures shared by the criterion bench (`benches/verify.rs`) and the `ratios` binary
//! (`src/bin/ratios.rs`), so that both measure exactly the same operations on the same bytes.
//!
//! For each algorithm (RS256, ES256, EdDSA) a [`Fixture`] holds one freshly generated key, a
//! pool of [`POOL_SIZE`] distinct tokens signed with it (each with its own `jti`), and four
//! ways to check token `i` of the pool:
//!
//! - [`Fixture::verify`]: [`mcp_bearer::Verifier::verify`] over a static [`KeySet`], with the
//!   verified-token cache off (`token_cache_entries: 0`), so every call takes the full path:
//!   size check, split and shape check, header decode and policy (`alg` allowlist, `crit`,
//!   `b64`, `kid`, `typ`), key selection, signature, payload decode, claims (`iss`, `aud`,
//!   `exp`/`nbf`/`iat`, scopes, client id) and the [`mcp_bearer::VerifiedToken`] it returns.
//! - [`Fixture::floor`]: the least any verifier of this token must do, and nothing more:
//!   the base64url decode of the signature segment (into a fresh `Vec`) and aws-lc-rs's
//!   `ParsedPublicKey::verify_sig` over the same signing input (`header.payload`, as
//!   bytes) with a key parsed once beforehand. For RS256 and ES256 that includes the SHA-256
//!   of the signing input; for EdDSA, Ed25519's own SHA-512. It does not split the token
//!   (the split positions are computed beforehand), decode or parse the header or payload,
//!   select a key, or check any claim.
//! - [`Fixture::peer`]: `jsonwebtoken::decode` (11.1.0, aws-lc-rs backend) of the same token
//!   into a `serde_json::Map`, with a `DecodingKey` built once from the same JWK components
//!   and a `Validation` checking the same issuer, audience, `exp`, `nbf` and leeway.
//! - [`Fixture::cache_hit`]: [`mcp_bearer::Verifier::verify`] of one token, over and over,
//!   with the cache on (the default size): the path every request after the first of an
//!   MCP session takes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_lc_rs::signature::{self, ParsedPublicKey, RsaPublicKeyComponents};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{DecodingKey, Validation};
use mcp_bearer::{Algorithm, Jwk, KeySet, KeySource, SigningKey, Verifier, VerifierOptions};
use serde_json::{Map, Value, json};

/// The issuer every token carries and every verifier expects.
pub const ISSUER: &str = "https://idp.example.com/";
/// The audience every token carries and every verifier expects.
pub const AUDIENCE: &str = "https://mcp.example.com/mcp";
/// How many distinct tokens each algorithm's pool holds.
pub const POOL_SIZE: usize = 1000;
/// The algorithms measured.
pub const ALGORITHMS: [Algorithm; 3] = [Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA];

/// One algorithm's key, token pool, and the verifiers that check them.
pub struct Fixture {
    /// The algorithm.
    pub alg: Algorithm,
    /// The distinct tokens, all valid for an hour or more.
    pub tokens: Vec<String>,
    /// The key set the verifiers use: one public key.
    pub keys: Arc<KeySet>,
    /// Where each token's signing input ends (the last `.`).
    signature_dots: Vec<usize>,
    /// mcp-bearer with the verified-token cache off.
    uncached: Verifier,
    /// mcp-bearer with the default verified-token cache.
    cached: Verifier,
    /// The public key, parsed once by aws-lc-rs, for the floor.
    floor_key: ParsedPublicKey,
    peer_key: DecodingKey,
    peer_validation: Validation,
}

impl Fixture {
    /// Generates a key for `alg` and signs [`POOL_SIZE`] distinct tokens with it.
    pub fn new(alg: Algorithm) -> Fixture {
        Fixture::with_pool(alg, POOL_SIZE)
    }

    /// Generates a key for `alg` and signs `pool` distinct tokens with it.
    pub fn with_pool(alg: Algorithm, pool: usize) -> Fixture {
        let key = SigningKey::generate(alg).expect("key generation");
        let public = key.public_jwk();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock after 1970")
            .as_secs();
        let tokens: Vec<String> = (0..pool)
            .map(|i| {
                let claims = json!({
                    "iss": ISSUER,
                    "sub": format!("user-{i}"),
                    "aud": AUDIENCE,
                    "iat": now,
                    "nbf": now,
                    "exp": now + 24 * 3600,
                    "jti": format!("{alg}-{i:06}-{now}"),
                    "scope": "mcp:read mcp:write",
                    "client_id": "bench-client",
                });
                let Value::Object(claims) = claims else {
                    unreachable!()
                };
                key.sign_jwt(&claims, &Map::new()).expect("sign")
            })
            .collect();
        let signature_dots = tokens
            .iter()
            .map(|t| t.rfind('.').expect("three segments"))
            .collect();

        let set = Arc::new(KeySet::from_keys(vec![
            Jwk::from_json(&public).expect("public JWK"),
        ]));
        let options = VerifierOptions {
            issuers: vec![ISSUER.into()],
            audiences: vec![AUDIENCE.into()],
            ..VerifierOptions::default()
        };
        let uncached = Verifier::new(
            KeySource::Static(Arc::clone(&set)),
            VerifierOptions {
                token_cache_entries: 0,
                ..options.clone()
            },
        )
        .expect("verifier");
        let cached = Verifier::new(KeySource::Static(Arc::clone(&set)), options).expect("verifier");

        let member = |name: &str| public[name].as_str().expect("JWK member").to_owned();
        let bytes = |name: &str| URL_SAFE_NO_PAD.decode(member(name)).expect("base64url");
        let (floor_key, peer_key, peer_alg) = match alg {
            Algorithm::RS256 => (
                RsaPublicKeyComponents {
                    n: bytes("n"),
                    e: bytes("e"),
                }
                .to_parsed_public_key(&signature::RSA_PKCS1_2048_8192_SHA256)
                .expect("RSA key"),
                DecodingKey::from_rsa_components(&member("n"), &member("e")).expect("RSA key"),
                jsonwebtoken::Algorithm::RS256,
            ),
            Algorithm::ES256 => {
                let mut point = vec![4u8];
                point.extend(bytes("x"));
                point.extend(bytes("y"));
                (
                    ParsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                        .expect("P-256 key"),
                    DecodingKey::from_ec_components(&member("x"), &member("y")).expect("EC key"),
                    jsonwebtoken::Algorithm::ES256,
                )
            }
            Algorithm::EdDSA => (
                ParsedPublicKey::new(&signature::ED25519, bytes("x")).expect("Ed25519 key"),
                DecodingKey::from_ed_components(&member("x")).expect("Ed25519 key"),
                jsonwebtoken::Algorithm::EdDSA,
            ),
            other => panic!("no bench fixture for {other}"),
        };
        let mut peer_validation = Validation::new(peer_alg);
        peer_validation.set_issuer(&[ISSUER]);
        peer_validation.set_audience(&[AUDIENCE]);
        peer_validation.leeway = 30;
        peer_validation.validate_nbf = true;

        let fixture = Fixture {
            alg,
            tokens,
            keys: set,
            signature_dots,
            uncached,
            cached,
            floor_key,
            peer_key,
            peer_validation,
        };
        fixture.check();
        fixture
    }

    /// Every path accepts every token, and rejects a tampered one: a bench that measured an
    /// error path would measure the wrong thing.
    fn check(&self) {
        for i in 0..self.tokens.len() {
            assert!(self.verify(i), "{} verify rejected token {i}", self.alg);
            assert!(self.floor(i), "{} floor rejected token {i}", self.alg);
            assert!(self.peer(i), "{} jsonwebtoken rejected token {i}", self.alg);
        }
        assert!(self.cache_hit());
        assert_eq!(self.uncached.cached_tokens(), 0);
        let mut bad = self.tokens[0].clone();
        let flip = self.signature_dots[0] - 2;
        let replacement = if &bad[flip..=flip] == "A" { "B" } else { "A" };
        bad.replace_range(flip..=flip, replacement);
        assert!(self.uncached.verify(&bad).is_err());
    }

    /// The pool size.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Whether the pool is empty (never, for a fixture built by [`Fixture::new`]).
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// mcp-bearer's full verification of token `i`, with the token cache off.
    #[inline]
    pub fn verify(&self, i: usize) -> bool {
        self.uncached.verify(&self.tokens[i]).is_ok()
    }

    /// The floor for token `i`: base64url-decode its signature segment, then aws-lc-rs's
    /// signature check of the signing input with the pre-parsed key.
    #[inline]
    pub fn floor(&self, i: usize) -> bool {
        let token = self.tokens[i].as_str();
        let dot = self.signature_dots[i];
        let (signing_input, signature) = (&token[..dot], &token[dot + 1..]);
        let Ok(signature) = URL_SAFE_NO_PAD.decode(signature) else {
            return false;
        };
        self.floor_key
            .verify_sig(signing_input.as_bytes(), &signature)
            .is_ok()
    }

    /// jsonwebtoken's `decode` of token `i` with the same checks.
    #[inline]
    pub fn peer(&self, i: usize) -> bool {
        jsonwebtoken::decode::<Map<String, Value>>(
            &self.tokens[i],
            &self.peer_key,
            &self.peer_validation,
        )
        .is_ok()
    }

    /// mcp-bearer's verification of the pool's first token with the cache on: after the
    /// first call, a cache hit.
    #[inline]
    pub fn cache_hit(&self) -> bool {
        self.cache_hit_of(0)
    }

    /// mcp-bearer's verification of token `i` with the cache on (shared by every thread):
    /// after the first call for `i`, a cache hit.
    #[inline]
    pub fn cache_hit_of(&self, i: usize) -> bool {
        self.cached.verify(&self.tokens[i]).is_ok()
    }
}

/// A verifier with the default verified-token cache (10 000 entries) over a fresh `alg` key,
/// and `count` distinct tokens it accepts, signed with that key: the flood row's fixture.
pub fn flood(alg: Algorithm, count: usize) -> (Verifier, Vec<String>) {
    let key = SigningKey::generate(alg).expect("key generation");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    let tokens = (0..count)
        .map(|i| {
            let claims = json!({
                "iss": ISSUER, "sub": format!("user-{i}"), "aud": AUDIENCE,
                "iat": now, "exp": now + 24 * 3600, "jti": format!("flood-{i:07}-{now}"),
                "scope": "mcp:read",
            });
            let Value::Object(claims) = claims else {
                unreachable!()
            };
            key.sign_jwt(&claims, &Map::new()).expect("sign")
        })
        .collect();
    let set = KeySet::from_keys(vec![Jwk::from_json(&key.public_jwk()).expect("public JWK")]);
    let options = VerifierOptions {
        issuers: vec![ISSUER.into()],
        audiences: vec![AUDIENCE.into()],
        ..VerifierOptions::default()
    };
    let verifier = Verifier::new(KeySource::Static(Arc::new(set)), options).expect("verifier");
    (verifier, tokens)
}

/// A cursor cycling through a pool of `len` tokens.
#[derive(Debug, Clone)]
pub struct Cycle {
    next: usize,
    len: usize,
}

impl Cycle {
    /// A cursor over `0..len`, starting at 0.
    pub fn new(len: usize) -> Cycle {
        Cycle { next: 0, len }
    }

    /// The next index, wrapping around.
    #[inline]
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> usize {
        let i = self.next;
        self.next = if i + 1 == self.len { 0 } else { i + 1 };
        i
    }
}
