// CommonJS entry: the native module's exports (napi-rs's generated index.js) and the peer
// drop-ins of peers.js.
'use strict'

const binding = require('./index.js')
const { jwksVerifier, createJwtVerifier } = require('./peers.js')

// The classes that hold secrets show their `toJSON()` view (no secret) to `util.inspect`,
// whatever its options: `{ getters: true }` would otherwise call the getters that read them.
const inspectCustom = Symbol.for('nodejs.util.inspect.custom')
for (const name of ['StateKey', 'SealedState', 'OpenedState', 'PkceVerifier', 'HttpRequest', 'TokenResponse', 'UpstreamTokens']) {
  Object.defineProperty(binding[name].prototype, inspectCustom, {
    value(depth, options, inspect) {
      return `${name} ${inspect(this.toJSON(), options)}`
    },
  })
}

module.exports = { ...binding, jwksVerifier, createJwtVerifier }
