// The shared vectors (tests/vectors/*_cases.json) through the Node binding: each `jwt` case's
// `options` with its `keys` is passed to `new Verifier` as is (snake_case names pass through
// the binding's camelCase conversion unchanged), with the clock fixed at the case's `now`,
// and must give the verdict, code, claim and reason the Rust runner gives, on every path:
// `verifySync`, `verify` (the Promise; the second time a verified-token cache hit) and with
// the token cache off. `jws` cases are skipped: the binding does not expose `verify_jws`.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { Verifier } = require('..')

const dir = path.join(__dirname, '..', '..', 'tests', 'vectors')

function payloadOf(token) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'))
}

function outcome(token, run) {
  try {
    const verified = run()
    return { verdict: 'valid', verified }
  } catch (error) {
    return { verdict: 'invalid', error }
  }
}

async function outcomeAsync(token, run) {
  try {
    return { verdict: 'valid', verified: await run() }
  } catch (error) {
    return { verdict: 'invalid', error }
  }
}

function check(c, got, pathName) {
  const expected = c.expected
  const where = `${c.id} (${pathName})`
  if (got.verdict === 'invalid' && !(got.error && typeof got.error.code === 'string')) {
    assert.fail(`${where}: threw something that is not an McpBearerError: ${got.error}`)
  }
  assert.equal(got.verdict, expected.verdict, `${where}: ${got.error ? got.error.code + ' ' + got.error.message : 'accepted'}`)
  if (expected.verdict === 'invalid') {
    const e = got.error
    assert.equal(e.code, expected.code, `${where}: ${e.message}`)
    assert.ok(e instanceof Error && e.name === 'McpBearerError', where)
    if ('claim' in expected) assert.equal(e.claim, expected.claim, where)
    if ('reason' in expected) assert.equal(e.reason, expected.reason, where)
  } else {
    const v = got.verified
    assert.equal(v.subject ?? null, expected.subject, where)
    assert.deepEqual(v.scopes, expected.scopes, where)
    assert.deepEqual(v.claims, payloadOf(c.token), `${where}: claims are not the payload`)
  }
}

let skipped = 0
for (const file of ['verify_cases.json', 'outside_cases.json']) {
  const doc = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'))
  assert.equal(doc.format, 'mcp-bearer-vectors/2', `${file}: unknown format`)
  for (const c of doc.cases) {
    if (c.layer !== 'jwt') {
      skipped += 1
      continue
    }
    test(`vector ${c.id}`, async () => {
      const config = { ...c.options, ...c.keys }
      let cached, uncached
      try {
        cached = new Verifier(config, { now: c.now })
        uncached = new Verifier({ ...config, token_cache_entries: 0 }, { now: c.now })
      } catch (error) {
        check(c, { verdict: 'invalid', error }, 'construction')
        return
      }
      check(c, outcome(c.token, () => cached.verifySync(c.token)), 'verifySync')
      check(c, await outcomeAsync(c.token, () => cached.verify(c.token)), 'verify, cache hit')
      check(c, await outcomeAsync(c.token, () => uncached.verify(c.token)), 'verify, cache off')
      check(c, outcome(c.token, () => uncached.verifySync(c.token)), 'verifySync, cache off')
    })
  }
}

test('vectors: the jws cases are the only ones skipped', () => {
  // verify_jws is not part of the Node API; the Rust runner covers these.
  assert.ok(skipped > 0)
  console.log(`# skipped ${skipped} jws-layer vectors (no verify_jws in the Node API)`)
})
