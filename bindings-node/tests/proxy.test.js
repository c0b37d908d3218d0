// The OAuth proxy builders over real HTTP: an OAuth proxy written with the package's functions
// runs on 127.0.0.1 in front of `mcp-bearer serve-issuer` (the upstream), and an MCP client
// (fetch) registers, authorizes and comes back through it; token requests are sent to the
// issuer with fetch, their answers parsed, and the access token verified by a `Verifier`. The
// same proxy with identified clients (sealed registrations, client id metadata documents)
// shows a consent page built from `ProxyClient#authorize`.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const http = require('node:http')
const {
  ClientMetadataResolver,
  ProxyClient,
  Verifier,
  StateKey,
  PkceVerifier,
  RedirectUriPolicy,
  UpstreamTokens,
  authorizationServerMetadata,
  authorizationServerMetadataUrl,
  authorizationUrl,
  checkAuthorizationResponseIssuer,
  openState,
  parseTokenResponse,
  randomState,
  registerClient,
  registerSealedClient,
  sealState,
  tokenRequest,
  userInfo,
  verifyPkce,
} = require('..')
const { startIssuer } = require('./issuer.js')
const { documentSite, clientDocument } = require('./documents.js')

const UPSTREAM_CLIENT = 'proxy-at-upstream'
const PROXY_CLIENT = 'mcp-client-at-proxy'

function s256(text) {
  return crypto.createHash('sha256').update(text).digest('base64url')
}

/** Sends a built request with fetch and parses the answer as a token response. */
async function send(request) {
  const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal: AbortSignal.timeout(10000) })
  return parseTokenResponse({ status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() })
}

/**
 * An OAuth proxy in front of `upstream`, built only from the package's functions. With
 * `identified`, its clients are identified (`registerSealedClient`, and client id metadata
 * documents resolved by `documents`) and `/authorize` answers with a consent page: the
 * `Consent` value and the upstream URL the user's approval leads to.
 */
async function startProxy(upstream, { identified = false, documents } = {}) {
  const key = StateKey.generate()
  const policy = new RedirectUriPolicy()
  const registered = new Map()
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, proxy.issuer)
    const chunks = []
    for await (const chunk of req) chunks.push(chunk)
    const body = Buffer.concat(chunks)
    const json = (status, value) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(value))
    }
    const redirect = (location) => {
      res.writeHead(302, { location })
      res.end()
    }
    const refuse = (error) => json(error.httpStatus, { error: error.oauthError, error_description: error.publicDescription, code: error.code })
    try {
      if (req.method === 'GET' && url.pathname === '/.well-known/oauth-authorization-server') {
        return json(200, proxy.metadata.document)
      }
      if (req.method === 'POST' && url.pathname === '/register' && identified) {
        const registration = registerSealedClient(body, key, policy)
        return json(registration.status, registration.document)
      }
      if (req.method === 'POST' && url.pathname === '/register') {
        const registration = registerClient(body, PROXY_CLIENT, policy)
        registered.set(registration.clientId, registration.redirectUris)
        return json(registration.status, registration.document)
      }
      if (req.method === 'GET' && url.pathname === '/authorize') {
        const q = url.searchParams
        const redirectUri = q.get('redirect_uri')
        const scopes = (q.get('scope') || '').split(' ').filter(Boolean)
        let consent = null
        if (identified) {
          const client = await ProxyClient.identify(q.get('client_id'), key, documents)
          consent = client.authorize(redirectUri, scopes, policy)
        } else {
          policy.check(redirectUri)
          const known = registered.get(q.get('client_id')) || []
          if (!known.some((r) => RedirectUriPolicy.matchesRegistered(r, redirectUri))) {
            return json(400, { error: 'invalid_request', error_description: 'unregistered redirect_uri' })
          }
        }
        const resources = q.getAll('resource')
        const sealed = sealState(
          {
            clientId: q.get('client_id'),
            redirectUri,
            clientState: q.get('state') ?? undefined,
            codeChallenge: q.get('code_challenge'),
            codeChallengeMethod: q.get('code_challenge_method') ?? undefined,
            scopes,
            resources,
          },
          key,
          { ttl: 300 },
        )
        const upstreamUrl = authorizationUrl({
          authorizationEndpoint: `${upstream.issuer}/authorize`,
          clientId: UPSTREAM_CLIENT,
          redirectUri: `${proxy.issuer}/callback`,
          state: sealed.value,
          scopes,
          codeChallenge: sealed.upstreamCodeChallenge,
          nonce: sealed.upstreamNonce,
          resources,
          extraParams: { prompt: 'consent' },
        })
        // The consent page: who asks, for what, and where the approval leads.
        return consent ? json(200, { consent, approve: upstreamUrl }) : redirect(upstreamUrl)
      }
      if (req.method === 'GET' && url.pathname === '/callback') {
        // RFC 9207: an iss on the upstream's redirect must be the upstream's (serve-issuer's
        // metadata does not promise one, so it may be missing).
        checkAuthorizationResponseIssuer(url.searchParams.get('iss'), upstream.issuer, false)
        const opened = openState(url.searchParams.get('state') || '', key)
        const request = tokenRequest({
          tokenEndpoint: upstream.token_endpoint,
          clientId: UPSTREAM_CLIENT,
          grant: {
            grantType: 'authorization_code',
            code: url.searchParams.get('code') || '',
            redirectUri: `${proxy.issuer}/callback`,
            codeVerifier: opened.upstreamPkceVerifier(),
          },
        })
        proxy.lastUpstreamBody = new URLSearchParams(request.body)
        try {
          const tokens = await send(request)
          return redirect(opened.clientRedirectUrl(`proxy-code-for-${tokens.tokenType}`, proxy.issuer))
        } catch (error) {
          proxy.lastUpstreamError = error
          return redirect(opened.clientErrorRedirectUrl(error.upstreamError || 'server_error', error.upstreamErrorDescription ?? undefined, proxy.issuer))
        }
      }
      json(404, { error: 'not_found' })
    } catch (error) {
      if (error && error.name === 'McpBearerError') return refuse(error)
      json(500, { error: 'server_error', error_description: String(error) })
    }
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const proxy = {
    issuer: `http://127.0.0.1:${server.address().port}`,
    key,
    close: () => new Promise((resolve) => server.close(resolve)),
  }
  proxy.metadata = authorizationServerMetadata({ issuer: proxy.issuer, scopesSupported: ['read', 'write'], clientIdMetadataDocumentSupported: identified || undefined })
  return proxy
}

