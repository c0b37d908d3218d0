//! `keys generate`, `token mint` and `token inspect`, run as a user would run them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{TempFile, run, run_with_stdin};

fn mint_args<'a>(key: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "token",
        "mint",
        "--key",
        key,
        "--iss",
        "https://idp.example.com/",
        "--aud",
        "https://mcp.example.com/mcp",
        "--sub",
        "alice",
    ];
    args.extend_from_slice(extra);
    args
}

fn key_file(alg: &str) -> TempFile {
    let generated = run(&["keys", "generate", "--alg", alg]);
    generated.expect_code(0);
    let file = TempFile::new("keys.json");
    std::fs::write(&file.0, &generated.stdout).unwrap();
    file
}

#[test]
fn keys_generate_prints_a_private_jwks_and_its_public_half() {
    for (alg, kty) in [("RS256", "RSA"), ("ES256", "EC"), ("EdDSA", "OKP")] {
        let out = run(&["keys", "generate", "--alg", alg]);
        out.expect_code(0);
        let doc = out.json();
        let private = &doc["private"]["keys"][0];
        let public = &doc["public"]["keys"][0];
        assert_eq!(private["alg"], alg);
        assert_eq!(private["kty"], kty);
        assert_eq!(private["use"], "sig");
        assert!(private["kid"].as_str().is_some_and(|k| !k.is_empty()));
        assert_eq!(private["kid"], public["kid"]);
        assert!(private["d"].is_string(), "the private half has d");
        assert!(public.get("d").is_none(), "the public half must not have d");
    }
}

#[test]
fn keys_generate_pretty_and_default_algorithm() {
    let out = run(&["keys", "generate", "--pretty"]);
    out.expect_code(0);
    assert!(out.stdout.lines().count() > 5, "pretty output spans lines");
    assert_eq!(out.json()["public"]["keys"][0]["alg"], "RS256");
}

#[test]
fn keys_generate_writes_two_files_and_mint_reads_them() {
    let private = TempFile::new("private.json");
    let public = TempFile::new("public.json");
    let out = run(&[
        "keys",
        "generate",
        "--alg",
        "ES256",
        "--out-private",
        private.path(),
        "--out-public",
        public.path(),
    ]);
    out.expect_code(0);
    assert!(out.stdout.is_empty());
    let public_doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&public.0).unwrap()).unwrap();
    assert!(public_doc["keys"][0].get("d").is_none());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&private.0).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the private key file is for its owner only"
        );
    }
    let token = run(&mint_args(private.path(), &[]));
    token.expect_code(0);
    assert_eq!(token.stdout.trim().split('.').count(), 3);
}

#[test]
fn keys_generate_needs_both_output_files() {
    let private = TempFile::new("lonely.json");
    run(&["keys", "generate", "--out-private", private.path()]).expect_code(2);
    run(&["keys", "generate", "--alg", "HS256"]).expect_code(2);
}

#[test]
fn mint_then_inspect_shows_claims_header_and_relative_times() {
    let key = key_file("RS256");
    let minted = run(&mint_args(
        key.path(),
        &[
            "--scope",
            "read write",
            "--ttl",
            "1h",
            "--typ",
            "at+jwt",
            "--claim",
            "role=admin",
            "--claim",
            "level=5",
        ],
    ));
    minted.expect_code(0);
    let token = minted.stdout.trim();
    let inspected = run(&["token", "inspect", "--json", token]);
    inspected.expect_code(0);
    let doc = inspected.json();
    assert_eq!(doc["header"]["typ"], "at+jwt");
    assert_eq!(doc["header"]["alg"], "RS256");
    assert_eq!(doc["claims"]["sub"], "alice");
    assert_eq!(doc["claims"]["scope"], "read write");
    assert_eq!(doc["claims"]["role"], "admin");
    assert_eq!(doc["claims"]["level"], 5);
    assert_eq!(doc["expired"], false);
    let exp = &doc["times"]["exp"];
    assert!(exp["iso"].as_str().unwrap().ends_with('Z'));
    assert!(
        exp["relative"].as_str().unwrap().starts_with("expires in "),
        "{exp}"
    );
    assert_eq!(
        doc["claims"]["exp"].as_i64().unwrap() - doc["claims"]["iat"].as_i64().unwrap(),
        3600
    );

    let human = run_with_stdin(&["token", "inspect"], Some(token));
    human.expect_code(0);
    for needle in [
        "header",
        "claims",
        "alice",
        "expires in 60 min",
        "not checked",
    ] {
        assert!(
            human.stdout.contains(needle),
            "{needle:?} in {}",
            human.stdout
        );
    }
    assert!(
        !human.stdout.contains('\u{1b}'),
        "no colours off a terminal"
    );
}

