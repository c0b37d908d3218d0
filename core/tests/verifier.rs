//! The verifier's claim policy, through the public API. Most cases use a static key set and a
//! manual clock; the cases that must happen before any network call use a real JWKS server
//! on 127.0.0.1 and check that it saw no request.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use mcp_bearer::clock::{Clock, ManualClock};
use mcp_bearer::test_support::{b64, hmac_sign, sign_compact};
use mcp_bearer::{
    Algorithm, Error, ErrorKind, Jwk, KeySet, KeySource, RemoteJwksOptions, SigningKey, TypPolicy,
    VerifiedToken, Verifier, VerifierOptions,
};
use serde_json::{Map, Value, json};
use support::{AUDIENCE, ISSUER, JwksServer, T0, claims, clock, jwks_of, key, mint, remote};

const DAY: u64 = 86_400;

/// A verifier over a static set holding `signer`'s public key, on `clock`.
fn verifier(signer: &SigningKey, clock: &Arc<ManualClock>, options: VerifierOptions) -> Verifier {
    let jwk = Jwk::from_json(&signer.public_jwk()).unwrap();
    let source = KeySource::Static(Arc::new(KeySet::from_keys(vec![jwk])));
    let clock: Arc<dyn Clock> = Arc::clone(clock) as _;
    Verifier::with_clock(source, options, clock).unwrap()
}

/// Claims valid at [`T0`] with `changes` applied (a `null` removes the claim).
fn claims_with(changes: Value) -> Map<String, Value> {
    let mut base = claims(T0, DAY);
    if let Value::Object(changes) = changes {
        for (name, value) in changes {
            if value.is_null() {
                base.remove(&name);
            } else {
                base.insert(name, value);
            }
        }
    }
    base
}

/// A token signed by `key` with exactly this header and these claims.
fn signed_with_header(key: &SigningKey, header: &Value, claims: &Map<String, Value>) -> String {
    sign_compact(
        &serde_json::to_vec(header).unwrap(),
        &serde_json::to_vec(claims).unwrap(),
        |input| key.sign(input),
    )
    .unwrap()
}

fn rejected(verifier: &Verifier, token: &str, kind: ErrorKind) -> Error {
    let err = verifier.verify(token).unwrap_err();
    assert_eq!(err.kind(), kind, "{err:?}");
    err
}

fn accepted(verifier: &Verifier, token: &str) -> VerifiedToken {
    verifier.verify(token).expect("the token should verify")
}

#[test]
fn issuers_one_or_many_with_messages_naming_both_values() {
    let signer = key(Algorithm::ES256);
    let clock = clock();
    let other_issuer = "https://login.example.test/tenant";
    let one = verifier(&signer, &clock, support::options());
    let many = verifier(
        &signer,
        &clock,
        VerifierOptions {
            issuers: vec![other_issuer.into(), ISSUER.into()],
            ..support::options()
        },
    );
    let from_other = mint(&signer, &claims_with(json!({ "iss": other_issuer })));
    let from_main = mint(&signer, &claims(T0, DAY));

    assert_eq!(accepted(&one, &from_main).issuer(), Some(ISSUER));
    accepted(&many, &from_main);
    accepted(&many, &from_other);

    let err = rejected(&one, &from_other, ErrorKind::JwtClaimValidationFailed);
    assert_eq!(err.claim_name(), Some("iss"));
    assert_eq!(err.reason(), Some("check_failed"));
    assert_eq!(err.expected(), Some(ISSUER));
    assert_eq!(err.actual(), Some(other_issuer));
    assert!(err.message().contains(other_issuer), "{}", err.message());
    assert!(err.message().contains(ISSUER), "{}", err.message());
    assert!(
        !err.message().contains("trailing slash"),
        "{}",
        err.message()
    );
    assert_eq!(err.http_status(), 401);
    assert_eq!(err.oauth_error(), "invalid_token");

    let nobody = mint(&signer, &claims_with(json!({ "iss": null })));
    let err = rejected(&one, &nobody, ErrorKind::JwtClaimValidationFailed);
    assert_eq!(
        (err.claim_name(), err.reason()),
        (Some("iss"), Some("missing"))
    );

    let unnamed = mint(&signer, &claims_with(json!({ "iss": 42 })));
    let err = rejected(&one, &unnamed, ErrorKind::JwtClaimValidationFailed);
    assert_eq!(
        (err.claim_name(), err.reason()),
        (Some("iss"), Some("invalid"))
    );
}

