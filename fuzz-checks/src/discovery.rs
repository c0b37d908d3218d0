//! The `discovery` target: an authorization server's metadata document (OIDC Discovery,
//! RFC 8414), as an untrusted endpoint sends it.
//!
//! Parsing never panics; an accepted document names exactly the configured issuer and the
//! metadata fields are what the document says; a mismatched issuer is a configuration
//! error, anything else a JWKS-class error; and the metadata URLs derived from an http(s)
//! issuer stay on its origin and are ones the fetch policy allows.

use mcp_bearer::discovery::{ProviderMetadata, discovery_urls};
use mcp_bearer::{Error, ErrorKind};
use serde_json::{Map, Value};

use crate::fixture::ISSUER;
use crate::jose::fetchable;
use crate::show;

const SOURCE_URL: &str = "https://idp.example.com/.well-known/openid-configuration";

/// Checks one input; panics on any violated property.
pub fn discovery(data: &[u8]) {
    let context = || format!("document \"{}\"", show(data));
    let raw = serde_json::from_slice::<Map<String, Value>>(data).ok();
    let own_issuer = raw
        .as_ref()
        .and_then(|r| r.get("issuer"))
        .and_then(Value::as_str);

    match ProviderMetadata::from_slice(data, ISSUER, SOURCE_URL) {
        Ok(metadata) => check_metadata(&metadata, raw.as_ref(), ISSUER, &context),
        Err(e) => {
            let expected = match (&raw, own_issuer) {
                (None, _) | (Some(_), None) => ErrorKind::JwksInvalid,
                (Some(_), Some(_)) => ErrorKind::InvalidConfig,
            };
            assert_eq!(e.kind(), expected, "{}: {}", context(), e.message());
            check_message(&e, &context);
        }
    }

    // Whatever the document calls itself, it is accepted under that name.
    if let Some(issuer) = own_issuer {
        let metadata = ProviderMetadata::from_slice(data, issuer, SOURCE_URL)
            .unwrap_or_else(|e| panic!("{}: refused under its own issuer: {e:?}", context()));
        check_metadata(&metadata, raw.as_ref(), issuer, &context);
        if let Ok(urls) = discovery_urls(issuer) {
            assert!(!urls.is_empty(), "{}", context());
            // Only an http(s) issuer is ever discovered: its metadata URLs stay on its origin.
            if let Some(parsed) = fetchable(issuer, true) {
                let origin = parsed.origin().ascii_serialization();
                for url in &urls {
                    assert!(
                        url.starts_with(&format!("{origin}/")),
                        "{}: {url} is not on {origin}",
                        context()
                    );
                    assert!(
                        fetchable(url, true).is_some(),
                        "{}: the derived URL {url:?} is refused",
                        context()
                    );
                }
            }
        }
    }
}

fn check_metadata(
    metadata: &ProviderMetadata,
    raw: Option<&Map<String, Value>>,
    issuer: &str,
    context: &dyn Fn() -> String,
) {
    let raw = raw.unwrap_or_else(|| panic!("{}: accepted, but not a JSON object", context()));
    assert_eq!(metadata.issuer, issuer, "{}", context());
    assert_eq!(&metadata.raw, raw, "{}", context());
    assert_eq!(metadata.source_url, SOURCE_URL);
    let text = |k: &str| raw.get(k).and_then(Value::as_str).map(str::to_owned);
    for (name, field) in [
        ("jwks_uri", &metadata.jwks_uri),
        ("authorization_endpoint", &metadata.authorization_endpoint),
        ("token_endpoint", &metadata.token_endpoint),
        ("registration_endpoint", &metadata.registration_endpoint),
        ("introspection_endpoint", &metadata.introspection_endpoint),
        ("userinfo_endpoint", &metadata.userinfo_endpoint),
        ("revocation_endpoint", &metadata.revocation_endpoint),
    ] {
        assert_eq!(field, &text(name), "{name}: {}", context());
    }
    let list = |k: &str| -> Vec<String> {
        raw.get(k)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    };
    for (name, field) in [
        ("scopes_supported", &metadata.scopes_supported),
        ("grant_types_supported", &metadata.grant_types_supported),
        (
            "code_challenge_methods_supported",
            &metadata.code_challenge_methods_supported,
        ),
        (
            "id_token_signing_alg_values_supported",
            &metadata.id_token_signing_alg_values_supported,
        ),
        (
            "token_endpoint_auth_methods_supported",
            &metadata.token_endpoint_auth_methods_supported,
        ),
    ] {
        assert_eq!(field, &list(name), "{name}: {}", context());
    }
}

/// An error message is one line: the document's text is quoted, never copied raw.
fn check_message(e: &Error, context: &dyn Fn() -> String) {
    assert!(
        !e.message().is_empty() && !e.message().chars().any(char::is_control),
        "{}: the message carries control characters: {:?}",
        context(),
        e.message()
    );
}
