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

function copyFields(target, source) {
  for (const field of FIELDS) {
    if (source != null && source[field] !== undefined) target[field] = source[field]
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

const SDK_ERRORS = '@modelcontextprotocol/sdk/server/auth/errors.js'

/**
 * The SDK 1.x error classes of the copy the application installed: resolved from the
 * current directory first (the application's own `node_modules`), then from this package.
 */
function requireSdkErrors() {
  for (const base of [process.cwd(), __dirname]) {
    let resolved
    try {
      resolved = require.resolve(SDK_ERRORS, { paths: [base] })
    } catch {
      continue
    }
    return require(resolved)
  }
  throw new Error(
    `createJwtVerifier: cannot find ${SDK_ERRORS} (install @modelcontextprotocol/sdk 1.x, or pass its classes as the \`errors\` option)`,
  )
}

function checkErrorClasses(errors) {
  for (const name of ['InvalidTokenError', 'InsufficientScopeError', 'ServerError']) {
    if (typeof (errors && errors[name]) !== 'function') {
      throw new TypeError(`createJwtVerifier: errors.${name} must be the SDK's error class`)
    }
  }
  return errors
}

function toStrings(value) {
  if (value === undefined || value === null || value === '') return []
  return (Array.isArray(value) ? value : [value]).map(String)
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
 * `verifyAccessToken(token)` resolves to an `AuthInfo` or rejects with the SDK's own
 * `InvalidTokenError` (401), `InsufficientScopeError` (403) or `ServerError` (key fetch
 * outages; the SDK has no 503).
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
    ...rest,
  })
  let classes
  async function errorClasses() {
    if (classes === undefined) {
      const given = typeof errors === 'function' ? await errors() : errors
      classes = checkErrorClasses(given === undefined || given === null ? requireSdkErrors() : given)
    }
    return classes
  }
  return {
    async verifyAccessToken(token) {
      let verified
      try {
        verified = await verifier.verify(token)
      } catch (error) {
        const sdk = await errorClasses()
        const status = error && error.httpStatus
        const description = (error && error.publicDescription) || undefined
        let converted
        if (status === 401) {
          converted = new sdk.InvalidTokenError(description || 'Invalid token')
        } else if (status === 403) {
          converted = new sdk.InsufficientScopeError(description || 'Insufficient scope')
        } else {
          converted = new sdk.ServerError(description || 'The token could not be verified now')
        }
        copyFields(converted, error)
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

module.exports = { jwksVerifier, createJwtVerifier, joseName }
