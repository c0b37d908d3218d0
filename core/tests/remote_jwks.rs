//! `RemoteJwks` and the verifier against a real HTTP server on 127.0.0.1, over the default
//! fetcher (`UreqFetch`), with a manual clock to move time.
//!
//! Every scenario runs twice, with the verified-token cache on and off (modules
//! `token_cache_on` and `token_cache_off`): the cache must never change a verdict.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::{Arc, Barrier, mpsc};
use std::time::{Duration, Instant};

use mcp_bearer::jwks::{DEFAULT_COOLDOWN, DEFAULT_MAX_AGE, DEFAULT_STALE_WINDOW};
use mcp_bearer::{Algorithm, ErrorKind, RemoteJwks, RemoteJwksOptions, VerifiedToken, Verifier};
use support::{
    Death, JwksServer, Reply, T0, clock, jwks_of, key, now, remote, remote_verifier, token,
};

/// A day: long enough that no token minted in these tests expires by accident.
const DAY: u64 = 86_400;

fn secs(d: Duration) -> u64 {
    d.as_secs()
}

/// How long a group of concurrent verifications may take before the test fails: far above
/// any fetch timeout used here, so it only trips on a hang.
const HANG_LIMIT: Duration = Duration::from_secs(60);

/// Verifies each token on its own thread, all released at once. A caller that does not come
/// back within [`HANG_LIMIT`] fails the test instead of hanging it (its thread is left
/// behind).
fn verify_concurrently(
    verifier: &Arc<Verifier>,
    tokens: &[String],
) -> Vec<Result<VerifiedToken, mcp_bearer::Error>> {
    let barrier = Arc::new(Barrier::new(tokens.len()));
    let (sender, results) = mpsc::channel();
    for (index, bearer) in tokens.iter().enumerate() {
        let (verifier, barrier, sender) =
            (Arc::clone(verifier), Arc::clone(&barrier), sender.clone());
        let bearer = bearer.clone();
        std::thread::spawn(move || {
            barrier.wait();
            let _ = sender.send((index, verifier.verify(&bearer)));
        });
    }
    let deadline = Instant::now() + HANG_LIMIT;
    let mut out: Vec<Option<_>> = tokens.iter().map(|_| None).collect();
    for _ in tokens {
        let left = deadline.saturating_duration_since(Instant::now());
        let (index, result) = results
            .recv_timeout(left)
            .expect("a concurrent verification hung");
        out[index] = Some(result);
    }
    out.into_iter().map(Option::unwrap).collect()
}

fn first_fetch_is_lazy_and_keys_are_cached() {
    let signer = key(Algorithm::ES256);
    let server = JwksServer::start(jwks_of(&[&signer]));
    let clock = clock();
    let jwks = remote(&server.url(), RemoteJwksOptions::default(), &clock);
    let verifier = remote_verifier(&jwks);
    assert_eq!(server.requests(), 0, "building the verifier must not fetch");

    let first = token(&signer, T0, DAY);
    let verified = verifier.verify(&first).unwrap();
    assert_eq!(verified.subject(), Some("user-1"));
    assert_eq!(server.requests(), 1);
    assert_eq!(server.request_lines(), vec!["GET /jwks HTTP/1.1"]);

    // Another token under the same key: the key set is cached.
    let second = token(&signer, T0, DAY);
    verifier.verify(&second).unwrap();
    // The same token again: the verified-token cache answers.
    verifier.verify(&first).unwrap();
    assert_eq!(server.requests(), 1);
    assert_eq!(jwks.fetch_count(), 1);
    assert_eq!(verifier.cached_tokens(), support::cached(2));
}

fn keys_are_refetched_after_max_age() {
    let signer = key(Algorithm::EdDSA);
    let server = JwksServer::start(jwks_of(&[&signer]));
    let clock = clock();
    let jwks = remote(&server.url(), RemoteJwksOptions::default(), &clock);
    let verifier = remote_verifier(&jwks);

    verifier.verify(&token(&signer, T0, DAY)).unwrap();
    assert_eq!(server.requests(), 1);

    clock.set_secs(T0 + secs(DEFAULT_MAX_AGE) - 1);
    verifier.verify(&token(&signer, T0, DAY)).unwrap();
    assert_eq!(server.requests(), 1, "still within max-age");

    clock.set_secs(T0 + secs(DEFAULT_MAX_AGE));
    let late = token(&signer, T0, DAY);
    assert!(
        verifier.verify_cached(&late).unwrap().is_some(),
        "keys past max-age still answer without I/O, within the stale window"
    );
    assert!(verifier.refresh_due(), "and a background refresh is due");
    assert_eq!(server.requests(), 1, "verify_cached never fetches");
    verifier.verify(&late).unwrap();
    assert_eq!(server.requests(), 2, "past max-age: one refetch");
    assert!(!verifier.refresh_due());
    verifier.verify(&token(&signer, T0, DAY)).unwrap();
    assert_eq!(server.requests(), 2);
}

