//! Our own cases, part three: the attack corpus on algorithms and keys (the encoding
//! attacks are in `encoding.rs`). Each description names the attack and the specification
//! text that makes the verdict right.

use mcp_bearer::ErrorKind;
use serde_json::{Value, json};

use crate::format::{Expected, Keys, Options};
use crate::ours::{Ctx, claims, code, jose_for, jwks, standard_options, valid, with_member};
use crate::token::{Jose, rsa_public_pem};

/// `alg` attacks: `none`, case games, confusion between HMAC and public keys.
pub(crate) fn algorithm_attacks(ctx: &mut Ctx<'_>) {
    let k = ctx.keys;
    let not_allowed = code(ErrorKind::AlgNotAllowed);
    for (id, alg) in [
        ("alg-none", "none"),
        ("alg-NONE", "NONE"),
        ("alg-None", "None"),
        ("alg-nOnE", "nOnE"),
    ] {
        let jose = Jose::jwt(alg, None, claims(id));
        let token = ctx.forge.with_signature(&jose, &[]);
        ctx.main(
            id,
            &format!(
                "RFC 8725 §2.1 / RFC 7518 §3.6: an Unsecured JWS (\"alg\": \"{alg}\", empty signature) is never accepted; \"alg\" is case-sensitive (RFC 7515 §4.1.1), so no spelling of none is an algorithm."
            ),
            token,
            Expected::invalid(not_allowed),
        );
    }

    let id = "alg-lowercase-rs256";
    let token = ctx.sign(
        &jose_for(&k.rs256, id).header("alg", json!("rs256")),
        &k.rs256,
    );
    ctx.main(
        id,
        "RFC 7515 §4.1.1: \"alg\" values are case-sensitive; \"rs256\" is not RS256.",
        token,
        Expected::invalid(not_allowed),
    );

    let id = "alg-missing";
    let token = ctx.sign(&jose_for(&k.rs256, id).without_header("alg"), &k.rs256);
    ctx.main(
        id,
        "RFC 7515 §4.1.1: \"alg\" MUST be present; a header without it is not a JWS.",
        token,
        Expected::invalid(code(ErrorKind::JwsInvalid)),
    );

    let id = "alg-not-a-string";
    let token = ctx.sign(&jose_for(&k.rs256, id).header("alg", json!(256)), &k.rs256);
    ctx.main(
        id,
        "RFC 7515 §4.1.1: \"alg\" is a case-sensitive string; a number makes the header invalid.",
        token,
        Expected::invalid(code(ErrorKind::JwsInvalid)),
    );

    let id = "alg-duplicate-none-last";
    let token = ctx.sign(
        &jose_for(&k.rs256, id).header_duplicate("alg", json!("none")),
        &k.rs256,
    );
    ctx.main(
        id,
        "RFC 7515 §4: with duplicate Header Parameter names a parser MUST reject the JWS or use only the lexically last member; the last \"alg\" is \"none\", so the token fails either way.",
        token,
        Expected::invalid(not_allowed),
    );

    let id = "alg-outside-allowlist";
    let token = ctx.sign(&jose_for(&k.rs256, id), &k.rs256);
    let keys = ctx.main_keys();
    ctx.jwt(
        id,
        "RFC 8725 §3.1: the verifier accepts only the algorithms it is configured for (here ES256); a correctly signed RS256 token is refused.",
        token,
        keys,
        Options {
            algorithms: Some(vec!["ES256".to_owned()]),
            ..standard_options()
        },
        Expected::invalid(not_allowed),
    );

    // Algorithm confusion (CVE-2015-9235 and kin): HS256 keyed with public-key bytes.
    let public = k.rs256.public_jwk();
    let pem = rsa_public_pem(&public);
    let jwk_text = serde_json::to_string(&public).expect("serialize a JWK (generator)");
    let confusion: [(&str, &[u8], &str); 2] = [
        (
            "alg-confusion-hs256-pem",
            pem.as_bytes(),
            "the PEM SubjectPublicKeyInfo of the RSA key",
        ),
        (
            "alg-confusion-hs256-jwk-text",
            jwk_text.as_bytes(),
            "the JSON text of the RSA public JWK",
        ),
    ];
    for (id, secret, what) in confusion {
        let jose = Jose::jwt("HS256", Some(k.rs256.kid()), claims(id));
        let token = ctx.forge.hmac(&jose, secret);
        ctx.main(
            id,
            &format!(
                "RFC 8725 §2.1/§3.1 algorithm confusion: HS256 MAC keyed with {what}; a verifier holding public keys never accepts HMAC."
            ),
            token,
            Expected::invalid(not_allowed),
        );
    }
    let id = "alg-confusion-hs256-allowlisted";
    let jose = Jose::jwt("HS256", Some(k.rs256.kid()), claims(id));
    let token = ctx.forge.hmac(&jose, pem.as_bytes());
    let keys = ctx.main_keys();
    ctx.jwt(
        id,
        "RFC 8725 §3.1: even when a misconfigured allowlist names HS256 beside RS256, a JWKS never yields a symmetric key (RFC 7517 §4.4 binds the RSA key to RS256), so the PEM-keyed HS256 token finds no key.",
        token,
        keys,
        Options {
            algorithms: Some(vec!["RS256".to_owned(), "HS256".to_owned()]),
            ..standard_options()
        },
        Expected::invalid(code(ErrorKind::JwksNoMatchingKey)),
    );

    let id = "alg-rs256-against-secret";
    let token = ctx.sign(&jose_for(&k.rs256, id), &k.rs256);
    let keys = ctx.secret_keys();
    ctx.jwt(
        id,
        "A verifier holding only a shared secret accepts HS256/384/512 by default; an RS256 token is refused before any key is looked at.",
        token,
        keys,
        standard_options(),
        Expected::invalid(not_allowed),
    );
    let id = "hs256-wrong-secret";
    let token = ctx.forge.hmac(
        &Jose::jwt("HS256", None, claims(id)),
        b"an attacker's guess of 32+ bytes!!",
    );
    let keys = ctx.secret_keys();
    ctx.jwt(
        id,
        "RFC 7518 §3.2: an HMAC under another secret does not verify.",
        token,
        keys,
        standard_options(),
        Expected::invalid(code(ErrorKind::JwsSignatureVerificationFailed)),
    );
    let id = "hs256-outside-allowlist";
    let token = ctx
        .forge
        .hmac(&Jose::jwt("HS256", None, claims(id)), &k.hs_secret);
    let keys = ctx.secret_keys();
    ctx.jwt(
        id,
        "RFC 8725 §3.1: with the allowlist set to RS256 only, a valid HS256 token is refused \
         (HS512 cannot stand in: RFC 7518 §3.2 forbids it with this 32-byte secret).",
        token,
        keys,
        Options {
            algorithms: Some(vec!["RS256".to_owned()]),
            ..standard_options()
        },
        Expected::invalid(not_allowed),
    );
}

