"""The `mcp-bearer` console script and `python -m mcp_bearer`: the command line compiled into
the native module, and `serve-issuer` as the issuer a `Verifier` checks tokens against."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import mcp_bearer
from support import Issuer


def _script() -> str:
    beside = Path(sys.executable).with_name("mcp-bearer")
    found = str(beside) if beside.exists() else shutil.which("mcp-bearer")
    assert found, "the console script mcp-bearer is installed with the package"
    return found


def test_console_script_generates_keys() -> None:
    run = subprocess.run(
        [_script(), "keys", "generate", "--alg", "ES256"], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["private"]["keys"][0]["kty"] == "EC"
    assert "d" not in out["public"]["keys"][0]


def test_module_entry_and_exit_codes() -> None:
    version = subprocess.run(
        [sys.executable, "-m", "mcp_bearer", "--version"], capture_output=True, text=True, timeout=60
    )
    assert version.returncode == 0
    assert version.stdout.startswith("mcp-bearer ")
    bad = subprocess.run(
        [sys.executable, "-m", "mcp_bearer", "no-such-command"], capture_output=True, text=True, timeout=60
    )
    assert bad.returncode != 0
    assert "no-such-command" in bad.stderr


def test_a_token_from_serve_issuer_verifies_by_discovery(issuer: Issuer) -> None:
    verifier = mcp_bearer.Verifier(
        discovery_issuer=issuer.issuer, audiences=[issuer.resource], fetch={"ignore_proxy_env": True}
    )
    token = issuer.mint(sub="alice", aud=issuer.resource, scope="mcp:read")
    verified = verifier.verify(token)
    assert verified.subject == "alice"
    assert verified.scopes == ["mcp:read"]
    assert verified.issuer == issuer.issuer
    with pytest.raises(mcp_bearer.InvalidClaim):
        verifier.verify(issuer.mint(sub="alice", aud="https://elsewhere.example.com"))
