//! HTTP requests and responses as plain values, and the [`Fetch`] trait that sends them.
//!
//! The pure parts of the crate build [`HttpRequest`] values and parse [`HttpResponse`]
//! values; only an implementation of [`Fetch`] does I/O. [`crate::fetch::UreqFetch`] is the
//! default; a host that prefers its own HTTP stack implements [`Fetch`] itself or sends the
//! built requests on its own.

use std::borrow::Cow;
use std::fmt;
use std::ops::RangeInclusive;
use std::time::Duration;

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
    /// [`crate::fetch::UreqFetch`] clamps it to [`TIMEOUT_RANGE`] (1 ms to 10 min): zero
    /// means "as soon as possible", `Duration::MAX` "as long as allowed".
    pub timeout: Duration,
    /// The largest response body accepted; a larger one fails the request.
    /// Defaults to 1 MiB (see [`HttpRequest::get`]). [`crate::fetch::UreqFetch`] never reads
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
        let body = url::form_urlencoded::Serializer::new(String::new())
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

/// Query (and fragment) parameters whose values are credentials: the `code` of an
/// authorization response (a GET of a redirect URI carries it), tokens, secrets, verifiers.
const CREDENTIAL_PARAMS: &[&str] = &[
    "code",
    "access_token",
    "refresh_token",
    "id_token",
    "token",
    "client_secret",
    "code_verifier",
    "subject_token",
    "actor_token",
    "assertion",
    "client_assertion",
    "password",
];

/// `url` with the values of its credential parameters (`code`, `access_token`,
/// `client_secret`, …) replaced by `<redacted>`, for `Debug` output and error messages.
pub(crate) fn redact_url(url: &str) -> Cow<'_, str> {
    let Some((base, rest)) = url.split_once('?').or_else(|| url.split_once('#')) else {
        return Cow::Borrowed(url);
    };
    let separator = &url[base.len()..=base.len()];
    let mut out = format!("{base}{separator}");
    let mut redacted = false;
    for part in rest.split_inclusive(['&', '#']) {
        let (pair, end) = match part.strip_suffix(['&', '#']) {
            Some(pair) => (pair, &part[pair.len()..]),
            None => (part, ""),
        };
        let name = url::form_urlencoded::parse(pair.as_bytes())
            .next()
            .map(|(name, _)| name);
        match (pair.split_once('='), name) {
            (Some((raw_name, _)), Some(name)) if CREDENTIAL_PARAMS.contains(&name.as_ref()) => {
                redacted = true;
                out.push_str(raw_name);
                out.push_str("=<redacted>");
            }
            _ => out.push_str(pair),
        }
        out.push_str(end);
    }
    if redacted {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(url)
    }
}

fn header_value<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Why a [`Fetch`] failed. Callers map it onto their own [`crate::ErrorKind`].
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_credentials_in_the_url() {
        // A browser hop to a redirect URI carries the authorization code (RFC 6749 §4.1.2).
        let request = HttpRequest::get(
            "http://127.0.0.1:8080/oauth/callback?code=SECRET-code&state=st&iss=https%3A%2F%2Fa",
        );
        let shown = format!("{request:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(
            shown.contains("/oauth/callback?code=<redacted>&state=st&iss=https%3A%2F%2Fa"),
            "{shown}"
        );
        let cases = [
            ("https://a.example/p", "https://a.example/p"),
            ("https://a.example/p?x=1&y", "https://a.example/p?x=1&y"),
            (
                "https://a.example/p?access_token=t&x=1&client%5Fsecret=s#id_token=i&y=2",
                "https://a.example/p?access_token=<redacted>&x=1&client%5Fsecret=<redacted>\
                 #id_token=<redacted>&y=2",
            ),
            (
                "https://a.example/p#token=t",
                "https://a.example/p#token=<redacted>",
            ),
            (
                "https://a.example/p?codes=1&code",
                "https://a.example/p?codes=1&code",
            ),
        ];
        for (url, expected) in cases {
            assert_eq!(redact_url(url), expected, "{url}");
        }
    }
}
