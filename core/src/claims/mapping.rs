//! Where each [`super::UserInfo`] field comes from: a [`ClaimMapping`] of claim paths.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// How a claim holding several values is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListFormat {
    /// Only a JSON array of strings (`roles`, `permissions`, `groups`). Anything else is
    /// ignored rather than guessed at.
    Array,
    /// Only a space-separated string (`scope`, RFC 6749 §3.3, RFC 8693 §4.2): only the space
    /// character separates, as everywhere in this crate (see `VerifiedToken::scopes`).
    SpaceSeparated,
    /// A space-separated string or an array of strings (`scp`: Entra sends a string, Okta an
    /// array).
    SpaceSeparatedOrArray,
    /// One string as a single value, or an array of strings (Supabase's `role`, Clerk's
    /// `org_role`).
    StringOrArray,
}

/// A claim holding several values: its path and how to read it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListClaim {
    /// The claim path, dotted for nested claims (see [`ClaimMapping`]).
    pub path: String,
    /// How the value is read.
    pub format: ListFormat,
}

impl ListClaim {
    /// A claim read with `format`.
    pub fn new(path: impl Into<String>, format: ListFormat) -> Self {
        ListClaim {
            path: path.into(),
            format,
        }
    }

    /// A claim that must be an array of strings.
    pub fn array(path: impl Into<String>) -> Self {
        ListClaim::new(path, ListFormat::Array)
    }
}

/// Where each [`super::UserInfo`] field is read from, as data, so that every language
/// binding gets the same presets and custom mappings are plain configuration.
///
/// Paths are claim names, or dotted paths into nested objects (`realm_access.roles`). A
/// claim name that itself contains dots is found too: at each level the longest name that
/// exists wins, so Auth0's `https://example.com/roles` and Keycloak's
/// `resource_access.my.client.roles` (client `my.client`) both work.
///
/// Single-valued fields take the first path that holds a string (or an integer, for ids);
/// list fields take the values of every path, in order, without duplicates. Every field
/// defaults to the OpenID Connect mapping of [`ClaimMapping::oidc`]. A member that is not a
/// field is refused (a misspelt `roles` would otherwise leave the default, silently).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClaimMapping {
    /// The user id. Defaults to `sub`, `user_id`, `id`.
    pub user_id: Vec<String>,
    /// The email address. Defaults to `email`.
    pub email: Vec<String>,
    /// Whether the email address is verified (a boolean, or `"true"`/`"false"`). Defaults
    /// to `email_verified`.
    pub email_verified: Vec<String>,
    /// The display name. Defaults to `name`.
    pub name: Vec<String>,
    /// The user name. Defaults to `username`, `preferred_username`.
    pub username: Vec<String>,
    /// The nickname. Defaults to `nickname`.
    pub nickname: Vec<String>,
    /// The picture URL. Defaults to `picture`, `avatar_url`.
    pub picture: Vec<String>,
    /// Roles. Defaults to `roles` (an array).
    pub roles: Vec<ListClaim>,
    /// Permissions. Defaults to `permissions` (an array).
    pub permissions: Vec<ListClaim>,
    /// Scopes. Defaults to `scope` (space-separated) and `scp` (space-separated or array).
    pub scopes: Vec<ListClaim>,
    /// The client the token was issued to. Defaults to `client_id`, `azp`.
    pub client_id: Vec<String>,
    /// The issuer. Defaults to `iss`.
    pub issuer: Vec<String>,
    /// The tenant. Defaults to none.
    pub tenant_id: Vec<String>,
    /// The organization id. Defaults to none.
    pub organization_id: Vec<String>,
    /// The organization's slug or name. Defaults to none.
    pub organization_slug: Vec<String>,
}

impl Default for ClaimMapping {
    fn default() -> Self {
        ClaimMapping::oidc()
    }
}

/// Turns a list of path literals into owned strings.
pub(crate) fn paths(list: &[&str]) -> Vec<String> {
    list.iter().map(|p| (*p).to_owned()).collect()
}

