//! The MCP server of the end-to-end tests: an OAuth proxy in front of the upstream identity
//! provider (DESIGN §4) and the MCP endpoint it protects, built from the core's pieces only,
//! the way a framework would wire them, and served on 127.0.0.1.
//!
//! - `GET /.well-known/oauth-protected-resource/mcp` (RFC 9728) and
//!   `GET /.well-known/oauth-authorization-server` (RFC 8414; no OIDC document, so clients
//!   take the fallback), `GET /jwks` (the keys of the tokens it signs);
//! - `POST /register`: RFC 7591 answered for the pre-registered client
//!   ([`ClientMode::PreRegistered`]), or with a sealed client id of the client's own
//!   ([`ClientMode::Identified`]);
//! - `GET /authorize`: the client's request checked (redirect URI policy, PKCE `S256`,
//!   `resource`; in [`ClientMode::Identified`], the client identified by its metadata
//!   document or its sealed registration, its redirect URI checked against its own list, and
//!   the consent it would be shown recorded), sealed into the `state`, and sent on to the
//!   upstream with the upstream leg's own PKCE challenge and nonce;
//! - `GET /oauth/callback`: the state opened, the upstream's `iss` checked (RFC 9207), the
//!   upstream code redeemed
//!   (`client_secret_basic`), the ID token validated, the upstream token set kept, the client
//!   sent back with the proxy's own code, or with the relayed error;
//! - `POST /token`: the client's code and PKCE verifier checked, the proxy's own access
//!   token minted;
//! - `GET /mcp` (needs `mcp:tools`), `GET /mcp/admin` (needs `mcp:admin`): the bearer token
//!   verified, or a `WWW-Authenticate` challenge.
//!
//! Everything it shows (values' `Debug`, errors) goes to a [`Ledger`], which the redaction
//! test searches for secrets.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use http_loopback::{Request, Response, Server};
use mcp_bearer::claims::{ClaimMapping, UserInfo};
use mcp_bearer::clock::{Clock, ManualClock};
use mcp_bearer::discovery::ProviderMetadata;
use mcp_bearer::id_token::{IdTokenValidator, IdTokenValidatorOptions};
use mcp_bearer::metadata::{
    AuthorizationServerMetadata, BearerChallenge, ProtectedResourceMetadata, bearer_token,
};
use mcp_bearer::net::{Fetch, HttpRequest, HttpResponse, UreqFetchOptions};
use mcp_bearer::oauth::{
    AuthorizationRequest, ClientAuth, ClientMetadataOptions, ClientMetadataResolver,
    ClientRegistration, ClientRegistrationRequest, Consent, DEFAULT_STATE_TTL_SECS, Grant,
    OAuthErrorResponse, PkceChallenge, PkceVerifier, ProxyClient, ProxyState, RedirectUriPolicy,
    SealedRegistrationOptions, SecretString, StateKey, TokenRequest, TokenResponse, UpstreamTokens,
    check_authorization_response_issuer, random_state,
};
use mcp_bearer::{
    Algorithm, Error, ErrorKind, KeySource, RemoteJwks, RemoteJwksOptions, SigningKey, TypPolicy,
    VerifiedToken, Verifier, VerifierOptions,
};
use serde_json::{Map, Value, json};

use crate::upstream_idp::{
    CLIENT_ID, CLIENT_SECRET, bind, not_found, param, params, redirect, serve,
};

/// The one client id the proxy hands every MCP client that registers (the upstream knows
/// only the proxy).
pub(crate) const PROXY_CLIENTS_ID: &str = "mcp-proxy-clients";
/// The proxy's state key: what every instance behind a load balancer shares.
pub(crate) const STATE_KEY: &str = "SECRET-state-key-material-0123456789abcdef";
/// The scopes the proxy's own tokens can carry.
pub(crate) const PROXY_SCOPES: &[&str] = &["mcp:tools", "mcp:read", "mcp:admin"];
/// The scopes the proxy asks the upstream for.
pub(crate) const UPSTREAM_SCOPES: &[&str] = &["openid", "email", "profile"];
/// How long the proxy's codes and access tokens live.
const PROXY_CODE_TTL: u64 = 60;
pub(crate) const PROXY_TOKEN_TTL: u64 = 3600;

