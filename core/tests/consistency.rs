//! One verdict on every path: the borrowed claims view against the full parse, the
//! verified-token cache on against off, and `verify_cached` against `verify`.
//!
//! Payloads are generated as JSON text (not as values, which would always be well formed):
//! deep nesting, numbers out of range or odd in form, escapes, lone surrogates, raw control
//! characters, duplicate names and escaped names. Each is signed with a shared secret and
//! verified on every path; the ground truth is `serde_json`'s full parse of the payload.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use mcp_bearer::clock::{Clock, ManualClock};
use mcp_bearer::test_support::{hmac_sign, sign_compact};
use mcp_bearer::{Algorithm, ErrorKind, Jwk, KeySet, KeySource, Verifier, VerifierOptions};
use proptest::prelude::*;
use serde_json::{Map, Value};

const NOW: u64 = 1_750_000_000;
const SECRET: &[u8] = b"a shared secret of thirty-two+ bytes for HS256";
const ISSUER: &str = "https://idp.example.test/";
const AUDIENCE: &str = "https://mcp.example.test/mcp";

fn token(payload: &str) -> String {
    sign_compact(br#"{"alg":"HS256","typ":"JWT"}"#, payload.as_bytes(), |m| {
        hmac_sign(Algorithm::HS256, SECRET, m)
    })
    .unwrap()
}

fn verifier(required_claims: &[&str], cache_entries: usize) -> Verifier {
    let keys = KeySet::from_keys(vec![Jwk::from_secret(SECRET).unwrap()]);
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::at_secs(NOW));
    let options = VerifierOptions {
        issuers: vec![ISSUER.into()],
        audiences: vec![AUDIENCE.into()],
        required_claims: required_claims.iter().map(|s| (*s).to_owned()).collect(),
        token_cache_entries: cache_entries,
        ..VerifierOptions::default()
    };
    Verifier::with_clock(KeySource::Static(Arc::new(keys)), options, clock).unwrap()
}

/// A verdict in comparable form: the claims and the registered values, or the error.
#[derive(Debug, PartialEq)]
enum Verdict {
    Valid {
        claims: Map<String, Value>,
        subject: Option<String>,
        scopes: Vec<String>,
        client_id: Option<String>,
        token_id: Option<String>,
        expires_at: Option<u64>,
    },
    Invalid {
        code: &'static str,
        claim: Option<String>,
        message: String,
    },
}

fn verdict(r: Result<mcp_bearer::VerifiedToken, mcp_bearer::Error>) -> Verdict {
    match r {
        Ok(t) => Verdict::Valid {
            claims: t.claims().clone(),
            subject: t.subject().map(str::to_owned),
            scopes: t.scopes().to_vec(),
            client_id: t.client_id().map(str::to_owned),
            token_id: t.token_id().map(str::to_owned),
            expires_at: t.expires_at(),
        },
        Err(e) => Verdict::Invalid {
            code: e.code(),
            claim: e.claim_name().map(str::to_owned),
            message: e.message().to_owned(),
        },
    }
}

/// Checks every path on `payload`; returns the verdict of the fast path.
fn check_all_paths(payload: &str) -> Verdict {
    let token = token(payload);
    // `required_claims` sends the verifier down the full parse; "iss" is in every payload
    // whose issuer check can pass, so it changes no verdict of its own.
    let fast = verifier(&[], 0);
    let full = verifier(&["iss"], 0);
    let cached = verifier(&[], 100);

    let v_fast = verdict(fast.verify(&token));
    let v_full = verdict(full.verify(&token));
    let v_cache_miss = verdict(cached.verify(&token));
    let v_cache_hit = verdict(cached.verify(&token));
    let v_no_io = match fast.verify_cached(&token) {
        Ok(Some(t)) => verdict(Ok(t)),
        Ok(None) => panic!("verify_cached needed I/O with a static key set"),
        Err(e) => verdict(Err(e)),
    };
    let parsed: Result<Map<String, Value>, _> = serde_json::from_str(payload);

    match (&parsed, &v_fast) {
        (
            Ok(map),
            Verdict::Valid {
                claims, token_id, ..
            },
        ) => {
            assert_eq!(claims, map, "claims() is not the payload: {payload}");
            // The token id is read with the registered claims, not from the map: it must
            // still be the map's `jti` when that is a string, and nothing otherwise.
            let jti = map.get("jti").and_then(Value::as_str);
            assert_eq!(token_id.as_deref(), jti, "token_id() is not jti: {payload}");
        }
        (Err(_), Verdict::Invalid { code, .. }) => {
            assert_eq!(*code, "ERR_JWT_INVALID", "{payload}");
        }
        (Err(e), Verdict::Valid { .. }) => {
            panic!("accepted a payload the full parse refuses ({e}): {payload}")
        }
        (Ok(_), Verdict::Invalid { .. }) => {}
    }
    // The full path may differ only where it looks for "iss" and the payload has none.
    let no_iss = parsed.as_ref().is_ok_and(|m| !m.contains_key("iss"));
    if !no_iss {
        assert_eq!(v_full, v_fast, "full parse vs fast path: {payload}");
    }
    assert_eq!(v_cache_miss, v_fast, "cache on vs off: {payload}");
    assert_eq!(v_cache_hit, v_fast, "cache hit vs off: {payload}");
    assert_eq!(v_no_io, v_fast, "verify_cached vs verify: {payload}");
    v_fast
}

