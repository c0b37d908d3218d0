//! Provider presets: each a [`ClaimMapping`] built from that provider's documented claims,
//! plus the issuer and audience helpers some providers need.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::{Error, ErrorKind, Result};

use super::mapping::{ClaimMapping, ListClaim, ListFormat, paths};

/// A provider preset by name, for bindings and configuration files
/// (`{"provider": "keycloak", "client_id": "mcp"}`); read configuration with
/// [`ClaimPreset::from_value`], which also refuses a member a preset without options does
/// not take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "provider", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClaimPreset {
    /// [`ClaimMapping::oidc`].
    Oidc,
    /// [`ClaimMapping::auth0`].
    Auth0 {
        /// The namespaced roles claim. Defaults to none (only `roles`).
        #[serde(default)]
        roles_claim: Option<String>,
    },
    /// [`ClaimMapping::okta`].
    Okta,
    /// [`ClaimMapping::entra`].
    Entra,
    /// [`ClaimMapping::google`].
    Google,
    /// [`ClaimMapping::github`].
    #[serde(rename = "github")]
    GitHub,
    /// [`ClaimMapping::keycloak`].
    Keycloak {
        /// The client whose `resource_access` roles count. Defaults to none (realm roles
        /// only).
        #[serde(default)]
        client_id: Option<String>,
    },
    /// [`ClaimMapping::clerk`].
    Clerk,
    /// [`ClaimMapping::workos`].
    #[serde(rename = "workos")]
    WorkOS,
    /// [`ClaimMapping::supabase`].
    Supabase,
    /// [`ClaimMapping::cognito`].
    Cognito,
}

impl ClaimPreset {
    /// Reads a preset from configuration: a provider name (`"okta"`) or an object
    /// (`{"provider": "keycloak", "client_id": "mcp"}`).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] for an unknown provider, a member of the wrong type, or a
    /// member the provider does not take (serde alone ignores extra members of a preset
    /// without options, so a misspelt option would be dropped silently).
    pub fn from_value(value: Value) -> Result<Self> {
        let value = match value {
            Value::String(provider) => json!({ "provider": provider }),
            other => other,
        };
        let preset: ClaimPreset = crate::config::from_value("ClaimPreset", value.clone())?;
        // Every member the preset has appears when it is written back (`null` when unset).
        let written = serde_json::to_value(&preset).unwrap_or(Value::Null);
        if let (Value::Object(given), Value::Object(known)) = (&value, &written)
            && let Some(extra) = given.keys().find(|k| !known.contains_key(k.as_str()))
        {
            let takes: Vec<&str> = known
                .keys()
                .map(String::as_str)
                .filter(|k| *k != "provider")
                .collect();
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                format!(
                    "ClaimPreset: the {} preset has no member {extra:?} (it takes {})",
                    known.get("provider").and_then(Value::as_str).unwrap_or("?"),
                    if takes.is_empty() {
                        "none".to_owned()
                    } else {
                        takes.join(", ")
                    }
                ),
            ));
        }
        Ok(preset)
    }

    /// The preset's mapping.
    pub fn mapping(&self) -> ClaimMapping {
        match self {
            ClaimPreset::Oidc => ClaimMapping::oidc(),
            ClaimPreset::Auth0 { roles_claim } => ClaimMapping::auth0(roles_claim.as_deref()),
            ClaimPreset::Okta => ClaimMapping::okta(),
            ClaimPreset::Entra => ClaimMapping::entra(),
            ClaimPreset::Google => ClaimMapping::google(),
            ClaimPreset::GitHub => ClaimMapping::github(),
            ClaimPreset::Keycloak { client_id } => ClaimMapping::keycloak(client_id.as_deref()),
            ClaimPreset::Clerk => ClaimMapping::clerk(),
            ClaimPreset::WorkOS => ClaimMapping::workos(),
            ClaimPreset::Supabase => ClaimMapping::supabase(),
            ClaimPreset::Cognito => ClaimMapping::cognito(),
        }
    }
}

