//! The sealed proxy `state`: what the proxy must remember across the upstream round trip,
//! carried in the `state` parameter itself, so no shared store is needed and any instance
//! behind a load balancer can finish a flow another one started.
//!
//! The value is signed (HMAC-SHA256), not encrypted: it holds only what the client already
//! put in its own authorization request (redirect URI, state, PKCE challenge, scopes). The
//! secrets of the upstream leg (the proxy's PKCE verifier and OIDC nonce) are never in it;
//! they are derived from the key and the state's random id, so only the proxy can compute
//! them when the browser comes back.

use std::fmt;
use std::ops::RangeInclusive;
use std::time::Duration;

use aws_lc_rs::hmac;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::b64;
use crate::bounds;
use crate::error::{Error, ErrorKind, Result};

use super::pkce::{PkceChallenge, PkceVerifier, fill_random};

/// How long a sealed state stays valid when the caller has no better idea: ten minutes, as
/// long as a user may reasonably spend on the upstream's login and consent pages.
pub const DEFAULT_STATE_TTL_SECS: u64 = 600;

/// Allowed `ttl_secs` of [`ProxyState::seal`]: 1 s to 1 day. A state that has expired when
/// sealed, or that lives for days, is a configuration mistake.
pub const STATE_TTL_SECS_RANGE: RangeInclusive<u64> = 1..=86_400;

/// Default for [`ProxyStateOptions::ttl`]: [`DEFAULT_STATE_TTL_SECS`] (10 minutes).
pub const DEFAULT_STATE_TTL: Duration = Duration::from_secs(DEFAULT_STATE_TTL_SECS);

/// Allowed [`ProxyStateOptions::ttl`]: 1 s to 1 day ([`STATE_TTL_SECS_RANGE`]).
pub const STATE_TTL_RANGE: RangeInclusive<Duration> =
    Duration::from_secs(*STATE_TTL_SECS_RANGE.start())
        ..=Duration::from_secs(*STATE_TTL_SECS_RANGE.end());

/// How the proxy seals its states ([`ProxyState::seal_with`]). As data
/// ([`ProxyStateOptions::from_json`]), durations are seconds.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProxyStateOptions {
    /// How long a sealed state stays valid, in whole seconds (a fraction is dropped).
    /// Defaults to 10 minutes ([`DEFAULT_STATE_TTL`]); 1 s to 1 day ([`STATE_TTL_RANGE`]).
    #[serde(deserialize_with = "crate::config::seconds")]
    pub ttl: Duration,
}

impl Default for ProxyStateOptions {
    fn default() -> Self {
        ProxyStateOptions {
            ttl: DEFAULT_STATE_TTL,
        }
    }
}

crate::config::from_config_data!(ProxyStateOptions);

impl ProxyStateOptions {
    /// Checks `ttl` against its range.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] naming the field and the range.
    pub fn validate(&self) -> Result<()> {
        bounds::duration("ProxyStateOptions::ttl", self.ttl, &STATE_TTL_RANGE)
    }
}

/// The largest sealed state accepted; a longer `state` is refused before any decoding.
pub const MAX_SEALED_STATE_BYTES: usize = 4096;

/// Labels that separate the uses of the one key, so a MAC made for one purpose is never
/// valid for another.
const MAC_LABEL: &[u8] = b"mcp-bearer/proxy-state/mac/v1";
const CLIENT_MAC_LABEL: &[u8] = b"mcp-bearer/proxy-client/mac/v1";
const DERIVE_LABEL: &[u8] = b"mcp-bearer/proxy-state/derive/v1";
const PKCE_LABEL: &[u8] = b"upstream-pkce-verifier\0";
const NONCE_LABEL: &[u8] = b"upstream-nonce\0";

/// The key that seals proxy states and registered client ids
/// ([`super::ClientRegistration::sealed`]). Every instance of the server must use the same
/// one. Each use has its own key derived from it, so a sealed state is never a valid client
/// id, nor the reverse.
///
/// `Debug` redacts it.
#[derive(Clone)]
pub struct StateKey {
    mac: hmac::Key,
    client_mac: hmac::Key,
    derive: hmac::Key,
}

