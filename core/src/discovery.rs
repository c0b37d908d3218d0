//! Authorization-server discovery: OpenID Connect Discovery 1.0 with the RFC 8414 fallback.
//!
//! The metadata's `issuer` must equal the configured issuer exactly (OIDC Discovery §4.3,
//! RFC 8414 §3.3); anything else is a mix-up and is refused.

use std::ops::RangeInclusive;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::bounds;
use crate::error::{Error, ErrorKind, Result};
use crate::net::{self, Fetch, FetchError, Fetched, HttpRequest, fetch_text, redact_url};

/// Default for [`DiscoveryOptions::timeout`].
pub const DEFAULT_TIMEOUT: Duration = crate::net::DEFAULT_TIMEOUT;
/// Default for [`DiscoveryOptions::max_response_bytes`].
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 256 * 1024;
/// Allowed [`DiscoveryOptions::timeout`]: 1 ms to 10 min ([`crate::net::TIMEOUT_RANGE`]).
pub const TIMEOUT_RANGE: RangeInclusive<Duration> = crate::net::TIMEOUT_RANGE;
/// Allowed [`DiscoveryOptions::max_response_bytes`]: 1 byte to 64 MiB
/// ([`crate::net::MAX_RESPONSE_BYTES_RANGE`]).
pub const MAX_RESPONSE_BYTES_RANGE: RangeInclusive<usize> = crate::net::MAX_RESPONSE_BYTES_RANGE;

/// Options for [`discover`]. Checked against their ranges when [`discover`] runs. As data
/// ([`DiscoveryOptions::from_json`]), durations are seconds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DiscoveryOptions {
    /// How long one metadata request may take. Defaults to 5 seconds; 1 ms to 10 min
    /// ([`TIMEOUT_RANGE`]).
    #[serde(deserialize_with = "crate::config::seconds")]
    pub timeout: Duration,
    /// The largest metadata document accepted, in bytes. Defaults to 256 KiB; 1 byte to
    /// 64 MiB ([`MAX_RESPONSE_BYTES_RANGE`]).
    pub max_response_bytes: usize,
    /// Allow plain `http` to a host that is not loopback. Defaults to `false`.
    pub dangerous_allow_insecure_http: bool,
}

crate::config::from_config_data!(DiscoveryOptions);

impl DiscoveryOptions {
    /// Checks every numeric field against its range.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] naming the first field outside its range.
    pub fn validate(&self) -> Result<()> {
        bounds::duration("DiscoveryOptions::timeout", self.timeout, &TIMEOUT_RANGE)?;
        bounds::bytes(
            "DiscoveryOptions::max_response_bytes",
            self.max_response_bytes,
            &MAX_RESPONSE_BYTES_RANGE,
        )
    }
}

impl Default for DiscoveryOptions {
    fn default() -> Self {
        DiscoveryOptions {
            timeout: DEFAULT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            dangerous_allow_insecure_http: false,
        }
    }
}

/// An authorization server's metadata (OIDC Discovery §3, RFC 8414 §2).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProviderMetadata {
    /// `issuer`, equal to the issuer asked for.
    pub issuer: String,
    /// `jwks_uri`.
    pub jwks_uri: Option<String>,
    /// `authorization_endpoint`.
    pub authorization_endpoint: Option<String>,
    /// `token_endpoint`.
    pub token_endpoint: Option<String>,
    /// `registration_endpoint` (RFC 7591 dynamic client registration).
    pub registration_endpoint: Option<String>,
    /// `introspection_endpoint` (RFC 7662).
    pub introspection_endpoint: Option<String>,
    /// `userinfo_endpoint`.
    pub userinfo_endpoint: Option<String>,
    /// `revocation_endpoint` (RFC 7009).
    pub revocation_endpoint: Option<String>,
    /// `scopes_supported`.
    pub scopes_supported: Vec<String>,
    /// `grant_types_supported`.
    pub grant_types_supported: Vec<String>,
    /// `code_challenge_methods_supported` (PKCE).
    pub code_challenge_methods_supported: Vec<String>,
    /// `id_token_signing_alg_values_supported`.
    pub id_token_signing_alg_values_supported: Vec<String>,
    /// `token_endpoint_auth_methods_supported`.
    pub token_endpoint_auth_methods_supported: Vec<String>,
    /// The URL the document was read from.
    pub source_url: String,
    /// The whole document.
    pub raw: Map<String, Value>,
}

