//! Options as plain data: every options type of the crate reads from a JSON-shaped object
//! (`from_json` for text, `from_value` for a `serde_json::Value`), so the Node, Python and
//! Swift bindings pass their caller's object through and never decide a default.
//!
//! The rules are the same for every type: every field is optional and an absent one takes the
//! type's `Default` (each default a named constant next to the type); an unknown field, a value
//! of the wrong type and an unknown name are [`ErrorKind::InvalidConfig`] naming the field;
//! durations are seconds (a JSON number, integer or fraction: `"leeway": 30`,
//! `"timeout": 0.5`); algorithms and the `typ` policy are given by name (`"RS256"`,
//! `"strict_access_token"`). Ranges are not checked here but when the object that uses the
//! options is built, as for options built in Rust (`bounds`).
//!
//! Messages never repeat the value that was refused (it may be a secret put in the wrong
//! field); they name the field, what was expected and the JSON type that came instead.

use std::time::Duration;

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde_json::Value;

use crate::error::{Error, ErrorKind, Result};

/// The longest part of a parser message an error repeats.
const MAX_DETAIL_CHARS: usize = 200;

/// The longest list of accepted names a message shows: the type's own member or variant
/// names, every one of them for the types of this crate.
const MAX_NAMES_CHARS: usize = 1000;

/// Reads `T` from JSON text. `what` names the type in the message (`VerifierOptions`).
///
/// # Errors
/// [`ErrorKind::InvalidConfig`] naming the field that failed and why.
pub(crate) fn from_json<T: DeserializeOwned>(what: &str, text: &str) -> Result<T> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| config_error(what, ".", &e.to_string()))?;
    from_value(what, value)
}

/// Reads `T` from a JSON value, as [`from_json`]. The value must be an object (serde would
/// otherwise also read a struct from an array of its fields in order).
///
/// # Errors
/// As [`from_json`].
pub(crate) fn from_value<T: DeserializeOwned>(what: &str, value: Value) -> Result<T> {
    if !value.is_object() {
        return Err(Error::new(
            ErrorKind::InvalidConfig,
            format!("{what}: expected a JSON object, got {}", json_type(&value)),
        ));
    }
    serde_path_to_error::deserialize(value)
        .map_err(|e| config_error(what, &e.path().to_string(), &e.inner().to_string()))
}

/// The JSON type of `value`, for a message.
pub(crate) fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `field` is the path serde_path_to_error gives (`remote_jwks.timeout`, `.` for the root).
fn config_error(what: &str, field: &str, message: &str) -> Error {
    let at = if field == "." {
        String::new()
    } else {
        format!(" field {}", crate::untrusted::quote(field))
    };
    Error::new(
        ErrorKind::InvalidConfig,
        format!("{what}{at}: {}", describe(message)),
    )
}

/// serde's message without the value it quotes: `invalid type: string "…", expected a
/// number of seconds` becomes `expected a number of seconds, got a string`; an unknown field
/// or name is quoted and cut like any untrusted value.
fn describe(message: &str) -> String {
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix)
            && let Some((unexpected, expected)) = rest.rsplit_once(", expected ")
        {
            let kind = unexpected.split([' ', '`']).next().unwrap_or("value");
            let kind = match kind {
                "floating" => "a number with a fraction",
                "integer" => "an integer",
                "string" => "a string",
                "boolean" => "a boolean",
                "map" => "an object",
                "sequence" => "an array",
                "null" | "unit" => "null",
                _ => "another value",
            };
            let expected = crate::untrusted::clip(expected, MAX_DETAIL_CHARS);
            return if prefix == "invalid type: " {
                format!("expected {expected}, got {kind}")
            } else {
                format!("expected {expected}, got {kind} outside it")
            };
        }
    }
    for (prefix, noun) in [
        ("unknown field `", "unknown field"),
        ("unknown variant `", "unknown name"),
    ] {
        // The name is the caller's; what follows it (the names expected) is ours.
        if let Some(rest) = message.strip_prefix(prefix)
            && let Some((name, tail)) = rest.split_once("`, ")
        {
            return format!(
                "{noun} {}; {}",
                crate::untrusted::quote(name),
                crate::untrusted::clip(tail, MAX_NAMES_CHARS)
            );
        }
    }
    crate::untrusted::clip(message, MAX_DETAIL_CHARS)
}

