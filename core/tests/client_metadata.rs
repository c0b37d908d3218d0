//! `ClientMetadataResolver` against a real server on 127.0.0.1 (the loopback opt-in), on a
//! manual clock: what its caching headers say is how long a document is kept, within
//! `max_cache_ttl`; refused documents are never kept; the size cap and the timeout hold;
//! concurrent resolutions of one client id share one fetch.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Barrier, Condvar, Mutex};
use std::time::Duration;

use http_loopback::{Request, Response, Server};
use mcp_bearer::ErrorKind;
use mcp_bearer::clock::{Clock, ManualClock};
use mcp_bearer::net::UreqFetchOptions;
use mcp_bearer::oauth::{ClientMetadataOptions, ClientMetadataResolver};
use serde_json::json;

const T0: u64 = 1_750_000_000;
const PATH: &str = "/oauth/client.json";

/// A client's site: serves its document with the headers set, counts the fetches.
struct Site {
    url: String,
    headers: Arc<Mutex<Vec<(String, String)>>>,
    body: Arc<Mutex<Option<String>>>,
    fetches: Arc<AtomicUsize>,
    _server: Server,
}

impl Site {
    fn start() -> Site {
        let listener = http_loopback::Listener::bind(0).unwrap();
        let url = format!("{}{PATH}", listener.origin());
        let headers: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
        let body: Arc<Mutex<Option<String>>> = Arc::default();
        let fetches = Arc::new(AtomicUsize::new(0));
        let document = json!({
            "client_id": url,
            "client_name": "Cache test client",
            "redirect_uris": ["http://127.0.0.1/callback"],
        })
        .to_string();
        let (h, b, f) = (
            Arc::clone(&headers),
            Arc::clone(&body),
            Arc::clone(&fetches),
        );
        let server = listener
            .serve(
                move |_: &Request| {
                    f.fetch_add(1, Ordering::SeqCst);
                    let text = b
                        .lock()
                        .unwrap()
                        .clone()
                        .unwrap_or_else(|| document.clone());
                    let mut response =
                        Response::new(200, text).with_header("Content-Type", "application/json");
                    for (name, value) in h.lock().unwrap().iter() {
                        response = response.with_header(name, value);
                    }
                    response
                },
                http_loopback::Options::default(),
            )
            .unwrap();
        Site {
            url,
            headers,
            body,
            fetches,
            _server: server,
        }
    }

    fn set_headers(&self, headers: &[(&str, &str)]) {
        *self.headers.lock().unwrap() = headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
    }

    fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }
}

fn resolver(options: ClientMetadataOptions, clock: &Arc<ManualClock>) -> ClientMetadataResolver {
    let options = ClientMetadataOptions {
        dangerous_allow_loopback: true,
        ..options
    };
    let fetch_options = UreqFetchOptions {
        ignore_proxy_env: true,
        ..UreqFetchOptions::default()
    };
    ClientMetadataResolver::with_clock(options, &fetch_options, Arc::clone(clock) as Arc<dyn Clock>)
        .unwrap()
}

/// Resolves at `at` seconds after T0 and says how many fetches the site has seen by then.
fn fetches_after(
    site: &Site,
    resolver: &ClientMetadataResolver,
    clock: &ManualClock,
    at: u64,
) -> usize {
    clock.set_secs(T0 + at);
    let doc = resolver.resolve(&site.url).unwrap();
    assert_eq!(doc.client_name.as_deref(), Some("Cache test client"));
    site.fetches()
}

#[test]
fn max_age_decides_within_max_cache_ttl() {
    let site = Site::start();
    site.set_headers(&[("Cache-Control", "public, max-age=120")]);
    let clock = Arc::new(ManualClock::at_secs(T0));
    let r = resolver(ClientMetadataOptions::default(), &clock);
    assert_eq!(fetches_after(&site, &r, &clock, 0), 1);
    assert_eq!(fetches_after(&site, &r, &clock, 119), 1);
    assert_eq!(fetches_after(&site, &r, &clock, 120), 2);
    assert_eq!(fetches_after(&site, &r, &clock, 200), 2);

    // A year of max-age is held to max_cache_ttl.
    let site = Site::start();
    site.set_headers(&[("Cache-Control", "max-age=31536000")]);
    let r = resolver(
        ClientMetadataOptions {
            max_cache_ttl: Duration::from_secs(600),
            ..ClientMetadataOptions::default()
        },
        &clock,
    );
    assert_eq!(fetches_after(&site, &r, &clock, 0), 1);
    assert_eq!(fetches_after(&site, &r, &clock, 599), 1);
    assert_eq!(fetches_after(&site, &r, &clock, 600), 2);
}

