//! Keys that must not be trusted are refused when they are loaded: RSA exponents that are even
//! or below 3, and moduli with the ROCA fingerprint (CVE-2017-15361). A configured key is an
//! `ERR_INVALID_KEY`; a JWKS member is skipped, and the reason reaches the "no matching key"
//! error. Also: `verify_jws` has the verifier's token size limit.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Arc;

use mcp_bearer::jwk::KeySetOptions;
use mcp_bearer::test_support::b64;
use mcp_bearer::verify::DEFAULT_MAX_TOKEN_BYTES;
use mcp_bearer::{Algorithm, ErrorKind, Jwk, KeySet, KeySource, SigningKey, Verifier, verify_jws};
use serde_json::{Map, Value, json};
use support::{JwksServer, T0, claims, clock, key, mint, options, remote, remote_verifier};

/// A real 2048-bit modulus made by the vulnerable Infineon library: `roca/tests/data/mod03.txt`
/// of github.com/crocs-muni/roca @ 919aa1e (listed as a positive test key in its
/// `roca/tests/README.md`). MIT License, Copyright (c) 2017, CRoCS, EnigmaBridge Ltd.
const ROCA_MODULUS_HEX: &str = "9dcd7420e420c270a68060eb8b5aa7457a9f6648f86fafed2775cc1f79ae962f1e63f1b9e51c55f9ea6fdc7332e9b0058c9ff2eb1fc89855029cf6aafe21e689feb38ac9ffb12f1ce371bb5d0e9aae64161abce74b4244bf68f1edb4411f756a097c8929c14740245ea355f8332d1aa36bb50c7dcb4505da8de02e4e53d38f8df06097da7524df0df93db48eac8cc4af2d3a16257eb2b2adca6ba464e5974fa92550d31b1babf161e7692d00b86e3dd886ecab4abfbe1a8f8cc263ff4af55cdb45f4249a5193925f5e983d762f0b6800943eb0267b08f42ed311ce1f5c86eacbc8ce4d3cb7a2fee1ef5641423a1cf4114e5ecf50034a60a412523af9e6f4aa11";

/// The same project's negative 2048-bit test modulus, `roca/tests/data/mod04.txt` @ 919aa1e
/// (same license).
const CLEAN_MODULUS_HEX: &str = "af659676197f1db06da7ac111a0a0ec175b8b7ef07192ffcd1f6b854c327785f1a7fd3db7da45cd4a31b2b2e5ce0d823a68e28c8adf1747316becce1fe5768064039ad2062260c8d1a34e0586dce9bc13090fcc9fb8b8b2c08ed3ae8d61b29818a669689a7d9c1dab053b557fb8d3f9c44faad3e18c55e739b00d3c9126558bc8e980cd2af377126ef5b1374136774b8bd370e3c1c149db395c8f99696b628b105946fea20106fe24d103ac062661a9248e8c3f628e00b308d33953aabe555132e218e74ef4b578716b4fe7cf340e8e604a319bf6e9951e1942601d34291032db54999d09e5d036dde3544ad35256bbb97d5e3fffd38166c21eae9199548853b";

/// The odd primes whose residues the ROCA fingerprint fixes.
const ROCA_PRIMES: [u32; 38] = [
    3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97,
    101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
];

