// User info: `userInfo` with every preset on the claims each provider documents, custom
// mappings, `claimMapping`, the provider helpers, `verifier.userInfo` on a verified token and
// `extra.userInfo` of `createJwtVerifier` against `mcp-bearer serve-issuer`.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const {
  Verifier,
  userInfo,
  claimMapping,
  entraIssuers,
  entraAudiences,
  entraTenantFromIssuer,
  supabaseIssuer,
  SUPABASE_AUDIENCE,
  cognitoIssuer,
  createJwtVerifier,
} = require('..')
const { ISSUER, AUDIENCE, es256Key, sign } = require('./support.js')
const { startIssuer } = require('./issuer.js')

test('cognito: groups as roles, username, scope, client_id; the ID token\'s aud as client', () => {
  const iss = cognitoIssuer('eu-west-1', 'eu-west-1_AbCdEf')
  assert.equal(iss, 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf')
  const access = userInfo(
    {
      sub: 'aaaa-bbbb',
      iss,
      client_id: '5abc',
      username: 'alice',
      'cognito:groups': ['admins', 'editors'],
      scope: 'openid tools/read',
      token_use: 'access',
      exp: 1750000600,
    },
    'cognito',
  )
  assert.equal(access.userId, 'aaaa-bbbb')
  assert.equal(access.username, 'alice')
  assert.deepEqual(access.roles, ['admins', 'editors'])
  assert.deepEqual(access.scopes, ['openid', 'tools/read'])
  assert.equal(access.clientId, '5abc')
  assert.equal(access.issuer, iss)
  assert.deepEqual(Object.keys(access.extra).sort(), ['exp', 'token_use'])
  const id = userInfo({ sub: 's', aud: '5abc', 'cognito:username': 'bob', email: 'bob@example.com' }, { provider: 'cognito' })
  assert.equal(id.username, 'bob')
  assert.equal(id.clientId, '5abc')
  assert.equal(id.email, 'bob@example.com')
})

test('entra: oid as user, tid as tenant, roles, scp, azp (v2) and appid/upn (v1); issuers and audiences', () => {
  const tid = '72f988bf-86f1-41af-91ab-2d7cd011db47'
  assert.deepEqual(entraIssuers(tid), [`https://sts.windows.net/${tid}/`, `https://login.microsoftonline.com/${tid}/v2.0`])
  assert.deepEqual(entraAudiences('api-client'), ['api-client', 'api://api-client'])
  assert.equal(entraTenantFromIssuer(`https://login.microsoftonline.com/${tid}/v2.0`), tid)
  assert.equal(entraTenantFromIssuer(`https://sts.windows.net/${tid}/`), tid)
  assert.equal(entraTenantFromIssuer('https://idp.example.com/'), null)
  const v2 = userInfo(
    {
      iss: entraIssuers(tid)[1],
      sub: 'pairwise-sub',
      oid: '00000000-0000-0000-66f3-3332eca7ea81',
      tid,
      preferred_username: 'alice@contoso.com',
      name: 'Alice',
      roles: ['Tasks.Write'],
      scp: 'Files.Read User.Read',
      azp: 'client-app',
    },
    'entra',
  )
  assert.equal(v2.userId, '00000000-0000-0000-66f3-3332eca7ea81')
  assert.equal(v2.tenantId, tid)
  assert.equal(v2.username, 'alice@contoso.com')
  assert.equal(v2.name, 'Alice')
  assert.deepEqual(v2.roles, ['Tasks.Write'])
  assert.deepEqual(v2.scopes, ['Files.Read', 'User.Read'])
  assert.equal(v2.clientId, 'client-app')
  assert.ok('sub' in v2.extra, 'the pairwise sub stays in extra')
  const v1 = userInfo({ oid: 'o1', upn: 'bob@contoso.com', appid: 'legacy-app', scp: 'user_impersonation', tid }, 'entra')
  assert.equal(v1.username, 'bob@contoso.com')
  assert.equal(v1.clientId, 'legacy-app')
  assert.deepEqual(v1.scopes, ['user_impersonation'])
})

test('supabase: the Postgres role, the OAuth profile from user_metadata; issuer and audience', () => {
  assert.equal(supabaseIssuer('abcdefgh'), 'https://abcdefgh.supabase.co/auth/v1')
  assert.equal(SUPABASE_AUDIENCE, 'authenticated')
  const user = userInfo(
    {
      iss: supabaseIssuer('abcdefgh'),
      aud: SUPABASE_AUDIENCE,
      sub: '8d2f-uuid',
      email: 'carol@example.com',
      role: 'authenticated',
      app_metadata: { provider: 'github', providers: ['github'] },
      user_metadata: {
        full_name: 'Carol C',
        user_name: 'carolc',
        avatar_url: 'https://avatars.example.com/u/1',
        email_verified: true,
      },
    },
    'supabase',
  )
  assert.equal(user.userId, '8d2f-uuid')
  assert.equal(user.email, 'carol@example.com')
  assert.equal(user.emailVerified, true)
  assert.equal(user.name, 'Carol C')
  assert.equal(user.username, 'carolc')
  assert.equal(user.picture, 'https://avatars.example.com/u/1')
  assert.deepEqual(user.roles, ['authenticated'])
  assert.deepEqual(user.extra.app_metadata, { provider: 'github', providers: ['github'] })
  assert.ok('user_metadata' in user.extra, 'a claim read through a nested path stays in extra')
})

test('the other presets by name and as objects: oidc (default), auth0, okta, google, github, keycloak, clerk, workos', () => {
  const oidc = userInfo({ sub: 'u1', email: 'a@b.c', email_verified: 'true', preferred_username: 'u', scope: 'a b', scp: ['b', 'c'], azp: 'app' })
  assert.equal(oidc.userId, 'u1')
  assert.equal(oidc.emailVerified, true)
  assert.equal(oidc.username, 'u')
  assert.deepEqual(oidc.scopes, ['a', 'b', 'c'])
  assert.equal(oidc.clientId, 'app')
  assert.deepEqual(userInfo({ sub: 'u1' }, 'oidc'), userInfo({ sub: 'u1' }))

  const auth0 = userInfo(
    { sub: 'auth0|1', 'https://example.com/roles': ['admin'], permissions: ['read:tools'], org_id: 'org_1', org_name: 'acme' },
    { provider: 'auth0', rolesClaim: 'https://example.com/roles' },
  )
  assert.deepEqual(auth0.roles, ['admin'])
  assert.deepEqual(auth0.permissions, ['read:tools'])
  assert.equal(auth0.organizationId, 'org_1')
  assert.equal(auth0.organizationSlug, 'acme')

  const okta = userInfo({ sub: 'alice@example.com', uid: '00u1', cid: '0oa1', groups: ['Everyone'], scp: ['openid', 'tools'] }, 'okta')
  assert.equal(okta.userId, '00u1')
  assert.equal(okta.clientId, '0oa1')
  assert.deepEqual(okta.roles, ['Everyone'])
  assert.deepEqual(okta.scopes, ['openid', 'tools'])

  assert.equal(userInfo({ sub: '1', hd: 'example.com' }, 'google').tenantId, 'example.com')

  const github = userInfo({ id: 583231, login: 'octocat', avatar_url: 'https://a/u/583231' }, 'github')
  assert.equal(github.userId, '583231')
  assert.equal(github.username, 'octocat')
  assert.equal(github.picture, 'https://a/u/583231')

  const keycloak = userInfo(
    { sub: 'k1', realm_access: { roles: ['realm-admin'] }, resource_access: { mcp: { roles: ['tool-user'] } } },
    { provider: 'keycloak', clientId: 'mcp' },
  )
  assert.deepEqual(keycloak.roles, ['realm-admin', 'tool-user'])
  assert.deepEqual(userInfo({ sub: 'k1', realm_access: { roles: ['r'] }, resource_access: { mcp: { roles: ['x'] } } }, 'keycloak').roles, ['r'])

  const clerk = userInfo({ sub: 'user_1', org_id: 'org_9', org_slug: 'acme', org_role: 'org:admin', org_permissions: ['org:tools:read'] }, 'clerk')
  assert.equal(clerk.organizationId, 'org_9')
  assert.equal(clerk.organizationSlug, 'acme')
  assert.deepEqual(clerk.roles, ['org:admin'])
  assert.deepEqual(clerk.permissions, ['org:tools:read'])

  const workos = userInfo({ sub: 'user_01', org_id: 'org_01', role: 'member', permissions: ['tools:use'] }, 'workos')
  assert.equal(workos.organizationId, 'org_01')
  assert.deepEqual(workos.roles, ['member'])
  assert.deepEqual(workos.permissions, ['tools:use'])
})

test('a custom mapping in camelCase over the OIDC defaults; claimMapping returns a preset to adapt', () => {
  const custom = userInfo(
    { sub: 'ignored', profile: { id: 'p-1' }, authz: { groups: ['g1'] }, role: 'owner', 'https://example.com/org': 'org_1' },
    {
      userId: ['profile.id'],
      roles: [{ path: 'authz.groups', format: 'array' }, { path: 'role', format: 'string_or_array' }],
      organizationId: ['https://example.com/org'],
    },
  )
  assert.equal(custom.userId, 'p-1')
  assert.deepEqual(custom.roles, ['g1', 'owner'])
  assert.equal(custom.organizationId, 'org_1')

  const entra = claimMapping('entra')
  assert.deepEqual(entra.userId, ['oid', 'sub'])
  assert.deepEqual(entra.tenantId, ['tid'])
  assert.deepEqual(entra.scopes, [{ path: 'scp', format: 'space_separated_or_array' }])
  // A preset's mapping, changed and passed back, is a custom mapping.
  const adapted = userInfo({ oid: 'o', groups: ['g'] }, { ...entra, roles: [{ path: 'groups', format: 'array' }] })
  assert.equal(adapted.userId, 'o')
  assert.deepEqual(adapted.roles, ['g'])
  assert.deepEqual(claimMapping({ provider: 'keycloak', clientId: 'mcp' }).roles, [
    { path: 'realm_access.roles', format: 'array' },
    { path: 'resource_access.mcp.roles', format: 'array' },
  ])
})

test('a mapping the core does not read, or claims that are not an object, throw ERR_INVALID_CONFIG', () => {
  for (const mapping of ['nope', { provider: 'nope' }, 42, { roles: [{ path: 'r', format: 'csv' }] }]) {
    assert.throws(() => userInfo({ sub: 'u' }, mapping), { name: 'McpBearerError', code: 'ERR_INVALID_CONFIG' }, JSON.stringify(mapping))
  }
  // A misspelt member is refused, not dropped: in a preset with options, in one without, in a
  // mapping and in a list claim.
  for (const [mapping, named] of [
    [{ provider: 'auth0', roleClaim: 'https://x/roles' }, 'role_claim'],
    [{ provider: 'okta', clientId: 'x' }, 'okta preset has no member "client_id"'],
    [{ rolez: ['groups'] }, 'rolez'],
    [{ roles: [{ path: 'groups', format: 'array', sep: ' ' }] }, 'sep'],
  ]) {
    assert.throws(() => userInfo({ sub: 'u' }, mapping), (e) => e.code === 'ERR_INVALID_CONFIG' && e.message.includes(named), JSON.stringify(mapping))
  }
  assert.throws(() => userInfo('not claims'), { code: 'ERR_INVALID_CONFIG' })
  assert.throws(() => claimMapping('nope'), { code: 'ERR_INVALID_CONFIG' })
  // Claims of an unexpected shape are not errors: the field stays empty.
  const odd = userInfo({ sub: 'u', roles: 'admin', email_verified: 'maybe' })
  assert.deepEqual(odd.roles, [])
  assert.equal(odd.emailVerified, undefined)
  assert.equal(odd.extra.roles, 'admin')
})

test('verifier.userInfo reads a verified token with a preset', () => {
  const key = es256Key('k1')
  const verifier = new Verifier({ jwks: { keys: [key.jwk] }, issuers: [ISSUER], audiences: [AUDIENCE] })
  const verified = verifier.verifySync(sign(key, { sub: 'pairwise', oid: 'object-id', tid: 'tenant', roles: ['Admin'], scp: 'tools.read' }))
  const user = verifier.userInfo(verified, 'entra')
  assert.equal(user.userId, 'object-id')
  assert.equal(user.tenantId, 'tenant')
  assert.deepEqual(user.roles, ['Admin'])
  assert.deepEqual(user.scopes, ['tools.read'])
  assert.equal(user.issuer, ISSUER)
  assert.deepEqual(verifier.userInfo(verified), userInfo(verified.claims))
  assert.equal(verifier.userInfo(verified).userId, 'pairwise')
})

test('createJwtVerifier puts userInfo in AuthInfo.extra, read with claimMapping (serve-issuer)', async (t) => {
  const issuer = await startIssuer()
  t.after(issuer.close)
  const verifier = createJwtVerifier({
    issuer: issuer.issuer,
    jwksUrl: issuer.jwks_uri,
    audience: issuer.resource,
    claimMapping: 'cognito',
  })
  const token = await issuer.mint({ sub: 'user-1', username: 'alice', 'cognito:groups': ['admins'], client_id: 'web', scope: 'read' })
  const info = await verifier.verifyAccessToken(token)
  assert.equal(info.extra.payload.sub, 'user-1')
  assert.equal(info.extra.userInfo.userId, 'user-1')
  assert.equal(info.extra.userInfo.username, 'alice')
  assert.deepEqual(info.extra.userInfo.roles, ['admins'])
  assert.equal(info.extra.userInfo.clientId, 'web')
  assert.equal(JSON.parse(JSON.stringify(info.extra)).userInfo.username, 'alice')
  // Without claimMapping: the OIDC mapping.
  const plain = createJwtVerifier({ issuer: issuer.issuer, jwksUrl: issuer.jwks_uri, audience: issuer.resource })
  const oidc = (await plain.verifyAccessToken(token)).extra.userInfo
  assert.equal(oidc.userId, 'user-1')
  assert.equal(oidc.username, 'alice')
  assert.deepEqual(oidc.roles, [])
  // A mapping the core does not read fails at construction, not at the first request.
  assert.throws(
    () => createJwtVerifier({ issuer: issuer.issuer, jwksUrl: issuer.jwks_uri, audience: issuer.resource, claimMapping: 'nope' }),
    { code: 'ERR_INVALID_CONFIG' },
  )
})
