//! The little JOSE and URL handling the checks need, written here against the standards
//! rather than borrowed from the core's internals: the checks read the core only through
//! its public API, and an independent reading of a rule is what a property check wants.

use aws_lc_rs::hmac;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use url::{Host, Url};

/// Base64url without padding (RFC 7515 §2).
pub fn b64url(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes base64url without padding; `None` when it is not that.
pub fn b64url_decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

/// A compact JWS (RFC 7515 §7.1) over the raw `header` and `payload` bytes, signed by
/// `sign` over `BASE64URL(header) "." BASE64URL(payload)`.
pub fn compact<E>(
    header: &[u8],
    payload: &[u8],
    sign: impl FnOnce(&[u8]) -> Result<Vec<u8>, E>,
) -> Result<String, E> {
    let input = format!("{}.{}", b64url(header), b64url(payload));
    let signature = sign(input.as_bytes())?;
    Ok(format!("{input}.{}", b64url(signature)))
}

/// HMAC-SHA-256 (the HS256 signature, RFC 7518 §3.2).
pub fn hs256(secret: &[u8], message: &[u8]) -> Vec<u8> {
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, secret), message)
        .as_ref()
        .to_vec()
}

/// `localhost`, 127.0.0.0/8 or `::1` (RFC 8252 §7.3).
pub fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
    }
}

/// The URL, if the core's fetch policy allows it: `https`, or `http` to a loopback host
/// (any host with `allow_insecure`), with a host and without credentials.
pub fn fetchable(url: &str, allow_insecure: bool) -> Option<Url> {
    let parsed = Url::parse(url).ok()?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return None;
    }
    let host = parsed.host()?;
    match parsed.scheme() {
        "https" => Some(parsed),
        "http" if allow_insecure || is_loopback(&host) => Some(parsed),
        _ => None,
    }
}