fn from_hex(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

fn rsa_jwk(n: &[u8], e: &[u8], kid: &str) -> Value {
    json!({"kty": "RSA", "kid": kid, "alg": "RS256", "n": b64::encode(n), "e": b64::encode(e)})
}

/// The modulus and exponent of a freshly generated 2048-bit RSA key, and the key.
fn generated_rsa() -> (SigningKey, Vec<u8>, Vec<u8>) {
    let signing = key(Algorithm::RS256);
    let public = signing.public_jwk();
    let n = b64::decode(public["n"].as_str().unwrap()).unwrap();
    let e = b64::decode(public["e"].as_str().unwrap()).unwrap();
    (signing, n, e)
}

fn pow_mod(base: u64, mut exp: u64, r: u64) -> u64 {
    let (mut acc, mut base) = (1u64, base % r);
    while exp > 0 {
        if exp & 1 == 1 {
            acc = acc * base % r;
        }
        base = base * base % r;
        exp >>= 1;
    }
    acc
}

/// `a·k + c` over little-endian base-2^32 limbs.
fn mul_add(a: &[u32], k: u32, c: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len().max(c.len()) + 1);
    let mut carry = 0u64;
    for i in 0..a.len().max(c.len()) {
        let term = u64::from(a.get(i).copied().unwrap_or(0)) * u64::from(k)
            + u64::from(c.get(i).copied().unwrap_or(0))
            + carry;
        out.push(term as u32);
        carry = term >> 32;
    }
    if carry > 0 {
        out.push(carry as u32);
    }
    out
}

fn rem(a: &[u32], r: u32) -> u32 {
    a.iter().rev().fold(0u64, |acc, limb| {
        ((acc << 32) | u64::from(*limb)) % u64::from(r)
    }) as u32
}

/// A 2048-bit odd number (top byte 0xC3) congruent, modulo each prime of [`ROCA_PRIMES`], to
/// `residue(prime)`: the number is `H + x` with `H` the top byte followed by zeros and `x`
/// (about 230 bits) built by the Chinese remainder theorem, one prime at a time. It is no RSA
/// modulus, but the fingerprint test reads only residues.
fn modulus_with_residues(residue: impl Fn(u32) -> u32) -> Vec<u8> {
    let mut high = vec![0u8; 256];
    high[0] = 0xC3;
    let high_limbs: Vec<u32> = high
        .rchunks(4)
        .map(|c| u32::from_be_bytes(c.try_into().unwrap()))
        .collect();
    // Solve x ≡ target - H (mod p) for p = 2 (target 1: odd) and every fingerprint prime.
    let mut x: Vec<u32> = vec![0];
    let mut m: Vec<u32> = vec![1];
    for (p, target) in std::iter::once((2, 1)).chain(ROCA_PRIMES.map(|p| (p, residue(p)))) {
        let want = (target + p - rem(&high_limbs, p)) % p;
        let have = rem(&x, p);
        let inverse = pow_mod(u64::from(rem(&m, p)), u64::from(p - 2), u64::from(p)) as u32;
        let step = if p == 2 {
            (want + 2 - have) % 2
        } else {
            ((want + p - have) % p) * inverse % p
        };
        x = mul_add(&m, step, &x);
        m = mul_add(&m, p, &[]);
    }
    assert!(x.len() <= 8, "x fits below the top byte");
    let mut n = high;
    for (i, limb) in x.iter().enumerate() {
        let at = 256 - 4 * (i + 1);
        n[at..at + 4].copy_from_slice(&limb.to_be_bytes());
    }
    for p in ROCA_PRIMES {
        let limbs: Vec<u32> = n
            .rchunks(4)
            .map(|c| u32::from_be_bytes(c.try_into().unwrap()))
            .collect();
        assert_eq!(rem(&limbs, p), residue(p) % p, "residue mod {p}");
    }
    n
}

#[test]
fn generated_2048_bit_keys_load() {
    for _ in 0..3 {
        let (_, n, e) = generated_rsa();
        let jwk = Jwk::from_json(&rsa_jwk(&n, &e, "k")).unwrap();
        assert_eq!(jwk.rsa_bits(), Some(2048));
    }
}

#[test]
fn an_even_exponent_is_refused_at_load() {
    let (_, n, _) = generated_rsa();
    for e in [&[1u8, 0, 2][..], &[4], &[1, 0, 0, 0]] {
        let err = Jwk::from_json(&rsa_jwk(&n, e, "k")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidKey, "e = {e:?}");
        assert_eq!(err.message(), "RSA exponent is even", "e = {e:?}");
    }
}

