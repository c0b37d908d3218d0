//! User info: the core's `UserInfo::from_claims` over a claims object, with a mapping given as
//! a preset name, a preset object or a custom `ClaimMapping`, all read by the core's serde
//! shapes (camelCase names through [`crate::config::to_core`]); and the provider helpers for
//! issuers and audiences.

use mcp_bearer::claims::{ClaimMapping, ClaimPreset, ListClaim, UserInfo as CoreUserInfo};
use napi::Env;
use napi_derive::napi;
use serde_json::{Map, Value};

use crate::errors::{guard, invalid_config, to_napi};
use crate::verifier::Verifier;

/// Who a token speaks for, read from its claims by a claim mapping (the core's `UserInfo`).
#[napi(object)]
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
    /// Every top-level claim no field took whole (`exp`, `aud`, custom claims), as sent.
    #[napi(ts_type = "Record<string, unknown>")]
    pub extra: Value,
}

impl From<CoreUserInfo> for UserInfo {
    fn from(user: CoreUserInfo) -> Self {
        // Destructured without `..`: a field added to the core's type fails this build.
        let CoreUserInfo {
            user_id,
            email,
            email_verified,
            name,
            username,
            nickname,
            picture,
            roles,
            permissions,
            scopes,
            client_id,
            issuer,
            tenant_id,
            organization_id,
            organization_slug,
            extra,
        } = user;
        UserInfo {
            user_id,
            email,
            email_verified,
            name,
            username,
            nickname,
            picture,
            roles,
            permissions,
            scopes,
            client_id,
            issuer,
            tenant_id,
            organization_id,
            organization_slug,
            extra: Value::Object(extra),
        }
    }
}

/// A claim holding several values: where it is and how it is read.
#[napi(object)]
pub struct ListClaimPath {
    /// The claim path, dotted for nested claims (`realm_access.roles`).
    pub path: String,
    /// How the value is read: only an array of strings, only a space-separated string, either,
    /// or one string as a single value or an array.
    #[napi(
        ts_type = "'array' | 'space_separated' | 'space_separated_or_array' | 'string_or_array'"
    )]
    pub format: String,
}

/// Where each `UserInfo` field is read from (the core's `ClaimMapping`): claim paths, dotted
/// for nested claims, first match wins for single values, every match for lists. As an
/// argument, every member is optional and defaults to the OpenID Connect mapping's.
#[napi(object)]
pub struct ClaimMappingObject {
    /// Defaults to `sub`, `user_id`, `id`.
    pub user_id: Vec<String>,
    /// Defaults to `email`.
    pub email: Vec<String>,
    /// Defaults to `email_verified`.
    pub email_verified: Vec<String>,
    /// Defaults to `name`.
    pub name: Vec<String>,
    /// Defaults to `username`, `preferred_username`.
    pub username: Vec<String>,
    /// Defaults to `nickname`.
    pub nickname: Vec<String>,
    /// Defaults to `picture`, `avatar_url`.
    pub picture: Vec<String>,
    /// Defaults to `roles` (an array).
    pub roles: Vec<ListClaimPath>,
    /// Defaults to `permissions` (an array).
    pub permissions: Vec<ListClaimPath>,
    /// Defaults to `scope` (space-separated) and `scp` (space-separated or an array).
    pub scopes: Vec<ListClaimPath>,
    /// Defaults to `client_id`, `azp`.
    pub client_id: Vec<String>,
    /// Defaults to `iss`.
    pub issuer: Vec<String>,
    /// Defaults to none.
    pub tenant_id: Vec<String>,
    /// Defaults to none.
    pub organization_id: Vec<String>,
    /// Defaults to none.
    pub organization_slug: Vec<String>,
}

