//! Client ID metadata documents (draft-ietf-oauth-client-id-metadata-document, the way the
//! MCP authorization spec of 2025-11-25 prefers clients to identify themselves): the
//! `client_id` is an `https` URL, and the proxy fetches the client's metadata from it instead
//! of asking the client to register.
//!
//! The URL comes from an unauthenticated caller, so the fetch is an SSRF risk: the resolver
//! checks the URL's host, and its [`UreqFetch`] checks every address the name resolves to
//! and connects only to those ([`AddressPolicy`]). Loopback and private addresses are
//! refused unless the host opts in. The fetch has the JWKS fetch's kinds of bounds (a size
//! cap, a timeout, no redirects), and a document is cached by its HTTP caching headers
//! within a bounded lifetime, in the crate's one bounded cache, by the resolver's clock.
//! Concurrent resolutions of one client id share one fetch (single flight), so a burst of
//! authorization requests for a client makes the proxy fetch its document once.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::ops::RangeInclusive;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::{Condvar, Mutex};
use serde::Deserialize;
use serde_json::{Map, Value};
use url::Url;

use crate::bounds;
use crate::cache::BoundedCache;
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, ErrorKind, Result};
use crate::net::{
    AddressPolicy, Fetch, FetchError, HttpRequest, HttpResponse, UreqFetch, UreqFetchOptions,
    fetch_text, quote_url,
};

use super::consent::{
    ClientVerification, Consent, check_client_uri, check_https_uri, check_registered_redirect,
};
use super::dcr::{MAX_REDIRECT_URIS, check_grant_types, check_response_types};
use super::redirect::RedirectUriPolicy;

/// Default for [`ClientMetadataOptions::timeout`]: 5 s, as the JWKS fetch.
pub const DEFAULT_CLIENT_METADATA_TIMEOUT: Duration = Duration::from_secs(5);
/// Allowed [`ClientMetadataOptions::timeout`]: 1 ms to 10 min.
pub const CLIENT_METADATA_TIMEOUT_RANGE: RangeInclusive<Duration> = crate::net::TIMEOUT_RANGE;
/// Default for [`ClientMetadataOptions::max_response_bytes`]: 64 KiB (a client's document is
/// a few hundred bytes; the draft asks for at most 5 KB).
pub const DEFAULT_CLIENT_METADATA_MAX_BYTES: usize = 64 * 1024;
/// Allowed [`ClientMetadataOptions::max_response_bytes`]: 1 byte to 64 MiB.
pub const CLIENT_METADATA_MAX_BYTES_RANGE: RangeInclusive<usize> =
    crate::net::MAX_RESPONSE_BYTES_RANGE;
/// Default for [`ClientMetadataOptions::cache_ttl`]: 5 min.
pub const DEFAULT_CLIENT_METADATA_CACHE_TTL: Duration = Duration::from_secs(300);
/// Default for [`ClientMetadataOptions::max_cache_ttl`]: 1 day.
pub const DEFAULT_CLIENT_METADATA_MAX_CACHE_TTL: Duration = Duration::from_secs(86_400);
/// Allowed [`ClientMetadataOptions::cache_ttl`] and [`ClientMetadataOptions::max_cache_ttl`]:
/// 0 (never cached) to 7 days.
pub const CLIENT_METADATA_CACHE_TTL_RANGE: RangeInclusive<Duration> =
    Duration::ZERO..=Duration::from_secs(7 * 86_400);
/// Default for [`ClientMetadataOptions::cache_entries`]: 1000.
pub const DEFAULT_CLIENT_METADATA_CACHE_ENTRIES: usize = 1000;
/// Allowed [`ClientMetadataOptions::cache_entries`]: 0 (no cache) to 10 000 000.
pub const CLIENT_METADATA_CACHE_ENTRIES_RANGE: RangeInclusive<usize> = 0..=10_000_000;
/// The longest client id URL accepted; a longer one is refused before anything else.
pub const MAX_CLIENT_ID_URL_BYTES: usize = 2048;

/// How client id metadata documents are fetched, checked and cached. As data
/// ([`ClientMetadataOptions::from_json`]), durations are seconds.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClientMetadataOptions {
    /// How long the fetch may take. Defaults to 5 s
    /// ([`DEFAULT_CLIENT_METADATA_TIMEOUT`]); 1 ms to 10 min.
    #[serde(deserialize_with = "crate::config::seconds")]
    pub timeout: Duration,
    /// The largest document accepted. Defaults to 64 KiB
    /// ([`DEFAULT_CLIENT_METADATA_MAX_BYTES`]); 1 byte to 64 MiB.
    pub max_response_bytes: usize,
    /// How long a document is cached when its response has no caching headers
    /// (`Cache-Control: max-age`, `Expires`). Defaults to 5 min
    /// ([`DEFAULT_CLIENT_METADATA_CACHE_TTL`]); 0 to 7 days.
    #[serde(deserialize_with = "crate::config::seconds")]
    pub cache_ttl: Duration,
    /// The longest a document is cached, whatever its headers say. Defaults to 1 day
    /// ([`DEFAULT_CLIENT_METADATA_MAX_CACHE_TTL`]); 0 to 7 days.
    #[serde(deserialize_with = "crate::config::seconds")]
    pub max_cache_ttl: Duration,
    /// How many documents the cache holds. Defaults to 1000
    /// ([`DEFAULT_CLIENT_METADATA_CACHE_ENTRIES`]); 0 (no cache) to 10 000 000.
    pub cache_entries: usize,
    /// The `token_endpoint_auth_method`s the proxy's token endpoint verifies; a document
    /// naming another one is refused (one without the member means `none`). Defaults to
    /// `["none"]`: public clients with PKCE.
    pub token_endpoint_auth_methods: Vec<String>,
    /// Allow documents on loopback addresses (127.0.0.0/8, `::1`, `localhost`), and plain
    /// `http` client ids on them: for tests and development. Defaults to `false`.
    pub dangerous_allow_loopback: bool,
    /// Allow documents on private networks (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16,
    /// 100.64.0.0/10, fc00::/7). Defaults to `false`.
    pub dangerous_allow_private: bool,
}

