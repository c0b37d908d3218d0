// createJwtVerifier: the MCP SDK's OAuthTokenVerifier, its AuthInfo and its error classes.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { createJwtVerifier } = require('mcp-bearer')
const sdkErrors = require('@modelcontextprotocol/sdk/server/auth/errors.js')
const { ISSUER, AUDIENCE, es256Key, sign, jwksServer } = require('./support.js')

test('createJwtVerifier: configuration errors are thrown at once', () => {
  assert.throws(() => createJwtVerifier({ jwksUrl: 'http://127.0.0.1:9/jwks', audience: AUDIENCE }), {
    message: 'createJwtVerifier: issuer is required',
  })
  assert.throws(() => createJwtVerifier({ issuer: ISSUER, jwksUrl: 'http://127.0.0.1:9/jwks' }), /audience or resource is required/)
  assert.throws(
    () => createJwtVerifier({ issuer: ISSUER, jwksUrl: 'http://127.0.0.1:9/jwks', audience: AUDIENCE, noSuchOption: 1 }),
    { code: 'ERR_INVALID_CONFIG' },
  )
})

test('createJwtVerifier: AuthInfo of a valid token', async () => {
  const key = es256Key('k1')
  const jwks = await jwksServer([key])
  try {
    const verifier = createJwtVerifier({ issuer: ISSUER, jwksUrl: new URL(jwks.url), audience: [AUDIENCE, 'api://other'] })
    const token = sign(key, { sub: 'alice', scope: 'read write', client_id: 'client-1' })
    const info = await verifier.verifyAccessToken(token)
    assert.equal(info.token, token)
    assert.equal(info.clientId, 'client-1')
    assert.deepEqual(info.scopes, ['read', 'write'])
    assert.equal(typeof info.expiresAt, 'number')
    assert.ok(info.expiresAt > Date.now() / 1000 && info.expiresAt < Date.now() / 1000 + 400)
    assert.ok(info.resource instanceof URL)
    assert.equal(info.resource.href, AUDIENCE)
    assert.equal(info.extra.payload.sub, 'alice')
    assert.equal(info.extra.claims, info.extra.payload)
    assert.equal(info.extra.sub, 'alice')

    // An audience that is not a URL gives no `resource`; a token without client_id/azp gives "".
    const other = await verifier.verifyAccessToken(sign(key, { aud: 'api://other' }))
    assert.equal(other.resource?.href, 'api://other')
    const plain = createJwtVerifier({ issuer: ISSUER, jwksUrl: jwks.url, audience: 'my-api' })
    const info2 = await plain.verifyAccessToken(sign(key, { aud: 'my-api' }))
    assert.equal(info2.resource, undefined)
    assert.equal(info2.clientId, '')
  } finally {
    await jwks.close()
  }
})

test('createJwtVerifier: failures are the SDK\'s InvalidTokenError / InsufficientScopeError / ServerError', async () => {
  const key = es256Key('k1')
  const jwks = await jwksServer([key])
  try {
    const verifier = createJwtVerifier({ issuer: ISSUER, jwksUrl: jwks.url, audience: AUDIENCE, requiredScopes: ['admin'] })
    const now = Math.floor(Date.now() / 1000)
    await assert.rejects(verifier.verifyAccessToken(sign(key, { exp: now - 3600, iat: now - 7200 })), (error) => {
      assert.ok(error instanceof sdkErrors.InvalidTokenError)
      assert.equal(error.code, 'ERR_JWT_EXPIRED')
      assert.equal(error.cause.code, 'ERR_JWT_EXPIRED')
      assert.equal(error.toResponseObject().error, 'invalid_token')
      return true
    })
    await assert.rejects(verifier.verifyAccessToken('opaque'), sdkErrors.InvalidTokenError)
    await assert.rejects(verifier.verifyAccessToken(sign(key, { scope: 'read' })), (error) => {
      assert.ok(error instanceof sdkErrors.InsufficientScopeError)
      assert.deepEqual(error.requiredScopes, ['admin'])
      return true
    })
  } finally {
    await jwks.close()
  }
  // The JWKS endpoint is gone: a key-fetch outage (the core's 503) is the SDK's ServerError.
  const down = createJwtVerifier({ issuer: ISSUER, jwksUrl: jwks.url, audience: AUDIENCE })
  await assert.rejects(down.verifyAccessToken(sign(key, {})), (error) => {
    assert.ok(error instanceof sdkErrors.ServerError)
    assert.equal(error.httpStatus, 503)
    assert.match(error.code, /^ERR_JWKS_/)
    return true
  })
})

test('createJwtVerifier: the `errors` option supplies the classes', async () => {
  class InvalidTokenError extends Error {}
  class InsufficientScopeError extends Error {}
  class ServerError extends Error {}
  const verifier = createJwtVerifier({
    issuer: ISSUER,
    jwksUrl: 'http://127.0.0.1:9/jwks',
    audience: AUDIENCE,
    errors: async () => ({ InvalidTokenError, InsufficientScopeError, ServerError }),
  })
  await assert.rejects(verifier.verifyAccessToken('opaque'), InvalidTokenError)
  const bad = createJwtVerifier({ issuer: ISSUER, jwksUrl: 'http://127.0.0.1:9/jwks', audience: AUDIENCE, errors: {} })
  await assert.rejects(bad.verifyAccessToken('opaque'), { name: 'TypeError', message: /errors.InvalidTokenError/ })
})
