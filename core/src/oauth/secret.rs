//! Strings that must never be logged.

use std::fmt;

/// A string that must not be logged: a client secret, a token, an authorization code, a
/// PKCE verifier.
///
/// `Debug` prints `<redacted>` and there is no `Display`, so a secret cannot reach a log
/// line or an error message by accident; read it on purpose with
/// [`expose`](SecretString::expose). Equality is constant-time.
///
/// As data, a JSON string.
#[derive(Clone, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct SecretString(String);

/// A client secret (RFC 6749 §2.3.1). `Debug` redacts it.
pub type ClientSecret = SecretString;

impl SecretString {
    /// Wraps `secret`.
    pub fn new(secret: impl Into<String>) -> Self {
        SecretString(secret.into())
    }

    /// The secret itself, for putting it on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for SecretString {
    fn from(secret: String) -> Self {
        SecretString(secret)
    }
}

impl From<&str> for SecretString {
    fn from(secret: &str) -> Self {
        SecretString(secret.to_owned())
    }
}

impl PartialEq for SecretString {
    fn eq(&self, other: &Self) -> bool {
        // Comparing secrets byte by byte with an early exit leaks their prefix through timing.
        aws_lc_rs::constant_time::verify_slices_are_equal(self.0.as_bytes(), other.0.as_bytes())
            .is_ok()
    }
}

impl Eq for SecretString {}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_and_expose_reveals() {
        let secret = SecretString::new("hunter2");
        assert_eq!(format!("{secret:?}"), "<redacted>");
        assert_eq!(secret.expose(), "hunter2");
        assert_eq!(secret, SecretString::from("hunter2"));
        assert_ne!(secret, SecretString::from("hunter3"));
        assert!(SecretString::default().is_empty());
    }
}
