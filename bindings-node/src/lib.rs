//! The Node.js binding of mcp-bearer (napi-rs): the npm package `mcp-bearer`.
//!
//! Thin on purpose: verifiers are built only through the core's
//! [`mcp_bearer::Verifier::from_config`] from the caller's object (camelCase names turned into
//! the core's snake_case ones, nothing else), errors are mapped in one file
//! ([`errors`]), and the asynchronous plumbing lives in [`verifier`]. The command line is the
//! CLI crate's [`mcp_bearer_cli::run`]. The core's user info ([`claims`]), OAuth proxy values
//! ([`oauth`], [`tokens`], [`registration`], [`state`]) and metadata documents ([`metadata`])
//! are plain functions and classes over the core's types; [`clients`] identifies the proxy's
//! clients (metadata documents resolved on the libuv pool, sealed registrations, consent).

mod claims;
mod clients;
mod config;
mod deliver;
mod errors;
mod metadata;
mod oauth;
mod registration;
mod state;
mod tokens;
mod verifier;

use napi_derive::napi;

pub use claims::*;
pub use clients::*;
pub use deliver::VerifiedToken;
pub use metadata::*;
pub use oauth::*;
pub use registration::*;
pub use state::*;
pub use tokens::*;
pub use verifier::{JwksCacheEntry, Prefetch, TokenScopes, Verifier, VerifierInit};

/// One stable error code with what a resource server answers for it.
#[napi(object)]
pub struct ErrorCodeInfo {
    /// The stable code, e.g. `ERR_JWT_EXPIRED`.
    pub code: String,
    /// The HTTP status an error of this code answers with.
    pub http_status: u32,
    /// The RFC 6750 error (`invalid_token`, …); `null` for `ERR_TOKEN_MISSING`.
    pub oauth_error: Option<String>,
    /// What the code means, one line.
    pub description: String,
}

/// Every stable error code of the core with its HTTP status, RFC 6750 error and meaning
/// (the core's `all_errors()`), in the core's order.
#[napi]
pub fn all_errors() -> Vec<ErrorCodeInfo> {
    mcp_bearer::all_errors()
        .into_iter()
        .map(|info| ErrorCodeInfo {
            code: info.code,
            http_status: u32::from(info.http_status),
            oauth_error: info.oauth_error,
            description: info.description,
        })
        .collect()
}

/// Runs the `mcp-bearer` command line (the same code as the Rust binary) with `args` (without
/// the program name), printing to this process's stdout and stderr, and returns its exit
/// code. Blocks the calling thread until the command ends: the package's `bin` calls it.
#[napi]
pub fn run_cli(args: Vec<String>) -> napi::Result<u32> {
    errors::guard(|| {
        let argv = std::iter::once("mcp-bearer".to_owned()).chain(args);
        Ok(u32::from(mcp_bearer_cli::run(argv)))
    })
}