#[test]
fn an_exponent_below_3_is_refused_at_load() {
    let (_, n, _) = generated_rsa();
    for (e, shown) in [(&[1u8][..], "1"), (&[0, 2][..], "2")] {
        let err = Jwk::from_json(&rsa_jwk(&n, e, "k")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidKey);
        assert_eq!(err.message(), format!("RSA exponent {shown} is below 3"));
    }
    // 3 itself is odd and allowed.
    Jwk::from_json(&rsa_jwk(&n, &[3], "k")).unwrap();
}

#[test]
fn a_published_roca_modulus_is_refused_and_its_clean_counterpart_loads() {
    let err = Jwk::from_json(&rsa_jwk(&from_hex(ROCA_MODULUS_HEX), &[1, 0, 1], "k")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidKey);
    assert!(err.message().contains("ROCA"), "{}", err.message());
    assert!(
        err.message().contains("CVE-2017-15361"),
        "{}",
        err.message()
    );
    let clean = Jwk::from_json(&rsa_jwk(&from_hex(CLEAN_MODULUS_HEX), &[1, 0, 1], "k")).unwrap();
    assert_eq!(clean.rsa_bits(), Some(2048));
}

#[test]
fn a_crafted_modulus_with_the_fingerprint_is_refused() {
    // Residues 65537^(i+1) mod p: in the subgroup generated by 65537 for every prime.
    let power = |p: u32| pow_mod(65_537, u64::from(p % 7 + 1), u64::from(p)) as u32;
    let flagged = modulus_with_residues(power);
    let err = Jwk::from_json(&rsa_jwk(&flagged, &[1, 0, 1], "k")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidKey);
    assert!(err.message().contains("ROCA"), "{}", err.message());

    // One residue outside its subgroup (0 is never a power) and the fingerprint is gone:
    // every prime must match.
    let almost = modulus_with_residues(|p| if p == 167 { 0 } else { power(p) });
    match Jwk::from_json(&rsa_jwk(&almost, &[1, 0, 1], "k")) {
        Ok(_) => {}
        Err(e) => assert!(!e.message().contains("ROCA"), "{}", e.message()),
    }
}

#[test]
fn refused_members_are_skipped_with_their_reason() {
    let (_, n, _) = generated_rsa();
    let (good, _, _) = generated_rsa();
    let set = json!({"keys": [
        good.public_jwk(),
        rsa_jwk(&n, &[1, 0, 2], "even"),
        rsa_jwk(&n, &[1], "one"),
        rsa_jwk(&from_hex(ROCA_MODULUS_HEX), &[1, 0, 1], "infineon"),
    ]});
    let set = KeySet::from_json(&set, KeySetOptions::default()).unwrap();
    assert_eq!(set.keys().len(), 1);
    let reasons: Vec<(Option<&str>, &str)> = set
        .skipped()
        .iter()
        .map(|s| (s.kid.as_deref(), s.reason.as_str()))
        .collect();
    assert_eq!(reasons[0], (Some("even"), "RSA exponent is even"));
    assert_eq!(reasons[1], (Some("one"), "RSA exponent 1 is below 3"));
    assert_eq!(reasons[2].0, Some("infineon"));
    assert!(reasons[2].1.contains("ROCA"));
    assert_eq!(
        set.skipped()[0].to_string(),
        r#"kid "even": RSA exponent is even"#
    );
}

fn token_with_kid(signing: &SigningKey, kid: &str) -> String {
    let mut header = Map::new();
    header.insert("kid".into(), json!(kid));
    signing.sign_jwt(&claims(T0, 600), &header).unwrap()
}

#[test]
fn the_no_matching_key_error_names_the_skipped_member_and_why() {
    let (signing, n, _) = generated_rsa();
    let set = json!({"keys": [rsa_jwk(&n, &[1, 0, 2], "x")]});
    let keys = KeySet::from_json(&set, KeySetOptions::default()).unwrap();
    let token = token_with_kid(&signing, "x");

    let err = verify_jws(&token, &keys, &Algorithm::ASYMMETRIC).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::JwksNoMatchingKey);
    assert!(
        err.message()
            .ends_with(r#"; skipped: kid "x": RSA exponent is even"#),
        "{}",
        err.message()
    );

    let verifier = Verifier::new(KeySource::Static(Arc::new(keys)), options()).unwrap();
    let err = verifier.verify(&token).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::JwksNoMatchingKey);
    assert!(
        err.message()
            .contains(r#"skipped: kid "x": RSA exponent is even"#),
        "{}",
        err.message()
    );
}