impl Default for ClientMetadataOptions {
    fn default() -> Self {
        ClientMetadataOptions {
            timeout: DEFAULT_CLIENT_METADATA_TIMEOUT,
            max_response_bytes: DEFAULT_CLIENT_METADATA_MAX_BYTES,
            cache_ttl: DEFAULT_CLIENT_METADATA_CACHE_TTL,
            max_cache_ttl: DEFAULT_CLIENT_METADATA_MAX_CACHE_TTL,
            cache_entries: DEFAULT_CLIENT_METADATA_CACHE_ENTRIES,
            token_endpoint_auth_methods: vec![String::from("none")],
            dangerous_allow_loopback: false,
            dangerous_allow_private: false,
        }
    }
}

crate::config::from_config_data!(ClientMetadataOptions);

impl ClientMetadataOptions {
    /// Checks every numeric option against its range.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] naming the field and the range.
    pub fn validate(&self) -> Result<()> {
        bounds::duration(
            "ClientMetadataOptions::timeout",
            self.timeout,
            &CLIENT_METADATA_TIMEOUT_RANGE,
        )?;
        bounds::bytes(
            "ClientMetadataOptions::max_response_bytes",
            self.max_response_bytes,
            &CLIENT_METADATA_MAX_BYTES_RANGE,
        )?;
        bounds::duration(
            "ClientMetadataOptions::cache_ttl",
            self.cache_ttl,
            &CLIENT_METADATA_CACHE_TTL_RANGE,
        )?;
        bounds::duration(
            "ClientMetadataOptions::max_cache_ttl",
            self.max_cache_ttl,
            &CLIENT_METADATA_CACHE_TTL_RANGE,
        )?;
        bounds::count(
            "ClientMetadataOptions::cache_entries",
            self.cache_entries,
            &CLIENT_METADATA_CACHE_ENTRIES_RANGE,
        )
    }

    /// The addresses the fetch may connect to.
    pub fn address_policy(&self) -> AddressPolicy {
        AddressPolicy {
            dangerous_allow_loopback: self.dangerous_allow_loopback,
            dangerous_allow_private: self.dangerous_allow_private,
        }
    }
}

/// A client's metadata document, fetched and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientMetadataDocument {
    /// The client id: the URL the document was fetched from, equal to its `client_id`.
    pub client_id: String,
    /// The redirect URIs the document lists.
    pub redirect_uris: Vec<String>,
    /// The client's name, if the document gives one.
    pub client_name: Option<String>,
    /// The client's home page (an `https` URL), if the document gives one.
    pub client_uri: Option<String>,
    /// The client's logo (an `https` URL), if the document gives one (shown only if the host
    /// chooses to).
    pub logo_uri: Option<String>,
    /// How the client authenticates at the token endpoint: the document's value, or `none`.
    pub token_endpoint_auth_method: String,
    /// The grant types the document lists (`authorization_code` when it lists none).
    pub grant_types: Vec<String>,
    /// The document's other members, as sent.
    pub extra: Map<String, Value>,
}