#[test]
fn inspect_says_when_a_token_expired() {
    let key = key_file("EdDSA");
    let minted = run(&mint_args(key.path(), &["--ttl", "-2h"]));
    minted.expect_code(0);
    let out = run(&["token", "inspect", "-"]);
    out.expect_code(2); // empty stdin: no token
    let out = run_with_stdin(&["token", "inspect", "-"], Some(&minted.stdout));
    out.expect_code(0);
    assert!(out.stdout.contains("expired 2 h ago"), "{}", out.stdout);
    assert!(out.stdout.contains("this token has expired"));
}

#[test]
fn inspect_accepts_a_pasted_authorization_header() {
    let key = key_file("ES256");
    let token = run(&mint_args(key.path(), &[])).stdout.trim().to_owned();
    let out = run(&[
        "token",
        "inspect",
        &format!("Authorization: Bearer {token}"),
    ]);
    out.expect_code(0);
    assert!(out.stdout.contains("alice"));
}

#[test]
fn inspect_explains_an_opaque_token() {
    let out = run(&[
        "token",
        "inspect",
        "gho_16C7e42F292c6912E7710c838347Ae178B4a",
    ]);
    out.expect_code(7);
    assert!(
        out.stdout.contains("this is not a JWT (opaque token)"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("ERR_TOKEN_OPAQUE"));
    let json = run(&["token", "inspect", "--json", "not a token at all"]);
    json.expect_code(7);
    assert_eq!(json.json()["code"], "ERR_TOKEN_OPAQUE");
    assert_eq!(json.json()["jwt"], false);
}

#[test]
fn inspect_rejects_garbage_segments_and_jwe() {
    let out = run(&["token", "inspect", "a.b.c"]);
    out.expect_code(7);
    assert!(
        out.stdout.contains("not a well-formed JWT"),
        "{}",
        out.stdout
    );
    let jwe = run(&["token", "inspect", "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d"]);
    jwe.expect_code(7);
    assert!(jwe.stdout.contains("JWE"), "{}", jwe.stdout);
}

#[test]
fn mint_explains_unreadable_and_unusable_key_files() {
    let missing = run(&mint_args("/nonexistent/dir/key.json", &[]));
    missing.expect_code(2);
    assert!(
        missing.stderr.contains("cannot read the key file"),
        "{}",
        missing.stderr
    );
    let not_json = TempFile::new("garbage.json");
    std::fs::write(&not_json.0, "-----BEGIN PRIVATE KEY-----").unwrap();
    let out = run(&mint_args(not_json.path(), &[]));
    out.expect_code(2);
    assert!(out.stderr.contains("is not JSON"), "{}", out.stderr);
    let public_only = TempFile::new("public.json");
    let generated = run(&["keys", "generate", "--alg", "ES256"]).json();
    std::fs::write(&public_only.0, generated["public"].to_string()).unwrap();
    let out = run(&mint_args(public_only.path(), &[]));
    out.expect_code(2);
    assert!(
        out.stderr.contains("no usable private key"),
        "{}",
        out.stderr
    );
}

#[test]
fn mint_picks_a_key_by_kid_and_lists_kids_when_absent() {
    let key = key_file("ES256");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&key.0).unwrap()).unwrap();
    let kid = doc["private"]["keys"][0]["kid"]
        .as_str()
        .unwrap()
        .to_owned();
    run(&mint_args(key.path(), &["--kid", &kid])).expect_code(0);
    let wrong = run(&mint_args(key.path(), &["--kid", "nope"]));
    wrong.expect_code(2);
    assert!(wrong.stderr.contains(&kid), "{}", wrong.stderr);
}

#[test]
fn mint_rejects_bad_lifetimes_and_claims() {
    let key = key_file("ES256");
    let bad_ttl = run(&mint_args(key.path(), &["--ttl", "5 weeks"]));
    bad_ttl.expect_code(2);
    assert!(bad_ttl.stderr.contains("invalid lifetime"));
    run(&mint_args(key.path(), &["--claim", "novalue"])).expect_code(2);
}

#[test]
fn usage_errors_exit_2_and_help_documents_exit_codes() {
    run(&["token", "mint", "--key", "k.json"]).expect_code(2);
    run(&["no-such-command"]).expect_code(2);
    let help = run(&["verify", "--help"]);
    help.expect_code(0);
    for line in [
        "0  valid token",
        "2  usage",
        "3  time",
        "4  claim mismatch",
        "5  signature or key",
        "6  scope",
        "7  malformed",
        "8  network",
    ] {
        assert!(help.stdout.contains(line), "{line:?} in {}", help.stdout);
    }
}

#[test]
fn the_readme_exit_code_table_matches_the_help() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("cli/README.md");
    let help = run(&["verify", "--help"]);
    let table: Vec<&str> = help
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("Exit codes:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .collect();
    assert_eq!(table.len(), 9, "{}", help.stdout);
    for line in table {
        let (code, meaning) = line.trim().split_once("  ").unwrap();
        let row = format!("| {code} | {} |", meaning.trim());
        assert!(readme.contains(&row), "cli/README.md lacks {row:?}");
    }
}
