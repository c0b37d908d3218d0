//! Our own cases, part five: JSON at the edges of what parsers accept, in claims the
//! verifier does not read itself (a custom claim next to the standard ones) and in the
//! registered ones. Every language must give the same verdict, and an accepted token's
//! claims must be exactly its payload: no parser may drop, rewrite or half-read a member.
//!
//! Each payload is verified twice, once with the standard options and once with
//! `required_claims: ["iss"]`, which in the Rust core sends the payload down the full parse
//! instead of the borrowed view of the registered claims; the verdicts must not differ.

use mcp_bearer::ErrorKind;
use serde_json::Value;

use crate::format::{Expected, Options};
use crate::ours::{Ctx, claims, code, jose_for, standard_options, valid};

/// The standard claims as JSON text with `extra` members spliced in before the closing brace.
fn payload_with(jti: &str, extra: &str) -> Vec<u8> {
    let object: serde_json::Map<String, Value> = claims(jti).into_iter().collect();
    let text = Value::Object(object).to_string();
    let body = text.strip_suffix('}').expect("a JSON object (generator)");
    format!("{body},{extra}}}").into_bytes()
}

/// The JSON edge cases.
pub(crate) fn json_edge_cases(ctx: &mut Ctx<'_>) {
    let rs = &ctx.keys.rs256;
    let invalid_jwt = || Expected::invalid(code(ErrorKind::JwtInvalid));
    let nested_arrays = |depth: usize| format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    let nested_objects =
        |depth: usize| format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
    let cases: Vec<(&str, String, Expected, &str)> = vec![
        (
            "json-lone-high-surrogate",
            r#""x":"\ud800""#.to_owned(),
            invalid_jwt(),
            "RFC 8259 §8.2 / RFC 7519 §7.2: a lone high surrogate escape is not a Unicode string; the claims set is refused, not read with the member dropped.",
        ),
        (
            "json-lone-low-surrogate",
            r#""x":"\udc00""#.to_owned(),
            invalid_jwt(),
            "RFC 8259 §8.2: a lone low surrogate escape is not a Unicode string; the claims set is refused.",
        ),
        (
            "json-reversed-surrogates",
            r#""x":"\udc00\ud800""#.to_owned(),
            invalid_jwt(),
            "RFC 8259 §8.2: a low surrogate before a high one is no pair; the claims set is refused.",
        ),
        (
            "json-lone-surrogate-in-name",
            r#""x":{"\ud800":1}"#.to_owned(),
            invalid_jwt(),
            "RFC 8259 §8.2: member names are strings too; a lone surrogate in a nested name is refused.",
        ),
        (
            "json-number-overflow",
            r#""x":1e400"#.to_owned(),
            invalid_jwt(),
            "Our choice (RFC 8259 §6 lets implementations limit the range): a number beyond an IEEE 754 double is refused rather than read as infinity or dropped.",
        ),
        (
            "json-negative-number-overflow",
            r#""x":-1e400"#.to_owned(),
            invalid_jwt(),
            "Our choice (RFC 8259 §6): a number below the most negative double is refused.",
        ),
        (
            "json-nesting-200-arrays",
            format!(r#""x":{}"#, nested_arrays(200)),
            invalid_jwt(),
            "Our choice (RFC 8259 §9 lets implementations limit nesting): a claims set nested deeper than 128 levels is refused, whichever claim holds the nesting.",
        ),
        (
            "json-nesting-200-objects",
            format!(r#""x":{}"#, nested_objects(200)),
            invalid_jwt(),
            "Our choice (RFC 8259 §9): objects nested deeper than 128 levels are refused.",
        ),
        (
            "json-raw-control-character",
            "\"x\":\"tab\there\"".to_owned(),
            invalid_jwt(),
            "RFC 8259 §7: control characters must be escaped inside strings; a raw tab makes the claims set invalid JSON.",
        ),
        (
            "json-invalid-escape",
            r#""x":"\q""#.to_owned(),
            invalid_jwt(),
            "RFC 8259 §7: \\q is not an escape; the claims set is invalid JSON.",
        ),
        (
            "json-leading-zero",
            r#""x":01"#.to_owned(),
            invalid_jwt(),
            "RFC 8259 §6: a number has no leading zeros; the claims set is invalid JSON.",
        ),
        (
            "json-nan-literal",
            r#""x":NaN"#.to_owned(),
            invalid_jwt(),
            "RFC 8259 §6: NaN is not a JSON value; the claims set is invalid JSON.",
        ),
        (
            "json-trailing-comma",
            r#""x":[1,]"#.to_owned(),
            invalid_jwt(),
            "RFC 8259 §5: an array has no trailing comma; the claims set is invalid JSON.",
        ),
        (
            "json-surrogate-pair",
            r#""x":"\ud83d\ude00""#.to_owned(),
            valid(),
            "RFC 8259 §7: a surrogate pair escape is one character (U+1F600); the claim is kept.",
        ),
        (
            "json-escaped-controls",
            r#""x":"\u0000\u001b[2J\/""#.to_owned(),
            valid(),
            "RFC 8259 §7: escaped control characters are valid string content; the claim is kept as the escapes say.",
        ),
        (
            "json-number-underflow",
            r#""x":1e-400"#.to_owned(),
            valid(),
            "RFC 8259 §6: a number too small for a double is valid JSON; it reads as zero and the token is accepted.",
        ),
        (
            "json-integer-beyond-64-bits",
            r#""x":18446744073709551616"#.to_owned(),
            valid(),
            "RFC 8259 §6: an integer beyond 64 bits is valid JSON (read as a double); the token is accepted.",
        ),
        (
            "json-negative-zero",
            r#""x":-0"#.to_owned(),
            valid(),
            "RFC 8259 §6: -0 is a valid number; the token is accepted.",
        ),
        (
            "json-nesting-100-arrays",
            format!(r#""x":{}"#, nested_arrays(100)),
            valid(),
            "Nesting within the limit of 128 levels is kept whole.",
        ),
        (
            "json-duplicate-custom-claim",
            r#""x":1,"x":2"#.to_owned(),
            valid(),
            "RFC 7519 §4: with duplicate names the lexically last member is used (as ECMAScript's JSON.parse and Python's json do); the token is accepted with x = 2.",
        ),
        (
            "json-nested-cnf-and-act",
            r#""cnf":{"jkt":"0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"},"act":{"sub":"agent-7","act":{"sub":"agent-8"}}"#.to_owned(),
            valid(),
            "RFC 8705/9449 \"cnf\" and RFC 8693 §4.1 nested \"act\" are kept whole in the claims.",
        ),
        (
            "json-duplicate-iss-last-foreign",
            r#""iss":"https://attacker.example/""#.to_owned(),
            Expected::invalid_claim(code(ErrorKind::JwtClaimValidationFailed), "iss"),
            "RFC 7519 §4: the lexically last \"iss\" is used; here it is another issuer's, so the issuer check fails.",
        ),
    ];
    for (id, extra, expected, description) in cases {
        let token = ctx.sign(&jose_for(rs, id).raw_payload(&payload_with(id, &extra)), rs);
        let keys = ctx.main_keys();
        ctx.jwt(
            id,
            description,
            token.clone(),
            keys,
            standard_options(),
            expected.clone(),
        );
        let full = Options {
            required_claims: Some(vec!["iss".to_owned()]),
            ..standard_options()
        };
        let keys = ctx.main_keys();
        ctx.jwt(
            &format!("{id}-full-parse"),
            &format!("{description} Same token with required_claims [\"iss\"]: the same verdict."),
            token,
            keys,
            full,
            expected,
        );
    }
}
