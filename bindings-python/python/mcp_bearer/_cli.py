"""The ``mcp-bearer`` console script: the command line compiled into the native module."""

from __future__ import annotations

import signal
import sys

from mcp_bearer._native import run_cli


def main() -> None:
    """Runs ``mcp-bearer`` with this process's arguments and exits with its code."""
    # The command runs in Rust with the GIL released; Python's SIGINT handler would only set
    # a flag that nothing reads, so Ctrl-C gets the default action (end the process).
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(run_cli(sys.argv[1:]))
