//! Introspection checks whom a token was issued by and for, like the JWT verifier: issuers
//! and audiences are required (or the `dangerous_accept_any_*` switches), and a response
//! without `iss` or `aud` (optional members in RFC 7662 §2.2) is refused while they are
//! configured. Run against an introspection endpoint on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use http_loopback::{Request, Response};
use mcp_bearer::clock::{Clock, ManualClock};
use mcp_bearer::net::{Fetch, UreqFetch, UreqFetchOptions};
use mcp_bearer::opaque::{IntrospectionOptions, Introspector};
use mcp_bearer::{Error, ErrorKind, VerifiedToken};
use serde_json::{Value, json};

const ISSUER: &str = "https://idp.example.com/";
const AUDIENCE: &str = "https://mcp.example.com/mcp";
const T0: u64 = 1_800_000_000;

fn fetch() -> Arc<dyn Fetch> {
    Arc::new(
        UreqFetch::with_options(&UreqFetchOptions {
            ignore_proxy_env: true,
            ..UreqFetchOptions::default()
        })
        .unwrap(),
    )
}

/// Introspects "opaque" at an endpoint answering `response`, with `options` over the
/// endpoint and a client id.
fn introspect(response: Value, options: Value) -> Result<VerifiedToken, Error> {
    let body = response.to_string();
    let server = http_loopback::start(0, move |_: &Request| Response::json(200, &body)).unwrap();
    let mut options = IntrospectionOptions::from_value(options)?;
    options.endpoint = format!("{}/introspect", server.origin());
    options.client_id = "rs-1".into();
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::at_secs(T0));
    Introspector::with_clock(options, fetch(), clock)?.verify("opaque")
}

fn active(extra: Value) -> Value {
    let mut response = json!({"active": true, "sub": "alice", "exp": T0 + 60});
    response
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    response
}

fn policy() -> Value {
    json!({"issuers": [ISSUER], "audiences": [AUDIENCE]})
}

#[test]
fn issuer_and_audience_are_required_to_build_an_introspector() {
    let response = active(json!({"iss": ISSUER, "aud": AUDIENCE}));
    let err = introspect(response.clone(), json!({"audiences": [AUDIENCE]})).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(
        err.message().contains("dangerous_accept_any_issuer"),
        "{err}"
    );
    let err = introspect(response.clone(), json!({"issuers": [ISSUER]})).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(
        err.message().contains("dangerous_accept_any_audience"),
        "{err}"
    );

    let token = introspect(response, policy()).unwrap();
    assert_eq!(token.subject(), Some("alice"));
    assert_eq!(token.audience(), Some(AUDIENCE));
}

#[test]
fn a_response_must_name_a_configured_issuer_and_audience() {
    let failed = |response: Value| {
        let err = introspect(response, policy()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::JwtClaimValidationFailed, "{err}");
        (err.claim_name().unwrap().to_owned(), err.reason().unwrap())
    };
    let cases = [
        (json!({"aud": AUDIENCE}), ("iss", "missing")),
        (
            json!({"iss": "https://other.example.com/", "aud": AUDIENCE}),
            ("iss", "check_failed"),
        ),
        (json!({"iss": ISSUER}), ("aud", "missing")),
        (
            json!({"iss": ISSUER, "aud": ["https://other.example.com"]}),
            ("aud", "check_failed"),
        ),
        (json!({"iss": ISSUER, "aud": 7}), ("aud", "missing")),
    ];
    for (members, (claim, reason)) in cases {
        let got = failed(active(members.clone()));
        assert_eq!((got.0.as_str(), got.1), (claim, reason), "{members}");
    }
    let token = introspect(
        active(json!({"iss": ISSUER, "aud": ["https://other.example.com", AUDIENCE]})),
        policy(),
    )
    .unwrap();
    assert_eq!(token.audience(), Some(AUDIENCE));
}

#[test]
fn the_dangerous_switches_accept_any_issuer_or_audience() {
    let any = json!({"dangerous_accept_any_issuer": true, "dangerous_accept_any_audience": true});
    let token = introspect(active(json!({})), any.clone()).unwrap();
    assert_eq!((token.issuer(), token.audience()), (None, None));
    let token = introspect(
        active(json!({"iss": "https://other.example.com/", "aud": "x"})),
        any,
    )
    .unwrap();
    assert_eq!(token.audiences(), ["x"]);

    // One switch leaves the other check in place.
    let err = introspect(
        active(json!({"aud": "x"})),
        json!({"dangerous_accept_any_issuer": true, "audiences": [AUDIENCE]}),
    )
    .unwrap_err();
    assert_eq!(err.claim_name(), Some("aud"));
}
