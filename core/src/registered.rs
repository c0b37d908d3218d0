//! The registered claims a verifier reads (RFC 7519 §4.1, plus `scope`/`scp`/`client_id`/
//! `azp`), extracted either from a borrowed, typed view of the payload (the fast path) or from
//! the fully parsed claims map (every other case).
//!
//! Both extractions give the same values for the same payload; the typed view simply refuses
//! anything unusual (another type, an escaped string, a duplicate name), and the caller then
//! takes the map path, which decides the exact error.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind, Result};
use crate::verify::scopes_of;

/// The registered claims, each with the error its type check gave, so that the verifier
/// reports errors in the order it checks claims.
pub(crate) struct Extracted {
    pub(crate) iss: Result<Option<String>>,
    pub(crate) sub: Result<Option<String>>,
    /// `None` when the token has no `aud`.
    pub(crate) aud: Result<Option<Vec<String>>>,
    pub(crate) exp: Result<Option<f64>>,
    pub(crate) nbf: Result<Option<f64>>,
    pub(crate) iat: Result<Option<f64>>,
    pub(crate) scopes: Vec<String>,
    /// `client_id`, else `azp`.
    pub(crate) client_id: Result<Option<String>>,
}

impl Extracted {
    pub(crate) fn from_map(claims: &Map<String, Value>) -> Extracted {
        let aud = match claims.get("aud") {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(vec![s.clone()])),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .map(Some)
                .ok_or_else(|| invalid_claim("aud", "must be a string or an array of strings")),
            Some(_) => Err(invalid_claim(
                "aud",
                "must be a string or an array of strings",
            )),
        };
        let client_id = string_claim(claims, "client_id");
        let azp = string_claim(claims, "azp");
        Extracted {
            iss: string_claim(claims, "iss"),
            sub: string_claim(claims, "sub"),
            aud,
            exp: numeric_claim(claims, "exp"),
            nbf: numeric_claim(claims, "nbf"),
            iat: numeric_claim(claims, "iat"),
            scopes: scopes_of(claims),
            client_id: client_id.and_then(|c| Ok(c.or(azp?))),
        }
    }
}

/// A borrowed view of the registered claims; unknown claims are skipped without allocating.
#[derive(Deserialize)]
pub(crate) struct RegisteredClaims<'a> {
    #[serde(default, borrow, deserialize_with = "present")]
    iss: Option<&'a str>,
    #[serde(default, borrow, deserialize_with = "present")]
    sub: Option<&'a str>,
    #[serde(default, borrow, deserialize_with = "present")]
    aud: Option<Strs<'a>>,
    #[serde(default, deserialize_with = "present")]
    exp: Option<f64>,
    #[serde(default, deserialize_with = "present")]
    nbf: Option<f64>,
    #[serde(default, deserialize_with = "present")]
    iat: Option<f64>,
    #[serde(default, borrow, deserialize_with = "present")]
    scope: Option<&'a str>,
    #[serde(default, borrow, deserialize_with = "present")]
    scp: Option<Strs<'a>>,
    #[serde(default, borrow, deserialize_with = "present")]
    client_id: Option<&'a str>,
    #[serde(default, borrow, deserialize_with = "present")]
    azp: Option<&'a str>,
}

impl RegisteredClaims<'_> {
    pub(crate) fn extract(self) -> Extracted {
        let mut scopes: Vec<String> = Vec::new();
        let mut push = |s: &str| {
            if !s.is_empty() && !scopes.iter().any(|x| x == s) {
                scopes.push(s.to_owned());
            }
        };
        if let Some(s) = self.scope {
            s.split(' ').for_each(&mut push);
        }
        match self.scp {
            Some(Strs::One(s)) => s.split(' ').for_each(&mut push),
            Some(Strs::Many(items)) => items.into_iter().for_each(&mut push),
            None => {}
        }
        Extracted {
            iss: Ok(self.iss.map(str::to_owned)),
            sub: Ok(self.sub.map(str::to_owned)),
            aud: Ok(self.aud.map(|a| match a {
                Strs::One(s) => vec![s.to_owned()],
                Strs::Many(items) => items.into_iter().map(str::to_owned).collect(),
            })),
            exp: Ok(self.exp),
            nbf: Ok(self.nbf),
            iat: Ok(self.iat),
            scopes,
            client_id: Ok(self.client_id.or(self.azp).map(str::to_owned)),
        }
    }
}

