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

test('the user info, OAuth proxy, state and metadata API is exported by name', async () => {
  const names = {
    function: [
      'userInfo', 'claimMapping', 'entraIssuers', 'entraAudiences', 'entraTenantFromIssuer', 'supabaseIssuer', 'cognitoIssuer',
      'authorizationUrl', 'tokenRequest', 'parseTokenResponse', 'registerClient',
      'sealState', 'openState', 'checkPkceChallenge', 'verifyPkce', 'randomState', 'randomNonce',
      'protectedResourceMetadata', 'authorizationServerMetadata', 'protectedResourceMetadataUrl', 'authorizationServerMetadataUrl',
      'wwwAuthenticate', 'bearerToken', 'registerSealedClient', 'checkAuthorizationResponseIssuer',
      'HttpRequest', 'TokenResponse', 'UpstreamTokens', 'RedirectUriPolicy', 'StateKey', 'SealedState', 'OpenedState', 'PkceVerifier',
      'ClientMetadataResolver', 'ProxyClient',
    ],
    string: ['SUPABASE_AUDIENCE'],
  }
  for (const [type, list] of Object.entries(names)) {
    for (const name of list) assert.equal(typeof esm[name], type, `${name} is not exported as a ${type}`)
  }
  const { StateKey, sealState, openState, PkceVerifier, wwwAuthenticate } = await import('mcp-bearer')
  const key = StateKey.generate()
  const pkce = PkceVerifier.generate()
  const sealed = sealState({ clientId: 'c', redirectUri: 'http://127.0.0.1/cb', codeChallenge: pkce.challenge, codeChallengeMethod: 'S256' }, key)
  assert.equal(openState(sealed.value, key).state.clientId, 'c')
  assert.equal(wwwAuthenticate({ resourceMetadata: 'https://m/.well-known/oauth-protected-resource' }).status, 401)
})
