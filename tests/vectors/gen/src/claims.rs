//! Our own cases, part two: the claim checks (time claims, issuer, audience, scopes,
//! required claims, the claims set itself). Expected verdicts are written by hand from the
//! specification quoted in each description.

use mcp_bearer::ErrorKind;
use serde_json::json;

use crate::format::{Expected, Options};
use crate::ours::{AUDIENCE, Ctx, ISSUER, NOW, SUBJECT, code, jose_for, standard_options, valid};
use crate::token::Jose;

/// Time claims: `exp`, `nbf`, `iat`, leeway and maximum age.
pub(crate) fn time_claims(ctx: &mut Ctx<'_>) {
    let key = &ctx.keys.rs256;
    let expired = code(ErrorKind::JwtExpired);
    let claim_failed = code(ErrorKind::JwtClaimValidationFailed);
    let leeway_0 = || Options {
        leeway: Some(0),
        ..standard_options()
    };
    let max_age = || Options {
        max_token_age: Some(3600),
        ..standard_options()
    };
    type Edit = fn(Jose) -> Jose;
    let cases: [(&str, Edit, Options, Expected, &str); 16] = [
        (
            "exp-expired",
            |j| j.claim("exp", json!(NOW - 3600)),
            standard_options(),
            Expected::invalid_claim(expired, "exp"),
            "RFC 7519 §4.1.4: the current time MUST be before \"exp\"; an hour ago is expired.",
        ),
        (
            "exp-within-leeway",
            |j| j.claim("exp", json!(NOW - 29)),
            standard_options(),
            valid(),
            "RFC 7519 §4.1.4 allows \"some small leeway ... to account for clock skew\"; 29 s past \"exp\" is within the default 30 s.",
        ),
        (
            "exp-at-leeway-edge",
            |j| j.claim("exp", json!(NOW - 30)),
            standard_options(),
            Expected::invalid_claim(expired, "exp"),
            "RFC 7519 §4.1.4: the token must be used before \"exp\"; exactly the 30 s leeway past it is expired.",
        ),
        (
            "exp-now-no-leeway",
            |j| j.claim("exp", json!(NOW)),
            leeway_0(),
            Expected::invalid_claim(expired, "exp"),
            "RFC 7519 §4.1.4: \"on or after\" \"exp\" the token MUST NOT be accepted; with leeway 0, exp == now is expired.",
        ),
        (
            "exp-next-second-no-leeway",
            |j| j.claim("exp", json!(NOW + 1)),
            leeway_0(),
            valid(),
            "RFC 7519 §4.1.4: one second before \"exp\" is valid even with leeway 0.",
        ),
        (
            "exp-fractional",
            |j| j.claim("exp", json!((NOW + 3600) as f64 + 0.5)),
            standard_options(),
            valid(),
            "RFC 7519 §2: a NumericDate may be non-integer.",
        ),
        (
            "exp-missing",
            |j| j.without_claim("exp"),
            standard_options(),
            Expected::invalid_claim(claim_failed, "exp"),
            "RFC 9068 §2.2: \"exp\" is REQUIRED in an access token; a token that never expires is refused.",
        ),
        (
            "exp-string",
            |j| j.claim("exp", json!((NOW + 3600).to_string())),
            standard_options(),
            Expected::invalid_claim(claim_failed, "exp"),
            "RFC 7519 §4.1.4: \"exp\" MUST be a NumericDate; a string is not one.",
        ),
        (
            "nbf-future",
            |j| j.claim("nbf", json!(NOW + 3600)),
            standard_options(),
            Expected::invalid_claim(claim_failed, "nbf"),
            "RFC 7519 §4.1.5: the token MUST NOT be accepted before \"nbf\" (an hour ahead, beyond the leeway).",
        ),
        (
            "nbf-within-leeway",
            |j| j.claim("nbf", json!(NOW + 20)),
            standard_options(),
            valid(),
            "RFC 7519 §4.1.5 leeway: \"nbf\" 20 s ahead is within the default 30 s of clock skew.",
        ),
        (
            "iat-future",
            |j| j.claim("iat", json!(NOW + 3600)),
            standard_options(),
            Expected::invalid_claim(claim_failed, "iat"),
            "RFC 7519 §4.1.6: \"iat\" an hour in the future (beyond the leeway) is a forged or mis-clocked token.",
        ),
        (
            "iat-within-leeway",
            |j| j.claim("iat", json!(NOW + 20)),
            standard_options(),
            valid(),
            "RFC 7519 §4.1.6: \"iat\" 20 s ahead is within the default leeway.",
        ),
        (
            "max-age-exceeded",
            |j| j.claim("iat", json!(NOW - 7200)),
            max_age(),
            Expected::invalid_claim(expired, "iat"),
            "RFC 7519 §4.1.6 \"iat\" can be used to determine the age of the JWT: issued two hours ago, over a one-hour max_token_age.",
        ),
        (
            "max-age-ok",
            |j| j,
            max_age(),
            valid(),
            "RFC 7519 §4.1.6: issued a minute ago, within a one-hour max_token_age.",
        ),
        (
            "max-age-without-iat",
            |j| j.without_claim("iat"),
            max_age(),
            Expected::invalid_claim(claim_failed, "iat"),
            "A max_token_age needs \"iat\" (RFC 7519 §4.1.6); a token without it cannot prove its age.",
        ),
        (
            "iat-missing-no-max-age",
            |j| j.without_claim("iat"),
            standard_options(),
            valid(),
            "RFC 7519 §4.1.6: \"iat\" is OPTIONAL in a JWT; without a max_token_age its absence is accepted.",
        ),
    ];
    for (id, edit, options, expected, description) in cases {
        let token = ctx.sign(&edit(jose_for(key, id)), key);
        let keys = ctx.main_keys();
        ctx.jwt(id, description, token, keys, options, expected);
    }
}

