"""``JWTVerifier``: a drop-in for FastMCP's own ``JWTVerifier`` whose checks run in Rust.

A subclass of ``fastmcp.server.auth.providers.jwt.JWTVerifier`` taking the same keyword
arguments (FastMCP's own ``__init__`` runs, so its validation, ``ValueError`` messages and
public attributes are FastMCP's), plus ``verifier_options``: more of the core's options
(``leeway``, ``typ``, ``remote_jwks``, ``fetch``, …) as ``mcp_bearer.Verifier`` takes them.

Kept from FastMCP: ``verify_token`` returns ``None`` and never raises on a bad token; scopes
come from the overridable ``_extract_scopes``; ``required_scopes`` not all present means
``None``; the client id is ``client_id``, else ``azp``, else ``sub``, else ``"unknown"``;
``issuer``, ``audience``, ``algorithm`` and ``required_scopes`` set after construction are
honoured (FastMCP's Auth0, AuthKit and Azure providers do that); a subclass's
``_validate_issuer`` decides the issuer; the result is FastMCP's ``AccessToken`` with
``claims``, ``subject`` and ``resource``. ``issuer=None`` / ``audience=None`` mean "not
checked", as in FastMCP: this module says so to the core with ``dangerous_accept_any_issuer``
/ ``dangerous_accept_any_audience``.

Where the core is stricter (see the README): ``exp`` is required, ``nbf`` and ``iat`` are
checked with a 30 s leeway, ``typ`` must be absent, ``JWT`` or ``at+jwt``, plain ``http`` is
refused for a JWKS URL that is not loopback, and ``http_client``/``ssrf_safe`` are not used
(the core's own HTTP client fetches the keys).
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Mapping
from typing import Any

from fastmcp.server.auth import AccessToken
from fastmcp.server.auth.providers.jwt import JWTVerifier as _FastMCPJWTVerifier

from mcp_bearer import MCPBearerError, Verifier

__all__ = ["JWTVerifier"]

_logger = logging.getLogger(__name__)

# The fields FastMCP's installed AccessToken has (older models have no subject/resource).
_ACCESS_TOKEN_FIELDS = frozenset(AccessToken.model_fields)


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


class JWTVerifier(_FastMCPJWTVerifier):
    """FastMCP's ``JWTVerifier`` with verification by mcp-bearer's Rust core."""

    def __init__(self, *, verifier_options: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        """Same keyword arguments as FastMCP's ``JWTVerifier`` (``public_key`` as PEM or HMAC
        secret, ``jwks_uri``, ``issuer``, ``audience``, ``algorithm``, ``required_scopes``,
        ``base_url``, …), plus ``verifier_options``: further core options. Raises FastMCP's
        ``ValueError``s, and ``mcp_bearer.ConfigError`` (a ``ValueError``) for what the core
        refuses."""
        super().__init__(**kwargs)
        self._verifier_options = dict(verifier_options or {})
        refresh_interval = kwargs.get("jwks_refresh_interval")
        if refresh_interval is not None:
            remote = dict(self._verifier_options.get("remote_jwks") or {})
            remote.setdefault("cooldown", refresh_interval)
            self._verifier_options["remote_jwks"] = remote
        self._built_for: tuple[Any, ...] | None = None
        self._verifier: Verifier | None = None
        self._core()  # configuration errors surface here, not on the first request

    def _policy(self) -> tuple[Any, ...]:
        return (_frozen(self.issuer), _frozen(self.audience), self.algorithm)

    def _issuer_hook(self) -> bool:
        """Whether a subclass decides the issuer with its own ``_validate_issuer``."""
        base = getattr(_FastMCPJWTVerifier, "_validate_issuer", None)
        return base is not None and type(self)._validate_issuer is not base  # type: ignore[attr-defined, unused-ignore]

    def _core(self) -> Verifier:
        """The core verifier for the current ``issuer``/``audience``/``algorithm``: rebuilt
        when one of them was set after construction (keeping the keys in hand)."""
        policy = self._policy()
        verifier = self._verifier
        if verifier is not None and policy == self._built_for:
            return verifier
        config: dict[str, Any] = dict(self._verifier_options)
        algorithm = self.algorithm or "RS256"
        if self.jwks_uri:
            config["jwks_url"] = self.jwks_uri
        elif algorithm.startswith("HS"):
            secret = self.public_key
            if isinstance(secret, bytes):
                config["shared_secret_b64u"] = base64.urlsafe_b64encode(secret).rstrip(b"=").decode()
            else:
                config["shared_secret"] = secret
        else:
            key = self.public_key
            config["public_key"] = key.decode() if isinstance(key, bytes) else key
        # FastMCP accepts one algorithm; its Ed25519 names are the core's EdDSA.
        config["algorithms"] = ["EdDSA" if algorithm in ("Ed25519", "EdDSA") else algorithm]
        issuer, audience, _ = policy
        if not issuer or self._issuer_hook():
            # FastMCP: no issuer configured means the issuer is not checked.
            config["dangerous_accept_any_issuer"] = True
        else:
            config["issuers"] = [issuer] if isinstance(issuer, str) else list(issuer)
        if not audience:
            # FastMCP: no audience configured means the audience is not checked.
            config["dangerous_accept_any_audience"] = True
        else:
            config["audiences"] = [audience] if isinstance(audience, str) else list(audience)
        kept = verifier.jwks_cache if verifier is not None else None
        if kept is not None:
            config["jwks_cache"] = kept
        self._verifier = Verifier(**config)
        self._built_for = policy
        return self._verifier

    async def load_access_token(self, token: str) -> AccessToken | None:  # type: ignore[override, unused-ignore]
        """The ``AccessToken`` of a valid token; ``None`` for any refused token."""
        core = self._core()
        try:
            # Inline when the keys are in hand; averify joins the shared fetch otherwise, and
            # starts the background refresh the core asks for.
            verified = core.verify_cached(token)
            if verified is None or core.refresh_due():
                verified = await core.averify(token)
        except MCPBearerError as error:
            _logger.debug("Bearer token rejected: %s (%s)", error.code, error.public_description)
            return None
        claims = verified.claims
        if self.issuer and self._issuer_hook() and not self._validate_issuer(claims.get("iss")):  # type: ignore[attr-defined, unused-ignore]
            _logger.warning("Bearer token rejected: issuer %r not accepted", claims.get("iss"))
            return None
        client_id = claims.get("client_id") or claims.get("azp") or claims.get("sub") or "unknown"
        scopes = self._extract_scopes(claims)
        if self.required_scopes and not set(self.required_scopes).issubset(scopes):
            _logger.warning(
                "Bearer token rejected for client %s: missing required scopes (has %s, requires %s)",
                client_id,
                sorted(scopes),
                sorted(self.required_scopes),
            )
            return None
        fields: dict[str, Any] = {
            "token": token,
            "client_id": str(client_id),
            "scopes": scopes,
            "expires_at": verified.expires_at,
            "claims": claims,
        }
        if "subject" in _ACCESS_TOKEN_FIELDS:
            fields["subject"] = verified.subject
        if "resource" in _ACCESS_TOKEN_FIELDS:
            fields["resource"] = verified.audience
        return AccessToken(**fields)

    async def verify_token(self, token: str) -> AccessToken | None:  # type: ignore[override, unused-ignore]
        """FastMCP's ``TokenVerifier`` entry: ``load_access_token``."""
        return await self.load_access_token(token)