fn verify_cached_answers_none_until_keys_are_loaded() {
    let signer = key(Algorithm::ES256);
    let server = JwksServer::start(jwks_of(&[&signer]));
    let clock = clock();
    let jwks = remote(&server.url(), RemoteJwksOptions::default(), &clock);
    let verifier = remote_verifier(&jwks);
    let bearer = token(&signer, T0, DAY);

    assert!(verifier.verify_cached(&bearer).unwrap().is_none());
    assert_eq!(server.requests(), 0);

    verifier.prefetch().unwrap();
    assert_eq!(server.requests(), 1);
    let verified = verifier
        .verify_cached(&bearer)
        .unwrap()
        .expect("keys are loaded");
    assert_eq!(verified.issuer(), Some(support::ISSUER));

    // Failures that need no network are still reported without I/O.
    let mut wrong_audience = support::claims(T0, DAY);
    wrong_audience.insert("aud".into(), "https://other.example.test/".into());
    let err = verifier
        .verify_cached(&support::mint(&signer, &wrong_audience))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::JwtClaimValidationFailed);

    // An unknown kid just after a fetch: the cooldown forbids a refetch, so the miss is
    // final on both paths, at once.
    let stranger = token(&key(Algorithm::ES256), T0, DAY);
    let err = verifier.verify_cached(&stranger).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::JwksNoMatchingKey);
    assert_eq!(verifier.verify(&stranger).unwrap_err(), err);
    assert_eq!(server.requests(), 1);

    // Once the cooldown allows a refetch, an unknown kid may be a rotation: only a fetch can
    // tell, so no answer yet.
    clock.set_secs(T0 + secs(mcp_bearer::jwks::DEFAULT_COOLDOWN));
    assert!(verifier.verify_cached(&stranger).unwrap().is_none());
    assert_eq!(server.requests(), 1);
}

fn a_new_kid_triggers_exactly_one_refetch() {
    let old = key(Algorithm::RS256);
    let new = key(Algorithm::ES256);
    let server = JwksServer::start(jwks_of(&[&old]));
    let clock = clock();
    let jwks = remote(&server.url(), RemoteJwksOptions::default(), &clock);
    let verifier = remote_verifier(&jwks);
    verifier.verify(&token(&old, T0, DAY)).unwrap();
    assert_eq!(server.requests(), 1);

    // The provider publishes a new key and starts signing with it.
    server.set_jwks(jwks_of(&[&old, &new]));
    clock.set_secs(T0 + secs(DEFAULT_COOLDOWN) + 1);
    let t = now(&clock);
    let verified = verifier.verify(&token(&new, t, DAY)).unwrap();
    assert_eq!(
        verified.header().and_then(|h| h.kid.as_deref()),
        Some(new.kid())
    );
    assert_eq!(server.requests(), 2, "one refetch for the new kid");

    verifier.verify(&token(&new, t, DAY)).unwrap();
    verifier.verify(&token(&old, t, DAY)).unwrap();
    assert_eq!(server.requests(), 2, "both keys are now cached");
}

fn a_storm_of_unknown_kids_fetches_at_most_once_per_cooldown() {
    let signer = key(Algorithm::ES256);
    let mut forger = key(Algorithm::ES256);
    let server = JwksServer::start(jwks_of(&[&signer]));
    let clock = clock();
    let jwks = remote(&server.url(), RemoteJwksOptions::default(), &clock);
    let verifier = remote_verifier(&jwks);
    verifier.verify(&token(&signer, T0, DAY)).unwrap();
    assert_eq!(server.requests(), 1);

    // Right after the first fetch, unknown kids are answered from the cache.
    for i in 0..20 {
        forger.set_kid(format!("bogus-early-{i}"));
        let err = verifier.verify(&token(&forger, T0, DAY)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::JwksNoMatchingKey, "{err:?}");
    }
    assert_eq!(
        server.requests(),
        1,
        "within the cooldown of the first fetch"
    );

    // Five simulated minutes, ten bogus tokens a second. Record when each fetch happened.
    let cooldown_ms = DEFAULT_COOLDOWN.as_millis() as u64;
    let mut fetch_times_ms = vec![0u64];
    let mut seen = server.requests();
    for step in 1..=3000u64 {
        clock.advance(Duration::from_millis(100));
        forger.set_kid(format!("bogus-{step}"));
        let err = verifier.verify(&token(&forger, T0, DAY)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::JwksNoMatchingKey, "{err:?}");
        if server.requests() != seen {
            assert_eq!(server.requests(), seen + 1, "one token, at most one fetch");
            seen = server.requests();
            fetch_times_ms.push(step * 100);
        }
        // The genuine key keeps working throughout.
        if step % 100 == 0 {
            verifier.verify(&token(&signer, T0, DAY)).unwrap();
        }
    }
    for pair in fetch_times_ms.windows(2) {
        assert!(
            pair[1] - pair[0] >= cooldown_ms,
            "fetches at {} ms and {} ms are closer than the cooldown",
            pair[0],
            pair[1]
        );
    }
    // 300 s with a 30 s cooldown: one fetch per window, no more (and no fewer: a rotation
    // must still be noticed).
    assert_eq!(
        fetch_times_ms.len(),
        1 + 300 / secs(DEFAULT_COOLDOWN) as usize
    );
    assert_eq!(jwks.fetch_count() as usize, fetch_times_ms.len());
}

