//! One realistic claim set per provider, shaped after that provider's documentation, and
//! the [`UserInfo`] its preset must read from it.

#![allow(clippy::unwrap_used)]

use serde_json::{Map, Value, json};

use super::*;

struct Case {
    name: &'static str,
    mapping: ClaimMapping,
    claims: Value,
    /// The fields expected to be set; every other field must be empty.
    expected: Value,
    /// The top-level claims expected in `extra`.
    extra: &'static [&'static str],
}

fn run(cases: Vec<Case>) {
    for case in cases {
        let claims = case.claims.as_object().cloned().unwrap();
        let user = UserInfo::from_claims(&claims, &case.mapping);
        let mut expected = serde_json::to_value(UserInfo::default()).unwrap();
        for (k, v) in case.expected.as_object().unwrap() {
            assert!(expected.get(k).is_some(), "{}: no field {k}", case.name);
            expected[k] = v.clone();
        }
        let mut actual = serde_json::to_value(&user).unwrap();
        let extra = actual.as_object_mut().unwrap().remove("extra").unwrap();
        expected.as_object_mut().unwrap().remove("extra");
        assert_eq!(actual, expected, "{}", case.name);
        let mut extra: Vec<&str> = extra
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        extra.sort_unstable();
        let mut want = case.extra.to_vec();
        want.sort_unstable();
        assert_eq!(extra, want, "{}: extra", case.name);
    }
}

fn object(value: &Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap()
}

#[test]
fn auth0_access_tokens() {
    run(vec![
        Case {
            name: "auth0 user token with RBAC permissions, Organizations and an Action's roles",
            mapping: ClaimMapping::auth0(Some("https://mcp.example.com/roles")),
            claims: json!({
                "iss": "https://dev-abc123.us.auth0.com/",
                "sub": "auth0|64b7f0c2e1a2b3c4d5e6f708",
                "aud": ["https://mcp.example.com/mcp", "https://dev-abc123.us.auth0.com/userinfo"],
                "iat": 1_750_000_000,
                "exp": 1_750_086_400,
                "scope": "openid profile email read:tools",
                "azp": "mK3xGq8tV2wZ9yL1nP4rS6uH0jB7cD5e",
                "org_id": "org_9ybsU1dN2dKfDkBi",
                "org_name": "acme",
                "permissions": ["read:tools", "call:tools"],
                "https://mcp.example.com/roles": ["tool-admin"]
            }),
            expected: json!({
                "user_id": "auth0|64b7f0c2e1a2b3c4d5e6f708",
                "roles": ["tool-admin"],
                "permissions": ["read:tools", "call:tools"],
                "scopes": ["openid", "profile", "email", "read:tools"],
                "client_id": "mK3xGq8tV2wZ9yL1nP4rS6uH0jB7cD5e",
                "issuer": "https://dev-abc123.us.auth0.com/",
                "organization_id": "org_9ybsU1dN2dKfDkBi",
                "organization_slug": "acme"
            }),
            extra: &["aud", "exp", "iat"],
        },
        Case {
            name: "auth0 client-credentials token",
            mapping: ClaimMapping::auth0(None),
            claims: json!({
                "iss": "https://dev-abc123.us.auth0.com/",
                "sub": "mK3xGq8tV2wZ9yL1nP4rS6uH0jB7cD5e@clients",
                "aud": "https://mcp.example.com/mcp",
                "iat": 1_750_000_000,
                "exp": 1_750_086_400,
                "scope": "read:tools",
                "gty": "client-credentials",
                "azp": "mK3xGq8tV2wZ9yL1nP4rS6uH0jB7cD5e",
                "permissions": ["read:tools"]
            }),
            expected: json!({
                "user_id": "mK3xGq8tV2wZ9yL1nP4rS6uH0jB7cD5e@clients",
                "permissions": ["read:tools"],
                "scopes": ["read:tools"],
                "client_id": "mK3xGq8tV2wZ9yL1nP4rS6uH0jB7cD5e",
                "issuer": "https://dev-abc123.us.auth0.com/"
            }),
            extra: &["aud", "exp", "gty", "iat"],
        },
    ]);
}

