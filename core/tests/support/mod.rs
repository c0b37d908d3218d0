//! Shared parts of the integration tests: a JWKS endpoint on 127.0.0.1 that can misbehave
//! on demand, and helpers to mint tokens and build verifiers.
//!
//! The endpoint runs on the workspace's loopback server (`http_loopback`): `Connection:
//! close` on every answer, so that every fetch is one connection and one counted request.
//! Counting, delays and the replies are this handler's; a server that dies by refusing
//! connections stops its listener, one that dies by hanging up reads the request and closes
//! the connection without an answer.
// Each test binary uses a different subset of these helpers.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use http_loopback::{Listener, Options, Outcome, Request, Response, Server};
use mcp_bearer::clock::ManualClock;
use mcp_bearer::net::Fetch;
use mcp_bearer::net::{UreqFetch, UreqFetchOptions};
use mcp_bearer::{RemoteJwks, RemoteJwksOptions, SigningKey, Verifier, VerifierOptions};
use serde_json::{Map, Value, json};

/// The issuer every minted token carries and every verifier expects.
pub const ISSUER: &str = "https://idp.example.test/";
/// The audience every minted token carries and every verifier expects.
pub const AUDIENCE: &str = "https://mcp.example.test/mcp";
/// Where the manual clocks start: a fixed moment, so failures reproduce.
pub const T0: u64 = 1_750_000_000;

/// What the server answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// 200 with the current key set.
    Jwks,
    /// This status with a short JSON error body.
    Status(u16),
    /// This status, content type and body, as given (malformed JSON, oversize bodies).
    Raw {
        /// The status.
        status: u16,
        /// The `Content-Type`.
        content_type: String,
        /// The body.
        body: Vec<u8>,
    },
    /// 302 to this location.
    Redirect(String),
    /// Read the request, then close the connection without a word.
    Hangup,
}

/// How a server that dies stops serving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Death {
    /// The listening socket is closed: connections are refused.
    RefuseConnections,
    /// Connections are accepted and requests read, then closed without an answer.
    HangUp,
}

struct Behaviour {
    jwks: Vec<u8>,
    reply: Reply,
    delay: Duration,
    die_after: Option<(usize, Death)>,
}

struct Inner {
    behaviour: Mutex<Behaviour>,
    requests: AtomicUsize,
    request_lines: Mutex<Vec<String>>,
    /// Set once the listener is closing, so that delayed answers give up early.
    stopping: AtomicBool,
    /// The running server; taken out when the `JwksServer` is dropped, which ends the
    /// reference cycle through the handler.
    server: Mutex<Option<Server>>,
}

impl Inner {
    /// Stops accepting and closes the listening socket, so that later connections are
    /// refused. Idempotent; returns once the socket is closed.
    fn close_listener(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        if let Some(server) = self.server.lock().unwrap().as_ref() {
            server.stop();
        }
    }

    /// The outcome of one request: counts it, then answers as the behaviour says.
    fn handle(&self, request: &Request) -> Outcome {
        let served = self.requests.fetch_add(1, Ordering::SeqCst) + 1;
        self.request_lines.lock().unwrap().push(format!(
            "{} {} {}",
            request.method, request.target, request.version
        ));
        let (jwks, mut reply, delay, die_after) = {
            let b = self.behaviour.lock().unwrap();
            (b.jwks.clone(), b.reply.clone(), b.delay, b.die_after)
        };
        let refuse_later = match die_after {
            Some((n, Death::RefuseConnections)) => served >= n,
            Some((n, Death::HangUp)) => {
                if served > n {
                    reply = Reply::Hangup;
                }
                false
            }
            None => false,
        };
        // Sleep in slices so that a dropped server does not leave a thread sleeping for long.
        let deadline = Instant::now() + delay;
        while Instant::now() < deadline && !self.stopping.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(10).min(deadline - Instant::now()));
        }
        if refuse_later {
            // Closed before the answer leaves, so that every fetch the client makes after this
            // one finds the port closed.
            self.close_listener();
        }
        let response = match reply {
            Reply::Jwks => Response::new(200, jwks).with_header("Content-Type", "application/json"),
            Reply::Status(status) => Response::new(status, br#"{"error":"server_error"}"#.to_vec())
                .with_header("Content-Type", "application/json"),
            Reply::Raw {
                status,
                content_type,
                body,
            } => Response::new(status, body).with_header("Content-Type", &content_type),
            Reply::Redirect(to) => Response::new(302, b"moved".to_vec())
                .with_header("Content-Type", "text/plain")
                .with_header("Location", &to),
            Reply::Hangup => return Outcome::HangUp,
        };
        Outcome::Respond(response)
    }
}

