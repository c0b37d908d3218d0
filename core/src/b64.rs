//! Strict base64url without padding (RFC 7515 §2): the only encoding JOSE uses.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Encodes bytes as base64url without padding.
pub fn encode(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes base64url without padding. Padding, the standard alphabet's `+` and `/`,
/// whitespace and non-canonical trailing bits are all rejected.
///
/// # Errors
/// When `text` is not canonical base64url.
pub fn decode(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    URL_SAFE_NO_PAD.decode(text)
}

/// Whether every byte of `text` is in the base64url alphabet.
pub(crate) fn is_alphabet(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
