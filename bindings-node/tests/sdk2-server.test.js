// Express + the MCP TypeScript SDK 2.x split packages (`@modelcontextprotocol/server`,
// `/express`, `/node`, `/client`): `requireBearerAuth({ verifier: createJwtVerifier(…) })` in
// front of a tool served over Streamable HTTP, a real issuer (`mcp-bearer serve-issuer`) and
// the SDK's own client. Run twice: here, with the `errors` option, and in a directory where
// only the 2.x packages are installed, where createJwtVerifier finds the 2.x `OAuthError` itself.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { execFile } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { createRequire } = require('node:module')
const { startIssuer } = require('./issuer.js')
const { post } = require('./support.js')

// A JWE compact serialization (five parts; header {"alg":"RSA-OAEP","enc":"A256GCM"}).
const JWE = `${Buffer.from('{"alg":"RSA-OAEP","enc":"A256GCM"}').toString('base64url')}.a2V5.aXY.Y2lwaGVy.dGFn`

async function startMcpServer(load, issuer, errors) {
  const { createMcpExpressApp, requireBearerAuth } = load('@modelcontextprotocol/express')
  const { NodeStreamableHTTPServerTransport } = load('@modelcontextprotocol/node')
  const { McpServer } = load('@modelcontextprotocol/server')
  const { createJwtVerifier } = load('mcp-bearer')
  const app = createMcpExpressApp()
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  const base = `http://127.0.0.1:${server.address().port}`
  const resourceMetadataUrl = `${base}/.well-known/oauth-protected-resource/mcp`
  const verifier = createJwtVerifier({
    issuer: issuer.issuer,
    jwksUrl: issuer.jwks_uri,
    audience: issuer.resource,
    requiredScopes: ['tools:call'],
    ...(errors ? { errors } : {}),
  })
  const gate = requireBearerAuth({ verifier, resourceMetadataUrl, expectedResource: new URL(issuer.resource) })
  app.post('/mcp', gate, async (req, res) => {
    const mcp = new McpServer({ name: 'bearer-test', version: '1.0.0' })
    mcp.registerTool('whoami', { description: 'The caller, from the verified token' }, async (ctx) => {
      const auth = ctx.http.authInfo
      return { content: [{ type: 'text', text: JSON.stringify({ sub: auth.extra.payload.sub, scopes: auth.scopes }) }] }
    })
    const transport = new NodeStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true })
    res.on('close', () => {
      transport.close()
      mcp.close()
    })
    await mcp.connect(transport)
    await transport.handleRequest(req, res, req.body)
  })
  return {
    url: `${base}/mcp`,
    resourceMetadataUrl,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(resolve)
      }),
  }
}

/**
 * The whole check, with the packages loaded by `load` (this directory's `require`, or one
 * made in an installed application). Throws an AssertionError on any difference.
 */
async function scenario(load, errors) {
  const { Client, StreamableHTTPClientTransport } = load('@modelcontextprotocol/client')
  const issuer = await startIssuer()
  let mcp
  let client
  try {
    mcp = await startMcpServer(load, issuer, errors)
    // A valid token: the SDK's own client over Streamable HTTP.
    const valid = await issuer.mint({ sub: 'alice', scope: 'tools:call' })
    client = new Client({ name: 'bearer-test-client', version: '1.0.0' })
    await client.connect(
      new StreamableHTTPClientTransport(new URL(mcp.url), { requestInit: { headers: { authorization: `Bearer ${valid}` } } }),
    )
    const result = await client.callTool({ name: 'whoami', arguments: {} })
    assert.deepEqual(JSON.parse(result.content[0].text), { sub: 'alice', scopes: ['tools:call'] })

    const refused = {
      expired: await issuer.mint({ scope: 'tools:call', ttl: -3600 }),
      'wrong audience': await issuer.mint({ scope: 'tools:call', aud: 'https://other.example.com/mcp' }),
      tampered: await issuer.mint({ scope: 'tools:call', unpublished_key: true }),
      'unknown kid': await issuer.mint({ scope: 'tools:call', kid: 'no-such-kid' }),
      // mcp-use 2.x's createJwtVerifier requires `sub`; so does this one.
      'no sub': await issuer.mint({ scope: 'tools:call', sub: null }),
      opaque: 'an-opaque-access-token',
      JWE,
    }
    for (const [what, token] of Object.entries(refused)) {
      const answer = await post(mcp.url, token)
      assert.equal(answer.status, 401, `${what}: ${answer.status} ${answer.body}`)
      assert.match(answer.challenge, /^Bearer error="invalid_token"/, what)
      assert.ok(answer.challenge.includes(`resource_metadata="${mcp.resourceMetadataUrl}"`), `${what}: ${answer.challenge}`)
      assert.equal(JSON.parse(answer.body).error, 'invalid_token', what)
    }

    const unscoped = await post(mcp.url, await issuer.mint({ scope: 'tools:read' }))
    assert.equal(unscoped.status, 403, unscoped.body)
    assert.match(unscoped.challenge, /^Bearer error="insufficient_scope"/)
    assert.ok(unscoped.challenge.includes(`resource_metadata="${mcp.resourceMetadataUrl}"`), unscoped.challenge)
    assert.equal(JSON.parse(unscoped.body).error, 'insufficient_scope')
  } finally {
    if (client) await client.close()
    if (mcp) await mcp.close()
    await issuer.close()
  }
}

