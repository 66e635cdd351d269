"""Shared pytest fixtures and helpers for the w2c tests.

Environment (set by `make check`):
  W2C             path of the w2c binary under test (default: build/w2c)
  W2C_TEST_FLAGS  extra w2c options for every build, e.g. the sanitizer
                  flags of `make check SANITIZE=1`
  W2C_TEST_CC     C compiler for native reference builds (default: cc)
  W2C_ALLOW_MISSING_TOOLS=1  skip (rather than fail) tests whose tools
                  are not installed: clang for wasm32-wasi and wasi-libc,
                  the cross compilers, qemu-user, pkg-config, ...
                  (missing_tool; test/deps.sh installs them all)
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


def require_target_tools(triple):
    """Stop the test (missing_tool) unless the cross compiler, qemu-user
    and the sysroot for triple are installed."""
    missing = targets.missing_tools(triple)
    if missing:
        missing_tool(", ".join(missing), "test/deps.sh installs them")


def run(cmd, **kw):
    """Run cmd (a list), capturing its output (bytes unless text=True or
    errors=... is given); never raises on status."""
    kw.setdefault("capture_output", True)
    kw.setdefault("timeout", 300)
    return subprocess.run([str(c) for c in cmd], **kw)


def w2c(*args, **kw):
    """Run w2c with the suite's extra flags; returns CompletedProcess."""
    return run([W2C, *EXTRA_FLAGS, *args], **kw)


def make_env(**extra):
    """Our environment plus extra, for a sub-make: no jobserver or flags
    inherited from a `make check` around us."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEFILES")}
    env.update(extra)
    return env


def make_in_tree(*args):
    """`make -s ARGS` in the source tree, for the build directory of the
    w2c under test (build/, or build-san/ as `make SANITIZE=1`); asserts
    success."""
    build = W2C.resolve().parent
    sanitize = ["SANITIZE=1"] if build == (ROOT / "build-san").resolve() \
        else []
    assert sanitize or build == (ROOT / "build").resolve(), \
        f"{W2C} is not ROOT/build/w2c or ROOT/build-san/w2c"
    r = run(["make", "-s", "--no-print-directory", "-C", ROOT, *sanitize,
             *args], env=make_env(), text=True, errors="replace",
            timeout=900)
    assert r.returncode == 0, \
        f"make {' '.join(args)}:\n{r.stdout}{r.stderr}"


def nm_symbols(path, *opts, tool="nm"):
    """The set of symbol names `tool opts path` lists (lines "value type
    name" or "type name"; an archive's member headers skipped)."""
    r = run([tool, *opts, path], text=True, errors="replace")
    assert r.returncode == 0, f"{tool} {' '.join(opts)} {path}:\n{r.stderr}"
    return {line.split()[-1] for line in r.stdout.splitlines()
            if len(line.split()) >= 2 and not line.endswith(":")}


def clang_wasm(src, out, opt="-O2", extra=()):
    """Compile C source file(s) to a wasm32-wasi command module (stops the
    test through require_wasm_clang when clang or wasi-libc is missing)."""
    require_wasm_clang()
    srcs = src if isinstance(src, (list, tuple)) else [src]
    sysroot = ["--sysroot=" + WASI_SYSROOT] if WASI_SYSROOT else []
    cmd = ["clang", "--target=wasm32-wasi", *sysroot,
           opt, "-o", out, *srcs, *extra]
    r = run(cmd, text=True, errors="replace")
    if r.returncode != 0:
        raise AssertionError("clang (wasm32-wasi) failed:\n" + r.stderr)
    return Path(out)


# Under `make check` a missing test tool is a failure, never a silent skip:
# test/deps.sh installs them all.  W2C_ALLOW_MISSING_TOOLS=1 lets a
# developer without some of them run the rest (their tests are then
# skipped).
MISSING_TOOLS_OK = os.environ.get("W2C_ALLOW_MISSING_TOOLS") == "1"


def missing_tool(what, install_hint):
    """Stop the test because what (the missing tools, one string) is not
    installed: a failure, or a skip under W2C_ALLOW_MISSING_TOOLS=1.
    install_hint says how to get it, e.g. "test/deps.sh installs it"."""
    why = f"not installed: {what}; {install_hint}"
    if MISSING_TOOLS_OK:
        pytest.skip(why)
    pytest.fail(why, pytrace=False)


def debian_package(program):
    """The Debian package with program in it: one test/deps.sh installs,
    or one those depend on (g++ brings gcc and binutils' nm,
    gcc-arm-none-eabi brings binutils-arm-none-eabi)."""
    if program.startswith("qemu-"):
        return "qemu-user"
    if program.startswith("arm-none-eabi-"):
        return "gcc-arm-none-eabi" if program.endswith("-gcc") \
            else "binutils-arm-none-eabi"
    if program.endswith("-gcc") and program[:-4] in targets.TARGETS:
        return "gcc-" + program[:-4]
    return {"nm": "binutils", "ar": "binutils", "c++": "g++",
            "pkg-config": "pkgconf"}.get(program, program)


def require_programs(*names):
    """Stop the test (missing_tool) unless every program of names is on
    PATH."""
    missing = [n for n in names if shutil.which(n) is None]
    if missing:
        missing_tool(", ".join(f"{n} (Debian: {debian_package(n)})"
                               for n in missing),
                     "test/deps.sh installs " +
                     ("it" if len(missing) == 1 else "them"))


def have_wasm_clang():
    libc = Path(WASI_SYSROOT, "lib", "wasm32-wasi", "libc.a") \
        if WASI_SYSROOT else Path("/usr/lib/wasm32-wasi/libc.a")
    return shutil.which("clang") is not None and libc.exists()


def require_wasm_clang():
    """Stop the test (missing_tool) unless clang and wasi-libc are there
    to build wasm32-wasi programs."""
    if not have_wasm_clang():
        sysroot = f" under WASI_SYSROOT={WASI_SYSROOT}" if WASI_SYSROOT \
            else ""
        missing_tool(f"clang for wasm32-wasi or wasi-libc{sysroot}",
                     "test/deps.sh installs clang, lld, wasi-libc and "
                     "libclang-rt-dev-wasm32")


@pytest.fixture(scope="session")
def w2c_bin():
    if not W2C.exists():
        pytest.fail(f"w2c binary not found at {W2C}: run `make` first")
    return W2C