/// The core's mapping for `mapping`: absent → the OpenID Connect mapping (the core's
/// default); a string → the preset of that name; an object with `provider` → that preset
/// with its options; any other object → a custom mapping over the OIDC one.
pub(crate) fn mapping_from_js(mapping: Option<Value>) -> mcp_bearer::Result<ClaimMapping> {
    let value = match mapping {
        None | Some(Value::Null) => return Ok(ClaimMapping::default()),
        Some(Value::String(name)) => {
            let mut preset = Map::new();
            preset.insert("provider".into(), Value::String(name));
            Value::Object(preset)
        }
        Some(other) => crate::config::to_core(other),
    };
    if value.get("provider").is_some() {
        // The core's reading: also refuses a member the preset does not take.
        ClaimPreset::from_value(value).map(|preset| preset.mapping())
    } else if value.is_object() {
        serde_json::from_value::<ClaimMapping>(value).map_err(|e| {
            invalid_config(format!(
                "the claim mapping is not a ClaimMapping (lists of claim paths; list claims as \
                 {{ path, format }}): {e}"
            ))
        })
    } else {
        Err(invalid_config(
            "the claim mapping must be a preset name, a preset object ({ provider, … }) or a \
             ClaimMapping object",
        ))
    }
}

/// The user info of `claims` read with `mapping`.
fn user_info_of(claims: &Value, mapping: Option<Value>) -> mcp_bearer::Result<UserInfo> {
    let Value::Object(claims) = claims else {
        return Err(invalid_config(
            "the claims must be an object (a token's payload, e.g. `verified.claims`)",
        ));
    };
    let mapping = mapping_from_js(mapping)?;
    Ok(CoreUserInfo::from_claims(claims, &mapping).into())
}

/// Who the token with `claims` (a JWT payload, e.g. `verified.claims`) speaks for, read with
/// `mapping`: a preset name (`"entra"`, `"cognito"`, `"supabase"`, `"keycloak"`, …), a preset
/// object (`{ provider: "keycloak", clientId: "mcp" }`, `{ provider: "auth0", rolesClaim }`)
/// or a custom mapping (`{ roles: [{ path: "realm_access.roles", format: "array" }] }`).
/// Defaults to the OpenID Connect mapping. Never fails on the claims' content: a claim that
/// is missing or has another shape leaves its field empty. Throws `ERR_INVALID_CONFIG` for a
/// mapping the core does not read.
#[napi(
    ts_args_type = "claims: Record<string, unknown>, mapping?: 'oidc' | 'auth0' | 'okta' | 'entra' | 'google' | 'github' | 'keycloak' | 'clerk' | 'workos' | 'supabase' | 'cognito' | { provider: 'oidc' | 'auth0' | 'okta' | 'entra' | 'google' | 'github' | 'keycloak' | 'clerk' | 'workos' | 'supabase' | 'cognito', rolesClaim?: string, clientId?: string } | Partial<ClaimMappingObject>"
)]
pub fn user_info(env: Env, claims: Value, mapping: Option<Value>) -> napi::Result<UserInfo> {
    guard(|| user_info_of(&claims, mapping).map_err(|e| to_napi(&env, &e)))
}

/// The mapping of a preset (a name or a preset object), to read or to adapt into a custom
/// mapping. Throws `ERR_INVALID_CONFIG` for an unknown preset.
#[napi(
    ts_args_type = "preset: 'oidc' | 'auth0' | 'okta' | 'entra' | 'google' | 'github' | 'keycloak' | 'clerk' | 'workos' | 'supabase' | 'cognito' | { provider: 'oidc' | 'auth0' | 'okta' | 'entra' | 'google' | 'github' | 'keycloak' | 'clerk' | 'workos' | 'supabase' | 'cognito', rolesClaim?: string, clientId?: string } | Partial<ClaimMappingObject>"
)]
pub fn claim_mapping(env: Env, preset: Value) -> napi::Result<ClaimMappingObject> {
    guard(|| {
        let mapping = mapping_from_js(Some(preset)).map_err(|e| to_napi(&env, &e))?;
        Ok(mapping_to_js(mapping))
    })
}

