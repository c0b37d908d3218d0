"""mcp-bearer: bearer-token verification for MCP servers, in Rust.

``Verifier(**options)`` takes the core's options as keyword arguments (``jwks_url=``,
``issuers=``, ``audiences=``, ``leeway=``, ``remote_jwks={"max_age": 600}``, …; durations
as seconds or ``timedelta``); ``verify`` releases the GIL while it works and ``averify``
answers inline when the keys are in hand, otherwise awaits one shared key fetch run off the
event loop. Drop-ins: ``mcp_bearer.fastmcp.JWTVerifier`` and
``mcp_bearer.mcp.JWTTokenVerifier``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import threading
from typing import Any

from mcp_bearer import exceptions
from mcp_bearer._native import (
    ProxyClient,
    ProxyStateKey,
    VerifiedToken,
    all_errors,
    authorization_server_metadata_for_proxy,
    authorization_url,
    authorization_server_metadata_url,
    bearer_token,
    check_authorization_response_issuer,
    check_redirect_uri,
    parse_token_response,
    pkce_challenge,
    pkce_check,
    pkce_verifier,
    protected_resource_metadata,
    protected_resource_metadata_url,
    random_nonce,
    random_state,
    redirect_uri_matches,
    register_client,
    register_sealed_client,
    token_request,
    user_info,
    www_authenticate,
)
from mcp_bearer._native import ClientMetadataResolver as _NativeClientMetadataResolver
from mcp_bearer._native import Verifier as _NativeVerifier
from mcp_bearer.exceptions import (
    BearerMissing,
    ConfigError,
    InsufficientScope,
    InvalidClaim,
    InvalidRequest,
    InvalidSignature,
    InvalidToken,
    KeySetUnavailable,
    MCPBearerError,
    OAuthError,
    OpaqueToken,
    TokenExpired,
    TokenInactive,
    TokenTooLarge,
)

__all__ = [
    "Verifier",
    "VerifiedToken",
    "all_errors",
    "exceptions",
    "www_authenticate",
    "bearer_token",
    "protected_resource_metadata",
    "protected_resource_metadata_url",
    "authorization_server_metadata_for_proxy",
    "authorization_server_metadata_url",
    "user_info",
    "pkce_verifier",
    "pkce_challenge",
    "pkce_check",
    "random_state",
    "random_nonce",
    "check_redirect_uri",
    "redirect_uri_matches",
    "ProxyStateKey",
    "authorization_url",
    "token_request",
    "parse_token_response",
    "register_client",
    "register_sealed_client",
    "ClientMetadataResolver",
    "ProxyClient",
    "aidentify_client",
    "check_authorization_response_issuer",
    "MCPBearerError",
    "InvalidToken",
    "TokenExpired",
    "InvalidSignature",
    "InvalidClaim",
    "OpaqueToken",
    "TokenTooLarge",
    "TokenInactive",
    "InsufficientScope",
    "BearerMissing",
    "InvalidRequest",
    "KeySetUnavailable",
    "ConfigError",
    "OAuthError",
]

# How many times an `averify` joins a shared fetch before it verifies on its own (a new fetch
# can become due while waiting, e.g. after another rotation).
_SHARED_ROUNDS = 3


class Verifier(_NativeVerifier):
    """A bearer-token verifier over the core's ``VerifierConfig``.

    Keyword arguments are the core's members (snake_case or camelCase), exactly one key
    source among ``jwks_url``, ``discovery_issuer``, ``jwks``, ``public_key``,
    ``shared_secret`` and ``shared_secret_b64u``; every default is the core's. ``now`` fixes
    the clock; ``jwks_cache`` seeds a remote key set kept from an earlier run.
    """

    # Per-instance asyncio state, created on first use (the native base class takes every
    # constructor argument, so there is no __init__ here).
    _lock: threading.Lock
    _flights: dict[asyncio.AbstractEventLoop, asyncio.Future[None]]
    _refreshing: bool

    def _state(self) -> dict[asyncio.AbstractEventLoop, asyncio.Future[None]]:
        try:
            return self._flights
        except AttributeError:
            # setdefault is atomic: two threads starting at once share one state.
            fields = self.__dict__
            fields.setdefault("_lock", threading.Lock())
            fields.setdefault("_refreshing", False)
            flights: dict[asyncio.AbstractEventLoop, asyncio.Future[None]]
            flights = fields.setdefault("_flights", {})
            return flights

    async def averify(self, token: str) -> VerifiedToken:
        """Verifies ``token``: at once when the keys are in hand (``verify_cached``, GIL
        released), otherwise after the one shared key fetch of this event loop, which runs
        in the loop's default executor. Raises the ``MCPBearerError`` subclass of the code."""
        loop = asyncio.get_running_loop()
        self._refresh_in_background(loop)
        verified = self.verify_cached(token)
        for _ in range(_SHARED_ROUNDS):
            if verified is not None:
                return verified
            await asyncio.shield(self._flight(loop, token))
            # That fetch was this token's one refetch: a miss is final now, so a bad token
            # does not start fetch after fetch when the cooldown is 0.
            verified = self.verify_after_fetch(token)
        if verified is not None:
            return verified
        return await loop.run_in_executor(None, self.verify, token)

    async def aprefetch(self) -> None:
        """``prefetch()`` in the event loop's default executor."""
        await asyncio.get_running_loop().run_in_executor(None, self.prefetch)

    def _flight(self, loop: asyncio.AbstractEventLoop, token: str) -> asyncio.Future[None]:
        flights = self._state()
        flight = flights.get(loop)
        if flight is None:
            flight = loop.run_in_executor(None, self._fetch_for, token)
            flights[loop] = flight
            flight.add_done_callback(lambda _: flights.pop(loop, None))
        return flight

    def _fetch_for(self, token: str) -> None:
        # The core's blocking verify of the first token that needed keys fetches them; its
        # verdict is not used: every waiter (that token included) asks verify_after_fetch.
        try:
            self.verify(token)
        except MCPBearerError:
            pass

    def _refresh_in_background(self, loop: asyncio.AbstractEventLoop) -> None:
        self._state()
        if self._refreshing or not self.refresh_due():
            return
        with self._lock:
            if self._refreshing:
                return
            self._refreshing = True
        future: concurrent.futures.Future[None] | asyncio.Future[None]
        future = loop.run_in_executor(None, self._refresh)

        def done(_: Any) -> None:
            self._refreshing = False

        future.add_done_callback(done)

    def _refresh(self) -> None:
        # A failed refresh is remembered by the core (cooldown, stale keys still served).
        try:
            self.refresh_keys_if_due()
        except MCPBearerError:
            pass


class ClientMetadataResolver(_NativeClientMetadataResolver):
    """Fetches, checks and caches client id metadata documents (see the native class):
    ``resolve`` blocks (the GIL released), ``aresolve`` runs it off the event loop."""

    async def aresolve(self, client_id: str) -> dict[str, Any]:
        """``resolve`` in the loop's default executor."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self.resolve, client_id)


async def aidentify_client(
    client_id: str,
    key: ProxyStateKey,
    *,
    documents: _NativeClientMetadataResolver | None = None,
    now: float | None = None,
) -> ProxyClient:
    """``ProxyClient.identify`` for an event loop: a sealed client id is opened at once (no
    I/O); a client id metadata document is resolved by ``documents`` in the loop's default
    executor."""
    try:
        return ProxyClient.identify(client_id, key, now=now)
    except OAuthError as error:
        if documents is None or error.reason != "metadata_document":
            raise
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(
        None, functools.partial(ProxyClient.identify, client_id, key, documents=documents, now=now)
    )
