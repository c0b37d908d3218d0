// The shared vectors (tests/vectors/*_cases.json) through the Swift API, as
// tests/python/test_vectors.py runs them through UniFFI's Python bindings: each `jwt` case's
// options with its keys, as a JwtVerifierConfig, at the case's fixed time, gives the Rust
// runner's verdict, code, claim and reason, through `verify`, a cache hit and `verifyCached`.
//
// Not compiled where it was written (no Swift toolchain there): run `swift test` on macOS.

import Foundation
import XCTest

@testable import MCPBearer

final class VectorTests: XCTestCase {
    private static let vectors = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // MCPBearerTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // bindings-swift
        .deletingLastPathComponent()  // the repository
        .appendingPathComponent("tests/vectors")

    private func cases() throws -> [[String: Any]] {
        var all: [[String: Any]] = []
        for name in ["verify_cases.json", "outside_cases.json"] {
            let data = try Data(contentsOf: Self.vectors.appendingPathComponent(name))
            let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            XCTAssertEqual(doc["format"] as? String, "mcp-bearer-vectors/2", name)
            let docCases = try XCTUnwrap(doc["cases"] as? [[String: Any]])
            all += docCases.filter { $0["layer"] as? String == "jwt" }
        }
        return all
    }

    /// The vector's core config object as the typed record, member by member.
    private func config(_ members: [String: Any]) throws -> JwtVerifierConfig {
        var config = JwtVerifierConfig()
        for (name, value) in members {
            switch name {
            case "jwks":
                let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
                config.jwksJson = String(decoding: data, as: UTF8.self)
            case "shared_secret_b64u": config.sharedSecret = SharedSecret.fromBase64url(encoded: value as! String)
            case "shared_secret": config.sharedSecret = SharedSecret.fromText(text: value as! String)
            case "issuers": config.issuers = value as? [String]
            case "audiences": config.audiences = value as? [String]
            case "required_claims": config.requiredClaims = value as? [String]
            case "required_scopes": config.requiredScopes = value as? [String]
            case "algorithms": config.algorithms = value as? [String]
            case "dangerous_accept_any_issuer": config.dangerousAcceptAnyIssuer = value as? Bool
            case "dangerous_accept_any_audience": config.dangerousAcceptAnyAudience = value as? Bool
            case "leeway": config.leeway = (value as? NSNumber)?.doubleValue
            case "max_token_age": config.maxTokenAge = (value as? NSNumber)?.doubleValue
            case "max_token_bytes": config.maxTokenBytes = (value as? NSNumber)?.uint64Value
            case "max_key_candidates": config.maxKeyCandidates = (value as? NSNumber)?.uint64Value
            case "token_cache_entries": config.tokenCacheEntries = (value as? NSNumber)?.uint64Value
            case "typ":
                switch value as? String {
                case "strict_access_token": config.typ = .strictAccessToken
                case "any": config.typ = .any
                default: config.typ = .accessTokenOrJwt
                }
            default:
                XCTFail("a vector option this runner does not map: \(name)")
            }
        }
        return config
    }

    private enum Outcome {
        case valid(VerifiedToken)
        case invalid(McpBearerError)
    }

    private func run(_ body: () throws -> VerifiedToken?) -> Outcome {
        do {
            guard let token = try body() else {
                XCTFail("verifyCached answered nil for static keys")
                return .invalid(.Configuration(
                    code: "nil", message: "", publicDescription: "", claim: nil, reason: nil,
                    expected: nil, actual: nil, httpStatus: 0, oauthError: nil, requiredScopes: [],
                    upstreamError: nil, upstreamErrorDescription: nil, upstreamErrorUri: nil))
            }
            return .valid(token)
        } catch let error as McpBearerError {
            return .invalid(error)
        } catch {
            XCTFail("not an McpBearerError: \(error)")
            return .invalid(.Configuration(
                code: "other", message: "", publicDescription: "", claim: nil, reason: nil,
                expected: nil, actual: nil, httpStatus: 0, oauthError: nil, requiredScopes: [],
                upstreamError: nil, upstreamErrorDescription: nil, upstreamErrorUri: nil))
        }
    }

    private func check(_ testCase: [String: Any], _ outcome: Outcome, _ path: String) {
        let id = testCase["id"] as? String ?? "?"
        let expected = testCase["expected"] as? [String: Any] ?? [:]
        switch (expected["verdict"] as? String, outcome) {
        case ("invalid", .invalid(let error)):
            XCTAssertEqual(error.code, expected["code"] as? String, "\(id) (\(path))")
            if let claim = expected["claim"] as? String {
                if case let .InvalidToken(_, _, _, got, _, _, _, _, _, _, _, _, _) = error {
                    XCTAssertEqual(got, claim, "\(id) (\(path))")
                }
            }
        case ("valid", .valid(let token)):
            XCTAssertEqual(token.subject, expected["subject"] as? String, "\(id) (\(path))")
            XCTAssertEqual(token.scopes, expected["scopes"] as? [String] ?? [], "\(id) (\(path))")
            XCTAssertEqual(token.source, .jwt, "\(id) (\(path))")
        case (let verdict, let got):
            XCTFail("\(id) (\(path)): expected \(verdict ?? "?"), got \(got)")
        }
    }

    func testEveryJwtVectorGivesTheRustVerdict() throws {
        let all = try cases()
        XCTAssertGreaterThan(all.count, 100)
        for testCase in all {
            let members = (testCase["options"] as? [String: Any] ?? [:])
                .merging(testCase["keys"] as? [String: Any] ?? [:]) { a, _ in a }
            let now = (testCase["now"] as? NSNumber)?.doubleValue ?? 0
            let token = testCase["token"] as? String ?? ""
            let verifier: JwtVerifier
            do {
                verifier = try JwtVerifier.withFixedTime(config: try config(members), now: now)
            } catch let error as McpBearerError {
                check(testCase, .invalid(error), "construction")
                continue
            }
            check(testCase, run { try verifier.verify(token: token) }, "verify")
            check(testCase, run { try verifier.verify(token: token) }, "verify, cache hit")
            check(testCase, run { try verifier.verifyCached(token: token) }, "verifyCached")
        }
    }

    func testAsyncVerifyAndTheErrorFields() async throws {
        let verifier = try JwtVerifier(config: JwtVerifierConfig(
            sharedSecret: SharedSecret.fromText(text: "a shared secret of at least 32 bytes!"),
            issuers: ["https://idp.example.com/"],
            audiences: ["https://mcp.example.com/mcp"]))
        do {
            _ = try await verifier.verify(token: "ya29.opaque")
            XCTFail("an opaque token verified")
        } catch let error as McpBearerError {
            XCTAssertEqual(error.code, "ERR_TOKEN_OPAQUE")
            XCTAssertEqual(error.httpStatus, 401)
            XCTAssertFalse(error.publicDescription.isEmpty)
        }
        XCTAssertTrue(allErrors().contains { $0.code == "ERR_JWT_EXPIRED" })
    }

    func testConfigurationErrorsAreTheConfigurationCase() {
        XCTAssertThrowsError(try JwtVerifier(config: JwtVerifierConfig())) { error in
            guard case .Configuration = error as? McpBearerError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual((error as? McpBearerError)?.code, "ERR_INVALID_CONFIG")
        }
    }
}