if (require.main === module) {
  test('MCP SDK 2.x requireBearerAuth + createJwtVerifier (errors: the ES module @modelcontextprotocol/server): the SDK client calls a tool; bad tokens get 401/403, never 500', { timeout: 60000 }, async () => {
    // The ES module copy's OAuthError, while the Express adapter (required here) checks with
    // the CommonJS copy's: 2.x brands its errors, so either copy is recognized.
    await scenario(require, () => import('@modelcontextprotocol/server'))
  })

  test('createJwtVerifier with SDK 2.x classes: OAuthError codes, the core error as cause, a key-fetch outage is server_error (500: the SDK has no 503)', { timeout: 60000 }, async () => {
    const { OAuthError, bearerAuthChallengeResponse } = require('@modelcontextprotocol/server')
    const { createJwtVerifier } = require('mcp-bearer')
    const issuer = await startIssuer()
    let later
    try {
      later = await issuer.mint({ scope: 'tools:call' })
      const verifier = createJwtVerifier({
        issuer: issuer.issuer,
        jwksUrl: issuer.jwks_uri,
        resource: new URL(issuer.resource),
        requiredScopes: ['tools:call'],
        errors: { OAuthError },
      })
      const info = await verifier.verifyAccessToken(await issuer.mint({ sub: 'alice', scope: 'tools:call', client_id: 'c1' }))
      assert.equal(info.clientId, 'c1')
      assert.equal(info.resource.href, issuer.resource)
      assert.equal(info.extra.payload.sub, 'alice')

      await assert.rejects(verifier.verifyAccessToken(await issuer.mint({ scope: 'tools:call', ttl: -3600 })), (error) => {
        assert.ok(error instanceof OAuthError)
        assert.equal(error.code, 'invalid_token')
        assert.equal(error.cause.code, 'ERR_JWT_EXPIRED')
        assert.equal(error.claim, 'exp')
        assert.equal(error.httpStatus, 401)
        assert.deepEqual(error.toResponseObject(), { error: 'invalid_token', error_description: error.message })
        return true
      })
      await assert.rejects(verifier.verifyAccessToken(await issuer.mint({ scope: 'tools:call', sub: null })), (error) => {
        assert.equal(error.code, 'invalid_token')
        assert.equal(error.cause.code, 'ERR_JWT_CLAIM_VALIDATION_FAILED')
        assert.equal(error.claim, 'sub')
        assert.equal(error.reason, 'missing')
        return true
      })
      // Claims the caller requires come on top of `sub`.
      const withEmail = createJwtVerifier({ issuer: issuer.issuer, jwksUrl: issuer.jwks_uri, audience: issuer.resource, requiredClaims: ['email'], errors: { OAuthError } })
      assert.equal((await withEmail.verifyAccessToken(await issuer.mint({ email: 'a@example.com' }))).extra.payload.email, 'a@example.com')
      await assert.rejects(withEmail.verifyAccessToken(await issuer.mint({})), { code: 'invalid_token', claim: 'email' })
      await assert.rejects(withEmail.verifyAccessToken(await issuer.mint({ email: 'a@example.com', sub: null })), { code: 'invalid_token', claim: 'sub' })

      await assert.rejects(verifier.verifyAccessToken(await issuer.mint({ scope: 'tools:read' })), (error) => {
        assert.equal(error.code, 'insufficient_scope')
        assert.deepEqual(error.requiredScopes, ['tools:call'])
        assert.equal(bearerAuthChallengeResponse(error).status, 403)
        return true
      })
    } finally {
      await issuer.close()
    }
    // The issuer is gone: the key fetch fails (the core's 503), which 2.x can only answer 500.
    const down = createJwtVerifier({ issuer: issuer.issuer, jwksUrl: issuer.jwks_uri, audience: issuer.resource, errors: { OAuthError } })
    await assert.rejects(down.verifyAccessToken(later), (error) => {
      assert.ok(error instanceof OAuthError)
      assert.equal(error.code, 'server_error')
      assert.equal(error.httpStatus, 503)
      assert.match(error.cause.code, /^ERR_JWKS_/)
      assert.equal(bearerAuthChallengeResponse(error).status, 500)
      return true
    })
  })

  test('createJwtVerifier finds the 2.x OAuthError itself where only the 2.x packages are installed', { timeout: 60000 }, async (t) => {
    const root = path.join(__dirname, '..')
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
    const nativeFile = 'mcp-bearer.linux-x64-gnu.node'
    if (!fs.existsSync(path.join(root, nativeFile))) {
      t.skip(`needs ${nativeFile} (npm run build:debug)`)
      return
    }
    // An application directory: a copy of this package (its files, the native module linked)
    // and links to the installed 2.x packages, express and nothing of SDK 1.x.
    const app = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-bearer-sdk2-'))
    t.after(() => fs.rmSync(app, { recursive: true, force: true }))
    fs.writeFileSync(path.join(app, 'package.json'), '{"name":"app","version":"1.0.0","private":true}')
    const ours = path.join(app, 'node_modules', 'mcp-bearer')
    for (const file of [...pkg.files, 'package.json']) {
      fs.mkdirSync(path.dirname(path.join(ours, file)), { recursive: true })
      fs.copyFileSync(path.join(root, file), path.join(ours, file))
    }
    fs.symlinkSync(path.join(root, nativeFile), path.join(ours, nativeFile))
    for (const name of ['server', 'express', 'node', 'client', 'core']) {
      fs.mkdirSync(path.join(app, 'node_modules', '@modelcontextprotocol'), { recursive: true })
      fs.symlinkSync(path.join(root, 'node_modules', '@modelcontextprotocol', name), path.join(app, 'node_modules', '@modelcontextprotocol', name), 'dir')
    }
    fs.symlinkSync(path.join(root, 'node_modules', 'express'), path.join(app, 'node_modules', 'express'), 'dir')
    const appRequire = createRequire(path.join(app, 'package.json'))
    const ourRequire = createRequire(path.join(ours, 'peers.js'))
    for (const from of [appRequire, ourRequire]) {
      assert.throws(() => from.resolve('@modelcontextprotocol/sdk/server/auth/errors.js'), { code: 'MODULE_NOT_FOUND' })
    }
    assert.equal(appRequire.resolve('mcp-bearer'), path.join(ours, 'main.js'))

    // The scenario, run by node in the application directory, with no `errors` option.
    const script = `require(${JSON.stringify(__filename)}).scenario(require('node:module').createRequire(${JSON.stringify(path.join(app, 'package.json'))})).then(() => process.stdout.write('passed'), (error) => { console.error(error); process.exitCode = 1 })`
    const { stdout, stderr, code } = await new Promise((resolve) => {
      execFile(process.execPath, ['-e', script], { cwd: app, timeout: 50000 }, (error, out, err) =>
        resolve({ stdout: out, stderr: err, code: error ? error.code : 0 }),
      )
    })
    assert.equal(code, 0, stderr)
    assert.equal(stdout, 'passed', stderr)

    // The ES module entry there: its SDK 1.x `import` finds nothing, so it falls back to 2.x.
    const esm = [
      "import { createJwtVerifier } from 'mcp-bearer'",
      "import { OAuthError } from '@modelcontextprotocol/server'",
      "const verifier = createJwtVerifier({ issuer: 'https://idp.example.com/', jwksUrl: 'http://127.0.0.1:9/jwks', audience: 'https://mcp.example.com/mcp' })",
      'const error = await verifier.verifyAccessToken(\'opaque\').then(() => null, (e) => e)',
      "process.stdout.write(JSON.stringify({ branded: error instanceof OAuthError, code: error.code, cause: error.cause.code }))",
    ].join('\n')
    const answer = await new Promise((resolve) => {
      execFile(process.execPath, ['--input-type=module', '-e', esm], { cwd: app, timeout: 20000 }, (error, out, err) =>
        resolve({ stdout: out, stderr: err, code: error ? error.code : 0 }),
      )
    })
    assert.equal(answer.code, 0, answer.stderr)
    assert.deepEqual(JSON.parse(answer.stdout), { branded: true, code: 'invalid_token', cause: 'ERR_TOKEN_OPAQUE' })
  })
}

module.exports = { scenario }