#[test]
fn no_store_is_never_kept_and_no_headers_means_cache_ttl() {
    let clock = Arc::new(ManualClock::at_secs(T0));
    let site = Site::start();
    site.set_headers(&[("Cache-Control", "no-store")]);
    let r = resolver(ClientMetadataOptions::default(), &clock);
    assert_eq!(fetches_after(&site, &r, &clock, 0), 1);
    assert_eq!(fetches_after(&site, &r, &clock, 0), 2);
    assert_eq!(fetches_after(&site, &r, &clock, 1), 3);

    let site = Site::start();
    let r = resolver(
        ClientMetadataOptions {
            cache_ttl: Duration::from_secs(30),
            ..ClientMetadataOptions::default()
        },
        &clock,
    );
    assert_eq!(fetches_after(&site, &r, &clock, 0), 1);
    assert_eq!(fetches_after(&site, &r, &clock, 29), 1);
    assert_eq!(fetches_after(&site, &r, &clock, 30), 2);

    // No cache at all.
    let site = Site::start();
    site.set_headers(&[("Cache-Control", "max-age=600")]);
    let r = resolver(
        ClientMetadataOptions {
            cache_entries: 0,
            ..ClientMetadataOptions::default()
        },
        &clock,
    );
    assert_eq!(fetches_after(&site, &r, &clock, 0), 1);
    assert_eq!(fetches_after(&site, &r, &clock, 0), 2);
}

#[test]
fn expires_counts_from_the_responses_date() {
    let clock = Arc::new(ManualClock::at_secs(T0));
    let site = Site::start();
    // Expires 90 s after Date, whatever the proxy's clock says about either.
    site.set_headers(&[
        ("Date", "Sun, 06 Nov 1994 08:49:37 GMT"),
        ("Expires", "Sun, 06 Nov 1994 08:51:07 GMT"),
    ]);
    let r = resolver(ClientMetadataOptions::default(), &clock);
    assert_eq!(fetches_after(&site, &r, &clock, 0), 1);
    assert_eq!(fetches_after(&site, &r, &clock, 89), 1);
    assert_eq!(fetches_after(&site, &r, &clock, 90), 2);
    // An Expires that does not parse is already stale.
    site.set_headers(&[("Expires", "0")]);
    assert_eq!(fetches_after(&site, &r, &clock, 1000), 3);
    assert_eq!(fetches_after(&site, &r, &clock, 1000), 4);
}

#[test]
fn refused_documents_are_not_kept() {
    let clock = Arc::new(ManualClock::at_secs(T0));
    let site = Site::start();
    site.set_headers(&[("Cache-Control", "max-age=600")]);
    *site.body.lock().unwrap() = Some(
        json!({"client_id": "https://someone.else/c.json", "redirect_uris": ["https://x.example/cb"]})
            .to_string(),
    );
    let r = resolver(ClientMetadataOptions::default(), &clock);
    for expected in [1, 2] {
        let err = r.resolve(&site.url).unwrap_err();
        assert_eq!(
            (err.kind(), err.reason()),
            (ErrorKind::OAuthInvalidClient, Some("client_id"))
        );
        assert_eq!(site.fetches(), expected);
    }
    // Fixed at the source: the next request sees it at once.
    *site.body.lock().unwrap() = None;
    assert_eq!(fetches_after(&site, &r, &clock, 0), 3);
    assert_eq!(fetches_after(&site, &r, &clock, 10), 3);
}

#[test]
fn size_cap_and_timeout_hold() {
    let clock = Arc::new(ManualClock::at_secs(T0));
    let site = Site::start();
    let r = resolver(
        ClientMetadataOptions {
            max_response_bytes: 64,
            ..ClientMetadataOptions::default()
        },
        &clock,
    );
    let err = r.resolve(&site.url).unwrap_err();
    assert_eq!(
        (err.kind(), err.reason(), err.oauth_error()),
        (
            ErrorKind::OAuthInvalidClient,
            Some("fetch"),
            "invalid_client"
        )
    );
    assert!(err.message().contains("max_response_bytes"), "{err}");

    // A server that accepts the connection and never answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/oauth/client.json", silent.local_addr().unwrap());
    let r = resolver(
        ClientMetadataOptions {
            timeout: Duration::from_millis(300),
            ..ClientMetadataOptions::default()
        },
        &clock,
    );
    let err = r.resolve(&url).unwrap_err();
    assert_eq!(
        (err.kind(), err.reason()),
        (ErrorKind::OAuthInvalidClient, Some("fetch"))
    );
    assert!(err.message().contains("timed out"), "{err}");
    drop(silent);
}

