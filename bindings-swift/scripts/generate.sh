#!/usr/bin/env bash
# Builds mcp-bearer-ffi and the workspace's uniffi-bindgen, then writes from the library's
# UniFFI metadata:
#   Sources/MCPBearer/MCPBearer.swift           the Swift API (module MCPBearer)
#   Sources/MCPBearer/ffi/MCPBearerFFI.h        the C header of the scaffolding
#   Sources/MCPBearer/ffi/module.modulemap      the C module MCPBearerFFI (XCFramework headers)
#   tests/python/mcp_bearer_ffi.py              the Python module the tests drive the library with
# and links tests/python/libmcp_bearer_ffi.so to the built library (not committed).
#
#   scripts/generate.sh            debug build, regenerate in place
#   scripts/generate.sh --check    the same, but fail if a committed file differs
#   scripts/generate.sh --release  the same from a release build
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

check=""
profile="debug"
cargo_profile=(--quiet)
for arg in "$@"; do
    case "$arg" in
        --check) check=1 ;;
        --release) profile="release"; cargo_profile=(--quiet --release) ;;
        *) echo "usage: $0 [--check] [--release]" >&2; exit 2 ;;
    esac
done

# The workspace's layout (scripts/test): artifacts under target/<host triple>/.
CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-$(rustc -vV | sed -n 's/^host: //p')}"
export CARGO_BUILD_TARGET
cargo build --locked "${cargo_profile[@]}" -p mcp-bearer-ffi -p mcp-bearer-uniffi-bindgen
out="$root/target/$CARGO_BUILD_TARGET/$profile"
case "$(uname -s)" in
    Darwin) lib="$out/libmcp_bearer_ffi.dylib" ;;
    *) lib="$out/libmcp_bearer_ffi.so" ;;
esac

gen="$(mktemp -d)"
trap 'rm -rf "$gen"' EXIT
# --no-format: the output must not depend on whether swiftformat or black is installed.
"$out/uniffi-bindgen" generate --library "$lib" --language swift --language python \
    --config "$here/uniffi.toml" --no-format --out-dir "$gen" >/dev/null

# Generated file → committed path (plain lists: macOS ships bash 3.2, without associative arrays).
from=(MCPBearer.swift MCPBearerFFI.h MCPBearerFFI.modulemap mcp_bearer_ffi.py)
to=(Sources/MCPBearer/MCPBearer.swift Sources/MCPBearer/ffi/MCPBearerFFI.h
    Sources/MCPBearer/ffi/module.modulemap tests/python/mcp_bearer_ffi.py)
stale=0
for i in "${!from[@]}"; do
    generated="$gen/${from[$i]}"
    committed="$here/${to[$i]}"
    if [ -n "$check" ]; then
        if ! diff -u "$committed" "$generated" >&2; then
            echo "bindings-swift/${to[$i]} is stale: run bindings-swift/scripts/generate.sh and commit it" >&2
            stale=1
        fi
    else
        mkdir -p "$(dirname "$committed")"
        cp "$generated" "$committed"
    fi
done
ln -sf "$lib" "$here/tests/python/$(basename "$lib")"
exit "$stale"
