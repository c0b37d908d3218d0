//! What the checks share, built once per process: the fixed test keys of `tests/vectors/keys/`,
//! a clock standing at the vectors' `now`, and a JWKS served on 127.0.0.1 behind a
//! [`RemoteJwks`], so that the remote path is the real one (HTTP, cache, cooldown).

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use http_loopback::{Listener, Options, Request, Response, Server};
use mcp_bearer::clock::{Clock, ManualClock};
use mcp_bearer::jwk::{Algorithm, Jwk, KeySet, KeySetOptions};
use mcp_bearer::net::{UreqFetch, UreqFetchOptions};
use mcp_bearer::{
    KeySource, RemoteJwks, RemoteJwksOptions, SigningKey, TypPolicy, Verifier, VerifierOptions,
};
use serde_json::{Value, json};

use crate::input::{TokenInput, flags};
use crate::jose::{b64url_decode, compact, hs256};

/// The issuer the verifiers expect (the vectors' issuer).
pub const ISSUER: &str = "https://idp.example.com/";
/// The audience the verifiers expect (the vectors' audience).
pub const AUDIENCE: &str = "https://mcp.example.com/mcp";
/// Where the clock stands: the `now` of the vectors' JWT cases, so their payloads are valid.
pub const NOW: u64 = 1_767_225_600;
/// The `resource_metadata` URL of the challenges.
pub const RESOURCE_METADATA: &str =
    "https://mcp.example.com/.well-known/oauth-protected-resource/mcp";
/// The scope [`flags::REQUIRE_SCOPE`] requires.
pub const REQUIRED_SCOPE: &str = "mcp:write";
/// The `kid` of the remote set's key (the vectors' EdDSA key).
pub const EDDSA_KID: &str = "main-eddsa";
/// The `kid` the minted HS256 tokens carry (the secret is configured without one, so it
/// serves any).
pub const HS256_KID: &str = "hs256-secret";

const EDDSA_KEY: &str = include_str!("../../tests/vectors/keys/main-eddsa.json");
const HS256_SECRET: &str = include_str!("../../tests/vectors/keys/hs256-secret.json");

/// The shared parts.
pub struct Fixture {
    /// Never moves: the same input always meets the same time.
    pub clock: Arc<ManualClock>,
    secret: Vec<u8>,
    /// The HS256 secret, as a static key set.
    pub static_keys: Arc<KeySet>,
    eddsa: SigningKey,
    /// The EdDSA key's set, fetched from the loopback server at start-up (so the first
    /// input does not differ from the others), then never again: the clock does not move,
    /// so the set stays fresh and every refetch stays within the cooldown.
    pub remote: Arc<RemoteJwks>,
    _server: Server,
}

/// The fixture, built on first use.
pub fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(Fixture::build)
}

impl Fixture {
    fn build() -> Fixture {
        let clock = Arc::new(ManualClock::at_secs(NOW));
        let secret_jwk: Value = serde_json::from_str(HS256_SECRET).expect("hs256-secret.json");
        let secret = b64url_decode(secret_jwk["k"].as_str().expect("k")).expect("k is base64url");
        let static_keys = Arc::new(KeySet::from_keys(vec![
            Jwk::from_secret(&secret).expect("a 32-byte secret"),
        ]));
        let eddsa_jwk: Value = serde_json::from_str(EDDSA_KEY).expect("main-eddsa.json");
        let eddsa = SigningKey::from_jwk(&eddsa_jwk, None).expect("the EdDSA test key");
        let jwks = json!({ "keys": [eddsa.public_jwk()] }).to_string();
        KeySet::from_slice(jwks.as_bytes(), KeySetOptions::default()).expect("the served set");
        let listener = Listener::bind(0).expect("bind 127.0.0.1:0");
        let url = format!("{}/jwks", listener.origin());
        let server = listener
            .serve(
                move |_: &Request| Response::json(200, &jwks),
                Options::default(),
            )
            .expect("start the JWKS server");
        let fetch = UreqFetch::with_options(&UreqFetchOptions {
            ignore_proxy_env: true,
            ..UreqFetchOptions::default()
        })
        .expect("an HTTP client");
        let remote = RemoteJwks::with_parts(
            &url,
            RemoteJwksOptions {
                timeout: Duration::from_secs(10),
                ..RemoteJwksOptions::default()
            },
            Arc::new(fetch),
            Arc::clone(&clock) as Arc<dyn Clock>,
        )
        .expect("a loopback JWKS URL");
        remote
            .refresh()
            .expect("the first fetch of the loopback JWKS");
        Fixture {
            clock,
            secret,
            static_keys,
            eddsa,
            remote: Arc::new(remote),
            _server: server,
        }
    }

