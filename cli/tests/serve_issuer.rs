//! `mcp-bearer serve-issuer`: the startup line, every endpoint, rotation, JWKS overrides, the
//! sample resource, the HTTP limits, and stopping. Other languages' tests depend on this
//! contract.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::{Issuer, TempFile, http, run};

#[test]
fn the_startup_line_names_every_endpoint() {
    let issuer = Issuer::start(&[]);
    let info = &issuer.info;
    let port = info["port"].as_u64().unwrap();
    let base = format!("http://127.0.0.1:{port}");
    assert_eq!(info["issuer"], base.as_str());
    assert_eq!(info["jwks_uri"], format!("{base}/jwks.json").as_str());
    assert_eq!(info["token_endpoint"], format!("{base}/token").as_str());
    assert_eq!(info["rotate_endpoint"], format!("{base}/rotate").as_str());
    assert_eq!(
        info["discovery_url"],
        format!("{base}/.well-known/openid-configuration").as_str()
    );
    assert_eq!(info["resource"], format!("{base}/mcp").as_str());
    assert_eq!(
        info["resource_metadata"],
        format!("{base}/.well-known/oauth-protected-resource/mcp").as_str()
    );
    assert_eq!(info["alg"], "RS256");
    assert!(info["kid"].as_str().is_some_and(|k| !k.is_empty()));
    assert_eq!(info["pid"].as_u64(), Some(u64::from(issuer.pid())));
}

#[test]
fn discovery_documents_and_jwks() {
    let issuer = Issuer::start(&["--alg", "ES256"]);
    let oidc = http("GET", &issuer.get("discovery_url"), None, &[]);
    assert_eq!(oidc.status, 200);
    assert_eq!(oidc.header("content-type"), Some("application/json"));
    let doc = oidc.json();
    assert_eq!(doc["issuer"], issuer.url().as_str());
    assert_eq!(doc["jwks_uri"], issuer.get("jwks_uri").as_str());
    assert_eq!(doc["token_endpoint"], issuer.get("token_endpoint").as_str());
    assert_eq!(doc["id_token_signing_alg_values_supported"][0], "ES256");
    let rfc8414 = http(
        "GET",
        &format!("{}/.well-known/oauth-authorization-server", issuer.url()),
        None,
        &[],
    );
    assert_eq!(rfc8414.json(), doc);
    let jwks = http("GET", &issuer.get("jwks_uri"), None, &[]).json();
    let key = &jwks["keys"][0];
    assert_eq!(key["kty"], "EC");
    assert_eq!(key["crv"], "P-256");
    assert_eq!(key["use"], "sig");
    assert_eq!(key["kid"], issuer.get("kid").as_str());
    assert!(key.get("d").is_none(), "never the private key");
}

