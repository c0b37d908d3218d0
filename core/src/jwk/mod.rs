//! JSON Web Keys (RFC 7517): parsing, algorithm binding and key selection (RFC 8725 §3.1).
//!
//! A set is parsed once into [`KeySet`]; each usable member becomes a [`Jwk`] whose
//! verification key is parsed by aws-lc once per algorithm and then reused, so a
//! verification never re-parses key material. Members that cannot be used, or must not be
//! trusted (weak RSA keys, see [`Jwk::from_json`]), are skipped and recorded in
//! [`KeySet::skipped`] with the reason, never failing the whole set.
//!
//! Each key type has its own module (`rsa`, `ec`, `okp`, `oct`) that reads its JWK members
//! and applies its refusal rules; PEM public keys and certificates ([`Jwk::from_pem`]) go
//! through the same rules.

use std::fmt;
use std::sync::OnceLock;

use aws_lc_rs::signature::{ParsedPublicKey, RsaPublicKeyComponents};
use serde_json::{Map, Value};

use crate::b64;
use crate::error::{Error, ErrorKind, Result};
use crate::untrusted::quote;

mod algorithm;
mod ec;
mod oct;
mod okp;
mod pem;
mod rsa;

use algorithm::ALGORITHM_COUNT;
pub(crate) use algorithm::Signing;
use algorithm::Verification;
pub use algorithm::{Algorithm, Curve, KeyType};
pub use pem::MAX_PEM_BYTES;
pub use rsa::MIN_RSA_BITS;

/// The key material of a [`Jwk`], checked by its key type's module.
enum Material {
    /// Big-endian modulus and exponent, without leading zeros.
    Rsa { n: Vec<u8>, e: Vec<u8> },
    /// The uncompressed point `04 || x || y`.
    Ec { curve: Curve, point: Vec<u8> },
    /// The Ed25519 public key.
    Okp { x: Vec<u8> },
    /// A shared secret.
    Oct { secret: Vec<u8> },
}

impl Material {
    fn key_type(&self) -> KeyType {
        match self {
            Material::Rsa { .. } => KeyType::Rsa,
            Material::Ec { .. } => KeyType::Ec,
            Material::Okp { .. } => KeyType::Okp,
            Material::Oct { .. } => KeyType::Oct,
        }
    }

    fn curve(&self) -> Option<Curve> {
        match self {
            Material::Ec { curve, .. } => Some(*curve),
            Material::Okp { .. } => Some(Curve::Ed25519),
            Material::Rsa { .. } | Material::Oct { .. } => None,
        }
    }

    /// The RFC 7638 thumbprint; for a shared secret, a digest of it, which identifies it
    /// for cache eviction without revealing it.
    fn thumbprint(&self) -> String {
        let input = match self {
            Material::Rsa { n, e } => rsa::thumbprint_input(n, e).into_bytes(),
            Material::Ec { curve, point } => ec::thumbprint_input(*curve, point).into_bytes(),
            Material::Okp { x } => okp::thumbprint_input(x).into_bytes(),
            Material::Oct { secret } => secret.clone(),
        };
        b64::encode(aws_lc_rs::digest::digest(
            &aws_lc_rs::digest::SHA256,
            &input,
        ))
    }
}

/// The members any JWK may carry, whatever its type.
#[derive(Default)]
struct Members {
    kid: Option<String>,
    alg: Option<Algorithm>,
    key_use: Option<String>,
    key_ops: Option<Vec<String>>,
}

impl Members {
    fn from_json(obj: &Map<String, Value>) -> Result<Members> {
        let alg = match str_member(obj, "alg")? {
            None => None,
            Some(name) => Some(Algorithm::from_name(name).ok_or_else(|| {
                Error::new(
                    ErrorKind::NotSupported,
                    format!("JWK \"alg\" {} is not supported", quote(name)),
                )
            })?),
        };
        let kid = str_member(obj, "kid")?.map(str::to_owned);
        let key_use = str_member(obj, "use")?.map(str::to_owned);
        let key_ops = match obj.get("key_ops") {
            None => None,
            Some(Value::Array(ops)) => Some(
                ops.iter()
                    .map(|o| {
                        o.as_str().map(str::to_owned).ok_or_else(|| {
                            Error::new(ErrorKind::InvalidKey, "JWK \"key_ops\" must hold strings")
                        })
                    })
                    .collect::<Result<Vec<_>>>()?,
            ),
            Some(_) => {
                return Err(Error::new(
                    ErrorKind::InvalidKey,
                    "JWK \"key_ops\" must be an array",
                ));
            }
        };
        Ok(Members {
            kid,
            alg,
            key_use,
            key_ops,
        })
    }
}

