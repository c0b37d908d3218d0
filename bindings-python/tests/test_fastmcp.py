"""`mcp_bearer.fastmcp.JWTVerifier` in a real FastMCP server under uvicorn on 127.0.0.1, with
tokens from a real issuer (`mcp-bearer serve-issuer`) and FastMCP's own client: a tool call
with a good token; 401 with `WWW-Authenticate` for expired, wrong-audience, tampered,
unknown-kid and opaque tokens and a missing scope; a PEM `public_key`; a provider setting
`audience` after construction; a key replaced under the same `kid`; and FastMCP's semantics
(None, never raising; `_extract_scopes`; client id fallback)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastmcp")

from fastmcp import Client, FastMCP
from fastmcp.server.auth import AccessToken
from fastmcp.server.auth.providers.jwt import JWTVerifier as FastMCPJWTVerifier

import mcp_bearer
from mcp_bearer.fastmcp import JWTVerifier
from servers import post_initialize, serve
from support import Issuer


def _server(auth: Any) -> FastMCP:
    server = FastMCP("mcp-bearer-test", auth=auth)

    @server.tool
    def whoami() -> str:
        """The caller's subject."""
        from fastmcp.server.dependencies import get_access_token

        token = get_access_token()
        return token.claims.get("sub", "?") if token is not None else "anonymous"

    return server


def _tampered(token: str) -> str:
    head, payload, signature = token.split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return f"{head}.{payload}.{flipped}"


async def _call_whoami(url: str, token: str) -> str:
    async with Client(url, auth=token) as client:
        result = await client.call_tool("whoami", {})
    text = result.content[0].text  # type: ignore[union-attr]
    return str(text)


@pytest.mark.anyio
async def test_fastmcp_server_with_jwks_uri(issuer: Issuer) -> None:
    auth = JWTVerifier(
        jwks_uri=issuer.jwks_uri,
        issuer=issuer.issuer,
        audience=issuer.resource,
        required_scopes=["mcp:read"],
        verifier_options={"fetch": {"ignore_proxy_env": True}},
    )
    assert isinstance(auth, FastMCPJWTVerifier)
    async with serve(_server(auth).http_app(path="/mcp")) as base:
        url = f"{base}/mcp"
        good = issuer.mint(sub="alice", aud=issuer.resource, scope="mcp:read")
        assert await _call_whoami(url, good) == "alice"
        now = int(time.time())
        refused = {
            "expired": issuer.mint(sub="alice", aud=issuer.resource, scope="mcp:read", iat=now - 7200, exp=now - 3600),
            "wrong audience": issuer.mint(sub="alice", aud="https://elsewhere.example.com", scope="mcp:read"),
            "tampered": _tampered(good),
            "unknown kid": issuer.mint(sub="alice", aud=issuer.resource, scope="mcp:read", unpublished_key=True),
            "opaque": "ya29.an-opaque-token",
            "missing scope": issuer.mint(sub="alice", aud=issuer.resource, scope="mcp:other"),
        }
        for name, token in refused.items():
            status, headers, _ = await post_initialize(url, token)
            assert status == 401, f"{name}: {status}"
            assert headers.get("www-authenticate", "").lower().startswith("bearer"), name
        status, headers, _ = await post_initialize(url, None)
        assert status == 401
        assert "www-authenticate" in headers


@pytest.mark.anyio
async def test_fastmcp_server_with_pem_public_key(tmp_path: Path, issuer: Issuer) -> None:
    # The issuer's one public key as PEM, through `mcp-bearer keys pem`-free means: PyJWT.
    import jwt as pyjwt
    from cryptography.hazmat.primitives import serialization

    jwks = json.loads(_get(issuer.jwks_uri))
    public = pyjwt.PyJWK(jwks["keys"][0]).key
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    auth = JWTVerifier(public_key=pem, issuer=issuer.issuer, audience=issuer.resource, algorithm="RS256")
    async with serve(_server(auth).http_app(path="/mcp")) as base:
        url = f"{base}/mcp"
        assert await _call_whoami(url, issuer.mint(sub="bob", aud=issuer.resource)) == "bob"
        other = issuer.mint(sub="bob", aud=issuer.resource, unpublished_key=True)
        status, headers, _ = await post_initialize(url, other)
        assert status == 401
        assert "www-authenticate" in headers


def _get(url: str) -> str:
    from support import get

    status, _, body = get(url)
    assert status == 200
    return body.decode()


