//! The upstream provider's token set, kept by the host for a signed-in user so that tools can
//! call the provider's APIs (what mcp-oidc-provider's `getIdpTokens` hands out), and its
//! refresh before the access token expires.

use std::fmt;

use super::client_auth::ClientAuth;
use super::response::TokenResponse;
use super::secret::SecretString;
use super::token_request::{Grant, TokenRequest};
use crate::error::{Error, ErrorKind, Result};

/// Default for the `margin` of [`UpstreamTokens::needs_refresh`]: refresh a minute early so a
/// tool call never starts with a token about to expire.
pub const DEFAULT_REFRESH_MARGIN_SECS: u64 = 60;

/// The tokens the upstream provider issued for one user. `Debug` redacts every token.
#[derive(Clone, PartialEq, Eq)]
pub struct UpstreamTokens {
    /// The upstream access token, for calling the provider's APIs.
    pub access_token: SecretString,
    /// The token type (`Bearer`).
    pub token_type: String,
    /// The ID token, when the provider issued one.
    pub id_token: Option<SecretString>,
    /// The refresh token, when the provider issued one.
    pub refresh_token: Option<SecretString>,
    /// When the access token expires (Unix seconds), when the provider said.
    pub expires_at: Option<u64>,
    /// The granted scopes, when the provider listed them.
    pub scopes: Vec<String>,
}

impl fmt::Debug for UpstreamTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpstreamTokens")
            .field("access_token", &"<redacted>")
            .field("id_token", &self.id_token.as_ref().map(|_| "<redacted>"))
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .finish()
    }
}

impl UpstreamTokens {
    /// The token set of a token response received at `now` (Unix seconds).
    pub fn from_response(response: &TokenResponse, now: u64) -> UpstreamTokens {
        UpstreamTokens {
            access_token: response.access_token.clone(),
            token_type: response.token_type.clone(),
            id_token: response.id_token.clone(),
            refresh_token: response.refresh_token.clone(),
            expires_at: response.expires_at(now),
            scopes: response.scopes.clone().unwrap_or_default(),
        }
    }

    /// Whether the access token expires within `margin_secs` of `now` and can be refreshed.
    /// Any margin is accepted (see [`DEFAULT_REFRESH_MARGIN_SECS`]): the sum saturates, so
    /// `u64::MAX` means "refresh whenever an expiry is known".
    pub fn needs_refresh(&self, now: u64, margin_secs: u64) -> bool {
        self.refresh_token.is_some()
            && self
                .expires_at
                .is_some_and(|exp| exp <= now.saturating_add(margin_secs))
    }

    /// The refresh request (RFC 6749 §6) for this set.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`] when the provider issued no refresh token.
    pub fn refresh_request(
        &self,
        token_endpoint: &str,
        client_id: &str,
        client_auth: ClientAuth,
    ) -> Result<TokenRequest> {
        let refresh_token = self.refresh_token.clone().ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidRequest,
                "the upstream issued no refresh token: ask for offline access (e.g. Google's \
                 access_type=offline, the offline_access scope) to be able to refresh",
            )
        })?;
        let mut request = TokenRequest::new(
            token_endpoint,
            client_id,
            Grant::RefreshToken {
                refresh_token,
                scopes: Vec::new(),
            },
        );
        request.client_auth = client_auth;
        Ok(request)
    }

    /// The set after a refresh answered with `response` at `now`. A provider that does not
    /// rotate refresh tokens leaves `refresh_token` out; the old one is then kept (RFC 6749
    /// §6), and so are the ID token and scopes when the response omits them.
    pub fn refreshed(&self, response: &TokenResponse, now: u64) -> UpstreamTokens {
        let mut next = UpstreamTokens::from_response(response, now);
        if next.refresh_token.is_none() {
            next.refresh_token = self.refresh_token.clone();
        }
        if next.id_token.is_none() {
            next.id_token = self.id_token.clone();
        }
        if next.scopes.is_empty() {
            next.scopes = self.scopes.clone();
        }
        next
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::net::HttpResponse;

    fn response(body: &str) -> TokenResponse {
        TokenResponse::parse(&HttpResponse {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        })
        .unwrap()
    }

    #[test]
    fn rfc6749_s6_refresh_keeps_the_old_refresh_token_when_not_rotated() {
        let first = UpstreamTokens::from_response(
            &response(
                r#"{"access_token":"a1","refresh_token":"r1","expires_in":3600,"scope":"openid email"}"#,
            ),
            1000,
        );
        assert_eq!(first.expires_at, Some(4600));
        assert!(!first.needs_refresh(1000, DEFAULT_REFRESH_MARGIN_SECS));
        assert!(first.needs_refresh(4550, DEFAULT_REFRESH_MARGIN_SECS));
        let req = first
            .refresh_request("https://idp.example.com/token", "c", ClientAuth::None)
            .unwrap();
        let http = req.http_request().unwrap();
        let body = String::from_utf8(http.body.clone()).unwrap();
        assert!(body.contains("grant_type=refresh_token") && body.contains("refresh_token=r1"));
        let next = first.refreshed(
            &response(r#"{"access_token":"a2","expires_in":3600}"#),
            4550,
        );
        assert_eq!(next.access_token.expose(), "a2");
        assert_eq!(
            next.refresh_token.as_ref().map(SecretString::expose),
            Some("r1")
        );
        assert_eq!(next.scopes, ["openid", "email"]);
        assert!(!format!("{next:?}").contains("a2"));
    }

    #[test]
    fn no_refresh_token_says_how_to_get_one() {
        let t = UpstreamTokens::from_response(&response(r#"{"access_token":"a1"}"#), 0);
        assert!(!t.needs_refresh(0, 60));
        let e = t
            .refresh_request("https://idp.example.com/token", "c", ClientAuth::None)
            .unwrap_err();
        assert!(e.message().contains("offline"));
    }
}