#[test]
fn a_remote_set_reports_its_skipped_member_too() {
    let (signing, n, _) = generated_rsa();
    let other = key(Algorithm::ES256);
    let set = json!({"keys": [other.public_jwk(), rsa_jwk(&n, &[1], "rotated")]});
    let server = JwksServer::start(serde_json::to_vec(&set).unwrap());
    let clock = clock();
    let verifier = remote_verifier(&remote(&server.url(), Default::default(), &clock));
    let err = verifier
        .verify(&token_with_kid(&signing, "rotated"))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::JwksNoMatchingKey);
    assert!(
        err.message()
            .contains(r#"skipped: kid "rotated": RSA exponent 1 is below 3"#),
        "{}",
        err.message()
    );
    // A token for the good key is unaffected.
    verifier.verify(&mint(&other, &claims(T0, 600))).unwrap();
}

#[test]
fn kids_in_the_no_matching_key_error_are_bounded_and_escaped() {
    let (signing, n, _) = generated_rsa();
    let hostile = format!(
        "\u{1b}[2J\u{1b}]0;owned\u{7}{}",
        "\u{9b}\u{202e}".repeat(1000)
    );
    let mut members = vec![rsa_jwk(&n, &[1, 0, 2], &hostile)];
    for i in 0..50 {
        members.push(
            json!({"kty": "EC", "crv": "P-256", "kid": format!("{hostile}{i}"),
            "x": "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",
            "y": "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"}),
        );
    }
    let keys = KeySet::from_json(&json!({ "keys": members }), KeySetOptions::default()).unwrap();
    assert_eq!(keys.keys().len(), 50);
    let err = verify_jws(
        &token_with_kid(&signing, &hostile),
        &keys,
        &Algorithm::ASYMMETRIC,
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::JwksNoMatchingKey);
    let message = err.message();
    assert!(
        !message
            .chars()
            .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
        "{message:?}"
    );
    assert!(message.contains(r#"\u{1b}[2J"#), "{message}");
    assert!(message.contains("…"), "{message}");
    assert!(message.contains("and 40 more"), "{message}");
    assert!(message.contains("skipped: kid "), "{message}");
    // 12 quoted kids of at most 64 characters (escapes take up to 8 bytes each), a reason,
    // and the prose around them.
    assert!(message.len() < 12 * 64 * 8 + 512, "{} bytes", message.len());
}

#[test]
fn verify_jws_refuses_a_token_over_the_verifier_limit_before_decoding() {
    let keys = KeySet::from_keys(vec![]);
    // Garbage that would otherwise be a header error, and a long opaque value.
    let segment = "!".repeat(DEFAULT_MAX_TOKEN_BYTES);
    for token in [
        format!("{segment}.e30.c2ln"),
        "a".repeat(DEFAULT_MAX_TOKEN_BYTES + 1),
    ] {
        let err = verify_jws(&token, &keys, &Algorithm::ASYMMETRIC).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::TokenTooLarge);
        assert_eq!(err.code(), "ERR_TOKEN_TOO_LARGE");
    }
    // At the limit the size is fine and the shape decides.
    let at_limit = "a".repeat(DEFAULT_MAX_TOKEN_BYTES);
    let err = verify_jws(&at_limit, &keys, &Algorithm::ASYMMETRIC).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TokenOpaque);
}

#[test]
fn a_configured_key_that_is_refused_is_an_invalid_key_error() {
    let (_, n, _) = generated_rsa();
    let text = rsa_jwk(&n, &[1, 0, 2], "configured").to_string();
    let err = Jwk::from_json_str(&text).unwrap_err();
    assert_eq!(err.code(), "ERR_INVALID_KEY");
}
