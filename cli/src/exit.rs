//! Exit codes, one per class of failure, and the error type every command returns.
//!
//! Scripts branch on the exit code, so the table is stable: a code once given a meaning keeps
//! it. The same table is printed by `mcp-bearer verify --help` and written in cli/README.md.

use std::fmt;

use mcp_bearer::{Error, ErrorKind};

/// The token is valid / the command did what it was asked.
pub(crate) const OK: u8 = 0;
/// Any failure not listed below (a doctor check failed, a demo verdict was wrong, …).
pub(crate) const OTHER: u8 = 1;
/// Bad arguments, an unreadable or invalid input file, an invalid configuration.
pub(crate) const USAGE: u8 = 2;
/// The token is expired, not valid yet, issued in the future, or too old (clock checks).
pub(crate) const TIME: u8 = 3;
/// A claim does not match: `iss`, `aud`, `typ`, a required claim, a claim of the wrong type.
pub(crate) const CLAIM: u8 = 4;
/// The signature or the key: bad signature, unknown `kid`, algorithm not allowed.
pub(crate) const SIGNATURE: u8 = 5;
/// The token lacks a required scope.
pub(crate) const SCOPE: u8 = 6;
/// The token is malformed or is not a JWT at all (opaque, JWE, bad base64url or JSON).
pub(crate) const MALFORMED: u8 = 7;
/// The keys could not be obtained: discovery or JWKS unreachable, timed out, or unusable.
pub(crate) const NETWORK: u8 = 8;

/// The exit-code table as shown in `--help`.
pub(crate) const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  valid token (or the command succeeded)
  1  other failure (a doctor check failed, a demo verdict was unexpected, ...)
  2  usage: bad arguments, unreadable or invalid input file, invalid configuration
  3  time: expired, not valid yet (nbf), issued in the future (iat), too old
  4  claim mismatch: iss, aud, typ, a required claim, a claim of the wrong type
  5  signature or key: bad signature, unknown kid, algorithm not allowed
  6  scope: a required scope is missing
  7  malformed: not a JWT (opaque token), JWE, bad base64url or JSON, too large
  8  network: discovery or JWKS unreachable, timed out, or not a usable JWKS";

/// The exit code for a core error, by class of failure.
pub(crate) fn exit_code_for(error: &Error) -> u8 {
    match error.kind() {
        ErrorKind::JwtExpired => TIME,
        ErrorKind::JwtClaimValidationFailed => {
            let clock_check = matches!(error.claim_name(), Some("nbf" | "iat"))
                && error.reason() == Some("check_failed");
            if clock_check { TIME } else { CLAIM }
        }
        ErrorKind::JwtTypeInvalid => CLAIM,
        ErrorKind::JwsSignatureVerificationFailed
        | ErrorKind::JwksNoMatchingKey
        | ErrorKind::JwksMultipleMatchingKeys
        | ErrorKind::AlgNotAllowed => SIGNATURE,
        ErrorKind::InsufficientScope => SCOPE,
        ErrorKind::TokenOpaque
        | ErrorKind::JwsInvalid
        | ErrorKind::JwtInvalid
        | ErrorKind::TokenTooLarge
        | ErrorKind::NotSupported => MALFORMED,
        ErrorKind::JwksTimeout | ErrorKind::JwksFetchFailed | ErrorKind::JwksInvalid => NETWORK,
        ErrorKind::InvalidConfig | ErrorKind::InvalidKey | ErrorKind::TokenMissing => USAGE,
        _ => OTHER,
    }
}

/// The check a core error reports on, in words a person debugging a token uses.
pub(crate) fn check_name(error: &Error) -> &'static str {
    match (error.kind(), error.claim_name()) {
        (ErrorKind::JwtExpired, _) | (_, Some("exp")) => "expiry",
        (_, Some("aud")) => "audience",
        (_, Some("iss")) => "issuer",
        (_, Some("nbf")) => "not-before (clock skew)",
        (_, Some("iat")) => "issued-at (clock skew)",
        (ErrorKind::JwtClaimValidationFailed, _) => "claims",
        (ErrorKind::JwtTypeInvalid, _) => "typ header",
        (ErrorKind::JwsSignatureVerificationFailed, _) => "signature",
        (ErrorKind::JwksNoMatchingKey, _) => "key id",
        (ErrorKind::JwksMultipleMatchingKeys, _) => "key selection",
        (ErrorKind::AlgNotAllowed, _) => "algorithm",
        (ErrorKind::InsufficientScope, _) => "scope",
        (ErrorKind::TokenOpaque, _) => "format (opaque token)",
        (ErrorKind::TokenTooLarge, _) => "size",
        (ErrorKind::JwsInvalid | ErrorKind::JwtInvalid | ErrorKind::NotSupported, _) => "format",
        (ErrorKind::JwksTimeout | ErrorKind::JwksFetchFailed, _) => "keys (network)",
        (ErrorKind::JwksInvalid, _) => "keys (JWKS document)",
        (ErrorKind::InvalidConfig, _) => "configuration",
        (ErrorKind::InvalidKey, _) => "key",
        _ => "token",
    }
}

/// A command's failure: what to print on stderr and the exit code.
#[derive(Debug)]
pub(crate) struct CliError {
    /// The exit code (see the table above).
    pub(crate) exit_code: u8,
    /// One line saying what went wrong and what to do.
    pub(crate) message: String,
}

impl CliError {
    /// A usage error (exit code 2): bad arguments or input files.
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        CliError {
            exit_code: USAGE,
            message: message.into(),
        }
    }

    /// A failure of class `exit_code`.
    pub(crate) fn new(exit_code: u8, message: impl Into<String>) -> Self {
        CliError {
            exit_code,
            message: message.into(),
        }
    }
}

impl From<Error> for CliError {
    fn from(error: Error) -> Self {
        CliError {
            exit_code: exit_code_for(&error),
            message: format!("{} [{}]", error.message(), error.code()),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// What a command returns: its exit code, or an error to print.
pub(crate) type CliResult = Result<u8, CliError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_the_documented_table() {
        let expired = Error::claim(ErrorKind::JwtExpired, "exp", "check_failed", "x");
        assert_eq!(exit_code_for(&expired), TIME);
        let nbf = Error::claim(
            ErrorKind::JwtClaimValidationFailed,
            "nbf",
            "check_failed",
            "x",
        );
        assert_eq!(exit_code_for(&nbf), TIME);
        let missing_exp = Error::claim(ErrorKind::JwtClaimValidationFailed, "exp", "missing", "x");
        assert_eq!(exit_code_for(&missing_exp), CLAIM);
        let aud = Error::claim(
            ErrorKind::JwtClaimValidationFailed,
            "aud",
            "check_failed",
            "x",
        );
        assert_eq!(exit_code_for(&aud), CLAIM);
        assert_eq!(check_name(&aud), "audience");
        let kid = Error::new(ErrorKind::JwksNoMatchingKey, "x");
        assert_eq!(exit_code_for(&kid), SIGNATURE);
        assert_eq!(
            exit_code_for(&Error::new(ErrorKind::TokenOpaque, "x")),
            MALFORMED
        );
        assert_eq!(
            exit_code_for(&Error::new(ErrorKind::JwksFetchFailed, "x")),
            NETWORK
        );
        assert_eq!(
            exit_code_for(&Error::new(ErrorKind::InsufficientScope, "x")),
            SCOPE
        );
        for line in EXIT_CODES_HELP.lines().skip(1) {
            assert!(line.starts_with("  "), "{line}");
        }
    }
}