test('proxy round trip: metadata, registration, authorize with sealed state and PKCE, the upstream code exchange relayed back to the client', async (t) => {
  const upstream = await startIssuer()
  t.after(upstream.close)
  const proxy = await startProxy(upstream)
  t.after(proxy.close)
  const timeout = () => AbortSignal.timeout(10000)

  // 1. The client finds the proxy's metadata at its well-known URL.
  const metadataUrl = authorizationServerMetadataUrl(proxy.issuer)
  assert.equal(metadataUrl, `${proxy.issuer}/.well-known/oauth-authorization-server`)
  const metadata = await (await fetch(metadataUrl, { signal: timeout() })).json()
  assert.equal(metadata.authorization_endpoint, `${proxy.issuer}/authorize`)
  assert.equal(metadata.registration_endpoint, `${proxy.issuer}/register`)
  assert.deepEqual(metadata.code_challenge_methods_supported, ['S256'])

  // 2. It registers (RFC 7591).
  const clientRedirect = 'http://127.0.0.1:33418/oauth/callback'
  const registration = await fetch(metadata.registration_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ redirect_uris: [clientRedirect], client_name: 'Test client' }),
    signal: timeout(),
  })
  assert.equal(registration.status, 201)
  const client = await registration.json()
  assert.equal(client.client_id, PROXY_CLIENT)
  assert.equal(client.token_endpoint_auth_method, 'none')
  assert.equal(client.client_name, 'Test client')

  // 3. It authorizes with PKCE; the proxy seals the request and sends the browser upstream.
  const pkce = PkceVerifier.generate()
  const clientState = randomState()
  const authorize = new URL(metadata.authorization_endpoint)
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.client_id,
    // The loopback port may differ from the registered one (RFC 8252 §7.3).
    redirect_uri: 'http://127.0.0.1:40001/oauth/callback',
    state: clientState,
    code_challenge: pkce.challenge,
    code_challenge_method: pkce.method,
    scope: 'read',
    resource: upstream.resource,
  }).toString()
  const toUpstream = await fetch(authorize, { redirect: 'manual', signal: timeout() })
  assert.equal(toUpstream.status, 302)
  const upstreamUrl = new URL(toUpstream.headers.get('location'))
  assert.equal(`${upstreamUrl.origin}${upstreamUrl.pathname}`, `${upstream.issuer}/authorize`)
  const p = upstreamUrl.searchParams
  assert.equal(p.get('response_type'), 'code')
  assert.equal(p.get('client_id'), UPSTREAM_CLIENT)
  assert.equal(p.get('redirect_uri'), `${proxy.issuer}/callback`)
  assert.equal(p.get('scope'), 'read')
  assert.equal(p.get('resource'), upstream.resource)
  assert.equal(p.get('code_challenge_method'), 'S256')
  assert.equal(p.get('prompt'), 'consent')
  assert.match(p.get('nonce'), /^[A-Za-z0-9_-]{43}$/)
  // The sealed state carries the client's request, and the upstream verifier is derived from
  // it: the challenge in the URL is the S256 of the verifier the proxy will send.
  const opened = openState(p.get('state'), proxy.key)
  assert.equal(opened.state.clientState, clientState)
  assert.equal(opened.state.codeChallenge, pkce.challenge)
  assert.deepEqual(opened.state.resources, [upstream.resource])
  assert.equal(opened.upstreamNonce, p.get('nonce'))
  assert.equal(s256(opened.upstreamPkceVerifier()), p.get('code_challenge'))
  verifyPkce(p.get('code_challenge'), opened.upstreamPkceVerifier())

  // serve-issuer has no authorization endpoint (it issues tokens from claims or
  // client_credentials), so the upstream's redirect back to the proxy is made here.
  const atUpstream = await fetch(upstreamUrl, { redirect: 'manual', signal: timeout() })
  assert.equal(atUpstream.status, 404)
  await atUpstream.body?.cancel()

  // 4. The callback: the proxy opens the state and redeems the code upstream with the derived
  // verifier. serve-issuer refuses the authorization_code grant: the OAuth error is relayed
  // to the client's redirect URI with its state and the proxy's issuer (RFC 9207).
  const callback = new URL(`${proxy.issuer}/callback`)
  callback.search = new URLSearchParams({ code: 'upstream-code-123', state: p.get('state') }).toString()
  const back = await fetch(callback, { redirect: 'manual', signal: timeout() })
  assert.equal(back.status, 302)
  assert.equal(proxy.lastUpstreamBody.get('grant_type'), 'authorization_code')
  assert.equal(proxy.lastUpstreamBody.get('code'), 'upstream-code-123')
  assert.equal(proxy.lastUpstreamBody.get('client_id'), UPSTREAM_CLIENT)
  assert.equal(s256(proxy.lastUpstreamBody.get('code_verifier')), p.get('code_challenge'))
  assert.equal(proxy.lastUpstreamError.code, 'ERR_OAUTH_UPSTREAM')
  assert.equal(proxy.lastUpstreamError.httpStatus, 400)
  assert.equal(proxy.lastUpstreamError.upstreamError, 'invalid_request')
  const toClient = new URL(back.headers.get('location'))
  assert.equal(`${toClient.origin}${toClient.pathname}`, 'http://127.0.0.1:40001/oauth/callback')
  assert.equal(toClient.searchParams.get('error'), 'invalid_request')
  assert.match(toClient.searchParams.get('error_description'), /unsupported grant_type/)
  assert.equal(toClient.searchParams.get('state'), clientState)
  assert.equal(toClient.searchParams.get('iss'), proxy.issuer)

  // The success redirect of the same state, and the client's verifier checked against the
  // challenge it sent.
  const success = new URL(opened.clientRedirectUrl('proxy-code', proxy.issuer))
  assert.equal(success.searchParams.get('code'), 'proxy-code')
  assert.equal(success.searchParams.get('state'), clientState)
  verifyPkce(opened.state.codeChallenge, pkce.expose())
  assert.throws(() => verifyPkce(opened.state.codeChallenge, PkceVerifier.generate().expose()), { code: 'ERR_OAUTH_INVALID_GRANT' })

  // A state altered on the way back is refused by the proxy with the stable code.
  const tampered = new URL(`${proxy.issuer}/callback`)
  tampered.search = new URLSearchParams({ code: 'x', state: `${p.get('state').slice(0, -2)}AA` }).toString()
  const refused = await fetch(tampered, { redirect: 'manual', signal: timeout() })
  assert.equal(refused.status, 400)
  assert.equal((await refused.json()).code, 'ERR_OAUTH_STATE_INVALID')

  // An unregistered or refused redirect URI never reaches the upstream.
  authorize.searchParams.set('redirect_uri', 'javascript:alert(1)')
  const bad = await fetch(authorize, { redirect: 'manual', signal: timeout() })
  assert.equal(bad.status, 400)
  assert.equal((await bad.json()).code, 'ERR_REDIRECT_URI_REJECTED')
})

