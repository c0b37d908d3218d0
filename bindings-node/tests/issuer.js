// A real issuer for the server tests: `mcp-bearer serve-issuer` on 127.0.0.1 (the package's
// `bin`, i.e. the command line compiled into the native module), and its token endpoint.
'use strict'

const { spawn } = require('node:child_process')
const path = require('node:path')
const readline = require('node:readline')

const bin = path.join(__dirname, '..', 'bin', 'mcp-bearer.js')

/** Starts the issuer; resolves to its startup line (`issuer`, `jwks_uri`, `token_endpoint`, …) plus `mint` and `close`. */
async function startIssuer(args = []) {
  const child = spawn(process.execPath, [bin, 'serve-issuer', '--exit-on-stdin-close', ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const line = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('serve-issuer printed no startup line within 20 s')), 20000)
    readline.createInterface({ input: child.stdout }).once('line', (text) => {
      clearTimeout(timer)
      resolve(text)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`serve-issuer exited with ${code} before its startup line`))
    })
  })
  const info = JSON.parse(line)
  info.mint = async (claims) => {
    const response = await fetch(info.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(claims),
      signal: AbortSignal.timeout(10000),
    })
    if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}: ${await response.text()}`)
    return (await response.json()).access_token
  }
  info.close = async () => {
    child.stdin.end()
    const timer = setTimeout(() => child.kill('SIGTERM'), 10000)
    await exited
    clearTimeout(timer)
  }
  return info
}

module.exports = { startIssuer }
