//! The `client_metadata` target: an authorization request whose `client_id` is a client ID
//! metadata document URL (draft-ietf-oauth-client-id-metadata-document), and the answer of
//! the server at that URL, both chosen by whoever sends the request.
//!
//! - [`ClientMetadataDocument::check_client_id`] accepts only what an independent reading
//!   accepts: `https` (or `http` to a loopback host with the opt-in), a path, no fragment,
//!   no userinfo, the parser's own spelling, and a host that is not a loopback, private,
//!   link-local, unspecified or multicast address (IPv4-mapped IPv6 judged by its IPv4), nor
//!   `localhost`, unless opted in. Its refusals are `invalid_client`, reason `client_id_url`
//!   or `address`.
//! - A document [`ClientMetadataDocument::from_response`] accepts came with status 200, names
//!   the URL byte for byte, lists 1 to `MAX_REDIRECT_URIS` redirect URIs, names a supported
//!   auth method (or none, meaning `none`) and holds no `client_secret`.
//! - A redirect URI [`ClientMetadataDocument::authorize`] accepts is one the document lists,
//!   exactly, or a loopback `http` one with another port only; and one the document lists
//!   exactly is accepted whenever the redirect policy accepts it.
//! - [`ClientMetadataResolver::resolve`], over a fetch that answers with the input's
//!   response and a clock that stands still until the check moves it, agrees with the two
//!   checks, and keeps a document no longer than `max_cache_ttl`: exactly `cache_ttl` (capped)
//!   without caching headers, not at all with `no-store`/`no-cache`.
//! - [`ProxyClient::identify`] resolves an `http(s)` client id exactly as the resolver does.
//! - Every refusal has a documented reason, a message of bounded length without control
//!   characters, a bounded printable `public_description()`, and neither depends on the
//!   value of the document's `client_secret`.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use mcp_bearer::clock::ManualClock;
use mcp_bearer::error::MAX_PUBLIC_DESCRIPTION_BYTES;
use mcp_bearer::net::{Fetch, FetchError, HttpRequest, HttpResponse};
use mcp_bearer::oauth::{
    ClientMetadataDocument, ClientMetadataOptions, ClientMetadataResolver, ClientVerification,
    MAX_CLIENT_ID_URL_BYTES, MAX_REDIRECT_URIS, ProxyClient, RedirectUriPolicy, StateKey,
};
use mcp_bearer::{Error, ErrorKind};
use serde_json::Value;
use url::{Host, Url};

use crate::fixture::NOW;
use crate::input::{CLIENT_METADATA_MAX_CACHE_TTLS, ClientMetadataInput, metadata_flags};
use crate::show;

/// The longest refusal message, in bytes. Every value a message repeats is cut to a few dozen
/// characters (a URL to 256) and a list to 8 items, each character escaped to at most 10
/// bytes: whatever the input, a message stays under this.
pub const MAX_MESSAGE_BYTES: usize = 8 * 1024;

/// The reasons of `check_client_id`'s refusals.
const CLIENT_ID_REASONS: &[&str] = &["client_id_url", "address"];
/// The reasons of `from_response`'s refusals.
const DOCUMENT_REASONS: &[&str] = &[
    "status",
    "document",
    "client_id",
    "redirect_uris",
    "token_endpoint_auth_method",
    "client_secret",
    "client_uri",
    "logo_uri",
    "grant_types",
    "response_types",
];

/// Checks one input; panics on any violated property.
pub fn client_metadata(data: &[u8]) {
    let Some(input) = ClientMetadataInput::decode(data) else {
        return;
    };
    let context = || format!("client_metadata \"{}\"", show(data));
    let options = options_of(input.flags);
    assert!(options.validate().is_ok(), "{}", context());
    let id = input.client_id.as_str();
    let response = HttpResponse {
        status: input.status,
        headers: input.headers.clone(),
        body: input.body(),
    };

    let id_check = ClientMetadataDocument::check_client_id(id, &options);
    match &id_check {
        Ok(()) => acceptable_client_id(id, &options)
            .unwrap_or_else(|why| panic!("{}: accepted the client id, which {why}", context())),
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::OAuthInvalidClient, "{}", context());
            check_refusal(e, CLIENT_ID_REASONS, &context);
        }
    }

    let document = ClientMetadataDocument::from_response(id, &response, &options);
    match &document {
        Ok(doc) => accepted_document(doc, id, &response, &options, &context),
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::OAuthInvalidClient, "{}", context());
            check_refusal(e, DOCUMENT_REASONS, &context);
        }
    }
    secret_does_not_matter(id, &response, &options, &context);

    if let Ok(doc) = &document {
        redirect(doc, &input.redirect_uri, &context);
    }
    resolver(&input, &response, &options, &id_check, &document, &context);
    identify(id, &response, &options, &context);
}

