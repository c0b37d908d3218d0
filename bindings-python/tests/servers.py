"""An ASGI app served by uvicorn on 127.0.0.1 (a free port) as a task of the test's event
loop, and raw HTTP requests to it (run off the loop) for the status and headers a client
that is not an MCP client sees."""

from __future__ import annotations

import asyncio
import json
import socket
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import uvicorn

_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "raw", "version": "0"},
    },
}


@asynccontextmanager
async def serve(app: Any) -> AsyncIterator[str]:
    """Serves `app` (or the app `app(base_url)` makes); yields its base URL
    (`http://127.0.0.1:PORT`)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    if isinstance(app, _Factory):
        app = app.make(f"http://127.0.0.1:{port}")
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        for _ in range(2000):  # bounded: 20 s at most
            if server.started or task.done():
                break
            await asyncio.sleep(0.01)
        assert server.started, "uvicorn did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=20)
        sock.close()


class _Factory:
    def __init__(self, make: Callable[[str], Any]) -> None:
        self.make = make


def app_for(make: Callable[[str], Any]) -> Any:
    """For `serve`: the app is made once the base URL is known."""
    return _Factory(make)


def _post(url: str, token: str | None, body: Any) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "content-type": "application/json",
            "accept": "application/json, text/event-stream",
        },
    )
    if token is not None:
        request.add_header("authorization", f"Bearer {token}")
    try:
        with _opener.open(request, timeout=20) as answer:
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


async def post_initialize(url: str, token: str | None) -> tuple[int, dict[str, str], bytes]:
    """An MCP `initialize` POST with `token` as bearer: status, lower-cased headers, body."""
    return await asyncio.to_thread(_post, url, token, INITIALIZE)
