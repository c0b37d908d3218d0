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
  const names = Object.keys(cjs).filter((n) => !n.startsWith('__'))
  for (const name of names) {
    assert.ok(name in esm, `${name} is not exported to ES modules (index.mjs)`)
    assert.equal(esm.default[name], esm[name], `the default export's ${name} is the named one`)
    // createJwtVerifier differs on purpose: from ES modules its SDK error classes default to
    // the SDK's ES module copy (Node loads separate classes for `import` and `require`).
    if (name !== 'createJwtVerifier') assert.equal(esm[name], cjs[name], `${name} differs between import and require`)
  }
  assert.ok(names.includes('jwksVerifier') && names.includes('createJwtVerifier'))
})

test('from ES modules, createJwtVerifier throws the SDK\'s ES module InvalidTokenError', async () => {
  const { InvalidTokenError } = await import('@modelcontextprotocol/sdk/server/auth/errors.js')
  const verifier = esm.createJwtVerifier({
    issuer: 'https://idp.example.com/',
    jwksUrl: 'http://127.0.0.1:9/jwks',
    audience: 'https://mcp.example.com/mcp',
  })
  await assert.rejects(verifier.verifyAccessToken('opaque'), (error) => error instanceof InvalidTokenError)
})

test('a verifier built from an ES module verifies', () => {
  const v = new Verifier({
    sharedSecret: 'a shared secret of at least 32 bytes!',
    issuers: ['https://idp.example.com/'],
    audiences: ['https://mcp.example.com/mcp'],
  })
  assert.throws(() => v.verifySync('not-a-jwt'), { code: 'ERR_TOKEN_OPAQUE' })
})
