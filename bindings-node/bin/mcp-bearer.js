#!/usr/bin/env node
// `npx mcp-bearer …`: the mcp-bearer command line compiled into the native module (the same
// code as the Rust binary), with this process's stdout, stderr and exit code.
'use strict'

const { runCli } = require('../index.js')

process.exitCode = runCli(process.argv.slice(2))
