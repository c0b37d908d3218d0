//! One error type for every failure, with stable codes shared by every language binding.
//!
//! Codes reuse jose's strings where jose reports the same failure, so existing
//! `err.code === "ERR_JWT_EXPIRED"` checks keep working after a switch. A code once released
//! is never renamed; new kinds only add codes.
//!
//! A binding maps errors from data: [`Error::to_record`] gives one owned [`ErrorRecord`] per
//! error, and [`all_errors`] one [`ErrorCodeInfo`] per code (status, RFC 6750 error,
//! meaning), from which it generates its exception table and drift test.

use std::borrow::Cow;
use std::fmt;

mod record;
mod upstream;

pub use record::{ErrorCodeInfo, ErrorRecord, all_errors};
#[cfg(test)]
pub(crate) use upstream::MAX_DESCRIPTION_CHARS;
pub use upstream::OAuthErrorResponse;

/// What went wrong, as a closed-for-matching but open-for-extension list.
///
/// Each kind has a stable [`code`](ErrorKind::code), an RFC 6750 error
/// ([`oauth_error`](ErrorKind::oauth_error)) and an HTTP status
/// ([`http_status`](ErrorKind::http_status)).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The token's `exp` is in the past (beyond the leeway).
    JwtExpired,
    /// A claim failed a check: `iss`, `aud`, `nbf`, `iat`, a required claim, the token age.
    JwtClaimValidationFailed,
    /// The signature did not verify under any candidate key.
    JwsSignatureVerificationFailed,
    /// No key in the set can verify this token (unknown `kid`, wrong key type for `alg`).
    JwksNoMatchingKey,
    /// Several keys matched and the token names none of them; the candidate budget ran out.
    JwksMultipleMatchingKeys,
    /// The JWKS endpoint did not answer within the timeout.
    JwksTimeout,
    /// The JWKS document is not a usable key set (not JSON, no `keys`, too many keys).
    JwksInvalid,
    /// The JWKS (or discovery) request failed: connection refused, HTTP error, redirect,
    /// oversize body, or a URL the policy forbids.
    JwksFetchFailed,
    /// The token's `alg` is not in the verifier's allowlist (includes `none`).
    AlgNotAllowed,
    /// The JWS is malformed: bad base64url, bad header JSON, a `crit` header, `b64: false`.
    JwsInvalid,
    /// The JWS payload is not a JWT claims set, or a claim has the wrong type.
    JwtInvalid,
    /// A key type, curve or algorithm this library does not implement.
    NotSupported,
    /// The bearer value is not a JWT at all (not three base64url segments).
    TokenOpaque,
    /// The token is larger than the configured maximum.
    TokenTooLarge,
    /// The token's `typ` header does not satisfy the verifier's `typ` policy.
    JwtTypeInvalid,
    /// The token is valid but lacks a scope the resource requires.
    InsufficientScope,
    /// No bearer token was sent.
    TokenMissing,
    /// The `Authorization` header is present but is not a well-formed bearer credential, or
    /// an OAuth request the proxy refuses (RFC 6749 `invalid_request`): a redirect URI the
    /// client did not register, an `iss` that is not the upstream's. `reason` names the check
    /// for the OAuth cases.
    InvalidRequest,
    /// The verifier or client was configured with invalid options.
    InvalidConfig,
    /// A key given to the library (a secret, a JWK, a PEM) is unusable.
    InvalidKey,
    /// A sealed OAuth proxy value (the `state` carried across the upstream round trip) was
    /// altered, sealed under another key, malformed or expired.
    OAuthStateInvalid,
    /// A redirect URI failed the redirect-URI policy (scheme, fragment, userinfo, …).
    RedirectUriRejected,
    /// The upstream authorization server refused a request with an OAuth error (relayed with
    /// its status, see [`Error::upstream`]) or answered with something unusable.
    OAuthUpstream,
    /// A dynamic client registration request (RFC 7591) carries metadata the server does not
    /// accept.
    InvalidClientMetadata,
    /// A grant presented to the proxy is not valid, e.g. the PKCE verifier does not match the
    /// challenge (RFC 6749 §5.2 `invalid_grant`).
    OAuthInvalidGrant,
    /// An opaque token was refused by the authorization server: introspection says
    /// `active: false`, or the userinfo endpoint answered 401/403.
    TokenInactive,
    /// The introspection or userinfo endpoint could not be asked or gave an unusable answer.
    IntrospectionFailed,
    /// The OAuth proxy cannot identify the client (RFC 6749 §5.2 `invalid_client`): its
    /// client id metadata document could not be fetched or fails a check, or its sealed
    /// registration was altered, sealed under another key or expired. `reason` names the
    /// check.
    OAuthInvalidClient,
}

