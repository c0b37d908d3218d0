//! RFC 9728 protected-resource metadata, RFC 8414 authorization-server metadata, and the
//! path-aware well-known URLs they are served at.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use url::Url;

use crate::error::{Error, ErrorKind, Result};
use crate::net::url::check_fetch_url;
use crate::oauth::PKCE_METHOD_S256;

/// The RFC 9728 well-known URI suffix.
pub const PROTECTED_RESOURCE_WELL_KNOWN: &str = "oauth-protected-resource";

/// The RFC 8414 well-known URI suffix.
pub const AUTHORIZATION_SERVER_WELL_KNOWN: &str = "oauth-authorization-server";

/// Where the metadata of `resource` is served (RFC 9728 §3.1): `/.well-known/
/// oauth-protected-resource` inserted between the host and the path, so several resources
/// on one host each have their own document; a lone `/` path leaves no trailing slash.
///
/// # Errors
/// [`ErrorKind::InvalidConfig`] when `resource` is not an `https` URL (or `http` to a
/// loopback host), or has a fragment or userinfo.
pub fn protected_resource_metadata_url(resource: &str) -> Result<String> {
    well_known_url(resource, PROTECTED_RESOURCE_WELL_KNOWN, "resource", false)
}

/// Where the metadata of the authorization server `issuer` is served (RFC 8414 §3.1), by the
/// same insertion rule.
///
/// # Errors
/// [`ErrorKind::InvalidConfig`] when `issuer` is not an `https` URL (or `http` to a loopback
/// host), or has a query, fragment or userinfo (RFC 8414 §2).
pub fn authorization_server_metadata_url(issuer: &str) -> Result<String> {
    check_issuer(issuer, false)?;
    well_known_url(issuer, AUTHORIZATION_SERVER_WELL_KNOWN, "issuer", false)
}

fn well_known_url(
    identifier: &str,
    suffix: &str,
    what: &str,
    allow_insecure_http: bool,
) -> Result<String> {
    let mut url = check_identifier(identifier, what, allow_insecure_http)?;
    let path = match url.path() {
        "/" => String::new(),
        path => path.to_owned(),
    };
    url.set_path(&format!("/.well-known/{suffix}{path}"));
    Ok(url.into())
}

fn check_identifier(identifier: &str, what: &str, allow_insecure_http: bool) -> Result<Url> {
    let url = check_fetch_url(identifier, what, allow_insecure_http)?;
    if url.fragment().is_some() {
        return Err(Error::new(
            ErrorKind::InvalidConfig,
            format!(
                "the {what} {:?} must not have a fragment",
                crate::net::redact_url(identifier)
            ),
        ));
    }
    Ok(url)
}

fn check_issuer(issuer: &str, allow_insecure_http: bool) -> Result<Url> {
    let url = check_identifier(issuer, "issuer", allow_insecure_http)?;
    if url.query().is_some() {
        return Err(Error::new(
            ErrorKind::InvalidConfig,
            format!(
                "the issuer {:?} must not have a query (RFC 8414 §2)",
                crate::net::redact_url(issuer)
            ),
        ));
    }
    Ok(url)
}

/// An RFC 9728 protected-resource metadata document: what an MCP client reads to find the
/// authorization server of this MCP server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtectedResourceMetadata {
    /// The resource identifier: the MCP server's URL, which tokens must name as audience.
    pub resource: String,
    /// The issuers of the authorization servers clients may use. Defaults to none; MCP
    /// requires at least one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorization_servers: Vec<String>,
    /// The resource's own JWKS, if it signs responses. Defaults to none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwks_uri: Option<String>,
    /// Scopes the resource understands. Defaults to none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes_supported: Vec<String>,
    /// How bearer tokens may be presented. Defaults to `["header"]`: tokens in the query
    /// string or body are not accepted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bearer_methods_supported: Vec<String>,
    /// A human-readable name. Defaults to none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_name: Option<String>,
    /// A page for developers. Defaults to none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_documentation: Option<String>,
    /// The data-use policy. Defaults to none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_policy_uri: Option<String>,
    /// The terms of service. Defaults to none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_tos_uri: Option<String>,
    /// Any other member (RFC 9728 §2 allows extensions). Defaults to none.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
    /// Allow a plain `http` `resource` on a host that is not loopback (a docker-compose
    /// network: `http://mcp:8000/mcp`) in [`well_known_url`](Self::well_known_url). Not a
    /// member of the document: never serialized. Defaults to `false`.
    #[serde(skip)]
    pub dangerous_allow_insecure_http: bool,
}