/// One usable verification key, parsed from a JWK, a PEM public key or certificate, or a
/// shared secret.
///
/// `Debug` never shows secret material.
pub struct Jwk {
    kid: Option<String>,
    kty: KeyType,
    alg: Option<Algorithm>,
    key_use: Option<String>,
    key_ops: Option<Vec<String>>,
    material: Material,
    thumbprint: String,
    /// Whether the key serves tokens whatever `kid` they name: a key the caller configured
    /// alone (a shared secret, a PEM key), as opposed to a member of a published set.
    any_kid: bool,
    parsed: [OnceLock<Option<ParsedPublicKey>>; ALGORITHM_COUNT],
}

impl fmt::Debug for Jwk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Jwk")
            .field("kid", &self.kid)
            .field("kty", &self.kty.name())
            .field("crv", &self.curve().map(Curve::name))
            .field("alg", &self.alg.map(Algorithm::name))
            .field("use", &self.key_use)
            .field("thumbprint", &self.thumbprint)
            .finish_non_exhaustive()
    }
}

impl Jwk {
    /// Parses one public JWK (`RSA`, `EC` or `OKP`). Private members (`d`, …) are ignored.
    ///
    /// # Errors
    /// [`ErrorKind::NotSupported`] for a key type, curve or algorithm this crate does not
    /// implement, and for a symmetric (`oct`) JWK, which is never accepted from JSON (see
    /// [`Jwk::from_secret`]); [`ErrorKind::InvalidKey`] for a malformed key or one that must
    /// not be trusted: an RSA modulus under [`MIN_RSA_BITS`] or with the ROCA fingerprint
    /// (CVE-2017-15361), an RSA exponent that is even or below 3.
    pub fn from_json(value: &Value) -> Result<Jwk> {
        let obj = value
            .as_object()
            .ok_or_else(|| Error::new(ErrorKind::InvalidKey, "a JWK must be a JSON object"))?;
        let kty = str_member(obj, "kty")?
            .ok_or_else(|| Error::new(ErrorKind::InvalidKey, "the JWK has no \"kty\""))?;
        let members = Members::from_json(obj)?;
        let material = match kty {
            "RSA" => rsa::from_json(obj)?,
            "EC" => ec::from_json(obj)?,
            "OKP" => okp::from_json(obj)?,
            "oct" => return Err(oct::refused_from_json()),
            other => {
                return Err(Error::new(
                    ErrorKind::NotSupported,
                    format!("key type {} is not supported", quote(other)),
                ));
            }
        };
        Jwk::new(material, members, false)
    }

    /// Parses a JWK string: a convenience over [`Jwk::from_json`].
    ///
    /// # Errors
    /// As [`Jwk::from_json`], plus [`ErrorKind::InvalidKey`] when `json` is not JSON.
    pub fn from_json_str(json: &str) -> Result<Jwk> {
        let value: Value = serde_json::from_str(json)
            .map_err(|e| Error::new(ErrorKind::InvalidKey, format!("JWK is not JSON: {e}")))?;
        Jwk::from_json(&value)
    }

