//! placeholder
pub mod clock;
pub mod error;
pub mod http;
pub use error::{Error, ErrorKind, Result, all_codes};
pub mod b64;
pub mod fetch;
pub mod jwk;
pub mod jws;
pub mod remote;
pub mod url_policy;
