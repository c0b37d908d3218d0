//! End to end, on real sockets on 127.0.0.1: an MCP client, an MCP server that fronts an
//! upstream OpenID provider as an OAuth proxy ([`mcp_proxy`], DESIGN §4), and that provider
//! ([`upstream_idp`]). The test plays the MCP client and the browser, and looks into the
//! proxy where the proxy's own steps need checking. Every request goes through
//! `mcp_bearer::net::UreqFetch`, which does not follow redirects, so each 302 is read and
//! followed by hand, like a browser.
//!
//! 1. discovery of the upstream;
//! 2. the client meets a 401, reads the RFC 9728 metadata, discovers the proxy (RFC 8414),
//!    registers (RFC 7591) and authorizes with PKCE; the proxy seals its state;
//! 3. the upstream authorizes and answers with `code` and the sealed `state`; tampered,
//!    expired and foreign states are refused;
//! 4. the proxy redeems the code (PKCE, `client_secret_basic`), validates the ID token and
//!    keeps the upstream token set;
//! 5. the client redeems the proxy's code with its PKCE verifier and gets the proxy's own
//!    access token;
//! 6. that token is verified over the proxy's JWKS and read into `UserInfo`;
//! 7. the upstream set is refreshed and exchanged (RFC 8693); upstream errors are relayed;
//! 8. the upstream's opaque token is verified by introspection and userinfo, and the
//!    `WWW-Authenticate` challenges are built.
//!
//! A second test runs the same flow and checks that no secret it handled shows up in the
//! `Debug` of any value or in any error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod mcp_proxy;
mod support;
mod upstream_idp;

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use http_loopback::Server;
use mcp_bearer::claims::{ClaimMapping, UserInfo};
use mcp_bearer::clock::{Clock, ManualClock};
use mcp_bearer::discovery::{DiscoveryOptions, ProviderMetadata, discover};
use mcp_bearer::metadata::{BearerChallenge, ProtectedResourceMetadata, bearer_token};
use mcp_bearer::net::{Fetch, HttpRequest, HttpResponse, Method};
use mcp_bearer::oauth::{
    AuthorizationRequest, ClientAuth, ClientRegistration, ClientRegistrationRequest,
    ClientVerification, Consent, DEFAULT_REFRESH_MARGIN_SECS, DEFAULT_STATE_TTL_SECS, Grant,
    OAuthErrorResponse, PkceChallenge, PkceVerifier, ProxyState, RedirectUriPolicy,
    RegisteredClient, SealedRegistrationOptions, StateKey, TokenExchange, TokenRequest,
    TokenResponse, UpstreamTokens, random_state,
};
use mcp_bearer::opaque::{
    IntrospectionOptions, Introspector, UserInfoFlavor, UserInfoOptions, UserInfoVerifier,
};
use mcp_bearer::{
    Algorithm, Error, ErrorKind, KeySource, RemoteJwks, RemoteJwksOptions, TokenSource, TypPolicy,
    Verifier, VerifierOptions,
};
use mcp_proxy::{
    ClientMode, Ledger, PROXY_CLIENTS_ID, PROXY_TOKEN_TTL, Proxy, STATE_KEY, UPSTREAM_SCOPES, send,
    strings,
};
use serde_json::{Value, json};
use upstream_idp::{
    ACCESS_TOKEN_TYPE, CLIENT_ID, CLIENT_SECRET, TOKEN_TTL, USER, USER_EMAIL, USER_NAME,
    UpstreamIdp, bind, param, redirect, serve,
};

use support::{T0, ureq_fetch};
/// The scopes the client asks the proxy for.
const CLIENT_SCOPES: &[&str] = &["mcp:tools", "mcp:read"];
/// The audience of the token exchange: another API of the same provider.
const OTHER_AUDIENCE: &str = "https://calendar.example.test/api";

// ---------------------------------------------------------------------------------------
// HTTP plumbing of the client and the browser.
// ---------------------------------------------------------------------------------------

fn body_text(response: &HttpResponse) -> String {
    String::from_utf8_lossy(&response.body).into_owned()
}

fn body_json(response: &HttpResponse) -> Value {
    serde_json::from_slice(&response.body).expect("a JSON body")
}

/// The `Location` of a 302.
fn location(response: &HttpResponse) -> String {
    assert_eq!(response.status, 302, "{}", body_text(response));
    response.header("location").expect("Location").to_owned()
}

fn query_of(url: &str) -> Vec<(String, String)> {
    url::Url::parse(url)
        .expect("a URL")
        .query_pairs()
        .into_owned()
        .collect()
}

/// `url` without its query.
fn without_query(url: &str) -> String {
    url.split('?').next().unwrap_or(url).to_owned()
}

/// `base` with `pairs` as its query.
fn url_with(base: &str, pairs: &[(&str, &str)]) -> String {
    let mut url = url::Url::parse(base).expect("a URL");
    url.query_pairs_mut().extend_pairs(pairs);
    url.into()
}

struct Flow {
    clock: Arc<ManualClock>,
    fetch: Arc<dyn Fetch>,
    ledger: Arc<Ledger>,
    idp: UpstreamIdp,
    /// The upstream's metadata, as the proxy discovered it.
    upstream: ProviderMetadata,
    proxy: Arc<Proxy>,
    _proxy_server: Server,
}

impl Flow {
    fn now(&self) -> u64 {
        self.clock.now_secs()
    }

    fn send(&self, request: &HttpRequest) -> HttpResponse {
        send(self.fetch.as_ref(), &self.ledger, request)
    }

    fn get(&self, url: &str) -> HttpResponse {
        self.send(&HttpRequest::get(url))
    }

    fn get_with_bearer(&self, url: &str, token: &str) -> HttpResponse {
        let mut request = HttpRequest::get(url);
        request
            .headers
            .push(("Authorization".into(), format!("Bearer {token}")));
        self.send(&request)
    }

    /// A token request to the upstream as the proxy, with `client_secret_basic`.
    fn upstream_token_request(&self, grant: Grant) -> TokenRequest {
        let endpoint = self
            .upstream
            .token_endpoint
            .clone()
            .expect("token_endpoint");
        let mut request = TokenRequest::new(endpoint, CLIENT_ID, grant);
        request.client_auth = ClientAuth::ClientSecretBasic(CLIENT_SECRET.into());
        request
    }

    /// Sends a token request and parses the answer.
    fn token_call(&self, request: &TokenRequest) -> Result<TokenResponse, Error> {
        self.ledger.show("TokenRequest", request);
        let response = self.send(&request.http_request()?);
        let parsed = TokenResponse::parse(&response);
        match &parsed {
            Ok(tokens) => self.ledger.show("TokenResponse", tokens),
            Err(err) => self.ledger.error("token call", err),
        }
        parsed
    }
}

/// The MCP client, after registration.
struct McpClient {
    client_id: String,
    redirect_uri: String,
    /// The proxy's metadata, as the client discovered it.
    server: ProviderMetadata,
    /// The loopback port the redirect URI names, held for the flow's duration.
    _redirect_listener: TcpListener,
}

/// One authorization attempt of the client, up to the upstream's consent.
struct Attempt {
    verifier: PkceVerifier,
    state: String,
    /// Where the proxy sent the browser: the upstream's authorization request.
    upstream_url: String,
}

/// Step 1: the upstream discovered at its issuer (OIDC Discovery 1.0); the proxy starts
/// with that metadata and registers its callback with the upstream.
fn start() -> Flow {
    start_with(ClientMode::PreRegistered)
}

