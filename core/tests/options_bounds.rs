//! The extremes of every numeric option of every options type: construction either succeeds
//! and the object then works against a real server on 127.0.0.1 without panicking, or fails
//! with `ERR_INVALID_CONFIG` naming the field. Whether a value is accepted is held to the
//! published `*_RANGE` constant, so a range and its check cannot drift apart.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::ops::RangeInclusive;
use std::sync::Arc;
use std::time::Duration;

use http_loopback::{Listener, Request, Response, Server};
use mcp_bearer::clock::{Clock, ManualClock};
use mcp_bearer::discovery::{self, DiscoveryOptions};
use mcp_bearer::id_token::{IdTokenValidator, IdTokenValidatorOptions};
use mcp_bearer::jwk::KeySetOptions;
use mcp_bearer::jwks::{
    COOLDOWN_RANGE, MAX_AGE_RANGE, MAX_KEYS_RANGE, MAX_RESPONSE_BYTES_RANGE, STALE_WINDOW_RANGE,
    TIMEOUT_RANGE,
};
use mcp_bearer::net::{FetchError, HttpRequest, UreqFetchOptions};
use mcp_bearer::oauth::{
    CLIENT_METADATA_CACHE_ENTRIES_RANGE, CLIENT_METADATA_CACHE_TTL_RANGE,
    CLIENT_METADATA_MAX_BYTES_RANGE, CLIENT_METADATA_TIMEOUT_RANGE, ClientMetadataOptions,
    ClientMetadataResolver, ClientRegistration, ClientRegistrationRequest, PkceChallenge,
    ProxyState, REGISTRATION_TTL_RANGE, RedirectUriPolicy, RegisteredClient, STATE_TTL_SECS_RANGE,
    SealedRegistrationOptions, StateKey, TokenResponse, UpstreamTokens,
};
use mcp_bearer::opaque::{
    IntrospectionOptions, Introspector, OPAQUE_CACHE_ENTRIES_RANGE, OPAQUE_CACHE_TTL_RANGE,
    OPAQUE_TIMEOUT_RANGE, UserInfoOptions, UserInfoVerifier,
};
use mcp_bearer::verify::{
    LEEWAY_RANGE, MAX_KEY_CANDIDATES_RANGE, MAX_TOKEN_AGE_RANGE, MAX_TOKEN_BYTES_RANGE,
    TOKEN_CACHE_ENTRIES_RANGE,
};
use mcp_bearer::{
    Algorithm, Error, ErrorKind, IssuerVerifier, KeySet, KeySource, RemoteJwks, RemoteJwksOptions,
    Verifier, VerifierOptions,
};
use serde_json::json;
use support::{AUDIENCE, ISSUER, JwksServer, T0, clock, jwks_of, key, options, token, ureq_fetch};

/// The durations every duration option is tried with: the type's edges, the range's edges
/// and one step past them.
fn durations(range: &RangeInclusive<Duration>) -> Vec<Duration> {
    let mut values = vec![
        Duration::ZERO,
        Duration::from_nanos(1),
        Duration::from_millis(1),
        Duration::from_secs(1),
        *range.start(),
        *range.end(),
        range.end().saturating_add(Duration::from_nanos(1)),
        Duration::from_secs(u64::MAX),
        Duration::MAX - Duration::from_nanos(1),
        Duration::MAX,
    ];
    if let Some(below) = range.start().checked_sub(Duration::from_nanos(1)) {
        values.push(below);
    }
    values
}

/// The sizes every size or count option is tried with.
fn sizes(range: &RangeInclusive<usize>) -> Vec<usize> {
    let mut values = vec![
        0,
        1,
        *range.start(),
        *range.end(),
        range.end().saturating_add(1),
        usize::MAX - 1,
        usize::MAX,
    ];
    if let Some(below) = range.start().checked_sub(1) {
        values.push(below);
    }
    values
}

