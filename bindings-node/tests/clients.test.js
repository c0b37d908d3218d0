// Who the proxy's client is: client id metadata documents served by a Node http server on
// 127.0.0.1 and resolved through the binding (on the libuv pool), registrations sealed into
// their client ids, the consent value, RFC 9207's issuer check, and the proxy metadata.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const {
  ClientMetadataResolver,
  ProxyClient,
  RedirectUriPolicy,
  StateKey,
  authorizationServerMetadata,
  checkAuthorizationResponseIssuer,
  registerClient,
  registerSealedClient,
} = require('..')
const { documentSite, clientDocument } = require('./documents.js')

const SCOPES = ['mcp:tools']

test('a client metadata document on 127.0.0.1, resolved with the loopback opt-in: the document, the consent value, the cache', async (t) => {
  const site = await documentSite({ '/client.json': clientDocument('/client.json') })
  t.after(site.close)
  const documents = new ClientMetadataResolver({ dangerousAllowLoopback: true })
  assert.equal(documents.toJSON().options.dangerousAllowLoopback, true)
  assert.equal(documents.toJSON().options.timeout, 5, 'the core\'s default')
  const clientId = site.url('/client.json')

  const document = await documents.resolve(clientId)
  assert.equal(document.clientId, clientId)
  assert.equal(document.clientName, 'Example MCP Client')
  assert.equal(document.clientUri, 'https://client.example/')
  assert.deepEqual(document.redirectUris, ['http://127.0.0.1/callback', 'https://client.example/cb'])
  assert.equal(document.tokenEndpointAuthMethod, 'none')
  assert.deepEqual(document.grantTypes, ['authorization_code'])
  assert.deepEqual(document.extra, { software_id: 'example' })

  const key = StateKey.generate()
  const client = await ProxyClient.identify(clientId, key, documents)
  assert.equal(site.requests['/client.json'], 1, 'the second resolution is served from the cache (max-age=300)')
  assert.equal(client.clientId, clientId)
  assert.equal(client.document.clientName, 'Example MCP Client')
  assert.equal(client.expiresAt, null)
  const consent = client.authorize('http://127.0.0.1:43110/callback', SCOPES, new RedirectUriPolicy())
  assert.deepEqual({ ...consent }, {
    clientId,
    clientName: 'Example MCP Client',
    clientUri: 'https://client.example/',
    redirectUri: 'http://127.0.0.1:43110/callback',
    verification: 'verified_url',
    scopes: SCOPES,
  })
  assert.equal(client.authorize('https://client.example/cb').redirectUri, 'https://client.example/cb', 'the default policy, no scopes')
  assert.deepEqual(client.authorize('https://client.example/cb').scopes, [])
})

