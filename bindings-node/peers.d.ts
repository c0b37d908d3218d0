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

/** The SDK's error classes `createJwtVerifier` throws. */
export interface SdkErrorClasses {
  /** 401 with `WWW-Authenticate` under `requireBearerAuth`. */
  InvalidTokenError: new (message: string) => Error
  /** 403 with `WWW-Authenticate` under `requireBearerAuth`. */
  InsufficientScopeError: new (message: string) => Error
  /** 500 under `requireBearerAuth` (the SDK has no 503). */
  ServerError: new (message: string) => Error
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
   * The SDK's error classes, or a function returning them (or a Promise of them). Defaults
   * to `@modelcontextprotocol/sdk/server/auth/errors.js` resolved from the current directory
   * (`require` from CommonJS, `import` from the ES module entry).
   */
  errors?: SdkErrorClasses | (() => SdkErrorClasses | Promise<SdkErrorClasses>)
  /**
   * How `extra.userInfo` is read from the claims: a preset name (`'entra'`, `'cognito'`,
   * `'supabase'`, …), a preset object or a custom mapping, as `userInfo` takes. Defaults to
   * the OpenID Connect mapping.
   */
  claimMapping?: string | Record<string, unknown>
  /** Accept any audience when neither `audience` nor `resource` is set. Defaults to `false`. */
  dangerousAcceptAnyAudience?: boolean
  /** Any other member of the core's `VerifierConfig` (camelCase). */
  [option: string]: unknown
}

/**
 * The MCP TypeScript SDK's `OAuthTokenVerifier` (mcp-use 2.x's `createJwtVerifier`) over a
 * native `Verifier`.
 */
export declare function createJwtVerifier(options: JwtVerifierOptions): OAuthTokenVerifier
