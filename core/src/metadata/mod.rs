//! Metadata documents and HTTP glue: RFC 9728 protected-resource metadata, RFC 8414
//! authorization-server metadata, their well-known URLs, the `WWW-Authenticate` challenge
//! and bearer extraction.
//!
//! ```
//! use mcp_bearer::metadata::{BearerChallenge, ProtectedResourceMetadata, bearer_token};
//!
//! let prm = ProtectedResourceMetadata::new(
//!     "https://mcp.example.com/mcp",
//!     vec!["https://auth.example.com".into()],
//! );
//! let prm_url = prm.well_known_url()?;
//! assert_eq!(prm_url, "https://mcp.example.com/.well-known/oauth-protected-resource/mcp");
//!
//! // A request without a token: 401 and a challenge that points at the metadata.
//! let err = bearer_token(None).unwrap_err();
//! let challenge = BearerChallenge::from_error(&err, prm_url.clone());
//! assert_eq!(challenge.status, 401);
//! assert_eq!(challenge.header_value(), format!("Bearer resource_metadata=\"{prm_url}\""));
//! # Ok::<(), mcp_bearer::Error>(())
//! ```

mod challenge;
mod documents;

pub use challenge::{BearerChallenge, bearer_token};
pub use documents::{
    AUTHORIZATION_SERVER_WELL_KNOWN, AuthorizationServerMetadata, PROTECTED_RESOURCE_WELL_KNOWN,
    ProtectedResourceMetadata, authorization_server_metadata_url, protected_resource_metadata_url,
};
