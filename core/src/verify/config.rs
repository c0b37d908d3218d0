//! [`VerifierConfig`]: a whole verifier (key source, claim policy, key fetching) as one plain
//! object, the one way the language bindings build verifiers, so none of them carries a
//! default of its own.

use std::fmt;
use std::sync::Arc;

use serde::de::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::{KeySource, Verifier, VerifierOptions};
use crate::clock::{Clock, SystemClock};
use crate::config::{from_value, json_type};
use crate::discovery::{DiscoveryOptions, discover};
use crate::error::{Error, ErrorKind, Result};
use crate::jwk::{Jwk, KeySet, KeySetOptions};
use crate::jwks::{RemoteJwks, RemoteJwksOptions};
use crate::net::{Fetch, UreqFetch, UreqFetchOptions};
use crate::oauth::SecretString;

/// The members that name a key source; a config has exactly one of them.
const KEY_SOURCE_FIELDS: [&str; 6] = [
    "jwks_url",
    "discovery_issuer",
    "jwks",
    "public_key",
    "shared_secret",
    "shared_secret_b64u",
];

/// The members that hold another options type as a nested object.
const SECTION_FIELDS: [&str; 3] = ["remote_jwks", "discovery", "fetch"];

/// Where a configured verifier's keys come from: exactly one member of the config object.
#[derive(Clone, PartialEq)]
pub enum KeySourceConfig {
    /// `"jwks_url"`: the identity provider's JWKS URL, fetched and cached by [`RemoteJwks`]
    /// with the config's `remote_jwks` options.
    JwksUrl(String),
    /// `"discovery_issuer"`: an issuer whose OIDC discovery document (RFC 8414 as fallback)
    /// names the JWKS URL. Discovery runs when the verifier is built (blocking, with the
    /// `discovery` options); when `issuers` is absent, it becomes `[discovery_issuer]`.
    DiscoveryIssuer(String),
    /// `"jwks"`: an inline JWKS object (`{"keys": [...]}`), parsed as a whole set.
    Jwks(Value),
    /// `"public_key"`: a PEM public key, as FastMCP's `public_key=` takes it:
    /// SubjectPublicKeyInfo, PKCS#1 RSA or an X.509 certificate (its key only; no chain
    /// trust). See [`KeySet::from_pem`].
    PublicKeyPem(String),
    /// `"shared_secret"`: an HMAC secret given as UTF-8 text, used as its bytes (at least 32).
    SharedSecret(SecretString),
    /// `"shared_secret_b64u"`: an HMAC secret given as base64url without padding (at least
    /// 32 bytes once decoded), for secrets that are not text.
    SharedSecretB64u(SecretString),
}

impl fmt::Debug for KeySourceConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySourceConfig::JwksUrl(url) => f
                .debug_tuple("JwksUrl")
                .field(&crate::net::redact_url(url))
                .finish(),
            KeySourceConfig::DiscoveryIssuer(issuer) => f
                .debug_tuple("DiscoveryIssuer")
                .field(&crate::net::redact_url(issuer))
                .finish(),
            KeySourceConfig::Jwks(jwks) => {
                let keys = jwks.get("keys").and_then(Value::as_array).map(Vec::len);
                f.debug_struct("Jwks").field("keys", &keys).finish()
            }
            KeySourceConfig::PublicKeyPem(pem) => f
                .debug_struct("PublicKeyPem")
                .field("bytes", &pem.len())
                .finish(),
            KeySourceConfig::SharedSecret(_) => f.write_str("SharedSecret(<redacted>)"),
            KeySourceConfig::SharedSecretB64u(_) => f.write_str("SharedSecretB64u(<redacted>)"),
        }
    }
}