    /// The verifier options `flags` select, with a token cache of `cache_entries`.
    pub fn options(&self, flags: u8, cache_entries: usize) -> VerifierOptions {
        VerifierOptions {
            issuers: vec![ISSUER.to_owned()],
            audiences: vec![AUDIENCE.to_owned()],
            dangerous_accept_any_issuer: flags & flags::ANY_ISSUER != 0,
            dangerous_accept_any_audience: flags & flags::ANY_AUDIENCE != 0,
            required_scopes: if flags & flags::REQUIRE_SCOPE != 0 {
                vec![REQUIRED_SCOPE.to_owned()]
            } else {
                Vec::new()
            },
            max_token_age: (flags & flags::MAX_AGE != 0).then_some(Duration::from_secs(3600)),
            typ: match flags & (flags::TYP_STRICT | flags::TYP_ANY) {
                flags::TYP_STRICT => TypPolicy::StrictAccessToken,
                flags::TYP_ANY => TypPolicy::Any,
                _ => TypPolicy::AccessTokenOrJwt,
            },
            leeway: if flags & flags::NO_LEEWAY != 0 {
                Duration::ZERO
            } else {
                VerifierOptions::default().leeway
            },
            token_cache_entries: cache_entries,
            ..VerifierOptions::default()
        }
    }

    /// A verifier over the static HS256 set.
    pub fn static_verifier(&self, options: VerifierOptions) -> Verifier {
        Verifier::with_clock(
            KeySource::Static(Arc::clone(&self.static_keys)),
            options,
            Arc::clone(&self.clock) as Arc<dyn Clock>,
        )
        .expect("valid verifier options")
    }

    /// A verifier over the remote EdDSA set.
    pub fn remote_verifier(&self, options: VerifierOptions) -> Verifier {
        Verifier::new(KeySource::Remote(Arc::clone(&self.remote)), options)
            .expect("valid verifier options")
    }

    /// The input's token signed with HS256 under the static secret.
    pub fn hs256_token(&self, input: &TokenInput<'_>) -> String {
        let header = input.header.map_or_else(
            || default_header(Algorithm::HS256, HS256_KID),
            <[u8]>::to_vec,
        );
        compact::<()>(&header, input.payload, |message| {
            Ok(hs256(&self.secret, message))
        })
        .expect("HMAC signing")
    }

    /// The input's token signed with the remote set's EdDSA key.
    pub fn eddsa_token(&self, input: &TokenInput<'_>) -> String {
        let header = input.header.map_or_else(
            || default_header(Algorithm::EdDSA, EDDSA_KID),
            <[u8]>::to_vec,
        );
        compact(&header, input.payload, |message| self.eddsa.sign(message)).expect("EdDSA signing")
    }
}

/// The header of a minted token without a raw header: `typ: at+jwt` passes every
/// [`TypPolicy`], so the verdict turns on the payload alone.
fn default_header(alg: Algorithm, kid: &str) -> Vec<u8> {
    format!(r#"{{"alg":"{}","kid":"{kid}","typ":"at+jwt"}}"#, alg.name()).into_bytes()
}
