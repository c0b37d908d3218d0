export type { ErrorCode } from './codes'; export * from './peers'
/**
 * Which binding artifact the generated loader actually loaded: `'native'` for
 * a native addon, otherwise the `platformArchABI` of the WASI flavor. Every
 * flavor napi-rs can build is listed, because `NAPI_RS_NATIVE_LIBRARY_PATH`
 * can point the loader at a WASI artifact this package does not build itself.
 */
export declare const __napiBindingTarget: 'native' | 'wasm32-wasi' | 'wasm32-wasip1'

/**
 * Fetches, checks and caches client id metadata documents (the core's
 * `ClientMetadataResolver`): the client id is an `https` URL, the document there must name
 * it as its `client_id` and list the redirect URIs. The fetch refuses loopback, private and
 * link-local addresses (on every address the name resolves to, and connects only to the
 * address it checked) unless the options opt in.
 */
export declare class ClientMetadataResolver {
  /**
   * A resolver with the system clock. `options` is the core's `ClientMetadataOptions` in
   * camelCase (durations in seconds): `timeout` defaults to 5 (1 ms to 10 min);
   * `maxResponseBytes` to 65536 (64 KiB); `cacheTtl`, the lifetime of a document whose
   * response has no caching headers, to 300 (0 to 7 days); `maxCacheTtl`, whatever the
   * headers say, to 86400 (0 to 7 days); `cacheEntries` to 1000 (0 for no cache);
   * `tokenEndpointAuthMethods` to `['none']`; `dangerousAllowLoopback` (documents on
   * 127.0.0.0/8, `::1`, `localhost`, and plain `http` ids there: tests and development) and
   * `dangerousAllowPrivate` (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7) to `false`.
   * `fetchOptions` is the core's `UreqFetchOptions` in camelCase: `extraCaPem` (PEM text)
   * defaults to none, `onlyExtraCa` to `false`, `ignoreProxyEnv` to `false` (a fetch with
   * an address policy, as this one always is, ignores the proxy variables anyway); its
   * `addressPolicy` is replaced by the one of `options`. Throws `ERR_INVALID_CONFIG` for
   * an unknown member, a wrong type or a value out of range.
   */
  constructor(options?: { timeout?: number, maxResponseBytes?: number, cacheTtl?: number, maxCacheTtl?: number, cacheEntries?: number, tokenEndpointAuthMethods?: string[], dangerousAllowLoopback?: boolean, dangerousAllowPrivate?: boolean } | undefined | null, fetchOptions?: { extraCaPem?: string, onlyExtraCa?: boolean, ignoreProxyEnv?: boolean } | undefined | null)
  /**
   * The document for `clientId`: from the cache while it is fresh (by the response's
   * `Cache-Control: max-age` or `Expires`, within `maxCacheTtl`), otherwise fetched on the
   * libuv pool (no redirects followed, size-capped, timed out) and checked. Rejects with
   * `ERR_OAUTH_INVALID_CLIENT` (`invalid_client`, 401) whose `reason` names the failed
   * check: `client_id_url` (not an `https` URL with a path in normal form), `address` (a
   * refused address), `fetch`, `status`, `document`, `client_id` (the document names
   * another URL), `redirect_uris`, `token_endpoint_auth_method`, `client_secret`,
   * `client_uri`, `grant_types`, `response_types`. A refused document is not cached.
   */
  resolve(clientId: string): Promise<ClientMetadataDocument>
  /** The options in use, with the core's names (durations in seconds). */
  toJSON(): { options: Record<string, unknown> }
}

/**
 * An HTTP request for the host to send, e.g. `fetch(request.url, request)`: `method`,
 * `url`, `headers` and `body` are getters (which `fetch` reads). `toJSON()` redacts the
 * `Authorization` header and the body, which carry secrets.
 */
export declare class HttpRequest {
  /** `GET` or `POST`. */
  get method(): string
  /** The absolute URL. */
  get url(): string
  /** The headers (`Accept`, `Content-Type`, and `Authorization` for `client_secret_basic`). */
  get headers(): Record<string, string>
  /** The form-encoded body (it carries the code, tokens, verifier or client secret). */
  get body(): string
  /** A view for logs: method, URL, headers with `Authorization` redacted, the body's size. */
  toJSON(): { method: string, url: string, headers: Record<string, string>, body: string }
}

/**
 * A state opened after the upstream callback (the core's `OpenedState`): the client's
 * request, and the upstream leg's secrets recomputed from the key.
 */
export declare class OpenedState {
  /** The client's authorization request. */
  get state(): ProxyStateObject
  /** When the state expires, in seconds since the Unix epoch. */
  get expiresAt(): number
  /** The OIDC nonce the upstream ID token must carry. */
  get upstreamNonce(): string
  /** The upstream leg's PKCE verifier, for the upstream token request (a secret). */
  upstreamPkceVerifier(): string
  /**
   * Where to send the client after the upstream leg succeeded: its redirect URI with
   * `code`, its `state` and `iss`, the proxy's issuer (RFC 9207).
   */
  clientRedirectUrl(code: string, issuer: string): string
  /**
   * Where to send the client when the authorization failed: its redirect URI with `error`,
   * `error_description` when given, its `state` and `iss`, the proxy's issuer (RFC 9207).
   */
  clientErrorRedirectUrl(error: string, description: string | undefined | null, issuer: string): string
  /** The public parts: `state` and `expiresAt`. */
  toJSON(): { state: ProxyStateObject, expiresAt: number }
}

/**
 * A PKCE code verifier (RFC 7636; the core's `PkceVerifier`) and its `S256` challenge. The
 * verifier is read with `expose()`; `util.inspect` and `toJSON()` show only the challenge.
 */
export declare class PkceVerifier {
  /**
   * Wraps an existing verifier after checking its syntax (43 to 128 characters of
   * `A-Z a-z 0-9 - . _ ~`). Throws `ERR_OAUTH_INVALID_GRANT` otherwise.
   */
  constructor(verifier: string)
  /** A fresh verifier: 32 random bytes as 43 base64url characters. */
  static generate(): PkceVerifier
  /** The `S256` challenge, for the `code_challenge` parameter. */
  get challenge(): string
  /** The challenge method: always `S256`. */
  get method(): string
  /** The verifier itself, for the `code_verifier` parameter of the token request. */
  expose(): string
  /** The public half: `{ challenge, method }`. */
  toJSON(): { challenge: string, method: string }
}

/**
 * The client of an authorization request, identified (the core's `ProxyClient`): by a client
 * id metadata document, or by a client id sealed at registration.
 */
