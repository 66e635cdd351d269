"""Freestanding plugins for bare-metal boards: `w2c --target=arm-none-eabi
--emit=lib` (w2c-embed(3): P_new_in, P_on_trap).

- The archive: what it needs from outside is only memcpy, memmove, memset
  and memcmp plus helpers that this toolchain's libgcc.a defines (64-bit
  division, soft float, ...); nothing of the C library (no malloc, stdio,
  setjmp, exit).  Everything it defines is calc_*.  Its total text size is
  printed (pytest -s; also the junit test suite property arm_text_bytes)
  and must stay below a generous bound.
- test/embed/host_bare.c, a host that uses only calc_new_in with static
  buffers and calc_on_trap, is linked with that archive by
  `arm-none-eabi-gcc -marm --specs=rdimon.specs` and run under qemu-arm
  (semihosting gives it printf and the exit status).  The same source,
  built natively against a hosted `w2c --emit=lib` archive, must print the
  same lines, save the one saying whether calc_new works (it gives NULL in
  the freestanding build only); the lines are also checked against what
  the contract promises, with the numbers computed here.
- --emit=obj gives an ARM object and --emit=c C that arm-none-eabi-gcc
  compiles with -ffreestanding against rt/.
- The driver: no executables for a freestanding target (exit 2), no WASI
  module for one (exit 1), and no output file left behind by either.

The tools come with test/deps.sh (gcc-arm-none-eabi, libnewlib-arm-none-
eabi, qemu-user); a missing one fails the test (skips with
W2C_ALLOW_MISSING_TOOLS=1).
"""
import concurrent.futures
import math
import re
import shutil
import struct
from pathlib import Path

import pytest

from conftest import (NATIVE_CC, ROOT, W2C, missing_tool, nm_symbols,
                      require_programs, run)
from test_embed import (DIV0, ERROR, EXHAUSTED, OK, OOB, OUT_OF_MEMORY, SIG,
                        STRICT, UNDEF, UNINIT, UNREACHABLE, EMBED, checked,
                        f32, fnv1a, run_host, trap, u32)

TRIPLE = "arm-none-eabi"
# ARM (not Thumb) code runs under qemu-arm user mode; semihosting (rdimon)
# gives the program printf and its exit status.
BARE_FLAGS = ["-marm", "--specs=rdimon.specs"]
TEXT_LIMIT = 64 * 1024          # a blow-up, not a diet
PAGE = 65536

# What a freestanding environment must provide (GCC's requirement).
MEM_FUNCS = {"memcpy", "memmove", "memset", "memcmp"}
# The shape of a libgcc helper: the ARM EABI's __aeabi_* routines, GCC's
# own __gnu_* ones, and the mode-suffixed arithmetic helpers (__udivdi3,
# __clzsi2, __adddf3, __floatundisf, __gtdf2 ...).  A name must also be
# defined by libgcc.a itself, which rules out libc's __aeabi_memcpy and
# the like; the unwinder and emulated TLS are libgcc's but need libc.
HELPER = re.compile(r"^__(aeabi_[a-z0-9_]+|gnu_[a-z0-9_]+|"
                    r"[a-z]+(?:qi|hi|si|di|ti|sf|df|tf)[0-9]?)$")
NOT_HELPER = re.compile(r"^__(aeabi_(unwind|mem|atexit|errno|read_tp)|"
                        r"gnu_unwind|emutls|gcc_personality)")
FORBIDDEN = ["malloc", "calloc", "realloc", "free", "printf", "snprintf",
             "vsnprintf", "fprintf", "puts", "setjmp", "longjmp", "_setjmp",
             "__builtin_setjmp", "abort", "exit", "_exit", "pthread_create",
             "pthread_mutex_lock", "pthread_self", "sqrt", "sqrtf", "floor",
             "__aeabi_memcpy", "__aeabi_memset", "__emutls_get_address",
             "_Unwind_Resume", "__aeabi_unwind_cpp_pr0", "__errno"]


def need_newlib():
    """The bare-metal C library with semihosting (rdimon), which only the
    host program needs: a missing one counts as a missing tool."""
    require_programs(f"{TRIPLE}-gcc")
    r = run([f"{TRIPLE}-gcc", *BARE_FLAGS, "-print-file-name=librdimon.a"],
            text=True)
    if r.returncode != 0 or not Path(r.stdout.strip()).is_absolute():
        missing_tool(f"newlib for {TRIPLE} (librdimon.a)",
                     "test/deps.sh installs libnewlib-arm-none-eabi")


