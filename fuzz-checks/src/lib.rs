//! The properties mcp-bearer's fuzz targets check, one function per target.
//!
//! Each function takes the fuzzer's bytes and panics (through `assert!`) when a property is
//! violated; an input it cannot use is simply ignored. The cargo-fuzz targets in `fuzz/`
//! are one-line wrappers around these functions (libFuzzer, nightly only), and
//! `tests/replay.rs` runs every committed corpus file through the same functions on the
//! stable toolchain, so the corpus is a regression suite that CI runs without nightly.
//!
//! | target | what the bytes are | properties |
//! |---|---|---|
//! | [`verify`] | flags, then a JWT payload (and optionally a header) that is signed here | fast claims path = full parse, cache on = cache off, `verify_cached` = `verify`, static keys = remote keys, `claims()` = the payload |
//! | [`jwks`] | a JWKS document | no panic; every accepted key re-parses alone with the same thumbprint |
//! | [`discovery`] | a discovery document | no panic; the parsed metadata is what the document says |
//! | [`token_response`] | status, content type, body | no panic; relayed errors bounded and printable; `Debug` redacts |
//! | [`registration`] | a registration request body | no panic; what is registered passes the redirect policy; a sealed client id opens to what was registered |
//! | [`state`] | a sealed state, and fields to seal | forgeries refused; seal then open gives back the state |
//! | [`redirect`] | a redirect URI (and a second one) | what is accepted is https, loopback http or a private-use scheme |
//! | [`challenge`] | an `Authorization` header, or a token to sign | the `WWW-Authenticate` value is printable ASCII and parses back |
//! | [`client_metadata`] | flags, a client id URL, a redirect URI, a response (status, caching headers, document) | no panic; an accepted client id is https (or opted-in loopback http) with a path, on an allowed host; an accepted document names the URL exactly, lists redirect URIs, no secret; an accepted redirect URI is listed; refusals bounded, documented, secret-free; cached no longer than `max_cache_ttl` |
//!
//! The input layouts are in [`input`]; `src/bin/seed-corpus.rs` writes the seed corpora of
//! `fuzz/corpus/` from the shared vectors with the same encoders.
// A check reports a violated property by panicking: that is what the fuzzer and the replay
// test catch. Setting up the fixture (fixed keys, a loopback server) fails the same way.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]
#![forbid(unsafe_code)]

mod challenge;
mod client_metadata;
mod discovery;
pub mod fixture;
pub mod input;
pub mod jose;
mod jwks;
mod redirect;
mod registration;
mod state;
mod token_response;
mod verify;

pub use challenge::{MAX_DESCRIPTION_BYTES, challenge};
pub use client_metadata::{MAX_MESSAGE_BYTES, client_metadata};
pub use discovery::discovery;
pub use jwks::jwks;
pub use redirect::redirect;
pub use registration::registration;
pub use state::state;
pub use token_response::token_response;
pub use verify::verify;

/// A fuzz target's check.
pub type Check = fn(&[u8]);

/// Every target: its name (the cargo-fuzz target and the corpus folder `fuzz/corpus/<name>/`)
/// and its check.
pub const TARGETS: &[(&str, Check)] = &[
    ("verify", verify),
    ("jwks", jwks),
    ("discovery", discovery),
    ("token_response", token_response),
    ("registration", registration),
    ("state", state),
    ("redirect", redirect),
    ("challenge", challenge),
    ("client_metadata", client_metadata),
];

/// `bytes` for an assertion message: lossy UTF-8 with escapes, cut to 300 characters.
pub(crate) fn show(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out: String = text
        .chars()
        .take(300)
        .flat_map(char::escape_debug)
        .collect();
    if text.chars().count() > 300 {
        out.push('…');
    }
    out
}
