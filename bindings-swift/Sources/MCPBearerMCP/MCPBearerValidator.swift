// The Swift MCP SDK's (modelcontextprotocol/swift-sdk 0.12) bearer validation on mcp-bearer:
// a `BearerTokenValidator` whose synchronous token check is `JwtVerifier.verifyCached`, which
// never does I/O. In its own target so that MCPBearer depends on no package.
//
// Not compiled where it was written (no Swift toolchain there); see the README.

import Foundation
import MCP
import MCPBearer

extension BearerTokenValidator {
    /// A validator for the MCP SDK's HTTP server transports that verifies bearer tokens with
    /// `verifier`.
    ///
    /// The SDK's hook is synchronous, so it answers from `verifyCached`: keys in hand (stale
    /// ones too while a refresh runs) give the final verdict at once. When only a key fetch
    /// can answer (first request before the keys arrive, or a key rotation), the request is
    /// refused as `invalid_token` and one background `verify` of that token fetches the keys
    /// (the core's single flight and cooldown apply), so the client's retry passes. Call
    /// `verifier.refreshKeys()` at start-up to avoid that first refusal. When the core says a
    /// refresh is due, one runs in the background.
    ///
    /// - Parameters:
    ///   - verifier: checks signature, issuer, audience, expiry and scopes (the core's policy).
    ///   - resourceMetadataURL: the RFC 9728 document's URL, for the challenges.
    ///   - resourceIdentifier: this server's resource URL; the SDK compares each `aud` with it
    ///     again (the verifier already required one of its configured audiences).
    ///   - challengeScopes: scopes to name in 401 challenges. Defaults to none.
    public static func mcpBearer(
        verifier: JwtVerifier,
        resourceMetadataURL: URL,
        resourceIdentifier: URL,
        challengeScopes: Set<String>? = nil
    ) -> BearerTokenValidator {
        let background = BackgroundKeyWork(verifier: verifier)
        var scopeProvider: ChallengeScopeProvider? = nil
        if let challengeScopes {
            scopeProvider = { _, _ in challengeScopes }
        }
        return BearerTokenValidator(
            resourceMetadataURL: resourceMetadataURL,
            resourceIdentifier: resourceIdentifier,
            tokenValidator: { token, _, _ in
                background.refreshIfDue()
                do {
                    guard let verified = try verifier.verifyCached(token: token) else {
                        background.fetchKeys(for: token)
                        return .invalidToken(errorDescription: "the server is fetching its keys; retry")
                    }
                    return .valid(
                        BearerTokenInfo(
                            audience: verified.audiences,
                            scopes: Set(verified.scopes),
                            expiresAt: verified.expiresAtDate))
                } catch let error as McpBearerError {
                    return BearerTokenValidator.validationResult(for: error)
                } catch {
                    return .invalidToken(errorDescription: nil)
                }
            },
            challengeScopeProvider: scopeProvider
        )
    }

    /// The SDK's result for a refusal: the core's public description, never its message.
    static func validationResult(for error: McpBearerError) -> BearerTokenValidationResult {
        switch error {
        case .InsufficientScope:
            return .insufficientScope(
                requiredScopes: Set(error.requiredScopes), errorDescription: error.publicDescription)
        case .InvalidRequest:
            return .malformedRequest(errorDescription: error.publicDescription)
        default:
            // The SDK's hook cannot answer 503 (keys unavailable) or 500: the client sees
            // invalid_token and retries; the code is for the logs.
            return .invalidToken(errorDescription: error.publicDescription)
        }
    }
}

/// At most one background key fetch and one background refresh at a time, so that a burst of
/// requests waiting on keys occupies one thread, not one each.
private final class BackgroundKeyWork: @unchecked Sendable {
    private let verifier: JwtVerifier
    private let lock = NSLock()
    private var fetching = false
    private var refreshing = false

    init(verifier: JwtVerifier) {
        self.verifier = verifier
    }

    func fetchKeys(for token: String) {
        guard claim(\.fetching) else { return }
        DispatchQueue.global(qos: .utility).async {
            _ = try? self.verifier.verify(token: token)
            self.release(\.fetching)
        }
    }

    func refreshIfDue() {
        guard verifier.refreshDue(), claim(\.refreshing) else { return }
        DispatchQueue.global(qos: .utility).async {
            try? self.verifier.refreshKeysIfDue()
            self.release(\.refreshing)
        }
    }

    private func claim(_ flag: ReferenceWritableKeyPath<BackgroundKeyWork, Bool>) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if self[keyPath: flag] { return false }
        self[keyPath: flag] = true
        return true
    }

    private func release(_ flag: ReferenceWritableKeyPath<BackgroundKeyWork, Bool>) {
        lock.lock()
        defer { lock.unlock() }
        self[keyPath: flag] = false
    }
}
