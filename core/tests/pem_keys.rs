//! PEM public keys and certificates as a key source: SPKI (`PUBLIC KEY`), PKCS#1
//! (`RSA PUBLIC KEY`) and X.509 (`CERTIFICATE`), as FastMCP users configure
//! `public_key="-----BEGIN PUBLIC KEY-----…"`. Keys are made here by aws-lc-rs and
//! certificates by rcgen (on aws-lc-rs); the tokens they sign go through a real `Verifier`.
//! A PEM key meets the refusal rules of a JWK, and every failure is `ERR_INVALID_KEY` with a
//! message naming what is wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Arc;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair, RsaKeyPair};
use mcp_bearer::clock::Clock;
use mcp_bearer::test_support::sign_compact;
use mcp_bearer::{Algorithm, Error, ErrorKind, Jwk, KeySet, KeySource, SigningKey, Verifier};
use pkcs1::RsaPublicKeyRef;
use pkcs1::der::Encode;
use pkcs1::der::asn1::UintRef;
use serde_json::json;
use support::{T0, claims, clock, options};

/// A private key that signs raw JWS input, and its public key as SPKI DER.
enum Signer {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
    Ed(Ed25519KeyPair),
}

impl Signer {
    fn generate(alg: Algorithm) -> Signer {
        match alg {
            Algorithm::RS256 | Algorithm::PS256 => {
                Signer::Rsa(RsaKeyPair::generate(KeySize::Rsa2048).unwrap())
            }
            Algorithm::ES256 => Signer::Ec(
                EcdsaKeyPair::generate(&signature::ECDSA_P256_SHA256_FIXED_SIGNING).unwrap(),
            ),
            Algorithm::ES384 => Signer::Ec(
                EcdsaKeyPair::generate(&signature::ECDSA_P384_SHA384_FIXED_SIGNING).unwrap(),
            ),
            Algorithm::ES512 => Signer::Ec(
                EcdsaKeyPair::generate(&signature::ECDSA_P521_SHA512_FIXED_SIGNING).unwrap(),
            ),
            Algorithm::EdDSA => Signer::Ed(Ed25519KeyPair::generate().unwrap()),
            other => panic!("no PEM signer for {other}"),
        }
    }

    fn spki_der(&self) -> Vec<u8> {
        match self {
            Signer::Rsa(pair) => pair.public_key().as_der().unwrap().as_ref().to_vec(),
            Signer::Ec(pair) => pair.public_key().as_der().unwrap().as_ref().to_vec(),
            Signer::Ed(pair) => pair.public_key().as_der().unwrap().as_ref().to_vec(),
        }
    }

    fn sign(&self, alg: Algorithm, input: &[u8]) -> Vec<u8> {
        match self {
            Signer::Rsa(pair) => {
                let padding: &'static dyn signature::RsaEncoding = match alg {
                    Algorithm::PS256 => &signature::RSA_PSS_SHA256,
                    _ => &signature::RSA_PKCS1_SHA256,
                };
                let mut sig = vec![0; pair.public_modulus_len()];
                pair.sign(padding, &SystemRandom::new(), input, &mut sig)
                    .unwrap();
                sig
            }
            Signer::Ec(pair) => pair
                .sign(&SystemRandom::new(), input)
                .unwrap()
                .as_ref()
                .to_vec(),
            Signer::Ed(pair) => pair.sign(input).as_ref().to_vec(),
        }
    }
}

/// A token valid at [`T0`] signed by `sign` under `alg`, naming `kid` (a PEM key has none:
/// it must serve whatever `kid` the issuer puts in its tokens).
fn token(alg: Algorithm, kid: &str, sign: impl FnOnce(&[u8]) -> Vec<u8>) -> String {
    let header = json!({"alg": alg.name(), "typ": "JWT", "kid": kid}).to_string();
    let payload = serde_json::to_vec(&claims(T0, 600)).unwrap();
    sign_compact(header.as_bytes(), &payload, |input| Ok(sign(input))).unwrap()
}

fn pem(label: &str, der: &[u8]) -> String {
    pem_rfc7468::encode_string(label, pem_rfc7468::LineEnding::LF, der).unwrap()
}

fn verifier(keys: KeySet) -> Verifier {
    let clock: Arc<dyn Clock> = clock();
    Verifier::with_clock(KeySource::Static(Arc::new(keys)), options(), clock).unwrap()
}

fn refused(pem: &str) -> Error {
    let err = Jwk::from_pem(pem).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidKey, "{err}");
    assert_eq!(err.code(), "ERR_INVALID_KEY");
    err
}