impl ClientMetadataDocument {
    /// Checks a client id before anything is fetched: an `https` URL (or `http` to a
    /// loopback host with `dangerous_allow_loopback`) with a path, in normal form (the URL
    /// parser would write it the same way: no `.` or `..` segments, no default port), without
    /// fragment or userinfo, on a host the address policy allows.
    ///
    /// # Errors
    /// [`ErrorKind::OAuthInvalidClient`] with reason `client_id_url` or `address`.
    pub fn check_client_id(client_id: &str, options: &ClientMetadataOptions) -> Result<()> {
        let bad = |what: &str| {
            invalid_client(
                "client_id_url",
                format!(
                    "the client_id {} is not a client id metadata document URL: {what}",
                    quote_url(client_id)
                ),
            )
        };
        if client_id.len() > MAX_CLIENT_ID_URL_BYTES {
            return Err(bad(&format!("longer than {MAX_CLIENT_ID_URL_BYTES} bytes")));
        }
        let url = Url::parse(client_id).map_err(|_| bad("not a URL"))?;
        let policy = options.address_policy();
        match url.scheme() {
            "https" => {}
            "http"
                if options.dangerous_allow_loopback
                    && url
                        .host()
                        .is_some_and(|h| crate::net::url::is_loopback_host(&h)) => {}
            _ => return Err(bad("it must be an https URL")),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad("it carries userinfo"));
        }
        if url.fragment().is_some() {
            return Err(bad("it has a fragment"));
        }
        if url.path() == "/" || url.path().is_empty() {
            return Err(bad("it has no path"));
        }
        if url.as_str() != client_id {
            return Err(bad(
                "it is not in normal form (dot segments, a default port, upper-case scheme or \
                 host, or characters that need percent-encoding)",
            ));
        }
        policy
            .check_host(&url)
            .map_err(|m| invalid_client("address", format!("the client_id's {m}")))?;
        Ok(())
    }

    /// Reads and checks the answer to the fetch of `client_id`: status 200 (a redirect is
    /// not followed), a JSON object whose `client_id` equals the URL exactly, `redirect_uris`
    /// a non-empty list of strings, a `token_endpoint_auth_method` among
    /// `options.token_endpoint_auth_methods` (absent means `none`), no `client_secret`, a
    /// `client_uri` and a `logo_uri` that are `https` URLs, and grant and response types the
    /// proxy serves.
    ///
    /// # Errors
    /// [`ErrorKind::OAuthInvalidClient`], reason naming the check: `status`, `document`,
    /// `client_id`, `redirect_uris`, `token_endpoint_auth_method`, `client_secret`,
    /// `client_uri`, `logo_uri`, `grant_types`, `response_types`.
    pub fn from_response(
        client_id: &str,
        response: &HttpResponse,
        options: &ClientMetadataOptions,
    ) -> Result<Self> {
        let url = quote_url(client_id);
        if response.status != 200 {
            let hint = if (300..400).contains(&response.status) {
                " (a redirect, which is not followed: serve the document at the client_id URL)"
            } else {
                ""
            };
            return Err(invalid_client(
                "status",
                format!(
                    "the client metadata document at {url} answered HTTP {}{hint}",
                    response.status
                ),
            ));
        }
        let mut members = match serde_json::from_slice::<Value>(&response.body) {
            Ok(Value::Object(map)) => map,
            _ => {
                return Err(invalid_client(
                    "document",
                    format!("the client metadata document at {url} is not a JSON object"),
                ));
            }
        };
        let doc_err = |reason: &'static str, what: String| {
            invalid_client(
                reason,
                format!("the client metadata document at {url}: {what}"),
            )
        };
        match members.remove("client_id") {
            Some(Value::String(id)) if id == client_id => {}
            Some(Value::String(id)) => {
                return Err(doc_err(
                    "client_id",
                    format!(
                        "its client_id {} is not the URL it was fetched from; they must be \
                         equal, character for character",
                        quote_url(&id)
                    ),
                ));
            }
            _ => {
                return Err(doc_err(
                    "client_id",
                    "it has no client_id string; it must be the document's URL".into(),
                ));
            }
        }
        let redirect_uris = match members.remove("redirect_uris") {
            Some(Value::Array(list)) if !list.is_empty() => list
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => Some(s),
                    _ => None,
                })
                .collect::<Option<Vec<String>>>(),
            _ => None,
        };
        let redirect_uris = redirect_uris.ok_or_else(|| {
            doc_err(
                "redirect_uris",
                "redirect_uris must be a non-empty list of strings".into(),
            )
        })?;
        if redirect_uris.len() > MAX_REDIRECT_URIS {
            return Err(doc_err(
                "redirect_uris",
                format!("it lists more than {MAX_REDIRECT_URIS} redirect_uris"),
            ));
        }
        for secret in ["client_secret", "client_secret_expires_at"] {
            if members.contains_key(secret) {
                return Err(doc_err(
                    "client_secret",
                    format!("it carries {secret}, which a public document must never hold"),
                ));
            }
        }
        let token_endpoint_auth_method = match members.remove("token_endpoint_auth_method") {
            None => String::from("none"),
            Some(Value::String(m)) => m,
            Some(_) => {
                return Err(doc_err(
                    "token_endpoint_auth_method",
                    "token_endpoint_auth_method must be a string".into(),
                ));
            }
        };
        if !options
            .token_endpoint_auth_methods
            .contains(&token_endpoint_auth_method)
        {
            return Err(doc_err(
                "token_endpoint_auth_method",
                format!(
                    "token_endpoint_auth_method {} is not one this server supports ({})",
                    crate::untrusted::quote(&token_endpoint_auth_method),
                    crate::untrusted::quote_list(
                        options
                            .token_endpoint_auth_methods
                            .iter()
                            .map(String::as_str)
                    )
                ),
            ));
        }
        let mut text = |name: &'static str| -> Result<Option<String>> {
            match members.remove(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s)),
                Some(_) => Err(doc_err("document", format!("{name} must be a string"))),
            }
        };
        let client_name = text("client_name")?;
        let client_uri = text("client_uri")?;
        let logo_uri = text("logo_uri")?;
        if let Some(uri) = &client_uri {
            check_client_uri(uri).map_err(|m| doc_err("client_uri", m))?;
        }
        if let Some(uri) = &logo_uri {
            check_https_uri("logo_uri", uri, "a host may show it on the consent page")
                .map_err(|m| doc_err("logo_uri", m))?;
        }
        let mut list = |name: &'static str, default: &str| -> Result<Vec<String>> {
            match members.remove(name) {
                None => Ok(vec![default.to_owned()]),
                Some(Value::Array(values)) => values
                    .into_iter()
                    .map(|v| match v {
                        Value::String(s) => Ok(s),
                        _ => Err(doc_err("document", format!("{name} must list strings"))),
                    })
                    .collect(),
                Some(_) => Err(doc_err("document", format!("{name} must be a list"))),
            }
        };
        let grant_types = list("grant_types", "authorization_code")?;
        let response_types = list("response_types", "code")?;
        check_grant_types(&grant_types).map_err(|m| doc_err("grant_types", m))?;
        check_response_types(&response_types).map_err(|m| doc_err("response_types", m))?;
        Ok(ClientMetadataDocument {
            client_id: client_id.to_owned(),
            redirect_uris,
            client_name,
            client_uri,
            logo_uri,
            token_endpoint_auth_method,
            grant_types,
            extra: members,
        })
    }

    /// Checks an authorization request's `redirect_uri` against the document (exactly one
    /// of its `redirect_uris`, any port for a loopback `http` one, RFC 8252 §7.3) and
    /// `policy`, and returns what a consent page shows.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`] (`invalid_request`, reason `redirect_uri`) for a
    /// redirect URI the document does not list; [`ErrorKind::RedirectUriRejected`] when
    /// `policy` refuses it.
    pub fn authorize(
        &self,
        redirect_uri: &str,
        scopes: &[String],
        policy: &RedirectUriPolicy,
    ) -> Result<Consent> {
        check_registered_redirect(
            &self.redirect_uris,
            redirect_uri,
            policy,
            "metadata document",
        )?;
        Ok(Consent {
            client_id: self.client_id.clone(),
            client_name: self.client_name.clone(),
            client_uri: self.client_uri.clone(),
            redirect_uri: redirect_uri.to_owned(),
            verification: ClientVerification::VerifiedUrl,
            scopes: scopes.to_vec(),
        })
    }
}