impl StateKey {
    /// The shortest key accepted: 32 bytes, the output size of SHA-256.
    pub const MIN_LEN: usize = 32;

    /// A key from secret bytes (at least [`StateKey::MIN_LEN`]), e.g. from the server's
    /// secret store.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidKey`] when `secret` is shorter than 32 bytes.
    pub fn new(secret: &[u8]) -> Result<Self> {
        if secret.len() < StateKey::MIN_LEN {
            return Err(Error::new(
                ErrorKind::InvalidKey,
                format!(
                    "the state key must be at least {} bytes of random data; it has {}",
                    StateKey::MIN_LEN,
                    secret.len()
                ),
            ));
        }
        let master = hmac::Key::new(hmac::HMAC_SHA256, secret);
        let derive_key =
            |label: &[u8]| hmac::Key::new(hmac::HMAC_SHA256, hmac::sign(&master, label).as_ref());
        Ok(StateKey {
            mac: derive_key(MAC_LABEL),
            client_mac: derive_key(CLIENT_MAC_LABEL),
            derive: derive_key(DERIVE_LABEL),
        })
    }

    /// A fresh random key, for a single instance or tests (states sealed under it die with
    /// the process).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] if the system random number generator fails.
    pub fn generate() -> Result<Self> {
        let mut secret = [0u8; StateKey::MIN_LEN];
        fill_random(&mut secret)?;
        StateKey::new(&secret)
    }

    /// The key that seals registered client ids.
    pub(super) fn client_mac(&self) -> &hmac::Key {
        &self.client_mac
    }

    fn upstream_secrets(&self, id: &str) -> UpstreamSecrets {
        let derived = |label: &[u8]| {
            let mut ctx = hmac::Context::with_key(&self.derive);
            ctx.update(label);
            ctx.update(id.as_bytes());
            ctx.sign()
        };
        UpstreamSecrets {
            pkce_verifier: PkceVerifier::from_secret_bytes(derived(PKCE_LABEL).as_ref()),
            nonce: b64::encode(derived(NONCE_LABEL).as_ref()),
        }
    }
}

impl fmt::Debug for StateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StateKey(<redacted>)")
    }
}

/// What the proxy carries across the upstream round trip: the MCP client's authorization
/// request, already checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProxyState {
    /// The MCP client's id at the proxy.
    pub client_id: String,
    /// Where the proxy sends the client back; check it with a
    /// [`super::RedirectUriPolicy`] (and the client's registration) before sealing.
    pub redirect_uri: String,
    /// The client's own `state`, returned to it unchanged.
    pub client_state: Option<String>,
    /// The client's PKCE challenge, checked when it redeems the proxy's code.
    pub code_challenge: PkceChallenge,
    /// The scopes the client asked for.
    pub scopes: Vec<String>,
    /// The RFC 8707 resources the client asked for.
    pub resources: Vec<String>,
}

/// The signed payload: the state, its expiry and the random id the upstream secrets are
/// derived from.
#[derive(Serialize, Deserialize)]
struct Payload {
    id: String,
    exp: u64,
    #[serde(flatten)]
    state: ProxyState,
}

