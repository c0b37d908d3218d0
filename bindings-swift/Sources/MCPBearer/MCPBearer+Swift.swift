// Hand-written: the one Swift file of this target that scripts/generate.sh does not write.
// An `async` verify that runs the blocking one on a background queue, Date and URL
// conveniences, the error's common fields, and URLSessionFetcher, the key fetch iOS uses.
//
// Not compiled where it was written (no Swift toolchain there): `swift build && swift test`
// on macOS is its check (README, "Building on macOS").

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

// MARK: - async verification

extension JwtVerifier {
    /// Verifies `token` without blocking the caller: the blocking `verify(token:)` (which
    /// fetches keys when needed) runs on a background queue.
    public func verify(token: String) async throws -> VerifiedToken {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try self.verify(token: token) })
            }
        }
    }

    /// Fetches the keys now (a start-up warm-up) on a background queue.
    public func refreshKeys() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(with: Result { try self.refreshKeys() })
            }
        }
    }

    /// A verifier for the JWKS at `jwksURL`, accepting tokens of `issuer` for `audience`
    /// (both compared exactly as written: pass strings, since `URL` may add a trailing
    /// slash), fetched with `fetcher` when given (on iOS, `URLSessionFetcher()`).
    public static func jwks(
        url jwksURL: URL, issuer: String, audience: String, fetcher: HttpFetcher? = nil
    ) throws -> JwtVerifier {
        let config = JwtVerifierConfig(
            jwksUrl: jwksURL.absoluteString, issuers: [issuer], audiences: [audience])
        if let fetcher {
            return try JwtVerifier.withFetcher(config: config, fetcher: fetcher)
        }
        return try JwtVerifier(config: config)
    }
}

// MARK: - Date conveniences

extension VerifiedToken {
    /// `exp` as a `Date`.
    public var expiresAtDate: Date? { expiresAt.map { Date(timeIntervalSince1970: TimeInterval($0)) } }
    /// `nbf` as a `Date`.
    public var notBeforeDate: Date? { notBefore.map { Date(timeIntervalSince1970: TimeInterval($0)) } }
    /// `iat` as a `Date`.
    public var issuedAtDate: Date? { issuedAt.map { Date(timeIntervalSince1970: TimeInterval($0)) } }
    /// Every claim, decoded from `claimsJson`.
    public var claims: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(claimsJson.utf8))) as? [String: Any] ?? [:]
    }
}

extension SealedState {
    /// When the state stops being accepted, as a `Date`.
    public var expiresAtDate: Date { Date(timeIntervalSince1970: TimeInterval(expiresAt())) }
}

// MARK: - the fields every error case carries

extension McpBearerError {
    private var fields: (code: String, publicDescription: String, httpStatus: UInt16, requiredScopes: [String]) {
        switch self {
        case let .InvalidToken(code, _, publicDescription, _, _, _, _, httpStatus, _, requiredScopes, _, _, _),
             let .InsufficientScope(code, _, publicDescription, _, _, _, _, httpStatus, _, requiredScopes, _, _, _),
             let .InvalidRequest(code, _, publicDescription, _, _, _, _, httpStatus, _, requiredScopes, _, _, _),
             let .Unavailable(code, _, publicDescription, _, _, _, _, httpStatus, _, requiredScopes, _, _, _),
             let .Upstream(code, _, publicDescription, _, _, _, _, httpStatus, _, requiredScopes, _, _, _),
             let .Configuration(code, _, publicDescription, _, _, _, _, httpStatus, _, requiredScopes, _, _, _):
            return (code, publicDescription, httpStatus, requiredScopes)
        }
    }

    /// The stable code, e.g. `ERR_JWT_EXPIRED`.
    public var code: String { fields.code }
    /// The short, fixed sentence that may be sent to the client.
    public var publicDescription: String { fields.publicDescription }
    /// The HTTP status to answer with.
    public var httpStatus: Int { Int(fields.httpStatus) }
    /// For `ERR_INSUFFICIENT_SCOPE`: the scopes the resource requires.
    public var requiredScopes: [String] { fields.requiredScopes }
}

