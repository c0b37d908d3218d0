// The peer drop-ins: mcp-use 1.x's `jwksVerifier` and the MCP TypeScript SDK's
// `OAuthTokenVerifier` (`createJwtVerifier`, mcp-use 2.x's name). Thin JS over the native
// `Verifier`: no verification happens here, only the peers' argument checks, messages and
// error classes.
'use strict'

const { Verifier, userInfo, claimMapping: checkClaimMapping } = require('./index.js')

// jose's error class name for each of the core's codes (the core took its codes from jose),
// for mcp-use's `JWKS verification failed: <Name>: <message>`. A code jose has no class for
// becomes jose's base class name.
const JOSE_NAMES = {
  ERR_JWT_EXPIRED: 'JWTExpired',
  ERR_JWT_CLAIM_VALIDATION_FAILED: 'JWTClaimValidationFailed',
  // jose reports a refused `typ` as a failed claim check on "typ".
  ERR_JWT_TYPE_INVALID: 'JWTClaimValidationFailed',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'JWSSignatureVerificationFailed',
  ERR_JWKS_NO_MATCHING_KEY: 'JWKSNoMatchingKey',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'JWKSMultipleMatchingKeys',
  ERR_JWKS_TIMEOUT: 'JWKSTimeout',
  ERR_JWKS_INVALID: 'JWKSInvalid',
  ERR_JOSE_ALG_NOT_ALLOWED: 'JOSEAlgNotAllowed',
  ERR_JWS_INVALID: 'JWSInvalid',
  ERR_JWT_INVALID: 'JWTInvalid',
  ERR_JOSE_NOT_SUPPORTED: 'JOSENotSupported',
  ERR_TOKEN_OPAQUE: 'JWSInvalid',
  ERR_TOKEN_TOO_LARGE: 'JWSInvalid',
}

/** jose's error class name for a core error code (`JOSEError` when jose has none). */
function joseName(code) {
  return Object.prototype.hasOwnProperty.call(JOSE_NAMES, code) ? JOSE_NAMES[code] : 'JOSEError'
}

// The fields of a core error copied onto the errors thrown by the drop-ins.
const FIELDS = ['code', 'claim', 'reason', 'expected', 'actual', 'httpStatus', 'oauthError', 'requiredScopes']

function copyFields(target, source, skip) {
  for (const field of FIELDS) {
    if (field !== skip && source != null && source[field] !== undefined) target[field] = source[field]
  }
  return target
}

// mcp-use 1.32.1+'s message for a token that is not a three-part JWS, word for word.
const OPAQUE_MESSAGE =
  "Access token is not a signed JWT, so it can't be verified against the JWKS. Many providers — " +
  'Auth0 included — only issue JWT access tokens when the authorization request specifies a ' +
  'valid `audience` (your API identifier). Check your `audience` configuration.'

/**
 * mcp-use 1.x's `jwksVerifier({ jwksUrl, issuer, audience? })`: `(token) => Promise<{ payload }>`.
 * Same synchronous errors, no network call before the first verification, same opaque-token
 * message, rejections `JWKS verification failed: <JoseName>: <message>` with the core's
 * `code`, `claim`, `reason`, … on the error.
 */
function jwksVerifier(config) {
  const { jwksUrl, issuer, audience } = config || {}
  if (!jwksUrl) throw new Error('jwksVerifier: jwksUrl is required')
  if (!issuer) throw new Error('jwksVerifier: issuer is required')
  // mcp-use calls `new URL(jwksUrl)` here: the same `TypeError: Invalid URL` for a bad one.
  const url = new URL(jwksUrl)
  const verifier = new Verifier({
    jwksUrl: url.href,
    issuers: [issuer],
    // mcp-use checks the audience only when one is given (an empty string counts as none):
    // without one, any audience is accepted. Said here, through the core's explicit switch,
    // rather than left to a default.
    ...(audience ? { audiences: [audience] } : { dangerousAcceptAnyAudience: true }),
    // jose's defaults, which mcp-use keeps: no clock tolerance and any `typ` header.
    leeway: 0,
    typ: 'any',
  })
  return async function verifyToken(token) {
    if (typeof token !== 'string' || token.split('.').length !== 3) throw new Error(OPAQUE_MESSAGE)
    let verified
    try {
      verified = await verifier.verify(token)
    } catch (error) {
      throw copyFields(new Error(`JWKS verification failed: ${joseName(error && error.code)}: ${error && error.message}`), error)
    }
    return { payload: verified.claims }
  }
}