/// As [`start`], with the proxy identifying its clients as `mode` says.
fn start_with(mode: ClientMode) -> Flow {
    let clock = Arc::new(ManualClock::at_secs(T0));
    let fetch = ureq_fetch();
    let ledger = Arc::new(Ledger::default());
    let idp = UpstreamIdp::start(Arc::clone(&clock));
    ledger.secret("client secret", CLIENT_SECRET);
    let encoded: String = url::form_urlencoded::byte_serialize(CLIENT_SECRET.as_bytes()).collect();
    ledger.secret("client secret, form-encoded", &encoded);
    ledger.secret(
        "Basic credentials",
        &STANDARD.encode(format!("{CLIENT_ID}:{encoded}")),
    );
    ledger.secret(
        "Basic credentials, unencoded",
        &STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}")),
    );
    ledger.secret("state key", STATE_KEY);
    ledger.secret("state key, base64", &STANDARD.encode(STATE_KEY));
    ledger.secret("state key, base64url", &URL_SAFE_NO_PAD.encode(STATE_KEY));
    let hex: String = STATE_KEY.bytes().map(|b| format!("{b:02x}")).collect();
    ledger.secret("state key, hex", &hex);
    ledger.secret("upstream signing key", &idp.private_key_material());

    let upstream = discover(idp.issuer(), fetch.as_ref(), &DiscoveryOptions::default()).unwrap();
    ledger.show("upstream ProviderMetadata", &upstream);
    let iss = idp.issuer();
    assert_eq!(upstream.issuer, iss);
    assert_eq!(
        upstream.source_url,
        format!("{iss}/.well-known/openid-configuration")
    );
    assert_eq!(
        upstream.authorization_endpoint.as_deref(),
        Some(format!("{iss}/authorize").as_str())
    );
    assert_eq!(
        upstream.token_endpoint.as_deref(),
        Some(format!("{iss}/token").as_str())
    );
    assert_eq!(
        upstream.jwks_uri.as_deref(),
        Some(format!("{iss}/jwks").as_str())
    );
    assert_eq!(
        upstream.introspection_endpoint.as_deref(),
        Some(format!("{iss}/introspect").as_str())
    );
    assert_eq!(
        upstream.userinfo_endpoint.as_deref(),
        Some(format!("{iss}/userinfo").as_str())
    );
    assert_eq!(upstream.code_challenge_methods_supported, ["S256"]);
    assert_eq!(
        upstream.token_endpoint_auth_methods_supported,
        ["client_secret_basic"]
    );
    assert_eq!(idp.hits("GET /.well-known/openid-configuration"), 1);

    let (proxy, proxy_server) = Proxy::start(
        upstream.clone(),
        Arc::clone(&fetch),
        Arc::clone(&clock),
        Arc::clone(&ledger),
        mode,
    );
    ledger.secret(
        "proxy signing key",
        proxy.signing_key.private_jwk()["d"].as_str().unwrap(),
    );
    ledger.show("proxy SigningKey", &proxy.signing_key);
    ledger.show("StateKey", &proxy.state_key);
    ledger.show("IdTokenValidator", &proxy.id_tokens);
    ledger.show("proxy Verifier", &proxy.mcp);
    idp.allow_redirect_uri(&proxy.callback);
    Flow {
        clock,
        fetch,
        ledger,
        idp,
        upstream,
        proxy,
        _proxy_server: proxy_server,
    }
}