pub(crate) fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// Every secret the flow handled, and every text it produced that could end up in a log:
/// the `Debug` of each value, each error's `Debug`, `Display` and message, each header.
#[derive(Default)]
pub(crate) struct Ledger {
    pub(crate) secrets: Mutex<Vec<(String, String)>>,
    pub(crate) shown: Mutex<Vec<(String, String)>>,
}

impl Ledger {
    pub(crate) fn secret(&self, what: &str, value: &str) {
        assert!(value.len() >= 16, "{what} is too short to search for");
        let mut secrets = self.secrets.lock().unwrap();
        secrets.push((what.to_owned(), value.to_owned()));
    }

    pub(crate) fn show(&self, what: &str, value: &dyn fmt::Debug) {
        self.text(what, &format!("{value:?}"));
    }

    pub(crate) fn text(&self, what: &str, text: &str) {
        let mut shown = self.shown.lock().unwrap();
        shown.push((what.to_owned(), text.to_owned()));
    }

    pub(crate) fn error(&self, what: &str, err: &Error) {
        self.text(&format!("{what} (Debug)"), &format!("{err:?}"));
        self.text(&format!("{what} (Display)"), &err.to_string());
        self.text(&format!("{what} (message)"), err.message());
    }

    /// Records an expected failure and returns its error.
    pub(crate) fn failed<T: fmt::Debug>(&self, what: &str, result: Result<T, Error>) -> Error {
        let err = result.expect_err(what);
        self.error(what, &err);
        err
    }
}

/// Sends `request`, recording both sides in the ledger.
pub(crate) fn send(fetch: &dyn Fetch, ledger: &Ledger, request: &HttpRequest) -> HttpResponse {
    ledger.show("HttpRequest", request);
    let response = fetch
        .fetch(request)
        .expect("the servers on 127.0.0.1 answer");
    ledger.show("HttpResponse", &response);
    response
}

/// How the proxy knows its clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClientMode {
    /// Every client registers as [`PROXY_CLIENTS_ID`]; redirect URIs are checked against the
    /// policy only.
    PreRegistered,
    /// Clients are identified: by a client id metadata document (fetched on 127.0.0.1 with
    /// the loopback opt-in), or by a sealed registration bound to its redirect URIs.
    Identified,
}

/// A code the proxy issued to its client, and what it stands for.
struct IssuedCode {
    request: ProxyState,
    subject: String,
    email: Option<String>,
    name: Option<String>,
    expires_at: u64,
}

/// The MCP server: an OAuth proxy in front of the upstream (its authorization server side)
/// and the protected MCP endpoint (its resource server side).
pub(crate) struct Proxy {
    pub(crate) issuer: String,
    pub(crate) resource: String,
    pub(crate) callback: String,
    pub(crate) prm_url: String,
    pub(crate) state_key: StateKey,
    pub(crate) signing_key: SigningKey,
    pub(crate) mode: ClientMode,
    /// Resolves client id metadata documents ([`ClientMode::Identified`] only).
    documents: Option<ClientMetadataResolver>,
    /// What the consent page would have shown, one per accepted authorization request.
    pub(crate) consents: Mutex<Vec<Consent>>,
    policy: RedirectUriPolicy,
    upstream: ProviderMetadata,
    pub(crate) id_tokens: IdTokenValidator,
    /// The resource server's one verifier: `/mcp` needs `mcp:tools`, `/mcp/admin` needs
    /// `mcp:admin`, each checked per request on the verified token.
    pub(crate) mcp: Verifier,
    fetch: Arc<dyn Fetch>,
    clock: Arc<ManualClock>,
    codes: Mutex<HashMap<String, IssuedCode>>,
    /// The upstream token sets by user, what a tool would use to call the provider's APIs.
    sessions: Mutex<HashMap<String, UpstreamTokens>>,
    /// The last upstream ID token validated, for the test to look at.
    pub(crate) identity: Mutex<Option<VerifiedToken>>,
    ledger: Arc<Ledger>,
}

