"""`Verifier` against a JWKS endpoint on 127.0.0.1 (served by Python in this process, so a
verification that held the GIL while fetching would never get its answer): lazy fetching,
`averify`'s one shared fetch, a slow endpoint under a burst, the key set kept across starts,
background refresh, options as keywords, the result object and scope checks."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest

import mcp_bearer
from mcp_bearer import Verifier
from support import AUDIENCE, ISSUER, JwksServer, es256_key, sign


@pytest.fixture
def k1():  # type: ignore[no-untyped-def]
    return es256_key("k1")


@pytest.fixture
def server(k1) -> Iterator[JwksServer]:  # type: ignore[no-untyped-def]
    running = JwksServer([k1]).start()
    try:
        yield running
    finally:
        running.close()


def remote(url: str, **extra: object) -> Verifier:
    return Verifier(
        jwks_url=url, issuers=[ISSUER], audiences=[AUDIENCE], fetch={"ignore_proxy_env": True}, **extra
    )


def test_verify_fetches_lazily_once_then_answers_from_the_keys_in_hand(server, k1) -> None:  # type: ignore[no-untyped-def]
    verifier = remote(server.url)
    assert server.requests == 0, "building the verifier must not fetch"
    assert verifier.verify_cached(sign(k1)) is None, "no keys yet: verify_cached cannot answer"
    verified = verifier.verify(sign(k1, {"client_id": "app", "jti": "t-1"}))
    assert server.requests == 1
    assert verified.source == "jwt"
    assert verified.subject == "alice"
    assert verified.issuer == ISSUER
    assert verified.audiences == [AUDIENCE]
    assert verified.audience == AUDIENCE
    assert verified.scopes == ["read", "write"]
    assert verified.client_id == "app"
    assert verified.token_id == "t-1"
    assert verified.header == {"alg": "ES256", "kid": "k1", "typ": "JWT"}
    assert isinstance(verified.expires_at, int)
    assert isinstance(verified.issued_at, int)
    assert verified.not_before is None
    assert verified.key_thumbprint
    assert verified.claims["client_id"] == "app"
    assert verified.claims is verified.claims
    record = verified.to_dict()
    assert set(record) == {
        "source", "claims", "header", "subject", "issuer", "audiences", "audience", "scopes",
        "client_id", "token_id", "expires_at", "not_before", "issued_at", "key_thumbprint",
    }
    assert "alice" in repr(verified)
    cached = verifier.verify_cached(sign(k1))
    assert cached is not None and cached.subject == "alice"
    assert server.requests == 1


@pytest.mark.anyio
async def test_averify_answers_inline_when_keys_are_cached(server, k1) -> None:  # type: ignore[no-untyped-def]
    verifier = remote(server.url)
    await verifier.aprefetch()
    assert server.requests == 1
    verified = await verifier.averify(sign(k1, {"sub": "bob"}))
    assert verified.subject == "bob"
    assert server.requests == 1


@pytest.mark.anyio
async def test_200_concurrent_unknown_kid_tokens_share_one_fetch(server, k1) -> None:  # type: ignore[no-untyped-def]
    k2 = es256_key("k2")
    verifier = remote(server.url, remote_jwks={"cooldown": 0})
    await verifier.averify(sign(k1))
    assert server.requests == 1
    server.keys = [k1, k2]
    tokens = [sign(k2, {"sub": f"user-{i}"}) for i in range(200)]
    results = await asyncio.gather(*(verifier.averify(t) for t in tokens))
    assert [r.subject for r in results] == [f"user-{i}" for i in range(200)]
    assert server.requests == 2, "one shared fetch for the whole burst"


@pytest.mark.anyio
async def test_a_bad_token_costs_one_refetch_even_with_no_cooldown(server, k1) -> None:  # type: ignore[no-untyped-def]
    verifier = remote(server.url, remote_jwks={"cooldown": 0})
    await verifier.averify(sign(k1))
    assert server.requests == 1
    # Signed by another key under k1's kid: a signature failure only a newer set could
    # overturn. The shared fetch is its one refetch; the same set coming back is final.
    forged = sign(es256_key("k1"))
    for expected in (2, 3):
        with pytest.raises(mcp_bearer.InvalidSignature):
            await verifier.averify(forged)
        assert server.requests == expected, "one refetch per verification, not one per round"


@pytest.mark.anyio
async def test_a_2s_jwks_fetch_does_not_block_the_loop_and_200_tokens_cause_one_fetch(k1) -> None:  # type: ignore[no-untyped-def]
    slow = JwksServer([k1], hold=2.0).start()
    try:
        verifier = remote(slow.url)
        tokens = [sign(k1, {"sub": f"user-{i}"}) for i in range(200)]
        ticks_in_flight = 0
        done = False

        async def ticker() -> None:
            nonlocal ticks_in_flight
            for _ in range(2000):  # bounded: 20 s at most
                if done:
                    return
                if slow.in_flight:
                    ticks_in_flight += 1
                await asyncio.sleep(0.01)

        tick = asyncio.create_task(ticker())
        results = await asyncio.wait_for(
            asyncio.gather(*(verifier.averify(t) for t in tokens)), timeout=20
        )
        done = True
        await tick
        assert [r.subject for r in results] == [f"user-{i}" for i in range(200)]
        assert slow.requests == 1, "the burst caused one fetch"
        assert ticks_in_flight > 0, "the event loop ran while the fetch was in flight"
    finally:
        slow.close()


def test_other_threads_run_while_verify_waits_on_the_network(k1) -> None:  # type: ignore[no-untyped-def]
    slow = JwksServer([k1], hold=2.0).start()
    try:
        verifier = remote(slow.url)
        progressed = 0
        stop = threading.Event()

        def count() -> None:
            nonlocal progressed
            while not stop.is_set() and progressed < 10_000_000:
                if slow.in_flight:
                    progressed += 1

        thread = threading.Thread(target=count)
        thread.start()
        try:
            assert verifier.verify(sign(k1)).subject == "alice"
        finally:
            stop.set()
            thread.join(10)
        assert progressed > 0, "Python code ran in another thread during the fetch"
    finally:
        slow.close()


@pytest.mark.anyio
async def test_background_refresh_when_the_core_says_it_is_due(server, k1) -> None:  # type: ignore[no-untyped-def]
    now = time.time()
    kept = {"jwks": {"keys": [k1.jwk]}, "fetched_at": now - 700}
    verifier = remote(server.url, jwks_cache=kept, remote_jwks={"max_age": 600})
    assert verifier.refresh_due()
    verified = await verifier.averify(sign(k1))
    assert verified.subject == "alice", "answered from the stale set at once"
    for _ in range(1000):  # bounded: 10 s at most
        if server.requests == 1 and not verifier.refresh_due():
            break
        await asyncio.sleep(0.01)
    assert server.requests == 1
    assert not verifier.refresh_due()


def test_the_key_set_in_hand_seeds_a_new_verifier(server, k1) -> None:  # type: ignore[no-untyped-def]
    first = remote(server.url)
    assert first.jwks_cache is None
    first.verify(sign(k1))
    kept = first.jwks_cache
    assert kept is not None
    assert kept["jwks"]["keys"][0]["kid"] == "k1"
    assert abs(kept["fetched_at"] - time.time()) < 3600
    second = remote(server.url, jwks_cache=kept)
    assert second.verify_cached(sign(k1)) is not None
    assert server.requests == 1
    with pytest.raises(mcp_bearer.ConfigError):
        Verifier(jwks={"keys": [k1.jwk]}, issuers=[ISSUER], audiences=[AUDIENCE], jwks_cache=kept)
    with pytest.raises(mcp_bearer.ConfigError):
        remote(server.url, jwks_cache={"jwks": {"keys": []}})


def test_options_as_keywords_camel_case_and_timedelta(server, k1) -> None:  # type: ignore[no-untyped-def]
    verifier = Verifier(
        jwksUrl=server.url,
        issuers=(ISSUER,),
        audiences=[AUDIENCE],
        leeway=timedelta(seconds=0),
        remoteJwks={"maxAge": timedelta(minutes=5), "cooldown": 1.5},
        fetch={"ignoreProxyEnv": True},
        max_token_age=None,
    )
    expired = sign(k1, {"exp": int(time.time()) - 5})
    with pytest.raises(mcp_bearer.TokenExpired) as caught:
        verifier.verify(expired)
    assert caught.value.claim == "exp"
    assert caught.value.reason == "check_failed"
    assert expired not in str(caught.value)
    wrong = sign(k1, {"aud": "https://other.example.com"})
    with pytest.raises(mcp_bearer.InvalidClaim) as claim:
        verifier.verify(wrong)
    assert claim.value.claim == "aud"
    assert claim.value.expected == AUDIENCE
    assert claim.value.actual == "https://other.example.com"


def test_required_scopes_option_and_require_scopes(server, k1) -> None:  # type: ignore[no-untyped-def]
    verifier = remote(server.url, required_scopes=["admin"])
    with pytest.raises(mcp_bearer.InsufficientScope) as caught:
        verifier.verify(sign(k1))
    assert caught.value.http_status == 403
    assert caught.value.required_scopes == ["admin"]
    plain = remote(server.url)
    verified = plain.verify(sign(k1))
    Verifier.require_scopes(verified, ["read"])
    with pytest.raises(mcp_bearer.InsufficientScope):
        Verifier.require_scopes(verified, ["read", "delete"])


def test_prefetch_errors_are_keyset_unavailable(k1) -> None:  # type: ignore[no-untyped-def]
    dead = JwksServer([k1]).start()
    url = dead.url
    dead.close()
    verifier = remote(url, remote_jwks={"timeout": 2})
    with pytest.raises(mcp_bearer.KeySetUnavailable) as caught:
        verifier.prefetch()
    assert caught.value.http_status == 503


def test_claims_are_what_json_loads_makes() -> None:
    """`VerifiedToken.claims` is built while the payload is parsed: it must equal
    `json.loads` of the payload for every kind of JSON value, escapes and repeated names
    included."""
    import base64
    import hmac
    import json as json_module

    secret = b"a shared secret of at least 32 bytes, for HS256"
    payloads = [
        '{"exp": 4000000000, "sub": "a", "n": {"list": [1, -2, 2.5, 1e300, true, false, null, [], {}], "s": "\\u00e9\\ud83d\\ude00\\n\\"q\\""}}',
        '{"exp": 4000000000, "big": 18446744073709551615, "neg": -9223372036854775808, "f": 0.1, "e": 5e-324}',
        '{"exp": 4000000000, "x": 1, "x": "second", "\\u0069ss": "escaped name", "d": {"k": 1, "k": 2}}',
        '{"exp": 4000000000, "aud": ["a", "b"], "scp": ["r", "w"], "jti": "j", "client_id": "c", "nbf": 1, "iat": 1}',
    ]
    header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=")
    verifier = mcp_bearer.Verifier(
        shared_secret_b64u=base64.urlsafe_b64encode(secret).rstrip(b"=").decode(),
        algorithms=["HS256"],
        dangerous_accept_any_issuer=True,
        dangerous_accept_any_audience=True,
    )
    for text in payloads:
        body = base64.urlsafe_b64encode(text.encode()).rstrip(b"=")
        signature = hmac.new(secret, header + b"." + body, "sha256").digest()
        token = b".".join([header, body, base64.urlsafe_b64encode(signature).rstrip(b"=")]).decode()
        claims = verifier.verify(token).claims
        expected = json_module.loads(text)
        assert claims == expected, text
        assert [type(v) for v in claims.values()] == [type(v) for v in expected.values()], text
        assert list(claims) == list(expected), text