/// `ProxyClient::identify` resolves an `http(s)` client id as the resolver does, refuses it
/// without a resolver, and opens anything else as a sealed registration (which these ids
/// never are).
fn identify(
    id: &str,
    response: &HttpResponse,
    options: &ClientMetadataOptions,
    context: &dyn Fn() -> String,
) {
    let key = StateKey::new(&[7; 32]).expect("a 32-byte key");
    let make = || {
        let fetch = Arc::new(Answer {
            response: response.clone(),
            fetched: AtomicUsize::new(0),
        });
        ClientMetadataResolver::with_fetch(
            options.clone(),
            fetch,
            Arc::new(ManualClock::at_secs(NOW)),
        )
        .expect("the options are in range")
    };
    let (resolver, reference) = (make(), make());
    let identified = ProxyClient::identify(id, &key, Some(&resolver), NOW);
    let lower = id.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        let expected = reference.resolve(id);
        match (&identified, &expected) {
            (Ok(ProxyClient::MetadataDocument(doc)), Ok(expected)) => {
                assert_eq!(doc, expected, "{}", context());
            }
            (Err(e), Err(expected)) => assert_eq!(
                (e.code(), e.reason(), e.message()),
                (expected.code(), expected.reason(), expected.message()),
                "{}",
                context()
            ),
            _ => panic!(
                "{}: identify and resolve disagree: {:?} / {:?}",
                context(),
                identified.as_ref().map(ProxyClient::client_id),
                expected.as_ref().map(|d| d.client_id.as_str())
            ),
        }
        let without = ProxyClient::identify(id, &key, None, NOW)
            .err()
            .unwrap_or_else(|| panic!("{}: a URL client id without a resolver", context()));
        assert_eq!(
            (without.kind(), without.reason()),
            (ErrorKind::OAuthInvalidClient, Some("metadata_document")),
            "{}",
            context()
        );
    } else {
        let e = identified
            .err()
            .unwrap_or_else(|| panic!("{}: opened as a sealed registration", context()));
        assert_eq!(e.kind(), ErrorKind::OAuthInvalidClient, "{}", context());
        check_text(&e, context);
    }
}

/// The options the flags choose.
fn options_of(flags: u8) -> ClientMetadataOptions {
    let mut methods = Vec::new();
    if flags & metadata_flags::NO_NONE == 0 {
        methods.push("none".to_owned());
    }
    if flags & metadata_flags::PRIVATE_KEY_JWT != 0 {
        methods.push("private_key_jwt".to_owned());
    }
    let max =
        CLIENT_METADATA_MAX_CACHE_TTLS[usize::from(flags >> metadata_flags::MAX_TTL_SHIFT & 3)];
    let cache_ttl = if flags & metadata_flags::LONG_DEFAULT_TTL != 0 {
        Duration::from_secs(7 * 86_400)
    } else {
        Duration::from_secs(300)
    };
    ClientMetadataOptions {
        cache_ttl,
        max_cache_ttl: Duration::from_secs(max),
        cache_entries: 4,
        token_endpoint_auth_methods: methods,
        dangerous_allow_loopback: flags & metadata_flags::LOOPBACK != 0,
        dangerous_allow_private: flags & metadata_flags::PRIVATE != 0,
        ..ClientMetadataOptions::default()
    }
}

