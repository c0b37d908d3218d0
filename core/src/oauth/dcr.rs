//! Dynamic client registration (RFC 7591), answered with a sealed client id of the client's
//! own ([`ClientRegistration::sealed`]) or with the one pre-registered client id
//! ([`ClientRegistration::for_pre_registered_client`]).
//!
//! An upstream such as Google or GitHub has no registration endpoint, but MCP clients
//! register before they authorize. The proxy answers their registration with its own
//! client id, after checking the redirect URIs they ask for against its
//! [`RedirectUriPolicy`]. Every client is public (`token_endpoint_auth_method: none`): the
//! upstream client secret stays with the proxy.

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};

use super::redirect::RedirectUriPolicy;
use super::registration::SealedRegistrationOptions;
use super::state::StateKey;

/// The largest registration request body accepted.
pub const MAX_REGISTRATION_BYTES: usize = 16 * 1024;

/// The most redirect URIs one registration may ask for.
pub const MAX_REDIRECT_URIS: usize = 20;

/// Grant types the proxy serves its clients.
const SUPPORTED_GRANT_TYPES: &[&str] = &["authorization_code", "refresh_token"];

/// A client registration request (RFC 7591 §2, §3.1): the members the proxy reads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ClientRegistrationRequest {
    /// The redirect URIs the client will use. Defaults to none, which is refused.
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    /// A name to show the user. Defaults to none.
    pub client_name: Option<String>,
    /// The client's home page. Defaults to none.
    pub client_uri: Option<String>,
    /// Grant types the client will use. Defaults to `["authorization_code"]` (RFC 7591 §2).
    #[serde(default)]
    pub grant_types: Vec<String>,
    /// Response types the client will use. Defaults to `["code"]` (RFC 7591 §2).
    #[serde(default)]
    pub response_types: Vec<String>,
    /// How the client would like to authenticate; the proxy always answers `none`.
    /// Defaults to none.
    pub token_endpoint_auth_method: Option<String>,
    /// Space-separated scopes the client will ask for. Defaults to none.
    pub scope: Option<String>,
    /// The client software's id. Defaults to none.
    pub software_id: Option<String>,
    /// The client software's version. Defaults to none.
    pub software_version: Option<String>,
}

impl ClientRegistrationRequest {
    /// Parses a registration request body (JSON, at most [`MAX_REGISTRATION_BYTES`]).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidClientMetadata`] when the body is too large, not JSON, or a
    /// member has the wrong type.
    pub fn parse(body: &[u8]) -> Result<Self> {
        if body.len() > MAX_REGISTRATION_BYTES {
            return Err(Error::new(
                ErrorKind::InvalidClientMetadata,
                format!("the registration request is larger than {MAX_REGISTRATION_BYTES} bytes"),
            ));
        }
        serde_json::from_slice(body).map_err(|e| {
            Error::new(
                ErrorKind::InvalidClientMetadata,
                format!(
                    "the registration request is not valid client metadata (RFC 7591 §2): {}",
                    crate::untrusted::clip(&e.to_string(), 256)
                ),
            )
        })
    }
}

/// The registration response (RFC 7591 §3.2.1), sent with status
/// [`ClientRegistration::STATUS`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientRegistration {
    /// The client id to use at the proxy.
    pub client_id: String,
    /// When the registration happened, in Unix seconds.
    pub client_id_issued_at: u64,
    /// The accepted redirect URIs, as sent.
    pub redirect_uris: Vec<String>,
    /// The granted grant types.
    pub grant_types: Vec<String>,
    /// The granted response types: `["code"]`.
    pub response_types: Vec<String>,
    /// Always `none`: the clients of the proxy are public and use PKCE.
    pub token_endpoint_auth_method: String,
    /// The client's name, echoed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
    /// The client's home page, echoed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_uri: Option<String>,
    /// The scopes, echoed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The software id, echoed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software_id: Option<String>,
    /// The software version, echoed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software_version: Option<String>,
}

impl ClientRegistration {
    /// The HTTP status of a successful registration (RFC 7591 §3.2.1).
    pub const STATUS: u16 = 201;