impl ClaimMapping {
    /// The default OpenID Connect mapping, documented field by field on [`ClaimMapping`].
    pub fn oidc() -> Self {
        ClaimMapping {
            user_id: paths(&["sub", "user_id", "id"]),
            email: paths(&["email"]),
            email_verified: paths(&["email_verified"]),
            name: paths(&["name"]),
            username: paths(&["username", "preferred_username"]),
            nickname: paths(&["nickname"]),
            picture: paths(&["picture", "avatar_url"]),
            roles: vec![ListClaim::array("roles")],
            permissions: vec![ListClaim::array("permissions")],
            scopes: vec![
                ListClaim::new("scope", ListFormat::SpaceSeparated),
                ListClaim::new("scp", ListFormat::SpaceSeparatedOrArray),
            ],
            client_id: paths(&["client_id", "azp"]),
            issuer: paths(&["iss"]),
            tenant_id: Vec::new(),
            organization_id: Vec::new(),
            organization_slug: Vec::new(),
        }
    }
}

/// The value at `path` and the top-level claim it was found under.
pub(crate) fn resolve<'a>(
    claims: &'a Map<String, Value>,
    path: &str,
) -> Option<(&'a str, &'a Value)> {
    if let Some((name, value)) = claims.get_key_value(path) {
        return Some((name.as_str(), value));
    }
    // Longest prefix first, so a claim whose name has dots wins over a nested reading.
    for (dot, _) in path.rmatch_indices('.') {
        let (head, tail) = (&path[..dot], &path[dot + 1..]);
        if let Some((name, Value::Object(inner))) = claims.get_key_value(head)
            && let Some((_, value)) = resolve(inner, tail)
        {
            return Some((name.as_str(), value));
        }
    }
    None
}

/// A string value, or an integer written as one (GitHub's numeric `id`).
pub(crate) fn scalar_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        _ => None,
    }
}

/// A boolean, or a string `"true"`/`"false"` (some providers send strings).
pub(crate) fn boolean(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s == "true" => Some(true),
        Value::String(s) if s == "false" => Some(false),
        _ => None,
    }
}