export declare class ProxyClient {
  /**
   * Identifies the client behind `clientId` (the core's `ProxyClient::identify`): an
   * `http(s)` URL is a client id metadata document, resolved by `documents` on the libuv
   * pool (without `documents` it is refused: reason `metadata_document`); anything else
   * must be a client id `registerSealedClient` sealed under `key`, opened at `now`
   * (seconds; defaults to the system clock) on the main thread. A host that also keeps a
   * pre-registered client id compares it first. Rejects with `ERR_OAUTH_INVALID_CLIENT`
   * (`invalid_client`, 401), `reason` naming the failed check: `ClientMetadataResolver`'s
   * reasons, or for a sealed id `malformed`, `signature` (altered, or sealed under another
   * key) or `expired`.
   */
  static identify(clientId: string, key: StateKey, documents?: ClientMetadataResolver | undefined | null, now?: number | undefined | null): Promise<ProxyClient>
  /**
   * Identifies the client behind `clientId` without client id metadata documents, on the
   * calling thread (no I/O): a client id `registerSealedClient` sealed under `key`, opened
   * at `now` (seconds; defaults to the system clock). Throws `ERR_OAUTH_INVALID_CLIENT`
   * with `reason` `malformed`, `signature`, `expired`, or `metadata_document` for a URL
   * (use `identify` with a `ClientMetadataResolver` to accept those).
   */
  static identifySync(clientId: string, key: StateKey, now?: number | undefined | null): ProxyClient
  /** The client id. */
  get clientId(): string
  /** The redirect URIs the client listed (in its document or its registration). */
  get redirectUris(): Array<string>
  /** The client's name, if it gave one. */
  get clientName(): string | null
  /** The client's home page, if it gave one. */
  get clientUri(): string | null
  /** The metadata document, for a client identified by one; `null` for a registration. */
  get document(): ClientMetadataDocument | null
  /**
   * When a sealed registration stops being accepted, in seconds since the Unix epoch;
   * `null` when it does not expire, or for a metadata document.
   */
  get expiresAt(): number | null
  /**
   * Checks the authorization request's `redirectUri` against the client's own list
   * (exactly, or a loopback `http` URI on any port, RFC 8252 §7.3) and `policy` (defaults
   * to the core's `RedirectUriPolicy`), and returns what a consent page shows; `scopes`
   * are the ones asked for (defaults to none). Throws `ERR_INVALID_REQUEST`
   * (`invalid_request`, reason `redirect_uri`) for a URI the client did not list, and
   * `ERR_REDIRECT_URI_REJECTED` when `policy` refuses it: answer on the authorize
   * endpoint's own page, never by a redirect (RFC 6749 §4.1.2.1).
   */
  authorize(redirectUri: string, scopes?: string[] | undefined | null, policy?: RedirectUriPolicy | undefined | null): Consent
  /**
   * What the client said about itself: `clientId`, `clientName`, `clientUri`,
   * `redirectUris`, `expiresAt`.
   */
  toJSON(): { clientId: string, clientName: string | null, clientUri: string | null, redirectUris: string[], expiresAt: number | null }
}

/**
 * Which redirect URIs the proxy accepts from MCP clients (the core's `RedirectUriPolicy`):
 * `https`, `http` to a loopback host, the configured private-use schemes; never
 * `javascript:`, `data:`, `file:`, fragments or userinfo.
 */
export declare class RedirectUriPolicy {
  /**
   * A policy from `options` (the core's serde shape, camelCase): `privateUseSchemes`
   * defaults to `cursor`, `vscode`, `windsurf`; `allowLoopbackHttp` to `true`. Throws
   * `ERR_INVALID_CONFIG` for an unknown member or a wrong type.
   */
  constructor(options?: { privateUseSchemes?: string[], allowLoopbackHttp?: boolean })
  /**
   * Checks `uri`. Throws `ERR_REDIRECT_URI_REJECTED` with a `reason` (`malformed`,
   * `scheme`, `fragment`, `userinfo`, `loopback`) and a message saying what to change.
   */
  check(uri: string): void
  /**
   * Whether `requested` matches the `registered` redirect URI: exactly, or for loopback
   * `http` URIs exactly but for the port (RFC 8252 §7.3).
   */
  static matchesRegistered(registered: string, requested: string): boolean
  /** The accepted private-use schemes. */
  get privateUseSchemes(): Array<string>
  /** Whether `http` to a loopback host is accepted. */
  get allowLoopbackHttp(): boolean
  /** The policy as options. */
  toJSON(): { privateUseSchemes: string[], allowLoopbackHttp: boolean }
}

/**
 * A freshly sealed state (the core's `SealedState`): `value` for the upstream request's
 * `state`, and the upstream leg's PKCE challenge and nonce. The verifier is read with
 * `upstreamPkceVerifier()`; `toJSON()` leaves it out.
 */
export declare class SealedState {
  /** The value for the upstream authorization request's `state` parameter. */
  get value(): string
  /** When the state stops being accepted, in seconds since the Unix epoch. */
  get expiresAt(): number
  /** The `S256` challenge of the upstream leg, for the upstream authorization request. */
  get upstreamCodeChallenge(): string
  /** The OIDC nonce for the upstream authorization request. */
  get upstreamNonce(): string
  /** The upstream leg's PKCE verifier (a secret; `openState` gives the same one back). */
  upstreamPkceVerifier(): string
  /** The public parts: `value`, `expiresAt`, `upstreamCodeChallenge`. */
  toJSON(): { value: string, expiresAt: number, upstreamCodeChallenge: string }
}

/**
 * The key that seals proxy states (HMAC-SHA256; the core's `StateKey`). Every instance of
 * the server must use the same one. Nothing of it can be read back.
 */
export declare class StateKey {
  /**
   * A key from at least 32 secret bytes, e.g. `Buffer.from(process.env.STATE_KEY,
   * 'base64')`. Throws `ERR_INVALID_KEY` for fewer bytes (the message gives the count,
   * never the bytes).
   */
  constructor(secret: Uint8Array)
  /** A fresh random key, for a single instance or tests (its states die with the process). */
  static generate(): StateKey
  /** `"StateKey(<redacted>)"`: the key never appears in JSON. */
  toJSON(): string
}

/**
 * A successful token response (the core's `TokenResponse`). The tokens are getters;
 * `toJSON()` leaves them out, and `toResponseBody()` is the JSON to send to a client.
 */
