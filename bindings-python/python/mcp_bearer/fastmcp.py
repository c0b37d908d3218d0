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
from collections.abc import Callable, Mapping
from typing import Any

from fastmcp.server.auth import AccessToken
from fastmcp.server.auth.providers.jwt import JWTVerifier as _FastMCPJWTVerifier
from pydantic import BaseModel

from mcp_bearer import MCPBearerError, Verifier, VerifiedToken

__all__ = ["JWTVerifier"]

_logger = logging.getLogger(__name__)

# The fields FastMCP's installed AccessToken has (older models have no subject/resource).
_ACCESS_TOKEN_FIELDS = frozenset(AccessToken.model_fields)


def _slot_setter(name: str) -> Callable[[Any, Any], None]:
    """The setter of the descriptor ``name`` (a slot of pydantic's ``BaseModel``)."""
    for klass in AccessToken.__mro__:
        if name in vars(klass):
            return vars(klass)[name].__set__  # type: ignore[no-any-return, unused-ignore]
    raise AttributeError(name)


# What `_access_token` builds an AccessToken from without validating it again (see
# `_prepare`): the model's values with its defaults, in field order; the fields it sets; the
# setters of pydantic's slots. `_BASE` is None when every token is validated.
_BASE: dict[str, Any] | None = None
_GIVEN: frozenset[str] = frozenset()
_SUBJECT = "subject" in _ACCESS_TOKEN_FIELDS
_RESOURCE = "resource" in _ACCESS_TOKEN_FIELDS
_new = object.__new__
_set_dict = _set_fields_set = _set_extra = _set_private = _slot_setter("__dict__")


def _access_token(
    token: str,
    client_id: str,
    scopes: Any,
    expires_at: int | None,
    claims: dict[str, Any],
    subject: str | None,
    resource: str | None,
) -> AccessToken | None:
    """FastMCP's ``AccessToken``; ``None`` when the model refuses the values (a subclass's
    ``_extract_scopes`` answering something other than strings), as FastMCP's own verifier
    answers a ``ValidationError``. ``claims`` is the verification's own dict, handed over.

    Values of the declared types (everything but the scopes comes from the core, typed) are
    set as pydantic's ``model_construct`` sets them, without validating them again: that
    costs about 1 µs a token, a twentieth of a whole RS256 verification."""
    if _BASE is not None and type(scopes) is list:
        for scope in scopes:
            if type(scope) is not str:
                break
        else:
            values = dict(_BASE)
            values["token"] = token
            values["client_id"] = client_id
            # A copy, as validation makes one: `_extract_scopes` may answer the claims' list.
            values["scopes"] = list(scopes)
            values["expires_at"] = expires_at
            values["claims"] = claims
            if _SUBJECT:
                values["subject"] = subject
            if _RESOURCE:
                values["resource"] = resource
            made = _new(AccessToken)
            _set_dict(made, values)
            _set_fields_set(made, set(_GIVEN))
            _set_extra(made, None)
            _set_private(made, None)
            return made  # type: ignore[no-any-return, unused-ignore]
    fields: dict[str, Any] = {
        "token": token,
        "client_id": client_id,
        "scopes": scopes,
        "expires_at": expires_at,
        "claims": claims,
    }
    if _SUBJECT:
        fields["subject"] = subject
    if _RESOURCE:
        fields["resource"] = resource
    try:
        return AccessToken(**fields)
    except ValueError as error:  # pydantic's ValidationError
        _logger.debug("Token validation failed: %s", error)
        return None


