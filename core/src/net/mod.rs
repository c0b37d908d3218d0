//! Everything the crate knows about HTTP: requests and responses as plain values, the
//! [`Fetch`] trait that sends them, its default implementation ([`UreqFetch`]), the policy
//! on which URLs may be fetched, and how URLs and fetch failures appear in messages.
//!
//! The pure parts of the crate build [`HttpRequest`] values and parse [`HttpResponse`]
//! values; only an implementation of [`Fetch`] does I/O. [`UreqFetch`] is the default; a host
//! that prefers its own HTTP stack implements [`Fetch`] itself or sends the built requests on
//! its own (see [`crate::jwks::JwksCache`] for the key set).

use std::fmt;
use std::ops::RangeInclusive;
use std::time::Duration;

use crate::error::{Error, ErrorKind};

mod address;
mod redact;
mod ureq;
pub(crate) mod url;

pub use address::AddressPolicy;
pub(crate) use redact::{fetch_text, quote_url, redact_url};
pub use ureq::{UreqFetch, UreqFetchOptions};

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
}

impl Method {
    /// The method's name as sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// A request to send: method, URL, headers and body.
///
/// `Debug` shows header names but redacts the values of `Authorization` and the body,
/// which may carry client secrets, codes or tokens, and the values of the URL's credential
/// parameters (`code`, `access_token`, `client_secret`, …).
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The absolute URL.
    pub url: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body, empty for `GET`.
    pub body: Vec<u8>,
    /// How long the whole exchange may take. Defaults to 5 s (see [`HttpRequest::get`]).
    /// [`UreqFetch`] clamps it to [`TIMEOUT_RANGE`] (1 ms to 10 min): zero
    /// means "as soon as possible", `Duration::MAX` "as long as allowed".
    pub timeout: Duration,
    /// The largest response body accepted; a larger one fails the request.
    /// Defaults to 1 MiB (see [`HttpRequest::get`]). [`UreqFetch`] never reads
    /// more than the end of [`MAX_RESPONSE_BYTES_RANGE`] (64 MiB), so `usize::MAX` means
    /// "as much as allowed".
    pub max_response_bytes: usize,
}

/// Default for [`HttpRequest::timeout`].
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default for [`HttpRequest::max_response_bytes`].
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 1024 * 1024;
/// The timeouts an HTTP exchange may have, for every option that sets one: 1 ms to 10 min.
/// Beyond that a caller waits on a dead endpoint for longer than any client waits for it.
pub const TIMEOUT_RANGE: RangeInclusive<Duration> =
    Duration::from_millis(1)..=Duration::from_secs(600);
/// The response size caps an HTTP exchange may have, for every option that sets one: 1 byte
/// to 64 MiB (a body is read into memory whole).
pub const MAX_RESPONSE_BYTES_RANGE: RangeInclusive<usize> = 1..=64 * 1024 * 1024;

impl HttpRequest {
    /// A `GET` of `url` accepting JSON, with the default timeout and size cap.
    pub fn get(url: impl Into<String>) -> Self {
        HttpRequest {
            method: Method::Get,
            url: url.into(),
            headers: vec![("Accept".into(), "application/json".into())],
            body: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// A form-encoded `POST` of `form` to `url` accepting JSON.
    pub fn post_form(url: impl Into<String>, form: &[(&str, &str)]) -> Self {
        let body = ::url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        HttpRequest {
            method: Method::Post,
            url: url.into(),
            headers: vec![
                ("Accept".into(), "application/json".into()),
                (
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                ),
            ],
            body: body.into_bytes(),
            timeout: DEFAULT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                let sensitive =
                    k.eq_ignore_ascii_case("authorization") || k.eq_ignore_ascii_case("cookie");
                (
                    k.as_str(),
                    if sensitive { "<redacted>" } else { v.as_str() },
                )
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &redact_url(&self.url))
            .field("headers", &headers)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// A response: status, headers and the (size-capped) body.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The HTTP status code.
    pub status: u16,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &self.headers.len())
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

fn header_value<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Why a [`Fetch`] failed. The crate turns it into an [`Error`] in one place, by what was
/// being fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// The exchange did not finish within the request's timeout.
    Timeout(String),
    /// The body was larger than the request's `max_response_bytes`.
    TooLarge(String),
    /// Any other failure: DNS, connection refused, TLS, a broken response.
    Transport(String),
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Timeout(m) | FetchError::TooLarge(m) | FetchError::Transport(m) => {
                f.write_str(m)
            }
        }
    }
}

impl std::error::Error for FetchError {}

/// Sends an [`HttpRequest`]. Implementations must not follow redirects (a 3xx is returned
/// as a response), must honour the request's timeout and size cap, and must return non-2xx
/// statuses as responses rather than errors.
pub trait Fetch: Send + Sync + fmt::Debug {
    /// Sends `request` and returns the response.
    fn fetch(&self, request: &HttpRequest) -> Result<HttpResponse, FetchError>;
}

