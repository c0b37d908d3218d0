//! How a verified token crosses into JavaScript.
//!
//! Building a JS object member by member costs one N-API call per member and per claim: that
//! was most of what a verification through the binding cost on top of the core's (about
//! 9 µs for a cached token whose core verdict takes 0.2 µs). Instead the record crosses as
//! one JSON text that `JSON.parse` turns into a plain object (as jose parses its payload, so a
//! claim named `__proto__` stays an ordinary member), and a token seen again is answered with
//! a copy of the object parsed for it the time before, made by a small JS function, which is
//! several times cheaper than parsing again. Every call gets a fresh object: one request
//! cannot change what another sees.
//!
//! The verdict is always the core's: this only remembers what the object for a given token
//! looks like. For one verifier that object is a function of the token alone (its claims and
//! header, the audience this verifier matched, the key's thumbprint, which depends on the
//! key material only).

use std::cell::RefCell;

use mcp_bearer::{TokenSource, VerifiedTokenRecord};
use napi::Env;
use napi::bindgen_prelude::{FnArgs, Function, FunctionRef, JsObjectValue, Object, Unknown};
use serde::Serialize;
use serde_json::Value;

use napi_derive::napi;

/// A verified token: the core's `VerifiedTokenRecord` with the claims and header as objects.
///
/// Members that are absent on the record are absent on the object.
// The objects are written as JSON by `write_json`; this struct declares their shape for
// index.d.ts, and the tests check that the JSON is what serde writes for it.
#[napi(object, object_to_js = false, object_from_js = false)]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(not(test), allow(dead_code))]
pub struct VerifiedToken {
    /// How the token was verified: `"jwt"`, `"introspection"` or `"userinfo"`.
    #[napi(ts_type = "'jwt' | 'introspection' | 'userinfo'")]
    pub source: TokenSource,
    /// Every claim of the token (the JWT payload).
    #[napi(ts_type = "Record<string, unknown>")]
    pub claims: Value,
    /// The protected header, for a JWT.
    #[napi(ts_type = "Record<string, unknown>")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<Value>,
    /// `sub`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// `iss`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// Every value of `aud`.
    pub audiences: Vec<String>,
    /// The configured audience that matched, if the audience was checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    /// The scopes (`scope` split on spaces, or `scp`).
    pub scopes: Vec<String>,
    /// `client_id`, else `azp`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// `jti`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_id: Option<String>,
    /// `exp`, in seconds since the Unix epoch.
    #[napi(ts_type = "number")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<u64>,
    /// `nbf`, in seconds since the Unix epoch.
    #[napi(ts_type = "number")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_before: Option<u64>,
    /// `iat`, in seconds since the Unix epoch.
    #[napi(ts_type = "number")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued_at: Option<u64>,
    /// The RFC 7638 thumbprint of the key that verified the signature, for a JWT.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_thumbprint: Option<String>,
}

/// The JSON text of the [`VerifiedToken`] object for `record`. The claims and header are the
/// core's own JSON texts (written by serde_json from parsed objects), placed as they are.
pub(crate) fn write_json(record: VerifiedTokenRecord) -> String {
    // Destructured without `..`: a field added to the record fails this build until mapped.
    let VerifiedTokenRecord {
        source,
        claims_json,
        header_json,
        subject,
        issuer,
        audiences,
        audience,
        scopes,
        client_id,
        token_id,
        expires_at,
        not_before,
        issued_at,
        key_thumbprint,
    } = record;
    let mut out = String::with_capacity(
        claims_json.len() + header_json.as_ref().map_or(0, String::len) + 256,
    );
    out.push_str("{\"source\":");
    push_json(&mut out, &source);
    out.push_str(",\"claims\":");
    out.push_str(&claims_json);
    if let Some(header) = header_json {
        out.push_str(",\"header\":");
        out.push_str(&header);
    }
    push_member(&mut out, "subject", subject.as_ref());
    push_member(&mut out, "issuer", issuer.as_ref());
    push_member(&mut out, "audiences", Some(&audiences));
    push_member(&mut out, "audience", audience.as_ref());
    push_member(&mut out, "scopes", Some(&scopes));
    push_member(&mut out, "clientId", client_id.as_ref());
    push_member(&mut out, "tokenId", token_id.as_ref());
    push_member(&mut out, "expiresAt", expires_at.as_ref());
    push_member(&mut out, "notBefore", not_before.as_ref());
    push_member(&mut out, "issuedAt", issued_at.as_ref());
    push_member(&mut out, "keyThumbprint", key_thumbprint.as_ref());
    out.push('}');
    out
}