impl ProtectedResourceMetadata {
    /// The document for `resource`, protected by `authorization_servers`, every option at
    /// its default.
    pub fn new(resource: impl Into<String>, authorization_servers: Vec<String>) -> Self {
        ProtectedResourceMetadata {
            resource: resource.into(),
            authorization_servers,
            jwks_uri: None,
            scopes_supported: Vec::new(),
            bearer_methods_supported: vec![String::from("header")],
            resource_name: None,
            resource_documentation: None,
            resource_policy_uri: None,
            resource_tos_uri: None,
            extra: Map::new(),
            dangerous_allow_insecure_http: false,
        }
    }

    /// Where this document is served (see [`protected_resource_metadata_url`]); also the
    /// `resource_metadata` of the `WWW-Authenticate` challenge.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] for a resource that is not an `https` URL (or `http` to
    /// a loopback host, or any `http` with `dangerous_allow_insecure_http`).
    pub fn well_known_url(&self) -> Result<String> {
        well_known_url(
            &self.resource,
            PROTECTED_RESOURCE_WELL_KNOWN,
            "resource",
            self.dangerous_allow_insecure_http,
        )
    }

    /// The JSON document.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{}"))
    }
}

/// RFC 8414 authorization-server metadata, for the MCP server acting as an OAuth proxy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizationServerMetadata {
    /// The issuer: the proxy's base URL.
    pub issuer: String,
    /// The authorization endpoint.
    pub authorization_endpoint: String,
    /// The token endpoint.
    pub token_endpoint: String,
    /// The dynamic client registration endpoint (RFC 7591). Defaults to `{issuer}/register`
    /// (see [`for_proxy`](AuthorizationServerMetadata::for_proxy)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_endpoint: Option<String>,
    /// The JWKS of tokens the proxy signs itself. Defaults to none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwks_uri: Option<String>,
    /// The revocation endpoint (RFC 7009). Defaults to none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_endpoint: Option<String>,
    /// Scopes clients may ask for. Defaults to none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes_supported: Vec<String>,
    /// Defaults to `["code"]`.
    pub response_types_supported: Vec<String>,
    /// Defaults to `["authorization_code", "refresh_token"]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grant_types_supported: Vec<String>,
    /// Defaults to `["none"]`: the proxy's clients are public and use PKCE.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub token_endpoint_auth_methods_supported: Vec<String>,
    /// Defaults to `["S256"]`; MCP clients refuse a server that does not list it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code_challenge_methods_supported: Vec<String>,
    /// Whether redirects back to clients carry `iss` (RFC 9207), as
    /// [`crate::oauth::ProxyState::client_redirect_url`] always does. Defaults to none;
    /// [`for_proxy`](Self::for_proxy) sets `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_response_iss_parameter_supported: Option<bool>,
    /// Whether the proxy accepts client id metadata documents as client ids
    /// (draft-ietf-oauth-client-id-metadata-document; MCP 2025-11-25): set it when the
    /// authorize endpoint resolves them ([`crate::oauth::ProxyClient::identify`] with a
    /// [`crate::oauth::ClientMetadataResolver`]). Defaults to none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id_metadata_document_supported: Option<bool>,
    /// A page for developers. Defaults to none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_documentation: Option<String>,
    /// Any other member. Defaults to none.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
    /// Allow a plain `http` `issuer` on a host that is not loopback (a docker-compose
    /// network: `http://auth:8000`) in [`for_proxy`](Self::for_proxy) and
    /// [`well_known_url`](Self::well_known_url). Not a member of the document: never
    /// serialized. Defaults to `false`.
    #[serde(skip)]
    pub dangerous_allow_insecure_http: bool,
}

