export type { ErrorCode } from './codes'; export * from './peers'
/**
 * Which binding artifact the generated loader actually loaded: `'native'` for
 * a native addon, otherwise the `platformArchABI` of the WASI flavor. Every
 * flavor napi-rs can build is listed, because `NAPI_RS_NATIVE_LIBRARY_PATH`
 * can point the loader at a WASI artifact this package does not build itself.
 */
export declare const __napiBindingTarget: 'native' | 'wasm32-wasi' | 'wasm32-wasip1'

/** A bearer-token verifier: the core's `Verifier::from_config` over a plain object. */
export declare class Verifier {
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
 * A key set to start from, or the one in hand: jose's `jwksCache` shape, so a serverless
 * host keeps keys across cold starts.
 */
export interface JwksCacheEntry {
  /** The JWKS document (`{ keys: [...] }`). */
  jwks: { keys: Array<Record<string, unknown>> }
  /** When it was fetched, in milliseconds since the Unix epoch (jose's unit for `uat`). */
  uat: number
}

/**
 * Runs the `mcp-bearer` command line (the same code as the Rust binary) with `args` (without
 * the program name), printing to this process's stdout and stderr, and returns its exit
 * code. Blocks the calling thread until the command ends: the package's `bin` calls it.
 */
export declare function runCli(args: Array<string>): number

/** The scopes of a verified token (a `VerifiedToken` fits). */
export interface TokenScopes {
  /** The token's scopes. */
  scopes: Array<string>
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
