//! The `token_response` target: what an upstream token endpoint answers (status, content
//! type, body), as [`TokenResponse::parse`] reads it.
//!
//! Parsing never panics. A success is a 2xx with a non-empty access token, its JSON
//! rendering carries exactly what was parsed, and its `Debug` shows no token. A failure is
//! `ERR_OAUTH_UPSTREAM`; a relayed OAuth error has a 4xx or 502 status and a code,
//! description and URI that are bounded and free of control characters, so a hostile
//! upstream cannot grow or break the proxy's own answers.

use mcp_bearer::ErrorKind;
use mcp_bearer::net::HttpResponse;
use mcp_bearer::oauth::{
    DEFAULT_REFRESH_MARGIN_SECS, OAuthErrorResponse, SecretString, TokenResponse, UpstreamTokens,
};
use serde_json::{Map, Value};

use crate::fixture::NOW;
use crate::input::TokenResponseInput;
use crate::show;

/// The bounds [`OAuthErrorResponse`] documents for relayed members, in characters.
const MAX_ERROR_CHARS: usize = 64;
const MAX_DESCRIPTION_CHARS: usize = 512;
const MAX_URI_CHARS: usize = 512;

/// Checks one input; panics on any violated property.
pub fn token_response(data: &[u8]) {
    let Some(input) = TokenResponseInput::decode(data) else {
        return;
    };
    let context = || {
        format!(
            "HTTP {} {:?} \"{}\"",
            input.status,
            input.content_type,
            show(input.body)
        )
    };
    let response = HttpResponse {
        status: input.status,
        headers: input
            .content_type
            .map(|ct| vec![("Content-Type".to_owned(), ct.to_owned())])
            .unwrap_or_default(),
        body: input.body.to_vec(),
    };
    match TokenResponse::parse(&response) {
        Ok(parsed) => check_success(&parsed, input.status, &context),
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::OAuthUpstream, "{}", context());
            assert!(
                !e.message().chars().any(char::is_control),
                "{}: control characters in the message {:?}",
                context(),
                e.message()
            );
            if let Some(upstream) = e.upstream() {
                check_relayed(upstream, &context);
                assert_eq!(e.http_status(), upstream.status, "{}", context());
                assert_eq!(e.oauth_error(), upstream.error, "{}", context());
            }
            let answer = OAuthErrorResponse::from_error(&e);
            let json: Value = serde_json::from_str(&answer.to_json())
                .unwrap_or_else(|_| panic!("{}: the error answer is not JSON", context()));
            assert!(
                json["error"].as_str().is_some_and(|s| !s.is_empty()),
                "{}",
                context()
            );
        }
    }
}

fn check_success(parsed: &TokenResponse, status: u16, context: &dyn Fn() -> String) {
    assert!((200..300).contains(&status), "{}: accepted", context());
    assert!(!parsed.access_token.is_empty(), "{}", context());
    assert!(!parsed.token_type.is_empty(), "{}", context());
    for secret in [Some(&parsed.refresh_token), Some(&parsed.id_token)]
        .into_iter()
        .flatten()
        .flatten()
    {
        assert!(!secret.is_empty(), "{}: an empty token kept", context());
    }

    // Debug never shows a token: the response prints the same with its tokens blanked.
    let debug = format!("{parsed:?}");
    let mut blank = parsed.clone();
    blank.access_token = SecretString::new("");
    blank.refresh_token = blank.refresh_token.as_ref().map(|_| SecretString::new(""));
    blank.id_token = blank.id_token.as_ref().map(|_| SecretString::new(""));
    let blank_debug = format!("{blank:?}");
    assert_eq!(
        debug,
        blank_debug,
        "{}: Debug depends on a token",
        context()
    );

    // The JSON rendering (what the proxy answers its own client) is what was parsed.
    let json: Map<String, Value> = serde_json::from_str(&parsed.to_json())
        .unwrap_or_else(|_| panic!("{}: to_json is not a JSON object", context()));
    let text = |k: &str| json.get(k).and_then(Value::as_str);
    assert_eq!(
        text("access_token"),
        Some(parsed.access_token.expose()),
        "{}",
        context()
    );
    assert_eq!(text("token_type"), Some(parsed.token_type.as_str()));
    assert_eq!(
        text("refresh_token"),
        parsed.refresh_token.as_ref().map(SecretString::expose),
        "{}",
        context()
    );
    assert_eq!(
        text("id_token"),
        parsed.id_token.as_ref().map(SecretString::expose),
        "{}",
        context()
    );
    assert_eq!(
        json.get("expires_in").and_then(Value::as_u64),
        parsed.expires_in,
        "{}",
        context()
    );
    assert_eq!(
        text("scope").map(str::to_owned),
        parsed.scopes.as_ref().map(|s| s.join(" ")),
        "{}",
        context()
    );
    for scope in parsed.scopes.iter().flatten() {
        assert!(
            !scope.is_empty() && !scope.contains(' '),
            "{}: scope {scope:?}",
            context()
        );
    }
    for (name, value) in &parsed.extra {
        assert_eq!(json.get(name), Some(value), "{}: extra {name:?}", context());
    }

    // Keeping the tokens and deciding when to refresh them is plain arithmetic on
    // untrusted numbers: no overflow anywhere.
    let tokens = UpstreamTokens::from_response(parsed, NOW);
    assert_eq!(tokens.expires_at, parsed.expires_at(NOW));
    for now in [0, NOW, u64::MAX] {
        tokens.needs_refresh(now, DEFAULT_REFRESH_MARGIN_SECS);
        tokens.needs_refresh(now, u64::MAX);
        let _ = parsed.expires_at(now);
    }
    let next = tokens.refreshed(parsed, u64::MAX);
    assert_eq!(next.access_token, parsed.access_token);
    let mut blank = tokens.clone();
    blank.access_token = SecretString::new("");
    blank.refresh_token = blank.refresh_token.as_ref().map(|_| SecretString::new(""));
    blank.id_token = blank.id_token.as_ref().map(|_| SecretString::new(""));
    assert_eq!(
        format!("{tokens:?}"),
        format!("{blank:?}"),
        "{}: UpstreamTokens Debug depends on a token",
        context()
    );
}

fn check_relayed(upstream: &OAuthErrorResponse, context: &dyn Fn() -> String) {
    assert!(
        (400..500).contains(&upstream.status) || upstream.status == 502,
        "{}: relayed with status {}",
        context(),
        upstream.status
    );
    assert!(!upstream.error.is_empty(), "{}", context());
    for (name, value, max) in [
        ("error", Some(&upstream.error), MAX_ERROR_CHARS),
        (
            "error_description",
            upstream.error_description.as_ref(),
            MAX_DESCRIPTION_CHARS,
        ),
        ("error_uri", upstream.error_uri.as_ref(), MAX_URI_CHARS),
    ] {
        let Some(value) = value else {
            continue;
        };
        assert!(
            value.chars().count() <= max,
            "{}: relayed {name} of {} characters",
            context(),
            value.chars().count()
        );
        assert!(
            !value.chars().any(char::is_control),
            "{}: relayed {name} with control characters",
            context()
        );
    }
}
