//! What an MCP resource server publishes and answers: the RFC 9728 protected-resource
//! metadata, the RFC 8414 metadata of the OAuth proxy, the `WWW-Authenticate` challenge, and
//! the bearer token read from an `Authorization` header.

use mcp_bearer::metadata::{self, BearerChallenge};
use mcp_bearer::{Error, ErrorKind};

use crate::errors::{Result, invalid_config};

/// A metadata document and where it is served.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MetadataDocument {
    /// The JSON document.
    pub json: String,
    /// Its well-known URL (also the `resource_metadata` of the challenge, for RFC 9728).
    pub well_known_url: String,
}

/// An RFC 9728 protected-resource metadata document (the core's
/// `ProtectedResourceMetadata`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ProtectedResourceMetadata {
    /// This server's resource URL (what tokens carry in `aud`).
    pub resource: String,
    /// The issuers whose tokens it accepts.
    pub authorization_servers: Vec<String>,
    /// The `jwks_uri` member. Defaults to none.
    #[uniffi(default)]
    pub jwks_uri: Option<String>,
    /// The scopes it understands. Defaults to none.
    #[uniffi(default)]
    pub scopes_supported: Vec<String>,
    /// A human-readable name. Defaults to none.
    #[uniffi(default)]
    pub resource_name: Option<String>,
    /// A documentation URL. Defaults to none.
    #[uniffi(default)]
    pub resource_documentation: Option<String>,
    /// Allow a plain `http` resource off loopback. Defaults to `false`.
    #[uniffi(default = false)]
    pub dangerous_allow_insecure_http: bool,
}

/// The document for `document` and its well-known URL.
#[uniffi::export]
pub fn protected_resource_metadata(
    document: ProtectedResourceMetadata,
) -> Result<MetadataDocument> {
    let ProtectedResourceMetadata {
        resource,
        authorization_servers,
        jwks_uri,
        scopes_supported,
        resource_name,
        resource_documentation,
        dangerous_allow_insecure_http,
    } = document;
    let mut core = metadata::ProtectedResourceMetadata::new(resource, authorization_servers);
    core.jwks_uri = jwks_uri;
    core.scopes_supported = scopes_supported;
    core.resource_name = resource_name;
    core.resource_documentation = resource_documentation;
    core.dangerous_allow_insecure_http = dangerous_allow_insecure_http;
    Ok(MetadataDocument {
        well_known_url: core.well_known_url()?,
        json: core.to_json(),
    })
}

/// The RFC 8414 metadata of an OAuth proxy at `issuer` (endpoints `/authorize`, `/token`,
/// `/register` under it), with `scopes_supported`.
#[uniffi::export]
pub fn proxy_authorization_server_metadata(
    issuer: String,
    scopes_supported: Vec<String>,
    dangerous_allow_insecure_http: bool,
) -> Result<MetadataDocument> {
    let mut core =
        metadata::AuthorizationServerMetadata::for_proxy(&issuer, dangerous_allow_insecure_http)?;
    core.scopes_supported = scopes_supported;
    Ok(MetadataDocument {
        well_known_url: core.well_known_url()?,
        json: core.to_json(),
    })
}

/// A `WWW-Authenticate` header and the status it goes with.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BearerChallengeHeader {
    /// The HTTP status: 401, 403, 400, or 5xx.
    pub status: u16,
    /// The `WWW-Authenticate` value.
    pub header_value: String,
}

/// The challenge for a refused request: `code` is the error's stable code (`nil` when no
/// token was sent), `required_scopes` the scopes of an `ERR_INSUFFICIENT_SCOPE`, and
/// `resource_metadata` the RFC 9728 document's URL. The `error_description` is the code's
/// fixed public sentence, never the error's message.
#[uniffi::export]
pub fn www_authenticate(
    code: Option<String>,
    required_scopes: Vec<String>,
    resource_metadata: String,
) -> Result<BearerChallengeHeader> {
    let challenge = match code {
        None => BearerChallenge::token_missing(resource_metadata),
        Some(code) => {
            let kind = ErrorKind::from_code(&code).ok_or_else(|| {
                invalid_config(format!("{code:?} is not an mcp-bearer error code"))
            })?;
            let challenge =
                BearerChallenge::from_error(&Error::new(kind, code.clone()), resource_metadata);
            if kind == ErrorKind::InsufficientScope {
                challenge.with_scopes(required_scopes)
            } else {
                challenge
            }
        }
    };
    Ok(BearerChallengeHeader {
        status: challenge.status,
        header_value: challenge.header_value(),
    })
}

/// The token of an `Authorization: Bearer …` header value: `ERR_TOKEN_MISSING` when there is
/// none (no header, or another scheme), `ERR_INVALID_REQUEST` for a malformed value.
#[uniffi::export]
pub fn bearer_token(authorization: Option<String>) -> Result<String> {
    Ok(metadata::bearer_token(authorization.as_deref())?.to_owned())
}
