//! Building tokens byte by byte: ordered headers and claims (so the bytes never depend on a
//! map's ordering), every signer the vectors need, and reuse of randomized signatures so
//! that regenerating the files changes nothing.

use std::collections::HashMap;

use mcp_bearer::jwk::{Algorithm, Jwk};
use mcp_bearer::sign::SigningKey;
use serde_json::Value;

use crate::b64;
use crate::keys::WeakRsaKey;

/// A JOSE header and payload, kept in insertion order.
#[derive(Debug, Clone)]
pub(crate) struct Jose {
    header: Vec<(String, Value)>,
    payload: Payload,
}

#[derive(Debug, Clone)]
enum Payload {
    Claims(Vec<(String, Value)>),
    Raw(Vec<u8>),
}

/// Serializes an object with its members in the given order.
pub(crate) fn ordered_json(members: &[(String, Value)]) -> String {
    let body: Vec<String> = members
        .iter()
        .map(|(k, v)| format!("{}:{}", Value::String(k.clone()), v))
        .collect();
    format!("{{{}}}", body.join(","))
}

fn set(members: &mut Vec<(String, Value)>, name: &str, value: Value) {
    match members.iter_mut().find(|(k, _)| k == name) {
        Some(slot) => slot.1 = value,
        None => members.push((name.to_owned(), value)),
    }
}

impl Jose {
    /// A header `{"alg", "typ": "JWT", "kid"}` and the given claims.
    pub(crate) fn jwt(alg: &str, kid: Option<&str>, claims: Vec<(String, Value)>) -> Jose {
        let mut header = vec![
            ("alg".to_owned(), Value::from(alg)),
            ("typ".to_owned(), Value::from("JWT")),
        ];
        if let Some(kid) = kid {
            header.push(("kid".to_owned(), Value::from(kid)));
        }
        Jose {
            header,
            payload: Payload::Claims(claims),
        }
    }

    /// Sets (or replaces) a header member.
    pub(crate) fn header(mut self, name: &str, value: Value) -> Jose {
        set(&mut self.header, name, value);
        self
    }

    /// Appends a header member even if one with the same name exists (duplicate names).
    pub(crate) fn header_duplicate(mut self, name: &str, value: Value) -> Jose {
        self.header.push((name.to_owned(), value));
        self
    }

    /// Removes a header member.
    pub(crate) fn without_header(mut self, name: &str) -> Jose {
        self.header.retain(|(k, _)| k != name);
        self
    }

    /// Sets (or replaces) a claim.
    pub(crate) fn claim(mut self, name: &str, value: Value) -> Jose {
        if let Payload::Claims(claims) = &mut self.payload {
            set(claims, name, value);
        }
        self
    }

    /// Removes a claim.
    pub(crate) fn without_claim(mut self, name: &str) -> Jose {
        if let Payload::Claims(claims) = &mut self.payload {
            claims.retain(|(k, _)| k != name);
        }
        self
    }

    /// Replaces the payload with raw bytes.
    pub(crate) fn raw_payload(mut self, bytes: &[u8]) -> Jose {
        self.payload = Payload::Raw(bytes.to_vec());
        self
    }

    /// The `alg` header, if it is a string.
    pub(crate) fn alg(&self) -> Option<&str> {
        self.header
            .iter()
            .rev()
            .find(|(k, _)| k == "alg")
            .and_then(|(_, v)| v.as_str())
    }

    /// The header segment.
    pub(crate) fn header_b64(&self) -> String {
        b64::encode(ordered_json(&self.header))
    }

    /// The payload segment.
    pub(crate) fn payload_b64(&self) -> String {
        match &self.payload {
            Payload::Claims(claims) => b64::encode(ordered_json(claims)),
            Payload::Raw(bytes) => b64::encode(bytes),
        }
    }
}

/// Signs tokens, reusing the randomized signatures (PS*, ES*) of the files being regenerated
/// when the signed bytes are unchanged and the signature still verifies.
#[derive(Debug, Default)]
pub(crate) struct Forge {
    previous: HashMap<String, Vec<Vec<u8>>>,
}

