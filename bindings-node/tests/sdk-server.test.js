// Express + @modelcontextprotocol/sdk 1.x: `requireBearerAuth({ verifier: createJwtVerifier(…) })`
// in front of a tool served over Streamable HTTP, a real issuer (`mcp-bearer serve-issuer`) and
// the SDK's own client.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const express = require('express')
const { McpServer } = require('@modelcontextprotocol/sdk/server/mcp.js')
const { StreamableHTTPServerTransport } = require('@modelcontextprotocol/sdk/server/streamableHttp.js')
const { requireBearerAuth } = require('@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js')
const { Client } = require('@modelcontextprotocol/sdk/client/index.js')
const { StreamableHTTPClientTransport } = require('@modelcontextprotocol/sdk/client/streamableHttp.js')
const { createJwtVerifier } = require('mcp-bearer')
const { startIssuer } = require('./issuer.js')
const { post } = require('./support.js')

// A JWE compact serialization (five parts; header {"alg":"RSA-OAEP","enc":"A256GCM"}).
const JWE = `${Buffer.from('{"alg":"RSA-OAEP","enc":"A256GCM"}').toString('base64url')}.a2V5.aXY.Y2lwaGVy.dGFn`

async function startMcpServer(issuer) {
  const app = express()
  app.use(express.json())
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
  })
  app.post('/mcp', requireBearerAuth({ verifier, resourceMetadataUrl }), async (req, res) => {
    const mcp = new McpServer({ name: 'bearer-test', version: '1.0.0' })
    mcp.registerTool('whoami', { description: 'The caller, from the verified token' }, async (extra) => ({
      content: [{ type: 'text', text: JSON.stringify({ sub: extra.authInfo.extra.payload.sub, scopes: extra.authInfo.scopes }) }],
    }))
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true })
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

test('MCP SDK 1.x requireBearerAuth + createJwtVerifier: the SDK client calls a tool; bad tokens get 401/403, never 500', { timeout: 60000 }, async () => {
  const issuer = await startIssuer()
  const mcp = await startMcpServer(issuer)
  let client
  try {
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
  } finally {
    if (client) await client.close()
    await mcp.close()
    await issuer.close()
  }
})
