//! A key set kept by the host (jose's `jwksCache`, for serverless cold starts) seeds a
//! `RemoteJwks`: it serves without a fetch while fresh, is refetched once expired, and the
//! current document can be read back to keep for the next start.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use mcp_bearer::{Algorithm, ErrorKind, RemoteJwksOptions};
use support::{JwksServer, T0, clock, jwks_of, key, remote, remote_verifier, token};

const DAY: u64 = 86_400;

#[test]
fn a_seeded_set_verifies_without_a_fetch_and_reads_back() {
    let signer = key(Algorithm::ES256);
    let document = jwks_of(&[&signer]);
    let server = JwksServer::start(document.clone());
    let clock = clock();
    let jwks = remote(&server.url(), RemoteJwksOptions::default(), &clock);
    assert!(jwks.document().is_none());

    let seeded = jwks.seed(&document, T0 - 60).unwrap();
    assert_eq!((seeded.generation, seeded.fetched_at), (1, T0 - 60));
    let verifier = remote_verifier(&jwks);
    let verified = verifier.verify_cached(&token(&signer, T0, DAY)).unwrap();
    assert!(verified.is_some(), "a fresh seeded set answers without I/O");
    verifier.verify(&token(&signer, T0, DAY)).unwrap();
    assert_eq!(server.requests(), 0);

    let (kept, fetched_at) = jwks.document().unwrap();
    assert_eq!((&*kept, fetched_at), (&document[..], T0 - 60));
}

#[test]
fn an_expired_seed_is_refetched_on_first_use_and_a_future_time_counts_as_now() {
    let signer = key(Algorithm::ES256);
    let document = jwks_of(&[&signer]);
    let server = JwksServer::start(document.clone());
    let clock = clock();
    let jwks = remote(&server.url(), RemoteJwksOptions::default(), &clock);
    let max_age = RemoteJwksOptions::default().max_age.as_secs();
    jwks.seed(&document, T0 - max_age - 1).unwrap();
    let verifier = remote_verifier(&jwks);
    verifier.verify(&token(&signer, T0, DAY)).unwrap();
    assert_eq!(server.requests(), 1, "an expired seed is fetched again");
    assert_eq!(jwks.document().unwrap().1, T0);

    let other = remote(&server.url(), RemoteJwksOptions::default(), &clock);
    assert_eq!(other.seed(&document, T0 + 3600).unwrap().fetched_at, T0);
    clock.advance(Duration::from_secs(1));
    assert!(other.fresh().is_some());
}

#[test]
fn a_seed_that_is_not_a_key_set_is_refused_and_changes_nothing() {
    let server = JwksServer::start(b"{}".to_vec());
    let clock = clock();
    let jwks = remote(&server.url(), RemoteJwksOptions::default(), &clock);
    let err = jwks.seed(b"not json", T0).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::JwksInvalid);
    assert!(jwks.document().is_none());
    let small = RemoteJwksOptions {
        max_response_bytes: 8,
        ..RemoteJwksOptions::default()
    };
    let jwks = remote(&server.url(), small, &clock);
    let signer = key(Algorithm::ES256);
    let err = jwks.seed(&jwks_of(&[&signer]), T0).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::JwksFetchFailed);
}

#[test]
fn require_scopes_on_a_record_gives_the_verifiers_403() {
    let has = vec!["read".to_owned(), "write".to_owned()];
    mcp_bearer::verify::require_scopes(&has, &["read"]).unwrap();
    let err = mcp_bearer::verify::require_scopes(&has, &["read", "admin"]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InsufficientScope);
    assert_eq!(err.http_status(), 403);
    assert_eq!(err.required_scopes(), ["read", "admin"]);
}