/// Construction succeeded exactly when `value` is in `range`; a refusal is
/// `ERR_INVALID_CONFIG` naming `field` and saying what is allowed.
fn check_construction<T, V: PartialOrd + std::fmt::Debug>(
    field: &str,
    value: &V,
    range: &RangeInclusive<V>,
    built: &Result<T, Error>,
) {
    match built {
        Ok(_) => assert!(range.contains(value), "{field} = {value:?} was accepted"),
        Err(e) => {
            assert!(!range.contains(value), "{field} = {value:?}: {e:?}");
            assert_eq!(e.kind(), ErrorKind::InvalidConfig, "{field} = {value:?}");
            assert!(
                e.message().contains(field) && e.message().contains("must be between"),
                "{field} = {value:?}: {}",
                e.message()
            );
        }
    }
}

/// A fetch with a 1 ms timeout may time out even on loopback; anything else must succeed.
fn ok_or_timeout<T: std::fmt::Debug>(result: &Result<T, Error>, timeout: Duration, what: &str) {
    match result {
        Ok(_) => {}
        Err(e) if timeout < Duration::from_millis(100) && e.reason() == Some("timeout") => {}
        Err(e) => panic!("{what}: {e:?}"),
    }
}

#[test]
fn remote_jwks_options_at_their_extremes() {
    let signer = key(Algorithm::ES256);
    let jwks = jwks_of(&[&signer]);
    let server = JwksServer::start(jwks.clone());
    let fetch = ureq_fetch();
    let try_options = |field: &str, options: RemoteJwksOptions| {
        let clock = clock();
        let built = RemoteJwks::with_parts(
            &server.url(),
            options.clone(),
            Arc::clone(&fetch),
            Arc::clone(&clock) as Arc<dyn Clock>,
        );
        let Ok(remote) = built else {
            return built.map(|_| ());
        };
        let verifier = Verifier::with_clock(
            KeySource::Remote(Arc::new(remote)),
            support::options(),
            Arc::clone(&clock) as Arc<dyn Clock>,
        )
        .expect("verifier");
        let verdict = verifier.verify(&token(&signer, T0, 3600));
        if options.max_response_bytes < jwks.len() {
            let e = verdict.expect_err("a body over the cap");
            assert_eq!(e.kind(), ErrorKind::JwksFetchFailed, "{field}");
        } else {
            ok_or_timeout(&verdict, options.timeout, field);
        }
        // Past every window: the set is refetched or served stale, never a panic.
        clock.advance(Duration::MAX);
        let _ = verifier.verify(&token(&signer, T0, 3600));
        let _ = verifier.verify_cached(&token(&signer, T0, 3600));
        Ok(())
    };
    type DurationField = (
        &'static str,
        RangeInclusive<Duration>,
        fn(&mut RemoteJwksOptions) -> &mut Duration,
    );
    let duration_fields: [DurationField; 4] = [
        ("RemoteJwksOptions::max_age", MAX_AGE_RANGE, |o| {
            &mut o.max_age
        }),
        ("RemoteJwksOptions::cooldown", COOLDOWN_RANGE, |o| {
            &mut o.cooldown
        }),
        ("RemoteJwksOptions::timeout", TIMEOUT_RANGE, |o| {
            &mut o.timeout
        }),
        ("RemoteJwksOptions::stale_window", STALE_WINDOW_RANGE, |o| {
            &mut o.stale_window
        }),
    ];
    for (field, range, slot) in duration_fields {
        for value in durations(&range) {
            let mut options = RemoteJwksOptions::default();
            *slot(&mut options) = value;
            check_construction(field, &value, &range, &try_options(field, options));
        }
    }
    type SizeField = (
        &'static str,
        RangeInclusive<usize>,
        fn(&mut RemoteJwksOptions) -> &mut usize,
    );
    let size_fields: [SizeField; 2] = [
        (
            "RemoteJwksOptions::max_response_bytes",
            MAX_RESPONSE_BYTES_RANGE,
            |o| &mut o.max_response_bytes,
        ),
        ("RemoteJwksOptions::max_keys", MAX_KEYS_RANGE, |o| {
            &mut o.max_keys
        }),
    ];
    for (field, range, slot) in size_fields {
        for value in sizes(&range) {
            let mut options = RemoteJwksOptions::default();
            *slot(&mut options) = value;
            check_construction(field, &value, &range, &try_options(field, options));
        }
    }
}

