"""The core's OAuth and metadata helpers from Python: `www_authenticate` from raised errors,
`bearer_token`, RFC 9728 / RFC 8414 documents, user info from presets and mappings, PKCE,
the redirect URI policy and sealed proxy state."""

from __future__ import annotations

import time

import pytest

import mcp_bearer
from mcp_bearer import Verifier

RESOURCE_METADATA = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
SECRET = "a shared secret of at least 32 bytes!!"


def _hs256(claims: dict[str, object]) -> str:
    import jwt

    return jwt.encode(claims, SECRET, algorithm="HS256")


def _verifier(**extra: object) -> Verifier:
    return Verifier(shared_secret=SECRET, issuers=["https://i.example.com/"], audiences=["a"], **extra)


def test_www_authenticate_for_each_kind_of_failure() -> None:
    assert mcp_bearer.www_authenticate(None, resource_metadata=RESOURCE_METADATA) == (
        401,
        f'Bearer resource_metadata="{RESOURCE_METADATA}"',
    )
    now = int(time.time())
    with pytest.raises(mcp_bearer.TokenExpired) as expired:
        _verifier().verify(_hs256({"iss": "https://i.example.com/", "aud": "a", "exp": now - 3600}))
    status, header = mcp_bearer.www_authenticate(expired.value, resource_metadata=RESOURCE_METADATA)
    assert status == 401
    assert header.startswith('Bearer error="invalid_token", error_description="')
    assert f'resource_metadata="{RESOURCE_METADATA}"' in header
    with pytest.raises(mcp_bearer.InsufficientScope) as scope:
        _verifier(required_scopes=["admin"]).verify(
            _hs256({"iss": "https://i.example.com/", "aud": "a", "exp": now + 60, "scope": "read"})
        )
    status, header = mcp_bearer.www_authenticate(scope.value, resource_metadata=RESOURCE_METADATA, realm="mcp")
    assert status == 403
    assert 'error="insufficient_scope"' in header and 'scope="admin"' in header and 'realm="mcp"' in header
    # An error made in Python (no core error behind it) is answered from its code.
    made = mcp_bearer.InsufficientScope("x", code="ERR_INSUFFICIENT_SCOPE", required_scopes=["write"])
    status, header = mcp_bearer.www_authenticate(made, resource_metadata=RESOURCE_METADATA)
    assert status == 403 and 'scope="write"' in header


def test_bearer_token() -> None:
    assert mcp_bearer.bearer_token("Bearer abc.def.ghi") == "abc.def.ghi"
    with pytest.raises(mcp_bearer.BearerMissing):
        mcp_bearer.bearer_token(None)
    with pytest.raises(mcp_bearer.MCPBearerError) as caught:
        mcp_bearer.bearer_token("Bearer two tokens")
    assert caught.value.http_status == 400


def test_metadata_documents() -> None:
    document = mcp_bearer.protected_resource_metadata(
        resource="https://mcp.example.com/mcp",
        authorization_servers=["https://idp.example.com/"],
        scopes_supported=["mcp:read"],
    )
    assert document["resource"] == "https://mcp.example.com/mcp"
    assert document["authorization_servers"] == ["https://idp.example.com/"]
    assert document["scopes_supported"] == ["mcp:read"]
    assert (
        mcp_bearer.protected_resource_metadata_url("https://mcp.example.com/mcp")
        == "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
    )
    with pytest.raises(mcp_bearer.ConfigError):
        mcp_bearer.protected_resource_metadata(authorization_servers=["x"])
    proxy = mcp_bearer.authorization_server_metadata_for_proxy("https://proxy.example.com")
    assert proxy["issuer"] == "https://proxy.example.com"
    assert "S256" in proxy["code_challenge_methods_supported"]
    assert mcp_bearer.authorization_server_metadata_url("https://proxy.example.com").endswith(
        "/.well-known/oauth-authorization-server"
    )
    with pytest.raises(mcp_bearer.ConfigError):
        mcp_bearer.authorization_server_metadata_for_proxy("http://proxy.example.com")


