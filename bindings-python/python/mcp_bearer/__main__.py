"""``python -m mcp_bearer``: the ``mcp-bearer`` command line."""

from mcp_bearer._cli import main

if __name__ == "__main__":
    main()