    /// Registers the client that sent `request` as `client_id` (the proxy's pre-registered
    /// client id), at time `now` (Unix seconds).
    ///
    /// # Errors
    /// [`ErrorKind::RedirectUriRejected`] (`invalid_redirect_uri`) when there is no redirect
    /// URI or one fails `policy`; [`ErrorKind::InvalidClientMetadata`]
    /// (`invalid_client_metadata`) for too many redirect URIs, or a grant or response type
    /// the proxy does not serve.
    pub fn for_pre_registered_client(
        request: &ClientRegistrationRequest,
        client_id: &str,
        policy: &RedirectUriPolicy,
        now: u64,
    ) -> Result<Self> {
        let (grant_types, response_types) = check_request(request, policy)?;
        Ok(ClientRegistration {
            client_id: client_id.to_owned(),
            client_id_issued_at: now,
            redirect_uris: request.redirect_uris.clone(),
            grant_types,
            response_types,
            token_endpoint_auth_method: String::from("none"),
            client_name: request.client_name.clone(),
            client_uri: request.client_uri.clone(),
            scope: request.scope.clone(),
            software_id: request.software_id.clone(),
            software_version: request.software_version.clone(),
        })
    }

    /// Registers the client that sent `request` under a client id of its own: its redirect
    /// URIs, name, home page and the time `now` (Unix seconds), sealed under `key` (HMAC, as
    /// [`super::ProxyState`]), so that the authorize endpoint accepts only the redirect URIs
    /// this client registered ([`super::RegisteredClient::open`]) without any store shared
    /// between the server's instances.
    ///
    /// # Errors
    /// As [`for_pre_registered_client`](Self::for_pre_registered_client);
    /// [`ErrorKind::InvalidClientMetadata`] also for a `client_uri` that is not an `https`
    /// URL, or a registration too large to seal (more than
    /// [`super::MAX_SEALED_CLIENT_ID_BYTES`]); [`ErrorKind::InvalidConfig`] when
    /// `options.ttl` is outside [`super::REGISTRATION_TTL_RANGE`].
    pub fn sealed(
        request: &ClientRegistrationRequest,
        key: &StateKey,
        policy: &RedirectUriPolicy,
        now: u64,
        options: &SealedRegistrationOptions,
    ) -> Result<Self> {
        options.validate()?;
        let (grant_types, response_types) = check_request(request, policy)?;
        let client_id = super::registration::seal(request, key, now, options)?;
        Ok(ClientRegistration {
            client_id,
            client_id_issued_at: now,
            redirect_uris: request.redirect_uris.clone(),
            grant_types,
            response_types,
            token_endpoint_auth_method: String::from("none"),
            client_name: request.client_name.clone(),
            client_uri: request.client_uri.clone(),
            scope: request.scope.clone(),
            software_id: request.software_id.clone(),
            software_version: request.software_version.clone(),
        })
    }

    /// The JSON body.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{}"))
    }
}

/// The checks every registration passes: redirect URIs present, not too many, each accepted
/// by `policy`; grant and response types the proxy serves. Returns those types, defaulted.
fn check_request(
    request: &ClientRegistrationRequest,
    policy: &RedirectUriPolicy,
) -> Result<(Vec<String>, Vec<String>)> {
    if request.redirect_uris.is_empty() {
        return Err(Error::new(
            ErrorKind::RedirectUriRejected,
            "the registration has no redirect_uris; the authorization code flow needs at \
             least one (RFC 7591 §2)",
        ));
    }
    if request.redirect_uris.len() > MAX_REDIRECT_URIS {
        return Err(Error::new(
            ErrorKind::InvalidClientMetadata,
            format!("the registration has more than {MAX_REDIRECT_URIS} redirect_uris"),
        ));
    }
    for uri in &request.redirect_uris {
        policy.check(uri)?;
    }
    let grant_types = or_default(&request.grant_types, "authorization_code");
    check_grant_types(&grant_types).map_err(|m| Error::new(ErrorKind::InvalidClientMetadata, m))?;
    let response_types = or_default(&request.response_types, "code");
    check_response_types(&response_types)
        .map_err(|m| Error::new(ErrorKind::InvalidClientMetadata, m))?;
    Ok((grant_types, response_types))
}

/// Every grant type must be one the proxy serves; the message otherwise.
pub(super) fn check_grant_types(grant_types: &[String]) -> std::result::Result<(), String> {
    match grant_types
        .iter()
        .find(|g| !SUPPORTED_GRANT_TYPES.contains(&g.as_str()))
    {
        Some(g) => Err(format!(
            "grant type {} is not served by this server; use authorization_code and \
             refresh_token",
            crate::untrusted::quote(g)
        )),
        None => Ok(()),
    }
}

/// Every response type must be `code`; the message otherwise.
pub(super) fn check_response_types(response_types: &[String]) -> std::result::Result<(), String> {
    match response_types.iter().find(|r| *r != "code") {
        Some(r) => Err(format!(
            "response type {} is not served by this server; use code",
            crate::untrusted::quote(r)
        )),
        None => Ok(()),
    }
}

