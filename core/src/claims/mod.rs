//! Claims to [`UserInfo`]: who the token speaks for, by the OpenID Connect mapping or a
//! provider preset, both plain data ([`ClaimMapping`]).
//!
//! ```
//! use mcp_bearer::claims::{ClaimMapping, UserInfo};
//!
//! let claims = serde_json::json!({
//!     "sub": "f:abc:alice",
//!     "preferred_username": "alice",
//!     "realm_access": { "roles": ["admin"] },
//!     "scope": "openid tools:read",
//! });
//! let claims = claims.as_object().cloned().unwrap_or_default();
//! let user = UserInfo::from_claims(&claims, &ClaimMapping::keycloak(None));
//! assert_eq!(user.username.as_deref(), Some("alice"));
//! assert!(user.has_role("admin") && user.has_scope("tools:read"));
//! ```

mod mapping;
mod presets;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use mapping::{ClaimMapping, ListClaim, ListFormat};
pub use presets::{ClaimPreset, cognito, entra, supabase};

use mapping::{boolean, list_values, resolve, scalar_string};

/// Who a token speaks for, read from its claims by a [`ClaimMapping`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInfo {
    /// The user (or, for client-credentials tokens, the client) id.
    pub user_id: Option<String>,
    /// The email address.
    pub email: Option<String>,
    /// Whether the provider verified the email address.
    pub email_verified: Option<bool>,
    /// The display name.
    pub name: Option<String>,
    /// The user name.
    pub username: Option<String>,
    /// The nickname.
    pub nickname: Option<String>,
    /// The picture URL.
    pub picture: Option<String>,
    /// Roles (and, for providers that authorize by group, groups).
    pub roles: Vec<String>,
    /// Permissions.
    pub permissions: Vec<String>,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// The client the token was issued to.
    pub client_id: Option<String>,
    /// The issuer.
    pub issuer: Option<String>,
    /// The tenant (Entra `tid`; Google's Workspace domain `hd`).
    pub tenant_id: Option<String>,
    /// The organization id (Auth0, Clerk and WorkOS `org_id`).
    pub organization_id: Option<String>,
    /// The organization's slug or name (Clerk `org_slug`, Auth0 `org_name`).
    pub organization_slug: Option<String>,
    /// Every top-level claim no field took whole: `exp`, `aud`, `jti`, provider metadata,
    /// custom claims. A claim read through a nested path (`realm_access.roles`) stays here
    /// too, since the rest of its object may matter.
    pub extra: Map<String, Value>,
}

impl UserInfo {
    /// Reads `claims` with `mapping`. Never fails: a claim that is missing or has an
    /// unexpected shape leaves its field empty (and stays in [`extra`](UserInfo::extra)).
    pub fn from_claims(claims: &Map<String, Value>, mapping: &ClaimMapping) -> Self {
        let mut reader = Reader {
            claims,
            taken: Vec::new(),
        };
        let mut user = UserInfo {
            user_id: reader.first(&mapping.user_id, scalar_string),
            email: reader.first(&mapping.email, scalar_string),
            email_verified: reader.first(&mapping.email_verified, boolean),
            name: reader.first(&mapping.name, scalar_string),
            username: reader.first(&mapping.username, scalar_string),
            nickname: reader.first(&mapping.nickname, scalar_string),
            picture: reader.first(&mapping.picture, scalar_string),
            roles: reader.all(&mapping.roles),
            permissions: reader.all(&mapping.permissions),
            scopes: reader.all(&mapping.scopes),
            client_id: reader.first(&mapping.client_id, scalar_string),
            issuer: reader.first(&mapping.issuer, scalar_string),
            tenant_id: reader.first(&mapping.tenant_id, scalar_string),
            organization_id: reader.first(&mapping.organization_id, scalar_string),
            organization_slug: reader.first(&mapping.organization_slug, scalar_string),
            extra: Map::new(),
        };
        user.extra = claims
            .iter()
            .filter(|(name, _)| !reader.taken.contains(&name.as_str()))
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        user
    }

    /// Whether the token grants `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// Whether the user has `role`.
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }

    /// Whether the user has `permission`.
    pub fn has_permission(&self, permission: &str) -> bool {
        self.permissions.iter().any(|p| p == permission)
    }
}

/// Reads fields and remembers which top-level claims were taken whole.
struct Reader<'a> {
    claims: &'a Map<String, Value>,
    taken: Vec<&'a str>,
}

impl<'a> Reader<'a> {
    fn first<T>(&mut self, paths: &[String], read: impl Fn(&Value) -> Option<T>) -> Option<T> {
        paths.iter().find_map(|path| {
            let (name, value) = resolve(self.claims, path)?;
            let found = read(value)?;
            self.take(name, path);
            Some(found)
        })
    }

    fn all(&mut self, claims: &[ListClaim]) -> Vec<String> {
        // No empty values, no duplicates: the list rule of `crate::scope`.
        let mut out = crate::scope::Scopes::default();
        for claim in claims {
            let Some((name, value)) = resolve(self.claims, &claim.path) else {
                continue;
            };
            let Some(values) = list_values(value, claim.format) else {
                continue;
            };
            self.take(name, &claim.path);
            values.iter().for_each(|v| out.push(v));
        }
        out.into_vec()
    }

