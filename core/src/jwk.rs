//! JSON Web Keys (RFC 7517): parsing, algorithm binding and key selection (RFC 8725 §3.1).
//!
//! A set is parsed once into [`KeySet`]; each usable member becomes a [`Jwk`] whose
//! verification key is parsed by aws-lc once per algorithm and then reused, so a
//! verification never re-parses key material. Members that cannot be used, or must not be
//! trusted (weak RSA keys, see [`Jwk::from_json`]), are skipped and recorded in
//! [`KeySet::skipped`] with the reason, never failing the whole set.

use std::fmt;
use std::sync::OnceLock;

use aws_lc_rs::signature::{self, ParsedPublicKey, RsaPublicKeyComponents, VerificationAlgorithm};
use serde_json::{Map, Value};

use crate::b64;
use crate::error::{Error, ErrorKind, Result};
use crate::roca;
use crate::untrusted::quote;

/// A JWS algorithm (RFC 7518 §3, RFC 8037, RFC 9864).
///
/// `none` is deliberately absent: it can never be allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(clippy::upper_case_acronyms)]
pub enum Algorithm {
    /// HMAC with SHA-256.
    HS256,
    /// HMAC with SHA-384.
    HS384,
    /// HMAC with SHA-512.
    HS512,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RS256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RS384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RS512,
    /// RSASSA-PSS with SHA-256.
    PS256,
    /// RSASSA-PSS with SHA-384.
    PS384,
    /// RSASSA-PSS with SHA-512.
    PS512,
    /// ECDSA P-256 with SHA-256.
    ES256,
    /// ECDSA P-384 with SHA-384.
    ES384,
    /// ECDSA P-521 with SHA-512.
    ES512,
    /// EdDSA (RFC 8037); Ed25519 is the only curve supported.
    EdDSA,
    /// Ed25519, the fully-specified name of RFC 9864.
    Ed25519,
}

/// How many [`Algorithm`] variants there are; sizes per-key parse caches.
const ALGORITHM_COUNT: usize = 14;

impl Algorithm {
    /// Every algorithm, in a fixed order.
    pub const ALL: [Algorithm; ALGORITHM_COUNT] = [
        Algorithm::HS256,
        Algorithm::HS384,
        Algorithm::HS512,
        Algorithm::RS256,
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::PS384,
        Algorithm::PS512,
        Algorithm::ES256,
        Algorithm::ES384,
        Algorithm::ES512,
        Algorithm::EdDSA,
        Algorithm::Ed25519,
    ];

    /// The asymmetric algorithms: the default allowlist for keys from a JWKS.
    pub const ASYMMETRIC: [Algorithm; 11] = [
        Algorithm::RS256,
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::PS384,
        Algorithm::PS512,
        Algorithm::ES256,
        Algorithm::ES384,
        Algorithm::ES512,
        Algorithm::EdDSA,
        Algorithm::Ed25519,
    ];

    /// The HMAC algorithms: the default allowlist for a shared secret.
    pub const SYMMETRIC: [Algorithm; 3] = [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512];

