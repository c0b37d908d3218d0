//! Signing keys and JWT minting, for servers that issue their own tokens (the OAuth proxy),
//! for the command-line tool, and for tests.
//!
//! Keys are generated and used through aws-lc-rs and stored as standard private JWKs
//! (RFC 7517, RFC 7518 §6), so a key file written by `mcp-bearer keys generate` can be read by
//! any JOSE library. `Debug` never shows private material.

use std::fmt;

use aws_lc_rs::encoding::{AsBigEndian, AsDer};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPairComponents, KeySize, PublicKeyComponents};
use aws_lc_rs::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _, RsaKeyPair};
use serde_json::{Map, Value, json};

use crate::b64;
use crate::error::{Error, ErrorKind, Result};
use crate::jwk::{Algorithm, Jwk, KeyType, Signing};

enum Inner {
    Rsa {
        pair: RsaKeyPair,
        private: RsaPrivate,
    },
    Ec {
        pair: EcdsaKeyPair,
        d: Vec<u8>,
        x: Vec<u8>,
        y: Vec<u8>,
    },
    Ed {
        pair: Ed25519KeyPair,
        seed: Vec<u8>,
        x: Vec<u8>,
    },
}

struct RsaPrivate {
    n: Vec<u8>,
    e: Vec<u8>,
    d: Vec<u8>,
    p: Vec<u8>,
    q: Vec<u8>,
    dp: Vec<u8>,
    dq: Vec<u8>,
    qi: Vec<u8>,
}

/// A private signing key bound to one algorithm and a key id.
pub struct SigningKey {
    alg: Algorithm,
    kid: String,
    inner: Inner,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

fn key_error(what: &str) -> Error {
    Error::new(ErrorKind::InvalidKey, what.to_owned())
}

impl SigningKey {
    /// Generates a new key for `alg` (RS256/384/512 and PS256/384/512 get a 2048-bit RSA
    /// key, ES256/384/512 the matching curve, EdDSA/Ed25519 an Ed25519 key). The key id is
    /// the RFC 7638 thumbprint of the public key.
    ///
    /// # Errors
    /// [`ErrorKind::NotSupported`] for HMAC algorithms.
    pub fn generate(alg: Algorithm) -> Result<SigningKey> {
        let inner = match alg.key_type() {
            KeyType::Rsa => {
                let pair = RsaKeyPair::generate(KeySize::Rsa2048)
                    .map_err(|_| key_error("RSA key generation failed"))?;
                let pkcs8 = pair
                    .as_der()
                    .map_err(|_| key_error("RSA key export failed"))?;
                let private = rsa_private_from_pkcs8(pkcs8.as_ref())?;
                Inner::Rsa { pair, private }
            }
            KeyType::Ec => {
                let pair = EcdsaKeyPair::generate(ecdsa_signing(alg)?)
                    .map_err(|_| key_error("EC key generation failed"))?;
                let d = pair
                    .private_key()
                    .as_be_bytes()
                    .map_err(|_| key_error("EC key export failed"))?
                    .as_ref()
                    .to_vec();
                let point = pair.public_key().as_ref();
                let len = (point.len() - 1) / 2;
                let (x, y) = (point[1..=len].to_vec(), point[1 + len..].to_vec());
                Inner::Ec { pair, d, x, y }
            }
            KeyType::Okp => {
                let pair = Ed25519KeyPair::generate()
                    .map_err(|_| key_error("Ed25519 key generation failed"))?;
                let seed = pair
                    .seed()
                    .and_then(|s| s.as_be_bytes())
                    .map_err(|_| key_error("Ed25519 key export failed"))?
                    .as_ref()
                    .to_vec();
                let x = pair.public_key().as_ref().to_vec();
                Inner::Ed { pair, seed, x }
            }
            KeyType::Oct => {
                return Err(Error::new(
                    ErrorKind::NotSupported,
                    "HMAC keys are shared secrets, not generated signing keys",
                ));
            }
        };
        let mut key = SigningKey {
            alg,
            kid: String::new(),
            inner,
        };
        key.kid = Jwk::from_json(&key.public_jwk())?.thumbprint().to_owned();
        Ok(key)
    }

