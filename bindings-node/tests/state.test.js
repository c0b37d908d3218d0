// Sealed proxy state, PKCE and random values, and the rule that no exported object shows a
// secret (state key, client secret, PKCE verifier, tokens) through util.inspect or JSON.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const util = require('node:util')
const {
  StateKey,
  SealedState,
  OpenedState,
  PkceVerifier,
  UpstreamTokens,
  sealState,
  openState,
  checkPkceChallenge,
  verifyPkce,
  randomState,
  randomNonce,
  tokenRequest,
  parseTokenResponse,
} = require('..')

const NOW = 1750000000
const SECRET = Buffer.from('0123456789abcdef0123456789abcdef-state-key-bytes')

function clientRequest(overrides = {}) {
  const pkce = PkceVerifier.generate()
  return {
    clientId: 'mcp-client',
    redirectUri: 'http://127.0.0.1:4000/cb',
    clientState: 'client-state-1',
    codeChallenge: pkce.challenge,
    codeChallengeMethod: 'S256',
    scopes: ['read'],
    resources: ['https://mcp.example.com/mcp'],
    ...overrides,
  }
}

test('a sealed state opens under the same key before it expires, with the same upstream secrets', () => {
  const key = new StateKey(SECRET)
  const request = clientRequest()
  const sealed = sealState(request, key, { ttl: 120 }, NOW)
  assert.ok(sealed instanceof SealedState)
  assert.equal(sealed.expiresAt, NOW + 120)
  assert.match(sealed.value, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
  const opened = openState(sealed.value, key, NOW + 119)
  assert.ok(opened instanceof OpenedState)
  assert.deepEqual(opened.state, {
    clientId: 'mcp-client',
    redirectUri: 'http://127.0.0.1:4000/cb',
    clientState: 'client-state-1',
    codeChallenge: request.codeChallenge,
    scopes: ['read'],
    resources: ['https://mcp.example.com/mcp'],
  })
  assert.equal(opened.expiresAt, NOW + 120)
  assert.equal(opened.upstreamPkceVerifier(), sealed.upstreamPkceVerifier())
  assert.equal(opened.upstreamNonce, sealed.upstreamNonce)
  assert.equal(crypto.createHash('sha256').update(sealed.upstreamPkceVerifier()).digest('base64url'), sealed.upstreamCodeChallenge)
  // Another instance with the same key bytes opens it too (a load-balanced proxy).
  assert.equal(openState(sealed.value, new StateKey(Buffer.from(SECRET)), NOW).state.clientId, 'mcp-client')
  // Each seal has its own id, so its own upstream secrets.
  const again = sealState(request, key, undefined, NOW)
  assert.notEqual(again.upstreamPkceVerifier(), sealed.upstreamPkceVerifier())
  assert.equal(again.expiresAt, NOW + 600, 'the core\'s default ttl')
  // Without `now`: the system clock.
  const live = sealState(request, key)
  assert.ok(Math.abs(live.expiresAt - (Date.now() / 1000 + 600)) < 60)
  assert.equal(openState(live.value, key).state.clientState, 'client-state-1')
})

test('tampered, foreign, expired and malformed states are refused with ERR_OAUTH_STATE_INVALID and a reason', () => {
  const key = new StateKey(SECRET)
  const sealed = sealState(clientRequest(), key, { ttl: 60 }, NOW)
  const [body, tag] = sealed.value.split('.')
  // Change the payload: the client's state now says something else.
  const payload = JSON.parse(Buffer.from(body, 'base64url'))
  payload.redirect_uri = 'https://evil.example.com/cb'
  const forged = `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${tag}`
  // The first character: the last one of 43 carries two padding bits a decoder may ignore.
  const flippedTag = `${body}.${tag.startsWith('A') ? 'B' : 'A'}${tag.slice(1)}`
  const cases = [
    [forged, key, NOW, 'signature'],
    [flippedTag, key, NOW, 'signature'],
    [sealed.value, StateKey.generate(), NOW, 'signature'],
    [sealed.value, key, NOW + 60, 'expired'],
    [sealed.value, key, NOW + 86400, 'expired'],
    ['no-dot-here', key, NOW, 'malformed'],
    ['!!.!!', key, NOW, 'malformed'],
    ['x'.repeat(5000), key, NOW, 'malformed'],
  ]
  for (const [value, k, now, reason] of cases) {
    assert.throws(() => openState(value, k, now), { name: 'McpBearerError', code: 'ERR_OAUTH_STATE_INVALID', reason, httpStatus: 400 }, reason)
  }
  assert.throws(() => openState(sealed.value, key, -1), { code: 'ERR_INVALID_CONFIG' })
})

test('sealing checks the client\'s PKCE challenge, the ttl range and the size', () => {
  const key = StateKey.generate()
  assert.throws(() => sealState(clientRequest({ codeChallengeMethod: undefined }), key, {}, NOW), { code: 'ERR_INVALID_REQUEST' })
  assert.throws(() => sealState(clientRequest({ codeChallengeMethod: 'plain' }), key, {}, NOW), { code: 'ERR_INVALID_REQUEST' })
  assert.throws(() => sealState(clientRequest({ codeChallenge: 'short' }), key, {}, NOW), { code: 'ERR_INVALID_REQUEST' })
  assert.throws(() => sealState(clientRequest(), key, { ttl: 0 }, NOW), { code: 'ERR_INVALID_CONFIG' })
  assert.throws(() => sealState(clientRequest(), key, { ttl: 86401 }, NOW), { code: 'ERR_INVALID_CONFIG' })
  assert.throws(() => sealState(clientRequest(), key, { tll: 60 }, NOW), { code: 'ERR_INVALID_CONFIG' })
  assert.throws(() => sealState(clientRequest({ clientState: 'x'.repeat(5000) }), key, {}, NOW), { code: 'ERR_INVALID_REQUEST' })
})

test('a state key needs 32 bytes; the error gives the count, never the bytes', () => {
  const short = Buffer.from('short-secret-value')
  assert.throws(() => new StateKey(short), (e) => e.code === 'ERR_INVALID_KEY' && e.message.includes('18') && !e.message.includes('short-secret-value'))
  assert.ok(new StateKey(new Uint8Array(32)) instanceof StateKey)
})

test('PKCE: verifier and challenge, the client\'s challenge checked, verifiers matched in constant time', () => {
  const pkce = PkceVerifier.generate()
  assert.match(pkce.expose(), /^[A-Za-z0-9_-]{43}$/)
  assert.equal(pkce.method, 'S256')
  assert.equal(pkce.challenge, crypto.createHash('sha256').update(pkce.expose()).digest('base64url'))
  assert.notEqual(PkceVerifier.generate().expose(), pkce.expose())
  // RFC 7636 appendix B.
  const rfc = new PkceVerifier('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')
  assert.equal(rfc.challenge, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')
  assert.throws(() => new PkceVerifier('too-short'), { code: 'ERR_OAUTH_INVALID_GRANT' })
  assert.throws(() => new PkceVerifier('x'.repeat(43) + ' '), { code: 'ERR_OAUTH_INVALID_GRANT' })

  assert.equal(checkPkceChallenge(rfc.challenge, 'S256'), rfc.challenge)
  assert.throws(() => checkPkceChallenge(rfc.challenge), { code: 'ERR_INVALID_REQUEST' })
  assert.throws(() => checkPkceChallenge(rfc.challenge, 'plain'), { code: 'ERR_INVALID_REQUEST' })
  assert.throws(() => checkPkceChallenge('not-a-digest', 'S256'), { code: 'ERR_INVALID_REQUEST' })

  verifyPkce(rfc.challenge, rfc.expose())
  assert.throws(() => verifyPkce(rfc.challenge, pkce.expose()), { code: 'ERR_OAUTH_INVALID_GRANT' })
  assert.throws(() => verifyPkce(rfc.challenge, 'short'), { code: 'ERR_OAUTH_INVALID_GRANT' })
})

test('random state and nonce values are 256-bit base64url and differ', () => {
  const values = new Set()
  for (let i = 0; i < 50; i++) {
    for (const value of [randomState(), randomNonce()]) {
      assert.match(value, /^[A-Za-z0-9_-]{43}$/)
      values.add(value)
    }
  }
  assert.equal(values.size, 100)
})

test('no exported object shows a secret through util.inspect or JSON', () => {
  const keyBytes = Buffer.from('k'.repeat(40))
  const key = new StateKey(keyBytes)
  const pkce = PkceVerifier.generate()
  const sealed = sealState(clientRequest(), key, {}, NOW)
  const opened = openState(sealed.value, key, NOW)
  const clientSecret = 'client-secret-do-not-log'
  const request = tokenRequest({
    tokenEndpoint: 'https://idp.example.com/token',
    clientId: 'app',
    clientAuth: { method: 'client_secret_basic', clientSecret },
    grant: { grantType: 'authorization_code', code: 'the-code-value', redirectUri: 'https://x/cb', codeVerifier: pkce.expose() },
  })
  const postRequest = tokenRequest({
    tokenEndpoint: 'https://idp.example.com/token',
    clientId: 'app',
    clientAuth: { method: 'client_secret_post', clientSecret },
    grant: { grantType: 'refresh_token', refreshToken: 'refresh-token-value' },
  })
  const response = parseTokenResponse({
    status: 200,
    body: JSON.stringify({ access_token: 'access-token-value', refresh_token: 'refresh-token-value', id_token: 'id-token-value', nested: 'x' }),
  })
  const upstream = UpstreamTokens.fromResponse(response, NOW)
  const secrets = [
    keyBytes.toString(),
    keyBytes.toString('base64'),
    keyBytes.toString('hex'),
    pkce.expose(),
    sealed.upstreamPkceVerifier(),
    clientSecret,
    Buffer.from(`app:${clientSecret}`).toString('base64'),
    'the-code-value',
    'access-token-value',
    'refresh-token-value',
    'id-token-value',
  ]
  const objects = { key, pkce, sealed, opened, request, postRequest, response, upstream }
  for (const [name, object] of Object.entries(objects)) {
    const shown = [
      util.inspect(object, { showHidden: true, depth: 10, getters: true }),
      util.format('%o', object),
      JSON.stringify(object),
      JSON.stringify({ wrapped: object }),
      String(object),
    ].join('\n')
    for (const secret of secrets) assert.ok(!shown.includes(secret), `${name} shows a secret:\n${shown}`)
  }
  // What they do show: the public parts.
  assert.match(util.inspect(pkce), new RegExp(`^PkceVerifier \\{\\s+challenge: '${pkce.challenge}',\\s+method: 'S256'\\s+\\}$`))
  assert.equal(util.inspect(key), "StateKey 'StateKey(<redacted>)'")
  assert.equal(JSON.stringify(key), '"StateKey(<redacted>)"')
  assert.deepEqual(JSON.parse(JSON.stringify(pkce)), { challenge: pkce.challenge, method: 'S256' })
  assert.equal(JSON.parse(JSON.stringify(sealed)).upstreamCodeChallenge, sealed.upstreamCodeChallenge)
  assert.equal(JSON.parse(JSON.stringify(opened)).state.clientId, 'mcp-client')
  assert.equal(JSON.parse(JSON.stringify(request)).headers.Authorization, '<redacted>')
  assert.match(JSON.parse(JSON.stringify(postRequest)).body, /^<\d+ bytes>$/)
  assert.deepEqual(JSON.parse(JSON.stringify(response)).extra, ['nested'])
  assert.equal(JSON.parse(JSON.stringify(upstream)).hasRefreshToken, true)
  // The secrets are there on purpose, through their getters and methods.
  assert.ok(request.body.includes('the-code-value') && postRequest.body.includes(clientSecret))
  assert.equal(response.accessToken, 'access-token-value')
  assert.equal(upstream.refreshToken, 'refresh-token-value')
})
