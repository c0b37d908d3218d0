"""``JWTTokenVerifier``: the MCP Python SDK's ``TokenVerifier`` protocol over mcp-bearer.

``JWTTokenVerifier(**options)`` takes ``mcp_bearer.Verifier``'s options (``jwks_url`` or
another key source, ``issuers``, ``audiences``, …; the core requires an issuer and an
audience unless told otherwise with its ``dangerous_…`` switches) and
``resource_server_url``: when given, ``AccessToken.resource`` is the token's ``aud`` entry
equal to it (trailing slash ignored), so ``AuthSettings(validate_token_resource=True)``
works; otherwise the configured audience that matched. ``subject`` and ``claims`` are filled
where the installed ``AccessToken`` has them (``mcp`` ≥ 1.28). A refused token is ``None``
(the SDK answers 401); scopes are left to ``AuthSettings.required_scopes`` (403).
"""

from __future__ import annotations

import logging
from typing import Any

from mcp.server.auth.provider import AccessToken

from mcp_bearer import MCPBearerError, Verifier

__all__ = ["JWTTokenVerifier"]

_logger = logging.getLogger(__name__)

_ACCESS_TOKEN_FIELDS = frozenset(AccessToken.model_fields)


class JWTTokenVerifier:
    """The MCP SDK's ``TokenVerifier``: ``await verify_token(token)`` → ``AccessToken | None``."""

    def __init__(self, *, resource_server_url: str | None = None, **options: Any) -> None:
        """``options`` are ``mcp_bearer.Verifier``'s; raises ``mcp_bearer.ConfigError``."""
        self.verifier = Verifier(**options)
        self.resource_server_url = str(resource_server_url) if resource_server_url else None

    def _resource(self, audiences: list[str], matched: str | None) -> str | None:
        if self.resource_server_url is not None:
            wanted = self.resource_server_url.removesuffix("/")
            for audience in audiences:
                if audience.removesuffix("/") == wanted:
                    return audience
        return matched

    async def verify_token(self, token: str) -> AccessToken | None:
        """The ``AccessToken`` of a valid token; ``None`` for any refused token."""
        try:
            verified = await self.verifier.averify(token)
        except MCPBearerError as error:
            _logger.debug("Bearer token rejected: %s (%s)", error.code, error.public_description)
            return None
        fields: dict[str, Any] = {
            "token": token,
            "client_id": verified.client_id or "",
            "scopes": verified.scopes,
            "expires_at": verified.expires_at,
        }
        if "resource" in _ACCESS_TOKEN_FIELDS:
            fields["resource"] = self._resource(verified.audiences, verified.audience)
        if "subject" in _ACCESS_TOKEN_FIELDS:
            fields["subject"] = verified.subject
        if "claims" in _ACCESS_TOKEN_FIELDS:
            fields["claims"] = verified.claims
        return AccessToken(**fields)