/// What a failed fetch was for: decides the error code and names the request in the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fetched<'a> {
    /// A JSON Web Key Set (`max_response_bytes` is a [`crate::jwks::RemoteJwksOptions`] field).
    Jwks,
    /// An authorization server's metadata, for this issuer.
    Discovery {
        /// The issuer being discovered.
        issuer: &'a str,
    },
    /// An RFC 7662 introspection request.
    Introspection,
    /// An OpenID Connect userinfo request.
    UserInfo,
}

impl Fetched<'_> {
    /// The request, as the subject of a sentence.
    fn subject(self) -> String {
        match self {
            Fetched::Jwks => "JWKS fetch".to_owned(),
            Fetched::Discovery { issuer } => format!("discovery of {}", redact_url(issuer)),
            Fetched::Introspection => "token introspection".to_owned(),
            Fetched::UserInfo => "the userinfo request".to_owned(),
        }
    }

    /// The code of a failure that is not a timeout.
    fn failed_kind(self) -> ErrorKind {
        match self {
            Fetched::Jwks | Fetched::Discovery { .. } => ErrorKind::JwksFetchFailed,
            Fetched::Introspection | Fetched::UserInfo => ErrorKind::IntrospectionFailed,
        }
    }

    /// The code of a timeout: the JWKS kinds have their own, so that a client can tell a
    /// slow identity provider from a broken one.
    fn timeout_kind(self) -> ErrorKind {
        match self {
            Fetched::Jwks | Fetched::Discovery { .. } => ErrorKind::JwksTimeout,
            Fetched::Introspection | Fetched::UserInfo => ErrorKind::IntrospectionFailed,
        }
    }
}

/// The one conversion of a [`FetchError`] into an [`Error`]: the code by what was fetched,
/// the reason by the failure (`timeout`, `too_large`, `transport`), and the failure's text
/// redacted and cut by [`fetch_text`].
pub(crate) fn fetch_failure(what: Fetched<'_>, error: &FetchError) -> Error {
    let subject = what.subject();
    match error {
        FetchError::Timeout(m) => Error::new(
            what.timeout_kind(),
            format!("{subject} timed out: {}", fetch_text(m)),
        )
        .with_reason("timeout"),
        FetchError::TooLarge(m) => {
            let hint = match what {
                Fetched::Jwks | Fetched::Discovery { .. } => {
                    " (raise max_response_bytes if this is right)"
                }
                Fetched::Introspection | Fetched::UserInfo => "",
            };
            Error::new(
                what.failed_kind(),
                format!("{subject}: response too large: {}{hint}", fetch_text(m)),
            )
        }
        .with_reason("too_large"),
        FetchError::Transport(m) => Error::new(
            what.failed_kind(),
            format!("{subject} failed: {}", fetch_text(m)),
        )
        .with_reason("transport"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fetch_failure_gets_its_code_reason_and_a_redacted_text() {
        let timeout = FetchError::Timeout("https://u:p@idp.test/jwks did not answer".into());
        let too_large = FetchError::TooLarge("https://idp.test/x?api_key=K answered more".into());
        let transport = FetchError::Transport("connection refused".into());
        let cases = [
            (Fetched::Jwks, &timeout, ErrorKind::JwksTimeout, "timeout"),
            (
                Fetched::Jwks,
                &too_large,
                ErrorKind::JwksFetchFailed,
                "too_large",
            ),
            (
                Fetched::Jwks,
                &transport,
                ErrorKind::JwksFetchFailed,
                "transport",
            ),
            (
                Fetched::Discovery {
                    issuer: "https://idp.test/",
                },
                &timeout,
                ErrorKind::JwksTimeout,
                "timeout",
            ),
            (
                Fetched::Introspection,
                &timeout,
                ErrorKind::IntrospectionFailed,
                "timeout",
            ),
            (
                Fetched::UserInfo,
                &transport,
                ErrorKind::IntrospectionFailed,
                "transport",
            ),
        ];
        for (what, error, kind, reason) in cases {
            let err = fetch_failure(what, error);
            assert_eq!((err.kind(), err.reason()), (kind, Some(reason)), "{what:?}");
            assert!(!err.message().contains("u:p@"), "{}", err.message());
            assert!(!err.message().contains("api_key=K"), "{}", err.message());
        }
        let err = fetch_failure(
            Fetched::Discovery {
                issuer: "https://idp.test/",
            },
            &timeout,
        );
        assert!(
            err.message()
                .starts_with("discovery of https://idp.test/ timed out: "),
            "{}",
            err.message()
        );
    }
}
