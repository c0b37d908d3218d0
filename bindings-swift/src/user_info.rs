//! Who a verified token is for, read with a provider's claim table (the core's `UserInfo`
//! and `ClaimPreset`).

use mcp_bearer::claims;
use serde_json::{Map, Value};

use crate::errors::{Result, invalid_config};
use crate::verifier::VerifiedToken;

/// A provider's claim table (the core's presets).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ClaimPreset {
    /// Standard OIDC claims.
    Oidc,
    /// Auth0: `permissions`, organizations, and roles from a namespaced claim.
    Auth0 {
        /// The namespaced roles claim an Action sets. Defaults to none (only `roles`).
        roles_claim: Option<String>,
    },
    /// Okta.
    Okta,
    /// Microsoft Entra ID.
    Entra,
    /// Google.
    Google,
    /// GitHub.
    GitHub,
    /// Keycloak: realm roles, and a client's roles.
    Keycloak {
        /// The client whose `resource_access` roles count. Defaults to none.
        client_id: Option<String>,
    },
    /// Clerk.
    Clerk,
    /// WorkOS.
    WorkOs,
    /// Supabase.
    Supabase,
    /// Amazon Cognito.
    Cognito,
}

impl ClaimPreset {
    fn mapping(self) -> claims::ClaimMapping {
        let preset = match self {
            ClaimPreset::Oidc => claims::ClaimPreset::Oidc,
            ClaimPreset::Auth0 { roles_claim } => claims::ClaimPreset::Auth0 { roles_claim },
            ClaimPreset::Okta => claims::ClaimPreset::Okta,
            ClaimPreset::Entra => claims::ClaimPreset::Entra,
            ClaimPreset::Google => claims::ClaimPreset::Google,
            ClaimPreset::GitHub => claims::ClaimPreset::GitHub,
            ClaimPreset::Keycloak { client_id } => claims::ClaimPreset::Keycloak { client_id },
            ClaimPreset::Clerk => claims::ClaimPreset::Clerk,
            ClaimPreset::WorkOs => claims::ClaimPreset::WorkOS,
            ClaimPreset::Supabase => claims::ClaimPreset::Supabase,
            ClaimPreset::Cognito => claims::ClaimPreset::Cognito,
        };
        preset.mapping()
    }
}

/// The user a token is for (the core's `UserInfo`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UserInfo {
    /// The user's id (`sub`, or the provider's own claim).
    pub user_id: Option<String>,
    /// The e-mail address.
    pub email: Option<String>,
    /// Whether the provider verified the e-mail address.
    pub email_verified: Option<bool>,
    /// The display name.
    pub name: Option<String>,
    /// The user name.
    pub username: Option<String>,
    /// The nickname.
    pub nickname: Option<String>,
    /// The picture URL.
    pub picture: Option<String>,
    /// The roles.
    pub roles: Vec<String>,
    /// The permissions.
    pub permissions: Vec<String>,
    /// The scopes.
    pub scopes: Vec<String>,
    /// The OAuth client the token was issued to.
    pub client_id: Option<String>,
    /// The issuer.
    pub issuer: Option<String>,
    /// The tenant (Entra `tid`, …).
    pub tenant_id: Option<String>,
    /// The organization's id.
    pub organization_id: Option<String>,
    /// The organization's slug or name.
    pub organization_slug: Option<String>,
    /// Every other claim, as a JSON object.
    pub extra_json: String,
}

/// The user of `token`, read with `preset`'s claim table. Never fails for a token this
/// library verified; a claim of an unexpected shape leaves its field empty.
#[uniffi::export]
pub fn user_info(token: VerifiedToken, preset: ClaimPreset) -> Result<UserInfo> {
    let claims: Map<String, Value> = serde_json::from_str(&token.claims_json)
        .map_err(|_| invalid_config("the token's claimsJson is not a JSON object"))?;
    let claims::UserInfo {
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
    } = claims::UserInfo::from_claims(&claims, &preset.mapping());
    Ok(UserInfo {
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
        extra_json: Value::Object(extra).to_string(),
    })
}
