// mcp-use 1.34 with `oauthCustomProvider({ verifyToken: jwksVerifier(…) })`: a real issuer
// (`mcp-bearer serve-issuer`) and the MCP SDK's client over Streamable HTTP.
'use strict'

// mcp-use sends anonymous usage data unless told not to; these tests stay on 127.0.0.1.
process.env.MCP_USE_ANONYMIZED_TELEMETRY = 'false'
// Production mode: no Vite dev server for widgets (it would listen on every interface and
// write `resources/` and `.mcp-use/` into the working directory).
process.env.NODE_ENV = 'production'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const { MCPServer, oauthCustomProvider, text } = require('mcp-use/server')
const { Client } = require('@modelcontextprotocol/sdk/client/index.js')
const { StreamableHTTPClientTransport } = require('@modelcontextprotocol/sdk/client/streamableHttp.js')
const { jwksVerifier } = require('mcp-bearer')
const { startIssuer } = require('./issuer.js')

/** Serves a fetch-style handler on 127.0.0.1 (a free port) with Node's http server. */
async function serveFetch(handler) {
  const server = http.createServer(async (req, res) => {
    try {
      const chunks = []
      for await (const chunk of req) chunks.push(chunk)
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined
      const headers = new Headers()
      for (const [name, value] of Object.entries(req.headers)) headers.set(name, Array.isArray(value) ? value.join(', ') : value)
      const request = new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body })
      const response = await handler(request)
      res.writeHead(response.status, Object.fromEntries(response.headers))
      if (response.body) for await (const chunk of response.body) res.write(chunk)
      res.end()
    } catch (error) {
      res.writeHead(599).end(String(error))
    }
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    base: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(resolve)
      }),
  }
}

async function connect(url, token) {
  const client = new Client({ name: 'mcp-use-test-client', version: '1.0.0' })
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }))
  return client
}

test('mcp-use 1.34 server with jwksVerifier: a valid token calls the tool, bad tokens are refused', { timeout: 60000 }, async () => {
  const issuer = await startIssuer()
  let site
  const clients = []
  try {
    const server = new MCPServer({
      name: 'mcp-use-bearer-test',
      version: '1.0.0',
      host: '127.0.0.1',
      // No session store, so no idle-session timer keeps the test process alive.
      stateless: true,
      oauth: oauthCustomProvider({
        issuer: issuer.issuer,
        jwksUrl: issuer.jwks_uri,
        authEndpoint: `${issuer.issuer}/authorize`,
        tokenEndpoint: issuer.token_endpoint,
        verifyToken: jwksVerifier({ jwksUrl: issuer.jwks_uri, issuer: issuer.issuer, audience: issuer.resource }),
      }),
    })
    server.tool({ name: 'whoami', description: 'The caller, from the verified token' }, async (_params, ctx) =>
      text(JSON.stringify({ sub: ctx.auth.payload.sub, userId: ctx.auth.user.userId })),
    )
    site = await serveFetch(await server.getHandler())
    const url = `${site.base}/mcp`

    const client = await connect(url, await issuer.mint({ sub: 'alice', scope: 'tools:call' }))
    clients.push(client)
    const result = await client.callTool({ name: 'whoami', arguments: {} })
    assert.deepEqual(JSON.parse(result.content[0].text), { sub: 'alice', userId: 'alice' })

    const bad = {
      expired: await issuer.mint({ ttl: -3600 }),
      'wrong audience': await issuer.mint({ aud: 'https://other.example.com/mcp' }),
      tampered: await issuer.mint({ unpublished_key: true }),
      opaque: 'an-opaque-access-token',
    }
    for (const [what, token] of Object.entries(bad)) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
        signal: AbortSignal.timeout(10000),
      })
      assert.equal(response.status, 401, `${what}: ${response.status}`)
      await response.body?.cancel()
      await assert.rejects(connect(url, token).then((c) => clients.push(c)), `${what}: the SDK client is refused`)
    }
  } finally {
    for (const client of clients) await client.close()
    if (site) await site.close()
    await issuer.close()
  }
})
