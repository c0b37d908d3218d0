//! Registered client ids, sealed: the registration itself (redirect URIs, name, home page,
//! issue time) is the client id, HMAC-signed under the proxy's [`StateKey`] with a key of its
//! own, so the authorize endpoint of any instance can tell which redirect URIs a client
//! registered without a store shared between instances.
//!
//! Signed, not encrypted: it holds only what the client sent in its own registration.

use std::ops::RangeInclusive;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::bounds;
use crate::error::{Error, ErrorKind, Result};

use super::consent::{ClientVerification, Consent, check_client_uri, check_registered_redirect};
use super::dcr::ClientRegistrationRequest;
use super::redirect::RedirectUriPolicy;
use super::state::{StateKey, Unsealed, seal_bytes, unseal};

/// The longest sealed client id: a registration whose redirect URIs, name and home page do
/// not fit is refused (`invalid_client_metadata`). The id travels in every authorization
/// request and inside the sealed `state` ([`super::MAX_SEALED_STATE_BYTES`]), so it must stay
/// well below that.
pub const MAX_SEALED_CLIENT_ID_BYTES: usize = 2048;

/// Allowed [`SealedRegistrationOptions::ttl`]: 1 min to 10 years.
pub const REGISTRATION_TTL_RANGE: RangeInclusive<Duration> =
    Duration::from_secs(60)..=Duration::from_secs(3650 * 86_400);

/// How [`super::ClientRegistration::sealed`] seals a registration. As data
/// ([`SealedRegistrationOptions::from_json`]), durations are seconds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SealedRegistrationOptions {
    /// How long a registered client id stays valid, in whole seconds; after that the
    /// authorize endpoint answers `invalid_client` and MCP clients register again. Defaults
    /// to none: a registration lives as long as the [`StateKey`] (rotate the key to end them
    /// all). 1 min to 10 years ([`REGISTRATION_TTL_RANGE`]).
    #[serde(deserialize_with = "crate::config::optional_seconds")]
    pub ttl: Option<Duration>,
}

crate::config::from_config_data!(SealedRegistrationOptions);

impl SealedRegistrationOptions {
    /// Checks `ttl` against its range.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] naming the field and the range.
    pub fn validate(&self) -> Result<()> {
        match self.ttl {
            Some(ttl) => bounds::duration(
                "SealedRegistrationOptions::ttl",
                ttl,
                &REGISTRATION_TTL_RANGE,
            ),
            None => Ok(()),
        }
    }
}

/// What a sealed client id carries (short member names: the id travels in URLs).
#[derive(Serialize, Deserialize)]
struct Sealed {
    #[serde(rename = "r")]
    redirect_uris: Vec<String>,
    #[serde(rename = "n", default, skip_serializing_if = "Option::is_none")]
    client_name: Option<String>,
    #[serde(rename = "u", default, skip_serializing_if = "Option::is_none")]
    client_uri: Option<String>,
    iat: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    exp: Option<u64>,
}

/// Seals `request` (already checked against the redirect-URI policy) into a client id.
pub(super) fn seal(
    request: &ClientRegistrationRequest,
    key: &StateKey,
    now: u64,
    options: &SealedRegistrationOptions,
) -> Result<String> {
    options.validate()?;
    if let Some(uri) = &request.client_uri {
        check_client_uri(uri).map_err(|m| Error::new(ErrorKind::InvalidClientMetadata, m))?;
    }
    let sealed = Sealed {
        redirect_uris: request.redirect_uris.clone(),
        client_name: request.client_name.clone(),
        client_uri: request.client_uri.clone(),
        iat: now,
        exp: options.ttl.map(|ttl| now.saturating_add(ttl.as_secs())),
    };
    let json = serde_json::to_vec(&sealed).map_err(|e| {
        Error::new(
            ErrorKind::InvalidConfig,
            format!("cannot encode the registration: {e}"),
        )
    })?;
    let id = seal_bytes(key.client_mac(), &json);
    if id.len() > MAX_SEALED_CLIENT_ID_BYTES {
        return Err(Error::new(
            ErrorKind::InvalidClientMetadata,
            format!(
                "the registration is too large to seal into a client id ({} bytes, at most \
                 {MAX_SEALED_CLIENT_ID_BYTES}); register fewer or shorter redirect_uris, or a \
                 shorter client_name or client_uri",
                id.len()
            ),
        ));
    }
    Ok(id)
}

