//! PEM import of public keys (RFC 7468): SubjectPublicKeyInfo (`PUBLIC KEY`), PKCS#1 RSA
//! (`RSA PUBLIC KEY`) and X.509 certificates (`CERTIFICATE`, for their public key only).
//!
//! Decoding is RustCrypto's (`pem-rfc7468`, `pkcs1`, `x509-cert` with its `der` and `spki`);
//! this module only frames the blocks and hands each key to its key type's module, so a PEM
//! key meets exactly the refusal rules of a JWK.

use pkcs1::RsaPublicKeyRef;
use x509_cert::Certificate;
use x509_cert::der::Decode;
use x509_cert::der::asn1::ObjectIdentifier;
use x509_cert::der::referenced::OwnedToRef;
use x509_cert::spki::SubjectPublicKeyInfoRef;

use super::{Curve, Jwk, KeySet, Material, Members, ec, okp, rsa};
use crate::error::{Error, ErrorKind, Result};
use crate::untrusted::quote;

/// The longest PEM text read, in bytes: a generous bound for a bundle of certificates.
pub const MAX_PEM_BYTES: usize = 512 * 1024;

/// The most PEM blocks read from one text, as the most members of a key set.
const MAX_PEM_BLOCKS: usize = super::DEFAULT_MAX_KEYS;

const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const SECP521R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");

/// What the refusal of a non-key label says to give instead.
const EXPECTED: &str = "expected -----BEGIN PUBLIC KEY-----, -----BEGIN RSA PUBLIC KEY----- or \
                        -----BEGIN CERTIFICATE-----";

impl Jwk {
    /// Reads one public key from PEM text: a SubjectPublicKeyInfo (`-----BEGIN PUBLIC
    /// KEY-----`, what `openssl pkey -pubout` and most providers' consoles give), a PKCS#1
    /// RSA public key (`-----BEGIN RSA PUBLIC KEY-----`), or an X.509 certificate
    /// (`-----BEGIN CERTIFICATE-----`).
    ///
    /// A certificate is only a container for its public key here: nothing about it is
    /// checked (no chain, no trust anchor, no validity period, no key usage, no revocation).
    /// Configure a certificate only when you trust it by how you got it, as you would a bare
    /// public key.
    ///
    /// RSA (2048 bits and more), EC P-256/P-384/P-521 and Ed25519 keys are read, under the
    /// same refusal rules as a JWK ([`Jwk::from_json`]). The key has no `kid`, `alg` or
    /// `use`: it serves tokens whatever `kid` they name, under any algorithm that fits it and
    /// that the verifier allows. Text around the block, indentation, blank lines and CRLF
    /// line ends are tolerated.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidKey`], with a message naming what is wrong: no PEM block or
    /// several, a label that is not one of the three (a private key is refused and not
    /// read), a body that is not base64 or DER, a key type or curve not supported, a weak or
    /// malformed key, text over [`MAX_PEM_BYTES`].
    pub fn from_pem(pem: &str) -> Result<Jwk> {
        match blocks(pem)?.as_slice() {
            [block] => key_of_block(block),
            blocks => Err(invalid(format!(
                "the PEM text holds {} blocks; give one key (KeySet::from_pem reads several)",
                blocks.len()
            ))),
        }
    }
}

impl KeySet {
    /// Reads every block of PEM text as one key, as [`Jwk::from_pem`] reads one: for a
    /// provider that signs with several keys, or a key being rolled over. A certificate chain
    /// given here makes every certificate's key a verification key, issuers' included: give
    /// only the certificates whose keys sign tokens.
    ///
    /// # Errors
    /// As [`Jwk::from_pem`] for any block (the message names the block by its position,
    /// from 1), and [`ErrorKind::InvalidKey`] for more than 100 blocks.
    pub fn from_pem(pem: &str) -> Result<KeySet> {
        let blocks = blocks(pem)?;
        let keys = blocks
            .iter()
            .enumerate()
            .map(|(i, block)| {
                key_of_block(block).map_err(|e| {
                    invalid(format!(
                        "PEM block {} of {}: {}",
                        i + 1,
                        blocks.len(),
                        e.message()
                    ))
                })
            })
            .collect::<Result<Vec<Jwk>>>()?;
        Ok(KeySet::from_keys(keys))
    }
}

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidKey, message)
}

