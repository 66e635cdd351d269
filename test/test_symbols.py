"""The runtime's external names: without WRT_PREFIX every symbol the
runtime defines is in its own namespaces (wrt_, wasi_, guest_); with
-DWRT_PREFIX=name every one of them becomes name_..., which is what lets
two libraries that each carry a runtime link into one program
(rt/wrt_names.h).  A symbol added to the runtime but not to wrt_names.h
fails here.

And the names it uses: a plugin library carries the runtime into a host
program, so nothing in it may end the process or touch signals, and with
-fno-math-errno (how libraries are compiled) neither the runtime nor the
C generated for float code may need libm, so hosts link without -lm."""
import re
import subprocess

import pytest

from conftest import NATIVE_CC, ROOT, TEST, require_programs, run, w2c

SOURCES = sorted((ROOT / "rt").glob("*.c")) + \
    sorted((ROOT / "wasi-rt").glob("*.c"))


def defined_globals(objs):
    r = run(["nm", "-g", "--defined-only", *objs], text=True)
    assert r.returncode == 0, r.stderr
    return sorted({f.split()[2] for f in r.stdout.splitlines()
                   if len(f.split()) == 3})


def compile_runtime(tmp_path, *flags):
    objs = []
    for src in SOURCES:
        obj = tmp_path / (src.parent.name + "-" + src.stem + ".o")
        r = run([NATIVE_CC, "-std=c99", "-O1", "-c", *flags,
                 "-I", ROOT / "rt", "-I", ROOT / "wasi-rt", src, "-o", obj],
                text=True)
        assert r.returncode == 0, r.stderr
        objs.append(obj)
    return objs


@pytest.fixture(autouse=True)
def need_nm():
    require_programs("nm")


def test_runtime_names_stay_in_their_namespaces(tmp_path):
    names = defined_globals(compile_runtime(tmp_path))
    assert len(names) > 90
    stray = [n for n in names if not n.startswith(("wrt_", "wasi_",
                                                    "guest_"))]
    assert stray == [], stray


def test_prefix_renames_every_runtime_symbol(tmp_path):
    plain = defined_globals(compile_runtime(tmp_path))
    pdir = tmp_path / "p"
    pdir.mkdir()
    renamed = defined_globals(compile_runtime(pdir, "-DWRT_PREFIX=zz"))
    missing = [n for n in renamed if not n.startswith("zz_")]
    assert missing == [], "add these to rt/wrt_names.h: %s" % missing
    assert renamed == ["zz_" + n for n in plain]


