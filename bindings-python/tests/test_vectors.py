"""The shared vectors (tests/vectors/*_cases.json) through the Python binding: each `jwt`
case's `options` with its `keys` are passed to `Verifier(**...)` as they are, with the clock
fixed at the case's `now`, and must give the verdict, code, claim and reason the Rust runner
gives, on every path: `verify`, `verify_cached` (the second time a verified-token cache hit),
`averify`, and with the token cache off. `jws` cases are the Rust runner's (no `verify_jws`
here)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any, Callable

import pytest

from mcp_bearer import MCPBearerError, Verifier

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"


def _cases() -> list[dict[str, Any]]:
    cases = []
    for name in ("verify_cases.json", "outside_cases.json"):
        doc = json.loads((VECTORS / name).read_text(encoding="utf-8"))
        assert doc["format"] == "mcp-bearer-vectors/2", name
        cases.extend(c for c in doc["cases"] if c["layer"] == "jwt")
    return cases


CASES = _cases()


def _payload(token: str) -> Any:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _outcome(run: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return "valid", run()
    except MCPBearerError as error:
        return "invalid", error


def _check(case: dict[str, Any], outcome: tuple[str, Any], path: str) -> None:
    verdict, value = outcome
    expected = case["expected"]
    where = f"{case['id']} ({path})"
    detail = f"{value.code} {value}" if verdict == "invalid" else "accepted"
    assert verdict == expected["verdict"], f"{where}: {detail}"
    if verdict == "invalid":
        assert value.code == expected["code"], f"{where}: {value}"
        if "claim" in expected:
            assert value.claim == expected["claim"], where
        if "reason" in expected:
            assert value.reason == expected["reason"], where
    else:
        assert value.subject == expected["subject"], where
        assert value.scopes == expected["scopes"], where
        assert value.claims == _payload(case["token"]), f"{where}: claims are not the payload"


def test_there_are_jwt_vectors() -> None:
    assert len(CASES) > 100


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
@pytest.mark.anyio
async def test_vector(case: dict[str, Any]) -> None:
    config = {**case["options"], **case["keys"]}
    try:
        cached = Verifier(now=case["now"], **config)
        uncached = Verifier(now=case["now"], **{**config, "token_cache_entries": 0})
    except MCPBearerError as error:
        _check(case, ("invalid", error), "construction")
        return
    token = case["token"]
    _check(case, _outcome(lambda: cached.verify(token)), "verify")
    _check(case, _outcome(lambda: cached.verify_cached(token)), "verify_cached, cache hit")
    try:
        result: tuple[str, Any] = ("valid", await cached.averify(token))
    except MCPBearerError as error:
        result = ("invalid", error)
    _check(case, result, "averify")
    _check(case, _outcome(lambda: uncached.verify(token)), "verify, cache off")
    _check(case, _outcome(lambda: uncached.verify_cached(token)), "verify_cached, cache off")
