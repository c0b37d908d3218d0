//! The `state` target: the sealed OAuth `state` the proxy carries through the upstream.
//!
//! The whole input, as text, is a `state` that came back from the browser: opening it never
//! panics and, since only this process holds the key, always fails, with `malformed`,
//! `signature` or `expired`. The input is also read as the fields of a client request
//! ([`StateFields`]): sealing them and opening the result gives them back exactly, with
//! the same upstream secrets, until the expiry and not after; the sealed value is
//! base64url text within the size limit, refused when altered or opened under another key,
//! and `Debug` shows no secret.

use std::sync::OnceLock;

use mcp_bearer::ErrorKind;
use mcp_bearer::oauth::{
    MAX_SEALED_STATE_BYTES, OpenedState, PkceChallenge, ProxyState, STATE_TTL_SECS_RANGE,
    SealedState, StateKey,
};

use crate::fixture::NOW;
use crate::input::StateFields;
use crate::show;

const REASONS: &[&str] = &["malformed", "signature", "expired"];

fn keys() -> &'static (StateKey, StateKey) {
    static KEYS: OnceLock<(StateKey, StateKey)> = OnceLock::new();
    KEYS.get_or_init(|| {
        (
            StateKey::new(&[7u8; 32]).expect("a 32-byte key"),
            StateKey::new(&[8u8; 48]).expect("a 48-byte key"),
        )
    })
}

/// Checks one input; panics on any violated property.
pub fn state(data: &[u8]) {
    let context = || format!("state input \"{}\"", show(data));
    let (key, other_key) = keys();

    let sealed = String::from_utf8_lossy(data);
    for now in [0, NOW, u64::MAX] {
        let refused = ProxyState::open(key, &sealed, now);
        assert!(refused.is_err(), "{}: a forgery opened", context());
        if let Err(e) = refused {
            check_refusal(&e, &context);
        }
    }

    let Some(input) = StateFields::decode(data) else {
        return;
    };
    let field = |i: usize| input.fields.get(i).cloned().unwrap_or_default();
    let words = |i: usize| -> Vec<String> {
        field(i)
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let original = ProxyState {
        client_id: field(0),
        redirect_uri: field(1),
        client_state: input.fields.get(2).cloned(),
        code_challenge: PkceChallenge::s256(&field(3)),
        scopes: words(4),
        resources: words(5),
    };
    let sealed = match original.seal(key, NOW, input.ttl_secs) {
        Ok(sealed) => sealed,
        Err(e) => {
            // A TTL outside its range is the host's configuration; anything else (a state
            // too large to seal) is the request's.
            let expected = if STATE_TTL_SECS_RANGE.contains(&input.ttl_secs) {
                ErrorKind::InvalidRequest
            } else {
                ErrorKind::InvalidConfig
            };
            assert_eq!(e.kind(), expected, "{}", context());
            return;
        }
    };
    let value = sealed.as_str();
    assert!(value.len() <= MAX_SEALED_STATE_BYTES, "{}", context());
    assert!(
        value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')),
        "{}: the sealed state is not URL-safe: {value:?}",
        context()
    );
    assert_eq!(sealed.expires_at(), NOW + input.ttl_secs);
    check_debug(&format!("{sealed:?}"), &sealed, value, &context);

    if input.ttl_secs > 0 {
        for now in [NOW, NOW + input.ttl_secs - 1] {
            let opened = ProxyState::open(key, value, now)
                .unwrap_or_else(|e| panic!("{}: the sealed state did not open: {e:?}", context()));
            assert_eq!(opened.state, original, "{}", context());
            assert_eq!(opened.expires_at, sealed.expires_at());
            assert_eq!(
                opened.upstream_pkce_verifier().expose(),
                sealed.upstream_pkce_verifier().expose(),
                "{}",
                context()
            );
            assert_eq!(opened.upstream_nonce(), sealed.upstream_nonce());
            check_opened_debug(&opened, &sealed, &context);
        }
    }
    let expired = ProxyState::open(key, value, NOW + input.ttl_secs);
    assert_eq!(
        expired.as_ref().err().and_then(|e| e.reason()),
        Some("expired"),
        "{}",
        context()
    );
    let foreign = ProxyState::open(other_key, value, NOW);
    assert_eq!(
        foreign.as_ref().err().and_then(|e| e.reason()),
        Some("signature"),
        "{}",
        context()
    );
    // Any single altered character is refused.
    let position = usize::from(data[0]) * 31 % value.len();
    let mut altered = value.as_bytes().to_vec();
    altered[position] = if altered[position] == b'A' {
        b'B'
    } else {
        b'A'
    };
    let altered = String::from_utf8(altered).expect("ASCII");
    let refused = ProxyState::open(key, &altered, NOW);
    assert!(refused.is_err(), "{}: an altered state opened", context());
}

fn check_refusal(e: &mcp_bearer::Error, context: &dyn Fn() -> String) {
    assert_eq!(e.kind(), ErrorKind::OAuthStateInvalid, "{}", context());
    assert!(
        e.reason().is_some_and(|r| REASONS.contains(&r)),
        "{}: reason {:?}",
        context(),
        e.reason()
    );
}

fn check_debug(debug: &str, sealed: &SealedState, value: &str, context: &dyn Fn() -> String) {
    for secret in [
        value,
        sealed.upstream_pkce_verifier().expose(),
        sealed.upstream_nonce(),
    ] {
        assert!(
            !debug.contains(secret),
            "{}: SealedState Debug shows a secret",
            context()
        );
    }
}

fn check_opened_debug(opened: &OpenedState, sealed: &SealedState, context: &dyn Fn() -> String) {
    let debug = format!("{opened:?}");
    // The client's own fields are shown; the derived upstream secrets never are (the
    // client cannot know them, so they cannot be among its fields).
    for secret in [
        sealed.upstream_pkce_verifier().expose(),
        sealed.upstream_nonce(),
    ] {
        assert!(
            !debug.contains(secret),
            "{}: OpenedState Debug shows an upstream secret",
            context()
        );
    }
}