    /// The JOSE name, e.g. `RS256`.
    pub const fn name(self) -> &'static str {
        match self {
            Algorithm::HS256 => "HS256",
            Algorithm::HS384 => "HS384",
            Algorithm::HS512 => "HS512",
            Algorithm::RS256 => "RS256",
            Algorithm::RS384 => "RS384",
            Algorithm::RS512 => "RS512",
            Algorithm::PS256 => "PS256",
            Algorithm::PS384 => "PS384",
            Algorithm::PS512 => "PS512",
            Algorithm::ES256 => "ES256",
            Algorithm::ES384 => "ES384",
            Algorithm::ES512 => "ES512",
            Algorithm::EdDSA => "EdDSA",
            Algorithm::Ed25519 => "Ed25519",
        }
    }

    /// The algorithm with JOSE name `name`. Names are case-sensitive (RFC 7515 §4.1.1), so
    /// `rs256`, `none` and `NONE` are all unknown.
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Algorithm::ALL.iter().copied().find(|a| a.name() == name)
    }

    /// Whether this is an HMAC algorithm.
    pub const fn is_symmetric(self) -> bool {
        matches!(self, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512)
    }

    /// For HMAC: the shortest key allowed, the hash size (RFC 7518 §3.2).
    pub const fn hmac_min_key_len(self) -> Option<usize> {
        match self {
            Algorithm::HS256 => Some(32),
            Algorithm::HS384 => Some(48),
            Algorithm::HS512 => Some(64),
            _ => None,
        }
    }

    /// The key type this algorithm needs.
    pub const fn key_type(self) -> KeyType {
        match self {
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => KeyType::Oct,
            Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512 => KeyType::Rsa,
            Algorithm::ES256 | Algorithm::ES384 | Algorithm::ES512 => KeyType::Ec,
            Algorithm::EdDSA | Algorithm::Ed25519 => KeyType::Okp,
        }
    }

    /// The curve this algorithm needs, for EC and OKP algorithms.
    pub const fn curve(self) -> Option<Curve> {
        match self {
            Algorithm::ES256 => Some(Curve::P256),
            Algorithm::ES384 => Some(Curve::P384),
            Algorithm::ES512 => Some(Curve::P521),
            Algorithm::EdDSA | Algorithm::Ed25519 => Some(Curve::Ed25519),
            _ => None,
        }
    }

    pub(crate) const fn index(self) -> usize {
        self as usize
    }

    fn verification(self) -> Option<&'static dyn VerificationAlgorithm> {
        Some(match self {
            Algorithm::RS256 => &signature::RSA_PKCS1_2048_8192_SHA256,
            Algorithm::RS384 => &signature::RSA_PKCS1_2048_8192_SHA384,
            Algorithm::RS512 => &signature::RSA_PKCS1_2048_8192_SHA512,
            Algorithm::PS256 => &signature::RSA_PSS_2048_8192_SHA256,
            Algorithm::PS384 => &signature::RSA_PSS_2048_8192_SHA384,
            Algorithm::PS512 => &signature::RSA_PSS_2048_8192_SHA512,
            Algorithm::ES256 => &signature::ECDSA_P256_SHA256_FIXED,
            Algorithm::ES384 => &signature::ECDSA_P384_SHA384_FIXED,
            Algorithm::ES512 => &signature::ECDSA_P521_SHA512_FIXED,
            Algorithm::EdDSA | Algorithm::Ed25519 => &signature::ED25519,
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => return None,
        })
    }

    fn rsa_parameters(self) -> Option<&'static signature::RsaParameters> {
        Some(match self {
            Algorithm::RS256 => &signature::RSA_PKCS1_2048_8192_SHA256,
            Algorithm::RS384 => &signature::RSA_PKCS1_2048_8192_SHA384,
            Algorithm::RS512 => &signature::RSA_PKCS1_2048_8192_SHA512,
            Algorithm::PS256 => &signature::RSA_PSS_2048_8192_SHA256,
            Algorithm::PS384 => &signature::RSA_PSS_2048_8192_SHA384,
            Algorithm::PS512 => &signature::RSA_PSS_2048_8192_SHA512,
            _ => return None,
        })
    }

    fn hmac(self) -> Option<aws_lc_rs::hmac::Algorithm> {
        Some(match self {
            Algorithm::HS256 => aws_lc_rs::hmac::HMAC_SHA256,
            Algorithm::HS384 => aws_lc_rs::hmac::HMAC_SHA384,
            Algorithm::HS512 => aws_lc_rs::hmac::HMAC_SHA512,
            _ => return None,
        })
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A JWK key type (`kty`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// `RSA`
    Rsa,
    /// `EC`
    Ec,
    /// `OKP` (RFC 8037)
    Okp,
    /// `oct`: a shared secret.
    Oct,
}

impl KeyType {
    /// The JOSE name.
    pub const fn name(self) -> &'static str {
        match self {
            KeyType::Rsa => "RSA",
            KeyType::Ec => "EC",
            KeyType::Okp => "OKP",
            KeyType::Oct => "oct",
        }
    }
}

/// A curve of an EC or OKP key (`crv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Curve {
    /// `P-256`
    P256,
    /// `P-384`
    P384,
    /// `P-521`
    P521,
    /// `Ed25519`
    Ed25519,
}

