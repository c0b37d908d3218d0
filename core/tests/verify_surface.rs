//! The surface a binding wraps around a verified token: one scope rule on every path, the
//! per-call scope check, the owned record, a policy changed without losing keys or cache,
//! and a verifier built from a discovery document already in hand.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;

use http_loopback::{Request, Response};
use mcp_bearer::claims::{ClaimMapping, UserInfo};
use mcp_bearer::clock::{Clock, ManualClock};
use mcp_bearer::net::HttpResponse;
use mcp_bearer::oauth::TokenResponse;
use mcp_bearer::opaque::{IntrospectionOptions, Introspector, UserInfoOptions, UserInfoVerifier};
use mcp_bearer::{
    ErrorKind, IssuerVerifier, Jwk, KeySet, KeySource, RemoteJwksOptions, SigningKey, TokenSource,
    VerifiedToken, VerifiedTokenRecord, Verifier, VerifierOptions,
};
use serde_json::{Map, Value, json};
use support::{AUDIENCE, ISSUER, JwksServer, T0, claims, clock, jwks_of, key, mint, ureq_fetch};

fn verifier(signer: &SigningKey, clock: &Arc<ManualClock>, options: VerifierOptions) -> Verifier {
    let jwk = Jwk::from_json(&signer.public_jwk()).unwrap();
    let source = KeySource::Static(Arc::new(KeySet::from_keys(vec![jwk])));
    let clock: Arc<dyn Clock> = Arc::clone(clock) as _;
    Verifier::with_clock(source, options, clock).unwrap()
}

fn with(changes: Value) -> Map<String, Value> {
    let mut base = claims(T0, 3600);
    base.remove("scope");
    base.extend(changes.as_object().unwrap().clone());
    base
}

/// A loopback endpoint answering every request with `body` as JSON.
fn endpoint(body: Value) -> http_loopback::Server {
    let body = body.to_string();
    http_loopback::start(0, move |_: &Request| Response::json(200, &body)).unwrap()
}

/// The scopes every path reads from `scope_claims`: the verifier (borrowed view and full
/// parse), the record, `UserInfo`, introspection, userinfo and a token response's `scope`.
fn scopes_on_every_path(
    signer: &SigningKey,
    scope_claims: &Value,
) -> Vec<(&'static str, Vec<String>)> {
    let clock = clock();
    let clock_dyn: Arc<dyn Clock> = Arc::clone(&clock) as _;
    let token = mint(signer, &with(scope_claims.clone()));
    let fast = verifier(signer, &clock, support::options());
    let full = verifier(
        signer,
        &clock,
        VerifierOptions {
            required_claims: vec!["sub".into()],
            ..support::options()
        },
    );
    let verified = fast.verify(&token).unwrap();
    let mut paths = vec![
        ("verify", verified.scopes().to_vec()),
        (
            "verify, full parse",
            full.verify(&token).unwrap().scopes().to_vec(),
        ),
        ("record", verified.to_record().scopes),
        (
            "UserInfo",
            UserInfo::from_claims(verified.claims(), &ClaimMapping::default()).scopes,
        ),
    ];

    let mut introspected = json!({
        "active": true, "sub": "user-1", "exp": T0 + 60,
        "iss": "https://idp.example.com/", "aud": "https://mcp.example.com/mcp",
    });
    introspected
        .as_object_mut()
        .unwrap()
        .extend(scope_claims.as_object().unwrap().clone());
    let server = endpoint(introspected.clone());
    let introspector = Introspector::with_clock(
        IntrospectionOptions {
            issuers: vec!["https://idp.example.com/".into()],
            audiences: vec!["https://mcp.example.com/mcp".into()],
            ..IntrospectionOptions::new(format!("{}/introspect", server.origin()), "rs")
        },
        ureq_fetch(),
        Arc::clone(&clock_dyn),
    )
    .unwrap();
    paths.push((
        "introspection",
        introspector.verify("opaque").unwrap().scopes().to_vec(),
    ));
    let userinfo = UserInfoVerifier::with_clock(
        UserInfoOptions::new(format!("{}/userinfo", server.origin())),
        ureq_fetch(),
        clock_dyn,
    )
    .unwrap();
    paths.push((
        "userinfo",
        userinfo.verify("opaque").unwrap().scopes().to_vec(),
    ));

    if let Some(scope) = scope_claims
        .get("scope")
        .filter(|_| scope_claims.get("scp").is_none())
    {
        let response = HttpResponse {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: json!({"access_token": "at", "token_type": "Bearer", "scope": scope})
                .to_string()
                .into_bytes(),
        };
        let scopes = TokenResponse::parse(&response)
            .unwrap()
            .scopes
            .unwrap_or_default();
        paths.push(("token response", scopes));
    }
    paths
}

