//! Token endpoint answers for JavaScript: the core's `TokenResponse` read from a response
//! the host received with `fetch`, and the upstream token set (`UpstreamTokens`) a proxy keeps
//! per user and refreshes. The tokens sit behind getters; `toJSON()` leaves them out. And
//! the RFC 9207 check of the `iss` on the upstream's redirect back to the proxy.

use mcp_bearer::net::HttpResponse;
use mcp_bearer::oauth::{
    DEFAULT_REFRESH_MARGIN_SECS, SecretString, TokenResponse as CoreTokenResponse,
    UpstreamTokens as CoreUpstreamTokens,
};
use napi::Env;
use napi::bindgen_prelude::{Either, Uint8Array};
use napi_derive::napi;
use serde_json::{Value, json};

use crate::errors::invalid_config;
use crate::oauth::{HttpRequest, client_auth, now_secs, run};

/// An HTTP response as received: e.g. `{ status: r.status, headers:
/// Object.fromEntries(r.headers), body: await r.text() }` from `fetch`.
#[napi(object, object_to_js = false)]
pub struct HttpResponseInit {
    /// The status code.
    pub status: u32,
    /// The headers (`Content-Type` decides JSON or form). Defaults to none.
    #[napi(ts_type = "Record<string, string>")]
    pub headers: Option<Value>,
    /// The body.
    pub body: Either<String, Uint8Array>,
}

fn http_response(init: HttpResponseInit) -> mcp_bearer::Result<HttpResponse> {
    let status = u16::try_from(init.status)
        .ok()
        .filter(|s| (100..=999).contains(s))
        .ok_or_else(|| invalid_config("response.status must be an HTTP status code"))?;
    let headers = match init.headers {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(map)) => map
            .into_iter()
            .filter_map(|(k, v)| v.as_str().map(|v| (k, v.to_owned())))
            .collect(),
        Some(_) => {
            return Err(invalid_config(
                "response.headers must be an object of header names to strings (e.g. \
                 Object.fromEntries(response.headers))",
            ));
        }
    };
    let body = match init.body {
        Either::A(text) => text.into_bytes(),
        Either::B(bytes) => bytes.to_vec(),
    };
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

/// A successful token response (the core's `TokenResponse`). The tokens are getters;
/// `toJSON()` leaves them out, and `toResponseBody()` is the JSON to send to a client.
#[napi]
pub struct TokenResponse {
    inner: CoreTokenResponse,
}

#[napi]
impl TokenResponse {
    /// The access token.
    #[napi(getter)]
    pub fn access_token(&self) -> String {
        self.inner.access_token.expose().to_owned()
    }

    /// The token type as sent (`Bearer` when the upstream left it out).
    #[napi(getter)]
    pub fn token_type(&self) -> String {
        self.inner.token_type.clone()
    }

    /// Seconds the access token lives, when the upstream says.
    #[napi(getter)]
    pub fn expires_in(&self) -> Option<f64> {
        self.inner.expires_in.map(|s| s as f64)
    }

    /// The refresh token, when one was issued.
    #[napi(getter)]
    pub fn refresh_token(&self) -> Option<String> {
        self.inner
            .refresh_token
            .as_ref()
            .map(|t| t.expose().to_owned())
    }

    /// The OpenID Connect ID token, when one was issued.
    #[napi(getter)]
    pub fn id_token(&self) -> Option<String> {
        self.inner.id_token.as_ref().map(|t| t.expose().to_owned())
    }

    /// The granted scopes, when the upstream lists them.
    #[napi(getter)]
    pub fn scopes(&self) -> Option<Vec<String>> {
        self.inner.scopes.clone()
    }

    /// The type of the issued token, for a token exchange.
    #[napi(getter)]
    pub fn issued_token_type(&self) -> Option<String> {
        self.inner.issued_token_type.clone()
    }

    /// Every other member of the response.
    #[napi(getter, ts_return_type = "Record<string, unknown>")]
    pub fn extra(&self) -> Value {
        Value::Object(self.inner.extra.clone())
    }

    /// When the access token expires, in seconds since the Unix epoch, for a response
    /// received at `now` (defaults to the system clock).
    #[napi]
    pub fn expires_at(&self, env: Env, now: Option<f64>) -> napi::Result<Option<f64>> {
        run(&env, || {
            Ok(self.inner.expires_at(now_secs(now)?).map(|s| s as f64))
        })
    }