def nm(archive, *opts):
    """The symbol names arm-none-eabi-nm lists for archive with opts."""
    return nm_symbols(archive, *opts, tool=f"{TRIPLE}-nm")


def libgcc_helpers():
    """The helper routines this toolchain's libgcc.a defines."""
    r = checked(run([f"{TRIPLE}-gcc", "-marm", "-print-libgcc-file-name"],
                    text=True), "-print-libgcc-file-name")
    defined = nm(r.stdout.strip(), "-g", "--defined-only")
    return {s for s in defined if HELPER.match(s) and not NOT_HELPER.match(s)}


def allowed_undefined(name, helpers):
    return name in MEM_FUNCS or name in helpers


def build_lib(out_dir, *flags):
    """`w2c calc.wat --emit=lib --name=calc FLAGS -o out_dir/libcalc.a`;
    returns the archive.  The suite's W2C_TEST_FLAGS (sanitizers) are for
    native programs and are not used (as for test_embed's plain archives).
    """
    out_dir.mkdir(exist_ok=True)
    lib = out_dir / "libcalc.a"
    r = run([W2C, EMBED / "calc.wat", "--emit=lib", "--name=calc", *flags,
             "-o", lib], text=True, errors="replace")
    assert r.returncode == 0, f"w2c --emit=lib {' '.join(flags)}:\n" \
        + r.stderr
    assert lib.exists() and (out_dir / "calc.h").exists()
    return lib


@pytest.fixture(scope="module")
def libs(w2c_bin, tmp_path_factory):
    """{"bare": the arm-none-eabi archive, "native": the hosted one}, each
    beside its calc.h, built at the same time."""
    require_programs(f"{TRIPLE}-gcc", f"{TRIPLE}-ar")
    root = tmp_path_factory.mktemp("freestanding")
    jobs = {"bare": [f"--target={TRIPLE}"], "native": []}
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        futures = {k: pool.submit(build_lib, root / k, *flags)
                   for k, flags in jobs.items()}
        return {k: f.result() for k, f in futures.items()}


# ---- 1. the archive -------------------------------------------------------

def test_helper_filter_rejects_the_c_library():
    """The filter of undefined symbols lets no C library (or libm)
    function through, not even one named like a helper (__aeabi_memcpy is
    newlib's), and it knows the helpers themselves."""
    require_programs(f"{TRIPLE}-gcc", f"{TRIPLE}-nm")
    helpers = libgcc_helpers()
    assert "__aeabi_uldivmod" in helpers and "__aeabi_dadd" in helpers
    assert len(helpers) > 50, sorted(helpers)
    let_through = [n for n in FORBIDDEN if allowed_undefined(n, helpers)]
    assert let_through == []


def test_archive_needs_no_libc(libs, record_testsuite_property):
    require_programs(f"{TRIPLE}-nm", f"{TRIPLE}-size")
    lib = libs["bare"]
    helpers = libgcc_helpers()
    defined = nm(lib, "-g", "--defined-only")
    # what one member takes from another is no need from outside
    undefined = nm(lib, "-u") - defined
    stray = sorted(s for s in undefined if not allowed_undefined(s, helpers))
    assert stray == [], f"{lib.name} needs {stray}"

    assert {"calc_new", "calc_new_in", "calc_on_trap", "calc_start",
            "calc_step", "calc_free"} <= defined, sorted(defined)
    stray = sorted(s for s in defined if not s.startswith("calc_"))
    assert stray == [], f"{lib.name} defines {stray}"

    r = checked(run([f"{TRIPLE}-size", "-t", lib], text=True), "size")
    totals = [ln.split() for ln in r.stdout.splitlines()
              if "(TOTALS)" in ln]
    assert len(totals) == 1, r.stdout
    text = int(totals[0][0])
    print(f"\n{TRIPLE} libcalc.a: text {text} bytes "
          f"(data {totals[0][1]}, bss {totals[0][2]}); "
          f"undefined: {' '.join(sorted(undefined))}")
    record_testsuite_property("arm_text_bytes", text)
    assert 0 < text < TEXT_LIMIT, r.stdout


