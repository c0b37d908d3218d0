//! The `mcp-bearer` binary: [`mcp_bearer_cli::run`] with the process's arguments.

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(mcp_bearer_cli::run(std::env::args_os()))
}
