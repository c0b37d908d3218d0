"""Every export of the library, as its UniFFI metadata lists it, is exercised by some test:
each function, constructor and method called, each record, enum and object carried across
the boundary, and the foreign trait's method called by Rust. Runs after every other test
(conftest.py orders it last and records the calls)."""

from conftest import EXERCISED, EXPORTS


def test_the_metadata_lists_the_exports():
    kinds = {kind for kind, _ in EXPORTS}
    assert {"function", "constructor", "method", "record", "enum", "object", "trait_method"} <= kinds
    assert ("method", "JwtVerifier.verify_cached") in EXPORTS


def test_every_export_is_exercised():
    missing = sorted(f"{kind} {name}" for kind, name in EXPORTS if (kind, name) not in EXERCISED)
    assert not missing, "exported but exercised by no test:\n  " + "\n  ".join(missing)