impl ClaimMapping {
    /// Auth0: the OIDC mapping, `permissions` (RBAC with "Add Permissions in the Access
    /// Token"), Organizations' `org_id` and `org_name`, and roles from `roles_claim`, the
    /// namespaced claim an Action sets (e.g. `https://example.com/roles`), when given.
    pub fn auth0(roles_claim: Option<&str>) -> Self {
        let mut m = ClaimMapping::oidc();
        if let Some(claim) = roles_claim {
            m.roles.insert(0, ListClaim::array(claim));
        }
        m.organization_id = paths(&["org_id"]);
        m.organization_slug = paths(&["org_name"]);
        m
    }

    /// Okta: the user id from `uid` (access tokens put the login in `sub`), roles from
    /// `groups` (the usual groups claim), scopes from the `scp` array, the client from `cid`.
    pub fn okta() -> Self {
        ClaimMapping {
            user_id: paths(&["uid", "sub"]),
            roles: vec![ListClaim::array("groups"), ListClaim::array("roles")],
            scopes: vec![
                ListClaim::new("scp", ListFormat::SpaceSeparatedOrArray),
                ListClaim::new("scope", ListFormat::SpaceSeparated),
            ],
            client_id: paths(&["cid", "client_id", "azp"]),
            ..ClaimMapping::oidc()
        }
    }

    /// Microsoft Entra ID, v1 and v2 tokens: the user id from `oid` (`sub` is pairwise per
    /// application), the user name from `preferred_username` (v2) or `upn`/`unique_name`
    /// (v1), app `roles`, delegated scopes from the `scp` string, the client from `azp` (v2)
    /// or `appid` (v1), the tenant from `tid`. See [`entra`] for issuers and audiences.
    pub fn entra() -> Self {
        ClaimMapping {
            user_id: paths(&["oid", "sub"]),
            username: paths(&["preferred_username", "upn", "unique_name"]),
            roles: vec![ListClaim::array("roles")],
            scopes: vec![ListClaim::new("scp", ListFormat::SpaceSeparatedOrArray)],
            client_id: paths(&["azp", "appid"]),
            tenant_id: paths(&["tid"]),
            ..ClaimMapping::oidc()
        }
    }

    /// Google ID tokens and userinfo: the OIDC mapping with the Workspace domain `hd` as the
    /// tenant. (Google access tokens are opaque; verify them through userinfo.)
    pub fn google() -> Self {
        ClaimMapping {
            tenant_id: paths(&["hd"]),
            ..ClaimMapping::oidc()
        }
    }

    /// GitHub's `/user` document: numeric `id`, `login`, `avatar_url`.
    pub fn github() -> Self {
        ClaimMapping {
            user_id: paths(&["id", "sub"]),
            username: paths(&["login"]),
            ..ClaimMapping::oidc()
        }
    }

    /// Keycloak: realm roles from `realm_access.roles` and, when `client_id` is given, that
    /// client's roles from `resource_access.<client_id>.roles`.
    pub fn keycloak(client_id: Option<&str>) -> Self {
        let mut roles = vec![ListClaim::array("realm_access.roles")];
        if let Some(client) = client_id {
            roles.push(ListClaim::array(format!("resource_access.{client}.roles")));
        }
        ClaimMapping {
            roles,
            ..ClaimMapping::oidc()
        }
    }

    /// Clerk session tokens, version 1 (`org_id`, `org_slug`, `org_role`,
    /// `org_permissions`) and version 2 (the `o` object: `o.id`, `o.slg`, `o.rol`). Version
    /// 2's compact permission encoding (`o.per` with `o.fpm`) is left in `extra`. `azp` is
    /// the browser origin in Clerk tokens, not a client, so only `client_id` is read.
    pub fn clerk() -> Self {
        ClaimMapping {
            roles: vec![
                ListClaim::new("org_role", ListFormat::StringOrArray),
                ListClaim::new("o.rol", ListFormat::StringOrArray),
            ],
            permissions: vec![ListClaim::array("org_permissions")],
            client_id: paths(&["client_id"]),
            organization_id: paths(&["org_id", "o.id"]),
            organization_slug: paths(&["org_slug", "o.slg"]),
            ..ClaimMapping::oidc()
        }
    }

