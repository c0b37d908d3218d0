// Metadata documents and their well-known URLs, `wwwAuthenticate` for 401, 403 and 400, and
// `bearerToken`; then a resource server on 127.0.0.1 built from them and a `Verifier`,
// called with tokens from `mcp-bearer serve-issuer`.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const {
  Verifier,
  protectedResourceMetadata,
  protectedResourceMetadataUrl,
  authorizationServerMetadata,
  authorizationServerMetadataUrl,
  wwwAuthenticate,
  bearerToken,
} = require('..')
const { startIssuer } = require('./issuer.js')

test('protected-resource metadata: the document\'s JSON and its path-aware well-known URL', () => {
  const minimal = protectedResourceMetadata({ resource: 'https://mcp.example.com/mcp', authorizationServers: ['https://auth.example.com'] })
  assert.equal(minimal.url, 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp')
  assert.deepEqual(minimal.document, {
    resource: 'https://mcp.example.com/mcp',
    authorization_servers: ['https://auth.example.com'],
    bearer_methods_supported: ['header'],
  })
  const full = protectedResourceMetadata({
    resource: 'https://mcp.example.com/',
    authorizationServers: ['https://auth.example.com'],
    scopesSupported: ['tools:read', 'tools:write'],
    resourceName: 'Example MCP',
    resourceDocumentation: 'https://docs.example.com/mcp',
    jwksUri: 'https://mcp.example.com/jwks.json',
    resourcePolicyUri: 'https://example.com/policy',
    resourceTosUri: 'https://example.com/tos',
    extra: { mcp_protocol_version: '2025-06-18' },
  })
  assert.equal(full.url, 'https://mcp.example.com/.well-known/oauth-protected-resource')
  assert.deepEqual(full.document, {
    resource: 'https://mcp.example.com/',
    authorization_servers: ['https://auth.example.com'],
    jwks_uri: 'https://mcp.example.com/jwks.json',
    scopes_supported: ['tools:read', 'tools:write'],
    bearer_methods_supported: ['header'],
    resource_name: 'Example MCP',
    resource_documentation: 'https://docs.example.com/mcp',
    resource_policy_uri: 'https://example.com/policy',
    resource_tos_uri: 'https://example.com/tos',
    mcp_protocol_version: '2025-06-18',
  })
  assert.equal(protectedResourceMetadataUrl('http://127.0.0.1:8000/a/mcp'), 'http://127.0.0.1:8000/.well-known/oauth-protected-resource/a/mcp')
  assert.throws(() => protectedResourceMetadata({ resource: 'http://mcp:8000/mcp', authorizationServers: [] }), { code: 'ERR_INVALID_CONFIG' })
  assert.equal(
    protectedResourceMetadata({ resource: 'http://mcp:8000/mcp', authorizationServers: [], dangerousAllowInsecureHttp: true }).url,
    'http://mcp:8000/.well-known/oauth-protected-resource/mcp',
  )
  assert.throws(() => protectedResourceMetadataUrl('https://mcp.example.com/mcp#x'), { code: 'ERR_INVALID_CONFIG' })
  assert.throws(() => protectedResourceMetadataUrl('ftp://mcp.example.com/'), { code: 'ERR_INVALID_CONFIG' })
  assert.throws(() => protectedResourceMetadata({ resource: 'https://m/', authorizationServers: [], extra: 'x' }), { code: 'ERR_INVALID_CONFIG' })
})

test('authorization-server metadata for the proxy: defaults under the issuer, each member overridable', () => {
  const proxy = authorizationServerMetadata({ issuer: 'https://mcp.example.com' })
  assert.equal(proxy.url, 'https://mcp.example.com/.well-known/oauth-authorization-server')
  assert.deepEqual(proxy.document, {
    issuer: 'https://mcp.example.com',
    authorization_endpoint: 'https://mcp.example.com/authorize',
    token_endpoint: 'https://mcp.example.com/token',
    registration_endpoint: 'https://mcp.example.com/register',
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_methods_supported: ['none'],
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
  })
  const custom = authorizationServerMetadata({
    issuer: 'https://mcp.example.com/tenant1',
    tokenEndpoint: 'https://mcp.example.com/oauth/token',
    revocationEndpoint: 'https://mcp.example.com/oauth/revoke',
    scopesSupported: ['read'],
    authorizationResponseIssParameterSupported: true,
    serviceDocumentation: 'https://docs.example.com',
    clientIdMetadataDocumentSupported: true,
  })
  assert.equal(custom.url, 'https://mcp.example.com/.well-known/oauth-authorization-server/tenant1')
  assert.equal(custom.document.authorization_endpoint, 'https://mcp.example.com/tenant1/authorize')
  assert.equal(custom.document.token_endpoint, 'https://mcp.example.com/oauth/token')
  assert.equal(custom.document.revocation_endpoint, 'https://mcp.example.com/oauth/revoke')
  assert.deepEqual(custom.document.scopes_supported, ['read'])
  assert.equal(custom.document.authorization_response_iss_parameter_supported, true)
  assert.equal(custom.document.client_id_metadata_document_supported, true)
  assert.equal(authorizationServerMetadataUrl('https://idp.example.com/realms/x'), 'https://idp.example.com/.well-known/oauth-authorization-server/realms/x')
  assert.throws(() => authorizationServerMetadataUrl('https://idp.example.com/?tenant=x'), { code: 'ERR_INVALID_CONFIG' })
  assert.throws(() => authorizationServerMetadata({ issuer: 'http://auth:8000' }), { code: 'ERR_INVALID_CONFIG' })
  assert.equal(authorizationServerMetadata({ issuer: 'http://auth:8000', dangerousAllowInsecureHttp: true }).document.token_endpoint, 'http://auth:8000/token')
})

test('wwwAuthenticate: 401 without a token, 401 invalid_token, 403 insufficient_scope, 400 invalid_request', () => {
  const resourceMetadata = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp'
  assert.deepEqual(wwwAuthenticate({ resourceMetadata }), { status: 401, header: `Bearer resource_metadata="${resourceMetadata}"` })

  const verifier = new Verifier({ sharedSecret: 'a shared secret of at least 32 bytes!', issuers: ['https://idp.example.com/'], audiences: ['https://mcp.example.com/mcp'] })
  let opaque
  try {
    verifier.verifySync('opaque-token')
  } catch (error) {
    opaque = error
  }
  assert.equal(opaque.code, 'ERR_TOKEN_OPAQUE')
  const invalid = wwwAuthenticate({ resourceMetadata, error: opaque, realm: 'mcp' })
  assert.equal(invalid.status, 401)
  assert.equal(invalid.header, `Bearer realm="mcp", error="invalid_token", error_description="${opaque.publicDescription}", resource_metadata="${resourceMetadata}"`)

  let scope
  try {
    Verifier.requireScopes({ scopes: ['tools:read'] }, ['tools:read', 'tools:write'])
  } catch (error) {
    scope = error
  }
  const forbidden = wwwAuthenticate({ resourceMetadata, error: scope })
  assert.equal(forbidden.status, 403)
  assert.match(forbidden.header, /^Bearer error="insufficient_scope", error_description="[^"]+", scope="tools:read tools:write", resource_metadata="/)

  let missing
  try {
    bearerToken(undefined)
  } catch (error) {
    missing = error
  }
  assert.deepEqual(wwwAuthenticate({ resourceMetadata, error: missing }), wwwAuthenticate({ resourceMetadata }))
  let malformed
  try {
    bearerToken('Bearer two words')
  } catch (error) {
    malformed = error
  }
  const badRequest = wwwAuthenticate({ resourceMetadata, error: malformed })
  assert.equal(badRequest.status, 400)
  assert.match(badRequest.header, /error="invalid_request"/)

  // A plain record with a code works too (an SDK error createJwtVerifier threw carries it),
  // `scopes` sets the scope attribute, and values cannot break out of the header.
  const record = wwwAuthenticate({ resourceMetadata, error: { code: 'ERR_JWT_EXPIRED' }, scopes: ['tools:read'] })
  assert.equal(record.status, 401)
  assert.match(record.header, /error="invalid_token", error_description="[ -~]+", scope="tools:read"/)
  const escaped = wwwAuthenticate({ resourceMetadata: 'https://m/"x\\y\r\nSet-Cookie: a=b', realm: 'r"' })
  assert.equal(escaped.header, 'Bearer realm="r\\"", resource_metadata="https://m/\\"x\\\\y??Set-Cookie: a=b"')
  assert.throws(() => wwwAuthenticate({ resourceMetadata, error: new Error('not ours') }), { code: 'ERR_INVALID_CONFIG' })
  assert.throws(() => wwwAuthenticate({ resourceMetadata, error: { code: 'ERR_NOPE' } }), { code: 'ERR_INVALID_CONFIG' })
})

