//! The error as plain data, for language bindings: one owned record per error
//! ([`ErrorRecord`]) and one per code ([`ErrorCodeInfo`], listed by [`all_errors`]).
//!
//! A binding converts an [`Error`] once, through [`Error::to_record`], instead of calling a
//! dozen borrowed accessors, and generates its exception table and its drift test from
//! [`all_errors`].

use serde::{Deserialize, Serialize};

use super::{Error, ErrorKind};

/// Everything an [`Error`] says, as owned plain fields (strings, lists, options, a number),
/// so it crosses an FFI boundary or serializes to JSON as is. Built by [`Error::to_record`].
///
/// Serialized with serde, every field under its Rust name (snake_case); absent values are
/// `null` and `required_scopes` is a list (empty unless the error is
/// `ERR_INSUFFICIENT_SCOPE`).
///
/// Not `#[non_exhaustive]` on purpose: a binding that destructures the record without `..`
/// fails to build when a field is added, so no field is ever silently dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorRecord {
    /// The stable code, e.g. `ERR_JWT_EXPIRED` ([`Error::code`]).
    pub code: String,
    /// The full detail for the operator's logs ([`Error::message`]); not for the client.
    pub message: String,
    /// The short, fixed sentence that may be sent to the client
    /// ([`Error::public_description`]).
    pub public_description: String,
    /// The claim whose check failed (`exp`, `aud`, a required custom claim, …), if one did
    /// ([`Error::claim_name`]).
    pub claim: Option<String>,
    /// Why the check failed (`missing`, `check_failed`, `invalid`, …), when known
    /// ([`Error::reason`]).
    pub reason: Option<String>,
    /// The value the check expected, when there is one ([`Error::expected`]).
    pub expected: Option<String>,
    /// The value the token carried, when there is one ([`Error::actual`]); bounded and
    /// escaped.
    pub actual: Option<String>,
    /// The HTTP status to answer with ([`Error::http_status`]): the upstream's status for a
    /// relayed upstream OAuth error.
    pub http_status: u16,
    /// The RFC 6750 error (`invalid_token`, `insufficient_scope`, `invalid_request`), or the
    /// RFC 6749 / RFC 7591 error of the OAuth endpoints (`invalid_grant`, the upstream's own
    /// code for a relayed upstream error). `None` when no token was sent
    /// (`ERR_TOKEN_MISSING`: the challenge then carries no error).
    pub oauth_error: Option<String>,
    /// For `ERR_INSUFFICIENT_SCOPE`: the scopes the resource requires, for the `scope`
    /// attribute of the 403 challenge ([`Error::required_scopes`]). Empty otherwise.
    pub required_scopes: Vec<String>,
    /// For a relayed upstream OAuth error: the upstream's `error` code
    /// ([`Error::upstream`]).
    pub upstream_error: Option<String>,
    /// For a relayed upstream OAuth error: the upstream's `error_description`, when it sent
    /// one (control characters replaced, at most 512 characters).
    pub upstream_error_description: Option<String>,
    /// For a relayed upstream OAuth error: the upstream's `error_uri`, when it sent one.
    pub upstream_error_uri: Option<String>,
}

impl Error {
    /// This error as an owned, plain record (see [`ErrorRecord`]).
    pub fn to_record(&self) -> ErrorRecord {
        let upstream = self.upstream();
        ErrorRecord {
            code: self.code().to_owned(),
            message: self.message().to_owned(),
            public_description: self.public_description(),
            claim: self.claim_name().map(str::to_owned),
            reason: self.reason().map(str::to_owned),
            expected: self.expected().map(str::to_owned),
            actual: self.actual().map(str::to_owned),
            http_status: self.http_status(),
            oauth_error: non_empty(self.oauth_error()),
            required_scopes: self.required_scopes().to_vec(),
            upstream_error: upstream.map(|u| u.error.clone()),
            upstream_error_description: upstream.and_then(|u| u.error_description.clone()),
            upstream_error_uri: upstream.and_then(|u| u.error_uri.clone()),
        }
    }
}

impl From<&Error> for ErrorRecord {
    fn from(error: &Error) -> Self {
        error.to_record()
    }
}

impl From<Error> for ErrorRecord {
    fn from(error: Error) -> Self {
        error.to_record()
    }
}

/// One stable code with what a resource server answers for it, as owned plain fields.
/// [`all_errors`] lists one per code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorCodeInfo {
    /// The stable code, e.g. `ERR_JWT_EXPIRED` ([`ErrorKind::code`]).
    pub code: String,
    /// The HTTP status an error of this code answers with ([`ErrorKind::http_status`]); a
    /// relayed upstream OAuth error (`ERR_OAUTH_UPSTREAM`) may carry the upstream's 4xx
    /// status instead.
    pub http_status: u16,
    /// The RFC 6750 error ([`ErrorKind::oauth_error`]); `None` for `ERR_TOKEN_MISSING`.
    pub oauth_error: Option<String>,
    /// What the code means, one line ([`ErrorKind::description`]).
    pub description: String,
}

impl From<ErrorKind> for ErrorCodeInfo {
    fn from(kind: ErrorKind) -> Self {
        ErrorCodeInfo {
            code: kind.code().to_owned(),
            http_status: kind.http_status(),
            oauth_error: non_empty(kind.oauth_error()),
            description: kind.description().to_owned(),
        }
    }
}

