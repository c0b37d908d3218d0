// mcp-use 1.x's `jwksVerifier`, against a JWKS endpoint on 127.0.0.1.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { jwksVerifier } = require('mcp-bearer')
const { ISSUER, AUDIENCE, es256Key, sign, jwksServer } = require('./support.js')

const OPAQUE =
  "Access token is not a signed JWT, so it can't be verified against the JWKS. Many providers — " +
  'Auth0 included — only issue JWT access tokens when the authorization request specifies a ' +
  'valid `audience` (your API identifier). Check your `audience` configuration.'

test('jwksVerifier: the synchronous errors of mcp-use', () => {
  assert.throws(() => jwksVerifier({ issuer: ISSUER }), { name: 'Error', message: 'jwksVerifier: jwksUrl is required' })
  assert.throws(() => jwksVerifier({ jwksUrl: '', issuer: ISSUER }), { message: 'jwksVerifier: jwksUrl is required' })
  assert.throws(() => jwksVerifier({ jwksUrl: 'https://idp.example.com/jwks' }), {
    name: 'Error',
    message: 'jwksVerifier: issuer is required',
  })
  assert.throws(() => jwksVerifier({ jwksUrl: 'not a url', issuer: ISSUER }), { name: 'TypeError', message: 'Invalid URL' })
})

test('jwksVerifier: no fetch before the first verification, then { payload }', async () => {
  const key = es256Key('k1')
  const jwks = await jwksServer([key])
  try {
    const verify = jwksVerifier({ jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE })
    assert.equal(jwks.requests, 0, 'building the verifier fetches nothing')
    const result = await verify(sign(key, { sub: 'alice' }))
    assert.deepEqual(Object.keys(result), ['payload'])
    assert.equal(result.payload.sub, 'alice')
    assert.equal(result.payload.iss, ISSUER)
    assert.equal(jwks.requests, 1)
  } finally {
    await jwks.close()
  }
})

test('jwksVerifier: opaque and JWE tokens get mcp-use\'s message, unprefixed', async () => {
  const verify = jwksVerifier({ jwksUrl: 'http://127.0.0.1:9/jwks', issuer: ISSUER })
  for (const token of ['an-opaque-token', 'a.b', 'a.b.c.d.e']) {
    await assert.rejects(verify(token), (error) => {
      assert.equal(error.constructor, Error)
      assert.equal(error.message, OPAQUE)
      return true
    })
  }
})

test('jwksVerifier: rejections read "JWKS verification failed: <jose class>: …" and carry the code', async () => {
  const key = es256Key('k1')
  const stranger = es256Key('k1')
  const jwks = await jwksServer([key])
  try {
    const verify = jwksVerifier({ jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE })
    const now = Math.floor(Date.now() / 1000)
    const cases = [
      ['expired', sign(key, { exp: now - 60, iat: now - 600 }), 'JWTExpired', 'ERR_JWT_EXPIRED'],
      ['wrong issuer', sign(key, { iss: 'https://other.example.com/' }), 'JWTClaimValidationFailed', 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'iss'],
      ['wrong audience', sign(key, { aud: 'https://other.example.com/mcp' }), 'JWTClaimValidationFailed', 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'aud'],
      ['tampered', sign(stranger, {}), 'JWSSignatureVerificationFailed', 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'],
      ['unknown kid', sign(es256Key('k-unknown'), {}), 'JWKSNoMatchingKey', 'ERR_JWKS_NO_MATCHING_KEY'],
    ]
    for (const [what, token, joseName, code, claim] of cases) {
      await assert.rejects(verify(token), (error) => {
        assert.equal(error.constructor, Error, what)
        assert.equal(error.name, 'Error', what)
        assert.ok(error.message.startsWith(`JWKS verification failed: ${joseName}: `), `${what}: ${error.message}`)
        assert.equal(error.code, code, what)
        assert.equal(error.httpStatus, 401, what)
        if (claim) assert.equal(error.claim, claim, what)
        assert.ok(!error.message.includes(token), `${what}: the token is not in the message`)
        return true
      })
    }
  } finally {
    await jwks.close()
  }
})

test('jwksVerifier: without an audience any audience is accepted, as in mcp-use', async () => {
  const key = es256Key('k1')
  const jwks = await jwksServer([key])
  try {
    for (const audience of [undefined, '']) {
      const verify = jwksVerifier({ jwksUrl: jwks.url, issuer: ISSUER, audience })
      const { payload } = await verify(sign(key, { aud: 'https://anything.example.com/' }))
      assert.equal(payload.aud, 'https://anything.example.com/')
    }
  } finally {
    await jwks.close()
  }
})
