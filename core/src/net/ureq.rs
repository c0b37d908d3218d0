//! The default [`Fetch`]: ureq over rustls, with rustls on aws-lc-rs (the same crypto library
//! as the verifier, so ring is never linked).
//!
//! Certificates are checked the way the platform checks them: by `rustls-platform-verifier`
//! (the Security framework on macOS and iOS, CryptoAPI on Windows, the system CA store read by
//! `rustls-native-certs` with webpki on Linux). On Android, and whenever an extra PEM bundle is
//! given (self-hosted identity providers behind an internal CA), the trust store is the system
//! store as `rustls-native-certs` finds it plus that bundle, checked by webpki. Honours
//! `HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY`, never follows redirects, and caps every response body.

use std::fmt;
use std::io::Read;
use std::sync::Arc;

use once_cell::sync::OnceCell;
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig, TlsProvider};

use crate::bounds;
use crate::error::{Error, ErrorKind, Result};
use crate::net::{
    AddressPolicy, Fetch, FetchError, HttpRequest, HttpResponse, MAX_RESPONSE_BYTES_RANGE, Method,
    TIMEOUT_RANGE, redact_url,
};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

/// Options for [`UreqFetch`]. As data ([`UreqFetchOptions::from_json`]), `extra_ca_pem` is
/// the PEM text.
#[derive(Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UreqFetchOptions {
    /// Extra trusted CA certificates, PEM-encoded, added to the system store as
    /// `rustls-native-certs` reads it (then certificates are checked by webpki against that
    /// store, not by the platform verifier). Defaults to none (the platform verifier).
    #[serde(deserialize_with = "crate::config::optional_text_bytes")]
    pub extra_ca_pem: Option<Vec<u8>>,
    /// Skip the operating system's CA store and trust only `extra_ca_pem`.
    /// Defaults to `false`.
    pub only_extra_ca: bool,
    /// Ignore `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY` from the environment.
    /// Defaults to `false` (the environment is honoured).
    pub ignore_proxy_env: bool,
    /// Check every address a host name resolves to against this policy, and connect only to
    /// the addresses checked (for URLs an unauthenticated caller chose: client id metadata
    /// documents). A host that resolves to any refused address is not connected to at all.
    /// With a policy, the proxy variables are ignored (a proxy would resolve the name
    /// itself, out of this check's sight). Defaults to none: every address.
    pub address_policy: Option<AddressPolicy>,
}

crate::config::from_config_data!(UreqFetchOptions);

impl fmt::Debug for UreqFetchOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UreqFetchOptions")
            .field("extra_ca_pem", &self.extra_ca_pem.as_ref().map(Vec::len))
            .field("only_extra_ca", &self.only_extra_ca)
            .field("ignore_proxy_env", &self.ignore_proxy_env)
            .field("address_policy", &self.address_policy)
            .finish()
    }
}

/// A blocking HTTP client for JWKS, discovery and token requests.
pub struct UreqFetch {
    agent: ureq::Agent,
}

impl fmt::Debug for UreqFetch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UreqFetch")
    }
}

impl UreqFetch {
    /// A client with default options.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] when no CA certificate at all can be loaded.
    pub fn new() -> Result<UreqFetch> {
        UreqFetch::with_options(&UreqFetchOptions::default())
    }

    /// The process-wide client with default options, built once (loading the system CA store
    /// takes milliseconds).
    ///
    /// # Errors
    /// As [`UreqFetch::new`].
    pub fn shared() -> Result<Arc<UreqFetch>> {
        static SHARED: OnceCell<Arc<UreqFetch>> = OnceCell::new();
        SHARED
            .get_or_try_init(|| UreqFetch::new().map(Arc::new))
            .cloned()
    }

