"""The runtime's external names: without WRT_PREFIX every symbol the
runtime defines is in its own namespaces (wrt_, wasi_, guest_); with
-DWRT_PREFIX=name every one of them becomes name_..., which is what lets
two libraries that each carry a runtime link into one program
(rt/wrt_names.h).  A symbol added to the runtime but not to wrt_names.h
fails here."""
import shutil
import subprocess

import pytest

from conftest import NATIVE_CC, ROOT, TEST, run, w2c

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
    if shutil.which("nm") is None:
        pytest.fail("nm (binutils) not found")


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