export declare class TokenResponse {
  /** The access token. */
  get accessToken(): string
  /** The token type as sent (`Bearer` when the upstream left it out). */
  get tokenType(): string
  /** Seconds the access token lives, when the upstream says. */
  get expiresIn(): number | null
  /** The refresh token, when one was issued. */
  get refreshToken(): string | null
  /** The OpenID Connect ID token, when one was issued. */
  get idToken(): string | null
  /** The granted scopes, when the upstream lists them. */
  get scopes(): Array<string> | null
  /** The type of the issued token, for a token exchange. */
  get issuedTokenType(): string | null
  /** Every other member of the response. */
  get extra(): Record<string, unknown>
  /**
   * When the access token expires, in seconds since the Unix epoch, for a response
   * received at `now` (defaults to the system clock).
   */
  expiresAt(now?: number | undefined | null): number | null
  /**
   * The response as RFC 6749 §5.1 JSON, for a proxy answering its own client: it holds
   * the tokens; send it, never log it.
   */
  toResponseBody(): string
  /**
   * A view for logs without the tokens: `tokenType`, `expiresIn`, `scopes`,
   * `issuedTokenType`, which tokens are present, and the names of the other members.
   */
  toJSON(): Record<string, unknown>
}

/**
 * The tokens the upstream provider issued for one user (the core's `UpstreamTokens`), kept
 * by the host so tools can call the provider's APIs, and refreshed before they expire.
 * `toJSON()` leaves the tokens out.
 */
export declare class UpstreamTokens {
  /** Restores a token set kept by the host. */
  constructor(init: UpstreamTokensInit)
  /** The token set of `response`, received at `now` (defaults to the system clock). */
  static fromResponse(response: TokenResponse, now?: number | undefined | null): UpstreamTokens
  /** The upstream access token. */
  get accessToken(): string
  /** The token type. */
  get tokenType(): string
  /** The ID token, when the provider issued one. */
  get idToken(): string | null
  /** The refresh token, when the provider issued one. */
  get refreshToken(): string | null
  /** When the access token expires (seconds since the Unix epoch), when known. */
  get expiresAt(): number | null
  /** The granted scopes. */
  get scopes(): Array<string>
  /**
   * Whether the access token expires within `marginSecs` of `now` and can be refreshed.
   * `now` defaults to the system clock, `marginSecs` to the core's 60 s.
   */
  needsRefresh(now?: number | undefined | null, marginSecs?: number | undefined | null): boolean
  /**
   * The refresh request (RFC 6749 §6) for this set. Throws `ERR_INVALID_REQUEST` when the
   * provider issued no refresh token.
   */
  refreshRequest(options: RefreshOptions): HttpRequest
  /**
   * The set after a refresh answered with `response` at `now` (defaults to the system
   * clock): a refresh token, ID token or scopes the response leaves out are kept.
   */
  refreshed(response: TokenResponse, now?: number | undefined | null): UpstreamTokens
  /** A view for logs without the tokens. */
  toJSON(): Record<string, unknown>
}

/** A bearer-token verifier: the core's `Verifier::from_config` over a plain object. */
export declare class Verifier {
  /**
   * Who `verified` (a token this verifier returned) speaks for: `userInfo(verified.claims,
   * mapping)`. `mapping` defaults to the OpenID Connect mapping.
   */
  userInfo(verified: TokenClaims, mapping?: 'oidc' | 'auth0' | 'okta' | 'entra' | 'google' | 'github' | 'keycloak' | 'clerk' | 'workos' | 'supabase' | 'cognito' | { provider: 'oidc' | 'auth0' | 'okta' | 'entra' | 'google' | 'github' | 'keycloak' | 'clerk' | 'workos' | 'supabase' | 'cognito', rolesClaim?: string, clientId?: string } | Partial<ClaimMappingObject>): UserInfo
  /**
   * Builds a verifier from `config`, the core's `VerifierConfig` with camelCase names
   * (`jwksUrl`, `issuers`, `audiences`, `requiredScopes`, `leeway`, `remoteJwks: {
   * maxAge }`, …; see the README's "Configuration as data"). Every default is the
   * core's; members set to `undefined` or `null` count as absent. A `discoveryIssuer`
   * runs discovery now, blocking. `init.jwksCache` seeds a `jwksUrl`/`discoveryIssuer`
   * verifier with a key set kept from an earlier run; `init.now` fixes the clock. Throws
   * an `McpBearerError` (`ERR_INVALID_CONFIG`, `ERR_INVALID_KEY`, …) for a configuration
   * the core refuses.
   */
  constructor(config: Record<string, unknown>, init?: VerifierInit)
  /**
   * Verifies `token` on the calling thread, fetching keys (blocking) if needed. Throws an
   * `McpBearerError` with the core's `code` for a refused token.
   */
  verifySync(token: string): VerifiedToken
  /**
   * Verifies `token`. Settles on the main thread when the keys are in hand; otherwise joins
   * the one shared key fetch on the libuv pool. Rejects with an `McpBearerError`.
   */
  verify(token: string): Promise<VerifiedToken>
  /**
   * A measurement aid for benchmarks: runs the core's `Verifier::verify` of `token`
   * `count` times inside the native module (no result crosses into JavaScript) and returns
   * how many were accepted. Its time per call beside `verifySync`'s is what the binding
   * adds (`benches/node/verify.js` prints both).
   */
  benchCore(token: string, count: number): number
  /**
   * Fetches the keys now (a start-up warm-up), whatever the cooldown; resolves when done.
   * A verifier with static keys resolves at once.
   */
  prefetch(): Promise<void>
  /**
   * Whether the keys are past their max-age and a background refresh may run (`verify`
   * starts one by itself).
   */
  refreshDue(): boolean
  /**
   * The key set in hand and when it was fetched (jose's `jwksCache` shape), to keep for
   * the next start; `null` before the first fetch or for a verifier with static keys.
   */
  get jwksCache(): JwksCacheEntry | null
  /**
   * Throws the core's `ERR_INSUFFICIENT_SCOPE` (HTTP 403, with `requiredScopes`) unless
   * `verified` has every scope of `required`: a route's own scope check.
   */
  static requireScopes(verified: TokenScopes, required: Array<string>): void
}

/**
 * Every stable error code of the core with its HTTP status, RFC 6750 error and meaning
 * (the core's `all_errors()`), in the core's order.
 */
export declare function allErrors(): Array<ErrorCodeInfo>

/**
 * An authorization request (RFC 6749 §4.1.1) to the upstream: the core's
 * `AuthorizationRequest`.
 */
