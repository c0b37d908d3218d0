//! The caller's configuration record, turned into the core's `VerifierConfig` object. The one
//! conversion: a field left `nil` is left out of the object (the core's default applies), a
//! field set is written under the core's member name, and nothing is added, dropped or given
//! a default here. Every range and refusal is the core's (`VerifierConfig::from_value`).

use std::fmt;
use std::sync::Arc;

use serde_json::{Map, Number, Value};

use crate::errors::{Result, invalid_config};

/// An HMAC secret shared with the issuer. An object rather than a string field, so that it
/// never appears when a configuration is printed.
#[derive(uniffi::Object)]
pub struct SharedSecret {
    /// The core's member name (`shared_secret` or `shared_secret_b64u`) and its value.
    member: &'static str,
    value: String,
}

impl fmt::Debug for SharedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SharedSecret(<redacted>)")
    }
}

#[uniffi::export]
impl SharedSecret {
    /// A secret given as text, used as its UTF-8 bytes (at least 32 bytes).
    #[uniffi::constructor]
    pub fn from_text(text: String) -> Arc<Self> {
        Arc::new(SharedSecret {
            member: "shared_secret",
            value: text,
        })
    }

    /// A secret given as base64url without padding (at least 32 bytes once decoded), for
    /// secrets that are not text.
    #[uniffi::constructor]
    pub fn from_base64url(encoded: String) -> Arc<Self> {
        Arc::new(SharedSecret {
            member: "shared_secret_b64u",
            value: encoded,
        })
    }
}

/// Which `typ` headers are accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TypPolicy {
    /// No `typ`, `JWT`, or `at+jwt` (RFC 9068), case-insensitively, with an optional
    /// `application/` prefix. The core's default.
    AccessTokenOrJwt,
    /// Only `at+jwt` (RFC 9068 §2.1 strict mode).
    StrictAccessToken,
    /// Any `typ` or none.
    Any,
}

impl TypPolicy {
    fn core_name(self) -> &'static str {
        match self {
            TypPolicy::AccessTokenOrJwt => "access_token_or_jwt",
            TypPolicy::StrictAccessToken => "strict_access_token",
            TypPolicy::Any => "any",
        }
    }
}

/// How a fetched JWKS is cached (the core's `RemoteJwksOptions`). Durations in seconds.
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct RemoteJwksConfig {
    /// How long a fetched set is used before it is refetched. Defaults to 600 (10 minutes);
    /// 1 s to 7 days.
    #[uniffi(default)]
    pub max_age: Option<f64>,
    /// The least time between two fetches caused by an unknown `kid`, a signature failure or
    /// a failed fetch. Defaults to 30; 0 to 1 day.
    #[uniffi(default)]
    pub cooldown: Option<f64>,
    /// How long one fetch may take. Defaults to 5; 0.001 to 600.
    #[uniffi(default)]
    pub timeout: Option<f64>,
    /// How long past `max_age` the last good set keeps serving while refreshes fail.
    /// Defaults to 3600 (1 hour); 0 disables stale serving; at most 7 days.
    #[uniffi(default)]
    pub stale_window: Option<f64>,
    /// The largest JWKS document accepted, in bytes. Defaults to 524288 (512 KiB); 1 to
    /// 64 MiB.
    #[uniffi(default)]
    pub max_response_bytes: Option<u64>,
    /// The largest number of keys in the set. Defaults to 100; 1 to 10 000.
    #[uniffi(default)]
    pub max_keys: Option<u64>,
    /// Allow plain `http` to a host that is not loopback. Defaults to `false`: keys fetched
    /// over plain HTTP can be replaced by anyone on the path.
    #[uniffi(default)]
    pub dangerous_allow_insecure_http: Option<bool>,
}

/// How a `discovery_issuer`'s metadata is fetched (the core's `DiscoveryOptions`).
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct DiscoveryConfig {
    /// How long one metadata request may take, in seconds. Defaults to 5; 0.001 to 600.
    #[uniffi(default)]
    pub timeout: Option<f64>,
    /// The largest metadata document accepted, in bytes. Defaults to 262144 (256 KiB); 1 to
    /// 64 MiB.
    #[uniffi(default)]
    pub max_response_bytes: Option<u64>,
    /// Allow plain `http` to a host that is not loopback. Defaults to `false`.
    #[uniffi(default)]
    pub dangerous_allow_insecure_http: Option<bool>,
}

