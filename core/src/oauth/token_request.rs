//! Token requests (RFC 6749 §4.1.3, §4.4, §6; RFC 7636 §4.5; RFC 8693 §2.1), built as
//! [`HttpRequest`] values the host sends, or hands to a [`crate::net::Fetch`].

use crate::error::{Error, ErrorKind, Result};
use crate::net::HttpRequest;
use crate::net::url::check_fetch_url;

use super::client_auth::ClientAuth;
use super::pkce::PkceVerifier;
use super::request::{check_extra_params, check_resources, require_non_empty, scope_param};
use super::secret::SecretString;

/// The grant a token request presents. `Debug` redacts codes, tokens and verifiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grant {
    /// `authorization_code` (RFC 6749 §4.1.3) with the PKCE verifier (RFC 7636 §4.5).
    AuthorizationCode {
        /// The code the authorization endpoint returned.
        code: SecretString,
        /// The redirect URI of the authorization request, repeated as RFC 6749 requires.
        redirect_uri: String,
        /// The PKCE verifier whose challenge was sent, if one was.
        pkce_verifier: Option<PkceVerifier>,
    },
    /// `refresh_token` (RFC 6749 §6).
    RefreshToken {
        /// The refresh token.
        refresh_token: SecretString,
        /// Narrower scopes to ask for. Defaults to none (the original grant's scopes).
        scopes: Vec<String>,
    },
    /// `client_credentials` (RFC 6749 §4.4); only for confidential clients.
    ClientCredentials {
        /// The requested scopes. Defaults to none.
        scopes: Vec<String>,
    },
    /// RFC 8693 token exchange.
    TokenExchange(TokenExchange),
}

impl Grant {
    /// The `grant_type` value.
    pub fn grant_type(&self) -> &'static str {
        match self {
            Grant::AuthorizationCode { .. } => "authorization_code",
            Grant::RefreshToken { .. } => "refresh_token",
            Grant::ClientCredentials { .. } => "client_credentials",
            Grant::TokenExchange(_) => TokenExchange::GRANT_TYPE,
        }
    }
}

/// The parameters of an RFC 8693 token exchange (§2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenExchange {
    /// The token to exchange.
    pub subject_token: SecretString,
    /// Its type. Defaults to [`TokenExchange::ACCESS_TOKEN`] (see [`TokenExchange::new`]).
    pub subject_token_type: String,
    /// The token of the party acting on the subject's behalf. Defaults to none.
    pub actor_token: Option<SecretString>,
    /// Its type, required when `actor_token` is set. Defaults to none.
    pub actor_token_type: Option<String>,
    /// The type of token wanted back. Defaults to none (the server decides).
    pub requested_token_type: Option<String>,
    /// Logical names of the target services (`audience`). Defaults to none.
    pub audiences: Vec<String>,
    /// The requested scopes. Defaults to none.
    pub scopes: Vec<String>,
}

impl TokenExchange {
    /// The RFC 8693 grant type.
    pub const GRANT_TYPE: &'static str = "urn:ietf:params:oauth:grant-type:token-exchange";
    /// Token type of an OAuth access token (RFC 8693 §3).
    pub const ACCESS_TOKEN: &'static str = "urn:ietf:params:oauth:token-type:access_token";
    /// Token type of an OAuth refresh token (RFC 8693 §3).
    pub const REFRESH_TOKEN: &'static str = "urn:ietf:params:oauth:token-type:refresh_token";
    /// Token type of an OpenID Connect ID token (RFC 8693 §3).
    pub const ID_TOKEN: &'static str = "urn:ietf:params:oauth:token-type:id_token";
    /// Token type of a JWT (RFC 8693 §3).
    pub const JWT: &'static str = "urn:ietf:params:oauth:token-type:jwt";

    /// An exchange of the access token `subject_token`, every option at its default.
    pub fn new(subject_token: impl Into<SecretString>) -> Self {
        TokenExchange {
            subject_token: subject_token.into(),
            subject_token_type: TokenExchange::ACCESS_TOKEN.to_owned(),
            actor_token: None,
            actor_token_type: None,
            requested_token_type: None,
            audiences: Vec::new(),
            scopes: Vec::new(),
        }
    }
}

