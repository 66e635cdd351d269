"""Golden tests: the exact C that w2c generates.

For each test/golden/NAME.wasm, run
    w2c --emit=c NAME.wasm -o <tmp>/NAME.c --name=NAME
and compare the .c with test/golden/NAME.expected.c and the header with
test/golden/NAME.expected.h, byte for byte.  --emit=c writes the public
embedding API, which users compile with their own flags: the output must
also compile without a warning under -std=c99 -Wall -Wextra -pedantic, and
its header must compile as C++.

`make check UPDATE=1` (environment UPDATE=1) rewrites the expectations
instead of comparing; read the diff before committing it.  A new golden
case is a new NAME.wasm: run with UPDATE=1 once to create its expectations.
"""
import difflib
import os
import shutil

import pytest

import conftest
from conftest import NATIVE_CC, ROOT, run

GOLDEN = ROOT / "test" / "golden"
UPDATE = os.environ.get("UPDATE") == "1"
WARNINGS = ["-std=c99", "-Wall", "-Wextra", "-pedantic", "-Werror"]


def w2c(*args, **kw):
    kw.setdefault("text", True)
    return conftest.w2c(*args, **kw)


def cases():
    return sorted(p.stem for p in GOLDEN.glob("*.wasm")) \
        if GOLDEN.is_dir() else []


def generate(name, tmp_path):
    """w2c --emit=c for one case: the paths of the .c and the .h."""
    out = tmp_path / (name + ".c")
    r = w2c("--emit=c", GOLDEN / (name + ".wasm"), "-o", out,
            "--name=" + name)
    assert r.returncode == 0, f"w2c failed ({r.returncode}):\n{r.stderr}"
    return out, tmp_path / (name + ".h")


def compare(got, expected_path):
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


def test_golden_cases_exist():
    assert cases(), "no test/golden/*.wasm"


@pytest.mark.parametrize("name", cases())
def test_golden(name, w2c_bin, tmp_path):
    c, h = generate(name, tmp_path)
    compare(c.read_text(), GOLDEN / (name + ".expected.c"))
    compare(h.read_text(), GOLDEN / (name + ".expected.h"))


@pytest.mark.parametrize("name", cases())
def test_golden_compiles_without_warnings(name, w2c_bin, tmp_path):
    c, _ = generate(name, tmp_path)
    r = run([NATIVE_CC, *WARNINGS, "-I", ROOT / "rt", "-I", ROOT / "wasi-rt",
             "-c", c, "-o", tmp_path / (name + ".o")], text=True)
    assert r.returncode == 0, f"{NATIVE_CC} on {c.name}:\n{r.stderr}"


@pytest.mark.parametrize("name", cases())
def test_golden_header_stands_alone(name, w2c_bin, tmp_path):
    """The header needs nothing else, may be included twice, and is C++."""
    conftest.require_programs("c++")
    cxx = shutil.which("c++")
    _, h = generate(name, tmp_path)
    for lang, cc in [("c", NATIVE_CC), ("c++", cxx)]:
        user = tmp_path / ("user." + ("c" if lang == "c" else "cc"))
        user.write_text(f'#include "{h.name}"\n#include "{h.name}"\n')
        flags = WARNINGS if lang == "c" else WARNINGS[1:]    # not -std=c99
        r = run([cc, "-x", lang, "-fsyntax-only", *flags, "-I", tmp_path,
                 user], text=True)
        assert r.returncode == 0, f"{cc} ({lang}) on {h.name}:\n{r.stderr}"