#[test]
fn verifier_options_at_their_extremes() {
    let signer = key(Algorithm::ES256);
    let server = JwksServer::start(jwks_of(&[&signer]));
    let try_options = |options: VerifierOptions| {
        let clock = clock();
        let remote = support::remote(&server.url(), RemoteJwksOptions::default(), &clock);
        let built = Verifier::with_clock(
            KeySource::Remote(remote),
            options.clone(),
            Arc::clone(&clock) as Arc<dyn Clock>,
        );
        let Ok(verifier) = built else {
            return built.map(|_| ());
        };
        let bearer = token(&signer, T0, 3600);
        for _ in 0..2 {
            // The second call is a cache hit when the cache is on.
            match verifier.verify(&bearer) {
                Ok(_) => {}
                Err(e) if bearer.len() > options.max_token_bytes => {
                    assert_eq!(e.kind(), ErrorKind::TokenTooLarge);
                }
                Err(e) => panic!("{options:?}: {e:?}"),
            }
        }
        // Time claims against every leeway at the far ends of the clock.
        clock.advance(Duration::MAX);
        let _ = verifier.verify(&bearer);
        clock.set_secs(0);
        let _ = verifier.verify(&bearer);
        Ok(())
    };
    type DurationField = (
        &'static str,
        RangeInclusive<Duration>,
        fn(&mut VerifierOptions, Duration),
    );
    let duration_fields: [DurationField; 2] = [
        ("VerifierOptions::leeway", LEEWAY_RANGE, |o, v| o.leeway = v),
        (
            "VerifierOptions::max_token_age",
            MAX_TOKEN_AGE_RANGE,
            |o, v| o.max_token_age = Some(v),
        ),
    ];
    for (field, range, set) in duration_fields {
        for value in durations(&range) {
            let mut options = options();
            set(&mut options, value);
            check_construction(field, &value, &range, &try_options(options));
        }
    }
    type SizeField = (
        &'static str,
        RangeInclusive<usize>,
        fn(&mut VerifierOptions) -> &mut usize,
    );
    let size_fields: [SizeField; 3] = [
        (
            "VerifierOptions::max_token_bytes",
            MAX_TOKEN_BYTES_RANGE,
            |o| &mut o.max_token_bytes,
        ),
        (
            "VerifierOptions::max_key_candidates",
            MAX_KEY_CANDIDATES_RANGE,
            |o| &mut o.max_key_candidates,
        ),
        (
            "VerifierOptions::token_cache_entries",
            TOKEN_CACHE_ENTRIES_RANGE,
            |o| &mut o.token_cache_entries,
        ),
    ];
    for (field, range, slot) in size_fields {
        for value in sizes(&range) {
            let mut options = options();
            *slot(&mut options) = value;
            check_construction(field, &value, &range, &try_options(options));
        }
    }
}