    /// Reads a private JWK (with `d`, and for RSA the CRT members). `alg` is taken from the
    /// JWK, or must be given.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidKey`] when the JWK is not a complete private key of a supported
    /// type, or names no algorithm and none is given.
    pub fn from_jwk(value: &Value, alg: Option<Algorithm>) -> Result<SigningKey> {
        let obj = value
            .as_object()
            .ok_or_else(|| key_error("a JWK must be a JSON object"))?;
        let text = |name: &str| -> Result<&str> {
            obj.get(name)
                .and_then(Value::as_str)
                .ok_or_else(|| key_error(&format!("the private JWK has no string \"{name}\"")))
        };
        let bytes = |name: &str| -> Result<Vec<u8>> {
            b64::decode(text(name)?)
                .map_err(|_| key_error(&format!("JWK \"{name}\" is not base64url")))
        };
        let alg = match (obj.get("alg").and_then(Value::as_str), alg) {
            (_, Some(a)) => a,
            (Some(name), None) => Algorithm::from_name(name)
                .ok_or_else(|| key_error(&format!("JWK \"alg\" {name:?} is not supported")))?,
            (None, None) => {
                return Err(key_error(
                    "the private JWK has no \"alg\"; say which algorithm",
                ));
            }
        };
        let inner = match text("kty")? {
            "RSA" => {
                let private = RsaPrivate {
                    n: bytes("n")?,
                    e: bytes("e")?,
                    d: bytes("d")?,
                    p: bytes("p")?,
                    q: bytes("q")?,
                    dp: bytes("dp")?,
                    dq: bytes("dq")?,
                    qi: bytes("qi")?,
                };
                let pair = RsaKeyPair::from_components(&KeyPairComponents {
                    public_key: PublicKeyComponents {
                        n: &private.n[..],
                        e: &private.e[..],
                    },
                    d: &private.d[..],
                    p: &private.p[..],
                    q: &private.q[..],
                    dP: &private.dp[..],
                    dQ: &private.dq[..],
                    qInv: &private.qi[..],
                })
                .map_err(|_| key_error("the RSA private JWK is inconsistent"))?;
                Inner::Rsa { pair, private }
            }
            "EC" => {
                let (d, x, y) = (bytes("d")?, bytes("x")?, bytes("y")?);
                let mut point = vec![4u8];
                point.extend_from_slice(&x);
                point.extend_from_slice(&y);
                let pair =
                    EcdsaKeyPair::from_private_key_and_public_key(ecdsa_signing(alg)?, &d, &point)
                        .map_err(|_| key_error("the EC private JWK is inconsistent"))?;
                Inner::Ec { pair, d, x, y }
            }
            "OKP" => {
                let (seed, x) = (bytes("d")?, bytes("x")?);
                let pair = Ed25519KeyPair::from_seed_and_public_key(&seed, &x)
                    .map_err(|_| key_error("the Ed25519 private JWK is inconsistent"))?;
                Inner::Ed { pair, seed, x }
            }
            other => return Err(key_error(&format!("key type {other:?} cannot sign here"))),
        };
        let mut key = SigningKey {
            alg,
            kid: String::new(),
            inner,
        };
        let public = Jwk::from_json(&key.public_jwk_without_kid())?;
        if !public.fits(alg) {
            return Err(key_error(&format!("this key cannot sign {alg}")));
        }
        key.kid = match obj.get("kid").and_then(Value::as_str) {
            Some(kid) => kid.to_owned(),
            None => public.thumbprint().to_owned(),
        };
        Ok(key)
    }

    /// The algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// The key id.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// Replaces the key id.
    pub fn set_kid(&mut self, kid: impl Into<String>) {
        self.kid = kid.into();
    }

