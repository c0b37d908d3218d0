//! The HTTP side of bearer authentication: reading the `Authorization` header (RFC 6750
//! §2.1) and building the `WWW-Authenticate` challenge (RFC 6750 §3, RFC 9728 §5.1, MCP
//! authorization).

use std::fmt;

use crate::error::{Error, ErrorKind, Result};

/// The bearer token of an `Authorization` header value (RFC 6750 §2.1).
///
/// The scheme is matched case-insensitively (RFC 9110 §11.1) and followed by one or more
/// spaces and a token68 (`A-Z a-z 0-9 - . _ ~ + /`, then any `=`). Tokens in the query
/// string or the body are not accepted anywhere in this crate: they end up in logs.
///
/// # Errors
/// [`ErrorKind::TokenMissing`] when there is no header, an empty one, or another scheme
/// (RFC 6750 §3: a request using an unsupported method carries no bearer token at all);
/// [`ErrorKind::InvalidRequest`] when the `Bearer` credentials are malformed. The messages
/// never repeat the header.
pub fn bearer_token(authorization: Option<&str>) -> Result<&str> {
    let value = authorization
        .map(|v| v.trim_matches([' ', '\t']))
        .unwrap_or("");
    if value.is_empty() {
        return Err(Error::new(
            ErrorKind::TokenMissing,
            "no bearer token was sent",
        ));
    }
    let scheme_end = value.find(|c: char| !is_tchar(c)).unwrap_or(value.len());
    let (scheme, rest) = value.split_at(scheme_end);
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(Error::new(
            ErrorKind::TokenMissing,
            "the Authorization header does not use the Bearer scheme",
        ));
    }
    let token = rest.trim_start_matches(' ');
    if token.len() == rest.len() || token.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidRequest,
            "the Authorization header must be `Bearer` followed by a space and the token \
             (RFC 6750 §2.1)",
        ));
    }
    if !is_token68(token) {
        return Err(Error::new(
            ErrorKind::InvalidRequest,
            "the bearer token contains characters a token68 may not (RFC 6750 §2.1): spaces, \
             quotes, commas or non-ASCII",
        ));
    }
    Ok(token)
}

/// RFC 9110 §5.6.2 token characters, which make up an auth scheme.
fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// RFC 9110 §11.2 token68: `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
fn is_token68(token: &str) -> bool {
    let body = token.trim_end_matches('=');
    !body.is_empty()
        && body.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
        })
}

/// A `WWW-Authenticate: Bearer …` challenge and the status it goes with.
///
/// Build it with [`token_missing`](BearerChallenge::token_missing) or
/// [`from_error`](BearerChallenge::from_error), which always set `resource_metadata` (RFC 9728
/// §5.1) so MCP clients can find the authorization server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BearerChallenge {
    /// The HTTP status to answer with: 401, 403 (`insufficient_scope`) or 400
    /// (`invalid_request`); 5xx for a failure on the server's side.
    pub status: u16,
    /// The `realm`. Defaults to none.
    pub realm: Option<String>,
    /// The `error` code; none when no token was sent (RFC 6750 §3.1).
    pub error: Option<String>,
    /// The `error_description`.
    pub error_description: Option<String>,
    /// The `scope` attribute: the scopes needed. Defaults to none, except for
    /// `insufficient_scope`, where it is the required scopes.
    pub scopes: Vec<String>,
    /// The `resource_metadata` URL (RFC 9728 §5.1).
    pub resource_metadata: Option<String>,
}

impl BearerChallenge {
    /// The challenge for a request without a token: 401 and no `error` (RFC 6750 §3.1).
    pub fn token_missing(resource_metadata: impl Into<String>) -> Self {
        BearerChallenge {
            status: 401,
            realm: None,
            error: None,
            error_description: None,
            scopes: Vec::new(),
            resource_metadata: Some(resource_metadata.into()),
        }
    }

    /// The challenge for a failed verification: `invalid_token` (401), `insufficient_scope`
    /// (403) with the required scopes, `invalid_request` (400), or, for
    /// [`ErrorKind::TokenMissing`], no error at all.
    ///
    /// The `error_description` is [`Error::public_description`]: the challenge goes to a
    /// client that has not authenticated, so it gets a short, fixed sentence (at most 256
    /// bytes of printable ASCII) and never the [`Error::message`], which may name the JWKS
    /// host or repeat what the token carried. Log the message.
    pub fn from_error(error: &Error, resource_metadata: impl Into<String>) -> Self {
        let mut challenge = BearerChallenge::token_missing(resource_metadata);
        challenge.status = error.http_status();
        if error.kind() != ErrorKind::TokenMissing && !error.oauth_error().is_empty() {
            challenge.error = Some(error.oauth_error().to_owned());
            challenge.error_description = Some(error.public_description());
        }
        if error.kind() == ErrorKind::InsufficientScope {
            challenge.scopes = error.required_scopes().to_vec();
        }
        challenge
    }

