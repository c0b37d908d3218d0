//! How a verified token crosses into JavaScript.
//!
//! Building a JS object member by member costs one N-API call per member and per claim: that
//! was most of what a verification through the binding cost on top of the core's (about
//! 9 µs for a cached token whose core verdict takes 0.2 µs). Instead a small JS function
//! builds the object from the record's fields passed as arguments in one call, the claims
//! and header as the core's JSON texts, which `JSON.parse` reads (as jose parses its payload,
//! so a claim named `__proto__` stays an ordinary member). A token seen again is answered
//! with a copy of the object built for it the time before, which is cheaper still. Every
//! call gets a fresh object: one request cannot change what another sees.
//!
//! The verdict is always the core's: this only remembers what the object for a given token
//! looks like. For one verifier that object is a function of the token alone (its claims and
//! header, the audience this verifier matched, the key's thumbprint, which depends on the
//! key material only).

use std::cell::RefCell;

use mcp_bearer::{TokenSource, VerifiedTokenRecord};
use napi::Env;
use napi::bindgen_prelude::{FnArgs, Function, FunctionRef, Unknown};
use serde_json::Value;

use napi_derive::napi;

/// A verified token: the core's `VerifiedTokenRecord` with the claims and header as objects.
///
/// Members that are absent on the record are absent on the object.
// The objects are built by `DELIVER_JS` from the record's fields; this struct only declares
// their shape for index.d.ts (tests/results.test.js holds the objects to it).
#[napi(object, object_to_js = false, object_from_js = false)]
#[allow(dead_code)]
pub struct VerifiedToken {
    /// How the token was verified: `"jwt"`, `"introspection"` or `"userinfo"`.
    #[napi(ts_type = "'jwt' | 'introspection' | 'userinfo'")]
    pub source: TokenSource,
    /// Every claim of the token (the JWT payload).
    #[napi(ts_type = "Record<string, unknown>")]
    pub claims: Value,
    /// The protected header, for a JWT.
    #[napi(ts_type = "Record<string, unknown>")]
    pub header: Option<Value>,
    /// `sub`.
    pub subject: Option<String>,
    /// `iss`.
    pub issuer: Option<String>,
    /// Every value of `aud`.
    pub audiences: Vec<String>,
    /// The configured audience that matched, if the audience was checked.
    pub audience: Option<String>,
    /// The scopes (`scope` split on spaces, or `scp`).
    pub scopes: Vec<String>,
    /// `client_id`, else `azp`.
    pub client_id: Option<String>,
    /// `jti`.
    pub token_id: Option<String>,
    /// `exp`, in seconds since the Unix epoch.
    #[napi(ts_type = "number")]
    pub expires_at: Option<u64>,
    /// `nbf`, in seconds since the Unix epoch.
    #[napi(ts_type = "number")]
    pub not_before: Option<u64>,
    /// `iat`, in seconds since the Unix epoch.
    #[napi(ts_type = "number")]
    pub issued_at: Option<u64>,
    /// The RFC 7638 thumbprint of the key that verified the signature, for a JWT.
    pub key_thumbprint: Option<String>,
}

/// The JS side: a per-verifier function `deliver(slot, claims, header, ...fields)`. With
/// `claims` (JSON text), it builds the object (and keeps it in `slot` unless `slot` is -1);
/// without, it answers a copy of what slot `slot` keeps. Members that are `null` are left
/// out, as absent fields of the record.
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
  return function deliver(slot, claims, header, source, subject, issuer, audiences, audience,
    scopes, clientId, tokenId, expiresAt, notBefore, issuedAt, keyThumbprint) {
    if (claims == null) return copy(kept[slot])
    const o = { source, claims: JSON.parse(claims) }
    if (header != null) o.header = JSON.parse(header)
    if (subject != null) o.subject = subject
    if (issuer != null) o.issuer = issuer
    o.audiences = audiences
    if (audience != null) o.audience = audience
    o.scopes = scopes
    if (clientId != null) o.clientId = clientId
    if (tokenId != null) o.tokenId = tokenId
    if (expiresAt != null) o.expiresAt = expiresAt
    if (notBefore != null) o.notBefore = notBefore
    if (issuedAt != null) o.issuedAt = issuedAt
    if (keyThumbprint != null) o.keyThumbprint = keyThumbprint
    if (slot < 0) return o
    kept[slot] = o
    return copy(o)
  }
})"#;

/// Slots of tokens whose objects a verifier keeps on the JS side (a power of two).
const SLOTS: usize = 256;

/// `deliver(...)`'s arguments: the slot, then the record's fields in the order of
/// [`VerifiedToken`] (times as numbers).
type DeliverArgs = FnArgs<(
    i32,
    Option<String>,
    Option<String>,
    &'static str,
    Option<String>,
    Option<String>,
    Option<Vec<String>>,
    Option<String>,
    Option<Vec<String>>,
    Option<String>,
    Option<String>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<String>,
)>;

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
            return deliver.call(arguments(-1, record()));
        };
        if slot.kept.as_deref() == Some(token) {
            return deliver.call(kept(index as i32));
        }
        if slot.print == print {
            // Seen a second time: keep it.
            slot.kept = Some(token.into());
            return deliver.call(arguments(index as i32, record()));
        }
        *slot = Slot { print, kept: None };
        deliver.call(arguments(-1, record()))
    }
}

/// `deliver`'s arguments for `record`.
fn arguments(slot: i32, record: VerifiedTokenRecord) -> DeliverArgs {
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
    let secs = |t: Option<u64>| t.map(|t| t as f64);
    (
        slot,
        Some(claims_json),
        header_json,
        source_name(source),
        subject,
        issuer,
        Some(audiences),
        audience,
        Some(scopes),
        client_id,
        token_id,
        secs(expires_at),
        secs(not_before),
        secs(issued_at),
        key_thumbprint,
    )
        .into()
}

/// `deliver`'s arguments that ask for a copy of what slot `slot` keeps.
fn kept(slot: i32) -> DeliverArgs {
    (
        slot, None, None, "", None, None, None, None, None, None, None, None, None, None, None,
    )
        .into()
}

/// The name `source` has in JSON (and in [`VerifiedToken::source`]).
fn source_name(source: TokenSource) -> &'static str {
    match source {
        TokenSource::Jwt => "jwt",
        TokenSource::Introspection => "introspection",
        TokenSource::UserInfo => "userinfo",
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `source` has the name serde gives it (the record's JSON, and index.d.ts).
    #[test]
    fn source_names_are_the_serde_names() {
        for source in [
            TokenSource::Jwt,
            TokenSource::Introspection,
            TokenSource::UserInfo,
        ] {
            assert_eq!(
                serde_json::to_value(source).ok(),
                Some(Value::from(source_name(source)))
            );
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