const SDK1_ERRORS = '@modelcontextprotocol/sdk/server/auth/errors.js'
const SDK2_SERVER = '@modelcontextprotocol/server'

/** `specifier` resolved from the current directory (the application's), then from this package. */
function resolveInstalled(specifier) {
  for (const base of [process.cwd(), __dirname]) {
    try {
      return require.resolve(specifier, { paths: [base] })
    } catch {
      continue
    }
  }
  return undefined
}

/**
 * SDK 2.x's `OAuthError`, `require`d from `@modelcontextprotocol/server` (current directory,
 * then this package), or `null` when it is not installed. Any copy will do: 2.x brands its
 * errors (`Symbol.hasInstance`), so an `OAuthError` of one copy or module format is an
 * `instanceof` the `OAuthError` of every other.
 */
function requireSdk2Errors() {
  const resolved = resolveInstalled(SDK2_SERVER)
  if (resolved === undefined) return null
  const { OAuthError } = require(resolved)
  return { OAuthError }
}

/**
 * The error classes of the SDK the application installed: SDK 1.x's
 * `@modelcontextprotocol/sdk/server/auth/errors.js` when it resolves (current directory, then
 * this package), else SDK 2.x's `OAuthError` from `@modelcontextprotocol/server`.
 */
function requireSdkErrors() {
  const v1 = resolveInstalled(SDK1_ERRORS)
  if (v1 !== undefined) return require(v1)
  const v2 = requireSdk2Errors()
  if (v2 !== null) return v2
  throw new Error(
    `createJwtVerifier: cannot find ${SDK1_ERRORS} (SDK 1.x) nor ${SDK2_SERVER} (SDK 2.x); install the SDK your server uses, or pass its classes as the \`errors\` option`,
  )
}

const SDK1_CLASSES = ['InvalidTokenError', 'InsufficientScopeError', 'ServerError']

/**
 * `(httpStatus, description) => Error` building the SDK's own error for a core failure: SDK
 * 1.x's `InvalidTokenError` / `InsufficientScopeError` / `ServerError` when `errors` holds
 * all three, else SDK 2.x's `new OAuthError(code, description)` when it holds a 2.x
 * `OAuthError` (told from 1.x's base class of the same name by 2.x's static `isInstance`).
 */
function errorFactory(errors) {
  if (errors && SDK1_CLASSES.every((name) => typeof errors[name] === 'function')) {
    return (status, description) => {
      const error =
        status === 401
          ? new errors.InvalidTokenError(description || 'Invalid token')
          : status === 403
            ? new errors.InsufficientScopeError(description || 'Insufficient scope')
            : new errors.ServerError(description || 'The token could not be verified now')
      return { error, keepCode: false }
    }
  }
  const OAuthError = errors && errors.OAuthError
  if (typeof OAuthError === 'function' && typeof OAuthError.isInstance === 'function') {
    // The RFC 6750 / RFC 6749 codes, which are also the values of 2.x's `OAuthErrorCode`.
    return (status, description) => {
      const error =
        status === 401
          ? new OAuthError('invalid_token', description || 'Invalid token')
          : status === 403
            ? new OAuthError('insufficient_scope', description || 'Insufficient scope')
            : new OAuthError('server_error', description || 'The token could not be verified now')
      // 2.x's `code` is the OAuth error code its middleware answers with: it stays.
      return { error, keepCode: true }
    }
  }
  throw new TypeError(
    "createJwtVerifier: errors must hold the SDK's classes: SDK 1.x errors.InvalidTokenError, errors.InsufficientScopeError and errors.ServerError, or SDK 2.x errors.OAuthError",
  )
}

