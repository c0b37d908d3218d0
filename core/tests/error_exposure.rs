//! What leaves through an error: the client reads `BearerChallenge` (its `error_description`
//! is `Error::public_description`), the operator's log reads `Error::message` and `Debug`.
//!
//! Every attack case of the shared vectors, hand-made tokens whose `kid`, `alg`, `typ` and
//! claims are 16 KiB of control bytes, and JWKS endpoints on 127.0.0.1 whose URL and
//! redirects carry credentials go through verification; for each failure:
//! - the challenge header is short (at most 512 bytes plus the `resource_metadata` URL),
//!   printable ASCII, and names no URL or host of the JWKS;
//! - the message holds no credential, no control character, and no untrusted value longer
//!   than the bound (so it stays short whatever the token carried);
//! - the error record a binding exposes (`Error::to_record`) carries the same texts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::fs;
use std::path::Path;
use std::sync::Arc;

use mcp_bearer::clock::{Clock, ManualClock};
use mcp_bearer::discovery::{DiscoveryOptions, discover};
use mcp_bearer::jwk::{Algorithm, Jwk, KeySet, KeySetOptions};
use mcp_bearer::metadata::BearerChallenge;
use mcp_bearer::test_support::b64;
use mcp_bearer::{
    Error, ErrorKind, KeySource, RemoteJwks, RemoteJwksOptions, Verifier, VerifierConfig,
    VerifierOptions, verify_jws,
};
use serde_json::{Map, Value, json};
use support::{JwksServer, Reply};

const PRM: &str = "https://mcp.example.test/.well-known/oauth-protected-resource/mcp";

/// The longest header a challenge may be, besides its `resource_metadata` URL.
const MAX_CHALLENGE_BYTES: usize = 512;

/// The longest message any failure below may have. The real bound is per value (64
/// characters for a token's value, 256 for a URL from the network, 512 for an HTTP client's
/// text); this is their sum with room for the fixed words.
const MAX_MESSAGE_BYTES: usize = 4096;

/// Strings that must never appear in a message, a `Debug` or a challenge.
const SECRETS: &[&str] = &[
    "S3CRET-user",
    "S3CRET-pass",
    "S3CRET-key",
    "S3CRET-token",
    "S3CRET-sig",
    "S3CRET-code",
];

/// Checks both sides of one failure. `hosts` are names that must not reach the client.
fn check(err: &Error, hosts: &[&str], context: &str) {
    let challenge = BearerChallenge::from_error(err, PRM);
    let header = challenge.header_value();
    assert!(
        header.len() <= MAX_CHALLENGE_BYTES + PRM.len(),
        "{context}: challenge of {} bytes: {}",
        header.len(),
        &header[..200.min(header.len())]
    );
    assert!(
        header.bytes().all(|b| (b' '..=b'~').contains(&b)),
        "{context}: {header}"
    );
    let description = challenge.error_description.clone().unwrap_or_default();
    assert!(description.len() <= 256, "{context}: {description}");
    assert!(!description.contains("://"), "{context}: {description}");
    for host in hosts {
        assert!(!description.contains(host), "{context}: {description}");
        assert!(
            !header.replace(PRM, "").contains(host),
            "{context}: {header}"
        );
    }
    let message = err.message();
    let debug = format!("{err:?} {err}");
    for secret in SECRETS {
        assert!(!message.contains(secret), "{context}: {message}");
        assert!(!debug.contains(secret), "{context}: {debug}");
    }
    assert!(
        message.len() <= MAX_MESSAGE_BYTES,
        "{context}: message of {} bytes: {}",
        message.len(),
        &message[..300.min(message.len())]
    );
    assert!(
        !message.chars().any(char::is_control),
        "{context}: {message:?}"
    );
    for value in [err.expected(), err.actual()].into_iter().flatten() {
        assert!(value.len() <= 2048, "{context}: {} bytes", value.len());
        assert!(!value.chars().any(char::is_control), "{context}: {value:?}");
    }
    // What a binding exposes is the record: the same texts, so the same guarantees.
    let record = err.to_record();
    assert_eq!(record.message, message, "{context}");
    assert_eq!(
        record.public_description,
        err.public_description(),
        "{context}"
    );
    let json = serde_json::to_string(&record).unwrap();
    for secret in SECRETS {
        assert!(!json.contains(secret), "{context}: {json}");
    }
}

// -------------------------------------------------------------------------------------------
// The shared vectors' attack corpus.

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn algorithms(value: &Value) -> Vec<Algorithm> {
    strings(value)
        .iter()
        .filter_map(|n| Algorithm::from_name(n))
        .collect()
}

fn key_set_of(keys: &Value) -> Result<KeySet, Error> {
    if let Some(jwks) = keys.get("jwks") {
        return KeySet::from_json(jwks, KeySetOptions::default());
    }
    let secret = keys["shared_secret_b64u"]
        .as_str()
        .and_then(|s| b64::decode(s).ok())
        .unwrap_or_default();
    Ok(KeySet::from_keys(vec![Jwk::from_secret(&secret)?]))
}

