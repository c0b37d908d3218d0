// swift-tools-version:6.1
// The Swift package of mcp-bearer. MCPBearer wraps the Rust library (an XCFramework built by
// scripts/build-xcframework.sh on macOS, see the README) with the Swift UniFFI generated;
// MCPBearerMCP adapts it to the Swift MCP SDK's BearerTokenValidator, in its own target so
// that MCPBearer depends on no package.
import PackageDescription

let package = Package(
    name: "MCPBearer",
    platforms: [.macOS(.v13), .iOS(.v16)],
    products: [
        .library(name: "MCPBearer", targets: ["MCPBearer"]),
        .library(name: "MCPBearerMCP", targets: ["MCPBearerMCP"]),
    ],
    dependencies: [
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk.git", exact: "0.12.0"),
    ],
    targets: [
        // The static library for each Apple platform, with Sources/MCPBearer/ffi (the
        // generated header and module map) as its headers.
        .binaryTarget(name: "MCPBearerFFI", path: "build/MCPBearerFFI.xcframework"),
        .target(
            name: "MCPBearer",
            dependencies: ["MCPBearerFFI"],
            path: "Sources/MCPBearer",
            exclude: ["ffi"]
        ),
        .target(
            name: "MCPBearerMCP",
            dependencies: ["MCPBearer", .product(name: "MCP", package: "swift-sdk")],
            path: "Sources/MCPBearerMCP"
        ),
        .testTarget(
            name: "MCPBearerTests",
            dependencies: ["MCPBearer"],
            path: "Tests/MCPBearerTests"
        ),
        .testTarget(
            name: "MCPBearerMCPTests",
            dependencies: ["MCPBearerMCP", "MCPBearer", .product(name: "MCP", package: "swift-sdk")],
            path: "Tests/MCPBearerMCPTests"
        ),
    ]
)
