//! The metadata documents and HTTP glue of the core (`mcp_bearer::metadata`) for JavaScript:
//! RFC 9728 protected-resource and RFC 8414 authorization-server metadata with their
//! well-known URLs, the `WWW-Authenticate` challenge and the bearer token of an
//! `Authorization` header. Documents keep their RFC member names (they go on the wire);
//! options are camelCase.

use mcp_bearer::ErrorKind;
use mcp_bearer::metadata::{
    AuthorizationServerMetadata, BearerChallenge, ProtectedResourceMetadata,
    bearer_token as core_bearer_token,
};
use napi::Env;
use napi_derive::napi;
use serde_json::{Map, Value};

use crate::errors::invalid_config;
use crate::oauth::run;

/// A metadata document and where it is served.
#[napi(object)]
pub struct MetadataDocument {
    /// The well-known URL to serve `document` at (for protected-resource metadata, also the
    /// `resourceMetadata` of `wwwAuthenticate`).
    pub url: String,
    /// The JSON document, with the RFC's member names.
    #[napi(ts_type = "Record<string, unknown>")]
    pub document: Value,
}

/// `extra` members, as given (their names are the document's, not converted).
fn extra_members(extra: Option<Value>) -> mcp_bearer::Result<Map<String, Value>> {
    match extra {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(map)) => Ok(map),
        Some(_) => Err(invalid_config(
            "extra must be an object of further document members",
        )),
    }
}

fn document(json: &str) -> Value {
    // The core serialized this from its own type: it parses.
    serde_json::from_str(json).unwrap_or(Value::Null)
}

/// An RFC 9728 protected-resource metadata document (the core's `ProtectedResourceMetadata`).
#[napi(object, object_to_js = false)]
pub struct ProtectedResourceMetadataOptions {
    /// The resource identifier: the MCP server's URL, which tokens must name as audience.
    pub resource: String,
    /// The issuers of the authorization servers clients may use (MCP requires at least one).
    pub authorization_servers: Vec<String>,
    /// The resource's own JWKS. Defaults to none.
    pub jwks_uri: Option<String>,
    /// Scopes the resource understands. Defaults to none.
    pub scopes_supported: Option<Vec<String>>,
    /// How bearer tokens may be presented. Defaults to `["header"]`.
    pub bearer_methods_supported: Option<Vec<String>>,
    /// A human-readable name. Defaults to none.
    pub resource_name: Option<String>,
    /// A page for developers. Defaults to none.
    pub resource_documentation: Option<String>,
    /// The data-use policy. Defaults to none.
    pub resource_policy_uri: Option<String>,
    /// The terms of service. Defaults to none.
    pub resource_tos_uri: Option<String>,
    /// Further members, by their document names. Defaults to none.
    #[napi(ts_type = "Record<string, unknown>")]
    pub extra: Option<Value>,
    /// Allow a plain `http` `resource` on a host that is not loopback. Defaults to `false`.
    pub dangerous_allow_insecure_http: Option<bool>,
}

/// The protected-resource metadata document of `options` and its well-known URL (RFC 9728
/// §3.1: `/.well-known/oauth-protected-resource` inserted before the resource's path).
/// Throws `ERR_INVALID_CONFIG` for a resource that is not `https` (or `http` to a loopback
/// host), or has a fragment or userinfo.
#[napi]
pub fn protected_resource_metadata(
    env: Env,
    options: ProtectedResourceMetadataOptions,
) -> napi::Result<MetadataDocument> {
    run(&env, || {
        let ProtectedResourceMetadataOptions {
            resource,
            authorization_servers,
            jwks_uri,
            scopes_supported,
            bearer_methods_supported,
            resource_name,
            resource_documentation,
            resource_policy_uri,
            resource_tos_uri,
            extra,
            dangerous_allow_insecure_http,
        } = options;
        let mut prm = ProtectedResourceMetadata::new(resource, authorization_servers);
        prm.jwks_uri = jwks_uri;
        if let Some(scopes) = scopes_supported {
            prm.scopes_supported = scopes;
        }
        if let Some(methods) = bearer_methods_supported {
            prm.bearer_methods_supported = methods;
        }
        prm.resource_name = resource_name;
        prm.resource_documentation = resource_documentation;
        prm.resource_policy_uri = resource_policy_uri;
        prm.resource_tos_uri = resource_tos_uri;
        prm.extra = extra_members(extra)?;
        if let Some(dangerous) = dangerous_allow_insecure_http {
            prm.dangerous_allow_insecure_http = dangerous;
        }
        Ok(MetadataDocument {
            url: prm.well_known_url()?,
            document: document(&prm.to_json()),
        })
    })
}

