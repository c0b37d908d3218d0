//! Our own cases, part four: attacks on the encoding: header extensions (`crit`, `b64`),
//! the compact shape, size limits, base64url spelling and signature encodings.

use mcp_bearer::ErrorKind;
use serde_json::json;

use crate::b64;
use crate::format::{Expected, Options};
use crate::ours::{Ctx, NOW, claims, code, jose_for, standard_options, valid};
use crate::token::{Jose, ecdsa_der, with_impossible_length, with_noncanonical_tail};

/// Header extensions, the compact shape, size, base64url and signature encodings.
pub(crate) fn encoding_attacks(ctx: &mut Ctx<'_>) {
    let k = ctx.keys;
    let rs = &k.rs256;
    let jws_invalid = code(ErrorKind::JwsInvalid);
    let opaque = code(ErrorKind::TokenOpaque);
    let bad_sig = code(ErrorKind::JwsSignatureVerificationFailed);

    type Edit = fn(Jose) -> Jose;
    let headers: [(&str, Edit, &str); 4] = [
        (
            "crit-exp",
            |j| {
                j.header("crit", json!(["exp"]))
                    .header("exp", json!(NOW + 3600))
            },
            "RFC 7515 §4.1.11: a recipient that does not understand an extension listed in \"crit\" MUST reject the JWS.",
        ),
        (
            "crit-empty",
            |j| j.header("crit", json!([])),
            "RFC 7515 §4.1.11: \"crit\" MUST NOT be an empty list; no extension is understood, so any \"crit\" is refused.",
        ),
        (
            "b64-false-with-crit",
            |j| j.header("b64", json!(false)).header("crit", json!(["b64"])),
            "RFC 7797 §6: \"b64\": false is an extension listed in \"crit\"; it is not supported, so the JWS is rejected.",
        ),
        (
            "b64-false-without-crit",
            |j| j.header("b64", json!(false)),
            "RFC 7797 §6: \"b64\" MUST be in \"crit\"; an unencoded-payload token is rejected either way, never read as encoded.",
        ),
    ];
    for (id, edit, description) in headers {
        let token = ctx.sign(&edit(jose_for(rs, id)), rs);
        ctx.main(id, description, token, Expected::invalid(jws_invalid));
    }

    // The compact shape (RFC 7515 §7.1, RFC 7516 §9).
    let good = ctx.sign(&jose_for(rs, "shape-base"), rs);
    let (h, rest) = good.split_once('.').expect("three segments (generator)");
    let (p, s) = rest.split_once('.').expect("three segments (generator)");
    let jwe_header = b64::encode(r#"{"alg":"dir","enc":"A256GCM","kid":"main-rs256"}"#);
    let jwe = format!(
        "{jwe_header}..{}.{}.{}",
        b64::encode(b"twelve-byte-"),
        b64::encode(b"encrypted claims"),
        b64::encode(b"sixteen-byte-tag")
    );
    let shapes: [(&str, String, &'static str, &str); 9] = [
        (
            "shape-one-segment",
            "2YotnFZFEjr1zCsicMWpAA".to_owned(),
            opaque,
            "RFC 6749 §7.1 style opaque access token (no dots): not a JWT, reported as opaque before any key lookup.",
        ),
        (
            "shape-two-segments",
            format!("{h}.{p}"),
            opaque,
            "RFC 7515 §7.1: a compact JWS has three segments; two is not a JWT.",
        ),
        (
            "shape-four-segments",
            format!("{good}.{s}"),
            opaque,
            "RFC 7515 §7.1 / RFC 7516 §9: four segments is neither a JWS (three) nor a JWE (five).",
        ),
        (
            "shape-five-segments-jwe",
            jwe,
            code(ErrorKind::NotSupported),
            "RFC 7516 §9: five segments is a JWE (encrypted token); only signed tokens are supported (Auth0 issues these without an API audience).",
        ),
        (
            "shape-six-segments",
            format!("{good}.{h}.{p}.{s}"),
            opaque,
            "RFC 7515 §7.1: six segments is not a JWT.",
        ),
        (
            "shape-empty",
            String::new(),
            opaque,
            "An empty bearer value is not a JWT.",
        ),
        (
            "shape-bearer-prefix",
            format!("Bearer {good}"),
            opaque,
            "RFC 6750 §2.1: the \"Bearer \" scheme belongs to the header, not the token; passing it along makes the value not base64url.",
        ),
        (
            "shape-trailing-newline",
            format!("{good}\n"),
            opaque,
            "RFC 7515 §7.1: no whitespace is allowed in the compact serialization.",
        ),
        (
            "shape-three-empty-segments",
            "..".to_owned(),
            jws_invalid,
            "RFC 7515 §7.1: three empty segments have the right shape but an empty header, which is not a JSON object.",
        ),
    ];
    for (id, token, code, description) in shapes {
        ctx.main(id, description, token, Expected::invalid(code));
    }

    // Size.
    let too_large = code(ErrorKind::TokenTooLarge);
    let id = "size-over-default-limit";
    let padding = "x".repeat(17 * 1024);
    let token = ctx.sign(&jose_for(rs, id).claim("padding", json!(padding)), rs);
    ctx.main(
        id,
        "DoS budget: a validly signed 17 KiB token is refused by the default 16 KiB max_token_bytes before it is decoded.",
        token,
        Expected::invalid(too_large),
    );
    let id = "size-at-limit";
    let token = ctx.sign(&jose_for(rs, id), rs);
    let length = token.len();
    let keys = ctx.main_keys();
    ctx.jwt(
        id,
        "max_token_bytes is inclusive: a token exactly as long as the limit verifies.",
        token,
        keys,
        Options {
            max_token_bytes: Some(length),
            ..standard_options()
        },
        valid(),
    );
    let id = "size-one-over-limit";
    let token = ctx.sign(&jose_for(rs, id), rs);
    let length = token.len();
    let keys = ctx.main_keys();
    ctx.jwt(
        id,
        "max_token_bytes: one byte over the configured limit is refused.",
        token,
        keys,
        Options {
            max_token_bytes: Some(length - 1),
            ..standard_options()
        },
        Expected::invalid(too_large),
    );

    // base64url (RFC 7515 §2: base64url without padding; RFC 7515 §7.1 per segment). The
    // payload and signature variants are signed over the broken text, so only the decoding
    // can refuse them.
    let jose = jose_for(rs, "b64");
    let (h, p) = (jose.header_b64(), jose.payload_b64());
    let signed = |payload: &str| ctx.forge.sign_segments(&h, payload, rs);
    let sig_of = |token: &str| {
        token
            .rsplit_once('.')
            .map(|(_, s)| s.to_owned())
            .unwrap_or_default()
    };
    let good = signed(&p);
    let good_sig = sig_of(&good);
    let bad: [(&str, String, &'static str, &str); 10] = [
        (
            "b64-header-impossible-length",
            format!("{}.{p}.{good_sig}", with_impossible_length(&h)),
            jws_invalid,
            "RFC 7515 §2: a header segment of 4k+1 characters is not base64url.",
        ),
        (
            "b64-header-not-json",
            format!("{}.{p}.{good_sig}", b64::encode("not json")),
            jws_invalid,
            "RFC 7515 §5.2 step 3: the decoded header must be a JSON object.",
        ),
        (
            "b64-header-json-array",
            format!("{}.{p}.{good_sig}", b64::encode("[\"alg\",\"RS256\"]")),
            jws_invalid,
            "RFC 7515 §5.2 step 3: the header must be a JSON object, not an array.",
        ),
        (
            "b64-header-padding",
            format!("{h}=.{p}.{good_sig}"),
            opaque,
            "RFC 7515 §2: base64url here has no \"=\" padding; the value is not three base64url segments, so it is reported as opaque (DESIGN: shape check first).",
        ),
        (
            "b64-header-standard-alphabet",
            format!("{}+.{p}.{good_sig}", &h[..h.len() - 1]),
            opaque,
            "RFC 7515 §2: \"+\" and \"/\" belong to standard base64, not base64url; reported as not a JWT.",
        ),
        (
            "b64-payload-impossible-length",
            signed(&with_impossible_length(&p)),
            jws_invalid,
            "RFC 7515 §2: a payload segment of 4k+1 characters, correctly signed as text, still does not decode.",
        ),
        (
            "b64-payload-noncanonical",
            signed(&with_noncanonical_tail(&p)),
            jws_invalid,
            "RFC 4648 §3.5 canonical encoding: non-zero pad bits in the last payload character are refused, so one payload has one spelling.",
        ),
        (
            "b64-signature-impossible-length",
            format!("{h}.{p}.{}", with_impossible_length(&good_sig)),
            jws_invalid,
            "RFC 7515 §2: a signature segment of 4k+1 characters is not base64url.",
        ),
        (
            "b64-signature-noncanonical",
            format!("{h}.{p}.{}", with_noncanonical_tail(&good_sig)),
            jws_invalid,
            "RFC 4648 §3.5: the same signature bytes in a non-canonical spelling are refused (no signature malleability).",
        ),
        (
            "b64-signature-padding",
            format!("{h}.{p}.{good_sig}=="),
            opaque,
            "RFC 7515 §2: padding is not base64url; reported as not a JWT.",
        ),
    ];
    for (id, token, code, description) in bad {
        ctx.main(id, description, token, Expected::invalid(code));
    }

    // Signature bytes.
    let id = "signature-empty";
    let token = ctx.forge.with_signature(&jose_for(rs, id), &[]);
    ctx.main(
        id,
        "RFC 7515 §5.2 step 8: an RS256 token with an empty signature does not verify.",
        token,
        Expected::invalid(bad_sig),
    );
    let id = "payload-tampered";
    let original = ctx.sign(&jose_for(rs, id), rs);
    let forged_payload = Jose::jwt("RS256", Some(rs.kid()), claims(id))
        .claim("sub", json!("admin"))
        .payload_b64();
    let mut parts: Vec<&str> = original.split('.').collect();
    parts[1] = &forged_payload;
    ctx.main(
        id,
        "RFC 7515 §5.2 step 8: the payload of a genuine token is changed (\"sub\": \"admin\"); the signature no longer verifies.",
        parts.join("."),
        Expected::invalid(bad_sig),
    );
    for (id, key, size) in [
        ("ecdsa-es256-r-s-zero", &k.es256, 64),
        ("ecdsa-es384-r-s-zero", &k.es384, 96),
    ] {
        let token = ctx
            .forge
            .with_signature(&jose_for(key, id), &vec![0u8; size]);
        ctx.main(
            id,
            &format!(
                "RFC 7518 §3.4 / SEC 1 §4.1.4: r and s must be in [1, n-1]; a {} signature of all zeros (r = s = 0, the psychic-signature bug CVE-2022-21449) never verifies.",
                key.algorithm()
            ),
            token,
            Expected::invalid(bad_sig),
        );
    }
    let id = "ecdsa-es256-der-signature";
    let jose = jose_for(&k.es256, "valid-es256");
    let genuine = ctx.sign(&jose, &k.es256);
    let fixed = b64::decode(&sig_of(&genuine)).expect("own signature decodes (generator)");
    let token = ctx.forge.with_signature(&jose, &ecdsa_der(&fixed));
    ctx.main(
        id,
        "RFC 7518 §3.4: the JWS signature is R || S, 64 octets for ES256; the token of valid-es256 with its signature DER-encoded (as X.509 libraries emit it) is refused.",
        token,
        Expected::invalid(bad_sig),
    );
}
