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
/// Names that contain one of [`CREDENTIAL_WORDS`] (`api_key`, `X-Amz-Signature`, …) are
/// credentials too.
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
    "auth",
    "authorization",
    "pass",
    "pwd",
];

/// Parts of a parameter name (compared in lower case) that mark its value as a credential:
/// API keys, signed-URL signatures and session ids put into a JWKS or endpoint URL.
const CREDENTIAL_WORDS: &[&str] = &[
    "token",
    "secret",
    "password",
    "passwd",
    "key",
    "sig",
    "credential",
    "assertion",
    "session",
];

fn is_credential_param(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    CREDENTIAL_PARAMS.contains(&lower.as_str())
        || CREDENTIAL_WORDS.iter().any(|w| lower.contains(w))
}

/// `url` made fit for a message or `Debug` output: the userinfo (`user:pass@`) removed and
/// the values of credential parameters (`code`, `access_token`, `client_secret`, `api_key`,
/// signatures, …) replaced by `<redacted>`; the scheme, host, port and path stay, so an
/// operator can still tell which endpoint failed.
///
/// The one rule for every URL the crate prints: a configured URL, a URL from a discovery
/// document, a redirect's `Location`.
pub(crate) fn redact_url(url: &str) -> Cow<'_, str> {
    let stripped = strip_userinfo(url);
    match redact_params(&stripped) {
        Some(redacted) => Cow::Owned(redacted),
        None => stripped,
    }
}

/// The most characters of a URL from the network an error message shows.
const MAX_URL_CHARS: usize = 256;

/// A URL that came from the network (a redirect's `Location`, a discovery document's
/// `jwks_uri`) for a message: redacted by [`redact_url`], then quoted, escaped and cut after
/// 256 characters like any untrusted value.
pub(crate) fn quote_url(url: &str) -> String {
    crate::untrusted::quote_at_most(&redact_url(url), MAX_URL_CHARS)
}

/// The longest [`FetchError`] text an error message repeats, in characters.
const MAX_FETCH_TEXT_CHARS: usize = 512;

/// A [`FetchError`]'s text for an error message. A [`Fetch`] may be the host's own, so its
/// text is not trusted to be redacted or short: URLs in it go through [`redact_url`], control
/// characters are escaped and the text is cut after 512 characters.
pub(crate) fn fetch_text(text: &str) -> String {
    crate::untrusted::clip(&redact_urls_in(text), MAX_FETCH_TEXT_CHARS)
}

/// `text` (an HTTP client's error message, say) with every absolute URL in it passed
/// through [`redact_url`].
pub(crate) fn redact_urls_in(text: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut copied = 0usize;
    let mut search = 0usize;
    while let Some(found) = text[search..].find("://") {
        let sep = search + found;
        let start = text[..sep]
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
            .last()
            .map_or(sep, |(i, _)| i);
        let end = text[sep..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`'))
            .map_or(text.len(), |i| sep + i);
        // Punctuation that ends a sentence around the URL ("{url}: refused") is not part of it.
        let end = start
            + text[start..end]
                .trim_end_matches([':', ';', ',', '.', ')', ']'])
                .len();
        if start < sep {
            let redacted = redact_url(&text[start..end]);
            if let Cow::Owned(redacted) = redacted {
                out.push_str(&text[copied..start]);
                out.push_str(&redacted);
                copied = end;
            }
        }
        search = end.max(sep + 3);
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// `url` without its userinfo. Works on text that is not a valid URL too: a message must
/// not show a password because the URL around it failed to parse.
fn strip_userinfo(url: &str) -> Cow<'_, str> {
    let authority_start = match url.find("://") {
        Some(i) if is_scheme(&url[..i]) => i + 3,
        _ if url.starts_with("//") => 2,
        _ => return Cow::Borrowed(url),
    };
    let rest = &url[authority_start..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    match authority.rfind('@') {
        Some(at) => Cow::Owned(format!("{}{}", &url[..authority_start], &rest[at + 1..])),
        None => Cow::Borrowed(url),
    }
}

fn is_scheme(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// The URL with credential parameter values redacted, or `None` when it has none.
fn redact_params(url: &str) -> Option<String> {
    let cut = url.find(['?', '#'])?;
    let (base, rest) = (&url[..cut], &url[cut + 1..]);
    let separator = &url[cut..=cut];
    let mut out = format!("{base}{separator}");
    let mut redacted = false;
    for part in rest.split_inclusive(['&', '#', '?']) {
        let (pair, end) = match part.strip_suffix(['&', '#', '?']) {
            Some(pair) => (pair, &part[pair.len()..]),
            None => (part, ""),
        };
        let name = url::form_urlencoded::parse(pair.as_bytes())
            .next()
            .map(|(name, _)| name);
        match (pair.split_once('='), name) {
            (Some((raw_name, _)), Some(name)) if is_credential_param(&name) => {
                redacted = true;
                out.push_str(raw_name);
                out.push_str("=<redacted>");
            }
            _ => out.push_str(pair),
        }
        out.push_str(end);
    }
    redacted.then_some(out)
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

    #[test]
    fn userinfo_and_key_like_parameters_are_redacted() {
        let cases = [
            (
                "https://user:pa55@idp.internal:8443/jwks?x=1",
                "https://idp.internal:8443/jwks?x=1",
            ),
            (
                "https://user@idp.internal/jwks",
                "https://idp.internal/jwks",
            ),
            ("https://u:p@q@idp.internal/a@b", "https://idp.internal/a@b"),
            ("//u:p@idp.internal/jwks", "//idp.internal/jwks"),
            // Not a valid URL, still no password.
            ("https://u:p a@idp internal/", "https://idp internal/"),
            (
                "https://idp.internal/jwks?api_key=K1&X-Amz-Signature=S1&tenant=t&sig=S2",
                "https://idp.internal/jwks?api_key=<redacted>&X-Amz-Signature=<redacted>\
                 &tenant=t&sig=<redacted>",
            ),
            (
                "https://u:p@idp.internal/jwks?Session_Id=S3",
                "https://idp.internal/jwks?Session_Id=<redacted>",
            ),
            ("/relative/path?token=T", "/relative/path?token=<redacted>"),
            ("/relative/path?next=1", "/relative/path?next=1"),
        ];
        for (url, expected) in cases {
            assert_eq!(redact_url(url), expected, "{url}");
        }
    }

    #[test]
    fn urls_inside_text_are_redacted() {
        let text = "http://u:p@127.0.0.1:9/jwks?api_key=K: Connection refused; \
                    https://a.example/x?code=C1 again";
        assert_eq!(
            redact_urls_in(text),
            "http://127.0.0.1:9/jwks?api_key=<redacted>: Connection refused; \
             https://a.example/x?code=<redacted> again"
        );
        assert!(matches!(
            redact_urls_in("io: connection reset (https://a.example/jwks)"),
            Cow::Borrowed(_)
        ));
        assert_eq!(redact_urls_in("://u:p@x"), "://u:p@x");
    }
}
