//! The caller's configuration object, from JavaScript's camelCase names to the core's
//! snake_case ones. The one conversion: no member is added, dropped or given a default here
//! (members whose value is `undefined` or `null` are left out, which the core reads as
//! absent), and the inline JWKS (`jwks`) is passed through untouched.

use serde_json::{Map, Value};

/// `value` with every object member name in snake_case, recursively, except inside the
/// member `jwks` (JWK member names are the RFC's).
pub(crate) fn to_core(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(object_to_core(map)),
        other => other,
    }
}

fn object_to_core(map: Map<String, Value>) -> Map<String, Value> {
    map.into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(name, v)| {
            let name = snake_case(&name);
            let v = if name == "jwks" { v } else { to_core(v) };
            (name, v)
        })
        .collect()
}

/// `jwksUrl` → `jwks_url`, `sharedSecretB64u` → `shared_secret_b64u`; snake_case names stay.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_snake_case_except_inside_the_jwks() {
        let js = serde_json::json!({
            "jwksUrl": "https://idp.example.com/jwks",
            "dangerousAcceptAnyAudience": true,
            "remoteJwks": { "maxAge": 60, "dangerousAllowInsecureHttp": null },
            "requiredClaims": ["someClaim"],
            "jwks": { "keys": [{ "x5t#S256": "a", "key_ops": ["verify"] }] },
            "leeway": null,
        });
        assert_eq!(
            to_core(js),
            serde_json::json!({
                "jwks_url": "https://idp.example.com/jwks",
                "dangerous_accept_any_audience": true,
                "remote_jwks": { "max_age": 60 },
                "required_claims": ["someClaim"],
                "jwks": { "keys": [{ "x5t#S256": "a", "key_ops": ["verify"] }] },
            })
        );
    }
}