impl ErrorKind {
    /// Every kind, in a fixed order; used by [`all_codes`].
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::JwtExpired,
        ErrorKind::JwtClaimValidationFailed,
        ErrorKind::JwsSignatureVerificationFailed,
        ErrorKind::JwksNoMatchingKey,
        ErrorKind::JwksMultipleMatchingKeys,
        ErrorKind::JwksTimeout,
        ErrorKind::JwksInvalid,
        ErrorKind::JwksFetchFailed,
        ErrorKind::AlgNotAllowed,
        ErrorKind::JwsInvalid,
        ErrorKind::JwtInvalid,
        ErrorKind::NotSupported,
        ErrorKind::TokenOpaque,
        ErrorKind::TokenTooLarge,
        ErrorKind::JwtTypeInvalid,
        ErrorKind::InsufficientScope,
        ErrorKind::TokenMissing,
        ErrorKind::InvalidRequest,
        ErrorKind::InvalidConfig,
        ErrorKind::InvalidKey,
        ErrorKind::OAuthStateInvalid,
        ErrorKind::RedirectUriRejected,
        ErrorKind::OAuthUpstream,
        ErrorKind::InvalidClientMetadata,
        ErrorKind::OAuthInvalidGrant,
        ErrorKind::TokenInactive,
        ErrorKind::IntrospectionFailed,
        ErrorKind::OAuthInvalidClient,
    ];

    /// The stable string code (`ERR_…`). jose's code where jose has the same failure.
    pub const fn code(self) -> &'static str {
        match self {
            ErrorKind::JwtExpired => "ERR_JWT_EXPIRED",
            ErrorKind::JwtClaimValidationFailed => "ERR_JWT_CLAIM_VALIDATION_FAILED",
            ErrorKind::JwsSignatureVerificationFailed => "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
            ErrorKind::JwksNoMatchingKey => "ERR_JWKS_NO_MATCHING_KEY",
            ErrorKind::JwksMultipleMatchingKeys => "ERR_JWKS_MULTIPLE_MATCHING_KEYS",
            ErrorKind::JwksTimeout => "ERR_JWKS_TIMEOUT",
            ErrorKind::JwksInvalid => "ERR_JWKS_INVALID",
            ErrorKind::JwksFetchFailed => "ERR_JWKS_FETCH_FAILED",
            ErrorKind::AlgNotAllowed => "ERR_JOSE_ALG_NOT_ALLOWED",
            ErrorKind::JwsInvalid => "ERR_JWS_INVALID",
            ErrorKind::JwtInvalid => "ERR_JWT_INVALID",
            ErrorKind::NotSupported => "ERR_JOSE_NOT_SUPPORTED",
            ErrorKind::TokenOpaque => "ERR_TOKEN_OPAQUE",
            ErrorKind::TokenTooLarge => "ERR_TOKEN_TOO_LARGE",
            ErrorKind::JwtTypeInvalid => "ERR_JWT_TYPE_INVALID",
            ErrorKind::InsufficientScope => "ERR_INSUFFICIENT_SCOPE",
            ErrorKind::TokenMissing => "ERR_TOKEN_MISSING",
            ErrorKind::InvalidRequest => "ERR_INVALID_REQUEST",
            ErrorKind::InvalidConfig => "ERR_INVALID_CONFIG",
            ErrorKind::InvalidKey => "ERR_INVALID_KEY",
            ErrorKind::OAuthStateInvalid => "ERR_OAUTH_STATE_INVALID",
            ErrorKind::RedirectUriRejected => "ERR_REDIRECT_URI_REJECTED",
            ErrorKind::OAuthUpstream => "ERR_OAUTH_UPSTREAM",
            ErrorKind::InvalidClientMetadata => "ERR_INVALID_CLIENT_METADATA",
            ErrorKind::OAuthInvalidGrant => "ERR_OAUTH_INVALID_GRANT",
            ErrorKind::TokenInactive => "ERR_TOKEN_INACTIVE",
            ErrorKind::IntrospectionFailed => "ERR_INTROSPECTION_FAILED",
            ErrorKind::OAuthInvalidClient => "ERR_OAUTH_INVALID_CLIENT",
        }
    }

    /// The RFC 6750 §3.1 error code a resource server answers with.
    ///
    /// Failures on the server's side (JWKS unreachable, bad configuration) are still
    /// `invalid_token` towards the client: the client can do nothing else than get a new token,
    /// and the status tells operators apart (see [`http_status`](ErrorKind::http_status)).
    ///
    /// The OAuth kinds answer with the RFC 6749 §5.2 / RFC 7591 §3.2.2 code of the endpoint
    /// that reports them; [`ErrorKind::OAuthUpstream`] says `server_error` only when the
    /// upstream gave no OAuth error of its own (otherwise [`Error::oauth_error`] relays it).
    pub const fn oauth_error(self) -> &'static str {
        match self {
            ErrorKind::InsufficientScope => "insufficient_scope",
            ErrorKind::InvalidRequest | ErrorKind::OAuthStateInvalid => "invalid_request",
            ErrorKind::TokenMissing => "",
            ErrorKind::RedirectUriRejected => "invalid_redirect_uri",
            ErrorKind::OAuthUpstream => "server_error",
            ErrorKind::InvalidClientMetadata => "invalid_client_metadata",
            ErrorKind::OAuthInvalidGrant => "invalid_grant",
            ErrorKind::OAuthInvalidClient => "invalid_client",
            _ => "invalid_token",
        }
    }

    /// The HTTP status a resource server answers with.
    ///
    /// 401 for token problems, 403 for missing scopes, 400 for a malformed request, 503 when
    /// the keys could not be obtained (the token may be fine; retrying later can succeed), and
    /// 500 for a server misconfiguration. The OAuth request kinds are 400; an upstream
    /// failure without an OAuth error is 502 (the upstream's fault, not this server's);
    /// `invalid_client` is 401 (RFC 6749 §5.2).
    pub const fn http_status(self) -> u16 {
        match self {
            ErrorKind::InsufficientScope => 403,
            ErrorKind::InvalidRequest
            | ErrorKind::OAuthStateInvalid
            | ErrorKind::RedirectUriRejected
            | ErrorKind::InvalidClientMetadata
            | ErrorKind::OAuthInvalidGrant => 400,
            ErrorKind::OAuthUpstream => 502,
            ErrorKind::JwksTimeout
            | ErrorKind::JwksFetchFailed
            | ErrorKind::JwksInvalid
            | ErrorKind::IntrospectionFailed => 503,
            ErrorKind::InvalidConfig | ErrorKind::InvalidKey => 500,
            _ => 401,
        }
    }

    /// What the code means, one line for an exception table or a docstring (the README's
    /// error table shows the same text).
    pub const fn description(self) -> &'static str {
        match self {
            ErrorKind::JwtExpired => {
                "`exp` passed (beyond the leeway), or the token is older than `max_token_age`"
            }
            ErrorKind::JwtClaimValidationFailed => {
                "`iss`, `aud`, `nbf`, `iat` or a required claim failed; `claim` and `reason` say which"
            }
            ErrorKind::JwsSignatureVerificationFailed => "no candidate key verified the signature",
            ErrorKind::JwksNoMatchingKey => {
                "no key in the set has the token's `kid` and fits its `alg`"
            }
            ErrorKind::JwksMultipleMatchingKeys => {
                "more keys fit than may be tried (token without `kid`)"
            }
            ErrorKind::JwksTimeout => "the JWKS (or discovery) endpoint did not answer in time",
            ErrorKind::JwksInvalid => "the JWKS or discovery document is unusable",
            ErrorKind::JwksFetchFailed => {
                "the JWKS or discovery request failed (HTTP error, redirect, too large, refused)"
            }
            ErrorKind::AlgNotAllowed => "`alg` is `none`, unknown, or not in the allowlist",
            ErrorKind::JwsInvalid => "malformed JWS: bad base64url or header, `crit`, `b64: false`",
            ErrorKind::JwtInvalid => {
                "the payload is not a JSON claims set, or a claim has the wrong type"
            }
            ErrorKind::NotSupported => "an unsupported key type, curve or token form (JWE)",
            ErrorKind::TokenOpaque => {
                "not a JWT at all; request a JWT access token (Auth0: pass `audience`) or use introspection"
            }
            ErrorKind::TokenTooLarge => "the token exceeds `max_token_bytes`",
            ErrorKind::JwtTypeInvalid => "the `typ` header is not an access-token type",
            ErrorKind::InsufficientScope => "a required scope is missing",
            ErrorKind::TokenMissing => "no bearer token was sent",
            ErrorKind::InvalidRequest => {
                "a malformed `Authorization` header, or an OAuth request the proxy refuses (a redirect URI the client did not register, a mismatched `iss`); `reason` says which"
            }
            ErrorKind::InvalidConfig => "the verifier or client is misconfigured",
            ErrorKind::InvalidKey => "a configured key is unusable",
            ErrorKind::OAuthStateInvalid => {
                "the OAuth proxy's sealed `state` was altered, sealed under another key, malformed or expired"
            }
            ErrorKind::RedirectUriRejected => {
                "a redirect URI failed the policy (scheme, fragment, userinfo, plain http off loopback); `reason` says which"
            }
            ErrorKind::OAuthUpstream => {
                "the upstream token endpoint failed; an upstream OAuth error (`invalid_grant` …) is relayed with its own code, description and 4xx status (`upstream_error` in the error record)"
            }
            ErrorKind::InvalidClientMetadata => {
                "a dynamic client registration the proxy does not accept"
            }
            ErrorKind::OAuthInvalidGrant => {
                "a grant presented to the proxy is invalid, e.g. the PKCE verifier does not match"
            }
            ErrorKind::TokenInactive => {
                "an opaque token was refused: introspection says `active: false`, or userinfo answered 401/403"
            }
            ErrorKind::IntrospectionFailed => {
                "the introspection or userinfo endpoint could not be asked or answered nonsense"
            }
            ErrorKind::OAuthInvalidClient => {
                "the OAuth proxy cannot identify the client: its metadata document failed to fetch or a check, or its sealed registration is altered, foreign or expired; `reason` says which"
            }
        }
    }

    /// The kind for a stable code, the inverse of [`code`](ErrorKind::code).
    pub fn from_code(code: &str) -> Option<ErrorKind> {
        ErrorKind::ALL.iter().copied().find(|k| k.code() == code)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Every stable error code, in a fixed order: the codes of [`all_errors`], which also gives
/// each code's status, RFC 6750 error and meaning.
pub fn all_codes() -> Vec<&'static str> {
    ErrorKind::ALL.iter().map(|k| k.code()).collect()
}

