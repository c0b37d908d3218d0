//! Cases from the outside vectors copied under `tests/vectors/<origin>/`
//! (`outside_cases.json`). Each case names its `source` file; the tokens and keys are taken
//! from that file as they are (the SSH public keys of PyJWT's advisory are re-spelled as
//! JWKs). Where a case needs a token of ours (a key set to select from), it says so.

use std::fs;
use std::path::Path;

use base64::Engine;
use mcp_bearer::ErrorKind;
use mcp_bearer::jwk::Algorithm;
use serde_json::{Value, json};

use crate::b64;
use crate::format::{Case, Expected, Keys, Options};
use crate::keys::TestKeys;
use crate::ours::{AUDIENCE, NOW, claims, code, jwks};
use crate::token::{Forge, Jose};

fn read(dir: &Path, source: &str) -> Value {
    let path = dir.join(source);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn text<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string at {pointer}"))
}

fn names(algorithms: &[Algorithm]) -> Vec<&'static str> {
    algorithms.iter().map(|a| a.name()).collect()
}

/// The public members of a JWK (the cookbook's keys carry their private halves).
fn public_members(jwk: &Value) -> Value {
    const PUBLIC: [&str; 9] = ["kty", "kid", "use", "alg", "crv", "n", "e", "x", "y"];
    let mut out = serde_json::Map::new();
    if let Some(obj) = jwk.as_object() {
        for (k, v) in obj {
            if PUBLIC.contains(&k.as_str()) {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    Value::Object(out)
}

/// The keys of a cookbook input: a secret for `oct`, else a one-key public JWKS.
fn cookbook_keys(key: &Value) -> (Keys, Vec<&'static str>) {
    if key.get("kty").and_then(Value::as_str) == Some("oct") {
        let k = text(key, "/k").to_owned();
        (Keys::SharedSecretB64u(k), names(&Algorithm::SYMMETRIC))
    } else {
        (
            Keys::Jwks(jwks(&[public_members(key)])),
            names(&Algorithm::ASYMMETRIC),
        )
    }
}

/// The JWK of an OpenSSH public key line (`ssh-ed25519 …`, `ecdsa-sha2-nistp256 …`), from
/// its RFC 4253 §6.6 / RFC 5656 §3.1 wire encoding.
pub(crate) fn jwk_from_openssh(line: &str) -> Value {
    let blob = line
        .split(' ')
        .nth(1)
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .expect("an OpenSSH public key line");
    let mut fields = Vec::new();
    let mut rest = blob.as_slice();
    while rest.len() >= 4 {
        let len = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        fields.push(rest[4..4 + len].to_vec());
        rest = &rest[4 + len..];
    }
    match fields.first().map(Vec::as_slice) {
        Some(b"ssh-ed25519") => {
            json!({"kty": "OKP", "crv": "Ed25519", "x": b64::encode(&fields[1])})
        }
        Some(b"ecdsa-sha2-nistp256") => {
            let point = &fields[2];
            json!({
                "kty": "EC",
                "crv": "P-256",
                "x": b64::encode(&point[1..33]),
                "y": b64::encode(&point[33..65]),
            })
        }
        _ => panic!("unexpected OpenSSH key type in {line}"),
    }
}

/// All outside cases.
pub(crate) fn cases(dir: &Path, keys: &TestKeys, forge: &Forge) -> Vec<Case> {
    let mut cases = Vec::new();
    cookbook(dir, &mut cases);
    pyjwt(dir, keys, forge, &mut cases);
    jwx(dir, &mut cases);
    oidf(dir, keys, forge, &mut cases);
    rfc_examples(dir, &mut cases);
    cases
}

fn cookbook(dir: &Path, cases: &mut Vec<Case>) {
    let valid: [(&str, &str, &str); 5] = [
        (
            "cookbook-4.1-rs256",
            "jose-cookbook/jws/4_1.rsa_v15_signature.json",
            "RFC 7520 §4.1 RSA v1.5 signature (RS256). The cookbook's RSA key is exactly 2048 bits, so it meets the RFC 7518 §3.3 minimum and verifies.",
        ),
        (
            "cookbook-4.2-ps384",
            "jose-cookbook/jws/4_2.rsa-pss_signature.json",
            "RFC 7520 §4.2 RSA-PSS signature (PS384) with the same 2048-bit key: verifies.",
        ),
        (
            "cookbook-4.3-es512",
            "jose-cookbook/jws/4_3.ecdsa_signature.json",
            "RFC 7520 §4.3 ECDSA signature (ES512, P-521): verifies.",
        ),
        (
            "cookbook-4.4-hs256",
            "jose-cookbook/jws/4_4.hmac-sha2_integrity_protection.json",
            "RFC 7520 §4.4 HMAC-SHA2 integrity protection (HS256) with the cookbook's 32-byte symmetric key, configured as a shared secret: verifies.",
        ),
        (
            "rfc8037-a.4-ed25519",
            "jose-cookbook/curve25519/jws.json",
            "RFC 8037 Appendix A.4 Ed25519 signing (EdDSA): verifies.",
        ),
    ];
    for (id, source, description) in valid {
        let file = read(dir, source);
        let (keys, algorithms) = cookbook_keys(&file["input"]["key"]);
        let payload = b64::encode(text(&file, "/input/payload"));
        let token = text(&file, "/output/compact").to_owned();
        cases.push(
            Case::jws(
                id,
                description,
                token,
                keys,
                &algorithms,
                Expected::valid_jws(&payload),
            )
            .with_source(source),
        );
    }

    let source = "jose-cookbook/jws/4_5.signature_with_detached_content.json";
    let file = read(dir, source);
    let (keys, algorithms) = cookbook_keys(&file["input"]["key"]);
    cases.push(
        Case::jws(
            "cookbook-4.5-detached-content",
            "RFC 7520 §4.5 / RFC 7515 Appendix F: detached content (an empty payload segment). Detached payloads are not supported, so the signature is checked over the empty payload and fails.",
            text(&file, "/output/compact").to_owned(),
            keys,
            &algorithms,
            Expected::invalid(code(ErrorKind::JwsSignatureVerificationFailed)),
        )
        .with_source(source),
    );

    let source = "jose-cookbook/rfc7797/hmac-sha2_b64_false.json";
    let file = read(dir, source);
    let (keys, algorithms) = cookbook_keys(&file["input"]["key"]);
    cases.push(
        Case::jws(
            "rfc7797-b64-false-compact",
            "RFC 7797 \"b64\": false with \"crit\": [\"b64\"], compact form. Must be rejected (the extension is not understood, RFC 7515 §4.1.11). Its payload segment is raw text with spaces, so the value is not three base64url segments and our shape check reports it as opaque before the header is read; tests/vectors' own b64-false cases show ERR_JWS_INVALID for a base64url-shaped one.",
            text(&file, "/output/compact").to_owned(),
            keys,
            &algorithms,
            Expected::invalid(code(ErrorKind::TokenOpaque)),
        )
        .with_source(source),
    );

    for (id, source, layer_jwt) in [
        (
            "cookbook-5.1-jwe-rsa1_5",
            "jose-cookbook/jwe/5_1.key_encryption_using_rsa_v15_and_aes-hmac-sha2.json",
            false,
        ),
        (
            "cookbook-5.6-jwe-dir",
            "jose-cookbook/jwe/5_6.direct_encryption_using_aes-gcm.json",
            false,
        ),
        (
            "cookbook-5.6-jwe-dir-verifier",
            "jose-cookbook/jwe/5_6.direct_encryption_using_aes-gcm.json",
            true,
        ),
    ] {
        let file = read(dir, source);
        let token = text(&file, "/output/compact").to_owned();
        let expected = Expected::invalid(code(ErrorKind::NotSupported));
        let case = if layer_jwt {
            Case::jwt(
                id,
                "RFC 7520 §5.6 direct encryption (\"alg\": \"dir\"), the shape of Auth0's access tokens when no API audience is requested: the Verifier refuses a five-segment JWE (RFC 7516 §9) as not supported, before any key lookup.",
                token,
                Keys::Jwks(jwks(&[])),
                issuer_and_audience("https://idp.example.com/", AUDIENCE),
                NOW,
                expected,
            )
        } else {
            Case::jws(
                id,
                "RFC 7520 §5 JWE in compact form (five segments, RFC 7516 §9): only signed tokens are supported.",
                token,
                Keys::Jwks(jwks(&[])),
                &names(&Algorithm::ASYMMETRIC),
                expected,
            )
        };
        cases.push(case.with_source(source));
    }
}

fn issuer_and_audience(issuer: &str, audience: &str) -> Options {
    Options {
        issuers: Some(vec![issuer.to_owned()]),
        audiences: Some(vec![audience.to_owned()]),
        ..Options::default()
    }
}

fn pyjwt(dir: &Path, keys: &TestKeys, forge: &Forge, cases: &mut Vec<Case>) {
    let source = "pyjwt/advisory_alg_confusion.json";
    let file = read(dir, source);
    let asymmetric = names(&Algorithm::ASYMMETRIC);
    let every = names(&Algorithm::ALL);
    for case in file["cases"].as_array().expect("PyJWT cases") {
        let name = text(case, "/name");
        let jwk = jwk_from_openssh(text(case, "/public_key_openssh"));
        let token = text(case, "/jwt").to_owned();
        let set = Keys::Jwks(jwks(&[jwk]));
        if text(case, "/expected") == "valid-signature" {
            let payload = token.split('.').nth(1).unwrap_or_default().to_owned();
            cases.push(
                Case::jws(
                    &format!("pyjwt-{name}"),
                    "CVE-2022-29217 (PyJWT advisory GHSA-ffqj-6fqr-9h24): the genuine token verifies under the public key (its OpenSSH form re-spelled as a JWK).",
                    token,
                    set,
                    &asymmetric,
                    Expected::valid_jws(&payload),
                )
                .with_source(source),
            );
            continue;
        }
        cases.push(
            Case::jws(
                &format!("pyjwt-{name}"),
                "CVE-2022-29217 algorithm confusion: HS256 keyed with the bytes of the public key. With the asymmetric allowlist HS256 is refused outright (RFC 8725 §3.1).",
                token.clone(),
                set.clone(),
                &asymmetric,
                Expected::invalid(code(ErrorKind::AlgNotAllowed)),
            )
            .with_source(source),
        );
        cases.push(
            Case::jws(
                &format!("pyjwt-{name}-every-alg-allowed"),
                "CVE-2022-29217 with every algorithm allowed: a public key is never an HMAC key (RFC 7517 §4.4), so no key is found.",
                token,
                set,
                &every,
                Expected::invalid(code(ErrorKind::JwksNoMatchingKey)),
            )
            .with_source(source),
        );
    }

    // PyJWT's key sets: tokens of ours name their members, to show which are usable.
    let asymmetric = &asymmetric;
    let with_unknown = "pyjwt/jwk_keyset_with_unknown_alg.json";
    let only_unknown = "pyjwt/jwk_keyset_only_unknown_alg.json";
    let rs_kid = "U1MayerhVuRj8xtFR8hyMH9lCfVMKlb3TG7mbQAS19M";
    let enc_kid = "lYXxnemSzWNBUoPug_h0hZnjPi5oKCmQ9awQJaZCWWM";
    let signed =
        |id: &str, kid: Option<&str>| forge.sign(&Jose::jwt("RS256", kid, claims(id)), &keys.rs256);
    let set_cases: [(&str, &str, Option<&str>, &'static str, &str); 4] = [
        (
            "pyjwt-keyset-usable-member-selected",
            with_unknown,
            Some(rs_kid),
            code(ErrorKind::JwsSignatureVerificationFailed),
            "RFC 7517 §5: the set's RS256 member is usable beside an \"RSA-OAEP\"/\"enc\" member. A token of ours naming its kid selects it (so the set parsed and the member was kept); our key did not sign for it, so the signature fails.",
        ),
        (
            "pyjwt-keyset-enc-member-skipped",
            with_unknown,
            Some(enc_kid),
            code(ErrorKind::JwksNoMatchingKey),
            "RFC 7517 §5: the \"RSA-OAEP\" (\"use\": \"enc\") member is skipped, never selected for a signature.",
        ),
        (
            "pyjwt-keyset-only-unknown-kid",
            only_unknown,
            Some(enc_kid),
            code(ErrorKind::JwksNoMatchingKey),
            "RFC 7517 §5: a set with only an encryption key parses (not rejected) and selects nothing.",
        ),
        (
            "pyjwt-keyset-only-unknown-no-kid",
            only_unknown,
            None,
            code(ErrorKind::JwksNoMatchingKey),
            "RFC 7517 §5: a set with only an encryption key has no candidate for a token without kid.",
        ),
    ];
    for (id, source, kid, code, description) in set_cases {
        let set = read(dir, source);
        cases.push(
            Case::jws(
                id,
                description,
                signed(id, kid),
                Keys::Jwks(set),
                asymmetric,
                Expected::invalid(code),
            )
            .with_source(source),
        );
    }
}

fn jwx(dir: &Path, cases: &mut Vec<Case>) {
    let source = "jwx/es256_unpadded_r.json";
    let file = read(dir, source);
    let set = Keys::Jwks(jwks(&[file["public_jwk"].clone()]));
    let payload = b64::encode(text(&file, "/payload_text"));
    for case in file["cases"].as_array().expect("jwx cases") {
        let name = text(case, "/name");
        let (expected, description) = if text(case, "/expected") == "valid-signature" {
            (
                Expected::valid_jws(&payload),
                "RFC 7518 §3.4: an ES256 signature whose R starts with a zero octet, left-padded to 32 octets (64 in all): verifies.",
            )
        } else {
            (
                Expected::invalid(code(ErrorKind::JwsSignatureVerificationFailed)),
                "RFC 7518 §3.4: the same signature with R's leading zero octet dropped (63 octets) MUST be rejected: R and S are each exactly 32 octets.",
            )
        };
        cases.push(
            Case::jws(
                &format!("jwx-{name}"),
                description,
                text(case, "/jws").to_owned(),
                set.clone(),
                &names(&Algorithm::ASYMMETRIC),
                expected,
            )
            .with_source(source),
        );
    }
}

fn oidf(dir: &Path, keys: &TestKeys, forge: &Forge, cases: &mut Vec<Case>) {
    let source = "oidf-conformance/unusable_jwks_members.json";
    let file = read(dir, source);
    let mut members = vec![keys.rs256.public_jwk(), keys.es256.public_jwk()];
    members.extend(
        file["members"]
            .as_array()
            .expect("OIDF members")
            .iter()
            .cloned(),
    );
    let set = Keys::Jwks(jwks(&members));
    let options = issuer_and_audience(crate::ours::ISSUER, AUDIENCE);
    let valid = Expected::valid_jwt(Some(crate::ours::SUBJECT), &crate::ours::SCOPES);
    let no_key = Expected::invalid(code(ErrorKind::JwksNoMatchingKey));
    let rows: [(&str, &str, Option<&str>, Expected, &str); 4] = [
        (
            "oidf-unusable-members-rs256",
            "RS256",
            Some(keys.rs256.kid()),
            valid.clone(),
            "OIDF conformance (oidcc-client-test-ignores-unparseable-key-in-jwks), RFC 7517 §5: five unusable members (unknown kty, unknown alg, unknown curve) beside our real keys are skipped and the set is not rejected; a token of ours signed by the real RS256 key verifies.",
        ),
        (
            "oidf-unusable-members-es256-no-kid",
            "ES256",
            None,
            valid,
            "RFC 7517 §5: a token without kid is tried only against usable P-256 keys; the members with \"ES9999\" and \"P-9999\" are skipped, so the real key verifies.",
        ),
        (
            "oidf-unknown-alg-rsa-member",
            "RS256",
            Some("unusable-rsa-unknown-alg-key"),
            no_key.clone(),
            "RFC 7517 §4.4 / §5: the RSA member with \"alg\": \"RS9999\" is skipped; a token naming its kid finds no key.",
        ),
        (
            "oidf-unknown-alg-ec-member",
            "ES256",
            Some("unusable-ec-unknown-alg-key"),
            no_key,
            "RFC 7517 §4.4 / §5: the P-256 member with \"alg\": \"ES9999\" is skipped; a token naming its kid finds no key.",
        ),
    ];
    for (id, alg, kid, expected, description) in rows {
        let signer = if alg == "RS256" {
            &keys.rs256
        } else {
            &keys.es256
        };
        let token = forge.sign(&Jose::jwt(alg, kid, claims(id)), signer);
        cases.push(
            Case::jwt(
                id,
                description,
                token,
                set.clone(),
                options.clone(),
                NOW,
                expected,
            )
            .with_source(source),
        );
    }
}

fn rfc_examples(dir: &Path, cases: &mut Vec<Case>) {
    let source = "rfc-examples/rfc_examples.json";
    let file = read(dir, source);
    let a1 = &file["rfc7515_appendix_a1_hs256"];
    let token = text(a1, "/jws").to_owned();
    let secret = Keys::SharedSecretB64u(text(a1, "/jwk/k").to_owned());
    let payload = token.split('.').nth(1).unwrap_or_default().to_owned();
    let exp = a1
        .pointer("/payload_json_bytes")
        .and_then(Value::as_str)
        .and_then(|p| serde_json::from_str::<Value>(p).ok())
        .and_then(|p| p.get("exp").and_then(Value::as_u64))
        .expect("RFC 7515 A.1 payload has exp");
    cases.push(
        Case::jws(
            "rfc7515-a.1-hs256-signature",
            "RFC 7515 Appendix A.1: the HS256 example, CRLF whitespace inside its JSON, verifies at the JWS layer.",
            token.clone(),
            secret.clone(),
            &names(&Algorithm::SYMMETRIC),
            Expected::valid_jws(&payload),
        )
        .with_source(source),
    );
    let joe_any_audience = Options {
        issuers: Some(vec!["joe".to_owned()]),
        dangerous_accept_any_audience: Some(true),
        ..Options::default()
    };
    cases.push(
        Case::jwt(
            "rfc7515-a.1-expired-now",
            "RFC 7515 Appendix A.1 through the Verifier today: \"exp\" 1300819380 is in March 2011 (RFC 7519 §4.1.4).",
            token.clone(),
            secret.clone(),
            joe_any_audience.clone(),
            NOW,
            Expected::invalid_claim(code(ErrorKind::JwtExpired), "exp"),
        )
        .with_source(source),
    );
    cases.push(
        Case::jwt(
            "rfc7515-a.1-before-exp",
            "RFC 7515 Appendix A.1 through the Verifier a minute before its \"exp\", issuer \"joe\", any audience: valid, with no subject and no scopes (the CRLF in its header and claims is plain JSON whitespace).",
            token.clone(),
            secret.clone(),
            joe_any_audience,
            exp - 60,
            Expected::valid_jwt(None, &[]),
        )
        .with_source(source),
    );
    cases.push(
        Case::jwt(
            "rfc7515-a.1-no-audience",
            "RFC 7515 Appendix A.1 has no \"aud\": a resource server with an audience configured refuses it (RFC 9068 §2.2), even before its \"exp\".",
            token,
            secret,
            Options {
                audiences: Some(vec![AUDIENCE.to_owned()]),
                issuers: Some(vec!["joe".to_owned()]),
                ..Options::default()
            },
            exp - 60,
            Expected::invalid_claim(code(ErrorKind::JwtClaimValidationFailed), "aud"),
        )
        .with_source(source),
    );
}