#[test]
fn okta_access_token() {
    run(vec![Case {
        name: "okta custom authorization server access token with a groups claim",
        mapping: ClaimMapping::okta(),
        claims: json!({
            "ver": 1,
            "jti": "AT.0mP4JKAZX1iACIT4vbEDF7LpvDVjxypPMf0D7uX39RE",
            "iss": "https://dev-123456.okta.com/oauth2/default",
            "aud": "api://default",
            "iat": 1_750_000_000,
            "exp": 1_750_003_600,
            "cid": "0oaoesxtxmPf08QHk0h7",
            "uid": "00uid4BxXw6I6TV4m0g3",
            "scp": ["openid", "email", "mcp:tools"],
            "auth_time": 1_749_999_990,
            "sub": "john.doe@example.com",
            "groups": ["Everyone", "MCP Admins"]
        }),
        expected: json!({
            "user_id": "00uid4BxXw6I6TV4m0g3",
            "roles": ["Everyone", "MCP Admins"],
            "scopes": ["openid", "email", "mcp:tools"],
            "client_id": "0oaoesxtxmPf08QHk0h7",
            "issuer": "https://dev-123456.okta.com/oauth2/default"
        }),
        extra: &["aud", "auth_time", "exp", "iat", "jti", "sub", "ver"],
    }]);
}

#[test]
fn entra_v1_and_v2_access_tokens() {
    let tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    let api = "6e74172b-be56-4843-9ff4-e66a39bb12e3";
    let v1 = json!({
        "aud": format!("api://{api}"),
        "iss": format!("https://sts.windows.net/{tenant}/"),
        "iat": 1_750_000_000,
        "nbf": 1_750_000_000,
        "exp": 1_750_004_499,
        "acr": "1",
        "aio": "AVQAq/8TAAAA",
        "amr": ["pwd"],
        "appid": "75dbe77f-10a3-4e59-85fd-8c127544f17c",
        "appidacr": "0",
        "family_name": "Doe",
        "given_name": "Jane",
        "ipaddr": "203.0.113.7",
        "name": "Jane Doe",
        "oid": "00000000-0000-0000-66f3-3332eca7ea81",
        "rh": "0.ARoAv4j5cvGGr0GRqy180BHbRw.",
        "scp": "User.Read Files.Read",
        "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
        "tid": tenant,
        "unique_name": "jane@contoso.com",
        "upn": "jane@contoso.com",
        "uti": "fqiBqXLPj0eQa82S-IYFAA",
        "ver": "1.0"
    });
    let v2 = json!({
        "aud": api,
        "iss": format!("https://login.microsoftonline.com/{tenant}/v2.0"),
        "iat": 1_750_000_000,
        "nbf": 1_750_000_000,
        "exp": 1_750_004_499,
        "aio": "AWQAm/8TAAAA",
        "azp": "75dbe77f-10a3-4e59-85fd-8c127544f17c",
        "azpacr": "0",
        "name": "Jane Doe",
        "oid": "00000000-0000-0000-66f3-3332eca7ea81",
        "preferred_username": "jane@contoso.com",
        "rh": "0.ARoAv4j5cvGGr0GRqy180BHbRw.",
        "roles": ["Tools.ReadWrite.All"],
        "scp": "access_as_user",
        "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
        "tid": tenant,
        "uti": "fqiBqXLPj0eQa82S-IYFAA",
        "ver": "2.0"
    });
    run(vec![
        Case {
            name: "entra v1 access token (sts.windows.net issuer, api:// audience, upn, appid)",
            mapping: ClaimMapping::entra(),
            claims: v1.clone(),
            expected: json!({
                "user_id": "00000000-0000-0000-66f3-3332eca7ea81",
                "name": "Jane Doe",
                "username": "jane@contoso.com",
                "scopes": ["User.Read", "Files.Read"],
                "client_id": "75dbe77f-10a3-4e59-85fd-8c127544f17c",
                "issuer": format!("https://sts.windows.net/{tenant}/"),
                "tenant_id": tenant
            }),
            extra: &[
                "acr",
                "aio",
                "amr",
                "appidacr",
                "aud",
                "exp",
                "family_name",
                "given_name",
                "iat",
                "ipaddr",
                "nbf",
                "rh",
                "sub",
                "unique_name",
                "uti",
                "ver",
            ],
        },
        Case {
            name: "entra v2 access token (login.microsoftonline.com/v2.0 issuer, app roles, azp)",
            mapping: ClaimMapping::entra(),
            claims: v2.clone(),
            expected: json!({
                "user_id": "00000000-0000-0000-66f3-3332eca7ea81",
                "name": "Jane Doe",
                "username": "jane@contoso.com",
                "roles": ["Tools.ReadWrite.All"],
                "scopes": ["access_as_user"],
                "client_id": "75dbe77f-10a3-4e59-85fd-8c127544f17c",
                "issuer": format!("https://login.microsoftonline.com/{tenant}/v2.0"),
                "tenant_id": tenant
            }),
            extra: &[
                "aio", "aud", "azpacr", "exp", "iat", "nbf", "rh", "sub", "uti", "ver",
            ],
        },
    ]);
    // The helpers name exactly what these tokens carry.
    let issuers = entra::issuers(tenant);
    assert_eq!(v1["iss"], issuers[0]);
    assert_eq!(v2["iss"], issuers[1]);
    let audiences = entra::audiences(api);
    assert_eq!(v2["aud"], audiences[0]);
    assert_eq!(v1["aud"], audiences[1]);
    for token in [&v1, &v2] {
        assert_eq!(
            entra::tenant_from_issuer(token["iss"].as_str().unwrap()),
            Some(tenant)
        );
    }
    for other in [
        "https://sts.windows.net/",
        "https://login.microsoftonline.com/x/v2.0/extra",
        "https://evil.example/72f988bf/v2.0",
        "https://sts.windows.net/a/b/",
    ] {
        assert_eq!(entra::tenant_from_issuer(other), None, "{other}");
    }
}