/// A JWKS endpoint on 127.0.0.1 that counts its requests. Closed when dropped.
pub struct JwksServer {
    inner: Arc<Inner>,
    origin: String,
}

impl JwksServer {
    /// Starts a server answering `GET` with `jwks` (a JWKS document).
    pub fn start(jwks: Vec<u8>) -> JwksServer {
        let listener = Listener::bind(0).expect("bind 127.0.0.1:0");
        let origin = listener.origin();
        let inner = Arc::new(Inner {
            behaviour: Mutex::new(Behaviour {
                jwks,
                reply: Reply::Jwks,
                delay: Duration::ZERO,
                die_after: None,
            }),
            requests: AtomicUsize::new(0),
            request_lines: Mutex::new(Vec::new()),
            stopping: AtomicBool::new(false),
            server: Mutex::new(None),
        });
        let handler = Arc::clone(&inner);
        let options = Options {
            // A request head larger than 64 KiB is not one this server answers.
            max_head_bytes: 64 * 1024,
            ..Options::default()
        };
        let server = listener
            .serve(move |request: &Request| handler.handle(request), options)
            .expect("start the JWKS server");
        *inner.server.lock().unwrap() = Some(server);
        JwksServer { inner, origin }
    }

    /// The URL of the key set (plain http to loopback, which the URL policy allows).
    pub fn url(&self) -> String {
        format!("{}/jwks", self.origin)
    }

    /// The server's origin, `http://127.0.0.1:port`.
    pub fn origin(&self) -> String {
        self.origin.clone()
    }

    /// How many HTTP requests the server has read.
    pub fn requests(&self) -> usize {
        self.inner.requests.load(Ordering::SeqCst)
    }

    /// The request lines received (`GET /jwks HTTP/1.1`), in order.
    pub fn request_lines(&self) -> Vec<String> {
        self.inner.request_lines.lock().unwrap().clone()
    }

    /// Serves `jwks` from now on (key rotation).
    pub fn set_jwks(&self, jwks: Vec<u8>) {
        let mut b = self.inner.behaviour.lock().unwrap();
        b.jwks = jwks;
        b.reply = Reply::Jwks;
    }

    /// Answers every later request with `reply`.
    pub fn set_reply(&self, reply: Reply) {
        self.inner.behaviour.lock().unwrap().reply = reply;
    }

    /// Waits this long before answering each later request.
    pub fn set_delay(&self, delay: Duration) {
        self.inner.behaviour.lock().unwrap().delay = delay;
    }

    /// After answering `count` requests in all, stops serving the way `how` says (an
    /// identity provider that went down).
    pub fn die_after(&self, count: usize, how: Death) {
        self.inner.behaviour.lock().unwrap().die_after = Some((count, how));
    }

    /// Closes the listening socket now; later connections are refused.
    pub fn kill(&self) {
        self.inner.close_listener();
    }
}

impl Drop for JwksServer {
    fn drop(&mut self) {
        self.inner.stopping.store(true, Ordering::SeqCst);
        // Taken out of the lock before it stops, and dropped here, on the test's thread.
        let server = self.inner.server.lock().unwrap().take();
        drop(server);
    }
}

/// A JWKS document with the public keys of `keys`.
pub fn jwks_of(keys: &[&SigningKey]) -> Vec<u8> {
    let keys: Vec<Value> = keys.iter().map(|k| k.public_jwk()).collect();
    serde_json::to_vec(&json!({ "keys": keys })).unwrap()
}

/// A fresh signing key for `alg`.
pub fn key(alg: mcp_bearer::Algorithm) -> SigningKey {
    SigningKey::generate(alg).expect("key generation")
}

