"""Install as a user would (run by scripts/test.sh in one environment, after the others):
the sdist builds and carries the workspace crates it needs; `maturin build --release` makes a
manylinux abi3 wheel that installs into a fresh venv with no Rust on PATH, imports, and runs
`mcp-bearer keys generate`; `pip install ./bindings-python` builds through maturin as the
PEP 517 backend (maturin pinned by requirements/build.txt as the build constraint)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import venv
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1]
MATURIN = Path(os.environ.get("MCP_BEARER_MATURIN", "maturin"))
NO_RUST_PATH = "/usr/bin:/bin"


def _run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    run = subprocess.run(args, capture_output=True, text=True, timeout=1800, **kwargs)  # type: ignore[call-overload]
    assert run.returncode == 0, f"{args}: {run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    return run  # type: ignore[no-any-return]


def _fresh_venv(where: Path) -> Path:
    venv.EnvBuilder(with_pip=True).create(where)
    return where / "bin"


def _no_rust_env(bin_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARGO", "RUST", "VIRTUAL_ENV"))}
    env["PATH"] = f"{bin_dir}:{NO_RUST_PATH}"
    assert shutil.which("cargo", path=env["PATH"]) is None
    assert shutil.which("rustc", path=env["PATH"]) is None
    return env


def test_sdist_builds_with_the_crates_it_needs(tmp_path: Path) -> None:
    _run([str(MATURIN), "sdist", "-o", str(tmp_path)], cwd=PACKAGE)
    (sdist,) = tmp_path.glob("mcp_bearer-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
    root = names[0].split("/")[0]
    for needed in ("pyproject.toml", "core/src/lib.rs", "cli/src/lib.rs", "python/mcp_bearer/__init__.py"):
        assert any(n.startswith(root + "/") and n.endswith(needed) for n in names), needed


def test_release_wheel_installs_without_rust_and_runs_the_cli(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    _run([str(MATURIN), "build", "--release", "-o", str(dist)], cwd=PACKAGE)
    (wheel,) = dist.glob("*.whl")
    assert re.fullmatch(r"mcp_bearer-[0-9.]+-cp310-abi3-manylinux_\d+_\d+_x86_64\.whl", wheel.name), wheel.name
    bin_dir = _fresh_venv(tmp_path / "venv")
    env = _no_rust_env(bin_dir)
    _run([str(bin_dir / "pip"), "install", "--no-index", "--quiet", str(wheel)], env=env)
    keys = _run([str(bin_dir / "mcp-bearer"), "keys", "generate"], env=env)
    assert json.loads(keys.stdout)["public"]["keys"][0]["kty"] == "RSA"
    code = (
        "import mcp_bearer, mcp_bearer._native as n;"
        "v = mcp_bearer.Verifier(shared_secret='s' * 32, issuers=['i'], audiences=['a']);"
        "print(type(v).__name__, len(n.all_errors()))"
    )
    imported = _run([str(bin_dir / "python"), "-c", code], env=env, cwd=tmp_path)
    assert imported.stdout.split()[0] == "Verifier"


def test_pip_install_from_the_source_tree(tmp_path: Path) -> None:
    bin_dir = _fresh_venv(tmp_path / "venv")
    env = dict(os.environ)
    env.pop("VIRTUAL_ENV", None)
    env["PIP_CONSTRAINT"] = str(PACKAGE / "requirements" / "build.txt")
    _run([str(bin_dir / "pip"), "install", "--quiet", "--disable-pip-version-check", str(PACKAGE)], env=env)
    out = _run([str(bin_dir / "mcp-bearer"), "--version"], env=env)
    assert out.stdout.startswith("mcp-bearer ")
    if sys.platform.startswith("linux"):
        located = _run([str(bin_dir / "python"), "-c", "import mcp_bearer; print(mcp_bearer.__file__)"], env=env, cwd=tmp_path)
        assert str(tmp_path) in located.stdout, "imported from the fresh venv, not the source tree"