def _prepare() -> None:
    """Enables `_access_token`'s construction without validation when the installed
    ``AccessToken`` is one it reproduces exactly: no validator, ``__init__`` or
    ``model_post_init`` of its own that validation would run, no extra or private values;
    and, on a sample, an object equal to the validated one, with the same dump,
    representation and set fields. Anything else leaves validation on."""
    global _BASE, _GIVEN, _set_dict, _set_fields_set, _set_extra, _set_private
    try:
        decorators = AccessToken.__pydantic_decorators__
        if (
            decorators.field_validators
            or decorators.model_validators
            or decorators.validators
            or decorators.root_validators
            or any(
                "__init__" in vars(klass) or "model_post_init" in vars(klass)
                for klass in AccessToken.__mro__
                if klass is not BaseModel and issubclass(klass, BaseModel)
            )
        ):
            return
        sample: dict[str, Any] = {
            "token": "t", "client_id": "c", "scopes": ["a"], "expires_at": 1,
            "claims": {"iss": "i", "n": [1]}, "subject": "s", "resource": "r",
        }
        given = [name for name in sample if name in _ACCESS_TOKEN_FIELDS]
        validated = AccessToken(**{name: sample[name] for name in given})
        if validated.__pydantic_extra__ is not None or validated.__pydantic_private__ is not None:
            return
        # A default the tokens would share must be immutable (a `default_factory` list is not).
        if any(
            type(value) not in (type(None), str, int, float, bool, tuple, frozenset)
            for name, value in validated.__dict__.items()
            if name not in given
        ):
            return
        _set_dict = _slot_setter("__dict__")
        _set_fields_set = _slot_setter("__pydantic_fields_set__")
        _set_extra = _slot_setter("__pydantic_extra__")
        _set_private = _slot_setter("__pydantic_private__")
        _GIVEN = frozenset(given)
        _BASE = dict(validated.__dict__)
        made = _access_token(**sample)
        if (
            made is None
            or made != validated
            or made.model_dump() != validated.model_dump()
            or repr(made) != repr(validated)
            or made.model_fields_set != validated.model_fields_set
        ):
            _BASE = None
    except Exception:  # noqa: BLE001 - any surprise means: validate every time
        _BASE = None


_prepare()


class _Later:
    """The answer needs the shared key fetch (or a refresh is due)."""


_LATER = _Later()


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
        # A class's methods are fixed: asked once, not on every token.
        self._own_issuer_check = self._issuer_hook()
        self._verifier: Verifier | None = None
        self._core()  # configuration errors surface here, not on the first request

    def _issuer_hook(self) -> bool:
        """Whether a subclass decides the issuer with its own ``_validate_issuer``."""
        base = getattr(_FastMCPJWTVerifier, "_validate_issuer", None)
        return base is not None and type(self)._validate_issuer is not base  # type: ignore[attr-defined, unused-ignore]

    def _core(self) -> Verifier:
        """The core verifier for the current ``issuer``/``audience``/``algorithm``: rebuilt
        when one of them was set after construction (keeping the keys in hand)."""
        iss, aud = self.issuer, self.audience
        policy = (
            tuple(iss) if isinstance(iss, list) else iss,
            tuple(aud) if isinstance(aud, list) else aud,
            self.algorithm,
        )
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
        if not issuer or self._own_issuer_check:
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

    def _answer(self, token: str, verified: VerifiedToken | None = None) -> AccessToken | None | _Later:
        """The ``AccessToken`` of ``verified`` after FastMCP's own checks on its claims, or
        ``None``. Without ``verified``: of ``token`` when its keys are in hand and no refresh
        is due, else ``_LATER``. (One function rather than several: this runs on every
        request, and each Python call costs about a tenth of a microsecond.)"""
        if verified is None:
            core = self._core()
            try:
                verified = core.verify_cached(token)
            except MCPBearerError as error:
                _logger.debug("Bearer token rejected: %s (%s)", error.code, error.public_description)
                return None
            if verified is None or core.refresh_due():
                return _LATER
        claims = verified.claims  # a dict made for this verification alone
        if self.issuer and self._own_issuer_check and not self._validate_issuer(claims.get("iss")):  # type: ignore[attr-defined, unused-ignore]
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
        return _access_token(
            token, str(client_id), scopes, verified.expires_at, claims, verified.subject, verified.audience
        )

    async def load_access_token(self, token: str) -> AccessToken | None:  # type: ignore[override, unused-ignore]
        """The ``AccessToken`` of a valid token; ``None`` for any refused token."""
        answer = self._answer(token)
        if answer is not _LATER:
            return answer  # type: ignore[return-value]
        try:
            # averify joins the shared key fetch, and starts the background refresh the
            # core asks for.
            verified = await self._core().averify(token)
        except MCPBearerError as error:
            _logger.debug("Bearer token rejected: %s (%s)", error.code, error.public_description)
            return None
        return self._answer(token, verified)  # type: ignore[return-value]

    async def verify_token(self, token: str) -> AccessToken | None:  # type: ignore[override, unused-ignore]
        """FastMCP's ``TokenVerifier`` entry: ``load_access_token``. When a subclass has
        not replaced that, a token whose keys are in hand is answered here, without a
        second coroutine."""
        if type(self).load_access_token is JWTVerifier.load_access_token:
            answer = self._answer(token)
            if answer is not _LATER:
                return answer  # type: ignore[return-value]
        return await self.load_access_token(token)
