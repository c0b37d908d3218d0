#!/usr/bin/env node
// The Node binding next to jose and to Node's own signature check, one process:
//   (cd bindings-node && npm ci && npm run build) && node benches/node/verify.js [MS_PER_CASE]
// For RS256 (2048-bit), ES256 and EdDSA (Ed25519): a pool of 1000 distinct tokens cycled
// through (unique) and one token again and again (repeated). Every case runs in slices of
// MS_PER_CASE / ROUNDS ms, taking turns round by round; ops/s is the median of the rounds.
'use strict'

const crypto = require('node:crypto')
const http = require('node:http')
const path = require('node:path')
const { createRequire } = require('node:module')

const pkg = path.join(__dirname, '..', '..', 'bindings-node')
const requireFromPkg = createRequire(path.join(pkg, 'package.json'))
const { Verifier, jwksVerifier } = require(pkg)
const jose = requireFromPkg('jose')

const ISSUER = 'https://idp.example.com/'
const AUDIENCE = 'https://mcp.example.com/mcp'
const POOL = 1000
const ROUNDS = 10
const MS_PER_CASE = Number(process.argv[2] ?? 2000)
const SLICE_MS = MS_PER_CASE / ROUNDS

const ALGS = {
  RS256: { gen: ['rsa', { modulusLength: 2048 }], hash: 'sha256', opts: {} },
  ES256: { gen: ['ec', { namedCurve: 'P-256' }], hash: 'sha256', opts: { dsaEncoding: 'ieee-p1363' } },
  EdDSA: { gen: ['ed25519', {}], hash: null, opts: {} },
}

const b64u = (v) => Buffer.from(JSON.stringify(v)).toString('base64url')

function fixture(alg) {
  const { gen, hash, opts } = ALGS[alg]
  const { privateKey, publicKey } = crypto.generateKeyPairSync(...gen)
  const kid = `${alg.toLowerCase()}-key`
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' }
  const now = Math.floor(Date.now() / 1000)
  const header = b64u({ alg, typ: 'JWT', kid })
  const tokens = Array.from({ length: POOL }, (_, i) => {
    const claims = {
      iss: ISSUER, sub: `user-${i % 97}`, aud: AUDIENCE, iat: now, nbf: now, exp: now + 3600,
      jti: crypto.randomUUID(), scope: 'read write', client_id: 'bench-client',
    }
    const input = `${header}.${b64u(claims)}`
    const sig = crypto.sign(hash, Buffer.from(input), { key: privateKey, ...opts })
    return `${input}.${sig.toString('base64url')}`
  })
  // The floor's inputs: the signing input bytes (split positions found beforehand, as the
  // Rust floor does) and the signature segment, decoded from base64url on every call.
  const floorInputs = tokens.map((t) => {
    const dot = t.lastIndexOf('.')
    return { input: Buffer.from(t.slice(0, dot)), sig: t.slice(dot + 1) }
  })
  return { alg, hash, opts, publicKey, jwk, tokens, floorInputs }
}

function jwksServer(jwks) {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(jwks))
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

/** Runs `fn(i)` for `ms` ms; answers ops/s. `fn` may return a Promise (then awaited one by one). */
async function slice(fn, ms, async, batch = 1) {
  let n = 0
  const end = performance.now() + ms
  const start = performance.now()
  if (async) {
    while (performance.now() < end) for (let k = 0; k < 50; k++) await fn(n++)
  } else {
    while (performance.now() < end) for (let k = 0; k < 50; k++) fn(n++)
  }
  return ((n * batch) / (performance.now() - start)) * 1000
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function measure(cases) {
  const rates = Object.fromEntries(Object.keys(cases).map((k) => [k, []]))
  for (const c of Object.values(cases)) await slice(c.fn, 50, c.async, c.batch) // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, c] of Object.entries(cases)) {
      if (c.before) await c.before()
      rates[name].push(await slice(c.fn, SLICE_MS, c.async, c.batch))
    }
  }
  return Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, median(v)]))
}

