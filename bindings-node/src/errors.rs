//! The one place where errors cross into JavaScript: every core [`mcp_bearer::Error`] becomes
//! a JS `Error` carrying the fields of the core's [`ErrorRecord`] in camelCase, and a panic
//! caught at the boundary becomes a JS `Error` too.

use std::panic::{AssertUnwindSafe, catch_unwind};

use mcp_bearer::ErrorRecord;
use napi::bindgen_prelude::{JsObjectValue, Object};
use napi::{Env, JsValue, Status};

/// The `name` of every error this package throws for a core error.
pub(crate) const ERROR_NAME: &str = "McpBearerError";

/// The JS error for `error`: `message` is the core's message (for the operator's logs), and
/// `code`, `claim`, `reason`, `expected`, `actual`, `httpStatus`, `oauthError`,
/// `publicDescription`, `requiredScopes`, `upstreamError`, `upstreamErrorDescription` and
/// `upstreamErrorUri` are the record's fields (`null` when absent).
pub(crate) fn to_js_object<'env>(
    env: &'env Env,
    error: &mcp_bearer::Error,
) -> napi::Result<Object<'env>> {
    // Destructured without `..`: a field added to the record fails this build until mapped.
    let ErrorRecord {
        code,
        message,
        public_description,
        claim,
        reason,
        expected,
        actual,
        http_status,
        oauth_error,
        required_scopes,
        upstream_error,
        upstream_error_description,
        upstream_error_uri,
    } = error.to_record();
    let mut object = env.create_error(napi::Error::new(Status::GenericFailure, message))?;
    object.set_named_property("name", ERROR_NAME)?;
    object.set_named_property("code", code)?;
    object.set_named_property("claim", claim)?;
    object.set_named_property("reason", reason)?;
    object.set_named_property("expected", expected)?;
    object.set_named_property("actual", actual)?;
    object.set_named_property("httpStatus", u32::from(http_status))?;
    object.set_named_property("oauthError", oauth_error)?;
    object.set_named_property("publicDescription", public_description)?;
    object.set_named_property("requiredScopes", required_scopes)?;
    object.set_named_property("upstreamError", upstream_error)?;
    object.set_named_property("upstreamErrorDescription", upstream_error_description)?;
    object.set_named_property("upstreamErrorUri", upstream_error_uri)?;
    Ok(object)
}

/// `error` as a `napi::Error` that throws (or rejects with) the object of [`to_js_object`].
pub(crate) fn to_napi(env: &Env, error: &mcp_bearer::Error) -> napi::Error {
    match to_js_object(env, error) {
        Ok(object) => napi::Error::from(object.to_unknown()),
        Err(failure) => failure,
    }
}

/// Runs `f`, turning a panic into an error instead of letting it unwind into Node.
pub(crate) fn guard<T>(f: impl FnOnce() -> napi::Result<T>) -> napi::Result<T> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| Err(panicked()))
}

/// The error for a panic caught at the boundary (a bug in mcp-bearer: please report it).
pub(crate) fn panicked() -> napi::Error {
    napi::Error::new(
        Status::GenericFailure,
        "mcp-bearer: internal error (a panic was caught at the Node boundary; please report it)",
    )
}

/// The core's `ERR_INVALID_CONFIG` for an argument this binding could not hand to the core
/// (the wrong shape), with a message that says what to pass.
pub(crate) fn invalid_config(message: impl Into<String>) -> mcp_bearer::Error {
    mcp_bearer::Error::new(mcp_bearer::ErrorKind::InvalidConfig, message)
}