/// A client registered with [`super::ClientRegistration::sealed`], read back from its client
/// id. Everything in it is what the client said about itself when it registered
/// ([`ClientVerification::SelfAsserted`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredClient {
    /// The client id, as presented.
    pub client_id: String,
    /// The redirect URIs the client registered.
    pub redirect_uris: Vec<String>,
    /// The name the client registered, if any.
    pub client_name: Option<String>,
    /// The home page the client registered (an `https` URL), if any.
    pub client_uri: Option<String>,
    /// When the client registered, in Unix seconds.
    pub issued_at: u64,
    /// When the client id stops being accepted, in Unix seconds; none when it does not
    /// expire.
    pub expires_at: Option<u64>,
}

impl RegisteredClient {
    /// Opens a client id that [`super::ClientRegistration::sealed`] issued under `key`, at
    /// time `now` (Unix seconds).
    ///
    /// # Errors
    /// [`ErrorKind::OAuthInvalidClient`] (`invalid_client`) with reason `malformed` (not a
    /// client id this server issues), `signature` (altered, or sealed under another key) or
    /// `expired`.
    pub fn open(key: &StateKey, client_id: &str, now: u64) -> Result<Self> {
        let json = unseal(key.client_mac(), client_id, MAX_SEALED_CLIENT_ID_BYTES).map_err(
            |why| match why {
                Unsealed::TooLong | Unsealed::Malformed => invalid_client(
                    "malformed",
                    "the client_id is not one this server issued; register the client \
                     (RFC 7591) or use a client id metadata document URL",
                ),
                Unsealed::Signature => invalid_client(
                    "signature",
                    "the client_id was altered or issued under another key; register the \
                     client again",
                ),
            },
        )?;
        let sealed: Sealed = serde_json::from_slice(&json).map_err(|_| {
            invalid_client(
                "malformed",
                "the client_id's registration is not readable; register the client again",
            )
        })?;
        if let Some(exp) = sealed.exp
            && now >= exp
        {
            return Err(invalid_client(
                "expired",
                &format!(
                    "the client_id's registration expired {} s ago; register the client again",
                    now - exp
                ),
            ));
        }
        Ok(RegisteredClient {
            client_id: client_id.to_owned(),
            redirect_uris: sealed.redirect_uris,
            client_name: sealed.client_name,
            client_uri: sealed.client_uri,
            issued_at: sealed.iat,
            expires_at: sealed.exp,
        })
    }

    /// Checks an authorization request's `redirect_uri` against this registration (exactly
    /// one of the registered URIs, any port for a loopback `http` one, RFC 8252 §7.3) and
    /// `policy`, and returns what a consent page shows.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRequest`] (`invalid_request`, reason `redirect_uri`) when the
    /// client did not register the URI; [`ErrorKind::RedirectUriRejected`] when `policy`
    /// refuses it. Either way, answer on the authorize endpoint itself: never redirect to an
    /// unchecked URI (RFC 6749 §4.1.2.1).
    pub fn authorize(
        &self,
        redirect_uri: &str,
        scopes: &[String],
        policy: &RedirectUriPolicy,
    ) -> Result<Consent> {
        check_registered_redirect(&self.redirect_uris, redirect_uri, policy, "registration")?;
        Ok(Consent {
            client_id: self.client_id.clone(),
            client_name: self.client_name.clone(),
            client_uri: self.client_uri.clone(),
            redirect_uri: redirect_uri.to_owned(),
            verification: ClientVerification::SelfAsserted,
            scopes: scopes.to_vec(),
        })
    }
}