/// A `jwt` case's verifier config, as `tests/vectors.rs` builds it: `options` with `keys`
/// merged in.
fn config_of(case: &Value) -> Result<VerifierConfig, Error> {
    let mut config = case["options"].as_object().cloned().unwrap_or_default();
    if let Some(keys) = case["keys"].as_object() {
        config.extend(keys.clone());
    }
    VerifierConfig::from_value(Value::Object(config))
}

/// The error a case ends with, if it fails.
fn failure_of(case: &Value) -> Option<Error> {
    let token = case["token"].as_str().unwrap_or_default();
    if case["layer"] == "jws" {
        return match key_set_of(&case["keys"]) {
            Ok(keys) => verify_jws(token, &keys, &algorithms(&case["algorithms"])).err(),
            Err(e) => Some(e),
        };
    }
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::at_secs(case["now"].as_u64().unwrap_or(0)));
    match config_of(case).and_then(|config| Verifier::from_config_with_clock(config, clock)) {
        Ok(verifier) => verifier.verify(token).err(),
        Err(e) => Some(e),
    }
}

#[test]
fn every_failing_vector_gives_a_bounded_public_challenge_and_a_clean_message() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    let mut failures = 0usize;
    for file in ["verify_cases.json", "outside_cases.json"] {
        let text = fs::read_to_string(dir.join(file)).unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        for case in doc["cases"].as_array().unwrap() {
            if let Some(err) = failure_of(case) {
                let id = case["id"].as_str().unwrap_or("?");
                check(&err, &[], &format!("{file} {id}"));
                failures += 1;
            }
        }
    }
    assert!(failures > 50, "only {failures} failing cases were read");
}

// -------------------------------------------------------------------------------------------
// Hand-made tokens: 16 KiB of control bytes where a short string belongs.

/// 16 KiB of C0 and C1 control bytes, an escape sequence and a line break among them.
fn control_flood() -> String {
    let pattern = "\u{1}\u{1b}[2J\u{7}\r\n\u{9b}\u{0}";
    pattern.repeat(16 * 1024 / pattern.len())
}

fn claims(now: u64) -> Map<String, Value> {
    match json!({
        "iss": support::ISSUER, "aud": support::AUDIENCE, "sub": "user-1",
        "iat": now, "exp": now + 300, "scope": "mcp:read",
    }) {
        Value::Object(map) => map,
        _ => unreachable!(),
    }
}

/// A token with this header (over a valid header of `key`) and these claims, signed by `key`.
fn forged(key: &mcp_bearer::SigningKey, header: Value, claims: &Map<String, Value>) -> String {
    let Value::Object(header) = header else {
        unreachable!()
    };
    key.sign_jwt(claims, &header).unwrap()
}

#[test]
fn tokens_with_16_kib_of_control_bytes_in_header_and_claims_stay_bounded() {
    let flood = control_flood();
    let key = support::key(Algorithm::ES256);
    let keys = Arc::new(
        KeySet::from_json(
            &json!({ "keys": [key.public_jwk()] }),
            KeySetOptions::default(),
        )
        .unwrap(),
    );
    let clock = Arc::new(ManualClock::at_secs(support::T0));
    let now = support::T0;
    let verifier = |options: VerifierOptions| {
        Verifier::with_clock(
            KeySource::Static(Arc::clone(&keys)),
            options,
            Arc::clone(&clock) as Arc<dyn Clock>,
        )
        .unwrap()
    };
    // Room for the whole token, so that every check is reached rather than the size limit.
    let base = VerifierOptions {
        max_token_bytes: 1 << 20,
        ..support::options()
    };
    let strict_typ = VerifierOptions {
        typ: mcp_bearer::TypPolicy::StrictAccessToken,
        ..base.clone()
    };
    let scoped = VerifierOptions {
        required_scopes: vec!["mcp:admin".into()],
        ..base.clone()
    };
    let with = |name: &str, value: Value| {
        let mut c = claims(now);
        c.insert(name.into(), value);
        c
    };
    let many_auds: Vec<Value> = (0..2000)
        .map(|i| Value::String(format!("https://other-{i}.example/\u{1b}[2J")))
        .collect();
    let cases: Vec<(&str, String, &VerifierOptions)> = vec![
        (
            "alg",
            forged(&key, json!({ "alg": flood }), &claims(now)),
            &base,
        ),
        (
            "kid",
            forged(&key, json!({ "kid": flood }), &claims(now)),
            &base,
        ),
        (
            "kid, bad signature",
            {
                let t = forged(&key, json!({}), &claims(now));
                let other = support::key(Algorithm::ES256);
                let mut parts: Vec<&str> = t.split('.').collect();
                let forged_sig = other.sign_jwt(&claims(now), &Map::new()).unwrap();
                parts[2] = forged_sig.rsplit('.').next().unwrap();
                parts.join(".")
            },
            &base,
        ),
        (
            "typ",
            forged(&key, json!({ "typ": flood }), &claims(now)),
            &strict_typ,
        ),
        (
            "crit",
            forged(&key, json!({ "crit": [flood] }), &claims(now)),
            &base,
        ),
        (
            "iss",
            forged(&key, json!({}), &with("iss", Value::String(flood.clone()))),
            &base,
        ),
        (
            "aud",
            forged(&key, json!({}), &with("aud", Value::String(flood.clone()))),
            &base,
        ),
        (
            "aud list",
            forged(&key, json!({}), &with("aud", Value::Array(many_auds))),
            &base,
        ),
        (
            "scope",
            forged(
                &key,
                json!({}),
                &with("scope", Value::String(flood.replace(' ', "_"))),
            ),
            &scoped,
        ),
    ];
    for (what, token, options) in cases {
        let err = verifier(options.clone()).verify(&token).expect_err(what);
        assert_ne!(err.kind(), ErrorKind::TokenTooLarge, "{what}");
        check(&err, &[], what);
    }
    // The kid case by name: the message says which kid, cut and escaped.
    let err = verifier(base.clone())
        .verify(&forged(&key, json!({ "kid": flood }), &claims(now)))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::JwksNoMatchingKey);
    assert!(err.message().contains(r"has kid "), "{}", err.message());
    assert!(
        err.message().contains(r"\u{1}\u{1b}[2J"),
        "{}",
        err.message()
    );
}