static NEXT_JTI: AtomicU64 = AtomicU64::new(1);

/// Claims from [`ISSUER`] for [`AUDIENCE`], issued at `now`, expiring `ttl` seconds later,
/// with a unique `jti` so that no two minted tokens are the same.
pub fn claims(now: u64, ttl: u64) -> Map<String, Value> {
    let jti = NEXT_JTI.fetch_add(1, Ordering::Relaxed);
    let value = json!({
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "user-1",
        "iat": now,
        "exp": now + ttl,
        "jti": format!("jti-{jti}"),
        "scope": "mcp:read",
    });
    match value {
        Value::Object(map) => map,
        _ => unreachable!("a JSON object literal"),
    }
}

/// Signs `claims` with `key` (header `alg`, `kid`, `typ: JWT`).
pub fn mint(key: &SigningKey, claims: &Map<String, Value>) -> String {
    key.sign_jwt(claims, &Map::new()).expect("signing")
}

/// A token from `key`, issued at `now`, valid for `ttl` seconds.
pub fn token(key: &SigningKey, now: u64, ttl: u64) -> String {
    mint(key, &claims(now, ttl))
}

/// The default fetcher ([`UreqFetch`]), built once, ignoring proxy variables: the test
/// servers are on loopback and a proxy set in the environment must not sit in between.
pub fn ureq_fetch() -> Arc<dyn Fetch> {
    static FETCH: OnceLock<Arc<UreqFetch>> = OnceLock::new();
    let fetch = FETCH.get_or_init(|| {
        let options = UreqFetchOptions {
            ignore_proxy_env: true,
            ..UreqFetchOptions::default()
        };
        Arc::new(UreqFetch::with_options(&options).expect("ureq client"))
    });
    Arc::clone(fetch) as Arc<dyn Fetch>
}

/// A manual clock standing at [`T0`].
pub fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::at_secs(T0))
}

/// A [`RemoteJwks`] for `url` over [`ureq_fetch`], timed by `clock`.
pub fn remote(url: &str, options: RemoteJwksOptions, clock: &Arc<ManualClock>) -> Arc<RemoteJwks> {
    let clock: Arc<dyn mcp_bearer::clock::Clock> = Arc::clone(clock) as _;
    Arc::new(RemoteJwks::with_parts(url, options, ureq_fetch(), clock).expect("RemoteJwks"))
}

/// Verifier options expecting [`ISSUER`] and [`AUDIENCE`], otherwise the defaults.
pub fn options() -> VerifierOptions {
    VerifierOptions {
        issuers: vec![ISSUER.into()],
        audiences: vec![AUDIENCE.into()],
        ..VerifierOptions::default()
    }
}

thread_local! {
    /// Set by [`without_token_cache`] for the scenario running on this thread.
    static TOKEN_CACHE_OFF: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `scenario` with the verified-token cache off in every verifier
/// [`remote_verifier`] builds on this thread: the same assertions must hold either way.
pub fn without_token_cache(scenario: fn()) {
    TOKEN_CACHE_OFF.with(|off| off.set(true));
    scenario();
    TOKEN_CACHE_OFF.with(|off| off.set(false));
}

/// `entries` with the cache on, 0 with it off: what `Verifier::cached_tokens` must say.
pub fn cached(entries: usize) -> usize {
    if TOKEN_CACHE_OFF.with(std::cell::Cell::get) {
        0
    } else {
        entries
    }
}

/// A verifier with [`options`] over `remote` (and so on its clock); its token cache is off
/// inside [`without_token_cache`].
pub fn remote_verifier(remote: &Arc<RemoteJwks>) -> Verifier {
    let mut options = options();
    if TOKEN_CACHE_OFF.with(std::cell::Cell::get) {
        options.token_cache_entries = 0;
    }
    Verifier::new(mcp_bearer::KeySource::Remote(Arc::clone(remote)), options).expect("verifier")
}

/// The clock's current time in whole seconds.
pub fn now(clock: &ManualClock) -> u64 {
    use mcp_bearer::clock::Clock as _;
    clock.now_secs()
}
