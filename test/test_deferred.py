"""Deferred values in the generated C (compiler/emitfn.c, Lazy).

The emitter prints values that cannot trap where they are used rather
than where they are pushed; test/wast/deferred.wast holds the cases where
that would go wrong if a write of a local or global, a call, a label or
a comparison's C type were not taken into account.  With guard bounds a
load must also stay in the C where its value is dead
(test/wast/dead_loads.wast).  They run through w2c-spec (emit C, compile,
run) with both bounds strategies, and the golden files show the C itself.
"""
import os
import re
import subprocess
from pathlib import Path

import pytest

import conftest

SPEC_RUNNER = Path(os.environ.get(
    "W2C_SPEC", conftest.W2C.resolve().parent / "w2c-spec"))
WAST = conftest.TEST / "wast"


@pytest.mark.parametrize("script,opt", [
    ("deferred.wast", "-O0"), ("deferred.wast", "-O2"),
    ("dead_loads.wast", "-O2")])
@pytest.mark.parametrize("bounds", ["guard", "check"])
def test_deferred_values_keep_wasm_order(bounds, script, opt, tmp_path):
    """deferred.wast, and dead_loads.wast: loads whose values nothing
    reads still trap, which needs the optimiser of -O2 to be tested (at
    -O0 the C compiler deletes no load)."""
    if not SPEC_RUNNER.exists():
        pytest.fail(f"{SPEC_RUNNER} not found: run `make {SPEC_RUNNER}`",
                    pytrace=False)
    path = WAST / script
    r = subprocess.run([str(SPEC_RUNNER), str(path), f"--bounds={bounds}",
                        opt, "--keep", str(tmp_path)],
                       capture_output=True, text=True, timeout=600)
    out = r.stdout + r.stderr
    m = re.search(r"^(\d+) passed, (\d+) failed$", out, re.M)
    assert m, out
    assert r.returncode == 0 and m.group(2) == "0", out
    # every command of the script ran: the module and each assertion
    commands = len(re.findall(r"^\((?:module|assert_)", path.read_text(),
                              re.M))
    assert int(m.group(1)) == commands, out


def test_dead_loads_forced_only_there(tmp_path):
    """Guard bounds force a read only where a load's value is dead: in
    dead_loads.wast's never_read, not in read_next_round, whose value the
    next round of the loop reads."""
    wat = tmp_path / "d.wat"
    wat.write_text((WAST / "dead_loads.wast").read_text()
                   .split("\n(assert_", 1)[0])
    out = tmp_path / "d.c"
    r = conftest.w2c(str(wat), "--emit=c", "--bounds=guard", "-o", str(out))
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    funcs = dict(re.findall(r'^/\* func (\d+): .*?\n(.*?)^}$', text,
                            re.M | re.S))
    assert "WRT_FORCE_READ(l1);" in funcs["0"]            # never_read
    assert "WRT_FORCE_READ_V128(l1);" in funcs["9"]       # v128_never_read
    assert "WRT_FORCE_READ" not in funcs["7"]             # read_next_round


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


def test_checked_operand_not_forced(tmp_path):
    """Before a division, a pending load that the division's own check
    reads (the divisor) is not forced: the check needs its value first.
    A pending dividend is (the check does not read it)."""
    wat = tmp_path / "div.wat"
    wat.write_text("""(module
  (memory 1)
  (func (export "by_load") (param i32) (result i32)
    (i32.div_u (i32.const 100) (i32.load (local.get 0))))
  (func (export "of_load") (param i32 i32) (result i32)
    (i32.div_u (i32.load (local.get 0)) (local.get 1))))""")
    out = tmp_path / "div.c"
    r = conftest.w2c(str(wat), "--emit=c", "--bounds=guard", "-o", str(out))
    assert r.returncode == 0, r.stderr
    funcs = dict(re.findall(r'^/\* func (\d+): .*?\n(.*?)^}$',
                            out.read_text(), re.M | re.S))
    assert "WRT_FORCE_READ" not in funcs["0"], funcs["0"]
    assert "WRT_FORCE_READ(" in funcs["1"], funcs["1"]
