// The package imports from ES modules and from CommonJS, with the same exports.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import * as esm from 'mcp-bearer'
import { Verifier, allErrors, runCli } from 'mcp-bearer'

const require = createRequire(import.meta.url)

test('import and require give the same bindings', () => {
  const cjs = require('mcp-bearer')
  assert.equal(Verifier, cjs.Verifier)
  assert.equal(allErrors, cjs.allErrors)
  assert.equal(runCli, cjs.runCli)
  assert.equal(esm.default, cjs)
  const names = Object.keys(cjs).filter((n) => !n.startsWith('__'))
  for (const name of names) {
    assert.equal(esm[name], cjs[name], `${name} is not exported to ES modules (index.mjs)`)
  }
})

test('a verifier built from an ES module verifies', () => {
  const v = new Verifier({
    sharedSecret: 'a shared secret of at least 32 bytes!',
    issuers: ['https://idp.example.com/'],
    audiences: ['https://mcp.example.com/mcp'],
  })
  assert.throws(() => v.verifySync('not-a-jwt'), { code: 'ERR_TOKEN_OPAQUE' })
})
