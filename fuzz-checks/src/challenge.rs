//! The `challenge` target: an `Authorization` header from any client, through
//! [`bearer_token`], a verifier and the `WWW-Authenticate` challenge of the answer.
//!
//! The input is a [`ChallengeInput`]: a header value as sent, or a token minted from the
//! input with the remote set's key (so that verification errors about headers, `kid`s and
//! claims reach the challenge). `bearer_token` returns a token68 taken from the header, or a
//! `ERR_TOKEN_MISSING` / `ERR_INVALID_REQUEST` error; the challenge built from whatever
//! error results is printable ASCII (no CR or LF can split the header), has a status a
//! resource server may answer with, and parses back into exactly its parameters, each with
//! the characters a header cannot carry replaced by `?`.
//!
//! The `error_description` is the error's public description: at most
//! [`MAX_DESCRIPTION_BYTES`] whatever the input (attacker-supplied `kid`s and `alg`s used to
//! end up there at any length), and it never names an internal host (the JWKS URL).

use mcp_bearer::ErrorKind;
use mcp_bearer::metadata::{BearerChallenge, bearer_token};

use crate::fixture::{RESOURCE_METADATA, fixture};
use crate::input::ChallengeInput;
use crate::show;

/// The most bytes the `error_description` of a challenge may take, whatever the input
/// (issue 7 §4: short, ASCII, bounded).
pub const MAX_DESCRIPTION_BYTES: usize = 256;

/// Checks one input; panics on any violated property.
pub fn challenge(data: &[u8]) {
    let Some(input) = ChallengeInput::decode(data) else {
        return;
    };
    let context = || format!("challenge input \"{}\"", show(data));
    let fx = fixture();
    let (header, flags) = match input {
        ChallengeInput::Header(h) => (String::from_utf8_lossy(h).into_owned(), 0),
        ChallengeInput::Token(t) => (format!("Bearer {}", fx.eddsa_token(&t)), t.flags),
    };
    let error = match bearer_token(Some(&header)) {
        Ok(token) => {
            assert!(
                is_token68(token) && header.contains(token),
                "{}: bearer_token returned {token:?}",
                context()
            );
            // The remote set, where a `kid` selects keys and a fetch can fail: every kind of
            // verification error can reach the challenge.
            match fx.remote_verifier(fx.options(flags, 0)).verify(token) {
                Ok(_) => return,
                Err(e) => e,
            }
        }
        Err(e) => {
            assert!(
                matches!(
                    e.kind(),
                    ErrorKind::TokenMissing | ErrorKind::InvalidRequest
                ),
                "{}: bearer_token failed with {}",
                context(),
                e.code()
            );
            e
        }
    };
    let challenge = BearerChallenge::from_error(&error, RESOURCE_METADATA);
    assert!(
        matches!(challenge.status, 400 | 401 | 403 | 500 | 502 | 503),
        "{}: status {}",
        context(),
        challenge.status
    );
    check_header(&challenge, &context);
    let description = challenge.error_description.as_deref().unwrap_or("");
    assert!(
        description.len() <= MAX_DESCRIPTION_BYTES,
        "{}: an error_description of {} bytes (at most {MAX_DESCRIPTION_BYTES})",
        context(),
        description.len()
    );
    assert!(
        !description.contains("127.0.0.1"),
        "{}: the error_description names the JWKS host: {description:?}",
        context()
    );
    // A realm and scopes with any characters still make one well-formed header.
    let text = String::from_utf8_lossy(data);
    let decorated = challenge
        .with_realm(text.clone())
        .with_scopes(text.split(' ').map(str::to_owned).collect());
    check_header(&decorated, &context);
}

/// RFC 9110 §11.2 token68.
fn is_token68(token: &str) -> bool {
    let body = token.trim_end_matches('=');
    !body.is_empty()
        && body.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
        })
}

/// The header value is printable ASCII and reads back as the challenge's parameters.
fn check_header(challenge: &BearerChallenge, context: &dyn Fn() -> String) {
    let value = challenge.header_value();
    assert!(
        value.bytes().all(|b| (b' '..=b'~').contains(&b)),
        "{}: the header value has a byte outside printable ASCII",
        context()
    );
    let mut expected: Vec<(&str, String)> = Vec::new();
    if let Some(realm) = &challenge.realm {
        expected.push(("realm", header_text(realm)));
    }
    if let Some(error) = &challenge.error {
        expected.push(("error", header_text(error)));
    }
    if let Some(description) = &challenge.error_description {
        expected.push(("error_description", header_text(description)));
    }
    if !challenge.scopes.is_empty() {
        expected.push(("scope", header_text(&challenge.scopes.join(" "))));
    }
    if let Some(url) = &challenge.resource_metadata {
        expected.push(("resource_metadata", header_text(url)));
    }
    let parsed = parse_challenge(&value)
        .unwrap_or_else(|| panic!("{}: not a well-formed challenge: {value:?}", context()));
    let parsed: Vec<(&str, String)> = parsed
        .iter()
        .map(|(n, v)| (n.as_str(), v.clone()))
        .collect();
    assert_eq!(parsed, expected, "{}: {value:?}", context());
}

/// What a header carries of `text`: printable ASCII as is, anything else as `?`.
fn header_text(text: &str) -> String {
    text.chars()
        .map(|c| if (' '..='~').contains(&c) { c } else { '?' })
        .collect()
}

/// Reads `Bearer name="value", name="value"` (RFC 9110 §11.6.1 with quoted-string values,
/// §5.6.4), unescaping the values. `None` when it is not exactly that.
fn parse_challenge(value: &str) -> Option<Vec<(String, String)>> {
    let mut rest = value.strip_prefix("Bearer")?;
    let mut params = Vec::new();
    let mut first = true;
    while !rest.is_empty() {
        rest = rest.strip_prefix(if first { " " } else { ", " })?;
        first = false;
        let (name, after) = rest.split_once('=')?;
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return None;
        }
        let mut chars = after.strip_prefix('"')?.char_indices();
        let mut text = String::new();
        let end = loop {
            match chars.next()? {
                (i, '"') => break i,
                (_, '\\') => text.push(chars.next()?.1),
                (_, c) => text.push(c),
            }
        };
        params.push((name.to_owned(), text));
        rest = &after[1 + end + 1..];
    }
    Some(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_reader_reads_what_the_writer_writes() {
        let parsed = parse_challenge(r#"Bearer error="a\"b\\c", scope="x y""#).unwrap();
        assert_eq!(
            parsed,
            vec![
                ("error".to_owned(), r#"a"b\c"#.to_owned()),
                ("scope".to_owned(), "x y".to_owned()),
            ]
        );
        assert_eq!(parse_challenge("Bearer"), Some(Vec::new()));
        assert_eq!(parse_challenge(r#"Bearer error="open"#), None);
        assert_eq!(parse_challenge(r#"Bearer a="1",b="2""#), None);
    }
}