/// The values of a list claim read with `format`, or `None` when the value has another
/// shape.
pub(crate) fn list_values(value: &Value, format: ListFormat) -> Option<Vec<String>> {
    let array = || -> Option<Vec<String>> {
        let items = value.as_array()?;
        items
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect()
    };
    let split = || {
        value
            .as_str()
            .map(|s| crate::scope::split(s).map(str::to_owned).collect())
    };
    match format {
        ListFormat::Array => array(),
        ListFormat::SpaceSeparated => split(),
        ListFormat::SpaceSeparatedOrArray => split().or_else(array),
        ListFormat::StringOrArray => match value {
            Value::String(s) if !s.is_empty() => Some(vec![s.clone()]),
            _ => array(),
        },
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn paths_resolve_nested_and_dotted_names() {
        let claims = object(json!({
            "sub": "u1",
            "realm_access": { "roles": ["admin"] },
            "https://example.com/roles": ["editor"],
            "resource_access": { "my.client": { "roles": ["viewer"] } },
            "a": { "b": 1 },
            "a.b": 2
        }));
        assert_eq!(resolve(&claims, "sub").unwrap(), ("sub", &json!("u1")));
        assert_eq!(
            resolve(&claims, "realm_access.roles").unwrap().0,
            "realm_access"
        );
        assert_eq!(
            resolve(&claims, "https://example.com/roles").unwrap().1,
            &json!(["editor"])
        );
        assert_eq!(
            resolve(&claims, "resource_access.my.client.roles")
                .unwrap()
                .1,
            &json!(["viewer"])
        );
        // The exact name wins over the nested reading.
        assert_eq!(resolve(&claims, "a.b").unwrap().1, &json!(2));
        assert!(resolve(&claims, "realm_access.missing").is_none());
        assert!(resolve(&claims, "sub.x").is_none());
    }

    #[test]
    fn list_formats_take_only_their_shapes() {
        let arr = json!(["a", "b"]);
        let mixed = json!(["a", 1]);
        let text = json!("a b  c");
        assert_eq!(list_values(&arr, ListFormat::Array).unwrap(), ["a", "b"]);
        assert!(list_values(&mixed, ListFormat::Array).is_none());
        assert!(list_values(&text, ListFormat::Array).is_none());
        assert_eq!(
            list_values(&text, ListFormat::SpaceSeparated).unwrap(),
            ["a", "b", "c"]
        );
        assert!(list_values(&arr, ListFormat::SpaceSeparated).is_none());
        assert_eq!(
            list_values(&arr, ListFormat::SpaceSeparatedOrArray).unwrap(),
            ["a", "b"]
        );
        assert_eq!(
            list_values(&text, ListFormat::StringOrArray).unwrap(),
            ["a b  c"]
        );
        assert_eq!(
            list_values(&arr, ListFormat::StringOrArray).unwrap(),
            ["a", "b"]
        );
        assert!(list_values(&json!(7), ListFormat::StringOrArray).is_none());
    }

    #[test]
    fn mapping_round_trips_through_json_with_defaults() {
        let custom: ClaimMapping = serde_json::from_value(
            json!({ "roles": [{ "path": "realm_access.roles", "format": "array" }] }),
        )
        .unwrap();
        assert_eq!(custom.roles, vec![ListClaim::array("realm_access.roles")]);
        assert_eq!(custom.user_id, ClaimMapping::oidc().user_id);
        let back: ClaimMapping =
            serde_json::from_str(&serde_json::to_string(&custom).unwrap()).unwrap();
        assert_eq!(back, custom);
    }

    /// A misspelt member is an error, not a default kept silently: in a mapping, in a list
    /// claim, and in a preset's options.
    #[test]
    fn unknown_members_are_refused() {
        use crate::claims::ClaimPreset;

        let mapping = serde_json::from_value::<ClaimMapping>(json!({ "role": ["groups"] }));
        assert!(
            mapping
                .unwrap_err()
                .to_string()
                .contains("unknown field `role`")
        );
        let list = serde_json::from_value::<ClaimMapping>(
            json!({ "roles": [{ "path": "groups", "format": "array", "sep": " " }] }),
        );
        assert!(
            list.unwrap_err()
                .to_string()
                .contains("unknown field `sep`")
        );
        let preset = serde_json::from_value::<ClaimPreset>(
            json!({ "provider": "auth0", "role_claim": "https://x/roles" }),
        );
        assert!(
            preset
                .unwrap_err()
                .to_string()
                .contains("unknown field `role_claim`")
        );
        // serde alone ignores members of a preset without options; `from_value` does not.
        let err = ClaimPreset::from_value(json!({ "provider": "google", "client_id": "x" }));
        let err = err.unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidConfig);
        assert!(
            err.message()
                .contains("google preset has no member \"client_id\""),
            "{err}"
        );
        let err = ClaimPreset::from_value(json!({ "provider": "keycloak", "clientId": "x" }));
        assert!(err.unwrap_err().message().contains("clientId"));
        assert!(ClaimPreset::from_value(json!({ "provider": "nope" })).is_err());
        // What is known still reads, by name or as an object.
        let preset = ClaimPreset::from_value(
            json!({ "provider": "auth0", "roles_claim": "https://x/roles" }),
        );
        assert!(preset.is_ok());
        assert_eq!(
            ClaimPreset::from_value(json!("okta")).ok(),
            Some(ClaimPreset::Okta)
        );
        assert!(ClaimPreset::from_value(json!({ "provider": "keycloak" })).is_ok());
        let mapping = serde_json::from_value::<ClaimMapping>(
            json!({ "roles": [{ "path": "groups", "format": "array" }], "email": ["mail"] }),
        );
        assert!(mapping.is_ok());
    }
}
