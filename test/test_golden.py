"""Golden tests: the exact C that w2c generates.

For each test/golden/NAME.wasm, run
    w2c --emit=c NAME.wasm -o <tmp>/NAME.c --name=NAME
and compare the .c with test/golden/NAME.expected.c byte for byte.

`make check UPDATE=1` (environment UPDATE=1) rewrites the expectations
instead of comparing; read the diff before committing it.  A new golden
case is a new NAME.wasm: run with UPDATE=1 once to create its expectation.
"""
import difflib
import os

import pytest

import conftest
from conftest import ROOT

GOLDEN = ROOT / "test" / "golden"
UPDATE = os.environ.get("UPDATE") == "1"


def w2c(*args, **kw):
    kw.setdefault("text", True)
    return conftest.w2c(*args, **kw)


def cases():
    return sorted(p.stem for p in GOLDEN.glob("*.wasm")) \
        if GOLDEN.is_dir() else []


def test_golden_cases_exist():
    assert cases(), "no test/golden/*.wasm"


@pytest.mark.parametrize("name", cases())
def test_golden(name, w2c_bin, tmp_path):
    out = tmp_path / (name + ".c")
    r = w2c("--emit=c", GOLDEN / (name + ".wasm"), "-o", out,
            "--name=" + name)
    assert r.returncode == 0, f"w2c failed ({r.returncode}):\n{r.stderr}"
    got = out.read_text()
    expected_path = GOLDEN / (name + ".expected.c")
    if UPDATE:
        if not expected_path.exists() or expected_path.read_text() != got:
            expected_path.write_text(got)
        return
    assert expected_path.exists(), \
        f"{expected_path.name} missing: run `make check UPDATE=1`"
    expected = expected_path.read_text()
    if got != expected:
        diff = "".join(difflib.unified_diff(
            expected.splitlines(True), got.splitlines(True),
            str(expected_path.name), "generated", n=2))
        lines = diff.splitlines(True)
        if len(lines) > 80:
            diff = "".join(lines[:80]) + \
                f"... ({len(lines) - 80} more diff lines)\n"
        pytest.fail(f"generated C differs from {expected_path.name} "
                    f"(`make check UPDATE=1` to accept):\n{diff}")