impl ProviderMetadata {
    /// Parses a metadata document and checks that its `issuer` is `expected_issuer`.
    ///
    /// # Errors
    /// [`ErrorKind::JwksInvalid`] when the document is not a JSON object with string
    /// `issuer`; [`ErrorKind::InvalidConfig`] when the issuer differs.
    pub fn from_slice(bytes: &[u8], expected_issuer: &str, source_url: &str) -> Result<Self> {
        let raw: Map<String, Value> = serde_json::from_slice(bytes).map_err(|e| {
            Error::new(
                ErrorKind::JwksInvalid,
                format!(
                    "the discovery document at {} is not a JSON object: {}",
                    redact_url(source_url),
                    crate::untrusted::clip(&e.to_string(), 256)
                ),
            )
        })?;
        let text = |k: &str| raw.get(k).and_then(Value::as_str).map(str::to_owned);
        let list = |k: &str| -> Vec<String> {
            raw.get(k)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        let issuer = text("issuer").ok_or_else(|| {
            Error::new(
                ErrorKind::JwksInvalid,
                format!(
                    "the discovery document at {} has no \"issuer\"",
                    redact_url(source_url)
                ),
            )
        })?;
        if issuer != expected_issuer {
            let slash = issuer.trim_end_matches('/') == expected_issuer.trim_end_matches('/');
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                format!(
                    "the discovery document at {} names issuer {}, not the configured \
                     {:?}{}",
                    redact_url(source_url),
                    crate::untrusted::quote(&issuer),
                    redact_url(expected_issuer),
                    if slash {
                        " (they differ only by a trailing slash: configure the issuer exactly as \
                         the provider writes it)"
                    } else {
                        ""
                    }
                ),
            )
            .with_values(expected_issuer, issuer));
        }
        Ok(ProviderMetadata {
            jwks_uri: text("jwks_uri"),
            authorization_endpoint: text("authorization_endpoint"),
            token_endpoint: text("token_endpoint"),
            registration_endpoint: text("registration_endpoint"),
            introspection_endpoint: text("introspection_endpoint"),
            userinfo_endpoint: text("userinfo_endpoint"),
            revocation_endpoint: text("revocation_endpoint"),
            scopes_supported: list("scopes_supported"),
            grant_types_supported: list("grant_types_supported"),
            code_challenge_methods_supported: list("code_challenge_methods_supported"),
            id_token_signing_alg_values_supported: list("id_token_signing_alg_values_supported"),
            token_endpoint_auth_methods_supported: list("token_endpoint_auth_methods_supported"),
            source_url: source_url.to_owned(),
            issuer,
            raw,
        })
    }
}

/// The metadata URLs tried for `issuer`, in order: OIDC Discovery (path appended), RFC 8414
/// (well-known inserted before the path), and OIDC with the well-known inserted (the form
/// the MCP authorization spec also tries).
///
/// # Errors
/// [`ErrorKind::InvalidConfig`] when `issuer` is not a URL.
pub fn discovery_urls(issuer: &str) -> Result<Vec<String>> {
    let url = url::Url::parse(issuer).map_err(|e| {
        Error::new(
            ErrorKind::InvalidConfig,
            format!("the issuer {:?} is not a URL: {e}", redact_url(issuer)),
        )
    })?;
    let origin = url.origin().ascii_serialization();
    let path = url.path().trim_end_matches('/');
    let mut urls = vec![format!("{origin}{path}/.well-known/openid-configuration")];
    let inserted = format!("{origin}/.well-known/oauth-authorization-server{path}");
    urls.push(inserted);
    if !path.is_empty() {
        urls.push(format!("{origin}/.well-known/openid-configuration{path}"));
    }
    Ok(urls)
}

/// Fetches and checks the metadata of `issuer`, trying each of [`discovery_urls`] until one
/// answers 200.
///
/// # Errors
/// [`ErrorKind::InvalidConfig`] for a bad issuer URL, an issuer mismatch or an option
/// outside its range;
/// [`ErrorKind::JwksTimeout`] / [`ErrorKind::JwksFetchFailed`] when no URL answers;
/// [`ErrorKind::JwksInvalid`] for a malformed document.
pub fn discover(
    issuer: &str,
    fetch: &dyn Fetch,
    options: &DiscoveryOptions,
) -> Result<ProviderMetadata> {
    options.validate()?;
    net::url::check_fetch_url(issuer, "issuer", options.dangerous_allow_insecure_http)?;
    let mut failures = Vec::new();
    for url in discovery_urls(issuer)? {
        let mut request = HttpRequest::get(&url);
        request.timeout = options.timeout;
        request.max_response_bytes = options.max_response_bytes;
        match fetch.fetch(&request) {
            Ok(r) if r.status == 200 => return ProviderMetadata::from_slice(&r.body, issuer, &url),
            Ok(r) => failures.push(format!("{}: HTTP {}", redact_url(&url), r.status)),
            Err(e @ FetchError::Timeout(_)) => {
                return Err(net::fetch_failure(Fetched::Discovery { issuer }, &e));
            }
            Err(e) => failures.push(fetch_text(&e.to_string())),
        }
    }
    Err(Error::new(
        ErrorKind::JwksFetchFailed,
        format!(
            "discovery of {} failed: {}; check the issuer URL, or give the JWKS URL directly",
            redact_url(issuer),
            failures.join("; ")
        ),
    )
    .with_reason("discovery"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn rfc8414_s3_1_and_oidc_discovery_urls() {
        assert_eq!(
            discovery_urls("https://idp.example.com").unwrap(),
            vec![
                "https://idp.example.com/.well-known/openid-configuration",
                "https://idp.example.com/.well-known/oauth-authorization-server",
            ]
        );
        assert_eq!(
            discovery_urls("https://idp.example.com/realms/mcp/").unwrap(),
            vec![
                "https://idp.example.com/realms/mcp/.well-known/openid-configuration",
                "https://idp.example.com/.well-known/oauth-authorization-server/realms/mcp",
                "https://idp.example.com/.well-known/openid-configuration/realms/mcp",
            ]
        );
    }

    #[test]
    fn issuer_must_match_exactly() {
        let doc =
            br#"{"issuer":"https://idp.example.com/","jwks_uri":"https://idp.example.com/jwks"}"#;
        let err = ProviderMetadata::from_slice(doc, "https://idp.example.com", "u").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert!(err.message().contains("trailing slash"));
        let ok = ProviderMetadata::from_slice(doc, "https://idp.example.com/", "u").unwrap();
        assert_eq!(ok.jwks_uri.as_deref(), Some("https://idp.example.com/jwks"));
    }
}