// -------------------------------------------------------------------------------------------
// Remote key sets whose URL or redirects carry credentials, served on 127.0.0.1.

fn remote_error(url: &str) -> Error {
    let clock = support::clock();
    let remote = support::remote(url, RemoteJwksOptions::default(), &clock);
    let verifier = support::remote_verifier(&remote);
    let key = support::key(Algorithm::ES256);
    verifier
        .verify(&support::token(&key, support::T0, 300))
        .unwrap_err()
}

#[test]
fn jwks_url_credentials_and_redirect_locations_never_leave_through_errors() {
    let server = JwksServer::start(br#"{"keys":[]}"#.to_vec());
    let origin = server.origin();
    let url = format!("{origin}/jwks?api_key=S3CRET-key&tenant=t1&access_token=S3CRET-token");
    let hosts = ["127.0.0.1", "/jwks", "keys.internal.example"];

    server.set_reply(Reply::Status(500));
    let err = remote_error(&url);
    assert_eq!(err.kind(), ErrorKind::JwksFetchFailed);
    // The operator still learns which endpoint failed.
    assert!(
        err.message()
            .contains(&format!("{origin}/jwks?api_key=<redacted>&tenant=t1"))
    );
    check(&err, &hosts, "HTTP 500");

    server.set_reply(Reply::Redirect(
        "https://S3CRET-user:S3CRET-pass@keys.internal.example/jwks?sig=S3CRET-sig&code=S3CRET-code"
            .into(),
    ));
    let err = remote_error(&url);
    assert_eq!(err.reason(), Some("redirect"));
    assert!(
        err.message()
            .contains("keys.internal.example/jwks?sig=<redacted>&code=<redacted>"),
        "{}",
        err.message()
    );
    check(&err, &hosts, "redirect with credentials");

    let long = format!("https://keys.internal.example/{}", "a/".repeat(8 * 1024));
    server.set_reply(Reply::Redirect(long));
    let err = remote_error(&url);
    assert!(err.message().len() < 1024, "{}", err.message().len());
    check(&err, &hosts, "redirect to a 16 KiB location");

    server.kill();
    let err = remote_error(&url);
    check(&err, &hosts, "connection refused");
}

#[test]
fn a_jwks_url_with_userinfo_is_refused_without_repeating_it() {
    let url = "http://S3CRET-user:S3CRET-pass@127.0.0.1:9/jwks";
    let err = RemoteJwks::with_parts(
        url,
        RemoteJwksOptions::default(),
        support::ureq_fetch(),
        support::clock(),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    check(&err, &["127.0.0.1"], "userinfo");
    // Not a valid URL either: the password must not show through the parse error.
    let err = RemoteJwks::with_parts(
        "http://S3CRET-user:S3CRET-pass@127.0.0.1:99999999/jwks",
        RemoteJwksOptions::default(),
        support::ureq_fetch(),
        support::clock(),
    )
    .unwrap_err();
    check(&err, &["127.0.0.1"], "userinfo, bad port");
}

#[test]
fn remote_jwks_debug_shows_no_credentials() {
    let clock = support::clock();
    let remote = support::remote(
        "http://127.0.0.1:9/jwks?api_key=S3CRET-key&X-Amz-Signature=S3CRET-sig&token=S3CRET-token",
        RemoteJwksOptions::default(),
        &clock,
    );
    let shown = format!("{remote:?}");
    for secret in SECRETS {
        assert!(!shown.contains(secret), "{shown}");
    }
    assert!(
        shown.contains("http://127.0.0.1:9/jwks?api_key=<redacted>"),
        "{shown}"
    );
}

#[test]
fn discovery_failures_show_no_credentials() {
    let server = JwksServer::start(Vec::new());
    server.set_reply(Reply::Status(404));
    let issuer = format!("{}/realm?api_key=S3CRET-key", server.origin());
    let err = discover(
        &issuer,
        support::ureq_fetch().as_ref(),
        &DiscoveryOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::JwksFetchFailed);
    check(&err, &["127.0.0.1", "realm"], "discovery 404");
}
