//! Options as data: every options type built from JSON (every member, none, an unknown one, a
//! wrong type), its defaults held to the README's table, and `Verifier::from_config` over each
//! key source.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;

use http_loopback::{Listener, Request, Response, Server};
use mcp_bearer::clock::{Clock, ManualClock};
use mcp_bearer::discovery::DiscoveryOptions;
use mcp_bearer::id_token::IdTokenValidatorOptions;
use mcp_bearer::net::{AddressPolicy, UreqFetchOptions};
use mcp_bearer::oauth::{
    ClientAuth, ClientMetadataOptions, ProxyStateOptions, RedirectUriPolicy,
    SealedRegistrationOptions,
};
use mcp_bearer::opaque::{IntrospectionOptions, UserInfoFlavor, UserInfoOptions};
use mcp_bearer::test_support::{b64, hmac_sign, sign_compact};
use mcp_bearer::{
    Algorithm, Error, ErrorKind, KeySource, KeySourceConfig, RemoteJwksOptions, SigningKey,
    TypPolicy, Verifier, VerifierConfig, VerifierOptions,
};
use serde_json::{Value, json};

/// One options type under test: its name, its readers and its default.
struct Subject<T> {
    name: &'static str,
    from_json: fn(&str) -> Result<T, Error>,
    from_value: fn(Value) -> Result<T, Error>,
}

impl<T: PartialEq + Debug + Default> Subject<T> {
    /// Every member set (`all`, which must give `expected`), no member (the `Default`), an
    /// unknown member and a member of the wrong type; returns the members the type has, as
    /// the unknown-member error lists them.
    fn check(&self, all: Value, expected: T, wrong_type: &str) -> BTreeSet<String> {
        let name = self.name;
        assert_eq!(
            (self.from_value)(all.clone()).unwrap(),
            expected,
            "{name}: all"
        );
        assert_eq!(
            (self.from_json)(&all.to_string()).unwrap(),
            expected,
            "{name}: text"
        );
        assert_eq!(
            (self.from_json)("{}").unwrap(),
            T::default(),
            "{name}: none"
        );
        assert_eq!((self.from_value)(json!({})).unwrap(), T::default());

        let err = (self.from_value)(json!({"no_such_option": 1})).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{name}");
        let message = err.message();
        assert!(
            message.contains("unknown field \"no_such_option\""),
            "{message}"
        );
        // serde lists the members as "`a`", "`a` or `b`" or "one of `a`, `b`, `c`".
        let list = message
            .split("; expected ")
            .nth(1)
            .unwrap_or_else(|| panic!("{name}: no member list in {message:?}"));
        let members: BTreeSet<String> = list
            .trim_start_matches("one of ")
            .split(", ")
            .flat_map(|m| m.split(" or "))
            .map(|m| m.trim_matches('`').to_owned())
            .collect();
        let listed: BTreeSet<String> = all.as_object().unwrap().keys().cloned().collect();
        assert_eq!(
            listed, members,
            "{name}: the all-members object misses some"
        );

        let secret = "a-value-that-must-not-be-repeated";
        let mut wrong = json!({});
        wrong[wrong_type] = json!({ "nested": secret });
        let err = (self.from_value)(wrong).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{name}");
        assert!(
            err.message()
                .starts_with(&format!("{name} field \"{wrong_type}\": expected ")),
            "{}",
            err.message()
        );
        assert!(
            err.message().ends_with("got an object"),
            "{}",
            err.message()
        );
        assert!(!err.message().contains(secret));

        let err = (self.from_value)(json!([1, 2])).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        let err = (self.from_json)("{\"unterminated").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        members
    }

    /// Setting `member` to the README's `value` gives the type's default.
    fn default_is(&self, member: &str, value: &Value) {
        let mut object = json!({});
        object[member] = value.clone();
        let built = (self.from_value)(object)
            .unwrap_or_else(|e| panic!("{}.{member} = {value}: {e}", self.name));
        assert_eq!(
            built,
            T::default(),
            "README says {}.{member} defaults to {value}",
            self.name
        );
    }
}

macro_rules! subject {
    ($type:ty) => {
        Subject::<$type> {
            name: stringify!($type),
            from_json: <$type>::from_json,
            from_value: <$type>::from_value,
        }
    };
}

