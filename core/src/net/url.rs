//! Which URLs the crate may fetch keys and metadata from. Crate-private: its answers are
//! typed by the `url` crate, which stays out of the public API.

use url::{Host, Url};

use crate::error::{Error, ErrorKind, Result};
use crate::net::quote_url;

/// Whether `host` is a loopback host: `localhost`, 127.0.0.0/8 or `::1`.
pub(crate) fn is_loopback_host(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
    }
}

/// Checks that `url` is `https`, or `http` to a loopback host (or any `http` when
/// `allow_insecure`). `what` names the URL in the message ("JWKS", "discovery", …).
///
/// # Errors
/// [`ErrorKind::InvalidConfig`] naming the URL and what to change.
pub(crate) fn check_fetch_url(url: &str, what: &str, allow_insecure: bool) -> Result<Url> {
    let parsed = Url::parse(url).map_err(|e| {
        Error::new(
            ErrorKind::InvalidConfig,
            format!("the {what} URL {} is not a valid URL: {e}", quote_url(url)),
        )
    })?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Error::new(
            ErrorKind::InvalidConfig,
            format!("the {what} URL must not carry credentials"),
        ));
    }
    let host = parsed.host().ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidConfig,
            format!("the {what} URL {} has no host", quote_url(url)),
        )
    })?;
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if allow_insecure || is_loopback_host(&host) => Ok(parsed),
        "http" => Err(Error::new(
            ErrorKind::InvalidConfig,
            format!(
                "the {what} URL {} uses plain http; use https, or set \
                 dangerous_allow_insecure_http to allow plain http to a host that is not \
                 loopback (without it, only loopback hosts may use http)",
                quote_url(url)
            ),
        )),
        other => Err(Error::new(
            ErrorKind::InvalidConfig,
            format!(
                "the {what} URL {} has scheme {}; use https",
                quote_url(url),
                crate::untrusted::quote(other)
            ),
        )),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn https_and_loopback_http_only() {
        assert!(check_fetch_url("https://idp.example.com/jwks", "JWKS", false).is_ok());
        assert!(check_fetch_url("http://127.0.0.1:8080/jwks", "JWKS", false).is_ok());
        assert!(check_fetch_url("http://127.8.9.10/jwks", "JWKS", false).is_ok());
        assert!(check_fetch_url("http://[::1]:9/jwks", "JWKS", false).is_ok());
        assert!(check_fetch_url("http://localhost/jwks", "JWKS", false).is_ok());
        let err = check_fetch_url("http://idp.example.com/jwks", "JWKS", false).unwrap_err();
        assert!(
            err.message().contains("dangerous_allow_insecure_http"),
            "{err}"
        );
        assert!(check_fetch_url("http://idp.example.com/jwks", "JWKS", true).is_ok());
        assert!(check_fetch_url("file:///etc/passwd", "JWKS", true).is_err());
        assert!(check_fetch_url("https://u:p@idp.example.com/", "JWKS", false).is_err());
        assert!(check_fetch_url("not a url", "JWKS", false).is_err());
    }
}