#[test]
fn google_id_token() {
    // The example ID token payload of Google's OpenID Connect documentation.
    run(vec![Case {
        name: "google id token with hosted domain",
        mapping: ClaimMapping::google(),
        claims: json!({
            "iss": "https://accounts.google.com",
            "azp": "1234987819200.apps.googleusercontent.com",
            "aud": "1234987819200.apps.googleusercontent.com",
            "sub": "10769150350006150715113082367",
            "at_hash": "HK6E_P6Dh8Y93mRNtsDB1Q",
            "hd": "example.com",
            "email": "jsmith@example.com",
            "email_verified": true,
            "iat": 1_353_601_026,
            "exp": 1_353_604_926,
            "nonce": "0394852-3190485-2490358",
            "name": "John Smith",
            "given_name": "John",
            "family_name": "Smith",
            "picture": "https://lh3.googleusercontent.com/a/ACg8ocJ"
        }),
        expected: json!({
            "user_id": "10769150350006150715113082367",
            "email": "jsmith@example.com",
            "email_verified": true,
            "name": "John Smith",
            "picture": "https://lh3.googleusercontent.com/a/ACg8ocJ",
            "client_id": "1234987819200.apps.googleusercontent.com",
            "issuer": "https://accounts.google.com",
            "tenant_id": "example.com"
        }),
        extra: &[
            "at_hash",
            "aud",
            "exp",
            "family_name",
            "given_name",
            "iat",
            "nonce",
        ],
    }]);
}

#[test]
fn github_user_document() {
    run(vec![Case {
        name: "github /user",
        mapping: ClaimMapping::github(),
        claims: json!({
            "login": "octocat",
            "id": 583_231,
            "node_id": "MDQ6VXNlcjU4MzIzMQ==",
            "avatar_url": "https://avatars.githubusercontent.com/u/583231?v=4",
            "type": "User",
            "name": "The Octocat",
            "company": "@github",
            "email": "octocat@github.com"
        }),
        expected: json!({
            "user_id": "583231",
            "email": "octocat@github.com",
            "name": "The Octocat",
            "username": "octocat",
            "picture": "https://avatars.githubusercontent.com/u/583231?v=4"
        }),
        extra: &["company", "node_id", "type"],
    }]);
}