/// Implements `from_json` and `from_value` on an options type, through the one helper.
macro_rules! from_config_data {
    ($type:ident) => {
        impl $type {
            #[doc = concat!("Reads ", stringify!($type), " from a JSON object (text): every field optional, ")]
            #[doc = "durations in seconds, algorithms and policies by name; see"]
            #[doc = "\"Configuration as data\" in the README."]
            ///
            /// # Errors
            /// [`crate::ErrorKind::InvalidConfig`] naming an unknown field, or a field with a
            /// value of the wrong type or an unknown name.
            pub fn from_json(text: &str) -> crate::error::Result<Self> {
                crate::config::from_json(stringify!($type), text)
            }

            #[doc = concat!("Reads ", stringify!($type), " from a JSON value, as `from_json`.")]
            ///
            /// # Errors
            /// As `from_json`.
            pub fn from_value(value: serde_json::Value) -> crate::error::Result<Self> {
                crate::config::from_value(stringify!($type), value)
            }
        }
    };
}
pub(crate) use from_config_data;

/// A duration given as seconds: a JSON number, integer or fraction, at least 0.
struct Seconds;

impl<'de> Visitor<'de> for Seconds {
    type Value = Duration;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a number of seconds (an integer or a fraction, at least 0)")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Duration, E> {
        Ok(Duration::from_secs(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Duration, E> {
        u64::try_from(v)
            .map(Duration::from_secs)
            .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Duration, E> {
        Duration::try_from_secs_f64(v)
            .map_err(|_| E::invalid_value(de::Unexpected::Float(v), &self))
    }
}

/// `deserialize_with` for a [`Duration`] field given in seconds.
pub(crate) fn seconds<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Duration, D::Error> {
    d.deserialize_any(Seconds)
}

/// `deserialize_with` for an optional [`Duration`] in seconds: `null` is none.
pub(crate) fn optional_seconds<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Duration>, D::Error> {
    struct OptionalSeconds;
    impl<'de> Visitor<'de> for OptionalSeconds {
        type Value = Option<Duration>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a number of seconds (an integer or a fraction, at least 0) or null")
        }

        fn visit_none<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(
            self,
            d: D,
        ) -> std::result::Result<Self::Value, D::Error> {
            seconds(d).map(Some)
        }
    }
    d.deserialize_option(OptionalSeconds)
}

/// `deserialize_with` for PEM text kept as bytes (`UreqFetchOptions::extra_ca_pem`).
pub(crate) fn optional_text_bytes<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Vec<u8>>, D::Error> {
    let text: Option<String> = serde::Deserialize::deserialize(d)?;
    Ok(text.map(String::into_bytes))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Sample {
        #[serde(default, deserialize_with = "seconds")]
        wait: Duration,
        #[serde(default, deserialize_with = "optional_seconds")]
        age: Option<Duration>,
        #[serde(default)]
        count: usize,
    }

    fn err(text: &str) -> String {
        from_json::<Sample>("Sample", text)
            .unwrap_err()
            .message()
            .to_owned()
    }

    #[test]
    fn seconds_are_integers_or_fractions() {
        let s: Sample = from_json("Sample", r#"{"wait": 0.5, "age": 30}"#).unwrap();
        assert_eq!(s.wait, Duration::from_millis(500));
        assert_eq!(s.age, Some(Duration::from_secs(30)));
        let s: Sample = from_json("Sample", r#"{"age": null, "count": 3}"#).unwrap();
        assert_eq!((s.age, s.count), (None, 3));
        assert!(err(r#"{"wait": -1}"#).contains("field \"wait\""));
        assert!(err(r#"{"wait": 1e300}"#).contains("a number of seconds"));
    }

    #[test]
    fn messages_name_the_field_and_never_echo_the_value() {
        let secret = "s3cr3t-value-that-must-not-be-logged";
        let m = err(&format!(r#"{{"wait": "{secret}"}}"#));
        assert!(
            m.starts_with("Sample field \"wait\": expected a number of seconds"),
            "{m}"
        );
        assert!(m.ends_with("got a string"), "{m}");
        assert!(!m.contains(secret), "{m}");
        let m = err(r#"{"count": 1.5}"#);
        assert!(m.contains("field \"count\"") && !m.contains("1.5"), "{m}");
        let m = err(&format!(r#"{{"{}": 1}}"#, "x".repeat(10_000)));
        assert!(m.contains("unknown field \"xxx") && m.len() < 400, "{m}");
        let m = err("{\"count\": 1} trailing");
        assert!(m.starts_with("Sample: "), "{m}");
        let m = from_value::<Sample>("Sample", serde_json::json!([1])).unwrap_err();
        assert_eq!(m.kind(), ErrorKind::InvalidConfig);
    }
}
