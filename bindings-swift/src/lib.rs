//! The UniFFI binding of mcp-bearer: the library behind the Swift package `MCPBearer`
//! (`bindings-swift/`), whose Swift sources, C header and module map are generated from this
//! crate by `scripts/generate.sh` with the workspace's own `uniffi-bindgen`.
//!
//! Thin on purpose, like the Node binding: verifiers are built only through the core's
//! `Verifier::from_config` from a typed record ([`config`]: a field left `nil` takes the
//! core's default), errors are mapped in one file ([`errors`]), and keys are fetched either
//! by the core's client or by the host's own through the [`fetch::HttpFetcher`] trait.

// Every fallible export returns the error enum by value, as UniFFI requires; it is lowered
// into a buffer at once, so its size (one case of strings) costs nothing that boxing saves.
#![allow(clippy::result_large_err)]

mod config;
mod errors;
mod fetch;
mod metadata;
mod oauth;
mod user_info;
mod verifier;

pub use config::{
    DiscoveryConfig, FetchConfig, JwtVerifierConfig, RemoteJwksConfig, SharedSecret, TypPolicy,
};
pub use errors::{McpBearerError, Result};
pub use fetch::{FetchFailure, HttpFetcher, HttpHeader, HttpRequest, HttpResponse};
pub use metadata::{
    BearerChallengeHeader, MetadataDocument, ProtectedResourceMetadata, bearer_token,
    protected_resource_metadata, proxy_authorization_server_metadata, www_authenticate,
};
pub use oauth::{
    AuthorizationUrlRequest, ClientAuthentication, OpenedState, Param, PkceVerifier, ProxyState,
    RedirectPolicy, SealedState, StateKey, TokenResponse, authorization_code_token_request,
    authorization_url, check_redirect_uri, client_credentials_token_request,
    client_error_redirect_url, client_redirect_url, open_proxy_state, parse_token_response,
    pkce_check, random_nonce, random_state, refresh_token_request, seal_proxy_state,
    token_exchange_request,
};
pub use user_info::{ClaimPreset, UserInfo, user_info};
pub use verifier::{CachedKeys, JwtVerifier, TokenSource, VerifiedToken, require_scopes};

uniffi::setup_scaffolding!();

/// One stable error code with what a resource server answers for it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ErrorCodeInfo {
    /// The stable code, e.g. `ERR_JWT_EXPIRED`.
    pub code: String,
    /// The HTTP status an error of this code answers with.
    pub http_status: u16,
    /// The RFC 6750 error (`invalid_token`, …); none for `ERR_TOKEN_MISSING`.
    pub oauth_error: Option<String>,
    /// What the code means, one line.
    pub description: String,
}

/// Every stable error code of the core with its HTTP status, RFC 6750 error and meaning
/// (the core's `all_errors()`), in the core's order.
#[uniffi::export]
pub fn all_errors() -> Vec<ErrorCodeInfo> {
    mcp_bearer::all_errors()
        .into_iter()
        .map(|info| ErrorCodeInfo {
            code: info.code,
            http_status: info.http_status,
            oauth_error: info.oauth_error,
            description: info.description,
        })
        .collect()
}
