//! The `jwks` target: a JWKS document from an untrusted endpoint.
//!
//! Parsing never panics; the usable keys and the skipped members account for every member;
//! each usable key parses alone, and after a JSON round trip, to the same key (thumbprint,
//! `kid`, `alg`, `use`); no key material leaks through `Debug`; and key selection and a
//! signature check with every algorithm run without panicking.

use mcp_bearer::jwk::{Algorithm, Jwk, KeySet, KeySetOptions};
use serde_json::Value;

use crate::show;

/// The document bytes, and what `from_slice` made of them, for assertion messages.
fn context(data: &[u8]) -> String {
    format!("JWKS \"{}\"", show(data))
}

/// Checks one input; panics on any violated property.
pub fn jwks(data: &[u8]) {
    let limits = KeySetOptions::default();
    let Ok(set) = KeySet::from_slice(data, limits) else {
        return;
    };
    let value: Value = serde_json::from_slice(data).expect("from_slice accepted it as JSON");
    let members = value["keys"]
        .as_array()
        .expect("from_slice accepted a keys array");
    assert!(members.len() <= limits.max_keys, "{}", context(data));
    assert_eq!(
        set.keys().len() + set.skipped().len(),
        members.len(),
        "every member is either a key or skipped: {}",
        context(data)
    );
    // Parsing the decoded value gives the same set.
    let again = KeySet::from_json(&value, limits).expect("from_json of what from_slice took");
    assert_eq!(thumbprints(&again), thumbprints(&set), "{}", context(data));
    assert_eq!(again.skipped(), set.skipped(), "{}", context(data));

    let mut skipped = set.skipped().iter().map(|s| s.index).peekable();
    let mut keys = set.keys().iter();
    for (index, member) in members.iter().enumerate() {
        if skipped.peek() == Some(&index) {
            skipped.next();
            let s = &set.skipped()[set.skipped().iter().position(|s| s.index == index).unwrap()];
            assert!(!s.reason.is_empty(), "a skip says why: {}", context(data));
            assert_eq!(
                s.kid.as_deref(),
                member.get("kid").and_then(Value::as_str),
                "{}",
                context(data)
            );
            continue;
        }
        let key = keys.next().expect("a member that was not skipped is a key");
        check_key(key, member, data);
    }
    assert!(
        skipped.next().is_none(),
        "skipped indexes in order: {}",
        context(data)
    );
    assert!(keys.next().is_none(), "{}", context(data));

    for alg in Algorithm::ALL {
        for kid in [None, set.keys().first().and_then(Jwk::kid)] {
            for candidate in set.candidates(alg, kid) {
                assert!(candidate.fits(alg), "a candidate fits: {}", context(data));
                assert!(
                    !candidate.verify_signature(alg, b"header.payload", &[0u8; 64]),
                    "a zero signature never verifies: {}",
                    context(data)
                );
            }
        }
    }
}

fn thumbprints(set: &KeySet) -> Vec<&str> {
    set.keys().iter().map(Jwk::thumbprint).collect()
}

fn check_key(key: &Jwk, member: &Value, data: &[u8]) {
    let thumbprint = key.thumbprint();
    assert!(
        thumbprint.len() == 43
            && thumbprint
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "an RFC 7638 thumbprint is a base64url SHA-256: {thumbprint:?} in {}",
        context(data)
    );
    // Alone, and after a JSON round trip, the member is the same key.
    let text = serde_json::to_string(member).expect("a JSON value serializes");
    for (how, alone) in [
        ("alone", Jwk::from_json(member)),
        ("after a JSON round trip", Jwk::from_json_str(&text)),
    ] {
        let alone = alone.unwrap_or_else(|e| {
            panic!(
                "a key of the set fails {how} ({}): {}",
                e.message(),
                context(data)
            )
        });
        assert_eq!(alone.thumbprint(), thumbprint, "{how}: {}", context(data));
        assert_eq!(alone.kid(), key.kid(), "{how}: {}", context(data));
        assert_eq!(
            alone.algorithm(),
            key.algorithm(),
            "{how}: {}",
            context(data)
        );
        assert_eq!(alone.key_use(), key.key_use(), "{how}: {}", context(data));
        assert_eq!(alone.key_type(), key.key_type(), "{how}: {}", context(data));
        assert_eq!(alone.curve(), key.curve(), "{how}: {}", context(data));
        assert_eq!(alone.rsa_bits(), key.rsa_bits(), "{how}: {}", context(data));
    }
    let single = KeySet::from_slice(
        format!(r#"{{"keys":[{text}]}}"#).as_bytes(),
        KeySetOptions::default(),
    )
    .expect("a set of one usable key");
    assert_eq!(thumbprints(&single), [thumbprint], "{}", context(data));
    assert_eq!(key.secret_len(), None, "a key set never yields a secret");
    // Private members are ignored, so they cannot show in Debug: the key without them
    // prints the same.
    let mut public = member.clone();
    if let Some(obj) = public.as_object_mut() {
        for private in ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] {
            obj.remove(private);
        }
    }
    let public = Jwk::from_json(&public).expect("the key without its private members");
    assert_eq!(
        format!("{key:?}"),
        format!("{public:?}"),
        "Debug depends on private members: {}",
        context(data)
    );
}
