//! Strict base64url without padding (RFC 7515 §2): the only encoding JOSE uses.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Encodes bytes as base64url without padding.
pub(crate) fn encode(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes base64url without padding. Padding, the standard alphabet's `+` and `/`,
/// whitespace and non-canonical trailing bits are all rejected.
///
/// # Errors
/// When `text` is not canonical base64url.
pub(crate) fn decode(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    URL_SAFE_NO_PAD.decode(text)
}

/// Whether every byte of `text` is in the base64url alphabet.
pub(crate) fn is_alphabet(text: &str) -> bool {
    // No early exit: the fold vectorises, which matters for a check made on every token.
    text.bytes().fold(true, |ok, b| ok & is_alphabet_byte(b))
}

/// Whether `b` is in the base64url alphabet (`A`–`Z`, `a`–`z`, `0`–`9`, `-`, `_`). Written
/// without branches so that loops over it vectorise.
#[inline]
pub(crate) const fn is_alphabet_byte(b: u8) -> bool {
    // `| 0x20` folds upper case onto lower case and maps no other byte into `a..=z`.
    let letter = (b | 0x20).wrapping_sub(b'a') < 26;
    let digit = b.wrapping_sub(b'0') < 10;
    letter | digit | (b == b'-') | (b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alphabet_byte_matches_the_definition() {
        for b in 0..=u8::MAX {
            let expected = b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
            assert_eq!(is_alphabet_byte(b), expected, "byte {b:#04x}");
        }
    }

    #[test]
    fn alphabet_of_strings() {
        assert!(is_alphabet("eyJhbGciOiJSUzI1NiJ9-_"));
        assert!(is_alphabet(""));
        assert!(!is_alphabet("a+b"));
        assert!(!is_alphabet("a/b"));
        assert!(!is_alphabet("ab="));
        assert!(!is_alphabet("a.b"));
        assert!(!is_alphabet("é"));
    }
}
