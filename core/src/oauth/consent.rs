//! Who is asking, for a consent page: [`ProxyClient`] identifies the client of an
//! authorization request (a client id metadata document, or a sealed registration) and
//! [`ProxyClient::authorize`] checks its redirect URI and answers with a [`Consent`].

use std::sync::Arc;

use serde::Serialize;
use url::Url;

use crate::error::{Error, ErrorKind, Result};

use super::client_metadata::{ClientMetadataDocument, ClientMetadataResolver};
use super::redirect::RedirectUriPolicy;
use super::registration::RegisteredClient;
use super::state::StateKey;

/// How the proxy knows who the client is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientVerification {
    /// The client id is an `https` URL, and the proxy fetched the client's metadata document
    /// from it: the name and home page are what the owner of that URL's host publishes, and
    /// the redirect URI is one that document lists. Show the client id's host to the user.
    VerifiedUrl,
    /// A dynamic registration (RFC 7591): anyone can register any name and home page. The
    /// redirect URI is one this registration listed, and nothing else is known; say so.
    SelfAsserted,
}

/// What a consent page shows for a pending authorization, so a host can ask the user an
/// honest question. Every text in it is the client's own (from its document or its
/// registration): escape it when rendering. Serializes with these snake_case names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Consent {
    /// The client id of the request: for a verified URL, the document's URL (show its
    /// host); for a sealed registration, an opaque value not worth showing.
    pub client_id: String,
    /// The client's name, if it gave one.
    pub client_name: Option<String>,
    /// The client's home page (an `https` URL), if it gave one.
    pub client_uri: Option<String>,
    /// The exact redirect URI the authorization code will be sent to.
    pub redirect_uri: String,
    /// Whether the client id is a verified URL or a self-asserted registration.
    pub verification: ClientVerification,
    /// The scopes the client asked for.
    pub scopes: Vec<String>,
}

/// The client of an authorization request, identified.
#[derive(Debug, Clone)]
pub enum ProxyClient {
    /// A client id metadata document, fetched from the `https` URL that is the client id.
    MetadataDocument(Arc<ClientMetadataDocument>),
    /// A client registered with [`super::ClientRegistration::sealed`].
    Registered(RegisteredClient),
}

impl ProxyClient {
    /// Identifies the client behind `client_id`: an `http(s)` URL is a client id metadata
    /// document, resolved by `documents` (none: this server does not accept them); anything
    /// else must be a client id sealed under `key`, opened at `now` (Unix seconds). A host
    /// that also keeps a pre-registered client id compares it before calling this.
    ///
    /// # Errors
    /// [`ErrorKind::OAuthInvalidClient`] (`invalid_client`), with a `reason` naming the check
    /// that failed (see [`ClientMetadataResolver::resolve`] and [`RegisteredClient::open`];
    /// `metadata_document` when documents are not accepted).
    pub fn identify(
        client_id: &str,
        key: &StateKey,
        documents: Option<&ClientMetadataResolver>,
        now: u64,
    ) -> Result<Self> {
        if is_metadata_document_id(client_id) {
            let Some(resolver) = documents else {
                return Err(Error::new(
                    ErrorKind::OAuthInvalidClient,
                    "the client_id is a URL, and this server does not accept client id \
                     metadata documents; register the client (RFC 7591) instead",
                )
                .with_reason("metadata_document"));
            };
            return resolver
                .resolve(client_id)
                .map(ProxyClient::MetadataDocument);
        }
        RegisteredClient::open(key, client_id, now).map(ProxyClient::Registered)
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        match self {
            ProxyClient::MetadataDocument(d) => &d.client_id,
            ProxyClient::Registered(r) => &r.client_id,
        }
    }

    /// Checks the request's `redirect_uri` against the client's own list and `policy`, and
    /// answers with what a consent page shows.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`] (reason `redirect_uri`) for a redirect URI the client
    /// did not list; [`ErrorKind::RedirectUriRejected`] when `policy` refuses it. Answer on
    /// the authorize endpoint; never redirect to an unchecked URI (RFC 6749 §4.1.2.1).
    pub fn authorize(
        &self,
        redirect_uri: &str,
        scopes: &[String],
        policy: &RedirectUriPolicy,
    ) -> Result<Consent> {
        match self {
            ProxyClient::MetadataDocument(d) => d.authorize(redirect_uri, scopes, policy),
            ProxyClient::Registered(r) => r.authorize(redirect_uri, scopes, policy),
        }
    }
}

