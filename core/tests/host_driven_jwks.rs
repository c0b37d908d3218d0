//! The JWKS cache driven by a host's own HTTP client, as a binding on a platform with its
//! own network stack (URLSession, OkHttp) drives it: `JwksCache` decides, a hand-written
//! HTTP/1.1 client over `std::net::TcpStream` fetches, and the verdicts are those of
//! `RemoteJwks` over the default fetcher, request for request, against the same loopback
//! server and the same manual clock.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;

use mcp_bearer::clock::{Clock, ManualClock};
use mcp_bearer::jwks::{FetchReason, JwksCache, RemoteJwks};
use mcp_bearer::net::{FetchError, HttpRequest, HttpResponse, Method};
use mcp_bearer::{Algorithm, RemoteJwksOptions, VerifiedToken, Verifier};
use support::{JwksServer, Reply, T0, clock, jwks_of, key, remote, remote_verifier, token};

/// The host's HTTP client: one `GET` over a fresh connection, no redirects followed, the
/// request's timeout and size cap honoured. Plain http to 127.0.0.1 only, which is all the
/// test server speaks.
fn host_send(request: &HttpRequest) -> Result<HttpResponse, FetchError> {
    assert_eq!(request.method, Method::Get);
    let rest = request
        .url
        .strip_prefix("http://")
        .expect("a loopback http URL");
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let transport = |e: std::io::Error| {
        if matches!(
            e.kind(),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
        ) {
            FetchError::Timeout(format!("{} did not answer in time", request.url))
        } else {
            FetchError::Transport(format!("{}: {e}", request.url))
        }
    };
    let mut stream = TcpStream::connect(authority).map_err(transport)?;
    stream
        .set_read_timeout(Some(request.timeout))
        .map_err(transport)?;
    let mut head = format!("GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n");
    for (name, value) in &request.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).map_err(transport)?;
    let mut raw = Vec::new();
    stream
        .take(request.max_response_bytes as u64 + 64 * 1024)
        .read_to_end(&mut raw)
        .map_err(transport)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| FetchError::Transport(format!("{}: no response", request.url)))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let body = raw[split + 4..].to_vec();
    if body.len() > request.max_response_bytes {
        return Err(FetchError::TooLarge(format!(
            "{} answered with more than {} bytes",
            request.url, request.max_response_bytes
        )));
    }
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| FetchError::Transport(format!("{}: bad status line", request.url)))?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

/// A verifier over a cache this test drives with [`host_send`].
struct Host {
    cache: Arc<JwksCache>,
    verifier: Verifier,
    clock: Arc<ManualClock>,
    fetches: Vec<FetchReason>,
}

impl Host {
    fn new(url: &str, clock: &Arc<ManualClock>) -> Host {
        let cache = Arc::new(JwksCache::new(url, RemoteJwksOptions::default()).unwrap());
        let remote = RemoteJwks::driven_by_host(Arc::clone(&cache), Arc::clone(clock) as _);
        Host {
            cache,
            verifier: remote_verifier(&Arc::new(remote)),
            clock: Arc::clone(clock),
            fetches: Vec::new(),
        }
    }

    /// Runs the fetch the cache allows now, if any.
    fn fetch(&mut self) -> bool {
        let Some(pending) = self.cache.start_fetch(self.clock.now_secs()) else {
            return false;
        };
        self.fetches.push(pending.reason());
        let response = host_send(pending.request());
        let _ = self
            .cache
            .finish_fetch(pending, response, self.clock.now_secs());
        true
    }

    /// `verify_cached`, and a fetch each time it says only a fetch can answer; then the
    /// background refresh it signals.
    fn verify(&mut self, bearer: &str) -> Result<VerifiedToken, mcp_bearer::Error> {
        let mut verdict = None;
        for _ in 0..2 {
            match self.verifier.verify_cached(bearer) {
                Ok(Some(t)) => verdict = Some(Ok(t)),
                Err(e) => verdict = Some(Err(e)),
                Ok(None) => {
                    assert!(
                        self.fetch(),
                        "verify_cached asked for a fetch the cache refuses"
                    );
                    continue;
                }
            }
            break;
        }
        if self.verifier.refresh_due() {
            assert!(self.fetch());
        }
        verdict.expect("a verdict after one fetch")
    }
}

/// What a request got: the token's `jti`, or the error code and reason.
fn verdict(
    r: &Result<VerifiedToken, mcp_bearer::Error>,
) -> Result<String, (&'static str, Option<&'static str>)> {
    match r {
        Ok(t) => Ok(t.token_id().unwrap_or_default().to_owned()),
        Err(e) => Err((e.code(), e.reason())),
    }
}