export interface AuthorizationRequestOptions {
  /**
   * The upstream authorization endpoint: `https` (or `http` to a loopback host), no
   * fragment; it may carry its own query.
   */
  authorizationEndpoint: string
  /** The client id registered with the upstream. */
  clientId: string
  /** Where the upstream sends the browser back. */
  redirectUri: string
  /** The `state` value, e.g. `sealState(…).value`. */
  state: string
  /** The requested scopes. Defaults to none (no `scope` parameter). */
  scopes?: Array<string>
  /** The PKCE `S256` challenge, e.g. `sealed.upstreamCodeChallenge`. Defaults to none. */
  codeChallenge?: string
  /** RFC 8707 resource indicators. Defaults to none. */
  resources?: Array<string>
  /** The OIDC `nonce`, e.g. `sealed.upstreamNonce`. Defaults to none. */
  nonce?: string
  /**
   * Provider-specific parameters (`access_type`, `prompt`, Auth0's `audience`); they may
   * not repeat one set above. Defaults to none.
   */
  extraParams?: Record<string, string>
  /** Allow a plain `http` endpoint on a host that is not loopback. Defaults to `false`. */
  dangerousAllowInsecureHttp?: boolean
}

/**
 * The authorization-server metadata document of `options` and its well-known URL (RFC 8414
 * §3.1). Throws `ERR_INVALID_CONFIG` for an issuer that is not `https` (or `http` to a
 * loopback host), or has a query, fragment or userinfo.
 */
export declare function authorizationServerMetadata(options: AuthorizationServerMetadataOptions): MetadataDocument

/**
 * RFC 8414 metadata of the MCP server acting as an OAuth proxy (the core's
 * `AuthorizationServerMetadata::for_proxy`, then these members).
 */
export interface AuthorizationServerMetadataOptions {
  /**
   * The issuer: the proxy's base URL (`https`, or `http` to a loopback host; no query or
   * fragment).
   */
  issuer: string
  /** Defaults to `{issuer}/authorize`. */
  authorizationEndpoint?: string
  /** Defaults to `{issuer}/token`. */
  tokenEndpoint?: string
  /** Defaults to `{issuer}/register`. */
  registrationEndpoint?: string
  /** The JWKS of tokens the proxy signs itself. Defaults to none. */
  jwksUri?: string
  /** The revocation endpoint. Defaults to none. */
  revocationEndpoint?: string
  /** Scopes clients may ask for. Defaults to none. */
  scopesSupported?: Array<string>
  /** Defaults to `["code"]`. */
  responseTypesSupported?: Array<string>
  /** Defaults to `["authorization_code", "refresh_token"]`. */
  grantTypesSupported?: Array<string>
  /** Defaults to `["none"]`. */
  tokenEndpointAuthMethodsSupported?: Array<string>
  /** Defaults to `["S256"]`. */
  codeChallengeMethodsSupported?: Array<string>
  /**
   * Whether redirects back to clients carry `iss` (RFC 9207), as `clientRedirectUrl`
   * always does. Defaults to `true`.
   */
  authorizationResponseIssParameterSupported?: boolean
  /**
   * Whether the authorize endpoint accepts client id metadata documents as client ids
   * (`ProxyClient.identify` with a `ClientMetadataResolver`; MCP 2025-11-25). Defaults to
   * none (the member left out).
   */
  clientIdMetadataDocumentSupported?: boolean
  /** A page for developers. Defaults to none. */
  serviceDocumentation?: string
  /** Further members, by their document names. Defaults to none. */
  extra?: Record<string, unknown>
  /** Allow a plain `http` issuer on a host that is not loopback. Defaults to `false`. */
  dangerousAllowInsecureHttp?: boolean
}

/**
 * Where the metadata of the authorization server `issuer` is served (RFC 8414 §3.1). Throws
 * `ERR_INVALID_CONFIG` for an issuer RFC 8414 does not allow.
 */
export declare function authorizationServerMetadataUrl(issuer: string): string

/**
 * The URL to send the browser to for `request` (the core's `AuthorizationRequest::url`):
 * `response_type=code` and every parameter after the endpoint's own query. Throws
 * `ERR_INVALID_CONFIG` for a bad endpoint, an empty client id, redirect URI or state, or a
 * reserved extra parameter; `ERR_INVALID_REQUEST` for a malformed scope or resource.
 */
export declare function authorizationUrl(request: AuthorizationRequestOptions): string

/**
 * The bearer token of an `Authorization` header value (RFC 6750 §2.1; the scheme in any
 * case). Throws `ERR_TOKEN_MISSING` (401) for no header, an empty one or another scheme, and
 * `ERR_INVALID_REQUEST` (400) for malformed `Bearer` credentials; never repeats the header.
 */
export declare function bearerToken(authorization: string | undefined | null): string

/** The status and `WWW-Authenticate` value of a refusal. */
export interface Challenge {
  /** The HTTP status: 401, 403 (`insufficient_scope`), 400 (`invalid_request`), or 5xx. */
  status: number
  /** The `WWW-Authenticate` header value. */
  header: string
}

/**
 * The refusal a challenge answers: an `McpBearerError` (or an error `createJwtVerifier`
 * threw, which carries the same `code`).
 */
export interface ChallengeError {
  /** The core's stable code, e.g. `ERR_JWT_EXPIRED`. */
  code?: string
  /** The core's description for the client. Defaults to the code's own sentence. */
  publicDescription?: string
  /** For `ERR_INSUFFICIENT_SCOPE`: the scopes required. Defaults to none. */
  requiredScopes?: Array<string>
}

/** What `wwwAuthenticate` builds from. */
export interface ChallengeOptions {
  /** The protected-resource metadata URL (RFC 9728 §5.1), e.g. `protectedResourceMetadata(…).url`. */
  resourceMetadata: string
  /** The refusal. Defaults to none: a request without a token (401, no `error`). */
  error?: ChallengeError | Error | null
  /** The `realm`. Defaults to none. */
  realm?: string
  /**
   * The `scope` attribute, e.g. the scopes a 401 should make the client ask for. Defaults
   * to none, except for `ERR_INSUFFICIENT_SCOPE`, where it is the required scopes.
   */
  scopes?: Array<string>
}