test('bearerToken reads the Authorization header and never repeats it in an error', () => {
  assert.equal(bearerToken('Bearer abc.def.ghi'), 'abc.def.ghi')
  assert.equal(bearerToken('bearer   abc=='), 'abc==')
  for (const header of [undefined, null, '', '   ', 'Basic dXNlcjpwYXNz', 'Token abc']) {
    assert.throws(() => bearerToken(header), { code: 'ERR_TOKEN_MISSING', httpStatus: 401 }, String(header))
  }
  for (const header of ['Bearer', 'Bearer two words', 'Bearer "quoted-secret"', 'Bearertoken']) {
    assert.throws(
      () => bearerToken(header),
      (e) => (e.code === 'ERR_INVALID_REQUEST' || e.code === 'ERR_TOKEN_MISSING') && !e.message.includes('quoted-secret') && !e.message.includes('two words'),
      header,
    )
  }
  assert.throws(() => bearerToken('Bearer two words'), { code: 'ERR_INVALID_REQUEST', httpStatus: 400 })
})

test('a resource server built from these answers serve-issuer\'s tokens with 200, 401 and 403 and the challenge', async (t) => {
  const issuer = await startIssuer()
  t.after(issuer.close)
  const verifier = new Verifier({ jwksUrl: issuer.jwks_uri, issuers: [issuer.issuer], audiences: [issuer.resource] })
  let prm
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1')
    if (url.pathname === new URL(prm.url).pathname) {
      res.writeHead(200, { 'content-type': 'application/json' })
      return res.end(JSON.stringify(prm.document))
    }
    try {
      const token = await verifier.verify(bearerToken(req.headers.authorization))
      Verifier.requireScopes(token, (url.searchParams.get('scope') || '').split(' ').filter(Boolean))
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ sub: token.subject }))
    } catch (error) {
      const challenge = wwwAuthenticate({ resourceMetadata: prm.url, error: error.name === 'McpBearerError' ? error : null })
      res.writeHead(challenge.status, { 'www-authenticate': challenge.header })
      res.end()
    }
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise((resolve) => server.close(resolve)))
  const origin = `http://127.0.0.1:${server.address().port}`
  // The audience tokens carry is serve-issuer's resource; this server's metadata names it.
  prm = protectedResourceMetadata({ resource: `${origin}/mcp`, authorizationServers: [issuer.issuer], scopesSupported: ['read', 'write'] })
  const call = (path, token) =>
    fetch(`${origin}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(10000) })

  const metadata = await call(new URL(prm.url).pathname)
  assert.deepEqual(await metadata.json(), prm.document)

  const good = await issuer.mint({ sub: 'alice', scope: 'read' })
  const ok = await call('/mcp', good)
  assert.equal(ok.status, 200)
  assert.deepEqual(await ok.json(), { sub: 'alice' })

  const none = await call('/mcp')
  assert.equal(none.status, 401)
  assert.equal(none.headers.get('www-authenticate'), `Bearer resource_metadata="${prm.url}"`)

  const expired = await call('/mcp', await issuer.mint({ sub: 'alice', ttl: -120 }))
  assert.equal(expired.status, 401)
  assert.match(expired.headers.get('www-authenticate'), /^Bearer error="invalid_token", error_description="[^"]*", resource_metadata="/)

  const wrongAudience = await call('/mcp', await issuer.mint({ sub: 'alice', aud: 'https://other.example.com/' }))
  assert.equal(wrongAudience.status, 401)

  const forbidden = await call('/mcp?scope=write', good)
  assert.equal(forbidden.status, 403)
  assert.match(forbidden.headers.get('www-authenticate'), /error="insufficient_scope", error_description="[^"]*", scope="write", resource_metadata=/)
})