impl Proxy {
    /// Starts the proxy for the upstream described by `upstream`.
    pub(crate) fn start(
        upstream: ProviderMetadata,
        fetch: Arc<dyn Fetch>,
        clock: Arc<ManualClock>,
        ledger: Arc<Ledger>,
        mode: ClientMode,
    ) -> (Arc<Proxy>, Server) {
        let listener = bind();
        let issuer = listener.origin();
        let resource = format!("{issuer}/mcp");
        let clock_dyn: Arc<dyn Clock> = Arc::clone(&clock) as _;
        let remote = |url: &str| {
            let jwks = RemoteJwks::with_parts(
                url,
                RemoteJwksOptions::default(),
                Arc::clone(&fetch),
                Arc::clone(&clock_dyn),
            );
            KeySource::Remote(Arc::new(jwks.expect("RemoteJwks")))
        };
        let own_keys = remote(&format!("{issuer}/jwks"));
        let options = VerifierOptions {
            issuers: vec![issuer.clone()],
            audiences: vec![resource.clone()],
            typ: TypPolicy::StrictAccessToken,
            ..VerifierOptions::default()
        };
        let mcp = Verifier::new(own_keys, options).expect("verifier");
        let id_tokens = IdTokenValidator::with_clock(
            remote(upstream.jwks_uri.as_deref().expect("jwks_uri")),
            &upstream.issuer,
            CLIENT_ID,
            IdTokenValidatorOptions::default(),
            Arc::clone(&clock_dyn),
        )
        .expect("ID token validator");
        let signing_key = SigningKey::generate(Algorithm::ES256).expect("ES256 key");
        let documents = (mode == ClientMode::Identified).then(|| {
            // The test's clients publish their documents on 127.0.0.1: the loopback opt-in.
            let options = ClientMetadataOptions {
                dangerous_allow_loopback: true,
                ..ClientMetadataOptions::default()
            };
            let fetch_options = UreqFetchOptions {
                ignore_proxy_env: true,
                ..UreqFetchOptions::default()
            };
            ClientMetadataResolver::with_clock(options, &fetch_options, Arc::clone(&clock_dyn))
                .expect("client metadata resolver")
        });
        let prm_url = ProtectedResourceMetadata::new(resource.clone(), vec![issuer.clone()])
            .well_known_url()
            .expect("PRM URL");
        let proxy = Arc::new(Proxy {
            callback: format!("{issuer}/oauth/callback"),
            prm_url,
            state_key: StateKey::new(STATE_KEY.as_bytes()).expect("state key"),
            signing_key,
            mode,
            documents,
            consents: Mutex::new(Vec::new()),
            policy: RedirectUriPolicy::default(),
            upstream,
            id_tokens,
            mcp,
            fetch,
            clock,
            codes: Mutex::new(HashMap::new()),
            sessions: Mutex::new(HashMap::new()),
            identity: Mutex::new(None),
            ledger,
            issuer,
            resource,
        });
        let handler = Arc::clone(&proxy);
        let server = serve(listener, move |request: &Request| handler.handle(request));
        (proxy, server)
    }

    fn now(&self) -> u64 {
        self.clock.now_secs()
    }

    pub(crate) fn session(&self, subject: &str) -> UpstreamTokens {
        self.sessions.lock().unwrap()[subject].clone()
    }

    fn protected_resource_metadata(&self) -> ProtectedResourceMetadata {
        let mut prm =
            ProtectedResourceMetadata::new(self.resource.clone(), vec![self.issuer.clone()]);
        prm.scopes_supported = strings(PROXY_SCOPES);
        prm
    }

    fn authorization_server_metadata(&self) -> AuthorizationServerMetadata {
        let mut asm =
            AuthorizationServerMetadata::for_proxy(&self.issuer, false).expect("metadata");
        asm.jwks_uri = Some(format!("{}/jwks", self.issuer));
        asm.scopes_supported = strings(PROXY_SCOPES);
        assert_eq!(
            asm.authorization_response_iss_parameter_supported,
            Some(true)
        );
        if self.mode == ClientMode::Identified {
            asm.client_id_metadata_document_supported = Some(true);
        }
        asm
    }

    /// An OAuth error answer (RFC 6749 §5.2) for `err`, recorded.
    fn refuse(&self, what: &str, err: &Error) -> Response {
        self.ledger.error(what, err);
        let relay = OAuthErrorResponse::from_error(err);
        self.ledger.show("OAuthErrorResponse", &relay);
        Response::json(relay.status, relay.to_json())
    }