test('client metadata documents: each refusal with its stable code and reason', async (t) => {
  const site = await documentSite({
    '/client.json': clientDocument('/client.json'),
    '/mismatch.json': clientDocument('/mismatch.json', { client_id: 'https://client.example/other.json' }),
    '/secret.json': clientDocument('/secret.json', { client_secret: 's3cret-in-a-public-document' }),
    '/not-json': () => ({ body: 'not json' }),
  })
  t.after(site.close)
  const key = StateKey.generate()
  const loopback = new ClientMetadataResolver({ dangerousAllowLoopback: true })
  const invalidClient = (reason) => (error) => {
    assert.equal(error.name, 'McpBearerError')
    assert.equal(error.code, 'ERR_OAUTH_INVALID_CLIENT')
    assert.equal(error.oauthError, 'invalid_client')
    assert.equal(error.httpStatus, 401)
    assert.equal(error.reason, reason, error.message)
    assert.ok(!error.message.includes('s3cret'), error.message)
    return true
  }

  // The document names another URL as its client_id; a secret in a public document; not JSON.
  await assert.rejects(loopback.resolve(site.url('/mismatch.json')), invalidClient('client_id'))
  await assert.rejects(ProxyClient.identify(site.url('/mismatch.json'), key, loopback), invalidClient('client_id'))
  assert.equal(site.requests['/mismatch.json'], 2, 'a refused document is not cached')
  await assert.rejects(loopback.resolve(site.url('/secret.json')), invalidClient('client_secret'))
  await assert.rejects(loopback.resolve(site.url('/not-json')), invalidClient('document'))
  await assert.rejects(loopback.resolve(site.url('/missing.json')), invalidClient('status'))

  // A redirect URI the document does not list: invalid_request, answered on the proxy's page.
  const client = await ProxyClient.identify(site.url('/client.json'), key, loopback)
  for (const uri of ['https://attacker.example/cb', 'https://client.example/cb/', 'http://127.0.0.1:43110/other']) {
    assert.throws(() => client.authorize(uri, SCOPES), { name: 'McpBearerError', code: 'ERR_INVALID_REQUEST', reason: 'redirect_uri', oauthError: 'invalid_request', httpStatus: 400 }, uri)
  }
  assert.throws(() => client.authorize('javascript:alert(1)', SCOPES), { code: 'ERR_REDIRECT_URI_REJECTED', reason: 'scheme' })

  // Loopback without the opt-in: a plain http id is not a document URL, an https one on a
  // loopback address is refused before any request.
  const strict = new ClientMetadataResolver()
  const before = site.requests['/client.json']
  await assert.rejects(strict.resolve(site.url('/client.json')), invalidClient('client_id_url'))
  await assert.rejects(ProxyClient.identify(site.url('/client.json'), key, strict), invalidClient('client_id_url'))
  const port = new URL(site.origin).port
  await assert.rejects(strict.resolve(`https://127.0.0.1:${port}/client.json`), invalidClient('address'))
  await assert.rejects(strict.resolve(`https://localhost:${port}/client.json`), invalidClient('address'))
  assert.equal(site.requests['/client.json'], before, 'nothing was fetched')

  // Private, link-local and IPv4-mapped addresses: refused, with the opt-in for loopback or not.
  for (const resolver of [strict, loopback]) {
    for (const id of ['https://10.0.0.7/client.json', 'https://192.168.1.2/client.json', 'https://169.254.169.254/latest/meta-data', 'https://[::ffff:a00:7]/client.json', 'https://[fd00::1]/client.json']) {
      await assert.rejects(ProxyClient.identify(id, key, resolver), invalidClient('address'), id)
    }
  }
  const privateNet = new ClientMetadataResolver({ dangerousAllowPrivate: true })
  await assert.rejects(privateNet.resolve('https://169.254.169.254/latest/meta-data'), invalidClient('address'), 'link-local is never allowed')

  // A server that does not accept documents says so; bad options are the core's refusals.
  await assert.rejects(ProxyClient.identify(site.url('/client.json'), key), invalidClient('metadata_document'))
  assert.throws(() => ProxyClient.identifySync(site.url('/client.json'), key), invalidClient('metadata_document'))
  assert.throws(() => new ClientMetadataResolver({ timeout: 0 }), { code: 'ERR_INVALID_CONFIG' })
  assert.throws(() => new ClientMetadataResolver({ allowLoopback: true }), { code: 'ERR_INVALID_CONFIG' })
  assert.throws(() => new ClientMetadataResolver({}, { proxy: 'http://x' }), { code: 'ERR_INVALID_CONFIG' })
  await assert.rejects(ProxyClient.identify('x', key, loopback, -1), { code: 'ERR_INVALID_CONFIG' })
})

