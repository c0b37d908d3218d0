#!/usr/bin/env bash
# The Python binding's tests, run by ../scripts/test: the build backend and the two pinned test
# environments (FastMCP 4.x + mcp 2.x, FastMCP 2.x + mcp 1.x) as venvs under the workspace's
# target/py/, each (re)made only when its requirements file changed; the native module built
# once into the workspace's target dir (`maturin develop`, an editable install into each
# venv); the generated code table checked; the stubs checked by mypy.stubtest and the package
# by mypy --strict; pytest in both environments; then the install tests (tests_install/:
# sdist, release wheel in a fresh venv without Rust, `pip install .`), which need a release
# build (MCP_BEARER_SKIP_INSTALL_TEST=1 skips them, for quick local runs only).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(cd .. && pwd)
venvs="$root/target/py"
python=${PYTHON:-python3}
mkdir -p "$venvs"

# A venv at $1 holding exactly the pins of $2, reused while $2 is unchanged.
ensure_venv() {
    local dir=$1 requirements=$2 stamp
    stamp=$(sha256sum "$requirements" | cut -d' ' -f1)
    if [ -f "$dir/.requirements-sha256" ] && [ "$(cat "$dir/.requirements-sha256")" = "$stamp" ]; then
        return
    fi
    rm -rf "$dir"
    "$python" -m venv "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$requirements"
    echo "$stamp" >"$dir/.requirements-sha256"
}

ensure_venv "$venvs/build" requirements/build.txt
ensure_venv "$venvs/fastmcp4" requirements/test-fastmcp4.txt
ensure_venv "$venvs/fastmcp2" requirements/test-fastmcp2.txt

status=0
for env in fastmcp4 fastmcp2; do
    echo "--- python ($env): maturin develop, generated files, pytest"
    VIRTUAL_ENV="$venvs/$env" PATH="$venvs/$env/bin:$PATH" \
        "$venvs/build/bin/maturin" develop --quiet 2>&1 | grep -v '^\(📦\|🔗\|🐍\|📡\|✏️\|🛠\)' || true
    "$venvs/$env/bin/python" scripts/gen_codes.py --check || status=1
    "$venvs/$env/bin/python" -m mypy.stubtest --allowlist stubtest-allowlist.txt mcp_bearer || status=1
    "$venvs/$env/bin/python" -m mypy --strict --no-incremental -p mcp_bearer || status=1
    "$venvs/$env/bin/python" -m pytest -p no:cacheprovider -q tests "$@" || status=1
done

if [ -n "${MCP_BEARER_SKIP_INSTALL_TEST:-}" ]; then
    echo "--- python: install tests skipped (MCP_BEARER_SKIP_INSTALL_TEST is set)"
else
    echo "--- python: install tests (sdist, release wheel without Rust, pip install .)"
    MCP_BEARER_MATURIN="$venvs/build/bin/maturin" \
        "$venvs/fastmcp4/bin/python" -m pytest -p no:cacheprovider -q tests_install || status=1
fi
exit $status