fn invalid_client(reason: &'static str, message: &str) -> Error {
    Error::new(ErrorKind::OAuthInvalidClient, message).with_reason(reason)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::b64;
    use crate::oauth::{ClientRegistration, ProxyState};

    const NOW: u64 = 1_750_000_000;
    const LOOPBACK: &str = "http://127.0.0.1/callback";
    const WEB: &str = "https://client.example/cb";

    fn key(byte: u8) -> StateKey {
        StateKey::new(&[byte; 32]).unwrap()
    }

    fn request() -> ClientRegistrationRequest {
        ClientRegistrationRequest::parse(
            br#"{"redirect_uris":["http://127.0.0.1/callback","https://client.example/cb"],
                 "client_name":"Example MCP client","client_uri":"https://client.example/"}"#,
        )
        .unwrap()
    }

    fn register(key: &StateKey, options: &SealedRegistrationOptions) -> ClientRegistration {
        ClientRegistration::sealed(&request(), key, &RedirectUriPolicy::default(), NOW, options)
            .unwrap()
    }

    #[test]
    fn sealed_registration_round_trips_and_binds_its_redirect_uris() {
        let k = key(7);
        let reg = register(&k, &SealedRegistrationOptions::default());
        assert_eq!(reg.client_id_issued_at, NOW);
        assert_eq!(reg.token_endpoint_auth_method, "none");
        assert!(b64::is_alphabet(&reg.client_id.replace('.', "")));
        let client = RegisteredClient::open(&k, &reg.client_id, NOW + 86_400 * 365).unwrap();
        assert_eq!(client.redirect_uris, [LOOPBACK, WEB]);
        assert_eq!(client.client_name.as_deref(), Some("Example MCP client"));
        assert_eq!(
            client.client_uri.as_deref(),
            Some("https://client.example/")
        );
        assert_eq!((client.issued_at, client.expires_at), (NOW, None));

        let policy = RedirectUriPolicy::default();
        let scopes = vec!["mcp:tools".to_owned()];
        let consent = client
            .authorize("http://127.0.0.1:51004/callback", &scopes, &policy)
            .unwrap();
        assert_eq!(consent.verification, ClientVerification::SelfAsserted);
        assert_eq!(consent.redirect_uri, "http://127.0.0.1:51004/callback");
        assert_eq!(consent.client_name.as_deref(), Some("Example MCP client"));
        assert_eq!(consent.scopes, scopes);
        assert!(client.authorize(WEB, &[], &policy).is_ok());
        for other in [
            "https://evil.example/cb",
            "https://client.example/cb2",
            "https://client.example/cb?x=1",
            "http://127.0.0.1:1/other",
            "http://localhost/callback",
        ] {
            let err = client.authorize(other, &[], &policy).unwrap_err();
            assert_eq!(
                (
                    err.kind(),
                    err.reason(),
                    err.oauth_error(),
                    err.http_status()
                ),
                (
                    ErrorKind::InvalidRequest,
                    Some("redirect_uri"),
                    "invalid_request",
                    400
                ),
                "{other}"
            );
            assert!(err.message().contains("did not register"), "{err}");
        }
        // Two registrations of the same request at the same time are the same id: nothing
        // random, nothing stored.
        assert_eq!(
            register(&k, &SealedRegistrationOptions::default()).client_id,
            reg.client_id
        );
    }

    #[test]
    fn tampered_client_id_refused() {
        let k = key(7);
        let id = register(&k, &SealedRegistrationOptions::default()).client_id;
        let (body, tag) = id.split_once('.').unwrap();
        // An attacker adds their own redirect URI and keeps the tag.
        let mut json: serde_json::Value =
            serde_json::from_slice(&b64::decode(body).unwrap()).unwrap();
        json["r"] = serde_json::json!(["https://evil.example/steal"]);
        let forged = format!("{}.{tag}", b64::encode(json.to_string()));
        let err = RegisteredClient::open(&k, &forged, NOW).unwrap_err();
        assert_eq!(
            (
                err.code(),
                err.reason(),
                err.oauth_error(),
                err.http_status()
            ),
            (
                "ERR_OAUTH_INVALID_CLIENT",
                Some("signature"),
                "invalid_client",
                401
            )
        );
        let mut flipped = id.clone().into_bytes();
        flipped[5] = if flipped[5] == b'A' { b'B' } else { b'A' };
        let err = RegisteredClient::open(&k, std::str::from_utf8(&flipped).unwrap(), NOW);
        assert_eq!(err.unwrap_err().kind(), ErrorKind::OAuthInvalidClient);
    }

    #[test]
    fn foreign_key_and_other_sealed_values_refused() {
        let id = register(&key(1), &SealedRegistrationOptions::default()).client_id;
        let err = RegisteredClient::open(&key(2), &id, NOW).unwrap_err();
        assert_eq!(err.reason(), Some("signature"));
        assert!(err.message().contains("another key"), "{err}");
        // A proxy state sealed under the same key is not a client id (its own derived key).
        let state = ProxyState {
            client_id: "c".into(),
            redirect_uri: WEB.into(),
            client_state: None,
            code_challenge: crate::oauth::PkceChallenge::s256(
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            ),
            scopes: Vec::new(),
            resources: Vec::new(),
        }
        .seal(&key(1), NOW, 60)
        .unwrap();
        let err = RegisteredClient::open(&key(1), state.as_str(), NOW).unwrap_err();
        assert_eq!(err.reason(), Some("signature"));
        // And a client id is not a state.
        let err = ProxyState::open(&key(1), &id, NOW).unwrap_err();
        assert_eq!(err.reason(), Some("signature"));
        let long = "a".repeat(MAX_SEALED_CLIENT_ID_BYTES + 1);
        for bad in ["", "mcp-proxy-clients", "a.b", "abc.!!!", long.as_str()] {
            let err = RegisteredClient::open(&key(1), bad, NOW).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::OAuthInvalidClient, "{bad}");
            assert!(
                matches!(err.reason(), Some("malformed" | "signature")),
                "{bad}"
            );
        }
    }

    #[test]
    fn expiring_registrations_expire() {
        let k = key(7);
        let options = SealedRegistrationOptions {
            ttl: Some(Duration::from_secs(3600)),
        };
        let id = register(&k, &options).client_id;
        let client = RegisteredClient::open(&k, &id, NOW + 3599).unwrap();
        assert_eq!(client.expires_at, Some(NOW + 3600));
        let err = RegisteredClient::open(&k, &id, NOW + 3600).unwrap_err();
        assert_eq!(
            (err.kind(), err.reason()),
            (ErrorKind::OAuthInvalidClient, Some("expired"))
        );
        assert!(err.message().contains("register the client again"), "{err}");
        // The range is checked, and the options read as data.
        for bad in [Duration::from_secs(59), Duration::from_secs(3651 * 86_400)] {
            let options = SealedRegistrationOptions { ttl: Some(bad) };
            let err = ClientRegistration::sealed(
                &request(),
                &k,
                &RedirectUriPolicy::default(),
                NOW,
                &options,
            )
            .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidConfig);
            assert!(
                err.message().contains("SealedRegistrationOptions::ttl"),
                "{err}"
            );
        }
        let options = SealedRegistrationOptions::from_json(r#"{"ttl": 86400}"#).unwrap();
        assert_eq!(options.ttl, Some(Duration::from_secs(86_400)));
        assert_eq!(
            SealedRegistrationOptions::from_json(r#"{"ttl": null}"#).unwrap(),
            SealedRegistrationOptions::default()
        );
    }

    #[test]
    fn registrations_that_cannot_be_sealed_are_refused() {
        let k = key(7);
        let policy = RedirectUriPolicy::default();
        let options = SealedRegistrationOptions::default();
        let long_uris: Vec<String> = (0..20)
            .map(|i| format!("https://client.example/{}/{i}", "p".repeat(100)))
            .collect();
        for body in [
            serde_json::json!({ "redirect_uris": long_uris }),
            serde_json::json!({ "redirect_uris": [WEB], "client_name": "n".repeat(3000) }),
            serde_json::json!({ "redirect_uris": [WEB], "client_uri": "javascript:alert(1)" }),
            serde_json::json!({ "redirect_uris": [WEB], "client_uri": "http://client.example/" }),
        ] {
            let request = ClientRegistrationRequest::parse(body.to_string().as_bytes()).unwrap();
            let err = ClientRegistration::sealed(&request, &k, &policy, NOW, &options).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidClientMetadata, "{body}");
        }
        let request =
            ClientRegistrationRequest::parse(br#"{"redirect_uris":["http://evil.example/cb"]}"#)
                .unwrap();
        let err = ClientRegistration::sealed(&request, &k, &policy, NOW, &options).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::RedirectUriRejected);
    }

    #[test]
    fn a_largest_client_id_still_fits_in_the_state() {
        // Seventeen 80-character redirect URIs and a name: just under the client id's cap.
        let uris: Vec<String> = (0..17)
            .map(|i| format!("https://client.example/{}/{i:02}", "p".repeat(52)))
            .collect();
        let request = ClientRegistrationRequest::parse(
            serde_json::json!({ "redirect_uris": uris, "client_name": "n".repeat(40) })
                .to_string()
                .as_bytes(),
        )
        .unwrap();
        let k = key(7);
        let reg = ClientRegistration::sealed(
            &request,
            &k,
            &RedirectUriPolicy::default(),
            NOW,
            &SealedRegistrationOptions::default(),
        )
        .unwrap();
        assert!(
            reg.client_id.len() > MAX_SEALED_CLIENT_ID_BYTES - 200,
            "{}",
            reg.client_id.len()
        );
        let state = ProxyState {
            client_id: reg.client_id.clone(),
            redirect_uri: uris[16].clone(),
            client_state: Some("s".repeat(64)),
            code_challenge: crate::oauth::PkceChallenge::s256(
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            ),
            scopes: vec!["mcp:tools".into(), "mcp:read".into()],
            resources: vec!["https://mcp.example.com/mcp".into()],
        };
        assert!(state.seal(&k, NOW, 600).is_ok());
    }
}