def test_user_info_from_presets_and_mappings() -> None:
    claims = {
        "sub": "auth0|alice",
        "email": "alice@example.com",
        "scope": "read write",
        "permissions": ["read:things"],
        "https://example.com/roles": ["admin"],
        "org_id": "org_1",
    }
    oidc = mcp_bearer.user_info(claims)
    assert oidc["user_id"] == "auth0|alice"
    assert oidc["email"] == "alice@example.com"
    assert oidc["scopes"] == ["read", "write"]
    auth0 = mcp_bearer.user_info(claims, preset={"provider": "auth0", "roles_claim": "https://example.com/roles"})
    assert auth0["permissions"] == ["read:things"]
    assert auth0["roles"] == ["admin"]
    assert auth0["organization_id"] == "org_1"
    assert mcp_bearer.user_info(claims, preset="okta")["user_id"] == "auth0|alice"
    with pytest.raises(mcp_bearer.ConfigError):
        mcp_bearer.user_info(claims, preset="no-such-provider")
    # A misspelt member is refused, not dropped: in a preset with options, in one without,
    # and in a mapping.
    with pytest.raises(mcp_bearer.ConfigError, match="role_claim"):
        mcp_bearer.user_info(claims, preset={"provider": "auth0", "role_claim": "https://example.com/roles"})
    with pytest.raises(mcp_bearer.ConfigError, match="okta preset has no member"):
        mcp_bearer.user_info(claims, preset={"provider": "okta", "client_id": "x"})
    with pytest.raises(mcp_bearer.ConfigError, match="rolez"):
        mcp_bearer.user_info(claims, mapping={"rolez": ["groups"]})


def test_pkce_state_and_nonce() -> None:
    verifier = mcp_bearer.pkce_verifier()
    assert len(verifier) == 43
    challenge = mcp_bearer.pkce_challenge(verifier)
    mcp_bearer.pkce_check(challenge, verifier, "S256")
    with pytest.raises(mcp_bearer.MCPBearerError) as wrong:
        mcp_bearer.pkce_check(challenge, mcp_bearer.pkce_verifier(), "S256")
    assert wrong.value.code == "ERR_OAUTH_INVALID_GRANT"
    with pytest.raises(mcp_bearer.InvalidRequest):
        mcp_bearer.pkce_check(challenge, verifier, "plain")
    assert mcp_bearer.random_state() != mcp_bearer.random_state()
    assert mcp_bearer.random_nonce()


def test_redirect_uri_policy() -> None:
    mcp_bearer.check_redirect_uri("https://app.example.com/callback")
    mcp_bearer.check_redirect_uri("http://127.0.0.1:33418/callback")
    mcp_bearer.check_redirect_uri("cursor://anysphere.cursor-retrieval/oauth/callback")
    with pytest.raises(mcp_bearer.OAuthError) as caught:
        mcp_bearer.check_redirect_uri("javascript:alert(1)")
    assert caught.value.code == "ERR_REDIRECT_URI_REJECTED"
    with pytest.raises(mcp_bearer.OAuthError):
        mcp_bearer.check_redirect_uri("cursor://x/cb", private_use_schemes=["vscode"])
    with pytest.raises(mcp_bearer.OAuthError):
        mcp_bearer.check_redirect_uri("http://127.0.0.1:1/cb", allowLoopbackHttp=False)
    assert mcp_bearer.redirect_uri_matches("http://127.0.0.1:1000/cb", "http://127.0.0.1:2000/cb")
    assert not mcp_bearer.redirect_uri_matches("https://a.example.com/cb", "https://b.example.com/cb")