#[test]
fn id_token_validator_options_at_their_extremes() {
    let signer = key(Algorithm::ES256);
    let server = JwksServer::start(jwks_of(&[&signer]));
    let try_options = |options: IdTokenValidatorOptions| {
        let clock = clock();
        let remote = support::remote(&server.url(), RemoteJwksOptions::default(), &clock);
        let built = IdTokenValidator::with_clock(
            KeySource::Remote(remote),
            ISSUER,
            AUDIENCE,
            options.clone(),
            Arc::clone(&clock) as Arc<dyn Clock>,
        );
        let Ok(validator) = built else {
            return built.map(|_| ());
        };
        let id_token = token(&signer, T0, 3600);
        match validator.validate(&id_token, None, None) {
            Ok(_) => {}
            Err(e) if id_token.len() > options.max_token_bytes => {
                assert_eq!(e.kind(), ErrorKind::TokenTooLarge);
            }
            Err(e) => panic!("{options:?}: {e:?}"),
        }
        // Time claims against every leeway at the far ends of the clock.
        clock.advance(Duration::MAX);
        let _ = validator.validate(&id_token, None, None);
        clock.set_secs(0);
        let _ = validator.validate(&id_token, None, None);
        Ok(())
    };
    type DurationField = (
        &'static str,
        RangeInclusive<Duration>,
        fn(&mut IdTokenValidatorOptions, Duration),
    );
    let duration_fields: [DurationField; 2] = [
        ("IdTokenValidatorOptions::leeway", LEEWAY_RANGE, |o, v| {
            o.leeway = v;
        }),
        (
            "IdTokenValidatorOptions::max_token_age",
            MAX_TOKEN_AGE_RANGE,
            |o, v| o.max_token_age = Some(v),
        ),
    ];
    for (field, range, set) in duration_fields {
        for value in durations(&range) {
            let mut options = IdTokenValidatorOptions::default();
            set(&mut options, value);
            check_construction(field, &value, &range, &try_options(options));
        }
    }
    for value in sizes(&MAX_TOKEN_BYTES_RANGE) {
        let options = IdTokenValidatorOptions {
            max_token_bytes: value,
            ..IdTokenValidatorOptions::default()
        };
        check_construction(
            "IdTokenValidatorOptions::max_token_bytes",
            &value,
            &MAX_TOKEN_BYTES_RANGE,
            &try_options(options),
        );
    }
}

/// A provider on 127.0.0.1 answering discovery, introspection and userinfo requests.
struct Provider {
    _server: Server,
    origin: String,
}

fn provider() -> Provider {
    let listener = Listener::bind(0).expect("bind 127.0.0.1:0");
    let origin = listener.origin();
    let issuer = origin.clone();
    let server = listener
        .serve(
            move |request: &Request| match request.path.as_str() {
                "/.well-known/openid-configuration" => Response::json(
                    200,
                    json!({ "issuer": issuer, "jwks_uri": format!("{issuer}/jwks") }),
                ),
                "/introspect" => Response::json(
                    200,
                    json!({
                        "active": true, "sub": "user-1", "exp": T0 + 3600,
                        "iss": issuer, "aud": "https://mcp.example.com/mcp",
                    }),
                ),
                "/userinfo" => Response::json(200, json!({ "sub": "user-1" })),
                _ => Response::json(404, json!({})),
            },
            http_loopback::Options::default(),
        )
        .expect("start the provider");
    Provider {
        _server: server,
        origin,
    }
}

#[test]
fn discovery_options_at_their_extremes() {
    let provider = provider();
    let fetch = ureq_fetch();
    let run = |options: &DiscoveryOptions| {
        discovery::discover(&provider.origin, fetch.as_ref(), options).map(|m| m.issuer)
    };
    for value in durations(&discovery::TIMEOUT_RANGE) {
        let options = DiscoveryOptions {
            timeout: value,
            ..DiscoveryOptions::default()
        };
        let result = run(&options);
        if discovery::TIMEOUT_RANGE.contains(&value) {
            ok_or_timeout(&result, value, "DiscoveryOptions::timeout");
        } else {
            check_construction(
                "DiscoveryOptions::timeout",
                &value,
                &discovery::TIMEOUT_RANGE,
                &result,
            );
        }
    }
    for value in sizes(&discovery::MAX_RESPONSE_BYTES_RANGE) {
        let options = DiscoveryOptions {
            max_response_bytes: value,
            ..DiscoveryOptions::default()
        };
        let result = run(&options);
        if value == 1 {
            // The document is larger: every discovery URL fails, and that is a fetch failure.
            assert_eq!(result.unwrap_err().kind(), ErrorKind::JwksFetchFailed);
        } else {
            check_construction(
                "DiscoveryOptions::max_response_bytes",
                &value,
                &discovery::MAX_RESPONSE_BYTES_RANGE,
                &result,
            );
        }
    }
}