async function benchAlg(f) {
  const jwks = { keys: [f.jwk] }
  const server = await jwksServer(jwks)
  const jwksUrl = `http://127.0.0.1:${server.address().port}/jwks`
  const config = { issuers: [ISSUER], audiences: [AUDIENCE] }
  // Unique tokens: no verified-token cache, as the Rust bench's `verify` row.
  const uncached = new Verifier({ ...config, jwks, tokenCacheEntries: 0 })
  const cached = new Verifier({ ...config, jwks })
  const localSet = jose.createLocalJWKSet(jwks)
  const joseOpts = { issuer: ISSUER, audience: AUDIENCE, algorithms: [f.alg] }
  const verifyOpts = { key: f.publicKey, ...f.opts }
  const floor = (i) => {
    const { input, sig } = f.floorInputs[i % POOL]
    if (!crypto.verify(f.hash, input, verifyOpts, Buffer.from(sig, 'base64url'))) throw new Error('floor')
  }
  const tok = (i) => f.tokens[i % POOL]
  // jwksVerifier has its own verified-token cache: each call gets a token its instance has not
  // seen, so a new instance (whose first call fetches the keys from 127.0.0.1) takes over
  // every POOL - 1 calls; that fetch is part of the row.
  let mcpUse = null
  const freshJwksVerifier = async () => {
    mcpUse = jwksVerifier({ jwksUrl, issuer: ISSUER, audience: AUDIENCE })
    await mcpUse(f.tokens[0])
  }
  await freshJwksVerifier()
  let jvOffset = 1
  const unique = await measure({
    floor: { fn: floor },
    // The core's own Verifier::verify, same verifier, inside the native module: 20 calls
    // per crossing, so the crossing is not part of the row.
    core: { fn: (i) => uncached.benchCore(tok(i), 20), batch: 20 },
    verifySync: { fn: (i) => uncached.verifySync(tok(i)) },
    verify: { fn: (i) => uncached.verify(tok(i)), async: true },
    jwksVerifier: {
      before: async () => { await freshJwksVerifier(); jvOffset = 1 },
      // Each call a token this instance has not seen: 1..POOL-1, then a new instance.
      fn: async (i) => {
        if (jvOffset >= POOL) await freshJwksVerifier(), (jvOffset = 1)
        await mcpUse(f.tokens[jvOffset++])
      },
      async: true,
    },
    jose: { fn: (i) => jose.jwtVerify(tok(i), localSet, joseOpts), async: true },
  })
  const one = f.tokens[0]
  await freshJwksVerifier()
  const repeated = await measure({
    floor: { fn: () => floor(0) },
    core: { fn: () => cached.benchCore(one, 20), batch: 20 },
    verifySync: { fn: () => cached.verifySync(one) },
    verify: { fn: () => cached.verify(one), async: true },
    jwksVerifier: { fn: () => mcpUse(one), async: true },
    jose: { fn: () => jose.jwtVerify(one, localSet, joseOpts), async: true },
  })
  // The first verification of a new verifier, JWKS fetch from 127.0.0.1 included.
  const firstOurs = []
  const firstJose = []
  for (let r = 0; r < 30; r++) {
    let t = performance.now()
    await new Verifier({ ...config, jwksUrl }).verify(f.tokens[r])
    firstOurs.push(performance.now() - t)
    t = performance.now()
    await jose.jwtVerify(f.tokens[r], jose.createRemoteJWKSet(new URL(jwksUrl)), joseOpts)
    firstJose.push(performance.now() - t)
  }
  server.close()
  return { unique, repeated, first: { ours: median(firstOurs), jose: median(firstJose) } }
}

const fmt = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(0))
const ratio = (x) => `${x.toFixed(2)}×`

async function main() {
  console.log(`node ${process.version}, ${MS_PER_CASE} ms per case in ${ROUNDS} rounds; ops/s (median of rounds)\n`)
  const results = {}
  for (const alg of Object.keys(ALGS)) results[alg] = await benchAlg(fixture(alg))
  const cols = ['floor', 'core', 'verifySync', 'verify', 'jwksVerifier', 'jose']
  for (const kind of ['unique', 'repeated']) {
    console.log(`${kind} tokens, ops/s:\n`)
    console.log(`| alg | ${cols.join(' | ')} |`)
    console.log(`|---|${cols.map(() => '---').join('|')}|`)
    for (const [alg, r] of Object.entries(results)) console.log(`| ${alg} | ${cols.map((c) => fmt(r[kind][c])).join(' | ')} |`)
    console.log('')
  }
  console.log('ratios (time per call; unique tokens unless said):\n')
  console.log('| alg | verifySync/floor (≤ 1.0) | verify/floor (≤ 1.1) | verifySync/core (≤ 1.2) | jwksVerifier/floor | jose/verifySync | repeated: jose/verify (≥ 30) | repeated: jose/verifySync | first call with fetch: ours/jose (≤ 1.0) |')
  console.log('|---|---|---|---|---|---|---|---|---|')
  for (const [alg, r] of Object.entries(results)) {
    const u = r.unique
    const p = r.repeated
    console.log(
      `| ${alg} | ${ratio(u.floor / u.verifySync)} | ${ratio(u.floor / u.verify)} | ${ratio(u.core / u.verifySync)} | ${ratio(u.floor / u.jwksVerifier)} | ` +
        `${ratio(u.verifySync / u.jose)} | ${ratio(p.verify / p.jose)} | ${ratio(p.verifySync / p.jose)} | ` +
        `${ratio(r.first.ours / r.first.jose)} (${r.first.ours.toFixed(2)} ms / ${r.first.jose.toFixed(2)} ms) |`,
    )
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
