// The objects a verification answers with: plain, fresh on every call (a token seen again is
// answered from what was built for it before, as a copy), with a `__proto__` claim kept as an
// ordinary member, and the same object through every path.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { Verifier } = require('..')
const { ISSUER, AUDIENCE, es256Key, sign, jwksServer } = require('./support.js')

function localVerifier(key, extra = {}) {
  return new Verifier({ jwks: { keys: [key.jwk] }, issuers: [ISSUER], audiences: [AUDIENCE], ...extra })
}

test('a token verified again gets an equal, fresh object each time, on both paths', async () => {
  const k = es256Key('k1')
  const v = localVerifier(k)
  const token = sign(k, { client_id: 'app', nested: { list: [1, { deep: 'x' }], n: null } })
  const first = v.verifySync(token)
  for (let i = 0; i < 5; i++) {
    const again = i % 2 ? v.verifySync(token) : await v.verify(token)
    assert.deepEqual(again, first)
    assert.notEqual(again, first)
    assert.notEqual(again.claims, first.claims)
    assert.notEqual(again.claims.nested.list, first.claims.nested.list)
    assert.equal(Object.getPrototypeOf(again), Object.prototype)
    assert.equal(Object.getPrototypeOf(again.claims), Object.prototype)
    // One caller changing its object changes nothing for the next.
    again.claims.nested.list.push('changed')
    again.scopes.length = 0
    again.subject = 'mallory'
  }
  assert.deepEqual(v.verifySync(token), first)
})

test('a claim named __proto__ stays an ordinary member and never becomes the prototype', async () => {
  const k = es256Key('k1')
  const v = localVerifier(k)
  // JSON.stringify of a literal with "__proto__" as a computed key writes it as a member.
  const token = sign(k, { ['__proto__']: { polluted: true }, other: 1 })
  for (let i = 0; i < 3; i++) {
    const verified = i === 1 ? await v.verify(token) : v.verifySync(token)
    assert.equal(Object.getPrototypeOf(verified.claims), Object.prototype)
    assert.equal(verified.claims.polluted, undefined)
    assert.ok(Object.prototype.hasOwnProperty.call(verified.claims, '__proto__'))
    assert.deepEqual(Object.getOwnPropertyDescriptor(verified.claims, '__proto__').value, { polluted: true })
    assert.equal({}.polluted, undefined)
  }
})

test('more distinct repeated tokens than are kept still verify with their own claims', async () => {
  const k = es256Key('k1')
  const v = localVerifier(k)
  const tokens = Array.from({ length: 600 }, (_, i) => sign(k, { jti: `t${i}` }))
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < tokens.length; i++) {
      const verified = round === 1 ? await v.verify(tokens[i]) : v.verifySync(tokens[i])
      assert.equal(verified.tokenId, `t${i}`)
      assert.equal(verified.claims.jti, `t${i}`)
    }
  }
})

test('the verdict stays the core\'s: a remembered token whose key leaves the set is refused', async (t) => {
  const k1 = es256Key('k1')
  const k2 = es256Key('k2')
  const server = await jwksServer([k1])
  t.after(server.close)
  const v = new Verifier({ jwksUrl: server.url, issuers: [ISSUER], audiences: [AUDIENCE], remoteJwks: { cooldown: 0 } })
  const token = sign(k1, {})
  for (let i = 0; i < 3; i++) assert.equal((await v.verify(token)).subject, 'alice')
  // The provider drops k1; a token under k2 brings the new set in.
  server.keys = [k2]
  assert.equal((await v.verify(sign(k2, {}))).header.kid, 'k2')
  await assert.rejects(v.verify(token), (e) => e.code === 'ERR_JWKS_NO_MATCHING_KEY')
})

