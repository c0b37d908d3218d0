//! A local upstream OpenID provider for the end-to-end tests, on 127.0.0.1, in the test
//! process: what Google or Okta is to an MCP server that fronts them as an OAuth proxy.
//!
//! It serves discovery, its JWKS, `GET /authorize` (auto-approving the user "alice" after
//! checking the client, the redirect URI, PKCE `S256` and a nonce), `POST /token`
//! (`authorization_code` with the PKCE verifier, `refresh_token` with rotation, RFC 8693
//! token exchange; `client_secret_basic` only, decoded as RFC 6749 §2.3.1 says), RFC 7662
//! `POST /introspect` and `GET /userinfo`. Its access tokens are opaque random strings.
//!
//! It checks what the core sends with its own code (PKCE, `at_hash`, the Basic credentials'
//! form decoding), never with the core's helpers, so a bug on one side cannot cancel out
//! the same bug on the other. Time comes from the test's manual clock.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use http_loopback::{Handler, Listener, Options, Request, Response, Server};
use mcp_bearer::clock::{Clock, ManualClock};
use mcp_bearer::{Algorithm, SigningKey};
use serde_json::{Map, Value, json};

/// The proxy's client id at the provider.
pub(crate) const CLIENT_ID: &str = "mcp-proxy.apps.idp.test";
/// The proxy's client secret. `:`, `%`, space and `+` each change meaning unless the client
/// form-encodes the secret before base64 (RFC 6749 §2.3.1), so a client that skips the
/// encoding is refused.
pub(crate) const CLIENT_SECRET: &str = "SECRET:client %41 pass+word/=";
/// The one user, approved without a login page.
pub(crate) const USER: &str = "alice";
pub(crate) const USER_EMAIL: &str = "alice@example.test";
pub(crate) const USER_NAME: &str = "Alice Liddell";
/// How long access and ID tokens live.
pub(crate) const TOKEN_TTL: u64 = 3600;
/// How long an authorization code may wait to be redeemed.
const CODE_TTL: u64 = 60;
/// RFC 8693 §2.1 and §3.
pub(crate) const TOKEN_EXCHANGE_GRANT: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
pub(crate) const ACCESS_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";

/// An authorization code and what it was issued for.
struct CodeGrant {
    redirect_uri: String,
    code_challenge: String,
    nonce: String,
    scopes: Vec<String>,
    resources: Vec<String>,
    offline: bool,
    expires_at: u64,
}

/// An opaque access token's record.
#[derive(Clone)]
struct AccessGrant {
    scopes: Vec<String>,
    audiences: Vec<String>,
    issued_at: u64,
    expires_at: u64,
    revoked: bool,
}

/// A refresh token's record.
struct RefreshGrant {
    scopes: Vec<String>,
    audiences: Vec<String>,
}

/// The provider's state, shared by its connection threads and the test.
struct Provider {
    issuer: String,
    key: SigningKey,
    clock: Arc<ManualClock>,
    redirect_uris: Mutex<Vec<String>>,
    codes: Mutex<HashMap<String, CodeGrant>>,
    access: Mutex<HashMap<String, AccessGrant>>,
    refresh: Mutex<HashMap<String, RefreshGrant>>,
    hits: Mutex<HashMap<String, usize>>,
    authorize_log: Mutex<Vec<Vec<(String, String)>>>,
}

/// The running provider. Stops serving when dropped.
pub(crate) struct UpstreamIdp {
    provider: Arc<Provider>,
    _server: Server,
}

impl UpstreamIdp {
    /// Starts the provider on a free port of 127.0.0.1, reading the time from `clock`.
    pub(crate) fn start(clock: Arc<ManualClock>) -> UpstreamIdp {
        let listener = bind();
        let provider = Arc::new(Provider {
            issuer: listener.origin(),
            key: SigningKey::generate(Algorithm::RS256).expect("RS256 key"),
            clock,
            redirect_uris: Mutex::new(Vec::new()),
            codes: Mutex::new(HashMap::new()),
            access: Mutex::new(HashMap::new()),
            refresh: Mutex::new(HashMap::new()),
            hits: Mutex::new(HashMap::new()),
            authorize_log: Mutex::new(Vec::new()),
        });
        let handler = Arc::clone(&provider);
        let server = serve(listener, move |request: &Request| handler.handle(request));
        UpstreamIdp {
            provider,
            _server: server,
        }
    }