    /// The response as RFC 6749 §5.1 JSON, for a proxy answering its own client: it holds
    /// the tokens; send it, never log it.
    #[napi]
    pub fn to_response_body(&self) -> String {
        self.inner.to_json()
    }

    /// A view for logs without the tokens: `tokenType`, `expiresIn`, `scopes`,
    /// `issuedTokenType`, which tokens are present, and the names of the other members.
    #[napi(js_name = "toJSON", ts_return_type = "Record<string, unknown>")]
    pub fn to_json(&self) -> Value {
        let r = &self.inner;
        json!({
            "tokenType": r.token_type,
            "expiresIn": r.expires_in,
            "scopes": r.scopes,
            "issuedTokenType": r.issued_token_type,
            "hasRefreshToken": r.refresh_token.is_some(),
            "hasIdToken": r.id_token.is_some(),
            "extra": r.extra.keys().collect::<Vec<_>>(),
        })
    }
}

/// Reads a token endpoint's answer (the core's `TokenResponse::parse`): JSON, or the form
/// encoding GitHub answers with. Throws `ERR_OAUTH_UPSTREAM` when the upstream answered with
/// an OAuth error (relayed in `upstreamError`, `upstreamErrorDescription`, `upstreamErrorUri`
/// with its status in `httpStatus`), with another non-2xx status, or with a body that is not
/// a token response.
#[napi]
pub fn parse_token_response(env: Env, response: HttpResponseInit) -> napi::Result<TokenResponse> {
    run(&env, || {
        let response = http_response(response)?;
        CoreTokenResponse::parse(&response).map(|inner| TokenResponse { inner })
    })
}

/// A stored upstream token set, to restore an `UpstreamTokens`.
#[napi(object, object_to_js = false)]
pub struct UpstreamTokensInit {
    /// The upstream access token.
    pub access_token: String,
    /// The token type (`Bearer`).
    pub token_type: String,
    /// The ID token. Defaults to none.
    pub id_token: Option<String>,
    /// The refresh token. Defaults to none.
    pub refresh_token: Option<String>,
    /// When the access token expires, in seconds since the Unix epoch. Defaults to unknown.
    pub expires_at: Option<f64>,
    /// The granted scopes. Defaults to none.
    pub scopes: Option<Vec<String>>,
}

/// Where and how to refresh an upstream token set.
#[napi(object, object_to_js = false)]
pub struct RefreshOptions {
    /// The upstream token endpoint.
    pub token_endpoint: String,
    /// The client id registered with the upstream.
    pub client_id: String,
    /// As `tokenRequest`'s `clientAuth`. Defaults to a public client (`none`).
    #[napi(
        ts_type = "{ method: 'none' } | { method: 'client_secret_basic' | 'client_secret_post', clientSecret: string }"
    )]
    pub client_auth: Option<Value>,
    /// Allow a plain `http` endpoint on a host that is not loopback. Defaults to `false`.
    pub dangerous_allow_insecure_http: Option<bool>,
}

/// The tokens the upstream provider issued for one user (the core's `UpstreamTokens`), kept
/// by the host so tools can call the provider's APIs, and refreshed before they expire.
/// `toJSON()` leaves the tokens out.
#[napi]
pub struct UpstreamTokens {
    inner: CoreUpstreamTokens,
}

#[napi]
impl UpstreamTokens {
    /// Restores a token set kept by the host.
    #[napi(constructor)]
    pub fn new(env: Env, init: UpstreamTokensInit) -> napi::Result<Self> {
        run(&env, || {
            let expires_at = match init.expires_at {
                None => None,
                Some(t) => Some(now_secs(Some(t)).map_err(|_| {
                    invalid_config("expiresAt must be a time in seconds since the Unix epoch")
                })?),
            };
            Ok(UpstreamTokens {
                inner: CoreUpstreamTokens {
                    access_token: SecretString::new(init.access_token),
                    token_type: init.token_type,
                    id_token: init.id_token.map(SecretString::new),
                    refresh_token: init.refresh_token.map(SecretString::new),
                    expires_at,
                    scopes: init.scopes.unwrap_or_default(),
                },
            })
        })
    }

    /// The token set of `response`, received at `now` (defaults to the system clock).
    #[napi(factory)]
    pub fn from_response(
        env: Env,
        response: &TokenResponse,
        now: Option<f64>,
    ) -> napi::Result<Self> {
        run(&env, || {
            Ok(UpstreamTokens {
                inner: CoreUpstreamTokens::from_response(&response.inner, now_secs(now)?),
            })
        })
    }