/// RFC 6749 §3.3: only the space separates; the same claims give the same list on every path.
#[test]
fn every_path_reads_scopes_by_the_one_rule() {
    let signer = key(mcp_bearer::Algorithm::ES256);
    let cases = [
        (json!({"scope": "a\tb c"}), vec!["a\tb", "c"]),
        (json!({"scope": " a  b a c "}), vec!["a", "b", "c"]),
        (
            json!({"scope": "a b", "scp": ["c", "a", ""]}),
            vec!["a", "b", "c"],
        ),
        (json!({"scp": "x y"}), vec!["x", "y"]),
        (json!({"scp": ["x y", "z"]}), vec!["x y", "z"]),
        (json!({"scp": ["x", 1]}), vec![]),
        (json!({"scope": "a\nb"}), vec!["a\nb"]),
    ];
    for (scope_claims, expected) in cases {
        for (path, scopes) in scopes_on_every_path(&signer, &scope_claims) {
            assert_eq!(scopes, expected, "{path} for {scope_claims}");
        }
    }
}

#[test]
fn require_scopes_gives_the_error_of_the_verifier_option() {
    let signer = key(mcp_bearer::Algorithm::ES256);
    let clock = clock();
    let token = mint(&signer, &with(json!({"scope": "mcp:read mcp:tools"})));
    let token_for_all = verifier(&signer, &clock, support::options())
        .verify(&token)
        .unwrap();
    token_for_all.require_scopes(&[]).unwrap();
    token_for_all
        .require_scopes(&["mcp:tools", "mcp:read"])
        .unwrap();
    let per_call = token_for_all
        .require_scopes(&["mcp:tools", "mcp:admin"])
        .unwrap_err();
    let option = verifier(
        &signer,
        &clock,
        VerifierOptions {
            required_scopes: vec!["mcp:tools".into(), "mcp:admin".into()],
            ..support::options()
        },
    )
    .verify(&token)
    .unwrap_err();
    assert_eq!(per_call.kind(), ErrorKind::InsufficientScope);
    assert_eq!(per_call.http_status(), 403);
    assert_eq!(per_call.required_scopes(), ["mcp:tools", "mcp:admin"]);
    assert_eq!(per_call.to_string(), option.to_string());
    assert_eq!(per_call.message(), option.message());
    assert_eq!(per_call.required_scopes(), option.required_scopes());
}