    /// Sets the `realm`.
    pub fn with_realm(mut self, realm: impl Into<String>) -> Self {
        self.realm = Some(realm.into());
        self
    }

    /// Sets the `scope` attribute, e.g. the scopes a 401 should make the client ask for.
    pub fn with_scopes(mut self, scopes: Vec<String>) -> Self {
        self.scopes = scopes;
        self
    }

    /// The header value, e.g. `Bearer error="invalid_token", error_description="…",
    /// resource_metadata="https://…"`. Values are quoted strings with `"` and `\` escaped;
    /// characters a header cannot carry (controls, non-ASCII) become `?`, so no value can
    /// break out of the header.
    pub fn header_value(&self) -> String {
        let mut params: Vec<(&str, String)> = Vec::new();
        if let Some(realm) = &self.realm {
            params.push(("realm", realm.clone()));
        }
        if let Some(error) = &self.error {
            params.push(("error", error.clone()));
        }
        if let Some(description) = &self.error_description {
            params.push(("error_description", description.clone()));
        }
        if !self.scopes.is_empty() {
            params.push(("scope", self.scopes.join(" ")));
        }
        if let Some(url) = &self.resource_metadata {
            params.push(("resource_metadata", url.clone()));
        }
        let mut out = String::from("Bearer");
        for (i, (name, value)) in params.iter().enumerate() {
            out.push_str(if i == 0 { " " } else { ", " });
            out.push_str(name);
            out.push('=');
            push_quoted(&mut out, value);
        }
        out
    }
}

impl fmt::Display for BearerChallenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.header_value())
    }
}