/// The error returned by every fallible operation of this crate.
///
/// It holds no third-party types and never holds a secret or a whole token: messages name
/// claims, key ids and URLs, never token bytes, client secrets or keys.
///
/// Two texts, for two readers:
/// - [`message`](Error::message) is for the operator's logs: the full detail (which URL
///   failed, which `kid` the token named, which issuers were expected). URLs in it are
///   redacted (no `user:pass@`, no credential query values) and every value taken from a
///   token or from the network is quoted, escaped and cut after 64 characters.
/// - [`public_description`](Error::public_description) is for the client (the
///   `error_description` of a `WWW-Authenticate` challenge or an OAuth error): a short, fixed,
///   ASCII sentence per kind that never names an internal host or repeats a token's values.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    // Boxed so that an `Error` is one pointer wide however much it carries: `Result<(), Error>`
    // is one pointer, and `Result<T, Error>` at most one pointer larger than `T`, on every hot
    // path (the `error_is_one_pointer_wide` test holds this).
    inner: Box<ErrorInner>,
}

#[derive(Clone, PartialEq, Eq)]
struct ErrorInner {
    kind: ErrorKind,
    message: String,
    claim: Option<Cow<'static, str>>,
    reason: Option<&'static str>,
    expected: Option<String>,
    actual: Option<String>,
    required_scopes: Vec<String>,
    upstream: Option<OAuthErrorResponse>,
}