/// The PEM blocks of `text`, each normalised for the strict RFC 7468 decoder: lines
/// trimmed, blank lines dropped, `\n` line ends. Text outside the blocks is ignored
/// (RFC 7468 §5.2 lets explanatory text surround them).
fn blocks(text: &str) -> Result<Vec<String>> {
    if text.len() > MAX_PEM_BYTES {
        return Err(invalid(format!(
            "the PEM text is {} bytes; the limit is {MAX_PEM_BYTES}",
            text.len()
        )));
    }
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if line.starts_with("-----BEGIN ") {
            if current.is_some() {
                return Err(invalid(format!(
                    "PEM block {} has no -----END line before the next -----BEGIN",
                    blocks.len() + 1
                )));
            }
            if blocks.len() == MAX_PEM_BLOCKS {
                return Err(invalid(format!(
                    "the PEM text holds more than {MAX_PEM_BLOCKS} blocks"
                )));
            }
            current = Some(String::new());
        }
        if let Some(block) = current.as_mut() {
            block.push_str(line);
            block.push('\n');
            if line.starts_with("-----END ") {
                blocks.extend(current.take());
            }
        }
    }
    if current.is_some() {
        return Err(invalid(format!(
            "PEM block {} has no -----END line",
            blocks.len() + 1
        )));
    }
    if blocks.is_empty() {
        return Err(invalid(format!("the text holds no PEM block; {EXPECTED}")));
    }
    Ok(blocks)
}

fn key_of_block(block: &str) -> Result<Jwk> {
    let malformed = |e: pem_rfc7468::Error| invalid(format!("the PEM block is malformed: {e}"));
    let mut decoder = pem_rfc7468::Decoder::new_detect_wrap(block.as_bytes()).map_err(malformed)?;
    let label = decoder.type_label();
    // Decide on the label before the body is decoded: a private key is not even read.
    if label.contains("PRIVATE KEY") {
        return Err(invalid(format!(
            "the PEM block is a private key ({}); configure its public key instead \
             (openssl pkey -pubout gives -----BEGIN PUBLIC KEY-----)",
            quote(label)
        )));
    }
    if !matches!(label, "PUBLIC KEY" | "RSA PUBLIC KEY" | "CERTIFICATE") {
        return Err(invalid(format!(
            "PEM label {} is not supported; {EXPECTED}",
            quote(label)
        )));
    }
    let mut der = Vec::new();
    decoder.decode_to_end(&mut der).map_err(malformed)?;
    let not_der = |what: &str, e: x509_cert::der::Error| {
        invalid(format!("the PEM {what} is not valid DER: {e}"))
    };
    let material = match label {
        "PUBLIC KEY" => {
            let spki = SubjectPublicKeyInfoRef::from_der(&der)
                .map_err(|e| not_der("public key (SubjectPublicKeyInfo)", e))?;
            material_of_spki(&spki)?
        }
        "RSA PUBLIC KEY" => rsa_of_pkcs1(&der)?,
        _ => {
            let cert = Certificate::from_der(&der).map_err(|e| not_der("certificate", e))?;
            material_of_spki(
                &cert
                    .tbs_certificate()
                    .subject_public_key_info()
                    .owned_to_ref(),
            )?
        }
    };
    Jwk::new(material, Members::default(), true)
}

fn rsa_of_pkcs1(der: &[u8]) -> Result<Material> {
    let key = RsaPublicKeyRef::from_der(der)
        .map_err(|e| invalid(format!("the RSA public key is not valid PKCS#1 DER: {e}")))?;
    rsa::from_components(
        key.modulus.as_bytes().to_vec(),
        key.public_exponent.as_bytes().to_vec(),
    )
}

/// The key of a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7): its algorithm, the named curve of
/// an EC key, and the key bits.
fn material_of_spki(spki: &SubjectPublicKeyInfoRef<'_>) -> Result<Material> {
    let key = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| invalid("the public key's BIT STRING has unused bits"))?;
    match spki.algorithm.oid {
        RSA_ENCRYPTION => rsa_of_pkcs1(key),
        EC_PUBLIC_KEY => {
            let curve = match spki.algorithm.parameters_oid().ok() {
                Some(SECP256R1) => Curve::P256,
                Some(SECP384R1) => Curve::P384,
                Some(SECP521R1) => Curve::P521,
                Some(other) => {
                    return Err(invalid(format!(
                        "EC curve {other} is not supported (P-256, P-384, P-521)"
                    )));
                }
                None => return Err(invalid("the EC public key names no curve")),
            };
            ec::from_point(curve, key)
        }
        ED25519 => okp::from_public_key(key.to_vec()),
        other => Err(invalid(format!(
            "public key algorithm {other} is not supported (RSA, EC P-256/P-384/P-521, Ed25519)"
        ))),
    }
}