/// Issuer, audience, scopes, required claims and the claims set itself.
pub(crate) fn identity_claims(ctx: &mut Ctx<'_>) {
    let key = &ctx.keys.es256;
    let claim_failed = code(ErrorKind::JwtClaimValidationFailed);
    let insufficient = code(ErrorKind::InsufficientScope);
    let invalid_jwt = code(ErrorKind::JwtInvalid);
    let with = |f: fn(&mut Options)| {
        let mut o = standard_options();
        f(&mut o);
        o
    };
    let scopes = |s: &[&str]| Expected::valid_jwt(Some(SUBJECT), s);
    type Edit = fn(Jose) -> Jose;
    let cases: [(&str, Edit, Options, Expected, &str); 27] = [
        (
            "iss-wrong",
            |j| j.claim("iss", json!("https://evil.example.com/")),
            standard_options(),
            Expected::invalid_claim(claim_failed, "iss"),
            "RFC 9068 §4: the issuer identifier MUST exactly match \"iss\"; another issuer's token is refused.",
        ),
        (
            "iss-trailing-slash",
            |j| j.claim("iss", json!("https://idp.example.com")),
            standard_options(),
            Expected::invalid_claim(claim_failed, "iss"),
            "RFC 9068 §4: exact match; \"https://idp.example.com\" is not \"https://idp.example.com/\".",
        ),
        (
            "iss-missing",
            |j| j.without_claim("iss"),
            standard_options(),
            Expected::invalid_claim(claim_failed, "iss"),
            "RFC 9068 §2.2: \"iss\" is REQUIRED; a token without it is refused when an issuer is configured.",
        ),
        (
            "iss-not-a-string",
            |j| j.claim("iss", json!(42)),
            standard_options(),
            Expected::invalid_claim(claim_failed, "iss"),
            "RFC 7519 §4.1.1: \"iss\" is a StringOrURI.",
        ),
        (
            "iss-one-of-several",
            |j| j.claim("iss", json!("https://login.example.org/tenant")),
            with(|o| {
                o.issuers = Some(vec![
                    ISSUER.to_owned(),
                    "https://login.example.org/tenant".to_owned(),
                ]);
            }),
            valid(),
            "Several issuers may be configured; the token's \"iss\" matches the second exactly.",
        ),
        (
            "iss-any-when-dangerously-allowed",
            |j| j.claim("iss", json!("https://evil.example.com/")),
            with(|o| {
                o.issuers = None;
                o.dangerous_accept_any_issuer = Some(true);
            }),
            valid(),
            "dangerous_accept_any_issuer skips the issuer check (documented as dangerous).",
        ),
        (
            "aud-wrong",
            |j| j.claim("aud", json!("https://other.example.com/mcp")),
            standard_options(),
            Expected::invalid_claim(claim_failed, "aud"),
            "RFC 7519 §4.1.3: if the principal does not identify itself with a value in \"aud\", the JWT MUST be rejected (MCP requires tokens bound to this server, RFC 8707).",
        ),
        (
            "aud-missing",
            |j| j.without_claim("aud"),
            standard_options(),
            Expected::invalid_claim(claim_failed, "aud"),
            "RFC 9068 §2.2: \"aud\" is REQUIRED; a token without an audience could be replayed at any service.",
        ),
        (
            "aud-array-containing-ours",
            |j| j.claim("aud", json!(["https://other.example.com/api", AUDIENCE])),
            standard_options(),
            valid(),
            "RFC 7519 §4.1.3: \"aud\" may be an array; it is enough that one value is ours.",
        ),
        (
            "aud-array-without-ours",
            |j| {
                j.claim(
                    "aud",
                    json!(["https://other.example.com/api", "https://mcp.example.com/"]),
                )
            },
            standard_options(),
            Expected::invalid_claim(claim_failed, "aud"),
            "RFC 7519 §4.1.3: no value of the \"aud\" array identifies this server.",
        ),
        (
            "aud-trailing-slash",
            |j| j.claim("aud", json!(format!("{AUDIENCE}/"))),
            standard_options(),
            Expected::invalid_claim(claim_failed, "aud"),
            "RFC 7519 §4.1.3: audience values are compared as strings; a trailing slash makes another value.",
        ),
        (
            "aud-not-a-string",
            |j| j.claim("aud", json!(7)),
            standard_options(),
            Expected::invalid_claim(claim_failed, "aud"),
            "RFC 7519 §4.1.3: \"aud\" is a StringOrURI or an array of them.",
        ),
        (
            "aud-one-of-several-configured",
            |j| j.claim("aud", json!("https://mcp.example.com/")),
            with(|o| {
                o.audiences = Some(vec![
                    AUDIENCE.to_owned(),
                    "https://mcp.example.com/".to_owned(),
                ]);
            }),
            valid(),
            "Several audiences may be configured (a server reachable under two resource URLs).",
        ),
        (
            "aud-missing-any-audience",
            |j| j.without_claim("aud"),
            with(|o| {
                o.audiences = None;
                o.dangerous_accept_any_audience = Some(true);
            }),
            valid(),
            "dangerous_accept_any_audience skips the audience check, so a token without \"aud\" passes.",
        ),
        (
            "scope-required-present",
            |j| j,
            with(|o| o.required_scopes = Some(vec!["mcp:write".to_owned()])),
            valid(),
            "RFC 8693 §4.2 / RFC 9068 §2.2.3: \"scope\" is a space-separated list; the required \"mcp:write\" is in it.",
        ),
        (
            "scope-required-missing",
            |j| j,
            with(|o| o.required_scopes = Some(vec!["mcp:admin".to_owned()])),
            Expected::invalid(insufficient),
            "RFC 6750 §3.1 insufficient_scope: the token is valid but lacks \"mcp:admin\" (HTTP 403).",
        ),
        (
            "scope-case-sensitive",
            |j| j,
            with(|o| o.required_scopes = Some(vec!["MCP:READ".to_owned()])),
            Expected::invalid(insufficient),
            "RFC 6749 §3.3: scope strings are case-sensitive; \"MCP:READ\" is not \"mcp:read\".",
        ),
        (
            "scp-array",
            |j| {
                j.without_claim("scope")
                    .claim("scp", json!(["mcp:read", "mcp:write"]))
            },
            with(|o| o.required_scopes = Some(vec!["mcp:read".to_owned()])),
            valid(),
            "Okta and Microsoft Entra send scopes as a \"scp\" array; the required scope is found there.",
        ),
        (
            "scp-string",
            |j| {
                j.without_claim("scope")
                    .claim("scp", json!("mcp:read mcp:write"))
            },
            with(|o| o.required_scopes = Some(vec!["mcp:write".to_owned()])),
            valid(),
            "Entra v1 sends \"scp\" as a space-separated string.",
        ),
        (
            "scope-and-scp-union",
            |j| {
                j.claim("scope", json!("mcp:read"))
                    .claim("scp", json!(["mcp:write", "mcp:read", "files:read"]))
            },
            with(|o| {
                o.required_scopes = Some(vec!["mcp:read".to_owned(), "files:read".to_owned()]);
            }),
            scopes(&["mcp:read", "mcp:write", "files:read"]),
            "Scopes are the union of \"scope\" then \"scp\", without duplicates, in order of appearance.",
        ),
        (
            "scp-array-missing-required",
            |j| j.without_claim("scope").claim("scp", json!(["mcp:read"])),
            with(|o| o.required_scopes = Some(vec!["mcp:write".to_owned()])),
            Expected::invalid(insufficient),
            "RFC 6750 §3.1: the \"scp\" array lacks the required \"mcp:write\".",
        ),
        (
            "required-claim-present",
            |j| j,
            with(|o| o.required_claims = Some(vec!["client_id".to_owned()])),
            valid(),
            "A configured required claim (\"client_id\", RFC 9068 §2.2) is present.",
        ),
        (
            "required-claim-missing",
            |j| j,
            with(|o| o.required_claims = Some(vec!["tenant_id".to_owned()])),
            Expected::invalid_claim_because(claim_failed, "tenant_id", "missing"),
            "A configured required claim (\"tenant_id\") is absent; the error names it, with reason \"missing\" (as jose's JWTClaimValidationFailed does).",
        ),
        (
            "sub-not-a-string",
            |j| j.claim("sub", json!(1234)),
            standard_options(),
            Expected::invalid_claim(claim_failed, "sub"),
            "RFC 7519 §4.1.2: \"sub\" is a StringOrURI; a number is refused.",
        ),
        (
            "payload-json-array",
            |j| j.raw_payload(b"[\"not\",\"an\",\"object\"]"),
            standard_options(),
            Expected::invalid(invalid_jwt),
            "RFC 7519 §7.2 step 10: the claims set must be a JSON object.",
        ),
        (
            "payload-not-json",
            |j| j.raw_payload(b"this is not JSON"),
            standard_options(),
            Expected::invalid(invalid_jwt),
            "RFC 7519 §7.2 step 10: the payload must be a JSON claims set.",
        ),
        (
            "payload-not-utf8",
            |j| j.raw_payload(&[0x7b, 0xff, 0xfe, 0x7d]),
            standard_options(),
            Expected::invalid(invalid_jwt),
            "RFC 8725 §3.7 / RFC 7519 §7.2: the claims set must be UTF-8.",
        ),
    ];
    for (id, edit, options, expected, description) in cases {
        let token = ctx.sign(&edit(jose_for(key, id)), key);
        let keys = ctx.main_keys();
        ctx.jwt(id, description, token, keys, options, expected);
    }
}
