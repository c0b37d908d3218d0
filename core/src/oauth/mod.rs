//! The OAuth proxy and token requests, as values: nothing here does I/O or reads the clock,
//! except [`ClientMetadataResolver`], which fetches client id metadata documents through a
//! [`crate::net::Fetch`] and caches them by its [`crate::clock::Clock`].
//!
//! For identity providers without dynamic client registration (Google, GitHub, Okta, Entra,
//! plain Auth0) the MCP server fronts them as an authorization server of its own:
//!
//! 1. An MCP client identifies itself: with a client id metadata document URL as its
//!    client id (nothing to do beforehand), or by registering: [`ClientRegistration::sealed`]
//!    answers with a client id of its own that seals its redirect URIs
//!    ([`ClientRegistration::for_pre_registered_client`] with the one pre-registered id),
//!    after checking them with a [`RedirectUriPolicy`].
//! 2. The client sends the user to the proxy's authorize endpoint: [`ProxyClient::identify`]
//!    finds the client (`invalid_client` otherwise), [`ProxyClient::authorize`] checks the
//!    redirect URI against the client's own list and gives the [`Consent`] to show; the
//!    proxy checks the PKCE challenge ([`PkceChallenge::from_request`]), seals the request
//!    into a [`ProxyState`] ([`ProxyState::seal`]) and redirects the browser to the upstream
//!    with an [`AuthorizationRequest`] carrying the sealed state and the upstream leg's own
//!    PKCE challenge and nonce.
//! 3. The upstream sends the browser back: [`ProxyState::open`] rejects tampered, foreign
//!    or expired states; [`check_authorization_response_issuer`] its `iss` (RFC 9207); a
//!    [`TokenRequest`] redeems the upstream code with the derived verifier;
//!    [`TokenResponse::parse`] reads the answer, relaying upstream OAuth errors with their
//!    status ([`OAuthErrorResponse`]).
//! 4. The proxy sends the client back with [`ProxyState::client_redirect_url`], which
//!    always carries the proxy's `iss`.
//!
//! Secrets (client secrets, tokens, codes, verifiers, the state key) live in types whose
//! `Debug` redacts them, and never appear in error messages.

mod client_auth;
mod client_metadata;
mod consent;
mod dcr;
mod pkce;
mod redirect;
mod registration;
mod request;
mod response;
mod secret;
mod state;
mod token_request;
mod upstream;

/// Defined in [`crate::error`] (an [`Error`](crate::Error) carries one); re-exported here
/// for the OAuth code that answers with it.
pub use crate::error::OAuthErrorResponse;
pub use client_auth::ClientAuth;
pub use client_metadata::{
    CLIENT_METADATA_CACHE_ENTRIES_RANGE, CLIENT_METADATA_CACHE_TTL_RANGE,
    CLIENT_METADATA_MAX_BYTES_RANGE, CLIENT_METADATA_TIMEOUT_RANGE, ClientMetadataDocument,
    ClientMetadataOptions, ClientMetadataResolver, DEFAULT_CLIENT_METADATA_CACHE_ENTRIES,
    DEFAULT_CLIENT_METADATA_CACHE_TTL, DEFAULT_CLIENT_METADATA_MAX_BYTES,
    DEFAULT_CLIENT_METADATA_MAX_CACHE_TTL, DEFAULT_CLIENT_METADATA_TIMEOUT,
    MAX_CLIENT_ID_URL_BYTES,
};
pub use consent::{ClientVerification, Consent, ProxyClient};
pub use dcr::{
    ClientRegistration, ClientRegistrationRequest, MAX_REDIRECT_URIS, MAX_REGISTRATION_BYTES,
};
pub use pkce::{PKCE_METHOD_S256, PkceChallenge, PkceVerifier, random_nonce, random_state};
pub use redirect::{DEFAULT_PRIVATE_USE_SCHEMES, RedirectUriPolicy};
pub use registration::{
    MAX_SEALED_CLIENT_ID_BYTES, REGISTRATION_TTL_RANGE, RegisteredClient, SealedRegistrationOptions,
};
pub use request::AuthorizationRequest;
pub use response::{TokenResponse, check_authorization_response_issuer};
pub use secret::{ClientSecret, SecretString};
pub use state::{
    DEFAULT_STATE_TTL, DEFAULT_STATE_TTL_SECS, MAX_SEALED_STATE_BYTES, OpenedState, ProxyState,
    ProxyStateOptions, STATE_TTL_RANGE, STATE_TTL_SECS_RANGE, SealedState, StateKey,
};
pub use token_request::{Grant, TokenExchange, TokenRequest};
pub use upstream::{DEFAULT_REFRESH_MARGIN_SECS, UpstreamTokens};

#[cfg(test)]
mod redaction_tests;