/// The built-in HTTP client (ureq + rustls with the platform verifier; the core's
/// `UreqFetchOptions`). Not used, and refused, with a host fetcher.
#[derive(Clone, Default, PartialEq, uniffi::Record)]
pub struct FetchConfig {
    /// Extra trusted CA certificates, PEM text (then checked by webpki against the system
    /// store plus these, not by the platform verifier). Defaults to none.
    #[uniffi(default)]
    pub extra_ca_pem: Option<String>,
    /// Trust only `extra_ca_pem`, not the system store. Defaults to `false`.
    #[uniffi(default)]
    pub only_extra_ca: Option<bool>,
    /// Ignore `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY`. Defaults to `false`.
    #[uniffi(default)]
    pub ignore_proxy_env: Option<bool>,
}

impl fmt::Debug for FetchConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FetchConfig")
            .field("extra_ca_pem", &self.extra_ca_pem.as_ref().map(String::len))
            .field("only_extra_ca", &self.only_extra_ca)
            .field("ignore_proxy_env", &self.ignore_proxy_env)
            .finish()
    }
}

/// A whole verifier: the core's `VerifierConfig`, typed. Exactly one key source
/// (`jwks_url`, `discovery_issuer`, `jwks_json`, `public_key`, `shared_secret`); every other
/// field is optional and takes the core's default when `nil`. Durations are in seconds.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct JwtVerifierConfig {
    /// The identity provider's JWKS URL, fetched and cached. Defaults to none.
    #[uniffi(default)]
    pub jwks_url: Option<String>,
    /// An issuer whose discovery document names the JWKS URL; discovery runs when the
    /// verifier is built (blocking); `issuers` then defaults to it. Defaults to none.
    #[uniffi(default)]
    pub discovery_issuer: Option<String>,
    /// An inline JWKS, as JSON text (`{"keys": [...]}`). Defaults to none.
    #[uniffi(default)]
    pub jwks_json: Option<String>,
    /// A PEM public key: SubjectPublicKeyInfo, PKCS#1 RSA or an X.509 certificate (its key
    /// only). Defaults to none.
    #[uniffi(default)]
    pub public_key: Option<String>,
    /// An HMAC secret. Defaults to none.
    #[uniffi(default)]
    pub shared_secret: Option<Arc<SharedSecret>>,
    /// Accepted issuers (`iss`), compared exactly. Required unless
    /// `dangerous_accept_any_issuer`. Defaults to none.
    #[uniffi(default)]
    pub issuers: Option<Vec<String>>,
    /// Accepted audiences; the token's `aud` must contain one. Required unless
    /// `dangerous_accept_any_audience`. Defaults to none.
    #[uniffi(default)]
    pub audiences: Option<Vec<String>>,
    /// Skip the issuer check. Defaults to `false`.
    #[uniffi(default)]
    pub dangerous_accept_any_issuer: Option<bool>,
    /// Skip the audience check: any token the issuer signed for any service passes.
    /// Defaults to `false`.
    #[uniffi(default)]
    pub dangerous_accept_any_audience: Option<bool>,
    /// Accepted `alg` names (`RS256`, `ES256`, `EdDSA`, `HS256`, …). Defaults to the
    /// asymmetric algorithms, or for a shared secret the HMAC ones it is long enough for.
    #[uniffi(default)]
    pub algorithms: Option<Vec<String>>,
    /// Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds. Defaults to 30; 0 to
    /// 86400.
    #[uniffi(default)]
    pub leeway: Option<f64>,
    /// Refuse tokens issued (`iat`) longer ago than this many seconds; requires `iat`.
    /// Defaults to none.
    #[uniffi(default)]
    pub max_token_age: Option<f64>,
    /// Claims that must be present (`exp` always is). Defaults to none.
    #[uniffi(default)]
    pub required_claims: Option<Vec<String>>,
    /// Scopes the token must carry; missing ones fail with `ERR_INSUFFICIENT_SCOPE` (403).
    /// Defaults to none.
    #[uniffi(default)]
    pub required_scopes: Option<Vec<String>>,
    /// Accepted `typ` headers. Defaults to `.accessTokenOrJwt`.
    #[uniffi(default)]
    pub typ: Option<TypPolicy>,
    /// The largest token accepted, in bytes. Defaults to 16384; 1 to 1 MiB.
    #[uniffi(default)]
    pub max_token_bytes: Option<u64>,
    /// How many keys are tried for one token. Defaults to 8; 1 to 10 000.
    #[uniffi(default)]
    pub max_key_candidates: Option<u64>,
    /// How many verified tokens are cached; 0 disables the cache. Defaults to 10 000.
    #[uniffi(default)]
    pub token_cache_entries: Option<u64>,
    /// How a fetched JWKS is cached. Defaults to the core's `RemoteJwksOptions`.
    #[uniffi(default)]
    pub remote_jwks: Option<RemoteJwksConfig>,
    /// How discovery fetches. Defaults to the core's `DiscoveryOptions`.
    #[uniffi(default)]
    pub discovery: Option<DiscoveryConfig>,
    /// The built-in HTTP client. Defaults to the core's `UreqFetchOptions`.
    #[uniffi(default)]
    pub fetch: Option<FetchConfig>,
}