/// Every stable code with its HTTP status, RFC 6750 error and meaning, in the order of
/// [`ErrorKind::ALL`] (the order of [`super::all_codes`]). Each binding generates its
/// exception table from this list and its drift test compares against it; the README's
/// error table is checked against it too.
pub fn all_errors() -> Vec<ErrorCodeInfo> {
    ErrorKind::ALL
        .iter()
        .copied()
        .map(ErrorCodeInfo::from)
        .collect()
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde_json::{Map, Value, json};

    use super::*;
    use crate::error::{OAuthErrorResponse, all_codes};

    #[test]
    fn all_errors_lists_every_code_in_order() {
        let infos = all_errors();
        let codes: Vec<&str> = infos.iter().map(|i| i.code.as_str()).collect();
        assert_eq!(codes, all_codes());
        for (info, kind) in infos.iter().zip(ErrorKind::ALL) {
            assert_eq!(info.http_status, kind.http_status());
            assert_eq!(
                info.oauth_error.as_deref().unwrap_or(""),
                kind.oauth_error()
            );
            assert!(!info.description.is_empty(), "{}", info.code);
        }
        let missing = infos
            .iter()
            .find(|i| i.code == "ERR_TOKEN_MISSING")
            .unwrap();
        assert_eq!(missing.oauth_error, None);
    }

    #[test]
    fn record_of_a_claim_failure_carries_every_field() {
        let err = Error::claim(
            ErrorKind::JwtClaimValidationFailed,
            String::from("tenant_id"),
            "check_failed",
            "the token's \"tenant_id\" is \"b\"; expected \"a\"",
        )
        .with_values("a", "b");
        let record = err.to_record();
        assert_eq!(
            record,
            ErrorRecord {
                code: "ERR_JWT_CLAIM_VALIDATION_FAILED".into(),
                message: err.message().into(),
                public_description: "the token's \"tenant_id\" is not accepted here".into(),
                claim: Some("tenant_id".into()),
                reason: Some("check_failed".into()),
                expected: Some("a".into()),
                actual: Some("b".into()),
                http_status: 401,
                oauth_error: Some("invalid_token".into()),
                required_scopes: Vec::new(),
                upstream_error: None,
                upstream_error_description: None,
                upstream_error_uri: None,
            }
        );
        assert_eq!(ErrorRecord::from(&err), record);
        assert_eq!(ErrorRecord::from(err), record);
    }

    #[test]
    fn record_of_missing_token_scope_and_upstream_errors() {
        let missing = Error::new(ErrorKind::TokenMissing, "no token").to_record();
        assert_eq!((missing.http_status, missing.oauth_error), (401, None));

        let scope = Error::new(ErrorKind::InsufficientScope, "needs mcp:write")
            .with_required_scopes(vec!["mcp:write".into()])
            .to_record();
        assert_eq!(scope.http_status, 403);
        assert_eq!(scope.oauth_error.as_deref(), Some("insufficient_scope"));
        assert_eq!(scope.required_scopes, ["mcp:write"]);

        let body: Map<String, Value> = serde_json::from_value(json!({
            "error": "invalid_grant",
            "error_description": "Code\r\nexpired",
            "error_uri": "https://idp.example/errors",
        }))
        .unwrap();
        let upstream = OAuthErrorResponse::from_upstream(400, &body).unwrap();
        let relayed = Error::new(ErrorKind::OAuthUpstream, "upstream said invalid_grant")
            .with_upstream(upstream)
            .to_record();
        assert_eq!(relayed.code, "ERR_OAUTH_UPSTREAM");
        assert_eq!(relayed.http_status, 400);
        assert_eq!(relayed.oauth_error.as_deref(), Some("invalid_grant"));
        assert_eq!(relayed.upstream_error.as_deref(), Some("invalid_grant"));
        assert_eq!(
            relayed.upstream_error_description.as_deref(),
            Some("Code  expired")
        );
        assert_eq!(
            relayed.upstream_error_uri.as_deref(),
            Some("https://idp.example/errors")
        );
    }

    #[test]
    fn record_serializes_with_snake_case_names_and_round_trips() {
        let record = Error::new(ErrorKind::JwtExpired, "expired").to_record();
        let value = serde_json::to_value(&record).unwrap();
        let mut names: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "actual",
                "claim",
                "code",
                "expected",
                "http_status",
                "message",
                "oauth_error",
                "public_description",
                "reason",
                "required_scopes",
                "upstream_error",
                "upstream_error_description",
                "upstream_error_uri",
            ]
        );
        assert_eq!(value["code"], "ERR_JWT_EXPIRED");
        assert_eq!(value["claim"], Value::Null);
        let back: ErrorRecord = serde_json::from_value(value).unwrap();
        assert_eq!(back, record);

        let info = serde_json::to_value(all_errors()).unwrap();
        assert_eq!(
            info[0],
            json!({
                "code": "ERR_JWT_EXPIRED",
                "http_status": 401,
                "oauth_error": "invalid_token",
                "description": ErrorKind::JwtExpired.description(),
            })
        );
    }
}
