//! The fixed test keys under `tests/vectors/keys/`: private JWKs generated once by
//! `--init-keys` (with `SigningKey::generate`) and committed, so every run signs with the
//! same keys. Test keys only: they protect nothing.

use std::fs;
use std::path::Path;

use mcp_bearer::jwk::Algorithm;
use mcp_bearer::sign::SigningKey;
use num_bigint::BigUint;
use serde_json::{Value, json};

use crate::b64;

/// The signing keys, by role.
pub(crate) struct TestKeys {
    pub(crate) rs256: SigningKey,
    pub(crate) ps256: SigningKey,
    pub(crate) es256: SigningKey,
    pub(crate) es384: SigningKey,
    pub(crate) es512: SigningKey,
    pub(crate) eddsa: SigningKey,
    /// A second P-256 key of the legitimate issuer (rotation, duplicate `kid`).
    pub(crate) second_es256: SigningKey,
    /// Keys the attacker holds; never in a legitimate set.
    pub(crate) attacker_rs256: SigningKey,
    pub(crate) attacker_es256: SigningKey,
    /// The shared secret of the HS cases (32 bytes).
    pub(crate) hs_secret: Vec<u8>,
    /// A 1024-bit RSA key, below the policy's 2048 bits.
    pub(crate) weak_rsa: WeakRsaKey,
}

/// The asymmetric keys: file name (also the `kid`) and algorithm.
const SIGNING_KEYS: [(&str, Algorithm); 9] = [
    ("main-rs256", Algorithm::RS256),
    ("main-ps256", Algorithm::PS256),
    ("main-es256", Algorithm::ES256),
    ("main-es384", Algorithm::ES384),
    ("main-es512", Algorithm::ES512),
    ("main-eddsa", Algorithm::EdDSA),
    ("second-es256", Algorithm::ES256),
    ("attacker-rs256", Algorithm::RS256),
    ("attacker-es256", Algorithm::ES256),
];

const SECRET_FILE: &str = "hs256-secret";
const WEAK_RSA_FILE: &str = "weak-rsa-1024";

fn read_json(dir: &Path, name: &str) -> Value {
    let path = dir.join(format!("{name}.json"));
    let text = fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run the generator with --init-keys once",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn member_bytes(jwk: &Value, name: &str) -> Vec<u8> {
    jwk.get(name)
        .and_then(Value::as_str)
        .and_then(|s| b64::decode(s).ok())
        .unwrap_or_else(|| panic!("key member {name:?} is missing or not base64url"))
}

impl TestKeys {
    /// Loads every key from `dir`.
    pub(crate) fn load(dir: &Path) -> TestKeys {
        let key = |name: &str| {
            SigningKey::from_jwk(&read_json(dir, name), None)
                .unwrap_or_else(|e| panic!("keys/{name}.json: {e}"))
        };
        TestKeys {
            rs256: key("main-rs256"),
            ps256: key("main-ps256"),
            es256: key("main-es256"),
            es384: key("main-es384"),
            es512: key("main-es512"),
            eddsa: key("main-eddsa"),
            second_es256: key("second-es256"),
            attacker_rs256: key("attacker-rs256"),
            attacker_es256: key("attacker-es256"),
            hs_secret: member_bytes(&read_json(dir, SECRET_FILE), "k"),
            weak_rsa: WeakRsaKey::from_jwk(&read_json(dir, WEAK_RSA_FILE)),
        }
    }

    /// Writes the keys that are missing from `dir`; never replaces one. The 1024-bit key
    /// cannot be made here (aws-lc-rs generates 2048 bits and up); `keys/README.md` says how
    /// it was made.
    pub(crate) fn init(dir: &Path) {
        fs::create_dir_all(dir).expect("create the keys folder");
        for (name, alg) in SIGNING_KEYS {
            let path = dir.join(format!("{name}.json"));
            if path.exists() {
                continue;
            }
            let mut key = SigningKey::generate(alg).expect("generate a key");
            key.set_kid(name);
            write_json(&path, &key.private_jwk());
            println!("wrote {}", path.display());
        }
        let path = dir.join(format!("{SECRET_FILE}.json"));
        if !path.exists() {
            let mut secret = [0u8; 32];
            aws_lc_rs::rand::fill(&mut secret).expect("random bytes");
            let jwk =
                json!({"kty": "oct", "kid": SECRET_FILE, "alg": "HS256", "k": b64::encode(secret)});
            write_json(&path, &jwk);
            println!("wrote {}", path.display());
        }
        if !dir.join(format!("{WEAK_RSA_FILE}.json")).exists() {
            println!("keys/{WEAK_RSA_FILE}.json is missing: see keys/README.md");
        }
    }
}

fn write_json(path: &Path, value: &Value) {
    let text = serde_json::to_string_pretty(value).expect("serialize a key");
    fs::write(path, text + "\n").unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// An RSA key too small for aws-lc-rs, signed with by plain modular exponentiation
/// (RSASSA-PKCS1-v1_5, RFC 8017 §8.2.1): deterministic, and only ever used for a token the
/// verifier must refuse.
pub(crate) struct WeakRsaKey {
    n: BigUint,
    d: BigUint,
    modulus_len: usize,
    public_jwk: Value,
}

impl WeakRsaKey {
    fn from_jwk(jwk: &Value) -> WeakRsaKey {
        let n_bytes = member_bytes(jwk, "n");
        let public_jwk = json!({
            "kty": "RSA",
            "kid": jwk.get("kid").cloned().unwrap_or(Value::Null),
            "alg": "RS256",
            "use": "sig",
            "n": jwk.get("n").cloned().unwrap_or(Value::Null),
            "e": jwk.get("e").cloned().unwrap_or(Value::Null),
        });
        WeakRsaKey {
            n: BigUint::from_bytes_be(&n_bytes),
            d: BigUint::from_bytes_be(&member_bytes(jwk, "d")),
            modulus_len: n_bytes.iter().skip_while(|b| **b == 0).count(),
            public_jwk,
        }
    }

    /// The public JWK (`kid`, `alg: RS256`, `use: sig`).
    pub(crate) fn public_jwk(&self) -> Value {
        self.public_jwk.clone()
    }

    /// An RS256 signature of `message`.
    pub(crate) fn sign_rs256(&self, message: &[u8]) -> Vec<u8> {
        // DigestInfo prefix for SHA-256 (RFC 8017 §9.2, note 1).
        const SHA256_PREFIX: [u8; 19] = [
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x01, 0x05, 0x00, 0x04, 0x20,
        ];
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, message);
        let t_len = SHA256_PREFIX.len() + digest.as_ref().len();
        let mut em = vec![0x00, 0x01];
        em.resize(self.modulus_len - t_len - 1, 0xff);
        em.push(0x00);
        em.extend_from_slice(&SHA256_PREFIX);
        em.extend_from_slice(digest.as_ref());
        let s = BigUint::from_bytes_be(&em).modpow(&self.d, &self.n);
        let bytes = s.to_bytes_be();
        let mut out = vec![0u8; self.modulus_len - bytes.len()];
        out.extend(bytes);
        out
    }
}
