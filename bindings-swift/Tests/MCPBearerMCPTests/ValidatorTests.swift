// The BearerTokenValidator adapter against the Swift MCP SDK 0.12's own types: a valid token
// passes, a missing one gets the 401 challenge, an expired one 401 invalid_token, a missing
// scope 403 insufficient_scope. Tokens are HS256, signed here with CryptoKit (not by the code
// under test).
//
// Not compiled where it was written (no Swift toolchain there): run `swift test` on macOS.

import CryptoKit
import Foundation
import MCP
import MCPBearer
import MCPBearerMCP
import XCTest

final class ValidatorTests: XCTestCase {
    private let secret = "a shared secret of at least 32 bytes!"
    private let issuer = "https://idp.example.com/"
    private let resource = "https://mcp.example.com/mcp"
    private let metadata = URL(string: "https://mcp.example.com/.well-known/oauth-protected-resource/mcp")!

    private func b64u(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private func token(expiresIn: TimeInterval = 300, scope: String = "tools:read") throws -> String {
        let now = Int(Date().timeIntervalSince1970)
        let header = try JSONSerialization.data(withJSONObject: ["alg": "HS256", "typ": "JWT"])
        let claims = try JSONSerialization.data(withJSONObject: [
            "iss": issuer, "aud": resource, "sub": "alice", "scope": scope,
            "iat": now, "exp": now + Int(expiresIn),
        ] as [String: Any])
        let input = "\(b64u(header)).\(b64u(claims))"
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data(input.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return "\(input).\(b64u(Data(mac)))"
    }

    private func validator(requiredScopes: [String]? = nil) throws -> BearerTokenValidator {
        let verifier = try JwtVerifier(config: JwtVerifierConfig(
            sharedSecret: SharedSecret.fromText(text: secret),
            issuers: [issuer],
            audiences: [resource],
            requiredScopes: requiredScopes))
        return BearerTokenValidator.mcpBearer(
            verifier: verifier, resourceMetadataURL: metadata,
            resourceIdentifier: URL(string: resource)!)
    }

    private func validate(_ validator: BearerTokenValidator, authorization: String?) -> HTTPResponse? {
        var headers: [String: String] = [:]
        if let authorization { headers["Authorization"] = authorization }
        return validator.validate(
            HTTPRequest(method: "POST", headers: headers),
            context: HTTPValidationContext(httpMethod: "POST"))
    }

    func testAValidTokenPasses() throws {
        XCTAssertNil(validate(try validator(), authorization: "Bearer \(try token())"))
    }

    func testNoTokenIsTheChallenge() throws {
        let response = try XCTUnwrap(validate(try validator(), authorization: nil))
        XCTAssertEqual(response.statusCode, 401)
        XCTAssertTrue(response.headers["WWW-Authenticate"]?.contains(metadata.absoluteString) ?? false)
    }

    func testAnExpiredTokenIsInvalidToken() throws {
        let response = try XCTUnwrap(
            validate(try validator(), authorization: "Bearer \(try token(expiresIn: -3600))"))
        XCTAssertEqual(response.statusCode, 401)
        XCTAssertTrue(response.headers["WWW-Authenticate"]?.contains("invalid_token") ?? false)
    }

    func testAMissingScopeIsInsufficientScope() throws {
        let response = try XCTUnwrap(
            validate(try validator(requiredScopes: ["tools:write"]), authorization: "Bearer \(try token())"))
        XCTAssertEqual(response.statusCode, 403)
        XCTAssertTrue(response.headers["WWW-Authenticate"]?.contains("insufficient_scope") ?? false)
        XCTAssertTrue(response.headers["WWW-Authenticate"]?.contains("tools:write") ?? false)
    }
}