    /// RFC 7591, answered for the pre-registered client or with a sealed client id.
    fn register(&self, request: &Request) -> Result<Response, Error> {
        let asked = ClientRegistrationRequest::parse(&request.body)?;
        let registration = match self.mode {
            ClientMode::PreRegistered => ClientRegistration::for_pre_registered_client(
                &asked,
                PROXY_CLIENTS_ID,
                &self.policy,
                self.now(),
            )?,
            ClientMode::Identified => ClientRegistration::sealed(
                &asked,
                &self.state_key,
                &self.policy,
                self.now(),
                &SealedRegistrationOptions::default(),
            )?,
        };
        let body = serde_json::to_string(&registration).expect("registration JSON");
        Ok(Response::json(ClientRegistration::STATUS, body))
    }

    /// The client's authorization request: checked, sealed into the state, and sent on to
    /// the upstream with the upstream leg's own PKCE challenge and nonce.
    fn authorize(&self, request: &Request) -> Result<Response, Error> {
        let q = &request.query;
        let invalid = |what: &str| Error::new(ErrorKind::InvalidRequest, what.to_owned());
        if param(q, "response_type") != Some("code") {
            return Err(invalid("response_type must be code"));
        }
        let client_id = param(q, "client_id").ok_or_else(|| invalid("no client_id"))?;
        let redirect_uri = param(q, "redirect_uri").ok_or_else(|| invalid("no redirect_uri"))?;
        let scopes: Vec<String> = param(q, "scope")
            .unwrap_or_default()
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        match self.mode {
            ClientMode::PreRegistered => {
                if client_id != PROXY_CLIENTS_ID {
                    return Err(invalid("unknown client_id"));
                }
                self.policy.check(redirect_uri)?;
            }
            ClientMode::Identified => {
                let client = ProxyClient::identify(
                    client_id,
                    &self.state_key,
                    self.documents.as_ref(),
                    self.now(),
                )?;
                self.ledger.show("ProxyClient", &client);
                let consent = client.authorize(redirect_uri, &scopes, &self.policy)?;
                self.ledger.show("Consent", &consent);
                // A real server renders the consent page here; the test's user approves.
                self.consents.lock().unwrap().push(consent);
            }
        }
        let code_challenge = PkceChallenge::from_request(
            param(q, "code_challenge").unwrap_or_default(),
            param(q, "code_challenge_method"),
        )?;
        let resources: Vec<String> = params(q, "resource")
            .into_iter()
            .map(str::to_owned)
            .collect();
        if resources.iter().any(|r| *r != self.resource) {
            return Err(invalid("resource is not this MCP server (RFC 8707 §2)"));
        }
        if scopes.iter().any(|s| !PROXY_SCOPES.contains(&s.as_str())) {
            return Err(invalid("unknown scope"));
        }
        let state = ProxyState {
            client_id: client_id.to_owned(),
            redirect_uri: redirect_uri.to_owned(),
            client_state: param(q, "state").map(str::to_owned),
            code_challenge,
            scopes,
            resources,
        };
        let sealed = state.seal(&self.state_key, self.now(), DEFAULT_STATE_TTL_SECS)?;
        let endpoint = self
            .upstream
            .authorization_endpoint
            .clone()
            .unwrap_or_default();
        let mut upstream =
            AuthorizationRequest::new(endpoint, CLIENT_ID, &self.callback, sealed.as_str());
        upstream.scopes = strings(UPSTREAM_SCOPES);
        upstream.pkce_challenge = Some(sealed.upstream_pkce_verifier().challenge());
        upstream.nonce = Some(sealed.upstream_nonce().to_owned());
        upstream.resources = vec![self.resource.clone()];
        upstream.extra_params = vec![
            ("access_type".into(), "offline".into()),
            ("prompt".into(), "consent".into()),
        ];
        self.ledger.show("ProxyState", &state);
        self.ledger.show("SealedState", &sealed);
        self.ledger.show("upstream AuthorizationRequest", &upstream);
        self.ledger
            .show("upstream PkceVerifier", sealed.upstream_pkce_verifier());
        Ok(redirect(&upstream.url()?))
    }

