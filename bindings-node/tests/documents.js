// Test helper: a site on 127.0.0.1 serving client id metadata documents, for the tests of
// ClientMetadataResolver and ProxyClient (tests/clients.test.js, tests/proxy.test.js).
'use strict'

const http = require('node:http')

/**
 * A site on 127.0.0.1 serving client metadata documents: `documents` maps a path to a
 * function of the site's origin returning `{ body, headers? }`; `requests` counts the
 * fetches per path; `hold(path)` makes the next request to `path` wait for a promise.
 */
async function documentSite(documents) {
  const site = { requests: {}, holds: {} }
  const server = http.createServer(async (req, res) => {
    const path = new URL(req.url, site.origin).pathname
    site.requests[path] = (site.requests[path] || 0) + 1
    const hold = site.holds[path]
    if (hold) {
      delete site.holds[path]
      hold.arrived()
      await hold.release
    }
    const make = documents[path]
    if (!make) {
      res.writeHead(404)
      return res.end()
    }
    const { body, headers = {} } = make(site.origin)
    res.writeHead(200, { 'content-type': 'application/json', ...headers })
    res.end(typeof body === 'string' ? body : JSON.stringify(body))
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  site.origin = `http://127.0.0.1:${server.address().port}`
  site.url = (path) => `${site.origin}${path}`
  site.hold = (path, release) => {
    let arrived
    const seen = new Promise((resolve) => {
      arrived = resolve
    })
    site.holds[path] = { arrived, release }
    return seen
  }
  site.close = () => new Promise((resolve) => server.close(resolve))
  return site
}

/** The document of a well-behaved client at `origin + path`. */
function clientDocument(path, extra = {}) {
  return (origin) => ({
    body: {
      client_id: `${origin}${path}`,
      client_name: 'Example MCP Client',
      client_uri: 'https://client.example/',
      redirect_uris: ['http://127.0.0.1/callback', 'https://client.example/cb'],
      token_endpoint_auth_method: 'none',
      software_id: 'example',
      ...extra,
    },
    headers: { 'cache-control': 'max-age=300' },
  })
}

module.exports = { documentSite, clientDocument }
