"""Shared fixtures: the anyio backend (asyncio) and a real issuer per test that asks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support import Issuer


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def issuer() -> Iterator[Issuer]:
    running = Issuer()
    try:
        yield running
    finally:
        running.close()