#[test]
fn keycloak_access_token() {
    let claims = json!({
        "exp": 1_750_000_300,
        "iat": 1_750_000_000,
        "auth_time": 1_749_999_990,
        "jti": "onrtac:8f0c2d5e-1c1f-4a57-9a8e-3d2b1f0e9c7a",
        "iss": "https://keycloak.example.com/realms/mcp",
        "aud": ["mcp-server", "account"],
        "sub": "f1b2c3d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
        "typ": "Bearer",
        "azp": "mcp-client",
        "sid": "3f0b6c7a-2d1e-4f5a-9b8c-7d6e5f4a3b2c",
        "acr": "1",
        "allowed-origins": ["https://app.example.com"],
        "realm_access": { "roles": ["offline_access", "uma_authorization", "default-roles-mcp"] },
        "resource_access": {
            "mcp-server": { "roles": ["tools:admin"] },
            "account": { "roles": ["manage-account", "view-profile"] }
        },
        "scope": "openid profile email",
        "email_verified": true,
        "name": "Alice Liddell",
        "preferred_username": "alice",
        "given_name": "Alice",
        "family_name": "Liddell",
        "email": "alice@example.com"
    });
    let expected = |roles: Value| {
        json!({
            "user_id": "f1b2c3d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
            "email": "alice@example.com",
            "email_verified": true,
            "name": "Alice Liddell",
            "username": "alice",
            "roles": roles,
            "scopes": ["openid", "profile", "email"],
            "client_id": "mcp-client",
            "issuer": "https://keycloak.example.com/realms/mcp"
        })
    };
    let extra = &[
        "acr",
        "allowed-origins",
        "aud",
        "auth_time",
        "exp",
        "family_name",
        "given_name",
        "iat",
        "jti",
        "realm_access",
        "resource_access",
        "sid",
        "typ",
    ];
    run(vec![
        Case {
            name: "keycloak realm and client roles",
            mapping: ClaimMapping::keycloak(Some("mcp-server")),
            claims: claims.clone(),
            expected: expected(json!([
                "offline_access",
                "uma_authorization",
                "default-roles-mcp",
                "tools:admin"
            ])),
            extra,
        },
        Case {
            name: "keycloak realm roles only",
            mapping: ClaimMapping::keycloak(None),
            claims,
            expected: expected(json!([
                "offline_access",
                "uma_authorization",
                "default-roles-mcp"
            ])),
            extra,
        },
    ]);
}

#[test]
fn clerk_session_tokens_v1_and_v2() {
    run(vec![
        Case {
            name: "clerk session token v1 (org_* claims)",
            mapping: ClaimMapping::clerk(),
            claims: json!({
                "azp": "https://example.com",
                "exp": 1_713_158_400,
                "fva": [7, -1],
                "iat": 1_713_158_340,
                "iss": "https://clerk.example.com",
                "nbf": 1_713_158_330,
                "sid": "sess_2cL9wRmnxRGtYbHzrjjGmq3nxV0",
                "sub": "user_2NNEqL2nrIRdJ194ndJqAHwEfxC",
                "org_id": "org_2bF1Bx8rR5Gm8k5XWZ5mY0F6sQr",
                "org_slug": "acme",
                "org_role": "org:admin",
                "org_permissions": ["org:sys_memberships:manage", "org:tools:call"]
            }),
            expected: json!({
                "user_id": "user_2NNEqL2nrIRdJ194ndJqAHwEfxC",
                "roles": ["org:admin"],
                "permissions": ["org:sys_memberships:manage", "org:tools:call"],
                "issuer": "https://clerk.example.com",
                "organization_id": "org_2bF1Bx8rR5Gm8k5XWZ5mY0F6sQr",
                "organization_slug": "acme"
            }),
            extra: &["azp", "exp", "fva", "iat", "nbf", "sid"],
        },
        Case {
            name: "clerk session token v2 (the o claim)",
            mapping: ClaimMapping::clerk(),
            claims: json!({
                "azp": "https://example.com",
                "exp": 1_713_158_400,
                "fva": [7, -1],
                "iat": 1_713_158_340,
                "iss": "https://clerk.example.com",
                "nbf": 1_713_158_330,
                "sid": "sess_2cL9wRmnxRGtYbHzrjjGmq3nxV0",
                "sts": "active",
                "sub": "user_2NNEqL2nrIRdJ194ndJqAHwEfxC",
                "v": 2,
                "o": { "id": "org_2bF1Bx8rR5Gm8k5XWZ5mY0F6sQr", "rol": "admin", "slg": "acme",
                       "per": "read,manage", "fpm": "3" }
            }),
            expected: json!({
                "user_id": "user_2NNEqL2nrIRdJ194ndJqAHwEfxC",
                "roles": ["admin"],
                "issuer": "https://clerk.example.com",
                "organization_id": "org_2bF1Bx8rR5Gm8k5XWZ5mY0F6sQr",
                "organization_slug": "acme"
            }),
            extra: &["azp", "exp", "fva", "iat", "nbf", "o", "sid", "sts", "v"],
        },
    ]);
}