test('identified clients through the proxy: a sealed registration and a client id metadata document, each on a consent page before the upstream; a mixed-up iss refused at the callback', async (t) => {
  const upstream = await startIssuer()
  t.after(upstream.close)
  const site = await documentSite({ '/client.json': clientDocument('/client.json') })
  t.after(site.close)
  // The document is on 127.0.0.1 here: the loopback opt-in.
  const documents = new ClientMetadataResolver({ dangerousAllowLoopback: true })
  const proxy = await startProxy(upstream, { identified: true, documents })
  t.after(proxy.close)
  const timeout = () => AbortSignal.timeout(10000)

  const metadata = await (await fetch(authorizationServerMetadataUrl(proxy.issuer), { signal: timeout() })).json()
  assert.equal(metadata.client_id_metadata_document_supported, true)
  assert.equal(metadata.authorization_response_iss_parameter_supported, true)

  const pkce = PkceVerifier.generate()
  const authorizeUrl = (clientId, redirectUri) => {
    const url = new URL(metadata.authorization_endpoint)
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      state: 'client-state',
      code_challenge: pkce.challenge,
      code_challenge_method: pkce.method,
      scope: 'read',
    }).toString()
    return url
  }
  const authorize = async (clientId, redirectUri) => {
    const response = await fetch(authorizeUrl(clientId, redirectUri), { redirect: 'manual', signal: timeout() })
    return { status: response.status, body: await response.json() }
  }

  // 1. A client that registers gets a client id of its own, sealed with its redirect URIs.
  const registration = await fetch(metadata.registration_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:33418/oauth/callback'], client_name: 'Test client' }),
    signal: timeout(),
  })
  assert.equal(registration.status, 201)
  const registered = await registration.json()
  assert.notEqual(registered.client_id, PROXY_CLIENT)

  // Its own redirect URI (another loopback port): the consent page, self-asserted.
  const page = await authorize(registered.client_id, 'http://127.0.0.1:40001/oauth/callback')
  assert.equal(page.status, 200)
  assert.deepEqual(page.body.consent, {
    clientId: registered.client_id,
    clientName: 'Test client',
    redirectUri: 'http://127.0.0.1:40001/oauth/callback',
    verification: 'self_asserted',
    scopes: ['read'],
  })
  // Approving leads upstream, with the request sealed in the state.
  const approve = new URL(page.body.approve)
  assert.equal(`${approve.origin}${approve.pathname}`, `${upstream.issuer}/authorize`)
  const state = approve.searchParams.get('state')
  assert.equal(openState(state, proxy.key).state.clientId, registered.client_id)

  // Another redirect URI, or an altered client id: refused on the proxy's own page.
  const other = await authorize(registered.client_id, 'https://attacker.example/cb')
  assert.equal(other.status, 400)
  assert.equal(other.body.code, 'ERR_INVALID_REQUEST')
  assert.equal(other.body.error, 'invalid_request')
  const altered = `${registered.client_id.slice(0, 5)}${registered.client_id[5] === 'A' ? 'B' : 'A'}${registered.client_id.slice(6)}`
  const forged = await authorize(altered, 'http://127.0.0.1:40001/oauth/callback')
  assert.equal(forged.status, 401)
  assert.equal(forged.body.code, 'ERR_OAUTH_INVALID_CLIENT')
  assert.equal(forged.body.error, 'invalid_client')

  // 2. A client identified by its metadata document: the consent page says verified_url.
  const documentId = site.url('/client.json')
  const verified = await authorize(documentId, 'http://127.0.0.1:43110/callback')
  assert.equal(verified.status, 200)
  assert.deepEqual(verified.body.consent, {
    clientId: documentId,
    clientName: 'Example MCP Client',
    clientUri: 'https://client.example/',
    redirectUri: 'http://127.0.0.1:43110/callback',
    verification: 'verified_url',
    scopes: ['read'],
  })
  const unlisted = await authorize(documentId, 'https://attacker.example/cb')
  assert.equal(unlisted.status, 400)
  assert.equal(unlisted.body.code, 'ERR_INVALID_REQUEST')
  const mismatched = await authorize(site.url('/unknown.json'), 'http://127.0.0.1:43110/callback')
  assert.equal(mismatched.status, 401)
  assert.equal(mismatched.body.code, 'ERR_OAUTH_INVALID_CLIENT')
  assert.equal(site.requests['/client.json'], 1, 'the document was fetched once, then cached')

  // 3. The callback: an iss that is not the upstream's is refused before any code exchange;
  // the upstream's own iss goes through to the exchange (which serve-issuer refuses, relayed).
  const callback = (iss) => {
    const url = new URL(`${proxy.issuer}/callback`)
    url.search = new URLSearchParams({ code: 'upstream-code', state, iss }).toString()
    return fetch(url, { redirect: 'manual', signal: timeout() })
  }
  const mixedUp = await callback('https://other-idp.example.com')
  assert.equal(mixedUp.status, 400)
  assert.equal((await mixedUp.json()).code, 'ERR_INVALID_REQUEST')
  assert.equal(proxy.lastUpstreamBody, undefined, 'no code was sent upstream')
  const back = await callback(upstream.issuer)
  assert.equal(back.status, 302)
  assert.equal(proxy.lastUpstreamBody.get('code'), 'upstream-code')
  const toClient = new URL(back.headers.get('location'))
  assert.equal(`${toClient.origin}${toClient.pathname}`, 'http://127.0.0.1:40001/oauth/callback')
  assert.equal(toClient.searchParams.get('state'), 'client-state')
  assert.equal(toClient.searchParams.get('iss'), proxy.issuer)
})