fn sixteen_concurrent_verifications_share_one_fetch() {
    let signer = key(Algorithm::ES256);
    let server = JwksServer::start(jwks_of(&[&signer]));
    // Slow enough that every thread arrives while the fetch is in flight.
    server.set_delay(Duration::from_millis(300));
    let clock = clock();
    let jwks = remote(&server.url(), RemoteJwksOptions::default(), &clock);
    let verifier = Arc::new(remote_verifier(&jwks));
    let tokens: Vec<String> = (0..16).map(|_| token(&signer, T0, DAY)).collect();
    for result in verify_concurrently(&verifier, &tokens) {
        result.unwrap();
    }
    assert_eq!(server.requests(), 1);
    assert_eq!(jwks.fetch_count(), 1);
    assert_eq!(verifier.cached_tokens(), support::cached(16));
}

fn callers_waiting_on_a_failed_fetch_get_its_error() {
    let signer = key(Algorithm::ES256);
    let server = JwksServer::start(jwks_of(&[&signer]));
    server.set_reply(Reply::Status(503));
    server.set_delay(Duration::from_millis(300));
    let clock = clock();
    let jwks = remote(&server.url(), RemoteJwksOptions::default(), &clock);
    let verifier = Arc::new(remote_verifier(&jwks));
    let tokens: Vec<String> = (0..8).map(|_| token(&signer, T0, DAY)).collect();

    for result in verify_concurrently(&verifier, &tokens) {
        let err = result.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::JwksFetchFailed, "{err:?}");
        assert!(err.message().contains("HTTP 503"), "{}", err.message());
    }
    assert_eq!(server.requests(), 1, "one fetch for all the callers");

    // The verifier is still usable afterwards (no lock left behind), and recovers.
    server.set_jwks(jwks_of(&[&signer]));
    server.set_delay(Duration::ZERO);
    clock.advance(DEFAULT_COOLDOWN);
    for result in verify_concurrently(&verifier, &tokens) {
        result.unwrap();
    }
    assert_eq!(server.requests(), 2);
}

fn a_slow_endpoint_times_out_without_hanging() {
    let signer = key(Algorithm::ES256);
    let server = JwksServer::start(jwks_of(&[&signer]));
    let server_delay = Duration::from_secs(10);
    server.set_delay(server_delay);
    let clock = clock();
    let options = RemoteJwksOptions {
        timeout: Duration::from_millis(300),
        ..RemoteJwksOptions::default()
    };
    let jwks = remote(&server.url(), options, &clock);
    let verifier = Arc::new(remote_verifier(&jwks));
    let tokens: Vec<String> = (0..4).map(|_| token(&signer, T0, DAY)).collect();

    // Four callers at once: one fetches, three wait for it; all must come back with the
    // timeout, long before the server would have answered.
    let started = Instant::now();
    let errors: Vec<mcp_bearer::Error> = verify_concurrently(&verifier, &tokens)
        .into_iter()
        .map(Result::unwrap_err)
        .collect();
    assert!(
        started.elapsed() < server_delay,
        "the callers waited for the server instead of timing out"
    );
    for err in &errors {
        assert_eq!(err.kind(), ErrorKind::JwksTimeout, "{err:?}");
        assert_eq!(err.http_status(), 503);
        assert!(err.message().contains("timed out"), "{}", err.message());
    }
    assert_eq!(server.requests(), 1);

    // Within the cooldown the failure is remembered: a slow endpoint is not hammered.
    let err = verifier.verify(&tokens[0]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::JwksTimeout);
    assert_eq!(server.requests(), 1);

    // Once the endpoint is healthy and the cooldown is over, verification recovers.
    server.set_delay(Duration::ZERO);
    clock.advance(DEFAULT_COOLDOWN);
    verifier.verify(&tokens[0]).unwrap();
    assert_eq!(server.requests(), 2);
}

