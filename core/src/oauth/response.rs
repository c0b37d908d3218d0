//! Token endpoint responses (RFC 6749 §5.1, RFC 8693 §2.2), in JSON or in the form encoding
//! GitHub answers with. An OAuth error in the answer (RFC 6749 §5.2) becomes an
//! [`Error`] carrying an [`OAuthErrorResponse`] (defined in [`crate::error`]).

use std::fmt;

use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind, OAuthErrorResponse, Result};
use crate::net::HttpResponse;

use super::secret::SecretString;

/// A successful token response (RFC 6749 §5.1), with the RFC 8693 `issued_token_type`.
///
/// `Debug` redacts the tokens and shows only the names of the extra members.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenResponse {
    /// The access token.
    pub access_token: SecretString,
    /// The token type, e.g. `Bearer` (as sent: GitHub says `bearer`). `Bearer` when the
    /// upstream leaves it out, as some do.
    pub token_type: String,
    /// Seconds the access token lives, when the upstream says.
    pub expires_in: Option<u64>,
    /// The refresh token, when one was issued.
    pub refresh_token: Option<SecretString>,
    /// The OpenID Connect ID token, when one was issued.
    pub id_token: Option<SecretString>,
    /// The granted scopes, when the upstream lists them (RFC 6749 §5.1: it may leave them
    /// out when they equal the requested ones).
    pub scopes: Option<Vec<String>>,
    /// The type of the issued token, for a token exchange (RFC 8693 §2.2.1).
    pub issued_token_type: Option<String>,
    /// Every other member, e.g. GitHub's `refresh_token_expires_in`.
    pub extra: Map<String, Value>,
}

impl TokenResponse {
    /// Parses a token endpoint response.
    ///
    /// The body is JSON, or `application/x-www-form-urlencoded` (GitHub's answer to a request
    /// without `Accept: application/json`); with no usable `Content-Type` the first byte
    /// decides. Scopes are split on spaces, or on commas when there is no space (GitHub).
    ///
    /// # Errors
    /// [`ErrorKind::OAuthUpstream`] when the upstream answered with an OAuth error (the
    /// error, its description and status are relayed through [`Error::upstream`], never
    /// turned into a 500), with a non-2xx status and no OAuth error (502), or with a body
    /// that is not a token response (502).
    pub fn parse(response: &HttpResponse) -> Result<Self> {
        let body = parse_body(response)?;
        if let Some(upstream) = OAuthErrorResponse::from_upstream(response.status, &body) {
            let message = match &upstream.error_description {
                Some(d) => format!(
                    "the upstream token endpoint answered {}: {d}",
                    upstream.error
                ),
                None => format!("the upstream token endpoint answered {}", upstream.error),
            };
            return Err(Error::new(ErrorKind::OAuthUpstream, message).with_upstream(upstream));
        }
        if !(200..300).contains(&response.status) {
            return Err(Error::new(
                ErrorKind::OAuthUpstream,
                format!(
                    "the upstream token endpoint answered HTTP {} without an OAuth error",
                    response.status
                ),
            ));
        }
        TokenResponse::from_members(body)
    }

    fn from_members(mut body: Map<String, Value>) -> Result<Self> {
        let access_token = match body.remove("access_token") {
            Some(Value::String(token)) if !token.is_empty() => SecretString::new(token),
            _ => {
                return Err(Error::new(
                    ErrorKind::OAuthUpstream,
                    "the upstream token response has no access_token (RFC 6749 §5.1)",
                ));
            }
        };
        let token_type = match body.remove("token_type") {
            Some(Value::String(t)) if !t.is_empty() => t,
            _ => String::from("Bearer"),
        };
        let expires_in = body.remove("expires_in").and_then(|v| seconds(&v));
        let refresh_token = take_secret(&mut body, "refresh_token");
        let id_token = take_secret(&mut body, "id_token");
        let scopes = match body.remove("scope") {
            Some(Value::String(s)) => Some(crate::scope::of_token_response(&s)),
            _ => None,
        };
        let issued_token_type = match body.remove("issued_token_type") {
            Some(Value::String(t)) => Some(t),
            _ => None,
        };
        Ok(TokenResponse {
            access_token,
            token_type,
            expires_in,
            refresh_token,
            id_token,
            scopes,
            issued_token_type,
            extra: body,
        })
    }

    /// When the access token expires, in Unix seconds, given the time `now` the response
    /// was received.
    pub fn expires_at(&self, now: u64) -> Option<u64> {
        self.expires_in.map(|e| now.saturating_add(e))
    }