    /// WorkOS AuthKit: `org_id`, `roles` (or the single `role`), `permissions`, and for
    /// Connect (MCP) tokens `client_id` and `scope`.
    pub fn workos() -> Self {
        ClaimMapping {
            roles: vec![
                ListClaim::array("roles"),
                ListClaim::new("role", ListFormat::StringOrArray),
            ],
            organization_id: paths(&["org_id"]),
            ..ClaimMapping::oidc()
        }
    }

    /// Supabase Auth: the Postgres `role` (`authenticated`, `anon`, …) as a role, and the
    /// profile from `user_metadata` as OAuth sign-ins fill it (`full_name`, `avatar_url`,
    /// `user_name`); `app_metadata` and `user_metadata` stay in `extra`. See [`supabase`]
    /// for the issuer and audience.
    pub fn supabase() -> Self {
        ClaimMapping {
            name: paths(&["user_metadata.full_name", "user_metadata.name", "name"]),
            username: paths(&[
                "user_metadata.user_name",
                "user_metadata.preferred_username",
            ]),
            picture: paths(&["user_metadata.avatar_url", "user_metadata.picture"]),
            email_verified: paths(&["user_metadata.email_verified", "email_verified"]),
            roles: vec![ListClaim::new("role", ListFormat::StringOrArray)],
            ..ClaimMapping::oidc()
        }
    }

    /// Amazon Cognito user pools: roles from `cognito:groups`, the user name from `username`
    /// (access tokens) or `cognito:username` (ID tokens), scopes from `scope`, the client
    /// from `client_id` (access tokens carry no `aud`) or `aud` (ID tokens). See [`cognito`]
    /// for the issuer.
    pub fn cognito() -> Self {
        ClaimMapping {
            username: paths(&["username", "cognito:username"]),
            roles: vec![ListClaim::array("cognito:groups")],
            scopes: vec![ListClaim::new("scope", ListFormat::SpaceSeparated)],
            client_id: paths(&["client_id", "aud"]),
            ..ClaimMapping::oidc()
        }
    }
}

/// Microsoft Entra ID issuers and audiences.
pub mod entra {
    /// The issuers of a tenant's tokens: v1 (`https://sts.windows.net/{tid}/`) and v2
    /// (`https://login.microsoftonline.com/{tid}/v2.0`). Which one a token carries depends on
    /// the API's `accessTokenAcceptedVersion`, not on the endpoint the client used.
    pub fn issuers(tenant_id: &str) -> [String; 2] {
        [
            format!("https://sts.windows.net/{tenant_id}/"),
            format!("https://login.microsoftonline.com/{tenant_id}/v2.0"),
        ]
    }

    /// The audiences of tokens for the API registered as `client_id`: the bare client id
    /// (v2 tokens) and the default application id URI `api://{client_id}` (v1 tokens).
    pub fn audiences(client_id: &str) -> [String; 2] {
        [client_id.to_owned(), format!("api://{client_id}")]
    }

    /// The tenant id in a v1 or v2 issuer, e.g. to check it against an allowlist in a
    /// multi-tenant application (where the issuer varies with `tid`). `None` for any other
    /// issuer.
    pub fn tenant_from_issuer(issuer: &str) -> Option<&str> {
        let tenant = if let Some(rest) = issuer.strip_prefix("https://sts.windows.net/") {
            rest.strip_suffix('/')?
        } else {
            issuer
                .strip_prefix("https://login.microsoftonline.com/")?
                .strip_suffix("/v2.0")?
        };
        let valid = !tenant.is_empty()
            && tenant
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        valid.then_some(tenant)
    }
}

/// Supabase Auth issuer and audience.
pub mod supabase {
    /// The audience of a signed-in user's access token.
    pub const AUDIENCE: &str = "authenticated";

    /// The issuer of a project's tokens: `https://{project_ref}.supabase.co/auth/v1`.
    pub fn issuer(project_ref: &str) -> String {
        format!("https://{project_ref}.supabase.co/auth/v1")
    }
}

/// Amazon Cognito issuer.
pub mod cognito {
    /// The issuer of a user pool's tokens:
    /// `https://cognito-idp.{region}.amazonaws.com/{user_pool_id}`.
    pub fn issuer(region: &str, user_pool_id: &str) -> String {
        format!("https://cognito-idp.{region}.amazonaws.com/{user_pool_id}")
    }
}