/// A present claim: unlike `Option`'s own impl, `null` is refused (the map path reports it).
fn present<'de, D, T>(deserializer: D) -> std::result::Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// A string or an array of strings, borrowed.
pub(crate) enum Strs<'a> {
    One(&'a str),
    Many(Vec<&'a str>),
}

impl<'de: 'a, 'a> Deserialize<'de> for Strs<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct StrsVisitor;
        impl<'de> Visitor<'de> for StrsVisitor {
            type Value = Strs<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or an array of strings")
            }
            fn visit_borrowed_str<E: de::Error>(
                self,
                v: &'de str,
            ) -> std::result::Result<Self::Value, E> {
                Ok(Strs::One(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(2).min(16));
                while let Some(item) = seq.next_element::<&'de str>()? {
                    items.push(item);
                }
                Ok(Strs::Many(items))
            }
        }
        deserializer.deserialize_any(StrsVisitor)
    }
}

pub(crate) fn invalid_claim(name: &'static str, what: &str) -> Error {
    Error::claim(
        ErrorKind::JwtClaimValidationFailed,
        name,
        "invalid",
        format!("the {name:?} claim {what}"),
    )
}

fn string_claim(claims: &Map<String, Value>, name: &'static str) -> Result<Option<String>> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(invalid_claim(name, "must be a string")),
    }
}

fn numeric_claim(claims: &Map<String, Value>, name: &'static str) -> Result<Option<f64>> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::Number(n)) => n
            .as_f64()
            .filter(|f| f.is_finite())
            .map(Some)
            .ok_or_else(|| invalid_claim(name, "must be a finite number")),
        Some(_) => Err(invalid_claim(
            name,
            "must be a number (seconds since 1970, RFC 7519 §2)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The typed view and the map agree wherever the typed view accepts the payload.
    #[test]
    fn both_extractions_agree() {
        let payloads = [
            r#"{"iss":"https://i","sub":"s","aud":["a","b"],"exp":2000000000,"nbf":1.5,"iat":1,"scope":"a b  a","scp":["c","a"],"azp":"z","x":{"y":[1,null]}}"#,
            r#"{"aud":"one","exp":1e9,"client_id":"c","azp":"z","scp":"p q"}"#,
            r#"{}"#,
        ];
        for p in payloads {
            let map: Map<String, Value> = serde_json::from_str(p).unwrap();
            let a = Extracted::from_map(&map);
            let b = serde_json::from_str::<RegisteredClaims<'_>>(p)
                .unwrap()
                .extract();
            assert_eq!(a.iss.unwrap(), b.iss.unwrap(), "{p}");
            assert_eq!(a.sub.unwrap(), b.sub.unwrap(), "{p}");
            assert_eq!(a.aud.unwrap(), b.aud.unwrap(), "{p}");
            assert_eq!(a.exp.unwrap(), b.exp.unwrap(), "{p}");
            assert_eq!(a.nbf.unwrap(), b.nbf.unwrap(), "{p}");
            assert_eq!(a.iat.unwrap(), b.iat.unwrap(), "{p}");
            assert_eq!(a.scopes, b.scopes, "{p}");
            assert_eq!(a.client_id.unwrap(), b.client_id.unwrap(), "{p}");
        }
    }

    /// Everything unusual is refused by the typed view, so the map path decides it.
    #[test]
    fn the_typed_view_refuses_what_the_map_path_must_judge() {
        for p in [
            r#"{"exp":null}"#,
            r#"{"exp":"2000000000"}"#,
            r#"{"iss":"https:\/\/escaped"}"#,
            r#"{"iss":"a","iss":"b"}"#,
            r#"{"aud":["a",1]}"#,
            r#"{"scope":["a"]}"#,
            r#"{"client_id":7}"#,
            r#"[1]"#,
        ] {
            assert!(
                serde_json::from_str::<RegisteredClaims<'_>>(p).is_err(),
                "{p}"
            );
        }
    }
}
