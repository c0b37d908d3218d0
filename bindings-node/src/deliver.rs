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

use std::borrow::Borrow;
use std::cell::RefCell;

use mcp_bearer::TokenSource;
use napi::Env;
use napi::bindgen_prelude::{FnArgs, Function, FunctionRef, Unknown};
use serde_json::{Map, Value};

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

/// The JS side: a per-verifier function `deliver(slot, same, claims, header, ...fields)`.
/// With `claims` (JSON text), it builds the object (and keeps it in `slot` unless `slot` is
/// -1); without, it answers a copy of what slot `slot` keeps. Members that are `null` are left
/// out, as absent fields of the record. A bit of `same` (see [`Same`]) says that a member is
/// the value last passed for it, which is then not passed again: the header, issuer,
/// audiences, scopes, client and key of one verifier's tokens seldom change, and each string
/// or array that crosses costs N-API calls (the header a `JSON.parse` too).
const DELIVER_JS: &str = r#"(function (size) {
  const parse = JSON.parse
  const keys = Object.keys
  const isArray = Array.isArray
  const define = Object.defineProperty
  const kept = new Array(size).fill(null)
  const copy = (v) => {
    if (typeof v !== 'object' || v === null) return v
    if (isArray(v)) {
      const a = new Array(v.length)
      for (let i = 0; i < v.length; i++) a[i] = copy(v[i])
      return a
    }
    const o = {}
    for (const k of keys(v)) {
      if (k === '__proto__') {
        define(o, k, { value: copy(v[k]), enumerable: true, writable: true, configurable: true })
      } else {
        o[k] = copy(v[k])
      }
    }
    return o
  }
  // The values last passed (kept private: every object gets copies of the header and arrays).
  let lHeader = null, lIssuer = null, lAudiences = null, lAudience = null, lScopes = null
  let lClientId = null, lThumbprint = null
  return function deliver(slot, same, claims, header, source, subject, issuer, audiences,
    audience, scopes, clientId, tokenId, expiresAt, notBefore, issuedAt, keyThumbprint) {
    if (claims == null) return copy(kept[slot])
    const o = { source, claims: parse(claims) }
    if (header != null) lHeader = parse(header)
    if (same & 1 || header != null) o.header = copy(lHeader)
    if (subject != null) o.subject = subject
    if (issuer != null) lIssuer = issuer
    if (same & 2 || issuer != null) o.issuer = lIssuer
    if (audiences != null) lAudiences = audiences
    o.audiences = copy(lAudiences)
    if (audience != null) lAudience = audience
    if (same & 8 || audience != null) o.audience = lAudience
    if (scopes != null) lScopes = scopes
    o.scopes = copy(lScopes)
    if (clientId != null) lClientId = clientId
    if (same & 32 || clientId != null) o.clientId = lClientId
    if (tokenId != null) o.tokenId = tokenId
    if (expiresAt != null) o.expiresAt = expiresAt
    if (notBefore != null) o.notBefore = notBefore
    if (issuedAt != null) o.issuedAt = issuedAt
    if (keyThumbprint != null) lThumbprint = keyThumbprint
    if (same & 64 || keyThumbprint != null) o.keyThumbprint = lThumbprint
    if (slot < 0) return o
    kept[slot] = o
    return copy(o)
  }
})"#;

/// The bits of `deliver`'s `same` argument: the member is the value last passed for it.
struct Same;

impl Same {
    const HEADER: u32 = 1;
    const ISSUER: u32 = 2;
    // 4 is the audiences' bit; they are always present, so it needs no test on the JS side.
    const AUDIENCES: u32 = 4;
    const AUDIENCE: u32 = 8;
    // 16 is the scopes' bit, as for the audiences.
    const SCOPES: u32 = 16;
    const CLIENT_ID: u32 = 32;
    const KEY_THUMBPRINT: u32 = 64;
}

/// Slots of tokens whose objects a verifier keeps on the JS side (a power of two).
const SLOTS: usize = 256;