fn an_expired_set_keeps_answering_while_one_caller_refreshes_it() {
    let signer = key(Algorithm::ES256);
    let server = JwksServer::start(jwks_of(&[&signer]));
    let clock = clock();
    let jwks = remote(&server.url(), RemoteJwksOptions::default(), &clock);
    let verifier = Arc::new(remote_verifier(&jwks));
    let first = token(&signer, T0, DAY);
    verifier.verify(&first).unwrap();
    assert_eq!(jwks.fetch_count(), 1);

    // Past max-age, the endpoint turns slow: the caller that refreshes waits for it...
    clock.advance(DEFAULT_MAX_AGE + Duration::from_secs(1));
    server.set_delay(Duration::from_secs(2));
    let refresher = {
        let verifier = Arc::clone(&verifier);
        let t = token(&signer, now(&clock), DAY);
        std::thread::spawn(move || verifier.verify(&t).map(|_| ()))
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.requests() < 2 {
        assert!(
            Instant::now() < deadline,
            "the refresh never reached the server"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    // ...while everyone else is answered from the set in hand, before that refresh ends.
    let other = token(&signer, now(&clock), DAY);
    verifier.verify(&other).unwrap();
    assert_eq!(
        jwks.fetch_count(),
        1,
        "answered without waiting for the refresh"
    );
    refresher.join().unwrap().unwrap();
    assert_eq!(jwks.fetch_count(), 2);
    assert_eq!(server.requests(), 2);
}

/// Verifies one token against a server answering `reply`; returns the error.
fn fetch_error(reply: Reply, options: RemoteJwksOptions) -> (mcp_bearer::Error, JwksServer) {
    let signer = key(Algorithm::ES256);
    let server = JwksServer::start(jwks_of(&[&signer]));
    server.set_reply(reply);
    let clock = clock();
    let jwks = remote(&server.url(), options, &clock);
    let verifier = remote_verifier(&jwks);
    let err = verifier.verify(&token(&signer, T0, DAY)).unwrap_err();
    assert_eq!(err.http_status(), 503, "{err:?}");
    (err, server)
}

fn http_500_is_a_fetch_failure_naming_the_status() {
    let (err, server) = fetch_error(Reply::Status(500), RemoteJwksOptions::default());
    assert_eq!(err.kind(), ErrorKind::JwksFetchFailed, "{err:?}");
    assert!(err.message().contains("HTTP 500"), "{}", err.message());
    assert!(err.message().contains(&server.url()), "{}", err.message());
    assert_eq!(server.requests(), 1);
}

fn malformed_json_is_an_invalid_jwks() {
    let garbage = Reply::Raw {
        status: 200,
        content_type: "application/json".into(),
        body: br#"{"keys": [{"kty": "EC", "#.to_vec(),
    };
    let (err, _server) = fetch_error(garbage, RemoteJwksOptions::default());
    assert_eq!(err.kind(), ErrorKind::JwksInvalid, "{err:?}");
    assert!(
        err.message().contains("not valid JSON"),
        "{}",
        err.message()
    );

    let no_keys = Reply::Raw {
        status: 200,
        content_type: "text/html".into(),
        body: b"<html>login</html>".to_vec(),
    };
    let (err, _server) = fetch_error(no_keys, RemoteJwksOptions::default());
    assert_eq!(err.kind(), ErrorKind::JwksInvalid, "{err:?}");

    let keys_not_array = Reply::Raw {
        status: 200,
        content_type: "application/json".into(),
        body: br#"{"keys": {"kty": "EC"}}"#.to_vec(),
    };
    let (err, _server) = fetch_error(keys_not_array, RemoteJwksOptions::default());
    assert_eq!(err.kind(), ErrorKind::JwksInvalid, "{err:?}");
    assert!(err.message().contains("\"keys\""), "{}", err.message());
}

fn an_oversize_body_is_refused_even_when_it_is_a_valid_jwks() {
    let signer = key(Algorithm::ES256);
    // A genuine key set padded with JSON whitespace past the default cap.
    let mut padded = jwks_of(&[&signer]);
    padded.resize(RemoteJwksOptions::default().max_response_bytes + 1, b' ');
    let server = JwksServer::start(padded.clone());
    let clock = clock();
    let jwks = remote(&server.url(), RemoteJwksOptions::default(), &clock);
    let verifier = remote_verifier(&jwks);
    let err = verifier.verify(&token(&signer, T0, DAY)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::JwksFetchFailed, "{err:?}");
    assert_eq!(err.reason(), Some("too_large"));
    assert!(err.message().contains("too large"), "{}", err.message());
    assert!(
        err.message().contains("max_response_bytes"),
        "{}",
        err.message()
    );

    // The cap is inclusive: a body of exactly max_response_bytes is accepted.
    let at_cap = RemoteJwksOptions {
        max_response_bytes: padded.len(),
        ..RemoteJwksOptions::default()
    };
    let jwks = remote(&server.url(), at_cap, &clock);
    remote_verifier(&jwks)
        .verify(&token(&signer, T0, DAY))
        .unwrap();
    assert_eq!(server.requests(), 2);
}

fn a_redirect_is_reported_and_not_followed() {
    let signer = key(Algorithm::ES256);
    let server = JwksServer::start(jwks_of(&[&signer]));
    let target = format!("{}/jwks", server.origin());
    server.set_reply(Reply::Redirect(target.clone()));
    let clock = clock();
    let jwks = remote(&server.url(), RemoteJwksOptions::default(), &clock);
    let err = remote_verifier(&jwks)
        .verify(&token(&signer, T0, DAY))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::JwksFetchFailed, "{err:?}");
    assert_eq!(err.reason(), Some("redirect"));
    assert!(err.message().contains("redirect"), "{}", err.message());
    assert!(err.message().contains("HTTP 302"), "{}", err.message());
    assert!(err.message().contains(&target), "{}", err.message());
    assert_eq!(server.requests(), 1, "the redirect was followed");
}

/// The identity provider goes away after the first fetch (`die` arranges it before that
/// fetch): the last good keys keep serving until max-age plus the stale window, then
/// verification fails with a fetch error.
fn stale_keys_outlive_a_dead_endpoint(die: impl FnOnce(&JwksServer)) -> JwksServer {
    let signer = key(Algorithm::ES256);
    let server = JwksServer::start(jwks_of(&[&signer]));
    die(&server);
    let clock = clock();
    let jwks = remote(&server.url(), RemoteJwksOptions::default(), &clock);
    let verifier = remote_verifier(&jwks);
    verifier.verify(&token(&signer, T0, 10 * DAY)).unwrap();
    assert_eq!(server.requests(), 1);

    // Past max-age: the refresh fails, the stale keys still verify new tokens.
    let max_age = secs(DEFAULT_MAX_AGE);
    let stale_window = secs(DEFAULT_STALE_WINDOW);
    clock.set_secs(T0 + max_age + 1);
    let verified = verifier.verify(&token(&signer, now(&clock), DAY));
    assert!(
        verified.is_ok(),
        "stale keys must keep serving: {verified:?}"
    );
    assert_eq!(jwks.fetch_count(), 2, "one refresh was attempted");
    assert!(jwks.fresh().is_none());
    assert!(jwks.usable().is_some());
    // Within the cooldown the failed refresh is not retried.
    verifier.verify(&token(&signer, now(&clock), DAY)).unwrap();
    assert_eq!(jwks.fetch_count(), 2);

    // Still within the stale window, after the cooldown: one more failed refresh.
    clock.set_secs(T0 + max_age + stale_window - 1);
    let bearer = token(&signer, now(&clock), DAY);
    verifier.verify(&bearer).unwrap();
    assert_eq!(jwks.fetch_count(), 3);

    // Past the stale window: no keys, a fetch error that says why.
    clock.set_secs(T0 + max_age + stale_window + 1);
    let err = verifier
        .verify(&token(&signer, now(&clock), DAY))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::JwksFetchFailed, "{err:?}");
    assert_eq!(err.reason(), Some("transport"), "{err:?}");
    assert!(err.message().contains(&server.url()), "{}", err.message());
    assert!(jwks.usable().is_none());
    // A token verified earlier is not let through from the token cache either.
    let err = verifier.verify(&bearer).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::JwksFetchFailed, "{err:?}");
    server
}