/// How long a response may be cached, in seconds, by its headers: `Cache-Control: no-store`
/// or `no-cache` (not at all), `max-age`, or `Expires` against `Date` (or `now`); `None`
/// when the response says nothing.
pub(crate) fn cache_lifetime(response: &HttpResponse, now: u64) -> Option<u64> {
    // Every Cache-Control line counts, as if joined by commas (RFC 9110 §5.3).
    let directives = response
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("cache-control"))
        .flat_map(|(_, v)| v.split(','))
        .map(str::trim);
    let mut max_age = None;
    for directive in directives {
        let (name, value) = directive.split_once('=').unwrap_or((directive, ""));
        let name = name.trim().to_ascii_lowercase();
        if name == "no-store" || name == "no-cache" {
            return Some(0);
        }
        if name == "max-age" {
            // An unreadable max-age is stale (RFC 9111 §4.2.1).
            max_age = Some(value.trim().trim_matches('"').parse::<u64>().unwrap_or(0));
        }
    }
    if max_age.is_some() {
        return max_age;
    }
    let expires = response.header("expires")?;
    // An Expires that does not parse is in the past (RFC 9111 §5.3).
    let Some(expires) = parse_http_date(expires) else {
        return Some(0);
    };
    let date = response
        .header("date")
        .and_then(parse_http_date)
        .unwrap_or(now);
    Some(expires.saturating_sub(date))
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110 §5.6.7) in Unix seconds.
fn parse_http_date(text: &str) -> Option<u64> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| m == month)? as i64 + 1;
    let day: i64 = day.parse().ok().filter(|d| (1..=31).contains(d))?;
    let year: i64 = year.parse().ok().filter(|y| (1970..=9999).contains(y))?;
    let hms: Vec<u64> = time
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, s] = hms.as_slice() else {
        return None;
    };
    if *h > 23 || *m > 59 || *s > 60 {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let days = u64::try_from(days).ok()?;
    Some(days * 86_400 + h * 3600 + m * 60 + s)
}

struct Cached {
    document: Arc<ClientMetadataDocument>,
    fresh_until: u64,
}

/// One fetch of a client id's document, which every concurrent resolution of that id waits
/// for.
#[derive(Default)]
struct Flight {
    /// The fetch's verdict, once it has one.
    verdict: Mutex<Option<Result<Arc<ClientMetadataDocument>>>>,
    done: Condvar,
}

impl Flight {
    fn finish(&self, verdict: Result<Arc<ClientMetadataDocument>>) {
        *self.verdict.lock() = Some(verdict);
        self.done.notify_all();
    }

    fn wait(&self) -> Result<Arc<ClientMetadataDocument>> {
        let mut verdict = self.verdict.lock();
        loop {
            if let Some(verdict) = verdict.as_ref() {
                return verdict.clone();
            }
            self.done.wait(&mut verdict);
        }
    }
}

/// The fetch a resolution leads: ends its flight (with an error if the fetch unwound, so no
/// waiter waits forever) and takes it out of the flights in progress.
struct Leading<'a> {
    resolver: &'a ClientMetadataResolver,
    client_id: &'a str,
    flight: Arc<Flight>,
}

