"""Deferred values in the generated C (compiler/emitfn.c, Lazy).

The emitter prints values that cannot trap where they are used rather
than where they are pushed; test/wast/deferred.wast holds the cases where
that would go wrong if a write of a local or global, a call, a label or
a comparison's C type were not taken into account.  It runs through
w2c-spec (emit C, compile, run) with both bounds strategies, and the
golden files show the C itself.
"""
import os
import re
import subprocess
from pathlib import Path

import pytest

import conftest

SPEC_RUNNER = Path(os.environ.get(
    "W2C_SPEC", conftest.W2C.resolve().parent / "w2c-spec"))
SCRIPT = conftest.TEST / "wast" / "deferred.wast"


@pytest.mark.parametrize("bounds", ["guard", "check"])
def test_deferred_values_keep_wasm_order(bounds, tmp_path):
    if not SPEC_RUNNER.exists():
        pytest.fail(f"{SPEC_RUNNER} not found: run `make {SPEC_RUNNER}`",
                    pytrace=False)
    r = subprocess.run([str(SPEC_RUNNER), str(SCRIPT), f"--bounds={bounds}",
                        "--keep", str(tmp_path)],
                       capture_output=True, text=True, timeout=600)
    out = r.stdout + r.stderr
    m = re.search(r"^(\d+) passed, (\d+) failed$", out, re.M)
    assert m, out
    assert r.returncode == 0 and m.group(2) == "0", out
    # every command of the script ran: the module and each assertion
    commands = len(re.findall(r"^\((?:module|assert_)", SCRIPT.read_text(),
                              re.M))
    assert int(m.group(1)) == commands, out


def test_deferred_c_reads_like_expressions(tmp_path):
    """(local.set 0 (i32.add (local.get 0) (i32.const 1))) is one line."""
    wat = tmp_path / "inc.wat"
    wat.write_text("""(module
  (func (export "inc") (param i32) (result i32)
    (local.set 0 (i32.add (local.get 0) (i32.const -1)))
    (i32.shl (local.get 0) (i32.const 35))))""")
    out = tmp_path / "inc.c"
    conftest.w2c(str(wat), "--emit=c", "-o", str(out))
    text = out.read_text()
    assert "l0 = l0 - 1u;" in text
    assert "return l0 << 3;" in text