/// Why an accepted client id should not have been, by a reading of its own.
fn acceptable_client_id(id: &str, options: &ClientMetadataOptions) -> Result<(), String> {
    if id.len() > MAX_CLIENT_ID_URL_BYTES {
        return Err(format!("is longer than {MAX_CLIENT_ID_URL_BYTES} bytes"));
    }
    let url = Url::parse(id).map_err(|_| "is not a URL".to_owned())?;
    if url.as_str() != id {
        return Err(format!("the URL parser writes as {:?}", url.as_str()));
    }
    let host = url.host().ok_or("has no host")?;
    let loopback_host = match &host {
        Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
    };
    match url.scheme() {
        "https" => {}
        "http" if options.dangerous_allow_loopback && loopback_host => {}
        other => return Err(format!("has the scheme {other:?}")),
    }
    if url.path().is_empty() || url.path() == "/" {
        return Err("has no path".into());
    }
    if url.fragment().is_some() {
        return Err("has a fragment".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("has userinfo".into());
    }
    let class = match host {
        Host::Domain(d) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            (d == "localhost" || d.ends_with(".localhost")).then_some(Class::Loopback)
        }
        Host::Ipv4(ip) => class_v4(ip),
        Host::Ipv6(ip) => match ip.to_ipv4_mapped() {
            Some(v4) => class_v4(v4),
            None if ip.is_loopback() => Some(Class::Loopback),
            None if ip.is_unspecified() => Some(Class::Never),
            None => {
                let s = ip.segments()[0];
                if s & 0xfe00 == 0xfc00 {
                    Some(Class::Private)
                } else if s & 0xffc0 == 0xfe80 || s & 0xff00 == 0xff00 {
                    Some(Class::Never)
                } else {
                    None
                }
            }
        },
    };
    match class {
        Some(Class::Loopback) if !options.dangerous_allow_loopback => {
            Err("is on a loopback host".into())
        }
        Some(Class::Private) if !options.dangerous_allow_private => {
            Err("is on a private address".into())
        }
        Some(Class::Never) => Err("is on a link-local, unspecified or multicast address".into()),
        _ => Ok(()),
    }
}

/// The well-known ranges a fetch chosen by a stranger must not reach without an opt-in.
enum Class {
    Loopback,
    Private,
    Never,
}

fn class_v4(ip: Ipv4Addr) -> Option<Class> {
    let [a, b, ..] = ip.octets();
    if ip.is_loopback() {
        Some(Class::Loopback)
    } else if ip.is_private() || (a == 100 && (64..128).contains(&b)) {
        Some(Class::Private)
    } else if ip.is_link_local() || a == 0 || ip.is_multicast() || ip.is_broadcast() {
        Some(Class::Never)
    } else {
        None
    }
}

/// An accepted document is the one the body holds, and passes every rule.
fn accepted_document(
    doc: &ClientMetadataDocument,
    id: &str,
    response: &HttpResponse,
    options: &ClientMetadataOptions,
    context: &dyn Fn() -> String,
) {
    assert_eq!(response.status, 200, "{}", context());
    assert_eq!(doc.client_id, id, "{}", context());
    let body: Value = serde_json::from_slice(&response.body)
        .unwrap_or_else(|_| panic!("{}: accepted a body that is not JSON", context()));
    let members = body
        .as_object()
        .unwrap_or_else(|| panic!("{}: accepted a body that is not an object", context()));
    assert_eq!(
        members.get("client_id").and_then(Value::as_str),
        Some(id),
        "{}: the document's client_id is not the URL, byte for byte",
        context()
    );
    assert!(
        !doc.redirect_uris.is_empty() && doc.redirect_uris.len() <= MAX_REDIRECT_URIS,
        "{}: {} redirect URIs",
        context(),
        doc.redirect_uris.len()
    );
    assert_eq!(
        members.get("redirect_uris"),
        Some(&Value::from(doc.redirect_uris.clone())),
        "{}",
        context()
    );
    assert!(
        options
            .token_endpoint_auth_methods
            .contains(&doc.token_endpoint_auth_method),
        "{}: accepted the auth method {:?}",
        context(),
        doc.token_endpoint_auth_method
    );
    assert_eq!(
        members
            .get("token_endpoint_auth_method")
            .and_then(Value::as_str)
            .unwrap_or("none"),
        doc.token_endpoint_auth_method,
        "{}",
        context()
    );
    for secret in ["client_secret", "client_secret_expires_at"] {
        assert!(
            !members.contains_key(secret),
            "{}: accepted a document with {secret}",
            context()
        );
        assert!(!doc.extra.contains_key(secret), "{}", context());
    }
    if let Some(uri) = &doc.client_uri {
        let url = Url::parse(uri)
            .unwrap_or_else(|_| panic!("{}: accepted the client_uri {uri:?}", context()));
        assert_eq!(url.scheme(), "https", "{}", context());
    }
}

