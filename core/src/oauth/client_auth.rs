//! Client authentication to an authorization server's endpoints (RFC 6749 §2.3.1): one
//! rule for the token endpoint ([`super::TokenRequest`]) and the introspection endpoint
//! ([`crate::opaque::Introspector`], RFC 7662 §2.1).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::net::HttpRequest;

use super::secret::{ClientSecret, SecretString};

/// How the client authenticates to the authorization server (RFC 6749 §2.3.1).
///
/// As data: `{"method": "none"}`, or `{"method": "client_secret_basic", "client_secret": "…"}`
/// (or `client_secret_post`), the method named as in RFC 8414 / RFC 7591.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "ClientAuthData")]
pub enum ClientAuth {
    /// A public client: `client_id` in the body, no secret. Defaults to this.
    #[default]
    None,
    /// `client_id` and `client_secret` in the form body (`client_secret_post`).
    ClientSecretPost(ClientSecret),
    /// HTTP Basic with the form-encoded id and secret (`client_secret_basic`).
    ClientSecretBasic(ClientSecret),
}

/// [`ClientAuth`] as it is written in a configuration object.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientAuthData {
    method: ClientAuthMethod,
    #[serde(default)]
    client_secret: Option<ClientSecret>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum ClientAuthMethod {
    None,
    ClientSecretPost,
    ClientSecretBasic,
}

impl TryFrom<ClientAuthData> for ClientAuth {
    type Error = &'static str;

    fn try_from(data: ClientAuthData) -> Result<Self, Self::Error> {
        match (data.method, data.client_secret) {
            (ClientAuthMethod::None, None) => Ok(ClientAuth::None),
            (ClientAuthMethod::None, Some(_)) => Err(
                "method \"none\" takes no client_secret; name client_secret_basic or \
                     client_secret_post",
            ),
            (ClientAuthMethod::ClientSecretPost, Some(secret)) if !secret.is_empty() => {
                Ok(ClientAuth::ClientSecretPost(secret))
            }
            (ClientAuthMethod::ClientSecretBasic, Some(secret)) if !secret.is_empty() => {
                Ok(ClientAuth::ClientSecretBasic(secret))
            }
            _ => Err("this method needs a non-empty client_secret"),
        }
    }
}

impl ClientAuth {
    /// The RFC 8414 / RFC 7591 name of the method: `none`, `client_secret_post` or
    /// `client_secret_basic`.
    pub fn method(&self) -> &'static str {
        match self {
            ClientAuth::None => "none",
            ClientAuth::ClientSecretPost(_) => "client_secret_post",
            ClientAuth::ClientSecretBasic(_) => "client_secret_basic",
        }
    }

    /// A form-encoded `POST` of `form` to `endpoint`, authenticated as `client_id`: the id
    /// (and for `client_secret_post` the secret) appended to the body, or for
    /// `client_secret_basic` an `Authorization: Basic` header and no id in the body.
    pub(crate) fn post_form(
        &self,
        endpoint: impl Into<String>,
        client_id: &str,
        form: &[(&str, &str)],
    ) -> HttpRequest {
        let mut form = form.to_vec();
        let basic = match self {
            ClientAuth::None => {
                form.push(("client_id", client_id));
                None
            }
            ClientAuth::ClientSecretPost(secret) => {
                form.push(("client_id", client_id));
                form.push(("client_secret", secret.expose()));
                None
            }
            ClientAuth::ClientSecretBasic(secret) => Some(basic_credentials(client_id, secret)),
        };
        let mut request = HttpRequest::post_form(endpoint, &form);
        if let Some(credentials) = basic {
            request.headers.push(("Authorization".into(), credentials));
        }
        request
    }
}

/// The `Authorization` value for `client_secret_basic`: RFC 6749 §2.3.1 form-encodes the id
/// and the secret before joining them with `:` and base64-encoding (a `:` or `%` in a secret
/// would otherwise be misread by the server).
fn basic_credentials(client_id: &str, secret: &SecretString) -> String {
    let id: String = url::form_urlencoded::byte_serialize(client_id.as_bytes()).collect();
    let secret: String = url::form_urlencoded::byte_serialize(secret.expose().as_bytes()).collect();
    format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn pairs(request: &HttpRequest) -> Vec<(String, String)> {
        url::form_urlencoded::parse(&request.body)
            .into_owned()
            .collect()
    }

    #[test]
    fn each_method_puts_the_credentials_where_rfc6749_s2_3_1_says() {
        let form = [("token", "t")];
        let endpoint = "https://as.example/introspect";

        let none = ClientAuth::None.post_form(endpoint, "c 1", &form);
        assert_eq!(
            pairs(&none),
            [
                ("token".into(), "t".into()),
                ("client_id".into(), "c 1".into())
            ]
        );
        assert_eq!(none.header("authorization"), None);

        let post = ClientAuth::ClientSecretPost("s:%".into()).post_form(endpoint, "c 1", &form);
        assert_eq!(
            pairs(&post),
            [
                ("token".into(), "t".into()),
                ("client_id".into(), "c 1".into()),
                ("client_secret".into(), "s:%".into())
            ]
        );
        assert_eq!(post.header("authorization"), None);

        let basic = ClientAuth::ClientSecretBasic("s:%".into()).post_form(endpoint, "c 1", &form);
        assert_eq!(pairs(&basic), [("token".into(), "t".into())]);
        let value = basic.header("authorization").unwrap();
        let decoded = STANDARD
            .decode(value.strip_prefix("Basic ").unwrap())
            .unwrap();
        assert_eq!(decoded, b"c+1:s%3A%25");
        assert_eq!(basic.url, endpoint);
        assert_eq!(
            basic.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
    }
}