fn list_to_js(claims: Vec<ListClaim>) -> Vec<ListClaimPath> {
    claims
        .into_iter()
        .map(|claim| ListClaimPath {
            path: claim.path,
            format: serde_json::to_value(claim.format)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
        })
        .collect()
}

fn mapping_to_js(mapping: ClaimMapping) -> ClaimMappingObject {
    // Destructured without `..`: a field added to the core's type fails this build.
    let ClaimMapping {
        user_id,
        email,
        email_verified,
        name,
        username,
        nickname,
        picture,
        roles,
        permissions,
        scopes,
        client_id,
        issuer,
        tenant_id,
        organization_id,
        organization_slug,
    } = mapping;
    ClaimMappingObject {
        user_id,
        email,
        email_verified,
        name,
        username,
        nickname,
        picture,
        roles: list_to_js(roles),
        permissions: list_to_js(permissions),
        scopes: list_to_js(scopes),
        client_id,
        issuer,
        tenant_id,
        organization_id,
        organization_slug,
    }
}

/// The claims of a verified token (a `VerifiedToken` fits).
#[napi(object)]
pub struct TokenClaims {
    /// The token's claims.
    #[napi(ts_type = "Record<string, unknown>")]
    pub claims: Value,
}

#[napi]
impl Verifier {
    /// Who `verified` (a token this verifier returned) speaks for: `userInfo(verified.claims,
    /// mapping)`. `mapping` defaults to the OpenID Connect mapping.
    #[napi(
        ts_args_type = "verified: TokenClaims, mapping?: 'oidc' | 'auth0' | 'okta' | 'entra' | 'google' | 'github' | 'keycloak' | 'clerk' | 'workos' | 'supabase' | 'cognito' | { provider: 'oidc' | 'auth0' | 'okta' | 'entra' | 'google' | 'github' | 'keycloak' | 'clerk' | 'workos' | 'supabase' | 'cognito', rolesClaim?: string, clientId?: string } | Partial<ClaimMappingObject>"
    )]
    pub fn user_info(
        &self,
        env: Env,
        verified: TokenClaims,
        mapping: Option<Value>,
    ) -> napi::Result<UserInfo> {
        guard(|| user_info_of(&verified.claims, mapping).map_err(|e| to_napi(&env, &e)))
    }
}

/// The issuers of a Microsoft Entra ID tenant's tokens: v1 (`https://sts.windows.net/{tid}/`)
/// and v2 (`https://login.microsoftonline.com/{tid}/v2.0`).
#[napi]
pub fn entra_issuers(tenant_id: String) -> Vec<String> {
    mcp_bearer::claims::entra::issuers(&tenant_id).to_vec()
}

/// The audiences of Entra tokens for the API registered as `clientId`: the bare client id
/// (v2) and `api://{clientId}` (v1).
#[napi]
pub fn entra_audiences(client_id: String) -> Vec<String> {
    mcp_bearer::claims::entra::audiences(&client_id).to_vec()
}

/// The tenant id in an Entra v1 or v2 issuer; `null` for any other issuer.
#[napi]
pub fn entra_tenant_from_issuer(issuer: String) -> Option<String> {
    mcp_bearer::claims::entra::tenant_from_issuer(&issuer).map(str::to_owned)
}

/// The issuer of a Supabase project's tokens: `https://{projectRef}.supabase.co/auth/v1`.
#[napi]
pub fn supabase_issuer(project_ref: String) -> String {
    mcp_bearer::claims::supabase::issuer(&project_ref)
}

/// The audience of a signed-in Supabase user's access token: `authenticated`.
#[napi]
pub const SUPABASE_AUDIENCE: &str = mcp_bearer::claims::supabase::AUDIENCE;

/// The issuer of an Amazon Cognito user pool's tokens:
/// `https://cognito-idp.{region}.amazonaws.com/{userPoolId}`.
#[napi]
pub fn cognito_issuer(region: String, user_pool_id: String) -> String {
    mcp_bearer::claims::cognito::issuer(&region, &user_pool_id)
}