/// RFC 8414 metadata of the MCP server acting as an OAuth proxy (the core's
/// `AuthorizationServerMetadata::for_proxy`, then these members).
#[napi(object, object_to_js = false)]
pub struct AuthorizationServerMetadataOptions {
    /// The issuer: the proxy's base URL (`https`, or `http` to a loopback host; no query or
    /// fragment).
    pub issuer: String,
    /// Defaults to `{issuer}/authorize`.
    pub authorization_endpoint: Option<String>,
    /// Defaults to `{issuer}/token`.
    pub token_endpoint: Option<String>,
    /// Defaults to `{issuer}/register`.
    pub registration_endpoint: Option<String>,
    /// The JWKS of tokens the proxy signs itself. Defaults to none.
    pub jwks_uri: Option<String>,
    /// The revocation endpoint. Defaults to none.
    pub revocation_endpoint: Option<String>,
    /// Scopes clients may ask for. Defaults to none.
    pub scopes_supported: Option<Vec<String>>,
    /// Defaults to `["code"]`.
    pub response_types_supported: Option<Vec<String>>,
    /// Defaults to `["authorization_code", "refresh_token"]`.
    pub grant_types_supported: Option<Vec<String>>,
    /// Defaults to `["none"]`.
    pub token_endpoint_auth_methods_supported: Option<Vec<String>>,
    /// Defaults to `["S256"]`.
    pub code_challenge_methods_supported: Option<Vec<String>>,
    /// Whether redirects back to clients carry `iss` (RFC 9207), as `clientRedirectUrl`
    /// always does. Defaults to `true`.
    pub authorization_response_iss_parameter_supported: Option<bool>,
    /// Whether the authorize endpoint accepts client id metadata documents as client ids
    /// (`ProxyClient.identify` with a `ClientMetadataResolver`; MCP 2025-11-25). Defaults to
    /// none (the member left out).
    pub client_id_metadata_document_supported: Option<bool>,
    /// A page for developers. Defaults to none.
    pub service_documentation: Option<String>,
    /// Further members, by their document names. Defaults to none.
    #[napi(ts_type = "Record<string, unknown>")]
    pub extra: Option<Value>,
    /// Allow a plain `http` issuer on a host that is not loopback. Defaults to `false`.
    pub dangerous_allow_insecure_http: Option<bool>,
}

/// The authorization-server metadata document of `options` and its well-known URL (RFC 8414
/// §3.1). Throws `ERR_INVALID_CONFIG` for an issuer that is not `https` (or `http` to a
/// loopback host), or has a query, fragment or userinfo.
#[napi]
pub fn authorization_server_metadata(
    env: Env,
    options: AuthorizationServerMetadataOptions,
) -> napi::Result<MetadataDocument> {
    run(&env, || {
        let AuthorizationServerMetadataOptions {
            issuer,
            authorization_endpoint,
            token_endpoint,
            registration_endpoint,
            jwks_uri,
            revocation_endpoint,
            scopes_supported,
            response_types_supported,
            grant_types_supported,
            token_endpoint_auth_methods_supported,
            code_challenge_methods_supported,
            authorization_response_iss_parameter_supported,
            client_id_metadata_document_supported,
            service_documentation,
            extra,
            dangerous_allow_insecure_http,
        } = options;
        let mut asm = AuthorizationServerMetadata::for_proxy(
            &issuer,
            dangerous_allow_insecure_http.unwrap_or_default(),
        )?;
        if let Some(endpoint) = authorization_endpoint {
            asm.authorization_endpoint = endpoint;
        }
        if let Some(endpoint) = token_endpoint {
            asm.token_endpoint = endpoint;
        }
        if registration_endpoint.is_some() {
            asm.registration_endpoint = registration_endpoint;
        }
        asm.jwks_uri = jwks_uri;
        asm.revocation_endpoint = revocation_endpoint;
        if let Some(scopes) = scopes_supported {
            asm.scopes_supported = scopes;
        }
        if let Some(types) = response_types_supported {
            asm.response_types_supported = types;
        }
        if let Some(grants) = grant_types_supported {
            asm.grant_types_supported = grants;
        }
        if let Some(methods) = token_endpoint_auth_methods_supported {
            asm.token_endpoint_auth_methods_supported = methods;
        }
        if let Some(methods) = code_challenge_methods_supported {
            asm.code_challenge_methods_supported = methods;
        }
        if authorization_response_iss_parameter_supported.is_some() {
            asm.authorization_response_iss_parameter_supported =
                authorization_response_iss_parameter_supported;
        }
        asm.client_id_metadata_document_supported = client_id_metadata_document_supported;
        asm.service_documentation = service_documentation;
        asm.extra = extra_members(extra)?;
        Ok(MetadataDocument {
            url: asm.well_known_url()?,
            document: document(&asm.to_json()),
        })
    })
}

/// Where the protected-resource metadata of `resource` is served (RFC 9728 §3.1). Throws
/// `ERR_INVALID_CONFIG` for a resource that is not `https` (or `http` to a loopback host).
#[napi]
pub fn protected_resource_metadata_url(env: Env, resource: String) -> napi::Result<String> {
    run(&env, || {
        mcp_bearer::metadata::protected_resource_metadata_url(&resource)
    })
}