test('a token request sent to serve-issuer with fetch, its response parsed, the access token verified', async (t) => {
  const upstream = await startIssuer()
  t.after(upstream.close)
  const request = tokenRequest({
    tokenEndpoint: upstream.token_endpoint,
    clientId: 'tool-server',
    clientAuth: { method: 'client_secret_post', clientSecret: 'a-client-secret' },
    grant: { grantType: 'client_credentials', scopes: ['read', 'write'] },
    resources: [upstream.resource],
  })
  assert.equal(request.method, 'POST')
  assert.equal(request.url, upstream.token_endpoint)
  assert.equal(request.headers['Content-Type'], 'application/x-www-form-urlencoded')
  const form = new URLSearchParams(request.body)
  assert.equal(form.get('grant_type'), 'client_credentials')
  assert.equal(form.get('client_secret'), 'a-client-secret')
  assert.equal(form.get('resource'), upstream.resource)

  // The request object itself is what fetch takes.
  const response = await fetch(request.url, request)
  assert.equal(response.status, 200)
  const tokens = parseTokenResponse({ status: response.status, headers: Object.fromEntries(response.headers), body: Buffer.from(await response.arrayBuffer()) })
  assert.equal(tokens.tokenType, 'Bearer')
  assert.equal(tokens.expiresIn, 300)
  assert.equal(tokens.refreshToken, null)
  assert.equal(typeof tokens.extra.kid, 'string')
  const now = Math.floor(Date.now() / 1000)
  assert.equal(tokens.expiresAt(now), now + 300)
  assert.equal(JSON.parse(tokens.toResponseBody()).access_token, tokens.accessToken)

  const verifier = new Verifier({ jwksUrl: upstream.jwks_uri, issuers: [upstream.issuer], audiences: [upstream.resource] })
  const verified = await verifier.verify(tokens.accessToken)
  assert.equal(verified.subject, 'tool-server')
  assert.equal(verified.clientId, 'tool-server')
  assert.deepEqual(verified.scopes, ['read', 'write'])
  assert.equal(verified.audience, upstream.resource)
  assert.equal(userInfo(verified.claims).clientId, 'tool-server')

  // The upstream token set: no refresh token was issued, so there is nothing to refresh.
  const set = UpstreamTokens.fromResponse(tokens, now)
  assert.equal(set.accessToken, tokens.accessToken)
  assert.equal(set.expiresAt, now + 300)
  assert.equal(set.needsRefresh(now + 299), false)
  assert.throws(() => set.refreshRequest({ tokenEndpoint: upstream.token_endpoint, clientId: 'tool-server' }), { code: 'ERR_INVALID_REQUEST' })
})

