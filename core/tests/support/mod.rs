//! Shared parts of the integration tests: a small real HTTP/1.1 server on 127.0.0.1 that
//! serves a JWKS and can misbehave on demand, and helpers to mint tokens and build verifiers.
//!
//! The server is plain `std::net` and threads: one accept thread, one thread per connection,
//! `Connection: close` on every answer so that every fetch is one connection and one counted
//! request.
// Each test binary uses a different subset of these helpers.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use mcp_bearer::clock::ManualClock;
use mcp_bearer::fetch::{UreqFetch, UreqFetchOptions};
use mcp_bearer::http::Fetch;
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
    addr: SocketAddr,
    behaviour: Mutex<Behaviour>,
    requests: AtomicUsize,
    request_lines: Mutex<Vec<String>>,
    stopping: AtomicBool,
    accept_thread: Mutex<Option<JoinHandle<()>>>,
}

impl Inner {
    /// Stops accepting and closes the listening socket, so that later connections are
    /// refused. Idempotent; returns once the socket is closed.
    fn close_listener(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        let handle = self.accept_thread.lock().unwrap().take();
        if let Some(handle) = handle {
            // The accept thread is blocked in accept(): a connection wakes it up to see
            // the flag.
            let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
            let _ = handle.join();
        }
    }
}

/// A JWKS endpoint on 127.0.0.1 that counts its requests. Closed when dropped.
pub struct JwksServer {
    inner: Arc<Inner>,
}

impl JwksServer {
    /// Starts a server answering `GET` with `jwks` (a JWKS document).
    pub fn start(jwks: Vec<u8>) -> JwksServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().unwrap();
        let inner = Arc::new(Inner {
            addr,
            behaviour: Mutex::new(Behaviour {
                jwks,
                reply: Reply::Jwks,
                delay: Duration::ZERO,
                die_after: None,
            }),
            requests: AtomicUsize::new(0),
            request_lines: Mutex::new(Vec::new()),
            stopping: AtomicBool::new(false),
            accept_thread: Mutex::new(None),
        });
        let for_thread = Arc::clone(&inner);
        let handle = std::thread::spawn(move || accept_loop(&listener, &for_thread));
        *inner.accept_thread.lock().unwrap() = Some(handle);
        JwksServer { inner }
    }

    /// The URL of the key set (plain http to loopback, which the URL policy allows).
    pub fn url(&self) -> String {
        format!("http://{}/jwks", self.inner.addr)
    }

    /// The server's origin, `http://127.0.0.1:port`.
    pub fn origin(&self) -> String {
        format!("http://{}", self.inner.addr)
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
        self.inner.close_listener();
    }
}

fn accept_loop(listener: &TcpListener, inner: &Arc<Inner>) {
    for stream in listener.incoming() {
        if inner.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let inner = Arc::clone(inner);
        std::thread::spawn(move || handle_connection(stream, &inner));
    }
}

/// Reads one request head; `None` when the peer sent nothing usable.
fn read_request_line(stream: &mut TcpStream) -> Option<String> {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    // Bounded: a request head larger than 64 KiB is not one this server answers.
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&head);
    text.lines().next().map(str::to_owned)
}

fn handle_connection(mut stream: TcpStream, inner: &Arc<Inner>) {
    let Some(line) = read_request_line(&mut stream) else {
        return;
    };
    let served = inner.requests.fetch_add(1, Ordering::SeqCst) + 1;
    inner.request_lines.lock().unwrap().push(line);
    let (jwks, mut reply, delay, die_after) = {
        let b = inner.behaviour.lock().unwrap();
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
    while Instant::now() < deadline && !inner.stopping.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(10).min(deadline - Instant::now()));
    }
    if refuse_later {
        // Closed before the answer leaves, so that every fetch the client makes after this
        // one finds the port closed.
        inner.close_listener();
    }
    let (status, content_type, body, location) = match reply {
        Reply::Jwks => (200, "application/json".to_owned(), jwks, None),
        Reply::Status(status) => (
            status,
            "application/json".to_owned(),
            br#"{"error":"server_error"}"#.to_vec(),
            None,
        ),
        Reply::Raw {
            status,
            content_type,
            body,
        } => (status, content_type, body, None),
        Reply::Redirect(to) => (302, "text/plain".to_owned(), b"moved".to_vec(), Some(to)),
        Reply::Hangup => {
            let _ = stream.shutdown(Shutdown::Both);
            return;
        }
    };
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Connection: close\r\n",
        reason_phrase(status),
        body.len()
    );
    if let Some(to) = location {
        head.push_str(&format!("Location: {to}\r\n"));
    }
    head.push_str("\r\n");
    // The client may hang up early (a capped body): write errors are expected then.
    let _ = stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(&body))
        .and_then(|()| stream.flush());
    let _ = stream.shutdown(Shutdown::Write);
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        404 => "Not Found",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
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

/// A verifier with [`options`] over `remote` (and so on its clock).
pub fn remote_verifier(remote: &Arc<RemoteJwks>) -> Verifier {
    Verifier::new(mcp_bearer::KeySource::Remote(Arc::clone(remote)), options()).expect("verifier")
}

/// The clock's current time in whole seconds.
pub fn now(clock: &ManualClock) -> u64 {
    use mcp_bearer::clock::Clock as _;
    clock.now_secs()
}