impl Error {
    /// An error of `kind` with a message that says what to fix.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            inner: Box::new(ErrorInner {
                kind,
                message: message.into(),
                claim: None,
                reason: None,
                expected: None,
                actual: None,
                required_scopes: Vec::new(),
                upstream: None,
            }),
        }
    }

    /// A claim check failure in jose's shape: `claim` is the claim name (a registered one, or
    /// a required custom claim) and `reason` is `"missing"`, `"check_failed"` or `"invalid"`.
    pub fn claim(
        kind: ErrorKind,
        claim: impl Into<Cow<'static, str>>,
        reason: &'static str,
        message: impl Into<String>,
    ) -> Self {
        let mut e = Error::new(kind, message);
        e.inner.claim = Some(claim.into());
        e.inner.reason = Some(reason);
        e
    }

    /// Records the expected and the received value of the failed check (both are shown by
    /// the CLI and exposed by the bindings). Each is kept to its first
    /// [`MAX_VALUE_CHARS`] characters (then `…`), with control characters escaped: the
    /// received value comes from the token and may be anything.
    pub fn with_values(mut self, expected: impl Into<String>, actual: impl Into<String>) -> Self {
        self.inner.expected = Some(bounded(expected.into()));
        self.inner.actual = Some(bounded(actual.into()));
        self
    }

    pub(crate) fn with_required_scopes(mut self, scopes: Vec<String>) -> Self {
        self.inner.required_scopes = scopes;
        self
    }

    pub(crate) fn with_reason(mut self, reason: &'static str) -> Self {
        self.inner.reason = Some(reason);
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The stable code, e.g. `ERR_JWT_EXPIRED`.
    pub fn code(&self) -> &'static str {
        self.inner.kind.code()
    }

    /// A message that says what failed and what to fix, for the operator's logs. Never
    /// contains secrets: URLs are redacted (no userinfo, no credential query values) and
    /// values from the token or the network are quoted, escaped and cut after 64 characters.
    ///
    /// It may name internal hosts and the values the token carried, so it is not meant for
    /// the client: answer the client with [`public_description`](Error::public_description).
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// A description of the failure that may be sent to the client, e.g. as the
    /// `error_description` of the `WWW-Authenticate` challenge
    /// ([`crate::metadata::BearerChallenge::from_error`]).
    ///
    /// A fixed sentence per kind ("the token has expired", "the token's \"aud\" is not
    /// accepted here", "insufficient scope"), naming at most the claim that failed. Printable
    /// ASCII, at most [`MAX_PUBLIC_DESCRIPTION_BYTES`] bytes for any error; it never names a
    /// URL or host and never repeats a value the token carried. The detail is in
    /// [`message`](Error::message).
    pub fn public_description(&self) -> String {
        let text = public_sentence(self.kind(), self.claim_name(), self.reason());
        if text.len() <= MAX_PUBLIC_DESCRIPTION_BYTES
            && text.bytes().all(|b| (b' '..=b'~').contains(&b))
        {
            text
        } else {
            public_sentence(self.kind(), None, None)
        }
    }

    /// The claim whose check failed (`exp`, `aud`, …), when one did.
    pub fn claim_name(&self) -> Option<&str> {
        self.inner.claim.as_deref()
    }

    /// Why the check failed: `missing`, `check_failed`, `invalid`, `timeout`, `stale`, ….
    pub fn reason(&self) -> Option<&'static str> {
        self.inner.reason
    }

    /// The value the verifier expected, when there is one (e.g. the configured audience).
    pub fn expected(&self) -> Option<&str> {
        self.inner.expected.as_deref()
    }

    /// The value the token carried, when there is one (e.g. the token's `aud`).
    pub fn actual(&self) -> Option<&str> {
        self.inner.actual.as_deref()
    }

    /// For [`ErrorKind::InsufficientScope`]: the scopes the resource requires, for the
    /// `scope` attribute of the 403 challenge.
    pub fn required_scopes(&self) -> &[String] {
        &self.inner.required_scopes
    }

    /// The RFC 6750 error code (`invalid_token`, `insufficient_scope`, `invalid_request`, or
    /// empty when no token was sent); for an upstream OAuth error, the upstream's own code
    /// (`invalid_grant`, …).
    pub fn oauth_error(&self) -> &str {
        match &self.inner.upstream {
            Some(upstream) => &upstream.error,
            None => self.inner.kind.oauth_error(),
        }
    }

    /// The HTTP status a resource server answers with; for an upstream OAuth error, the
    /// status to relay it with (see [`OAuthErrorResponse::status`]).
    pub fn http_status(&self) -> u16 {
        match &self.inner.upstream {
            Some(upstream) => upstream.status,
            None => self.inner.kind.http_status(),
        }
    }

    /// For [`ErrorKind::OAuthUpstream`]: the OAuth error the upstream answered with, to relay
    /// to the client (RFC 6749 §5.2).
    pub fn upstream(&self) -> Option<&OAuthErrorResponse> {
        self.inner.upstream.as_ref()
    }

    pub(crate) fn with_upstream(mut self, upstream: OAuthErrorResponse) -> Self {
        self.inner.upstream = Some(upstream);
        self
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("code", &self.code())
            .field("message", &self.inner.message);
        if let Some(c) = &self.inner.claim {
            d.field("claim", c);
        }
        if let Some(r) = self.inner.reason {
            d.field("reason", &r);
        }
        if let Some(e) = &self.inner.expected {
            d.field("expected", e);
        }
        if let Some(a) = &self.inner.actual {
            d.field("actual", a);
        }
        if let Some(u) = &self.inner.upstream {
            d.field("upstream", u);
        }
        d.finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.inner.message, self.code())
    }
}

