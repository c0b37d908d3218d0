//! The development issuer's HTTP endpoints.
//!
//! Relative to the issuer URL's path (`P`, empty by default):
//! - `GET P/.well-known/openid-configuration`, `GET /.well-known/oauth-authorization-server P`:
//!   the metadata document;
//! - `GET P/jwks.json`: the public keys (or the document set by `POST P/jwks`);
//! - `POST P/token`: a token for the JSON claims in the body (see [`DevIssuer::mint`]), or an
//!   OAuth `client_credentials` form;
//! - `POST P/rotate[?alg=ES256][&drop_old=true]`: a new signing key;
//! - `POST P/jwks[?status=N]`: serve the body as the JWKS document; `DELETE P/jwks`: undo;
//!
//! and, on the server's origin, the sample protected resource:
//! - `GET /.well-known/oauth-protected-resource/mcp`: its RFC 9728 metadata;
//! - `GET|POST /mcp[?scope=read]`: 401 with a `WWW-Authenticate` challenge without a valid
//!   token, 403 when a scope asked for in the query is missing, 200 with the claims otherwise.

use http_loopback::{Request, Response};
use mcp_bearer::Algorithm;
use mcp_bearer::metadata::{BearerChallenge, bearer_token};
use serde_json::{Map, Value, json};

use super::{DevIssuer, RESOURCE_PATH};

/// Routes one request.
pub(super) fn handle(issuer: &DevIssuer, request: &Request) -> Response {
    let prefix = issuer.route_prefix.as_str();
    let path = request.path.as_str();
    let under_issuer = path.strip_prefix(prefix).unwrap_or("\u{0}");
    let method = request.method.as_str();
    let metadata_paths = [
        format!("{prefix}/.well-known/openid-configuration"),
        format!("/.well-known/openid-configuration{prefix}"),
        format!("/.well-known/oauth-authorization-server{prefix}"),
    ];
    let resource_metadata_path = format!("/.well-known/oauth-protected-resource{RESOURCE_PATH}");
    match (method, under_issuer) {
        ("GET", _) if metadata_paths.iter().any(|p| p == path) => {
            Response::json(200, issuer.metadata_document())
        }
        ("GET", "/jwks.json") => {
            let (status, body) = issuer.jwks_response();
            Response {
                status,
                headers: vec![("Content-Type".into(), "application/json".into())],
                body,
            }
        }
        ("POST", "/token") => token(issuer, request),
        ("POST", "/rotate") => rotate(issuer, request),
        ("POST", "/jwks") => {
            let status = request
                .query_param("status")
                .and_then(|s| s.parse::<u16>().ok())
                .filter(|s| (100..=599).contains(s))
                .unwrap_or(200);
            issuer.set_jwks_override(status, request.body.clone());
            Response::json(200, json!({ "jwks_override": true, "status": status }))
        }
        ("DELETE", "/jwks") => {
            issuer.clear_jwks_override();
            Response::json(200, json!({ "jwks_override": false }))
        }
        _ if path == resource_metadata_path && method == "GET" => {
            Response::json(200, issuer.resource_metadata())
        }
        ("GET" | "POST", _) if path == RESOURCE_PATH => resource(issuer, request),
        ("GET", _) if path == "/" => Response::json(
            200,
            json!({
                "issuer": issuer.issuer(),
                "discovery": issuer.discovery_url(),
                "jwks_uri": issuer.jwks_uri(),
                "token_endpoint": issuer.token_endpoint(),
                "rotate_endpoint": issuer.rotate_endpoint(),
                "resource": issuer.resource(),
                "resource_metadata": issuer.resource_metadata_url(),
            }),
        ),
        _ => Response::oauth_error(
            404,
            "not_found",
            &format!("no endpoint {method} {path} on the development issuer"),
        ),
    }
}

fn token(issuer: &DevIssuer, request: &Request) -> Response {
    // `curl -d '{…}'` labels JSON as a form: the body's first byte decides.
    let looks_like_json = request
        .body
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{');
    let form = !looks_like_json
        && request
            .header("content-type")
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let claims = if form {
        form_claims(&request.body)
    } else if request.body.iter().all(u8::is_ascii_whitespace) {
        Ok(Map::new())
    } else {
        match serde_json::from_slice::<Value>(&request.body) {
            Ok(Value::Object(claims)) => Ok(claims),
            _ => Err("the body must be a JSON object of claims".to_owned()),
        }
    };
    match claims.and_then(|c| issuer.mint(&c)) {
        Ok(minted) => Response::json(200, &minted),
        Err(message) => Response::oauth_error(400, "invalid_request", &message),
    }
}

/// An OAuth client-credentials request (RFC 6749 §4.4) as claims: the client is the
/// subject; `resource` (RFC 8707) or `audience` is the audience.
fn form_claims(body: &[u8]) -> Result<Map<String, Value>, String> {
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    match field("grant_type").as_deref() {
        Some("client_credentials") => {}
        other => {
            return Err(format!(
                "unsupported grant_type {:?}; this issuer serves client_credentials, or JSON claims",
                other.unwrap_or("")
            ));
        }
    }
    let mut claims = Map::new();
    let client = field("client_id").unwrap_or_else(|| "dev-client".to_owned());
    claims.insert("sub".into(), json!(client));
    claims.insert("client_id".into(), json!(client));
    if let Some(scope) = field("scope") {
        claims.insert("scope".into(), json!(scope));
    }
    if let Some(aud) = field("resource").or_else(|| field("audience")) {
        claims.insert("aud".into(), json!(aud));
    }
    if let Some(ttl) = field("ttl").and_then(|t| t.parse::<i64>().ok()) {
        claims.insert("ttl".into(), json!(ttl));
    }
    Ok(claims)
}

fn rotate(issuer: &DevIssuer, request: &Request) -> Response {
    let alg = match request.query_param("alg") {
        None => None,
        Some(name) => match Algorithm::from_name(name).filter(|a| !a.is_symmetric()) {
            Some(a) => Some(a),
            None => {
                return Response::oauth_error(
                    400,
                    "invalid_request",
                    &format!("\"alg\" {name:?} is not a supported signing algorithm"),
                );
            }
        },
    };
    let drop_old = matches!(request.query_param("drop_old"), Some("true" | "1" | "yes"));
    match issuer.rotate(alg, drop_old) {
        Ok(result) => Response::json(200, &result),
        Err(e) => Response::oauth_error(500, "server_error", e.message()),
    }
}

fn resource(issuer: &DevIssuer, request: &Request) -> Response {
    let metadata = issuer.resource_metadata_url();
    let challenge = |error: &mcp_bearer::Error| {
        let challenge = BearerChallenge::from_error(error, metadata.clone());
        let body = if error.oauth_error().is_empty() {
            json!({ "error": "unauthorized", "error_description": error.message() })
        } else {
            json!({
                "error": error.oauth_error(),
                "error_description": error.message(),
                "code": error.code(),
            })
        };
        Response::json(challenge.status, &body)
            .with_header("WWW-Authenticate", &challenge.header_value())
    };
    let token = match bearer_token(request.header("authorization")) {
        Ok(token) => token,
        Err(e) => return challenge(&e),
    };
    let required: Vec<String> = request
        .query_param("scope")
        .map(|s| {
            s.split(' ')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    match issuer.verify_for_resource(token, required) {
        Ok(verified) => Response::json(
            200,
            json!({
                "sub": verified.subject(),
                "scopes": verified.scopes(),
                "client_id": verified.client_id(),
                "claims": verified.claims(),
            }),
        ),
        Err(e) => challenge(&e),
    }
}