#[test]
fn from_issuer_names_the_key_set_option_it_refuses() {
    let provider = provider();
    for timeout in [Duration::ZERO, Duration::MAX] {
        let jwks_options = RemoteJwksOptions {
            timeout,
            ..RemoteJwksOptions::default()
        };
        let err = Verifier::from_issuer(&provider.origin, options(), jwks_options, ureq_fetch())
            .expect_err("an out-of-range timeout");
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert!(
            err.message().contains("(RemoteJwksOptions::timeout)"),
            "{}",
            err.message()
        );
    }
    let IssuerVerifier { verifier, metadata } = Verifier::from_issuer(
        &provider.origin,
        options(),
        RemoteJwksOptions {
            timeout: *TIMEOUT_RANGE.end(),
            ..RemoteJwksOptions::default()
        },
        ureq_fetch(),
    )
    .unwrap();
    assert_eq!(metadata.issuer, provider.origin);
    assert_eq!(verifier.options().issuers, vec![support::ISSUER.to_owned()]);
}

#[test]
fn opaque_verifier_options_at_their_extremes() {
    let provider = provider();
    let introspect = |options: IntrospectionOptions| {
        let clock = Arc::new(ManualClock::at_secs(T0));
        let built = Introspector::with_clock(
            options.clone(),
            ureq_fetch(),
            Arc::clone(&clock) as Arc<dyn Clock>,
        );
        let Ok(introspector) = built else {
            return built.map(|_| ());
        };
        for _ in 0..2 {
            ok_or_timeout(
                &introspector.verify("opaque-1"),
                options.timeout,
                "introspect",
            );
        }
        clock.advance(Duration::MAX);
        let _ = introspector.verify("opaque-1");
        Ok(())
    };
    let userinfo = |options: UserInfoOptions| {
        let clock = Arc::new(ManualClock::at_secs(T0));
        let built = UserInfoVerifier::with_clock(
            options.clone(),
            ureq_fetch(),
            Arc::clone(&clock) as Arc<dyn Clock>,
        );
        let Ok(verifier) = built else {
            return built.map(|_| ());
        };
        for _ in 0..2 {
            ok_or_timeout(&verifier.verify("opaque-1"), options.timeout, "userinfo");
        }
        clock.advance(Duration::MAX);
        let _ = verifier.verify("opaque-1");
        Ok(())
    };
    let base_introspection = IntrospectionOptions {
        issuers: vec![provider.origin.clone()],
        audiences: vec!["https://mcp.example.com/mcp".into()],
        ..IntrospectionOptions::new(format!("{}/introspect", provider.origin), "rs-1")
    };
    let base_userinfo = UserInfoOptions::new(format!("{}/userinfo", provider.origin));
    for value in durations(&OPAQUE_CACHE_TTL_RANGE) {
        let options = IntrospectionOptions {
            cache_ttl: value,
            ..base_introspection.clone()
        };
        let field = "IntrospectionOptions::cache_ttl";
        check_construction(field, &value, &OPAQUE_CACHE_TTL_RANGE, &introspect(options));
        let options = UserInfoOptions {
            cache_ttl: value,
            ..base_userinfo.clone()
        };
        let field = "UserInfoOptions::cache_ttl";
        check_construction(field, &value, &OPAQUE_CACHE_TTL_RANGE, &userinfo(options));
    }
    for value in durations(&OPAQUE_TIMEOUT_RANGE) {
        let options = IntrospectionOptions {
            timeout: value,
            ..base_introspection.clone()
        };
        let field = "IntrospectionOptions::timeout";
        check_construction(field, &value, &OPAQUE_TIMEOUT_RANGE, &introspect(options));
        let options = UserInfoOptions {
            timeout: value,
            ..base_userinfo.clone()
        };
        let field = "UserInfoOptions::timeout";
        check_construction(field, &value, &OPAQUE_TIMEOUT_RANGE, &userinfo(options));
    }
    for value in sizes(&OPAQUE_CACHE_ENTRIES_RANGE) {
        let options = IntrospectionOptions {
            cache_entries: value,
            ..base_introspection.clone()
        };
        let field = "IntrospectionOptions::cache_entries";
        check_construction(
            field,
            &value,
            &OPAQUE_CACHE_ENTRIES_RANGE,
            &introspect(options),
        );
        let options = UserInfoOptions {
            cache_entries: value,
            ..base_userinfo.clone()
        };
        let field = "UserInfoOptions::cache_entries";
        check_construction(
            field,
            &value,
            &OPAQUE_CACHE_ENTRIES_RANGE,
            &userinfo(options),
        );
    }
}