/// Whether `client_id` is meant as a client id metadata document URL.
pub(super) fn is_metadata_document_id(client_id: &str) -> bool {
    let lower = |n: usize| client_id.get(..n).map(str::to_ascii_lowercase);
    lower(8).as_deref() == Some("https://") || lower(7).as_deref() == Some("http://")
}

/// `requested` must be one of `registered` (exactly, or a loopback `http` URI on another
/// port, RFC 8252 §7.3) and pass `policy`. `source` names the list in the message.
pub(super) fn check_registered_redirect(
    registered: &[String],
    requested: &str,
    policy: &RedirectUriPolicy,
    source: &str,
) -> Result<()> {
    policy.check(requested)?;
    if registered
        .iter()
        .any(|r| RedirectUriPolicy::matches_registered(r, requested))
    {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::InvalidRequest,
        format!(
            "the client did not register the redirect URI {} in its {source} (it lists {}); \
             an exact match is needed, except the port of a loopback http URI",
            crate::net::quote_url(requested),
            crate::untrusted::quote_list(registered.iter().map(String::as_str)),
        ),
    )
    .with_reason("redirect_uri"))
}

/// A client's home page, shown as a link on a consent page: an absolute `https` URL without
/// userinfo (no `javascript:`, no `data:`).
pub(super) fn check_client_uri(uri: &str) -> std::result::Result<(), String> {
    check_https_uri(
        "client_uri",
        uri,
        "it is shown as a link on the consent page",
    )
}

/// `member`'s value `uri` is an `https` URL with a host and no userinfo; else the message
/// says so and `why`.
pub(super) fn check_https_uri(
    member: &str,
    uri: &str,
    why: &str,
) -> std::result::Result<(), String> {
    let ok = Url::parse(uri).is_ok_and(|u| {
        u.scheme() == "https"
            && u.host().is_some()
            && u.username().is_empty()
            && u.password().is_none()
    });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{member} {} must be an https URL ({why})",
            crate::net::quote_url(uri)
        ))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn metadata_document_ids_are_urls() {
        for id in [
            "https://client.example/oauth/client.json",
            "HTTPS://client.example/x",
            "http://127.0.0.1:8080/client.json",
        ] {
            assert!(is_metadata_document_id(id), "{id}");
        }
        for id in ["mcp-proxy-clients", "eyJy.abc", "", "https:/x", "ht"] {
            assert!(!is_metadata_document_id(id), "{id}");
        }
    }

    #[test]
    fn client_uri_must_be_https() {
        assert!(check_client_uri("https://client.example/").is_ok());
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "http://client.example/",
            "https://user@client.example/",
            "/relative",
        ] {
            assert!(check_client_uri(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn documents_refused_when_not_configured() {
        let key = StateKey::generate().unwrap();
        let err =
            ProxyClient::identify("https://client.example/c.json", &key, None, 0).unwrap_err();
        assert_eq!(
            (err.kind(), err.reason(), err.oauth_error()),
            (
                ErrorKind::OAuthInvalidClient,
                Some("metadata_document"),
                "invalid_client"
            )
        );
    }

    #[test]
    fn consent_serializes_in_snake_case() {
        let consent = Consent {
            client_id: "https://client.example/c.json".into(),
            client_name: Some("Example".into()),
            client_uri: None,
            redirect_uri: "http://127.0.0.1:5000/cb".into(),
            verification: ClientVerification::VerifiedUrl,
            scopes: vec!["mcp:tools".into()],
        };
        assert_eq!(
            serde_json::to_value(&consent).unwrap(),
            serde_json::json!({
                "client_id": "https://client.example/c.json",
                "client_name": "Example",
                "client_uri": null,
                "redirect_uri": "http://127.0.0.1:5000/cb",
                "verification": "verified_url",
                "scopes": ["mcp:tools"],
            })
        );
    }
}