/**
 * Checks the `iss` parameter of the upstream's redirect to the proxy's callback against the
 * upstream's `issuer` (RFC 9207 §2.4; the core's `check_authorization_response_issuer`),
 * before the code is redeemed: when present it must equal `issuer` exactly, and when
 * `required` (the upstream's metadata says `authorization_response_iss_parameter_supported`)
 * it must be present. Throws `ERR_INVALID_REQUEST` (`invalid_request`, reason `iss`)
 * otherwise: the response may come from another authorization server (a mix-up).
 */
export declare function checkAuthorizationResponseIssuer(iss: string | undefined | null, issuer: string, required: boolean): void

/**
 * Checks the `code_challenge` and `code_challenge_method` of a client's authorization
 * request (the core's `PkceChallenge::from_request`) and returns the challenge. Throws
 * `ERR_INVALID_REQUEST` for a method other than `S256` (a missing one means `plain`) or a
 * challenge that is not 43 base64url characters of a SHA-256 digest.
 */
export declare function checkPkceChallenge(challenge: string, method?: string | undefined | null): string

/**
 * The mapping of a preset (a name or a preset object), to read or to adapt into a custom
 * mapping. Throws `ERR_INVALID_CONFIG` for an unknown preset.
 */
export declare function claimMapping(preset: 'oidc' | 'auth0' | 'okta' | 'entra' | 'google' | 'github' | 'keycloak' | 'clerk' | 'workos' | 'supabase' | 'cognito' | { provider: 'oidc' | 'auth0' | 'okta' | 'entra' | 'google' | 'github' | 'keycloak' | 'clerk' | 'workos' | 'supabase' | 'cognito', rolesClaim?: string, clientId?: string } | Partial<ClaimMappingObject>): ClaimMappingObject

/**
 * Where each `UserInfo` field is read from (the core's `ClaimMapping`): claim paths, dotted
 * for nested claims, first match wins for single values, every match for lists. As an
 * argument, every member is optional and defaults to the OpenID Connect mapping's.
 */
export interface ClaimMappingObject {
  /** Defaults to `sub`, `user_id`, `id`. */
  userId: Array<string>
  /** Defaults to `email`. */
  email: Array<string>
  /** Defaults to `email_verified`. */
  emailVerified: Array<string>
  /** Defaults to `name`. */
  name: Array<string>
  /** Defaults to `username`, `preferred_username`. */
  username: Array<string>
  /** Defaults to `nickname`. */
  nickname: Array<string>
  /** Defaults to `picture`, `avatar_url`. */
  picture: Array<string>
  /** Defaults to `roles` (an array). */
  roles: Array<ListClaimPath>
  /** Defaults to `permissions` (an array). */
  permissions: Array<ListClaimPath>
  /** Defaults to `scope` (space-separated) and `scp` (space-separated or an array). */
  scopes: Array<ListClaimPath>
  /** Defaults to `client_id`, `azp`. */
  clientId: Array<string>
  /** Defaults to `iss`. */
  issuer: Array<string>
  /** Defaults to none. */
  tenantId: Array<string>
  /** Defaults to none. */
  organizationId: Array<string>
  /** Defaults to none. */
  organizationSlug: Array<string>
}

/** A client's metadata document, fetched and checked (the core's `ClientMetadataDocument`). */
export interface ClientMetadataDocument {
  /** The client id: the URL the document was fetched from, equal to its `client_id`. */
  clientId: string
  /** The redirect URIs the document lists. */
  redirectUris: Array<string>
  /** The client's name, if the document gives one. */
  clientName?: string
  /** The client's home page (an `https` URL), if the document gives one. */
  clientUri?: string
  /** The client's logo, if the document gives one (shown only if the host chooses to). */
  logoUri?: string
  /** How the client authenticates at the token endpoint: the document's value, or `none`. */
  tokenEndpointAuthMethod: string
  /** The grant types the document lists (`authorization_code` when it lists none). */
  grantTypes: Array<string>
  /** The document's other members, as sent. */
  extra: Record<string, unknown>
}

/** A registration response (RFC 7591 §3.2.1): send `document` with `status`. */
export interface ClientRegistration {
  /** The status to answer with: 201. */
  status: number
  /** The JSON body to send, with the RFC 7591 member names. */
  document: Record<string, unknown>
  /** The client id to use at the proxy. */
  clientId: string
  /** When the registration happened, in seconds since the Unix epoch. */
  clientIdIssuedAt: number
  /** The accepted redirect URIs. */
  redirectUris: Array<string>
  /** The granted grant types. */
  grantTypes: Array<string>
  /** The granted response types. */
  responseTypes: Array<string>
  /** Always `none`: the proxy's clients are public and use PKCE. */
  tokenEndpointAuthMethod: string
  /** The client's name, echoed. */
  clientName?: string
  /** The client's home page, echoed. */
  clientUri?: string
  /** The scopes, echoed. */
  scope?: string
  /** The software id, echoed. */
  softwareId?: string
  /** The software version, echoed. */
  softwareVersion?: string
}

/**
 * The issuer of an Amazon Cognito user pool's tokens:
 * `https://cognito-idp.{region}.amazonaws.com/{userPoolId}`.
 */
export declare function cognitoIssuer(region: string, userPoolId: string): string

/**
 * What a consent page shows for a pending authorization (the core's `Consent`). Every text
 * in it is the client's own (from its document or its registration): escape it when
 * rendering.
 */
export interface Consent {
  /**
   * The client id of the request: for a verified URL, the document's URL (show its
   * host); for a sealed registration, an opaque value not worth showing.
   */
  clientId: string
  /** The client's name, if it gave one. */
  clientName?: string
  /** The client's home page (an `https` URL), if it gave one. */
  clientUri?: string
  /** The exact redirect URI the authorization code will be sent to. */
  redirectUri: string
  /**
   * `verified_url`: the client id is an `https` URL whose host published the document
   * (show that host); `self_asserted`: a registration, whose name anyone could have
   * chosen (say so).
   */
  verification: 'verified_url' | 'self_asserted'
  /** The scopes the client asked for. */
  scopes: Array<string>
}

/**
 * The audiences of Entra tokens for the API registered as `clientId`: the bare client id
 * (v2) and `api://{clientId}` (v1).
 */
export declare function entraAudiences(clientId: string): Array<string>

/**
 * The issuers of a Microsoft Entra ID tenant's tokens: v1 (`https://sts.windows.net/{tid}/`)
 * and v2 (`https://login.microsoftonline.com/{tid}/v2.0`).
 */
export declare function entraIssuers(tenantId: string): Array<string>

/** The tenant id in an Entra v1 or v2 issuer; `null` for any other issuer. */
export declare function entraTenantFromIssuer(issuer: string): string | null