/// `,"name":value` when `value` is present.
fn push_member<T: Serialize + ?Sized>(out: &mut String, name: &str, value: Option<&T>) {
    if let Some(value) = value {
        out.push_str(",\"");
        out.push_str(name);
        out.push_str("\":");
        push_json(out, value);
    }
}

fn push_json<T: Serialize + ?Sized>(out: &mut String, value: &T) {
    // Strings, string lists, integers and a unit enum: serde_json cannot fail on them.
    if let Ok(text) = serde_json::to_string(value) {
        out.push_str(&text);
    }
}

/// The JS side: a per-verifier function `deliver(slot, text)`. With `text`, it parses it
/// (and keeps it in `slot` unless `slot` is -1); without, it answers a copy of what slot
/// `slot` keeps (the text parsed once, then kept as an object).
const DELIVER_JS: &str = r#"(function (size) {
  const kept = new Array(size).fill(null)
  const copy = (v) => {
    if (typeof v !== 'object' || v === null) return v
    if (Array.isArray(v)) {
      const a = new Array(v.length)
      for (let i = 0; i < v.length; i++) a[i] = copy(v[i])
      return a
    }
    const o = {}
    for (const k of Object.keys(v)) {
      if (k === '__proto__') {
        Object.defineProperty(o, k, { value: copy(v[k]), enumerable: true, writable: true, configurable: true })
      } else {
        o[k] = copy(v[k])
      }
    }
    return o
  }
  return function deliver(slot, text) {
    if (text == null) {
      let value = kept[slot]
      if (typeof value === 'string') kept[slot] = value = JSON.parse(value)
      return copy(value)
    }
    if (slot >= 0) kept[slot] = text
    return JSON.parse(text)
  }
})"#;

/// Slots of tokens whose objects a verifier keeps on the JS side (a power of two).
const SLOTS: usize = 256;

/// `deliver(slot, text)`'s arguments.
type DeliverArgs = FnArgs<(i32, Option<String>)>;

type Deliver = FunctionRef<DeliverArgs, Unknown<'static>>;

/// What the JS side's slot holds, as seen from here.
#[derive(Default)]
struct Slot {
    /// The fingerprint of the last token delivered through this slot.
    print: u64,
    /// The token whose object the JS side keeps in this slot, if any.
    kept: Option<Box<str>>,
}

/// One verifier's way of turning verified tokens into JS objects.
pub(crate) struct Delivery {
    deliver: Deliver,
    /// By slot: a token is kept on the JS side only when it comes a second time, so unique
    /// tokens cost no more than their fingerprint.
    slots: RefCell<Vec<Slot>>,
}

impl Delivery {
    /// A delivery for one verifier in `env`.
    pub(crate) fn new(env: &Env) -> napi::Result<Delivery> {
        let make: Function<u32, Function<DeliverArgs, Unknown>> = env.run_script(DELIVER_JS)?;
        Ok(Delivery {
            deliver: make.call(SLOTS as u32)?.create_ref()?,
            slots: RefCell::new((0..SLOTS).map(|_| Slot::default()).collect()),
        })
    }

