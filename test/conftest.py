"""Shared pytest fixtures and helpers for the w2c tests.

Environment (set by `make check`):
  W2C             path of the w2c binary under test (default: build/w2c)
  W2C_TEST_FLAGS  extra w2c options for every build, e.g. the sanitizer
                  flags of `make check SANITIZE=1`
  W2C_TEST_CC     C compiler for native reference builds (default: cc)
  W2C_ALLOW_MISSING_TOOLS=1  skip (rather than fail) tests whose tools,
                  clang for wasm32-wasi and wasi-libc, are not installed
  W2C_TEST_TARGET a cross target (test/targets.py, e.g. aarch64-linux-gnu):
                  the program tests, the wasi-testsuite and the spec runner
                  build with --target and run the outputs under qemu-user
                  (unset or "native": this machine, as usual)
"""
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

import targets

ROOT = Path(__file__).resolve().parent.parent
TEST = ROOT / "test"
W2C = Path(os.environ.get("W2C", ROOT / "build" / "w2c"))
EXTRA_FLAGS = shlex.split(os.environ.get("W2C_TEST_FLAGS", ""))
NATIVE_CC = os.environ.get("W2C_TEST_CC", "cc")
# Debian's wasi-libc installs into clang's default wasm32-wasi search paths
# (/usr/include/wasm32-wasi, /usr/lib/wasm32-wasi); another sysroot can be
# named with WASI_SYSROOT.
WASI_SYSROOT = os.environ.get("WASI_SYSROOT", "")
TEST_TARGET = os.environ.get("W2C_TEST_TARGET", "") or None
if targets.is_native(TEST_TARGET):
    TEST_TARGET = None


def target_runner(triple):
    """(argv prefix, environment additions) that run an executable built
    for triple here: ([], {}) for None (this machine), else qemu-user and
    its QEMU_LD_PREFIX.  The table is test/targets.py."""
    return targets.target_runner(triple)


def target_flags(triple):
    """The w2c options that build for triple ([] for None)."""
    return targets.w2c_flags(triple)


def require_target_tools(triple):
    """Fail (skip with W2C_ALLOW_MISSING_TOOLS=1) unless the cross
    compiler, qemu-user and the sysroot for triple are installed."""
    missing = targets.missing_tools(triple)
    if missing:
        why = f"{triple}: not installed: " + ", ".join(missing)
        if MISSING_TOOLS_OK:
            pytest.skip(why)
        pytest.fail(why + " (test/deps.sh installs them)", pytrace=False)


def run(cmd, **kw):
    """Run cmd (a list), capturing its output (bytes unless text=True or
    errors=... is given); never raises on status."""
    kw.setdefault("capture_output", True)
    kw.setdefault("timeout", 300)
    return subprocess.run([str(c) for c in cmd], **kw)


def w2c(*args, **kw):
    """Run w2c with the suite's extra flags; returns CompletedProcess."""
    return run([W2C, *EXTRA_FLAGS, *args], **kw)


def clang_wasm(src, out, opt="-O2", extra=()):
    """Compile C source file(s) to a wasm32-wasi command module."""
    srcs = src if isinstance(src, (list, tuple)) else [src]
    sysroot = ["--sysroot=" + WASI_SYSROOT] if WASI_SYSROOT else []
    cmd = ["clang", "--target=wasm32-wasi", *sysroot,
           opt, "-o", out, *srcs, *extra]
    r = run(cmd, text=True, errors="replace")
    if r.returncode != 0:
        raise AssertionError("clang (wasm32-wasi) failed:\n" + r.stderr)
    return Path(out)


# Under `make check` a missing test tool is a failure, never a silent skip:
# test/deps.sh installs clang and wasi-libc.  W2C_ALLOW_MISSING_TOOLS=1 lets
# a developer without them run the rest (their tests are then skipped).
MISSING_TOOLS_OK = os.environ.get("W2C_ALLOW_MISSING_TOOLS") == "1"


def have_wasm_clang():
    libc = Path(WASI_SYSROOT, "lib", "wasm32-wasi", "libc.a") \
        if WASI_SYSROOT else Path("/usr/lib/wasm32-wasi/libc.a")
    return shutil.which("clang") is not None and libc.exists()


@pytest.fixture(scope="session")
def w2c_bin():
    if not W2C.exists():
        pytest.fail(f"w2c binary not found at {W2C}: run `make` first")
    return W2C