/** One stable error code with what a resource server answers for it. */
export interface ErrorCodeInfo {
  /** The stable code, e.g. `ERR_JWT_EXPIRED`. */
  code: string
  /** The HTTP status an error of this code answers with. */
  httpStatus: number
  /** The RFC 6750 error (`invalid_token`, …); `null` for `ERR_TOKEN_MISSING`. */
  oauthError?: string
  /** What the code means, one line. */
  description: string
}

/**
 * The grant of a token request, by `grantType` (the core's `Grant`); each grant reads only
 * its own members.
 */
export interface GrantOptions {
  /** `authorization_code`, `refresh_token`, `client_credentials` or `token_exchange`. */
  grantType: string
  /** `authorization_code`: the code the authorization endpoint returned. */
  code?: string
  /** `authorization_code`: the redirect URI of the authorization request. */
  redirectUri?: string
  /** `authorization_code`: the PKCE verifier whose challenge was sent. Defaults to none. */
  codeVerifier?: string
  /** `refresh_token`: the refresh token. */
  refreshToken?: string
  /**
   * `refresh_token`, `client_credentials`, `token_exchange`: the requested scopes.
   * Defaults to none.
   */
  scopes?: Array<string>
  /** `token_exchange`: the token to exchange. */
  subjectToken?: string
  /**
   * `token_exchange`: its type. Defaults to
   * `urn:ietf:params:oauth:token-type:access_token`.
   */
  subjectTokenType?: string
  /** `token_exchange`: the acting party's token. Defaults to none. */
  actorToken?: string
  /** `token_exchange`: its type, required with `actorToken`. Defaults to none. */
  actorTokenType?: string
  /** `token_exchange`: the type of token wanted back. Defaults to none. */
  requestedTokenType?: string
  /** `token_exchange`: the target services (`audience`). Defaults to none. */
  audiences?: Array<string>
}

/**
 * An HTTP response as received: e.g. `{ status: r.status, headers:
 * Object.fromEntries(r.headers), body: await r.text() }` from `fetch`.
 */
export interface HttpResponseInit {
  /** The status code. */
  status: number
  /** The headers (`Content-Type` decides JSON or form). Defaults to none. */
  headers?: Record<string, string>
  /** The body. */
  body: string | Uint8Array
}

/**
 * A key set to start from, or the one in hand: jose's `jwksCache` shape, so a serverless
 * host keeps keys across cold starts.
 */
export interface JwksCacheEntry {
  /** The JWKS document (`{ keys: [...] }`). */
  jwks: { keys: Array<Record<string, unknown>> }
  /** When it was fetched, in milliseconds since the Unix epoch (jose's unit for `uat`). */
  uat: number
}

/** A claim holding several values: where it is and how it is read. */
export interface ListClaimPath {
  /** The claim path, dotted for nested claims (`realm_access.roles`). */
  path: string
  /**
   * How the value is read: only an array of strings, only a space-separated string, either,
   * or one string as a single value or an array.
   */
  format: 'array' | 'space_separated' | 'space_separated_or_array' | 'string_or_array'
}

/** A metadata document and where it is served. */
export interface MetadataDocument {
  /**
   * The well-known URL to serve `document` at (for protected-resource metadata, also the
   * `resourceMetadata` of `wwwAuthenticate`).
   */
  url: string
  /** The JSON document, with the RFC's member names. */
  document: Record<string, unknown>
}

/**
 * Opens a sealed state that came back from the upstream (the core's `ProxyState::open`) at
 * `now` (defaults to the system clock). Throws `ERR_OAUTH_STATE_INVALID` with `reason`
 * `malformed`, `signature` (altered, or sealed under another key) or `expired`.
 */
export declare function openState(sealed: string, key: StateKey, now?: number | undefined | null): OpenedState

/**
 * Reads a token endpoint's answer (the core's `TokenResponse::parse`): JSON, or the form
 * encoding GitHub answers with. Throws `ERR_OAUTH_UPSTREAM` when the upstream answered with
 * an OAuth error (relayed in `upstreamError`, `upstreamErrorDescription`, `upstreamErrorUri`
 * with its status in `httpStatus`), with another non-2xx status, or with a body that is not
 * a token response.
 */
export declare function parseTokenResponse(response: HttpResponseInit): TokenResponse

/**
 * The protected-resource metadata document of `options` and its well-known URL (RFC 9728
 * §3.1: `/.well-known/oauth-protected-resource` inserted before the resource's path).
 * Throws `ERR_INVALID_CONFIG` for a resource that is not `https` (or `http` to a loopback
 * host), or has a fragment or userinfo.
 */
export declare function protectedResourceMetadata(options: ProtectedResourceMetadataOptions): MetadataDocument

/** An RFC 9728 protected-resource metadata document (the core's `ProtectedResourceMetadata`). */
export interface ProtectedResourceMetadataOptions {
  /** The resource identifier: the MCP server's URL, which tokens must name as audience. */
  resource: string
  /** The issuers of the authorization servers clients may use (MCP requires at least one). */
  authorizationServers: Array<string>
  /** The resource's own JWKS. Defaults to none. */
  jwksUri?: string
  /** Scopes the resource understands. Defaults to none. */
  scopesSupported?: Array<string>
  /** How bearer tokens may be presented. Defaults to `["header"]`. */
  bearerMethodsSupported?: Array<string>
  /** A human-readable name. Defaults to none. */
  resourceName?: string
  /** A page for developers. Defaults to none. */
  resourceDocumentation?: string
  /** The data-use policy. Defaults to none. */
  resourcePolicyUri?: string
  /** The terms of service. Defaults to none. */
  resourceTosUri?: string
  /** Further members, by their document names. Defaults to none. */
  extra?: Record<string, unknown>
  /** Allow a plain `http` `resource` on a host that is not loopback. Defaults to `false`. */
  dangerousAllowInsecureHttp?: boolean
}

/**
 * Where the protected-resource metadata of `resource` is served (RFC 9728 §3.1). Throws
 * `ERR_INVALID_CONFIG` for a resource that is not `https` (or `http` to a loopback host).
 */
export declare function protectedResourceMetadataUrl(resource: string): string

/**
 * The MCP client's authorization request, to carry across the upstream round trip (the
 * core's `ProxyState`). Check `redirectUri` with a `RedirectUriPolicy` (and the client's
 * registration) before sealing.
 */