    /// A key of checked `material`, after the checks that bind its members to it: `alg`
    /// must fit the key type and curve, and an asymmetric key must parse now, so that a
    /// malformed key is refused when the set is loaded, not when a token arrives (the parsed
    /// key is kept for the first algorithm it serves).
    fn new(material: Material, members: Members, any_kid: bool) -> Result<Jwk> {
        let kty = material.key_type();
        let curve = material.curve();
        if let Some(alg) = members.alg {
            if alg.key_type() != kty {
                return Err(Error::new(
                    ErrorKind::InvalidKey,
                    format!("JWK \"alg\" {alg} does not fit key type {}", kty.name()),
                ));
            }
            if let Some(curve) = curve
                && alg.curve() != Some(curve)
            {
                return Err(Error::new(
                    ErrorKind::InvalidKey,
                    format!("JWK \"alg\" {alg} does not fit curve {}", curve.name()),
                ));
            }
        }
        let thumbprint = material.thumbprint();
        let jwk = Jwk {
            kid: members.kid,
            kty,
            alg: members.alg,
            key_use: members.key_use,
            key_ops: members.key_ops,
            material,
            thumbprint,
            any_kid,
            parsed: Default::default(),
        };
        if kty != KeyType::Oct {
            let probe = jwk
                .alg
                .unwrap_or_else(|| curve.map_or(Algorithm::RS256, Curve::algorithm));
            if jwk.parsed_key(probe).is_none() {
                return Err(Error::new(
                    ErrorKind::InvalidKey,
                    "the JWK's key material is invalid",
                ));
            }
        }
        Ok(jwk)
    }

    /// The key id (`kid`).
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The key type (`kty`).
    pub fn key_type(&self) -> KeyType {
        self.kty
    }

    /// The algorithm the key is bound to (`alg`), if the set says.
    pub fn algorithm(&self) -> Option<Algorithm> {
        self.alg
    }

    /// The intended use (`use`), if the set says.
    pub fn key_use(&self) -> Option<&str> {
        self.key_use.as_deref()
    }

    /// The curve, for EC and OKP keys.
    pub fn curve(&self) -> Option<Curve> {
        self.material.curve()
    }

    /// The secret's length in bytes, for a shared secret.
    pub fn secret_len(&self) -> Option<usize> {
        match &self.material {
            Material::Oct { secret } => Some(secret.len()),
            _ => None,
        }
    }

    /// The RSA modulus size in bits, for RSA keys.
    pub fn rsa_bits(&self) -> Option<usize> {
        match &self.material {
            Material::Rsa { n, .. } => Some(rsa::bit_length(n)),
            _ => None,
        }
    }

    /// The RFC 7638 SHA-256 thumbprint, base64url. For a shared secret, a digest of it.
    pub fn thumbprint(&self) -> &str {
        &self.thumbprint
    }

    /// Whether this key may verify a token signed with `alg` (RFC 8725 §3.1): the key type
    /// and curve fit, the key's own `alg` (if any) is `alg`, `use` (if any) is `sig`, and
    /// `key_ops` (if any) contains `verify`.
    pub fn fits(&self, alg: Algorithm) -> bool {
        if alg.key_type() != self.kty {
            return false;
        }
        if let (Some(min), Some(len)) = (alg.hmac_min_key_len(), self.secret_len())
            && len < min
        {
            return false;
        }
        if let Some(curve) = alg.curve()
            && self.curve() != Some(curve)
        {
            return false;
        }
        if let Some(own) = self.alg {
            // EdDSA and Ed25519 name the same algorithm for an Ed25519 key.
            let same = own == alg
                || matches!((own, alg), (Algorithm::EdDSA, Algorithm::Ed25519))
                || matches!((own, alg), (Algorithm::Ed25519, Algorithm::EdDSA));
            if !same {
                return false;
            }
        }
        if self.key_use.as_deref().is_some_and(|u| u != "sig") {
            return false;
        }
        if let Some(ops) = &self.key_ops
            && !ops.iter().any(|o| o == "verify")
        {
            return false;
        }
        true
    }

    fn parsed_key(&self, alg: Algorithm) -> Option<&ParsedPublicKey> {
        self.parsed[alg.index()]
            .get_or_init(|| match (&self.material, alg.verification()) {
                (Material::Rsa { n, e }, Some(Verification::Rsa(params))) => {
                    RsaPublicKeyComponents {
                        n: n.as_slice(),
                        e: e.as_slice(),
                    }
                    .to_parsed_public_key(params)
                    .ok()
                }
                (
                    Material::Ec { point: bytes, .. } | Material::Okp { x: bytes },
                    Some(Verification::Point(algorithm)),
                ) => ParsedPublicKey::new(algorithm, bytes).ok(),
                _ => None,
            })
            .as_ref()
    }