/// A site that holds every answer until `open` is called, and says when a request arrives.
struct GatedSite {
    url: String,
    gate: Arc<(Mutex<bool>, Condvar)>,
    arrived: mpsc::Receiver<()>,
    fetches: Arc<AtomicUsize>,
    _server: Server,
}

impl GatedSite {
    fn start(body: impl Fn(&str) -> String + Send + Sync + 'static) -> GatedSite {
        let listener = http_loopback::Listener::bind(0).unwrap();
        let url = format!("{}{PATH}", listener.origin());
        let gate: Arc<(Mutex<bool>, Condvar)> = Arc::default();
        let fetches = Arc::new(AtomicUsize::new(0));
        let (tell, arrived) = mpsc::channel();
        let tell = Mutex::new(tell);
        let (g, f, u) = (Arc::clone(&gate), Arc::clone(&fetches), url.clone());
        let server = listener
            .serve(
                move |_: &Request| {
                    f.fetch_add(1, Ordering::SeqCst);
                    let _ = tell.lock().unwrap().send(());
                    let (open, opened) = &*g;
                    let mut open = open.lock().unwrap();
                    while !*open {
                        open = opened.wait(open).unwrap();
                    }
                    Response::new(200, body(&u)).with_header("Content-Type", "application/json")
                },
                http_loopback::Options::default(),
            )
            .unwrap();
        GatedSite {
            url,
            gate,
            arrived,
            fetches,
            _server: server,
        }
    }

    fn open(&self) {
        let (open, opened) = &*self.gate;
        *open.lock().unwrap() = true;
        opened.notify_all();
    }
}

/// Resolves `site`'s id on `threads` threads at once: the site holds its answer until its
/// first request has arrived and every thread has started, then answers.
fn resolve_at_once(
    site: &GatedSite,
    resolver: &Arc<ClientMetadataResolver>,
    threads: usize,
) -> Vec<mcp_bearer::Result<Arc<mcp_bearer::oauth::ClientMetadataDocument>>> {
    let start = Arc::new(Barrier::new(threads + 1));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let (start, resolver, url) =
                (Arc::clone(&start), Arc::clone(resolver), site.url.clone());
            std::thread::spawn(move || {
                start.wait();
                resolver.resolve(&url)
            })
        })
        .collect();
    start.wait();
    site.arrived
        .recv_timeout(Duration::from_secs(10))
        .expect("the first request reaches the site");
    site.open();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

#[test]
fn concurrent_resolutions_of_one_client_share_one_fetch() {
    let clock = Arc::new(ManualClock::at_secs(T0));
    // A document: every thread gets it, from one fetch (the fetch in progress, or the cache
    // it filled for a thread that came late).
    let site = GatedSite::start(|url| {
        json!({"client_id": url, "client_name": "Flight", "redirect_uris": ["https://x.example/cb"]})
            .to_string()
    });
    let r = Arc::new(resolver(ClientMetadataOptions::default(), &clock));
    let verdicts = resolve_at_once(&site, &r, 8);
    assert!(
        verdicts
            .iter()
            .all(|v| v.as_ref().unwrap().client_name.as_deref() == Some("Flight"))
    );
    assert_eq!(site.fetches.load(Ordering::SeqCst), 1);

    // A refused document: every thread gets the refusal, whether it joined the fetch or
    // came after it (a refusal is not kept, so a late thread fetches again).
    let site = GatedSite::start(|_| {
        json!({"client_id": "https://someone.else/c.json", "redirect_uris": ["https://x.example/cb"]})
            .to_string()
    });
    let r = Arc::new(resolver(ClientMetadataOptions::default(), &clock));
    let verdicts = resolve_at_once(&site, &r, 8);
    for verdict in &verdicts {
        let err = verdict.as_ref().unwrap_err();
        assert_eq!(
            (err.kind(), err.reason()),
            (ErrorKind::OAuthInvalidClient, Some("client_id"))
        );
    }
    let fetches = site.fetches.load(Ordering::SeqCst);
    // Afterwards a resolution fetches again (a refusal is not kept).
    r.resolve(&site.url).unwrap_err();
    assert_eq!(site.fetches.load(Ordering::SeqCst), fetches + 1);
}