#[test]
fn workos_tokens() {
    run(vec![
        Case {
            // The access token example of WorkOS's session-token reference.
            name: "workos authkit session access token",
            mapping: ClaimMapping::workos(),
            claims: json!({
                "iss": "https://api.workos.com",
                "sub": "user_01HBEQKA6K4QJAS93VPE39W1JT",
                "act": { "sub": "admin@foocorp.com" },
                "org_id": "org_01HRDMC6CM357W30QMHMQ96Q0S",
                "role": "member",
                "roles": ["member"],
                "permissions": ["posts:read", "posts:write"],
                "entitlements": ["audit-logs"],
                "sid": "session_01HQSXZGF8FHF7A9ZZFCW4387R",
                "jti": "01HQSXZXPPFPKMDD32RKTFY6PV",
                "exp": 1_709_193_857,
                "iat": 1_709_193_557
            }),
            expected: json!({
                "user_id": "user_01HBEQKA6K4QJAS93VPE39W1JT",
                "roles": ["member"],
                "permissions": ["posts:read", "posts:write"],
                "issuer": "https://api.workos.com",
                "organization_id": "org_01HRDMC6CM357W30QMHMQ96Q0S"
            }),
            extra: &["act", "entitlements", "exp", "iat", "jti", "sid"],
        },
        Case {
            name: "workos connect token issued to an MCP client",
            mapping: ClaimMapping::workos(),
            claims: json!({
                "iss": "https://auth.example.com",
                "aud": "https://mcp.example.com/mcp",
                "sub": "user_01HBEQKA6K4QJAS93VPE39W1JT",
                "client_id": "client_01JX8V2Y1ZQ3N4K5M6P7R8S9T0",
                "org_id": "org_01HRDMC6CM357W30QMHMQ96Q0S",
                "sid": "consent_01JX8V3A",
                "scope": "openid profile tools:read",
                "jti": "01JX8V3B",
                "exp": 1_750_003_600,
                "iat": 1_750_000_000
            }),
            expected: json!({
                "user_id": "user_01HBEQKA6K4QJAS93VPE39W1JT",
                "scopes": ["openid", "profile", "tools:read"],
                "client_id": "client_01JX8V2Y1ZQ3N4K5M6P7R8S9T0",
                "issuer": "https://auth.example.com",
                "organization_id": "org_01HRDMC6CM357W30QMHMQ96Q0S"
            }),
            extra: &["aud", "exp", "iat", "jti", "sid"],
        },
    ]);
}

#[test]
fn supabase_access_token() {
    let claims = json!({
        "iss": "https://abcdefghijklmnop.supabase.co/auth/v1",
        "sub": "123e4567-e89b-12d3-a456-426614174000",
        "aud": "authenticated",
        "exp": 1_640_995_200,
        "iat": 1_640_991_600,
        "email": "octocat@github.com",
        "phone": "",
        "app_metadata": { "provider": "github", "providers": ["github"] },
        "user_metadata": {
            "avatar_url": "https://avatars.githubusercontent.com/u/583231?v=4",
            "email": "octocat@github.com",
            "email_verified": true,
            "full_name": "The Octocat",
            "iss": "https://api.github.com",
            "name": "The Octocat",
            "preferred_username": "octocat",
            "provider_id": "583231",
            "sub": "583231",
            "user_name": "octocat"
        },
        "role": "authenticated",
        "aal": "aal1",
        "amr": [{ "method": "oauth", "timestamp": 1_640_991_600 }],
        "session_id": "4b7c3f2e-1d0a-4e9b-8c7d-6e5f4a3b2c1d",
        "is_anonymous": false
    });
    run(vec![Case {
        name: "supabase user signed in with GitHub",
        mapping: ClaimMapping::supabase(),
        claims: claims.clone(),
        expected: json!({
            "user_id": "123e4567-e89b-12d3-a456-426614174000",
            "email": "octocat@github.com",
            "email_verified": true,
            "name": "The Octocat",
            "username": "octocat",
            "picture": "https://avatars.githubusercontent.com/u/583231?v=4",
            "roles": ["authenticated"],
            "issuer": "https://abcdefghijklmnop.supabase.co/auth/v1"
        }),
        extra: &[
            "aal",
            "amr",
            "app_metadata",
            "aud",
            "exp",
            "iat",
            "is_anonymous",
            "phone",
            "session_id",
            "user_metadata",
        ],
    }]);
    assert_eq!(claims["iss"], supabase::issuer("abcdefghijklmnop"));
    assert_eq!(claims["aud"], supabase::AUDIENCE);
    // The metadata stays available whole.
    let user = UserInfo::from_claims(&object(&claims), &ClaimMapping::supabase());
    assert_eq!(user.extra["app_metadata"]["provider"], "github");
}