/// Key selection: keys bound to an algorithm, type, curve, use and operations; `kid` games;
/// key-carrying headers; weak keys; the candidate budget.
pub(crate) fn key_attacks(ctx: &mut Ctx<'_>) {
    let k = ctx.keys;
    let no_key = code(ErrorKind::JwksNoMatchingKey);
    let bad_sig = code(ErrorKind::JwsSignatureVerificationFailed);

    let id = "key-bound-to-other-alg";
    let rs256_with_pss_key = mcp_bearer::SigningKey::from_jwk(
        &k.ps256.private_jwk(),
        Some(mcp_bearer::Algorithm::RS256),
    )
    .expect("an RSA key signs RS256 (generator)");
    let token = ctx.sign(
        &Jose::jwt("RS256", Some(k.ps256.kid()), claims(id)),
        &rs256_with_pss_key,
    );
    ctx.main(
        id,
        "RFC 8725 §3.1 / RFC 7517 §4.4: the key named by kid is published with \"alg\": \"PS256\"; an RS256 signature by the same RSA key is not accepted.",
        token,
        Expected::invalid(no_key),
    );
    let id = "key-type-mismatch";
    let token = ctx.sign(
        &Jose::jwt("ES256", Some(k.rs256.kid()), claims(id)),
        &k.es256,
    );
    ctx.main(
        id,
        "RFC 8725 §3.1: an ES256 token naming an RSA key's kid finds no key (kty must fit alg).",
        token,
        Expected::invalid(no_key),
    );
    let id = "key-curve-mismatch";
    let token = ctx.sign(
        &Jose::jwt("ES384", Some(k.es256.kid()), claims(id)),
        &k.es384,
    );
    ctx.main(
        id,
        "RFC 7518 §3.4: ES384 needs a P-384 key; the P-256 key its kid names does not fit.",
        token,
        Expected::invalid(no_key),
    );

    for (id, kid, what) in [
        (
            "kid-unknown",
            "rotated-away-2024",
            "a key the set no longer has",
        ),
        ("kid-path-traversal", "../../../../etc/passwd", "a path"),
        ("kid-sql-injection", "' OR 1=1 --", "SQL"),
        (
            "kid-nul-suffix",
            "main-rs256\u{0}",
            "the real kid followed by NUL",
        ),
        ("kid-url", "https://attacker.example/key.pem", "a URL"),
    ] {
        let token = ctx.sign(&jose_for(&k.rs256, id).header("kid", json!(kid)), &k.rs256);
        ctx.main(
            id,
            &format!(
                "RFC 8725 §3.10: \"kid\" is attacker-controlled input, only ever compared with the configured set; {what} matches no key."
            ),
            token,
            Expected::invalid(no_key),
        );
    }
    let id = "kid-not-a-string";
    let token = ctx.sign(&jose_for(&k.rs256, id).header("kid", json!(5)), &k.rs256);
    ctx.main(
        id,
        "RFC 7515 §4.1.4: \"kid\" is a case-sensitive string; a number makes the header invalid.",
        token,
        Expected::invalid(code(ErrorKind::JwsInvalid)),
    );

    // Key-carrying headers (RFC 7515 §4.1.2-§4.1.6): keys come only from the configured set.
    let attacker = &k.attacker_rs256;
    let attacker_jwk = attacker.public_jwk();
    // (id, header member, its value, signed by the attacker?, kid, description)
    type Carried<'a> = (&'a str, &'a str, Value, bool, Option<&'a str>, &'a str);
    let carried: [Carried<'_>; 9] = [
        (
            "jwk-header-attacker-kid",
            "jwk",
            attacker_jwk.clone(),
            true,
            Some(attacker.kid()),
            "RFC 7515 §4.1.3 / RFC 8725 §3.10: an embedded \"jwk\" is ignored; the attacker's kid is not in the set.",
        ),
        (
            "jwk-header-real-kid",
            "jwk",
            attacker_jwk.clone(),
            true,
            Some(k.rs256.kid()),
            "RFC 7515 §4.1.3: signed by the attacker's embedded \"jwk\" but naming the real kid; the real key does not verify it.",
        ),
        (
            "jwk-header-no-kid",
            "jwk",
            attacker_jwk.clone(),
            true,
            None,
            "RFC 7515 §4.1.3: attacker-signed with an embedded \"jwk\" and no kid; every RS256 key of the set is tried and none verifies.",
        ),
        (
            "jwk-header-ignored-real-signer",
            "jwk",
            attacker_jwk.clone(),
            false,
            Some(k.rs256.kid()),
            "RFC 7515 §4.1.3: an embedded \"jwk\" is ignored, not an error; the real key verifies.",
        ),
        (
            "jku-header-real-signer",
            "jku",
            json!("https://attacker.example/jwks.json"),
            false,
            Some(k.rs256.kid()),
            "RFC 8725 §3.10 (SSRF): \"jku\" is never fetched; signed by the real key, the token verifies with the configured set.",
        ),
        (
            "jku-header-attacker-signer",
            "jku",
            json!("https://attacker.example/jwks.json"),
            true,
            Some(attacker.kid()),
            "RFC 7515 §4.1.2 / RFC 8725 §3.10: the keys behind \"jku\" are never used; the attacker's kid is not in the set.",
        ),
        (
            "x5u-header-real-signer",
            "x5u",
            json!("https://attacker.example/cert.pem"),
            false,
            Some(k.rs256.kid()),
            "RFC 7515 §4.1.5 / RFC 8725 §3.10: \"x5u\" is never fetched; the real key verifies.",
        ),
        (
            "x5u-header-attacker-signer",
            "x5u",
            json!("https://attacker.example/cert.pem"),
            true,
            Some(k.rs256.kid()),
            "RFC 7515 §4.1.5: signed by the attacker's key behind \"x5u\" but naming the real kid; the real key does not verify it.",
        ),
        (
            "x5c-header-ignored",
            "x5c",
            json!(["MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAattacker"]),
            false,
            Some(k.rs256.kid()),
            "RFC 7515 §4.1.6: an \"x5c\" chain is ignored; the real key verifies.",
        ),
    ];
    for (id, member, value, by_attacker, kid, description) in carried {
        let signer = if by_attacker { attacker } else { &k.rs256 };
        let mut jose = Jose::jwt("RS256", kid, claims(id)).header(member, value);
        if kid.is_none() {
            jose = jose.without_header("kid");
        }
        let token = ctx.sign(&jose, signer);
        let expected = match (by_attacker, kid) {
            (false, _) => valid(),
            (true, Some(kid)) if kid == attacker.kid() => Expected::invalid(no_key),
            (true, _) => Expected::invalid(bad_sig),
        };
        ctx.main(id, description, token, expected);
    }
    let id = "jwk-header-attacker-es256";
    let attacker_ec = &k.attacker_es256;
    let token = ctx.sign(
        &Jose::jwt("ES256", Some(k.es256.kid()), claims(id))
            .header("jwk", attacker_ec.public_jwk()),
        attacker_ec,
    );
    ctx.main(
        id,
        "RFC 7515 §4.1.3 (CVE-2018-0114 style): an ES256 token signed by the P-256 key embedded in its own \"jwk\" header, naming the real kid; the embedded key is ignored and the real key does not verify it.",
        token,
        Expected::invalid(bad_sig),
    );

    // A key below policy in the set.
    let weak = &k.weak_rsa;
    let weak_jwks = {
        let mut set = ctx.main_jwks();
        if let Some(keys) = set.get_mut("keys").and_then(Value::as_array_mut) {
            keys.push(weak.public_jwk());
        }
        set
    };
    let id = "weak-rsa-1024-kid";
    let token = ctx
        .forge
        .weak_rsa(&Jose::jwt("RS256", Some("weak-rsa-1024"), claims(id)), weak);
    ctx.jwt(
        id,
        "RFC 7518 §3.3: \"A key of size 2048 bits or larger MUST be used\"; the 1024-bit member is skipped when the set is parsed (the set is not rejected), so its genuine signature finds no key.",
        token,
        Keys::Jwks(weak_jwks.clone()),
        standard_options(),
        Expected::invalid(no_key),
    );
    let id = "weak-rsa-1024-no-kid";
    let token = ctx
        .forge
        .weak_rsa(&Jose::jwt("RS256", None, claims(id)), weak);
    ctx.jwt(
        id,
        "RFC 7518 §3.3: signed by the skipped 1024-bit key without kid; only the 2048-bit RS256 key is tried, and it does not verify.",
        token,
        Keys::Jwks(weak_jwks),
        standard_options(),
        Expected::invalid(bad_sig),
    );

    // `use` and `key_ops` (RFC 7517 §4.2, §4.3).
    let rs = k.rs256.public_jwk();
    let members: [(&str, Value, Expected, &str); 3] = [
        (
            "key-use-enc",
            with_member(rs.clone(), "use", json!("enc")),
            Expected::invalid(no_key),
            "RFC 7517 §4.2: a key with \"use\": \"enc\" is for encryption and never verifies a signature.",
        ),
        (
            "key-ops-encrypt-only",
            with_member(
                with_member(rs.clone(), "use", Value::Null),
                "key_ops",
                json!(["encrypt"]),
            ),
            Expected::invalid(no_key),
            "RFC 7517 §4.3: a key whose \"key_ops\" lacks \"verify\" is not used to verify.",
        ),
        (
            "key-ops-verify",
            with_member(
                with_member(rs, "use", Value::Null),
                "key_ops",
                json!(["verify"]),
            ),
            valid(),
            "RFC 7517 §4.3: \"key_ops\": [\"verify\"] permits verification.",
        ),
    ];
    for (id, jwk, expected, description) in members {
        let token = ctx.sign(&jose_for(&k.rs256, id), &k.rs256);
        ctx.jwt(
            id,
            description,
            token,
            Keys::Jwks(jwks(&[jwk])),
            standard_options(),
            expected,
        );
    }

    // Two P-256 keys: kid reuse across a rotation, and the candidate budget.
    let first = k.es256.public_jwk();
    let second = k.second_es256.public_jwk();
    let id = "kid-reused-by-two-keys";
    let shared = |jwk: Value| with_member(jwk, "kid", json!("shared-kid"));
    let token = ctx.sign(
        &Jose::jwt("ES256", Some("shared-kid"), claims(id)),
        &k.second_es256,
    );
    ctx.jwt(
        id,
        "RFC 7517 §4.5: kids SHOULD be unique, but some providers reuse one across a rotation; both keys with the kid are tried and the second verifies.",
        token,
        Keys::Jwks(jwks(&[shared(first.clone()), shared(second.clone())])),
        standard_options(),
        valid(),
    );
    let unnamed = |jwk: Value| with_member(jwk, "kid", Value::Null);
    let two_unnamed = jwks(&[unnamed(first), unnamed(second)]);
    let id = "no-kid-second-candidate";
    let jose = Jose::jwt("ES256", None, claims(id));
    let token = ctx.sign(&jose, &k.second_es256);
    ctx.jwt(
        id,
        "RFC 7515 §4.1.4: a token without kid against two kid-less P-256 keys: both are tried (within the default budget of 8) and the second verifies.",
        token.clone(),
        Keys::Jwks(two_unnamed.clone()),
        standard_options(),
        valid(),
    );
    ctx.jwt(
        "no-kid-candidate-budget-exceeded",
        "DoS budget: with max_key_candidates 1, the same token would need a second key to be tried, which the budget forbids.",
        token,
        Keys::Jwks(two_unnamed),
        Options {
            max_key_candidates: Some(1),
            ..standard_options()
        },
        Expected::invalid(code(ErrorKind::JwksMultipleMatchingKeys)),
    );
}