/// The README's "Every option, as data" rows: type → member → default (JSON).
fn readme_defaults() -> BTreeMap<String, BTreeMap<String, Value>> {
    let mut out: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
    let readme = include_str!("../../README.md");
    let table = readme
        .split("### Every option, as data")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("README has the section \"Every option, as data\"");
    for row in table.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = row.trim_matches('|').split(" | ").map(str::trim).collect();
        assert_eq!(cells.len(), 4, "README options row {row:?}");
        let value: Value = serde_json::from_str(cells[2].trim_matches('`'))
            .unwrap_or_else(|e| panic!("README row {row:?}: the default is not JSON: {e}"));
        let member = cells[1].trim_matches('`').to_owned();
        let previous = out
            .entry(cells[0].trim_matches('`').to_owned())
            .or_default()
            .insert(member, value);
        assert!(previous.is_none(), "README row {row:?} repeats a member");
    }
    out
}

/// Checks one type against the README: a row for every member, and every row's value is
/// the default.
fn against_readme<T: PartialEq + Debug + Default>(
    subject: &Subject<T>,
    members: &BTreeSet<String>,
    readme: &mut BTreeMap<String, BTreeMap<String, Value>>,
) {
    let rows = readme
        .remove(subject.name)
        .unwrap_or_else(|| panic!("README has no rows for {}", subject.name));
    let documented: BTreeSet<String> = rows.keys().cloned().collect();
    assert_eq!(&documented, members, "README rows of {}", subject.name);
    for (member, value) in &rows {
        subject.default_is(member, value);
    }
}