def test_prefixed_executable_runs(tmp_path):
    exe = tmp_path / "hello"
    r = w2c(TEST / "demo" / "hello.wasm", "-o", exe,
            "--cflags=-DWRT_PREFIX=pfx", text=True)
    assert r.returncode == 0, r.stderr
    out = subprocess.run([exe], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("hello"), out
    names = defined_globals([exe])
    assert not [n for n in names if n.startswith(("wrt_", "wasi_",
                                                  "guest_"))]
    assert "pfx_wrt_call" in names and "pfx_wasi_fd_write" in names


# What a library must never call: process exit, abort, signals.  (It
# refers to sigaction for --bounds=guard, which installs a fault handler
# only when asked: test_embed.py checks the host's handlers.)
PROCESS_ENDERS = {"exit", "_exit", "_Exit", "quick_exit", "abort", "signal",
                  "raise", "kill"}
# The libm functions C for wasm float code could plausibly reach.
LIBM = {n + s for n in ("sqrt", "ceil", "floor", "trunc", "nearbyint",
                        "rint", "round", "lrint", "fabs", "copysign", "fmin",
                        "fmax", "fmod", "remainder", "ldexp", "frexp",
                        "scalbn", "modf")
        for s in ("", "f", "l")}


def undefined(obj):
    r = run(["nm", "-u", obj], text=True)
    assert r.returncode == 0, r.stderr
    return {line.split()[-1].split("@")[0]
            for line in r.stdout.splitlines() if line.strip()}


@pytest.mark.parametrize("opt", ["-O0", "-O2"])
def test_runtime_never_ends_the_process_or_needs_libm(tmp_path, opt):
    objs = compile_runtime(tmp_path, opt, "-fPIC", "-fno-math-errno")
    printers = []
    for obj in objs:
        used = undefined(obj)
        assert not used & PROCESS_ENDERS, (obj.name, used & PROCESS_ENDERS)
        assert not used & LIBM, (obj.name, used & LIBM)
        if used & {"stderr", "stdout", "fprintf", "printf", "puts"}:
            printers.append(obj.name)
    # Only an executable's wasi_run reports a trap on stderr.
    assert printers == ["wasi-rt-run.o"]


# Every scalar and vector float operation that rounds, takes a root or
# compares, with the operand counts to feed them.
FLOAT_UNARY = ["abs", "neg", "ceil", "floor", "trunc", "nearest", "sqrt"]
FLOAT_BINARY = ["add", "sub", "mul", "div", "min", "max"]


def float_module():
    funcs = []
    for t in ("f32", "f64"):
        for op in FLOAT_UNARY:
            funcs.append(f"(func (export \"{t}_{op}\") (param {t}) "
                         f"(result {t}) (local.get 0) ({t}.{op}))")
        for op in FLOAT_BINARY + ["copysign"]:
            funcs.append(f"(func (export \"{t}_{op}\") (param {t} {t}) "
                         f"(result {t}) (local.get 0) (local.get 1) "
                         f"({t}.{op}))")
    for v in ("f32x4", "f64x2"):
        for op in FLOAT_UNARY:
            funcs.append(f"(func (export \"{v}_{op}\") (param v128) "
                         f"(result v128) (local.get 0) ({v}.{op}))")
        for op in FLOAT_BINARY + ["pmin", "pmax"]:
            funcs.append(f"(func (export \"{v}_{op}\") (param v128 v128) "
                         f"(result v128) (local.get 0) (local.get 1) "
                         f"({v}.{op}))")
    conv = [("f32.demote_f64", "f64", "f32"),
            ("f64.promote_f32", "f32", "f64"),
            ("i32.trunc_f32_s", "f32", "i32"),
            ("i64.trunc_f64_u", "f64", "i64"),
            ("i32.trunc_sat_f64_s", "f64", "i32"),
            ("i64.trunc_sat_f32_u", "f32", "i64"),
            ("f32.convert_i64_u", "i64", "f32"),
            ("f64.convert_i32_s", "i32", "f64"),
            ("f32x4.demote_f64x2_zero", "v128", "v128"),
            ("f64x2.promote_low_f32x4", "v128", "v128"),
            ("i32x4.trunc_sat_f32x4_s", "v128", "v128"),
            ("i32x4.trunc_sat_f64x2_u_zero", "v128", "v128"),
            ("f32x4.convert_i32x4_u", "v128", "v128"),
            ("f64x2.convert_low_i32x4_s", "v128", "v128")]
    for i, (op, a, r) in enumerate(conv):
        funcs.append(f"(func (export \"conv{i}\") (param {a}) (result {r}) "
                     f"(local.get 0) ({op}))")
    return "(module\n  " + "\n  ".join(funcs) + ")\n"


@pytest.mark.parametrize("opt", ["-O0", "-O2"])
@pytest.mark.parametrize("simd", ["native", "portable"])
def test_float_code_needs_no_libm(tmp_path, opt, simd):
    """C generated for every float operation, compiled as libraries are
    (-fno-math-errno), refers to no libm function on this host."""
    wat = tmp_path / "fl.wat"
    wat.write_text(float_module())
    src = tmp_path / "fl.c"
    r = w2c(wat, "--emit=c", "-o", src, text=True)
    assert r.returncode == 0, r.stderr
    obj = tmp_path / "fl.o"
    defs = ["-DWRT_SIMD_PORTABLE=1"] if simd == "portable" else []
    r = run([NATIVE_CC, "-std=c99", opt, "-fno-math-errno", *defs,
             "-I", tmp_path, "-I", ROOT / "rt", "-I", ROOT / "wasi-rt",
             "-c", src, "-o", obj], text=True)
    assert r.returncode == 0, r.stderr
    used = undefined(obj)
    assert not used & LIBM, sorted(used & LIBM)
    # The check sees calls at all: the module's helpers are real calls.
    assert any(re.match(r"(\w+_)?wrt_", n) for n in used), sorted(used)