#[test]
fn a_host_driven_cache_gives_the_verdicts_of_remote_jwks() {
    const STEP: u64 = 60;
    const DAY: u64 = 86_400;
    let keys = [
        key(Algorithm::ES256),
        key(Algorithm::RS256),
        key(Algorithm::EdDSA),
    ];
    let server = JwksServer::start(jwks_of(&[&keys[0]]));
    let clock = clock();
    let direct = remote_verifier(&remote(&server.url(), RemoteJwksOptions::default(), &clock));
    let mut host = Host::new(&server.url(), &clock);

    let mut verdicts = Vec::new();
    for step in 0..90u64 {
        let t = T0 + step * STEP;
        clock.set_secs(t);
        match step {
            15 => server.set_jwks(jwks_of(&[&keys[0], &keys[1]])),
            30 => server.set_jwks(jwks_of(&[&keys[1]])),
            // An outage past max-age: the set in hand serves within the stale window.
            40 => server.set_reply(Reply::Status(500)),
            52 => server.set_jwks(jwks_of(&[&keys[1], &keys[2]])),
            // A broken document, then a redirect: refused, the set in hand serves.
            62 => server.set_reply(Reply::Raw {
                status: 200,
                content_type: "application/json".into(),
                body: b"{\"keys\": 7}".to_vec(),
            }),
            66 => server.set_reply(Reply::Redirect("https://elsewhere.test/jwks".into())),
            70 => server.set_jwks(jwks_of(&[&keys[2]])),
            _ => {}
        }
        let signer = match step {
            0..17 => &keys[0],
            17..55 => &keys[1],
            _ => &keys[2],
        };
        let mut requests = vec![
            ("fresh", token(signer, t, 300)),
            ("long-lived", token(signer, t, DAY)),
            ("expired", token(signer, t - 600, 300)),
        ];
        if matches!(step, 5 | 25 | 45 | 64 | 80) {
            requests.push(("unknown kid", token(&key(Algorithm::ES256), t, 300)));
        }
        for (what, bearer) in requests {
            let expected = verdict(&direct.verify(&bearer));
            let got = verdict(&host.verify(&bearer));
            assert_eq!(got, expected, "step {step}, {what}");
            verdicts.push(expected);
        }
    }
    // The scenario went through every kind of answer.
    let codes: Vec<_> = verdicts.iter().filter_map(|v| v.clone().err()).collect();
    assert!(verdicts.iter().any(Result::is_ok));
    for code in ["ERR_JWT_EXPIRED", "ERR_JWKS_NO_MATCHING_KEY"] {
        assert!(codes.iter().any(|(c, _)| *c == code), "{code}: {codes:?}");
    }
    // Each reason a fetch can have came up, except a forced one.
    for reason in [
        FetchReason::Initial,
        FetchReason::Expired,
        FetchReason::Miss,
    ] {
        assert!(
            host.fetches.contains(&reason),
            "{reason:?}: {:?}",
            host.fetches
        );
    }
}

#[test]
fn a_host_driven_cache_reports_what_a_fetch_failure_was() {
    let signer = key(Algorithm::ES256);
    let server = JwksServer::start(jwks_of(&[&signer]));
    let clock = clock();
    let mut host = Host::new(&server.url(), &clock);
    let bearer = token(&signer, T0, 300);

    // The first fetch fails: its error is the verdict, and the cooldown holds further ones.
    server.set_reply(Reply::Status(503));
    let err = host.verify(&bearer).unwrap_err();
    assert_eq!(
        (err.code(), err.reason()),
        ("ERR_JWKS_FETCH_FAILED", Some("http_status"))
    );
    assert!(host.cache.start_fetch(clock.now_secs()).is_none());
    assert_eq!(host.verify(&bearer).unwrap_err(), err);
    assert_eq!(server.requests(), 1);

    // A body over the cap is refused by the cache even when the client let it through.
    let mut big = jwks_of(&[&signer]);
    big.resize(RemoteJwksOptions::default().max_response_bytes + 1, b' ');
    server.set_reply(Reply::Raw {
        status: 200,
        content_type: "application/json".into(),
        body: big,
    });
    clock.advance(mcp_bearer::jwks::DEFAULT_COOLDOWN);
    let pending = host.cache.start_fetch(clock.now_secs()).unwrap();
    assert_eq!(pending.reason(), FetchReason::Initial);
    let mut request = pending.request().clone();
    request.max_response_bytes = usize::MAX / 2;
    let response = host_send(&request);
    let err = host
        .cache
        .finish_fetch(pending, response, clock.now_secs())
        .unwrap_err();
    assert_eq!(
        (err.code(), err.reason()),
        ("ERR_JWKS_FETCH_FAILED", Some("too_large"))
    );

    // Recovery: one fetch once the cooldown is over, and the generation is readable
    // without the lock.
    server.set_jwks(jwks_of(&[&signer]));
    clock.advance(mcp_bearer::jwks::DEFAULT_COOLDOWN);
    assert_eq!(host.cache.current_generation(), 0);
    host.verify(&bearer).unwrap();
    assert_eq!(host.cache.current_generation(), 1);
    assert_eq!(
        host.cache.fresh_until(),
        clock.now_secs() + mcp_bearer::jwks::DEFAULT_MAX_AGE.as_secs()
    );
    let forced = host.cache.start_forced_fetch().unwrap();
    assert_eq!(forced.reason(), FetchReason::Forced);
    assert!(host.cache.start_forced_fetch().is_none(), "single flight");
    let response = host_send(forced.request());
    let snapshot = host
        .cache
        .finish_fetch(forced, response, clock.now_secs())
        .unwrap();
    assert_eq!(
        snapshot.generation, 1,
        "the same document keeps its generation"
    );
    assert_eq!(server.requests(), 4);
}