test('refresh and token-exchange requests: their forms, and serve-issuer\'s refusal relayed as ERR_OAUTH_UPSTREAM', async (t) => {
  const upstream = await startIssuer()
  t.after(upstream.close)
  const refresh = tokenRequest({
    tokenEndpoint: upstream.token_endpoint,
    clientId: 'app',
    clientAuth: { method: 'client_secret_basic', clientSecret: 's3cret:with%' },
    grant: { grantType: 'refresh_token', refreshToken: 'rt-1', scopes: ['read'] },
  })
  const refreshForm = new URLSearchParams(refresh.body)
  assert.equal(refreshForm.get('grant_type'), 'refresh_token')
  assert.equal(refreshForm.get('refresh_token'), 'rt-1')
  assert.equal(refreshForm.get('scope'), 'read')
  assert.equal(refreshForm.get('client_id'), null, 'client_secret_basic sends the id in the header')
  // RFC 6749 §2.3.1: id and secret form-encoded before base64.
  assert.equal(refresh.headers.Authorization, `Basic ${Buffer.from('app:s3cret%3Awith%25').toString('base64')}`)

  const exchange = tokenRequest({
    tokenEndpoint: upstream.token_endpoint,
    clientId: 'app',
    grant: {
      grantType: 'token_exchange',
      subjectToken: 'subject-jwt',
      actorToken: 'actor-jwt',
      actorTokenType: 'urn:ietf:params:oauth:token-type:jwt',
      audiences: ['downstream-api'],
      scopes: ['read'],
    },
  })
  const exchangeForm = new URLSearchParams(exchange.body)
  assert.equal(exchangeForm.get('grant_type'), 'urn:ietf:params:oauth:grant-type:token-exchange')
  assert.equal(exchangeForm.get('subject_token_type'), 'urn:ietf:params:oauth:token-type:access_token')
  assert.equal(exchangeForm.get('actor_token'), 'actor-jwt')
  assert.equal(exchangeForm.get('audience'), 'downstream-api')

  for (const request of [refresh, exchange]) {
    await assert.rejects(send(request), (error) => {
      assert.equal(error.name, 'McpBearerError')
      assert.equal(error.code, 'ERR_OAUTH_UPSTREAM')
      assert.equal(error.httpStatus, 400)
      assert.equal(error.upstreamError, 'invalid_request')
      assert.match(error.upstreamErrorDescription, /unsupported grant_type/)
      return true
    })
  }
})