fn stale_keys_serve_after_the_endpoint_starts_refusing_connections() {
    let server =
        stale_keys_outlive_a_dead_endpoint(|server| server.die_after(1, Death::RefuseConnections));
    assert_eq!(server.requests(), 1, "later connections were refused");
}

fn stale_keys_serve_after_the_endpoint_starts_hanging_up() {
    let server = stale_keys_outlive_a_dead_endpoint(|server| server.die_after(1, Death::HangUp));
    assert_eq!(
        server.requests(),
        3,
        "two refreshes reached the server and got no answer"
    );
}

fn a_reused_kid_with_new_key_material_refetches_once() {
    let mut before = key(Algorithm::ES256);
    let mut after = key(Algorithm::ES256);
    before.set_kid("signing-key");
    after.set_kid("signing-key");
    let server = JwksServer::start(jwks_of(&[&before]));
    let clock = clock();
    let jwks = remote(&server.url(), RemoteJwksOptions::default(), &clock);
    let verifier = remote_verifier(&jwks);
    let old_token = token(&before, T0, DAY);
    verifier.verify(&old_token).unwrap();
    assert_eq!(server.requests(), 1);

    // The provider swaps the key behind the same kid.
    server.set_jwks(jwks_of(&[&after]));
    clock.set_secs(T0 + secs(DEFAULT_COOLDOWN) + 1);
    let t = now(&clock);
    let verified = verifier.verify(&token(&after, t, DAY)).unwrap();
    assert_eq!(
        verified.header().and_then(|h| h.kid.as_deref()),
        Some("signing-key")
    );
    assert_eq!(
        server.requests(),
        2,
        "one refetch after the signature failure"
    );
    verifier.verify(&token(&after, t, DAY)).unwrap();
    assert_eq!(server.requests(), 2);

    // The old key is gone: its token no longer verifies, not even from the token cache,
    // and the failure does not cost another fetch within the cooldown.
    let err = verifier.verify(&old_token).unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::JwsSignatureVerificationFailed,
        "{err:?}"
    );
    assert_eq!(server.requests(), 2);
}

