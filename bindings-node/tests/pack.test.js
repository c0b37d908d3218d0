// Installs the package as a user would: `npm pack` of the main package (with the platform
// package as its optional dependency, as napi-rs's pre-publish step writes it) and of the
// `linux-x64-gnu` platform package holding the native module built by this checkout; both
// tarballs installed offline into a fresh directory with no Rust toolchain on PATH; then
// `require`, `import` and `npx mcp-bearer keys generate` there.
'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { execFileSync, spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const root = path.join(__dirname, '..')
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
const platform = 'linux-x64-gnu'
const nativeFile = `mcp-bearer.${platform}.node`
const supported = process.platform === 'linux' && process.arch === 'x64' && fs.existsSync(path.join(root, nativeFile))

function npm(args, cwd, env = process.env) {
  return execFileSync('npm', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

function pack(dir, out) {
  const name = npm(['pack', '--silent', '--pack-destination', out], dir).trim().split('\n').pop()
  return path.join(out, name)
}

test('npm pack, install offline into a fresh directory, require / import / npx', { skip: !supported && `only on linux-x64 with ${nativeFile} built` }, (t) => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-bearer-pack-'))
  t.after(() => fs.rmSync(work, { recursive: true, force: true }))

  // The platform package: napi-rs's npm/<platform>/ with the built module.
  const platformDir = path.join(work, platform)
  fs.cpSync(path.join(root, 'npm', platform), platformDir, { recursive: true })
  fs.copyFileSync(path.join(root, nativeFile), path.join(platformDir, nativeFile))
  const platformTgz = pack(platformDir, work)

  // The main package, with its optional dependency per platform.
  const mainDir = path.join(work, 'main')
  fs.mkdirSync(mainDir)
  for (const file of [...pkg.files, 'README.md']) {
    const from = path.join(root, file)
    if (!fs.existsSync(from)) continue
    fs.mkdirSync(path.dirname(path.join(mainDir, file)), { recursive: true })
    fs.copyFileSync(from, path.join(mainDir, file))
  }
  const { devDependencies, scripts, overrides, ...published } = pkg
  published.optionalDependencies = { [`${pkg.name}-${platform}`]: pkg.version }
  fs.writeFileSync(path.join(mainDir, 'package.json'), JSON.stringify(published, null, 2))
  const mainTgz = pack(mainDir, work)

  // A fresh project; no Rust on PATH (only node's own folder and the system's).
  const app = path.join(work, 'app')
  fs.mkdirSync(app)
  fs.writeFileSync(path.join(app, 'package.json'), '{"name":"app","version":"1.0.0","private":true}')
  const env = { ...process.env, PATH: [path.dirname(process.execPath), '/usr/bin', '/bin'].join(path.delimiter) }
  delete env.CARGO_HOME
  delete env.RUSTUP_HOME
  assert.equal(spawnSync('cargo', ['--version'], { env }).status === 0, false, 'cargo must not be on PATH here')
  npm(['install', '--offline', '--no-audit', '--no-fund', platformTgz, mainTgz], app, env)
  assert.ok(!fs.existsSync(path.join(app, 'node_modules', 'mcp-bearer', nativeFile)), 'the main package holds no binary')

  const node = (args) => execFileSync(process.execPath, args, { cwd: app, env, encoding: 'utf8' })
  assert.equal(node(['-e', "process.stdout.write(typeof require('mcp-bearer').Verifier + ' ' + typeof require('mcp-bearer').jwksVerifier)"]), 'function function')
  assert.equal(node(['--input-type=module', '-e', "import { Verifier, allErrors } from 'mcp-bearer'; process.stdout.write(typeof Verifier + ' ' + allErrors().length)"]), `function ${require('..').allErrors().length}`)
  const keys = JSON.parse(execFileSync('npx', ['--offline', 'mcp-bearer', 'keys', 'generate', '--alg', 'EdDSA'], { cwd: app, env, encoding: 'utf8' }))
  assert.equal(keys.public.keys[0].crv, 'Ed25519')
})
