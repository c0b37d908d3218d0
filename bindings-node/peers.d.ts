// Hand-written types of peers.js (the peer drop-ins); index.d.ts, which napi-rs generates,
// re-exports them from its header.

/** mcp-use 1.x's `JwksVerifierConfig`. */
export interface JwksVerifierConfig {
  /** The JWKS URL (https, or http to a loopback host). Required. */
  jwksUrl: string
  /** The one accepted `iss`. Required. */
  issuer: string
  /** The accepted `aud`. Defaults to none: any audience is accepted, as in mcp-use. */
  audience?: string
}

/** mcp-use 1.x's `verifyToken`: the verified payload, or a rejection. */
export type VerifyToken = (token: string) => Promise<{ payload: Record<string, unknown> }>

/**
 * mcp-use 1.x's `jwksVerifier`: throws at once for a missing `jwksUrl` or `issuer` and a bad
 * URL, fetches nothing before the first verification, and rejects with an `Error` whose
 * message is `JWKS verification failed: <jose class name>: <message>` and which carries the
 * core's `code`, `claim`, `reason`, `expected`, `actual` and `httpStatus`.
 */
export declare function jwksVerifier(config: JwksVerifierConfig): VerifyToken

/** The MCP TypeScript SDK's `AuthInfo`. */
export interface AuthInfo {
  /** The bearer token as received. */
  token: string
  /** `client_id`, else `azp`, else `""`. */
  clientId: string
  /** The token's scopes. */
  scopes: string[]
  /** `exp`, in seconds since the Unix epoch. */
  expiresAt?: number
  /** The matched audience, when it is a URL. */
  resource?: URL
  /**
   * SDK 2.x: the protected resource metadata URL. Never set by this verifier (SDK 2.x's
   * bearer-auth helpers add their `resourceMetadataUrl`).
   */
  resourceMetadataUrl?: string
  /**
   * `payload` and `claims` (the JWT payload), `header`, `sub`, `keyThumbprint`, and
   * `userInfo` (the claims read with the `claimMapping` option, on first access).
   */
  extra?: Record<string, unknown>
}

/** The MCP TypeScript SDK's `OAuthTokenVerifier`. */
export interface OAuthTokenVerifier {
  /** Resolves to the token's `AuthInfo`, or rejects with the SDK's own error classes. */
  verifyAccessToken(token: string): Promise<AuthInfo>
}

/** SDK 1.x's error classes `createJwtVerifier` throws (`@modelcontextprotocol/sdk/server/auth/errors.js`). */
export interface SdkErrorClasses {
  /** 401 with `WWW-Authenticate` under `requireBearerAuth`. */
  InvalidTokenError: new (message: string) => Error
  /** 403 with `WWW-Authenticate` under `requireBearerAuth`. */
  InsufficientScopeError: new (message: string) => Error
  /** 500 under `requireBearerAuth` (the SDK has no 503). */
  ServerError: new (message: string) => Error
}

/**
 * SDK 2.x's error class `createJwtVerifier` throws (`OAuthError` of `@modelcontextprotocol/server`
 * or `/client`, either module format: 2.x brands it, so every copy recognizes the others').
 * Thrown as `new OAuthError(code, message)` with `code` `invalid_token` (401 with
 * `WWW-Authenticate` under `requireBearerAuth`), `insufficient_scope` (403 with it) or
 * `server_error` (500: the SDK has no 503).
 */
export interface Sdk2ErrorClasses {
  /** The class; recognized by its static `isInstance`, which SDK 1.x's `OAuthError` lacks. */
  OAuthError: (new (code: string, message: string) => Error) & { isInstance(value: unknown): boolean }
}

/** Options of `createJwtVerifier`; any other member goes to the core's `VerifierConfig`. */
export interface JwtVerifierOptions {
  /**
   * The accepted `iss`, exactly as the tokens carry it. Required. A string, not a `URL`
   * object: `new URL('https://idp.example.com').href` gains a trailing slash.
   */
  issuer: string
  /** The JWKS URL. Defaults to discovery from `issuer` (run in the constructor, blocking). */
  jwksUrl?: string | URL
  /** The accepted audiences. Defaults to none (then `resource` is required). */
  audience?: string | string[]
  /** This server's resource identifier, accepted as an audience too. Defaults to none. */
  resource?: string | URL
  /** The accepted algorithms. Defaults to the core's asymmetric algorithms. */
  algorithms?: string[]
  /**
   * The SDK's error classes (an object or module namespace holding SDK 1.x's three classes,
   * else SDK 2.x's `OAuthError`), or a function returning them (or a Promise of them).
   * Defaults to SDK 1.x's `@modelcontextprotocol/sdk/server/auth/errors.js` when it is
   * installed (`require`d from the current directory, then this package, from CommonJS;
   * `import`ed from this package's location from the ES module entry), else SDK 2.x's
   * `OAuthError` from `@modelcontextprotocol/server` (same places, `require`d). With both
   * SDKs installed and 2.x's `requireBearerAuth` in use, pass `errors: { OAuthError }`.
   */
  errors?:
    | SdkErrorClasses
    | Sdk2ErrorClasses
    | (() => SdkErrorClasses | Sdk2ErrorClasses | Promise<SdkErrorClasses | Sdk2ErrorClasses>)
  /**
   * How `extra.userInfo` is read from the claims: a preset name (`'entra'`, `'cognito'`,
   * `'supabase'`, …), a preset object or a custom mapping, as `userInfo` takes. Defaults to
   * the OpenID Connect mapping.
   */
  claimMapping?: string | Record<string, unknown>
  /** Accept any audience when neither `audience` nor `resource` is set. Defaults to `false`. */
  dangerousAcceptAnyAudience?: boolean
  /**
   * Claims the token must carry, besides `sub` and `exp`, which are always required (as in
   * mcp-use 2.x). Defaults to none.
   */
  requiredClaims?: string[]
  /** Any other member of the core's `VerifierConfig` (camelCase). */
  [option: string]: unknown
}

/**
 * The MCP TypeScript SDK's `OAuthTokenVerifier` (mcp-use 2.x's `createJwtVerifier`) over a
 * native `Verifier`. A token without `sub` is refused (`invalid_token`), as in mcp-use 2.x.
 * Failures are the SDK's own errors (SDK 1.x's classes or SDK 2.x's `OAuthError`: see
 * `errors`), with the core error as `cause` and its `claim`, `reason`, `expected`, `actual`,
 * `httpStatus`, `oauthError` and `requiredScopes` copied on; its `code` too for SDK 1.x
 * (SDK 2.x's `code` is the OAuth error code, so the core's is `cause.code` there).
 */
export declare function createJwtVerifier(options: JwtVerifierOptions): OAuthTokenVerifier
