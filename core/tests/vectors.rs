//! The shared test vectors under `tests/vectors/` (format: `tests/vectors/README.md`).
//!
//! `verify_cases.json` (our cases) and `outside_cases.json` (cases built from the copied
//! outside vectors) are run case by case through the public API, exactly as the Node,
//! Python and Swift bindings run them. The copied outside files are also read directly
//! here, so that each file is checked by a test that does not depend on the generator.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use mcp_bearer::clock::{Clock, ManualClock};
use mcp_bearer::jwk::{Algorithm, Jwk, KeySet, KeySetOptions};
use mcp_bearer::test_support::b64;
use mcp_bearer::{
    ErrorKind, KeySource, Verifier, VerifierConfig, VerifierOptions, all_codes, verify_jws,
};
use serde_json::{Value, json};

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

fn read_text(relative: &str) -> String {
    let path = vectors_dir().join(relative);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read_json(relative: &str) -> Value {
    serde_json::from_str(&read_text(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

fn cases(file: &str) -> Vec<Value> {
    let doc = read_json(file);
    assert_eq!(
        doc["format"], "mcp-bearer-vectors/2",
        "{file}: unknown format"
    );
    doc["cases"].as_array().cloned().unwrap_or_default()
}

// ---------------------------------------------------------------------------------------
// The case runner: the reference for every binding's runner.

/// What a verification produced, in the vocabulary of the files.
#[derive(Debug, PartialEq)]
enum Outcome {
    Jwt {
        subject: Option<String>,
        scopes: Vec<String>,
    },
    Jws {
        payload_b64u: String,
    },
    Invalid {
        code: &'static str,
        claim: Option<String>,
        reason: Option<&'static str>,
    },
}

fn algorithms_of(value: &Value) -> Result<Vec<Algorithm>, String> {
    let names = value.as_array().ok_or("algorithms must be an array")?;
    names
        .iter()
        .map(|n| {
            n.as_str()
                .and_then(Algorithm::from_name)
                .ok_or_else(|| format!("unknown algorithm {n}"))
        })
        .collect()
}

fn strings(value: &Value) -> Result<Vec<String>, String> {
    value
        .as_array()
        .ok_or_else(|| format!("expected an array of strings, got {value}"))?
        .iter()
        .map(|s| {
            s.as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("not a string: {s}"))
        })
        .collect()
}

fn number(value: &Value) -> Result<u64, String> {
    value
        .as_u64()
        .ok_or_else(|| format!("expected a number, got {value}"))
}

/// A `jwt` case's verifier config: its `options` object with its `keys` object (the key
/// source: `jwks` or `shared_secret_b64u`) merged in, read as a [`VerifierConfig`], so the
/// runner applies no option and no default of its own. An option the core does not know
/// fails the case, so a file written for a newer format is never half-applied.
fn config_of(case: &Value) -> Result<VerifierConfig, String> {
    let mut config = case["options"]
        .as_object()
        .cloned()
        .ok_or("options must be an object")?;
    let keys = case["keys"].as_object().ok_or("keys must be an object")?;
    for (name, value) in keys {
        if config.insert(name.clone(), value.clone()).is_some() {
            return Err(format!("{name} is both in keys and in options"));
        }
    }
    VerifierConfig::from_value(Value::Object(config)).map_err(|e| e.to_string())
}

/// The key set of a `jws` case: `{"jwks": …}` or `{"shared_secret_b64u": …}`.
fn key_set_of(keys: &Value) -> Result<KeySet, mcp_bearer::Error> {
    if let Some(jwks) = keys.get("jwks") {
        return KeySet::from_json(jwks, KeySetOptions::default());
    }
    let secret = keys["shared_secret_b64u"]
        .as_str()
        .and_then(|s| b64::decode(s).ok())
        .expect("keys is {\"jwks\": …} or {\"shared_secret_b64u\": …}");
    Ok(KeySet::from_keys(vec![Jwk::from_secret(&secret)?]))
}

fn invalid(e: &mcp_bearer::Error) -> Outcome {
    Outcome::Invalid {
        code: e.code(),
        claim: e.claim_name().map(str::to_owned),
        reason: e.reason(),
    }
}

/// A JWT case through every path a binding may take, which must all agree: `verify` with
/// the verified-token cache (a miss, then a hit), `verify` with the cache off, and
/// `verify_cached` (which for a static key set never needs I/O). An accepted token's
/// `claims()` must be exactly its payload.
fn run_jwt(token: &str, config: VerifierConfig, now: u64) -> Result<Outcome, String> {
    let build = |cache_entries: usize| {
        let clock: Arc<dyn Clock> = Arc::new(ManualClock::at_secs(now));
        let mut config = config.clone();
        config.verifier.token_cache_entries = cache_entries;
        Verifier::from_config_with_clock(config, clock)
    };
    let outcome = |r: Result<mcp_bearer::VerifiedToken, mcp_bearer::Error>| match r {
        Ok(t) => {
            let payload = token.split('.').nth(1).and_then(|p| b64::decode(p).ok());
            let parsed: Option<serde_json::Map<String, Value>> =
                payload.and_then(|p| serde_json::from_slice(&p).ok());
            if parsed.as_ref() != Some(t.claims()) {
                return Err(format!(
                    "claims() is not the payload: {:?} vs {parsed:?}",
                    t.claims()
                ));
            }
            Ok(Outcome::Jwt {
                subject: t.subject().map(str::to_owned),
                scopes: t.scopes().to_vec(),
            })
        }
        Err(e) => Ok(invalid(&e)),
    };
    let cached = match build(VerifierOptions::default().token_cache_entries) {
        Ok(v) => v,
        Err(e) => return Ok(invalid(&e)),
    };
    let uncached = build(0).map_err(|e| format!("cache off: {e}"))?;
    let first = outcome(cached.verify(token))?;
    let paths = [
        ("second verify (cache hit)", outcome(cached.verify(token))?),
        ("cache off", outcome(uncached.verify(token))?),
        (
            "verify_cached",
            match cached.verify_cached(token) {
                Ok(Some(t)) => outcome(Ok(t))?,
                Ok(None) => return Err("verify_cached needed I/O for a static key set".into()),
                Err(e) => invalid(&e),
            },
        ),
    ];
    for (path, other) in paths {
        if other != first {
            return Err(format!("{path} disagrees: {other:?} vs {first:?}"));
        }
    }
    Ok(first)
}

/// Runs one case and returns what happened.
fn run(case: &Value) -> Result<Outcome, String> {
    let token = case["token"].as_str().ok_or("token must be a string")?;
    match case["layer"].as_str() {
        Some("jwt") => run_jwt(token, config_of(case)?, number(&case["now"])?),
        Some("jws") => {
            let keys = match key_set_of(&case["keys"]) {
                Ok(keys) => keys,
                Err(e) => return Ok(invalid(&e)),
            };
            let algorithms = algorithms_of(&case["algorithms"])?;
            Ok(match verify_jws(token, &keys, &algorithms) {
                Ok(v) => Outcome::Jws {
                    payload_b64u: b64::encode(&v.payload),
                },
                Err(e) => invalid(&e),
            })
        }
        other => Err(format!("unknown layer {other:?}")),
    }
}

/// Whether `actual` is what `expected` (the case's `expected` member) says.
fn matches(expected: &Value, actual: &Outcome) -> bool {
    match (expected["verdict"].as_str(), actual) {
        (Some("valid"), Outcome::Jwt { subject, scopes }) => {
            expected["subject"].as_str() == subject.as_deref()
                && expected.get("subject").is_some()
                && strings(&expected["scopes"]).is_ok_and(|s| &s == scopes)
        }
        (Some("valid"), Outcome::Jws { payload_b64u }) => {
            expected["payload_b64u"].as_str() == Some(payload_b64u.as_str())
        }
        (
            Some("invalid"),
            Outcome::Invalid {
                code,
                claim,
                reason,
            },
        ) => {
            expected["code"].as_str() == Some(*code)
                && expected
                    .get("claim")
                    .is_none_or(|c| c.as_str().is_some() && c.as_str() == claim.as_deref())
                && expected
                    .get("reason")
                    .is_none_or(|r| r.as_str().is_some() && r.as_str() == *reason)
        }
        _ => false,
    }
}

/// Runs every case of `file`; fails with the list of every mismatch.
fn run_file(file: &str) -> usize {
    let cases = cases(file);
    let mut failures = Vec::new();
    for case in &cases {
        let id = case["id"].as_str().unwrap_or("<no id>");
        match run(case) {
            Ok(outcome) if matches(&case["expected"], &outcome) => {}
            Ok(outcome) => failures.push(format!(
                "{id}: expected {}, got {outcome:?}",
                case["expected"]
            )),
            Err(e) => failures.push(format!("{id}: malformed case: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases in {file} failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    cases.len()
}

#[test]
fn our_cases_hold() {
    let n = run_file("verify_cases.json");
    assert!(n >= 100, "only {n} cases");
}

#[test]
fn outside_cases_hold() {
    let n = run_file("outside_cases.json");
    assert!(n >= 20, "only {n} cases");
}

#[test]
fn cases_are_well_formed() {
    let codes = all_codes();
    let mut ids = BTreeSet::new();
    for file in ["verify_cases.json", "outside_cases.json"] {
        for case in cases(file) {
            let id = case["id"]
                .as_str()
                .expect("every case has an id")
                .to_owned();
            assert!(ids.insert(id.clone()), "duplicate id {id}");
            assert!(
                case["description"].as_str().is_some_and(|d| d.len() > 20),
                "{id}: needs a description"
            );
            let expected = &case["expected"];
            match expected["verdict"].as_str() {
                Some("valid") => assert!(expected.get("code").is_none(), "{id}"),
                Some("invalid") => {
                    let code = expected["code"].as_str().unwrap_or_default();
                    assert!(codes.contains(&code), "{id}: {code:?} is not a stable code");
                }
                other => panic!("{id}: verdict {other:?}"),
            }
            if let Some(source) = case.get("source") {
                let source = source.as_str().unwrap();
                assert!(
                    vectors_dir().join(source).is_file(),
                    "{id}: no file {source}"
                );
            }
        }
    }
}

/// The attack corpus of issue 2 must stay in the files: removing a case is a decision, not
/// an accident.
#[test]
fn the_attack_corpus_is_complete() {
    let ids: BTreeSet<String> = ["verify_cases.json", "outside_cases.json"]
        .iter()
        .flat_map(|f| cases(f))
        .filter_map(|c| c["id"].as_str().map(str::to_owned))
        .collect();
    let required = [
        "alg-none",
        "alg-NONE",
        "alg-confusion-hs256-pem",
        "jwk-header-attacker-kid",
        "jwk-header-real-kid",
        "jku-header-real-signer",
        "jku-header-attacker-signer",
        "x5u-header-real-signer",
        "x5u-header-attacker-signer",
        "kid-path-traversal",
        "kid-sql-injection",
        "crit-exp",
        "b64-false-with-crit",
        "typ-dpop+jwt",
        "shape-two-segments",
        "shape-four-segments",
        "shape-five-segments-jwe",
        "size-over-default-limit",
        "b64-header-impossible-length",
        "b64-payload-impossible-length",
        "b64-signature-impossible-length",
        "ecdsa-es256-r-s-zero",
        "weak-rsa-1024-kid",
        "exp-expired",
        "nbf-future",
        "iat-future",
        "iss-wrong",
        "aud-wrong",
        "exp-missing",
        "aud-missing",
        "aud-array-containing-ours",
        "scp-array",
        "valid-rs256",
        "valid-ps256",
        "valid-es256",
        "valid-es384",
        "valid-es512",
        "valid-eddsa",
        "cookbook-4.1-rs256",
        "cookbook-4.2-ps384",
        "cookbook-4.3-es512",
        "cookbook-4.4-hs256",
        "rfc8037-a.4-ed25519",
        "rfc7797-b64-false-compact",
        "cookbook-5.1-jwe-rsa1_5",
        "pyjwt-ed25519-ssh-good",
        "pyjwt-ed25519-ssh-hs256-confusion",
        "pyjwt-p256-ssh-good",
        "pyjwt-p256-ssh-hs256-confusion",
        "jwx-padded-r",
        "jwx-unpadded-r-63-octets",
        "oidf-unusable-members-rs256",
        "rfc7515-a.1-hs256-signature",
        "rfc7515-a.1-expired-now",
    ];
    let missing: Vec<&str> = required
        .into_iter()
        .filter(|id| !ids.contains(*id))
        .collect();
    assert!(missing.is_empty(), "cases missing: {missing:?}");
}

// ---------------------------------------------------------------------------------------
// The copied outside files, read directly.

fn one_key_set(jwk: &Value) -> KeySet {
    KeySet::from_json(&json!({ "keys": [jwk] }), KeySetOptions::default()).unwrap()
}

fn jws_code(token: &str, keys: &KeySet, algorithms: &[Algorithm]) -> &'static str {
    verify_jws(token, keys, algorithms).unwrap_err().code()
}

#[test]
fn jose_cookbook_signatures() {
    for file in [
        "jose-cookbook/jws/4_1.rsa_v15_signature.json",
        "jose-cookbook/jws/4_2.rsa-pss_signature.json",
        "jose-cookbook/jws/4_3.ecdsa_signature.json",
        "jose-cookbook/jws/4_4.hmac-sha2_integrity_protection.json",
        "jose-cookbook/curve25519/jws.json",
    ] {
        let doc = read_json(file);
        let key = &doc["input"]["key"];
        let alg = Algorithm::from_name(doc["input"]["alg"].as_str().unwrap()).unwrap();
        let keys = if key["kty"] == "oct" {
            let secret = b64::decode(key["k"].as_str().unwrap()).unwrap();
            KeySet::from_keys(vec![Jwk::from_secret(&secret).unwrap()])
        } else {
            // The cookbook's keys carry their private members, which are ignored.
            one_key_set(key)
        };
        assert_eq!(keys.keys().len(), 1, "{file}: key not usable");
        if let Some(bits) = keys.keys()[0].rsa_bits() {
            // Our policy needs 2048 bits (RFC 7518 §3.3); the cookbook's RSA key has exactly
            // that, so its vectors are expected to pass.
            assert_eq!(bits, 2048, "{file}");
        }
        let compact = doc["output"]["compact"].as_str().unwrap();
        let verified =
            verify_jws(compact, &keys, &[alg]).unwrap_or_else(|e| panic!("{file}: {e:?}"));
        assert_eq!(
            verified.payload,
            doc["input"]["payload"].as_str().unwrap().as_bytes(),
            "{file}"
        );
        assert_eq!(verified.header.alg, alg, "{file}");
        assert_eq!(
            compact.rsplit('.').next(),
            doc["signing"]["sig"].as_str(),
            "{file}: the compact form carries the documented signature"
        );
    }
}

#[test]
fn jose_cookbook_rejections() {
    let detached = read_json("jose-cookbook/jws/4_5.signature_with_detached_content.json");
    let secret = b64::decode(detached["input"]["key"]["k"].as_str().unwrap()).unwrap();
    let secret = KeySet::from_keys(vec![Jwk::from_secret(&secret).unwrap()]);
    let compact = detached["output"]["compact"].as_str().unwrap();
    assert!(
        compact.contains(".."),
        "detached content has an empty payload segment"
    );
    assert_eq!(
        jws_code(compact, &secret, &Algorithm::SYMMETRIC),
        ErrorKind::JwsSignatureVerificationFailed.code()
    );

    // RFC 7797: rejected. Its raw payload has spaces, so the shape check reports it first.
    let b64_false = read_json("jose-cookbook/rfc7797/hmac-sha2_b64_false.json");
    let secret = b64::decode(b64_false["input"]["key"]["k"].as_str().unwrap()).unwrap();
    let secret = KeySet::from_keys(vec![Jwk::from_secret(&secret).unwrap()]);
    let compact = b64_false["output"]["compact"].as_str().unwrap();
    assert_eq!(
        jws_code(compact, &secret, &Algorithm::SYMMETRIC),
        ErrorKind::TokenOpaque.code()
    );
    // The same protected header over a base64url payload reaches the header check.
    let header = compact.split('.').next().unwrap();
    let shaped = format!(
        "{header}.{}.AAAA",
        b64::encode("This is the payload string!")
    );
    assert_eq!(
        jws_code(&shaped, &secret, &Algorithm::SYMMETRIC),
        ErrorKind::JwsInvalid.code()
    );

    for file in [
        "jose-cookbook/jwe/5_1.key_encryption_using_rsa_v15_and_aes-hmac-sha2.json",
        "jose-cookbook/jwe/5_6.direct_encryption_using_aes-gcm.json",
    ] {
        let compact = read_json(file)["output"]["compact"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(compact.split('.').count(), 5, "{file}");
        assert_eq!(
            jws_code(&compact, &KeySet::default(), &Algorithm::ASYMMETRIC),
            ErrorKind::NotSupported.code(),
            "{file}"
        );
    }
}

/// The JWK of an OpenSSH public key (RFC 4253 §6.6, RFC 5656 §3.1 wire format).
fn jwk_from_openssh(line: &str) -> Value {
    use base64::Engine;
    let blob = base64::engine::general_purpose::STANDARD
        .decode(line.split(' ').nth(1).unwrap())
        .unwrap();
    let mut fields = Vec::new();
    let mut rest = &blob[..];
    while !rest.is_empty() {
        let len = u32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
        fields.push(&rest[4..4 + len]);
        rest = &rest[4 + len..];
    }
    match fields[0] {
        b"ssh-ed25519" => json!({"kty": "OKP", "crv": "Ed25519", "x": b64::encode(fields[1])}),
        b"ecdsa-sha2-nistp256" => json!({
            "kty": "EC", "crv": "P-256",
            "x": b64::encode(&fields[2][1..33]), "y": b64::encode(&fields[2][33..]),
        }),
        other => panic!("unexpected key type {other:?}"),
    }
}

#[test]
fn pyjwt_alg_confusion_advisory() {
    let doc = read_json("pyjwt/advisory_alg_confusion.json");
    let cases = doc["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 4);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let keys = one_key_set(&jwk_from_openssh(
            case["public_key_openssh"].as_str().unwrap(),
        ));
        let token = case["jwt"].as_str().unwrap();
        match case["expected"].as_str().unwrap() {
            "valid-signature" => {
                let verified = verify_jws(token, &keys, &Algorithm::ASYMMETRIC)
                    .unwrap_or_else(|e| panic!("{name}: {e:?}"));
                assert_eq!(verified.payload, br#"{"test":1234}"#, "{name}");
            }
            _ => {
                assert_eq!(
                    jws_code(token, &keys, &Algorithm::ASYMMETRIC),
                    ErrorKind::AlgNotAllowed.code(),
                    "{name}"
                );
                assert_eq!(
                    jws_code(token, &keys, &Algorithm::ALL),
                    ErrorKind::JwksNoMatchingKey.code(),
                    "{name}: a public key must never serve as an HMAC key"
                );
            }
        }
    }
}

#[test]
fn pyjwt_key_sets_with_unknown_algorithms() {
    let with = KeySet::from_json(
        &read_json("pyjwt/jwk_keyset_with_unknown_alg.json"),
        KeySetOptions::default(),
    )
    .unwrap();
    assert_eq!(with.kids(), ["U1MayerhVuRj8xtFR8hyMH9lCfVMKlb3TG7mbQAS19M"]);
    assert_eq!(with.skipped().len(), 1, "the RSA-OAEP member is skipped");

    let only = KeySet::from_json(
        &read_json("pyjwt/jwk_keyset_only_unknown_alg.json"),
        KeySetOptions::default(),
    )
    .expect("a set with nothing usable is not an error");
    assert!(only.keys().is_empty());
    assert_eq!(only.skipped().len(), 1);
    assert_eq!(only.candidates(Algorithm::RS256, None).count(), 0);
}

#[test]
fn jwx_unpadded_ecdsa_r() {
    let doc = read_json("jwx/es256_unpadded_r.json");
    let keys = one_key_set(&doc["public_jwk"]);
    for case in doc["cases"].as_array().unwrap() {
        let token = case["jws"].as_str().unwrap();
        let signature = b64::decode(token.rsplit('.').next().unwrap()).unwrap();
        match case["expected"].as_str().unwrap() {
            "valid-signature" => {
                assert_eq!(signature.len(), 64);
                assert_eq!(signature[0], 0, "R has a leading zero octet");
                let verified = verify_jws(token, &keys, &[Algorithm::ES256]).unwrap();
                assert_eq!(
                    verified.payload,
                    doc["payload_text"].as_str().unwrap().as_bytes()
                );
            }
            _ => {
                assert_eq!(signature.len(), 63);
                assert_eq!(
                    jws_code(token, &keys, &[Algorithm::ES256]),
                    ErrorKind::JwsSignatureVerificationFailed.code()
                );
            }
        }
    }
}

#[test]
fn oidf_unusable_members_are_skipped() {
    let doc = read_json("oidf-conformance/unusable_jwks_members.json");
    let members = doc["members"].as_array().unwrap();
    assert_eq!(members.len(), 5);
    let set = KeySet::from_json(&json!({ "keys": members }), KeySetOptions::default())
        .expect("unusable members never reject the set");
    assert!(set.keys().is_empty());
    let skipped: Vec<Option<&str>> = set.skipped().iter().map(|s| s.kid.as_deref()).collect();
    let kids: Vec<Option<&str>> = members.iter().map(|m| m["kid"].as_str()).collect();
    assert_eq!(skipped, kids);
}

#[test]
fn rfc_examples() {
    let doc = read_json("rfc-examples/rfc_examples.json");

    let a1 = &doc["rfc7515_appendix_a1_hs256"];
    let token = a1["jws"].as_str().unwrap();
    let secret = b64::decode(a1["jwk"]["k"].as_str().unwrap()).unwrap();
    let keys = KeySet::from_keys(vec![Jwk::from_secret(&secret).unwrap()]);
    let verified = verify_jws(token, &keys, &[Algorithm::HS256]).unwrap();
    assert_eq!(
        verified.payload,
        a1["payload_json_bytes"].as_str().unwrap().as_bytes()
    );
    let header = b64::decode(token.split('.').next().unwrap()).unwrap();
    assert_eq!(header, a1["header_json_bytes"].as_str().unwrap().as_bytes());

    // Through the Verifier, today: expired since 2011.
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::at_secs(1_767_225_600));
    let verifier = Verifier::with_clock(
        KeySource::Static(Arc::new(keys)),
        VerifierOptions {
            issuers: vec!["joe".into()],
            dangerous_accept_any_audience: true,
            ..VerifierOptions::default()
        },
        clock,
    )
    .unwrap();
    let err = verifier.verify(token).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::JwtExpired);
    assert_eq!(err.claim_name(), Some("exp"));

    let thumbprint = &doc["rfc7638_section_3_1_thumbprint"];
    let jwk = Jwk::from_json(&thumbprint["jwk"]).unwrap();
    assert_eq!(
        jwk.thumbprint(),
        thumbprint["sha256_thumbprint"].as_str().unwrap()
    );

    let pkce = &doc["rfc7636_appendix_b_pkce_s256"];
    let challenge = aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        pkce["code_verifier"].as_str().unwrap().as_bytes(),
    );
    assert_eq!(
        b64::encode(challenge),
        pkce["code_challenge"].as_str().unwrap()
    );
}

/// Every file copied into `tests/vectors/<origin>/` has a line in PROVENANCE.md, and every
/// copied vector file is the source of at least one case (so a binding's runner reads it
/// too) and is read directly by a test above.
#[test]
fn every_copied_file_is_accounted_for() {
    let provenance = read_text("PROVENANCE.md");
    let sources: BTreeSet<String> = cases("outside_cases.json")
        .iter()
        .filter_map(|c| c["source"].as_str().map(str::to_owned))
        .collect();
    let this_file = include_str!("vectors.rs");
    let mut copied = Vec::new();
    collect_copied(&vectors_dir(), "", &mut copied);
    assert!(copied.len() >= 15, "found only {copied:?}");
    for file in &copied {
        assert!(
            provenance.contains(&format!("`{file}`")),
            "{file} has no line in PROVENANCE.md"
        );
        if file.ends_with("LICENSE") || file.ends_with("NOTICE.md") {
            continue;
        }
        assert!(sources.contains(file), "{file} is the source of no case");
        assert!(
            this_file.contains(&format!("\"{file}\"")),
            "{file} is read by no direct test"
        );
    }
}

/// Files below origin folders: everything except our own files at the top and `keys/`,
/// `gen/`.
fn collect_copied(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        let relative = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        if entry.file_type().unwrap().is_dir() {
            if prefix.is_empty() && (name == "keys" || name == "gen") {
                continue;
            }
            collect_copied(&entry.path(), &relative, out);
        } else if !prefix.is_empty() && !name.ends_with(".tmp") {
            out.push(relative);
        }
    }
}