fn a_key_leaving_the_set_evicts_the_tokens_it_verified() {
    let leaving = key(Algorithm::ES256);
    let staying = key(Algorithm::EdDSA);
    let server = JwksServer::start(jwks_of(&[&leaving, &staying]));
    let clock = clock();
    let jwks = remote(&server.url(), RemoteJwksOptions::default(), &clock);
    let verifier = remote_verifier(&jwks);
    let doomed = token(&leaving, T0, DAY);
    let kept = token(&staying, T0, DAY);
    verifier.verify(&doomed).unwrap();
    verifier.verify(&kept).unwrap();
    assert_eq!(verifier.cached_tokens(), support::cached(2));
    assert!(verifier.verify_cached(&doomed).unwrap().is_some());

    // The provider retires a key; the set is refetched when it reaches max-age.
    server.set_jwks(jwks_of(&[&staying]));
    clock.set_secs(T0 + secs(DEFAULT_MAX_AGE) + 1);
    verifier.verify(&kept).unwrap();
    assert_eq!(server.requests(), 2);

    // Without I/O: the cached entry is dropped, and the key is unknown to the fresh set; the
    // set was just fetched, so the cooldown makes that final on both paths.
    let err = verifier.verify_cached(&doomed).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::JwksNoMatchingKey, "{err:?}");
    assert_eq!(verifier.cached_tokens(), support::cached(1));
    assert_eq!(verifier.verify(&doomed).unwrap_err(), err);
    assert!(err.message().contains(leaving.kid()), "{}", err.message());
    verifier.verify(&kept).unwrap();
    assert_eq!(
        server.requests(),
        2,
        "the cooldown holds for the unknown kid"
    );
}

fn a_cached_token_expires_on_the_cache_path() {
    let signer = key(Algorithm::ES256);
    let server = JwksServer::start(jwks_of(&[&signer]));
    let clock = clock();
    let jwks = remote(&server.url(), RemoteJwksOptions::default(), &clock);
    let verifier = remote_verifier(&jwks);
    // Expires well within the keys' max-age, so the key set stays fresh throughout.
    let short = token(&signer, T0, 120);
    let first = verifier.verify(&short).unwrap();
    let again = verifier.verify(&short).unwrap();
    assert_eq!(first.claims(), again.claims());
    assert_eq!(verifier.cached_tokens(), support::cached(1));

    clock.set_secs(T0 + 120 + 31);
    let err = verifier.verify(&short).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::JwtExpired, "{err:?}");
    assert_eq!(verifier.cached_tokens(), 0, "the expired entry is dropped");
    assert_eq!(server.requests(), 1);
}

