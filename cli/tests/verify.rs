//! `mcp-bearer verify` against a real `serve-issuer` on loopback: every failure explanation,
//! its exit code, and `--json`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Issuer, Run, TempFile, closed_port, http, run, run_with_stdin, tamper};

fn verify(issuer: &Issuer, token: &str, extra: &[&str]) -> Run {
    let url = issuer.url();
    let resource = issuer.resource();
    let mut args = vec!["verify", token, "--issuer", &url, "--audience", &resource];
    args.extend_from_slice(extra);
    run(&args)
}

/// The failure is reported on exactly one line of stdout.
fn one_line(out: &Run) -> &str {
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one line expected: {out:#?}");
    lines[0]
}

#[test]
fn a_good_token_is_valid_with_discovery() {
    let issuer = Issuer::start(&[]);
    let token = issuer.mint(r#"{"sub":"alice","scope":"read write","client_id":"c1"}"#);
    let out = verify(&issuer, &token, &["--scope", "read"]);
    out.expect_code(0);
    assert!(out.stdout.contains("valid token"), "{}", out.stdout);
    assert!(out.stdout.contains("alice"));
    assert!(out.stdout.contains("expires in"));

    let json = verify(&issuer, &token, &["--json"]);
    json.expect_code(0);
    let doc = json.json();
    assert_eq!(doc["valid"], true);
    assert_eq!(doc["subject"], "alice");
    assert_eq!(doc["audience"], issuer.resource().as_str());
    assert_eq!(doc["audience_checked"], true);
    assert_eq!(doc["client_id"], "c1");
    assert_eq!(doc["scopes"], serde_json::json!(["read", "write"]));
}

#[test]
fn without_audience_the_output_says_it_was_not_checked() {
    let issuer = Issuer::start(&[]);
    let token = issuer.mint(r#"{"aud":"https://elsewhere.example.com"}"#);
    let out = run(&["verify", &token, "--issuer", &issuer.url()]);
    out.expect_code(0);
    assert!(out.stdout.contains("not checked"), "{}", out.stdout);
    let json = run(&["verify", &token, "--issuer", &issuer.url(), "--json"]);
    assert_eq!(json.json()["audience_checked"], false);
}

#[test]
fn wrong_audience_names_both_sides_exit_4() {
    let issuer = Issuer::start(&[]);
    let token = issuer.mint(r#"{"aud":"https://other.example.com/mcp"}"#);
    let out = verify(&issuer, &token, &[]);
    out.expect_code(4);
    let line = one_line(&out);
    assert!(line.contains("audience"), "{line}");
    assert!(line.contains("https://other.example.com/mcp"), "{line}");
    assert!(line.contains(&issuer.resource()), "{line}");
    assert!(line.contains("ERR_JWT_CLAIM_VALIDATION_FAILED"), "{line}");

    let json = verify(&issuer, &token, &["--json"]);
    json.expect_code(4);
    let doc = json.json();
    assert_eq!(doc["valid"], false);
    assert_eq!(doc["code"], "ERR_JWT_CLAIM_VALIDATION_FAILED");
    assert_eq!(doc["claim"], "aud");
    assert_eq!(doc["check"], "audience");
    assert_eq!(doc["expected"], issuer.resource().as_str());
    assert_eq!(doc["actual"], "https://other.example.com/mcp");
    assert_eq!(doc["exit_code"], 4);
    assert!(doc["message"].as_str().unwrap().contains("aud"));
}

#[test]
fn an_audience_differing_by_a_trailing_slash_is_called_out() {
    let issuer = Issuer::start(&[]);
    let token = issuer.mint("{}");
    let with_slash = format!("{}/", issuer.resource());
    let out = run(&[
        "verify",
        &token,
        "--issuer",
        &issuer.url(),
        "--audience",
        &with_slash,
    ]);
    out.expect_code(4);
    assert!(
        one_line(&out).contains("differ only by a trailing slash"),
        "{}",
        out.stdout
    );
}

#[test]
fn wrong_issuer_names_both_sides_exit_4() {
    let issuer = Issuer::start(&[]);
    let foreign = issuer.mint(r#"{"iss":"https://evil.example.com"}"#);
    let out = verify(&issuer, &foreign, &[]);
    out.expect_code(4);
    let line = one_line(&out);
    assert!(line.contains("issuer"), "{line}");
    assert!(line.contains("https://evil.example.com"), "{line}");
    assert!(line.contains(&issuer.url()), "{line}");

    let slash = issuer.mint(&format!(r#"{{"iss":"{}/"}}"#, issuer.url()));
    let out = verify(&issuer, &slash, &["--json"]);
    out.expect_code(4);
    let doc = out.json();
    assert_eq!(doc["claim"], "iss");
    assert!(
        doc["message"]
            .as_str()
            .unwrap()
            .contains("differ only by a trailing slash"),
        "{doc}"
    );
}

#[test]
fn an_issuer_url_that_discovery_contradicts_is_a_configuration_error() {
    let issuer = Issuer::start(&[]);
    let token = issuer.mint("{}");
    let out = run(&["verify", &token, "--issuer", &format!("{}/", issuer.url())]);
    out.expect_code(2);
    assert!(one_line(&out).contains("trailing slash"), "{}", out.stdout);
}

#[test]
fn expired_and_not_yet_valid_tokens_exit_3_with_the_skew() {
    let issuer = Issuer::start(&[]);
    let expired = issuer.mint(r#"{"ttl":-600}"#);
    let out = verify(&issuer, &expired, &[]);
    out.expect_code(3);
    let line = one_line(&out);
    assert!(line.contains("expiry"), "{line}");
    assert!(line.contains("expired"), "{line}");
    assert!(line.contains("ERR_JWT_EXPIRED"), "{line}");
    assert!(line.contains(" s ago"), "the skew in seconds: {line}");

    let future = issuer.mint(r#"{"nbf":4102444800}"#);
    let out = verify(&issuer, &future, &[]);
    out.expect_code(3);
    let line = one_line(&out);
    assert!(line.contains("not valid yet"), "{line}");
    assert!(line.contains("s in the future"), "{line}");

    // A generous leeway accepts a token that expired a little while ago.
    let recent = issuer.mint(r#"{"ttl":-100}"#);
    verify(&issuer, &recent, &["--leeway", "600"]).expect_code(0);
    verify(&issuer, &recent, &[]).expect_code(3);
}

#[test]
fn a_missing_exp_is_a_claim_failure_exit_4() {
    let issuer = Issuer::start(&[]);
    let token = issuer.mint(r#"{"exp":null}"#);
    let out = verify(&issuer, &token, &["--json"]);
    out.expect_code(4);
    assert_eq!(out.json()["claim"], "exp");
    assert_eq!(out.json()["reason"], "missing");
}

#[test]
fn an_unknown_kid_lists_the_offered_kids_exit_5() {
    let issuer = Issuer::start(&[]);
    let token = issuer.mint(r#"{"kid":"not-a-real-kid"}"#);
    let out = verify(&issuer, &token, &[]);
    out.expect_code(5);
    let line = one_line(&out);
    assert!(line.contains("key id"), "{line}");
    assert!(line.contains("not-a-real-kid"), "{line}");
    assert!(line.contains(&issuer.get("kid")), "offered kids: {line}");
    assert!(line.contains("ERR_JWKS_NO_MATCHING_KEY"), "{line}");
    let json = verify(&issuer, &token, &["--json"]);
    assert_eq!(json.json()["actual"], "not-a-real-kid");
    assert_eq!(json.json()["expected"], issuer.get("kid").as_str());
}

#[test]
fn a_bad_signature_exits_5() {
    let issuer = Issuer::start(&[]);
    let forged = issuer.mint(r#"{"unpublished_key":true}"#);
    let out = verify(&issuer, &forged, &[]);
    out.expect_code(5);
    assert!(
        one_line(&out).contains("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
        "{}",
        out.stdout
    );
    let token = issuer.mint(r#"{"sub":"carol"}"#);
    let tampered = tamper(&token, r#"{"sub":"admin"}"#);
    let out = verify(&issuer, &tampered, &[]);
    out.expect_code(5);
    assert!(one_line(&out).contains("signature"), "{}", out.stdout);
}

#[test]
fn a_key_of_another_algorithm_is_a_key_failure() {
    let issuer = Issuer::start(&[]);
    let token = issuer.mint(r#"{"alg":"ES256"}"#);
    verify(&issuer, &token, &[]).expect_code(5);
}

#[test]
fn a_missing_scope_exits_6() {
    let issuer = Issuer::start(&[]);
    let token = issuer.mint(r#"{"scope":"read"}"#);
    let out = verify(&issuer, &token, &["--scope", "admin"]);
    out.expect_code(6);
    let line = one_line(&out);
    assert!(line.contains("scope"), "{line}");
    assert!(line.contains("admin"), "{line}");
    assert!(line.contains("ERR_INSUFFICIENT_SCOPE"), "{line}");
    let json = verify(&issuer, &token, &["--scope", "admin", "--json"]);
    assert_eq!(json.json()["http_status"], 403);
}

#[test]
fn a_wrong_typ_is_a_claim_failure() {
    let issuer = Issuer::start(&[]);
    let token = issuer.mint(r#"{"typ":"dpop+jwt"}"#);
    let out = verify(&issuer, &token, &[]);
    out.expect_code(4);
    assert!(
        one_line(&out).contains("ERR_JWT_TYPE_INVALID"),
        "{}",
        out.stdout
    );
}

#[test]
fn garbage_is_malformed_before_any_network_call() {
    // The issuer does not exist: the verdict must not wait for it.
    let dead = format!("http://127.0.0.1:{}", closed_port());
    for garbage in [
        "gho_16C7e42F292c6912E7710c838347Ae178B4a",
        "a.b",
        "%%%.%%%.%%%",
    ] {
        let out = run(&["verify", garbage, "--issuer", &dead]);
        out.expect_code(7);
        assert!(
            one_line(&out).contains("ERR_TOKEN_OPAQUE"),
            "{}",
            out.stdout
        );
    }
    let bad_header = run(&["verify", "e30.e30.sig", "--issuer", &dead, "--json"]);
    bad_header.expect_code(7);
    assert_eq!(bad_header.json()["code"], "ERR_JWS_INVALID");
}

#[test]
fn an_unreachable_issuer_is_a_network_failure_exit_8() {
    let issuer = Issuer::start(&[]);
    let token = issuer.mint("{}");
    let dead = format!("http://127.0.0.1:{}", closed_port());
    let out = run(&["verify", &token, "--issuer", &dead]);
    out.expect_code(8);
    let line = one_line(&out);
    assert!(line.contains("discovery"), "{line}");
    assert!(line.contains("ERR_JWKS_FETCH_FAILED"), "{line}");
    let json = run(&["verify", &token, "--issuer", &dead, "--json"]);
    json.expect_code(8);
    assert_eq!(json.json()["code"], "ERR_JWKS_FETCH_FAILED");
    let dead_jwks = format!("{dead}/jwks.json");
    let out = run(&[
        "verify",
        &token,
        "--issuer",
        &issuer.url(),
        "--jwks-url",
        &dead_jwks,
    ]);
    out.expect_code(8);
}

#[test]
fn a_broken_jwks_document_is_a_network_class_failure() {
    let issuer = Issuer::start(&[]);
    let token = issuer.mint("{}");
    let admin = format!("{}/jwks", issuer.url());
    assert_eq!(
        http("POST", &admin, Some("this is not json"), &[]).status,
        200
    );
    let out = verify(&issuer, &token, &["--json"]);
    out.expect_code(8);
    assert_eq!(out.json()["code"], "ERR_JWKS_INVALID");
    assert_eq!(
        http("POST", &format!("{admin}?status=503"), Some("{}"), &[]).status,
        200
    );
    let out = verify(&issuer, &token, &[]);
    out.expect_code(8);
    assert!(one_line(&out).contains("503"), "{}", out.stdout);
    assert_eq!(http("DELETE", &admin, None, &[]).status, 200);
    verify(&issuer, &token, &[]).expect_code(0);
}

#[test]
fn keys_from_a_jwks_url_or_a_file() {
    let issuer = Issuer::start(&["--alg", "ES256"]);
    let token = issuer.mint(r#"{"sub":"erin"}"#);
    let jwks_uri = issuer.get("jwks_uri");
    verify(&issuer, &token, &["--jwks-url", &jwks_uri]).expect_code(0);
    let file = TempFile::new("jwks.json");
    std::fs::write(&file.0, http("GET", &jwks_uri, None, &[]).body).unwrap();
    verify(&issuer, &token, &["--jwks-file", file.path()]).expect_code(0);
    let missing = verify(&issuer, &token, &["--jwks-file", "/nonexistent/jwks.json"]);
    missing.expect_code(2);
    assert!(missing.stderr.contains("cannot read the JWKS file"));
    let not_jwks = TempFile::new("not-jwks.json");
    std::fs::write(&not_jwks.0, r#"{"hello":"world"}"#).unwrap();
    let out = verify(&issuer, &token, &["--jwks-file", not_jwks.path()]);
    out.expect_code(8);
    assert!(one_line(&out).contains("ERR_JWKS_INVALID"));
}

#[test]
fn jws_mode_checks_the_signature_only_and_prints_the_payload() {
    let issuer = Issuer::start(&["--alg", "EdDSA"]);
    let token = issuer.mint(r#"{"sub":"frank","aud":"https://anything.example.com","ttl":-3600}"#);
    let out = run(&["verify", &token, "--issuer", &issuer.url(), "--jws"]);
    out.expect_code(0);
    assert!(out.stdout.contains("signature valid"), "{}", out.stdout);
    assert!(out.stdout.contains("\"sub\": \"frank\""), "{}", out.stdout);
    let json = run(&[
        "verify",
        &token,
        "--issuer",
        &issuer.url(),
        "--jws",
        "--json",
    ]);
    json.expect_code(0);
    assert_eq!(json.json()["payload"]["sub"], "frank");
    assert_eq!(json.json()["layer"], "jws");
    let tampered = tamper(&token, r#"{"sub":"mallory"}"#);
    run(&["verify", &tampered, "--issuer", &issuer.url(), "--jws"]).expect_code(5);
}

#[test]
fn the_token_can_come_from_stdin() {
    let issuer = Issuer::start(&[]);
    let token = issuer.mint("{}");
    let url = issuer.url();
    let resource = issuer.resource();
    let out = run_with_stdin(
        &["verify", "-", "--issuer", &url, "--audience", &resource],
        Some(&format!("Bearer {token}\n")),
    );
    out.expect_code(0);
}

#[test]
fn verify_without_a_key_source_is_a_usage_error() {
    let out = run(&["verify", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"]);
    out.expect_code(2);
    assert!(out.stderr.contains("--issuer"), "{}", out.stderr);
}
