#!/usr/bin/env bash
# macOS only: builds the static library for macOS (arm64 + x86_64), iOS devices (arm64) and
# the iOS simulator (arm64 + x86_64) and packs them, with the generated header and module map
# of Sources/MCPBearer/ffi, into build/MCPBearerFFI.xcframework, the binary target of
# Package.swift. Needs Xcode (xcodebuild, lipo), rustup, and cmake (aws-lc-sys builds C).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
[ "$(uname -s)" = Darwin ] || { echo "build-xcframework.sh runs on macOS (xcodebuild)" >&2; exit 2; }

targets=(aarch64-apple-darwin x86_64-apple-darwin aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios)
rustup target add "${targets[@]}"
# The generated sources must match the library being packed.
"$here/scripts/generate.sh" --check
for t in "${targets[@]}"; do
    cargo build --locked --release -p mcp-bearer-ffi --target "$t"
done

lib=libmcp_bearer_ffi.a
out="$here/build"
rm -rf "$out/macos" "$out/ios-simulator" "$out/MCPBearerFFI.xcframework"
mkdir -p "$out/macos" "$out/ios-simulator"
lipo -create "target/aarch64-apple-darwin/release/$lib" "target/x86_64-apple-darwin/release/$lib" \
    -output "$out/macos/$lib"
lipo -create "target/aarch64-apple-ios-sim/release/$lib" "target/x86_64-apple-ios/release/$lib" \
    -output "$out/ios-simulator/$lib"
headers="$here/Sources/MCPBearer/ffi"
xcodebuild -create-xcframework \
    -library "$out/macos/$lib" -headers "$headers" \
    -library "target/aarch64-apple-ios/release/$lib" -headers "$headers" \
    -library "$out/ios-simulator/$lib" -headers "$headers" \
    -output "$out/MCPBearerFFI.xcframework"
echo "built $out/MCPBearerFFI.xcframework"