def test_sealed_proxy_state() -> None:
    key = mcp_bearer.ProxyStateKey(b"k" * 32)
    assert "k" * 8 not in repr(key)
    state = {
        "client_id": "client-1",
        "redirect_uri": "http://127.0.0.1:9000/cb",
        "client_state": "xyz",
        "code_challenge": mcp_bearer.pkce_challenge(mcp_bearer.pkce_verifier()),
        "scopes": ["openid"],
        "resources": ["https://mcp.example.com/mcp"],
    }
    now = 1_800_000_000
    sealed = key.seal(state, now=now, options={"ttl": 300})
    assert sealed["expires_at"] == now + 300
    opened = key.open(sealed["state"], now=now + 10)
    assert opened["state"]["client_id"] == "client-1"
    assert opened["state"]["client_state"] == "xyz"
    assert opened["upstream_pkce_verifier"] == sealed["upstream_pkce_verifier"]
    assert opened["upstream_nonce"] == sealed["upstream_nonce"]
    with pytest.raises(mcp_bearer.OAuthError) as expired:
        key.open(sealed["state"], now=now + 301)
    assert expired.value.reason == "expired"
    with pytest.raises(mcp_bearer.OAuthError) as other:
        mcp_bearer.ProxyStateKey.generate().open(sealed["state"], now=now)
    assert other.value.reason == "signature"
    with pytest.raises(mcp_bearer.ConfigError):
        mcp_bearer.ProxyStateKey(b"short")


def test_proxy_request_builders() -> None:
    import urllib.parse

    verifier = mcp_bearer.pkce_verifier()
    url = mcp_bearer.authorization_url(
        authorization_endpoint="https://idp.example.com/authorize?tenant=t1",
        client_id="proxy-client",
        redirect_uri="https://proxy.example.com/callback",
        state="s-1",
        code_challenge=mcp_bearer.pkce_challenge(verifier),
        scopes=["openid", "email"],
        resources=["https://mcp.example.com/mcp"],
        extra_params=[("audience", "https://api.example.com")],
    )
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qs(parts.query)
    assert parts.netloc == "idp.example.com" and parts.path == "/authorize"
    assert query["tenant"] == ["t1"]
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["scope"] == ["openid email"]
    assert query["audience"] == ["https://api.example.com"]
    with pytest.raises(mcp_bearer.ConfigError):
        mcp_bearer.authorization_url(
            authorization_endpoint="https://idp.example.com/authorize", client_id="c",
            redirect_uri="https://p.example.com/cb", state="s", extra_params=[("state", "x")],
        )

    request = mcp_bearer.token_request(
        token_endpoint="https://idp.example.com/token",
        client_id="proxy-client",
        grant="authorization_code",
        code="the-code",
        redirect_uri="https://proxy.example.com/callback",
        code_verifier=verifier,
        client_auth={"method": "client_secret_basic", "client_secret": "s3cret"},
    )
    assert request["method"] == "POST"
    assert request["url"] == "https://idp.example.com/token"
    form = urllib.parse.parse_qs(request["body"].decode())
    assert form["grant_type"] == ["authorization_code"]
    assert form["code_verifier"] == [verifier]
    assert "client_secret" not in form
    assert any(name.lower() == "authorization" and value.startswith("Basic ") for name, value in request["headers"])
    with pytest.raises(mcp_bearer.ConfigError):
        mcp_bearer.token_request(token_endpoint="https://idp.example.com/token", client_id="c", grant="password")

    answer = mcp_bearer.parse_token_response(
        200,
        [("content-type", "application/json")],
        b'{"access_token":"at","token_type":"Bearer","expires_in":3600,"scope":"openid email","x":1}',
    )
    assert answer["access_token"] == "at"
    assert answer["expires_in"] == 3600
    assert answer["scopes"] == ["openid", "email"]
    assert answer["extra"] == {"x": 1}
    with pytest.raises(mcp_bearer.OAuthError) as upstream:
        mcp_bearer.parse_token_response(
            400, [("content-type", "application/json")], b'{"error":"invalid_grant","error_description":"expired code"}'
        )
    assert upstream.value.upstream_error == "invalid_grant"
