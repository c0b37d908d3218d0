"""The exception table against the core's code list (pydantic-core's drift test): the
generated `_codes.py` is what `scripts/gen_codes.py` writes from `all_errors()`, every code
has a class, and raised errors carry the record."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

import mcp_bearer
from mcp_bearer import exceptions
from mcp_bearer._codes import CLASS_OF_CODE, HTTP_STATUS_OF_CODE, ErrorCode

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "gen_codes.py"


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("gen_codes", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_codes_file_is_generated_from_the_core_list() -> None:
    generator = _generator()
    assert generator.FILE.read_text(encoding="utf-8") == generator.render(), (
        "run `python bindings-python/scripts/gen_codes.py`"
    )


def test_every_core_code_has_a_class_and_nothing_else_does() -> None:
    core = [info["code"] for info in mcp_bearer.all_errors()]
    assert len(core) >= 27
    assert len(set(core)) == len(core)
    assert list(CLASS_OF_CODE) == core
    assert list(ErrorCode.__args__) == core  # type: ignore[attr-defined]
    for info in mcp_bearer.all_errors():
        cls = exceptions.exception_class(info["code"])
        assert cls is not exceptions.MCPBearerError, info["code"]
        assert issubclass(cls, exceptions.MCPBearerError)
        assert HTTP_STATUS_OF_CODE[info["code"]] == info["http_status"]
        assert 400 <= info["http_status"] < 600
        assert info["description"]


def test_families() -> None:
    cls = exceptions.exception_class
    assert cls("ERR_JWT_EXPIRED") is mcp_bearer.TokenExpired
    assert issubclass(mcp_bearer.TokenExpired, mcp_bearer.InvalidToken)
    assert cls("ERR_JWS_SIGNATURE_VERIFICATION_FAILED") is mcp_bearer.InvalidSignature
    assert cls("ERR_JWT_CLAIM_VALIDATION_FAILED") is mcp_bearer.InvalidClaim
    assert cls("ERR_INSUFFICIENT_SCOPE") is mcp_bearer.InsufficientScope
    assert cls("ERR_TOKEN_OPAQUE") is mcp_bearer.OpaqueToken
    assert cls("ERR_JWKS_TIMEOUT") is mcp_bearer.KeySetUnavailable
    assert cls("ERR_INVALID_CONFIG") is mcp_bearer.ConfigError
    assert issubclass(mcp_bearer.ConfigError, ValueError)
    assert cls("ERR_OAUTH_STATE_INVALID") is mcp_bearer.OAuthError
    assert cls("ERR_NOT_A_CODE_YET") is mcp_bearer.MCPBearerError


def test_a_raised_error_carries_the_record() -> None:
    verifier = mcp_bearer.Verifier(
        shared_secret="x" * 32, issuers=["https://i.example/"], audiences=["a"]
    )
    with pytest.raises(mcp_bearer.OpaqueToken) as caught:
        verifier.verify("not-a-jwt")
    error = caught.value
    assert error.code == "ERR_TOKEN_OPAQUE"
    assert error.http_status == 401
    assert error.oauth_error == "invalid_token"
    assert error.public_description
    assert error.required_scopes == []
    assert str(error) == error.message
    assert "not-a-jwt" not in repr(error)


def test_config_errors_are_value_errors_and_name_the_option() -> None:
    with pytest.raises(ValueError) as caught:
        mcp_bearer.Verifier(shared_secret="x" * 32, issuers=["i"], audiences=["a"], leeway=-1)
    assert isinstance(caught.value, mcp_bearer.ConfigError)
    assert "leeway" in str(caught.value)
    secret = "too-short-secret"
    with pytest.raises(mcp_bearer.ConfigError) as caught:
        mcp_bearer.Verifier(shared_secret=secret, issuers=["i"], audiences=["a"])
    assert secret not in str(caught.value)
    with pytest.raises(mcp_bearer.ConfigError) as caught:
        mcp_bearer.Verifier(shared_secret="x" * 32, issuers=["i"], audiences=["a"], leeway=object())
    assert "leeway" in str(caught.value)


def test_errors_pickle_with_their_fields() -> None:
    import pickle

    verifier = mcp_bearer.Verifier(shared_secret="x" * 32, issuers=["i"], audiences=["a"], required_scopes=["s"])
    with pytest.raises(mcp_bearer.OpaqueToken) as caught:
        verifier.verify("opaque")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is mcp_bearer.OpaqueToken
    assert (copy.code, copy.message, copy.http_status) == (caught.value.code, caught.value.message, 401)
