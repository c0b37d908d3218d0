//! Authorization requests (RFC 6749 §4.1.1, RFC 7636 §4.3, RFC 8707 §2), built as the URL
//! to send the browser to, and the parameter checks token requests share.

use url::Url;

use crate::error::{Error, ErrorKind, Result};
use crate::net::url::check_fetch_url;

use super::pkce::PkceChallenge;

/// An authorization request (RFC 6749 §4.1.1): where to send the user's browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationRequest {
    /// The upstream authorization endpoint. It may carry its own query; it must be `https`
    /// (or `http` to a loopback host; any `http` with `dangerous_allow_insecure_http`) and
    /// have no fragment.
    pub authorization_endpoint: String,
    /// The client id registered with the upstream.
    pub client_id: String,
    /// Where the upstream sends the browser back.
    pub redirect_uri: String,
    /// The requested scopes. Defaults to none (no `scope` parameter).
    pub scopes: Vec<String>,
    /// The `state` value, e.g. a sealed [`super::ProxyState`].
    pub state: String,
    /// The PKCE challenge. Defaults to none; send one whenever the upstream supports PKCE.
    pub pkce_challenge: Option<PkceChallenge>,
    /// RFC 8707 resource indicators: absolute URIs without a fragment. Defaults to none.
    pub resources: Vec<String>,
    /// The OIDC `nonce`. Defaults to none.
    pub nonce: Option<String>,
    /// Provider-specific parameters such as `access_type=offline`, `prompt=consent` or
    /// Auth0's `audience`. They may not repeat a parameter set above. Defaults to none.
    pub extra_params: Vec<(String, String)>,
    /// Allow a plain `http` authorization endpoint on a host that is not loopback (a
    /// docker-compose network). Defaults to `false`.
    pub dangerous_allow_insecure_http: bool,
}

/// Parameters the authorization request sets itself; `extra_params` may not override them.
const AUTHORIZE_RESERVED: &[&str] = &[
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "resource",
    "nonce",
];

impl AuthorizationRequest {
    /// A request with the required parameters and every option at its default.
    pub fn new(
        authorization_endpoint: impl Into<String>,
        client_id: impl Into<String>,
        redirect_uri: impl Into<String>,
        state: impl Into<String>,
    ) -> Self {
        AuthorizationRequest {
            authorization_endpoint: authorization_endpoint.into(),
            client_id: client_id.into(),
            redirect_uri: redirect_uri.into(),
            scopes: Vec::new(),
            state: state.into(),
            pkce_challenge: None,
            resources: Vec::new(),
            nonce: None,
            extra_params: Vec::new(),
            dangerous_allow_insecure_http: false,
        }
    }

    /// The URL to redirect the browser to, with `response_type=code` and every parameter
    /// form-encoded after the endpoint's own query.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] for a bad endpoint, an empty client id, redirect URI or
    /// state, or an extra parameter that repeats a reserved one; [`ErrorKind::InvalidRequest`]
    /// for a malformed scope or resource.
    pub fn url(&self) -> Result<String> {
        let mut url = check_fetch_url(
            &self.authorization_endpoint,
            "authorization endpoint",
            self.dangerous_allow_insecure_http,
        )?;
        if url.fragment().is_some() {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                "the authorization endpoint must not have a fragment (RFC 6749 §3.1)",
            ));
        }
        require_non_empty(&self.client_id, "client_id")?;
        require_non_empty(&self.redirect_uri, "redirect_uri")?;
        require_non_empty(&self.state, "state")?;
        check_extra_params(&self.extra_params, AUTHORIZE_RESERVED)?;
        check_resources(&self.resources)?;
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("response_type", "code")
                .append_pair("client_id", &self.client_id)
                .append_pair("redirect_uri", &self.redirect_uri);
            if let Some(scope) = scope_param(&self.scopes)? {
                query.append_pair("scope", &scope);
            }
            query.append_pair("state", &self.state);
            if let Some(challenge) = &self.pkce_challenge {
                query
                    .append_pair("code_challenge", challenge.as_str())
                    .append_pair("code_challenge_method", challenge.method());
            }
            for resource in &self.resources {
                query.append_pair("resource", resource);
            }
            if let Some(nonce) = &self.nonce {
                query.append_pair("nonce", nonce);
            }
            for (k, v) in &self.extra_params {
                query.append_pair(k, v);
            }
        }
        Ok(url.into())
    }
}

pub(super) fn require_non_empty(value: &str, name: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidConfig,
            format!("{name} must not be empty"),
        ));
    }
    Ok(())
}

pub(super) fn check_extra_params(params: &[(String, String)], reserved: &[&str]) -> Result<()> {
    for (name, _) in params {
        if name.is_empty() || reserved.contains(&name.as_str()) {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                format!(
                    "extra parameter {name:?} is empty or repeats one the request sets itself; \
                     use the request's own field"
                ),
            ));
        }
    }
    Ok(())
}