/// The document's verdict and its refusal's message are the same whatever its
/// `client_secret` holds: the value is never shown.
fn secret_does_not_matter(
    id: &str,
    response: &HttpResponse,
    options: &ClientMetadataOptions,
    context: &dyn Fn() -> String,
) {
    let Ok(Value::Object(mut members)) = serde_json::from_slice::<Value>(&response.body) else {
        return;
    };
    let Some(Value::String(secret)) = members.get("client_secret").cloned() else {
        return;
    };
    let outcome = |members: &serde_json::Map<String, Value>| {
        let response = HttpResponse {
            body: Value::Object(members.clone()).to_string().into_bytes(),
            ..response.clone()
        };
        ClientMetadataDocument::from_response(id, &response, options)
            .map(|_| ())
            .map_err(|e| {
                (
                    e.code(),
                    e.reason(),
                    e.message().to_owned(),
                    e.public_description(),
                )
            })
    };
    // Equal outcomes under two values: the message never shows the value (where it shows
    // the same text, that text comes from elsewhere in the input).
    let with_secret = outcome(&members);
    members.insert("client_secret".into(), Value::from("another-value"));
    let with_another = outcome(&members);
    assert_eq!(
        with_secret,
        with_another,
        "{}: the outcome depends on the client_secret's value {secret:?}",
        context()
    );
}

/// A redirect URI the document accepts is one it lists (exactly, or a loopback `http` one
/// on another port); one it lists exactly is accepted when the policy accepts it.
fn redirect(doc: &ClientMetadataDocument, requested: &str, context: &dyn Fn() -> String) {
    let policy = RedirectUriPolicy::default();
    let scopes = vec!["mcp:tools".to_owned()];
    let mut candidates = vec![requested.to_owned()];
    candidates.extend(doc.redirect_uris.iter().take(2).cloned());
    for uri in &candidates {
        match doc.authorize(uri, &scopes, &policy) {
            Ok(consent) => {
                assert!(
                    doc.redirect_uris.iter().any(|r| listed(r, uri)),
                    "{}: accepted the redirect URI {uri:?}, which the document does not list",
                    context()
                );
                assert!(policy.check(uri).is_ok(), "{}", context());
                assert_eq!(consent.redirect_uri, *uri, "{}", context());
                assert_eq!(consent.client_id, doc.client_id, "{}", context());
                assert_eq!(consent.client_name, doc.client_name, "{}", context());
                assert_eq!(consent.verification, ClientVerification::VerifiedUrl);
                assert_eq!(consent.scopes, scopes, "{}", context());
            }
            Err(e) => {
                assert!(
                    !(doc.redirect_uris.contains(uri) && policy.check(uri).is_ok()),
                    "{}: refused {uri:?}, which the document lists: {e}",
                    context()
                );
                match e.kind() {
                    ErrorKind::InvalidRequest => {
                        check_refusal(&e, &["redirect_uri"], context);
                    }
                    // The policy's own refusal, as `authorize` documents.
                    ErrorKind::RedirectUriRejected => check_text(&e, context),
                    other => panic!("{}: {uri:?} refused with {other:?}", context()),
                }
            }
        }
    }
}

/// Whether `requested` is `registered`, or both are loopback `http` URLs that differ in
/// their port only; read independently of the core.
fn listed(registered: &str, requested: &str) -> bool {
    if registered == requested {
        return true;
    }
    let (Ok(a), Ok(b)) = (Url::parse(registered), Url::parse(requested)) else {
        return false;
    };
    let loopback = |u: &Url| {
        u.scheme() == "http"
            && match u.host() {
                Some(Host::Ipv4(ip)) => ip.is_loopback(),
                Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
                Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                None => false,
            }
    };
    let rest = |u: &Url| {
        (
            u.host_str().map(str::to_owned),
            u.path().to_owned(),
            u.query().map(str::to_owned),
            u.fragment().map(str::to_owned),
        )
    };
    a.as_str() == registered
        && b.as_str() == requested
        && loopback(&a)
        && loopback(&b)
        && a.username() == b.username()
        && a.password() == b.password()
        && rest(&a) == rest(&b)
}

/// A fetch that answers every request with the input's response, and counts them.
#[derive(Debug)]
struct Answer {
    response: HttpResponse,
    fetched: AtomicUsize,
}

impl Fetch for Answer {
    fn fetch(&self, request: &HttpRequest) -> Result<HttpResponse, FetchError> {
        self.fetched.fetch_add(1, Ordering::SeqCst);
        // The size cap is the real fetch's; fuzz inputs stay far below the default one.
        assert!(self.response.body.len() <= request.max_response_bytes);
        Ok(self.response.clone())
    }
}