#[test]
fn cognito_access_and_id_tokens() {
    let issuer = cognito::issuer("us-west-2", "us-west-2_aaaaaaaaa");
    run(vec![
        Case {
            // Shaped after the access token payload in the Cognito developer guide.
            name: "cognito access token (client_id, no aud)",
            mapping: ClaimMapping::cognito(),
            claims: json!({
                "sub": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
                "device_key": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
                "cognito:groups": ["admin"],
                "token_use": "access",
                "scope": "aws.cognito.signin.user.admin phone openid profile email",
                "auth_time": 1_562_190_524,
                "iss": issuer,
                "exp": 1_562_194_124,
                "iat": 1_562_190_524,
                "origin_jti": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
                "jti": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
                "event_id": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
                "client_id": "1example23456789",
                "username": "my-test-user"
            }),
            expected: json!({
                "user_id": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
                "username": "my-test-user",
                "roles": ["admin"],
                "scopes": ["aws.cognito.signin.user.admin", "phone", "openid", "profile", "email"],
                "client_id": "1example23456789",
                "issuer": issuer
            }),
            extra: &[
                "auth_time",
                "device_key",
                "event_id",
                "exp",
                "iat",
                "jti",
                "origin_jti",
                "token_use",
            ],
        },
        Case {
            name: "cognito id token (cognito:username, aud)",
            mapping: ClaimMapping::cognito(),
            claims: json!({
                "sub": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
                "cognito:groups": ["admin", "editors"],
                "email_verified": true,
                "iss": issuer,
                "cognito:username": "my-test-user",
                "origin_jti": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
                "aud": "1example23456789",
                "event_id": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
                "token_use": "id",
                "auth_time": 1_562_190_524,
                "exp": 1_562_194_124,
                "iat": 1_562_190_524,
                "jti": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
                "email": "my-test-user@example.com"
            }),
            expected: json!({
                "user_id": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
                "email": "my-test-user@example.com",
                "email_verified": true,
                "username": "my-test-user",
                "roles": ["admin", "editors"],
                "client_id": "1example23456789",
                "issuer": issuer
            }),
            extra: &[
                "auth_time",
                "event_id",
                "exp",
                "iat",
                "jti",
                "origin_jti",
                "token_use",
            ],
        },
    ]);
}

#[test]
fn presets_by_name_for_bindings() {
    let cases = [
        (json!({ "provider": "oidc" }), ClaimMapping::oidc()),
        (
            json!({ "provider": "auth0", "roles_claim": "https://x/roles" }),
            ClaimMapping::auth0(Some("https://x/roles")),
        ),
        (json!({ "provider": "auth0" }), ClaimMapping::auth0(None)),
        (json!({ "provider": "okta" }), ClaimMapping::okta()),
        (json!({ "provider": "entra" }), ClaimMapping::entra()),
        (json!({ "provider": "google" }), ClaimMapping::google()),
        (json!({ "provider": "github" }), ClaimMapping::github()),
        (
            json!({ "provider": "keycloak", "client_id": "mcp" }),
            ClaimMapping::keycloak(Some("mcp")),
        ),
        (json!({ "provider": "clerk" }), ClaimMapping::clerk()),
        (json!({ "provider": "workos" }), ClaimMapping::workos()),
        (json!({ "provider": "supabase" }), ClaimMapping::supabase()),
        (json!({ "provider": "cognito" }), ClaimMapping::cognito()),
    ];
    for (config, mapping) in cases {
        let preset: ClaimPreset = serde_json::from_value(config.clone()).unwrap();
        assert_eq!(preset.mapping(), mapping, "{config}");
        // The names stay the providers' own spelling (`github`, `workos`), whatever the
        // Rust variant is called.
        assert_eq!(
            serde_json::to_value(&preset).unwrap()["provider"],
            config["provider"]
        );
    }
    assert!(serde_json::from_value::<ClaimPreset>(json!({ "provider": "nope" })).is_err());
}
