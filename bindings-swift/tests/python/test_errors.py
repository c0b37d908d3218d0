"""Errors arrive as the one UniFFI error enum, McpBearerError: the case chosen by the status
a resource server answers, every case carrying the stable code and every field of the core's
ErrorRecord; the code table is the core's all_errors()."""

import time

import pytest

import mcp_bearer_ffi as ffi
from conftest import hs256

SECRET = b"a shared secret of at least 32 bytes!"
ISSUER = "https://idp.example.com/"
AUDIENCE = "https://mcp.example.com/mcp"
FIELDS = [
    "code", "message", "public_description", "claim", "reason", "expected", "actual",
    "http_status", "oauth_error", "required_scopes", "upstream_error",
    "upstream_error_description", "upstream_error_uri",
]
CASE_OF_STATUS = {
    401: ffi.McpBearerError.InvalidToken,
    403: ffi.McpBearerError.InsufficientScope,
    400: ffi.McpBearerError.InvalidRequest,
    500: ffi.McpBearerError.Configuration,
    502: ffi.McpBearerError.Upstream,
    503: ffi.McpBearerError.Unavailable,
}


def verifier(**options):
    return ffi.JwtVerifier(
        ffi.JwtVerifierConfig(
            shared_secret=ffi.SharedSecret.from_text(SECRET.decode()),
            issuers=[ISSUER],
            audiences=[AUDIENCE],
            **options,
        )
    )


def claims(**extra):
    now = int(time.time())
    return {"iss": ISSUER, "aud": AUDIENCE, "sub": "alice", "iat": now, "exp": now + 300, **extra}


def assert_case(error, code):
    assert isinstance(error, ffi.McpBearerError)
    assert error.code == code, error.message
    assert type(error) is CASE_OF_STATUS[error.http_status], (code, type(error))
    for field in FIELDS:
        assert hasattr(error, field), field


def test_all_errors_is_the_core_table():
    table = ffi.all_errors()
    codes = [e.code for e in table]
    assert len(codes) == len(set(codes)) > 20
    assert all(c.startswith("ERR_") for c in codes)
    by_code = {e.code: e for e in table}
    assert by_code["ERR_JWT_EXPIRED"].http_status == 401
    assert by_code["ERR_JWT_EXPIRED"].oauth_error == "invalid_token"
    assert by_code["ERR_TOKEN_MISSING"].oauth_error is None
    assert by_code["ERR_INSUFFICIENT_SCOPE"].http_status == 403
    assert by_code["ERR_JWKS_TIMEOUT"].http_status == 503
    assert all(e.description for e in table)
    # Every status of the table has its case in the enum.
    assert {e.http_status for e in table} <= set(CASE_OF_STATUS)


def test_an_expired_token_is_invalid_token_with_the_claim():
    token = hs256(claims(exp=int(time.time()) - 3600), SECRET)
    with pytest.raises(ffi.McpBearerError.InvalidToken) as caught:
        verifier().verify(token)
    assert_case(caught.value, "ERR_JWT_EXPIRED")
    assert caught.value.claim == "exp"
    assert caught.value.http_status == 401
    assert caught.value.oauth_error == "invalid_token"
    assert caught.value.public_description


def test_a_missing_scope_is_insufficient_scope_with_the_required_scopes():
    token = hs256(claims(scope="tools:read"), SECRET)
    with pytest.raises(ffi.McpBearerError.InsufficientScope) as caught:
        verifier(required_scopes=["tools:write"]).verify(token)
    assert_case(caught.value, "ERR_INSUFFICIENT_SCOPE")
    assert caught.value.required_scopes == ["tools:write"]
    assert caught.value.oauth_error == "insufficient_scope"


def test_the_wrong_audience_names_the_claim_and_values():
    token = hs256(claims(aud="https://other.example.com/"), SECRET)
    with pytest.raises(ffi.McpBearerError) as caught:
        verifier().verify_cached(token)
    assert_case(caught.value, "ERR_JWT_CLAIM_VALIDATION_FAILED")
    assert caught.value.claim == "aud"
    assert caught.value.actual is not None


def test_an_opaque_token_and_a_bad_signature():
    with pytest.raises(ffi.McpBearerError) as caught:
        verifier().verify("ya29.opaque")
    assert_case(caught.value, "ERR_TOKEN_OPAQUE")
    forged = hs256(claims(), b"another secret of at least 32 bytes")
    with pytest.raises(ffi.McpBearerError) as caught:
        verifier().verify(forged)
    assert_case(caught.value, "ERR_JWS_SIGNATURE_VERIFICATION_FAILED")


def test_configuration_errors_are_the_configuration_case():
    with pytest.raises(ffi.McpBearerError.Configuration) as caught:
        ffi.JwtVerifier(ffi.JwtVerifierConfig())
    assert_case(caught.value, "ERR_INVALID_CONFIG")
    assert "no key source" in caught.value.message
    assert caught.value.http_status == 500
    # A range the core checks, named.
    with pytest.raises(ffi.McpBearerError.Configuration) as caught:
        verifier(leeway=10_000_000.0)
    assert "leeway" in caught.value.message
    # A value only this binding can refuse (JSON has no NaN), named too.
    with pytest.raises(ffi.McpBearerError.Configuration) as caught:
        verifier(remote_jwks=ffi.RemoteJwksConfig(timeout=float("nan")))
    assert "timeout" in caught.value.message
    with pytest.raises(ffi.McpBearerError.Configuration) as caught:
        ffi.JwtVerifier(ffi.JwtVerifierConfig(jwks_json="{not json", dangerous_accept_any_issuer=True))
    assert "jwks_json" in caught.value.message
    with pytest.raises(ffi.McpBearerError.Configuration) as caught:
        ffi.JwtVerifier.with_fixed_time(ffi.JwtVerifierConfig(), float("inf"))
    assert "now" in caught.value.message


def test_a_short_secret_is_refused_without_showing_it():
    short = "short-secret-xyz"
    with pytest.raises(ffi.McpBearerError) as caught:
        ffi.JwtVerifier(
            ffi.JwtVerifierConfig(
                shared_secret=ffi.SharedSecret.from_text(short),
                issuers=[ISSUER],
                audiences=[AUDIENCE],
            )
        )
    assert caught.value.code in ("ERR_INVALID_KEY", "ERR_INVALID_CONFIG")
    assert short not in str(caught.value)
    assert short not in repr(caught.value)


def test_a_configuration_never_prints_its_secret():
    secret = "a shared secret of at least 32 bytes!"
    config = ffi.JwtVerifierConfig(
        shared_secret=ffi.SharedSecret.from_text(secret), issuers=[ISSUER], audiences=[AUDIENCE]
    )
    assert secret not in str(config)
    assert secret not in repr(config)


def test_every_field_of_the_record_is_carried():
    token = hs256(claims(), SECRET, header={"alg": "HS256", "typ": "dpop+jwt"})
    with pytest.raises(ffi.McpBearerError) as caught:
        verifier(typ=ffi.TypPolicy.STRICT_ACCESS_TOKEN).verify(token)
    error = caught.value
    assert_case(error, "ERR_JWT_TYPE_INVALID")
    assert (error.expected, error.actual) == ("at+jwt", "dpop+jwt")
    assert error.upstream_error is None
    assert error.upstream_error_description is None
    assert error.upstream_error_uri is None
    assert error.required_scopes == []