    /// The upstream access token.
    #[napi(getter)]
    pub fn access_token(&self) -> String {
        self.inner.access_token.expose().to_owned()
    }

    /// The token type.
    #[napi(getter)]
    pub fn token_type(&self) -> String {
        self.inner.token_type.clone()
    }

    /// The ID token, when the provider issued one.
    #[napi(getter)]
    pub fn id_token(&self) -> Option<String> {
        self.inner.id_token.as_ref().map(|t| t.expose().to_owned())
    }

    /// The refresh token, when the provider issued one.
    #[napi(getter)]
    pub fn refresh_token(&self) -> Option<String> {
        self.inner
            .refresh_token
            .as_ref()
            .map(|t| t.expose().to_owned())
    }

    /// When the access token expires (seconds since the Unix epoch), when known.
    #[napi(getter)]
    pub fn expires_at(&self) -> Option<f64> {
        self.inner.expires_at.map(|s| s as f64)
    }

    /// The granted scopes.
    #[napi(getter)]
    pub fn scopes(&self) -> Vec<String> {
        self.inner.scopes.clone()
    }

    /// Whether the access token expires within `marginSecs` of `now` and can be refreshed.
    /// `now` defaults to the system clock, `marginSecs` to the core's 60 s.
    #[napi]
    pub fn needs_refresh(
        &self,
        env: Env,
        now: Option<f64>,
        margin_secs: Option<f64>,
    ) -> napi::Result<bool> {
        run(&env, || {
            let margin = match margin_secs {
                None => DEFAULT_REFRESH_MARGIN_SECS,
                Some(m) if m.is_finite() && m >= 0.0 => m as u64,
                Some(_) => return Err(invalid_config("marginSecs must be a number of seconds")),
            };
            Ok(self.inner.needs_refresh(now_secs(now)?, margin))
        })
    }

    /// The refresh request (RFC 6749 §6) for this set. Throws `ERR_INVALID_REQUEST` when the
    /// provider issued no refresh token.
    #[napi]
    pub fn refresh_request(&self, env: Env, options: RefreshOptions) -> napi::Result<HttpRequest> {
        run(&env, || {
            let mut request = self.inner.refresh_request(
                &options.token_endpoint,
                &options.client_id,
                client_auth(options.client_auth)?,
            )?;
            if let Some(dangerous) = options.dangerous_allow_insecure_http {
                request.dangerous_allow_insecure_http = dangerous;
            }
            request.http_request().map(HttpRequest::from)
        })
    }

    /// The set after a refresh answered with `response` at `now` (defaults to the system
    /// clock): a refresh token, ID token or scopes the response leaves out are kept.
    #[napi]
    pub fn refreshed(
        &self,
        env: Env,
        response: &TokenResponse,
        now: Option<f64>,
    ) -> napi::Result<UpstreamTokens> {
        run(&env, || {
            Ok(UpstreamTokens {
                inner: self.inner.refreshed(&response.inner, now_secs(now)?),
            })
        })
    }

    /// A view for logs without the tokens.
    #[napi(js_name = "toJSON", ts_return_type = "Record<string, unknown>")]
    pub fn to_json(&self) -> Value {
        let t = &self.inner;
        json!({
            "tokenType": t.token_type,
            "expiresAt": t.expires_at,
            "scopes": t.scopes,
            "hasRefreshToken": t.refresh_token.is_some(),
            "hasIdToken": t.id_token.is_some(),
        })
    }
}

/// Checks the `iss` parameter of the upstream's redirect to the proxy's callback against the
/// upstream's `issuer` (RFC 9207 §2.4; the core's `check_authorization_response_issuer`),
/// before the code is redeemed: when present it must equal `issuer` exactly, and when
/// `required` (the upstream's metadata says `authorization_response_iss_parameter_supported`)
/// it must be present. Throws `ERR_INVALID_REQUEST` (`invalid_request`, reason `iss`)
/// otherwise: the response may come from another authorization server (a mix-up).
#[napi(ts_args_type = "iss: string | undefined | null, issuer: string, required: boolean")]
pub fn check_authorization_response_issuer(
    env: Env,
    iss: Option<String>,
    issuer: String,
    required: bool,
) -> napi::Result<()> {
    run(&env, || {
        mcp_bearer::oauth::check_authorization_response_issuer(iss.as_deref(), &issuer, required)
    })
}
