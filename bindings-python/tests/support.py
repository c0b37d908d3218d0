"""Test helpers: keys and tokens made with PyJWT and cryptography (not with the code under
test), a JWKS endpoint on 127.0.0.1 that counts its requests, and `mcp-bearer serve-issuer`
(the command compiled into the native module) as a real issuer."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec

ISSUER = "https://issuer.example.com/"
AUDIENCE = "https://mcp.example.com/mcp"

# urllib without the environment's proxies: every request of these tests goes to 127.0.0.1.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Key:
    kid: str
    private: Any
    jwk: dict[str, Any]


def es256_key(kid: str) -> Key:
    private = ec.generate_private_key(ec.SECP256R1())
    jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(private.public_key()))
    jwk.update({"kid": kid, "alg": "ES256", "use": "sig"})
    return Key(kid, private, jwk)


def sign(key: Key, claims: dict[str, Any] | None = None, **header: Any) -> str:
    now = int(time.time())
    payload: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "alice",
        "scope": "read write",
        "iat": now,
        "exp": now + 600,
    }
    payload.update(claims or {})
    payload = {k: v for k, v in payload.items() if v is not None}
    return jwt.encode(payload, key.private, algorithm="ES256", headers={"kid": key.kid, **header})


@dataclass
class JwksServer:
    """A JWKS endpoint on 127.0.0.1 serving `keys`; `hold` seconds of delay per answer."""

    keys: list[Key]
    hold: float = 0.0
    requests: int = 0
    in_flight: int = 0
    url: str = ""
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> JwksServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                with owner._lock:
                    owner.requests += 1
                    owner.in_flight += 1
                try:
                    if owner.hold:
                        # The scenario is a slow endpoint: this answer takes `hold` seconds.
                        threading.Event().wait(owner.hold)
                    body = json.dumps({"keys": [k.jwk for k in owner.keys]}).encode()
                    self.send_response(200)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                finally:
                    with owner._lock:
                        owner.in_flight -= 1

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/jwks.json"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


class Issuer:
    """`mcp-bearer serve-issuer` on 127.0.0.1, run through this package's console entry."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mcp_bearer", "serve-issuer", "--exit-on-stdin-close", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert self.process.stdout is not None
        line = _readline_within(self.process, 20.0)
        self.info: dict[str, Any] = json.loads(line)
        self.issuer: str = self.info["issuer"]
        self.jwks_uri: str = self.info["jwks_uri"]
        self.resource: str = self.info["resource"]

    def mint(self, **claims: Any) -> str:
        return str(self.post("/token", claims)["access_token"])

    def post(self, path: str, body: Any | None = None) -> Any:
        data = json.dumps(body if body is not None else {}).encode()
        request = urllib.request.Request(
            self.issuer.rstrip("/") + path,
            data=data,
            method="POST",
            headers={"content-type": "application/json"},
        )
        with _opener.open(request, timeout=10) as answer:
            text = answer.read()
        return json.loads(text) if text else None

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.terminate()
            self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()


def _readline_within(process: subprocess.Popen[bytes], seconds: float) -> str:
    result: list[bytes] = []
    reader = threading.Thread(target=lambda: result.append(process.stdout.readline()))  # type: ignore[union-attr]
    reader.start()
    reader.join(seconds)
    if not result or not result[0]:
        process.kill()
        raise RuntimeError(f"serve-issuer printed no startup line within {seconds} s")
    return result[0].decode()


def get(url: str, token: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """A GET on 127.0.0.1: status, headers, body (errors answered, not raised)."""
    request = urllib.request.Request(url)
    if token is not None:
        request.add_header("authorization", f"Bearer {token}")
    try:
        with _opener.open(request, timeout=10) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
