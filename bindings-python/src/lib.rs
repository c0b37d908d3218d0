//! The Python binding of mcp-bearer (PyO3): the native module `mcp_bearer._native` of the
//! PyPI package `mcp-bearer`.
//!
//! Thin on purpose: verifiers are built only through the core's
//! [`mcp_bearer::Verifier::from_config`] from the caller's keyword arguments ([`config`]:
//! names to snake_case, `timedelta` to seconds, nothing else), errors are mapped in one file
//! ([`errors`]) onto exception classes written in Python, and every call that may take time
//! releases the GIL. The command line is the CLI crate's [`mcp_bearer_cli::run`].

mod clients;
mod config;
mod errors;
mod oauth;
mod proxy;
mod token;
mod verifier;

use pyo3::prelude::*;
use pyo3::types::PyDict;

pub use clients::{ClientMetadataResolver, ProxyClient};
pub use errors::NativeError;
pub use oauth::ProxyStateKey;
pub use token::VerifiedToken;
pub use verifier::Verifier;

/// Every stable error code of the core with its HTTP status, RFC 6750 error and meaning
/// (the core's `all_errors()`), in the core's order, as dicts with the members `code`,
/// `http_status`, `oauth_error` and `description`.
#[pyfunction]
fn all_errors(py: Python<'_>) -> PyResult<Vec<Bound<'_, PyDict>>> {
    mcp_bearer::all_errors()
        .into_iter()
        .map(|info| {
            let out = PyDict::new(py);
            out.set_item("code", info.code)?;
            out.set_item("http_status", info.http_status)?;
            out.set_item("oauth_error", info.oauth_error)?;
            out.set_item("description", info.description)?;
            Ok(out)
        })
        .collect()
}

/// Runs the `mcp-bearer` command line (the same code as the Rust binary) with `args`
/// (without the program name), printing to this process's stdout and stderr, with the GIL
/// released, and returns its exit code. The console script `mcp-bearer` calls it.
#[pyfunction]
fn run_cli(py: Python<'_>, args: Vec<String>) -> u8 {
    py.detach(move || {
        let argv = std::iter::once("mcp-bearer".to_owned()).chain(args);
        mcp_bearer_cli::run(argv)
    })
}

/// The module `mcp_bearer._native`.
#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<Verifier>()?;
    module.add_class::<VerifiedToken>()?;
    module.add_function(wrap_pyfunction!(all_errors, module)?)?;
    module.add_function(wrap_pyfunction!(run_cli, module)?)?;
    module.add_class::<NativeError>()?;
    module.add_class::<ProxyStateKey>()?;
    module.add_function(wrap_pyfunction!(oauth::www_authenticate, module)?)?;
    module.add_function(wrap_pyfunction!(oauth::bearer_token, module)?)?;
    module.add_function(wrap_pyfunction!(
        oauth::protected_resource_metadata,
        module
    )?)?;
    module.add_function(wrap_pyfunction!(
        oauth::protected_resource_metadata_url,
        module
    )?)?;
    module.add_function(wrap_pyfunction!(
        oauth::authorization_server_metadata_for_proxy,
        module
    )?)?;
    module.add_function(wrap_pyfunction!(
        oauth::authorization_server_metadata_url,
        module
    )?)?;
    module.add_function(wrap_pyfunction!(oauth::user_info, module)?)?;
    module.add_function(wrap_pyfunction!(oauth::pkce_verifier, module)?)?;
    module.add_function(wrap_pyfunction!(oauth::pkce_challenge, module)?)?;
    module.add_function(wrap_pyfunction!(oauth::pkce_check, module)?)?;
    module.add_function(wrap_pyfunction!(oauth::random_state, module)?)?;
    module.add_function(wrap_pyfunction!(oauth::random_nonce, module)?)?;
    module.add_function(wrap_pyfunction!(oauth::check_redirect_uri, module)?)?;
    module.add_function(wrap_pyfunction!(oauth::redirect_uri_matches, module)?)?;
    module.add_function(wrap_pyfunction!(proxy::authorization_url, module)?)?;
    module.add_function(wrap_pyfunction!(proxy::token_request, module)?)?;
    module.add_function(wrap_pyfunction!(proxy::parse_token_response, module)?)?;
    module.add_class::<ClientMetadataResolver>()?;
    module.add_class::<ProxyClient>()?;
    module.add_function(wrap_pyfunction!(clients::register_client, module)?)?;
    module.add_function(wrap_pyfunction!(clients::register_sealed_client, module)?)?;
    module.add_function(wrap_pyfunction!(
        clients::check_authorization_response_issuer,
        module
    )?)?;
    Ok(())
}