function toStrings(value) {
  if (value === undefined || value === null || value === '') return []
  return (Array.isArray(value) ? value : [value]).map(String)
}

/**
 * `claims` with `sub` added: mcp-use 2.x's createJwtVerifier requires `sub` (jose's
 * `requiredClaims: ['exp', 'sub']`; the core always requires `exp`). A value that is not a
 * list goes to the core unchanged, which refuses it with `ERR_INVALID_CONFIG`.
 */
function withSub(claims) {
  if (claims === undefined || claims === null) return ['sub']
  if (!Array.isArray(claims)) return claims
  return claims.includes('sub') ? claims : ['sub', ...claims]
}

function urlOrUndefined(text) {
  try {
    return new URL(text)
  } catch {
    return undefined
  }
}

/**
 * The MCP TypeScript SDK's `OAuthTokenVerifier` over the native `Verifier`:
 * `verifyAccessToken(token)` resolves to an `AuthInfo` or rejects with the SDK's own errors:
 * SDK 1.x `InvalidTokenError` (401), `InsufficientScopeError` (403) or `ServerError` (key
 * fetch outages; the SDK has no 503), or SDK 2.x `OAuthError` with `invalid_token`,
 * `insufficient_scope` or `server_error`. `sub` is required, as in mcp-use 2.x.
 */
function createJwtVerifier(options) {
  const {
    issuer,
    jwksUrl,
    audience,
    resource,
    algorithms,
    errors,
    dangerousAcceptAnyAudience,
    requiredClaims,
    required_claims: requiredClaimsSnake,
    claimMapping,
    ...rest
  } = options || {}
  if (!issuer) throw new Error('createJwtVerifier: issuer is required')
  // A mapping the core does not read throws here, not at the first request.
  if (claimMapping !== undefined && claimMapping !== null) checkClaimMapping(claimMapping)
  const audiences = [...toStrings(audience), ...toStrings(resource && String(resource))]
  if (audiences.length === 0 && dangerousAcceptAnyAudience !== true) {
    throw new Error(
      'createJwtVerifier: audience or resource is required (the identifier tokens for this server carry in `aud`); set dangerousAcceptAnyAudience: true to accept any audience',
    )
  }
  const verifier = new Verifier({
    ...(jwksUrl ? { jwksUrl: String(jwksUrl), issuers: [String(issuer)] } : { discoveryIssuer: String(issuer) }),
    ...(audiences.length > 0 ? { audiences } : { dangerousAcceptAnyAudience: true }),
    algorithms,
    requiredClaims: withSub(requiredClaims ?? requiredClaimsSnake),
    ...rest,
  })
  let factory
  async function sdkError() {
    if (factory === undefined) {
      const given = typeof errors === 'function' ? await errors() : errors
      factory = errorFactory(given === undefined || given === null ? requireSdkErrors() : given)
    }
    return factory
  }
  return {
    async verifyAccessToken(token) {
      let verified
      try {
        verified = await verifier.verify(token)
      } catch (error) {
        const make = await sdkError()
        const { error: converted, keepCode } = make(error && error.httpStatus, (error && error.publicDescription) || undefined)
        copyFields(converted, error, keepCode ? 'code' : undefined)
        converted.cause = error
        throw converted
      }
      const resourceUrl = verified.audience !== undefined ? urlOrUndefined(verified.audience) : undefined
      return {
        token,
        clientId: verified.clientId ?? '',
        scopes: verified.scopes,
        expiresAt: verified.expiresAt,
        ...(resourceUrl ? { resource: resourceUrl } : {}),
        extra: {
          payload: verified.claims,
          claims: verified.claims,
          header: verified.header,
          sub: verified.subject,
          keyThumbprint: verified.keyThumbprint,
          // Read with `claimMapping` on first access, then kept as a plain property.
          get userInfo() {
            const value = userInfo(verified.claims, claimMapping)
            Object.defineProperty(this, 'userInfo', { value, enumerable: true })
            return value
          },
        },
      }
    },
  }
}

module.exports = { jwksVerifier, createJwtVerifier, joseName, requireSdk2Errors }