impl Curve {
    /// The JOSE name.
    pub const fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
            Curve::Ed25519 => "Ed25519",
        }
    }

    fn from_name(name: &str) -> Option<Curve> {
        match name {
            "P-256" => Some(Curve::P256),
            "P-384" => Some(Curve::P384),
            "P-521" => Some(Curve::P521),
            "Ed25519" => Some(Curve::Ed25519),
            _ => None,
        }
    }

    const fn coordinate_len(self) -> usize {
        match self {
            Curve::P256 | Curve::Ed25519 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }
}

/// The smallest RSA modulus accepted, in bits (RFC 7518 §3.3, NIST SP 800-131A).
pub const MIN_RSA_BITS: usize = 2048;

enum Material {
    Rsa { n: Vec<u8>, e: Vec<u8> },
    Ec { curve: Curve, point: Vec<u8> },
    Okp { x: Vec<u8> },
    Oct { secret: Vec<u8> },
}

/// One usable verification key, parsed from a JWK.
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
    /// implement; [`ErrorKind::InvalidKey`] for a malformed key or one that must not be
    /// trusted: an RSA modulus under [`MIN_RSA_BITS`] or with the ROCA fingerprint
    /// (CVE-2017-15361), an RSA exponent that is even or below 3.
    pub fn from_json(value: &Value) -> Result<Jwk> {
        Jwk::parse(value, false)
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

    /// A symmetric key for HS256/384/512 from raw secret bytes. Used only when the caller
    /// configures a shared secret; keys from a remote set are never symmetric.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidKey`] when the secret is shorter than 32 bytes (RFC 7518 §3.2
    /// requires at least the hash size).
    pub fn from_secret(secret: &[u8]) -> Result<Jwk> {
        if secret.len() < 32 {
            return Err(Error::new(
                ErrorKind::InvalidKey,
                format!(
                    "the shared secret is {} bytes; HS256 needs at least 32 (RFC 7518 §3.2)",
                    secret.len()
                ),
            ));
        }
        let thumbprint = b64::encode(aws_lc_rs::digest::digest(
            &aws_lc_rs::digest::SHA256,
            secret,
        ));
        Ok(Jwk {
            kid: None,
            kty: KeyType::Oct,
            alg: None,
            key_use: None,
            key_ops: None,
            material: Material::Oct {
                secret: secret.to_vec(),
            },
            // A digest of the secret identifies it for cache eviction without revealing it.
            thumbprint,
            parsed: Default::default(),
        })
    }

    fn parse(value: &Value, allow_oct: bool) -> Result<Jwk> {
        let obj = value
            .as_object()
            .ok_or_else(|| Error::new(ErrorKind::InvalidKey, "a JWK must be a JSON object"))?;
        let kty = str_member(obj, "kty")?
            .ok_or_else(|| Error::new(ErrorKind::InvalidKey, "the JWK has no \"kty\""))?;
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
        let (material, kty, thumb_input) = match kty {
            "RSA" => {
                let n = strip_leading_zeros(b64_member(obj, "n")?);
                let e = strip_leading_zeros(b64_member(obj, "e")?);
                let bits = bit_length(&n);
                if bits < MIN_RSA_BITS {
                    return Err(Error::new(
                        ErrorKind::InvalidKey,
                        format!("RSA key is {bits} bits; at least {MIN_RSA_BITS} are required"),
                    ));
                }
                if e.is_empty() || e.len() > 4 {
                    return Err(Error::new(ErrorKind::InvalidKey, "RSA exponent is invalid"));
                }
                check_rsa_public_key(&n, &e)?;
                let thumb = format!(
                    r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#,
                    b64::encode(&e),
                    b64::encode(&n)
                );
                (Material::Rsa { n, e }, KeyType::Rsa, thumb)
            }
            "EC" => {
                let crv_name = str_member(obj, "crv")?
                    .ok_or_else(|| Error::new(ErrorKind::InvalidKey, "EC JWK has no \"crv\""))?;
                let curve = Curve::from_name(crv_name)
                    .filter(|c| *c != Curve::Ed25519)
                    .ok_or_else(|| {
                        Error::new(
                            ErrorKind::NotSupported,
                            format!("EC curve {} is not supported", quote(crv_name)),
                        )
                    })?;
                let x = b64_member(obj, "x")?;
                let y = b64_member(obj, "y")?;
                let len = curve.coordinate_len();
                if x.len() != len || y.len() != len {
                    return Err(Error::new(
                        ErrorKind::InvalidKey,
                        format!("{crv_name} coordinates must be {len} bytes each"),
                    ));
                }
                let thumb = format!(
                    r#"{{"crv":"{crv_name}","kty":"EC","x":"{}","y":"{}"}}"#,
                    b64::encode(&x),
                    b64::encode(&y)
                );
                let mut point = Vec::with_capacity(1 + 2 * len);
                point.push(4);
                point.extend_from_slice(&x);
                point.extend_from_slice(&y);
                (Material::Ec { curve, point }, KeyType::Ec, thumb)
            }
            "OKP" => {
                let crv_name = str_member(obj, "crv")?
                    .ok_or_else(|| Error::new(ErrorKind::InvalidKey, "OKP JWK has no \"crv\""))?;
                if crv_name != "Ed25519" {
                    return Err(Error::new(
                        ErrorKind::NotSupported,
                        format!(
                            "OKP curve {} is not supported (only Ed25519)",
                            quote(crv_name)
                        ),
                    ));
                }
                let x = b64_member(obj, "x")?;
                if x.len() != 32 {
                    return Err(Error::new(
                        ErrorKind::InvalidKey,
                        "Ed25519 \"x\" must be 32 bytes",
                    ));
                }
                let thumb = format!(
                    r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#,
                    b64::encode(&x)
                );
                (Material::Okp { x }, KeyType::Okp, thumb)
            }
            "oct" if allow_oct => {
                let k = b64_member(obj, "k")?;
                let thumb = format!(r#"{{"k":"{}","kty":"oct"}}"#, b64::encode(&k));
                (Material::Oct { secret: k }, KeyType::Oct, thumb)
            }
            "oct" => {
                return Err(Error::new(
                    ErrorKind::NotSupported,
                    "symmetric (\"oct\") keys are never accepted from a key set",
                ));
            }
            other => {
                return Err(Error::new(
                    ErrorKind::NotSupported,
                    format!("key type {} is not supported", quote(other)),
                ));
            }
        };
        if let Some(alg) = alg
            && alg.key_type() != kty
        {
            return Err(Error::new(
                ErrorKind::InvalidKey,
                format!("JWK \"alg\" {alg} does not fit key type {}", kty.name()),
            ));
        }
        let thumbprint = b64::encode(aws_lc_rs::digest::digest(
            &aws_lc_rs::digest::SHA256,
            thumb_input.as_bytes(),
        ));
        let jwk = Jwk {
            kid,
            kty,
            alg,
            key_use,
            key_ops,
            material,
            thumbprint,
            parsed: Default::default(),
        };
        if let Some(curve) = jwk.curve()
            && let Some(alg) = jwk.alg
            && alg.curve() != Some(curve)
        {
            return Err(Error::new(
                ErrorKind::InvalidKey,
                format!("JWK \"alg\" {alg} does not fit curve {}", curve.name()),
            ));
        }
        // Parse once now so that a malformed key is rejected when the set is loaded, not when
        // a token arrives; the parsed key is kept for the first algorithm it serves.
        if kty != KeyType::Oct {
            let probe = jwk.alg.unwrap_or(match (kty, jwk.curve()) {
                (KeyType::Ec, Some(Curve::P384)) => Algorithm::ES384,
                (KeyType::Ec, Some(Curve::P521)) => Algorithm::ES512,
                (KeyType::Ec, _) => Algorithm::ES256,
                (KeyType::Okp, _) => Algorithm::EdDSA,
                _ => Algorithm::RS256,
            });
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
        match &self.material {
            Material::Ec { curve, .. } => Some(*curve),
            Material::Okp { .. } => Some(Curve::Ed25519),
            _ => None,
        }
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
            Material::Rsa { n, .. } => Some(bit_length(n)),
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
            .get_or_init(|| match &self.material {
                Material::Rsa { n, e } => {
                    let params = alg.rsa_parameters()?;
                    RsaPublicKeyComponents {
                        n: n.as_slice(),
                        e: e.as_slice(),
                    }
                    .to_parsed_public_key(params)
                    .ok()
                }
                Material::Ec { point, .. } => ParsedPublicKey::new(alg.verification()?, point).ok(),
                Material::Okp { x } => ParsedPublicKey::new(alg.verification()?, x).ok(),
                Material::Oct { .. } => None,
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
pub struct KeySetLimits {
    /// The largest number of members in `keys`; a larger set is rejected whole.
    /// Defaults to 100.
    pub max_keys: usize,
}

impl Default for KeySetLimits {
    fn default() -> Self {
        KeySetLimits {
            max_keys: DEFAULT_MAX_KEYS,
        }
    }
}

/// Default for [`KeySetLimits::max_keys`].
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
    pub fn from_slice(bytes: &[u8], limits: KeySetLimits) -> Result<KeySet> {
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
    pub fn from_json(value: &Value, limits: KeySetLimits) -> Result<KeySet> {
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
            match Jwk::parse(member, false) {
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
    /// configured without a `kid` ([`Jwk::from_secret`]), which serves whatever `kid` the
    /// issuer names (RFC 7520 §4.4's HS256 example carries one).
    pub fn candidates<'a>(
        &'a self,
        alg: Algorithm,
        kid: Option<&str>,
    ) -> impl Iterator<Item = &'a Jwk> {
        self.keys.iter().filter(move |k| match kid {
            Some(kid) => {
                let named =
                    k.kid.as_deref() == Some(kid) || (k.kty == KeyType::Oct && k.kid.is_none());
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

/// Refuses an RSA public key that must not be trusted whatever its size: an exponent below 3
/// or even (RFC 8017 §3.1 asks for an odd exponent of at least 3; an even one has no inverse
/// mod φ(n), and e = 1 signs nothing), or a modulus with the ROCA fingerprint.
fn check_rsa_public_key(n: &[u8], e: &[u8]) -> Result<()> {
    let exponent = e.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    if exponent < 3 {
        return Err(Error::new(
            ErrorKind::InvalidKey,
            format!("RSA exponent {exponent} is below 3"),
        ));
    }
    if exponent % 2 == 0 {
        return Err(Error::new(ErrorKind::InvalidKey, "RSA exponent is even"));
    }
    if roca::has_fingerprint(n) {
        return Err(Error::new(
            ErrorKind::InvalidKey,
            "RSA modulus has the ROCA fingerprint (CVE-2017-15361): it was generated by a \
             vulnerable Infineon library and its private key can be recovered; replace the key",
        ));
    }
    Ok(())
}

fn strip_leading_zeros(mut v: Vec<u8>) -> Vec<u8> {
    let zeros = v.iter().take_while(|b| **b == 0).count();
    v.drain(..zeros);
    v
}

fn bit_length(be: &[u8]) -> usize {
    match be.iter().position(|b| *b != 0) {
        None => 0,
        Some(i) => (be.len() - i - 1) * 8 + (8 - be[i].leading_zeros() as usize),
    }
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
    fn bit_length_counts_from_the_top_bit() {
        assert_eq!(bit_length(&[0, 1]), 1);
        assert_eq!(bit_length(&[0x80, 0]), 16);
        assert_eq!(bit_length(&[]), 0);
    }

    #[test]
    fn symmetric_keys_never_come_from_a_set() {
        let set = KeySet::from_json(
            &json!({"keys": [{"kty": "oct", "k": "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"}]}),
            KeySetLimits::default(),
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
        let set = KeySet::from_json(&json!({ "keys": [ec] }), KeySetLimits::default()).unwrap();
        assert_eq!(set.candidates(Algorithm::ES256, None).count(), 1);
        assert_eq!(set.candidates(Algorithm::ES256, Some("k1")).count(), 0);

        let secret = KeySet::from_keys(vec![Jwk::from_secret(&[7; 32]).unwrap()]);
        assert_eq!(secret.candidates(Algorithm::HS256, Some("k1")).count(), 1);
    }

    #[test]
    fn too_many_keys_rejects_the_set() {
        let keys: Vec<Value> = (0..3).map(|_| json!({"kty": "unknown"})).collect();
        let err =
            KeySet::from_json(&json!({ "keys": keys }), KeySetLimits { max_keys: 2 }).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::JwksInvalid);
    }

    #[test]
    fn algorithm_names_are_case_sensitive() {
        assert_eq!(Algorithm::from_name("RS256"), Some(Algorithm::RS256));
        assert_eq!(Algorithm::from_name("rs256"), None);
        assert_eq!(Algorithm::from_name("none"), None);
        for a in Algorithm::ALL {
            assert_eq!(Algorithm::ALL[a.index()], a);
        }
    }
}
