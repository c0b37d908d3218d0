//! `mcp-bearer doctor` against the development issuer and its sample resource (healthy and
//! broken), and `mcp-bearer demo`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Issuer, closed_port, http, run};
use serde_json::Value;

/// The status of `check` in a `doctor --json` report.
fn status_of(report: &Value, check: &str) -> String {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == check)
        .unwrap_or_else(|| panic!("no check {check:?} in {report}"))["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn detail_of(report: &Value, check: &str) -> String {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == check)
        .unwrap()["detail"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn doctor_passes_a_healthy_issuer_and_resource() {
    let issuer = Issuer::start(&[]);
    let out = run(&[
        "doctor",
        "--issuer",
        &issuer.url(),
        "--resource",
        &issuer.resource(),
    ]);
    out.expect_code(0);
    for line in [
        "pass  discovery",
        "pass  jwks_uri",
        "pass  signing algorithms",
        "pass  key strength",
        "warn  PKCE",
        "warn  DCR",
        "pass  resource metadata",
        "pass  resource identifier",
        "pass  authorization servers",
        "pass  401 challenge",
    ] {
        assert!(out.stdout.contains(line), "{line:?} in\n{}", out.stdout);
    }
    assert!(out.stdout.contains("RSA 2048 bits"), "{}", out.stdout);

    let json = run(&["doctor", "--issuer", &issuer.url(), "--json"]);
    json.expect_code(0);
    let report = json.json();
    assert_eq!(report["ok"], true);
    assert_eq!(status_of(&report, "discovery"), "pass");
    assert_eq!(status_of(&report, "PKCE"), "warn");
}

#[test]
fn doctor_fails_an_unreachable_issuer_and_skips_what_depends_on_it() {
    let dead = format!("http://127.0.0.1:{}", closed_port());
    let out = run(&["doctor", "--issuer", &dead, "--json"]);
    out.expect_code(1);
    let report = out.json();
    assert_eq!(report["ok"], false);
    assert_eq!(status_of(&report, "discovery"), "fail");
    assert!(detail_of(&report, "discovery").contains("ERR_JWKS_FETCH_FAILED"));
    assert_eq!(status_of(&report, "jwks_uri"), "skip");
    let human = run(&["doctor", "--issuer", &dead]);
    human.expect_code(1);
    assert!(human.stdout.contains("FAIL  discovery"), "{}", human.stdout);
}

#[test]
fn doctor_fails_a_broken_jwks() {
    let issuer = Issuer::start(&[]);
    let admin = format!("{}/jwks", issuer.url());
    http("POST", &admin, Some("<html>maintenance</html>"), &[]);
    let report = run(&["doctor", "--issuer", &issuer.url(), "--json"]);
    report.expect_code(1);
    let report = report.json();
    assert_eq!(status_of(&report, "jwks_uri"), "fail");
    assert!(detail_of(&report, "jwks_uri").contains("ERR_JWKS_INVALID"));
    assert_eq!(status_of(&report, "key strength"), "skip");
    http("POST", &format!("{admin}?status=404"), Some("{}"), &[]);
    let report = run(&["doctor", "--issuer", &issuer.url(), "--json"]).json();
    assert!(detail_of(&report, "jwks_uri").contains("HTTP 404"));
}

#[test]
fn doctor_lists_weak_and_skipped_keys() {
    let issuer = Issuer::start(&[]);
    let real = http("GET", &issuer.get("jwks_uri"), None, &[]).json();
    // A 1024-bit RSA modulus: the core skips it, and the doctor must say so.
    let weak = serde_json::json!({
        "kty": "RSA", "kid": "weak-1024", "alg": "RS256", "e": "AQAB",
        "n": "wwECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0-P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn8"
    });
    let encryption = serde_json::json!({"kty": "oct", "kid": "secret", "k": "c2VjcmV0"});
    let mixed = serde_json::json!({"keys": [real["keys"][0], weak, encryption]});
    let admin = format!("{}/jwks", issuer.url());
    http("POST", &admin, Some(&mixed.to_string()), &[]);
    let out = run(&["doctor", "--issuer", &issuer.url(), "--json"]);
    out.expect_code(0);
    let report = out.json();
    assert_eq!(status_of(&report, "key strength"), "warn");
    let detail = detail_of(&report, "key strength");
    assert!(detail.contains("weak-1024"), "{detail}");
    assert!(detail.contains("1024 bits"), "{detail}");
    assert!(detail.contains("secret"), "{detail}");

    let only_weak = serde_json::json!({"keys": [weak]});
    http("POST", &admin, Some(&only_weak.to_string()), &[]);
    let out = run(&["doctor", "--issuer", &issuer.url(), "--json"]);
    out.expect_code(1);
    let report = out.json();
    assert_eq!(status_of(&report, "signing algorithms"), "fail");
    assert_eq!(status_of(&report, "key strength"), "fail");
}

#[test]
fn doctor_fails_a_resource_without_metadata_or_challenge() {
    let issuer = Issuer::start(&[]);
    let unprotected = format!("{}/elsewhere", issuer.url());
    let out = run(&[
        "doctor",
        "--issuer",
        &issuer.url(),
        "--resource",
        &unprotected,
        "--json",
    ]);
    out.expect_code(1);
    let report = out.json();
    assert_eq!(status_of(&report, "resource metadata"), "fail");
    assert!(detail_of(&report, "resource metadata").contains("HTTP 404"));
    assert_eq!(status_of(&report, "401 challenge"), "fail");
    assert!(detail_of(&report, "401 challenge").contains("HTTP 404"));

    let slash = format!("{}/", issuer.resource());
    let report = run(&[
        "doctor",
        "--issuer",
        &issuer.url(),
        "--resource",
        &slash,
        "--json",
    ])
    .json();
    assert_eq!(status_of(&report, "resource metadata"), "fail");
    let detail = detail_of(&report, "resource metadata");
    assert!(
        detail.contains("differs only by a trailing slash"),
        "{detail}"
    );
}

#[test]
fn doctor_flags_a_resource_listing_another_authorization_server() {
    let issuer = Issuer::start(&[]);
    let other = Issuer::start(&[]);
    let out = run(&[
        "doctor",
        "--issuer",
        &other.url(),
        "--resource",
        &issuer.resource(),
        "--json",
    ]);
    out.expect_code(1);
    assert_eq!(status_of(&out.json(), "authorization servers"), "fail");
}

#[test]
fn demo_verifies_every_case_as_expected() {
    let out = run(&["demo"]);
    out.expect_code(0);
    for needle in [
        "9 of 9 verdicts as expected",
        "user alice (Alice Example, alice@example.com)",
        "ERR_JWT_EXPIRED",
        "ERR_JWT_CLAIM_VALIDATION_FAILED",
        "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
        "ERR_TOKEN_OPAQUE",
        "ERR_JWKS_NO_MATCHING_KEY",
        "cold",
        "cache",
    ] {
        assert!(out.stdout.contains(needle), "{needle:?} in\n{}", out.stdout);
    }
}

#[test]
fn demo_json_reports_each_case_with_its_time() {
    for alg in ["ES256", "EdDSA"] {
        let out = run(&["demo", "--json", "--alg", alg]);
        out.expect_code(0);
        let report = out.json();
        assert_eq!(report["ok"], true);
        let cases = report["cases"].as_array().unwrap();
        assert_eq!(cases.len(), 9);
        for case in cases {
            assert_eq!(case["as_expected"], true, "{case}");
            assert!(case["micros"].is_u64(), "{case}");
        }
        assert_eq!(cases[0]["verdict"], "accepted");
        assert_eq!(cases[0]["subject"], "alice");
        assert!(
            cases[0]["jwks_fetches"].as_u64().unwrap() >= 1,
            "cold fetch"
        );
        assert_eq!(cases[1]["jwks_fetches"], 0, "cached");
        assert_eq!(cases[2]["code"], "ERR_JWT_EXPIRED");
    }
}

#[test]
fn a_closed_stdout_is_not_a_panic() {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(common::BIN)
        .arg("demo")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("mcp-bearer demo"), "{first}");
    let status = common::wait_with_deadline(&mut child, common::DEADLINE).expect("finishes");
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(status.code(), Some(0));
}