#[test]
fn a_verified_token_converts_to_one_owned_record() {
    let signer = key(mcp_bearer::Algorithm::ES256);
    let clock = clock();
    let claims = with(json!({"scope": "a b", "client_id": "c-1", "nbf": T0 - 5}));
    let token: VerifiedToken = verifier(&signer, &clock, support::options())
        .verify(&mint(&signer, &claims))
        .unwrap();
    let record = VerifiedTokenRecord::from(&token);
    assert_eq!(record.source, TokenSource::Jwt);
    assert_eq!(
        serde_json::from_str::<Map<String, Value>>(&record.claims_json).unwrap(),
        claims
    );
    let header: Map<String, Value> =
        serde_json::from_str(record.header_json.as_deref().unwrap()).unwrap();
    assert_eq!(header["alg"], "ES256");
    assert_eq!(record.subject.as_deref(), Some("user-1"));
    assert_eq!(record.issuer.as_deref(), Some(ISSUER));
    assert_eq!(record.audiences, [AUDIENCE]);
    assert_eq!(record.audience.as_deref(), Some(AUDIENCE));
    assert_eq!(record.scopes, ["a", "b"]);
    assert_eq!(record.client_id.as_deref(), Some("c-1"));
    assert_eq!(record.token_id.as_deref(), token.token_id());
    assert_eq!(
        (record.expires_at, record.not_before, record.issued_at),
        (Some(T0 + 3600), Some(T0 - 5), Some(T0))
    );
    assert_eq!(
        record.key_thumbprint.as_deref(),
        Some(token.key_thumbprint())
    );
    // Plain data: it survives a JSON round trip unchanged.
    let json = serde_json::to_string(&record).unwrap();
    assert!(json.contains(r#""source":"jwt""#), "{json}");
    assert_eq!(
        serde_json::from_str::<VerifiedTokenRecord>(&json).unwrap(),
        record
    );
}

/// FastMCP sets the audience after construction: the derived verifier keeps the keys (no
/// second fetch) and the cache, and no verdict crosses from one policy to the other.
#[test]
fn with_policy_keeps_keys_and_cache_but_never_serves_another_policys_verdict() {
    let signer = key(mcp_bearer::Algorithm::ES256);
    let clock = clock();
    let server = JwksServer::start(jwks_of(&[&signer]));
    let jwks = support::remote(&server.url(), RemoteJwksOptions::default(), &clock);
    let any_audience = Verifier::new(
        KeySource::Remote(Arc::clone(&jwks)),
        VerifierOptions {
            issuers: vec![ISSUER.into()],
            dangerous_accept_any_audience: true,
            ..VerifierOptions::default()
        },
    )
    .unwrap();
    let other = mint(
        &signer,
        &with(json!({"aud": "https://other.example.test/"})),
    );
    let ours = mint(&signer, &with(json!({"scope": "mcp:read"})));
    any_audience.verify(&other).unwrap();
    any_audience.verify(&ours).unwrap();
    assert_eq!((any_audience.cached_tokens(), server.requests()), (2, 1));

    let mut options = any_audience.options().clone();
    options.dangerous_accept_any_audience = false;
    options.audiences = vec![AUDIENCE.into()];
    let bound = any_audience.with_policy(options.clone()).unwrap();
    // The cached verdict for `other` was reached without an audience check: refused now.
    let err = bound.verify(&other).unwrap_err();
    assert_eq!(err.claim_name(), Some("aud"));
    let hit = bound.verify(&ours).unwrap();
    assert_eq!(hit.audience(), Some(AUDIENCE));
    // Same cache (both policies' entries), same keys (fetched once).
    assert_eq!((bound.cached_tokens(), server.requests()), (3, 1));
    assert_eq!(any_audience.cached_tokens(), 3);
    // The first verifier still answers by its own policy, from its own entries.
    assert_eq!(any_audience.verify(&other).unwrap().audience(), None);

    // A scope policy: a verdict cached without it is not served under it.
    let scoped = bound
        .with_policy(VerifierOptions {
            required_scopes: vec!["mcp:admin".into()],
            ..options.clone()
        })
        .unwrap();
    assert_eq!(
        scoped.verify(&ours).unwrap_err().kind(),
        ErrorKind::InsufficientScope
    );
    // The same policy again shares the verdicts already reached.
    let again = bound.with_policy(options.clone()).unwrap();
    let before = bound.cached_tokens();
    again.verify(&ours).unwrap();
    assert_eq!(again.cached_tokens(), before);

    let err = bound
        .with_policy(VerifierOptions {
            token_cache_entries: 5,
            ..options
        })
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(
        err.message().contains("token_cache_entries"),
        "{}",
        err.message()
    );
}

/// The non-blocking sibling of `from_issuer`: the document is already in hand.
#[test]
fn from_discovery_document_builds_a_verifier_without_io() {
    let signer = key(mcp_bearer::Algorithm::ES256);
    let server = JwksServer::start(jwks_of(&[&signer]));
    let issuer = "https://idp.example.test";
    let document = json!({"issuer": issuer, "jwks_uri": server.url()}).to_string();
    let IssuerVerifier { verifier, metadata } = Verifier::from_discovery_document(
        issuer,
        document.as_bytes(),
        VerifierOptions {
            audiences: vec![AUDIENCE.into()],
            ..VerifierOptions::default()
        },
        RemoteJwksOptions::default(),
        ureq_fetch(),
    )
    .unwrap();
    assert_eq!(server.requests(), 0);
    assert_eq!(metadata.jwks_uri.as_deref(), Some(server.url().as_str()));
    assert_eq!(verifier.options().issuers, [issuer]);

    let wrong = Verifier::from_discovery_document(
        "https://idp.example.test/",
        document.as_bytes(),
        VerifierOptions::default(),
        RemoteJwksOptions::default(),
        ureq_fetch(),
    )
    .unwrap_err();
    assert_eq!(wrong.kind(), ErrorKind::InvalidConfig);
    let no_jwks = Verifier::from_discovery_document(
        issuer,
        json!({ "issuer": issuer }).to_string().as_bytes(),
        VerifierOptions::default(),
        RemoteJwksOptions::default(),
        ureq_fetch(),
    )
    .unwrap_err();
    assert_eq!(no_jwks.kind(), ErrorKind::JwksInvalid);
}

/// A flood of distinct tokens through a small cache keeps it within its bound at every step.
#[test]
fn a_flood_of_tokens_keeps_the_cache_within_its_bound() {
    let signer = key(mcp_bearer::Algorithm::ES256);
    let clock = clock();
    let v = verifier(
        &signer,
        &clock,
        VerifierOptions {
            token_cache_entries: 64,
            ..support::options()
        },
    );
    let hot = mint(&signer, &claims(T0, 3600));
    v.verify(&hot).unwrap();
    for _ in 0..500 {
        v.verify(&mint(&signer, &claims(T0, 3600))).unwrap();
        v.verify(&hot).unwrap();
        assert!(v.cached_tokens() <= 64);
    }
    assert_eq!(v.cached_tokens(), 64);
}