    /// The response as a JSON token response (RFC 6749 §5.1), for a proxy answering its own
    /// client. The body contains the tokens: send it, never log it.
    pub fn to_json(&self) -> String {
        let mut out = self.extra.clone();
        out.insert("access_token".into(), self.access_token.expose().into());
        out.insert("token_type".into(), self.token_type.clone().into());
        if let Some(e) = self.expires_in {
            out.insert("expires_in".into(), e.into());
        }
        if let Some(r) = &self.refresh_token {
            out.insert("refresh_token".into(), r.expose().into());
        }
        if let Some(i) = &self.id_token {
            out.insert("id_token".into(), i.expose().into());
        }
        if let Some(s) = &self.scopes {
            out.insert("scope".into(), s.join(" ").into());
        }
        if let Some(t) = &self.issued_token_type {
            out.insert("issued_token_type".into(), t.clone().into());
        }
        Value::Object(out).to_string()
    }
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Extra members may hold more tokens (Slack nests a user token, for one): names only.
        let extra: Vec<&str> = self.extra.keys().map(String::as_str).collect();
        f.debug_struct("TokenResponse")
            .field("access_token", &self.access_token)
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("refresh_token", &self.refresh_token)
            .field("id_token", &self.id_token)
            .field("scopes", &self.scopes)
            .field("issued_token_type", &self.issued_token_type)
            .field("extra", &extra)
            .finish()
    }
}

/// Checks the `iss` parameter of the upstream's authorization response (the redirect to the
/// proxy's callback) against the upstream's `issuer` (RFC 9207 §2.4): when present it must
/// equal the issuer exactly, and when the upstream's metadata says
/// `authorization_response_iss_parameter_supported` (`required`), it must be present. This
/// defeats mix-up attacks, where a response from another authorization server is injected
/// into this flow. Check it before redeeming the code.
///
/// # Errors
/// [`ErrorKind::InvalidRequest`] (`invalid_request`, reason `iss`) naming what differs.
pub fn check_authorization_response_issuer(
    iss: Option<&str>,
    issuer: &str,
    required: bool,
) -> Result<()> {
    match iss {
        Some(iss) if iss == issuer => Ok(()),
        Some(iss) => Err(Error::new(
            ErrorKind::InvalidRequest,
            format!(
                "the authorization response's iss {} is not the upstream's issuer {} \
                 (RFC 9207): the response may come from another authorization server; start \
                 the authorization again",
                crate::net::quote_url(iss),
                crate::net::quote_url(issuer)
            ),
        )
        .with_reason("iss")),
        None if required => Err(Error::new(
            ErrorKind::InvalidRequest,
            format!(
                "the authorization response has no iss, and the upstream {} says it sends one \
                 (RFC 9207 §2.4)",
                crate::net::quote_url(issuer)
            ),
        )
        .with_reason("iss")),
        None => Ok(()),
    }
}