impl Drop for Leading<'_> {
    fn drop(&mut self) {
        self.resolver.flights.lock().remove(self.client_id);
        if self.flight.verdict.lock().is_none() {
            self.flight.finish(Err(invalid_client(
                "fetch",
                "the fetch of the client metadata document did not finish".to_owned(),
            )));
        }
    }
}

/// Resolves client id metadata documents: checks the URL, fetches it (no redirects, capped,
/// timed out, on addresses the policy allows; one fetch at a time per client id), checks
/// the document and caches it.
pub struct ClientMetadataResolver {
    options: ClientMetadataOptions,
    fetch: Arc<dyn Fetch>,
    clock: Arc<dyn Clock>,
    cache: BoundedCache<String, Cached>,
    hasher: RandomState,
    /// The fetches in progress, by client id (at most one per id).
    flights: Mutex<HashMap<String, Arc<Flight>>>,
}

impl fmt::Debug for ClientMetadataResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientMetadataResolver")
            .field("options", &self.options)
            .field("cached", &self.cache.len())
            .finish_non_exhaustive()
    }
}

impl ClientMetadataResolver {
    /// A resolver with its own [`UreqFetch`] (default options, the address policy of
    /// `options`) and the system clock.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] for an option outside its range, or when no CA
    /// certificate can be loaded.
    pub fn new(options: ClientMetadataOptions) -> Result<Self> {
        ClientMetadataResolver::with_clock(
            options,
            &UreqFetchOptions::default(),
            Arc::new(SystemClock),
        )
    }

    /// A resolver with a [`UreqFetch`] built from `fetch_options` (its `address_policy`
    /// replaced by the one of `options`, so the fetch connects only to checked addresses)
    /// and `clock` (a [`crate::clock::ManualClock`] in tests).
    ///
    /// # Errors
    /// As [`new`](Self::new); also for unusable `fetch_options`.
    pub fn with_clock(
        options: ClientMetadataOptions,
        fetch_options: &UreqFetchOptions,
        clock: Arc<dyn Clock>,
    ) -> Result<Self> {
        let fetch_options = UreqFetchOptions {
            address_policy: Some(options.address_policy()),
            ..fetch_options.clone()
        };
        let fetch = Arc::new(UreqFetch::with_options(&fetch_options)?);
        ClientMetadataResolver::with_fetch(options, fetch, clock)
    }

