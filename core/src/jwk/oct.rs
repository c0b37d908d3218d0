//! Shared secrets (`kty: oct`) for HS256/384/512: configured by the caller, never read from
//! a key set.

use super::{Jwk, Material, Members};
use crate::error::{Error, ErrorKind, Result};

impl Jwk {
    /// A symmetric key for HS256/384/512 from raw secret bytes. Used only when the caller
    /// configures a shared secret; keys from a remote set are never symmetric. The key has
    /// no `kid`, so it serves tokens whatever `kid` they name.
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
        let material = Material::Oct {
            secret: secret.to_vec(),
        };
        Jwk::new(material, Members::default(), true)
    }
}

/// Why an `oct` member of a JSON key set is skipped: a key an issuer publishes is public, so
/// a symmetric one would let anyone who reads the set forge tokens.
pub(super) fn refused_from_json() -> Error {
    Error::new(
        ErrorKind::NotSupported,
        "symmetric (\"oct\") keys are never accepted from a key set",
    )
}