test('each object has its own token\'s members when the header, issuer, audience, scopes, client or key change between tokens', async () => {
  // A verifier passes a member's value into JavaScript once and then only says "the same";
  // every combination of same and changed, in both directions, must still give each token
  // exactly its own members, and mutating one object must not reach the next.
  const k1 = es256Key('k1')
  const k2 = es256Key('k2')
  const I2 = 'https://other.example.com/'
  const A2 = 'https://mcp.example.com/other'
  const v = new Verifier({ jwks: { keys: [k1.jwk, k2.jwk] }, issuers: [ISSUER, I2], audiences: [AUDIENCE, A2], tokenCacheEntries: 0 })
  const variants = [
    [k1, {}, {}],
    [k1, {}, {}],
    [k2, { iss: I2 }, {}],
    [k2, { iss: I2, aud: [A2, 'https://x.example.com/'], scope: 'admin' }, { typ: 'at+jwt' }],
    [k1, { scope: undefined, client_id: 'app' }, {}],
    [k1, { scope: undefined, scp: ['a', 'b'], azp: 'web' }, {}],
    [k1, { sub: undefined, iss: undefined }, {}],
    [k2, { iss: I2, client_id: 'app' }, { typ: 'at+jwt' }],
    [k1, { aud: A2, client_id: 'app', jti: 'j' }, {}],
    [k1, {}, {}],
  ]
  const v2 = new Verifier({ jwks: { keys: [k1.jwk, k2.jwk] }, audiences: [AUDIENCE, A2], dangerousAcceptAnyIssuer: true, tokenCacheEntries: 0 })
  const thumbprints = new Map()
  for (let round = 0; round < 3; round++) {
    for (const [i, [key, claims, header]] of variants.entries()) {
      const token = sign(key, { ...claims, n: `${round}-${i}` }, header)
      const body = JSON.parse(Buffer.from(token.split('.')[1], 'base64url'))
      const verifier = body.iss === undefined ? v2 : v
      const got = (round + i) % 2 ? await verifier.verify(token) : verifier.verifySync(token)
      assert.deepEqual(got.claims, body)
      assert.deepEqual(got.header, JSON.parse(Buffer.from(token.split('.')[0], 'base64url')))
      assert.equal(got.issuer, body.iss)
      assert.equal('issuer' in got, body.iss !== undefined)
      assert.equal(got.subject, body.sub)
      assert.deepEqual(got.audiences, [body.aud].flat())
      assert.equal(got.audience, [body.aud].flat()[0])
      assert.deepEqual(got.scopes, body.scope ? body.scope.split(' ') : body.scp ?? [])
      assert.equal(got.clientId, body.client_id ?? body.azp)
      assert.equal('clientId' in got, (body.client_id ?? body.azp) !== undefined)
      assert.equal(got.tokenId, body.jti)
      if (!thumbprints.has(key.kid)) thumbprints.set(key.kid, got.keyThumbprint)
      assert.equal(got.keyThumbprint, thumbprints.get(key.kid))
      // What this caller does to its object stays with it.
      got.header.kid = 'changed'
      got.audiences.push('changed')
      got.scopes.push('changed')
    }
  }
  assert.notEqual(thumbprints.get('k1'), thumbprints.get('k2'))
})

test('the objects have exactly the members index.d.ts declares for VerifiedToken', () => {
  const dts = require('node:fs').readFileSync(require('node:path').join(__dirname, '..', 'index.d.ts'), 'utf8')
  const body = dts.slice(dts.indexOf('export interface VerifiedToken {'))
  const declared = new Set(
    body.slice(0, body.indexOf('\n}')).split('\n').map((l) => /^  (\w+)\??:/.exec(l)).filter(Boolean).map((m) => m[1]),
  )
  assert.ok(declared.has('claims') && declared.has('keyThumbprint'), [...declared].join(','))
  const k = es256Key('k1')
  const v = localVerifier(k)
  const full = sign(k, { client_id: 'app', jti: 'j1', nbf: Math.floor(Date.now() / 1000) - 1 })
  for (let i = 0; i < 3; i++) {
    const verified = v.verifySync(full)
    assert.deepEqual(new Set(Object.keys(verified)), declared)
    assert.equal(verified.source, 'jwt')
  }
  // Absent record fields are absent members, not null ones.
  const sparse = v.verifySync(sign(k, { sub: undefined, scope: undefined }))
  assert.equal('subject' in sparse, false)
  assert.equal('clientId' in sparse, false)
  assert.deepEqual(sparse.scopes, [])
})