    /// A resolver over the host's own `fetch`. This resolver checks the client id's URL
    /// (scheme, form, literal IP hosts, `localhost`); `fetch` must check the addresses a
    /// name resolves to and connect only to those (as [`UreqFetch`] does with
    /// [`UreqFetchOptions::address_policy`]), or a name that resolves to a private address
    /// reaches it.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] for an option outside its range.
    pub fn with_fetch(
        options: ClientMetadataOptions,
        fetch: Arc<dyn Fetch>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self> {
        options.validate()?;
        let cache = BoundedCache::new(options.cache_entries);
        Ok(ClientMetadataResolver {
            options,
            fetch,
            clock,
            cache,
            hasher: RandomState::new(),
            flights: Mutex::new(HashMap::new()),
        })
    }

    /// The options in use.
    pub fn options(&self) -> &ClientMetadataOptions {
        &self.options
    }

    /// The document for `client_id`: from the cache while it is fresh, otherwise fetched and
    /// checked ([`ClientMetadataDocument::check_client_id`],
    /// [`ClientMetadataDocument::from_response`]). A resolution that finds a fetch of the
    /// same id in progress waits for it and shares its verdict (the fetch is bounded by
    /// [`ClientMetadataOptions::timeout`]). A refused document is not cached.
    ///
    /// # Errors
    /// [`ErrorKind::OAuthInvalidClient`] (`invalid_client`), with the reason of the check
    /// that failed; `address` for a host that is or resolves to a refused address, `fetch`
    /// for a transport failure, a timeout or a document over the size cap.
    pub fn resolve(&self, client_id: &str) -> Result<Arc<ClientMetadataDocument>> {
        ClientMetadataDocument::check_client_id(client_id, &self.options)?;
        let now = self.clock.now_secs();
        let hash = self.hasher.hash_one(client_id);
        let hit = self.cache.get(hash, |key, cached| {
            (key == client_id && now < cached.fresh_until).then(|| Arc::clone(&cached.document))
        });
        if let Some(document) = hit {
            return Ok(document);
        }
        // One fetch per client id at a time: join the one in progress, or lead a new one.
        let flight = {
            let mut flights = self.flights.lock();
            if let Some(flight) = flights.get(client_id) {
                let flight = Arc::clone(flight);
                drop(flights);
                return flight.wait();
            }
            // A fetch that ended between the lookup above and this lock has cached its
            // document: no second fetch for it.
            let hit = self.cache.get(hash, |key, cached| {
                (key == client_id && now < cached.fresh_until).then(|| Arc::clone(&cached.document))
            });
            if let Some(document) = hit {
                return Ok(document);
            }
            let flight = Arc::new(Flight::default());
            flights.insert(client_id.to_owned(), Arc::clone(&flight));
            flight
        };
        let leading = Leading {
            resolver: self,
            client_id,
            flight,
        };
        let verdict = self.fetch_document(client_id, hash, now);
        leading.flight.finish(verdict.clone());
        verdict
    }

    /// Fetches and checks the document for `client_id`, and caches it by its headers.
    fn fetch_document(
        &self,
        client_id: &str,
        hash: u64,
        now: u64,
    ) -> Result<Arc<ClientMetadataDocument>> {
        let mut request = HttpRequest::get(client_id);
        request.timeout = self.options.timeout;
        request.max_response_bytes = self.options.max_response_bytes;
        let response = self
            .fetch
            .fetch(&request)
            .map_err(|e| fetch_failed(client_id, &e))?;
        let document = Arc::new(ClientMetadataDocument::from_response(
            client_id,
            &response,
            &self.options,
        )?);
        let ttl = cache_lifetime(&response, now)
            .unwrap_or(self.options.cache_ttl.as_secs())
            .min(self.options.max_cache_ttl.as_secs());
        if ttl > 0 {
            self.cache.insert(
                hash,
                client_id.to_owned(),
                Cached {
                    document: Arc::clone(&document),
                    fresh_until: now.saturating_add(ttl),
                },
            );
        }
        Ok(document)
    }
}

fn fetch_failed(client_id: &str, error: &FetchError) -> Error {
    let text = fetch_text(&error.to_string());
    // The resolver hook of UreqFetch refused the address (its sentence, see AddressPolicy).
    let reason = if text.contains("which this fetch may not connect to") {
        "address"
    } else {
        "fetch"
    };
    let what = match error {
        FetchError::Timeout(_) => "timed out",
        FetchError::TooLarge(_) => "is larger than max_response_bytes",
        FetchError::Transport(_) => "failed",
    };
    invalid_client(
        reason,
        format!(
            "the fetch of the client metadata document at {} {what}: {text}",
            quote_url(client_id)
        ),
    )
}

fn invalid_client(reason: &'static str, message: String) -> Error {
    Error::new(ErrorKind::OAuthInvalidClient, message).with_reason(reason)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    const ID: &str = "https://client.example/oauth/client.json";

    fn response(status: u16, body: &Value, headers: &[(&str, &str)]) -> HttpResponse {
        HttpResponse {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body: body.to_string().into_bytes(),
        }
    }

    fn document() -> Value {
        json!({
            "client_id": ID,
            "client_name": "Example MCP Client",
            "client_uri": "https://client.example/",
            "logo_uri": "https://client.example/logo.png",
            "redirect_uris": ["http://127.0.0.1/callback", "https://client.example/cb"],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "none",
            "software_id": "example"
        })
    }

    fn read(body: &Value) -> Result<ClientMetadataDocument> {
        ClientMetadataDocument::from_response(
            ID,
            &response(200, body, &[]),
            &ClientMetadataOptions::default(),
        )
    }

    fn refused(body: &Value) -> Error {
        read(body).unwrap_err()
    }

    #[test]
    fn a_good_document_is_read_and_binds_its_redirect_uris() {
        let doc = read(&document()).unwrap();
        assert_eq!(doc.client_id, ID);
        assert_eq!(doc.client_name.as_deref(), Some("Example MCP Client"));
        assert_eq!(doc.client_uri.as_deref(), Some("https://client.example/"));
        assert_eq!(doc.token_endpoint_auth_method, "none");
        assert_eq!(doc.extra["software_id"], "example");
        let policy = RedirectUriPolicy::default();
        let scopes = vec!["mcp:tools".to_owned()];
        let consent = doc
            .authorize("http://127.0.0.1:40123/callback", &scopes, &policy)
            .unwrap();
        assert_eq!(consent.verification, ClientVerification::VerifiedUrl);
        assert_eq!(consent.client_id, ID);
        assert_eq!(consent.redirect_uri, "http://127.0.0.1:40123/callback");
        assert_eq!(consent.scopes, scopes);
        for other in [
            "https://client.example/cb/",
            "https://evil.example/cb",
            "http://127.0.0.1:40123/other",
        ] {
            let err = doc.authorize(other, &scopes, &policy).unwrap_err();
            assert_eq!(
                (err.kind(), err.reason(), err.oauth_error()),
                (
                    ErrorKind::InvalidRequest,
                    Some("redirect_uri"),
                    "invalid_request"
                ),
                "{other}"
            );
            assert!(err.message().contains("metadata document"), "{err}");
        }
        // A document may list a URI the policy refuses; it is still refused.
        let mut body = document();
        body["redirect_uris"] = json!(["http://client.example/cb"]);
        let doc = read(&body).unwrap();
        let err = doc
            .authorize("http://client.example/cb", &scopes, &policy)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::RedirectUriRejected);
        // Without a token_endpoint_auth_method the client is public.
        let mut body = document();
        body.as_object_mut()
            .unwrap()
            .remove("token_endpoint_auth_method");
        assert_eq!(read(&body).unwrap().token_endpoint_auth_method, "none");
    }