/// The body as a JSON object, from JSON or from the form encoding.
fn parse_body(response: &HttpResponse) -> Result<Map<String, Value>> {
    let media_type = response.header("content-type").map(|ct| {
        ct.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    });
    let is_json = match media_type.as_deref() {
        Some("application/json") => true,
        Some(mt) if mt.ends_with("+json") => true,
        Some("application/x-www-form-urlencoded") | Some("text/plain") => false,
        _ => response.body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{'),
    };
    if is_json {
        return match serde_json::from_slice::<Value>(&response.body) {
            Ok(Value::Object(map)) => Ok(map),
            _ => Err(unusable_body(response.status, "JSON object")),
        };
    }
    let text = std::str::from_utf8(&response.body)
        .map_err(|_| unusable_body(response.status, "form-encoded body"))?;
    let mut map = Map::new();
    for (k, v) in url::form_urlencoded::parse(text.trim().as_bytes()) {
        // RFC 6749 §3.1: parameters must not repeat; keep the first rather than guess.
        map.entry(k.into_owned())
            .or_insert_with(|| Value::String(v.into_owned()));
    }
    if map.is_empty() {
        return Err(unusable_body(response.status, "form-encoded body"));
    }
    Ok(map)
}

fn unusable_body(status: u16, expected: &str) -> Error {
    Error::new(
        ErrorKind::OAuthUpstream,
        format!(
            "the upstream token endpoint answered HTTP {status} with a body that is not a {expected}"
        ),
    )
}

fn take_secret(body: &mut Map<String, Value>, name: &str) -> Option<SecretString> {
    match body.remove(name) {
        Some(Value::String(s)) if !s.is_empty() => Some(SecretString::new(s)),
        _ => None,
    }
}

/// `expires_in` as a number or, from form bodies and some JSON ones, a decimal string.
fn seconds(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && *f >= 0.0)
                .map(|f| f as u64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::error::MAX_DESCRIPTION_CHARS;

    fn response(status: u16, content_type: Option<&str>, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: content_type
                .map(|ct| vec![("Content-Type".to_owned(), ct.to_owned())])
                .unwrap_or_default(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn rfc6749_s5_1_example_json() {
        let r = response(
            200,
            Some("application/json;charset=UTF-8"),
            r#"{"access_token":"2YotnFZFEjr1zCsicMWpAA","token_type":"example","expires_in":3600,
               "refresh_token":"tGzv3JOkF0XG5Qx2TlKWIA","example_parameter":"example_value"}"#,
        );
        let t = TokenResponse::parse(&r).unwrap();
        assert_eq!(t.access_token.expose(), "2YotnFZFEjr1zCsicMWpAA");
        assert_eq!(t.token_type, "example");
        assert_eq!(t.expires_in, Some(3600));
        assert_eq!(t.expires_at(1_000), Some(4_600));
        assert_eq!(
            t.refresh_token.as_ref().unwrap().expose(),
            "tGzv3JOkF0XG5Qx2TlKWIA"
        );
        assert_eq!(t.extra["example_parameter"], "example_value");
        let json: Value = serde_json::from_str(&t.to_json()).unwrap();
        assert_eq!(json["access_token"], "2YotnFZFEjr1zCsicMWpAA");
        assert_eq!(json["example_parameter"], "example_value");
    }

    #[test]
    fn github_form_encoded_without_accept_json() {
        // GitHub's documented answer when the request has no `Accept: application/json`.
        let r = response(
            200,
            Some("application/x-www-form-urlencoded; charset=utf-8"),
            "access_token=gho_16C7e42F292c6912E7710c838347Ae178B4a&scope=repo%2Cgist&token_type=bearer",
        );
        let t = TokenResponse::parse(&r).unwrap();
        assert_eq!(
            t.access_token.expose(),
            "gho_16C7e42F292c6912E7710c838347Ae178B4a"
        );
        assert_eq!(t.token_type, "bearer");
        assert_eq!(t.scopes, Some(vec!["repo".to_owned(), "gist".to_owned()]));
        // Without a content type, the body's first byte decides.
        let sniffed = response(200, None, "access_token=abc&expires_in=28800");
        assert_eq!(
            TokenResponse::parse(&sniffed).unwrap().expires_in,
            Some(28_800)
        );
    }

    #[test]
    fn github_error_with_200_status_is_relayed_as_400() {
        let r = response(
            200,
            Some("application/x-www-form-urlencoded"),
            "error=bad_verification_code&error_description=The+code+passed+is+incorrect+or+expired.\
             &error_uri=https%3A%2F%2Fdocs.github.com%2Fapps",
        );
        let err = TokenResponse::parse(&r).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OAuthUpstream);
        assert_eq!(err.oauth_error(), "bad_verification_code");
        assert_eq!(err.http_status(), 400);
        let upstream = err.upstream().unwrap();
        assert_eq!(
            upstream.error_description.as_deref(),
            Some("The code passed is incorrect or expired.")
        );
        assert_eq!(
            upstream.error_uri.as_deref(),
            Some("https://docs.github.com/apps")
        );
    }

    #[test]
    fn rfc6749_s5_2_invalid_grant_relayed_with_status_not_500() {
        let r = response(
            400,
            Some("application/json"),
            r#"{"error":"invalid_grant","error_description":"Code expired"}"#,
        );
        let err = TokenResponse::parse(&r).unwrap_err();
        assert_eq!(err.code(), "ERR_OAUTH_UPSTREAM");
        assert_eq!(err.oauth_error(), "invalid_grant");
        assert_eq!(err.http_status(), 400);
        assert!(err.message().contains("Code expired"));
        let relay = OAuthErrorResponse::from_error(&err);
        assert_eq!(relay.status, 400);
        assert_eq!(
            relay.to_json(),
            r#"{"error":"invalid_grant","error_description":"Code expired"}"#
        );

        let own = OAuthErrorResponse::from_error(&Error::new(ErrorKind::InvalidConfig, "x"));
        assert_eq!((own.status, own.error.as_str()), (500, "server_error"));
        let own = OAuthErrorResponse::from_error(&Error::new(ErrorKind::OAuthInvalidGrant, "x"));
        assert_eq!((own.status, own.error.as_str()), (400, "invalid_grant"));

        let unauthorized = response(
            401,
            Some("application/json"),
            r#"{"error":"invalid_client"}"#,
        );
        let err = TokenResponse::parse(&unauthorized).unwrap_err();
        assert_eq!(
            (err.oauth_error(), err.http_status()),
            ("invalid_client", 401)
        );
    }

    #[test]
    fn upstream_failures_without_oauth_error_are_502() {
        let html = response(503, Some("text/html"), "<html>down</html>");
        let err = TokenResponse::parse(&html).unwrap_err();
        assert_eq!(
            (err.kind(), err.http_status()),
            (ErrorKind::OAuthUpstream, 502)
        );
        assert_eq!(err.oauth_error(), "server_error");
        assert!(err.upstream().is_none());

        let oauth_5xx = response(
            500,
            Some("application/json"),
            r#"{"error":"temporarily_unavailable"}"#,
        );
        let err = TokenResponse::parse(&oauth_5xx).unwrap_err();
        assert_eq!(
            (err.oauth_error(), err.http_status()),
            ("temporarily_unavailable", 502)
        );

        let no_token = response(200, Some("application/json"), r#"{"token_type":"Bearer"}"#);
        assert_eq!(
            TokenResponse::parse(&no_token).unwrap_err().http_status(),
            502
        );
        let not_object = response(200, Some("application/json"), "[1]");
        assert_eq!(
            TokenResponse::parse(&not_object).unwrap_err().kind(),
            ErrorKind::OAuthUpstream
        );
    }

    #[test]
    fn rfc8693_s2_2_1_token_exchange_response() {
        let r = response(
            200,
            Some("application/json"),
            r#"{"access_token":"eyJhbGciOiJFUzI1NiIsImtpZCI6IjllciJ9.e30.sig",
                "issued_token_type":"urn:ietf:params:oauth:token-type:access_token",
                "token_type":"Bearer","expires_in":"60"}"#,
        );
        let t = TokenResponse::parse(&r).unwrap();
        assert_eq!(
            t.issued_token_type.as_deref(),
            Some("urn:ietf:params:oauth:token-type:access_token")
        );
        assert_eq!(t.expires_in, Some(60));
        assert!(t.refresh_token.is_none());
    }

    #[test]
    fn rfc9207_s2_4_iss_checked_when_present_and_when_promised() {
        let issuer = "https://idp.example.com";
        assert!(check_authorization_response_issuer(Some(issuer), issuer, true).is_ok());
        assert!(check_authorization_response_issuer(Some(issuer), issuer, false).is_ok());
        assert!(check_authorization_response_issuer(None, issuer, false).is_ok());
        for (iss, required) in [
            (Some("https://attacker.example"), false),
            (Some("https://idp.example.com/"), true),
            (Some("https://IDP.example.com"), false),
            (None, true),
        ] {
            let err = check_authorization_response_issuer(iss, issuer, required).unwrap_err();
            assert_eq!(
                (
                    err.kind(),
                    err.reason(),
                    err.oauth_error(),
                    err.http_status()
                ),
                (
                    ErrorKind::InvalidRequest,
                    Some("iss"),
                    "invalid_request",
                    400
                ),
                "{iss:?}"
            );
            assert!(err.message().contains("RFC 9207"), "{err}");
        }
        let long = format!("https://a.example/{}\n", "x".repeat(5000));
        let err = check_authorization_response_issuer(Some(&long), issuer, false).unwrap_err();
        assert!(
            err.message().len() < 600 && !err.message().contains('\n'),
            "{err}"
        );
    }

    #[test]
    fn upstream_description_is_cut_and_cleaned() {
        let long = "x".repeat(2000);
        let body = format!(r#"{{"error":"invalid_request","error_description":"a\r\nb{long}"}}"#);
        let err =
            TokenResponse::parse(&response(400, Some("application/json"), &body)).unwrap_err();
        let d = err.upstream().unwrap().error_description.clone().unwrap();
        assert_eq!(d.chars().count(), MAX_DESCRIPTION_CHARS);
        assert!(d.starts_with("a  b"));
    }
}