/// A whole verifier as one plain object: read it with [`VerifierConfig::from_json`] or
/// [`VerifierConfig::from_value`], build it with [`Verifier::from_config`].
///
/// ```json
/// {
///   "jwks_url": "https://idp.example.com/.well-known/jwks.json",
///   "issuers": ["https://idp.example.com/"],
///   "audiences": ["https://mcp.example.com/mcp"],
///   "leeway": 30,
///   "remote_jwks": { "max_age": 600 },
///   "fetch": { "ignore_proxy_env": true }
/// }
/// ```
///
/// Exactly one key-source member ([`KeySourceConfig`]: `jwks_url`, `discovery_issuer`,
/// `jwks`, `public_key`, `shared_secret`, `shared_secret_b64u`); the [`VerifierOptions`]
/// fields at the top level; the [`RemoteJwksOptions`], [`DiscoveryOptions`] and
/// [`UreqFetchOptions`] as nested objects `remote_jwks`, `discovery` and `fetch`. Every
/// member but the key source is optional and takes the core's default; unknown members are
/// refused.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifierConfig {
    /// Where the keys come from.
    pub key_source: KeySourceConfig,
    /// The claim policy and limits (the top-level members). Defaults to
    /// [`VerifierOptions::default`], whose issuers and audiences are still to be set.
    pub verifier: VerifierOptions,
    /// How a `jwks_url` or discovered JWKS is fetched and cached (`remote_jwks`). Defaults
    /// to [`RemoteJwksOptions::default`].
    pub remote_jwks: RemoteJwksOptions,
    /// How `discovery_issuer`'s metadata is fetched (`discovery`). Defaults to
    /// [`DiscoveryOptions::default`]; `remote_jwks.dangerous_allow_insecure_http` also allows
    /// a plain-`http` issuer, as in [`Verifier::from_issuer`].
    pub discovery: DiscoveryOptions,
    /// The HTTP client for JWKS and discovery (`fetch`). Defaults to
    /// [`UreqFetchOptions::default`] (the process-wide [`UreqFetch::shared`]).
    pub fetch: UreqFetchOptions,
}

impl VerifierConfig {
    /// A config with `key_source` and every option at its default.
    pub fn new(key_source: KeySourceConfig) -> Self {
        VerifierConfig {
            key_source,
            verifier: VerifierOptions::default(),
            remote_jwks: RemoteJwksOptions::default(),
            discovery: DiscoveryOptions::default(),
            fetch: UreqFetchOptions::default(),
        }
    }

    /// Reads a config from JSON text.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] for no key source or several, naming them; an unknown
    /// member, or a member of the wrong type, naming it.
    pub fn from_json(text: &str) -> Result<Self> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            Error::new(
                ErrorKind::InvalidConfig,
                format!(
                    "VerifierConfig: {}",
                    crate::untrusted::clip(&e.to_string(), 200)
                ),
            )
        })?;
        VerifierConfig::from_value(value)
    }

    /// Reads a config from a JSON value, as [`from_json`](VerifierConfig::from_json).
    ///
    /// # Errors
    /// As [`from_json`](VerifierConfig::from_json).
    pub fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Object(map) => VerifierConfig::from_map(map),
            other => Err(Error::new(
                ErrorKind::InvalidConfig,
                format!(
                    "VerifierConfig: expected a JSON object, got {}",
                    json_type(&other)
                ),
            )),
        }
    }

    fn from_map(mut map: Map<String, Value>) -> Result<Self> {
        let named: Vec<&str> = KEY_SOURCE_FIELDS
            .iter()
            .copied()
            .filter(|f| map.contains_key(*f))
            .collect();
        let field = match named.as_slice() {
            [one] => *one,
            [] => {
                return Err(Error::new(
                    ErrorKind::InvalidConfig,
                    format!(
                        "VerifierConfig: no key source; set exactly one of {}",
                        KEY_SOURCE_FIELDS.join(", ")
                    ),
                ));
            }
            several => {
                return Err(Error::new(
                    ErrorKind::InvalidConfig,
                    format!(
                        "VerifierConfig: several key sources ({}); set exactly one",
                        several.join(", ")
                    ),
                ));
            }
        };
        let value = map.remove(field).unwrap_or(Value::Null);
        let key_source = key_source_of(field, value)?;
        let mut sections = Map::new();
        for name in SECTION_FIELDS {
            if let Some(section) = map.remove(name) {
                if !section.is_object() {
                    return Err(Error::new(
                        ErrorKind::InvalidConfig,
                        format!(
                            "VerifierConfig field \"{name}\": expected an object, got {}",
                            json_type(&section)
                        ),
                    ));
                }
                sections.insert(name.to_owned(), section);
            }
        }
        let sections: Sections = from_value("VerifierConfig", Value::Object(sections))?;
        let verifier: VerifierOptions = from_value("VerifierConfig", Value::Object(map))?;
        Ok(VerifierConfig {
            key_source,
            verifier,
            remote_jwks: sections.remote_jwks,
            discovery: sections.discovery,
            fetch: sections.fetch,
        })
    }
}