/// The PKCS#1 `RSAPublicKey` DER of a modulus and exponent.
fn pkcs1_der(n: &[u8], e: &[u8]) -> Vec<u8> {
    RsaPublicKeyRef {
        modulus: UintRef::new(n).unwrap(),
        public_exponent: UintRef::new(e).unwrap(),
    }
    .to_der()
    .unwrap()
}

#[test]
fn spki_public_keys_of_every_supported_type_verify_tokens() {
    for alg in [
        Algorithm::RS256,
        Algorithm::PS256,
        Algorithm::ES256,
        Algorithm::ES384,
        Algorithm::ES512,
        Algorithm::EdDSA,
    ] {
        let signer = Signer::generate(alg);
        let public_key = pem("PUBLIC KEY", &signer.spki_der());
        assert!(public_key.starts_with("-----BEGIN PUBLIC KEY-----\n"));
        let jwk = Jwk::from_pem(&public_key).unwrap();
        assert_eq!(jwk.kid(), None);
        assert!(jwk.fits(alg), "{alg}");
        let verifier = verifier(KeySet::from_pem(&public_key).unwrap());
        let token = token(alg, "any-kid-the-issuer-likes", |m| signer.sign(alg, m));
        let verified = verifier.verify(&token).unwrap();
        assert_eq!(verified.subject(), Some("user-1"), "{alg}");
    }
}

#[test]
fn a_pem_key_is_the_same_key_as_its_jwk() {
    use mcp_bearer::test_support::b64;
    for alg in [Algorithm::ES256, Algorithm::ES512, Algorithm::EdDSA] {
        let signer = Signer::generate(alg);
        let from_pem = Jwk::from_pem(&pem("PUBLIC KEY", &signer.spki_der())).unwrap();
        let jwk = match &signer {
            Signer::Ec(pair) => {
                let point = pair.public_key().as_ref();
                let len = (point.len() - 1) / 2;
                let crv = from_pem.curve().unwrap().name();
                json!({"kty": "EC", "crv": crv,
                    "x": b64::encode(&point[1..=len]), "y": b64::encode(&point[1 + len..])})
            }
            Signer::Ed(pair) => json!({"kty": "OKP", "crv": "Ed25519",
                "x": b64::encode(pair.public_key().as_ref())}),
            Signer::Rsa(_) => unreachable!(),
        };
        assert_eq!(
            from_pem.thumbprint(),
            Jwk::from_json(&jwk).unwrap().thumbprint(),
            "{alg}"
        );
    }
    // RSA: SPKI, PKCS#1 and the JWK of the same key agree.
    let key = SigningKey::generate(Algorithm::RS256).unwrap();
    let public = key.public_jwk();
    let member = |m: &str| b64::decode(public[m].as_str().unwrap()).unwrap();
    let pkcs1 = Jwk::from_pem(&pem(
        "RSA PUBLIC KEY",
        &pkcs1_der(&member("n"), &member("e")),
    ));
    let from_jwk = Jwk::from_json(&public).unwrap();
    assert_eq!(pkcs1.unwrap().thumbprint(), from_jwk.thumbprint());
    let Signer::Rsa(pair) = Signer::generate(Algorithm::RS256) else {
        unreachable!()
    };
    let spki = Jwk::from_pem(&pem(
        "PUBLIC KEY",
        pair.public_key().as_der().unwrap().as_ref(),
    ))
    .unwrap();
    let pkcs1 = Jwk::from_pem(&pem("RSA PUBLIC KEY", pair.public_key().as_ref())).unwrap();
    assert_eq!(spki.thumbprint(), pkcs1.thumbprint());
    assert_eq!(spki.rsa_bits(), Some(2048));
}

#[test]
fn fastmcp_style_public_key_strings_work_unchanged() {
    let signer = Signer::generate(Algorithm::RS256);
    let public_key = pem("PUBLIC KEY", &signer.spki_der());
    let token = token(Algorithm::RS256, "key-1", |m| {
        signer.sign(Algorithm::RS256, m)
    });
    let indented: String = public_key
        .lines()
        .map(|l| format!("        {l}\n"))
        .collect();
    let crlf = public_key.replace('\n', "\r\n");
    let surrounded = format!("Issuer signing key:\n\n{public_key}\n\n");
    let no_final_newline = public_key.trim_end().to_owned();
    for text in [public_key, indented, crlf, surrounded, no_final_newline] {
        let verifier = verifier(KeySet::from_pem(&text).unwrap());
        assert!(verifier.verify(&token).is_ok(), "{text:?}");
    }
}