test('resolving a document does not block the event loop: a setInterval ticks while the site holds its answer for 1 s', async (t) => {
  const site = await documentSite({ '/slow.json': clientDocument('/slow.json') })
  t.after(site.close)
  const documents = new ClientMetadataResolver({ dangerousAllowLoopback: true })
  const events = []
  let ticks = 0
  let tickWaiter = null
  const interval = setInterval(() => {
    ticks += 1
    if (tickWaiter && ticks >= tickWaiter.count) {
      tickWaiter.resolve()
      tickWaiter = null
    }
  }, 10)
  t.after(() => clearInterval(interval))
  const ticked = (count) => new Promise((resolve) => {
    tickWaiter = { count, resolve }
  })

  // The site answers only after the interval has ticked 5 more times since the request came
  // in, and 1 s has passed: with a blocked event loop it would never answer.
  let release
  const released = new Promise((resolve) => {
    release = resolve
  })
  const arrived = site.hold('/slow.json', released)
  const resolving = documents.resolve(site.url('/slow.json')).then((document) => {
    events.push(`resolved after ${ticks} ticks`)
    return document
  })
  await arrived
  const ticksAtRequest = ticks
  events.push('request arrived')
  await Promise.all([ticked(ticksAtRequest + 5), new Promise((resolve) => setTimeout(resolve, 1000))])
  const ticksAtAnswer = ticks
  events.push('answered')
  release()
  const document = await resolving
  assert.equal(document.clientName, 'Example MCP Client')
  assert.ok(ticksAtAnswer >= ticksAtRequest + 5, `the interval ticked while the document was awaited (${ticksAtRequest} → ${ticksAtAnswer})`)
  assert.deepEqual(events.slice(0, 2), ['request arrived', 'answered'])
  assert.match(events[2], /^resolved after \d+ ticks$/)
})

test('a sealed registration: its own redirect URI accepted, another refused, a tampered id and a foreign key refused', async () => {
  const key = StateKey.generate()
  const policy = new RedirectUriPolicy()
  const now = 1_800_000_000
  const registration = registerSealedClient(
    JSON.stringify({ redirect_uris: ['http://127.0.0.1/callback'], client_name: 'Example MCP Client', client_uri: 'https://client.example/' }),
    key,
    policy,
    undefined,
    now,
  )
  assert.equal(registration.status, 201)
  assert.equal(registration.document.client_id, registration.clientId)
  assert.equal(registration.document.client_id_issued_at, now)
  assert.equal(registration.tokenEndpointAuthMethod, 'none')
  assert.notEqual(registration.clientId, registerSealedClient({ redirect_uris: ['http://127.0.0.1/other'] }, key, policy, undefined, now).clientId, 'each registration is its own client id')

  const client = ProxyClient.identifySync(registration.clientId, key, now + 60)
  assert.deepEqual(client.toJSON(), {
    clientId: registration.clientId,
    clientName: 'Example MCP Client',
    clientUri: 'https://client.example/',
    redirectUris: ['http://127.0.0.1/callback'],
    expiresAt: null,
  })
  assert.equal(client.document, null)
  const consent = client.authorize('http://127.0.0.1:51004/callback', SCOPES, policy)
  assert.deepEqual({ ...consent }, {
    clientId: registration.clientId,
    clientName: 'Example MCP Client',
    clientUri: 'https://client.example/',
    redirectUri: 'http://127.0.0.1:51004/callback',
    verification: 'self_asserted',
    scopes: SCOPES,
  })
  assert.throws(() => client.authorize('https://attacker.example/cb', SCOPES, policy), { code: 'ERR_INVALID_REQUEST', reason: 'redirect_uri', httpStatus: 400 })
  // The Promise form answers for a sealed id too (without the pool: no I/O is needed).
  assert.equal((await ProxyClient.identify(registration.clientId, key, new ClientMetadataResolver(), now)).clientName, 'Example MCP Client')

  const invalidClient = (reason) => ({ name: 'McpBearerError', code: 'ERR_OAUTH_INVALID_CLIENT', oauthError: 'invalid_client', httpStatus: 401, reason })
  const id = registration.clientId
  const dot = id.indexOf('.')
  // Another character in the payload, or in the tag.
  const flip = (i) => `${id.slice(0, i)}${id[i] === 'A' ? 'B' : 'A'}${id.slice(i + 1)}`
  assert.throws(() => ProxyClient.identifySync(flip(3), key, now), invalidClient('signature'))
  assert.throws(() => ProxyClient.identifySync(flip(dot + 3), key, now), invalidClient('signature'))
  await assert.rejects(ProxyClient.identify(flip(3), key, undefined, now), invalidClient('signature'))
  assert.throws(() => ProxyClient.identifySync(id, StateKey.generate(), now), invalidClient('signature'))
  assert.throws(() => ProxyClient.identifySync('mcp-client-at-proxy', key, now), invalidClient('malformed'))

  // A registration that expires, and the pre-registered mode's id, which is not sealed.
  const expiring = registerSealedClient({ redirect_uris: ['https://client.example/cb'] }, key, undefined, { ttl: 3600 }, now)
  assert.equal(ProxyClient.identifySync(expiring.clientId, key, now + 3599).expiresAt, now + 3600)
  assert.throws(() => ProxyClient.identifySync(expiring.clientId, key, now + 3600), invalidClient('expired'))
  assert.throws(() => registerSealedClient({ redirect_uris: ['https://client.example/cb'] }, key, undefined, { ttl: 1 }), { code: 'ERR_INVALID_CONFIG' })
  assert.throws(() => registerSealedClient({ redirect_uris: ['https://client.example/cb'] }, key, undefined, { lifetime: 60 }), { code: 'ERR_INVALID_CONFIG' })
  assert.throws(() => registerSealedClient({ redirect_uris: ['https://client.example/cb'], client_uri: 'javascript:alert(1)' }, key), { code: 'ERR_INVALID_CLIENT_METADATA' })
  assert.throws(() => registerSealedClient({ redirect_uris: ['http://evil.example/cb'] }, key), { code: 'ERR_REDIRECT_URI_REJECTED', reason: 'loopback' })
  assert.throws(() => registerSealedClient({ redirect_uris: [`https://client.example/${'a'.repeat(2100)}`] }, key), { code: 'ERR_INVALID_CLIENT_METADATA' })
  const shared = registerClient({ redirect_uris: ['https://client.example/cb'] }, 'mcp-client-at-proxy')
  assert.throws(() => ProxyClient.identifySync(shared.clientId, key), invalidClient('malformed'))
})