#[test]
fn audiences_one_or_many() {
    let signer = key(Algorithm::EdDSA);
    let clock = clock();
    let second = "https://mcp.example.test/other";
    let one = verifier(&signer, &clock, support::options());
    let many = verifier(
        &signer,
        &clock,
        VerifierOptions {
            audiences: vec![second.into(), AUDIENCE.into()],
            ..support::options()
        },
    );

    let plain = mint(&signer, &claims(T0, DAY));
    assert_eq!(accepted(&one, &plain).audience(), Some(AUDIENCE));
    assert_eq!(accepted(&many, &plain).audience(), Some(AUDIENCE));

    // An array `aud` passes when any member is configured.
    let array = mint(
        &signer,
        &claims_with(json!({ "aud": ["https://api.example.test", AUDIENCE] })),
    );
    let verified = accepted(&one, &array);
    assert_eq!(verified.audience(), Some(AUDIENCE));
    assert_eq!(verified.audiences().len(), 2);
    let for_second = mint(&signer, &claims_with(json!({ "aud": [second] })));
    assert_eq!(accepted(&many, &for_second).audience(), Some(second));

    let elsewhere = "https://api.example.test";
    let wrong = mint(&signer, &claims_with(json!({ "aud": elsewhere })));
    let err = rejected(&one, &wrong, ErrorKind::JwtClaimValidationFailed);
    assert_eq!(err.claim_name(), Some("aud"));
    assert_eq!(err.expected(), Some(AUDIENCE));
    assert_eq!(err.actual(), Some(elsewhere));
    assert!(err.message().contains(elsewhere), "{}", err.message());
    assert!(err.message().contains(AUDIENCE), "{}", err.message());
    let err = rejected(&many, &wrong, ErrorKind::JwtClaimValidationFailed);
    assert!(err.message().contains(second), "{}", err.message());
    assert!(err.message().contains(AUDIENCE), "{}", err.message());

    let none = mint(&signer, &claims_with(json!({ "aud": null })));
    let err = rejected(&one, &none, ErrorKind::JwtClaimValidationFailed);
    assert_eq!(
        (err.claim_name(), err.reason()),
        (Some("aud"), Some("missing"))
    );
    let number = mint(&signer, &claims_with(json!({ "aud": [AUDIENCE, 7] })));
    let err = rejected(&one, &number, ErrorKind::JwtClaimValidationFailed);
    assert_eq!(
        (err.claim_name(), err.reason()),
        (Some("aud"), Some("invalid"))
    );
}

#[test]
fn trailing_slash_mismatches_get_a_hint() {
    let signer = key(Algorithm::ES256);
    let clock = clock();
    let v = verifier(&signer, &clock, support::options());

    let issuer_without_slash = ISSUER.trim_end_matches('/');
    let token = mint(
        &signer,
        &claims_with(json!({ "iss": issuer_without_slash })),
    );
    let err = rejected(&v, &token, ErrorKind::JwtClaimValidationFailed);
    assert_eq!(err.claim_name(), Some("iss"));
    assert!(
        err.message().contains("differ only by a trailing slash"),
        "{}",
        err.message()
    );

    let audience_with_slash = format!("{AUDIENCE}/");
    let token = mint(&signer, &claims_with(json!({ "aud": audience_with_slash })));
    let err = rejected(&v, &token, ErrorKind::JwtClaimValidationFailed);
    assert_eq!(err.claim_name(), Some("aud"));
    assert!(
        err.message().contains("differ only by a trailing slash"),
        "{}",
        err.message()
    );
    assert_eq!(err.actual(), Some(audience_with_slash.as_str()));
}

