"""`mcp_bearer.mcp.JWTTokenVerifier` in a real MCP SDK server (`MCPServer` in mcp 2.x,
`FastMCP` in mcp 1.x) under uvicorn on 127.0.0.1, with `validate_token_resource=True`,
driven by the SDK's own client, with tokens from `mcp-bearer serve-issuer`."""

from __future__ import annotations

import time
from typing import Any

import pytest

pytest.importorskip("mcp")

from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import AccessToken
from mcp.server.auth.settings import AuthSettings

try:  # mcp 2.x
    import httpx2 as httpx
    from mcp.server.mcpserver import MCPServer as SDKServer
except ImportError:  # mcp 1.x
    import httpx  # type: ignore[no-redef]
    from mcp.server.fastmcp import FastMCP as SDKServer  # type: ignore[no-redef]

from mcp_bearer.mcp import JWTTokenVerifier
from servers import app_for, post_initialize, serve
from support import Issuer

OTHER_RESOURCE = "https://other.example.com/mcp"


def _app(issuer: Issuer, base: str) -> Any:
    resource = f"{base}/mcp"
    verifier = JWTTokenVerifier(
        jwks_url=issuer.jwks_uri,
        issuers=[issuer.issuer],
        # The verifier accepts both audiences; the SDK's resource check must refuse the other.
        audiences=[resource, OTHER_RESOURCE],
        resource_server_url=resource,
        fetch={"ignore_proxy_env": True},
    )
    server = SDKServer(
        "mcp-bearer-sdk-test",
        token_verifier=verifier,
        auth=AuthSettings(
            issuer_url=issuer.issuer,
            resource_server_url=resource,
            required_scopes=["mcp:read"],
            validate_token_resource=True,
        ),
    )

    @server.tool()
    def whoami() -> str:
        """The caller's subject and client."""
        token = get_access_token()
        assert token is not None
        return f"{token.subject if 'subject' in AccessToken.model_fields else '?'}/{token.client_id}"

    return server.streamable_http_app()


async def _whoami(url: str, token: str) -> str:
    async with httpx.AsyncClient(headers={"authorization": f"Bearer {token}"}, trust_env=False) as http:
        async with streamable_http_client(url, http_client=http) as streams:
            async with ClientSession(streams[0], streams[1]) as session:
                await session.initialize()
                result = await session.call_tool("whoami", {})
    return str(result.content[0].text)  # type: ignore[union-attr]


@pytest.mark.anyio
async def test_sdk_server_with_validate_token_resource(issuer: Issuer) -> None:
    async with serve(app_for(lambda base: _app(issuer, base))) as base:
        url = f"{base}/mcp"
        good = issuer.mint(sub="alice", aud=url, scope="mcp:read", client_id="app-1")
        expected = "alice/app-1" if "subject" in AccessToken.model_fields else "?/app-1"
        assert await _whoami(url, good) == expected
        now = int(time.time())
        for name, token in {
            "other resource": issuer.mint(sub="alice", aud=OTHER_RESOURCE, scope="mcp:read"),
            "expired": issuer.mint(sub="alice", aud=url, scope="mcp:read", iat=now - 7200, exp=now - 3600),
            "unknown kid": issuer.mint(sub="alice", aud=url, scope="mcp:read", unpublished_key=True),
            "opaque": "an-opaque-token",
        }.items():
            status, headers, _ = await post_initialize(url, token)
            assert status == 401, f"{name}: {status}"
            assert "invalid_token" in headers.get("www-authenticate", ""), name
        status, headers, _ = await post_initialize(url, issuer.mint(sub="alice", aud=url, scope="other"))
        assert status == 403
        assert "insufficient_scope" in headers.get("www-authenticate", "")


@pytest.mark.anyio
async def test_access_token_fields(issuer: Issuer) -> None:
    verifier = JWTTokenVerifier(
        jwks_url=issuer.jwks_uri,
        issuers=[issuer.issuer],
        audiences=["https://a.example.com/mcp"],
        resource_server_url="https://a.example.com/mcp/",
        fetch={"ignore_proxy_env": True},
    )
    token = issuer.mint(sub="bob", aud=["https://b.example.com", "https://a.example.com/mcp"], scope="x y", client_id=None)
    access = await verifier.verify_token(token)
    assert access is not None
    assert access.token == token
    assert access.client_id == ""
    assert access.scopes == ["x", "y"]
    assert access.resource == "https://a.example.com/mcp"
    assert isinstance(access.expires_at, int)
    if "claims" in AccessToken.model_fields:
        assert access.subject == "bob"
        assert access.claims is not None and access.claims["sub"] == "bob"
    assert await verifier.verify_token("nope") is None
