//! The OAuth error response (RFC 6749 §5.2): what a token or registration endpoint answers
//! with, and what an upstream authorization server's refusal is relayed as. It lives with
//! [`Error`] because an error carries one ([`Error::upstream`]).

use serde::Serialize;
use serde_json::{Map, Value};

use super::Error;

/// The longest `error_description` relayed from an upstream, in characters; a longer one is
/// cut, so a hostile or broken upstream cannot make the proxy's answers arbitrarily large.
pub(crate) const MAX_DESCRIPTION_CHARS: usize = 512;

/// An OAuth error response (RFC 6749 §5.2): what a token or registration endpoint answers
/// with, and what the proxy relays from its upstream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OAuthErrorResponse {
    /// The HTTP status to answer with. For a relayed upstream error, the upstream's 4xx
    /// status; a 2xx or 3xx carrying an error becomes 400 and a 5xx becomes 502, because the
    /// failure is the upstream's and not this server's.
    #[serde(skip)]
    pub status: u16,
    /// The error code, e.g. `invalid_grant`.
    pub error: String,
    /// The human-readable description, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
    /// A page about the error, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_uri: Option<String>,
}

impl OAuthErrorResponse {
    /// The response for `error`: the relayed upstream error when there is one, otherwise the
    /// kind's OAuth code (`server_error` for a failure on this server's side), a description
    /// and the kind's status. The description is the message for a request the client can
    /// fix (4xx, about what it sent), and [`Error::public_description`] for a failure on the
    /// server's side (5xx), whose message may name internal hosts.
    pub fn from_error(error: &Error) -> Self {
        if let Some(upstream) = error.upstream() {
            return upstream.clone();
        }
        let code = match error.oauth_error() {
            _ if error.http_status() >= 500 => "server_error",
            "" => "invalid_request",
            code => code,
        };
        OAuthErrorResponse {
            status: error.http_status(),
            error: code.to_owned(),
            error_description: Some(if error.http_status() >= 500 {
                error.public_description()
            } else {
                error.message().to_owned()
            }),
            error_uri: None,
        }
    }

    /// The JSON body, e.g. `{"error":"invalid_grant","error_description":"…"}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{\"error\":\"server_error\"}"))
    }

    /// Reads an upstream error from a parsed body, mapping the status as documented on
    /// [`status`](OAuthErrorResponse::status). `None` when the body has no `error` string.
    pub(crate) fn from_upstream(status: u16, body: &Map<String, Value>) -> Option<Self> {
        let error = body.get("error")?.as_str()?.trim();
        if error.is_empty() {
            return None;
        }
        let status = match status {
            400..=499 => status,
            500..=599 => 502,
            _ => 400,
        };
        Some(OAuthErrorResponse {
            status,
            error: printable(error, 64),
            error_description: body
                .get("error_description")
                .and_then(Value::as_str)
                .map(|d| printable(d, MAX_DESCRIPTION_CHARS)),
            error_uri: body
                .get("error_uri")
                .and_then(Value::as_str)
                .map(|u| printable(u, 512)),
        })
    }
}

/// `text` cut to `max` characters, with control characters (which would break a header or
/// a log line) replaced by spaces.
fn printable(text: &str, max: usize) -> String {
    text.chars()
        .take(max)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