impl AuthorizationServerMetadata {
    /// The proxy's metadata with endpoints under `issuer` (`{issuer}/authorize`, `/token`,
    /// `/register`) and every option at its default; `dangerous_allow_insecure_http` as the
    /// field of that name says.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] when `issuer` is not an `https` URL (or `http` to a
    /// loopback host, or any `http` with `dangerous_allow_insecure_http`), or has a query,
    /// fragment or userinfo (RFC 8414 §2).
    pub fn for_proxy(issuer: &str, dangerous_allow_insecure_http: bool) -> Result<Self> {
        check_issuer(issuer, dangerous_allow_insecure_http)?;
        let base = issuer.trim_end_matches('/');
        let strings = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        Ok(AuthorizationServerMetadata {
            issuer: issuer.to_owned(),
            authorization_endpoint: format!("{base}/authorize"),
            token_endpoint: format!("{base}/token"),
            registration_endpoint: Some(format!("{base}/register")),
            jwks_uri: None,
            revocation_endpoint: None,
            scopes_supported: Vec::new(),
            response_types_supported: strings(&["code"]),
            grant_types_supported: strings(&["authorization_code", "refresh_token"]),
            token_endpoint_auth_methods_supported: strings(&["none"]),
            code_challenge_methods_supported: strings(&[PKCE_METHOD_S256]),
            authorization_response_iss_parameter_supported: Some(true),
            client_id_metadata_document_supported: None,
            service_documentation: None,
            extra: Map::new(),
            dangerous_allow_insecure_http,
        })
    }

    /// Where this document is served (see [`authorization_server_metadata_url`]).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] for an issuer RFC 8414 does not allow.
    pub fn well_known_url(&self) -> Result<String> {
        check_issuer(&self.issuer, self.dangerous_allow_insecure_http)?;
        well_known_url(
            &self.issuer,
            AUTHORIZATION_SERVER_WELL_KNOWN,
            "issuer",
            self.dangerous_allow_insecure_http,
        )
    }

    /// The JSON document.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{}"))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rfc9728_s3_1_well_known_url_examples() {
        let cases = [
            // RFC 9728 §3.1: the well-known string goes between the host and the path.
            (
                "https://resource.example.com/resource1",
                "https://resource.example.com/.well-known/oauth-protected-resource/resource1",
            ),
            (
                "https://resource.example.com/public/mcp",
                "https://resource.example.com/.well-known/oauth-protected-resource/public/mcp",
            ),
            // No path: no trailing slash.
            (
                "https://resource.example.com",
                "https://resource.example.com/.well-known/oauth-protected-resource",
            ),
            (
                "https://resource.example.com/",
                "https://resource.example.com/.well-known/oauth-protected-resource",
            ),
            // A query stays after the inserted path.
            (
                "https://resource.example.com/mcp?tenant=a",
                "https://resource.example.com/.well-known/oauth-protected-resource/mcp?tenant=a",
            ),
            (
                "https://mcp.example.com:8443/v1/mcp/",
                "https://mcp.example.com:8443/.well-known/oauth-protected-resource/v1/mcp/",
            ),
            (
                "http://127.0.0.1:3000/mcp",
                "http://127.0.0.1:3000/.well-known/oauth-protected-resource/mcp",
            ),
        ];
        for (resource, expected) in cases {
            assert_eq!(
                protected_resource_metadata_url(resource).unwrap(),
                expected,
                "{resource}"
            );
        }
        for bad in [
            "http://mcp.example.com/mcp",
            "https://mcp.example.com/mcp#x",
            "mcp",
            "https://u@h/",
        ] {
            let err = protected_resource_metadata_url(bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{bad}");
        }
    }