/// Step 2a: the client meets a 401, follows `resource_metadata` to the RFC 9728 document,
/// discovers the proxy (the RFC 8414 fallback: the proxy has no OIDC document) and registers
/// a loopback redirect URI (RFC 7591, RFC 8252 §7.3).
fn client_registers(flow: &Flow) -> McpClient {
    let proxy = &flow.proxy;
    let unauthenticated = flow.get(&proxy.resource);
    assert_eq!(unauthenticated.status, 401);
    let challenge = unauthenticated.header("www-authenticate").unwrap();
    flow.ledger.text("WWW-Authenticate", challenge);
    assert_eq!(
        challenge,
        format!(r#"Bearer resource_metadata="{}""#, proxy.prm_url)
    );
    assert_eq!(
        proxy.prm_url,
        format!("{}/.well-known/oauth-protected-resource/mcp", proxy.issuer)
    );

    let prm: ProtectedResourceMetadata =
        serde_json::from_slice(&flow.get(&proxy.prm_url).body).unwrap();
    assert_eq!(prm.resource, proxy.resource);
    assert_eq!(prm.authorization_servers, [proxy.issuer.as_str()]);
    assert_eq!(prm.bearer_methods_supported, ["header"]);

    let server = discover(
        &prm.authorization_servers[0],
        flow.fetch.as_ref(),
        &DiscoveryOptions::default(),
    )
    .unwrap();
    flow.ledger.show("proxy ProviderMetadata", &server);
    assert_eq!(
        server.source_url,
        format!("{}/.well-known/oauth-authorization-server", proxy.issuer)
    );
    assert_eq!(server.code_challenge_methods_supported, ["S256"]);
    assert_eq!(server.token_endpoint_auth_methods_supported, ["none"]);
    assert_eq!(
        server.raw["authorization_response_iss_parameter_supported"],
        true
    );

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let redirect_uri = format!(
        "http://127.0.0.1:{}/callback",
        listener.local_addr().unwrap().port()
    );
    let policy = RedirectUriPolicy::default();
    policy.check(&redirect_uri).unwrap();
    assert!(RedirectUriPolicy::matches_registered(
        "http://127.0.0.1/callback",
        &redirect_uri
    ));

    let mut register = HttpRequest::get(server.registration_endpoint.clone().unwrap());
    register.method = Method::Post;
    register
        .headers
        .push(("Content-Type".into(), "application/json".into()));
    let body = json!({
        "redirect_uris": [redirect_uri],
        "client_name": "e2e MCP client",
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "none",
    });
    register.body = body.to_string().into_bytes();
    let registered = flow.send(&register);
    assert_eq!(registered.status, 201, "{}", body_text(&registered));
    let registered = body_json(&registered);
    assert_eq!(registered["client_id"], PROXY_CLIENTS_ID);
    assert_eq!(registered["redirect_uris"], json!([redirect_uri]));
    assert_eq!(registered["token_endpoint_auth_method"], "none");

    // A registration asking for a fragment is refused before anything is stored.
    register.body = json!({ "redirect_uris": [format!("{redirect_uri}#x")] })
        .to_string()
        .into_bytes();
    let refused = flow.send(&register);
    assert_eq!(refused.status, 400);
    assert_eq!(body_json(&refused)["error"], "invalid_redirect_uri");

    McpClient {
        client_id: PROXY_CLIENTS_ID.to_owned(),
        redirect_uri,
        server,
        _redirect_listener: listener,
    }
}

/// Step 2b: the client's authorization request to the proxy (PKCE, `state`, `resource`);
/// the proxy answers with a redirect to the upstream.
fn authorize_via_proxy(flow: &Flow, client: &McpClient) -> Attempt {
    let verifier = PkceVerifier::generate().unwrap();
    flow.ledger
        .secret("client PKCE verifier", verifier.expose());
    flow.ledger.show("client PkceVerifier", &verifier);
    let state = random_state().unwrap();
    let endpoint = client.server.authorization_endpoint.clone().unwrap();
    let mut request =
        AuthorizationRequest::new(endpoint, &client.client_id, &client.redirect_uri, &state);
    request.scopes = strings(CLIENT_SCOPES);
    request.pkce_challenge = Some(verifier.challenge());
    request.resources = vec![flow.proxy.resource.clone()];
    flow.ledger.show("client AuthorizationRequest", &request);
    let upstream_url = location(&flow.get(&request.url().unwrap()));
    Attempt {
        verifier,
        state,
        upstream_url,
    }
}

/// The upstream approves (the user is already signed in): the browser lands on the proxy's
/// callback. Returns that URL with its `code` and `state`.
fn upstream_approves(flow: &Flow, attempt: &Attempt) -> (String, String, String) {
    let callback_url = location(&flow.get(&attempt.upstream_url));
    assert_eq!(without_query(&callback_url), flow.proxy.callback);
    let query = query_of(&callback_url);
    let code = param(&query, "code").expect("code").to_owned();
    let state = param(&query, "state").expect("state").to_owned();
    assert_eq!(param(&query, "error"), None);
    flow.ledger.secret("upstream authorization code", &code);
    (callback_url, code, state)
}

/// Step 3: what the proxy asked the upstream for, the sealed state opened, and the
/// upstream's answer; tampered, expired and foreign states refused.
fn upstream_authorizes(flow: &Flow, client: &McpClient, attempt: &Attempt) -> String {
    let proxy = &flow.proxy;
    assert_eq!(
        without_query(&attempt.upstream_url),
        flow.upstream.authorization_endpoint.clone().unwrap()
    );
    let asked = query_of(&attempt.upstream_url);
    let sealed = param(&asked, "state").unwrap().to_owned();
    let opened = ProxyState::open(&proxy.state_key, &sealed, flow.now()).unwrap();
    flow.ledger.secret(
        "upstream PKCE verifier",
        opened.upstream_pkce_verifier().expose(),
    );
    flow.ledger.show("OpenedState", &opened);
    assert_eq!(
        opened.state,
        ProxyState {
            client_id: client.client_id.clone(),
            redirect_uri: client.redirect_uri.clone(),
            client_state: Some(attempt.state.clone()),
            code_challenge: attempt.verifier.challenge(),
            scopes: strings(CLIENT_SCOPES),
            resources: vec![proxy.resource.clone()],
        }
    );
    assert_eq!(opened.expires_at, flow.now() + DEFAULT_STATE_TTL_SECS);
    let upstream_challenge = opened.upstream_pkce_verifier().challenge();
    let expected: Vec<(String, String)> = [
        ("response_type", "code"),
        ("client_id", CLIENT_ID),
        ("redirect_uri", proxy.callback.as_str()),
        ("scope", "openid email profile"),
        ("state", sealed.as_str()),
        ("code_challenge", upstream_challenge.as_str()),
        ("code_challenge_method", "S256"),
        ("resource", proxy.resource.as_str()),
        ("nonce", opened.upstream_nonce()),
        ("access_type", "offline"),
        ("prompt", "consent"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    assert_eq!(asked, expected);
    // The upstream leg's verifier is the proxy's, never the client's, and not in the state.
    assert_ne!(upstream_challenge, attempt.verifier.challenge());
    assert!(!sealed.contains(opened.upstream_pkce_verifier().expose()));

    let (callback_url, _code, returned_state) = upstream_approves(flow, attempt);
    assert_eq!(returned_state, sealed);
    assert_eq!(flow.idp.authorize_requests().last(), Some(&expected));

    // Tampered: one character of the signed body changed.
    let mut tampered = sealed.clone().into_bytes();
    tampered[3] = if tampered[3] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let err = flow.ledger.failed(
        "tampered state",
        ProxyState::open(&proxy.state_key, &tampered, flow.now()).map(|o| o.state),
    );
    assert_eq!(
        (err.code(), err.reason()),
        ("ERR_OAUTH_STATE_INVALID", Some("signature"))
    );
    assert_eq!(err.http_status(), 400);
    // The proxy refuses it too, and does not redirect anywhere: the code stays unspent.
    let mut pairs = query_of(&callback_url);
    pairs
        .iter_mut()
        .filter(|(k, _)| k == "state")
        .for_each(|(_, v)| v.clone_from(&tampered));
    let pairs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let refused = flow.get(&url_with(&proxy.callback, &pairs));
    assert_eq!(refused.status, 400);
    assert_eq!(refused.header("location"), None);
    assert_eq!(body_json(&refused)["error"], "invalid_request");

    // Expired: the same state once its ten minutes are over.
    let later = flow.now() + DEFAULT_STATE_TTL_SECS;
    let err = flow.ledger.failed(
        "expired state",
        ProxyState::open(&proxy.state_key, &sealed, later).map(|o| o.state),
    );
    assert_eq!(
        (err.code(), err.reason()),
        ("ERR_OAUTH_STATE_INVALID", Some("expired"))
    );
    // Foreign: sealed by another deployment's key.
    let foreign = StateKey::generate().unwrap();
    let err = flow.ledger.failed(
        "foreign state",
        ProxyState::open(&foreign, &sealed, flow.now()).map(|o| o.state),
    );
    assert_eq!(
        (err.code(), err.reason()),
        ("ERR_OAUTH_STATE_INVALID", Some("signature"))
    );
    assert_eq!(flow.idp.hits("POST /token"), 0);
    callback_url
}

/// Step 4: the browser brings the code to the proxy, which redeems it upstream (PKCE
/// verifier, `client_secret_basic`), validates the ID token (signature over the upstream's
/// JWKS, nonce, `at_hash`) and keeps the upstream token set; the client is sent back with the
/// proxy's own code.
fn proxy_redeems_upstream_code(
    flow: &Flow,
    client: &McpClient,
    attempt: &Attempt,
    callback_url: &str,
) -> String {
    let proxy = &flow.proxy;
    let back = location(&flow.get(callback_url));
    assert_eq!(flow.idp.hits("POST /token"), 1);
    assert_eq!(without_query(&back), client.redirect_uri);
    let query = query_of(&back);
    assert_eq!(param(&query, "error"), None, "{back}");
    assert_eq!(param(&query, "state"), Some(attempt.state.as_str()));
    assert_eq!(param(&query, "iss"), Some(proxy.issuer.as_str()));
    let proxy_code = param(&query, "code").unwrap().to_owned();
    flow.ledger.secret("proxy authorization code", &proxy_code);
    // The browser follows that redirect to the client's loopback listener, which in this test
    // never answers: the transport error names the URL, not the code in it.
    let mut follow = HttpRequest::get(&back);
    follow.timeout = Duration::from_millis(200);
    let err = flow
        .fetch
        .fetch(&follow)
        .expect_err("the client's listener never answers");
    flow.ledger.show("FetchError", &err);
    flow.ledger.text("FetchError (Display)", &err.to_string());
    assert!(
        err.to_string().contains("/callback?code=<redacted>&state="),
        "{err}"
    );

    let identity = proxy
        .identity
        .lock()
        .unwrap()
        .clone()
        .expect("a validated ID token");
    let opened = ProxyState::open(
        &proxy.state_key,
        param(&query_of(&attempt.upstream_url), "state").unwrap(),
        flow.now(),
    )
    .unwrap();
    assert_eq!(identity.source(), TokenSource::Jwt);
    assert_eq!(identity.issuer(), Some(flow.idp.issuer()));
    assert_eq!(identity.subject(), Some(USER));
    assert_eq!(identity.audience(), Some(CLIENT_ID));
    assert_eq!(identity.claims()["nonce"], opened.upstream_nonce());
    assert_eq!(identity.claims()["email"], USER_EMAIL);
    assert!(identity.claims()["at_hash"].is_string());
    assert_eq!(identity.header().unwrap().alg, Algorithm::RS256);

    let session = proxy.session(USER);
    flow.ledger
        .secret("upstream access token", session.access_token.expose());
    let id_token = session.id_token.clone().expect("an ID token");
    flow.ledger.secret("upstream ID token", id_token.expose());
    let refresh = session
        .refresh_token
        .clone()
        .expect("a refresh token: access_type=offline");
    flow.ledger
        .secret("upstream refresh token", refresh.expose());
    assert_eq!(session.token_type, "Bearer");
    assert_eq!(session.expires_at, Some(T0 + TOKEN_TTL));
    assert_eq!(session.scopes, UPSTREAM_SCOPES);

    // The same ID token with another nonce (a replay into another flow), or next to another
    // access token (a swapped token response), is refused.
    let access = session.access_token.expose();
    let err = flow.ledger.failed(
        "ID token, wrong nonce",
        proxy
            .id_tokens
            .validate(id_token.expose(), Some("another-nonce"), Some(access)),
    );
    assert_eq!(
        (err.code(), err.claim_name()),
        ("ERR_JWT_CLAIM_VALIDATION_FAILED", Some("nonce"))
    );
    let err = flow.ledger.failed(
        "ID token, wrong at_hash",
        proxy.id_tokens.validate(
            id_token.expose(),
            Some(opened.upstream_nonce()),
            Some("at_another"),
        ),
    );
    assert_eq!(err.claim_name(), Some("at_hash"));

    // RFC 6749 §2.3.1: the provider decodes the Basic credentials as form-encoded values, so
    // the secret's `:`, `%`, space and `+` only come through because the core encodes them.
    // The same request with the credentials left unencoded is refused.
    let probe = flow.upstream_token_request(Grant::RefreshToken {
        refresh_token: "rt_unknown-refresh-token".into(),
        scopes: vec![],
    });
    let err = flow
        .ledger
        .failed("probe with encoded Basic", flow.token_call(&probe));
    assert_eq!(
        (err.oauth_error(), err.http_status()),
        ("invalid_grant", 400)
    );
    let mut unencoded = probe.http_request().unwrap();
    for (name, value) in &mut unencoded.headers {
        if name.eq_ignore_ascii_case("authorization") {
            *value = format!(
                "Basic {}",
                STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
            );
        }
    }
    let err = flow.ledger.failed(
        "probe with unencoded Basic",
        TokenResponse::parse(&flow.send(&unencoded)),
    );
    assert_eq!(err.code(), "ERR_OAUTH_UPSTREAM");
    assert_eq!(
        (err.oauth_error(), err.http_status()),
        ("invalid_client", 401)
    );
    proxy_code
}

/// Step 5: the client redeems the proxy's code with its own PKCE verifier (checked by the
/// proxy with `PkceChallenge::verify`) and receives the proxy's access token.
fn client_redeems_proxy_code(
    flow: &Flow,
    client: &McpClient,
    attempt: &Attempt,
    proxy_code: &str,
) -> String {
    let endpoint = client.server.token_endpoint.clone().unwrap();
    let grant = Grant::AuthorizationCode {
        code: proxy_code.into(),
        redirect_uri: client.redirect_uri.clone(),
        pkce_verifier: Some(attempt.verifier.clone()),
    };
    let mut request = TokenRequest::new(endpoint, &client.client_id, grant);
    request.resources = vec![flow.proxy.resource.clone()];
    assert_eq!(request.client_auth, ClientAuth::None);
    let tokens = flow.token_call(&request).unwrap();
    let access_token = tokens.access_token.expose().to_owned();
    flow.ledger.secret("proxy access token", &access_token);
    assert_eq!(tokens.token_type, "Bearer");
    assert_eq!(tokens.expires_in, Some(PROXY_TOKEN_TTL));
    assert_eq!(
        tokens.scopes.as_deref(),
        Some(strings(CLIENT_SCOPES).as_slice())
    );
    assert!(tokens.refresh_token.is_none() && tokens.id_token.is_none());
    // Never the upstream's token: the client gets a token for this MCP server only.
    assert_ne!(access_token, flow.proxy.session(USER).access_token.expose());

    // The check the proxy made, and what it says to any other verifier.
    let challenge =
        PkceChallenge::from_request(attempt.verifier.challenge().as_str(), Some("S256")).unwrap();
    challenge.verify(attempt.verifier.expose()).unwrap();
    let other = PkceVerifier::generate().unwrap();
    let err = flow.ledger.failed(
        "client PKCE, wrong verifier",
        challenge.verify(other.expose()),
    );
    assert_eq!(
        (err.code(), err.oauth_error()),
        ("ERR_OAUTH_INVALID_GRANT", "invalid_grant")
    );

    // The code is spent: a replay is relayed as the proxy's invalid_grant, with 400.
    let err = flow
        .ledger
        .failed("proxy code replayed", flow.token_call(&request));
    assert_eq!(err.code(), "ERR_OAUTH_UPSTREAM");
    assert_eq!(err.upstream().unwrap().error, "invalid_grant");
    assert_eq!(err.http_status(), 400);
    access_token
}

/// Step 6: the proxy's token verified over its JWKS on 127.0.0.1 and read into `UserInfo`;
/// then presented to the MCP endpoint.
fn resource_verifies(flow: &Flow, client: &McpClient, access_token: &str) {
    let proxy = &flow.proxy;
    let clock: Arc<dyn Clock> = Arc::clone(&flow.clock) as _;
    let jwks_url = client.server.jwks_uri.clone().unwrap();
    let jwks = Arc::new(
        RemoteJwks::with_parts(
            &jwks_url,
            RemoteJwksOptions::default(),
            Arc::clone(&flow.fetch),
            clock,
        )
        .unwrap(),
    );
    let verifier = Verifier::new(
        KeySource::Remote(Arc::clone(&jwks)),
        VerifierOptions {
            issuers: vec![proxy.issuer.clone()],
            audiences: vec![proxy.resource.clone()],
            required_scopes: vec!["mcp:tools".into()],
            typ: TypPolicy::StrictAccessToken,
            ..VerifierOptions::default()
        },
    )
    .unwrap();
    flow.ledger.show("RemoteJwks", &jwks);
    flow.ledger.show("Verifier", &verifier);
    let token = verifier.verify(access_token).unwrap();
    flow.ledger.show("VerifiedToken", &token);
    assert_eq!(token.source(), TokenSource::Jwt);
    assert_eq!(token.issuer(), Some(proxy.issuer.as_str()));
    assert_eq!(token.audience(), Some(proxy.resource.as_str()));
    assert_eq!(token.subject(), Some(USER));
    assert_eq!(token.client_id(), Some(PROXY_CLIENTS_ID));
    assert_eq!(token.scopes(), CLIENT_SCOPES);
    // A route's own scope, checked per call with the verifier option's error.
    token.require_scopes(&["mcp:tools"]).unwrap();
    let lacking = token
        .require_scopes(&["mcp:tools", "mcp:admin"])
        .unwrap_err();
    assert_eq!(lacking.kind(), ErrorKind::InsufficientScope);
    assert_eq!(lacking.http_status(), 403);
    assert_eq!(lacking.required_scopes(), ["mcp:tools", "mcp:admin"]);
    assert_eq!(token.expires_at(), Some(T0 + PROXY_TOKEN_TTL));
    let header = token.header().unwrap();
    assert_eq!(
        (header.alg, header.kid.as_deref()),
        (Algorithm::ES256, Some(proxy.signing_key.kid()))
    );

    let user = UserInfo::from_claims(token.claims(), &ClaimMapping::default());
    flow.ledger.show("UserInfo", &user);
    assert_eq!(user.user_id.as_deref(), Some(USER));
    assert_eq!(user.email.as_deref(), Some(USER_EMAIL));
    assert_eq!(user.name.as_deref(), Some(USER_NAME));
    assert_eq!(user.scopes, CLIENT_SCOPES);
    assert!(user.has_scope("mcp:tools") && !user.has_scope("mcp:admin"));
    assert_eq!(user.client_id.as_deref(), Some(PROXY_CLIENTS_ID));
    assert_eq!(user.issuer.as_deref(), Some(proxy.issuer.as_str()));

    // The next request of the session: from the verified-token cache, keys fetched once.
    assert_eq!(verifier.verify(access_token).unwrap().subject(), Some(USER));
    assert_eq!((verifier.cached_tokens(), jwks.fetch_count()), (1, 1));

    // Over HTTP: the MCP endpoint answers with the user; a scope the token lacks is 403; a
    // forged signature and a token from another issuer (the upstream's ID token) are 401.
    let ok = flow.get_with_bearer(&proxy.resource, access_token);
    assert_eq!(ok.status, 200, "{}", body_text(&ok));
    let served: UserInfo = serde_json::from_slice(&ok.body).unwrap();
    assert_eq!(served, user);

    let admin = flow.get_with_bearer(&format!("{}/admin", proxy.resource), access_token);
    assert_eq!(admin.status, 403);
    let header = admin.header("www-authenticate").unwrap();
    flow.ledger.text("WWW-Authenticate", header);
    assert!(
        header.starts_with(r#"Bearer error="insufficient_scope", error_description="#),
        "{header}"
    );
    assert!(
        header.ends_with(&format!(
            r#", scope="mcp:admin", resource_metadata="{}""#,
            proxy.prm_url
        )),
        "{header}"
    );

    let (rest, signature) = access_token.rsplit_once('.').unwrap();
    let first = if signature.starts_with('A') { 'B' } else { 'A' };
    let forged = format!("{rest}.{first}{}", &signature[1..]);
    let id_token = proxy.session(USER).id_token.unwrap();
    for (what, bad) in [
        ("forged", forged.as_str()),
        ("upstream ID token", id_token.expose()),
    ] {
        let refused = flow.get_with_bearer(&proxy.resource, bad);
        assert_eq!(refused.status, 401, "{what}");
        let header = refused.header("www-authenticate").unwrap();
        flow.ledger.text("WWW-Authenticate", header);
        assert!(
            header.starts_with(r#"Bearer error="invalid_token", error_description="#),
            "{what}: {header}"
        );
        assert!(
            header.ends_with(&format!(r#"resource_metadata="{}""#, proxy.prm_url)),
            "{what}: {header}"
        );
    }
}

/// The upstream token sets of step 7, for step 8.
struct UpstreamSet {
    original: UpstreamTokens,
    refreshed: UpstreamTokens,
    exchanged: String,
}

/// Step 7: the upstream set refreshed once it is due (the refresh token rotates), exchanged
/// for another audience (RFC 8693), and an upstream error relayed with its status.
fn refresh_exchange_and_errors(flow: &Flow, client: &McpClient) -> UpstreamSet {
    let proxy = &flow.proxy;
    let original = proxy.session(USER);
    let expires_at = original.expires_at.unwrap();
    assert!(!original.needs_refresh(flow.now(), DEFAULT_REFRESH_MARGIN_SECS));
    assert!(original.needs_refresh(
        expires_at - DEFAULT_REFRESH_MARGIN_SECS,
        DEFAULT_REFRESH_MARGIN_SECS
    ));
    flow.clock.set_secs(expires_at + 1);
    assert!(original.needs_refresh(flow.now(), DEFAULT_REFRESH_MARGIN_SECS));

    let token_endpoint = flow.upstream.token_endpoint.clone().unwrap();
    let auth = ClientAuth::ClientSecretBasic(CLIENT_SECRET.into());
    flow.ledger.show("ClientAuth", &auth);
    let request = original
        .refresh_request(&token_endpoint, CLIENT_ID, auth)
        .unwrap();
    let response = flow.token_call(&request).unwrap();
    let refreshed = original.refreshed(&response, flow.now());
    flow.ledger.show("refreshed UpstreamTokens", &refreshed);
    flow.ledger.secret(
        "refreshed upstream access token",
        refreshed.access_token.expose(),
    );
    let rotated = refreshed.refresh_token.clone().unwrap();
    flow.ledger
        .secret("rotated refresh token", rotated.expose());
    assert_ne!(refreshed.access_token, original.access_token);
    assert_ne!(Some(&rotated), original.refresh_token.as_ref());
    assert_eq!(
        refreshed.id_token, original.id_token,
        "kept: the refresh answer has none"
    );
    assert_eq!(refreshed.expires_at, Some(flow.now() + TOKEN_TTL));
    assert_eq!(refreshed.scopes, UPSTREAM_SCOPES);
    assert!(!refreshed.needs_refresh(flow.now(), DEFAULT_REFRESH_MARGIN_SECS));
    // Rotation: the old refresh token is dead.
    let err = flow
        .ledger
        .failed("old refresh token", flow.token_call(&request));
    assert_eq!(
        (err.oauth_error(), err.http_status()),
        ("invalid_grant", 400)
    );

    let mut exchange = TokenExchange::new(refreshed.access_token.clone());
    exchange.audiences = vec![OTHER_AUDIENCE.into()];
    exchange.requested_token_type = Some(TokenExchange::ACCESS_TOKEN.into());
    flow.ledger.show("TokenExchange", &exchange);
    let grant = Grant::TokenExchange(exchange);
    flow.ledger.show("Grant", &grant);
    let exchanged = flow
        .token_call(&flow.upstream_token_request(grant))
        .unwrap();
    assert_eq!(
        exchanged.issued_token_type.as_deref(),
        Some(ACCESS_TOKEN_TYPE)
    );
    assert_eq!(exchanged.expires_in, Some(TOKEN_TTL));
    assert!(exchanged.refresh_token.is_none());
    let exchanged = exchanged.access_token.expose().to_owned();
    flow.ledger.secret("exchanged access token", &exchanged);
    assert_ne!(exchanged, refreshed.access_token.expose());

    // A second sign-in, whose upstream code the proxy's token leg presents with the wrong
    // verifier: the upstream's invalid_grant comes back with its 400, not as a 500.
    let attempt = authorize_via_proxy(flow, client);
    let (callback_url, code, sealed) = upstream_approves(flow, &attempt);
    let opened = ProxyState::open(&proxy.state_key, &sealed, flow.now()).unwrap();
    let wrong = PkceVerifier::generate().unwrap();
    flow.ledger.secret("wrong PKCE verifier", wrong.expose());
    assert_ne!(&wrong, opened.upstream_pkce_verifier());
    let grant = Grant::AuthorizationCode {
        code: code.into(),
        redirect_uri: proxy.callback.clone(),
        pkce_verifier: Some(wrong),
    };
    let err = flow.ledger.failed(
        "wrong upstream verifier",
        flow.token_call(&flow.upstream_token_request(grant)),
    );
    assert_eq!(err.code(), "ERR_OAUTH_UPSTREAM");
    assert_eq!(err.kind(), ErrorKind::OAuthUpstream);
    let upstream = err.upstream().unwrap();
    assert_eq!(upstream.error, "invalid_grant");
    assert_eq!(upstream.status, 400);
    assert_eq!(err.http_status(), 400);
    let relay = OAuthErrorResponse::from_error(&err);
    flow.ledger.show("OAuthErrorResponse", &relay);
    assert_eq!(relay.status, 400);
    assert_eq!(
        serde_json::from_str::<Value>(&relay.to_json()).unwrap()["error"],
        "invalid_grant"
    );

    // That code is spent: when the browser brings it to the proxy, the proxy's exchange gets
    // invalid_grant and sends the client back with it (RFC 6749 §4.1.2.1), state and iss.
    let back = location(&flow.get(&callback_url));
    assert_eq!(without_query(&back), client.redirect_uri);
    let query = query_of(&back);
    assert_eq!(param(&query, "error"), Some("invalid_grant"));
    assert!(param(&query, "error_description").is_some());
    assert_eq!(param(&query, "state"), Some(attempt.state.as_str()));
    assert_eq!(param(&query, "iss"), Some(proxy.issuer.as_str()));
    assert_eq!(param(&query, "code"), None);

    UpstreamSet {
        original,
        refreshed,
        exchanged,
    }
}

/// Step 8: the upstream's opaque access token verified by RFC 7662 introspection and by the
/// userinfo endpoint, each once over the network; inactive tokens; the challenges.
fn opaque_tokens(flow: &Flow, set: &UpstreamSet) {
    let idp = &flow.idp;
    let proxy = &flow.proxy;
    let clock: Arc<dyn Clock> = Arc::clone(&flow.clock) as _;
    let introspection = |audience: &str, auth: ClientAuth, required: &[&str]| {
        let mut options = IntrospectionOptions::new(
            flow.upstream.introspection_endpoint.clone().unwrap(),
            CLIENT_ID,
        );
        options.client_auth = auth;
        options.issuers = vec![idp.issuer().to_owned()];
        options.audiences = vec![audience.to_owned()];
        options.required_scopes = strings(required);
        flow.ledger.show("IntrospectionOptions", &options);
        let introspector =
            Introspector::with_clock(options, Arc::clone(&flow.fetch), Arc::clone(&clock)).unwrap();
        flow.ledger.show("Introspector", &introspector);
        introspector
    };
    let basic = || ClientAuth::ClientSecretBasic(CLIENT_SECRET.into());
    let access = set.refreshed.access_token.expose();

    let introspector = introspection(&proxy.resource, basic(), &["openid"]);
    for _ in 0..2 {
        let token = introspector.verify(access).unwrap();
        flow.ledger.show("introspected VerifiedToken", &token);
        assert_eq!(token.source(), TokenSource::Introspection);
        assert_eq!(token.subject(), Some(USER));
        assert_eq!(token.issuer(), Some(idp.issuer()));
        assert_eq!(token.audience(), Some(proxy.resource.as_str()));
        assert_eq!(token.client_id(), Some(CLIENT_ID));
        assert_eq!(token.scopes(), UPSTREAM_SCOPES);
        assert_eq!(token.expires_at(), set.refreshed.expires_at);
        let user = UserInfo::from_claims(token.claims(), &ClaimMapping::default());
        assert_eq!(
            (user.user_id.as_deref(), user.username.as_deref()),
            (Some(USER), Some(USER))
        );
    }
    assert_eq!(
        idp.hits("POST /introspect"),
        1,
        "the second answer came from the cache"
    );

    // The exchanged token is for the other audience, not for this resource.
    let other = introspection(OTHER_AUDIENCE, basic(), &[]);
    assert_eq!(
        other.verify(&set.exchanged).unwrap().audience(),
        Some(OTHER_AUDIENCE)
    );
    let err = flow.ledger.failed(
        "exchanged token at the MCP resource",
        introspector.verify(&set.exchanged),
    );
    assert_eq!(
        (err.code(), err.claim_name()),
        ("ERR_JWT_CLAIM_VALIDATION_FAILED", Some("aud"))
    );

    // Inactive: the original access token (expired upstream), a revoked one, an unknown one.
    idp.revoke(&set.exchanged);
    let fresh = introspection(OTHER_AUDIENCE, basic(), &[]);
    let inactive = [
        set.original.access_token.expose(),
        set.exchanged.as_str(),
        "at_never-issued-by-this-provider",
    ];
    let mut inactive_error = None;
    for token in inactive {
        let err = flow.ledger.failed("inactive token", fresh.verify(token));
        assert_eq!((err.code(), err.http_status()), ("ERR_TOKEN_INACTIVE", 401));
        inactive_error = Some(err);
    }
    // Introspection without client authentication is refused by the provider.
    let anonymous = introspection(&proxy.resource, ClientAuth::None, &[]);
    let err = flow.ledger.failed(
        "introspection without client auth",
        anonymous.verify(access),
    );
    assert_eq!(err.code(), "ERR_INTROSPECTION_FAILED");

    let mut options = UserInfoOptions::new(flow.upstream.userinfo_endpoint.clone().unwrap());
    options.flavor = UserInfoFlavor::Oidc;
    let userinfo =
        UserInfoVerifier::with_clock(options, Arc::clone(&flow.fetch), Arc::clone(&clock)).unwrap();
    flow.ledger.show("UserInfoVerifier", &userinfo);
    for _ in 0..2 {
        let token = userinfo.verify(access).unwrap();
        flow.ledger.show("userinfo VerifiedToken", &token);
        assert_eq!(token.source(), TokenSource::UserInfo);
        assert_eq!(token.subject(), Some(USER));
        let user = UserInfo::from_claims(token.claims(), &ClaimMapping::default());
        assert_eq!(user.email.as_deref(), Some(USER_EMAIL));
        assert_eq!(user.name.as_deref(), Some(USER_NAME));
        assert_eq!(user.email_verified, Some(true));
    }
    assert_eq!(
        idp.hits("GET /userinfo"),
        1,
        "the second answer came from the cache"
    );
    for token in inactive {
        let err = flow
            .ledger
            .failed("userinfo, inactive token", userinfo.verify(token));
        assert_eq!((err.code(), err.http_status()), ("ERR_TOKEN_INACTIVE", 401));
    }

    // The challenges a resource server answers with, all pointing at its metadata.
    let prm = proxy.prm_url.as_str();
    let escape = |text: &str| text.replace('\\', "\\\\").replace('"', "\\\"");
    let challenge = |err: &Error| {
        let challenge = BearerChallenge::from_error(err, prm);
        flow.ledger.show("BearerChallenge", &challenge);
        flow.ledger
            .text("BearerChallenge (Display)", &challenge.to_string());
        challenge
    };
    let missing = flow.ledger.failed("no token", bearer_token(None));
    let c = challenge(&missing);
    assert_eq!(
        (c.status, c.header_value()),
        (401, format!(r#"Bearer resource_metadata="{prm}""#))
    );

    let invalid = inactive_error.unwrap();
    let c = challenge(&invalid);
    let expected = format!(
        r#"Bearer error="invalid_token", error_description="{}", resource_metadata="{prm}""#,
        escape(&invalid.public_description())
    );
    assert_eq!((c.status, c.header_value()), (401, expected));

    let admin = introspection(&proxy.resource, basic(), &["mcp:admin"]);
    let insufficient = flow
        .ledger
        .failed("insufficient scope", admin.verify(access));
    assert_eq!(insufficient.code(), "ERR_INSUFFICIENT_SCOPE");
    let c = challenge(&insufficient);
    let expected = format!(
        r#"Bearer error="insufficient_scope", error_description="{}", scope="mcp:admin", resource_metadata="{prm}""#,
        escape(&insufficient.public_description())
    );
    assert_eq!((c.status, c.header_value()), (403, expected));
}

/// Runs the whole flow and hands back what it recorded.
fn run_flow() -> Arc<Ledger> {
    let flow = start();
    let client = client_registers(&flow);
    let attempt = authorize_via_proxy(&flow, &client);
    let callback_url = upstream_authorizes(&flow, &client, &attempt);
    let proxy_code = proxy_redeems_upstream_code(&flow, &client, &attempt, &callback_url);
    let access_token = client_redeems_proxy_code(&flow, &client, &attempt, &proxy_code);
    resource_verifies(&flow, &client, &access_token);
    let set = refresh_exchange_and_errors(&flow, &client);
    opaque_tokens(&flow, &set);
    Arc::clone(&flow.ledger)
}

#[test]
fn authorization_code_flow_through_the_proxy_with_refresh_exchange_and_opaque_tokens() {
    let ledger = run_flow();
    // Every kind of secret passed through the flow.
    let secrets = ledger.secrets.lock().unwrap();
    for kind in [
        "client secret",
        "state key",
        "client PKCE verifier",
        "upstream PKCE verifier",
        "upstream authorization code",
        "proxy authorization code",
        "upstream access token",
        "upstream ID token",
        "upstream refresh token",
        "rotated refresh token",
        "exchanged access token",
        "proxy access token",
    ] {
        assert!(secrets.iter().any(|(what, _)| what == kind), "{kind}");
    }
}

#[test]
fn no_secret_in_any_debug_output_or_error_message_of_the_flow() {
    let ledger = run_flow();
    let secrets = ledger.secrets.lock().unwrap();
    let shown = ledger.shown.lock().unwrap();
    assert!(
        shown.len() > 100,
        "the flow recorded only {} outputs",
        shown.len()
    );
    let errors = shown
        .iter()
        .filter(|(what, _)| what.ends_with("(message)"))
        .count();
    assert!(errors > 20, "the flow recorded only {errors} errors");
    let mut leaks = Vec::new();
    for (what_secret, secret) in secrets.iter() {
        for (what, text) in shown.iter() {
            if text.contains(secret.as_str()) {
                leaks.push(format!("{what} shows the {what_secret}: {text}"));
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "{} leaks:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
}

// ---------------------------------------------------------------------------------------
// Identified clients: client id metadata documents and sealed registrations.
// ---------------------------------------------------------------------------------------

/// A loopback redirect URI for the client, and the listener that holds its port.
fn loopback_redirect() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let uri = format!(
        "http://127.0.0.1:{}/callback",
        listener.local_addr().unwrap().port()
    );
    (listener, uri)
}

/// The proxy's metadata as the client discovers it; an identifying proxy says it takes
/// client id metadata documents and sends `iss` back (RFC 9207).
fn discover_proxy(flow: &Flow) -> ProviderMetadata {
    let server = discover(
        &flow.proxy.issuer,
        flow.fetch.as_ref(),
        &DiscoveryOptions::default(),
    )
    .unwrap();
    assert_eq!(server.raw["client_id_metadata_document_supported"], true);
    assert_eq!(
        server.raw["authorization_response_iss_parameter_supported"],
        true
    );
    server
}

/// The client's authorization request to the proxy with `redirect_uri`, and the proxy's
/// answer as it came.
fn ask_proxy(flow: &Flow, client: &McpClient, redirect_uri: &str) -> (Attempt, HttpResponse) {
    let verifier = PkceVerifier::generate().unwrap();
    flow.ledger
        .secret("client PKCE verifier", verifier.expose());
    let state = random_state().unwrap();
    let endpoint = client.server.authorization_endpoint.clone().unwrap();
    let mut request = AuthorizationRequest::new(endpoint, &client.client_id, redirect_uri, &state);
    request.scopes = strings(CLIENT_SCOPES);
    request.pkce_challenge = Some(verifier.challenge());
    request.resources = vec![flow.proxy.resource.clone()];
    let response = flow.get(&request.url().unwrap());
    let upstream_url = response.header("location").unwrap_or_default().to_owned();
    (
        Attempt {
            verifier,
            state,
            upstream_url,
        },
        response,
    )
}

/// The proxy refused an authorization request on its own page: this status and OAuth
/// error, no redirect anywhere, nothing asked of the upstream.
fn assert_refused_here(response: &HttpResponse, status: u16, error: &str) -> String {
    assert_eq!(response.status, status, "{}", body_text(response));
    assert_eq!(response.header("location"), None);
    let body = body_json(response);
    assert_eq!(body["error"], error, "{body}");
    body["error_description"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// From the upstream's consent to a token the MCP endpoint accepts: the proxy redirects the
/// client back with its code, `state` and `iss`; the client redeems the code; the token is
/// verified over the proxy's JWKS and accepted by `/mcp`. Returns the token's `client_id`.
fn sign_in(flow: &Flow, client: &McpClient, attempt: &Attempt, callback_url: &str) -> String {
    let proxy = &flow.proxy;
    let back = location(&flow.get(callback_url));
    assert_eq!(without_query(&back), client.redirect_uri);
    let query = query_of(&back);
    assert_eq!(param(&query, "error"), None, "{back}");
    assert_eq!(param(&query, "state"), Some(attempt.state.as_str()));
    assert_eq!(param(&query, "iss"), Some(proxy.issuer.as_str()));
    let code = param(&query, "code").unwrap().to_owned();
    flow.ledger.secret("proxy authorization code", &code);

    let grant = Grant::AuthorizationCode {
        code: code.into(),
        redirect_uri: client.redirect_uri.clone(),
        pkce_verifier: Some(attempt.verifier.clone()),
    };
    let endpoint = client.server.token_endpoint.clone().unwrap();
    let mut request = TokenRequest::new(endpoint, &client.client_id, grant);
    request.resources = vec![proxy.resource.clone()];
    let tokens = flow.token_call(&request).unwrap();
    let access_token = tokens.access_token.expose().to_owned();
    flow.ledger.secret("proxy access token", &access_token);

    let jwks = RemoteJwks::with_parts(
        client.server.jwks_uri.as_deref().unwrap(),
        RemoteJwksOptions::default(),
        Arc::clone(&flow.fetch),
        Arc::clone(&flow.clock) as Arc<dyn Clock>,
    )
    .unwrap();
    let verifier = Verifier::new(
        KeySource::Remote(Arc::new(jwks)),
        VerifierOptions {
            issuers: vec![proxy.issuer.clone()],
            audiences: vec![proxy.resource.clone()],
            typ: TypPolicy::StrictAccessToken,
            ..VerifierOptions::default()
        },
    )
    .unwrap();
    let verified = verifier.verify(&access_token).unwrap();
    assert_eq!(verified.subject(), Some(USER));
    assert_eq!(verified.scopes(), CLIENT_SCOPES);
    let answer = flow.get_with_bearer(&proxy.resource, &access_token);
    assert_eq!(answer.status, 200, "{}", body_text(&answer));
    verified.client_id().unwrap().to_owned()
}

/// No secret the flow handled shows up in anything it recorded.
fn assert_no_leaks(ledger: &Ledger) {
    let secrets = ledger.secrets.lock().unwrap();
    let shown = ledger.shown.lock().unwrap();
    for (what_secret, secret) in secrets.iter() {
        for (what, text) in shown.iter() {
            assert!(
                !text.contains(secret.as_str()),
                "{what} shows the {what_secret}: {text}"
            );
        }
    }
}

/// The consent the proxy recorded last.
fn last_consent(flow: &Flow) -> Consent {
    flow.proxy.consents.lock().unwrap().last().cloned().unwrap()
}

/// The documents a client publishes on 127.0.0.1, counted by path.
struct ClientSite {
    origin: String,
    hits: Arc<std::sync::Mutex<Vec<String>>>,
    _server: http_loopback::Server,
}

impl ClientSite {
    fn start() -> ClientSite {
        let listener = bind();
        let origin = listener.origin();
        let hits = Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = Arc::clone(&hits);
        let base = origin.clone();
        let server = serve(listener, move |request: &http_loopback::Request| {
            log.lock().unwrap().push(request.path.clone());
            // The loopback server's JSON answers say no-store; these are cacheable.
            let json_doc = |status: u16, body: Value| {
                http_loopback::Response::new(status, body.to_string())
                    .with_header("Content-Type", "application/json")
            };
            let doc = |client_id: &str| {
                json!({
                    "client_id": client_id,
                    "client_name": "Loopback MCP Client",
                    "client_uri": "https://client.example/",
                    "redirect_uris": ["http://127.0.0.1/callback"],
                    "grant_types": ["authorization_code"],
                    "response_types": ["code"],
                    "token_endpoint_auth_method": "none",
                })
            };
            match request.path.as_str() {
                "/oauth/client.json" => json_doc(200, doc(&format!("{base}/oauth/client.json")))
                    .with_header("Cache-Control", "public, max-age=60"),
                // Serves another client's document: its client_id is not this URL.
                "/oauth/impostor.json" => json_doc(200, doc(&format!("{base}/oauth/client.json"))),
                "/oauth/moved.json" => redirect(&format!("{base}/oauth/client.json")),
                "/oauth/secret.json" => {
                    let mut body = doc(&format!("{base}/oauth/secret.json"));
                    body["token_endpoint_auth_method"] = "client_secret_basic".into();
                    json_doc(200, body)
                }
                _ => http_loopback::Response::json(404, json!({"error": "not_found"})),
            }
        });
        ClientSite {
            origin,
            hits,
            _server: server,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    fn hits(&self, path: &str) -> usize {
        self.hits
            .lock()
            .unwrap()
            .iter()
            .filter(|p| *p == path)
            .count()
    }
}

#[test]
fn client_identified_by_a_metadata_document_on_loopback_through_to_a_verified_token() {
    let flow = start_with(ClientMode::Identified);
    let site = ClientSite::start();
    let (listener, redirect_uri) = loopback_redirect();
    let client = McpClient {
        client_id: site.url("/oauth/client.json"),
        redirect_uri: redirect_uri.clone(),
        server: discover_proxy(&flow),
        _redirect_listener: listener,
    };

    // The proxy fetches the document (on 127.0.0.1: the loopback opt-in), finds the redirect
    // URI in it (loopback, any port), and records what the consent page shows.
    let (attempt, answer) = ask_proxy(&flow, &client, &redirect_uri);
    assert_eq!(answer.status, 302, "{}", body_text(&answer));
    assert_eq!(site.hits("/oauth/client.json"), 1);
    assert_eq!(
        last_consent(&flow),
        Consent {
            client_id: client.client_id.clone(),
            client_name: Some("Loopback MCP Client".into()),
            client_uri: Some("https://client.example/".into()),
            redirect_uri: redirect_uri.clone(),
            verification: ClientVerification::VerifiedUrl,
            scopes: strings(CLIENT_SCOPES),
        }
    );
    let (callback_url, _, sealed) = upstream_approves(&flow, &attempt);
    let opened = ProxyState::open(&flow.proxy.state_key, &sealed, flow.now()).unwrap();
    assert_eq!(opened.state.client_id, client.client_id);
    assert_eq!(opened.state.redirect_uri, redirect_uri);
    let token_client = sign_in(&flow, &client, &attempt, &callback_url);
    assert_eq!(token_client, client.client_id);

    // Cached by its Cache-Control (max-age=60) on the proxy's clock: no fetch within the
    // minute, one more after it.
    let (_, answer) = ask_proxy(&flow, &client, &redirect_uri);
    assert_eq!(answer.status, 302);
    assert_eq!(site.hits("/oauth/client.json"), 1);
    flow.clock.set_secs(flow.now() + 61);
    let (_, answer) = ask_proxy(&flow, &client, &redirect_uri);
    assert_eq!(answer.status, 302);
    assert_eq!(site.hits("/oauth/client.json"), 2);

    // A redirect URI the document does not list: invalid_request, answered here.
    let port = redirect_uri.rsplit(':').next().unwrap();
    let elsewhere = format!("http://127.0.0.1:{port}");
    for other in [
        format!("{elsewhere}/other"),
        "https://evil.example/callback".into(),
    ] {
        let (_, answer) = ask_proxy(&flow, &client, &other);
        let description = assert_refused_here(&answer, 400, "invalid_request");
        assert!(description.contains("metadata document"), "{description}");
    }
    let refusals = flow.proxy.consents.lock().unwrap().len();
    assert_eq!(refusals, 3, "only accepted requests reach the consent page");

    // Documents that fail a check, and URLs never fetched: invalid_client, answered here.
    let cases = [
        (site.url("/oauth/impostor.json"), "client_id"),
        (site.url("/oauth/moved.json"), "status"),
        (site.url("/oauth/missing.json"), "status"),
        (site.url("/oauth/secret.json"), "token_endpoint_auth_method"),
        ("https://10.0.0.1/oauth/client.json".into(), "address"),
        (
            "https://169.254.169.254/latest/meta-data/x".into(),
            "address",
        ),
        (site.url("/"), "client_id_url"),
    ];
    for (client_id, reason) in cases {
        let other = McpClient {
            client_id: client_id.clone(),
            redirect_uri: redirect_uri.clone(),
            server: client.server.clone(),
            _redirect_listener: TcpListener::bind("127.0.0.1:0").unwrap(),
        };
        let (_, answer) = ask_proxy(&flow, &other, &redirect_uri);
        assert_refused_here(&answer, 401, "invalid_client");
        let refused = flow
            .ledger
            .shown
            .lock()
            .unwrap()
            .iter()
            .rev()
            .find(|(what, _)| what == "proxy: authorize (Debug)")
            .map(|(_, text)| text.clone())
            .unwrap();
        assert!(
            refused.contains(&format!("reason: {reason:?}")),
            "{client_id}: {refused}"
        );
    }
    // The redirect was not followed, and nothing was fetched for the refused addresses.
    assert_eq!(site.hits("/oauth/client.json"), 2);
    assert_eq!(site.hits("/oauth/moved.json"), 1);
    assert_eq!(site.hits("/"), 0);
    assert_eq!(flow.idp.hits("POST /token"), 1);
    assert_no_leaks(&flow.ledger);
}

#[test]
fn registered_client_is_held_to_its_own_redirect_uri_through_to_a_verified_token() {
    let flow = start_with(ClientMode::Identified);
    let proxy = &flow.proxy;
    let server = discover_proxy(&flow);
    let (listener, redirect_uri) = loopback_redirect();

    // RFC 7591: the client registers a loopback redirect URI (any port, RFC 8252 §7.3) and
    // gets a client id of its own, the registration sealed in it.
    let mut register = HttpRequest::get(server.registration_endpoint.clone().unwrap());
    register.method = Method::Post;
    register
        .headers
        .push(("Content-Type".into(), "application/json".into()));
    register.body = json!({
        "redirect_uris": ["http://127.0.0.1/callback"],
        "client_name": "Registered MCP Client",
        "token_endpoint_auth_method": "none",
    })
    .to_string()
    .into_bytes();
    let registered = flow.send(&register);
    assert_eq!(registered.status, 201, "{}", body_text(&registered));
    let registered = body_json(&registered);
    let client_id = registered["client_id"].as_str().unwrap().to_owned();
    assert_ne!(client_id, PROXY_CLIENTS_ID);
    let opened = RegisteredClient::open(&proxy.state_key, &client_id, flow.now()).unwrap();
    assert_eq!(opened.redirect_uris, ["http://127.0.0.1/callback"]);
    assert_eq!(opened.client_name.as_deref(), Some("Registered MCP Client"));
    assert_eq!(opened.issued_at, flow.now());
    let client = McpClient {
        client_id: client_id.clone(),
        redirect_uri: redirect_uri.clone(),
        server,
        _redirect_listener: listener,
    };

    // Another redirect URI, one the policy accepts but the client never registered: refused
    // on the proxy's page, never redirected to, nothing asked of the upstream.
    let port = redirect_uri.rsplit(':').next().unwrap();
    for other in [
        "https://attacker.example/callback".to_owned(),
        format!("http://127.0.0.1:{port}/steal"),
        format!("http://localhost:{port}"),
    ] {
        let (_, answer) = ask_proxy(&flow, &client, &other);
        let description = assert_refused_here(&answer, 400, "invalid_request");
        assert!(description.contains("did not register"), "{description}");
    }
    assert!(flow.idp.authorize_requests().is_empty());
    assert!(proxy.consents.lock().unwrap().is_empty());

    // Forged client ids: altered, sealed by another deployment, the shared id of the
    // pre-registered mode, a registration for the attacker's URI under a foreign key.
    let mut altered = client_id.clone().into_bytes();
    altered[4] = if altered[4] == b'A' { b'B' } else { b'A' };
    let foreign_key = StateKey::generate().unwrap();
    let attacker = ClientRegistrationRequest::parse(
        br#"{"redirect_uris":["https://attacker.example/callback"]}"#,
    )
    .unwrap();
    let foreign = ClientRegistration::sealed(
        &attacker,
        &foreign_key,
        &RedirectUriPolicy::default(),
        flow.now(),
        &SealedRegistrationOptions::default(),
    )
    .unwrap()
    .client_id;
    for (forged, redirect) in [
        (String::from_utf8(altered).unwrap(), redirect_uri.as_str()),
        (foreign, "https://attacker.example/callback"),
        (PROXY_CLIENTS_ID.to_owned(), redirect_uri.as_str()),
    ] {
        let other = McpClient {
            client_id: forged,
            redirect_uri: redirect.to_owned(),
            server: client.server.clone(),
            _redirect_listener: TcpListener::bind("127.0.0.1:0").unwrap(),
        };
        let (_, answer) = ask_proxy(&flow, &other, redirect);
        assert_refused_here(&answer, 401, "invalid_client");
    }

    // Its own redirect URI, on the port it runs on today: accepted, and the consent page is
    // told the registration is self-asserted.
    let (attempt, answer) = ask_proxy(&flow, &client, &redirect_uri);
    assert_eq!(answer.status, 302, "{}", body_text(&answer));
    assert_eq!(
        last_consent(&flow),
        Consent {
            client_id: client_id.clone(),
            client_name: Some("Registered MCP Client".into()),
            client_uri: None,
            redirect_uri: redirect_uri.clone(),
            verification: ClientVerification::SelfAsserted,
            scopes: strings(CLIENT_SCOPES),
        }
    );
    let (callback_url, _, _) = upstream_approves(&flow, &attempt);

    // RFC 9207 on the upstream leg: the upstream names itself in `iss`; a response carrying
    // another issuer (a mix-up) or none (it promised one) is refused before the code is
    // spent.
    let pairs = query_of(&callback_url);
    assert_eq!(param(&pairs, "iss"), Some(flow.idp.issuer()));
    let with_iss = |iss: Option<&str>| {
        let kept: Vec<(&str, &str)> = pairs
            .iter()
            .filter(|(k, _)| k != "iss")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain(iss.map(|i| ("iss", i)))
            .collect();
        url_with(&proxy.callback, &kept)
    };
    for iss in [Some("https://attacker.example"), None] {
        let answer = flow.get(&with_iss(iss));
        assert_refused_here(&answer, 400, "invalid_request");
    }
    assert_eq!(flow.idp.hits("POST /token"), 0);

    let token_client = sign_in(&flow, &client, &attempt, &callback_url);
    assert_eq!(token_client, client_id);
    assert_eq!(flow.idp.hits("POST /token"), 1);
    assert_no_leaks(&flow.ledger);
}
