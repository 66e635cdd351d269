"""Compile and run every test/unit/*.c: small standalone C programs that
exit 0 when all their checks pass.

Which sources a unit test links is decided by its file name:

  test_rt*.c, test_wasi*.c   the runtime: rt/*.c and wasi-rt/*.c, with
  test_simd*.c               -Irt -Iwasi-rt, -lm -lpthread
  anything else              the compiler: compiler/*.c except main.c,
                             with -Icompiler

Each side's sources are compiled once into a static archive, so a test
pulls in only the files it uses (test_bytes.c gets bytes.c, diag.c and
arena.c).  test_simd*.c is built twice, as is (the fast SIMD path) and
with -DWRT_SIMD_PORTABLE=1: both must pass and print the same last line
(a digest of every result).  Tests compile with the project's warning
flags and -O1 -g; under `make check SANITIZE=1` (W2C_TEST_FLAGS mentions
-fsanitize) the archives and the tests are built with ASan and UBSan as
well.
"""
import os

import pytest

import conftest
from conftest import EXTRA_FLAGS, NATIVE_CC, ROOT

UNIT = ROOT / "test" / "unit"
WARN = ["-std=c99", "-Wall", "-Wextra", "-Wshadow", "-O1", "-g"]
SANITIZE = any("fsanitize" in f for f in EXTRA_FLAGS)
SANFLAGS = ["-fsanitize=address,undefined", "-fno-omit-frame-pointer"] \
    if SANITIZE else []



def run(cmd, **kw):
    kw.setdefault("text", True)
    kw.setdefault("errors", "replace")
    return conftest.run(cmd, **kw)


SIDES = {
    "runtime": {
        "srcs": lambda: sorted((ROOT / "rt").glob("*.c")) +
        sorted((ROOT / "wasi-rt").glob("*.c")),
        "inc": ["-I" + str(ROOT / "rt"), "-I" + str(ROOT / "wasi-rt")],
        "libs": ["-lm", "-lpthread"],
    },
    "compiler": {
        "srcs": lambda: [p for p in sorted((ROOT / "compiler").glob("*.c"))
                         if p.name != "main.c"],
        "inc": ["-I" + str(ROOT / "compiler")],
        "libs": ["-lm"],
    },
}


def side_of(name):
    return "runtime" if name.startswith(("test_rt", "test_wasi",
                                         "test_simd")) \
        else "compiler"


def unit_tests():
    return sorted(p.name for p in UNIT.glob("*.c")) if UNIT.is_dir() else []


@pytest.fixture(scope="session")
def archives(tmp_path_factory):
    """Build each side's archive on first use; {side: path}."""
    built = {}

    def get(side):
        if side in built:
            return built[side]
        cfg = SIDES[side]
        d = tmp_path_factory.mktemp("unit-" + side)
        objs = []
        for src in cfg["srcs"]():
            obj = d / (src.parent.name + "-" + src.stem + ".o")
            r = run([NATIVE_CC, *WARN, *SANFLAGS, *cfg["inc"], "-c", src,
                     "-o", obj])
            assert r.returncode == 0, f"compiling {src} failed:\n{r.stderr}"
            objs.append(obj)
        lib = d / ("lib" + side + ".a")
        r = run(["ar", "rcs", lib, *objs])
        assert r.returncode == 0, r.stderr
        built[side] = lib
        return lib

    return get


def test_unit_tests_exist():
    assert unit_tests(), "no test/unit/*.c"


@pytest.mark.parametrize("name", unit_tests())
def test_unit(name, archives, tmp_path):
    side = side_of(name)
    cfg = SIDES[side]
    lib = archives(side)
    variants = [[], ["-DWRT_SIMD_PORTABLE=1"]] \
        if name.startswith("test_simd") else [[]]
    last = []
    for k, defs in enumerate(variants):
        exe = tmp_path / (name[:-2] + str(k))
        r = run([NATIVE_CC, *WARN, *SANFLAGS, *defs, *cfg["inc"],
                 UNIT / name, lib, *cfg["libs"], "-o", exe])
        assert r.returncode == 0, f"compiling {name} failed:\n{r.stderr}"
        env = dict(os.environ)
        env.setdefault("ASAN_OPTIONS", "halt_on_error=1")
        env.setdefault("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1")
        r = run([exe], cwd=tmp_path, env=env, timeout=120)
        assert r.returncode == 0, \
            f"{name} {' '.join(defs)} exited {r.returncode}\n" \
            f"stdout:\n{r.stdout}\nstderr:\n{r.stderr}"
        last.append((r.stdout.strip().splitlines() or [""])[-1])
    assert len(set(last)) == 1, f"{name}: the builds differ: {last}"
