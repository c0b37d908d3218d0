//! A local development identity provider: discovery, JWKS, a token endpoint that signs
//! whatever claims it is given, key rotation on request, and a sample protected resource.
//!
//! `serve-issuer` runs it as a process (the issuer the Node, Python and Swift tests start);
//! `demo` runs it in-process. It binds 127.0.0.1 only: it signs anything it is asked to.

mod routes;

use std::sync::{Arc, Mutex, MutexGuard};

use http_loopback::{Listener, Options, Request, Server};
use mcp_bearer::jwk::KeySetOptions;
use mcp_bearer::metadata::ProtectedResourceMetadata;
use mcp_bearer::{
    Algorithm, Error, KeySet, KeySource, SigningKey, VerifiedToken, Verifier, VerifierOptions,
};
use serde_json::{Map, Value, json};

use crate::exit::CliError;
use crate::output::printable;
use crate::timefmt::now_secs;

/// Default token lifetime, in seconds.
pub(crate) const DEFAULT_TTL_SECS: i64 = 300;
/// The subject of tokens minted without one.
pub(crate) const DEFAULT_SUBJECT: &str = "dev-user";
/// The path of the sample protected resource.
pub(crate) const RESOURCE_PATH: &str = "/mcp";

/// How to start the issuer.
#[derive(Debug)]
pub(crate) struct DevIssuerOptions {
    /// The port on 127.0.0.1; 0 picks a free one.
    pub(crate) port: u16,
    /// The algorithm of generated keys.
    pub(crate) alg: Algorithm,
    /// The issuer URL (`iss`); `{port}` is replaced by the bound port. Defaults to
    /// `http://127.0.0.1:{port}`.
    pub(crate) issuer_url: Option<String>,
    /// Keys to start with (from `--key`); a new key is generated when empty.
    pub(crate) keys: Vec<SigningKey>,
    /// Log each request on stderr.
    pub(crate) verbose: bool,
}

/// The JWKS document served instead of the real one (`POST /jwks`), to test bad documents.
#[derive(Debug, Clone)]
struct JwksOverride {
    status: u16,
    body: Vec<u8>,
}

/// The signing keys: all are published, one signs.
struct KeyRing {
    keys: Vec<SigningKey>,
    active: usize,
    jwks_override: Option<JwksOverride>,
}

/// The issuer's state and documents; shared by the HTTP routes and the demo.
pub(crate) struct DevIssuer {
    issuer: String,
    base: String,
    route_prefix: String,
    origin: String,
    default_alg: Algorithm,
    ring: Mutex<KeyRing>,
}

impl DevIssuer {
    fn new(issuer: String, origin: String, alg: Algorithm, keys: Vec<SigningKey>) -> Self {
        let base = issuer.trim_end_matches('/').to_owned();
        let route_prefix = url::Url::parse(&base)
            .map(|u| u.path().trim_end_matches('/').to_owned())
            .unwrap_or_default();
        DevIssuer {
            issuer,
            base,
            route_prefix,
            origin,
            default_alg: alg,
            ring: Mutex::new(KeyRing {
                keys,
                active: 0,
                jwks_override: None,
            }),
        }
    }

    fn ring(&self) -> MutexGuard<'_, KeyRing> {
        // A panic while holding the lock leaves the ring consistent (every change is one
        // assignment), so a poisoned lock is still usable.
        self.ring.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The issuer URL, exactly as tokens carry it in `iss`.
    pub(crate) fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The JWKS URL.
    pub(crate) fn jwks_uri(&self) -> String {
        format!("{}/jwks.json", self.base)
    }

    /// The token endpoint (JSON claims in, token out).
    pub(crate) fn token_endpoint(&self) -> String {
        format!("{}/token", self.base)
    }

    /// The key-rotation endpoint.
    pub(crate) fn rotate_endpoint(&self) -> String {
        format!("{}/rotate", self.base)
    }