    /// The upstream's answer. A state that does not open is refused here, never redirected:
    /// its redirect URI cannot be trusted. After it opens, failures go back to the client.
    fn callback(&self, request: &Request) -> Result<Response, Error> {
        let q = &request.query;
        let sealed = param(q, "state").unwrap_or_default();
        let opened = ProxyState::open(&self.state_key, sealed, self.now())?;
        self.ledger.show("OpenedState", &opened);
        // RFC 9207: a response from another authorization server is refused here, before its
        // code is redeemed anywhere.
        let promised = self
            .upstream
            .raw
            .get("authorization_response_iss_parameter_supported")
            == Some(&Value::Bool(true));
        check_authorization_response_issuer(param(q, "iss"), &self.upstream.issuer, promised)?;
        let issuer = self.issuer.as_str();
        if let Some(error) = param(q, "error") {
            let url = opened.state.client_error_redirect_url(
                error,
                param(q, "error_description"),
                issuer,
            )?;
            return Ok(redirect(&url));
        }
        let code = param(q, "code").unwrap_or_default();
        match self.finish_upstream_leg(
            &opened.state,
            opened.upstream_pkce_verifier(),
            opened.upstream_nonce(),
            code,
        ) {
            Ok(proxy_code) => Ok(redirect(
                &opened.state.client_redirect_url(&proxy_code, issuer)?,
            )),
            Err(err) => {
                self.ledger.error("proxy: upstream leg", &err);
                let relay = OAuthErrorResponse::from_error(&err);
                let url = opened.state.client_error_redirect_url(
                    &relay.error,
                    relay.error_description.as_deref(),
                    issuer,
                )?;
                Ok(redirect(&url))
            }
        }
    }