class _AudienceLater(JWTVerifier):
    """A provider in FastMCP's style (Auth0, AuthKit, Azure): the audience is set after the
    base class is built."""

    def __init__(self, *, audience: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.audience = audience


@pytest.mark.anyio
async def test_audience_set_after_construction_is_honoured(issuer: Issuer) -> None:
    auth = _AudienceLater(
        jwks_uri=issuer.jwks_uri,
        issuer=issuer.issuer,
        audience=issuer.resource,
        verifier_options={"fetch": {"ignore_proxy_env": True}},
    )
    mine = issuer.mint(sub="alice", aud=issuer.resource)
    theirs = issuer.mint(sub="alice", aud="https://elsewhere.example.com")
    assert await auth.verify_token(mine) is not None
    assert await auth.verify_token(theirs) is None
    auth.audience = "https://elsewhere.example.com"
    assert await auth.verify_token(theirs) is not None
    assert await auth.verify_token(mine) is None
    auth.required_scopes = ["admin"]
    assert await auth.verify_token(theirs) is None


@pytest.mark.anyio
async def test_fastmcp_semantics(issuer: Issuer) -> None:
    class WithPermissions(JWTVerifier):
        def _extract_scopes(self, claims: dict[str, Any]) -> list[str]:
            return super()._extract_scopes(claims) + list(claims.get("permissions", []))

    auth = WithPermissions(
        jwks_uri=issuer.jwks_uri,
        issuer=issuer.issuer,
        audience=None,
        required_scopes="read:things",
        verifier_options={"fetch": {"ignore_proxy_env": True}},
    )
    token = issuer.mint(sub="carol", aud="https://any.example.com", scope="openid", permissions=["read:things"], client_id=None, azp=None)
    access = await auth.verify_token(token)
    assert isinstance(access, AccessToken)
    assert access.token == token
    assert access.client_id == "carol", "client_id, else azp, else sub"
    assert access.scopes == ["openid", "read:things"]
    assert access.claims["sub"] == "carol"
    assert isinstance(access.expires_at, int)
    if "subject" in AccessToken.model_fields:
        assert access.subject == "carol"
    assert await auth.verify_token("garbage") is None
    assert await auth.verify_token("") is None
    azp = issuer.mint(sub="carol", aud="x", permissions=["read:things"], azp="the-app", client_id=None)
    access = await auth.verify_token(azp)
    assert access is not None and access.client_id == "the-app"


def test_fastmcp_validation_errors_are_fastmcps() -> None:
    with pytest.raises(ValueError, match="Either public_key or jwks_uri must be provided"):
        JWTVerifier(issuer="https://i.example.com")
    with pytest.raises(ValueError, match="not both"):
        JWTVerifier(public_key="x" * 32, jwks_uri="https://i.example.com/jwks", algorithm="HS256")
    with pytest.raises(ValueError):
        JWTVerifier(public_key="short", algorithm="HS256")
    with pytest.raises(mcp_bearer.ConfigError):
        JWTVerifier(public_key="short", algorithm="HS256")


@pytest.mark.anyio
async def test_hmac_public_key_as_text_and_bytes() -> None:
    import jwt as pyjwt

    secret = "a shared secret of at least 32 bytes, for HS256"
    token = pyjwt.encode({"sub": "dave", "exp": int(time.time()) + 60}, secret, algorithm="HS256")
    for key in (secret, secret.encode()):
        auth = JWTVerifier(public_key=key, algorithm="HS256")
        access = await auth.verify_token(token)
        assert access is not None and access.client_id == "dave"


@pytest.mark.anyio
async def test_a_key_replaced_under_the_same_kid_is_picked_up(tmp_path: Path) -> None:
    """The issuer restarts with a new key published under the old kid (a redeployed identity
    provider): the next token, signed by the new key, is accepted after one refetch."""
    def key_file(name: str) -> Path:
        run = subprocess.run(
            [sys.executable, "-m", "mcp_bearer", "keys", "generate", "--alg", "ES256"],
            capture_output=True, text=True, timeout=60, check=True,
        )
        jwks = json.loads(run.stdout)["private"]
        jwks["keys"][0]["kid"] = "signing-key"
        path = tmp_path / name
        path.write_text(json.dumps(jwks), encoding="utf-8")
        return path

    first = Issuer("--key", str(key_file("one.json")), "--port", "0")
    try:
        port = first.info["port"]
        auth = JWTVerifier(
            jwks_uri=first.jwks_uri,
            issuer=first.issuer,
            audience=first.resource,
            algorithm="ES256",
            verifier_options={"fetch": {"ignore_proxy_env": True}, "remote_jwks": {"cooldown": 0}},
        )
        old = first.mint(sub="alice", aud=first.resource)
        assert await auth.verify_token(old) is not None
    finally:
        first.close()
    second = Issuer("--key", str(key_file("two.json")), "--port", str(port))
    try:
        assert second.jwks_uri == first.jwks_uri
        new = second.mint(sub="alice", aud=second.resource)
        access = await auth.verify_token(new)
        assert access is not None, "the new key under the same kid is fetched and used"
        assert await auth.verify_token(old) is None, "the old key is gone"
    finally:
        second.close()


@pytest.mark.anyio
async def test_a_subclass_validate_issuer_decides_the_issuer(issuer: Issuer) -> None:
    if not hasattr(FastMCPJWTVerifier, "_validate_issuer"):
        pytest.skip("this FastMCP has no _validate_issuer hook (added in 4.1)")

    class IssuerFamily(JWTVerifier):
        def _validate_issuer(self, iss: Any) -> bool:
            return isinstance(iss, str) and iss.startswith("http://127.0.0.1:")

    auth = IssuerFamily(
        jwks_uri=issuer.jwks_uri,
        issuer="https://tenant-a.example.com/",
        audience=issuer.resource,
        verifier_options={"fetch": {"ignore_proxy_env": True}},
    )
    assert await auth.verify_token(issuer.mint(sub="alice", aud=issuer.resource)) is not None
    plain = JWTVerifier(
        jwks_uri=issuer.jwks_uri,
        issuer="https://tenant-a.example.com/",
        audience=issuer.resource,
        verifier_options={"fetch": {"ignore_proxy_env": True}},
    )
    assert await plain.verify_token(issuer.mint(sub="alice", aud=issuer.resource)) is None


def _hs256(claims: dict[str, Any]) -> tuple[str, str]:
    import jwt as pyjwt

    secret = "a shared secret of at least 32 bytes, for HS256"
    body = {"iss": "https://i.example.com/", "sub": "erin", "exp": int(time.time()) + 60, **claims}
    return secret, pyjwt.encode(body, secret, algorithm="HS256")


@pytest.mark.anyio
async def test_the_access_token_is_the_one_validation_makes() -> None:
    """The drop-in builds FastMCP's AccessToken without validating the core's typed values
    again: it must be the object FastMCP's own verifier gives for the same token (but for
    `resource`, and `subject` in 2.x, which FastMCP leaves out), equal to a validated copy, with the same set
    fields, and behave as a validated one when changed."""
    import mcp_bearer.fastmcp as dropin

    assert dropin._BASE is not None, "the pinned FastMCP's AccessToken is built without a second validation"
    secret, token = _hs256({"aud": "https://mcp.example.com/", "scp": ["a", "b"], "client_id": "app", "n": {"x": [1, 2.5, None, True]}})
    ours = await JWTVerifier(public_key=secret, algorithm="HS256", issuer="https://i.example.com/", audience="https://mcp.example.com/").verify_token(token)
    theirs = await FastMCPJWTVerifier(public_key=secret, algorithm="HS256", issuer="https://i.example.com/", audience="https://mcp.example.com/").verify_token(token)
    assert ours is not None and theirs is not None
    assert type(ours) is AccessToken
    mine = ours.model_dump()
    if "resource" in AccessToken.model_fields:
        assert mine.pop("resource") == "https://mcp.example.com/"
    them = theirs.model_dump()
    them.pop("resource", None)
    if "subject" in AccessToken.model_fields:
        # FastMCP 2.x leaves `subject` out; ours always fills it.
        assert mine.pop("subject") == "erin" and them.pop("subject") in ("erin", None)
    assert mine == them
    assert list(ours.model_dump()) == list(AccessToken.model_fields), "field order"
    validated = AccessToken(**ours.model_dump(exclude_unset=True))
    assert ours == validated
    assert repr(ours) == repr(validated)
    assert ours.model_fields_set == validated.model_fields_set
    # The scopes are a list of their own, not the claims' `scp`.
    assert ours.scopes == ["a", "b"] and ours.scopes is not ours.claims["scp"]
    ours.scopes.append("c")
    assert ours.claims["scp"] == ["a", "b"]
    # Changing one object changes neither the next nor its set fields' record.
    ours.client_id = "other"
    again = await JWTVerifier(public_key=secret, algorithm="HS256").verify_token(token)
    assert again is not None and again.client_id == "app" and again.scopes == ["a", "b"]
    assert "original_client_id" not in again.model_fields_set


@pytest.mark.anyio
async def test_scopes_the_model_refuses_give_none_as_fastmcp_does() -> None:
    """A subclass's `_extract_scopes` answering something other than a list of strings goes
    through pydantic's validation: converted where pydantic converts, else refused with None
    (FastMCP's own verifier catches the ValidationError the same way), never raised."""

    class Odd(JWTVerifier):
        answer: Any = None

        def _extract_scopes(self, claims: dict[str, Any]) -> Any:
            return self.answer

    secret, token = _hs256({})
    auth = Odd(public_key=secret, algorithm="HS256")
    auth.answer = ("a", "b")
    access = await auth.verify_token(token)
    assert access is not None and access.scopes == ["a", "b"]
    auth.answer = ["a", 7]
    assert await auth.verify_token(token) is None
    auth.answer = [{"not": "a scope"}]
    assert await auth.verify_token(token) is None
