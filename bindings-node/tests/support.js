// Test helpers: ES256 keys and tokens signed with Node's own crypto, and a JWKS endpoint on
// 127.0.0.1 that counts its requests.
'use strict'

const crypto = require('node:crypto')
const http = require('node:http')

const ISSUER = 'https://idp.example.com/'
const AUDIENCE = 'https://mcp.example.com/mcp'

function es256Key(kid) {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }
  return { kid, privateKey, jwk }
}

function b64u(value) {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')
}

function sign(key, claims, header = {}) {
  const now = Math.floor(Date.now() / 1000)
  const body = { iss: ISSUER, aud: AUDIENCE, sub: 'alice', scope: 'read write', iat: now, exp: now + 300, ...claims }
  const input = `${b64u({ alg: 'ES256', typ: 'JWT', kid: key.kid, ...header })}.${b64u(body)}`
  const signature = crypto.sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
  return `${input}.${signature.toString('base64url')}`
}

/** A JWKS endpoint serving `keys` at /jwks; `requests` counts the fetches. */
async function jwksServer(keys) {
  const state = { keys, requests: 0 }
  const server = http.createServer((req, res) => {
    state.requests += 1
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ keys: state.keys.map((k) => k.jwk) }))
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.url = `http://127.0.0.1:${server.address().port}/jwks`
  state.close = () => new Promise((resolve) => server.close(resolve))
  return state
}

/** A `tools/list` POST to an MCP endpoint with `token` as the bearer: status, challenge, body. */
async function post(url, token) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    signal: AbortSignal.timeout(10000),
  })
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body: await response.text() }
}

module.exports = { ISSUER, AUDIENCE, es256Key, sign, jwksServer, post }
