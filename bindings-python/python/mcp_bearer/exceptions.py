"""The exceptions mcp-bearer raises, written in Python and raised from Rust.

Every error carries the fields of the core's error record: ``code`` (a stable ``ERR_…``
string), ``message`` (for the operator's logs: it may name the token's claims), and
``public_description`` (safe to send to a client), ``claim``, ``reason``, ``expected``,
``actual``, ``http_status``, ``oauth_error``, ``required_scopes`` and, for an upstream OAuth
error, ``upstream_error``, ``upstream_error_description`` and ``upstream_error_uri``.

The class of each code is in ``mcp_bearer._codes`` (generated from the core's code list by
``scripts/gen_codes.py``); a code this version does not know raises the base class.
"""

from __future__ import annotations

from typing import Any

from mcp_bearer._codes import CLASS_OF_CODE

__all__ = [
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


class MCPBearerError(Exception):
    """Base class of every mcp-bearer error; ``str(error)`` is ``message``."""

    code: str
    message: str
    public_description: str
    claim: str | None
    reason: str | None
    expected: str | None
    actual: str | None
    http_status: int
    oauth_error: str | None
    required_scopes: list[str]
    upstream_error: str | None
    upstream_error_description: str | None
    upstream_error_uri: str | None

    def __init__(
        self,
        message: str,
        *,
        code: str,
        public_description: str = "",
        claim: str | None = None,
        reason: str | None = None,
        expected: str | None = None,
        actual: str | None = None,
        http_status: int = 500,
        oauth_error: str | None = None,
        required_scopes: list[str] | None = None,
        upstream_error: str | None = None,
        upstream_error_description: str | None = None,
        upstream_error_uri: str | None = None,
        _native: Any = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.public_description = public_description
        self.claim = claim
        self.reason = reason
        self.expected = expected
        self.actual = actual
        self.http_status = http_status
        self.oauth_error = oauth_error
        self.required_scopes = list(required_scopes or [])
        self.upstream_error = upstream_error
        self.upstream_error_description = upstream_error_description
        self.upstream_error_uri = upstream_error_uri
        # The core error itself (opaque), for www_authenticate(); None when made in Python.
        self._native = _native

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only fields: pickling (multiprocessing, logging handlers) rebuilds from
        # them; the core error behind `_native` stays in this process.
        fields = {
            name: getattr(self, name)
            for name in (
                "public_description", "claim", "reason", "expected", "actual", "http_status",
                "oauth_error", "required_scopes", "upstream_error", "upstream_error_description",
                "upstream_error_uri",
            )
        }
        return (_rebuild, (type(self), self.message, self.code, fields))


class InvalidToken(MCPBearerError):
    """The token was refused (HTTP 401 ``invalid_token``): the client needs a new one."""


class TokenExpired(InvalidToken):
    """``exp`` is past (with the leeway)."""


class InvalidSignature(InvalidToken):
    """No key verified the signature: a tampered token, an unknown ``kid``, an algorithm not
    allowed, or a JWS that does not parse."""


class InvalidClaim(InvalidToken):
    """A claim or header failed its check (``iss``, ``aud``, ``nbf``, ``iat``, ``typ``, a
    required claim), or the payload is not a JWT claims set."""


class OpaqueToken(InvalidToken):
    """The token is not a JWT (configure introspection or userinfo for opaque tokens)."""


class TokenTooLarge(InvalidToken):
    """The token is larger than ``max_token_bytes``."""


class TokenInactive(InvalidToken):
    """Introspection or userinfo said the opaque token is not active."""


class InsufficientScope(MCPBearerError):
    """The token lacks a required scope (HTTP 403); ``required_scopes`` lists them."""


class BearerMissing(MCPBearerError):
    """The request carries no bearer token (HTTP 401 without an error code)."""


class InvalidRequest(MCPBearerError):
    """The request is malformed (HTTP 400), e.g. two credentials or a bad header."""


class KeySetUnavailable(MCPBearerError):
    """The keys (or the introspection endpoint) could not be had: a timeout, a failed fetch
    or an invalid document (HTTP 503: the token may be fine, retry later)."""


class ConfigError(MCPBearerError, ValueError):
    """The configuration is refused: an option outside its range, a bad URL, key or secret."""


class OAuthError(MCPBearerError):
    """An OAuth flow failed: sealed state, redirect URI, client metadata, grant or an
    upstream error."""


_CLASSES: dict[str, type[MCPBearerError]] = {
    cls.__name__: cls
    for cls in (
        MCPBearerError,
        InvalidToken,
        TokenExpired,
        InvalidSignature,
        InvalidClaim,
        OpaqueToken,
        TokenTooLarge,
        TokenInactive,
        InsufficientScope,
        BearerMissing,
        InvalidRequest,
        KeySetUnavailable,
        ConfigError,
        OAuthError,
    )
}


def exception_class(code: str) -> type[MCPBearerError]:
    """The class raised for ``code`` (the base class for a code this version does not know)."""
    return _CLASSES[CLASS_OF_CODE.get(code, "MCPBearerError")]


def _rebuild(
    cls: type[MCPBearerError], message: str, code: str, fields: dict[str, Any]
) -> MCPBearerError:
    """An unpickled error."""
    return cls(message, code=code, **fields)


def _from_record(*, code: str, message: str, **fields: Any) -> MCPBearerError:
    """The exception for one core error record (called from Rust)."""
    return exception_class(code)(message, code=code, **fields)
