//! EC public keys (`kty: EC`, RFC 7518 §6.2.1) on P-256, P-384 and P-521.

use serde_json::{Map, Value};

use super::{Curve, Material, b64_member, str_member};
use crate::b64;
use crate::error::{Error, ErrorKind, Result};
use crate::untrusted::quote;

/// The key of an EC JWK's `crv`, `x` and `y`.
pub(super) fn from_json(obj: &Map<String, Value>) -> Result<Material> {
    let crv_name = str_member(obj, "crv")?
        .ok_or_else(|| Error::new(ErrorKind::InvalidKey, "EC JWK has no \"crv\""))?;
    let curve = Curve::from_name(crv_name)
        .filter(|c| *c != Curve::Ed25519)
        .ok_or_else(|| {
            Error::new(
                ErrorKind::NotSupported,
                format!("EC curve {} is not supported", quote(crv_name)),
            )
        })?;
    let x = b64_member(obj, "x")?;
    let y = b64_member(obj, "y")?;
    from_coordinates(curve, &x, &y)
}

/// The key of a point given by its coordinates, each exactly the curve's size.
pub(super) fn from_coordinates(curve: Curve, x: &[u8], y: &[u8]) -> Result<Material> {
    let len = curve.coordinate_len();
    if x.len() != len || y.len() != len {
        return Err(Error::new(
            ErrorKind::InvalidKey,
            format!("{} coordinates must be {len} bytes each", curve.name()),
        ));
    }
    let mut point = Vec::with_capacity(1 + 2 * len);
    point.push(4);
    point.extend_from_slice(x);
    point.extend_from_slice(y);
    Ok(Material::Ec { curve, point })
}

/// The key of an encoded point (SEC 1 §2.3.3), which must be uncompressed: `04 || x || y`.
pub(super) fn from_point(curve: Curve, point: &[u8]) -> Result<Material> {
    let len = curve.coordinate_len();
    match point.split_first() {
        Some((4, xy)) if xy.len() == 2 * len => {
            let (x, y) = xy.split_at(len);
            from_coordinates(curve, x, y)
        }
        _ => Err(Error::new(
            ErrorKind::InvalidKey,
            format!(
                "the {} public key must be an uncompressed point of {} bytes",
                curve.name(),
                1 + 2 * len
            ),
        )),
    }
}

/// The RFC 7638 thumbprint input: the required members in lexicographic order.
pub(super) fn thumbprint_input(curve: Curve, point: &[u8]) -> String {
    let len = curve.coordinate_len();
    let xy = point.get(1..).unwrap_or_default();
    let (x, y) = xy.split_at(len.min(xy.len()));
    format!(
        r#"{{"crv":"{}","kty":"EC","x":"{}","y":"{}"}}"#,
        curve.name(),
        b64::encode(x),
        b64::encode(y)
    )
}
