//! The `redirect` target: the redirect URIs MCP clients ask the proxy to send codes to.
//!
//! The input is a URI, optionally followed by `0xFF` and a second one. Checking never
//! panics; an accepted URI is, by an independent reading, https with a host, http to a
//! loopback host (when allowed) or a configured private-use scheme, with no whitespace,
//! control character, fragment or userinfo and never a script-running scheme; the URL the
//! proxy builds from it for the client is accepted too. Matching a requested URI against a
//! registered one is symmetric, and never lets through a URI the policy refuses.

use mcp_bearer::ErrorKind;
use mcp_bearer::oauth::{PkceChallenge, ProxyState, RedirectUriPolicy};
use url::Url;

use crate::fixture::ISSUER;
use crate::input::parts;
use crate::jose::is_loopback;
use crate::show;

const REASONS: &[&str] = &["malformed", "scheme", "fragment", "userinfo", "loopback"];
const NEVER: &[&str] = &["javascript", "data", "file", "vbscript", "blob", "about"];

fn policies() -> [RedirectUriPolicy; 3] {
    [
        RedirectUriPolicy::default(),
        // Script-running schemes stay refused even when configured, in any case.
        RedirectUriPolicy {
            private_use_schemes: vec![
                "myapp".into(),
                "JavaScript".into(),
                "data".into(),
                String::new(),
            ],
            allow_loopback_http: false,
        },
        RedirectUriPolicy {
            private_use_schemes: Vec::new(),
            allow_loopback_http: true,
        },
    ]
}

/// Checks one input; panics on any violated property.
pub fn redirect(data: &[u8]) {
    let context = || format!("redirect \"{}\"", show(data));
    let parts = parts(data);
    let uri = String::from_utf8_lossy(parts[0]);
    let other = parts.get(1).map(|p| String::from_utf8_lossy(p));
    for policy in policies() {
        match policy.check(&uri) {
            Ok(()) => check_accepted(&policy, &uri, other.as_deref(), &context),
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::RedirectUriRejected, "{}", context());
                assert!(
                    e.reason().is_some_and(|r| REASONS.contains(&r)),
                    "{}: reason {:?}",
                    context(),
                    e.reason()
                );
            }
        }
    }
    let Some(other) = other else {
        return;
    };
    let forward = RedirectUriPolicy::matches_registered(&uri, &other);
    let backward = RedirectUriPolicy::matches_registered(&other, &uri);
    assert_eq!(
        forward,
        backward,
        "{}: matching is not symmetric",
        context()
    );
    assert!(
        RedirectUriPolicy::matches_registered(&uri, &uri),
        "{}: a URI does not match itself",
        context()
    );
    if forward {
        for policy in policies() {
            assert_eq!(
                policy.check(&uri).is_ok(),
                policy.check(&other).is_ok(),
                "{}: a requested URI matches a registered one, but the policy judges them \
                 differently",
                context()
            );
        }
    }
}

fn check_accepted(
    policy: &RedirectUriPolicy,
    uri: &str,
    state: Option<&str>,
    context: &dyn Fn() -> String,
) {
    assert!(
        !uri.chars().any(|c| c.is_whitespace() || c.is_control()),
        "{}: accepted with whitespace or control characters",
        context()
    );
    let url = Url::parse(uri).unwrap_or_else(|e| panic!("{}: accepted, not a URL: {e}", context()));
    let scheme = url.scheme();
    assert!(
        !NEVER.contains(&scheme),
        "{}: accepted {scheme}:",
        context()
    );
    assert!(
        url.fragment().is_none(),
        "{}: accepted a fragment",
        context()
    );
    assert!(
        url.username().is_empty() && url.password().is_none(),
        "{}: accepted userinfo",
        context()
    );
    match scheme {
        "https" => assert!(
            url.host_str().is_some_and(|h| !h.is_empty()),
            "{}: https without a host",
            context()
        ),
        "http" => assert!(
            policy.allow_loopback_http && url.host().is_some_and(|h| is_loopback(&h)),
            "{}: http to a host that is not loopback",
            context()
        ),
        _ => assert!(
            policy
                .private_use_schemes
                .iter()
                .any(|s| s.eq_ignore_ascii_case(scheme)),
            "{}: scheme {scheme} is not configured",
            context()
        ),
    }

    // The URL the client is sent back to: still acceptable, with the parameters last.
    let proxy_state = ProxyState {
        client_id: "client".into(),
        redirect_uri: uri.to_owned(),
        client_state: state.map(str::to_owned),
        code_challenge: PkceChallenge::s256("verifier"),
        scopes: Vec::new(),
        resources: Vec::new(),
    };
    let back = proxy_state
        .client_redirect_url("the-code", ISSUER)
        .unwrap_or_else(|e| panic!("{}: no redirect back: {e:?}", context()));
    assert!(
        policy.check(&back).is_ok(),
        "{}: the redirect back {back:?} is refused",
        context()
    );
    let pairs: Vec<(String, String)> = Url::parse(&back)
        .expect("checked above")
        .query_pairs()
        .into_owned()
        .collect();
    let mut expected = vec![("code".to_owned(), "the-code".to_owned())];
    if let Some(state) = state {
        expected.push(("state".into(), state.into()));
    }
    expected.push(("iss".into(), ISSUER.into()));
    assert!(
        pairs.ends_with(&expected),
        "{}: the redirect back {back:?} does not end with {expected:?}",
        context()
    );
}
