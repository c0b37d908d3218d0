//! [`Algorithm`] and every per-algorithm table: the key it needs, the aws-lc primitives that
//! verify and sign with it, the hash it uses. One `match` per property, so adding an
//! algorithm is one arm in each.

use std::fmt;

use aws_lc_rs::{digest, hmac, signature};

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

/// Read by name (`"RS256"`), case-sensitively, as in a JOSE header; for options given as
/// data (`"algorithms": ["RS256", "ES256"]`).
impl<'de> serde::Deserialize<'de> for Algorithm {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Name;
        impl serde::de::Visitor<'_> for Name {
            type Value = Algorithm;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an algorithm name (RS256, PS256, ES256, EdDSA, HS256, …)")
            }

            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Algorithm, E> {
                Algorithm::from_name(name).ok_or_else(|| {
                    let names: Vec<&str> = Algorithm::ALL.iter().map(|a| a.name()).collect();
                    E::custom(format!(
                        "unknown algorithm {}; expected one of {} (names are case-sensitive)",
                        crate::untrusted::quote(name),
                        names.join(", ")
                    ))
                })
            }
        }
        d.deserialize_str(Name)
    }
}

/// How many [`Algorithm`] variants there are; sizes per-key parse caches.
pub(crate) const ALGORITHM_COUNT: usize = 14;