test('token responses: GitHub\'s form encoding, errors without an OAuth body, and bodies that are not token responses', () => {
  const github = parseTokenResponse({
    status: 200,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'access_token=gho_16C7e42F292c6912E7710c838347Ae178B4a&scope=repo%2Cgist&token_type=bearer',
  })
  assert.equal(github.tokenType, 'bearer')
  assert.deepEqual(github.scopes, ['repo', 'gist'])
  const withRefresh = parseTokenResponse({
    status: 200,
    body: JSON.stringify({ access_token: 'at', refresh_token: 'rt', id_token: 'it', expires_in: '3600', scope: 'a b', custom: 1 }),
  })
  assert.equal(withRefresh.refreshToken, 'rt')
  assert.equal(withRefresh.idToken, 'it')
  assert.equal(withRefresh.expiresIn, 3600)
  assert.deepEqual(withRefresh.extra, { custom: 1 })
  const set = UpstreamTokens.fromResponse(withRefresh, 1000)
  assert.equal(set.needsRefresh(4550), true, 'within the default 60 s margin')
  assert.equal(set.needsRefresh(4000), false)
  assert.equal(set.needsRefresh(4000, 600), true)
  const refresh = set.refreshRequest({ tokenEndpoint: 'https://idp.example.com/token', clientId: 'app' })
  assert.equal(new URLSearchParams(refresh.body).get('refresh_token'), 'rt')
  // A provider that does not rotate refresh tokens: the old one is kept.
  const next = set.refreshed(parseTokenResponse({ status: 200, body: '{"access_token":"at2","expires_in":60}' }), 5000)
  assert.equal(next.accessToken, 'at2')
  assert.equal(next.refreshToken, 'rt')
  assert.equal(next.idToken, 'it')
  assert.deepEqual(next.scopes, ['a', 'b'])
  assert.equal(next.expiresAt, 5060)
  const restored = new UpstreamTokens({ accessToken: 'at3', tokenType: 'Bearer', refreshToken: 'rt3', expiresAt: 10 })
  assert.equal(restored.needsRefresh(0), true)

  // An RFC 8693 answer: the issued token's type.
  const exchanged = parseTokenResponse({
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: new TextEncoder().encode('{"access_token":"xt","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"N_A"}'),
  })
  assert.equal(exchanged.issuedTokenType, 'urn:ietf:params:oauth:token-type:access_token')
  assert.equal(exchanged.tokenType, 'N_A')
  assert.equal(exchanged.expiresIn, null)
  assert.equal(exchanged.expiresAt(1000), null)
  assert.throws(() => parseTokenResponse({ status: 500, headers: { 'content-type': 'text/html' }, body: '<html>oops</html>' }), (e) => e.code === 'ERR_OAUTH_UPSTREAM' && e.httpStatus === 502)
  assert.throws(() => parseTokenResponse({ status: 200, body: '{"token_type":"Bearer"}' }), { code: 'ERR_OAUTH_UPSTREAM' })
  assert.throws(
    () => parseTokenResponse({ status: 400, body: '{"error":"invalid_grant","error_description":"code expired"}' }),
    (e) => e.code === 'ERR_OAUTH_UPSTREAM' && e.upstreamError === 'invalid_grant' && e.httpStatus === 400 && e.upstreamErrorDescription === 'code expired',
  )
  assert.throws(() => parseTokenResponse({ status: 99999, body: '' }), { code: 'ERR_INVALID_CONFIG' })
})