impl ProxyState {
    /// Seals the state under `key`, valid for `ttl_secs` after `now` (Unix seconds; see
    /// [`DEFAULT_STATE_TTL_SECS`] and [`STATE_TTL_SECS_RANGE`]).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`] when the sealed value would exceed
    /// [`MAX_SEALED_STATE_BYTES`] (the client sent an oversized state or redirect URI);
    /// [`ErrorKind::InvalidConfig`] when `ttl_secs` is outside [`STATE_TTL_SECS_RANGE`], or if
    /// the random number generator fails.
    pub fn seal(&self, key: &StateKey, now: u64, ttl_secs: u64) -> Result<SealedState> {
        let range = STATE_TTL_SECS_RANGE;
        bounds::duration(
            "ProxyState::seal ttl_secs",
            Duration::from_secs(ttl_secs),
            &(Duration::from_secs(*range.start())..=Duration::from_secs(*range.end())),
        )?;
        let mut id = [0u8; 16];
        fill_random(&mut id)?;
        let id = b64::encode(id);
        let expires_at = now.saturating_add(ttl_secs);
        let payload = Payload {
            id,
            exp: expires_at,
            state: self.clone(),
        };
        let json = serde_json::to_vec(&payload).map_err(|e| {
            Error::new(
                ErrorKind::InvalidConfig,
                format!("cannot encode the proxy state: {e}"),
            )
        })?;
        let value = seal_bytes(&key.mac, &json);
        if value.len() > MAX_SEALED_STATE_BYTES {
            return Err(Error::new(
                ErrorKind::InvalidRequest,
                format!(
                    "the authorization request is too large to carry in the state ({} bytes, at \
                     most {MAX_SEALED_STATE_BYTES}); shorten the state or redirect URI",
                    value.len()
                ),
            ));
        }
        let upstream = key.upstream_secrets(&payload.id);
        Ok(SealedState {
            value,
            expires_at,
            upstream,
        })
    }

    /// As [`seal`](ProxyState::seal), valid for `options.ttl` after `now`.
    ///
    /// # Errors
    /// As [`seal`](ProxyState::seal); [`ErrorKind::InvalidConfig`] naming
    /// `ProxyStateOptions::ttl` when it is outside [`STATE_TTL_RANGE`].
    pub fn seal_with(
        &self,
        key: &StateKey,
        now: u64,
        options: &ProxyStateOptions,
    ) -> Result<SealedState> {
        options.validate()?;
        self.seal(key, now, options.ttl.as_secs())
    }

    /// Opens a sealed state that came back from the upstream, at time `now` (Unix seconds).
    ///
    /// # Errors
    /// [`ErrorKind::OAuthStateInvalid`], with reason `malformed` (not a sealed state, or too
    /// long), `signature` (altered, or sealed under another key) or `expired`.
    pub fn open(key: &StateKey, sealed: &str, now: u64) -> Result<OpenedState> {
        let json = match unseal(&key.mac, sealed, MAX_SEALED_STATE_BYTES) {
            Ok(json) => json,
            Err(Unsealed::TooLong) => {
                return Err(invalid(
                    "malformed",
                    "the OAuth state is too long to be one this server sealed",
                ));
            }
            Err(Unsealed::Malformed) => {
                return Err(invalid(
                    "malformed",
                    "the OAuth state is not a sealed proxy state",
                ));
            }
            Err(Unsealed::Signature) => {
                return Err(invalid(
                    "signature",
                    "the OAuth state was altered or sealed under another key; start the \
                     authorization again",
                ));
            }
        };
        let payload: Payload = serde_json::from_slice(&json)
            .map_err(|_| invalid("malformed", "the OAuth state's payload is not readable"))?;
        if now >= payload.exp {
            return Err(invalid(
                "expired",
                &format!(
                    "the OAuth state expired {} s ago; start the authorization again",
                    now - payload.exp
                ),
            ));
        }
        let upstream = key.upstream_secrets(&payload.id);
        Ok(OpenedState {
            state: payload.state,
            expires_at: payload.exp,
            upstream,
        })
    }

    /// Where to send the client after the upstream leg succeeded: its redirect URI with
    /// `code`, its `state` and `iss`, the proxy's issuer (RFC 9207: the client checks it
    /// against the server it started with, which defeats mix-up attacks), after its own
    /// query. Say so in the proxy's metadata:
    /// [`AuthorizationServerMetadata::for_proxy`](crate::metadata::AuthorizationServerMetadata::for_proxy)
    /// sets `authorization_response_iss_parameter_supported`.
    ///
    /// # Errors
    /// [`ErrorKind::RedirectUriRejected`] when the stored redirect URI does not parse.
    pub fn client_redirect_url(&self, code: &str, issuer: &str) -> Result<String> {
        self.redirect_with(&[("code", code)], issuer)
    }