    /// Verifies `signature` over `message` with this key under `alg`. The caller has checked
    /// [`fits`](Jwk::fits). Returns `false` for a bad signature or a key that cannot serve `alg`.
    pub fn verify_signature(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> bool {
        if let Material::Oct { secret } = &self.material {
            return match alg.hmac() {
                Some(h) => {
                    let key = aws_lc_rs::hmac::Key::new(h, secret);
                    aws_lc_rs::hmac::verify(&key, message, signature).is_ok()
                }
                None => false,
            };
        }
        match self.parsed_key(alg) {
            Some(key) => key.verify_sig(message, signature).is_ok(),
            None => false,
        }
    }
}

/// A member of a key set that was skipped, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedKey {
    /// Position of the member in the `keys` array.
    pub index: usize,
    /// Its `kid`, when it had a string one.
    pub kid: Option<String>,
    /// Why it cannot be used.
    pub reason: String,
}

/// `kid "…": reason`, or `member #3: reason` for a member without a string `kid`. The `kid`
/// comes from the key set, so it is cut to 64 characters and its control characters are
/// escaped: this is what error messages and reports show.
impl fmt::Display for SkippedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kid {
            Some(kid) => write!(f, "kid {}: {}", quote(kid), self.reason),
            None => write!(f, "member #{}: {}", self.index, self.reason),
        }
    }
}

/// Limits applied when parsing a key set from untrusted bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeySetOptions {
    /// The largest number of members in `keys`; a larger set is rejected whole.
    /// Defaults to 100.
    pub max_keys: usize,
}

impl Default for KeySetOptions {
    fn default() -> Self {
        KeySetOptions {
            max_keys: DEFAULT_MAX_KEYS,
        }
    }
}

/// Default for [`KeySetOptions::max_keys`].
pub const DEFAULT_MAX_KEYS: usize = 100;

/// A parsed JSON Web Key Set: the usable keys, and the members skipped.
#[derive(Debug, Default)]
pub struct KeySet {
    keys: Vec<Jwk>,
    skipped: Vec<SkippedKey>,
}

impl KeySet {
    /// Parses a JWKS document from bytes.
    ///
    /// # Errors
    /// [`ErrorKind::JwksInvalid`] when the document is not JSON, has no `keys` array, or has
    /// more members than `limits.max_keys`. Unusable members are skipped, not errors.
    pub fn from_slice(bytes: &[u8], limits: KeySetOptions) -> Result<KeySet> {
        let value: Value = serde_json::from_slice(bytes).map_err(|e| {
            Error::new(
                ErrorKind::JwksInvalid,
                format!("the JWKS is not valid JSON: {e}"),
            )
        })?;
        KeySet::from_json(&value, limits)
    }

    /// Parses a JWKS document already decoded as JSON.
    ///
    /// # Errors
    /// As [`KeySet::from_slice`].
    pub fn from_json(value: &Value, limits: KeySetOptions) -> Result<KeySet> {
        let keys = value.get("keys").and_then(Value::as_array).ok_or_else(|| {
            Error::new(
                ErrorKind::JwksInvalid,
                "the JWKS has no \"keys\" array (RFC 7517 §5)",
            )
        })?;
        if keys.len() > limits.max_keys {
            return Err(Error::new(
                ErrorKind::JwksInvalid,
                format!(
                    "the JWKS has {} keys; the limit is {}",
                    keys.len(),
                    limits.max_keys
                ),
            ));
        }
        let mut set = KeySet::default();
        for (index, member) in keys.iter().enumerate() {
            match Jwk::from_json(member) {
                Ok(jwk) => set.keys.push(jwk),
                Err(e) => set.skipped.push(SkippedKey {
                    index,
                    kid: member.get("kid").and_then(Value::as_str).map(str::to_owned),
                    reason: e.message().to_owned(),
                }),
            }
        }
        Ok(set)
    }