export interface ProxyStateInit {
  /** The MCP client's id at the proxy. */
  clientId: string
  /** Where the proxy sends the client back. */
  redirectUri: string
  /** The client's own `state`, returned to it unchanged. Defaults to none. */
  clientState?: string
  /** The client's `code_challenge`. */
  codeChallenge: string
  /**
   * The client's `code_challenge_method`: only `S256` is accepted, and a missing one
   * means `plain` (refused).
   */
  codeChallengeMethod?: string
  /** The scopes the client asked for. Defaults to none. */
  scopes?: Array<string>
  /** The RFC 8707 resources the client asked for. Defaults to none. */
  resources?: Array<string>
}

/** An opened proxy state's client request. */
export interface ProxyStateObject {
  /** The MCP client's id at the proxy. */
  clientId: string
  /** Where the proxy sends the client back. */
  redirectUri: string
  /** The client's own `state`. */
  clientState?: string
  /** The client's PKCE challenge, to check its `code_verifier` with `verifyPkce`. */
  codeChallenge: string
  /** The scopes the client asked for. */
  scopes: Array<string>
  /** The RFC 8707 resources the client asked for. */
  resources: Array<string>
}

/** A fresh, unguessable OIDC `nonce` (32 random bytes, base64url). */
export declare function randomNonce(): string

/** A fresh, unguessable `state` value (32 random bytes, base64url). */
export declare function randomState(): string

/** Where and how to refresh an upstream token set. */
export interface RefreshOptions {
  /** The upstream token endpoint. */
  tokenEndpoint: string
  /** The client id registered with the upstream. */
  clientId: string
  /** As `tokenRequest`'s `clientAuth`. Defaults to a public client (`none`). */
  clientAuth?: { method: 'none' } | { method: 'client_secret_basic' | 'client_secret_post', clientSecret: string }
  /** Allow a plain `http` endpoint on a host that is not loopback. Defaults to `false`. */
  dangerousAllowInsecureHttp?: boolean
}

/**
 * Answers a dynamic client registration (RFC 7591) for the proxy's pre-registered client
 * `clientId` (the core's `ClientRegistration::for_pre_registered_client`). `body` is the
 * request body as received (text or bytes, at most 16 KiB) or its parsed JSON (RFC 7591
 * member names). `policy` defaults to the core's `RedirectUriPolicy`; `now` to the system
 * clock. Throws `ERR_INVALID_CLIENT_METADATA` for a body that is not client metadata, too
 * many redirect URIs or an unserved grant or response type, and
 * `ERR_REDIRECT_URI_REJECTED` for a missing or refused redirect URI.
 */
export declare function registerClient(body: string | Uint8Array | Record<string, unknown>, clientId: string, policy?: RedirectUriPolicy | undefined | null, now?: number | undefined | null): ClientRegistration

/**
 * Answers a dynamic client registration (RFC 7591) with a client id of the client's own
 * (the core's `ClientRegistration::sealed`): its redirect URIs, name, home page and the
 * time `now` (seconds; defaults to the system clock), HMAC-sealed under `key`, so that
 * `ProxyClient.identify` on any instance accepts only the redirect URIs it registered,
 * without a shared store. `body` is as for `registerClient`; `policy` defaults to the
 * core's `RedirectUriPolicy`; `options.ttl` (seconds) is how long the client id is accepted,
 * 60 s to 10 years, and defaults to none (as long as the key). Throws
 * `ERR_INVALID_CLIENT_METADATA` as `registerClient` does and also for a `client_uri` that is
 * not `https` or a registration too large to seal (over 2 KiB), `ERR_REDIRECT_URI_REJECTED`
 * for a missing or refused redirect URI, `ERR_INVALID_CONFIG` for a bad option.
 */
export declare function registerSealedClient(body: string | Uint8Array | Record<string, unknown>, key: StateKey, policy?: RedirectUriPolicy | undefined | null, options?: { ttl?: number } | undefined | null, now?: number | undefined | null): ClientRegistration

/**
 * Runs the `mcp-bearer` command line (the same code as the Rust binary) with `args` (without
 * the program name), printing to this process's stdout and stderr, and returns its exit
 * code. Blocks the calling thread until the command ends: the package's `bin` calls it.
 */
export declare function runCli(args: Array<string>): number

/**
 * Seals `state` under `key` (the core's `ProxyState::seal_with`), valid for `options.ttl`
 * seconds (the core's `ProxyStateOptions`: defaults to 600, 1 to 86400) after `now`
 * (defaults to the system clock). Checks the client's PKCE challenge first. Throws
 * `ERR_INVALID_REQUEST` for a challenge that is not `S256` or a request too large to carry,
 * and `ERR_INVALID_CONFIG` for a `ttl` out of range or an unknown option.
 */
export declare function sealState(state: ProxyStateInit, key: StateKey, options?: { ttl?: number } | undefined | null, now?: number | undefined | null): SealedState

/** The audience of a signed-in Supabase user's access token: `authenticated`. */
export declare const SUPABASE_AUDIENCE: string

/** The issuer of a Supabase project's tokens: `https://{projectRef}.supabase.co/auth/v1`. */
export declare function supabaseIssuer(projectRef: string): string

/** The claims of a verified token (a `VerifiedToken` fits). */
export interface TokenClaims {
  /** The token's claims. */
  claims: Record<string, unknown>
}

/**
 * The token request to send (the core's `TokenRequest::http_request`): a form-encoded
 * `POST` accepting JSON, for the authorization-code, refresh, client-credentials and
 * token-exchange grants. Throws `ERR_INVALID_CONFIG` for a bad endpoint, an empty client id,
 * client credentials without a secret, an actor token without its type or a reserved extra
 * parameter; `ERR_INVALID_REQUEST` for a malformed scope or resource.
 */
export declare function tokenRequest(request: TokenRequestOptions): HttpRequest

/** A token request (the core's `TokenRequest`): endpoint, client, grant. */
export interface TokenRequestOptions {
  /** The token endpoint: `https` (or `http` to a loopback host). */
  tokenEndpoint: string
  /** The client id. */
  clientId: string
  /**
   * How the client authenticates: `{ method: 'none' }`, or `{ method:
   * 'client_secret_basic' | 'client_secret_post', clientSecret }`. Defaults to a public
   * client (`none`).
   */
  clientAuth?: { method: 'none' } | { method: 'client_secret_basic' | 'client_secret_post', clientSecret: string }
  /** What is presented. */
  grant: { grantType: 'authorization_code', code: string, redirectUri: string, codeVerifier?: string } | { grantType: 'refresh_token', refreshToken: string, scopes?: string[] } | { grantType: 'client_credentials', scopes?: string[] } | { grantType: 'token_exchange', subjectToken: string, subjectTokenType?: string, actorToken?: string, actorTokenType?: string, requestedTokenType?: string, audiences?: string[], scopes?: string[] }
  /** RFC 8707 resource indicators. Defaults to none. */
  resources?: Array<string>
  /**
   * Provider-specific parameters; they may not repeat one the request sets. Defaults to
   * none.
   */
  extraParams?: Record<string, string>
  /** Allow a plain `http` endpoint on a host that is not loopback. Defaults to `false`. */
  dangerousAllowInsecureHttp?: boolean
}