test('request builders refuse what the core refuses, with stable codes and no secret in the message', () => {
  const base = { authorizationEndpoint: 'https://idp.example.com/authorize', clientId: 'c', redirectUri: 'https://mcp.example.com/cb', state: 's' }
  const url = new URL(authorizationUrl({ ...base, authorizationEndpoint: 'https://idp.example.com/authorize?tenant=x', scopes: ['openid', 'read'] }))
  assert.equal(url.searchParams.get('tenant'), 'x', 'the endpoint\'s own query is kept')
  assert.equal(url.searchParams.get('scope'), 'openid read')
  assert.equal(url.searchParams.get('code_challenge'), null)
  assert.throws(() => authorizationUrl({ ...base, extraParams: { state: 'again' } }), { code: 'ERR_INVALID_CONFIG' })
  assert.throws(() => authorizationUrl({ ...base, scopes: ['a b'] }), { code: 'ERR_INVALID_REQUEST' })
  assert.throws(() => authorizationUrl({ ...base, resources: ['not a uri'] }), { code: 'ERR_INVALID_REQUEST' })
  assert.throws(() => authorizationUrl({ ...base, codeChallenge: 'too-short' }), { code: 'ERR_INVALID_REQUEST' })
  assert.throws(() => authorizationUrl({ ...base, authorizationEndpoint: 'http://idp.internal/authorize' }), { code: 'ERR_INVALID_CONFIG' })
  assert.ok(authorizationUrl({ ...base, authorizationEndpoint: 'http://idp.internal/authorize', dangerousAllowInsecureHttp: true }).startsWith('http://idp.internal/'))
  assert.throws(() => authorizationUrl({ ...base, state: '' }), { code: 'ERR_INVALID_CONFIG' })

  const token = { tokenEndpoint: 'https://idp.example.com/token', clientId: 'c' }
  assert.throws(() => tokenRequest({ ...token, grant: { grantType: 'client_credentials' } }), { code: 'ERR_INVALID_CONFIG' })
  assert.throws(() => tokenRequest({ ...token, grant: { grantType: 'authorization_code', redirectUri: 'https://x/cb' } }), /grant\.code is required/)
  assert.throws(() => tokenRequest({ ...token, grant: { grantType: 'password' } }), { code: 'ERR_INVALID_CONFIG' })
  assert.throws(() => tokenRequest({ ...token, grant: { grantType: 'token_exchange', subjectToken: 't', actorToken: 'a' } }), { code: 'ERR_INVALID_CONFIG' })
  assert.throws(() => tokenRequest({ ...token, grant: { grantType: 'authorization_code', code: 'x', redirectUri: 'https://x/cb', codeVerifier: 'short' } }), { code: 'ERR_OAUTH_INVALID_GRANT' })
  assert.throws(() => tokenRequest({ ...token, extraParams: { code: 'x' }, grant: { grantType: 'refresh_token', refreshToken: 'r' } }), { code: 'ERR_INVALID_CONFIG' })
  for (const clientAuth of [{ method: 'none', clientSecret: 'top-secret-value' }, { method: 'client_secret_basic' }, { method: 'private_key_jwt', clientSecret: 'top-secret-value' }]) {
    assert.throws(
      () => tokenRequest({ ...token, clientAuth, grant: { grantType: 'refresh_token', refreshToken: 'r' } }),
      (e) => e.code === 'ERR_INVALID_CONFIG' && !e.message.includes('top-secret-value'),
    )
  }
})