/// The `scope` value: scope tokens joined by spaces, each checked against RFC 6749 §3.3
/// (no spaces, quotes or backslashes). `None` when there are no scopes.
pub(super) fn scope_param(scopes: &[String]) -> Result<Option<String>> {
    if scopes.is_empty() {
        return Ok(None);
    }
    for scope in scopes {
        if !crate::scope::is_scope_token(scope) {
            return Err(Error::new(
                ErrorKind::InvalidRequest,
                format!(
                    "scope {} is not a valid scope token (RFC 6749 §3.3)",
                    crate::untrusted::quote(scope)
                ),
            ));
        }
    }
    Ok(Some(scopes.join(" ")))
}

/// RFC 8707 §2: a resource indicator is an absolute URI without a fragment.
pub(super) fn check_resources(resources: &[String]) -> Result<()> {
    for resource in resources {
        let ok =
            Url::parse(resource).is_ok_and(|u| u.fragment().is_none() && !u.cannot_be_a_base());
        if !ok {
            return Err(Error::new(
                ErrorKind::InvalidRequest,
                format!(
                    "resource {} must be an absolute URI without a fragment (RFC 8707 §2)",
                    crate::net::quote_url(resource)
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::oauth::PkceVerifier;

    #[test]
    fn authorize_url_carries_every_parameter() {
        let verifier = PkceVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
        let mut request = AuthorizationRequest::new(
            "https://accounts.google.com/o/oauth2/v2/auth",
            "1234.apps.googleusercontent.com",
            "https://mcp.example.com/oauth/callback",
            "st4te",
        );
        request.scopes = vec!["openid".into(), "email".into()];
        request.pkce_challenge = Some(verifier.challenge());
        request.resources = vec!["https://mcp.example.com/mcp".into()];
        request.nonce = Some("n0nce".into());
        request.extra_params = vec![
            ("access_type".into(), "offline".into()),
            ("prompt".into(), "consent".into()),
        ];
        let url = Url::parse(&request.url().unwrap()).unwrap();
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let expected = [
            ("response_type", "code"),
            ("client_id", "1234.apps.googleusercontent.com"),
            ("redirect_uri", "https://mcp.example.com/oauth/callback"),
            ("scope", "openid email"),
            ("state", "st4te"),
            (
                "code_challenge",
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            ),
            ("code_challenge_method", "S256"),
            ("resource", "https://mcp.example.com/mcp"),
            ("nonce", "n0nce"),
            ("access_type", "offline"),
            ("prompt", "consent"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        assert_eq!(pairs, expected);
        assert_eq!(url.path(), "/o/oauth2/v2/auth");
    }

    #[test]
    fn extra_params_cannot_override_reserved_ones() {
        let mut request = AuthorizationRequest::new(
            "https://a.example/authorize",
            "c",
            "https://b.example/cb",
            "s",
        );
        for name in ["redirect_uri", "state", "code_challenge", ""] {
            request.extra_params = vec![(name.into(), "https://evil.example/".into())];
            assert_eq!(
                request.url().unwrap_err().kind(),
                ErrorKind::InvalidConfig,
                "{name}"
            );
        }
    }

    #[test]
    fn rfc6749_s3_1_endpoint_query_kept_and_fragment_rejected() {
        let mut request = AuthorizationRequest::new(
            "https://login.example.com/authorize?tenant=acme",
            "c",
            "http://127.0.0.1:3000/cb",
            "s",
        );
        request.extra_params = vec![("audience".into(), "https://api.example.com".into())];
        let url = request.url().unwrap();
        assert!(
            url.starts_with("https://login.example.com/authorize?tenant=acme&response_type=code")
        );
        assert!(url.ends_with("&audience=https%3A%2F%2Fapi.example.com"));

        request.authorization_endpoint = "https://login.example.com/authorize#x".into();
        assert_eq!(request.url().unwrap_err().kind(), ErrorKind::InvalidConfig);
        request.authorization_endpoint = "http://login.example.com/authorize".into();
        assert_eq!(request.url().unwrap_err().kind(), ErrorKind::InvalidConfig);
    }

    #[test]
    fn rfc8707_s2_resource_must_be_absolute_without_fragment() {
        let mut request = AuthorizationRequest::new(
            "https://a.example/authorize",
            "c",
            "https://b.example/cb",
            "s",
        );
        for bad in [
            "/relative",
            "https://mcp.example.com/#frag",
            "urn-not-absolute",
        ] {
            request.resources = vec![bad.into()];
            assert_eq!(
                request.url().unwrap_err().kind(),
                ErrorKind::InvalidRequest,
                "{bad}"
            );
        }
    }

    #[test]
    fn rfc6749_s3_3_scope_tokens_checked() {
        let mut request = AuthorizationRequest::new(
            "https://a.example/authorize",
            "c",
            "https://b.example/cb",
            "s",
        );
        for bad in ["two words", "quo\"te", "back\\slash", ""] {
            request.scopes = vec![bad.into()];
            assert_eq!(
                request.url().unwrap_err().kind(),
                ErrorKind::InvalidRequest,
                "{bad:?}"
            );
        }
    }
}