    #[test]
    fn each_document_rule_has_its_refusal() {
        let with = |member: &str, value: Value| {
            let mut body = document();
            body[member] = value;
            body
        };
        let without = |member: &str| {
            let mut body = document();
            body.as_object_mut().unwrap().remove(member);
            body
        };
        let cases = [
            (
                with("client_id", json!("https://client.example/other.json")),
                "client_id",
            ),
            (with("client_id", json!(format!("{ID}/"))), "client_id"),
            (
                with(
                    "client_id",
                    json!("HTTPS://client.example/oauth/client.json"),
                ),
                "client_id",
            ),
            (without("client_id"), "client_id"),
            (with("client_id", json!(1)), "client_id"),
            (without("redirect_uris"), "redirect_uris"),
            (with("redirect_uris", json!([])), "redirect_uris"),
            (
                with("redirect_uris", json!("https://client.example/cb")),
                "redirect_uris",
            ),
            (with("redirect_uris", json!([1])), "redirect_uris"),
            (
                with(
                    "redirect_uris",
                    json!(
                        (0..=MAX_REDIRECT_URIS)
                            .map(|i| format!("https://client.example/{i}"))
                            .collect::<Vec<_>>()
                    ),
                ),
                "redirect_uris",
            ),
            (
                with("token_endpoint_auth_method", json!("client_secret_basic")),
                "token_endpoint_auth_method",
            ),
            (
                with("token_endpoint_auth_method", json!("private_key_jwt")),
                "token_endpoint_auth_method",
            ),
            (
                with("token_endpoint_auth_method", json!(["none"])),
                "token_endpoint_auth_method",
            ),
            (
                with("client_secret", json!("s3cret-in-a-public-document")),
                "client_secret",
            ),
            (with("client_secret_expires_at", json!(0)), "client_secret"),
            (
                with("client_uri", json!("javascript:alert(1)")),
                "client_uri",
            ),
            (
                with("client_uri", json!("http://client.example/")),
                "client_uri",
            ),
            (with("logo_uri", json!("javascript:alert(1)")), "logo_uri"),
            (
                with(
                    "logo_uri",
                    json!("data:image/svg+xml,<svg onload=alert(1)>"),
                ),
                "logo_uri",
            ),
            (with("client_name", json!(["a"])), "document"),
            (
                with("grant_types", json!(["client_credentials"])),
                "grant_types",
            ),
            (with("grant_types", json!("authorization_code")), "document"),
            (with("response_types", json!(["token"])), "response_types"),
        ];
        for (body, reason) in cases {
            let err = refused(&body);
            assert_eq!(
                (
                    err.kind(),
                    err.reason(),
                    err.oauth_error(),
                    err.http_status()
                ),
                (
                    ErrorKind::OAuthInvalidClient,
                    Some(reason),
                    "invalid_client",
                    401
                ),
                "{body}"
            );
            assert!(err.message().contains(ID), "{err}");
            assert!(!err.message().contains("s3cret"), "{err}");
        }
        // The proxy may support more methods than none.
        let options = ClientMetadataOptions {
            token_endpoint_auth_methods: vec!["none".into(), "private_key_jwt".into()],
            ..ClientMetadataOptions::default()
        };
        let body = with("token_endpoint_auth_method", json!("private_key_jwt"));
        let doc = ClientMetadataDocument::from_response(ID, &response(200, &body, &[]), &options)
            .unwrap();
        assert_eq!(doc.token_endpoint_auth_method, "private_key_jwt");
    }

    #[test]
    fn status_and_body_refusals() {
        let options = ClientMetadataOptions::default();
        let check = |r: &HttpResponse| ClientMetadataDocument::from_response(ID, r, &options);
        for (status, reason, text) in [
            (404, "status", "HTTP 404"),
            (302, "status", "not followed"),
            (500, "status", "HTTP 500"),
        ] {
            let mut r = response(status, &document(), &[]);
            r.headers
                .push(("Location".into(), "https://elsewhere.example/doc".into()));
            let err = check(&r).unwrap_err();
            assert_eq!(err.reason(), Some(reason), "{status}");
            assert!(err.message().contains(text), "{err}");
        }
        for body in [&b"not json"[..], b"[1]", b"\"text\"", b""] {
            let r = HttpResponse {
                status: 200,
                headers: Vec::new(),
                body: body.to_vec(),
            };
            assert_eq!(check(&r).unwrap_err().reason(), Some("document"));
        }
    }