#[test]
fn issuer_and_audience_are_required_unless_dangerously_waived() {
    let signer = key(Algorithm::ES256);
    let jwk = Jwk::from_json(&signer.public_jwk()).unwrap();
    let source = KeySource::Static(Arc::new(KeySet::from_keys(vec![jwk])));

    let no_audience = VerifierOptions {
        issuers: vec![ISSUER.into()],
        ..VerifierOptions::default()
    };
    let err = Verifier::new(source.clone(), no_audience.clone()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(err.message().contains("audience"), "{}", err.message());
    assert!(
        err.message().contains("dangerous_accept_any_audience"),
        "{}",
        err.message()
    );
    let no_issuer = VerifierOptions {
        audiences: vec![AUDIENCE.into()],
        ..VerifierOptions::default()
    };
    let err = Verifier::new(source.clone(), no_issuer).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(err.message().contains("issuer"), "{}", err.message());

    let clock = clock();
    let any_audience = verifier(
        &signer,
        &clock,
        VerifierOptions {
            dangerous_accept_any_audience: true,
            ..no_audience
        },
    );
    let elsewhere = mint(&signer, &claims_with(json!({ "aud": "https://x.test" })));
    let verified = accepted(&any_audience, &elsewhere);
    assert_eq!(verified.audience(), None, "no audience was checked");
    accepted(
        &any_audience,
        &mint(&signer, &claims_with(json!({ "aud": null }))),
    );
    // The issuer is still checked.
    rejected(
        &any_audience,
        &mint(
            &signer,
            &claims_with(json!({ "iss": "https://evil.test/" })),
        ),
        ErrorKind::JwtClaimValidationFailed,
    );
}

#[test]
fn exp_nbf_and_iat_with_leeway() {
    let signer = key(Algorithm::ES256);
    let clock = clock();
    let v = verifier(&signer, &clock, support::options());
    let t0 = T0 as i64;
    let at = |changes: Value| mint(&signer, &claims_with(changes));

    // Default leeway 30 s: `exp` may be up to 29 s in the past, not 30.
    accepted(&v, &at(json!({ "iat": t0 - 100, "exp": t0 - 29 })));
    let err = rejected(
        &v,
        &at(json!({ "iat": t0 - 100, "exp": t0 - 30 })),
        ErrorKind::JwtExpired,
    );
    assert_eq!(
        (err.claim_name(), err.reason()),
        (Some("exp"), Some("check_failed"))
    );
    assert!(err.message().contains("expired"), "{}", err.message());
    assert!(err.message().contains("new token"), "{}", err.message());
    assert_eq!(err.actual(), Some((t0 - 30).to_string().as_str()));

    accepted(&v, &at(json!({ "nbf": t0 + 30 })));
    let err = rejected(
        &v,
        &at(json!({ "nbf": t0 + 31 })),
        ErrorKind::JwtClaimValidationFailed,
    );
    assert_eq!(err.claim_name(), Some("nbf"));
    assert!(err.message().contains("not valid yet"), "{}", err.message());

    accepted(&v, &at(json!({ "iat": t0 + 30 })));
    let err = rejected(
        &v,
        &at(json!({ "iat": t0 + 31 })),
        ErrorKind::JwtClaimValidationFailed,
    );
    assert_eq!(err.claim_name(), Some("iat"));
    assert!(err.message().contains("clocks"), "{}", err.message());

    // Without leeway the boundaries are exact.
    let strict = verifier(
        &signer,
        &clock,
        VerifierOptions {
            leeway: Duration::ZERO,
            ..support::options()
        },
    );
    accepted(&strict, &at(json!({ "exp": t0 + 1 })));
    rejected(&strict, &at(json!({ "exp": t0 })), ErrorKind::JwtExpired);
    accepted(&strict, &at(json!({ "nbf": t0 })));
    rejected(
        &strict,
        &at(json!({ "nbf": t0 + 1 })),
        ErrorKind::JwtClaimValidationFailed,
    );

    // The clock moves: the same token verifies, then expires.
    let token = at(json!({ "exp": t0 + 60 }));
    accepted(&strict, &token);
    clock.advance(Duration::from_secs(60));
    rejected(&strict, &token, ErrorKind::JwtExpired);
}

#[test]
fn exp_is_required_and_time_claims_must_be_numbers() {
    let signer = key(Algorithm::ES256);
    let clock = clock();
    let v = verifier(&signer, &clock, support::options());
    let at = |changes: Value| mint(&signer, &claims_with(changes));

    let err = rejected(
        &v,
        &at(json!({ "exp": null })),
        ErrorKind::JwtClaimValidationFailed,
    );
    assert_eq!(
        (err.claim_name(), err.reason()),
        (Some("exp"), Some("missing"))
    );
    let err = rejected(
        &v,
        &at(json!({ "exp": (T0 + 60).to_string() })),
        ErrorKind::JwtClaimValidationFailed,
    );
    assert_eq!(
        (err.claim_name(), err.reason()),
        (Some("exp"), Some("invalid"))
    );
    let err = rejected(
        &v,
        &at(json!({ "nbf": "yesterday" })),
        ErrorKind::JwtClaimValidationFailed,
    );
    assert_eq!(err.claim_name(), Some("nbf"));
    // Fractional seconds are numbers too (RFC 7519 §2 NumericDate).
    accepted(&v, &at(json!({ "exp": T0 as f64 + 60.5 })));
}

#[test]
fn max_token_age_needs_iat_and_counts_leeway() {
    let signer = key(Algorithm::ES256);
    let clock = clock();
    let v = verifier(
        &signer,
        &clock,
        VerifierOptions {
            max_token_age: Some(Duration::from_secs(300)),
            ..support::options()
        },
    );
    let t0 = T0 as i64;
    let at = |changes: Value| mint(&signer, &claims_with(changes));

    accepted(&v, &at(json!({ "iat": t0 - 330 })));
    let err = rejected(&v, &at(json!({ "iat": t0 - 331 })), ErrorKind::JwtExpired);
    assert_eq!(err.claim_name(), Some("iat"));
    assert!(err.message().contains("300 s"), "{}", err.message());
    let err = rejected(
        &v,
        &at(json!({ "iat": null })),
        ErrorKind::JwtClaimValidationFailed,
    );
    assert_eq!(
        (err.claim_name(), err.reason()),
        (Some("iat"), Some("missing"))
    );
    assert!(err.message().contains("max_token_age"), "{}", err.message());
}

#[test]
fn required_claims_must_be_present() {
    let signer = key(Algorithm::ES256);
    let clock = clock();
    let v = verifier(
        &signer,
        &clock,
        VerifierOptions {
            required_claims: vec!["jti".into(), "client_id".into()],
            ..support::options()
        },
    );
    accepted(
        &v,
        &mint(&signer, &claims_with(json!({ "client_id": "app-1" }))),
    );
    let err = rejected(
        &v,
        &mint(&signer, &claims(T0, DAY)),
        ErrorKind::JwtClaimValidationFailed,
    );
    assert!(err.message().contains("\"client_id\""), "{}", err.message());
    assert_eq!(err.expected(), Some("client_id"));
}

#[test]
fn missing_scopes_are_a_403_naming_them() {
    let signer = key(Algorithm::ES256);
    let clock = clock();
    let required = vec!["mcp:read".to_owned(), "mcp:write".to_owned()];
    let v = verifier(
        &signer,
        &clock,
        VerifierOptions {
            required_scopes: required.clone(),
            ..support::options()
        },
    );

    let read_only = mint(&signer, &claims_with(json!({ "scope": "mcp:read" })));
    let err = rejected(&v, &read_only, ErrorKind::InsufficientScope);
    assert_eq!(err.code(), "ERR_INSUFFICIENT_SCOPE");
    assert_eq!(err.http_status(), 403);
    assert_eq!(err.oauth_error(), "insufficient_scope");
    assert_eq!(err.required_scopes(), required.as_slice());
    assert!(
        err.message().contains("lacks the scope \"mcp:write\""),
        "{}",
        err.message()
    );
    assert_eq!(err.actual(), Some("mcp:read"));

    let spaced = mint(
        &signer,
        &claims_with(json!({ "scope": "mcp:write mcp:read profile" })),
    );
    assert_eq!(
        accepted(&v, &spaced).scopes(),
        ["mcp:write", "mcp:read", "profile"]
    );
    // Okta and Entra send `scp`, as an array or a string.
    let scp_array = mint(
        &signer,
        &claims_with(json!({ "scope": null, "scp": ["mcp:read", "mcp:write"] })),
    );
    accepted(&v, &scp_array);
    let scp_string = mint(
        &signer,
        &claims_with(json!({ "scope": "mcp:read", "scp": "mcp:write" })),
    );
    accepted(&v, &scp_string);
    let none = mint(&signer, &claims_with(json!({ "scope": null })));
    let err = rejected(&v, &none, ErrorKind::InsufficientScope);
    assert!(err.message().contains("scopes"), "{}", err.message());
}

#[test]
fn typ_policy() {
    // RSA-PSS here, so that an RSA key goes through the claim path too.
    let signer = key(Algorithm::PS256);
    let clock = clock();
    let with_typ = |typ: Option<&str>| {
        let mut header = json!({ "alg": "PS256", "kid": signer.kid() });
        if let Some(typ) = typ {
            header["typ"] = json!(typ);
        }
        signed_with_header(&signer, &header, &claims(T0, DAY))
    };
    let policy = |typ: TypPolicy| {
        verifier(
            &signer,
            &clock,
            VerifierOptions {
                typ,
                ..support::options()
            },
        )
    };

    let default = policy(TypPolicy::default());
    assert_eq!(default.options().typ, TypPolicy::AccessTokenOrJwt);
    for ok in [
        None,
        Some("JWT"),
        Some("jwt"),
        Some("at+jwt"),
        Some("AT+JWT"),
        Some("application/at+JWT"),
        Some("application/jwt"),
    ] {
        accepted(&default, &with_typ(ok));
    }
    for bad in ["dpop+jwt", "logout+jwt", "JOSE", "secevent+jwt"] {
        let err = rejected(&default, &with_typ(Some(bad)), ErrorKind::JwtTypeInvalid);
        assert!(err.message().contains(bad), "{}", err.message());
        assert_eq!(err.actual(), Some(bad));
    }

    // RFC 9068 strict mode; the media type is case-insensitive and may carry its
    // `application/` prefix (RFC 9068 §4 accepts "application/at+jwt").
    let strict = policy(TypPolicy::StrictAccessToken);
    for ok in [
        "at+jwt",
        "AT+JWT",
        "application/at+JWT",
        "Application/At+Jwt",
    ] {
        accepted(&strict, &with_typ(Some(ok)));
    }
    for bad in [Some("JWT"), Some("application/jwt"), Some("at+jwt2"), None] {
        let err = rejected(&strict, &with_typ(bad), ErrorKind::JwtTypeInvalid);
        assert!(err.message().contains("at+jwt"), "{}", err.message());
        assert_eq!(err.expected(), Some("at+jwt"));
    }

    let any = policy(TypPolicy::Any);
    accepted(&any, &with_typ(Some("dpop+jwt")));
    accepted(&any, &with_typ(None));
}

#[test]
fn critical_headers_are_rejected() {
    let signer = key(Algorithm::ES256);
    let clock = clock();
    let v = verifier(&signer, &clock, support::options());
    let header = json!({ "alg": "ES256", "kid": signer.kid(), "crit": ["exp"], "exp": T0 });
    let token = signed_with_header(&signer, &header, &claims(T0, DAY));
    let err = rejected(&v, &token, ErrorKind::JwsInvalid);
    assert!(err.message().contains("crit"), "{}", err.message());
}

#[test]
fn hmac_only_with_a_shared_secret() {
    // 64 bytes: long enough for HS512 (RFC 7518 §3.2), so every HMAC algorithm is allowed.
    let secret = b"a shared secret of sixty-four bytes, as long as HS512 needs it!!";
    assert_eq!(secret.len(), 64);
    let clock = clock();
    let hs_token = |alg: Algorithm, secret: &[u8]| {
        let header = json!({ "alg": alg.name(), "typ": "JWT" });
        sign_compact(
            &serde_json::to_vec(&header).unwrap(),
            &serde_json::to_vec(&claims(T0, DAY)).unwrap(),
            |input| hmac_sign(alg, secret, input),
        )
        .unwrap()
    };

    let short = Jwk::from_secret(b"too short").unwrap_err();
    assert_eq!(short.kind(), ErrorKind::InvalidKey);
    assert!(short.message().contains("32"), "{}", short.message());

    let shared = KeySource::Static(Arc::new(KeySet::from_keys(vec![
        Jwk::from_secret(secret).unwrap(),
    ])));
    let with_secret = Verifier::with_clock(
        shared,
        support::options(),
        Arc::clone(&clock) as Arc<dyn Clock>,
    )
    .unwrap();
    assert_eq!(with_secret.algorithms(), Algorithm::SYMMETRIC);
    for alg in Algorithm::SYMMETRIC {
        accepted(&with_secret, &hs_token(alg, secret));
    }
    rejected(
        &with_secret,
        &hs_token(
            Algorithm::HS256,
            b"another secret of at least thirty-two bytes",
        ),
        ErrorKind::JwsSignatureVerificationFailed,
    );
    // A signed token does not pass a verifier that holds only a secret.
    let signer = key(Algorithm::ES256);
    rejected(
        &with_secret,
        &mint(&signer, &claims(T0, DAY)),
        ErrorKind::AlgNotAllowed,
    );

    // With public keys, HS256 is not accepted at all: no key confusion.
    let asymmetric = verifier(&signer, &clock, support::options());
    let forged = hs_token(
        Algorithm::HS256,
        serde_json::to_string(&signer.public_jwk())
            .unwrap()
            .as_bytes(),
    );
    let err = rejected(&asymmetric, &forged, ErrorKind::AlgNotAllowed);
    assert!(err.message().contains("HS256"), "{}", err.message());

    // A remote JWKS never accepts HMAC, even when asked to; and configuring does not fetch.
    let server = JwksServer::start(jwks_of(&[&signer]));
    let jwks = remote(&server.url(), RemoteJwksOptions::default(), &clock);
    for algorithms in [
        vec![Algorithm::HS256],
        vec![Algorithm::ES256, Algorithm::HS512],
    ] {
        let err = Verifier::new(
            KeySource::Remote(Arc::clone(&jwks)),
            VerifierOptions {
                algorithms: Some(algorithms),
                ..support::options()
            },
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert!(err.message().contains("HMAC"), "{}", err.message());
    }
    let remote_verifier = support::remote_verifier(&jwks);
    assert!(
        remote_verifier
            .algorithms()
            .iter()
            .all(|a| !a.is_symmetric())
    );
    assert_eq!(server.requests(), 0);
}

#[test]
fn a_cached_token_returns_the_same_claims_and_expires_with_the_clock() {
    let signer = key(Algorithm::ES256);
    let clock = clock();
    let v = verifier(&signer, &clock, support::options());
    let token = mint(&signer, &claims(T0, 120));

    let first = accepted(&v, &token);
    assert_eq!(v.cached_tokens(), 1);
    let hit = accepted(&v, &token);
    assert_eq!(hit.claims(), first.claims());
    assert_eq!(hit.claims_json(), first.claims_json());
    assert_eq!(hit.key_thumbprint(), first.key_thumbprint());
    assert_eq!(hit.expires_at(), Some(T0 + 120));
    assert_eq!(v.cached_tokens(), 1);

    // Inside the leeway the hit still passes.
    clock.set_secs(T0 + 120 + 29);
    accepted(&v, &token);
    // Past it, the cache path re-checks `exp` against the clock and drops the entry.
    clock.set_secs(T0 + 120 + 30);
    let err = rejected(&v, &token, ErrorKind::JwtExpired);
    assert_eq!(err.claim_name(), Some("exp"));
    assert_eq!(v.cached_tokens(), 0);

    // A disabled cache keeps nothing.
    let uncached = verifier(
        &signer,
        &clock,
        VerifierOptions {
            token_cache_entries: 0,
            ..support::options()
        },
    );
    accepted(&uncached, &mint(&signer, &claims(T0 + 150, 60)));
    assert_eq!(uncached.cached_tokens(), 0);
}

#[test]
fn an_oversize_token_is_refused_before_anything_else() {
    let signer = key(Algorithm::ES256);
    let server = JwksServer::start(jwks_of(&[&signer]));
    let clock = clock();
    let jwks = remote(&server.url(), RemoteJwksOptions::default(), &clock);
    let v = support::remote_verifier(&jwks);

    let limit = v.options().max_token_bytes;
    assert_eq!(limit, 16 * 1024);
    // Three well-formed segments, one byte over the limit.
    let huge = format!(
        "{}.{}.e",
        "e".repeat(limit / 2),
        "e".repeat(limit - limit / 2 - 2)
    );
    assert_eq!(huge.len(), limit + 1);
    let err = rejected(&v, &huge, ErrorKind::TokenTooLarge);
    assert!(err.message().contains("16385"), "{}", err.message());
    assert!(
        err.message().contains("max_token_bytes"),
        "{}",
        err.message()
    );
    assert_eq!(
        v.verify_cached(&huge).unwrap_err().kind(),
        ErrorKind::TokenTooLarge
    );
    // At the limit the size is fine (the value fails later, for what it is).
    let at_limit = "e".repeat(limit);
    assert_eq!(
        v.verify(&at_limit).unwrap_err().kind(),
        ErrorKind::TokenOpaque
    );

    // The limit is an option: a real token over it is refused too.
    let small = Verifier::new(
        KeySource::Remote(Arc::clone(&jwks)),
        VerifierOptions {
            max_token_bytes: 64,
            ..support::options()
        },
    )
    .unwrap();
    rejected(
        &small,
        &mint(&signer, &claims(T0, DAY)),
        ErrorKind::TokenTooLarge,
    );
    assert_eq!(server.requests(), 0);
}

#[test]
fn an_opaque_token_fails_before_any_network_call() {
    let signer = key(Algorithm::ES256);
    let server = JwksServer::start(jwks_of(&[&signer]));
    let clock = clock();
    let jwks = remote(&server.url(), RemoteJwksOptions::default(), &clock);
    let v = support::remote_verifier(&jwks);

    for opaque in [
        "2YotnFZFEjr1zCsicMWpAA",
        "",
        "abc.def",
        "a.b.c.d",
        "gho_16C7e42F292c6912E7710c838347Ae178B4a",
        "eyJhbGciOiJSUzI1NiJ9.e30.sig nature",
        "eyJhbGciOiJSUzI1NiJ9.e30+/.c2ln",
    ] {
        let err = rejected(&v, opaque, ErrorKind::TokenOpaque);
        assert_eq!(err.code(), "ERR_TOKEN_OPAQUE");
        assert_eq!(err.http_status(), 401);
        assert!(err.message().contains("opaque"), "{}", err.message());
        // The message says what to do about it.
        assert!(err.message().contains("audience"), "{}", err.message());
        assert!(err.message().contains("introspection"), "{}", err.message());
        assert_eq!(
            v.verify_cached(opaque).unwrap_err().kind(),
            ErrorKind::TokenOpaque
        );
    }
    // A JWE (five segments) is named as such.
    rejected(&v, "a.b.c.d.e", ErrorKind::NotSupported);
    // Header problems are found before the keys are needed too.
    let alg_none = format!(
        "{}.{}.",
        b64::encode(br#"{"alg":"none"}"#),
        b64::encode(serde_json::to_vec(&claims(T0, DAY)).unwrap())
    );
    rejected(&v, &alg_none, ErrorKind::AlgNotAllowed);
    assert_eq!(server.requests(), 0);
}

#[test]
fn clock_of_a_remote_source_is_the_verifier_clock() {
    // `Verifier::new` over a remote source reads time from that source's clock: moving the
    // manual clock must move the verifier.
    let signer = key(Algorithm::ES256);
    let server = JwksServer::start(jwks_of(&[&signer]));
    let clock = clock();
    let jwks = remote(&server.url(), RemoteJwksOptions::default(), &clock);
    let v = support::remote_verifier(&jwks);
    let token = mint(&signer, &claims(T0, 60));
    accepted(&v, &token);
    clock.advance(Duration::from_secs(60 + 30));
    rejected(&v, &token, ErrorKind::JwtExpired);
    assert_eq!(server.requests(), 1);
    assert_eq!(support::now(&clock), T0 + 90);
}

#[test]
fn rfc7518_s3_2_hmac_keys_at_least_the_hash_size() {
    use mcp_bearer::{Jwk, KeySet, KeySource, Verifier, VerifierOptions};
    let secret = [7u8; 32];
    let set = std::sync::Arc::new(KeySet::from_keys(vec![Jwk::from_secret(&secret).unwrap()]));
    let base = VerifierOptions {
        issuers: vec!["https://idp.example.com".into()],
        audiences: vec!["https://mcp.example.com".into()],
        ..VerifierOptions::default()
    };
    // By default a 32-byte secret serves HS256 only.
    let v = Verifier::new(KeySource::Static(set.clone()), base.clone()).unwrap();
    assert_eq!(v.algorithms(), [mcp_bearer::Algorithm::HS256]);
    // Asking for HS512 with it is a configuration error that says what is needed.
    let err = Verifier::new(
        KeySource::Static(set),
        VerifierOptions {
            algorithms: Some(vec![mcp_bearer::Algorithm::HS512]),
            ..base
        },
    )
    .unwrap_err();
    assert_eq!(err.kind(), mcp_bearer::ErrorKind::InvalidConfig);
    assert!(err.message().contains("64 bytes"), "{}", err.message());
}
