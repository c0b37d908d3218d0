//! `mcp-bearer serve-issuer`: the development issuer as a process, for tests in every
//! language: start it, read one JSON line from stdout, use the URLs in it.

use std::io::{Read, Write};
use std::path::PathBuf;

use clap::Args;

use crate::exit::{CliError, CliResult, OK};
use crate::issuer::{DevIssuerOptions, RunningIssuer};
use crate::keys::{KeyAlg, read_signing_keys};

/// Arguments of `serve-issuer`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The port on 127.0.0.1 (0 picks a free one; the startup line says which).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The algorithm of generated keys (first key and rotations).
    #[arg(long, value_enum, default_value = "RS256")]
    alg: KeyAlg,
    /// The issuer URL tokens carry in `iss`; `{port}` is replaced by the bound port.
    /// Defaults to http://127.0.0.1:{port}.
    #[arg(long, value_name = "URL")]
    issuer_url: Option<String>,
    /// Sign with the keys of this private JWK/JWKS file instead of a new key, so tokens stay
    /// valid across restarts.
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// Stop when stdin reaches end of file (when the test that started it goes away).
    #[arg(long)]
    exit_on_stdin_close: bool,
    /// Log each request on stderr.
    #[arg(long)]
    verbose: bool,
}

/// Runs the issuer until SIGTERM/SIGINT (the default action ends the process), or until
/// stdin closes with `--exit-on-stdin-close`.
pub(crate) fn serve_issuer(args: &ServeArgs) -> CliResult {
    let keys = match &args.key {
        Some(path) => read_signing_keys(path)?,
        None => Vec::new(),
    };
    let running = RunningIssuer::start(DevIssuerOptions {
        port: args.port,
        alg: args.alg.algorithm(),
        issuer_url: args.issuer_url.clone(),
        keys,
        verbose: args.verbose,
    })?;
    let line = running
        .issuer()
        .startup_document(running.port())
        .to_string();
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}")
        .and_then(|()| stdout.flush())
        .map_err(|e| CliError::usage(format!("cannot write the startup line: {e}")))?;
    drop(stdout);
    if args.exit_on_stdin_close {
        // Read and discard until EOF; the parent closing its end is the signal to stop.
        let mut sink = [0u8; 1024];
        let mut stdin = std::io::stdin().lock();
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
        running.stop();
        return Ok(OK);
    }
    loop {
        std::thread::park();
    }
}