    #[test]
    fn client_id_urls_are_checked_before_any_fetch() {
        let options = ClientMetadataOptions::default();
        assert!(ClientMetadataDocument::check_client_id(ID, &options).is_ok());
        assert!(
            ClientMetadataDocument::check_client_id("https://client.example/c?v=1", &options)
                .is_ok()
        );
        let long = format!(
            "https://client.example/{}",
            "a".repeat(MAX_CLIENT_ID_URL_BYTES)
        );
        let cases = [
            ("https://client.example", "client_id_url"),
            ("https://client.example/", "client_id_url"),
            ("https://client.example/a/../b", "client_id_url"),
            ("https://client.example/./b", "client_id_url"),
            ("https://client.example:443/c.json", "client_id_url"),
            ("https://Client.example/c.json", "client_id_url"),
            ("https://client.example/c.json#frag", "client_id_url"),
            ("https://user@client.example/c.json", "client_id_url"),
            ("https://client.example/c d", "client_id_url"),
            ("http://client.example/c.json", "client_id_url"),
            ("http://127.0.0.1:8080/c.json", "client_id_url"),
            ("ftp://client.example/c.json", "client_id_url"),
            (long.as_str(), "client_id_url"),
            ("https://127.0.0.1/c.json", "address"),
            ("https://localhost/c.json", "address"),
            ("https://10.0.0.1/c.json", "address"),
            ("https://169.254.169.254/latest/meta-data", "address"),
            ("https://[::ffff:a9fe:a9fe]/c.json", "address"),
            ("https://[fd00::1]/c.json", "address"),
        ];
        for (id, reason) in cases {
            let err = ClientMetadataDocument::check_client_id(id, &options).unwrap_err();
            assert_eq!(
                (err.kind(), err.reason()),
                (ErrorKind::OAuthInvalidClient, Some(reason)),
                "{id}: {err}"
            );
            assert!(err.message().len() < 700, "{err}");
        }
        let loopback = ClientMetadataOptions {
            dangerous_allow_loopback: true,
            ..ClientMetadataOptions::default()
        };
        for id in [
            "http://127.0.0.1:8080/c.json",
            "http://localhost:8080/c.json",
            "https://127.0.0.1/c.json",
        ] {
            assert!(
                ClientMetadataDocument::check_client_id(id, &loopback).is_ok(),
                "{id}"
            );
        }
        assert!(
            ClientMetadataDocument::check_client_id("http://10.0.0.1/c.json", &loopback).is_err()
        );
    }

    #[test]
    fn cache_lifetime_follows_the_headers() {
        let now = 784_111_777; // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(now));
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            parse_http_date("Tue, 29 Feb 2028 23:59:59 GMT"),
            Some(1_835_481_599)
        );
        for bad in [
            "",
            "0",
            "Sun, 06 Nov 1994 08:49:37 PST",
            "Sun, 32 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
        let with =
            |headers: &[(&str, &str)]| cache_lifetime(&response(200, &json!({}), headers), now);
        assert_eq!(with(&[]), None);
        assert_eq!(with(&[("Cache-Control", "public, max-age=600")]), Some(600));
        assert_eq!(with(&[("Cache-Control", "max-age=\"60\"")]), Some(60));
        assert_eq!(with(&[("Cache-Control", "max-age=soon")]), Some(0));
        assert_eq!(with(&[("Cache-Control", "no-store")]), Some(0));
        assert_eq!(with(&[("Cache-Control", "max-age=600, no-cache")]), Some(0));
        assert_eq!(with(&[("Cache-Control", "public")]), None);
        assert_eq!(
            with(&[
                ("Cache-Control", "no-store"),
                ("cache-control", "max-age=60")
            ]),
            Some(0)
        );
        assert_eq!(
            with(&[("Cache-Control", "public"), ("cache-control", "max-age=60")]),
            Some(60)
        );
        assert_eq!(
            with(&[
                ("Cache-Control", "max-age=60"),
                ("Expires", "Sun, 06 Nov 1994 09:49:37 GMT")
            ]),
            Some(60)
        );
        assert_eq!(
            with(&[("Expires", "Sun, 06 Nov 1994 09:49:37 GMT")]),
            Some(3600)
        );
        assert_eq!(
            with(&[
                ("Expires", "Sun, 06 Nov 1994 09:49:37 GMT"),
                ("Date", "Sun, 06 Nov 1994 09:48:37 GMT")
            ]),
            Some(60)
        );
        assert_eq!(with(&[("Expires", "0")]), Some(0));
        assert_eq!(
            with(&[("Expires", "Sun, 06 Nov 1994 07:49:37 GMT")]),
            Some(0)
        );
    }

    #[test]
    fn options_are_data_and_range_checked() {
        let options = ClientMetadataOptions::from_json(
            r#"{"timeout": 2, "max_cache_ttl": 3600, "dangerous_allow_loopback": true}"#,
        )
        .unwrap();
        assert_eq!(options.timeout, Duration::from_secs(2));
        assert!(options.address_policy().dangerous_allow_loopback);
        assert!(ClientMetadataOptions::from_json(r#"{"ttl": 1}"#).is_err());
        let bad = [
            ClientMetadataOptions {
                timeout: Duration::ZERO,
                ..ClientMetadataOptions::default()
            },
            ClientMetadataOptions {
                max_response_bytes: 0,
                ..ClientMetadataOptions::default()
            },
            ClientMetadataOptions {
                cache_ttl: Duration::from_secs(8 * 86_400),
                ..ClientMetadataOptions::default()
            },
            ClientMetadataOptions {
                max_cache_ttl: Duration::MAX,
                ..ClientMetadataOptions::default()
            },
            ClientMetadataOptions {
                cache_entries: usize::MAX,
                ..ClientMetadataOptions::default()
            },
        ];
        for options in bad {
            let err = ClientMetadataResolver::with_fetch(
                options,
                Arc::new(UreqFetch::new().unwrap()),
                Arc::new(SystemClock),
            )
            .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidConfig);
            assert!(err.message().contains("ClientMetadataOptions::"), "{err}");
        }
    }
}
