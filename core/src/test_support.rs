//! Internals that the workspace's own tests and tools reach, behind the non-default cargo
//! feature `test-support`. Not part of the API: hidden from the docs, not covered by semver,
//! and never enabled by a published dependent. The core's integration tests get it through a
//! dev-dependency of the crate on itself; the CLI's tests through theirs.
//!
//! The vectors generator (`tests/vectors/gen`) does not use it: it carries its own base64 and
//! HMAC helpers, so that the vectors are not written by the code they test.

use std::fmt;

use crate::error::Result;
use crate::jwk::Algorithm;

/// Strict base64url without padding, as the core reads and writes it.
pub mod b64 {
    use super::NotBase64Url;

    /// Encodes bytes as base64url without padding.
    pub fn encode(bytes: impl AsRef<[u8]>) -> String {
        crate::b64::encode(bytes)
    }

    /// Decodes canonical base64url without padding.
    ///
    /// # Errors
    /// [`NotBase64Url`] when `text` is not canonical base64url.
    pub fn decode(text: &str) -> Result<Vec<u8>, NotBase64Url> {
        crate::b64::decode(text).map_err(|_| NotBase64Url)
    }
}

/// The text given to [`b64::decode`] is not canonical base64url.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotBase64Url;

impl fmt::Display for NotBase64Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not canonical base64url")
    }
}

impl std::error::Error for NotBase64Url {}

/// Builds a compact JWS from raw header and payload bytes and a signing function, for
/// headers and payloads no well-behaved signer would write.
///
/// # Errors
/// The signing function's error.
pub fn sign_compact(
    header: &[u8],
    payload: &[u8],
    sign: impl FnOnce(&[u8]) -> Result<Vec<u8>>,
) -> Result<String> {
    crate::sign::sign_compact(header, payload, sign)
}

/// Signs `message` with HMAC for HS256/384/512.
///
/// # Errors
/// [`ErrorKind::NotSupported`](crate::ErrorKind::NotSupported) for a non-HMAC algorithm.
pub fn hmac_sign(alg: Algorithm, secret: &[u8], message: &[u8]) -> Result<Vec<u8>> {
    crate::sign::hmac_sign(alg, secret, message)
}