    /// The issuer, `http://127.0.0.1:port` (no trailing slash).
    pub(crate) fn issuer(&self) -> &str {
        &self.provider.issuer
    }

    /// Registers `uri` as a redirect URI of [`CLIENT_ID`].
    pub(crate) fn allow_redirect_uri(&self, uri: &str) {
        self.provider
            .redirect_uris
            .lock()
            .unwrap()
            .push(uri.to_owned());
    }

    /// How many requests `route` (`POST /introspect`) has served.
    pub(crate) fn hits(&self, route: &str) -> usize {
        self.provider
            .hits
            .lock()
            .unwrap()
            .get(route)
            .copied()
            .unwrap_or(0)
    }

    /// The query of every authorization request received, in order.
    pub(crate) fn authorize_requests(&self) -> Vec<Vec<(String, String)>> {
        self.provider.authorize_log.lock().unwrap().clone()
    }

    /// Revokes an access token (as a user signing out would).
    pub(crate) fn revoke(&self, access_token: &str) {
        if let Some(grant) = self.provider.access.lock().unwrap().get_mut(access_token) {
            grant.revoked = true;
        }
    }

    /// The private `d` of the signing key, for the redaction test.
    pub(crate) fn private_key_material(&self) -> String {
        self.provider.key.private_jwk()["d"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

impl Provider {
    /// The answer to `request`, counted by `METHOD /path`.
    fn handle(&self, request: &Request) -> Response {
        *self
            .hits
            .lock()
            .unwrap()
            .entry(format!("{} {}", request.method, request.path))
            .or_default() += 1;
        match (request.method.as_str(), request.path.as_str()) {
            ("GET", "/.well-known/openid-configuration") => self.discovery(),
            ("GET", "/jwks") => Response::json(200, json!({ "keys": [self.key.public_jwk()] })),
            ("GET", "/authorize") => self.authorize(request),
            ("POST", "/token") => self.token(request),
            ("POST", "/introspect") => self.introspect(request),
            ("GET", "/userinfo") => self.userinfo(request),
            _ => not_found(),
        }
    }

    fn now(&self) -> u64 {
        self.clock.now_secs()
    }

    fn discovery(&self) -> Response {
        let iss = &self.issuer;
        Response::json(
            200,
            json!({
                "issuer": iss,
                "authorization_endpoint": format!("{iss}/authorize"),
                "token_endpoint": format!("{iss}/token"),
                "jwks_uri": format!("{iss}/jwks"),
                "introspection_endpoint": format!("{iss}/introspect"),
                "userinfo_endpoint": format!("{iss}/userinfo"),
                "response_types_supported": ["code"],
                "grant_types_supported":
                    ["authorization_code", "refresh_token", TOKEN_EXCHANGE_GRANT],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
                "introspection_endpoint_auth_methods_supported": ["client_secret_basic"],
                "scopes_supported": ["openid", "email", "profile", "offline_access"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "authorization_response_iss_parameter_supported": true,
            }),
        )
    }

    /// RFC 6749 §4.1.1 with RFC 7636 and OIDC Core §3.1.2.1; the user approves at once.
    fn authorize(&self, request: &Request) -> Response {
        let q = &request.query;
        self.authorize_log.lock().unwrap().push(q.clone());
        // RFC 6749 §4.1.2.1: with an unknown client or redirect URI, never redirect.
        if param(q, "client_id") != Some(CLIENT_ID) {
            return Response::oauth_error(400, "invalid_request", "unknown client_id");
        }
        let registered = self.redirect_uris.lock().unwrap().clone();
        let Some(redirect_uri) =
            param(q, "redirect_uri").filter(|u| registered.iter().any(|r| r == u))
        else {
            return Response::oauth_error(400, "invalid_request", "redirect_uri is not registered");
        };
        let state = param(q, "state");
        // RFC 9207: every response to the redirect URI names this issuer.
        let iss = self.issuer.as_str();
        let refuse = |error: &str, description: &str| {
            redirect(&with_query(
                redirect_uri,
                &[
                    ("error", error),
                    ("error_description", description),
                    ("iss", iss),
                ],
                state,
            ))
        };
        if param(q, "response_type") != Some("code") {
            return refuse("unsupported_response_type", "only response_type=code");
        }
        let scopes = split_scopes(param(q, "scope").unwrap_or(""));
        if !scopes.iter().any(|s| s == "openid") {
            return refuse(
                "invalid_scope",
                "this provider serves OpenID Connect: ask for openid",
            );
        }
        let challenge = match (
            param(q, "code_challenge"),
            param(q, "code_challenge_method"),
        ) {
            (Some(c), Some("S256")) if c.len() == 43 && is_base64url(c) => c.to_owned(),
            _ => {
                return refuse(
                    "invalid_request",
                    "PKCE with code_challenge_method=S256 is required",
                );
            }
        };
        let Some(nonce) = param(q, "nonce").filter(|n| !n.is_empty()) else {
            return refuse("invalid_request", "a nonce is required");
        };
        let code = random_token("code_");
        let grant = CodeGrant {
            redirect_uri: redirect_uri.to_owned(),
            code_challenge: challenge,
            nonce: nonce.to_owned(),
            offline: param(q, "access_type") == Some("offline")
                || scopes.iter().any(|s| s == "offline_access"),
            scopes,
            resources: params(q, "resource")
                .into_iter()
                .map(str::to_owned)
                .collect(),
            expires_at: self.now() + CODE_TTL,
        };
        self.codes.lock().unwrap().insert(code.clone(), grant);
        redirect(&with_query(
            redirect_uri,
            &[("code", &code), ("iss", iss)],
            state,
        ))
    }

    /// RFC 6749 §3.2: client authentication first, then the grant.
    fn token(&self, request: &Request) -> Response {
        let form = request.form();
        if let Err(refused) = authenticate_client(request, &form) {
            return refused;
        }
        match param(&form, "grant_type") {
            Some("authorization_code") => self.redeem_code(&form),
            Some("refresh_token") => self.refresh(&form),
            Some(TOKEN_EXCHANGE_GRANT) => self.exchange(&form),
            _ => Response::oauth_error(400, "unsupported_grant_type", "unsupported grant_type"),
        }
    }

    /// RFC 6749 §4.1.3 and RFC 7636 §4.6.
    fn redeem_code(&self, form: &[(String, String)]) -> Response {
        let Some(code) = param(form, "code") else {
            return Response::oauth_error(400, "invalid_request", "code is missing");
        };
        // Single use: the code is gone whether or not the rest of the request is right.
        let Some(grant) = self.codes.lock().unwrap().remove(code) else {
            return invalid_grant("the authorization code is unknown, expired or already used");
        };
        if self.now() >= grant.expires_at {
            return invalid_grant("the authorization code expired");
        }
        if param(form, "redirect_uri") != Some(grant.redirect_uri.as_str()) {
            return invalid_grant("redirect_uri differs from the authorization request's");
        }
        let Some(verifier) = param(form, "code_verifier") else {
            return invalid_grant("code_verifier is missing (RFC 7636 §4.5)");
        };
        if s256(verifier) != grant.code_challenge {
            return invalid_grant("the code_verifier does not match the code_challenge");
        }
        let audiences = if grant.resources.is_empty() {
            vec![CLIENT_ID.to_owned()]
        } else {
            grant.resources.clone()
        };
        let mut body = self.issue_access(&grant.scopes, &audiences);
        let access = body["access_token"].as_str().unwrap_or_default().to_owned();
        body["id_token"] = Value::String(self.id_token(&grant.nonce, &access));
        if grant.offline {
            body["refresh_token"] = Value::String(self.issue_refresh(&grant.scopes, &audiences));
        }
        Response::json(200, &body)
    }

    /// RFC 6749 §6, rotating the refresh token (OAuth 2.1 §4.3.1).
    fn refresh(&self, form: &[(String, String)]) -> Response {
        let Some(token) = param(form, "refresh_token") else {
            return Response::oauth_error(400, "invalid_request", "refresh_token is missing");
        };
        let Some(grant) = self.refresh.lock().unwrap().remove(token) else {
            return invalid_grant("the refresh token is unknown or was already rotated");
        };
        let scopes = match param(form, "scope") {
            None => grant.scopes.clone(),
            Some(asked) => {
                let asked = split_scopes(asked);
                if !asked.iter().all(|s| grant.scopes.contains(s)) {
                    return Response::oauth_error(
                        400,
                        "invalid_scope",
                        "more scopes than were granted",
                    );
                }
                asked
            }
        };
        let mut body = self.issue_access(&scopes, &grant.audiences);
        body["refresh_token"] = Value::String(self.issue_refresh(&grant.scopes, &grant.audiences));
        Response::json(200, &body)
    }

    /// RFC 8693 §2.1: an active access token of this provider for one aimed at another
    /// audience.
    fn exchange(&self, form: &[(String, String)]) -> Response {
        let (Some(subject), Some(ACCESS_TOKEN_TYPE)) = (
            param(form, "subject_token"),
            param(form, "subject_token_type"),
        ) else {
            return Response::oauth_error(
                400,
                "invalid_request",
                "an access token subject_token is required",
            );
        };
        if param(form, "requested_token_type").is_some_and(|t| t != ACCESS_TOKEN_TYPE) {
            return Response::oauth_error(400, "invalid_request", "only access tokens are issued");
        }
        let Some(subject) = self.active(subject) else {
            return invalid_grant("the subject_token is not an active access token");
        };
        let mut audiences: Vec<String> = params(form, "audience")
            .into_iter()
            .chain(params(form, "resource"))
            .map(str::to_owned)
            .collect();
        if audiences.is_empty() {
            audiences.clone_from(&subject.audiences);
        }
        let scopes = match param(form, "scope") {
            None => subject.scopes.clone(),
            Some(asked) => {
                let asked = split_scopes(asked);
                if !asked.iter().all(|s| subject.scopes.contains(s)) {
                    return Response::oauth_error(
                        400,
                        "invalid_scope",
                        "more scopes than the subject has",
                    );
                }
                asked
            }
        };
        let mut body = self.issue_access(&scopes, &audiences);
        body["issued_token_type"] = ACCESS_TOKEN_TYPE.into();
        Response::json(200, &body)
    }

    /// RFC 7662 §2: for an authenticated client only.
    fn introspect(&self, request: &Request) -> Response {
        let form = request.form();
        if let Err(refused) = authenticate_client(request, &form) {
            return refused;
        }
        let token = param(&form, "token").unwrap_or_default();
        let Some(grant) = self.active(token) else {
            return Response::json(200, json!({ "active": false }));
        };
        Response::json(
            200,
            json!({
                "active": true,
                "scope": grant.scopes.join(" "),
                "client_id": CLIENT_ID,
                "username": USER,
                "sub": USER,
                "aud": grant.audiences,
                "iss": self.issuer,
                "iat": grant.issued_at,
                "exp": grant.expires_at,
                "token_type": "Bearer",
            }),
        )
    }

    /// OIDC Core §5.3.
    fn userinfo(&self, request: &Request) -> Response {
        let token = request
            .header("authorization")
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim());
        let Some(grant) = token.and_then(|t| self.active(t)) else {
            return Response::json(401, json!({ "error": "invalid_token" }))
                .with_header("WWW-Authenticate", r#"Bearer error="invalid_token""#);
        };
        if !grant.scopes.iter().any(|s| s == "openid") {
            return Response::json(403, json!({ "error": "insufficient_scope" }));
        }
        Response::json(
            200,
            json!({
                "sub": USER,
                "email": USER_EMAIL,
                "email_verified": true,
                "name": USER_NAME,
                "preferred_username": USER,
            }),
        )
    }

    /// The record of `token` when it is a live access token.
    fn active(&self, token: &str) -> Option<AccessGrant> {
        let now = self.now();
        self.access
            .lock()
            .unwrap()
            .get(token)
            .filter(|g| !g.revoked && now < g.expires_at)
            .cloned()
    }

    /// A new opaque access token, as the start of a token response.
    fn issue_access(&self, scopes: &[String], audiences: &[String]) -> Value {
        let now = self.now();
        let token = random_token("at_");
        let grant = AccessGrant {
            scopes: scopes.to_vec(),
            audiences: audiences.to_vec(),
            issued_at: now,
            expires_at: now + TOKEN_TTL,
            revoked: false,
        };
        self.access.lock().unwrap().insert(token.clone(), grant);
        json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": TOKEN_TTL,
            "scope": scopes.join(" "),
        })
    }

    fn issue_refresh(&self, scopes: &[String], audiences: &[String]) -> String {
        let token = random_token("rt_");
        let grant = RefreshGrant {
            scopes: scopes.to_vec(),
            audiences: audiences.to_vec(),
        };
        self.refresh.lock().unwrap().insert(token.clone(), grant);
        token
    }

    /// An ID token for the user (OIDC Core §2), with `at_hash` for `access_token` (§3.1.3.6).
    fn id_token(&self, nonce: &str, access_token: &str) -> String {
        let now = self.now();
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, access_token.as_bytes());
        let at_hash = URL_SAFE_NO_PAD.encode(&digest.as_ref()[..16]);
        let claims = json!({
            "iss": self.issuer,
            "sub": USER,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + TOKEN_TTL,
            "auth_time": now,
            "nonce": nonce,
            "at_hash": at_hash,
            "email": USER_EMAIL,
            "email_verified": true,
            "name": USER_NAME,
        });
        let Value::Object(claims) = claims else {
            unreachable!("a JSON object literal")
        };
        self.key
            .sign_jwt(&claims, &Map::new())
            .expect("signing the ID token")
    }
}

/// `client_secret_basic` (RFC 6749 §2.3.1): base64 of the form-encoded id, `:`, and the
/// form-encoded secret. Anything else is `invalid_client` with 401.
fn authenticate_client(request: &Request, form: &[(String, String)]) -> Result<(), Response> {
    let refused = || {
        Err(
            Response::oauth_error(401, "invalid_client", "client authentication failed")
                .with_header("WWW-Authenticate", r#"Basic realm="idp""#),
        )
    };
    let Some(credentials) = request
        .header("authorization")
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        .map(|(_, c)| c.trim())
    else {
        return refused();
    };
    if param(form, "client_secret").is_some() {
        return Err(Response::oauth_error(
            400,
            "invalid_request",
            "more than one client authentication method (RFC 6749 §2.3)",
        ));
    }
    let decoded = STANDARD
        .decode(credentials)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let Some((id, secret)) = decoded.as_deref().and_then(|d| d.split_once(':')) else {
        return refused();
    };
    let id_ok = form_decode(id).as_deref() == Some(CLIENT_ID);
    let secret_ok = form_decode(secret).as_deref() == Some(CLIENT_SECRET);
    let body_id_ok = param(form, "client_id").is_none_or(|body_id| body_id == CLIENT_ID);
    if id_ok && secret_ok && body_id_ok {
        Ok(())
    } else {
        refused()
    }
}

/// `application/x-www-form-urlencoded` decoding of one value: `+` is a space, `%XX` a byte.
/// `None` for a broken escape, so an unencoded `%` is not silently accepted.
fn form_decode(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return None;
                }
                out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// `BASE64URL(SHA256(verifier))` (RFC 7636 §4.2).
fn s256(verifier: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes());
    URL_SAFE_NO_PAD.encode(digest.as_ref())
}

fn is_base64url(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn split_scopes(scope: &str) -> Vec<String> {
    scope
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// 24 random bytes as base64url after `prefix`.
fn random_token(prefix: &str) -> String {
    let mut bytes = [0u8; 24];
    aws_lc_rs::rand::fill(&mut bytes).expect("random bytes");
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// `uri` with `pairs` and `state` appended to its query.
fn with_query(uri: &str, pairs: &[(&str, &str)], state: Option<&str>) -> String {
    let mut url = url::Url::parse(uri).expect("registered redirect URIs parse");
    {
        let mut query = url.query_pairs_mut();
        query.extend_pairs(pairs);
        if let Some(state) = state {
            query.append_pair("state", state);
        }
    }
    url.into()
}

fn invalid_grant(description: &str) -> Response {
    Response::oauth_error(400, "invalid_grant", description)
}

/// The test servers' limits: the shared defaults, with a request head of up to 64 KiB.
fn server_options() -> Options {
    Options {
        max_head_bytes: 64 * 1024,
        ..Options::default()
    }
}

/// A listening socket on a free port of 127.0.0.1, for a test server to be built on.
pub(crate) fn bind() -> Listener {
    Listener::bind(0).expect("bind 127.0.0.1:0")
}

/// Serves `handler` on `listener` until the returned server is dropped.
pub(crate) fn serve(listener: Listener, handler: impl Handler) -> Server {
    listener
        .serve(handler, server_options())
        .expect("start the test server")
}

/// The first value of `name` among `params`.
pub(crate) fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Every value of `name` among `params`.
pub(crate) fn params<'a>(params: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    params
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// 302 to `location`.
pub(crate) fn redirect(location: &str) -> Response {
    Response::new(302, Vec::new()).with_header("Location", location)
}

/// 404.
pub(crate) fn not_found() -> Response {
    Response::json(404, json!({"error": "not_found"}))
}