    fn take(&mut self, name: &'a str, path: &str) {
        if name == path {
            self.taken.push(name);
        }
    }
}

#[cfg(test)]
mod preset_tests;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn oidc_default_mapping() {
        let c = claims(json!({
            "iss": "https://idp.example.com/",
            "sub": "248289761001",
            "aud": "https://mcp.example.com/mcp",
            "exp": 1_750_000_600,
            "email": "janedoe@example.com",
            "email_verified": true,
            "name": "Jane Doe",
            "preferred_username": "j.doe",
            "nickname": "JD",
            "picture": "http://example.com/janedoe/me.jpg",
            "roles": ["admin", "admin", "editor"],
            "permissions": ["read:tools"],
            "scope": "openid tools:read",
            "scp": ["tools:read", "tools:write"],
            "azp": "mcp-client",
            "custom": { "plan": "pro" }
        }));
        let u = UserInfo::from_claims(&c, &ClaimMapping::default());
        assert_eq!(u.user_id.as_deref(), Some("248289761001"));
        assert_eq!(u.email.as_deref(), Some("janedoe@example.com"));
        assert_eq!(u.email_verified, Some(true));
        assert_eq!(u.name.as_deref(), Some("Jane Doe"));
        assert_eq!(u.username.as_deref(), Some("j.doe"));
        assert_eq!(u.nickname.as_deref(), Some("JD"));
        assert_eq!(
            u.picture.as_deref(),
            Some("http://example.com/janedoe/me.jpg")
        );
        assert_eq!(u.roles, ["admin", "editor"]);
        assert_eq!(u.permissions, ["read:tools"]);
        assert_eq!(u.scopes, ["openid", "tools:read", "tools:write"]);
        assert_eq!(u.client_id.as_deref(), Some("mcp-client"));
        assert_eq!(u.issuer.as_deref(), Some("https://idp.example.com/"));
        let extra: Vec<&str> = u.extra.keys().map(String::as_str).collect();
        assert_eq!(extra, ["aud", "custom", "exp"]);
        assert!(u.has_scope("tools:write") && !u.has_scope("tools"));
        assert!(u.has_role("editor") && u.has_permission("read:tools"));
    }

    #[test]
    fn fallbacks_and_shapes() {
        // GitHub's /user: numeric `id`, `avatar_url`, no `sub`.
        let c =
            claims(json!({ "id": 583231, "login": "octocat", "avatar_url": "https://a/u/583231" }));
        let u = UserInfo::from_claims(&c, &ClaimMapping::oidc());
        assert_eq!(u.user_id.as_deref(), Some("583231"));
        assert_eq!(u.picture.as_deref(), Some("https://a/u/583231"));
        assert!(u.extra.contains_key("login"));

        // Roles that are not an array of strings are not roles; they stay in `extra`.
        let c = claims(json!({
            "sub": "u", "roles": "admin", "permissions": ["a", 1], "scope": ["x"],
            "client_id": "", "azp": "fallback-client", "email_verified": "false"
        }));
        let u = UserInfo::from_claims(&c, &ClaimMapping::oidc());
        assert!(u.roles.is_empty() && u.permissions.is_empty() && u.scopes.is_empty());
        assert_eq!(u.client_id.as_deref(), Some("fallback-client"));
        assert_eq!(u.email_verified, Some(false));
        for kept in ["roles", "permissions", "scope", "client_id"] {
            assert!(u.extra.contains_key(kept), "{kept}");
        }
        assert!(!u.extra.contains_key("azp"));

        let empty = UserInfo::from_claims(&Map::new(), &ClaimMapping::oidc());
        assert_eq!(empty, UserInfo::default());
    }

    #[test]
    fn custom_mapping_by_dotted_path() {
        let mut mapping = ClaimMapping::oidc();
        mapping.user_id = vec!["profile.id".into()];
        mapping.roles = vec![
            ListClaim::array("authz.groups"),
            ListClaim::new("role", ListFormat::StringOrArray),
        ];
        mapping.organization_id = vec!["https://example.com/org".into()];
        let c = claims(json!({
            "sub": "ignored",
            "profile": { "id": "p-1" },
            "authz": { "groups": ["g1"] },
            "role": "owner",
            "https://example.com/org": "org_1"
        }));
        let u = UserInfo::from_claims(&c, &mapping);
        assert_eq!(u.user_id.as_deref(), Some("p-1"));
        assert_eq!(u.roles, ["g1", "owner"]);
        assert_eq!(u.organization_id.as_deref(), Some("org_1"));
        assert!(u.extra.contains_key("sub") && u.extra.contains_key("profile"));
        assert!(!u.extra.contains_key("role"));
    }

    #[test]
    fn user_info_serializes_for_bindings() {
        let c = claims(json!({ "sub": "u", "scope": "a b", "x": 1 }));
        let u = UserInfo::from_claims(&c, &ClaimMapping::oidc());
        let json = serde_json::to_value(&u).unwrap();
        assert_eq!(json["user_id"], "u");
        assert_eq!(json["scopes"], json!(["a", "b"]));
        assert_eq!(json["extra"], json!({ "x": 1 }));
        let back: UserInfo = serde_json::from_value(json).unwrap();
        assert_eq!(back, u);
    }
}