    fn public_jwk_without_kid(&self) -> Value {
        match &self.inner {
            Inner::Rsa { private, .. } => {
                json!({"kty": "RSA", "n": b64::encode(&private.n), "e": b64::encode(&private.e)})
            }
            Inner::Ec { x, y, .. } => json!({
                "kty": "EC",
                "crv": self.alg.curve().map_or("P-256", |c| c.name()),
                "x": b64::encode(x),
                "y": b64::encode(y),
            }),
            Inner::Ed { x, .. } => json!({"kty": "OKP", "crv": "Ed25519", "x": b64::encode(x)}),
        }
    }

    /// The public JWK, with `kid`, `alg` and `use: sig`.
    pub fn public_jwk(&self) -> Value {
        let mut v = self.public_jwk_without_kid();
        if let Some(o) = v.as_object_mut() {
            if !self.kid.is_empty() {
                o.insert("kid".into(), Value::String(self.kid.clone()));
            }
            o.insert("alg".into(), Value::String(self.alg.name().into()));
            o.insert("use".into(), Value::String("sig".into()));
        }
        v
    }

    /// The private JWK (public members plus the private ones). Handle it as a secret.
    pub fn private_jwk(&self) -> Value {
        let mut v = self.public_jwk();
        if let Some(o) = v.as_object_mut() {
            let mut put = |k: &str, b: &[u8]| {
                o.insert(k.into(), Value::String(b64::encode(b)));
            };
            match &self.inner {
                Inner::Rsa { private, .. } => {
                    put("d", &private.d);
                    put("p", &private.p);
                    put("q", &private.q);
                    put("dp", &private.dp);
                    put("dq", &private.dq);
                    put("qi", &private.qi);
                }
                Inner::Ec { d, .. } => put("d", d),
                Inner::Ed { seed, .. } => put("d", seed),
            }
        }
        v
    }

    /// Signs `message`, returning the raw JWS signature.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidKey`] if the crypto library refuses (it should not).
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        let rng = SystemRandom::new();
        match &self.inner {
            Inner::Rsa { pair, .. } => {
                let Some(Signing::Rsa(padding)) = self.alg.signing() else {
                    return Err(key_error(&format!("an RSA key cannot sign {}", self.alg)));
                };
                let mut sig = vec![0; pair.public_modulus_len()];
                pair.sign(padding, &rng, message, &mut sig)
                    .map_err(|_| key_error("RSA signing failed"))?;
                Ok(sig)
            }
            Inner::Ec { pair, .. } => pair
                .sign(&rng, message)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| key_error("ECDSA signing failed")),
            Inner::Ed { pair, .. } => Ok(pair.sign(message).as_ref().to_vec()),
        }
    }

    /// Signs a JWT with `claims`. The header has `alg`, `kid` and `typ` (`JWT` unless
    /// `extra_header` sets another); `extra_header` members are added as given.
    ///
    /// # Errors
    /// As [`SigningKey::sign`].
    pub fn sign_jwt(
        &self,
        claims: &Map<String, Value>,
        extra_header: &Map<String, Value>,
    ) -> Result<String> {
        let mut header = Map::new();
        header.insert("alg".into(), Value::String(self.alg.name().into()));
        header.insert("typ".into(), Value::String("JWT".into()));
        header.insert("kid".into(), Value::String(self.kid.clone()));
        for (k, v) in extra_header {
            header.insert(k.clone(), v.clone());
        }
        let header = serde_json::to_vec(&header).map_err(|e| key_error(&e.to_string()))?;
        let claims = serde_json::to_vec(claims).map_err(|e| key_error(&e.to_string()))?;
        sign_compact(&header, &claims, |input| self.sign(input))
    }
}

/// Builds a compact JWS from raw header and payload bytes and a signing function.
pub(crate) fn sign_compact(
    header: &[u8],
    payload: &[u8],
    sign: impl FnOnce(&[u8]) -> Result<Vec<u8>>,
) -> Result<String> {
    let input = format!("{}.{}", b64::encode(header), b64::encode(payload));
    let sig = sign(input.as_bytes())?;
    Ok(format!("{input}.{}", b64::encode(sig)))
}

