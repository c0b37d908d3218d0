//! The `registration` target: a dynamic client registration request (RFC 7591) from an
//! unauthenticated MCP client, answered for the proxy's pre-registered client and with a
//! sealed client id.
//!
//! Parsing never panics and fails only with `ERR_INVALID_CLIENT_METADATA`; a registration
//! that is answered registers only redirect URIs the policy accepts, only the grant and
//! response types the proxy serves, and its JSON is the registration; a refusal is a
//! well-formed OAuth error. A sealed client id opens under its key to exactly the redirect
//! URIs, name and home page registered, and each of those redirect URIs is accepted at the
//! authorize endpoint.

use mcp_bearer::ErrorKind;
use mcp_bearer::oauth::{
    ClientRegistration, ClientRegistrationRequest, MAX_REDIRECT_URIS, MAX_REGISTRATION_BYTES,
    MAX_SEALED_CLIENT_ID_BYTES, OAuthErrorResponse, RedirectUriPolicy, RegisteredClient,
    SealedRegistrationOptions, StateKey,
};
use serde_json::Value;

use crate::fixture::NOW;
use crate::show;

const CLIENT_ID: &str = "proxy-client";

/// Checks one input; panics on any violated property.
pub fn registration(data: &[u8]) {
    let context = || format!("registration \"{}\"", show(data));
    let request = match ClientRegistrationRequest::parse(data) {
        Ok(request) => request,
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::InvalidClientMetadata, "{}", context());
            check_error_answer(&OAuthErrorResponse::from_error(&e), &context);
            return;
        }
    };
    assert!(data.len() <= MAX_REGISTRATION_BYTES, "{}", context());
    let policy = RedirectUriPolicy::default();
    sealed(&request, &policy, &context);
    match ClientRegistration::for_pre_registered_client(&request, CLIENT_ID, &policy, NOW) {
        Ok(registration) => {
            assert!(
                !registration.redirect_uris.is_empty()
                    && registration.redirect_uris.len() <= MAX_REDIRECT_URIS,
                "{}",
                context()
            );
            assert_eq!(registration.redirect_uris, request.redirect_uris);
            for uri in &registration.redirect_uris {
                assert!(
                    policy.check(uri).is_ok(),
                    "{}: registered {uri:?}, which the policy refuses",
                    context()
                );
            }
            for grant in &registration.grant_types {
                assert!(
                    ["authorization_code", "refresh_token"].contains(&grant.as_str()),
                    "{}: registered grant type {grant:?}",
                    context()
                );
            }
            assert!(
                registration.response_types.iter().all(|r| r == "code"),
                "{}",
                context()
            );
            assert_eq!(registration.token_endpoint_auth_method, "none");
            let json: Value = serde_json::from_str(&registration.to_json())
                .unwrap_or_else(|_| panic!("{}: the answer is not JSON", context()));
            assert_eq!(json["client_id"], CLIENT_ID, "{}", context());
            assert_eq!(json["client_id_issued_at"], NOW, "{}", context());
            assert_eq!(json["token_endpoint_auth_method"], "none", "{}", context());
            assert_eq!(
                json["redirect_uris"],
                Value::from(registration.redirect_uris.clone()),
                "{}",
                context()
            );
            assert_eq!(
                json.get("client_name").and_then(Value::as_str),
                request.client_name.as_deref(),
                "{}",
                context()
            );
        }
        Err(e) => {
            assert!(
                matches!(
                    e.kind(),
                    ErrorKind::RedirectUriRejected | ErrorKind::InvalidClientMetadata
                ),
                "{}: refused with {}",
                context(),
                e.code()
            );
            check_error_answer(&OAuthErrorResponse::from_error(&e), &context);
        }
    }
}

/// The same request answered with a sealed client id: it opens to what was registered.
fn sealed(
    request: &ClientRegistrationRequest,
    policy: &RedirectUriPolicy,
    context: &dyn Fn() -> String,
) {
    let key = StateKey::new(&[7; 32]).expect("a 32-byte key");
    let options = SealedRegistrationOptions::default();
    match ClientRegistration::sealed(request, &key, policy, NOW, &options) {
        Ok(registration) => {
            assert!(
                registration.client_id.len() <= MAX_SEALED_CLIENT_ID_BYTES,
                "{}",
                context()
            );
            let client = RegisteredClient::open(&key, &registration.client_id, NOW)
                .unwrap_or_else(|e| panic!("{}: the sealed id does not open: {e:?}", context()));
            assert_eq!(client.redirect_uris, request.redirect_uris, "{}", context());
            assert_eq!(client.client_name, request.client_name, "{}", context());
            assert_eq!(client.client_uri, request.client_uri, "{}", context());
            for uri in &client.redirect_uris {
                assert!(
                    client.authorize(uri, &[], policy).is_ok(),
                    "{}: the registered {uri:?} is refused",
                    context()
                );
            }
        }
        Err(e) => {
            assert!(
                matches!(
                    e.kind(),
                    ErrorKind::RedirectUriRejected | ErrorKind::InvalidClientMetadata
                ),
                "{}: sealed registration refused with {}",
                context(),
                e.code()
            );
            check_error_answer(&OAuthErrorResponse::from_error(&e), context);
        }
    }
}

/// A refusal is an RFC 7591 §3.2.2 error: 400 with a JSON body naming the error.
fn check_error_answer(answer: &OAuthErrorResponse, context: &dyn Fn() -> String) {
    assert_eq!(answer.status, 400, "{}", context());
    let json: Value = serde_json::from_str(&answer.to_json())
        .unwrap_or_else(|_| panic!("{}: the error answer is not JSON", context()));
    assert!(
        json["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{}",
        context()
    );
}
