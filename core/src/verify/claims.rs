//! The registered claims a verifier reads (RFC 7519 §4.1, plus `scope`/`scp`/`client_id`/
//! `azp`, and `jti` for the verified token's id), extracted either from a borrowed, typed view of the payload (the fast path) or from
//! the fully parsed claims map (every other case).
//!
//! Both extractions give the same values for the same payload; the typed view simply refuses
//! anything unusual (another type, an escaped string, a duplicate name), and the caller then
//! takes the map path, which decides the exact error.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind, Result};
use crate::scope::{Scopes, scopes_of};

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
    /// `jti` when it is a string (another type is kept in the claims, not refused).
    pub(crate) jti: Option<String>,
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
            jti: claims.get("jti").and_then(Value::as_str).map(str::to_owned),
        }
    }
}

/// A borrowed view of the registered claims.
///
/// Unknown claims are not kept, but they are not skipped blindly either: each is walked with
/// [`Checked`], which makes the JSON parser do exactly the work it does when it builds a
/// `serde_json::Value` (unescaping strings, so lone surrogates fail; parsing numbers, so
/// out-of-range ones fail; counting nesting, so the recursion limit applies). A payload this
/// view accepts is therefore one the full parse accepts too, and `VerifiedToken::claims()`
/// can always build the map later.
#[derive(Default)]
pub(crate) struct RegisteredClaims<'a> {
    iss: Option<&'a str>,
    sub: Option<&'a str>,
    aud: Option<Strs<'a>>,
    exp: Option<f64>,
    nbf: Option<f64>,
    iat: Option<f64>,
    scope: Option<&'a str>,
    scp: Option<Strs<'a>>,
    client_id: Option<&'a str>,
    azp: Option<&'a str>,
    jti: Option<&'a str>,
}

/// The member names the view reads; every other name is [`Field::Other`].
enum Field {
    Iss,
    Sub,
    Aud,
    Exp,
    Nbf,
    Iat,
    Scope,
    Scp,
    ClientId,
    Azp,
    Jti,
    Other,
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct FieldVisitor;
        impl Visitor<'_> for FieldVisitor {
            type Value = Field;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a claim name")
            }
            // Called with the unescaped name, so `"i\u0073s"` is `iss`, as in the map.
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Field, E> {
                Ok(match v {
                    "iss" => Field::Iss,
                    "sub" => Field::Sub,
                    "aud" => Field::Aud,
                    "exp" => Field::Exp,
                    "nbf" => Field::Nbf,
                    "iat" => Field::Iat,
                    "scope" => Field::Scope,
                    "scp" => Field::Scp,
                    "client_id" => Field::ClientId,
                    "azp" => Field::Azp,
                    "jti" => Field::Jti,
                    _ => Field::Other,
                })
            }
        }
        deserializer.deserialize_identifier(FieldVisitor)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for RegisteredClaims<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct ClaimsVisitor;
        impl<'de> Visitor<'de> for ClaimsVisitor {
            type Value = RegisteredClaims<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                /// Reads one registered claim; a second occurrence is refused, so that the
                /// map path decides duplicates.
                fn once<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
                    map: &mut A,
                    slot: &mut Option<T>,
                    name: &'static str,
                ) -> std::result::Result<(), A::Error> {
                    if slot.is_some() {
                        return Err(de::Error::duplicate_field(name));
                    }
                    *slot = Some(map.next_value()?);
                    Ok(())
                }
                let mut c = RegisteredClaims::default();
                while let Some(field) = map.next_key::<Field>()? {
                    match field {
                        Field::Iss => once(&mut map, &mut c.iss, "iss")?,
                        Field::Sub => once(&mut map, &mut c.sub, "sub")?,
                        Field::Aud => once(&mut map, &mut c.aud, "aud")?,
                        Field::Exp => once(&mut map, &mut c.exp, "exp")?,
                        Field::Nbf => once(&mut map, &mut c.nbf, "nbf")?,
                        Field::Iat => once(&mut map, &mut c.iat, "iat")?,
                        Field::Scope => once(&mut map, &mut c.scope, "scope")?,
                        Field::Scp => once(&mut map, &mut c.scp, "scp")?,
                        Field::ClientId => once(&mut map, &mut c.client_id, "client_id")?,
                        Field::Azp => once(&mut map, &mut c.azp, "azp")?,
                        Field::Jti => once(&mut map, &mut c.jti, "jti")?,
                        Field::Other => map.next_value::<Checked>().map(|_| ())?,
                    }
                }
                Ok(c)
            }
        }
        // A map, not a struct: serde_json reads a struct from an array too.
        deserializer.deserialize_map(ClaimsVisitor)
    }
}