/** The scopes of a verified token (a `VerifiedToken` fits). */
export interface TokenScopes {
  /** The token's scopes. */
  scopes: Array<string>
}

/** A stored upstream token set, to restore an `UpstreamTokens`. */
export interface UpstreamTokensInit {
  /** The upstream access token. */
  accessToken: string
  /** The token type (`Bearer`). */
  tokenType: string
  /** The ID token. Defaults to none. */
  idToken?: string
  /** The refresh token. Defaults to none. */
  refreshToken?: string
  /** When the access token expires, in seconds since the Unix epoch. Defaults to unknown. */
  expiresAt?: number
  /** The granted scopes. Defaults to none. */
  scopes?: Array<string>
}

/**
 * Who the token with `claims` (a JWT payload, e.g. `verified.claims`) speaks for, read with
 * `mapping`: a preset name (`"entra"`, `"cognito"`, `"supabase"`, `"keycloak"`, …), a preset
 * object (`{ provider: "keycloak", clientId: "mcp" }`, `{ provider: "auth0", rolesClaim }`)
 * or a custom mapping (`{ roles: [{ path: "realm_access.roles", format: "array" }] }`).
 * Defaults to the OpenID Connect mapping. Never fails on the claims' content: a claim that
 * is missing or has another shape leaves its field empty. Throws `ERR_INVALID_CONFIG` for a
 * mapping the core does not read.
 */
export declare function userInfo(claims: Record<string, unknown>, mapping?: 'oidc' | 'auth0' | 'okta' | 'entra' | 'google' | 'github' | 'keycloak' | 'clerk' | 'workos' | 'supabase' | 'cognito' | { provider: 'oidc' | 'auth0' | 'okta' | 'entra' | 'google' | 'github' | 'keycloak' | 'clerk' | 'workos' | 'supabase' | 'cognito', rolesClaim?: string, clientId?: string } | Partial<ClaimMappingObject>): UserInfo

/** Who a token speaks for, read from its claims by a claim mapping (the core's `UserInfo`). */
export interface UserInfo {
  /** The user (or, for client-credentials tokens, the client) id. */
  userId?: string
  /** The email address. */
  email?: string
  /** Whether the provider verified the email address. */
  emailVerified?: boolean
  /** The display name. */
  name?: string
  /** The user name. */
  username?: string
  /** The nickname. */
  nickname?: string
  /** The picture URL. */
  picture?: string
  /** Roles (and, for providers that authorize by group, groups). */
  roles: Array<string>
  /** Permissions. */
  permissions: Array<string>
  /** Granted scopes. */
  scopes: Array<string>
  /** The client the token was issued to. */
  clientId?: string
  /** The issuer. */
  issuer?: string
  /** The tenant (Entra `tid`; Google's Workspace domain `hd`). */
  tenantId?: string
  /** The organization id (Auth0, Clerk and WorkOS `org_id`). */
  organizationId?: string
  /** The organization's slug or name (Clerk `org_slug`, Auth0 `org_name`). */
  organizationSlug?: string
  /** Every top-level claim no field took whole (`exp`, `aud`, custom claims), as sent. */
  extra: Record<string, unknown>
}

/**
 * A verified token: the core's `VerifiedTokenRecord` with the claims and header as objects.
 *
 * Members that are absent on the record are absent on the object.
 */
export interface VerifiedToken {
  /** How the token was verified: `"jwt"`, `"introspection"` or `"userinfo"`. */
  source: 'jwt' | 'introspection' | 'userinfo'
  /** Every claim of the token (the JWT payload). */
  claims: Record<string, unknown>
  /** The protected header, for a JWT. */
  header?: Record<string, unknown>
  /** `sub`. */
  subject?: string
  /** `iss`. */
  issuer?: string
  /** Every value of `aud`. */
  audiences: Array<string>
  /** The configured audience that matched, if the audience was checked. */
  audience?: string
  /** The scopes (`scope` split on spaces, or `scp`). */
  scopes: Array<string>
  /** `client_id`, else `azp`. */
  clientId?: string
  /** `jti`. */
  tokenId?: string
  /** `exp`, in seconds since the Unix epoch. */
  expiresAt?: number
  /** `nbf`, in seconds since the Unix epoch. */
  notBefore?: number
  /** `iat`, in seconds since the Unix epoch. */
  issuedAt?: number
  /** The RFC 7638 thumbprint of the key that verified the signature, for a JWT. */
  keyThumbprint?: string
}

/** What a verifier starts from besides its configuration. */
export interface VerifierInit {
  /**
   * A key set kept from an earlier run, for a `jwksUrl` or `discoveryIssuer` verifier:
   * served without a fetch while fresh (jose's `jwksCache`). Defaults to none.
   */
  jwksCache?: JwksCacheEntry
  /**
   * A fixed time, in seconds since the Unix epoch, at which every verification happens
   * (jose's `currentDate`, for tests and replays). Defaults to the system clock.
   */
  now?: number
}

/**
 * Checks a client's `code_verifier` against the `S256` `challenge` of its authorization
 * request (RFC 7636 §4.6), in constant time. Throws `ERR_INVALID_REQUEST` for a malformed
 * challenge and `ERR_OAUTH_INVALID_GRANT` for a malformed or mismatching verifier.
 */
export declare function verifyPkce(challenge: string, verifier: string): void

/**
 * The `WWW-Authenticate: Bearer …` challenge for a refusal (the core's `BearerChallenge`):
 * no error → 401 with only `resource_metadata`; an `McpBearerError` → its status (401
 * `invalid_token`, 403 `insufficient_scope` with the required scopes in `scope`, 400
 * `invalid_request`), its `oauthError` and its `publicDescription` (never the message).
 * Values are quoted and escaped by the core. Throws `ERR_INVALID_CONFIG` for an error whose
 * `code` is not one of the core's.
 */
export declare function wwwAuthenticate(options: ChallengeOptions): Challenge