    /// A client with `options`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] when the extra CA bundle is not PEM or holds no
    /// certificate, or when no CA certificate at all can be loaded.
    pub fn with_options(options: &UreqFetchOptions) -> Result<UreqFetch> {
        let root_certs = if options.extra_ca_pem.is_none() && !options.only_extra_ca {
            default_trust()
        } else {
            RootCerts::new_with_certs(&trust_store(options)?)
        };
        let tls = TlsConfig::builder()
            .provider(TlsProvider::Rustls)
            .root_certs(root_certs)
            .unversioned_rustls_crypto_provider(Arc::new(
                rustls::crypto::aws_lc_rs::default_provider(),
            ))
            .build();
        let proxy = if options.ignore_proxy_env || options.address_policy.is_some() {
            None
        } else {
            ureq::Proxy::try_from_env()
        };
        let config = ureq::Agent::config_builder()
            .tls_config(tls)
            .proxy(proxy)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .http_status_as_error(false)
            .user_agent(concat!("mcp-bearer/", env!("CARGO_PKG_VERSION")))
            .build();
        let agent = match options.address_policy {
            None => config.new_agent(),
            // The resolver hook of ureq's (unversioned) API: the connector connects to the
            // addresses the resolver returns, so what was checked is what is connected to.
            Some(policy) => {
                ureq::Agent::with_parts(config, DefaultConnector::new(), CheckedResolver { policy })
            }
        };
        Ok(UreqFetch { agent })
    }
}

/// ureq's resolver, then every address checked against the policy: all of them must pass,
/// so a name that answers with one public and one private address is refused (a rebinding
/// answer cannot slip the private one in).
#[derive(Debug)]
struct CheckedResolver {
    policy: AddressPolicy,
}

impl Resolver for CheckedResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> std::result::Result<ResolvedSocketAddrs, ureq::Error> {
        let addrs = DefaultResolver::default().resolve(uri, config, timeout)?;
        for addr in &addrs {
            if let Some(class) = self.policy.refuses(addr.ip()) {
                let host = uri.host().unwrap_or_default();
                let subject = format!(
                    "the host {} resolves to {}, a",
                    crate::untrusted::quote(host),
                    addr.ip()
                );
                return Err(ureq::Error::Io(std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    self.policy.refusal_text(&subject, class),
                )));
            }
        }
        Ok(addrs)
    }
}

/// The platform's verifier, where it works without the host's help.
#[cfg(not(target_os = "android"))]
fn default_trust() -> RootCerts {
    RootCerts::PlatformVerifier
}

/// On Android the platform verifier needs the host application to hand it a JVM context
/// first, and without one it panics inside the TLS handshake: the system store as
/// `rustls-native-certs` finds it is used instead (an Android host that needs the platform's
/// trust drives [`crate::jwks::JwksCache`] with its own HTTP client).
#[cfg(target_os = "android")]
fn default_trust() -> RootCerts {
    let native = rustls_native_certs::load_native_certs();
    let roots: Vec<Certificate<'static>> = native
        .certs
        .iter()
        .map(|c| Certificate::from_der(c.as_ref()).to_owned())
        .collect();
    RootCerts::new_with_certs(&roots)
}

/// The system store (unless `only_extra_ca`) plus the extra PEM bundle.
fn trust_store(options: &UreqFetchOptions) -> Result<Vec<Certificate<'static>>> {
    let mut roots: Vec<Certificate<'static>> = Vec::new();
    if !options.only_extra_ca {
        // Unreadable entries in the system store are skipped, as browsers do.
        let native = rustls_native_certs::load_native_certs();
        roots.extend(
            native
                .certs
                .iter()
                .map(|c| Certificate::from_der(c.as_ref()).to_owned()),
        );
    }
    if let Some(pem) = &options.extra_ca_pem {
        let before = roots.len();
        for item in ureq::tls::parse_pem(pem) {
            match item {
                Ok(PemItem::Certificate(c)) => roots.push(c),
                Ok(_) => {}
                Err(e) => {
                    return Err(Error::new(
                        ErrorKind::InvalidConfig,
                        format!("the extra CA bundle is not valid PEM: {e}"),
                    ));
                }
            }
        }
        if roots.len() == before {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                "the extra CA bundle holds no certificate",
            ));
        }
    }
    if roots.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidConfig,
            "no trusted CA certificate: the system store is empty and no extra CA bundle was \
             given (install ca-certificates or pass a PEM bundle)",
        ));
    }
    Ok(roots)
}