    /// Where to send the client when the authorization failed: its redirect URI with `error`,
    /// `error_description` when given, its `state` and `iss` (RFC 6749 §4.1.2.1, RFC 9207).
    ///
    /// # Errors
    /// [`ErrorKind::RedirectUriRejected`] when the stored redirect URI does not parse.
    pub fn client_error_redirect_url(
        &self,
        error: &str,
        description: Option<&str>,
        issuer: &str,
    ) -> Result<String> {
        match description {
            Some(d) => self.redirect_with(&[("error", error), ("error_description", d)], issuer),
            None => self.redirect_with(&[("error", error)], issuer),
        }
    }

    fn redirect_with(&self, params: &[(&str, &str)], issuer: &str) -> Result<String> {
        let mut url = Url::parse(&self.redirect_uri).map_err(|_| {
            Error::new(
                ErrorKind::RedirectUriRejected,
                "the stored redirect URI is not a URI",
            )
        })?;
        {
            let mut query = url.query_pairs_mut();
            query.extend_pairs(params);
            if let Some(state) = &self.client_state {
                query.append_pair("state", state);
            }
            query.append_pair("iss", issuer);
        }
        Ok(url.into())
    }
}

/// `json` as `base64url(json).base64url(HMAC-SHA256(mac, base64url(json)))`.
pub(super) fn seal_bytes(mac: &hmac::Key, json: &[u8]) -> String {
    let body = b64::encode(json);
    let tag = hmac::sign(mac, body.as_bytes());
    format!("{body}.{}", b64::encode(tag.as_ref()))
}

/// Why a sealed value did not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unsealed {
    /// Longer than any value this server seals.
    TooLong,
    /// Not `body.tag` in base64url.
    Malformed,
    /// The tag does not match: altered, or sealed under another key.
    Signature,
}

/// The JSON a [`seal_bytes`] value carries, once its tag checks out. The MAC is checked
/// before anything is parsed: the JSON parser never sees forged input.
pub(super) fn unseal(
    mac: &hmac::Key,
    sealed: &str,
    max_len: usize,
) -> std::result::Result<Vec<u8>, Unsealed> {
    if sealed.len() > max_len {
        return Err(Unsealed::TooLong);
    }
    let (body, tag) = sealed.split_once('.').ok_or(Unsealed::Malformed)?;
    let tag = b64::decode(tag)
        .ok()
        .filter(|_| b64::is_alphabet(body))
        .ok_or(Unsealed::Malformed)?;
    hmac::verify(mac, body.as_bytes(), &tag).map_err(|_| Unsealed::Signature)?;
    b64::decode(body).map_err(|_| Unsealed::Malformed)
}

/// The upstream leg's secrets, derived from the key and the state's id.
#[derive(Clone)]
struct UpstreamSecrets {
    pkce_verifier: PkceVerifier,
    nonce: String,
}

/// A freshly sealed state: the `state` parameter for the upstream authorization request and
/// the upstream leg's PKCE verifier and nonce.
///
/// `Debug` shows only the length and expiry.
#[derive(Clone)]
pub struct SealedState {
    value: String,
    expires_at: u64,
    upstream: UpstreamSecrets,
}

impl SealedState {
    /// The value for the upstream request's `state` parameter.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// When the state stops being accepted, in Unix seconds.
    pub fn expires_at(&self) -> u64 {
        self.expires_at
    }

    /// The PKCE verifier for the upstream leg; send its challenge with the upstream
    /// authorization request.
    pub fn upstream_pkce_verifier(&self) -> &PkceVerifier {
        &self.upstream.pkce_verifier
    }

    /// The OIDC nonce for the upstream authorization request.
    pub fn upstream_nonce(&self) -> &str {
        &self.upstream.nonce
    }
}

impl fmt::Debug for SealedState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SealedState")
            .field("len", &self.value.len())
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// A state opened after the upstream callback: the client's request and the upstream leg's
/// secrets, recomputed from the key.
#[derive(Clone)]
pub struct OpenedState {
    /// The client's authorization request.
    pub state: ProxyState,
    /// When the state expires, in Unix seconds.
    pub expires_at: u64,
    upstream: UpstreamSecrets,
}