#[test]
fn every_options_type_reads_from_json_and_its_defaults_are_the_readmes() {
    let mut readme = readme_defaults();

    let s = subject!(VerifierOptions);
    let members = s.check(
        json!({
            "issuers": ["https://idp.example.com/"],
            "audiences": ["https://mcp.example.com/mcp", "api://mcp"],
            "dangerous_accept_any_issuer": true,
            "dangerous_accept_any_audience": true,
            "algorithms": ["RS256", "EdDSA"],
            "leeway": 0.25,
            "max_token_age": 3600,
            "required_claims": ["tid"],
            "required_scopes": ["tools:read"],
            "typ": "strict_access_token",
            "max_token_bytes": 4096,
            "max_key_candidates": 2,
            "token_cache_entries": 0,
        }),
        VerifierOptions {
            issuers: vec!["https://idp.example.com/".into()],
            audiences: vec!["https://mcp.example.com/mcp".into(), "api://mcp".into()],
            dangerous_accept_any_issuer: true,
            dangerous_accept_any_audience: true,
            algorithms: Some(vec![Algorithm::RS256, Algorithm::EdDSA]),
            leeway: Duration::from_millis(250),
            max_token_age: Some(Duration::from_secs(3600)),
            required_claims: vec!["tid".into()],
            required_scopes: vec!["tools:read".into()],
            typ: TypPolicy::StrictAccessToken,
            max_token_bytes: 4096,
            max_key_candidates: 2,
            token_cache_entries: 0,
        },
        "leeway",
    );
    against_readme(&s, &members, &mut readme);

    let s = subject!(RemoteJwksOptions);
    let members = s.check(
        json!({
            "max_age": 60, "cooldown": 0, "timeout": 0.5, "stale_window": 0,
            "max_response_bytes": 1024, "max_keys": 3, "dangerous_allow_insecure_http": true,
        }),
        RemoteJwksOptions {
            max_age: Duration::from_secs(60),
            cooldown: Duration::ZERO,
            timeout: Duration::from_millis(500),
            stale_window: Duration::ZERO,
            max_response_bytes: 1024,
            max_keys: 3,
            dangerous_allow_insecure_http: true,
        },
        "max_keys",
    );
    against_readme(&s, &members, &mut readme);

    let s = subject!(DiscoveryOptions);
    let members = s.check(
        json!({"timeout": 1.5, "max_response_bytes": 2048, "dangerous_allow_insecure_http": true}),
        DiscoveryOptions {
            timeout: Duration::from_millis(1500),
            max_response_bytes: 2048,
            dangerous_allow_insecure_http: true,
        },
        "timeout",
    );
    against_readme(&s, &members, &mut readme);

    let s = subject!(UreqFetchOptions);
    let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    let members = s.check(
        json!({
            "extra_ca_pem": pem,
            "only_extra_ca": true,
            "ignore_proxy_env": true,
            "address_policy": {"dangerous_allow_private": true},
        }),
        UreqFetchOptions {
            extra_ca_pem: Some(pem.as_bytes().to_vec()),
            only_extra_ca: true,
            ignore_proxy_env: true,
            address_policy: Some(AddressPolicy {
                dangerous_allow_loopback: false,
                dangerous_allow_private: true,
            }),
        },
        "extra_ca_pem",
    );
    against_readme(&s, &members, &mut readme);

    let s = subject!(IntrospectionOptions);
    let members = s.check(
        json!({
            "endpoint": "http://keycloak:8080/introspect",
            "client_id": "rs-1",
            "client_auth": {"method": "client_secret_basic", "client_secret": "s3cr3t"},
            "issuers": ["https://idp.example.com/"],
            "audiences": ["https://mcp.example.com/mcp"],
            "dangerous_accept_any_issuer": true,
            "dangerous_accept_any_audience": true,
            "required_scopes": ["a"],
            "cache_ttl": 0,
            "cache_entries": 5,
            "timeout": 2,
            "dangerous_allow_insecure_http": true,
        }),
        IntrospectionOptions {
            endpoint: "http://keycloak:8080/introspect".into(),
            client_id: "rs-1".into(),
            client_auth: ClientAuth::ClientSecretBasic("s3cr3t".into()),
            issuers: vec!["https://idp.example.com/".into()],
            audiences: vec!["https://mcp.example.com/mcp".into()],
            dangerous_accept_any_issuer: true,
            dangerous_accept_any_audience: true,
            required_scopes: vec!["a".into()],
            cache_ttl: Duration::ZERO,
            cache_entries: 5,
            timeout: Duration::from_secs(2),
            dangerous_allow_insecure_http: true,
        },
        "cache_ttl",
    );
    against_readme(&s, &members, &mut readme);

    let s = subject!(UserInfoOptions);
    let members = s.check(
        json!({
            "endpoint": "https://api.github.com/user", "flavor": "github",
            "required_scopes": ["read:user"], "cache_ttl": 10, "cache_entries": 1,
            "timeout": 1, "dangerous_allow_insecure_http": true,
        }),
        UserInfoOptions {
            endpoint: "https://api.github.com/user".into(),
            flavor: UserInfoFlavor::GitHub,
            required_scopes: vec!["read:user".into()],
            cache_ttl: Duration::from_secs(10),
            cache_entries: 1,
            timeout: Duration::from_secs(1),
            dangerous_allow_insecure_http: true,
        },
        "timeout",
    );
    against_readme(&s, &members, &mut readme);

    let s = subject!(IdTokenValidatorOptions);
    let members = s.check(
        json!({"algorithms": ["ES256"], "leeway": 5, "max_token_age": 600, "max_token_bytes": 8192}),
        IdTokenValidatorOptions {
            algorithms: Some(vec![Algorithm::ES256]),
            leeway: Duration::from_secs(5),
            max_token_age: Some(Duration::from_secs(600)),
            max_token_bytes: 8192,
        },
        "algorithms",
    );
    against_readme(&s, &members, &mut readme);

    let s = subject!(RedirectUriPolicy);
    let members = s.check(
        json!({"private_use_schemes": ["zed"], "allow_loopback_http": false}),
        RedirectUriPolicy {
            private_use_schemes: vec!["zed".into()],
            allow_loopback_http: false,
        },
        "allow_loopback_http",
    );
    against_readme(&s, &members, &mut readme);

    let s = subject!(ProxyStateOptions);
    let members = s.check(
        json!({"ttl": 120}),
        ProxyStateOptions {
            ttl: Duration::from_secs(120),
        },
        "ttl",
    );
    against_readme(&s, &members, &mut readme);

    let s = subject!(AddressPolicy);
    let members = s.check(
        json!({"dangerous_allow_loopback": true, "dangerous_allow_private": true}),
        AddressPolicy {
            dangerous_allow_loopback: true,
            dangerous_allow_private: true,
        },
        "dangerous_allow_private",
    );
    against_readme(&s, &members, &mut readme);

    let s = subject!(SealedRegistrationOptions);
    let members = s.check(
        json!({"ttl": 86400}),
        SealedRegistrationOptions {
            ttl: Some(Duration::from_secs(86_400)),
        },
        "ttl",
    );
    against_readme(&s, &members, &mut readme);

    let s = subject!(ClientMetadataOptions);
    let members = s.check(
        json!({
            "timeout": 2,
            "max_response_bytes": 4096,
            "cache_ttl": 60,
            "max_cache_ttl": 600,
            "cache_entries": 10,
            "token_endpoint_auth_methods": ["none", "private_key_jwt"],
            "dangerous_allow_loopback": true,
            "dangerous_allow_private": true,
        }),
        ClientMetadataOptions {
            timeout: Duration::from_secs(2),
            max_response_bytes: 4096,
            cache_ttl: Duration::from_secs(60),
            max_cache_ttl: Duration::from_secs(600),
            cache_entries: 10,
            token_endpoint_auth_methods: vec!["none".into(), "private_key_jwt".into()],
            dangerous_allow_loopback: true,
            dangerous_allow_private: true,
        },
        "cache_entries",
    );
    against_readme(&s, &members, &mut readme);

    assert!(
        readme.is_empty(),
        "README rows for types this test does not know: {:?}",
        readme.keys()
    );
}

