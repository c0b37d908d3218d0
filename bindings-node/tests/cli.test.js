// The package's `bin` runs the command line compiled into the native module.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const path = require('node:path')

const bin = path.join(__dirname, '..', 'bin', 'mcp-bearer.js')

test('mcp-bearer keys generate prints a private and a public JWKS', () => {
  const run = spawnSync(process.execPath, [bin, 'keys', 'generate', '--alg', 'ES256'], { encoding: 'utf8' })
  assert.equal(run.status, 0, run.stderr)
  const out = JSON.parse(run.stdout)
  assert.equal(out.private.keys[0].kty, 'EC')
  assert.ok(out.private.keys[0].d, 'the private JWKS has the private key')
  assert.equal(out.public.keys[0].kid, out.private.keys[0].kid)
  assert.equal(out.public.keys[0].d, undefined, 'the public JWKS has no private member')
})

test('usage errors and --version keep the command exit codes', () => {
  const bad = spawnSync(process.execPath, [bin, 'no-such-command'], { encoding: 'utf8' })
  assert.equal(bad.status, 2)
  assert.match(bad.stderr, /no-such-command/)
  const version = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' })
  assert.equal(version.status, 0)
  assert.match(version.stdout, /^mcp-bearer \d+\.\d+\.\d+/)
})