impl std::error::Error for Error {}

/// The longest [`Error::public_description`], in bytes.
pub const MAX_PUBLIC_DESCRIPTION_BYTES: usize = 256;

/// The longest [`Error::expected`] and [`Error::actual`], in characters (then `…`).
pub const MAX_VALUE_CHARS: usize = 256;

fn bounded(value: String) -> String {
    if value.chars().count() <= MAX_VALUE_CHARS && !value.chars().any(char::is_control) {
        value
    } else {
        crate::untrusted::clip(&value, MAX_VALUE_CHARS)
    }
}

/// A claim name short and plain enough to show a client (`aud`, `exp`, `tenant_id`); a
/// configured required claim such as a URL is left out.
fn is_plain_name(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// The client-facing sentence for a failure. Depends only on the kind, and on the failed
/// claim's name and the reason, which are fixed words (a name that is not is left out).
fn public_sentence(kind: ErrorKind, claim: Option<&str>, reason: Option<&str>) -> String {
    let claim = claim.filter(|c| is_plain_name(c));
    let fixed = match kind {
        ErrorKind::JwtExpired => match claim {
            Some("iat") => "the token is older than this server accepts",
            _ => "the token has expired",
        },
        ErrorKind::JwtClaimValidationFailed => {
            return match (claim, reason) {
                (Some("nbf"), Some("check_failed")) => "the token is not valid yet".to_owned(),
                (Some("iat"), Some("check_failed")) => {
                    "the token was issued in the future".to_owned()
                }
                (Some(c), Some("missing")) => format!("the token has no \"{c}\" claim"),
                (Some(c), Some("invalid")) => format!("the token's \"{c}\" claim is malformed"),
                (Some(c), _) => format!("the token's \"{c}\" is not accepted here"),
                (None, _) => "a claim of the token is not accepted here".to_owned(),
            };
        }
        ErrorKind::JwsSignatureVerificationFailed => "the token's signature is invalid",
        ErrorKind::JwksNoMatchingKey => "no key of this server can verify the token",
        ErrorKind::JwksMultipleMatchingKeys => {
            "the token names no key and too many keys could verify it"
        }
        ErrorKind::JwksTimeout
        | ErrorKind::JwksInvalid
        | ErrorKind::JwksFetchFailed
        | ErrorKind::IntrospectionFailed => {
            "the server could not check the token right now; try again later"
        }
        ErrorKind::AlgNotAllowed => "the token's signing algorithm is not accepted here",
        ErrorKind::JwsInvalid => "the token is not a well-formed JWS",
        ErrorKind::JwtInvalid => "the token's payload is not a valid JWT claims set",
        ErrorKind::NotSupported => {
            "the token uses a form or algorithm this server does not support"
        }
        ErrorKind::TokenOpaque => "the token is not a JWT",
        ErrorKind::TokenTooLarge => "the token is too large",
        ErrorKind::JwtTypeInvalid => "the token's \"typ\" is not accepted here",
        ErrorKind::InsufficientScope => "insufficient scope",
        ErrorKind::TokenMissing => "no bearer token was sent",
        ErrorKind::InvalidRequest => "the request is malformed",
        ErrorKind::InvalidConfig | ErrorKind::InvalidKey => {
            "the server cannot check tokens: it is misconfigured"
        }
        ErrorKind::OAuthStateInvalid => "the state is invalid or expired",
        ErrorKind::RedirectUriRejected => "the redirect URI is not accepted",
        ErrorKind::OAuthUpstream => "the upstream authorization server failed",
        ErrorKind::InvalidClientMetadata => "the client metadata is not accepted",
        ErrorKind::OAuthInvalidGrant => "the grant is invalid",
        ErrorKind::TokenInactive => "the token is not active",
        ErrorKind::OAuthInvalidClient => "the client is not known to this server",
    };
    fixed.to_owned()
}

/// Shorthand for `std::result::Result<T, mcp_bearer::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let codes = all_codes();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), codes.len());
        for k in ErrorKind::ALL {
            assert_eq!(ErrorKind::from_code(k.code()), Some(*k));
            assert!(k.code().starts_with("ERR_"));
        }
    }

    #[test]
    fn error_is_one_pointer_wide() {
        use std::mem::size_of;
        let pointer = size_of::<usize>();
        assert_eq!(size_of::<Error>(), pointer);
        assert_eq!(size_of::<Result<()>>(), pointer);
        assert_eq!(size_of::<Option<Error>>(), pointer);
        assert!(size_of::<Result<[usize; 3]>>() <= size_of::<[usize; 3]>() + pointer);
    }

    #[test]
    fn statuses_follow_rfc6750() {
        assert_eq!(ErrorKind::InsufficientScope.http_status(), 403);
        assert_eq!(
            ErrorKind::InsufficientScope.oauth_error(),
            "insufficient_scope"
        );
        assert_eq!(ErrorKind::JwtExpired.http_status(), 401);
        assert_eq!(ErrorKind::JwtExpired.oauth_error(), "invalid_token");
        assert_eq!(ErrorKind::InvalidRequest.http_status(), 400);
        assert_eq!(ErrorKind::TokenMissing.oauth_error(), "");
    }

    #[test]
    fn public_description_is_short_printable_ascii_for_every_kind_claim_and_reason() {
        let long = "\u{1b}]0;x\u{7}".repeat(4096);
        let claims = [
            None,
            Some("aud"),
            Some("iss"),
            Some("exp"),
            Some("nbf"),
            Some("iat"),
            Some("https://internal.example/roles"),
            Some(long.as_str()),
        ];
        let reasons = [None, Some("missing"), Some("check_failed"), Some("invalid")];
        for kind in ErrorKind::ALL {
            for claim in claims {
                for reason in reasons {
                    let text = public_sentence(*kind, claim, reason);
                    assert!(!text.is_empty(), "{kind:?}");
                    assert!(text.len() <= MAX_PUBLIC_DESCRIPTION_BYTES, "{text}");
                    assert!(text.bytes().all(|b| (b' '..=b'~').contains(&b)), "{text}");
                    assert!(
                        !text.contains("://") && !text.contains("internal"),
                        "{text}"
                    );
                    assert!(!text.contains("]0;"), "{text}");
                }
            }
        }
        let err = Error::claim(
            ErrorKind::JwtClaimValidationFailed,
            "aud",
            "check_failed",
            "m",
        );
        assert_eq!(
            err.public_description(),
            "the token's \"aud\" is not accepted here"
        );
        let err = Error::claim(ErrorKind::JwtExpired, "exp", "check_failed", "m");
        assert_eq!(err.public_description(), "the token has expired");
        let err = Error::new(
            ErrorKind::JwksFetchFailed,
            "JWKS endpoint http://10.0.0.7/jwks answered HTTP 500",
        );
        assert!(!err.public_description().contains("10.0.0.7"));
    }

    #[test]
    fn expected_and_actual_are_bounded_and_escaped() {
        let err = Error::new(ErrorKind::AlgNotAllowed, "m")
            .with_values("RS256", "\u{1}".repeat(16 * 1024));
        let actual = err.actual().unwrap_or_default();
        assert!(
            actual.chars().count() <= MAX_VALUE_CHARS * 5 + 1,
            "{}",
            actual.len()
        );
        assert!(!actual.chars().any(char::is_control));
        assert_eq!(err.expected(), Some("RS256"));
    }
}
