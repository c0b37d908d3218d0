//! The one place where errors cross into Swift (and the Python of the tests): every core
//! [`mcp_bearer::Error`] becomes one case of [`McpBearerError`], chosen by what a resource
//! server answers for its code, and every case carries every field of the core's
//! [`ErrorRecord`], the stable `code` first.

use mcp_bearer::{ErrorKind, ErrorRecord};

/// Declares the error enum with the same fields in every case, so that no case can lack one.
macro_rules! error_enum {
    ($($(#[$doc:meta])* $case:ident,)*) => {
        /// Every error of mcp-bearer. The case says what a resource server answers (401, 403,
        /// 400, 500, 502, 503); `code` is the stable `ERR_…` code (the core's
        /// `all_errors()` lists them); the other fields are the core's `ErrorRecord`.
        #[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
        pub enum McpBearerError {
            $(
                $(#[$doc])*
                $case {
                    /// The stable code, e.g. `ERR_JWT_EXPIRED`.
                    code: String,
                    /// The full detail for the operator's logs; not for the client.
                    message: String,
                    /// The short, fixed sentence that may be sent to the client.
                    public_description: String,
                    /// The claim whose check failed (`exp`, `aud`, …), if one did.
                    claim: Option<String>,
                    /// Why the check failed (`missing`, `check_failed`, …), when known.
                    reason: Option<String>,
                    /// The value the check expected, when there is one.
                    expected: Option<String>,
                    /// The value the token carried, when there is one (bounded, escaped).
                    actual: Option<String>,
                    /// The HTTP status to answer with.
                    http_status: u16,
                    /// The RFC 6750 / RFC 6749 error; none for `ERR_TOKEN_MISSING`.
                    oauth_error: Option<String>,
                    /// For `ERR_INSUFFICIENT_SCOPE`: the scopes the resource requires.
                    required_scopes: Vec<String>,
                    /// For a relayed upstream OAuth error: the upstream's `error`.
                    upstream_error: Option<String>,
                    /// For a relayed upstream OAuth error: its `error_description`.
                    upstream_error_description: Option<String>,
                    /// For a relayed upstream OAuth error: its `error_uri`.
                    upstream_error_uri: Option<String>,
                },
            )*
        }

        impl McpBearerError {
            /// The stable code of any case.
            pub fn code(&self) -> &str {
                match self {
                    $(McpBearerError::$case { code, .. })|* => code,
                }
            }

            /// The core's message of any case.
            pub fn message(&self) -> &str {
                match self {
                    $(McpBearerError::$case { message, .. })|* => message,
                }
            }

            fn build(case: Case, record: ErrorRecord) -> McpBearerError {
                // Destructured without `..`: a field added to the record fails this build
                // until it is mapped.
                let ErrorRecord {
                    code,
                    message,
                    public_description,
                    claim,
                    reason,
                    expected,
                    actual,
                    http_status,
                    oauth_error,
                    required_scopes,
                    upstream_error,
                    upstream_error_description,
                    upstream_error_uri,
                } = record;
                match case {
                    $(Case::$case => McpBearerError::$case {
                        code,
                        message,
                        public_description,
                        claim,
                        reason,
                        expected,
                        actual,
                        http_status,
                        oauth_error,
                        required_scopes,
                        upstream_error,
                        upstream_error_description,
                        upstream_error_uri,
                    },)*
                }
            }
        }

        /// The cases, without fields.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        enum Case {
            $($case,)*
        }
    };
}

error_enum! {
    /// The token is missing, malformed, badly signed, expired or not for this server: 401
    /// with a `WWW-Authenticate` challenge.
    InvalidToken,
    /// The token lacks a required scope: 403 with the `scope` the resource requires.
    InsufficientScope,
    /// A malformed request to the OAuth endpoints (state, redirect URI, client metadata,
    /// grant): 400.
    InvalidRequest,
    /// The keys (or the introspection endpoint) could not be reached or read: 503; the token
    /// may be fine, retry later.
    Unavailable,
    /// The upstream identity provider failed: 502.
    Upstream,
    /// This server's configuration or key material is unusable: 500.
    Configuration,
}

/// The case for a code, from the status its kind answers with (not the error's own status,
/// which for a relayed upstream error is the upstream's).
fn case_of(kind: ErrorKind) -> Case {
    match kind.http_status() {
        403 => Case::InsufficientScope,
        400 => Case::InvalidRequest,
        500 => Case::Configuration,
        502 => Case::Upstream,
        503 => Case::Unavailable,
        _ => Case::InvalidToken,
    }
}

impl From<mcp_bearer::Error> for McpBearerError {
    fn from(error: mcp_bearer::Error) -> Self {
        McpBearerError::build(case_of(error.kind()), error.to_record())
    }
}

impl std::fmt::Display for McpBearerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code(), self.message())
    }
}

impl std::error::Error for McpBearerError {}

/// A configuration error raised by this crate itself (an argument the core never sees).
pub(crate) fn invalid_config(message: impl Into<String>) -> McpBearerError {
    mcp_bearer::Error::new(ErrorKind::InvalidConfig, message).into()
}

/// The result type of every fallible export.
pub type Result<T> = std::result::Result<T, McpBearerError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_maps_to_the_case_of_its_status_with_its_code() {
        for &kind in ErrorKind::ALL {
            let error = McpBearerError::from(mcp_bearer::Error::new(kind, "m"));
            assert_eq!(error.code(), kind.code());
            let expected = match kind.http_status() {
                401 => matches!(error, McpBearerError::InvalidToken { .. }),
                403 => matches!(error, McpBearerError::InsufficientScope { .. }),
                400 => matches!(error, McpBearerError::InvalidRequest { .. }),
                500 => matches!(error, McpBearerError::Configuration { .. }),
                502 => matches!(error, McpBearerError::Upstream { .. }),
                503 => matches!(error, McpBearerError::Unavailable { .. }),
                other => panic!("{}: status {other} has no case", kind.code()),
            };
            assert!(expected, "{} landed in {error:?}", kind.code());
        }
    }

    #[test]
    fn display_is_code_and_message() {
        let error = McpBearerError::from(mcp_bearer::Error::new(ErrorKind::JwtExpired, "late"));
        assert_eq!(error.to_string(), "ERR_JWT_EXPIRED: late");
    }
}