impl Forge {
    /// A forge that remembers the signatures of `tokens` (from the previous files).
    pub(crate) fn remembering<'a>(tokens: impl IntoIterator<Item = &'a str>) -> Forge {
        let mut previous: HashMap<String, Vec<Vec<u8>>> = HashMap::new();
        for token in tokens {
            let Some((input, sig)) = token.rsplit_once('.') else {
                continue;
            };
            if let Ok(sig) = b64::decode(sig) {
                previous.entry(input.to_owned()).or_default().push(sig);
            }
        }
        Forge { previous }
    }

    /// Signs `jose` with `key`, as `header.payload.signature`.
    pub(crate) fn sign(&self, jose: &Jose, key: &SigningKey) -> String {
        self.sign_segments(&jose.header_b64(), &jose.payload_b64(), key)
    }

    /// Signs already encoded segments with `key` (which may be malformed on purpose).
    pub(crate) fn sign_segments(&self, header: &str, payload: &str, key: &SigningKey) -> String {
        let input = format!("{header}.{payload}");
        let sig = self.signature(&input, key);
        format!("{input}.{}", b64::encode(sig))
    }

    /// The signature of `input` under `key`: the previous one when it still verifies, so
    /// that randomized algorithms give the same file twice.
    pub(crate) fn signature(&self, input: &str, key: &SigningKey) -> Vec<u8> {
        let alg = key.algorithm();
        if is_randomized(alg)
            && let Ok(public) = Jwk::from_json(&key.public_jwk())
        {
            let reused = self.previous.get(input).and_then(|sigs| {
                sigs.iter()
                    .find(|s| public.verify_signature(alg, input.as_bytes(), s))
            });
            if let Some(sig) = reused {
                return sig.clone();
            }
        }
        key.sign(input.as_bytes())
            .expect("the test key signs (generator)")
    }

    /// An HMAC token: the `alg` header picks HS256/384/512.
    pub(crate) fn hmac(&self, jose: &Jose, secret: &[u8]) -> String {
        let alg = jose
            .alg()
            .and_then(Algorithm::from_name)
            .expect("an HMAC case names HS256/384/512 (generator)");
        let input = format!("{}.{}", jose.header_b64(), jose.payload_b64());
        let hmac = match alg {
            Algorithm::HS256 => aws_lc_rs::hmac::HMAC_SHA256,
            Algorithm::HS384 => aws_lc_rs::hmac::HMAC_SHA384,
            Algorithm::HS512 => aws_lc_rs::hmac::HMAC_SHA512,
            other => panic!("{other} is not HMAC (generator)"),
        };
        let sig = aws_lc_rs::hmac::sign(&aws_lc_rs::hmac::Key::new(hmac, secret), input.as_bytes());
        format!("{input}.{}", b64::encode(sig))
    }

    /// A token signed with the 1024-bit RSA key (RS256).
    pub(crate) fn weak_rsa(&self, jose: &Jose, key: &WeakRsaKey) -> String {
        let input = format!("{}.{}", jose.header_b64(), jose.payload_b64());
        format!("{input}.{}", b64::encode(key.sign_rs256(input.as_bytes())))
    }

    /// A token with the given raw signature bytes.
    pub(crate) fn with_signature(&self, jose: &Jose, signature: &[u8]) -> String {
        format!(
            "{}.{}.{}",
            jose.header_b64(),
            jose.payload_b64(),
            b64::encode(signature)
        )
    }
}

fn is_randomized(alg: Algorithm) -> bool {
    matches!(
        alg,
        Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512
            | Algorithm::ES256
            | Algorithm::ES384
            | Algorithm::ES512
    )
}

/// Makes a base64url segment invalid by its length (a length of 4k+1 characters can encode
/// no byte string).
pub(crate) fn with_impossible_length(segment: &str) -> String {
    let mut s = segment.to_owned();
    while s.len() % 4 != 1 {
        s.push('A');
    }
    s
}

/// Makes the last character of a base64url segment carry non-zero padding bits: the same
/// bytes in a non-canonical spelling, which a strict decoder rejects (no malleability).
pub(crate) fn with_noncanonical_tail(segment: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    assert!(
        !segment.len().is_multiple_of(4),
        "a segment whose length is a multiple of 4 has no padding bits (generator)"
    );
    let mut bytes = segment.as_bytes().to_vec();
    let last = bytes.pop().expect("segment is not empty (generator)");
    let index = ALPHABET
        .iter()
        .position(|c| *c == last)
        .expect("segment is base64url (generator)");
    // Canonical encodings leave the lowest bit of the last character zero in both partial
    // cases (2 or 4 padding bits); setting it keeps the decoded bytes the same.
    bytes.push(ALPHABET[index | 1]);
    String::from_utf8(bytes).expect("ASCII (generator)")
}

/// DER: a tag-length-value.
fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else if len < 0x100 {
        out.extend_from_slice(&[0x81, len as u8]);
    } else {
        out.extend_from_slice(&[0x82, (len >> 8) as u8, len as u8]);
    }
    out.extend_from_slice(content);
    out
}

/// DER: an unsigned INTEGER from big-endian bytes.
fn der_uint(be: &[u8]) -> Vec<u8> {
    let trimmed: Vec<u8> = be.iter().copied().skip_while(|b| *b == 0).collect();
    let mut content = Vec::with_capacity(trimmed.len() + 1);
    if trimmed.first().is_none_or(|b| b & 0x80 != 0) {
        content.push(0);
    }
    content.extend_from_slice(&trimmed);
    der(0x02, &content)
}

/// An ECDSA signature in the DER form of X9.62 (`SEQUENCE { r, s }`) instead of JOSE's fixed
/// `R || S` (RFC 7518 §3.4): what a signer that forgot the conversion produces.
pub(crate) fn ecdsa_der(fixed: &[u8]) -> Vec<u8> {
    let (r, s) = fixed.split_at(fixed.len() / 2);
    let mut seq = der_uint(r);
    seq.extend(der_uint(s));
    der(0x30, &seq)
}

/// The PEM `PUBLIC KEY` (SubjectPublicKeyInfo) of an RSA key: the bytes an alg-confusion
/// attacker uses as the HMAC secret.
pub(crate) fn rsa_public_pem(public_jwk: &Value) -> String {
    use base64::Engine;
    let member = |name: &str| {
        public_jwk
            .get(name)
            .and_then(Value::as_str)
            .and_then(|s| b64::decode(s).ok())
            .expect("an RSA public JWK (generator)")
    };
    let mut rsa_key = der_uint(&member("n"));
    rsa_key.extend(der_uint(&member("e")));
    let rsa_key = der(0x30, &rsa_key);
    let mut bit_string = vec![0u8];
    bit_string.extend(rsa_key);
    // AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }
    let mut spki = der(
        0x30,
        &[
            0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
        ],
    );
    spki.extend(der(0x03, &bit_string));
    let spki = der(0x30, &spki);
    let text = base64::engine::general_purpose::STANDARD.encode(spki);
    let lines: Vec<&str> = text
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).expect("base64 is ASCII (generator)"))
        .collect();
    format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        lines.join("\n")
    )
}