/// Appends `value` as an RFC 9110 §5.6.4 quoted-string.
fn push_quoted(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            _ => out.push('?'),
        }
    }
    out.push('"');
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const PRM: &str = "https://mcp.example.com/.well-known/oauth-protected-resource";

    #[test]
    fn rfc6750_s2_1_authorization_header_table() {
        let ok: &[(&str, &str)] = &[
            // RFC 6750 §2.1's example.
            ("Bearer mF_9.B5f-4.1JqM", "mF_9.B5f-4.1JqM"),
            // RFC 9110 §11.1 / OAuth 2.1 §5.1.1: the scheme is case-insensitive.
            ("bearer mF_9.B5f-4.1JqM", "mF_9.B5f-4.1JqM"),
            ("BEARER mF_9.B5f-4.1JqM", "mF_9.B5f-4.1JqM"),
            ("BeArEr mF_9.B5f-4.1JqM", "mF_9.B5f-4.1JqM"),
            // One or more spaces; surrounding whitespace is not part of the value.
            ("Bearer   abc", "abc"),
            ("  Bearer abc\t", "abc"),
            // token68 allows `+`, `/`, `~` and trailing `=`.
            ("Bearer a+b/c~d==", "a+b/c~d=="),
            (
                "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln",
                "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln",
            ),
        ];
        for (header, token) in ok {
            assert_eq!(bearer_token(Some(header)).unwrap(), *token, "{header:?}");
        }
        let missing: &[Option<&str>] = &[
            None,
            Some(""),
            Some("   "),
            Some("Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW"),
            Some("DPoP abc"),
            Some("Bearerabc"),
        ];
        for header in missing {
            assert_eq!(
                bearer_token(*header).unwrap_err().kind(),
                ErrorKind::TokenMissing,
                "{header:?}"
            );
        }
        let malformed = [
            "Bearer",
            "Bearer ",
            "Bearer\tabc",
            "Bearer,abc",
            "Bearer a b",
            "Bearer \"abc\"",
            "Bearer abc,def",
            "Bearer ===",
            "Bearer tøken",
            "Bearer =abc",
        ];
        for header in malformed {
            let err = bearer_token(Some(header)).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{header:?}");
            assert_eq!(err.http_status(), 400);
        }
    }

    #[test]
    fn rfc6750_s3_errors_never_echo_the_header() {
        let secret = "SECRET-TOKEN-VALUE";
        for header in [
            format!("Bearer {secret} x"),
            format!("Basic {secret}"),
            format!("Bearer\t{secret}"),
        ] {
            let err = bearer_token(Some(&header)).unwrap_err();
            assert!(!format!("{err} {err:?}").contains(secret), "{header}");
        }
    }

    #[test]
    fn rfc6750_s3_example_no_authentication() {
        // RFC 6750 §3: `WWW-Authenticate: Bearer realm="example"`.
        let mut challenge = BearerChallenge::token_missing(PRM).with_realm("example");
        challenge.resource_metadata = None;
        assert_eq!(challenge.header_value(), r#"Bearer realm="example""#);
        assert_eq!(challenge.status, 401);
    }

    #[test]
    fn rfc6750_s3_example_expired_token() {
        // RFC 6750 §3: `Bearer realm="example", error="invalid_token",
        // error_description="The access token expired"`.
        let err = Error::new(ErrorKind::JwtExpired, "The access token expired");
        let mut challenge = BearerChallenge::from_error(&err, PRM).with_realm("example");
        challenge.resource_metadata = None;
        assert_eq!(
            challenge.to_string(),
            r#"Bearer realm="example", error="invalid_token", error_description="the token has expired""#
        );
        assert_eq!(challenge.status, 401);
    }

    #[test]
    fn rfc6750_s3_1_no_error_when_no_token_was_sent_with_resource_metadata() {
        let err = bearer_token(None).unwrap_err();
        let challenge = BearerChallenge::from_error(&err, PRM);
        assert_eq!(challenge, BearerChallenge::token_missing(PRM));
        assert_eq!(
            challenge.header_value(),
            format!(r#"Bearer resource_metadata="{PRM}""#)
        );
        // MCP: a 401 may name the scopes to ask for.
        let with_scope = challenge.with_scopes(vec!["files:read".into()]);
        assert_eq!(
            with_scope.header_value(),
            format!(r#"Bearer scope="files:read", resource_metadata="{PRM}""#)
        );
    }

    #[test]
    fn rfc6750_s3_1_invalid_token_with_description_and_resource_metadata() {
        let err = Error::claim(
            ErrorKind::JwtClaimValidationFailed,
            "aud",
            "check_failed",
            "unexpected \"aud\": the token is for [\"https://other.internal/\"]",
        );
        let challenge = BearerChallenge::from_error(&err, PRM);
        assert_eq!(challenge.status, 401);
        assert_eq!(
            challenge.header_value(),
            format!(
                r#"Bearer error="invalid_token", error_description="the token's \"aud\" is not accepted here", resource_metadata="{PRM}""#
            )
        );
    }

    #[test]
    fn rfc6750_s3_1_insufficient_scope_is_403_with_scope() {
        let err = Error::new(
            ErrorKind::InsufficientScope,
            "Additional file write permission required",
        )
        .with_required_scopes(vec!["files:read".into(), "files:write".into()]);
        let challenge = BearerChallenge::from_error(&err, PRM);
        assert_eq!(challenge.status, 403);
        assert_eq!(
            challenge.header_value(),
            format!(
                r#"Bearer error="insufficient_scope", error_description="insufficient scope", scope="files:read files:write", resource_metadata="{PRM}""#
            )
        );
    }

    #[test]
    fn rfc6750_s3_1_invalid_request_is_400() {
        let err = bearer_token(Some("Bearer a b")).unwrap_err();
        let challenge = BearerChallenge::from_error(&err, PRM);
        assert_eq!(challenge.status, 400);
        assert_eq!(challenge.error.as_deref(), Some("invalid_request"));
        assert_eq!(challenge.resource_metadata.as_deref(), Some(PRM));
    }

    #[test]
    fn rfc9110_s5_6_4_values_are_escaped_and_cannot_break_the_header() {
        let mut challenge = BearerChallenge::token_missing(PRM);
        challenge.error_description = Some("bad \\ \"x\"\r\nSet-Cookie: a=b; é".into());
        let value = challenge.header_value();
        assert!(
            value.contains(r#"error_description="bad \\ \"x\"??Set-Cookie: a=b; ?""#),
            "{value}"
        );
        assert!(!value.contains('\r') && !value.contains('\n'));
        assert!(value.is_ascii());
    }

    #[test]
    fn the_description_is_the_public_one_not_the_message() {
        // The message is for logs: it names the JWKS host and repeats the token's kid.
        let kid = "\u{1b}[2J".repeat(4096);
        let err = Error::new(
            ErrorKind::JwksFetchFailed,
            format!("JWKS endpoint https://keys.internal.example/jwks answered HTTP 500 {kid}"),
        );
        let challenge = BearerChallenge::from_error(&err, PRM);
        assert_eq!(challenge.status, 503);
        let value = challenge.header_value();
        assert!(!value.contains("keys.internal.example"), "{value}");
        assert!(value.len() <= 512 + PRM.len(), "{}", value.len());
        assert_eq!(
            challenge.error_description.as_deref(),
            Some(err.public_description().as_str())
        );
    }
}