#[test]
fn proxy_state_ttl_at_its_extremes() {
    let key = StateKey::generate().unwrap();
    let state = ProxyState {
        client_id: "client-1".into(),
        redirect_uri: "http://127.0.0.1:9000/callback".into(),
        client_state: Some("st".into()),
        code_challenge: PkceChallenge::s256("verifier-of-forty-three-characters-at-least-0"),
        scopes: vec!["mcp".into()],
        resources: Vec::new(),
    };
    let ttls = [0, 1, 86_399, 86_400, 86_401, u64::MAX - 1, u64::MAX];
    let range = STATE_TTL_SECS_RANGE;
    let as_durations = Duration::from_secs(*range.start())..=Duration::from_secs(*range.end());
    for now in [0, T0, u64::MAX - 1, u64::MAX] {
        for ttl in ttls {
            let sealed = state.seal(&key, now, ttl);
            check_construction(
                "ProxyState::seal ttl_secs",
                &Duration::from_secs(ttl),
                &as_durations,
                &sealed,
            );
            let Ok(sealed) = sealed else { continue };
            assert!(sealed.expires_at() >= now);
            // Opened at every moment around its life: valid, expired, never a panic.
            for at in [0, now, sealed.expires_at(), u64::MAX] {
                match ProxyState::open(&key, sealed.as_str(), at) {
                    Ok(opened) => assert_eq!(opened.state, state),
                    Err(e) => assert_eq!(e.kind(), ErrorKind::OAuthStateInvalid),
                }
            }
        }
    }
}

