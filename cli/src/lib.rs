//! `mcp-bearer`: signing keys, token inspection and minting, a verifier that explains every
//! failure, a checker for identity providers and MCP servers, a local development issuer,
//! and a demo of the whole job.
//!
//! The command is this library's [`run`]: the `mcp-bearer` binary calls it with its
//! arguments, and so does the Node package's `npx mcp-bearer` (through its native module),
//! so there is one implementation of the command line.

/// `println!` that never panics: a closed stdout (`mcp-bearer demo | head -1`) must not turn
/// into a panic; the output is simply dropped.
macro_rules! out {
    () => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout());
    }};
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod challenge;
mod demo;
mod doctor;
mod exit;
mod issuer;
mod keys;
mod output;
mod serve;
mod timefmt;
mod token;
mod verify;

use std::ffi::OsString;

use clap::{Parser, Subcommand};

use crate::exit::{CliResult, EXIT_CODES_HELP};

/// Bearer tokens for MCP servers: inspect, mint, verify, diagnose, and a local issuer.
#[derive(Debug, Parser)]
#[command(name = "mcp-bearer", version, after_help = EXIT_CODES_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Signing keys for servers that issue their own tokens.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Look inside tokens, or sign one for tests.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Verify a token as an MCP server would; on failure, say which check failed and why.
    #[command(after_help = EXIT_CODES_HELP)]
    Verify(verify::VerifyArgs),
    /// Check an identity provider (and an MCP server) for what MCP authorization needs.
    Doctor(doctor::DoctorArgs),
    /// Run a local development identity provider on 127.0.0.1; prints one JSON line with its
    /// URLs on start.
    #[command(after_help = SERVE_HELP)]
    ServeIssuer(serve::ServeArgs),
    /// Start a local issuer in-process and verify good and bad tokens through discovery and
    /// the remote JWKS, with timings.
    Demo(demo::DemoArgs),
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Generate a private signing JWKS and its public half (with kid, alg, use: sig).
    Generate(keys::GenerateArgs),
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Show a token's header and claims (not verified); times as dates and "expires in …".
    Inspect(token::InspectArgs),
    /// Sign a token with a key file.
    Mint(token::MintArgs),
}

const SERVE_HELP: &str = "\
Startup line (stdout, one line of JSON, flushed):
  {\"issuer\", \"jwks_uri\", \"token_endpoint\", \"rotate_endpoint\", \"discovery_url\",
   \"resource\", \"resource_metadata\", \"port\", \"alg\", \"kid\", \"pid\"}
Endpoints (under the issuer URL):
  GET  /.well-known/openid-configuration, /.well-known/oauth-authorization-server
  GET  /jwks.json
  POST /token    JSON claims, e.g. {\"sub\":\"alice\",\"aud\":\"...\",\"scope\":\"read\",\"ttl\":300};
                 reserved: ttl, kid, alg, typ, header, unpublished_key; null drops a default
  POST /rotate   [?alg=ES256] [&drop_old=true]
  POST /jwks     [?status=N] serve the body as the JWKS; DELETE /jwks restores it
  GET  /.well-known/oauth-protected-resource/mcp, GET|POST /mcp [?scope=...]: a sample resource
Stops on SIGTERM/SIGINT, or when stdin closes with --exit-on-stdin-close.";

/// Runs the `mcp-bearer` command with `args` (the program name first, as
/// `std::env::args_os()` gives them) and returns its exit code (the table of `--help`).
/// Output goes to the process's stdout and stderr; help, version and usage errors are
/// printed as the binary prints them.
pub fn run<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            // `--help` and `--version` are "errors" that print to stdout and exit 0.
            let _ = error.print();
            return u8::try_from(error.exit_code()).unwrap_or(exit::USAGE);
        }
    };
    match dispatch(&cli) {
        Ok(code) => code,
        Err(error) => {
            // Errors quote files, servers and tokens: escaped like every human output.
            eprintln!("mcp-bearer: {}", output::printable(&error.to_string()));
            error.exit_code
        }
    }
}

fn dispatch(cli: &Cli) -> CliResult {
    match &cli.command {
        Command::Keys {
            command: KeysCommand::Generate(args),
        } => keys::generate(args),
        Command::Token { command } => match command {
            TokenCommand::Inspect(args) => token::inspect(args),
            TokenCommand::Mint(args) => token::mint(args),
        },
        Command::Verify(args) => verify::verify(args),
        Command::Doctor(args) => doctor::doctor(args),
        Command::ServeIssuer(args) => serve::serve_issuer(args),
        Command::Demo(args) => demo::demo(args),
    }
}
