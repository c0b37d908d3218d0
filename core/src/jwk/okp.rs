//! Octet key pairs (`kty: OKP`, RFC 8037): Ed25519 public keys.

use serde_json::{Map, Value};

use super::{Curve, Material, b64_member, str_member};
use crate::b64;
use crate::error::{Error, ErrorKind, Result};
use crate::untrusted::quote;

/// The key of an OKP JWK's `crv` and `x`; Ed25519 is the only curve supported.
pub(super) fn from_json(obj: &Map<String, Value>) -> Result<Material> {
    let crv_name = str_member(obj, "crv")?
        .ok_or_else(|| Error::new(ErrorKind::InvalidKey, "OKP JWK has no \"crv\""))?;
    if crv_name != Curve::Ed25519.name() {
        return Err(Error::new(
            ErrorKind::NotSupported,
            format!(
                "OKP curve {} is not supported (only Ed25519)",
                quote(crv_name)
            ),
        ));
    }
    from_public_key(b64_member(obj, "x")?)
}

/// The key of the 32 bytes of an Ed25519 public key.
pub(super) fn from_public_key(x: Vec<u8>) -> Result<Material> {
    if x.len() != Curve::Ed25519.coordinate_len() {
        return Err(Error::new(
            ErrorKind::InvalidKey,
            "Ed25519 \"x\" must be 32 bytes",
        ));
    }
    Ok(Material::Okp { x })
}

/// The RFC 7638 thumbprint input: the required members in lexicographic order.
pub(super) fn thumbprint_input(x: &[u8]) -> String {
    format!(
        r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#,
        b64::encode(x)
    )
}