/// Any JSON value, read the way `serde_json::Value` reads it and then dropped: the same
/// `deserialize_any` calls, so the parser applies the same checks (string escapes, number
/// range, nesting depth) without building anything. `IgnoredAny` would take serde_json's
/// skipping path, which checks none of them.
pub(crate) struct Checked;

impl<'de> Deserialize<'de> for Checked {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct CheckedVisitor;
        impl<'de> Visitor<'de> for CheckedVisitor {
            type Value = Checked;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_unit<E: de::Error>(self) -> std::result::Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_none<E: de::Error>(self) -> std::result::Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Checked, A::Error> {
                while seq.next_element::<Checked>()?.is_some() {}
                Ok(Checked)
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Checked, A::Error> {
                // Keys are read as strings, as the map reads them, so their escapes are checked.
                while map.next_key::<Checked>()?.is_some() {
                    map.next_value::<Checked>()?;
                }
                Ok(Checked)
            }
        }
        deserializer.deserialize_any(CheckedVisitor)
    }
}

impl RegisteredClaims<'_> {
    pub(crate) fn extract(self) -> Extracted {
        // The same reading as `scopes_of`: the one rule of `crate::scope`.
        let mut scopes = Scopes::default();
        if let Some(s) = self.scope {
            scopes.push_string(s);
        }
        match self.scp {
            Some(Strs::One(s)) => scopes.push_string(s),
            Some(Strs::Many(items)) => items.into_iter().for_each(|s| scopes.push(s)),
            None => {}
        }
        let scopes = scopes.into_vec();
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
            jti: self.jti.map(str::to_owned),
        }
    }
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

/// The claims set of a JWT as a map (RFC 7519 §7.2 step 10).
///
/// # Errors
/// [`ErrorKind::JwtInvalid`] when the payload is not a JSON object, saying why without
/// repeating any of it.
pub(crate) fn parse_claims(payload_json: &str) -> Result<Map<String, Value>> {
    serde_json::from_str(payload_json).map_err(|e| {
        use serde_json::error::Category;
        let message = match e.classify() {
            // serde_json's syntax messages are fixed texts with a position ("lone leading
            // surrogate in hex escape", "number out of range", "recursion limit exceeded").
            Category::Syntax | Category::Eof => {
                format!("the JWT claims set is not valid JSON ({e}); RFC 7519 §7.2 step 10")
            }
            // A type mismatch names the value it found, which may be long: not repeated.
            Category::Data | Category::Io => {
                "the JWT claims set is not a JSON object (RFC 7519 §7.2 step 10)".to_owned()
            }
        };
        Error::new(ErrorKind::JwtInvalid, message)
    })
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
            r#"{"aud":"one","exp":1e9,"client_id":"c","azp":"z","scp":"p q","jti":"j-1"}"#,
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
            assert_eq!(a.jti, b.jti, "{p}");
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
            // `jti` of another type is no error: the map path leaves the token id out.
            r#"{"jti":7}"#,
            r#"{"jti":"a","jti":"b"}"#,
            r#"[1]"#,
        ] {
            assert!(
                serde_json::from_str::<RegisteredClaims<'_>>(p).is_err(),
                "{p}"
            );
        }
    }
}