/// A token request (RFC 6749 §3.2): endpoint, client, grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRequest {
    /// The token endpoint: `https` (or `http` to a loopback host; any `http` with
    /// `dangerous_allow_insecure_http`).
    pub token_endpoint: String,
    /// The client id.
    pub client_id: String,
    /// How the client authenticates. Defaults to [`ClientAuth::None`].
    pub client_auth: ClientAuth,
    /// What is presented.
    pub grant: Grant,
    /// RFC 8707 resource indicators: absolute URIs without a fragment. Defaults to none.
    pub resources: Vec<String>,
    /// Provider-specific parameters (e.g. Auth0's `audience`). They may not repeat a
    /// parameter the request sets itself. Defaults to none.
    pub extra_params: Vec<(String, String)>,
    /// Allow a plain `http` token endpoint on a host that is not loopback (a docker-compose
    /// network: `http://keycloak:8080/…`). Defaults to `false`: codes, secrets and tokens
    /// sent over plain HTTP can be read by anyone on the path.
    pub dangerous_allow_insecure_http: bool,
}

/// Parameters token requests set themselves; `extra_params` may not override them.
const TOKEN_RESERVED: &[&str] = &[
    "grant_type",
    "client_id",
    "client_secret",
    "code",
    "redirect_uri",
    "code_verifier",
    "refresh_token",
    "scope",
    "resource",
    "subject_token",
    "subject_token_type",
    "actor_token",
    "actor_token_type",
    "requested_token_type",
    "audience",
];

impl TokenRequest {
    /// A request presenting `grant`, every option at its default.
    pub fn new(
        token_endpoint: impl Into<String>,
        client_id: impl Into<String>,
        grant: Grant,
    ) -> Self {
        TokenRequest {
            token_endpoint: token_endpoint.into(),
            client_id: client_id.into(),
            client_auth: ClientAuth::None,
            grant,
            resources: Vec::new(),
            extra_params: Vec::new(),
            dangerous_allow_insecure_http: false,
        }
    }