test('RFC 9207: the iss of the upstream\'s redirect is checked, and required when promised', () => {
  const issuer = 'https://accounts.example.com'
  checkAuthorizationResponseIssuer(issuer, issuer, true)
  checkAuthorizationResponseIssuer(issuer, issuer, false)
  checkAuthorizationResponseIssuer(undefined, issuer, false)
  checkAuthorizationResponseIssuer(null, issuer, false)
  for (const [iss, required] of [['https://evil.example.com', false], [`${issuer}/`, true], [undefined, true], [null, true]]) {
    assert.throws(
      () => checkAuthorizationResponseIssuer(iss, issuer, required),
      (error) => {
        assert.equal(error.code, 'ERR_INVALID_REQUEST')
        assert.equal(error.oauthError, 'invalid_request')
        assert.equal(error.reason, 'iss')
        assert.ok(!/ {2}/.test(error.message), `one space between words: ${error.message}`)
        return true
      },
      String(iss),
    )
  }
})

test('the proxy\'s metadata: iss on its redirects by default, client id metadata documents when set', () => {
  const plain = authorizationServerMetadata({ issuer: 'https://mcp.example.com' }).document
  assert.equal(plain.authorization_response_iss_parameter_supported, true)
  assert.equal('client_id_metadata_document_supported' in plain, false)
  const documents = authorizationServerMetadata({ issuer: 'https://mcp.example.com', clientIdMetadataDocumentSupported: true }).document
  assert.equal(documents.client_id_metadata_document_supported, true)
  assert.equal(authorizationServerMetadata({ issuer: 'https://mcp.example.com', authorizationResponseIssParameterSupported: false }).document.authorization_response_iss_parameter_supported, false)
})