fn plain_http_is_refused_unless_loopback() {
    let fetch = support::ureq_fetch();
    let clock: Arc<dyn mcp_bearer::clock::Clock> = clock();
    let build = |url: &str, options: RemoteJwksOptions| {
        RemoteJwks::with_parts(url, options, Arc::clone(&fetch), Arc::clone(&clock))
    };
    let err = build(
        "http://idp.example.test/.well-known/jwks.json",
        RemoteJwksOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(err.message().contains("https"), "{}", err.message());
    let err = RemoteJwks::new(
        "http://idp.example.test/.well-known/jwks.json",
        RemoteJwksOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    let err = build("ftp://idp.example.test/jwks", RemoteJwksOptions::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);

    for loopback in [
        "http://127.0.0.1:9/jwks",
        "http://localhost:9/jwks",
        "http://[::1]:9/jwks",
        "https://idp.example.test/jwks",
    ] {
        build(loopback, RemoteJwksOptions::default()).unwrap();
    }
    let insecure = RemoteJwksOptions {
        dangerous_allow_insecure_http: true,
        ..RemoteJwksOptions::default()
    };
    build("http://idp.example.test/jwks", insecure).unwrap();
}

/// A key the provider re-publishes in a form that may no longer verify tokens (for
/// encryption, with other operations, under another kid, bound to another algorithm): the
/// tokens it verified are refused exactly as a fresh verification refuses them, whether they
/// were cached or not, on `verify` and on `verify_cached`.
fn a_key_republished_for_other_uses_stops_serving_its_cached_tokens() {
    type Edit = fn(&mut serde_json::Map<String, serde_json::Value>);
    let edits: [(&str, Edit); 4] = [
        ("use: enc", |jwk| {
            jwk.insert("use".into(), "enc".into());
        }),
        ("key_ops: encrypt", |jwk| {
            jwk.insert("key_ops".into(), serde_json::json!(["encrypt"]));
        }),
        ("another kid", |jwk| {
            jwk.insert("kid".into(), "renamed".into());
        }),
        ("another alg", |jwk| {
            jwk.insert("alg".into(), "ES384".into());
        }),
    ];
    for (what, edit) in edits {
        let signer = key(Algorithm::ES256);
        let server = JwksServer::start(jwks_of(&[&signer]));
        let clock = clock();
        let jwks = remote(&server.url(), RemoteJwksOptions::default(), &clock);
        let verifier = remote_verifier(&jwks);
        let bearer = token(&signer, T0, DAY);
        verifier.verify(&bearer).unwrap();
        verifier.verify(&bearer).unwrap();

        let mut jwk = signer.public_jwk().as_object().unwrap().clone();
        edit(&mut jwk);
        server.set_jwks(serde_json::to_vec(&serde_json::json!({ "keys": [jwk] })).unwrap());
        clock.set_secs(T0 + secs(DEFAULT_MAX_AGE) + 1);

        // Without I/O first: the set in hand still answers, and says a refresh is due.
        assert!(verifier.verify_cached(&bearer).unwrap().is_some(), "{what}");
        assert!(verifier.refresh_due(), "{what}");
        verifier.refresh_keys_if_due().unwrap();
        assert_eq!(server.requests(), 2, "{what}");
        let no_io = verifier.verify_cached(&bearer).unwrap_err();
        assert_eq!(
            no_io.kind(),
            ErrorKind::JwksNoMatchingKey,
            "{what}: {no_io:?}"
        );
        let err = verifier.verify(&bearer).unwrap_err();
        assert_eq!(err, no_io, "{what}");

        // A verifier that never cached the token says the same.
        let fresh = remote_verifier(&jwks);
        assert_eq!(fresh.verify(&bearer).unwrap_err(), err, "{what}");
    }
}

/// What a request got: the token's `jti`, or the error code.
fn verdict(r: &Result<VerifiedToken, mcp_bearer::Error>) -> Result<String, &'static str> {
    match r {
        Ok(t) => Ok(t.token_id().unwrap_or_default().to_owned()),
        Err(e) => Err(e.code()),
    }
}

/// An hour of traffic with two key rotations, answered once by `verify` and once as a
/// binding answers: `verify_cached`, `verify` only when it says a fetch could change the
/// verdict, and the refresh it signals run "in the background" (here, right after the call).
/// Both give the same verdict to every request, and after the first fetch `verify_cached`
/// sends no request to the network except for a kid it has not seen.
fn an_hour_with_two_rotations_gets_the_same_verdicts_on_both_paths() {
    const STEP: u64 = 60;
    let keys = [
        key(Algorithm::ES256),
        key(Algorithm::ES256),
        key(Algorithm::ES256),
    ];
    let server = JwksServer::start(jwks_of(&[&keys[0]]));
    let clock = clock();
    let direct = remote_verifier(&remote(&server.url(), RemoteJwksOptions::default(), &clock));
    let binding = remote_verifier(&remote(&server.url(), RemoteJwksOptions::default(), &clock));

    let mut verdicts = 0;
    let mut fetches_asked = Vec::new();
    let mut refreshes = 0;
    let mut session: Option<String> = None;
    for step in 0..60u64 {
        let t = T0 + step * STEP;
        clock.set_secs(t);
        // Rotation: publish the next key, sign with it two minutes later, retire the old one
        // once its tokens have expired.
        match step {
            15 => server.set_jwks(jwks_of(&[&keys[0], &keys[1]])),
            30 => server.set_jwks(jwks_of(&[&keys[1]])),
            35 => server.set_jwks(jwks_of(&[&keys[1], &keys[2]])),
            50 => server.set_jwks(jwks_of(&[&keys[2]])),
            _ => {}
        }
        let signer = match step {
            0..17 => &keys[0],
            17..37 => &keys[1],
            _ => &keys[2],
        };
        if matches!(step, 0 | 17 | 37) {
            // A session token reused on every request until the next rotation.
            session = Some(token(signer, t, 11 * STEP));
        }
        let mut wrong_audience = support::claims(t, 300);
        wrong_audience.insert("aud".into(), "https://other.example.test/".into());
        let mut requests = vec![
            ("fresh", token(signer, t, 300)),
            ("session", session.clone().unwrap()),
            ("expired", token(signer, t - 600, 300)),
            ("wrong audience", support::mint(signer, &wrong_audience)),
        ];
        if matches!(step, 5 | 25 | 45) {
            for _ in 0..3 {
                requests.push(("unknown kid", token(&key(Algorithm::ES256), t, 300)));
            }
        }
        for (what, bearer) in requests {
            let expected = verdict(&direct.verify(&bearer));
            let got = match binding.verify_cached(&bearer) {
                Ok(Some(t)) => Ok(t),
                Ok(None) => {
                    fetches_asked.push((step, what));
                    binding.verify(&bearer)
                }
                Err(e) => Err(e),
            };
            if binding.refresh_due() {
                binding.refresh_keys_if_due().unwrap();
                refreshes += 1;
            }
            assert_eq!(verdict(&got), expected, "step {step}, {what}");
            verdicts += 1;
        }
    }
    assert!(verdicts >= 240);
    assert!(
        refreshes >= 3,
        "max-age refreshes ran in the background: {refreshes}"
    );
    // The first request of all found no keys; after that, only a kid never seen before (a
    // rotation, or the first of each burst of unknown kids) asked for the network.
    assert_eq!(fetches_asked[0], (0, "fresh"));
    let after_first: Vec<_> = fetches_asked[1..].to_vec();
    for (step, what) in &after_first {
        let new_signer = matches!((step, *what), (17 | 37, "fresh"));
        assert!(new_signer || *what == "unknown kid", "step {step}: {what}");
    }
    // At most the first of each burst: the others come within the cooldown, and a burst
    // that comes right after a refresh asks for nothing at all.
    let bursts: Vec<u64> = after_first
        .iter()
        .filter(|(_, w)| *w == "unknown kid")
        .map(|(step, _)| *step)
        .collect();
    assert!(!bursts.is_empty() && bursts.len() <= 3, "{after_first:?}");
    let mut distinct = bursts.clone();
    distinct.dedup();
    assert_eq!(
        distinct, bursts,
        "two fetches asked within one burst: {after_first:?}"
    );
}

/// With no cooldown, `verify_cached` asks for a fetch on every miss; after the fetch a token
/// waited for, `verify_after_fetch` gives the final verdict (as `verify` does after its one
/// refetch) instead of asking again, and still takes a rotation that fetch brought.
fn after_a_fetch_a_miss_is_final_even_without_a_cooldown() {
    let signer = key(Algorithm::ES256);
    let next = key(Algorithm::ES256);
    let server = JwksServer::start(jwks_of(&[&signer]));
    let clock = clock();
    let options = RemoteJwksOptions {
        cooldown: Duration::ZERO,
        ..RemoteJwksOptions::default()
    };
    let jwks = remote(&server.url(), options, &clock);
    let verifier = remote_verifier(&jwks);
    verifier.prefetch().unwrap();
    assert_eq!(server.requests(), 1);

    // A token signed by a key the provider never published, under a published kid: a
    // signature failure that only a fetch could overturn.
    let mut forged = token(&next, T0, DAY);
    let good = token(&signer, T0, DAY);
    let (good_head, _) = good.split_once('.').unwrap();
    let (_, forged_rest) = forged.split_once('.').unwrap();
    forged = format!("{good_head}.{forged_rest}");
    let stranger = token(&key(Algorithm::ES256), T0, DAY);
    for bad in [&forged, &stranger] {
        assert!(verifier.verify_cached(bad).unwrap().is_none());
        // The host's fetch, then the final answer without another one.
        verifier.prefetch().unwrap();
        let requests = server.requests();
        let err = verifier.verify_after_fetch(bad).unwrap_err();
        assert_eq!(server.requests(), requests, "no I/O after the fetch");
        // The same verdict `verify` reaches with its own refetch.
        assert_eq!(verifier.verify(bad).unwrap_err().kind(), err.kind());
    }

    // A rotation brought by the fetch answers at once.
    server.set_jwks(jwks_of(&[&signer, &next]));
    let rotated = token(&next, T0, DAY);
    assert!(verifier.verify_cached(&rotated).unwrap().is_none());
    verifier.prefetch().unwrap();
    let verified = verifier.verify_after_fetch(&rotated).unwrap();
    assert!(verified.is_some(), "the fetched set verifies the new key");
    // A good token is unaffected.
    assert!(verifier.verify_after_fetch(&good).unwrap().is_some());
}

/// Runs each scenario as two tests: with the verified-token cache on, and off.
macro_rules! both_ways {
    ($($name:ident),* $(,)?) => {
        mod token_cache_on {
            $(#[test] fn $name() { super::$name() })*
        }
        mod token_cache_off {
            $(#[test] fn $name() { super::support::without_token_cache(super::$name) })*
        }
    };
}

both_ways!(
    first_fetch_is_lazy_and_keys_are_cached,
    keys_are_refetched_after_max_age,
    verify_cached_answers_none_until_keys_are_loaded,
    a_new_kid_triggers_exactly_one_refetch,
    a_storm_of_unknown_kids_fetches_at_most_once_per_cooldown,
    sixteen_concurrent_verifications_share_one_fetch,
    callers_waiting_on_a_failed_fetch_get_its_error,
    a_slow_endpoint_times_out_without_hanging,
    an_expired_set_keeps_answering_while_one_caller_refreshes_it,
    http_500_is_a_fetch_failure_naming_the_status,
    malformed_json_is_an_invalid_jwks,
    an_oversize_body_is_refused_even_when_it_is_a_valid_jwks,
    a_redirect_is_reported_and_not_followed,
    stale_keys_serve_after_the_endpoint_starts_refusing_connections,
    stale_keys_serve_after_the_endpoint_starts_hanging_up,
    a_reused_kid_with_new_key_material_refetches_once,
    a_key_leaving_the_set_evicts_the_tokens_it_verified,
    a_cached_token_expires_on_the_cache_path,
    plain_http_is_refused_unless_loopback,
    a_key_republished_for_other_uses_stops_serving_its_cached_tokens,
    an_hour_with_two_rotations_gets_the_same_verdicts_on_both_paths,
    after_a_fetch_a_miss_is_final_even_without_a_cooldown,
);