fn or_default(values: &[String], default: &str) -> Vec<String> {
    if values.is_empty() {
        vec![default.to_owned()]
    } else {
        values.to_vec()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::oauth::OAuthErrorResponse;

    const NOW: u64 = 1_750_000_000;

    #[test]
    fn rfc7591_s3_1_mcp_client_registration() {
        // What the MCP TypeScript SDK sends for Claude Code and the Inspector.
        let body = br#"{
            "redirect_uris": ["http://localhost:6274/oauth/callback"],
            "token_endpoint_auth_method": "none",
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "client_name": "MCP Inspector",
            "client_uri": "https://github.com/modelcontextprotocol/inspector"
        }"#;
        let request = ClientRegistrationRequest::parse(body).unwrap();
        let reg = ClientRegistration::for_pre_registered_client(
            &request,
            "proxy-client",
            &RedirectUriPolicy::default(),
            NOW,
        )
        .unwrap();
        let json: serde_json::Value = serde_json::from_str(&reg.to_json()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "client_id": "proxy-client",
                "client_id_issued_at": NOW,
                "redirect_uris": ["http://localhost:6274/oauth/callback"],
                "grant_types": ["authorization_code", "refresh_token"],
                "response_types": ["code"],
                "token_endpoint_auth_method": "none",
                "client_name": "MCP Inspector",
                "client_uri": "https://github.com/modelcontextprotocol/inspector"
            })
        );
        assert_eq!(ClientRegistration::STATUS, 201);
    }

    #[test]
    fn rfc7591_s2_defaults_and_secret_methods_answered_with_none() {
        let request = ClientRegistrationRequest::parse(
            br#"{"redirect_uris":["cursor://anysphere.cursor-retrieval/oauth/user-callback"],
                 "token_endpoint_auth_method":"client_secret_basic"}"#,
        )
        .unwrap();
        let reg = ClientRegistration::for_pre_registered_client(
            &request,
            "c",
            &RedirectUriPolicy::default(),
            NOW,
        )
        .unwrap();
        assert_eq!(reg.grant_types, ["authorization_code"]);
        assert_eq!(reg.response_types, ["code"]);
        assert_eq!(reg.token_endpoint_auth_method, "none");
        assert!(!reg.to_json().contains("client_secret"));
    }

    #[test]
    fn rfc7591_s3_2_2_invalid_redirect_uri() {
        let policy = RedirectUriPolicy::default();
        for body in [
            r#"{"redirect_uris":["https://ok.example/cb","javascript:alert(1)"]}"#,
            r#"{"redirect_uris":["http://evil.example/cb"]}"#,
            r#"{"redirect_uris":[]}"#,
            r#"{}"#,
        ] {
            let request = ClientRegistrationRequest::parse(body.as_bytes()).unwrap();
            let err = ClientRegistration::for_pre_registered_client(&request, "c", &policy, NOW)
                .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::RedirectUriRejected, "{body}");
            let answer = OAuthErrorResponse::from_error(&err);
            assert_eq!(
                (answer.status, answer.error.as_str()),
                (400, "invalid_redirect_uri")
            );
        }
    }

    #[test]
    fn rfc7591_s3_2_2_invalid_client_metadata() {
        let policy = RedirectUriPolicy::default();
        let many: Vec<String> = (0..=MAX_REDIRECT_URIS)
            .map(|i| format!("https://c.example/{i}"))
            .collect();
        let many = serde_json::json!({ "redirect_uris": many }).to_string();
        for body in [
            r#"{"redirect_uris":["https://c.example/cb"],"grant_types":["client_credentials"]}"#,
            r#"{"redirect_uris":["https://c.example/cb"],"grant_types":["implicit"]}"#,
            r#"{"redirect_uris":["https://c.example/cb"],"response_types":["token"]}"#,
            many.as_str(),
        ] {
            let request = ClientRegistrationRequest::parse(body.as_bytes()).unwrap();
            let err = ClientRegistration::for_pre_registered_client(&request, "c", &policy, NOW)
                .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidClientMetadata, "{body}");
            assert_eq!(err.oauth_error(), "invalid_client_metadata");
        }
        for body in [
            &b"not json"[..],
            br#"{"redirect_uris":"https://c.example/cb"}"#,
            b"[]",
        ] {
            let err = ClientRegistrationRequest::parse(body).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidClientMetadata);
        }
        let huge = vec![b' '; MAX_REGISTRATION_BYTES + 1];
        assert_eq!(
            ClientRegistrationRequest::parse(&huge).unwrap_err().kind(),
            ErrorKind::InvalidClientMetadata
        );
    }
}