#[test]
fn certificates_give_their_public_key() {
    for (alg, rcgen_alg) in [
        (Algorithm::ES256, &rcgen::PKCS_ECDSA_P256_SHA256),
        (Algorithm::ES384, &rcgen::PKCS_ECDSA_P384_SHA384),
        (Algorithm::EdDSA, &rcgen::PKCS_ED25519),
    ] {
        let key_pair = rcgen::KeyPair::generate_for(rcgen_alg).unwrap();
        let params = rcgen::CertificateParams::new(vec!["idp.example.test".into()]).unwrap();
        let certificate = params.self_signed(&key_pair).unwrap().pem();
        assert!(certificate.starts_with("-----BEGIN CERTIFICATE-----"));
        let pkcs8 = key_pair.serialize_der();
        let sign = |input: &[u8]| match alg {
            Algorithm::EdDSA => Ed25519KeyPair::from_pkcs8(&pkcs8)
                .unwrap()
                .sign(input)
                .as_ref()
                .to_vec(),
            _ => {
                let signing = if alg == Algorithm::ES256 {
                    &signature::ECDSA_P256_SHA256_FIXED_SIGNING
                } else {
                    &signature::ECDSA_P384_SHA384_FIXED_SIGNING
                };
                EcdsaKeyPair::from_pkcs8(signing, &pkcs8)
                    .unwrap()
                    .sign(&SystemRandom::new(), input)
                    .unwrap()
                    .as_ref()
                    .to_vec()
            }
        };
        let jwk = Jwk::from_pem(&certificate).unwrap();
        assert!(jwk.fits(alg), "{alg}");
        let verifier = verifier(KeySet::from_pem(&certificate).unwrap());
        assert!(
            verifier.verify(&token(alg, "cert-key", sign)).is_ok(),
            "{alg}"
        );
        // A token from another key is still refused.
        let other = Signer::generate(alg);
        let forged = token(alg, "cert-key", |m| other.sign(alg, m));
        assert_eq!(
            verifier.verify(&forged).unwrap_err().kind(),
            ErrorKind::JwsSignatureVerificationFailed
        );
    }
}

#[test]
fn a_key_set_reads_every_block_and_one_key_refuses_several() {
    let (a, b) = (
        Signer::generate(Algorithm::ES256),
        Signer::generate(Algorithm::EdDSA),
    );
    let text = format!(
        "{}{}",
        pem("PUBLIC KEY", &a.spki_der()),
        pem("PUBLIC KEY", &b.spki_der())
    );
    let set = KeySet::from_pem(&text).unwrap();
    assert_eq!(set.keys().len(), 2);
    let verifier = verifier(set);
    for (alg, signer) in [(Algorithm::ES256, &a), (Algorithm::EdDSA, &b)] {
        assert!(
            verifier
                .verify(&token(alg, "k", |m| signer.sign(alg, m)))
                .is_ok()
        );
    }
    let err = refused(&text);
    assert!(err.message().contains("holds 2 blocks"), "{err}");

    let bad_second = format!(
        "{}-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
        pem("PUBLIC KEY", &a.spki_der())
    );
    let err = KeySet::from_pem(&bad_second).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidKey);
    assert!(err.message().starts_with("PEM block 2 of 2: "), "{err}");
}

#[test]
fn weak_rsa_keys_are_refused_as_in_a_jwks() {
    let mut n_1024 = vec![0xc5; 128];
    n_1024[127] = 0x01;
    let err = refused(&pem("RSA PUBLIC KEY", &pkcs1_der(&n_1024, &[1, 0, 1])));
    assert!(
        err.message()
            .contains("RSA key is 1024 bits; at least 2048"),
        "{err}"
    );

    let mut n_2048 = vec![0xc5; 256];
    n_2048[255] = 0x01;
    let err = refused(&pem("RSA PUBLIC KEY", &pkcs1_der(&n_2048, &[1, 0, 0])));
    assert!(err.message().contains("RSA exponent is even"), "{err}");
    let err = refused(&pem("RSA PUBLIC KEY", &pkcs1_der(&n_2048, &[1])));
    assert!(err.message().contains("RSA exponent 1 is below 3"), "{err}");

    // A real ROCA-vulnerable modulus (see refused_keys.rs for its provenance).
    let roca = hex(ROCA_MODULUS_HEX);
    let err = refused(&pem("RSA PUBLIC KEY", &pkcs1_der(&roca, &[1, 0, 1])));
    assert!(err.message().contains("ROCA"), "{err}");
}