    /// A set of the given keys.
    pub fn from_keys(keys: Vec<Jwk>) -> KeySet {
        KeySet {
            keys,
            skipped: Vec::new(),
        }
    }

    /// The usable keys.
    pub fn keys(&self) -> &[Jwk] {
        &self.keys
    }

    /// The members that were skipped, with reasons.
    pub fn skipped(&self) -> &[SkippedKey] {
        &self.skipped
    }

    /// Whether a key with this thumbprint is in the set.
    pub fn contains_thumbprint(&self, thumbprint: &str) -> bool {
        self.keys.iter().any(|k| k.thumbprint == thumbprint)
    }

    /// The key ids of the usable keys, for error messages.
    pub fn kids(&self) -> Vec<&str> {
        self.keys.iter().filter_map(Jwk::kid).collect()
    }

    /// The keys that may verify a token with this `alg` and `kid` (RFC 8725 §3.1). When the
    /// token names a `kid`, only keys with that `kid` are candidates, except a shared secret
    /// configured without a `kid` ([`Jwk::from_secret`]) or a PEM key ([`Jwk::from_pem`],
    /// [`KeySet::from_pem`]), which serves whatever `kid` the issuer names (the caller chose
    /// that key; RFC 7520 §4.4's HS256 example carries a `kid`).
    pub fn candidates<'a>(
        &'a self,
        alg: Algorithm,
        kid: Option<&str>,
    ) -> impl Iterator<Item = &'a Jwk> {
        self.keys.iter().filter(move |k| match kid {
            Some(kid) => {
                let named = k.kid.as_deref() == Some(kid) || (k.any_kid && k.kid.is_none());
                named && k.fits(alg)
            }
            None => k.fits(alg),
        })
    }
}

fn str_member<'a>(obj: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>> {
    match obj.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Error::new(
            ErrorKind::InvalidKey,
            format!("JWK \"{name}\" must be a string"),
        )),
    }
}

fn b64_member(obj: &Map<String, Value>, name: &str) -> Result<Vec<u8>> {
    let s = str_member(obj, name)?
        .ok_or_else(|| Error::new(ErrorKind::InvalidKey, format!("JWK has no \"{name}\"")))?;
    b64::decode(s).map_err(|_| {
        Error::new(
            ErrorKind::InvalidKey,
            format!("JWK \"{name}\" is not valid base64url"),
        )
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rfc7638_thumbprint() {
        // RFC 7638 §3.1 example key and thumbprint.
        let jwk = json!({
            "kty": "RSA",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            "e": "AQAB", "alg": "RS256", "kid": "2011-04-29"
        });
        let k = Jwk::from_json(&jwk).unwrap();
        assert_eq!(
            k.thumbprint(),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
        assert_eq!(k.rsa_bits(), Some(2048));
    }

    #[test]
    fn symmetric_keys_never_come_from_a_set() {
        let set = KeySet::from_json(
            &json!({"keys": [{"kty": "oct", "k": "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"}]}),
            KeySetOptions::default(),
        )
        .unwrap();
        assert!(set.keys().is_empty());
        assert_eq!(set.skipped().len(), 1);
    }

    #[test]
    fn a_named_kid_selects_only_named_keys_or_an_unnamed_secret() {
        let ec = json!({"kty": "EC", "crv": "P-256",
            "x": "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",
            "y": "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"});
        let set = KeySet::from_json(&json!({ "keys": [ec] }), KeySetOptions::default()).unwrap();
        assert_eq!(set.candidates(Algorithm::ES256, None).count(), 1);
        assert_eq!(set.candidates(Algorithm::ES256, Some("k1")).count(), 0);

        let secret = KeySet::from_keys(vec![Jwk::from_secret(&[7; 32]).unwrap()]);
        assert_eq!(secret.candidates(Algorithm::HS256, Some("k1")).count(), 1);
    }

    #[test]
    fn too_many_keys_rejects_the_set() {
        let keys: Vec<Value> = (0..3).map(|_| json!({"kty": "unknown"})).collect();
        let err =
            KeySet::from_json(&json!({ "keys": keys }), KeySetOptions { max_keys: 2 }).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::JwksInvalid);
    }
}