# ---- 2. the same host, bare metal and native ------------------------------

def f64_bits(x):
    return "%016x" % struct.unpack("<Q", struct.pack("<d", x))[0]


def f32_bits(x):
    return "%08x" % struct.unpack("<I", struct.pack("<f", x))[0]


def hypot(a, b):
    """calc's hypot, one IEEE double operation at a time."""
    s = math.sqrt(a * a + b * b)
    t = float(math.floor(a)) + float(math.ceil(b))
    u = float(math.trunc(a)) + float(round(b))      # round: ties to even
    return (s + t) + u


def nearestf(x):
    """calc's nearestf, rounding to float after every operation."""
    x = f32(x)
    a = f32(float(round(x)) + f32(math.sqrt(abs(x))))
    c = f32(float(math.ceil(x)) + float(math.trunc(x)))
    return f32(a + f32(float(math.floor(x)) + c))


def call(label, status=OK, result=None, message=None):
    """host_bare's line for a call: a trap must reach the callback with the
    same status and message; W2C_ERROR (misuse) is neither a trap nor an
    exit, so the callback stays quiet.  message None: any (non-empty)."""
    if status == OK:
        return f"{label} 0 cb 0" + ("" if result is None else f" = {result}")
    cb = "cb 0" if status == ERROR else f"cb 1 {status} same"
    if message is None:
        return re.compile(re.escape(f"{label} {status} [") + r".+"
                          + re.escape(f"] {cb}") + "$")
    return f"{label} {status} [{message}] {cb}"