impl OpenedState {
    /// The PKCE verifier for the upstream token request (the same one
    /// [`SealedState::upstream_pkce_verifier`] gave).
    pub fn upstream_pkce_verifier(&self) -> &PkceVerifier {
        &self.upstream.pkce_verifier
    }

    /// The OIDC nonce the upstream ID token must carry.
    pub fn upstream_nonce(&self) -> &str {
        &self.upstream.nonce
    }
}

impl fmt::Debug for OpenedState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenedState")
            .field("state", &self.state)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

fn invalid(reason: &'static str, message: &str) -> Error {
    Error::new(ErrorKind::OAuthStateInvalid, message).with_reason(reason)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const NOW: u64 = 1_750_000_000;

    fn key(byte: u8) -> StateKey {
        StateKey::new(&[byte; 32]).unwrap()
    }

    fn sample() -> ProxyState {
        ProxyState {
            client_id: "mcp-client".into(),
            redirect_uri: "http://127.0.0.1:33418/callback?from=cli".into(),
            client_state: Some("client state & more".into()),
            code_challenge: PkceChallenge::s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            scopes: vec!["openid".into(), "tools:read".into()],
            resources: vec!["https://mcp.example.com/mcp".into()],
        }
    }

    #[test]
    fn seal_then_open_round_trips_with_the_same_upstream_secrets() {
        let k = key(7);
        let sealed = sample().seal(&k, NOW, DEFAULT_STATE_TTL_SECS).unwrap();
        assert!(b64::is_alphabet(&sealed.as_str().replace('.', "")));
        assert_eq!(sealed.expires_at(), NOW + DEFAULT_STATE_TTL_SECS);
        let opened = ProxyState::open(&k, sealed.as_str(), NOW + 10).unwrap();
        assert_eq!(opened.state, sample());
        assert_eq!(opened.expires_at, NOW + DEFAULT_STATE_TTL_SECS);
        assert_eq!(
            opened.upstream_pkce_verifier(),
            sealed.upstream_pkce_verifier()
        );
        assert_eq!(opened.upstream_nonce(), sealed.upstream_nonce());
        // Another seal of the same request gets its own id, so its own upstream secrets.
        let again = sample().seal(&k, NOW, DEFAULT_STATE_TTL_SECS).unwrap();
        assert_ne!(again.as_str(), sealed.as_str());
        assert_ne!(again.upstream_nonce(), sealed.upstream_nonce());
        assert_ne!(
            again.upstream_pkce_verifier(),
            sealed.upstream_pkce_verifier()
        );
    }

    #[test]
    fn upstream_secrets_are_not_in_the_state() {
        let k = key(7);
        let sealed = sample().seal(&k, NOW, 60).unwrap();
        let (body, _) = sealed.as_str().split_once('.').unwrap();
        let json = String::from_utf8(b64::decode(body).unwrap()).unwrap();
        let verifier = sealed.upstream_pkce_verifier();
        assert!(!json.contains(verifier.expose()));
        assert!(!json.contains(sealed.upstream_nonce()));
        assert!(!sealed.as_str().contains(verifier.expose()));
    }

    #[test]
    fn expired_state_rejected() {
        let k = key(7);
        let sealed = sample().seal(&k, NOW, 60).unwrap();
        assert!(ProxyState::open(&k, sealed.as_str(), NOW + 59).is_ok());
        for at in [NOW + 60, NOW + 3600] {
            let err = ProxyState::open(&k, sealed.as_str(), at).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::OAuthStateInvalid);
            assert_eq!(err.reason(), Some("expired"));
            assert_eq!(
                (err.oauth_error(), err.http_status()),
                ("invalid_request", 400)
            );
        }
    }

    #[test]
    fn foreign_key_rejected() {
        let sealed = sample().seal(&key(1), NOW, 60).unwrap();
        let err = ProxyState::open(&key(2), sealed.as_str(), NOW).unwrap_err();
        assert_eq!(
            (err.code(), err.reason()),
            ("ERR_OAUTH_STATE_INVALID", Some("signature"))
        );
        assert!(err.message().contains("another key"));
    }

    #[test]
    fn tampered_state_rejected() {
        let k = key(7);
        let sealed = sample().seal(&k, NOW, 60).unwrap();
        let (body, tag) = sealed.as_str().split_once('.').unwrap();

        // An attacker swaps in their own redirect URI and keeps the old tag.
        let mut json: serde_json::Value =
            serde_json::from_slice(&b64::decode(body).unwrap()).unwrap();
        json["redirect_uri"] = "https://evil.example/steal".into();
        json["exp"] = (NOW + 999_999).into();
        let forged = format!("{}.{tag}", b64::encode(json.to_string()));
        let err = ProxyState::open(&k, &forged, NOW).unwrap_err();
        assert_eq!(err.reason(), Some("signature"));

        // Flip one character of the body, then of the tag.
        let mut flipped = sealed.as_str().to_owned().into_bytes();
        flipped[3] = if flipped[3] == b'A' { b'B' } else { b'A' };
        let err = ProxyState::open(&k, std::str::from_utf8(&flipped).unwrap(), NOW).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OAuthStateInvalid);
        let mut tag_flipped = sealed.as_str().to_owned();
        let last = tag_flipped.pop().unwrap();
        tag_flipped.push(if last == 'A' { 'Q' } else { 'A' });
        assert_eq!(
            ProxyState::open(&k, &tag_flipped, NOW).unwrap_err().kind(),
            ErrorKind::OAuthStateInvalid
        );
    }

    #[test]
    fn malformed_states_rejected() {
        let k = key(7);
        let long = "a".repeat(MAX_SEALED_STATE_BYTES + 1);
        for bad in [
            "",
            "no-dot",
            ".",
            "abc.",
            "a b.c",
            "abc.!!!",
            long.as_str(),
            "client-state-xyz",
        ] {
            let err = ProxyState::open(&k, bad, NOW).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::OAuthStateInvalid, "{bad:?}");
            assert!(
                matches!(err.reason(), Some("malformed" | "signature")),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn oversized_request_cannot_be_sealed() {
        let mut state = sample();
        state.client_state = Some("x".repeat(MAX_SEALED_STATE_BYTES));
        let err = state.seal(&key(7), NOW, 60).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    }

    #[test]
    fn short_keys_refused() {
        assert_eq!(
            StateKey::new(&[0u8; 31]).unwrap_err().kind(),
            ErrorKind::InvalidKey
        );
        assert!(StateKey::generate().is_ok());
        assert_eq!(format!("{:?}", key(9)), "StateKey(<redacted>)");
    }

    #[test]
    fn client_redirects_keep_query_and_add_state_and_iss() {
        let state = sample();
        let ok = state
            .client_redirect_url("proxy-code", "https://mcp.example.com")
            .unwrap();
        assert_eq!(
            ok,
            "http://127.0.0.1:33418/callback?from=cli&code=proxy-code\
             &state=client+state+%26+more&iss=https%3A%2F%2Fmcp.example.com"
        );
        let err = state
            .client_error_redirect_url("access_denied", Some("User said no"), "https://m.example")
            .unwrap();
        assert_eq!(
            err,
            "http://127.0.0.1:33418/callback?from=cli&error=access_denied\
             &error_description=User+said+no&state=client+state+%26+more&iss=https%3A%2F%2Fm.example"
        );
        let mut no_state = sample();
        no_state.client_state = None;
        no_state.redirect_uri = "cursor://anysphere.cursor-retrieval/oauth/cb".into();
        assert_eq!(
            no_state
                .client_redirect_url("c", "https://m.example")
                .unwrap(),
            "cursor://anysphere.cursor-retrieval/oauth/cb?code=c&iss=https%3A%2F%2Fm.example"
        );
    }
}
