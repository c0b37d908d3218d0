// CommonJS entry: the native module's exports (napi-rs's generated index.js) and the peer
// drop-ins of peers.js.
'use strict'

const binding = require('./index.js')
const { jwksVerifier, createJwtVerifier } = require('./peers.js')

module.exports = { ...binding, jwksVerifier, createJwtVerifier }