    /// The OIDC discovery URL.
    pub(crate) fn discovery_url(&self) -> String {
        format!("{}/.well-known/openid-configuration", self.base)
    }

    /// The sample protected resource's URL (its audience).
    pub(crate) fn resource(&self) -> String {
        format!("{}{RESOURCE_PATH}", self.origin)
    }

    /// The sample resource's RFC 9728 metadata URL.
    pub(crate) fn resource_metadata_url(&self) -> String {
        format!(
            "{}/.well-known/oauth-protected-resource{RESOURCE_PATH}",
            self.origin
        )
    }

    /// The active key's id.
    pub(crate) fn active_kid(&self) -> String {
        let ring = self.ring();
        ring.keys
            .get(ring.active)
            .map(|k| k.kid().to_owned())
            .unwrap_or_default()
    }

    /// The OIDC discovery / RFC 8414 metadata document.
    pub(crate) fn metadata_document(&self) -> Value {
        let ring = self.ring();
        let mut algs: Vec<&str> = ring.keys.iter().map(|k| k.algorithm().name()).collect();
        algs.dedup();
        json!({
            "issuer": self.issuer,
            "jwks_uri": self.jwks_uri(),
            "token_endpoint": self.token_endpoint(),
            "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported": ["none"],
            "response_types_supported": ["token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": algs,
            "scopes_supported": ["openid", "read", "write"],
        })
    }

    /// The public JWKS of every key in the ring.
    pub(crate) fn public_jwks(&self) -> Value {
        let ring = self.ring();
        json!({ "keys": ring.keys.iter().map(SigningKey::public_jwk).collect::<Vec<_>>() })
    }

    /// What `/jwks.json` serves: the override when one is set, else the real set.
    pub(crate) fn jwks_response(&self) -> (u16, Vec<u8>) {
        if let Some(o) = &self.ring().jwks_override {
            return (o.status, o.body.clone());
        }
        (200, self.public_jwks().to_string().into_bytes())
    }

    /// Serves `body` with `status` at `/jwks.json` until [`DevIssuer::clear_jwks_override`].
    pub(crate) fn set_jwks_override(&self, status: u16, body: Vec<u8>) {
        self.ring().jwks_override = Some(JwksOverride { status, body });
    }

    /// Serves the real JWKS again.
    pub(crate) fn clear_jwks_override(&self) {
        self.ring().jwks_override = None;
    }

    /// The sample resource's RFC 9728 metadata.
    pub(crate) fn resource_metadata(&self) -> Value {
        let mut document =
            ProtectedResourceMetadata::new(self.resource(), vec![self.issuer.clone()]);
        document.scopes_supported = vec!["read".into(), "write".into()];
        document.resource_name = Some("mcp-bearer development resource".into());
        serde_json::to_value(&document).unwrap_or_else(|_| json!({}))
    }

    /// Adds a new key of `alg` (default: the issuer's) and makes it the signing key; the
    /// previous keys stay published unless `drop_old`.
    ///
    /// # Errors
    /// The core's error when the key cannot be generated.
    pub(crate) fn rotate(&self, alg: Option<Algorithm>, drop_old: bool) -> Result<Value, Error> {
        // Generating an RSA key takes a while: not under the lock.
        let key = SigningKey::generate(alg.unwrap_or(self.default_alg))?;
        let kid = key.kid().to_owned();
        let mut ring = self.ring();
        let dropped: Vec<String> = if drop_old {
            ring.keys.drain(..).map(|k| k.kid().to_owned()).collect()
        } else {
            Vec::new()
        };
        ring.keys.push(key);
        ring.active = ring.keys.len() - 1;
        let kids: Vec<String> = ring.keys.iter().map(|k| k.kid().to_owned()).collect();
        Ok(json!({ "kid": kid, "kids": kids, "dropped": dropped }))
    }

    /// Mints a token for `request`: the claims to sign, plus the reserved members `ttl`
    /// (seconds, may be negative; default 300), `kid` (the header's key id, e.g. one the
    /// JWKS does not have), `alg` (sign with a key of this algorithm; an unpublished one
    /// when the ring has none), `typ` (the `typ` header), `header` (extra header members)
    /// and `unpublished_key` (sign with a fresh key under the active key's `kid`, so the
    /// signature fails). `iss`, `sub`, `aud`, `iat` and `exp` get defaults; a `null` claim
    /// removes the default.
    ///
    /// # Errors
    /// A message saying which member is wrong.
    pub(crate) fn mint(&self, request: &Map<String, Value>) -> Result<Value, String> {
        let mut claims = request.clone();
        let ttl = match claims.remove("ttl") {
            None => DEFAULT_TTL_SECS,
            Some(v) => v
                .as_i64()
                .or_else(|| v.as_f64().map(|f| f as i64))
                .ok_or("\"ttl\" must be a number of seconds")?,
        };
        let kid_override = take_string(&mut claims, "kid")?;
        let alg_override = match take_string(&mut claims, "alg")? {
            None => None,
            Some(name) => Some(
                Algorithm::from_name(&name)
                    .filter(|a| !a.is_symmetric())
                    .ok_or(format!(
                        "\"alg\" {name:?} is not a supported signing algorithm"
                    ))?,
            ),
        };
        let typ = take_string(&mut claims, "typ")?;
        let mut header = match claims.remove("header") {
            None => Map::new(),
            Some(Value::Object(h)) => h,
            Some(_) => return Err("\"header\" must be an object".into()),
        };
        let unpublished = match claims.remove("unpublished_key") {
            None => false,
            Some(v) => v.as_bool().ok_or("\"unpublished_key\" must be a boolean")?,
        };
        let now = now_secs();
        for (name, default) in [
            ("iss", json!(self.issuer)),
            ("sub", json!(DEFAULT_SUBJECT)),
            ("aud", json!(self.resource())),
            ("iat", json!(now)),
            ("exp", json!(now.saturating_add(ttl))),
        ] {
            claims.entry(name).or_insert(default);
        }
        claims.retain(|_, v| !v.is_null());
        if let Some(typ) = typ {
            header.insert("typ".into(), json!(typ));
        }
        let token = self.sign(
            &claims,
            &mut header,
            alg_override,
            unpublished,
            kid_override,
        )?;
        Ok(json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": ttl,
            "kid": header.get("kid"),
            "claims": claims,
        }))
    }

    fn sign(
        &self,
        claims: &Map<String, Value>,
        header: &mut Map<String, Value>,
        alg: Option<Algorithm>,
        unpublished: bool,
        kid_override: Option<String>,
    ) -> Result<String, String> {
        let (active_alg, active_kid, has_alg) = {
            let ring = self.ring();
            let active = ring.keys.get(ring.active).ok_or("the issuer has no key")?;
            let has_alg = alg.is_none_or(|a| ring.keys.iter().any(|k| k.algorithm() == a));
            (active.algorithm(), active.kid().to_owned(), has_alg)
        };
        // A key outside the ring: for tokens the JWKS cannot verify.
        let stranger = if unpublished || !has_alg {
            let mut key =
                SigningKey::generate(alg.unwrap_or(active_alg)).map_err(|e| e.to_string())?;
            if unpublished {
                key.set_kid(active_kid);
            }
            Some(key)
        } else {
            None
        };
        let ring = self.ring();
        let key = match (&stranger, alg) {
            (Some(key), _) => key,
            (None, Some(a)) => ring
                .keys
                .iter()
                .rev()
                .find(|k| k.algorithm() == a)
                .ok_or("no key for that algorithm")?,
            (None, None) => ring.keys.get(ring.active).ok_or("the issuer has no key")?,
        };
        header
            .entry("kid")
            .or_insert_with(|| json!(kid_override.unwrap_or_else(|| key.kid().to_owned())));
        key.sign_jwt(claims, header).map_err(|e| e.to_string())
    }

    /// Verifies a token for the sample resource: this issuer, the resource's audience, and
    /// `required_scopes`, against the real key ring (never the override).
    ///
    /// # Errors
    /// The core's verification error.
    pub(crate) fn verify_for_resource(
        &self,
        token: &str,
        required_scopes: Vec<String>,
    ) -> Result<VerifiedToken, Error> {
        let keys = KeySet::from_json(&self.public_jwks(), KeySetOptions::default())?;
        let verifier = Verifier::new(
            KeySource::Static(Arc::new(keys)),
            VerifierOptions {
                issuers: vec![self.issuer.clone()],
                audiences: vec![self.resource()],
                required_scopes,
                token_cache_entries: 0,
                ..VerifierOptions::default()
            },
        )?;
        verifier.verify(token)
    }

    /// The line `serve-issuer` prints on start.
    pub(crate) fn startup_document(&self, port: u16) -> Value {
        let alg = {
            let ring = self.ring();
            ring.keys.get(ring.active).map(|k| k.algorithm().name())
        };
        json!({
            "issuer": self.issuer,
            "jwks_uri": self.jwks_uri(),
            "token_endpoint": self.token_endpoint(),
            "rotate_endpoint": self.rotate_endpoint(),
            "discovery_url": self.discovery_url(),
            "resource": self.resource(),
            "resource_metadata": self.resource_metadata_url(),
            "port": port,
            "alg": alg,
            "kid": self.active_kid(),
            "pid": std::process::id(),
        })
    }
}