def bare_expected():
    """Every line host_bare prints but the calc_new one, as the contract
    has it."""
    mul, base = 1000, 7
    depth = call("  depth", OK, 10)
    lines = ["new_in 0 NULL", "new_in 16 NULL", "new_in below min NULL",
             "one page fits in the rest yes",
             call("short start", OUT_OF_MEMORY),
             re.compile(r"short step 14 \[.*the instance failed to start.*\]"
                        r" cb 0$")]
    # the main instance: 3.5 pages fit in its buffer
    counter, tally = 0, 0

    def step(label, x):
        nonlocal counter, tally
        counter = u32(counter + x)
        tally += u32(x * base)
        return call(label, OK, u32(counter * mul + x))

    q, r = divmod(0xFEDCBA9876543210, 0x123456789)
    hello = b"hello, bare metal"
    lines += ["instance in buf yes",
              re.compile(r"before start 14 \[.*has not started.*\] cb 0$"),
              call("start"),
              re.compile(r"start again 14 \[.+\] cb 0$"),
              "data calc 65536 in buf",
              step("step 5", 5), step("step 9", 9),
              f"counter {counter} tally {tally} magic 0123456789abcdef"]
    counter = 4000000000
    lines += [step("step 300000000", 300000000),
              call("divmod"), f"  = {q} {r}",
              call("divmod 1"), f"  = {(1 << 64) - 1} 0",
              call("hypot"), "  = " + f64_bits(hypot(-3.75, 2.5)),
              call("hypot 2"), "  = " + f64_bits(hypot(1e150, 3.5)),
              call("nearestf"), "  = " + f32_bits(nearestf(-6.5)),
              call("nearestf 2"), "  = " + f32_bits(nearestf(1234.625)),
              call("checksum", OK, fnv1a(hello)),
              call("load 100", OK, struct.unpack("<I", hello[:4])[0]),
              call("pages", OK, 1),
              call("grow 1", OK, 1), call("grow 1", OK, 2),
              call("grow 1", OK, 0xFFFFFFFF), call("grow 0", OK, 3),
              call("pages", OK, 3),
              f"grown calc {3 * PAGE} in buf",
              "room past the memory less than a page",
              call("load 100", OK, struct.unpack("<I", hello[:4])[0]),
              call("load last", OK, 0),
              call("load past", OOB,
                   message=trap("out of bounds memory access", "load")),
              depth,
              call("load far", OOB,
                   message=trap("out of bounds memory access", "load")),
              depth,
              call("boom", UNREACHABLE, message=trap("unreachable", "boom")),
              depth,
              call("forever", EXHAUSTED,
                   message=trap("call stack exhausted", "forever")),
              depth,
              call("divmod 0", DIV0,
                   message=trap("integer divide by zero", "divmod")),
              "  = 77 88",
              depth,
              call("icall mismatch", SIG,
                   message=trap("indirect call type mismatch", "icall")),
              depth,
              call("icall null", UNINIT,
                   message=trap("uninitialized element", "icall")),
              depth,
              call("icall past", UNDEF,
                   message=trap("undefined element", "icall")),
              depth,
              call("icall ok", OK, 42),
              # the callback removed: no "cb 1"
              f"boom unwatched {UNREACHABLE} "
              f"[{trap('unreachable', 'boom')}] cb 0",
              call("boom watched", UNREACHABLE,
                   message=trap("unreachable", "boom")),
              step("step 1", 1),
              f"still calc {3 * PAGE} in buf"]
    # the buffer again, filled with junk first
    lines += [call("reuse start"), f"reuse data calc {PAGE} in buf",
              "reuse counter 0",
              call("reuse grow 1", OK, 0xFFFFFFFF),
              call("reuse pages", OK, 1)]
    # a (room for 9 pages, the module's max is 8) and b (exactly 1 page)
    lines += [call("a start"), call("b start"),
              call("a step 2", OK, 2 * mul + 2),
              call("b step 3", OK, 3 * mul + 3),
              call("a step 4", OK, 6 * mul + 4),
              "counters 6 3",
              call("a grow 7", OK, 1), call("a grow 1", OK, 0xFFFFFFFF),
              call("a pages", OK, 8),
              call("b grow 1", OK, 0xFFFFFFFF), call("b pages", OK, 1),
              f"a calc {8 * PAGE} in buf", f"b calc {PAGE} in buf",
              call("b load last", OK, 0),
              call("b load past", OOB,
                   message=trap("out of bounds memory access", "load")),
              call("m2 start"),
              call("m2 grow 1", OK, 1), call("m2 grow 1", OK, 0xFFFFFFFF),
              call("m2 pages", OK, 2),
              call("s32k start"),
              call("s32k depth 100", OK, 100),
              call("s32k depth 20000", EXHAUSTED,
                   message=trap("call stack exhausted", "depth")),
              call("s32k depth 50", OK, 50)]
    for offset in (1, 6):
        lines += [f"offset {offset}", call("  start"),
                  "  magic 0123456789abcdef",
                  call("  step 6", OK, 6 * mul + 6),
                  call("  hypot"), "  = " + f64_bits(hypot(6.0, 8.0)),
                  call("  icall null", UNINIT,
                       message=trap("uninitialized element", "icall")),
                  call("  icall ok", OK, 8),
                  f"  data calc {PAGE} in buf"]
    return lines + ["done"]


def compare(lines, want, what):
    """lines must match want (strings or compiled patterns) one by one."""
    for i, (line, w) in enumerate(zip(lines, want)):
        ok = w.match(line) if isinstance(w, re.Pattern) else line == w
        assert ok, f"{what}, line {i + 1}: got {line!r}, want " \
            f"{w.pattern if isinstance(w, re.Pattern) else w!r}"
    assert len(lines) == len(want), \
        f"{what}: {len(lines)} lines, want {len(want)}:\n" + "\n".join(lines)


def build_host(lib, cc, *flags):
    """host_bare.c, beside lib and its calc.h, as `cc FLAGS host_bare.c
    libcalc.a -o host_bare`."""
    d = lib.parent
    shutil.copy(EMBED / "host_bare.c", d / "host_bare.c")
    cmd = [cc, *STRICT, *flags, "host_bare.c", lib.name, "-o", "host_bare"]
    r = run(cmd, cwd=d, text=True, errors="replace")
    assert r.returncode == 0, " ".join(map(str, cmd)) + ":\n" + r.stderr
    return d / "host_bare"


