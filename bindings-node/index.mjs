// ES module entry: the CommonJS loader's exports (napi-rs's generated index.js) and the peer
// drop-ins, by name.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const binding = require('./index.js')
const peers = require('./peers.js')

export const { Verifier, allErrors, runCli } = binding
export const { userInfo, claimMapping, entraIssuers, entraAudiences, entraTenantFromIssuer, supabaseIssuer, SUPABASE_AUDIENCE, cognitoIssuer } = binding
export const { HttpRequest, authorizationUrl, tokenRequest, TokenResponse, parseTokenResponse, UpstreamTokens, RedirectUriPolicy, registerClient } = binding
export const { StateKey, SealedState, OpenedState, sealState, openState, PkceVerifier, checkPkceChallenge, verifyPkce, randomState, randomNonce } = binding
export const { ClientMetadataResolver, ProxyClient, registerSealedClient, checkAuthorizationResponseIssuer } = binding
export const { protectedResourceMetadata, authorizationServerMetadata, protectedResourceMetadataUrl, authorizationServerMetadataUrl, wwwAuthenticate, bearerToken } = binding
export const { jwksVerifier } = peers

/**
 * `createJwtVerifier` of peers.js, whose `errors` default here is the SDK 1.x ES module copy
 * (`import`ed, as an ES module application loads it): Node keeps separate classes for the
 * SDK's `import` and `require` entries, and SDK 1.x's `requireBearerAuth` matches with
 * `instanceof`. Without SDK 1.x, SDK 2.x's `OAuthError`, whose brand matches across copies.
 */
export function createJwtVerifier(options) {
  const errors = options && options.errors
  return peers.createJwtVerifier({
    ...options,
    errors:
      errors ??
      (() =>
        import('@modelcontextprotocol/sdk/server/auth/errors.js').catch((error) => {
          if (error && error.code === 'ERR_MODULE_NOT_FOUND') return peers.requireSdk2Errors()
          throw error
        })),
  })
}

export default { ...require('./main.js'), createJwtVerifier }