fn take_string(claims: &mut Map<String, Value>, name: &str) -> Result<Option<String>, String> {
    match claims.remove(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("\"{name}\" must be a string")),
    }
}

/// The issuer serving on loopback. Stops when dropped.
pub(crate) struct RunningIssuer {
    server: Server,
    issuer: Arc<DevIssuer>,
}

impl RunningIssuer {
    /// Binds 127.0.0.1, generates a key when none is given, and starts serving.
    ///
    /// # Errors
    /// A usage error when the port cannot be bound or the issuer URL is invalid.
    pub(crate) fn start(config: DevIssuerOptions) -> Result<RunningIssuer, CliError> {
        // Only loopback is ever bound: the development issuer signs whatever it is asked to.
        let listener = Listener::bind(config.port).map_err(|e| {
            CliError::usage(format!("cannot listen on 127.0.0.1:{}: {e}", config.port))
        })?;
        let port = listener.address().port();
        let origin = format!("http://127.0.0.1:{port}");
        let issuer_url = match &config.issuer_url {
            Some(url) => url.replace("{port}", &port.to_string()),
            None => origin.clone(),
        };
        url::Url::parse(&issuer_url)
            .map_err(|e| CliError::usage(format!("--issuer-url {issuer_url:?}: {e}")))?;
        let keys = if config.keys.is_empty() {
            vec![SigningKey::generate(config.alg)?]
        } else {
            config.keys
        };
        let alg = keys.first().map_or(config.alg, SigningKey::algorithm);
        let issuer = Arc::new(DevIssuer::new(issuer_url, origin, alg, keys));
        let handler_issuer = Arc::clone(&issuer);
        let verbose = config.verbose;
        let handler = move |request: &Request| {
            let response = routes::handle(&handler_issuer, request);
            if verbose {
                // The method and path are the client's bytes.
                eprintln!(
                    "{} {} -> {}",
                    printable(&request.method),
                    printable(&request.path),
                    response.status
                );
            }
            response
        };
        let server = listener
            .serve(handler, Options::default())
            .map_err(|e| CliError::usage(format!("cannot start the server: {e}")))?;
        Ok(RunningIssuer { server, issuer })
    }

    /// The issuer.
    pub(crate) fn issuer(&self) -> &Arc<DevIssuer> {
        &self.issuer
    }

    /// The bound port.
    pub(crate) fn port(&self) -> u16 {
        self.server.address().port()
    }

    /// Stops serving.
    pub(crate) fn stop(self) {
        self.server.stop();
    }
}