#[test]
fn sealed_registration_ttl_at_its_extremes() {
    let key = StateKey::generate().unwrap();
    let request =
        ClientRegistrationRequest::parse(br#"{"redirect_uris":["http://127.0.0.1/callback"]}"#)
            .unwrap();
    let policy = RedirectUriPolicy::default();
    for now in [0, T0, u64::MAX - 1, u64::MAX] {
        for ttl in durations(&REGISTRATION_TTL_RANGE)
            .into_iter()
            .map(Some)
            .chain([None])
        {
            let options = SealedRegistrationOptions { ttl };
            let registered = ClientRegistration::sealed(&request, &key, &policy, now, &options);
            let Some(ttl) = ttl else {
                let id = registered.unwrap().client_id;
                for at in [0, now, u64::MAX] {
                    assert!(RegisteredClient::open(&key, &id, at).is_ok());
                }
                continue;
            };
            check_construction(
                "SealedRegistrationOptions::ttl",
                &ttl,
                &REGISTRATION_TTL_RANGE,
                &registered,
            );
            let Ok(registered) = registered else { continue };
            // Opened at every moment around its life: valid, expired, never a panic.
            for at in [0, now, now.saturating_add(ttl.as_secs()), u64::MAX] {
                match RegisteredClient::open(&key, &registered.client_id, at) {
                    Ok(client) => assert!(client.expires_at.unwrap() > at),
                    Err(e) => assert_eq!(
                        (e.kind(), e.reason()),
                        (ErrorKind::OAuthInvalidClient, Some("expired"))
                    ),
                }
            }
        }
    }
}

/// A client's metadata document on 127.0.0.1, cacheable for a minute.
fn client_site() -> (Server, String) {
    let listener = Listener::bind(0).unwrap();
    let url = format!("{}/client.json", listener.origin());
    let document = json!({
        "client_id": url,
        "redirect_uris": ["http://127.0.0.1/callback"],
    })
    .to_string();
    let server = listener
        .serve(
            move |_: &Request| {
                Response::new(200, document.clone())
                    .with_header("Content-Type", "application/json")
                    .with_header("Cache-Control", "max-age=60")
            },
            http_loopback::Options::default(),
        )
        .unwrap();
    (server, url)
}

#[test]
fn client_metadata_options_at_their_extremes() {
    let (_site, url) = client_site();
    let fetch_options = UreqFetchOptions {
        ignore_proxy_env: true,
        ..UreqFetchOptions::default()
    };
    // Twice, each at a clock at the start and at the end of time: a miss, then a hit.
    let run = |options: ClientMetadataOptions| {
        let options = ClientMetadataOptions {
            dangerous_allow_loopback: true,
            ..options
        };
        let mut last = None;
        for secs in [0, T0, u64::MAX] {
            let clock: Arc<dyn Clock> = Arc::new(ManualClock::at_secs(secs));
            let resolver =
                match ClientMetadataResolver::with_clock(options.clone(), &fetch_options, clock) {
                    Ok(resolver) => resolver,
                    Err(e) => return Err(e),
                };
            for _ in 0..2 {
                last = Some(resolver.resolve(&url).map(|d| d.client_id.clone()));
            }
        }
        last.unwrap()
    };
    for value in durations(&CLIENT_METADATA_TIMEOUT_RANGE) {
        let result = run(ClientMetadataOptions {
            timeout: value,
            ..ClientMetadataOptions::default()
        });
        if CLIENT_METADATA_TIMEOUT_RANGE.contains(&value) {
            match &result {
                Ok(_) => {}
                // A 1 ms fetch may time out even on loopback: a fetch failure, said so.
                Err(e) if value < Duration::from_millis(100) && e.reason() == Some("fetch") => {}
                Err(e) => panic!("ClientMetadataOptions::timeout = {value:?}: {e:?}"),
            }
        } else {
            check_construction(
                "ClientMetadataOptions::timeout",
                &value,
                &CLIENT_METADATA_TIMEOUT_RANGE,
                &result,
            );
        }
    }
    for value in sizes(&CLIENT_METADATA_MAX_BYTES_RANGE) {
        let result = run(ClientMetadataOptions {
            max_response_bytes: value,
            ..ClientMetadataOptions::default()
        });
        if value == 1 {
            let err = result.unwrap_err();
            assert_eq!(
                (err.kind(), err.reason()),
                (ErrorKind::OAuthInvalidClient, Some("fetch"))
            );
        } else {
            check_construction(
                "ClientMetadataOptions::max_response_bytes",
                &value,
                &CLIENT_METADATA_MAX_BYTES_RANGE,
                &result,
            );
        }
    }
    for value in durations(&CLIENT_METADATA_CACHE_TTL_RANGE) {
        for (field, options) in [
            (
                "ClientMetadataOptions::cache_ttl",
                ClientMetadataOptions {
                    cache_ttl: value,
                    ..ClientMetadataOptions::default()
                },
            ),
            (
                "ClientMetadataOptions::max_cache_ttl",
                ClientMetadataOptions {
                    max_cache_ttl: value,
                    ..ClientMetadataOptions::default()
                },
            ),
        ] {
            let result = run(options);
            check_construction(field, &value, &CLIENT_METADATA_CACHE_TTL_RANGE, &result);
        }
    }
    for value in sizes(&CLIENT_METADATA_CACHE_ENTRIES_RANGE) {
        let result = run(ClientMetadataOptions {
            cache_entries: value,
            ..ClientMetadataOptions::default()
        });
        check_construction(
            "ClientMetadataOptions::cache_entries",
            &value,
            &CLIENT_METADATA_CACHE_ENTRIES_RANGE,
            &result,
        );
    }
}

#[test]
fn ureq_fetch_clamps_requests_at_their_extremes() {
    let signer = key(Algorithm::ES256);
    let jwks = jwks_of(&[&signer]);
    let server = JwksServer::start(jwks.clone());
    let fetch = ureq_fetch();
    for timeout in [
        Duration::from_secs(u64::MAX),
        Duration::MAX,
        Duration::from_secs(600),
    ] {
        for max in [usize::MAX, usize::MAX - 1, 64 << 20, jwks.len()] {
            let mut request = HttpRequest::get(server.url());
            request.timeout = timeout;
            request.max_response_bytes = max;
            let response = fetch.fetch(&request).expect("a clamped request is sent");
            assert_eq!(response.body, jwks);
        }
    }
    for max in [0, 1, jwks.len() - 1] {
        let mut request = HttpRequest::get(server.url());
        request.max_response_bytes = max;
        assert!(
            matches!(fetch.fetch(&request), Err(FetchError::TooLarge(_))),
            "max_response_bytes {max}"
        );
    }
    for timeout in [Duration::ZERO, Duration::from_nanos(1)] {
        let mut request = HttpRequest::get(server.url());
        request.timeout = timeout;
        match fetch.fetch(&request) {
            Ok(response) => assert_eq!(response.body, jwks),
            Err(FetchError::Timeout(_)) => {}
            Err(e) => panic!("timeout {timeout:?}: {e}"),
        }
    }
}

#[test]
fn time_arithmetic_saturates_at_the_ends_of_the_clock() {
    let response = TokenResponse::parse(&mcp_bearer::net::HttpResponse {
        status: 200,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: br#"{"access_token":"a","token_type":"Bearer","refresh_token":"r","expires_in":18446744073709551615}"#.to_vec(),
    })
    .unwrap();
    assert_eq!(response.expires_at(u64::MAX), Some(u64::MAX));
    let tokens = UpstreamTokens::from_response(&response, u64::MAX);
    assert_eq!(tokens.expires_at, Some(u64::MAX));
    assert!(tokens.needs_refresh(u64::MAX, u64::MAX));
    assert!(tokens.needs_refresh(0, u64::MAX));
    assert!(!tokens.needs_refresh(0, 0));
    let refreshed = tokens.refreshed(&response, u64::MAX);
    assert_eq!(refreshed.expires_at, Some(u64::MAX));
}

#[test]
fn key_set_limits_at_their_extremes() {
    let signer = key(Algorithm::ES256);
    let jwks = jwks_of(&[&signer]);
    for max_keys in [0, 1, usize::MAX - 1, usize::MAX] {
        let parsed = KeySet::from_slice(&jwks, KeySetOptions { max_keys });
        match parsed {
            Ok(set) => assert_eq!(set.keys().len(), 1),
            Err(e) => {
                assert_eq!(max_keys, 0);
                assert_eq!(e.kind(), ErrorKind::JwksInvalid);
            }
        }
    }
}

#[test]
fn header_breaking_tokens_are_refused_not_panicked_on() {
    let provider = provider();
    let verifier = UserInfoVerifier::new(
        UserInfoOptions::new(format!("{}/userinfo", provider.origin)),
        ureq_fetch(),
    )
    .unwrap();
    for bearer in ["a\r\nX-Injected: 1", "a\0b", "\u{7f}", "é"] {
        match verifier.verify(bearer) {
            // The loopback provider accepts any token it can read.
            Ok(_) => {}
            Err(e) => assert_eq!(e.kind(), ErrorKind::IntrospectionFailed, "{bearer:?}"),
        }
    }
}