    /// The HTTP request: a form-encoded `POST` accepting JSON (which is also what makes
    /// GitHub answer in JSON).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] for a bad endpoint, an empty client id, client
    /// credentials without a client secret, an actor token without its type, or an extra
    /// parameter that repeats a reserved one; [`ErrorKind::InvalidRequest`] for a malformed
    /// scope or resource.
    pub fn http_request(&self) -> Result<HttpRequest> {
        check_fetch_url(
            &self.token_endpoint,
            "token endpoint",
            self.dangerous_allow_insecure_http,
        )?;
        require_non_empty(&self.client_id, "client_id")?;
        check_extra_params(&self.extra_params, TOKEN_RESERVED)?;
        check_resources(&self.resources)?;

        let mut form: Vec<(&str, &str)> = vec![("grant_type", self.grant.grant_type())];
        let scope = match &self.grant {
            Grant::AuthorizationCode {
                code,
                redirect_uri,
                pkce_verifier,
            } => {
                form.push(("code", code.expose()));
                form.push(("redirect_uri", redirect_uri));
                if let Some(verifier) = pkce_verifier {
                    form.push(("code_verifier", verifier.expose()));
                }
                None
            }
            Grant::RefreshToken {
                refresh_token,
                scopes,
            } => {
                form.push(("refresh_token", refresh_token.expose()));
                scope_param(scopes)?
            }
            Grant::ClientCredentials { scopes } => {
                if self.client_auth == ClientAuth::None {
                    return Err(Error::new(
                        ErrorKind::InvalidConfig,
                        "the client_credentials grant needs a confidential client: set a client \
                         secret (RFC 6749 §4.4)",
                    ));
                }
                scope_param(scopes)?
            }
            Grant::TokenExchange(exchange) => {
                form.push(("subject_token", exchange.subject_token.expose()));
                form.push(("subject_token_type", &exchange.subject_token_type));
                match (&exchange.actor_token, &exchange.actor_token_type) {
                    (Some(token), Some(kind)) => {
                        form.push(("actor_token", token.expose()));
                        form.push(("actor_token_type", kind));
                    }
                    (Some(_), None) => {
                        return Err(Error::new(
                            ErrorKind::InvalidConfig,
                            "actor_token_type is required with an actor_token (RFC 8693 §2.1)",
                        ));
                    }
                    (None, _) => {}
                }
                if let Some(kind) = &exchange.requested_token_type {
                    form.push(("requested_token_type", kind));
                }
                for audience in &exchange.audiences {
                    form.push(("audience", audience));
                }
                scope_param(&exchange.scopes)?
            }
        };
        if let Some(scope) = &scope {
            form.push(("scope", scope));
        }
        for resource in &self.resources {
            form.push(("resource", resource));
        }
        for (k, v) in &self.extra_params {
            form.push((k, v));
        }
        Ok(self
            .client_auth
            .post_form(self.token_endpoint.clone(), &self.client_id, &form))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;

    use super::*;

    fn form(request: &HttpRequest) -> Vec<(String, String)> {
        url::form_urlencoded::parse(&request.body)
            .into_owned()
            .collect()
    }

    fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Vec<&'a str> {
        pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    #[test]
    fn extra_params_cannot_override_reserved_ones() {
        let mut token = TokenRequest::new(
            "https://a.example/token",
            "c",
            Grant::ClientCredentials { scopes: vec![] },
        );
        token.client_auth = ClientAuth::ClientSecretPost("s".into());
        for name in ["client_secret", "grant_type", "scope", "audience"] {
            token.extra_params = vec![(name.into(), "x".into())];
            assert_eq!(
                token.http_request().unwrap_err().kind(),
                ErrorKind::InvalidConfig,
                "{name}"
            );
        }
    }

    #[test]
    fn rfc6749_s4_1_3_authorization_code_with_pkce_verifier_public_client() {
        let verifier = PkceVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
        let request = TokenRequest::new(
            "https://oauth2.googleapis.com/token",
            "client-1",
            Grant::AuthorizationCode {
                code: "SplxlOBeZQQYbYS6WxSbIA".into(),
                redirect_uri: "https://client.example.com/cb".into(),
                pkce_verifier: Some(verifier),
            },
        );
        let http = request.http_request().unwrap();
        assert_eq!(http.method.as_str(), "POST");
        assert_eq!(http.url, "https://oauth2.googleapis.com/token");
        assert_eq!(
            http.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        assert_eq!(http.header("accept"), Some("application/json"));
        assert_eq!(http.header("authorization"), None);
        assert_eq!(
            String::from_utf8(http.body).unwrap(),
            "grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA\
             &redirect_uri=https%3A%2F%2Fclient.example.com%2Fcb\
             &code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk&client_id=client-1"
        );
    }

    #[test]
    fn rfc6749_s2_3_1_basic_form_encodes_before_base64() {
        let mut request = TokenRequest::new(
            "https://server.example.com/token",
            "s6BhdRkqt3",
            Grant::RefreshToken {
                refresh_token: "tGzv3JOkF0XG5Qx2TlKWIA".into(),
                scopes: vec![],
            },
        );
        // RFC 6749 §2.3.1's own example credentials: nothing to encode.
        request.client_auth = ClientAuth::ClientSecretBasic("gX1fBat3bV".into());
        let http = request.http_request().unwrap();
        assert_eq!(
            http.header("authorization"),
            Some("Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW")
        );
        let pairs = form(&http);
        assert!(param(&pairs, "client_id").is_empty());
        assert_eq!(param(&pairs, "refresh_token"), ["tGzv3JOkF0XG5Qx2TlKWIA"]);

        // A secret with reserved characters: `a:b c%/+` is sent as `a%3Ab+c%25%2F%2B`.
        request.client_id = "my client".into();
        request.client_auth = ClientAuth::ClientSecretBasic("a:b c%/+".into());
        let http = request.http_request().unwrap();
        let value = http
            .header("authorization")
            .unwrap()
            .strip_prefix("Basic ")
            .unwrap();
        let decoded = String::from_utf8(STANDARD.decode(value).unwrap()).unwrap();
        assert_eq!(decoded, "my+client:a%3Ab+c%25%2F%2B");
    }

    #[test]
    fn client_secret_post_puts_credentials_in_body() {
        let mut request = TokenRequest::new(
            "https://github.com/login/oauth/access_token",
            "Iv1.abc",
            Grant::RefreshToken {
                refresh_token: "ghr_x".into(),
                scopes: vec!["repo".into()],
            },
        );
        request.client_auth = ClientAuth::ClientSecretPost("sec ret".into());
        assert_eq!(request.client_auth.method(), "client_secret_post");
        let http = request.http_request().unwrap();
        let pairs = form(&http);
        assert_eq!(param(&pairs, "grant_type"), ["refresh_token"]);
        assert_eq!(param(&pairs, "scope"), ["repo"]);
        assert_eq!(param(&pairs, "client_id"), ["Iv1.abc"]);
        assert_eq!(param(&pairs, "client_secret"), ["sec ret"]);
        assert_eq!(http.header("authorization"), None);
    }

    #[test]
    fn rfc6749_s4_4_client_credentials_needs_a_secret() {
        let mut request = TokenRequest::new(
            "https://idp.example.com/token",
            "svc",
            Grant::ClientCredentials {
                scopes: vec!["read".into(), "write".into()],
            },
        );
        assert_eq!(
            request.http_request().unwrap_err().kind(),
            ErrorKind::InvalidConfig
        );
        request.client_auth = ClientAuth::ClientSecretBasic("s".into());
        request.resources = vec!["https://api.example.com/".into()];
        let pairs = form(&request.http_request().unwrap());
        assert_eq!(param(&pairs, "grant_type"), ["client_credentials"]);
        assert_eq!(param(&pairs, "scope"), ["read write"]);
        assert_eq!(param(&pairs, "resource"), ["https://api.example.com/"]);
    }

    #[test]
    fn rfc8693_s2_3_token_exchange_example() {
        // RFC 8693 §2.3: exchange an access token for one aimed at a backend resource.
        let mut exchange = TokenExchange::new("accVkjcJyb4BWCxGsndESCJQbdFMogUC5PbRDqceLTC");
        exchange.audiences = vec!["urn:example:cooperation-context".into()];
        let mut request = TokenRequest::new(
            "https://as.example.com/token",
            "mcp-server",
            Grant::TokenExchange(exchange.clone()),
        );
        request.client_auth = ClientAuth::ClientSecretBasic("s".into());
        request.resources = vec!["https://backend.example.com/api".into()];
        let pairs = form(&request.http_request().unwrap());
        assert_eq!(param(&pairs, "grant_type"), [TokenExchange::GRANT_TYPE]);
        assert_eq!(
            param(&pairs, "subject_token"),
            ["accVkjcJyb4BWCxGsndESCJQbdFMogUC5PbRDqceLTC"]
        );
        assert_eq!(
            param(&pairs, "subject_token_type"),
            [TokenExchange::ACCESS_TOKEN]
        );
        assert_eq!(
            param(&pairs, "audience"),
            ["urn:example:cooperation-context"]
        );
        assert_eq!(
            param(&pairs, "resource"),
            ["https://backend.example.com/api"]
        );

        exchange.actor_token = Some("act".into());
        request.grant = Grant::TokenExchange(exchange.clone());
        assert_eq!(
            request.http_request().unwrap_err().kind(),
            ErrorKind::InvalidConfig
        );
        exchange.actor_token_type = Some(TokenExchange::JWT.into());
        exchange.requested_token_type = Some(TokenExchange::ACCESS_TOKEN.into());
        exchange.scopes = vec!["read".into()];
        request.grant = Grant::TokenExchange(exchange);
        let pairs = form(&request.http_request().unwrap());
        assert_eq!(param(&pairs, "actor_token"), ["act"]);
        assert_eq!(param(&pairs, "actor_token_type"), [TokenExchange::JWT]);
        assert_eq!(
            param(&pairs, "requested_token_type"),
            [TokenExchange::ACCESS_TOKEN]
        );
        assert_eq!(param(&pairs, "scope"), ["read"]);
    }

    #[test]
    fn token_endpoint_must_be_https_or_loopback() {
        let grant = Grant::RefreshToken {
            refresh_token: "r".into(),
            scopes: vec![],
        };
        let ok = TokenRequest::new("http://127.0.0.1:8080/token", "c", grant.clone());
        assert!(ok.http_request().is_ok());
        let bad = TokenRequest::new("http://idp.example.com/token", "c", grant.clone());
        assert_eq!(
            bad.http_request().unwrap_err().kind(),
            ErrorKind::InvalidConfig
        );
        let empty_id = TokenRequest::new("https://idp.example.com/token", "", grant);
        assert_eq!(
            empty_id.http_request().unwrap_err().kind(),
            ErrorKind::InvalidConfig
        );
    }
}