/// Signs `message` with HMAC for HS256/384/512: [`ErrorKind::NotSupported`] for another
/// algorithm. Only the tests sign with a shared secret (through `test_support`).
#[cfg_attr(not(any(test, feature = "test-support")), allow(dead_code))]
pub(crate) fn hmac_sign(alg: Algorithm, secret: &[u8], message: &[u8]) -> Result<Vec<u8>> {
    let h = alg
        .hmac()
        .ok_or_else(|| Error::new(ErrorKind::NotSupported, format!("{alg} is not HMAC")))?;
    let key = aws_lc_rs::hmac::Key::new(h, secret);
    Ok(aws_lc_rs::hmac::sign(&key, message).as_ref().to_vec())
}

fn ecdsa_signing(alg: Algorithm) -> Result<&'static signature::EcdsaSigningAlgorithm> {
    match alg.signing() {
        Some(Signing::Ecdsa(signing)) => Ok(signing),
        _ => Err(key_error(&format!("an EC key cannot sign {alg}"))),
    }
}

/// Reads the RSA private components out of a PKCS#8 document (RFC 5208 wrapping an
/// RFC 8017 `RSAPrivateKey`): aws-lc exports keys only as DER.
fn rsa_private_from_pkcs8(der: &[u8]) -> Result<RsaPrivate> {
    let bad = || key_error("the RSA key's PKCS#8 encoding is not understood");
    let (info, _) = der_take(der, 0x30).ok_or_else(bad)?;
    let (_version, rest) = der_take(info, 0x02).ok_or_else(bad)?;
    let (_alg_id, rest) = der_take(rest, 0x30).ok_or_else(bad)?;
    let (octets, _) = der_take(rest, 0x04).ok_or_else(bad)?;
    let (seq, _) = der_take(octets, 0x30).ok_or_else(bad)?;
    let mut ints = Vec::with_capacity(9);
    let mut rest = seq;
    for _ in 0..9 {
        let (int, next) = der_take(rest, 0x02).ok_or_else(bad)?;
        let zeros = int.iter().take_while(|b| **b == 0).count();
        ints.push(int[zeros.min(int.len().saturating_sub(1))..].to_vec());
        rest = next;
    }
    let mut it = ints.into_iter().skip(1);
    let mut next = || it.next().ok_or_else(bad);
    Ok(RsaPrivate {
        n: next()?,
        e: next()?,
        d: next()?,
        p: next()?,
        q: next()?,
        dp: next()?,
        dq: next()?,
        qi: next()?,
    })
}

/// Takes one DER TLV with tag `tag` off the front of `input`: (contents, rest).
fn der_take(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&t, rest) = input.split_first()?;
    if t != tag {
        return None;
    }
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        first as usize
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | *b as usize);
        rest = &rest[n..];
        len
    };
    if rest.len() < len {
        return None;
    }
    Some(rest.split_at(len))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::jwk::{KeySet, KeySetOptions};
    use crate::jws::verify_jws;

    #[test]
    fn generated_keys_round_trip_through_private_jwk_and_verify() {
        for alg in [
            Algorithm::RS256,
            Algorithm::PS256,
            Algorithm::ES256,
            Algorithm::ES384,
            Algorithm::ES512,
            Algorithm::EdDSA,
        ] {
            let key = SigningKey::generate(alg).unwrap();
            let again = SigningKey::from_jwk(&key.private_jwk(), None).unwrap();
            assert_eq!(again.kid(), key.kid());
            let mut claims = Map::new();
            claims.insert("sub".into(), "alice".into());
            let token = again.sign_jwt(&claims, &Map::new()).unwrap();
            let set = KeySet::from_json(
                &json!({"keys": [key.public_jwk()]}),
                KeySetOptions::default(),
            )
            .unwrap();
            let v = verify_jws(&token, &set, &[alg]).unwrap();
            assert_eq!(v.header.kid.as_deref(), Some(key.kid()));
        }
    }

    #[test]
    fn debug_hides_private_material() {
        let key = SigningKey::generate(Algorithm::ES256).unwrap();
        let d = key.private_jwk()["d"].as_str().unwrap().to_owned();
        assert!(!format!("{key:?}").contains(&d));
    }
}
