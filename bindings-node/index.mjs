// ES module entry: the CommonJS loader's exports (napi-rs's generated index.js), by name.
import { createRequire } from 'node:module'

const binding = createRequire(import.meta.url)('./index.js')

export const { Verifier, allErrors, runCli } = binding
export default binding
