//! Bearer-token verification for MCP (Model Context Protocol) servers.
//!
//! A remote MCP server checks the bearer token of every request: the signature against the
//! identity provider's JWKS, the issuer, the audience bound to this server, the expiry and
//! the scopes. This crate does that once, for every language binding:
//!
//! - [`jwk`]: JWK/JWKS and PEM key parsing and key selection bound to the token's algorithm;
//! - [`jwks`]: the provider's key set fetched and cached, with single flight, rotation,
//!   cooldown and a stale window: [`jwks::JwksCache`] decides without I/O, and
//!   [`RemoteJwks`] drives it over HTTP (a host may drive it with its own client);
//! - [`jws`]: the JWS layer (`verify_jws`);
//! - [`Verifier`]: the JWT claim policy, with a verified-token cache;
//! - [`Error`]: one error type with stable codes ([`all_errors`]), and its owned, plain
//!   form for bindings ([`ErrorRecord`]).
//!
//! The core is synchronous and sans-I/O where it can be: I/O goes through [`net::Fetch`]
//! and time through [`clock::Clock`].
//!
//! ```no_run
//! use std::sync::Arc;
//! use mcp_bearer::{KeySource, RemoteJwks, RemoteJwksOptions, Verifier, VerifierOptions};
//!
//! let jwks = RemoteJwks::new("https://idp.example.com/.well-known/jwks.json",
//!                            RemoteJwksOptions::default())?;
//! let verifier = Verifier::new(
//!     KeySource::Remote(Arc::new(jwks)),
//!     VerifierOptions {
//!         issuers: vec!["https://idp.example.com/".into()],
//!         audiences: vec!["https://mcp.example.com/mcp".into()],
//!         ..VerifierOptions::default()
//!     },
//! )?;
//! # let bearer = "";
//! match verifier.verify(bearer) {
//!     Ok(token) => println!("hello {:?}", token.subject()),
//!     Err(e) => println!("{} {}: {}", e.http_status(), e.code(), e.message()),
//! }
//! # Ok::<(), mcp_bearer::Error>(())
//! ```
#![forbid(unsafe_code)]

mod b64;
mod bounds;
mod cache;
pub mod claims;
pub mod clock;
mod config;
pub mod discovery;
pub mod error;
pub mod id_token;
pub mod jwk;
pub mod jwks;
pub mod jws;
pub mod metadata;
pub mod net;
pub mod oauth;
pub mod opaque;
mod roca;
mod scope;
pub mod sign;
#[cfg(feature = "test-support")]
#[doc(hidden)]
pub mod test_support;
mod untrusted;
pub mod verify;

pub use error::{Error, ErrorCodeInfo, ErrorKind, ErrorRecord, Result, all_codes, all_errors};
pub use jwk::{Algorithm, Jwk, KeySet};
pub use jwks::{RemoteJwks, RemoteJwksOptions};
pub use jws::verify_jws;
pub use sign::SigningKey;
pub use verify::{
    IssuerVerifier, KeySource, KeySourceConfig, TokenSource, TypPolicy, VerifiedToken,
    VerifiedTokenRecord, Verifier, VerifierConfig, VerifierOptions,
};

/// The README's Rust examples, compiled and run as doctests so they cannot rot.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
