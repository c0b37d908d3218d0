// Key rotation under the same `kid` against a real issuer (`mcp-bearer serve-issuer`): the
// issuer's URL is a counting proxy on 127.0.0.1 in front of the running issuer process; the
// rotation replaces that process by one signing with a new key published under the old `kid`
// (a key replaced in place, as a redeployed identity provider does).
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const http = require('node:http')
const os = require('node:os')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const { Verifier } = require('..')
const { startIssuer } = require('./issuer.js')

const bin = path.join(__dirname, '..', 'bin', 'mcp-bearer.js')
const AUDIENCE = 'https://mcp.example.com/mcp'
const KID = 'signing-key'

/** A private ES256 JWKS from `mcp-bearer keys generate`, its one key renamed to `KID`. */
function keyFile(dir, name) {
  const run = spawnSync(process.execPath, [bin, 'keys', 'generate', '--alg', 'ES256'], { encoding: 'utf8' })
  assert.equal(run.status, 0, run.stderr)
  const jwks = JSON.parse(run.stdout).private
  jwks.keys[0].kid = KID
  const file = path.join(dir, name)
  fs.writeFileSync(file, JSON.stringify(jwks), { mode: 0o600 })
  return file
}

/** Forwards every request to `state.backend` (a port); counts `GET /jwks.json`. */
async function countingProxy() {
  const state = { backend: 0, jwksRequests: 0 }
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/jwks.json') state.jwksRequests += 1
    const upstream = http.request(
      { host: '127.0.0.1', port: state.backend, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => {
      res.writeHead(502)
      res.end()
    })
    req.pipe(upstream)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.port = server.address().port
  state.url = `http://127.0.0.1:${state.port}`
  state.close = () => new Promise((resolve) => server.close(resolve))
  return state
}

test('a new key under the same kid: the next token is accepted after one refetch, the old token refused', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-bearer-rotation-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  const proxy = await countingProxy()
  t.after(proxy.close)
  const issuerUrl = proxy.url
  const start = (file) => startIssuer(['--alg', 'ES256', '--key', file, '--issuer-url', issuerUrl])

  const before = await start(keyFile(dir, 'before.jwks.json'))
  t.after(before.close)
  proxy.backend = before.port
  assert.equal(before.issuer, issuerUrl)
  assert.equal(before.kid, KID)

  // Cooldown 0: a signature failure under a known kid may refetch at once (the default 30 s
  // cooldown would hold the refetch back for that long after the first fetch).
  const verifier = new Verifier({
    jwksUrl: before.jwks_uri,
    issuers: [issuerUrl],
    audiences: [AUDIENCE],
    remoteJwks: { cooldown: 0 },
  })
  const oldToken = await before.mint({ sub: 'alice', aud: AUDIENCE })
  assert.equal((await verifier.verify(oldToken)).subject, 'alice')
  assert.equal(proxy.jwksRequests, 1)
  assert.equal((await verifier.verify(oldToken)).subject, 'alice', 'keys in hand: no fetch')
  assert.equal(proxy.jwksRequests, 1)

  // Rotation: the issuer now signs with, and publishes only, a new key under the same kid.
  const after = await start(keyFile(dir, 'after.jwks.json'))
  t.after(after.close)
  proxy.backend = after.port
  await before.close()
  assert.equal(after.kid, KID)

  const newToken = await after.mint({ sub: 'bob', aud: AUDIENCE })
  assert.equal(JSON.parse(Buffer.from(newToken.split('.')[0], 'base64url')).kid, KID)
  assert.equal((await verifier.verify(newToken)).subject, 'bob')
  assert.equal(proxy.jwksRequests, 2, 'exactly one refetch for the new key')
  assert.equal(verifier.verifySync(newToken).subject, 'bob')
  assert.equal(proxy.jwksRequests, 2)

  // With cooldown 0 the old token's signature failure looks for a newer set: exactly one
  // refetch per verification (the shared fetch it waited for was that refetch; the
  // verification does not ask again when it brings the same set back).
  const seen = proxy.jwksRequests
  await assert.rejects(verifier.verify(oldToken), (e) => {
    assert.equal(e.name, 'McpBearerError')
    assert.equal(e.code, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED')
    return true
  })
  assert.equal(proxy.jwksRequests, seen + 1, 'one refetch')
  // (No verifySync of the old token here: its refetch would block this thread, which also
  // serves the counting proxy, until the fetch timeout.)
  assert.equal((await verifier.verify(newToken)).subject, 'bob')
})