/// `deliver(...)`'s arguments: the slot, the [`Same`] bits, then the record's fields in the
/// order of [`VerifiedToken`] (times as numbers).
type DeliverArgs = FnArgs<(
    i32,
    u32,
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

/// The values last passed to `deliver` for the members [`Same`] names, as the JS side holds
/// them (`None`: nothing passed yet, or unknown after a failed call).
#[derive(Default)]
struct Sent {
    header: Option<Map<String, Value>>,
    issuer: Option<String>,
    audiences: Option<Vec<String>>,
    audience: Option<String>,
    scopes: Option<Vec<String>>,
    client_id: Option<String>,
    key_thumbprint: Option<String>,
}

/// One verifier's way of turning verified tokens into JS objects.
pub(crate) struct Delivery {
    deliver: Deliver,
    /// By slot: a token is kept on the JS side only when it comes a second time, so unique
    /// tokens cost no more than their fingerprint.
    slots: RefCell<Vec<Slot>>,
    sent: RefCell<Sent>,
}

impl Delivery {
    /// A delivery for one verifier in `env`.
    pub(crate) fn new(env: &Env) -> napi::Result<Delivery> {
        let make: Function<u32, Function<DeliverArgs, Unknown>> = env.run_script(DELIVER_JS)?;
        Ok(Delivery {
            deliver: make.call(SLOTS as u32)?.create_ref()?,
            slots: RefCell::new((0..SLOTS).map(|_| Slot::default()).collect()),
            sent: RefCell::new(Sent::default()),
        })
    }

    /// The JS object for `verified`, the verdict on `token`.
    pub(crate) fn object(
        &self,
        env: &Env,
        token: &str,
        verified: &mcp_bearer::VerifiedToken,
    ) -> napi::Result<Unknown<'static>> {
        let deliver = self.deliver.borrow_back(env)?;
        let print = fingerprint(token);
        let index = slot_of(print);
        // No borrow is held across the call into JS.
        let slot = {
            let mut slots = self.slots.borrow_mut();
            match slots.get_mut(index) {
                None => -1,
                Some(slot) if slot.kept.as_deref() == Some(token) => {
                    return deliver.call(kept(index as i32));
                }
                Some(slot) if slot.print == print => {
                    // Seen a second time: keep it.
                    slot.kept = Some(token.into());
                    index as i32
                }
                Some(slot) => {
                    *slot = Slot { print, kept: None };
                    -1
                }
            }
        };
        let args = self.arguments(slot, verified);
        let object = deliver.call(args);
        if object.is_err() {
            // What the JS side holds is unknown now: pass everything next time.
            *self.sent.borrow_mut() = Sent::default();
        }
        object
    }

    /// `deliver`'s arguments for `verified`, leaving out what [`Sent`] says the JS side has.
    fn arguments(&self, slot: i32, verified: &mcp_bearer::VerifiedToken) -> DeliverArgs {
        let mut sent = self.sent.borrow_mut();
        let mut same = 0;
        let header = changed(
            &mut sent.header,
            verified.header().map(|h| &h.raw),
            Same::HEADER,
            &mut same,
        )
        .and_then(|raw| serde_json::to_string(&raw).ok());
        let issuer = changed(&mut sent.issuer, verified.issuer(), Same::ISSUER, &mut same);
        let audiences = changed(
            &mut sent.audiences,
            Some(verified.audiences()),
            Same::AUDIENCES,
            &mut same,
        );
        let audience = changed(
            &mut sent.audience,
            verified.audience(),
            Same::AUDIENCE,
            &mut same,
        );
        let scopes = changed(
            &mut sent.scopes,
            Some(verified.scopes()),
            Same::SCOPES,
            &mut same,
        );
        let client_id = changed(
            &mut sent.client_id,
            verified.client_id(),
            Same::CLIENT_ID,
            &mut same,
        );
        let thumbprint = Some(verified.key_thumbprint()).filter(|t| !t.is_empty());
        let key_thumbprint = changed(
            &mut sent.key_thumbprint,
            thumbprint,
            Same::KEY_THUMBPRINT,
            &mut same,
        );
        let secs = |t: Option<u64>| t.map(|t| t as f64);
        (
            slot,
            same,
            Some(verified.claims_json().to_owned()),
            header,
            source_name(verified.source()),
            verified.subject().map(str::to_owned),
            issuer,
            audiences,
            audience,
            scopes,
            client_id,
            verified.token_id().map(str::to_owned),
            secs(verified.expires_at()),
            secs(verified.not_before()),
            secs(verified.issued_at()),
            key_thumbprint,
        )
            .into()
    }
}

/// `value` to pass, or `None` with `bit` set in `same` when it is what `last` says was passed.
fn changed<T>(
    last: &mut Option<T::Owned>,
    value: Option<&T>,
    bit: u32,
    same: &mut u32,
) -> Option<T::Owned>
where
    T: ToOwned + PartialEq + ?Sized,
{
    let value = value?;
    if last.as_ref().map(Borrow::borrow) == Some(value) {
        *same |= bit;
        return None;
    }
    *last = Some(value.to_owned());
    Some(value.to_owned())
}

/// `deliver`'s arguments that ask for a copy of what slot `slot` keeps.
fn kept(slot: i32) -> DeliverArgs {
    (
        slot, 0, None, None, "", None, None, None, None, None, None, None, None, None, None, None,
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
    use mcp_bearer::VerifiedTokenRecord;

    /// Every field of the core's record is a member `deliver` builds. Destructured without
    /// `..`: a field added to the record fails this build until it is delivered (and named
    /// here and in [`VerifiedToken`]).
    #[test]
    fn every_field_of_the_record_is_delivered() {
        let VerifiedTokenRecord {
            source: _,
            claims_json: _,
            header_json: _,
            subject: _,
            issuer: _,
            audiences: _,
            audience: _,
            scopes: _,
            client_id: _,
            token_id: _,
            expires_at: _,
            not_before: _,
            issued_at: _,
            key_thumbprint: _,
        } = serde_json::from_str(r#"{"source":"jwt","claims_json":"{}","header_json":null,"subject":null,"issuer":null,"audiences":[],"audience":null,"scopes":[],"client_id":null,"token_id":null,"expires_at":null,"not_before":null,"issued_at":null,"key_thumbprint":null}"#).unwrap();
        assert!(DELIVER_JS.contains("const o = { source, claims: parse(claims) }"));
        for member in [
            "header",
            "subject",
            "issuer",
            "audiences",
            "audience",
            "scopes",
            "clientId",
            "tokenId",
            "expiresAt",
            "notBefore",
            "issuedAt",
            "keyThumbprint",
        ] {
            assert!(DELIVER_JS.contains(&format!("o.{member} = ")), "{member}");
        }
    }

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