/// The nested options objects of a [`VerifierConfig`].
#[derive(Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Sections {
    remote_jwks: RemoteJwksOptions,
    discovery: DiscoveryOptions,
    fetch: UreqFetchOptions,
}

fn key_source_of(field: &str, value: Value) -> Result<KeySourceConfig> {
    let wrong = |expected: &str, value: &Value| {
        Error::new(
            ErrorKind::InvalidConfig,
            format!(
                "VerifierConfig field \"{field}\": expected {expected}, got {}",
                json_type(value)
            ),
        )
    };
    if field == "jwks" {
        return match value {
            Value::Object(_) => Ok(KeySourceConfig::Jwks(value)),
            other => Err(wrong("a JWKS object ({\"keys\": [...]})", &other)),
        };
    }
    let Value::String(text) = value else {
        return Err(wrong("a string", &value));
    };
    Ok(match field {
        "jwks_url" => KeySourceConfig::JwksUrl(text),
        "discovery_issuer" => KeySourceConfig::DiscoveryIssuer(text),
        "public_key" => KeySourceConfig::PublicKeyPem(text),
        "shared_secret" => KeySourceConfig::SharedSecret(SecretString::new(text)),
        _ => KeySourceConfig::SharedSecretB64u(SecretString::new(text)),
    })
}

/// Embeds a config in a larger serde-read object; the errors are those of
/// [`VerifierConfig::from_value`].
impl<'de> Deserialize<'de> for VerifierConfig {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        VerifierConfig::from_value(value).map_err(|e| serde::de::Error::custom(e.message()))
    }
}

impl Verifier {
    /// Builds the verifier `config` describes: the one constructor the language bindings use,
    /// so every default is the core's. A `jwks_url` or `discovery_issuer` source fetches
    /// through a [`UreqFetch`] with `config.fetch` (discovery runs now, blocking; keys are
    /// fetched lazily); the other sources do no I/O.
    ///
    /// ```
    /// use mcp_bearer::{Verifier, VerifierConfig};
    ///
    /// let config = VerifierConfig::from_json(r#"{
    ///     "shared_secret": "a shared secret of at least 32 bytes!",
    ///     "issuers": ["https://idp.example.com/"],
    ///     "audiences": ["https://mcp.example.com/mcp"],
    ///     "leeway": 10
    /// }"#)?;
    /// let verifier = Verifier::from_config(config)?;
    /// assert_eq!(verifier.options().leeway.as_secs(), 10);
    /// # Ok::<(), mcp_bearer::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] or [`ErrorKind::InvalidKey`] for a key source that cannot
    /// be used (a bad URL, PEM text, JWKS or secret), an option outside its range, or no
    /// issuer or audience; discovery's errors for `discovery_issuer`.
    pub fn from_config(config: VerifierConfig) -> Result<Verifier> {
        Verifier::from_config_with_clock(config, Arc::new(SystemClock))
    }