/// The resolver agrees with the two checks, and caches no longer than it may.
fn resolver(
    input: &ClientMetadataInput<'_>,
    response: &HttpResponse,
    options: &ClientMetadataOptions,
    id_check: &mcp_bearer::Result<()>,
    document: &mcp_bearer::Result<ClientMetadataDocument>,
    context: &dyn Fn() -> String,
) {
    let id = input.client_id.as_str();
    let fetch = Arc::new(Answer {
        response: response.clone(),
        fetched: AtomicUsize::new(0),
    });
    let clock = Arc::new(ManualClock::at_secs(NOW));
    let resolver =
        ClientMetadataResolver::with_fetch(options.clone(), fetch.clone(), clock.clone())
            .expect("the options are in range");
    let fetched = || fetch.fetched.load(Ordering::SeqCst);
    let resolved = resolver.resolve(id);
    match (id_check, document, &resolved) {
        (Err(expected), _, Err(e)) => {
            assert_eq!(
                (e.code(), e.reason(), e.message()),
                (expected.code(), expected.reason(), expected.message()),
                "{}",
                context()
            );
            assert_eq!(fetched(), 0, "{}: fetched a refused client id", context());
            return;
        }
        (Ok(()), Err(expected), Err(e)) => {
            assert_eq!(
                (e.code(), e.reason(), e.message()),
                (expected.code(), expected.reason(), expected.message()),
                "{}",
                context()
            );
            return;
        }
        (Ok(()), Ok(expected), Ok(doc)) => assert_eq!(**doc, *expected, "{}", context()),
        _ => panic!(
            "{}: resolve gave {:?}, the checks {:?} and {:?}",
            context(),
            resolved.as_ref().map(|_| ()).map_err(Error::code),
            id_check.as_ref().map_err(Error::code),
            document.as_ref().map(|_| ()).map_err(Error::code)
        ),
    }
    assert_eq!(fetched(), 1, "{}", context());
    let max = options.max_cache_ttl.as_secs();
    let cache_control = |token: &str| {
        response
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("cache-control"))
            .flat_map(|(_, v)| v.split(','))
            .any(|d| {
                let name = d.split('=').next().unwrap_or_default().trim();
                name.eq_ignore_ascii_case(token)
            })
    };
    let no_headers = !response
        .headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("cache-control") || k.eq_ignore_ascii_case("expires"));
    // The lifetime this response must get, where it is plain from the headers.
    let expected = if cache_control("no-store") || cache_control("no-cache") {
        Some(0)
    } else if no_headers {
        Some(options.cache_ttl.as_secs().min(max))
    } else {
        None
    };
    // Right away: a hit exactly when the lifetime is not 0.
    resolver.resolve(id).expect("the same answer again");
    let hit_now = fetched() == 1;
    if let Some(ttl) = expected {
        assert_eq!(
            hit_now,
            ttl > 0,
            "{}: expected a lifetime of {ttl} s",
            context()
        );
    }
    if !hit_now {
        return;
    }
    // Just before the lifetime ends still a hit; at its end, never past max_cache_ttl,
    // fetched again.
    if let Some(ttl) = expected {
        clock.set_secs(NOW + ttl - 1);
        resolver.resolve(id).expect("the same answer again");
        assert_eq!(fetched(), 1, "{}: expired before {ttl} s", context());
    }
    clock.set_secs(NOW + max);
    resolver.resolve(id).expect("the same answer again");
    assert_eq!(
        fetched(),
        2,
        "{}: still cached at max_cache_ttl ({max} s)",
        context()
    );
}

/// A refusal's reason is one of `reasons`, and its texts are fit to show.
fn check_refusal(error: &Error, reasons: &[&str], context: &dyn Fn() -> String) {
    assert!(
        matches!(
            error.kind(),
            ErrorKind::OAuthInvalidClient | ErrorKind::InvalidRequest
        ),
        "{}: refused with {}",
        context(),
        error.code()
    );
    assert!(
        error.reason().is_some_and(|r| reasons.contains(&r)),
        "{}: refused with the reason {:?}, not one of {reasons:?}: {error}",
        context(),
        error.reason()
    );
    check_text(error, context);
}

/// The message and the public description are bounded and free of control characters.
fn check_text(error: &Error, context: &dyn Fn() -> String) {
    let message = error.message();
    assert!(
        !message.is_empty() && message.len() <= MAX_MESSAGE_BYTES,
        "{}: a message of {} bytes",
        context(),
        message.len()
    );
    assert!(
        !message.chars().any(char::is_control),
        "{}: a control character in {message:?}",
        context()
    );
    let description = error.public_description();
    assert!(
        !description.is_empty()
            && description.len() <= MAX_PUBLIC_DESCRIPTION_BYTES
            && description.bytes().all(|b| (b' '..=b'~').contains(&b)),
        "{}: the public description {description:?}",
        context()
    );
}
