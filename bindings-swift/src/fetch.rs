//! The host's own HTTP client as the key fetcher: [`HttpFetcher`], a trait a Swift app
//! implements with `URLSession` (the Python tests implement it too), adapted to the core's
//! [`mcp_bearer::net::Fetch`]. The core still decides everything (when to fetch, the
//! cooldown, the single flight, the status, redirect and size checks); the host only sends
//! the request it is handed.

use std::fmt;
use std::sync::Arc;

use mcp_bearer::net::{self, FetchError};

/// A request the host sends as is: built by the core, never followed across redirects. An
/// object, not a record, so that printing it never shows a body or an `Authorization` value
/// (its description is the core's redacted one).
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct HttpRequest {
    pub(crate) inner: net::HttpRequest,
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

/// One header: name and value.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HttpHeader {
    /// The header name.
    pub name: String,
    /// The header value.
    pub value: String,
}

fn headers_of(pairs: &[(String, String)]) -> Vec<HttpHeader> {
    pairs
        .iter()
        .map(|(name, value)| HttpHeader {
            name: name.clone(),
            value: value.clone(),
        })
        .collect()
}

#[uniffi::export]
impl HttpRequest {
    /// `GET` or `POST`.
    pub fn method(&self) -> String {
        self.inner.method.as_str().to_owned()
    }

    /// The absolute URL.
    pub fn url(&self) -> String {
        self.inner.url.clone()
    }

    /// The headers to send, in order.
    pub fn headers(&self) -> Vec<HttpHeader> {
        headers_of(&self.inner.headers)
    }

    /// The body (empty for `GET`).
    pub fn body(&self) -> Vec<u8> {
        self.inner.body.clone()
    }

    /// How long the whole exchange may take, in seconds: the host's client must give up
    /// after that and answer [`FetchFailure::Timeout`].
    pub fn timeout_seconds(&self) -> f64 {
        self.inner.timeout.as_secs_f64()
    }

    /// The largest body the core accepts; the host may stop reading past it and answer
    /// [`FetchFailure::TooLarge`].
    pub fn max_response_bytes(&self) -> u64 {
        u64::try_from(self.inner.max_response_bytes).unwrap_or(u64::MAX)
    }
}

/// The answer to a request, whatever its status (a 3xx, 4xx or 5xx is an answer too).
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The response headers, in order. Defaults to none.
    #[uniffi(default)]
    pub headers: Vec<HttpHeader>,
    /// The body.
    pub body: Vec<u8>,
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

impl From<HttpResponse> for net::HttpResponse {
    fn from(r: HttpResponse) -> Self {
        net::HttpResponse {
            status: r.status,
            headers: r.headers.into_iter().map(|h| (h.name, h.value)).collect(),
            body: r.body,
        }
    }
}

/// Why the host's client got no answer.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
pub enum FetchFailure {
    /// The exchange did not finish within the request's timeout (`ERR_JWKS_TIMEOUT`).
    Timeout {
        /// What happened, for the operator's logs.
        message: String,
    },
    /// The body was larger than the request's `max_response_bytes`.
    TooLarge {
        /// What happened, for the operator's logs.
        message: String,
    },
    /// Anything else: DNS, connection refused, TLS, a broken response.
    Transport {
        /// What happened, for the operator's logs.
        message: String,
    },
}

impl fmt::Display for FetchFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchFailure::Timeout { message }
            | FetchFailure::TooLarge { message }
            | FetchFailure::Transport { message } => f.write_str(message),
        }
    }
}

impl std::error::Error for FetchFailure {}

/// An exception the host's implementation threw that is not a [`FetchFailure`] is a
/// transport failure, not a crash.
impl From<uniffi::UnexpectedUniFFICallbackError> for FetchFailure {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        FetchFailure::Transport {
            message: format!("the host's HTTP client failed: {}", e.reason),
        }
    }
}

/// The host's HTTP client (a Swift app's `URLSession`). `fetch` is called on the thread
/// that called `verify`/`refreshKeys` (never with `verifyCached`, which does no I/O) and
/// blocks it until the exchange ends: it must not follow redirects, must honour
/// `timeoutSeconds()`, and must return every status as an [`HttpResponse`].
#[uniffi::export(with_foreign)]
pub trait HttpFetcher: Send + Sync {
    /// Sends `request` and returns the answer, or why there is none.
    fn fetch(&self, request: Arc<HttpRequest>) -> Result<HttpResponse, FetchFailure>;
}

/// [`HttpFetcher`] as the core's `Fetch`.
pub(crate) struct HostFetch(pub(crate) Arc<dyn HttpFetcher>);

impl fmt::Debug for HostFetch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HostFetch")
    }
}

impl net::Fetch for HostFetch {
    fn fetch(&self, request: &net::HttpRequest) -> Result<net::HttpResponse, FetchError> {
        let request = Arc::new(HttpRequest {
            inner: request.clone(),
        });
        match self.0.fetch(request) {
            Ok(response) => Ok(response.into()),
            Err(FetchFailure::Timeout { message }) => Err(FetchError::Timeout(message)),
            Err(FetchFailure::TooLarge { message }) => Err(FetchError::TooLarge(message)),
            Err(FetchFailure::Transport { message }) => Err(FetchError::Transport(message)),
        }
    }
}