impl Fetch for UreqFetch {
    fn fetch(&self, request: &HttpRequest) -> Result<HttpResponse, FetchError> {
        // Clamped so that a "no limit" timeout cannot overflow the deadline ureq computes.
        let timeout = Some(bounds::clamp(request.timeout, &TIMEOUT_RANGE));
        let result = match request.method {
            Method::Get => {
                let mut builder = self.agent.get(&request.url);
                for (k, v) in &request.headers {
                    builder = builder.header(k, v);
                }
                builder.config().timeout_global(timeout).build().call()
            }
            Method::Post => {
                let mut builder = self.agent.post(&request.url);
                for (k, v) in &request.headers {
                    builder = builder.header(k, v);
                }
                builder
                    .config()
                    .timeout_global(timeout)
                    .build()
                    .send(&request.body[..])
            }
        };
        let mut response = result.map_err(|e| map_error(e, request))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        // Read one byte past the cap so that "exactly at the cap" and "over it" differ. The
        // clamp keeps `cap + 1` from overflowing and a body from filling memory.
        let max_bytes = bounds::clamp(request.max_response_bytes, &MAX_RESPONSE_BYTES_RANGE);
        let cap = u64::try_from(max_bytes).unwrap_or(u64::MAX);
        let mut body = Vec::new();
        response
            .body_mut()
            .with_config()
            .limit(u64::MAX)
            .reader()
            .take(cap.saturating_add(1))
            .read_to_end(&mut body)
            .map_err(|e| {
                let text = e.to_string();
                if text.contains("timeout") || text.contains("timed out") {
                    FetchError::Timeout(format!(
                        "{} timed out reading the body",
                        redact_url(&request.url)
                    ))
                } else {
                    FetchError::Transport(format!(
                        "{}: reading the body failed: {text}",
                        redact_url(&request.url)
                    ))
                }
            })?;
        if body.len() as u64 > cap {
            return Err(FetchError::TooLarge(format!(
                "{} answered with more than {max_bytes} bytes",
                redact_url(&request.url),
            )));
        }
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}

fn map_error(e: ureq::Error, request: &HttpRequest) -> FetchError {
    match e {
        ureq::Error::Timeout(_) => FetchError::Timeout(format!(
            "{} did not answer within {} ms",
            redact_url(&request.url),
            bounds::clamp(request.timeout, &TIMEOUT_RANGE).as_millis()
        )),
        other => FetchError::Transport(format!("{}: {other}", redact_url(&request.url))),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn checked(policy: AddressPolicy) -> UreqFetch {
        UreqFetch::with_options(&UreqFetchOptions {
            address_policy: Some(policy),
            ..UreqFetchOptions::default()
        })
        .unwrap()
    }

    #[test]
    fn names_resolving_to_refused_addresses_are_never_connected_to() {
        // `localhost` (and the machine's other local names) resolve here, without outside DNS.
        let strict = checked(AddressPolicy::default());
        for url in [
            "http://localhost:9/doc",
            "https://localhost/doc",
            "http://LOCALHOST:9/doc",
            "http://127.0.0.1:9/doc",
            "http://[::1]:9/doc",
            "http://[::ffff:127.0.0.1]:9/doc",
            "http://10.0.0.1:9/doc",
            "http://169.254.169.254/latest/meta-data",
            "http://0.0.0.0:9/doc",
        ] {
            let mut request = HttpRequest::get(url);
            request.timeout = std::time::Duration::from_secs(2);
            let err = strict.fetch(&request).unwrap_err();
            let text = err.to_string();
            assert!(
                matches!(err, FetchError::Transport(_))
                    && text.contains("which this fetch may not connect to"),
                "{url}: {text}"
            );
        }
        let err = strict
            .fetch(&HttpRequest::get("http://localhost:9/doc"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("the host \"localhost\" resolves to") && err.contains("loopback address"),
            "{err}"
        );
        assert!(err.contains("dangerous_allow_loopback"), "{err}");
    }

    #[test]
    fn the_loopback_opt_in_lets_the_request_through_to_the_checked_address() {
        // A listener that accepts and closes: the error is the connection's, not the policy's.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let fetch = checked(AddressPolicy {
            dangerous_allow_loopback: true,
            ..AddressPolicy::default()
        });
        let accept = std::thread::spawn(move || drop(listener.accept()));
        let mut request = HttpRequest::get(format!("http://localhost:{port}/doc"));
        request.timeout = std::time::Duration::from_secs(5);
        let err = fetch.fetch(&request).unwrap_err().to_string();
        accept.join().unwrap();
        assert!(!err.contains("may not connect"), "{err}");
        // Private addresses stay refused under the loopback opt-in.
        let err = fetch
            .fetch(&HttpRequest::get("http://10.1.2.3:9/doc"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("private address"), "{err}");
    }
}