// MARK: - URLSessionFetcher: the key fetch on iOS

/// Fetches the JWKS (and discovery documents) with `URLSession`, so the app's proxy, VPN,
/// ATS and trust settings apply. Blocks the calling thread until the exchange ends (the core
/// calls it from `verify`/`refreshKeys`, never from `verifyCached`); never follows a redirect
/// (the core refuses the 3xx it sees); gives up after the request's timeout.
public final class URLSessionFetcher: HttpFetcher, @unchecked Sendable {
    private let session: URLSession

    /// A fetcher over an ephemeral session configured as `configuration` says.
    public init(configuration: URLSessionConfiguration = .ephemeral) {
        session = URLSession(
            configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
    }

    public func fetch(request: HttpRequest) throws -> HttpResponse {
        guard let url = URL(string: request.url()) else {
            throw FetchFailure.Transport(message: "not a URL")
        }
        var urlRequest = URLRequest(url: url, timeoutInterval: request.timeoutSeconds())
        urlRequest.httpMethod = request.method()
        for header in request.headers() {
            urlRequest.addValue(header.value, forHTTPHeaderField: header.name)
        }
        let body = request.body()
        if !body.isEmpty { urlRequest.httpBody = body }

        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        let task = session.dataTask(with: urlRequest) { data, response, error in
            outcome.set(data: data, response: response, error: error)
            done.signal()
        }
        task.resume()
        // URLSession enforces the timeout; the margin only bounds a session that never calls back.
        if done.wait(timeout: .now() + request.timeoutSeconds() + 2) == .timedOut {
            task.cancel()
            throw FetchFailure.Timeout(message: "no answer within \(request.timeoutSeconds()) s")
        }
        return try outcome.response(maxBytes: request.maxResponseBytes(), timeout: request.timeoutSeconds())
    }

    /// Refuses every redirect: the 3xx itself is the answer.
    private final class NoRedirects: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
        // The async form: its signature has not changed across SDKs (the completion-handler
        // form gained @Sendable, and an optional requirement that no longer matches is
        // silently never called).
        func urlSession(
            _ session: URLSession, task: URLSessionTask,
            willPerformHTTPRedirection response: HTTPURLResponse,
            newRequest request: URLRequest
        ) async -> URLRequest? {
            nil
        }
    }

    /// The completion handler's values, handed across threads under a lock.
    private final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var data: Data?
        private var response: URLResponse?
        private var error: Error?

        func set(data: Data?, response: URLResponse?, error: Error?) {
            lock.lock()
            defer { lock.unlock() }
            (self.data, self.response, self.error) = (data, response, error)
        }

        func response(maxBytes: UInt64, timeout: Double) throws -> HttpResponse {
            lock.lock()
            defer { lock.unlock() }
            if let error = error as? URLError {
                if error.code == .timedOut {
                    throw FetchFailure.Timeout(message: "no answer within \(timeout) s")
                }
                throw FetchFailure.Transport(message: error.localizedDescription)
            }
            if let error { throw FetchFailure.Transport(message: error.localizedDescription) }
            guard let http = response as? HTTPURLResponse else {
                throw FetchFailure.Transport(message: "not an HTTP response")
            }
            let body = data ?? Data()
            if UInt64(body.count) > maxBytes {
                throw FetchFailure.TooLarge(message: "the body has \(body.count) bytes; the limit is \(maxBytes)")
            }
            let headers = http.allHeaderFields.compactMap { name, value -> HttpHeader? in
                guard let name = name as? String, let value = value as? String else { return nil }
                return HttpHeader(name: name, value: value)
            }
            return HttpResponse(status: UInt16(clamping: http.statusCode), headers: headers, body: body)
        }
    }
}