def test_bare_host_under_qemu_matches_native(libs):
    require_programs(f"{TRIPLE}-gcc", "qemu-arm")
    need_newlib()
    bare = build_host(libs["bare"], f"{TRIPLE}-gcc", *BARE_FLAGS)
    native = build_host(libs["native"], NATIVE_CC)
    runs = {}
    for name, cmd in (("bare", ["qemu-arm", bare]), ("native", [native])):
        r = run_host(cmd)
        assert r.returncode == 0, f"{name}: status {r.returncode}\n" \
            f"{r.stdout}\n{r.stderr}"
        runs[name] = r
    print("\n" + "\n".join(f"{k}: {r.stderr.strip()}"
                           for k, r in runs.items()))
    out = {k: r.stdout.splitlines() for k, r in runs.items()}
    # calc_new: no heap on bare metal
    for name, want in (("bare", "calc_new NULL"), ("native", "calc_new set")):
        assert want in out[name], f"{name}:\n{runs[name].stdout}"
        out[name].remove(want)
    assert out["bare"] == out["native"], "\n".join(
        f"{'=' if a == b else '!'} {a!r:50} {b!r}"
        for a, b in zip(out["bare"], out["native"]))
    compare(out["bare"], bare_expected(), "host_bare")


# ---- 3. --emit=obj and --emit=c -------------------------------------------

def test_obj_and_c_for_a_freestanding_target(w2c_bin, tmp_path):
    require_programs(f"{TRIPLE}-gcc", f"{TRIPLE}-nm", f"{TRIPLE}-objdump")
    for emit, out in (("obj", "calc.o"), ("c", "calc.c")):
        r = run([W2C, EMBED / "calc.wat", f"--target={TRIPLE}",
                 f"--emit={emit}", "-o", tmp_path / out], text=True,
                errors="replace")
        assert r.returncode == 0, f"--emit={emit}:\n{r.stderr}"
    assert sorted(p.name for p in tmp_path.iterdir()) == \
        ["calc.c", "calc.h", "calc.o"]
    obj = tmp_path / "calc.o"
    r = checked(run([f"{TRIPLE}-objdump", "-f", obj], text=True), "objdump")
    assert "file format elf32-littlearm" in r.stdout, r.stdout
    assert {"calc_new_in", "calc_on_trap", "calc_step"} <= \
        nm(obj, "-g", "--defined-only")
    checked(run([f"{TRIPLE}-gcc", "-std=c99", "-O1", "-ffreestanding",
                 "-I", ROOT / "rt", "-c",
                 tmp_path / "calc.c", "-o", tmp_path / "c.o"], text=True),
            "arm-none-eabi-gcc -ffreestanding calc.c")
    assert "calc_new_in" in nm(tmp_path / "c.o", "-g", "--defined-only")


# ---- 4. what the driver refuses -------------------------------------------

WASI_WAT = """(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "hello") (result i32)
    (call $fd_write (i32.const 1) (i32.const 0) (i32.const 0)
                    (i32.const 0))))
"""


def test_driver_refuses_executables_and_wasi(w2c_bin, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "wasi.wat").write_text(WASI_WAT)
    out = tmp_path / "out"
    out.mkdir()

    def refused(args, status, *words):
        r = run([W2C.resolve(), *args], text=True, errors="replace",
                cwd=out)
        what = f"w2c {' '.join(map(str, args))}"
        assert r.returncode == status, f"{what}: status {r.returncode}, " \
            f"want {status}\n{r.stderr}"
        for w in words:
            assert w in r.stderr, f"{what}: {w!r} not in\n{r.stderr}"
        left = sorted(p.name for p in out.iterdir())
        assert left == [], f"{what} left {left}"

    calc = EMBED / "calc.wat"
    for triple in (TRIPLE, "riscv32-unknown-elf", "aarch64-none-elf"):
        refused([calc, f"--target={triple}", "--emit=exe", "-o",
                 out / "calc"], 2, "freestanding target", "no executables")
    # exe is the default
    refused([calc, f"--target={TRIPLE}", "-o", out / "calc"], 2,
            "freestanding target", "no executables")
    for emit, name in (("lib", "libwasi.a"), ("obj", "wasi.o"),
                       ("c", "wasi.c")):
        refused([src / "wasi.wat", f"--target={TRIPLE}", f"--emit={emit}",
                 "-o", out / name], 1, "WASI", "freestanding")
    # ... and without -o (lib's default name, in the current directory)
    refused([src / "wasi.wat", f"--target={TRIPLE}", "--emit=lib"], 1,
            "WASI", "freestanding")
    assert sorted(p.name for p in src.iterdir()) == ["wasi.wat"]
