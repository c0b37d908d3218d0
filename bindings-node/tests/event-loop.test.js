// A slow JWKS endpoint (2 s) and a burst of 200 verifications with a kid the verifier has not
// seen: the event loop keeps running, the burst shares one fetch, and that fetch parks at most
// one libuv pool thread (the other pool jobs still run while it waits).
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const http = require('node:http')
const { Verifier } = require('..')
const { ISSUER, AUDIENCE, es256Key, sign } = require('./support.js')

const DELAY_MS = 2000

/** Serves `{ keys }` DELAY_MS after each request; `answeredAt` is set when the body is sent. */
async function slowJwksServer(keys) {
  const state = { requests: 0, answered: false }
  const server = http.createServer((req, res) => {
    state.requests += 1
    setTimeout(() => {
      state.answered = true
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ keys: keys.map((k) => k.jwk) }))
    }, DELAY_MS)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.url = `http://127.0.0.1:${server.address().port}/jwks`
  state.close = () => new Promise((resolve) => server.close(resolve))
  return state
}

test('a 2 s key fetch blocks neither the event loop nor more than one pool thread', async (t) => {
  // The pool claim below holds for libuv's default of 4 threads.
  if ((process.env.UV_THREADPOOL_SIZE ?? '4') !== '4') {
    t.skip(`UV_THREADPOOL_SIZE is ${process.env.UV_THREADPOOL_SIZE}, not the default 4`)
    return
  }
  const key = es256Key('k-new')
  const server = await slowJwksServer([key])
  t.after(server.close)
  const verifier = new Verifier({ jwksUrl: server.url, issuers: [ISSUER], audiences: [AUDIENCE] })
  const tokens = Array.from({ length: 200 }, (_, i) => sign(key, { sub: `user-${i}` }))

  let ticks = 0
  const timer = setInterval(() => {
    if (!server.answered) ticks += 1
  }, 10)
  t.after(() => clearInterval(timer))

  const burst = Promise.all(tokens.map((token) => verifier.verify(token)))

  // Three pool jobs started while the fetch waits. With 4 pool threads they can all run only
  // if the burst holds at most one thread; each records whether the JWKS had been answered.
  const poolJobs = [1, 2, 3].map(
    (i) =>
      new Promise((resolve, reject) => {
        crypto.pbkdf2(`secret-${i}`, 'salt', 1000, 32, 'sha256', (err) => {
          if (err) reject(err)
          else resolve(server.answered)
        })
      }),
  )
  const answeredBeforeJobs = await Promise.all(poolJobs)
  assert.deepEqual(answeredBeforeJobs, [false, false, false], 'the pool jobs finished while the fetch was still waiting')

  const results = await burst
  assert.deepEqual(results.map((r) => r.subject), tokens.map((_, i) => `user-${i}`))
  assert.equal(server.requests, 1, 'one fetch for the whole burst')
  // Bound: a 10 ms interval over the 2 s wait ticks about 200 times on a free loop; 50 leaves
  // a wide margin for a slow machine, while a loop blocked for the whole wait ticks at most once.
  assert.ok(ticks >= 50, `the interval ticked only ${ticks} times during the 2 s wait`)
})
