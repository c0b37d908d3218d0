"""The Swift of the package, checked as far as a machine without a Swift toolchain can: every
file parses with tree-sitter's Swift grammar (syntax only, no types), and the generated API
has every name the hand-written Swift calls (so a change in UniFFI's naming shows here, not
first on a Mac)."""

import pathlib

import tree_sitter
import tree_sitter_swift

PACKAGE = pathlib.Path(__file__).resolve().parent.parent.parent
GENERATED = PACKAGE / "Sources" / "MCPBearer" / "MCPBearer.swift"
HAND_WRITTEN = sorted(
    [PACKAGE / "Package.swift"]
    + [p for p in (PACKAGE / "Sources").rglob("*.swift") if p != GENERATED]
    + list((PACKAGE / "Tests").rglob("*.swift"))
)
PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_swift.language()))


def errors(path):
    found = []

    def walk(node):
        if node.is_error or node.is_missing:
            found.append((node.start_point.row + 1, node.text.split(b"\n")[0][:80].decode()))
        for child in node.children:
            walk(child)

    walk(PARSER.parse(path.read_bytes()).root_node)
    return found


def declared_names(path):
    names = set()

    def walk(node):
        if node.type in ("function_declaration", "protocol_function_declaration"):
            name = node.child_by_field_name("name")
            if name is not None:
                names.add(name.text.decode())
        if node.type == "enum_entry":
            for child in node.children:
                if child.type == "simple_identifier":
                    names.add(child.text.decode())
        for child in node.children:
            walk(child)

    walk(PARSER.parse(path.read_bytes()).root_node)
    return names


def test_the_hand_written_swift_parses():
    assert len(HAND_WRITTEN) >= 4
    for path in HAND_WRITTEN:
        assert errors(path) == [], path.relative_to(PACKAGE)


def test_the_generated_swift_parses_but_for_an_attribute_the_grammar_lacks():
    # `@_documentation(visibility: private)` is a compiler-internal attribute UniFFI puts on
    # its plumbing; the grammar does not know it. Anything else is a real parse error.
    unknown = [e for e in errors(GENERATED) if not e[1].startswith("@_documentation(")]
    assert unknown == []


def test_the_generated_api_has_what_the_hand_written_swift_calls():
    names = declared_names(GENERATED)
    used = {
        # JwtVerifier
        "verify", "verifyCached", "refreshKeys", "refreshKeysIfDue", "refreshDue",
        "withFetcher", "withFixedTime", "fromIssuer",
        # SharedSecret, errors, records
        "fromText", "fromBase64url", "allErrors", "expiresAt",
        # HttpRequest, as URLSessionFetcher reads it, and the trait it implements
        "url", "method", "headers", "body", "timeoutSeconds", "maxResponseBytes", "fetch",
        # the error cases the extension and the adapter switch over
        "InvalidToken", "InsufficientScope", "InvalidRequest", "Unavailable", "Upstream",
        "Configuration", "Timeout", "TooLarge", "Transport",
        # TypPolicy and TokenSource cases the tests name
        "accessTokenOrJwt", "strictAccessToken", "any", "jwt",
    }
    assert used - names == set()
