//! Secrets never appear in `Debug`, `Display` or error messages.

#![allow(clippy::unwrap_used)]

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::*;
use crate::error::Error;
use crate::net::HttpResponse;

const CLIENT_SECRET: &str = "SECRET-client-secret-7f3a";
const CODE: &str = "SECRET-auth-code-91c2";
const REFRESH: &str = "SECRET-refresh-token-0b7e";
const ACCESS: &str = "SECRET-access-token-5d1f";
const ID_TOKEN: &str = "SECRET-id-token-e4a9";
const SUBJECT: &str = "SECRET-subject-token-2c8d";
const ACTOR: &str = "SECRET-actor-token-a6f0";
const NESTED: &str = "SECRET-nested-token-77aa";
const VERIFIER: &str = "SECRETverifier-SECRETverifier-SECRETverifier";
const STATE_KEY: &[u8] = b"SECRET-state-key-0123456789abcdef-SECRET";

const MARKERS: &[&str] = &[
    CLIENT_SECRET,
    CODE,
    REFRESH,
    ACCESS,
    ID_TOKEN,
    SUBJECT,
    ACTOR,
    NESTED,
    VERIFIER,
    "SECRET",
];

fn assert_clean(what: &str, text: &str) {
    for marker in MARKERS {
        assert!(!text.contains(marker), "{what} leaks {marker:?}: {text}");
    }
    let basic = STANDARD.encode(format!("client:{CLIENT_SECRET}"));
    assert!(
        !text.contains(&basic),
        "{what} leaks the Basic credentials: {text}"
    );
}

fn assert_error_clean(what: &str, err: &Error) {
    assert_clean(what, &format!("{err:?}"));
    assert_clean(what, &format!("{err}"));
    assert_clean(what, err.message());
}

fn grants() -> Vec<Grant> {
    let mut exchange = TokenExchange::new(SUBJECT);
    exchange.actor_token = Some(ACTOR.into());
    exchange.actor_token_type = Some(TokenExchange::ACCESS_TOKEN.into());
    vec![
        Grant::AuthorizationCode {
            code: CODE.into(),
            redirect_uri: "https://proxy.example.com/callback".into(),
            pkce_verifier: Some(PkceVerifier::new(VERIFIER).unwrap()),
        },
        Grant::RefreshToken {
            refresh_token: REFRESH.into(),
            scopes: vec![],
        },
        Grant::ClientCredentials {
            scopes: vec!["read".into()],
        },
        Grant::TokenExchange(exchange),
    ]
}

#[test]
fn requests_and_credentials_redacted() {
    for auth in [
        ClientAuth::ClientSecretPost(CLIENT_SECRET.into()),
        ClientAuth::ClientSecretBasic(CLIENT_SECRET.into()),
    ] {
        assert_clean("ClientAuth", &format!("{auth:?}"));
        for grant in grants() {
            let mut request = TokenRequest::new("https://idp.example.com/token", "client", grant);
            request.client_auth = auth.clone();
            assert_clean("TokenRequest", &format!("{request:?}"));
            let http = request.http_request().unwrap();
            assert_clean("HttpRequest", &format!("{http:?}"));
            // The secrets are on the wire, where they belong.
            let body = String::from_utf8_lossy(&http.body);
            assert!(body.contains("SECRET") || http.header("authorization").is_some());
        }
    }
    let verifier = PkceVerifier::new(VERIFIER).unwrap();
    assert_clean("PkceVerifier", &format!("{verifier:?}"));
    assert_clean("SecretString", &format!("{:?}", SecretString::new(ACCESS)));
}

#[test]
fn token_responses_redacted() {
    let body = serde_json::json!({
        "access_token": ACCESS,
        "token_type": "Bearer",
        "refresh_token": REFRESH,
        "id_token": ID_TOKEN,
        "authed_user": { "access_token": NESTED },
    })
    .to_string();
    let response = HttpResponse {
        status: 200,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: body.into_bytes(),
    };
    let parsed = TokenResponse::parse(&response).unwrap();
    assert_clean("TokenResponse", &format!("{parsed:?}"));
    assert_clean("HttpResponse", &format!("{response:?}"));
}

#[test]
fn state_key_and_upstream_secrets_redacted() {
    let key = StateKey::new(STATE_KEY).unwrap();
    assert_clean("StateKey", &format!("{key:?}"));
    let state = ProxyState {
        client_id: "client".into(),
        redirect_uri: "https://client.example.com/cb".into(),
        client_state: None,
        code_challenge: PkceChallenge::s256(VERIFIER),
        scopes: vec![],
        resources: vec![],
    };
    let sealed = state.seal(&key, 1_000, 60).unwrap();
    let verifier = sealed.upstream_pkce_verifier().expose().to_owned();
    let sealed_debug = format!("{sealed:?}");
    assert_clean("SealedState", &sealed_debug);
    assert!(!sealed_debug.contains(&verifier));
    let opened = ProxyState::open(&key, sealed.as_str(), 1_001).unwrap();
    let opened_debug = format!("{opened:?}");
    assert_clean("OpenedState", &opened_debug);
    assert!(!opened_debug.contains(&verifier));
}

#[test]
fn errors_never_carry_secrets() {
    // A malformed verifier that is itself a secret.
    let err = PkceVerifier::new(format!("{VERIFIER} !")).unwrap_err();
    assert_error_clean("PkceVerifier::new", &err);
    // A wrong verifier.
    let err = PkceChallenge::s256("a".repeat(43).as_str())
        .verify(VERIFIER)
        .unwrap_err();
    assert_error_clean("PkceChallenge::verify", &err);
    // A short state key.
    let err = StateKey::new(&STATE_KEY[..20]).unwrap_err();
    assert_error_clean("StateKey::new", &err);
    // A state sealed under another key, and a state that is a secret-looking string.
    let key = StateKey::new(STATE_KEY).unwrap();
    for bad in [format!("{ACCESS}.{CODE}"), ACCESS.to_owned()] {
        let err = ProxyState::open(&key, &bad, 0).unwrap_err();
        assert_error_clean("ProxyState::open", &err);
    }
    // Token requests refused before sending.
    let mut exchange = TokenExchange::new(SUBJECT);
    exchange.actor_token = Some(ACTOR.into());
    let mut request = TokenRequest::new(
        "https://idp.example.com/token",
        "client",
        Grant::TokenExchange(exchange),
    );
    request.client_auth = ClientAuth::ClientSecretBasic(CLIENT_SECRET.into());
    assert_error_clean("actor without type", &request.http_request().unwrap_err());
    request.token_endpoint = "http://idp.example.com/token".into();
    assert_error_clean("insecure endpoint", &request.http_request().unwrap_err());
    // An upstream answer that is not a token response never echoes the body.
    let response = HttpResponse {
        status: 200,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: format!(r#"{{"token":"{ACCESS}"}}"#).into_bytes(),
    };
    assert_error_clean(
        "TokenResponse::parse",
        &TokenResponse::parse(&response).unwrap_err(),
    );
    let response = HttpResponse {
        status: 500,
        headers: vec![],
        body: ACCESS.as_bytes().to_vec(),
    };
    assert_error_clean(
        "TokenResponse::parse 500",
        &TokenResponse::parse(&response).unwrap_err(),
    );
}