/// The standard claims of a valid token, as JSON members (no braces).
fn standard_members() -> String {
    format!(
        r#""iss":"{ISSUER}","aud":"{AUDIENCE}","sub":"user-1","exp":{},"iat":{NOW},"scope":"mcp:read""#,
        NOW + 3600
    )
}

fn with_member(member: &str) -> String {
    format!("{{{},{member}}}", standard_members())
}

fn code(v: &Verdict) -> Option<&'static str> {
    match v {
        Verdict::Valid { .. } => None,
        Verdict::Invalid { code, .. } => Some(code),
    }
}

#[test]
fn payloads_the_full_parse_refuses_are_invalid_on_every_path() {
    let nested = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    for member in [
        r#""x":"\ud800""#.to_owned(),
        r#""x":"\udc00\ud800""#.to_owned(),
        r#""x":1e400"#.to_owned(),
        r#""x":-1e400"#.to_owned(),
        format!(r#""x":{nested}"#),
        r#""x":{"\ud800":1}"#.to_owned(),
        "\"x\":\"tab\tinside\"".to_owned(),
        r#""x":"\q""#.to_owned(),
        r#""x":01"#.to_owned(),
        r#""x":1."#.to_owned(),
    ] {
        let payload = with_member(&member);
        let v = check_all_paths(&payload);
        assert_eq!(code(&v), Some("ERR_JWT_INVALID"), "{payload}: {v:?}");
    }
}

#[test]
fn odd_but_valid_json_keeps_every_claim() {
    let nested = format!("{}1{}", "[".repeat(100), "]".repeat(100));
    for member in [
        r#""x":"\ud83d\ude00""#.to_owned(),
        r#""x":1e308"#.to_owned(),
        r#""x":1e-400"#.to_owned(),
        r#""x":-0"#.to_owned(),
        r#""x":18446744073709551616"#.to_owned(),
        r#""x":-9223372036854775809"#.to_owned(),
        r#""x":"\u0000\/\b""#.to_owned(),
        format!(r#""x":{nested}"#),
        r#""x":1,"x":2"#.to_owned(),
        r#""ro\u006ces":["admin"]"#.to_owned(),
        r#""cnf":{"jkt":"abc"},"act":{"sub":"agent"}"#.to_owned(),
    ] {
        let payload = with_member(&member);
        let v = check_all_paths(&payload);
        assert!(matches!(v, Verdict::Valid { .. }), "{payload}: {v:?}");
    }
    // The map keeps the last of duplicate names (RFC 7519 §4), on every path.
    let Verdict::Valid { claims, .. } = check_all_paths(&with_member(r#""x":1,"x":2"#)) else {
        panic!("valid");
    };
    assert_eq!(claims["x"], 2);
}

#[test]
fn registered_claims_escaped_or_duplicated_are_read_as_the_map_reads_them() {
    // An escaped name is the same name.
    let v = check_all_paths(&format!(
        r#"{{"i\u0073s":"{ISSUER}","aud":"{AUDIENCE}","exp":{}}}"#,
        NOW + 60
    ));
    assert!(matches!(v, Verdict::Valid { .. }), "{v:?}");
    // The last "iss" wins, as in the map, on every path.
    let v = check_all_paths(&format!(
        r#"{{"iss":"https://evil.example/","iss":"{ISSUER}","aud":"{AUDIENCE}","exp":{}}}"#,
        NOW + 60
    ));
    assert!(matches!(v, Verdict::Valid { .. }), "{v:?}");
    let v = check_all_paths(&format!(
        r#"{{"iss":"{ISSUER}","iss":"https://evil.example/","aud":"{AUDIENCE}","exp":{}}}"#,
        NOW + 60
    ));
    assert_eq!(code(&v), Some("ERR_JWT_CLAIM_VALIDATION_FAILED"), "{v:?}");
}

#[test]
fn the_token_id_is_jti_when_a_string_on_every_path() {
    for (member, id) in [
        (r#""jti":"id-1""#, Some("id-1")),
        (r#""jti":"""#, Some("")),
        (r#""jti":"id""#, Some("id")),
        (r#""jti":"escaped-name""#, Some("escaped-name")),
        (r#""jti":"a","jti":"b""#, Some("b")),
        (r#""jti":7"#, None),
        (r#""jti":null"#, None),
        (r#""jti":["a"]"#, None),
        (r#""x":1"#, None),
    ] {
        let payload = with_member(member);
        let Verdict::Valid { token_id, .. } = check_all_paths(&payload) else {
            panic!("valid: {payload}");
        };
        assert_eq!(token_id.as_deref(), id, "{payload}");
    }
}

#[test]
fn a_missing_required_claim_names_itself() {
    let token = token(&with_member(r#""roles":["a"]"#));
    let err = verifier(&["tenant_id"], 0).verify(&token).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::JwtClaimValidationFailed);
    assert_eq!(err.claim_name(), Some("tenant_id"));
    assert_eq!(err.reason(), Some("missing"));
}

// ---------------------------------------------------------------------------------------
// Generated payloads.

/// A JSON-ish value as text: mostly valid, sometimes not, always at the edges.
fn json_text() -> impl Strategy<Value = String> {
    let number = prop_oneof![
        Just("0".to_owned()),
        Just("-0".to_owned()),
        Just("-0.0e-0".to_owned()),
        Just("1e400".to_owned()),
        Just("-1e400".to_owned()),
        Just("1e-400".to_owned()),
        Just("1.7976931348623157e308".to_owned()),
        Just("18446744073709551615".to_owned()),
        Just("18446744073709551616".to_owned()),
        Just("-9223372036854775808".to_owned()),
        Just("123456789012345678901234567890".to_owned()),
        Just("01".to_owned()),
        Just("1.".to_owned()),
        Just(".5".to_owned()),
        Just("1E+2".to_owned()),
        (any::<i64>()).prop_map(|n| n.to_string()),
        (any::<f64>()).prop_map(|f| format!("{f:e}")),
        ("[0-9]{1,30}", "[eE][+-]?[0-9]{1,4}").prop_map(|(m, e)| format!("{m}{e}")),
    ];
    let escape = prop_oneof![
        Just(r"\ud800".to_owned()),
        Just(r"\udfff".to_owned()),
        Just(r"\ud83d\ude00".to_owned()),
        Just(r"\ud83d\u0041".to_owned()),
        Just(r"\u0000".to_owned()),
        Just(r"\u001b[2J".to_owned()),
        Just(r"\/".to_owned()),
        Just(r#"\""#.to_owned()),
        Just(r"\\".to_owned()),
        Just(r"\x".to_owned()),
        Just(r"\u12".to_owned()),
        Just("\t".to_owned()),
        Just("\u{1b}".to_owned()),
        Just("é".to_owned()),
        "[a-z ]{0,8}",
    ];
    let string =
        prop::collection::vec(escape, 0..4).prop_map(|parts| format!("\"{}\"", parts.concat()));
    let leaf = prop_oneof![
        number,
        string,
        Just("true".to_owned()),
        Just("null".to_owned()),
        Just("nul".to_owned()),
    ];
    let nested = (1usize..300, prop::bool::ANY, leaf.clone()).prop_map(|(depth, arrays, inner)| {
        if arrays {
            format!("{}{inner}{}", "[".repeat(depth), "]".repeat(depth))
        } else {
            format!("{}{inner}{}", r#"{"a":"#.repeat(depth), "}".repeat(depth))
        }
    });
    let base = prop_oneof![4 => leaf, 1 => nested];
    base.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec(("[a-z]{1,3}", inner), 0..4).prop_map(|members| {
                let members: Vec<String> = members
                    .into_iter()
                    .map(|(k, v)| format!("\"{k}\":{v}"))
                    .collect();
                format!("{{{}}}", members.join(","))
            }),
        ]
    })
}

/// A claim name: registered or not, sometimes escaped.
fn claim_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("x".to_owned()),
        Just("roles".to_owned()),
        Just("iss".to_owned()),
        Just("aud".to_owned()),
        Just("exp".to_owned()),
        Just("nbf".to_owned()),
        Just("scope".to_owned()),
        Just("scp".to_owned()),
        Just("client_id".to_owned()),
        Just("azp".to_owned()),
        Just("sub".to_owned()),
        Just(r"\u0073ub".to_owned()),
        Just("jti".to_owned()),
        Just(r"\u006ati".to_owned()),
        Just(r"\ud800".to_owned()),
        "[a-z_]{1,6}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Extra members (possibly duplicating registered ones) after the standard claims.
    #[test]
    fn every_path_agrees_on_generated_payloads(
        extra in prop::collection::vec((claim_name(), json_text()), 0..4),
        before in prop::bool::ANY,
    ) {
        let extra: Vec<String> = extra.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
        let payload = if extra.is_empty() {
            format!("{{{}}}", standard_members())
        } else if before {
            format!("{{{},{}}}", extra.join(","), standard_members())
        } else {
            format!("{{{},{}}}", standard_members(), extra.join(","))
        };
        check_all_paths(&payload);
    }

    /// Whole payloads that are any generated text: objects, arrays, scalars, garbage.
    #[test]
    fn every_path_agrees_on_generated_documents(doc in json_text()) {
        check_all_paths(&doc);
    }
}
