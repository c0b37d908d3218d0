"""The shared vectors (tests/vectors/*_cases.json) through the UniFFI library: each `jwt`
case's `options` with its `keys`, as the typed JwtVerifierConfig, at the case's fixed `now`,
gives the verdict, code, claim and reason the Rust runner gives, on every path: `verify`,
`verify` again (a verified-token cache hit), `verify_cached` (static keys: never `None`),
and with the token cache off. `jws` cases are the Rust runner's (no verify_jws here)."""

import base64
import json

import pytest

import mcp_bearer_ffi as ffi
from conftest import config_from_vector, vector_cases

CASES = vector_cases("jwt")


def payload_of(token):
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def outcome(run):
    try:
        return ("valid", run())
    except ffi.McpBearerError as error:
        return ("invalid", error)


def check(case, got, path):
    expected = case["expected"]
    where = f"{case['id']} ({path})"
    verdict, value = got
    detail = f"{value.code} {value.message}" if verdict == "invalid" else "accepted"
    assert verdict == expected["verdict"], f"{where}: {detail}"
    if verdict == "invalid":
        assert value.code == expected["code"], f"{where}: {value.message}"
        if "claim" in expected:
            assert value.claim == expected["claim"], where
        if "reason" in expected:
            assert value.reason == expected["reason"], where
    else:
        assert isinstance(value, ffi.VerifiedToken), where
        assert value.subject == expected["subject"], where
        assert value.scopes == expected["scopes"], where
        assert json.loads(value.claims_json) == payload_of(case["token"]), where
        assert value.source == ffi.TokenSource.JWT, where


def test_the_vectors_are_read():
    assert len(CASES) > 100
    assert len(vector_cases("jws")) > 0  # skipped here: the Rust runner covers them


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_vector(case):
    try:
        cached = ffi.JwtVerifier.with_fixed_time(
            config_from_vector(case["options"], case["keys"]), case["now"]
        )
        uncached = ffi.JwtVerifier.with_fixed_time(
            config_from_vector({**case["options"], "token_cache_entries": 0}, case["keys"]),
            case["now"],
        )
    except ffi.McpBearerError as error:
        check(case, ("invalid", error), "construction")
        return
    token = case["token"]
    check(case, outcome(lambda: cached.verify(token)), "verify")
    check(case, outcome(lambda: cached.verify(token)), "verify, cache hit")
    check(case, outcome(lambda: cached.verify_cached(token)), "verify_cached")
    check(case, outcome(lambda: uncached.verify(token)), "verify, cache off")
    check(case, outcome(lambda: uncached.verify_cached(token)), "verify_cached, cache off")
