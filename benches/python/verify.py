#!/usr/bin/env python3
"""The Python binding next to PyJWT, FastMCP's own JWTVerifier and cryptography's bare
signature check (the floor), one process:

    bindings-python/scripts/test.sh builds the venvs; then, with a release build installed:
    target/py/fastmcp4/bin/python benches/python/verify.py [SECONDS_PER_CASE]

For RS256 (2048-bit), ES256 and EdDSA (Ed25519): a pool of 1000 distinct tokens cycled
through (unique) and one token again and again (repeated). Every case runs in slices, taking
turns slice by slice, so that a busy neighbour slows every case alike; ops/s is the median of
the slices. Then two threads, and the first verification (JWKS fetch included) against
PyJWT's PyJWKClient, both from the same local JWKS endpoint on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import statistics
import sys
import threading
import time
import uuid
import warnings
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from fastmcp.server.auth.providers.jwt import JWTVerifier as FastMCPJWTVerifier

import mcp_bearer
from mcp_bearer.fastmcp import JWTVerifier as DropIn

ISSUER = "https://idp.example.com/"
AUDIENCE = "https://mcp.example.com/mcp"
POOL = 1000
ROUNDS = 10
SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
SLICE = SECONDS / ROUNDS


def b64u_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Fixture:
    def __init__(self, alg: str) -> None:
        self.alg = alg
        if alg == "RS256":
            self.private: Any = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        elif alg == "ES256":
            self.private = ec.generate_private_key(ec.SECP256R1())
            jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.private.public_key()))
        else:
            self.private = ed25519.Ed25519PrivateKey.generate()
            jwk = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(self.private.public_key()))
        self.public = self.private.public_key()
        self.kid = f"{alg.lower()}-key"
        jwk.update({"kid": self.kid, "alg": alg, "use": "sig"})
        self.jwk = jwk
        now = int(time.time())
        self.tokens = [
            jwt.encode(
                {
                    "iss": ISSUER, "sub": f"user-{i % 97}", "aud": AUDIENCE, "iat": now, "nbf": now,
                    "exp": now + 3600, "jti": str(uuid.uuid4()), "scope": "read write",
                    "client_id": "bench-client",
                },
                self.private,
                algorithm=alg,
                headers={"kid": self.kid, "typ": "JWT"},
            )
            for i in range(POOL)
        ]
        # The floor's inputs: signing input bytes (split beforehand) and the signature segment,
        # decoded from base64url on every call.
        self.floor_inputs = [
            (t[: t.rindex(".")].encode(), t[t.rindex(".") + 1 :]) for t in self.tokens
        ]

    def floor(self) -> Callable[[tuple[bytes, str]], None]:
        public = self.public
        if self.alg == "RS256":
            pkcs1, sha256 = padding.PKCS1v15(), hashes.SHA256()
            return lambda item: public.verify(b64u_decode(item[1]), item[0], pkcs1, sha256)
        if self.alg == "ES256":
            ecdsa = ec.ECDSA(hashes.SHA256())

            def es256(item: tuple[bytes, str]) -> None:
                raw = b64u_decode(item[1])
                der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
                public.verify(der, item[0], ecdsa)

            return es256
        return lambda item: public.verify(b64u_decode(item[1]), item[0])


class JwksServer:
    def __init__(self, keys: list[dict[str, Any]]) -> None:
        body = json.dumps({"keys": keys}).encode()
        self.requests = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                owner.requests += 1
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/jwks.json"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def sync_case(run: Callable[[Any], Any], items: list[Any]) -> Callable[[float], float]:
    """A slice runner: calls `run` over `items` (cycled) for `seconds`; returns calls/s."""
    state = {"i": 0}

    def slice_(seconds: float) -> float:
        n, i, end = 0, state["i"], time.perf_counter() + seconds
        count = len(items)
        while True:
            for _ in range(5):
                run(items[i])
                i = i + 1 if i + 1 < count else 0
            n += 5
            if time.perf_counter() >= end:
                break
        state["i"] = i
        return n / seconds

    return slice_


def batch_case(run: Callable[[Any], Any], items: list[Any], batch: int) -> Callable[[float], float]:
    """As `sync_case`, for a `run` that does `batch` calls at once."""
    inner = sync_case(run, items)
    return lambda seconds: inner(seconds) * batch


def async_case(loop: asyncio.AbstractEventLoop, run: Callable[[Any], Any], items: list[Any]) -> Callable[[float], float]:
    state = {"i": 0}

    async def many(seconds: float) -> int:
        n, i, end = 0, state["i"], time.perf_counter() + seconds
        count = len(items)
        while True:
            for _ in range(5):
                result = await run(items[i])
                assert result is not None
                i = i + 1 if i + 1 < count else 0
            n += 5
            if time.perf_counter() >= end:
                break
        state["i"] = i
        return n

    return lambda seconds: loop.run_until_complete(many(seconds)) / seconds


def measure(cases: dict[str, Callable[[float], float]]) -> dict[str, float]:
    for case in cases.values():  # warm-up: keys fetched, caches filled
        case(0.02)
    rates: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(ROUNDS):
        for name, case in cases.items():
            rates[name].append(case(SLICE))
    return {name: statistics.median(r) for name, r in rates.items()}


def main() -> None:
    # joserfc (FastMCP's JOSE library) warns on every EdDSA token.
    warnings.simplefilter("ignore")
    fixtures = [Fixture(alg) for alg in ("RS256", "ES256", "EdDSA")]
    jwks = JwksServer([f.jwk for f in fixtures])
    loop = asyncio.new_event_loop()
    print(f"mcp-bearer python bench: {SECONDS:.1f} s per case in {ROUNDS} slices; ops/s (median of slices)")
    ratios: list[str] = []
    for f in fixtures:
        common = {"jwks_url": jwks.url, "issuers": [ISSUER], "audiences": [AUDIENCE], "fetch": {"ignore_proxy_env": True}}
        unique = mcp_bearer.Verifier(token_cache_entries=0, **common)
        cached = mcp_bearer.Verifier(**common)
        unique.prefetch()
        cached.prefetch()
        dropin_unique = DropIn(
            jwks_uri=jwks.url, issuer=ISSUER, audience=AUDIENCE, algorithm=f.alg,
            verifier_options={"token_cache_entries": 0, "fetch": {"ignore_proxy_env": True}},
        )
        dropin = DropIn(
            jwks_uri=jwks.url, issuer=ISSUER, audience=AUDIENCE, algorithm=f.alg,
            verifier_options={"fetch": {"ignore_proxy_env": True}},
        )
        fastmcp = FastMCPJWTVerifier(jwks_uri=jwks.url, issuer=ISSUER, audience=AUDIENCE, algorithm=f.alg)
        pyjwt_key = jwt.PyJWK(f.jwk).key
        options = {"verify_aud": True}

        def pyjwt_decode(token: str, key: Any = pyjwt_key, alg: str = f.alg) -> Any:
            return jwt.decode(token, key, algorithms=[alg], audience=AUDIENCE, issuer=ISSUER, options=options, leeway=30)

        one = [f.tokens[0]]
        results = measure({
            "floor (cryptography)": sync_case(f.floor(), f.floor_inputs),
            # The core's own Verifier::verify on the same verifier, 20 times per call from
            # Python, so the crossing is not part of the row (counted as 20 calls).
            "core (bench_core x20)": batch_case(lambda t: unique.bench_core(t, 20), f.tokens, 20),
            "Verifier.verify": sync_case(unique.verify, f.tokens),
            "Verifier.averify": async_case(loop, unique.averify, f.tokens),
            "drop-in verify_token": async_case(loop, dropin_unique.verify_token, f.tokens),
            "PyJWT jwt.decode": sync_case(pyjwt_decode, f.tokens),
            "FastMCP verify_token": async_case(loop, fastmcp.verify_token, f.tokens),
            "repeated: core (bench_core x20)": batch_case(lambda t: cached.bench_core(t, 20), one, 20),
            "repeated: Verifier.verify": sync_case(cached.verify, one),
            "repeated: drop-in verify_token": async_case(loop, dropin.verify_token, one),
            "repeated: PyJWT jwt.decode": sync_case(pyjwt_decode, one),
            "repeated: FastMCP verify_token": async_case(loop, fastmcp.verify_token, one),
        })
        print(f"\n{f.alg}")
        for name, rate in results.items():
            print(f"  {name:34s} {rate:12,.0f} ops/s  {1e6 / rate:9.2f} µs")
        floor_ratio = results["floor (cryptography)"] / results["Verifier.verify"]
        core_ratio = results["core (bench_core x20)"] / results["Verifier.verify"]
        ratios.append(
            f"{f.alg}: verify/floor {floor_ratio:.2f}x (time; target <= 1.0); "
            f"verify/core {core_ratio:.2f}x (time; target <= 1.2); "
            f"drop-in/FastMCP {results['drop-in verify_token'] / results['FastMCP verify_token']:.1f}x; "
            f"verify/PyJWT {results['Verifier.verify'] / results['PyJWT jwt.decode']:.1f}x; "
            f"repeated: verify vs PyJWT {results['repeated: Verifier.verify'] / results['repeated: PyJWT jwt.decode']:.0f}x, "
            f"vs FastMCP {results['repeated: Verifier.verify'] / results['repeated: FastMCP verify_token']:.0f}x; "
            f"drop-in vs FastMCP {results['repeated: drop-in verify_token'] / results['repeated: FastMCP verify_token']:.0f}x"
        )

    # Two threads: unique ES256 tokens through one shared verifier (GIL released while it works).
    f = fixtures[1]
    shared = mcp_bearer.Verifier(jwks_url=jwks.url, issuers=[ISSUER], audiences=[AUDIENCE], token_cache_entries=0, fetch={"ignore_proxy_env": True})
    shared.prefetch()
    halves = [f.tokens[: POOL // 2], f.tokens[POOL // 2 :]]

    def threads_rate(count: int, seconds: float) -> float:
        totals = [0] * count
        start = threading.Barrier(count + 1)

        def work(k: int) -> None:
            tokens = halves[k]
            start.wait()
            end = time.perf_counter() + seconds
            n = 0
            while time.perf_counter() < end:
                for t in tokens[:50]:
                    shared.verify(t)
                n += 50
            totals[k] = n

        workers = [threading.Thread(target=work, args=(k,)) for k in range(count)]
        for w in workers:
            w.start()
        start.wait()
        for w in workers:
            w.join()
        return sum(totals) / seconds

    # What the machine gives a second thread right now: hashlib's SHA-256 of 1 MiB, which
    # releases the GIL, on two threads over one.
    blob = b"x" * (1 << 20)

    def ceiling_rate(count: int, seconds: float) -> float:
        totals = [0] * count

        def work(k: int) -> None:
            end, n = time.perf_counter() + seconds, 0
            while time.perf_counter() < end:
                hashlib.sha256(blob)
                n += 1
            totals[k] = n

        workers = [threading.Thread(target=work, args=(k,)) for k in range(count)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        return sum(totals) / seconds

    scalings, ceilings = [], []
    for _ in range(ROUNDS):
        scalings.append(threads_rate(2, SLICE) / threads_rate(1, SLICE))
        ceilings.append(ceiling_rate(2, SLICE) / ceiling_rate(1, SLICE))
    print(
        f"\ntwo threads / one thread (ES256, unique tokens, one shared Verifier.verify): "
        f"{statistics.median(scalings):.2f}x (target >= 1.8); the machine's ceiling in the same rounds "
        f"(hashlib.sha256 of 1 MiB, GIL released): {statistics.median(ceilings):.2f}x"
    )

    # The first verification, JWKS fetch included: a new verifier each time.
    f = fixtures[0]
    ours, theirs = [], []
    for i in range(30):
        token = f.tokens[i]
        t0 = time.perf_counter()
        v = mcp_bearer.Verifier(jwks_url=jwks.url, issuers=[ISSUER], audiences=[AUDIENCE], fetch={"ignore_proxy_env": True})
        v.verify(token)
        t1 = time.perf_counter()
        client = jwt.PyJWKClient(jwks.url, cache_keys=False)
        key = client.get_signing_key_from_jwt(token)
        jwt.decode(token, key.key, algorithms=["RS256"], audience=AUDIENCE, issuer=ISSUER)
        t2 = time.perf_counter()
        ours.append(t1 - t0)
        theirs.append(t2 - t1)
    first_ours, first_theirs = statistics.median(ours), statistics.median(theirs)
    print(
        f"first verification (RS256, JWKS fetch included): mcp-bearer {first_ours * 1e3:.2f} ms, "
        f"PyJWKClient + jwt.decode {first_theirs * 1e3:.2f} ms: ours/theirs {first_ours / first_theirs:.2f}x (target <= 1.0)"
    )
    print("\nratios:")
    for line in ratios:
        print("  " + line)


if __name__ == "__main__":
    main()