    #[test]
    fn rfc8414_s3_1_well_known_url_examples() {
        assert_eq!(
            authorization_server_metadata_url("https://example.com/issuer1").unwrap(),
            "https://example.com/.well-known/oauth-authorization-server/issuer1"
        );
        assert_eq!(
            authorization_server_metadata_url("https://example.com").unwrap(),
            "https://example.com/.well-known/oauth-authorization-server"
        );
        let err = authorization_server_metadata_url("https://example.com/?x=1").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    }

    #[test]
    fn rfc9728_s2_protected_resource_document() {
        let mut doc = ProtectedResourceMetadata::new(
            "https://mcp.example.com/mcp",
            vec!["https://auth.example.com".into()],
        );
        doc.scopes_supported = vec!["tools:read".into(), "tools:write".into()];
        doc.resource_name = Some("Example MCP".into());
        let json: Value = serde_json::from_str(&doc.to_json()).unwrap();
        assert_eq!(
            json,
            json!({
                "resource": "https://mcp.example.com/mcp",
                "authorization_servers": ["https://auth.example.com"],
                "scopes_supported": ["tools:read", "tools:write"],
                "bearer_methods_supported": ["header"],
                "resource_name": "Example MCP"
            })
        );
        assert_eq!(
            doc.well_known_url().unwrap(),
            "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
        );
        let back: ProtectedResourceMetadata = serde_json::from_value(json).unwrap();
        assert_eq!(back, doc);
    }

    #[test]
    fn rfc8414_s2_proxy_authorization_server_document() {
        let doc =
            AuthorizationServerMetadata::for_proxy("https://mcp.example.com/", false).unwrap();
        let json: Value = serde_json::from_str(&doc.to_json()).unwrap();
        assert_eq!(
            json,
            json!({
                "issuer": "https://mcp.example.com/",
                "authorization_endpoint": "https://mcp.example.com/authorize",
                "token_endpoint": "https://mcp.example.com/token",
                "registration_endpoint": "https://mcp.example.com/register",
                "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code", "refresh_token"],
                "token_endpoint_auth_methods_supported": ["none"],
                "code_challenge_methods_supported": ["S256"],
                "authorization_response_iss_parameter_supported": true
            })
        );
        assert_eq!(
            doc.well_known_url().unwrap(),
            "https://mcp.example.com/.well-known/oauth-authorization-server"
        );
        let with_path =
            AuthorizationServerMetadata::for_proxy("https://example.com/tenant1", false).unwrap();
        assert_eq!(
            with_path.token_endpoint,
            "https://example.com/tenant1/token"
        );
        assert_eq!(
            with_path.well_known_url().unwrap(),
            "https://example.com/.well-known/oauth-authorization-server/tenant1"
        );
        for bad in [
            "http://example.com",
            "https://example.com?x=1",
            "https://example.com#f",
        ] {
            assert_eq!(
                AuthorizationServerMetadata::for_proxy(bad, false)
                    .unwrap_err()
                    .kind(),
                ErrorKind::InvalidConfig,
                "{bad}"
            );
        }
        // Plain http off loopback is refused with the option named, and taken with it.
        let err = AuthorizationServerMetadata::for_proxy("http://auth:8000", false).unwrap_err();
        assert!(
            err.message().contains("dangerous_allow_insecure_http"),
            "{}",
            err.message()
        );
        let doc = AuthorizationServerMetadata::for_proxy("http://auth:8000", true).unwrap();
        assert_eq!(
            doc.well_known_url().unwrap(),
            "http://auth:8000/.well-known/oauth-authorization-server"
        );
        assert!(!doc.to_json().contains("dangerous"));
    }
}
