//! Tokens, key sets and servers choose text the command prints: claim values and names,
//! `kid`, `typ`, error messages. None of it may reach the terminal raw: an `ESC[2J` clears
//! the screen, an OSC sequence retitles the window, a bidi override reorders the line. Every
//! human output is checked here for raw control characters on stdout and stderr.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Issuer, Run, TempFile, base64url, http, run};
use serde_json::{Value, json};

/// Clears the screen, sets the window title, rings the bell, a C1 CSI, DEL, a right-to-left
/// override and an isolate: each one a character that must arrive escaped.
const HOSTILE: &str = "\u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}31m\u{7f}\u{202e}txt.exe\u{2066}x";

fn is_unsafe(c: char) -> bool {
    matches!(c, '\0'..='\x1f' | '\x7f'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Nothing but line breaks among the control characters of stdout and stderr.
fn assert_no_raw_controls(out: &Run) {
    for (stream, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        if let Some(c) = text.chars().find(|c| *c != '\n' && is_unsafe(*c)) {
            panic!("raw {c:?} on {stream}: {out:#?}");
        }
    }
}

/// An unsigned-looking token with this header and payload (`token inspect` does not verify).
fn token_of(header: &Value, payload: &Value) -> String {
    format!(
        "{}.{}.{}",
        base64url(header.to_string().as_bytes()),
        base64url(payload.to_string().as_bytes()),
        base64url(b"signature")
    )
}

#[test]
fn inspect_escapes_the_header_and_the_claims() {
    let token = token_of(
        &json!({"alg": "RS256", "kid": HOSTILE, "typ": HOSTILE}),
        &json!({"sub": HOSTILE, HOSTILE: "a claim name too", "roles": [HOSTILE],
                "exp": 4_000_000_000u64}),
    );
    let out = run(&["token", "inspect", &token]);
    out.expect_code(0);
    assert_no_raw_controls(&out);
    assert!(
        out.stdout
            .contains(r"\u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}31m\u{7f}\u{202e}txt.exe\u{2066}x"),
        "{}",
        out.stdout
    );
    // The JSON form keeps the exact values (JSON escapes what it must).
    let json = run(&["token", "inspect", "--json", &token]);
    json.expect_code(0);
    assert_eq!(json.json()["header"]["kid"], HOSTILE);
    assert_eq!(json.json()["claims"]["sub"], HOSTILE);
}

/// A key file and its public JWKS whose key id is `kid`.
fn key_files(kid: &str) -> (TempFile, TempFile) {
    let generated = run(&["keys", "generate", "--alg", "ES256"]);
    generated.expect_code(0);
    let mut doc = generated.json();
    doc["private"]["keys"][0]["kid"] = json!(kid);
    doc["public"]["keys"][0]["kid"] = json!(kid);
    let private = TempFile::new("hostile-private.json");
    std::fs::write(&private.0, doc["private"].to_string()).unwrap();
    let public = TempFile::new("hostile-public.json");
    std::fs::write(&public.0, doc["public"].to_string()).unwrap();
    (private, public)
}

const ISS: &str = "https://idp.example.com/";
const AUD: &str = "https://mcp.example.com/mcp";

fn mint(key: &TempFile, extra: &[&str]) -> String {
    let mut args = vec![
        "token",
        "mint",
        "--key",
        key.path(),
        "--iss",
        ISS,
        "--aud",
        AUD,
        "--sub",
        HOSTILE,
    ];
    args.extend_from_slice(extra);
    let out = run(&args);
    out.expect_code(0);
    out.stdout.trim().to_owned()
}

fn verify(token: &str, jwks: &TempFile, extra: &[&str]) -> Run {
    let mut args = vec![
        "verify",
        token,
        "--jwks-file",
        jwks.path(),
        "--issuer",
        ISS,
        "--audience",
        AUD,
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn verify_escapes_a_valid_tokens_kid_and_claims() {
    let (private, public) = key_files(HOSTILE);
    let client = format!("client_id={HOSTILE}");
    let token = mint(&private, &["--scope", HOSTILE, "--claim", &client]);

    let out = verify(&token, &public, &[]);
    out.expect_code(0);
    assert_no_raw_controls(&out);
    assert!(out.stdout.contains("valid token"), "{}", out.stdout);
    assert!(out.stdout.contains(r", kid \u{1b}[2J"), "{}", out.stdout);
    assert!(out.stdout.contains(r"\u{202e}txt.exe"), "{}", out.stdout);

    // The signature layer alone prints the payload as JSON for people.
    let jws = run(&["verify", &token, "--jwks-file", public.path(), "--jws"]);
    jws.expect_code(0);
    assert_no_raw_controls(&jws);
    assert!(jws.stdout.contains("signature valid"), "{}", jws.stdout);
}

#[test]
fn verify_escapes_what_a_failure_quotes() {
    let (private, public) = key_files(HOSTILE);
    // A typ the policy refuses: the message quotes it.
    let token = mint(&private, &["--typ", HOSTILE]);
    let out = verify(&token, &public, &[]);
    assert_ne!(out.code, 0);
    assert_no_raw_controls(&out);
    assert!(
        out.stdout.contains("ERR_JWT_TYPE_INVALID"),
        "{}",
        out.stdout
    );

    // A kid the key set does not have: the message quotes the token's and the set's kids.
    let (_, other_public) = key_files(&format!("other{HOSTILE}"));
    let token = mint(&private, &[]);
    let out = verify(&token, &other_public, &[]);
    out.expect_code(5);
    assert_no_raw_controls(&out);
    assert!(
        out.stdout.contains("ERR_JWKS_NO_MATCHING_KEY"),
        "{}",
        out.stdout
    );

    // A wrong audience: the line adds both sides of the check.
    let token = mint(&private, &[]);
    let out = run(&[
        "verify",
        &token,
        "--jwks-file",
        public.path(),
        "--issuer",
        ISS,
        "--audience",
        HOSTILE,
    ]);
    out.expect_code(4);
    assert_no_raw_controls(&out);
}

#[test]
fn error_messages_on_stderr_are_escaped() {
    let missing = format!("/nonexistent/{HOSTILE}.json");
    let token = token_of(&json!({"alg": "ES256"}), &json!({"sub": "alice"}));
    let out = run(&["verify", &token, "--jwks-file", &missing, "--issuer", ISS]);
    assert_ne!(out.code, 0);
    assert_no_raw_controls(&out);
    assert!(out.stderr.contains(r"\u{1b}[2J"), "{}", out.stderr);
}

#[test]
fn doctor_escapes_and_explains_a_hostile_key_set() {
    let issuer = Issuer::start(&[]);
    let real = http("GET", &issuer.get("jwks_uri"), None, &[]).json();
    let mut even = real["keys"][0].clone();
    even["kid"] = json!(format!("{HOSTILE}{}", "k".repeat(100)));
    even["e"] = json!("AQAC"); // 65538
    even["alg"] = json!("RS256");
    let unknown = json!({"kty": HOSTILE, "kid": "odd-type"});
    let set = json!({"keys": [real["keys"][0], even, unknown]});
    http(
        "POST",
        &format!("{}/jwks", issuer.url()),
        Some(&set.to_string()),
        &[],
    );
    let out = run(&["doctor", "--issuer", &issuer.url()]);
    out.expect_code(0);
    assert_no_raw_controls(&out);
    let line = out
        .stdout
        .lines()
        .find(|l| l.contains("key strength"))
        .unwrap();
    assert!(line.starts_with("warn"), "{line}");
    assert!(line.contains("RSA exponent is even"), "{line}");
    // The kid is quoted, escaped and cut at 64 characters.
    assert!(line.contains(r#"kid "\u{1b}[2J"#), "{line}");
    assert!(line.contains("kkk…\""), "{line}");
    assert!(!line.contains(&"k".repeat(100)), "{line}");
    assert!(line.contains("odd-type"), "{line}");

    let json = run(&["doctor", "--issuer", &issuer.url(), "--json"]);
    json.expect_code(0);
    let report = json.json();
    let detail = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "key strength")
        .unwrap()["detail"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(detail.contains("RSA exponent is even"), "{detail}");
}

/// A payload the JSON parser refuses (nesting deeper than 128 levels, a lone surrogate, a
/// number out of range) in a correctly signed token: `verify` refuses it as not a JWT claims
/// set, and `token inspect` says the same; neither prints "valid" with claims missing.
#[test]
fn verify_and_inspect_agree_on_payloads_the_parser_refuses() {
    use mcp_bearer::SigningKey;
    use mcp_bearer::test_support::sign_compact;
    let signer = SigningKey::generate(mcp_bearer::Algorithm::ES256).unwrap();
    let public = TempFile::new("refused-payload-public.json");
    std::fs::write(
        &public.0,
        json!({ "keys": [signer.public_jwk()] }).to_string(),
    )
    .unwrap();
    let header = json!({"alg": "ES256", "kid": signer.kid(), "typ": "JWT"}).to_string();
    let standard = format!(r#""iss":"{ISS}","aud":"{AUD}","sub":"s","exp":4000000000"#);
    for extra in [
        format!(r#""x":{}1{}"#, "[".repeat(200), "]".repeat(200)),
        r#""x":"\ud800""#.to_owned(),
        r#""x":1e400"#.to_owned(),
    ] {
        let payload = format!("{{{standard},{extra}}}");
        let token =
            sign_compact(header.as_bytes(), payload.as_bytes(), |m| signer.sign(m)).unwrap();
        let out = verify(&token, &public, &[]);
        assert_ne!(out.code, 0, "{extra}: {out:#?}");
        assert!(
            out.stdout.contains("ERR_JWT_INVALID") || out.stderr.contains("ERR_JWT_INVALID"),
            "{extra}: {out:#?}"
        );
        assert!(
            !out.stdout.contains("valid\n") || out.stdout.contains("invalid"),
            "{out:#?}"
        );
        let json = run(&[
            "verify",
            &token,
            "--jwks-file",
            public.path(),
            "--issuer",
            ISS,
            "--audience",
            AUD,
            "--json",
        ]);
        assert_eq!(json.json()["code"], "ERR_JWT_INVALID", "{extra}: {json:#?}");
        let inspect = run(&["token", "inspect", &token]);
        assert_ne!(
            inspect.code, 0,
            "{extra}: inspect accepted what verify refuses: {inspect:#?}"
        );
        assert_no_raw_controls(&out);
        assert_no_raw_controls(&inspect);
    }
}