/// Where the metadata of the authorization server `issuer` is served (RFC 8414 §3.1). Throws
/// `ERR_INVALID_CONFIG` for an issuer RFC 8414 does not allow.
#[napi]
pub fn authorization_server_metadata_url(env: Env, issuer: String) -> napi::Result<String> {
    run(&env, || {
        mcp_bearer::metadata::authorization_server_metadata_url(&issuer)
    })
}

/// The refusal a challenge answers: an `McpBearerError` (or an error `createJwtVerifier`
/// threw, which carries the same `code`).
#[napi(object, object_to_js = false)]
pub struct ChallengeError {
    /// The core's stable code, e.g. `ERR_JWT_EXPIRED`.
    pub code: Option<String>,
    /// The core's description for the client. Defaults to the code's own sentence.
    pub public_description: Option<String>,
    /// For `ERR_INSUFFICIENT_SCOPE`: the scopes required. Defaults to none.
    pub required_scopes: Option<Vec<String>>,
}

/// What `wwwAuthenticate` builds from.
#[napi(object, object_to_js = false)]
pub struct ChallengeOptions {
    /// The protected-resource metadata URL (RFC 9728 §5.1), e.g. `protectedResourceMetadata(…).url`.
    pub resource_metadata: String,
    /// The refusal. Defaults to none: a request without a token (401, no `error`).
    #[napi(ts_type = "ChallengeError | Error | null")]
    pub error: Option<ChallengeError>,
    /// The `realm`. Defaults to none.
    pub realm: Option<String>,
    /// The `scope` attribute, e.g. the scopes a 401 should make the client ask for. Defaults
    /// to none, except for `ERR_INSUFFICIENT_SCOPE`, where it is the required scopes.
    pub scopes: Option<Vec<String>>,
}

/// The status and `WWW-Authenticate` value of a refusal.
#[napi(object)]
pub struct Challenge {
    /// The HTTP status: 401, 403 (`insufficient_scope`), 400 (`invalid_request`), or 5xx.
    pub status: u32,
    /// The `WWW-Authenticate` header value.
    pub header: String,
}

/// The `WWW-Authenticate: Bearer …` challenge for a refusal (the core's `BearerChallenge`):
/// no error → 401 with only `resource_metadata`; an `McpBearerError` → its status (401
/// `invalid_token`, 403 `insufficient_scope` with the required scopes in `scope`, 400
/// `invalid_request`), its `oauthError` and its `publicDescription` (never the message).
/// Values are quoted and escaped by the core. Throws `ERR_INVALID_CONFIG` for an error whose
/// `code` is not one of the core's.
#[napi]
pub fn www_authenticate(env: Env, options: ChallengeOptions) -> napi::Result<Challenge> {
    run(&env, || {
        let ChallengeOptions {
            resource_metadata,
            error,
            realm,
            scopes,
        } = options;
        let mut challenge = match error {
            None => BearerChallenge::token_missing(resource_metadata),
            Some(error) => {
                let kind = error
                    .code
                    .as_deref()
                    .and_then(ErrorKind::from_code)
                    .ok_or_else(|| {
                        invalid_config(
                            "error must carry one of the core's codes (an McpBearerError, or an \
                             error createJwtVerifier threw)",
                        )
                    })?;
                let mut challenge = BearerChallenge::from_error(
                    &mcp_bearer::Error::new(kind, ""),
                    resource_metadata,
                );
                // The core's sentence for this very refusal (it may name the claim) when the
                // error carries it; the code's own sentence otherwise.
                if let (Some(_), Some(description)) = (&challenge.error, error.public_description) {
                    challenge.error_description = Some(description);
                }
                if kind == ErrorKind::InsufficientScope {
                    challenge.scopes = error.required_scopes.unwrap_or_default();
                }
                challenge
            }
        };
        if let Some(realm) = realm {
            challenge = challenge.with_realm(realm);
        }
        if let Some(scopes) = scopes {
            challenge = challenge.with_scopes(scopes);
        }
        Ok(Challenge {
            status: u32::from(challenge.status),
            header: challenge.header_value(),
        })
    })
}

/// The bearer token of an `Authorization` header value (RFC 6750 §2.1; the scheme in any
/// case). Throws `ERR_TOKEN_MISSING` (401) for no header, an empty one or another scheme, and
/// `ERR_INVALID_REQUEST` (400) for malformed `Bearer` credentials; never repeats the header.
#[napi(ts_args_type = "authorization: string | undefined | null")]
pub fn bearer_token(env: Env, authorization: Option<String>) -> napi::Result<String> {
    run(&env, || {
        core_bearer_token(authorization.as_deref()).map(str::to_owned)
    })
}