#[test]
fn names_and_seconds_are_checked_where_they_are_read() {
    let message = |r: Result<VerifierOptions, Error>| r.unwrap_err().message().to_owned();
    let m = message(VerifierOptions::from_json(
        r#"{"algorithms": ["RS256", "none"]}"#,
    ));
    assert!(
        m.contains("field \"algorithms[1]\"") && m.contains("unknown algorithm \"none\""),
        "{m}"
    );
    let m = message(VerifierOptions::from_json(r#"{"algorithms": ["rs256"]}"#));
    assert!(m.contains("case-sensitive"), "{m}");
    let m = message(VerifierOptions::from_json(r#"{"typ": "jwt"}"#));
    assert!(
        m.contains("field \"typ\"") && m.contains("unknown name \"jwt\""),
        "{m}"
    );
    assert!(m.contains("access_token_or_jwt"), "{m}");
    let m = message(VerifierOptions::from_json(r#"{"leeway": -1}"#));
    assert!(
        m.contains("field \"leeway\"") && m.contains("a number of seconds"),
        "{m}"
    );
    let m = message(VerifierOptions::from_json(r#"{"leeway": "30s"}"#));
    assert!(m.ends_with("got a string") && !m.contains("30s"), "{m}");
    let options = VerifierOptions::from_json(r#"{"max_token_age": null}"#).unwrap();
    assert_eq!(options.max_token_age, None);

    // Ranges stay where they were: checked when the verifier is built.
    let config = VerifierConfig::from_json(
        r#"{"shared_secret": "0123456789abcdef0123456789abcdef",
            "issuers": ["i"], "audiences": ["a"], "leeway": 864000}"#,
    )
    .unwrap();
    let err = Verifier::from_config(config).unwrap_err();
    assert!(
        err.message().contains("VerifierOptions::leeway"),
        "{}",
        err.message()
    );

    // client_auth: a method needs its secret; a secret never shows in a message.
    let err =
        IntrospectionOptions::from_json(r#"{"client_auth": {"method": "client_secret_post"}}"#)
            .unwrap_err();
    assert!(
        err.message().contains("field \"client_auth\""),
        "{}",
        err.message()
    );
    let err = IntrospectionOptions::from_json(
        r#"{"client_auth": {"method": "none", "client_secret": "hunter2"}}"#,
    )
    .unwrap_err();
    assert!(!err.message().contains("hunter2"), "{}", err.message());
    let err = IntrospectionOptions::from_json(r#"{"client_auth": {"method": "private_key_jwt"}}"#)
        .unwrap_err();
    assert!(
        err.message().contains("unknown name \"private_key_jwt\""),
        "{}",
        err.message()
    );
    let err = VerifierConfig::from_json(r#"{"shared_secret": 1234567890123}"#).unwrap_err();
    assert!(
        err.message() == "VerifierConfig field \"shared_secret\": expected a string, got a number",
        "{}",
        err.message()
    );
}

const ISSUER: &str = "https://idp.example.com/";
const AUDIENCE: &str = "https://mcp.example.com/mcp";
const T0: u64 = 1_800_000_000;

fn claims() -> serde_json::Map<String, Value> {
    json!({"iss": ISSUER, "aud": AUDIENCE, "sub": "alice", "exp": T0 + 300, "iat": T0})
        .as_object()
        .unwrap()
        .clone()
}

/// The SPKI PEM of an Ed25519 signing key (the fixed RFC 8410 prefix and the key's `x`).
fn ed25519_pem(key: &SigningKey) -> String {
    let x = b64::decode(key.public_jwk()["x"].as_str().unwrap()).unwrap();
    let mut der = vec![
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
    ];
    der.extend_from_slice(&x);
    pem_rfc7468::encode_string("PUBLIC KEY", pem_rfc7468::LineEnding::LF, &der).unwrap()
}

fn hs256_token(secret: &[u8], claims: &serde_json::Map<String, Value>) -> String {
    let header = json!({"alg": "HS256", "typ": "JWT"}).to_string();
    let payload = Value::Object(claims.clone()).to_string();
    sign_compact(header.as_bytes(), payload.as_bytes(), |m| {
        hmac_sign(Algorithm::HS256, secret, m)
    })
    .unwrap()
}

/// An identity provider on 127.0.0.1: its discovery document and its JWKS.
struct Provider {
    _server: Server,
    origin: String,
}

impl Provider {
    fn start(jwks: Value) -> Provider {
        let listener = Listener::bind(0).unwrap();
        let origin = listener.origin();
        let issuer = origin.clone();
        let server = listener
            .serve(
                move |request: &Request| match request.path.as_str() {
                    "/.well-known/openid-configuration" => Response::json(
                        200,
                        json!({"issuer": issuer, "jwks_uri": format!("{issuer}/jwks")}),
                    ),
                    "/jwks" => Response::json(200, jwks.clone()),
                    _ => Response::json(404, json!({})),
                },
                http_loopback::Options::default(),
            )
            .unwrap();
        Provider {
            _server: server,
            origin,
        }
    }

    fn issuer(&self) -> &str {
        &self.origin
    }

    fn jwks_url(&self) -> String {
        format!("{}/jwks", self.origin)
    }
}

fn verify_with(config: Value, token: &str) -> Result<String, Error> {
    let config = VerifierConfig::from_value(config)?;
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::at_secs(T0));
    let verifier = Verifier::from_config_with_clock(config, clock)?;
    Ok(verifier
        .verify(token)?
        .subject()
        .unwrap_or_default()
        .to_owned())
}

#[test]
fn from_config_builds_a_verifier_from_each_key_source() {
    let policy = json!({"issuers": [ISSUER], "audiences": [AUDIENCE]});
    let with = |source: Value| {
        let mut config = policy.clone();
        config
            .as_object_mut()
            .unwrap()
            .extend(source.as_object().unwrap().clone());
        config
    };

    // An inline JWKS and a PEM key.
    let key = SigningKey::generate(Algorithm::ES256).unwrap();
    let token = key.sign_jwt(&claims(), &Default::default()).unwrap();
    let jwks = json!({"keys": [key.public_jwk()]});
    assert_eq!(
        verify_with(with(json!({"jwks": jwks})), &token).unwrap(),
        "alice"
    );

    let ed = SigningKey::generate(Algorithm::EdDSA).unwrap();
    let ed_token = ed.sign_jwt(&claims(), &Default::default()).unwrap();
    let pem = ed25519_pem(&ed);
    assert_eq!(
        verify_with(with(json!({"public_key": pem})), &ed_token).unwrap(),
        "alice"
    );
    let err = verify_with(with(json!({"public_key": pem})), &token).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::JwksNoMatchingKey, "{err}");

    // A shared secret, as text and as base64url: the same key.
    let secret = "0123456789abcdef0123456789abcdef";
    let hs_token = hs256_token(secret.as_bytes(), &claims());
    assert_eq!(
        verify_with(with(json!({"shared_secret": secret})), &hs_token).unwrap(),
        "alice"
    );
    let b64u = b64::encode(secret.as_bytes());
    assert_eq!(
        verify_with(with(json!({"shared_secret_b64u": b64u})), &hs_token).unwrap(),
        "alice"
    );
    let err = verify_with(
        with(json!({"shared_secret_b64u": "not base64!"})),
        &hs_token,
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    let err = verify_with(with(json!({"shared_secret": "short"})), &hs_token).unwrap_err();
    assert!(!err.message().contains("short\""), "{}", err.message());

    // The policy is the core's: no audience is a configuration error, not "any audience".
    let err = verify_with(json!({"jwks": jwks, "issuers": [ISSUER]}), &token).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(
        err.message().contains("dangerous_accept_any_audience"),
        "{}",
        err.message()
    );

    // A secret never shows in Debug.
    let config = VerifierConfig::from_value(with(json!({"shared_secret": secret}))).unwrap();
    assert!(!format!("{config:?}").contains(secret));
    assert!(matches!(
        config.key_source,
        KeySourceConfig::SharedSecret(_)
    ));
}

#[test]
fn a_config_has_exactly_one_key_source() {
    let err = VerifierConfig::from_json(r#"{"issuers": ["i"], "audiences": ["a"]}"#).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(
        err.message().contains(
            "jwks_url, discovery_issuer, jwks, public_key, shared_secret, shared_secret_b64u"
        ),
        "{}",
        err.message()
    );
    let err = VerifierConfig::from_json(
        r#"{"jwks_url": "https://idp.example.com/jwks", "shared_secret": "x", "jwks": {}}"#,
    )
    .unwrap_err();
    assert!(
        err.message()
            .contains("several key sources (jwks_url, jwks, shared_secret)"),
        "{}",
        err.message()
    );
    let err = VerifierConfig::from_json(r#"{"jwks": "https://idp.example.com/jwks"}"#).unwrap_err();
    assert!(
        err.message()
            .contains("field \"jwks\": expected a JWKS object"),
        "{}",
        err.message()
    );
    let err = VerifierConfig::from_json(r#"{"jwks_url": "https://x/", "remote_jwks": [600]}"#)
        .unwrap_err();
    assert!(
        err.message()
            .contains("\"remote_jwks\": expected an object"),
        "{}",
        err.message()
    );
    let err =
        VerifierConfig::from_json(r#"{"jwks_url": "https://x/", "remote_jwks": {"maxage": 1}}"#)
            .unwrap_err();
    assert!(
        err.message().contains("unknown field \"maxage\""),
        "{}",
        err.message()
    );
    let err = VerifierConfig::from_json(r#"{"jwks_url": "https://x/", "fetch": {"timeout": 1}}"#)
        .unwrap_err();
    assert!(
        err.message().contains("unknown field \"timeout\""),
        "{}",
        err.message()
    );
    let err =
        VerifierConfig::from_json(r#"{"jwks_url": "https://x/", "discovery": {"timeout": "5"}}"#)
            .unwrap_err();
    assert!(
        err.message().contains("field \"discovery.timeout\""),
        "{}",
        err.message()
    );

    let config = VerifierConfig::from_json(
        r#"{"jwks_url": "https://idp.example.com/jwks", "leeway": 5,
            "remote_jwks": {"max_age": 60}, "discovery": {"timeout": 2},
            "fetch": {"ignore_proxy_env": true}}"#,
    )
    .unwrap();
    let mut expected = VerifierConfig::new(KeySourceConfig::JwksUrl(
        "https://idp.example.com/jwks".into(),
    ));
    expected.verifier.leeway = Duration::from_secs(5);
    expected.remote_jwks.max_age = Duration::from_secs(60);
    expected.discovery.timeout = Duration::from_secs(2);
    expected.fetch.ignore_proxy_env = true;
    assert_eq!(config, expected);
    // Embedded in a larger object, through serde.
    #[derive(serde::Deserialize)]
    struct Host {
        verifier: VerifierConfig,
    }
    let host: Host =
        serde_json::from_value(json!({"verifier": {"jwks_url": "https://idp.example.com/jwks", "leeway": 5, "remote_jwks": {"max_age": 60}, "discovery": {"timeout": 2}, "fetch": {"ignore_proxy_env": true}}}))
            .unwrap();
    assert_eq!(host.verifier, expected);
}

#[test]
fn remote_sources_fetch_from_the_configured_urls() {
    let key = SigningKey::generate(Algorithm::ES256).unwrap();
    let idp = Provider::start(json!({"keys": [key.public_jwk()]}));
    let mut claims = claims();
    claims.insert("iss".into(), json!(idp.issuer()));
    let token = key.sign_jwt(&claims, &Default::default()).unwrap();

    let by_url = json!({
        "jwks_url": idp.jwks_url(), "issuers": [idp.issuer()], "audiences": [AUDIENCE],
        "fetch": {"ignore_proxy_env": true},
    });
    assert_eq!(verify_with(by_url, &token).unwrap(), "alice");

    // Discovery: `issuers` defaults to the discovered issuer.
    let by_issuer = json!({
        "discovery_issuer": idp.issuer(), "audiences": [AUDIENCE],
        "fetch": {"ignore_proxy_env": true}, "discovery": {"timeout": 2},
    });
    let config = VerifierConfig::from_value(by_issuer).unwrap();
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::at_secs(T0));
    let verifier = Verifier::from_config_with_clock(config, clock).unwrap();
    assert_eq!(verifier.options().issuers, vec![idp.issuer().to_owned()]);
    assert!(matches!(verifier.source(), KeySource::Remote(_)));
    assert_eq!(verifier.verify(&token).unwrap().subject(), Some("alice"));

    // Plain http off loopback is refused, naming the one option that allows it.
    let err = verify_with(
        json!({"jwks_url": "http://keycloak:8080/certs", "issuers": ["i"], "audiences": ["a"]}),
        &token,
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(
        err.message().contains("dangerous_allow_insecure_http"),
        "{}",
        err.message()
    );
    let config = VerifierConfig::from_value(json!({
        "jwks_url": "http://keycloak:8080/certs", "issuers": ["i"], "audiences": ["a"],
        "remote_jwks": {"dangerous_allow_insecure_http": true},
    }))
    .unwrap();
    assert!(Verifier::from_config(config).is_ok());
}

#[test]
fn plain_http_off_loopback_needs_the_one_option_everywhere() {
    let names_the_option = |what: &str, result: Result<(), Error>| {
        let err = result.expect_err(what);
        assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{what}");
        assert!(
            err.message().contains("dangerous_allow_insecure_http"),
            "{what}: {}",
            err.message()
        );
    };
    let url = "http://keycloak:8080/realms/mcp/protocol/openid-connect";
    let fetch: Arc<dyn mcp_bearer::net::Fetch> = Arc::new(
        mcp_bearer::net::UreqFetch::with_options(&UreqFetchOptions {
            ignore_proxy_env: true,
            ..UreqFetchOptions::default()
        })
        .unwrap(),
    );

    let jwks = |allow: bool| {
        let options =
            RemoteJwksOptions::from_value(json!({"dangerous_allow_insecure_http": allow}))?;
        mcp_bearer::RemoteJwks::with_parts(
            &format!("{url}/certs"),
            options,
            Arc::clone(&fetch),
            Arc::new(ManualClock::at_secs(T0)),
        )
        .map(|_| ())
    };
    names_the_option("JWKS", jwks(false));
    jwks(true).unwrap();

    // Refused before any request is sent.
    let options = DiscoveryOptions::default();
    names_the_option(
        "discovery",
        mcp_bearer::discovery::discover(
            "http://keycloak:8080/realms/mcp",
            fetch.as_ref(),
            &options,
        )
        .map(|_| ()),
    );

    let introspection = |allow: bool| {
        let options = IntrospectionOptions::from_value(json!({
            "endpoint": format!("{url}/token/introspect"), "client_id": "rs",
            "issuers": ["http://keycloak:8080/realms/mcp"], "audiences": ["http://mcp:8000/mcp"],
            "dangerous_allow_insecure_http": allow,
        }))?;
        mcp_bearer::opaque::Introspector::new(options, Arc::clone(&fetch)).map(|_| ())
    };
    names_the_option("introspection", introspection(false));
    introspection(true).unwrap();

    let userinfo = |allow: bool| {
        let options = UserInfoOptions::from_value(json!({
            "endpoint": format!("{url}/userinfo"), "dangerous_allow_insecure_http": allow,
        }))?;
        mcp_bearer::opaque::UserInfoVerifier::new(options, Arc::clone(&fetch)).map(|_| ())
    };
    names_the_option("userinfo", userinfo(false));
    userinfo(true).unwrap();

    let mut token = mcp_bearer::oauth::TokenRequest::new(
        format!("{url}/token"),
        "proxy",
        mcp_bearer::oauth::Grant::RefreshToken {
            refresh_token: "rt".into(),
            scopes: Vec::new(),
        },
    );
    names_the_option("token endpoint", token.http_request().map(|_| ()));
    token.dangerous_allow_insecure_http = true;
    token.http_request().unwrap();

    let mut authorize = mcp_bearer::oauth::AuthorizationRequest::new(
        format!("{url}/auth"),
        "proxy",
        "http://mcp:8000/oauth/callback",
        "state",
    );
    names_the_option("authorization endpoint", authorize.url().map(|_| ()));
    authorize.dangerous_allow_insecure_http = true;
    assert!(
        authorize
            .url()
            .unwrap()
            .starts_with("http://keycloak:8080/")
    );

    let mut metadata = mcp_bearer::metadata::ProtectedResourceMetadata::new(
        "http://mcp:8000/mcp",
        vec!["http://keycloak:8080/realms/mcp".into()],
    );
    names_the_option("resource", metadata.well_known_url().map(|_| ()));
    metadata.dangerous_allow_insecure_http = true;
    assert_eq!(
        metadata.well_known_url().unwrap(),
        "http://mcp:8000/.well-known/oauth-protected-resource/mcp"
    );
    assert!(
        !metadata.to_json().contains("dangerous"),
        "not a member of the document"
    );
}

/// A host's HTTP client: answers every request with `status` and counts them.
#[derive(Debug)]
struct HostClient {
    status: u16,
    urls: std::sync::Mutex<Vec<String>>,
}

impl mcp_bearer::net::Fetch for HostClient {
    fn fetch(
        &self,
        request: &mcp_bearer::net::HttpRequest,
    ) -> Result<mcp_bearer::net::HttpResponse, mcp_bearer::net::FetchError> {
        self.urls.lock().unwrap().push(request.url.clone());
        Ok(mcp_bearer::net::HttpResponse {
            status: self.status,
            headers: Vec::new(),
            body: Vec::new(),
        })
    }
}

#[test]
fn from_config_with_fetch_sends_through_the_hosts_client_and_refuses_fetch_options() {
    let host = Arc::new(HostClient {
        status: 503,
        urls: std::sync::Mutex::new(Vec::new()),
    });
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::at_secs(1_767_225_600));
    let config = json!({
        "jwks_url": "https://idp.example.com/jwks",
        "issuers": ["https://idp.example.com/"],
        "audiences": ["https://mcp.example.com/mcp"],
    });
    let verifier = Verifier::from_config_with_fetch(
        VerifierConfig::from_value(config.clone()).unwrap(),
        Arc::clone(&host) as Arc<dyn mcp_bearer::net::Fetch>,
        Arc::clone(&clock),
    )
    .unwrap();
    let error = verifier.prefetch().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::JwksFetchFailed);
    assert_eq!(*host.urls.lock().unwrap(), ["https://idp.example.com/jwks"]);

    let mut with_options = config;
    with_options["fetch"] = json!({ "ignore_proxy_env": true });
    let error = Verifier::from_config_with_fetch(
        VerifierConfig::from_value(with_options).unwrap(),
        host,
        clock,
    )
    .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidConfig);
    assert!(error.message().contains("\"fetch\""), "{error}");
}