#[test]
fn labels_other_than_public_keys_and_certificates_are_refused_by_name() {
    let signer = Signer::generate(Algorithm::ES256);
    let body = pem("PUBLIC KEY", &signer.spki_der());
    let private = Signer::generate(Algorithm::EdDSA);
    let Signer::Ed(pair) = &private else {
        unreachable!()
    };
    let pkcs8 = pair.to_pkcs8().unwrap();
    let private_pem = pem("PRIVATE KEY", pkcs8.as_ref());
    let err = refused(&private_pem);
    assert!(err.message().contains("is a private key"), "{err}");
    let base64_body: String = private_pem.lines().nth(1).unwrap().to_owned();
    assert!(!err.message().contains(&base64_body));
    assert!(!format!("{err:?}").contains(&base64_body));

    let err = refused(&body.replace("PUBLIC KEY", "X509 CRL"));
    assert!(
        err.message()
            .contains("PEM label \"X509 CRL\" is not supported"),
        "{err}"
    );

    let err = refused(body.lines().nth(1).unwrap());
    assert!(err.message().contains("holds no PEM block"), "{err}");
    let err = refused(&body.replace("-----END PUBLIC KEY-----", ""));
    assert!(err.message().contains("no -----END line"), "{err}");
    let err = refused(&body.replace("-----END PUBLIC KEY-----", "-----END CERTIFICATE-----"));
    assert!(err.message().contains("malformed"), "{err}");
    let err = refused("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
    assert!(err.message().contains("not valid DER"), "{err}");
    let err = refused(&"x".repeat(mcp_bearer::jwk::MAX_PEM_BYTES + 1));
    assert!(err.message().contains("the limit is"), "{err}");
}

#[test]
fn unsupported_key_types_and_curves_are_refused_by_name() {
    use x509_cert::der::asn1::{BitString, ObjectIdentifier};
    use x509_cert::der::{Any, Encode as _};
    use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
    let spki = |oid: &str, curve: Option<&str>, key: &[u8]| {
        let spki = SubjectPublicKeyInfoOwned {
            algorithm: AlgorithmIdentifierOwned {
                oid: ObjectIdentifier::new(oid).unwrap(),
                parameters: curve.map(|c| Any::from(&ObjectIdentifier::new(c).unwrap())),
            },
            subject_public_key: BitString::from_bytes(key).unwrap(),
        };
        pem("PUBLIC KEY", &spki.to_der().unwrap())
    };
    // secp256k1 (ES256K) is not supported.
    let err = refused(&spki("1.2.840.10045.2.1", Some("1.3.132.0.10"), &[4; 65]));
    assert!(
        err.message()
            .contains("EC curve 1.3.132.0.10 is not supported"),
        "{err}"
    );
    // X25519 is a key-agreement key, not a signing one.
    let err = refused(&spki("1.3.101.110", None, &[9; 32]));
    assert!(
        err.message()
            .contains("algorithm 1.3.101.110 is not supported"),
        "{err}"
    );
    // A compressed P-256 point.
    let mut compressed = vec![2];
    compressed.extend([7; 32]);
    let err = refused(&spki(
        "1.2.840.10045.2.1",
        Some("1.2.840.10045.3.1.7"),
        &compressed,
    ));
    assert!(err.message().contains("uncompressed point"), "{err}");
    // An Ed25519 key of the wrong length.
    let err = refused(&spki("1.3.101.112", None, &[9; 31]));
    assert!(err.message().contains("32 bytes"), "{err}");
}

const ROCA_MODULUS_HEX: &str = "9dcd7420e420c270a68060eb8b5aa7457a9f6648f86fafed2775cc1f79ae962f1e63f1b9e51c55f9ea6fdc7332e9b0058c9ff2eb1fc89855029cf6aafe21e689feb38ac9ffb12f1ce371bb5d0e9aae64161abce74b4244bf68f1edb4411f756a097c8929c14740245ea355f8332d1aa36bb50c7dcb4505da8de02e4e53d38f8df06097da7524df0df93db48eac8cc4af2d3a16257eb2b2adca6ba464e5974fa92550d31b1babf161e7692d00b86e3dd886ecab4abfbe1a8f8cc263ff4af55cdb45f4249a5193925f5e983d762f0b6800943eb0267b08f42ed311ce1f5c86eacbc8ce4d3cb7a2fee1ef5641423a1cf4114e5ecf50034a60a412523af9e6f4aa11";

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}