/// How aws-lc verifies a signature of an asymmetric algorithm. RSA keys are built from their
/// components with the parameters; EC and Ed25519 keys are parsed from their bytes.
pub(crate) enum Verification {
    Rsa(&'static signature::RsaParameters),
    Point(&'static dyn signature::VerificationAlgorithm),
}

/// How aws-lc signs with an asymmetric algorithm.
pub(crate) enum Signing {
    Rsa(&'static dyn signature::RsaEncoding),
    Ecdsa(&'static signature::EcdsaSigningAlgorithm),
    Ed25519,
}

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
        matches!(self.key_type(), KeyType::Oct)
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
            Algorithm::HS256
            | Algorithm::HS384
            | Algorithm::HS512
            | Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512 => None,
        }
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

    pub(crate) const fn index(self) -> usize {
        self as usize
    }

    /// The hash the algorithm signs with; for Ed25519, SHA-512 (the hash inside EdDSA), which
    /// is what OIDC Core §3.1.3.6 asks `at_hash` to use.
    pub(crate) fn digest(self) -> &'static digest::Algorithm {
        match self {
            Algorithm::HS256 | Algorithm::RS256 | Algorithm::PS256 | Algorithm::ES256 => {
                &digest::SHA256
            }
            Algorithm::HS384 | Algorithm::RS384 | Algorithm::PS384 | Algorithm::ES384 => {
                &digest::SHA384
            }
            Algorithm::HS512
            | Algorithm::RS512
            | Algorithm::PS512
            | Algorithm::ES512
            | Algorithm::EdDSA
            | Algorithm::Ed25519 => &digest::SHA512,
        }
    }

    /// The aws-lc HMAC, for HS256/384/512.
    pub(crate) fn hmac(self) -> Option<hmac::Algorithm> {
        match self {
            Algorithm::HS256 => Some(hmac::HMAC_SHA256),
            Algorithm::HS384 => Some(hmac::HMAC_SHA384),
            Algorithm::HS512 => Some(hmac::HMAC_SHA512),
            _ => None,
        }
    }

    /// The aws-lc verification algorithm, for the asymmetric algorithms.
    pub(crate) fn verification(self) -> Option<Verification> {
        Some(match self {
            Algorithm::RS256 => Verification::Rsa(&signature::RSA_PKCS1_2048_8192_SHA256),
            Algorithm::RS384 => Verification::Rsa(&signature::RSA_PKCS1_2048_8192_SHA384),
            Algorithm::RS512 => Verification::Rsa(&signature::RSA_PKCS1_2048_8192_SHA512),
            Algorithm::PS256 => Verification::Rsa(&signature::RSA_PSS_2048_8192_SHA256),
            Algorithm::PS384 => Verification::Rsa(&signature::RSA_PSS_2048_8192_SHA384),
            Algorithm::PS512 => Verification::Rsa(&signature::RSA_PSS_2048_8192_SHA512),
            Algorithm::ES256 => Verification::Point(&signature::ECDSA_P256_SHA256_FIXED),
            Algorithm::ES384 => Verification::Point(&signature::ECDSA_P384_SHA384_FIXED),
            Algorithm::ES512 => Verification::Point(&signature::ECDSA_P521_SHA512_FIXED),
            Algorithm::EdDSA | Algorithm::Ed25519 => Verification::Point(&signature::ED25519),
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => return None,
        })
    }

    /// The aws-lc signing algorithm, for the asymmetric algorithms.
    pub(crate) fn signing(self) -> Option<Signing> {
        Some(match self {
            Algorithm::RS256 => Signing::Rsa(&signature::RSA_PKCS1_SHA256),
            Algorithm::RS384 => Signing::Rsa(&signature::RSA_PKCS1_SHA384),
            Algorithm::RS512 => Signing::Rsa(&signature::RSA_PKCS1_SHA512),
            Algorithm::PS256 => Signing::Rsa(&signature::RSA_PSS_SHA256),
            Algorithm::PS384 => Signing::Rsa(&signature::RSA_PSS_SHA384),
            Algorithm::PS512 => Signing::Rsa(&signature::RSA_PSS_SHA512),
            Algorithm::ES256 => Signing::Ecdsa(&signature::ECDSA_P256_SHA256_FIXED_SIGNING),
            Algorithm::ES384 => Signing::Ecdsa(&signature::ECDSA_P384_SHA384_FIXED_SIGNING),
            Algorithm::ES512 => Signing::Ecdsa(&signature::ECDSA_P521_SHA512_FIXED_SIGNING),
            Algorithm::EdDSA | Algorithm::Ed25519 => Signing::Ed25519,
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => return None,
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

    pub(crate) fn from_name(name: &str) -> Option<Curve> {
        match name {
            "P-256" => Some(Curve::P256),
            "P-384" => Some(Curve::P384),
            "P-521" => Some(Curve::P521),
            "Ed25519" => Some(Curve::Ed25519),
            _ => None,
        }
    }

    /// The size of one coordinate (EC) or of the public key (Ed25519), in bytes.
    pub(crate) const fn coordinate_len(self) -> usize {
        match self {
            Curve::P256 | Curve::Ed25519 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }

    /// The algorithm a key on this curve is checked with when it is loaded and names none.
    pub(crate) const fn algorithm(self) -> Algorithm {
        match self {
            Curve::P256 => Algorithm::ES256,
            Curve::P384 => Algorithm::ES384,
            Curve::P521 => Algorithm::ES512,
            Curve::Ed25519 => Algorithm::EdDSA,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_case_sensitive() {
        assert_eq!(Algorithm::from_name("RS256"), Some(Algorithm::RS256));
        assert_eq!(Algorithm::from_name("rs256"), None);
        assert_eq!(Algorithm::from_name("none"), None);
        for a in Algorithm::ALL {
            assert_eq!(Algorithm::ALL[a.index()], a);
        }
    }

    #[test]
    fn tables_agree_with_each_other() {
        for a in Algorithm::ALL {
            let symmetric = a.key_type() == KeyType::Oct;
            assert_eq!(a.is_symmetric(), symmetric, "{a}");
            assert_eq!(a.hmac().is_some(), symmetric, "{a}");
            assert_eq!(a.hmac_min_key_len().is_some(), symmetric, "{a}");
            assert_eq!(a.verification().is_none(), symmetric, "{a}");
            assert_eq!(a.signing().is_none(), symmetric, "{a}");
            assert_eq!(
                a.curve().is_some(),
                matches!(a.key_type(), KeyType::Ec | KeyType::Okp),
                "{a}"
            );
            if let Some(curve) = a.curve() {
                assert_eq!(curve.algorithm().curve(), Some(curve), "{a}");
            }
            if let Some(min) = a.hmac_min_key_len() {
                assert_eq!(min, a.digest().output_len(), "{a}");
            }
            assert_eq!(Algorithm::SYMMETRIC.contains(&a), symmetric, "{a}");
            assert_eq!(Algorithm::ASYMMETRIC.contains(&a), !symmetric, "{a}");
        }
    }
}
