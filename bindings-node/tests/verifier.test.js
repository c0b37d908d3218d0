// `Verifier` against a JWKS endpoint on 127.0.0.1: the Promise path, the shared fetch, the
// error objects, the key set kept across starts, camelCase configuration and scope checks.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { Verifier } = require('..')
const { ISSUER, AUDIENCE, es256Key, sign, jwksServer } = require('./support.js')

function remoteVerifier(url, extra = {}, init) {
  return new Verifier({ jwksUrl: url, issuers: [ISSUER], audiences: [AUDIENCE], ...extra }, init)
}

test('verify fetches lazily once, then answers from the keys in hand', async (t) => {
  const k1 = es256Key('k1')
  const server = await jwksServer([k1])
  t.after(server.close)
  const v = remoteVerifier(server.url)
  assert.equal(server.requests, 0, 'building the verifier must not fetch')
  const verified = await v.verify(sign(k1, { client_id: 'app' }))
  assert.equal(server.requests, 1)
  assert.equal(verified.subject, 'alice')
  assert.equal(verified.issuer, ISSUER)
  assert.deepEqual(verified.audiences, [AUDIENCE])
  assert.deepEqual(verified.scopes, ['read', 'write'])
  assert.equal(verified.clientId, 'app')
  assert.equal(verified.header.kid, 'k1')
  assert.equal(typeof verified.expiresAt, 'number')
  assert.equal(verified.claims.client_id, 'app')
  // Keys cached: the synchronous path needs no I/O.
  assert.equal(v.verifySync(sign(k1, {})).subject, 'alice')
  assert.equal(server.requests, 1)
})

test('200 concurrent tokens with an unknown kid share one fetch', async (t) => {
  const k1 = es256Key('k1')
  const k2 = es256Key('k2')
  const server = await jwksServer([k1])
  t.after(server.close)
  const v = remoteVerifier(server.url, { remoteJwks: { cooldown: 0 } })
  await v.verify(sign(k1, {}))
  assert.equal(server.requests, 1)
  server.keys = [k1, k2]
  const tokens = Array.from({ length: 200 }, (_, i) => sign(k2, { sub: `user-${i}` }))
  const results = await Promise.all(tokens.map((tok) => v.verify(tok)))
  assert.deepEqual(results.map((r) => r.subject), tokens.map((_, i) => `user-${i}`))
  assert.equal(server.requests, 2, 'one shared fetch for the whole burst')
})

test('a refused token rejects with the core error record on an Error', async (t) => {
  const k1 = es256Key('k1')
  const server = await jwksServer([k1])
  t.after(server.close)
  const v = remoteVerifier(server.url)
  const expired = sign(k1, { exp: Math.floor(Date.now() / 1000) - 3600 })
  await assert.rejects(v.verify(expired), (e) => {
    assert.ok(e instanceof Error)
    assert.equal(e.name, 'McpBearerError')
    assert.equal(e.code, 'ERR_JWT_EXPIRED')
    assert.equal(e.claim, 'exp')
    assert.equal(e.reason, 'check_failed')
    assert.equal(e.httpStatus, 401)
    assert.equal(e.oauthError, 'invalid_token')
    assert.equal(typeof e.publicDescription, 'string')
    assert.deepEqual(e.requiredScopes, [])
    assert.ok(!e.message.includes(expired), 'the token never appears in a message')
    return true
  })
  const wrongAud = sign(k1, { aud: 'https://other.example.com' })
  assert.throws(() => v.verifySync(wrongAud), (e) => {
    assert.equal(e.code, 'ERR_JWT_CLAIM_VALIDATION_FAILED')
    assert.equal(e.claim, 'aud')
    assert.equal(e.expected, AUDIENCE)
    assert.equal(e.actual, 'https://other.example.com')
    return true
  })
})

test('the key set in hand seeds a new verifier, which then needs no fetch', async (t) => {
  const k1 = es256Key('k1')
  const server = await jwksServer([k1])
  t.after(server.close)
  const first = remoteVerifier(server.url)
  assert.equal(first.jwksCache, null)
  await first.prefetch()
  assert.equal(server.requests, 1)
  const kept = first.jwksCache
  assert.deepEqual(kept.jwks, { keys: [k1.jwk] })
  assert.ok(Math.abs(kept.uat - Date.now()) < 60_000, 'uat is in milliseconds')
  const second = remoteVerifier(server.url, {}, { jwksCache: kept })
  assert.equal(second.verifySync(sign(k1, {})).subject, 'alice')
  assert.equal(server.requests, 1)
  const staticKeys = new Verifier({ jwks: { keys: [k1.jwk] }, issuers: [ISSUER], audiences: [AUDIENCE] })
  assert.equal(staticKeys.jwksCache, null)
  assert.throws(() => new Verifier({ jwks: { keys: [k1.jwk] }, issuers: [ISSUER], audiences: [AUDIENCE] }, { jwksCache: kept }), { code: 'ERR_INVALID_CONFIG' })
})

test('camelCase configuration reaches the core; mistakes are the core errors', () => {
  const k1 = es256Key('k1')
  const v = new Verifier({ jwks: { keys: [k1.jwk] }, issuers: [ISSUER], audiences: [AUDIENCE], requiredScopes: ['admin'], leeway: 0, audience: undefined })
  assert.throws(() => v.verifySync(sign(k1, {})), { code: 'ERR_INSUFFICIENT_SCOPE', httpStatus: 403 })
  assert.throws(() => new Verifier({ jwks: { keys: [k1.jwk] }, issuers: [ISSUER], audiences: [AUDIENCE], leway: 10 }), (e) => {
    assert.equal(e.code, 'ERR_INVALID_CONFIG')
    assert.match(e.message, /leway/)
    return true
  })
  assert.throws(() => new Verifier({ jwks: { keys: [k1.jwk] }, issuers: [ISSUER] }), { code: 'ERR_INVALID_CONFIG' })
  assert.throws(() => new Verifier({ jwksUrl: 'http://idp.example.com/jwks', issuers: [ISSUER], audiences: [AUDIENCE] }), { code: 'ERR_INVALID_CONFIG' })
  const anyAud = new Verifier({ jwks: { keys: [k1.jwk] }, issuers: [ISSUER], dangerousAcceptAnyAudience: true })
  assert.equal(anyAud.verifySync(sign(k1, { aud: 'https://elsewhere.example' })).subject, 'alice')
})

test('requireScopes gives the core 403 with the scopes for the challenge', () => {
  const k1 = es256Key('k1')
  const v = new Verifier({ jwks: { keys: [k1.jwk] }, issuers: [ISSUER], audiences: [AUDIENCE] })
  const verified = v.verifySync(sign(k1, {}))
  Verifier.requireScopes(verified, ['read'])
  assert.throws(() => Verifier.requireScopes(verified, ['read', 'admin']), (e) => {
    assert.equal(e.code, 'ERR_INSUFFICIENT_SCOPE')
    assert.equal(e.httpStatus, 403)
    assert.equal(e.oauthError, 'insufficient_scope')
    assert.deepEqual(e.requiredScopes, ['read', 'admin'])
    return true
  })
})