#[test]
fn the_token_endpoint_fills_defaults_and_takes_any_claims() {
    let issuer = Issuer::start(&[]);
    let reply = http(
        "POST",
        &issuer.get("token_endpoint"),
        Some(r#"{"sub":"alice","scope":"read","ttl":120,"tenant":{"id":7}}"#),
        &[],
    );
    assert_eq!(reply.status, 200, "{reply:?}");
    let minted = reply.json();
    assert_eq!(minted["token_type"], "Bearer");
    assert_eq!(minted["expires_in"], 120);
    assert_eq!(minted["kid"], issuer.get("kid").as_str());
    let claims = &minted["claims"];
    assert_eq!(claims["iss"], issuer.url().as_str());
    assert_eq!(claims["aud"], issuer.resource().as_str());
    assert_eq!(claims["sub"], "alice");
    assert_eq!(claims["tenant"]["id"], 7);
    assert!(
        claims.get("ttl").is_none(),
        "ttl is an instruction, not a claim"
    );
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        120
    );
    let defaults = http("POST", &issuer.get("token_endpoint"), None, &[]).json();
    assert_eq!(defaults["claims"]["sub"], "dev-user");
    assert_eq!(defaults["expires_in"], 300);
    let dropped = http(
        "POST",
        &issuer.get("token_endpoint"),
        Some(r#"{"aud":null,"iat":null}"#),
        &[],
    )
    .json();
    assert!(dropped["claims"].get("aud").is_none());
    assert!(dropped["claims"].get("iat").is_none());
    let header = run(&[
        "token",
        "inspect",
        "--json",
        dropped["access_token"].as_str().unwrap(),
    ]);
    assert_eq!(header.json()["header"]["kid"], issuer.get("kid").as_str());
}

#[test]
fn the_token_endpoint_overrides_header_members() {
    let issuer = Issuer::start(&[]);
    let token = issuer.mint(r#"{"kid":"custom","typ":"at+jwt","header":{"x-test":1}}"#);
    let header = run(&["token", "inspect", "--json", &token]).json()["header"].clone();
    assert_eq!(header["kid"], "custom");
    assert_eq!(header["typ"], "at+jwt");
    assert_eq!(header["x-test"], 1);
    let es = issuer.mint(r#"{"alg":"ES256"}"#);
    let header = run(&["token", "inspect", "--json", &es]).json()["header"].clone();
    assert_eq!(header["alg"], "ES256");
}

#[test]
fn the_token_endpoint_rejects_bad_requests() {
    let issuer = Issuer::start(&[]);
    let endpoint = issuer.get("token_endpoint");
    for body in [
        r#"["not","an","object"]"#,
        "{not json",
        r#"{"ttl":"soon"}"#,
        r#"{"alg":"HS256"}"#,
    ] {
        let reply = http("POST", &endpoint, Some(body), &[]);
        assert_eq!(reply.status, 400, "{body}: {reply:?}");
        assert_eq!(reply.json()["error"], "invalid_request");
    }
}

#[test]
fn the_token_endpoint_speaks_client_credentials() {
    let issuer = Issuer::start(&[]);
    let reply = http(
        "POST",
        &issuer.get("token_endpoint"),
        Some(
            "grant_type=client_credentials&client_id=svc&scope=read+write&resource=https%3A%2F%2Fmcp.example.com",
        ),
        &[("Content-Type", "application/x-www-form-urlencoded")],
    );
    assert_eq!(reply.status, 200, "{reply:?}");
    let claims = &reply.json()["claims"];
    assert_eq!(claims["sub"], "svc");
    assert_eq!(claims["client_id"], "svc");
    assert_eq!(claims["scope"], "read write");
    assert_eq!(claims["aud"], "https://mcp.example.com");
    let wrong = http(
        "POST",
        &issuer.get("token_endpoint"),
        Some("grant_type=password&username=a"),
        &[("Content-Type", "application/x-www-form-urlencoded")],
    );
    assert_eq!(wrong.status, 400);
}

#[test]
fn rotation_keeps_the_old_key_until_dropped() {
    let issuer = Issuer::start(&["--alg", "EdDSA"]);
    let url = issuer.url();
    let resource = issuer.resource();
    let old_token = issuer.mint("{}");
    let old_kid = issuer.get("kid");
    let rotated = http("POST", &issuer.get("rotate_endpoint"), None, &[]).json();
    let new_kid = rotated["kid"].as_str().unwrap().to_owned();
    assert_ne!(new_kid, old_kid);
    assert_eq!(rotated["kids"].as_array().unwrap().len(), 2);
    let new_token = issuer.mint("{}");
    let new_header = run(&["token", "inspect", "--json", &new_token]).json();
    assert_eq!(new_header["header"]["kid"], new_kid.as_str());
    let verify =
        |token: &str| run(&["verify", token, "--issuer", &url, "--audience", &resource]).code;
    assert_eq!(verify(&old_token), 0, "the old key is still published");
    assert_eq!(verify(&new_token), 0);
    let dropped = http(
        "POST",
        &format!("{}?drop_old=true", issuer.get("rotate_endpoint")),
        None,
        &[],
    )
    .json();
    assert_eq!(dropped["kids"].as_array().unwrap().len(), 1);
    assert!(
        dropped["dropped"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k == old_kid.as_str())
    );
    assert_eq!(
        verify(&old_token),
        5,
        "the rotated-out key no longer verifies"
    );
    let es = http(
        "POST",
        &format!("{}?alg=ES256", issuer.get("rotate_endpoint")),
        None,
        &[],
    );
    assert_eq!(es.status, 200);
    let bad = http(
        "POST",
        &format!("{}?alg=none", issuer.get("rotate_endpoint")),
        None,
        &[],
    );
    assert_eq!(bad.status, 400);
}

#[test]
fn the_jwks_can_be_replaced_and_restored() {
    let issuer = Issuer::start(&[]);
    let admin = format!("{}/jwks", issuer.url());
    let set = http("POST", &format!("{admin}?status=500"), Some("oops"), &[]);
    assert_eq!(set.status, 200);
    let served = http("GET", &issuer.get("jwks_uri"), None, &[]);
    assert_eq!(served.status, 500);
    assert_eq!(served.body, "oops");
    assert_eq!(http("DELETE", &admin, None, &[]).status, 200);
    let restored = http("GET", &issuer.get("jwks_uri"), None, &[]);
    assert_eq!(restored.status, 200);
    assert_eq!(
        restored.json()["keys"][0]["kid"],
        issuer.get("kid").as_str()
    );
}

#[test]
fn the_sample_resource_challenges_and_accepts() {
    let issuer = Issuer::start(&[]);
    let resource = issuer.resource();
    let metadata_url = issuer.get("resource_metadata");
    let metadata = http("GET", &metadata_url, None, &[]).json();
    assert_eq!(metadata["resource"], resource.as_str());
    assert_eq!(metadata["authorization_servers"][0], issuer.url().as_str());

    let anonymous = http("POST", &resource, Some("{}"), &[]);
    assert_eq!(anonymous.status, 401);
    let challenge = anonymous.header("www-authenticate").unwrap();
    assert_eq!(
        challenge,
        format!("Bearer resource_metadata=\"{metadata_url}\"")
    );

    let token = issuer.mint(r#"{"sub":"grace","scope":"read"}"#);
    let bearer = format!("Bearer {token}");
    let ok = http("GET", &resource, None, &[("Authorization", &bearer)]);
    assert_eq!(ok.status, 200, "{ok:?}");
    assert_eq!(ok.json()["sub"], "grace");

    let foreign = issuer.mint(r#"{"aud":"https://other.example.com"}"#);
    let rejected = http(
        "GET",
        &resource,
        None,
        &[("Authorization", &format!("Bearer {foreign}"))],
    );
    assert_eq!(rejected.status, 401);
    let challenge = rejected.header("www-authenticate").unwrap();
    assert!(
        challenge.starts_with("Bearer error=\"invalid_token\""),
        "{challenge}"
    );
    assert!(challenge.contains("resource_metadata="), "{challenge}");
    assert_eq!(rejected.json()["code"], "ERR_JWT_CLAIM_VALIDATION_FAILED");

    let needs_write = http(
        "GET",
        &format!("{resource}?scope=write"),
        None,
        &[("Authorization", &bearer)],
    );
    assert_eq!(needs_write.status, 403);
    let challenge = needs_write.header("www-authenticate").unwrap();
    assert!(
        challenge.contains("error=\"insufficient_scope\""),
        "{challenge}"
    );
    assert!(challenge.contains("scope=\"write\""), "{challenge}");
}

#[test]
fn unknown_paths_are_404() {
    let issuer = Issuer::start(&[]);
    let reply = http("GET", &format!("{}/nope", issuer.url()), None, &[]);
    assert_eq!(reply.status, 404);
    let reply = http("PUT", &issuer.get("token_endpoint"), Some("{}"), &[]);
    assert_eq!(reply.status, 404);
}

#[test]
fn oversized_and_malformed_requests_get_4xx_not_a_crash() {
    let issuer = Issuer::start(&[]);
    let port = issuer.info["port"].as_u64().unwrap();
    let address = format!("127.0.0.1:{port}").parse().unwrap();
    let exchange = |raw: &[u8]| {
        let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(5)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let _ = stream.write_all(raw);
        let mut reply = String::new();
        let _ = stream.read_to_string(&mut reply);
        reply
    };
    let huge_header = format!("GET / HTTP/1.1\r\nX-Big: {}\r\n\r\n", "a".repeat(20 * 1024));
    assert!(exchange(huge_header.as_bytes()).starts_with("HTTP/1.1 431"));
    let huge_body = b"POST /token HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n";
    assert!(exchange(huge_body).starts_with("HTTP/1.1 413"));
    assert!(exchange(b"NONSENSE\r\n\r\n").starts_with("HTTP/1.1 400"));
    let chunked = b"POST /token HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n\
                    d\r\n{\"sub\":\"hal\"}\r\n0\r\n\r\n";
    let reply = exchange(chunked);
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.contains("\"sub\":\"hal\""), "{reply}");
    // Still serving after all that.
    assert_eq!(http("GET", &issuer.get("jwks_uri"), None, &[]).status, 200);
}

#[test]
fn an_issuer_url_with_a_path_and_the_port_placeholder() {
    let issuer = Issuer::start(&["--issuer-url", "http://127.0.0.1:{port}/realms/dev"]);
    let port = issuer.info["port"].as_u64().unwrap();
    let url = format!("http://127.0.0.1:{port}/realms/dev");
    assert_eq!(issuer.url(), url);
    assert_eq!(issuer.get("jwks_uri"), format!("{url}/jwks.json"));
    let inserted = http(
        "GET",
        &format!("http://127.0.0.1:{port}/.well-known/oauth-authorization-server/realms/dev"),
        None,
        &[],
    );
    assert_eq!(inserted.status, 200);
    let token = issuer.mint("{}");
    run(&[
        "verify",
        &token,
        "--issuer",
        &url,
        "--audience",
        &issuer.resource(),
    ])
    .expect_code(0);
}

#[test]
fn a_key_file_keeps_tokens_valid_across_restarts() {
    let generated = run(&["keys", "generate", "--alg", "ES256"]);
    let file = TempFile::new("issuer-key.json");
    std::fs::write(&file.0, &generated.stdout).unwrap();
    let kid = generated.json()["private"]["keys"][0]["kid"]
        .as_str()
        .unwrap()
        .to_owned();
    let first = Issuer::start(&["--key", file.path()]);
    assert_eq!(first.get("kid"), kid);
    assert_eq!(first.info["alg"], "ES256");
    let token = first.mint("{}");
    drop(first);
    let second = Issuer::start(&["--key", file.path()]);
    let jwks_uri = second.get("jwks_uri");
    run(&["verify", &token, "--jwks-url", &jwks_uri, "--jws"]).expect_code(0);
}

#[test]
fn bad_start_options_are_usage_errors() {
    let out = run(&["serve-issuer", "--key", "/nonexistent/key.json"]);
    out.expect_code(2);
    assert!(out.stdout.is_empty(), "no startup line on failure");
    run(&["serve-issuer", "--issuer-url", "not a url"]).expect_code(2);
    let busy = Issuer::start(&[]);
    let port = busy.info["port"].to_string();
    let out = run(&["serve-issuer", "--port", &port]);
    out.expect_code(2);
    assert!(out.stderr.contains("cannot listen"), "{}", out.stderr);
}

#[test]
fn it_stops_when_stdin_closes() {
    let mut issuer = Issuer::start(&[]);
    let status = issuer
        .close_stdin_and_wait()
        .expect("exits after stdin closes");
    assert!(status.success(), "{status:?}");
}

#[cfg(unix)]
#[test]
fn it_stops_on_sigterm() {
    use std::os::unix::process::ExitStatusExt;
    let mut child = std::process::Command::new(common::BIN)
        .args(["serve-issuer", "--port", "0"])
        .stdout(std::process::Stdio::piped())
        .stdin(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
    assert!(line.contains("\"issuer\""));
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status =
        common::wait_with_deadline(&mut child, Duration::from_secs(10)).expect("ends on SIGTERM");
    assert_eq!(status.signal(), Some(15));
}