    /// As [`from_config`](Verifier::from_config), with an explicit clock (the key cache's
    /// and the claim checks').
    ///
    /// # Errors
    /// As [`from_config`](Verifier::from_config).
    pub fn from_config_with_clock(
        config: VerifierConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<Verifier> {
        Verifier::build_from_config(config, None, clock)
    }

    /// As [`from_config_with_clock`](Verifier::from_config_with_clock), with the host's own
    /// HTTP client for the JWKS and discovery (a Swift app's `URLSession`, an Android app's
    /// OkHttp) instead of a [`UreqFetch`]. `config.fetch` configures the built-in client only,
    /// so it must be left at its default here.
    ///
    /// # Errors
    /// As [`from_config`](Verifier::from_config); [`ErrorKind::InvalidConfig`] when
    /// `config.fetch` is set.
    pub fn from_config_with_fetch(
        config: VerifierConfig,
        fetch: Arc<dyn Fetch>,
        clock: Arc<dyn Clock>,
    ) -> Result<Verifier> {
        if config.fetch != UreqFetchOptions::default() {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                "VerifierConfig field \"fetch\" configures the built-in HTTP client; leave it \
                 out when the host supplies its own",
            ));
        }
        Verifier::build_from_config(config, Some(fetch), clock)
    }

    /// The verifier of `config`, fetching with `host_fetch` or else (built only for a remote
    /// key source) a [`UreqFetch`] with `config.fetch`.
    fn build_from_config(
        config: VerifierConfig,
        host_fetch: Option<Arc<dyn Fetch>>,
        clock: Arc<dyn Clock>,
    ) -> Result<Verifier> {
        let VerifierConfig {
            key_source,
            verifier,
            remote_jwks,
            mut discovery,
            fetch,
        } = config;
        let fetch = || match host_fetch {
            Some(host) => Ok(host),
            None => fetcher(&fetch),
        };
        let keys = match key_source {
            KeySourceConfig::JwksUrl(url) => {
                let jwks = RemoteJwks::with_parts(&url, remote_jwks, fetch()?, clock)?;
                return Verifier::new(KeySource::Remote(Arc::new(jwks)), verifier);
            }
            KeySourceConfig::DiscoveryIssuer(issuer) => {
                remote_jwks.validate()?;
                discovery.dangerous_allow_insecure_http |=
                    remote_jwks.dangerous_allow_insecure_http;
                let fetch = fetch()?;
                let metadata = discover(&issuer, fetch.as_ref(), &discovery)?;
                return Verifier::from_metadata(metadata, verifier, remote_jwks, fetch, clock)
                    .map(|built| built.verifier);
            }
            KeySourceConfig::Jwks(jwks) => KeySet::from_json(&jwks, KeySetOptions::default())?,
            KeySourceConfig::PublicKeyPem(pem) => KeySet::from_pem(&pem)?,
            KeySourceConfig::SharedSecret(secret) => {
                KeySet::from_keys(vec![Jwk::from_secret(secret.expose().as_bytes())?])
            }
            KeySourceConfig::SharedSecretB64u(secret) => {
                let bytes = crate::b64::decode(secret.expose()).map_err(|_| {
                    Error::new(
                        ErrorKind::InvalidConfig,
                        "VerifierConfig field \"shared_secret_b64u\" is not base64url without \
                         padding (use shared_secret for a secret given as text)",
                    )
                })?;
                KeySet::from_keys(vec![Jwk::from_secret(&bytes)?])
            }
        };
        Verifier::with_clock(KeySource::Static(Arc::new(keys)), verifier, clock)
    }
}

/// The client for `options`: the process-wide one for the defaults.
fn fetcher(options: &UreqFetchOptions) -> Result<Arc<dyn Fetch>> {
    if *options == UreqFetchOptions::default() {
        return Ok(UreqFetch::shared()?);
    }
    Ok(Arc::new(UreqFetch::with_options(options)?))
}