    /// Redeems the upstream code, validates the ID token, keeps the upstream token set and
    /// issues the proxy's own code.
    fn finish_upstream_leg(
        &self,
        state: &ProxyState,
        verifier: &PkceVerifier,
        nonce: &str,
        code: &str,
    ) -> Result<String, Error> {
        let endpoint = self.upstream.token_endpoint.clone().unwrap_or_default();
        let grant = Grant::AuthorizationCode {
            code: SecretString::new(code),
            redirect_uri: self.callback.clone(),
            pkce_verifier: Some(verifier.clone()),
        };
        let mut exchange = TokenRequest::new(endpoint, CLIENT_ID, grant);
        exchange.client_auth = ClientAuth::ClientSecretBasic(CLIENT_SECRET.into());
        self.ledger.show("proxy TokenRequest", &exchange);
        let response = send(self.fetch.as_ref(), &self.ledger, &exchange.http_request()?);
        let tokens = TokenResponse::parse(&response)?;
        self.ledger.show("upstream TokenResponse", &tokens);
        let id_token = tokens.id_token.as_ref().ok_or_else(|| {
            Error::new(ErrorKind::OAuthUpstream, "the upstream issued no ID token")
        })?;
        let identity = self.id_tokens.validate(
            id_token.expose(),
            Some(nonce),
            Some(tokens.access_token.expose()),
        )?;
        self.ledger.show("ID token VerifiedToken", &identity);
        let subject = identity.subject().unwrap_or_default().to_owned();
        let text = |name: &str| {
            identity
                .claims()
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let session = UpstreamTokens::from_response(&tokens, self.now());
        self.ledger.show("UpstreamTokens", &session);
        self.sessions
            .lock()
            .unwrap()
            .insert(subject.clone(), session);
        let proxy_code = random_state()?;
        let issued = IssuedCode {
            request: state.clone(),
            email: text("email"),
            name: text("name"),
            subject,
            expires_at: self.now() + PROXY_CODE_TTL,
        };
        self.codes
            .lock()
            .unwrap()
            .insert(proxy_code.clone(), issued);
        *self.identity.lock().unwrap() = Some(identity);
        Ok(proxy_code)
    }

    /// The client redeems the proxy's code with its PKCE verifier; the proxy answers with its
    /// own access token, never the upstream's.
    fn token(&self, request: &Request) -> Result<Response, Error> {
        let form = request.form();
        let invalid_grant = |what: &str| Error::new(ErrorKind::OAuthInvalidGrant, what.to_owned());
        if param(&form, "grant_type") != Some("authorization_code") {
            return Err(Error::new(
                ErrorKind::InvalidRequest,
                "unsupported grant_type",
            ));
        }
        let code = param(&form, "code").unwrap_or_default();
        // Single use, whatever happens next.
        let issued = self.codes.lock().unwrap().remove(code);
        let issued = issued.ok_or_else(|| invalid_grant("the code is unknown, expired or used"))?;
        if self.now() >= issued.expires_at {
            return Err(invalid_grant("the code expired"));
        }
        if param(&form, "client_id") != Some(issued.request.client_id.as_str()) {
            return Err(invalid_grant("the code was issued to another client"));
        }
        if param(&form, "redirect_uri") != Some(issued.request.redirect_uri.as_str()) {
            return Err(invalid_grant(
                "redirect_uri differs from the authorization request's",
            ));
        }
        if params(&form, "resource")
            .iter()
            .any(|r| !issued.request.resources.iter().any(|x| x == r))
        {
            return Err(Error::new(
                ErrorKind::InvalidRequest,
                "resource was not authorized",
            ));
        }
        let verifier = param(&form, "code_verifier").unwrap_or_default();
        issued.request.code_challenge.verify(verifier)?;
        let access_token = self.mint(&issued)?;
        let response = TokenResponse {
            access_token: SecretString::new(access_token),
            token_type: "Bearer".into(),
            expires_in: Some(PROXY_TOKEN_TTL),
            refresh_token: None,
            id_token: None,
            scopes: Some(issued.request.scopes.clone()),
            issued_token_type: None,
            extra: Map::new(),
        };
        self.ledger.show("proxy TokenResponse", &response);
        Ok(Response::json(200, response.to_json()))
    }

    /// The proxy's own RFC 9068 access token for the MCP resource.
    fn mint(&self, issued: &IssuedCode) -> Result<String, Error> {
        let now = self.now();
        let mut claims = json!({
            "iss": self.issuer,
            "aud": self.resource,
            "sub": issued.subject,
            "client_id": issued.request.client_id,
            "scope": issued.request.scopes.join(" "),
            "iat": now,
            "exp": now + PROXY_TOKEN_TTL,
            "jti": random_state()?,
        });
        if let Some(email) = &issued.email {
            claims["email"] = email.clone().into();
        }
        if let Some(name) = &issued.name {
            claims["name"] = name.clone().into();
        }
        let Value::Object(claims) = claims else {
            unreachable!("a JSON object literal")
        };
        let mut header = Map::new();
        header.insert("typ".into(), "at+jwt".into());
        self.signing_key.sign_jwt(&claims, &header)
    }

    /// The MCP endpoint: the bearer token verified, or a challenge (RFC 6750 §3, RFC 9728 §5.1).
    /// One verifier serves every route; each route's scope is checked on the verified token.
    fn resource_request(&self, request: &Request, scope: &str) -> Response {
        let verified = bearer_token(request.header("authorization"))
            .and_then(|t| self.mcp.verify(t))
            .and_then(|token| token.require_scopes(&[scope]).map(|()| token));
        match verified {
            Ok(token) => {
                let user = UserInfo::from_claims(token.claims(), &ClaimMapping::default());
                Response::json(200, serde_json::to_value(&user).expect("UserInfo JSON"))
            }
            Err(err) => {
                self.ledger.error("proxy: MCP request", &err);
                let challenge = BearerChallenge::from_error(&err, self.prm_url.clone());
                self.ledger.show("BearerChallenge", &challenge);
                Response::json(challenge.status, json!({ "error": challenge.error }))
                    .with_header("WWW-Authenticate", &challenge.header_value())
            }
        }
    }

    /// The answer to `request`.
    fn handle(&self, request: &Request) -> Response {
        let answer = |what: &str, result: Result<Response, Error>| {
            result.unwrap_or_else(|err| self.refuse(what, &err))
        };
        match (request.method.as_str(), request.path.as_str()) {
            ("GET", "/.well-known/oauth-protected-resource/mcp") => {
                Response::json(200, self.protected_resource_metadata().to_json())
            }
            ("GET", "/.well-known/oauth-authorization-server") => {
                Response::json(200, self.authorization_server_metadata().to_json())
            }
            ("GET", "/jwks") => {
                Response::json(200, json!({ "keys": [self.signing_key.public_jwk()] }))
            }
            ("POST", "/register") => answer("proxy: register", self.register(request)),
            ("GET", "/authorize") => answer("proxy: authorize", self.authorize(request)),
            ("GET", "/oauth/callback") => answer("proxy: callback", self.callback(request)),
            ("POST", "/token") => answer("proxy: token", self.token(request)),
            ("GET", "/mcp") => self.resource_request(request, "mcp:tools"),
            ("GET", "/mcp/admin") => self.resource_request(request, "mcp:admin"),
            _ => not_found(),
        }
    }
}