test('dynamic client registration: answered for the pre-registered client, refusals with stable codes', () => {
  const ok = registerClient(
    JSON.stringify({ redirect_uris: ['cursor://anysphere.cursor-retrieval/oauth/callback', 'http://localhost:8080/cb'], grant_types: ['authorization_code', 'refresh_token'], scope: 'read' }),
    'proxy-client',
    undefined,
    1750000000,
  )
  assert.equal(ok.status, 201)
  assert.equal(ok.clientIdIssuedAt, 1750000000)
  assert.deepEqual(ok.grantTypes, ['authorization_code', 'refresh_token'])
  assert.deepEqual(ok.responseTypes, ['code'])
  assert.deepEqual(ok.document, {
    client_id: 'proxy-client',
    client_id_issued_at: 1750000000,
    redirect_uris: ['cursor://anysphere.cursor-retrieval/oauth/callback', 'http://localhost:8080/cb'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    scope: 'read',
  })
  // A parsed body, and a policy of the host's own.
  const mine = new RedirectUriPolicy({ privateUseSchemes: ['myapp'] })
  assert.equal(registerClient({ redirect_uris: ['myapp://cb'] }, 'p', mine).redirectUris[0], 'myapp://cb')
  assert.throws(() => registerClient({ redirect_uris: ['cursor://cb'] }, 'p', mine), { code: 'ERR_REDIRECT_URI_REJECTED', reason: 'scheme' })

  assert.throws(() => registerClient('{}', 'p'), { code: 'ERR_REDIRECT_URI_REJECTED' })
  assert.throws(() => registerClient('not json', 'p'), { code: 'ERR_INVALID_CLIENT_METADATA' })
  assert.throws(() => registerClient({ redirect_uris: 'https://x/cb' }, 'p'), { code: 'ERR_INVALID_CLIENT_METADATA' })
  assert.throws(() => registerClient({ redirect_uris: ['https://x/cb'], grant_types: ['client_credentials'] }, 'p'), { code: 'ERR_INVALID_CLIENT_METADATA' })
  assert.throws(() => registerClient({ redirect_uris: Array.from({ length: 21 }, (_, i) => `https://x/cb${i}`) }, 'p'), { code: 'ERR_INVALID_CLIENT_METADATA' })
  assert.throws(() => registerClient(Buffer.alloc(16 * 1024 + 1, 0x20), 'p'), { code: 'ERR_INVALID_CLIENT_METADATA' })
  assert.throws(() => registerClient({ redirect_uris: ['http://evil.example.com/cb'] }, 'p'), { code: 'ERR_REDIRECT_URI_REJECTED', reason: 'loopback' })
})

test('redirect-URI policy: accepted URIs, each refusal with its reason, options through the core', () => {
  const policy = new RedirectUriPolicy()
  assert.deepEqual(policy.toJSON(), { privateUseSchemes: ['cursor', 'vscode', 'windsurf'], allowLoopbackHttp: true })
  for (const uri of ['https://app.example.com/cb', 'http://127.0.0.1:4000/cb', 'http://[::1]/cb', 'http://localhost/cb', 'vscode://vscode.mcp/cb', 'CURSOR://x/cb']) {
    policy.check(uri)
  }
  const refusals = [
    ['javascript:alert(1)', 'scheme'],
    ['data:text/html,hi', 'scheme'],
    ['file:///etc/passwd', 'scheme'],
    ['myapp://cb', 'scheme'],
    ['http://example.com/cb', 'loopback'],
    ['https://app.example.com/cb#frag', 'fragment'],
    ['https://user@app.example.com/cb', 'userinfo'],
    ['https://@app.example.com/cb', 'userinfo'],
    ['https://app.example.com/c\tb', 'malformed'],
    ['java\nscript:alert(1)', 'malformed'],
    ['', 'malformed'],
    ['not a uri', 'malformed'],
  ]
  for (const [uri, reason] of refusals) {
    assert.throws(() => policy.check(uri), { name: 'McpBearerError', code: 'ERR_REDIRECT_URI_REJECTED', reason, httpStatus: 400 }, uri)
  }
  const strict = new RedirectUriPolicy({ privateUseSchemes: [], allowLoopbackHttp: false })
  assert.throws(() => strict.check('http://127.0.0.1/cb'), { reason: 'loopback' })
  assert.throws(() => strict.check('vscode://x/cb'), { reason: 'scheme' })
  assert.deepEqual(strict.privateUseSchemes, [])
  assert.equal(strict.allowLoopbackHttp, false)
  assert.throws(() => new RedirectUriPolicy({ allowLoopback: true }), { code: 'ERR_INVALID_CONFIG' })
  assert.throws(() => new RedirectUriPolicy({ privateUseSchemes: 'cursor' }), { code: 'ERR_INVALID_CONFIG' })

  assert.equal(RedirectUriPolicy.matchesRegistered('http://127.0.0.1:3000/cb', 'http://127.0.0.1:4999/cb'), true)
  assert.equal(RedirectUriPolicy.matchesRegistered('http://127.0.0.1:3000/cb', 'http://127.0.0.1:4999/other'), false)
  assert.equal(RedirectUriPolicy.matchesRegistered('https://app.example.com/cb', 'https://app.example.com:8443/cb'), false)
  assert.equal(RedirectUriPolicy.matchesRegistered('https://app.example.com/cb', 'https://app.example.com/cb'), true)
})
