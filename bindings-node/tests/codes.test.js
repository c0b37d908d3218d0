// The exported error codes against the core's list: codes.d.ts (the `ErrorCode` union) is
// what scripts/gen-codes.js writes from `allErrors()`, and every code is unique.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const { allErrors } = require('..')
const { render, file } = require('../scripts/gen-codes.js')

test('codes.d.ts is generated from the core list (no drift)', () => {
  assert.equal(fs.readFileSync(file, 'utf8'), render(), 'run `node scripts/gen-codes.js`')
})

test('allErrors() lists each code once, with a status and a meaning', () => {
  const codes = allErrors().map((e) => e.code)
  assert.ok(codes.length >= 27)
  assert.equal(new Set(codes).size, codes.length)
  for (const info of allErrors()) {
    assert.match(info.code, /^ERR_[A-Z0-9_]+$/)
    assert.ok(info.httpStatus >= 400 && info.httpStatus < 600, info.code)
    assert.ok(info.description.length > 0, info.code)
  }
  const missing = allErrors().find((e) => e.code === 'ERR_TOKEN_MISSING')
  assert.equal(missing.oauthError ?? null, null)
  assert.equal(allErrors().find((e) => e.code === 'ERR_JWKS_TIMEOUT').httpStatus, 503)
})

test('every union member of codes.d.ts is a core code, and the other way round', () => {
  const text = fs.readFileSync(file, 'utf8')
  const inUnion = [...text.matchAll(/\| '([A-Z0-9_]+)'/g)].map((m) => m[1])
  assert.deepEqual(inUnion, allErrors().map((e) => e.code))
})