    /// The JS object for `record`, the verdict on `token`.
    pub(crate) fn object(
        &self,
        env: &Env,
        token: &str,
        record: impl FnOnce() -> VerifiedTokenRecord,
    ) -> napi::Result<Unknown<'static>> {
        let deliver = self.deliver.borrow_back(env)?;
        let print = fingerprint(token);
        let index = slot_of(print);
        let mut slots = self.slots.borrow_mut();
        let Some(slot) = slots.get_mut(index) else {
            return deliver.call((-1, Some(write_json(record()))).into());
        };
        if slot.kept.as_deref() == Some(token) {
            return deliver.call((index as i32, None).into());
        }
        if slot.print == print {
            // Seen a second time: keep it.
            slot.kept = Some(token.into());
            return deliver.call((index as i32, Some(write_json(record()))).into());
        }
        *slot = Slot { print, kept: None };
        deliver.call((-1, Some(write_json(record()))).into())
    }
}

/// A token's fingerprint: its length and the last 8 bytes (from the signature, which differs
/// between tokens). Only a slot's index comes from it: a kept object answers only for the
/// very token it was built for (compared whole).
fn fingerprint(token: &str) -> u64 {
    let bytes = token.as_bytes();
    let mut tail = [0u8; 8];
    let start = bytes.len().saturating_sub(8);
    tail[..bytes.len() - start].copy_from_slice(&bytes[start..]);
    u64::from_le_bytes(tail) ^ (bytes.len() as u64).rotate_left(48)
}

fn slot_of(print: u64) -> usize {
    (print.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as usize % SLOTS
}

/// `JSON.parse` of `text` in `env`, for the rare paths that have no verifier's delivery.
pub(crate) fn parse_json(env: &Env, text: String) -> napi::Result<Unknown<'static>> {
    let json: Object = env.get_global()?.get_named_property("JSON")?;
    let parse: Function<String, Unknown<'static>> = json.get_named_property("parse")?;
    parse.call(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(header: bool, all: bool) -> VerifiedTokenRecord {
        let some = |s: &str| all.then(|| s.to_owned());
        VerifiedTokenRecord {
            source: TokenSource::Jwt,
            claims_json: r#"{"sub":"a\"b","aud":["x","y"],"__proto__":{"n":1.5e300}}"#.into(),
            header_json: header.then(|| r#"{"alg":"ES256","kid":"k"}"#.into()),
            subject: some("a\"b"),
            issuer: some("https://idp.example.com/"),
            audiences: vec!["x".into(), "y".into()],
            audience: some("x"),
            scopes: vec!["read".into(), "wri\u{2028}te".into()],
            client_id: some("c"),
            token_id: some("j"),
            expires_at: all.then_some(u64::MAX),
            not_before: all.then_some(0),
            issued_at: all.then_some(1_700_000_000),
            key_thumbprint: some("t"),
        }
    }

    /// The hand-written JSON is exactly what serde writes for the declared shape, so
    /// index.d.ts describes what `JSON.parse` produces.
    #[test]
    fn the_json_is_the_declared_shape() {
        for (header, all) in [(true, true), (false, false), (true, false)] {
            let r = record(header, all);
            let declared = VerifiedToken {
                source: r.source,
                claims: serde_json::from_str(&r.claims_json).unwrap_or_default(),
                header: r
                    .header_json
                    .as_deref()
                    .and_then(|h| serde_json::from_str(h).ok()),
                subject: r.subject.clone(),
                issuer: r.issuer.clone(),
                audiences: r.audiences.clone(),
                audience: r.audience.clone(),
                scopes: r.scopes.clone(),
                client_id: r.client_id.clone(),
                token_id: r.token_id.clone(),
                expires_at: r.expires_at,
                not_before: r.not_before,
                issued_at: r.issued_at,
                key_thumbprint: r.key_thumbprint.clone(),
            };
            let written: Value = serde_json::from_str(&write_json(r)).unwrap_or_default();
            assert_eq!(written, serde_json::to_value(&declared).unwrap_or_default());
        }
    }

    #[test]
    fn fingerprints_differ_by_tail_and_length() {
        assert_ne!(fingerprint("a.b.cdefghij"), fingerprint("a.b.cdefghik"));
        assert_ne!(fingerprint("x.cdefghij"), fingerprint("xy.cdefghij"));
        assert_eq!(fingerprint(""), fingerprint(""));
        assert!(slot_of(fingerprint("abc")) < SLOTS);
    }
}
