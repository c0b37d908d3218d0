"""Who the OAuth proxy's client is, from Python: dynamic registration (plain and sealed into
the client id), client id metadata documents served by a real HTTP server on 127.0.0.1,
the consent a consent page shows, and the RFC 9207 check of the upstream's `iss`."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

import mcp_bearer
from mcp_bearer import ClientMetadataResolver, ProxyClient, ProxyStateKey

KEY = ProxyStateKey(b"k" * 32)
NOW = 1_800_000_000


def _code(call: Any) -> tuple[str, str | None]:
    with pytest.raises(mcp_bearer.MCPBearerError) as caught:
        call()
    return caught.value.code, caught.value.reason


def test_a_sealed_registration_is_its_own_client_id() -> None:
    body = {"redirect_uris": ["https://app.example.com/cb", "http://127.0.0.1/cb"], "client_name": "App", "client_uri": "https://app.example.com/"}
    for form in (body, json.dumps(body), json.dumps(body).encode()):
        registered = mcp_bearer.register_sealed_client(form, KEY, ttl=timedelta(hours=1), now=NOW)
        assert registered["redirect_uris"] == body["redirect_uris"]
        assert registered["token_endpoint_auth_method"] == "none"
        assert registered["client_id_issued_at"] == NOW
        client = ProxyClient.identify(registered["client_id"], KEY, now=NOW + 60)
        assert client.client_id == registered["client_id"]
        assert client.client_name == "App" and client.client_uri == "https://app.example.com/"
        assert client.redirect_uris == body["redirect_uris"]
        assert client.expires_at == NOW + 3600
        assert client.document is None
    consent = client.authorize("https://app.example.com/cb", ["read", "write"])
    assert consent == {
        "client_id": registered["client_id"],
        "client_name": "App",
        "client_uri": "https://app.example.com/",
        "redirect_uri": "https://app.example.com/cb",
        "verification": "self_asserted",
        "scopes": ["read", "write"],
    }
    # A loopback redirect URI may come back on any port (RFC 8252 §7.3).
    assert client.authorize("http://127.0.0.1:51234/cb")["redirect_uri"] == "http://127.0.0.1:51234/cb"
    assert _code(lambda: client.authorize("https://evil.example.com/cb")) == ("ERR_INVALID_REQUEST", "redirect_uri")
    # The policy's members are keyword arguments: refusing loopback http refuses the second URI.
    assert _code(lambda: client.authorize("http://127.0.0.1/cb", allow_loopback_http=False))[0] == "ERR_REDIRECT_URI_REJECTED"


def test_a_sealed_client_id_altered_expired_or_under_another_key_is_refused() -> None:
    registered = mcp_bearer.register_sealed_client({"redirect_uris": ["https://app.example.com/cb"]}, KEY, ttl=120, now=NOW)
    client_id = registered["client_id"]
    altered = client_id[:-2] + ("AA" if not client_id.endswith("AA") else "BB")
    assert _code(lambda: ProxyClient.identify(altered, KEY, now=NOW)) == ("ERR_OAUTH_INVALID_CLIENT", "signature")
    assert _code(lambda: ProxyClient.identify(client_id, ProxyStateKey(b"o" * 32), now=NOW)) == ("ERR_OAUTH_INVALID_CLIENT", "signature")
    assert _code(lambda: ProxyClient.identify(client_id, KEY, now=NOW + 121)) == ("ERR_OAUTH_INVALID_CLIENT", "expired")
    assert _code(lambda: ProxyClient.identify("not-a-sealed-id", KEY, now=NOW)) == ("ERR_OAUTH_INVALID_CLIENT", "malformed")
    # A URL is a metadata document, which needs a resolver.
    assert _code(lambda: ProxyClient.identify("https://app.example.com/client.json", KEY)) == ("ERR_OAUTH_INVALID_CLIENT", "metadata_document")
    error = pytest.raises(mcp_bearer.OAuthError, ProxyClient.identify, altered, KEY, now=NOW).value
    assert error.http_status == 401


def test_registration_refusals() -> None:
    with pytest.raises(mcp_bearer.ConfigError):
        mcp_bearer.register_sealed_client({"redirect_uris": ["https://a.example.com/cb"]}, KEY, ttl=1)
    assert _code(lambda: mcp_bearer.register_sealed_client({"redirect_uris": ["https://a.example.com/cb"], "client_uri": "http://a.example.com/"}, KEY))[0] == "ERR_INVALID_CLIENT_METADATA"
    assert _code(lambda: mcp_bearer.register_client({"client_name": "no uris"}, client_id="c"))[0] == "ERR_REDIRECT_URI_REJECTED"
    assert _code(lambda: mcp_bearer.register_client(b"not json", client_id="c"))[0] == "ERR_INVALID_CLIENT_METADATA"
    registered = mcp_bearer.register_client(b'{"redirect_uris":["http://localhost:3000/cb"]}', client_id="fixed", now=5)
    assert registered["client_id"] == "fixed" and registered["client_id_issued_at"] == 5


def test_the_upstream_iss_is_checked() -> None:
    issuer = "https://idp.example.com"
    mcp_bearer.check_authorization_response_issuer(issuer, issuer)
    mcp_bearer.check_authorization_response_issuer(None, issuer)
    assert _code(lambda: mcp_bearer.check_authorization_response_issuer("https://evil.example.com", issuer)) == ("ERR_INVALID_REQUEST", "iss")
    assert _code(lambda: mcp_bearer.check_authorization_response_issuer(issuer + "/", issuer)) == ("ERR_INVALID_REQUEST", "iss")
    assert _code(lambda: mcp_bearer.check_authorization_response_issuer(None, issuer, required=True)) == ("ERR_INVALID_REQUEST", "iss")


class _Documents:
    """Client id metadata documents on 127.0.0.1: `/good.json` names itself, `/other.json`
    names another URL; `hold` keeps answers back until it is set."""

    def __init__(self) -> None:
        self.requests = 0
        self.hold = threading.Event()
        self.hold.set()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                owner.requests += 1
                owner.hold.wait(10)
                base = f"http://127.0.0.1:{owner.port}"
                client_id = base + ("/elsewhere.json" if self.path == "/other.json" else self.path)
                body = json.dumps({
                    "client_id": client_id,
                    "client_name": "Doc App",
                    "client_uri": "https://docs.example.com/",
                    "redirect_uris": ["https://docs.example.com/cb"],
                }).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("cache-control", "max-age=300")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def documents() -> Iterator[_Documents]:
    server = _Documents()
    yield server
    server.hold.set()
    server.server.shutdown()
    server.server.server_close()


def _resolver(**options: Any) -> ClientMetadataResolver:
    return ClientMetadataResolver(dangerous_allow_loopback=True, timeout=5, fetch={"ignore_proxy_env": True}, **options)


def test_a_metadata_document_identifies_its_client(documents: _Documents) -> None:
    resolver = _resolver()
    client_id = documents.url + "/good.json"
    document = resolver.resolve(client_id)
    assert document["client_id"] == client_id
    assert document["redirect_uris"] == ["https://docs.example.com/cb"]
    assert document["token_endpoint_auth_method"] == "none" and document["extra"] == {}
    # Cached by its max-age: the second resolution and the identification fetch nothing.
    assert resolver.resolve(client_id) == document
    client = ProxyClient.identify(client_id, KEY, documents=resolver)
    assert documents.requests == 1
    assert client.document == document and client.expires_at is None
    consent = client.authorize("https://docs.example.com/cb", ["read"])
    assert consent["verification"] == "verified_url" and consent["client_name"] == "Doc App"
    assert _code(lambda: client.authorize("https://docs.example.com/other")) == ("ERR_INVALID_REQUEST", "redirect_uri")
    # A document that names another URL is refused, and not cached.
    other = documents.url + "/other.json"
    assert _code(lambda: resolver.resolve(other)) == ("ERR_OAUTH_INVALID_CLIENT", "client_id")
    assert _code(lambda: resolver.resolve(other)) == ("ERR_OAUTH_INVALID_CLIENT", "client_id")
    assert documents.requests == 3


def test_loopback_documents_need_the_dangerous_switch(documents: _Documents) -> None:
    code, reason = _code(lambda: ClientMetadataResolver().resolve(documents.url + "/good.json"))
    assert code == "ERR_OAUTH_INVALID_CLIENT" and reason in ("client_id_url", "address")
    assert documents.requests == 0
    with pytest.raises(mcp_bearer.ConfigError):
        ClientMetadataResolver(cache_ttl=-1)
    with pytest.raises(mcp_bearer.ConfigError):
        ClientMetadataResolver(no_such_option=True)


@pytest.mark.anyio
async def test_the_event_loop_keeps_running_while_a_document_is_fetched(documents: _Documents) -> None:
    resolver = _resolver()
    documents.hold.clear()
    ticks = 0
    stop = asyncio.Event()

    async def tick() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            if ticks == 5:
                documents.hold.set()  # the loop ran while the server held its answer
            await asyncio.sleep(0.01)

    ticker = asyncio.create_task(tick())
    client = await asyncio.wait_for(
        mcp_bearer.aidentify_client(documents.url + "/good.json", KEY, documents=resolver), timeout=10
    )
    stop.set()
    await ticker
    assert ticks >= 5
    assert client.redirect_uris == ["https://docs.example.com/cb"]
    assert (await resolver.aresolve(documents.url + "/good.json"))["client_name"] == "Doc App"
    # A sealed id needs no fetch, and no resolver.
    sealed = mcp_bearer.register_sealed_client({"redirect_uris": ["https://a.example.com/cb"]}, KEY)
    assert (await mcp_bearer.aidentify_client(sealed["client_id"], KEY)).redirect_uris == ["https://a.example.com/cb"]
    with pytest.raises(mcp_bearer.OAuthError):
        await mcp_bearer.aidentify_client(documents.url + "/good.json", KEY)