/// Writes the members that are set.
struct Members(Map<String, Value>);

impl Members {
    fn text(&mut self, name: &str, value: Option<String>) {
        if let Some(v) = value {
            self.0.insert(name.to_owned(), Value::String(v));
        }
    }

    fn list(&mut self, name: &str, value: Option<Vec<String>>) {
        if let Some(v) = value {
            self.0.insert(
                name.to_owned(),
                Value::Array(v.into_iter().map(Value::String).collect()),
            );
        }
    }

    fn flag(&mut self, name: &str, value: Option<bool>) {
        if let Some(v) = value {
            self.0.insert(name.to_owned(), Value::Bool(v));
        }
    }

    fn count(&mut self, name: &str, value: Option<u64>) {
        if let Some(v) = value {
            self.0.insert(name.to_owned(), Value::Number(v.into()));
        }
    }

    /// Seconds; NaN and infinities have no JSON number and are refused here, naming the
    /// field (the core checks the range of every finite value).
    fn seconds(&mut self, name: &str, value: Option<f64>) -> Result<()> {
        if let Some(v) = value {
            let number = Number::from_f64(v).ok_or_else(|| {
                invalid_config(format!(
                    "VerifierConfig field \"{name}\" must be a finite number of seconds"
                ))
            })?;
            self.0.insert(name.to_owned(), Value::Number(number));
        }
        Ok(())
    }

    fn section(&mut self, name: &str, section: Option<Members>) {
        if let Some(s) = section {
            self.0.insert(name.to_owned(), Value::Object(s.0));
        }
    }
}

impl JwtVerifierConfig {
    /// The core's config object for this record.
    pub(crate) fn to_core(&self) -> Result<mcp_bearer::VerifierConfig> {
        // Destructured without `..`: a field added here fails this build until written.
        let JwtVerifierConfig {
            jwks_url,
            discovery_issuer,
            jwks_json,
            public_key,
            shared_secret,
            issuers,
            audiences,
            dangerous_accept_any_issuer,
            dangerous_accept_any_audience,
            algorithms,
            leeway,
            max_token_age,
            required_claims,
            required_scopes,
            typ,
            max_token_bytes,
            max_key_candidates,
            token_cache_entries,
            remote_jwks,
            discovery,
            fetch,
        } = self.clone();
        let mut m = Members(Map::new());
        m.text("jwks_url", jwks_url);
        m.text("discovery_issuer", discovery_issuer);
        if let Some(text) = jwks_json {
            let jwks: Value = serde_json::from_str(&text).map_err(|_| {
                invalid_config(
                    "VerifierConfig field \"jwks_json\" is not JSON text (expected {\"keys\": \
                     [...]})",
                )
            })?;
            m.0.insert("jwks".to_owned(), jwks);
        }
        m.text("public_key", public_key);
        if let Some(secret) = shared_secret {
            m.text(secret.member, Some(secret.value.clone()));
        }
        m.list("issuers", issuers);
        m.list("audiences", audiences);
        m.flag("dangerous_accept_any_issuer", dangerous_accept_any_issuer);
        m.flag(
            "dangerous_accept_any_audience",
            dangerous_accept_any_audience,
        );
        m.list("algorithms", algorithms);
        m.seconds("leeway", leeway)?;
        m.seconds("max_token_age", max_token_age)?;
        m.list("required_claims", required_claims);
        m.list("required_scopes", required_scopes);
        m.text("typ", typ.map(|t| t.core_name().to_owned()));
        m.count("max_token_bytes", max_token_bytes);
        m.count("max_key_candidates", max_key_candidates);
        m.count("token_cache_entries", token_cache_entries);
        m.section(
            "remote_jwks",
            remote_jwks.map(remote_jwks_members).transpose()?,
        );
        m.section("discovery", discovery.map(discovery_members).transpose()?);
        m.section("fetch", fetch.map(fetch_members));
        Ok(mcp_bearer::VerifierConfig::from_value(Value::Object(m.0))?)
    }
}

fn remote_jwks_members(config: RemoteJwksConfig) -> Result<Members> {
    let RemoteJwksConfig {
        max_age,
        cooldown,
        timeout,
        stale_window,
        max_response_bytes,
        max_keys,
        dangerous_allow_insecure_http,
    } = config;
    let mut m = Members(Map::new());
    m.seconds("max_age", max_age)?;
    m.seconds("cooldown", cooldown)?;
    m.seconds("timeout", timeout)?;
    m.seconds("stale_window", stale_window)?;
    m.count("max_response_bytes", max_response_bytes);
    m.count("max_keys", max_keys);
    m.flag(
        "dangerous_allow_insecure_http",
        dangerous_allow_insecure_http,
    );
    Ok(m)
}

fn discovery_members(config: DiscoveryConfig) -> Result<Members> {
    let DiscoveryConfig {
        timeout,
        max_response_bytes,
        dangerous_allow_insecure_http,
    } = config;
    let mut m = Members(Map::new());
    m.seconds("timeout", timeout)?;
    m.count("max_response_bytes", max_response_bytes);
    m.flag(
        "dangerous_allow_insecure_http",
        dangerous_allow_insecure_http,
    );
    Ok(m)
}

fn fetch_members(config: FetchConfig) -> Members {
    let FetchConfig {
        extra_ca_pem,
        only_extra_ca,
        ignore_proxy_env,
    } = config;
    let mut m = Members(Map::new());
    m.text("extra_ca_pem", extra_ca_pem);
    m.flag("only_extra_ca", only_extra_ca);
    m.flag("ignore_proxy_env", ignore_proxy_env);
    m
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use mcp_bearer::discovery::DiscoveryOptions;
    use mcp_bearer::net::UreqFetchOptions;
    use mcp_bearer::{Algorithm, KeySourceConfig, RemoteJwksOptions, VerifierOptions};

    use super::*;

    /// Every field set to a value that is not the core's default.
    fn everything() -> JwtVerifierConfig {
        JwtVerifierConfig {
            jwks_url: Some("https://idp.example.com/jwks".into()),
            issuers: Some(vec!["https://idp.example.com/".into()]),
            audiences: Some(vec!["https://mcp.example.com/mcp".into()]),
            dangerous_accept_any_issuer: Some(true),
            dangerous_accept_any_audience: Some(true),
            algorithms: Some(vec!["ES256".into()]),
            leeway: Some(2.5),
            max_token_age: Some(60.0),
            required_claims: Some(vec!["sub".into()]),
            required_scopes: Some(vec!["mcp:read".into()]),
            typ: Some(TypPolicy::StrictAccessToken),
            max_token_bytes: Some(4096),
            max_key_candidates: Some(3),
            token_cache_entries: Some(7),
            remote_jwks: Some(RemoteJwksConfig {
                max_age: Some(120.0),
                cooldown: Some(5.0),
                timeout: Some(0.25),
                stale_window: Some(0.0),
                max_response_bytes: Some(1000),
                max_keys: Some(4),
                dangerous_allow_insecure_http: Some(true),
            }),
            discovery: Some(DiscoveryConfig {
                timeout: Some(1.5),
                max_response_bytes: Some(2000),
                dangerous_allow_insecure_http: Some(true),
            }),
            fetch: Some(FetchConfig {
                extra_ca_pem: Some("pem".into()),
                only_extra_ca: Some(true),
                ignore_proxy_env: Some(true),
            }),
            ..JwtVerifierConfig::default()
        }
    }

    #[test]
    fn every_core_option_is_reachable_and_lands_in_its_field() {
        let core = everything().to_core().unwrap();
        // Destructured without `..`: an option added to the core fails this test's build
        // until the record has it.
        let mcp_bearer::VerifierConfig {
            key_source,
            verifier,
            remote_jwks,
            discovery,
            fetch,
        } = core;
        assert_eq!(
            key_source,
            KeySourceConfig::JwksUrl("https://idp.example.com/jwks".into())
        );
        let VerifierOptions {
            issuers,
            audiences,
            dangerous_accept_any_issuer,
            dangerous_accept_any_audience,
            algorithms,
            leeway,
            max_token_age,
            required_claims,
            required_scopes,
            typ,
            max_token_bytes,
            max_key_candidates,
            token_cache_entries,
        } = verifier;
        assert_eq!(issuers, ["https://idp.example.com/"]);
        assert_eq!(audiences, ["https://mcp.example.com/mcp"]);
        assert!(dangerous_accept_any_issuer && dangerous_accept_any_audience);
        assert_eq!(algorithms, Some(vec![Algorithm::ES256]));
        assert_eq!(leeway, Duration::from_millis(2500));
        assert_eq!(max_token_age, Some(Duration::from_secs(60)));
        assert_eq!(required_claims, ["sub"]);
        assert_eq!(required_scopes, ["mcp:read"]);
        assert_eq!(typ, mcp_bearer::TypPolicy::StrictAccessToken);
        assert_eq!(
            (max_token_bytes, max_key_candidates, token_cache_entries),
            (4096, 3, 7)
        );
        let RemoteJwksOptions {
            max_age,
            cooldown,
            timeout,
            stale_window,
            max_response_bytes,
            max_keys,
            dangerous_allow_insecure_http,
        } = remote_jwks;
        assert_eq!(
            (max_age, cooldown, timeout, stale_window),
            (
                Duration::from_secs(120),
                Duration::from_secs(5),
                Duration::from_millis(250),
                Duration::ZERO
            )
        );
        assert_eq!((max_response_bytes, max_keys), (1000, 4));
        assert!(dangerous_allow_insecure_http);
        let DiscoveryOptions {
            timeout,
            max_response_bytes,
            dangerous_allow_insecure_http,
        } = discovery;
        assert_eq!(
            (timeout, max_response_bytes, dangerous_allow_insecure_http),
            (Duration::from_millis(1500), 2000, true)
        );
        let UreqFetchOptions {
            extra_ca_pem,
            only_extra_ca,
            ignore_proxy_env,
            address_policy,
        } = fetch;
        assert_eq!(extra_ca_pem.as_deref(), Some(&b"pem"[..]));
        assert!(only_extra_ca && ignore_proxy_env);
        // Only the client-metadata resolver sets an address policy; key fetching has none.
        assert!(address_policy.is_none());
    }

    #[test]
    fn an_empty_record_is_the_cores_no_key_source_error() {
        let error = JwtVerifierConfig::default().to_core().unwrap_err();
        assert_eq!(error.code(), "ERR_INVALID_CONFIG");
        assert!(error.message().contains("no key source"), "{error}");
    }

    #[test]
    fn a_nan_duration_names_its_field() {
        let config = JwtVerifierConfig {
            leeway: Some(f64::NAN),
            ..everything()
        };
        let error = config.to_core().unwrap_err();
        assert!(error.message().contains("\"leeway\""), "{error}");
    }

    #[test]
    fn the_secret_member_follows_its_constructor_and_is_never_printed() {
        for (secret, member) in [
            (SharedSecret::from_text("t".repeat(32)), "SharedSecret"),
            (
                SharedSecret::from_base64url("b".repeat(43)),
                "SharedSecretB64u",
            ),
        ] {
            assert_eq!(format!("{secret:?}"), "SharedSecret(<redacted>)");
            let config = JwtVerifierConfig {
                shared_secret: Some(secret),
                ..JwtVerifierConfig::default()
            };
            assert!(!format!("{config:?}").contains("ttt"));
            let core = config.to_core().unwrap();
            assert!(format!("{:?}", core.key_source).starts_with(member));
        }
    }
}
