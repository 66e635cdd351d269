"""Plugins as native libraries: the C embedding API of --emit=lib, --emit=c
and --emit=obj (w2c-embed(3)), driven by host programs in test/embed/.

  textplug.c   a WASI reactor in C (clang --target=wasm32-wasi
               -mexec-model=reactor) with two host imports: string
               transform, allocation, a trapping load, and WASI calls
               (arguments, environment, files, stdio, proc_exit)
  calc.wat     a module with a function import and two global imports
               (one mutable), exported globals, float rounding that must
               not need libm, and one export per trap kind
  host_two.c   links both plugins: imports with ctx, memory in and out,
               exported globals (results checked against Python)
  host_traps.c traps, limits (call depth, memory, C stack, a 256 KiB
               thread) and API misuse, through calc
  host_wasi.c  WASI grants per instance, proc_exit, through textplug
  host_many.c  1,000 instances under AddressSanitizer and LeakSanitizer
  host_threads.c  two threads at once under ThreadSanitizer
  tables.wat, host_tables.c  exported funcref and externref tables read
               and written by the host, called through by the module
  Makefile.pkg builds --emit=c plugins against the installed runtime with
               the flags pkg-config gives

Each set of archives (plain, ASan, TSan) is built once per module, the two
plugins of a set in parallel.  The plain archives are built without the
suite's W2C_TEST_FLAGS: the point of several tests is the exact link line
`cc host.c libtextplug.a libcalc.a` with no other flags; the sanitizer
tests below build their own instrumented archives.
"""
import concurrent.futures
import math
import os
import random
import re
import shutil
import string
import struct
import subprocess
import threading
from pathlib import Path

import pytest

from conftest import (NATIVE_CC, ROOT, TEST, W2C, clang_wasm, make_env,
                      make_in_tree, nm_symbols, require_programs, run)

EMBED = TEST / "embed"
RUN_TIMEOUT = 120
STRICT = ["-std=c99", "-Wall", "-Wextra", "-pedantic", "-Werror"]

# w2c_status numbers (the header's enum)
OK, UNREACHABLE, OOB, DIV0 = 0, 1, 2, 3
SIG, UNINIT, UNDEF = 6, 7, 8
EXHAUSTED, OUT_OF_MEMORY, EXIT, ERROR = 11, 12, 13, 14


def trap(message, func):
    return f'wasm trap: {message} in "{func}"'


def checked(r, what):
    assert r.returncode == 0, f"{what} failed ({r.returncode}):\n" \
        f"{r.stdout}\n{r.stderr}"
    return r


# ---- building -----------------------------------------------------------

class Plugins:
    """The two plugins as --emit=lib archives, one directory per variant
    (a set of C flags), each variant built on first use."""

    VARIANTS = {
        "plain": [],
        "asan": ["--cflags=-fsanitize=address -fno-omit-frame-pointer"],
        "tsan": ["--cflags=-fsanitize=thread"],
        "guard": ["--bounds=guard"],
    }

    def __init__(self, root):
        self.root = root
        self.lock = threading.Lock()
        self.built = {}
        self.wasm = None

    def textplug_wasm(self):
        if self.wasm is None:
            self.wasm = clang_wasm(EMBED / "textplug.c",
                                   self.root / "textplug.wasm",
                                   extra=["-mexec-model=reactor"])
        return self.wasm

    def get(self, variant):
        """The directory holding libtextplug.a, libcalc.a and their
        headers for variant."""
        with self.lock:
            if variant not in self.built:
                self.built[variant] = self._build(variant)
            return self.built[variant]

    def _build(self, variant):
        d = self.root / variant
        d.mkdir(exist_ok=True)      # a failed build is tried again
        flags = self.VARIANTS[variant]
        # The plain textplug takes its --name from the output file name.
        jobs = [(self.textplug_wasm(), d / "libtextplug.a",
                 flags + (["--name=textplug"] if flags else [])),
                (EMBED / "calc.wat", d / "libcalc.a",
                 flags + ["--name=calc"])]
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            results = list(pool.map(
                lambda j: run([W2C, "--emit=lib", "-O1", *j[2], j[0],
                               "-o", j[1]], text=True, errors="replace"),
                jobs))
        for (src, out, _), r in zip(jobs, results):
            assert r.returncode == 0, f"w2c --emit=lib {src.name}:\n" \
                + r.stderr
            assert out.exists(), out
            header = out.with_name(out.name[3:-2] + ".h")
            assert header.exists(), f"{header.name} not written"
        return d


@pytest.fixture(scope="module")
def plugins(w2c_bin, tmp_path_factory):
    return Plugins(tmp_path_factory.mktemp("embed"))


def compile_host(d, host, *flags, libs=("libtextplug.a", "libcalc.a")):
    """Copy test/embed/<host> into d (beside the plugin headers) and build
    it there as `cc <flags> host.c libs... -o host`; returns the path."""
    shutil.copy(EMBED / host, d / host)
    out = Path(host).stem
    cmd = [NATIVE_CC, *flags, host, *libs, "-o", out]
    r = run(cmd, cwd=d, text=True, errors="replace")
    assert r.returncode == 0, " ".join(map(str, cmd)) + ":\n" + r.stderr
    return d / out


def run_host(cmd, env=None, **kw):
    try:
        return run(cmd, env=env, timeout=RUN_TIMEOUT, text=True,
                   errors="replace", **kw)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{cmd[0]} did not finish within {RUN_TIMEOUT} s",
                    pytrace=False)


def base_env(**extra):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C"}
    env.update(extra)
    return env


# ---- 1. two plugins in one host -----------------------------------------

def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def u32(x):
    return x & 0xFFFFFFFF


def s32(x):
    x = u32(x)
    return x - (1 << 32) if x & 0x80000000 else x


def transform(text, key):
    """What textplug's transform does: reverse, then rotate letters."""
    out = []
    for c in reversed(text):
        if "a" <= c <= "z":
            c = chr(ord("a") + (ord(c) - ord("a") + key) % 26)
        elif "A" <= c <= "Z":
            c = chr(ord("A") + (ord(c) - ord("A") + key) % 26)
        out.append(c)
    return "".join(out)


def fnv1a(data):
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def two_plugin_case(rnd):
    """Random arguments for host_two and the lines it must print."""
    text = "".join(rnd.choice(string.ascii_letters + string.digits + " .,-!")
                   for _ in range(rnd.randint(12, 40)))
    ka, kb = rnd.randint(1, 25), rnd.randint(26, 400)
    fa, fb = rnd.randint(2, 9), rnd.randint(10, 99)
    mc, md = rnd.randint(2, 1 << 20), rnd.randint(2, 1 << 31)
    bc, bd = rnd.randint(1, 1000), rnd.randint(1, 1 << 30)
    x1, x2, x3 = (rnd.randint(1, 1 << 31) for _ in range(3))
    counter = rnd.randint(0, (1 << 32) - 1)
    ha = rnd.uniform(-1000, 1000)
    hb = rnd.randint(-2000, 2000) + rnd.choice([0.5, 0.25, 0.75, 0.125])
    nf = rnd.randint(-5000, 5000) + rnd.choice([0.5, 0.25, 0.0625, 0.9375])
    da, db = rnd.randint(0, (1 << 64) - 1), rnd.randint(1, 1 << 40)
    args = [text, ka, kb, fa, fb, mc, md, bc, bd, x1, x2, x3, counter,
            repr(ha), repr(hb), repr(nf), da, db]

    n = len(text)
    ta, tb = transform(text, ka), transform(text, kb)
    score_a = s32(sum(ord(c) * fa for c in ta))
    score_b = s32(sum(ord(c) * fb for c in tb))
    lines = ["A start 0", "B start 0",
             f"A note transform {n} {ka}", f"A text {ta}",
             f"A score {score_a}",
             f"B note transform {n} {kb}", f"B text {tb}",
             f"B score {score_b}",
             f"A again {ta}", f"A weights {n}", f"B weights {n}"]

    state = {"C": [0, 1000, bc, mc], "D": [0, 2000, bd, md]}

    def step(tag, x):
        st = state[tag]
        st[0] = u32(st[0] + x)
        st[1] = (st[1] + u32(x * st[2])) & ((1 << 64) - 1)
        lines.append(f"{tag} combine {st[0]} {x}")
        lines.append(f"{tag} step {u32(st[0] * st[3] + x)}")

    step("C", x1)
    state["C"][2] += 1
    step("C", x2)
    step("D", x3)
    lines += [f"C counter {state['C'][0]}", f"D counter {state['D'][0]}"]
    state["C"][0] = counter
    step("C", x3)
    lines += [f"C counter {state['C'][0]}",
              f"tally {state['C'][1]} {state['D'][1]}",
              "magic 0123456789abcdef"]

    hyp = (math.sqrt(ha * ha + hb * hb) + (math.floor(ha) + math.ceil(hb))) \
        + (math.trunc(ha) + round(hb))
    lines.append("hypot %.17g" % hyp)
    x = f32(nf)
    nr = f32(f32(float(round(x))) + f32(math.sqrt(abs(x))))
    rest = f32(math.floor(x) + f32(math.ceil(x) + math.trunc(x)))
    lines.append("nearestf %.9g" % f32(nr + rest))
    lines += [f"divmod {da // db} {da % db}", "divmod rem 1",
              "C memory 65536 calc",
              "checksum %08x" % fnv1a(text.encode()),
              "grow 1", "C pages 3 196608 calc", "D memory 65536 0",
              "done"]
    return [str(a) for a in args], lines


def test_two_plugins_in_one_host(plugins):
    d = plugins.get("plain")
    # Exactly this command: the archives carry everything they need.
    host = compile_host(d, "host_two.c", *STRICT)
    seed = random.randrange(1 << 30)
    rnd = random.Random(seed)
    for _ in range(3):
        args, want = two_plugin_case(rnd)
        r = run_host([host, *args])
        assert r.returncode == 0, (seed, args, r.stderr)
        assert r.stdout.splitlines() == want, (seed, args, r.stderr)


def test_archive_symbols_are_prefixed_and_disjoint(plugins):
    require_programs("nm")
    d = plugins.get("plain")
    defined = {}
    for name in ("textplug", "calc"):
        syms = nm_symbols(d / f"lib{name}.a", "-g", "--defined-only")
        assert f"{name}_new" in syms and f"{name}_start" in syms, syms
        stray = sorted(s for s in syms if not s.startswith(name + "_"))
        assert stray == [], f"lib{name}.a defines {stray}"
        defined[name] = syms
    assert defined["textplug"] & defined["calc"] == set()
    # each carries its own runtime, renamed
    assert "calc_wrt_call" in defined["calc"]
    assert "textplug_wrt_call" in defined["textplug"]
    assert "textplug_wasi_fd_write" in defined["textplug"]


def test_archives_never_end_the_process(plugins):
    require_programs("nm")
    d = plugins.get("plain")
    for name in ("textplug", "calc"):
        undefined = nm_symbols(d / f"lib{name}.a", "-u")
        bad = undefined & {"exit", "_exit", "_Exit", "abort", "signal",
                           "raise", "kill"}
        assert bad == set(), f"lib{name}.a references {sorted(bad)}"


SIGNAL_HOST = r"""
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "calc.h"

static sigjmp_buf pad;
static uint32_t base = 3;
static uint64_t tally;
static void on_segv(int sig) { (void)sig; siglongjmp(pad, 1); }
static uint32_t combine(void *ctx, uint32_t a, uint32_t b)
{
    (void)ctx;
    return a + b;
}

int main(void)
{
    struct sigaction sa, now;
    calc_imports imp;
    calc_instance *c;
    uint32_t r = 0;
    w2c_status st;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_segv;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    memset(&imp, 0, sizeof imp);
    imp.env_combine = combine;
    imp.env_base = &base;
    imp.env_tally = &tally;
    c = calc_new(&imp, NULL);
    if (c == NULL || calc_start(c) != W2C_OK)
        return 1;
    st = calc_load(c, 0xFFFFFFF0u, &r);
    printf("load %d [%s]\n", (int)st, calc_error_message(c));
    sigaction(SIGSEGV, NULL, &now);
    printf("handler %s\n", now.sa_handler == on_segv ? "host" : "other");
    /* the host's own fault still reaches the host's handler */
    if (sigsetjmp(pad, 1) == 0)
        printf("read %d\n", *(volatile int *)(void *)16);
    else
        printf("host fault\n");
    st = calc_load(c, 0xFFFFFFF0u, &r);
    printf("load %d\n", (int)st);
    calc_free(c);
    return 0;
}
"""


@pytest.mark.parametrize("variant", ["plain", "guard"])
def test_signal_handling_of_the_host(plugins, tmp_path, variant):
    """A library with check bounds leaves the host's handlers alone; one
    built with --bounds=guard installs its own, which traps out of bounds
    accesses and hands the host's own faults to the host's handler."""
    d = plugins.get(variant)
    (d / f"host_sig_{variant}.c").write_text(SIGNAL_HOST)
    exe = tmp_path / "host_sig"
    r = run([NATIVE_CC, "-std=c99", f"host_sig_{variant}.c", "libcalc.a",
             "-o", exe], cwd=d, text=True)
    assert r.returncode == 0, r.stderr
    r = run_host([exe])
    oob = trap("out of bounds memory access", "load")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines() == [
        f"load {OOB} [{oob}]",
        "handler " + ("host" if variant == "plain" else "other"),
        "host fault", f"load {OOB}"], r.stdout


# ---- 7. the generated headers -------------------------------------------

HEADER_USE = r"""
#include "calc.h"
#include "textplug.h"
#include "calc.h"

w2c_status use(calc_instance *c, textplug_instance *t);

w2c_status
use(calc_instance *c, textplug_instance *t)
{
    uint32_t r;
    w2c_limits lim = {0, 0, 0};
    (void)lim;
    if (calc_depth(c, 3, &r) != W2C_OK)
        return W2C_ERROR;
    return textplug_poke(t, r, NULL);
}
"""


def test_headers_compile_alone_together_and_as_cxx(plugins, tmp_path):
    require_programs("gcc")
    d = plugins.get("plain")
    for name in ("calc", "textplug"):
        text = (d / f"{name}.h").read_text()
        includes = re.findall(r"^\s*#\s*include\s*(\S+)", text, re.M)
        assert includes == ["<stddef.h>", "<stdint.h>"], includes
        shutil.copy(d / f"{name}.h", tmp_path)
        one = tmp_path / f"only_{name}.c"
        one.write_text(f'#include "{name}.h"\n'
                       f'typedef {name}_instance *{name}_handle;\n')
        checked(run(["gcc", *STRICT, "-c", one, "-o", tmp_path / "o.o"],
                    text=True), f"gcc {name}.h")
    both = tmp_path / "both.c"
    both.write_text(HEADER_USE)
    checked(run(["gcc", *STRICT, "-c", both, "-o", tmp_path / "both.o"],
                text=True), "gcc -std=c99 both headers")
    require_programs("g++")
    for std in ("-std=c++11", "-std=gnu++17"):
        checked(run(["g++", "-x", "c++", std, "-Wall", "-Wextra",
                     "-pedantic", "-Werror", "-fsyntax-only", both],
                    text=True), f"g++ {std}")
    # headers of another API version refuse to mix
    mixed = tmp_path / "mixed.c"
    mixed.write_text('#define W2C_EMBED_VERSION 2\n#include "calc.h"\n')
    r = run(["gcc", "-std=c99", "-c", mixed, "-o", tmp_path / "m.o"],
            text=True)
    assert r.returncode != 0 and "incompatible" in r.stderr, r.stderr


# ---- 2. traps, limits and misuse ----------------------------------------

class Msg:
    """A message check: exact text, or containing text, or non-empty."""

    def __init__(self, exact=None, contains=None):
        self.exact, self.contains = exact, contains

    def ok(self, m):
        if self.exact is not None:
            return m == self.exact
        if self.contains is not None:
            return self.contains in m
        return m != ""

    def __repr__(self):
        if self.exact is not None:
            return repr(self.exact)
        return f"<containing {self.contains!r}>" if self.contains \
            else "<any message>"


ANY = Msg()
NOT_STARTED = Msg(contains="the instance has not started")
FAILED = Msg(contains="the instance failed to start")


def still_works():
    return [("  same depth", OK, None, 10), ("  other depth", OK, None, 11)]


# (label, status, message check or None, result or None)
TRAP_STEPS = [
    ("before start", ERROR, NOT_STARTED, None),
    ("start", OK, None, None),
    ("start again", ERROR, ANY, None),
    ("after restart", OK, None, 4),
    ("no imports", ERROR,
     Msg(contains='import "env" "combine" is not bound'), None),
    ("no imports step", ERROR, ANY, None),
    ("no base", ERROR, Msg(contains='import "env" "base" is not bound'),
     None),
    ("no tally", ERROR, Msg(contains='import "env" "tally" is not bound'),
     None),
    ("no combine", ERROR,
     Msg(contains='import "env" "combine" is not bound'), None),
    ("load", OOB, Msg(trap("out of bounds memory access", "load")), None),
    *still_works(),
    ("load far", OOB, Msg(trap("out of bounds memory access", "load")),
     None),
    ("load last", OK, None, 0),
    ("boom", UNREACHABLE, Msg(trap("unreachable", "boom")), None),
    *still_works(),
    ("forever", EXHAUSTED, Msg(trap("call stack exhausted", "forever")),
     None),
    *still_works(),
    *still_works(),
    ("icall mismatch", SIG, Msg(trap("indirect call type mismatch", "icall")),
     None),
    ("icall null", UNINIT, Msg(trap("uninitialized element", "icall")),
     None),
    ("icall past", UNDEF, Msg(trap("undefined element", "icall")), None),
    ("icall ok", OK, None, 42),
    *still_works(),
    ("other after free", OK, None, 12),
    ("reentry step", OK, None, 8),
    ("reentry depth", OK, None, 5),
    ("depth100 50", OK, None, 50),
    ("depth100 150", EXHAUSTED, Msg(trap("call stack exhausted", "depth")),
     None),
    ("depth100 60", OK, None, 60),
    ("default 150", OK, None, 150),
    ("default 20000", OK, None, 20000),
    ("stack64k 20000", EXHAUSTED,
     Msg(trap("call stack exhausted", "depth")), None),
    ("stack64k 100", OK, None, 100),
    ("deep forever", EXHAUSTED,
     Msg(trap("call stack exhausted", "forever")), None),
    ("deep 1000", OK, None, 1000),
    ("m2 grow 1", OK, None, 1),
    ("m2 grow 1", OK, None, 0xFFFFFFFF),
    ("m2 pages", OK, None, 2),
    ("m3 grow 5", OK, None, 0xFFFFFFFF),
    ("m3 grow 2", OK, None, 1),
    ("m3 grow 1", OK, None, 0xFFFFFFFF),
    ("m3 pages", OK, None, 3),
    ("nolimit grow 7", OK, None, 1),
    ("nolimit grow 1", OK, None, 0xFFFFFFFF),
    ("nolimit pages", OK, None, 8),
    ("small start", OUT_OF_MEMORY, ANY, None),
    ("small step", ERROR, FAILED, None),
    ("small start again", ERROR, ANY, None),
    ("thread deep forever", EXHAUSTED,
     Msg(trap("call stack exhausted", "forever")), None),
    ("thread deep 100", OK, None, 100),
    ("thread forever", EXHAUSTED,
     Msg(trap("call stack exhausted", "forever")), None),
    ("thread 20000", EXHAUSTED, Msg(trap("call stack exhausted", "depth")),
     None),
    ("thread 100", OK, None, 100),
]
# lines that are not "label status [message] = result"
TRAP_OTHER_LINES = [
    "fresh message []",
    "memory before start NULL 0",
    f'divmod {DIV0} [{trap("integer divide by zero", "divmod")}] 77 88',
    f'inner load {OOB} [{trap("out of bounds memory access", "load")}]'
    " 12345",
    "m2 size 131072",
    "nolimit size 524288",
    "done",
]
STEP_LINE = re.compile(r"^(.*?) (\d+) \[(.*)\]( = (\d+)| result written: "
                       r"\d+)?$")


@pytest.mark.parametrize("variant", ["plain", "guard"])
def test_traps_limits_and_misuse(plugins, variant):
    """The same steps and messages with either bounds strategy."""
    d = plugins.get(variant)
    host = compile_host(d, "host_traps.c", *STRICT, "-pthread",
                        libs=["libcalc.a"])
    r = run_host([host])
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    for want in TRAP_OTHER_LINES:
        assert want in lines, (want, r.stdout)
    steps = [line for line in lines if line not in TRAP_OTHER_LINES]
    assert len(steps) == len(TRAP_STEPS), r.stdout
    for line, (label, status, msg, result) in zip(steps, TRAP_STEPS):
        m = STEP_LINE.match(line)
        assert m, line
        assert m.group(1) == label, (line, label)
        assert int(m.group(2)) == status, line
        if msg is not None:
            assert msg.ok(m.group(3)), (line, msg)
        if status != OK:
            assert m.group(4) is None, line + ": result written on failure"
        elif result is not None:
            assert m.group(5) is not None and int(m.group(5)) == result, \
                (line, result)
    assert lines[-1] == "done"


# ---- 3. WASI per instance -----------------------------------------------

def test_wasi_per_instance(plugins, tmp_path):
    d = plugins.get("plain")
    host = compile_host(d, "host_wasi.c", *STRICT, libs=["libtextplug.a"])
    rnd = random.Random()
    secret_a = "alpha-%08x" % rnd.randrange(1 << 32)
    secret_b = "beta-%08x" % rnd.randrange(1 << 32)
    dir_a, dir_b = tmp_path / "a", tmp_path / "b"
    dir_a.mkdir()
    dir_b.mkdir()
    (dir_a / "in.txt").write_text(secret_a + "\nsecond line\n")
    (dir_b / "in.txt").write_text(secret_b + "\n")
    (tmp_path / "in_a").write_text("hello from a\nunread\n")
    out_a, err_a = tmp_path / "out_a", tmp_path / "err_a"
    r = run_host([host, dir_a, dir_b, out_a, err_a, tmp_path / "in_a"],
                 env=base_env(SECRET_TOKEN="hunter2", COLOR="purple"),
                 cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr

    # A's grants: its stdout, stderr and files only
    assert out_a.read_text() == (
        "argc 3\nargv[0]=plug-a\nargv[1]=alpha\nargv[2]=two words\n"
        "env COLOR=red\nenv ONLY_A=yes\n"
        "getenv COLOR=red\ngetenv SECRET_TOKEN=(unset)\n"
        f"in: {secret_a}\nraw write\nstdin: HELLO FROM A\nquitting 7\n")
    assert err_a.read_text() == "echoed\n"
    assert (dir_a / "out.txt").read_text() == "written by A\n"
    assert (dir_b / "out.txt").read_text() == "written by B\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == \
        ["a", "b", "err_a", "in_a", "out_a"]

    lines = r.stdout.splitlines()
    rc = {}
    for line in lines:
        m = re.match(r"^([A-Z]) (\S+(?: late| missing| 3)?) (\d+) \[(.*)\]"
                     r"(?: = (-?\d+))?$", line)
        if m:
            rc[m.group(1), m.group(2)] = (int(m.group(3)), m.group(4),
                                         m.group(5))
    value = {k: int(v[2]) for k, v in rc.items() if v[0] == OK}
    assert value[("A", "show_args")] == 3
    assert value[("A", "show_env")] == 2
    assert value[("A", "file_io")] == 0
    assert value[("A", "raw_write")] == 10
    assert value[("A", "echo_stdin")] == len("hello from a")
    assert value[("B", "show_args")] == 1
    assert value[("B", "show_env")] == 1
    assert value[("B", "file_io")] == 0
    assert value[("B", "raw_write")] == 10
    assert value[("B", "echo_stdin")] == len("from b pipe")
    # N was granted nothing: no arguments, no environment, no files, no
    # stdio (EBADF is 8 in WASI)
    assert value[("N", "show_args")] == 0
    assert value[("N", "show_env")] == 0
    assert value[("N", "file_io")] in (76, 44)     # ENOTCAPABLE or ENOENT
    assert value[("N", "raw_write")] == -8
    assert value[("N", "echo_stdin")] == -8
    # proc_exit: W2C_EXIT with the code, and the host carries on
    assert rc[("A", "quit")][:2] == (EXIT, "wasm exited with status 7")
    assert "A exit code 7" in lines
    assert [line for line in lines if line.startswith("B raw_write")] == \
        ["B raw_write 0 [] = 10"] * 2
    for what in ("args", "env", "dir", "stdio"):
        status, msg, _ = rc[("B", f"wasi_{what} late")]
        assert (status, msg) == (
            ERROR, f"textplug_wasi_{what}: the instance has already started")
    for key in (("F", "wasi_dir missing"), ("F", "wasi_stdio 3")):
        assert rc[key][0] == ERROR and rc[key][1] != "", rc[key]
    # E wrote to the host's own stdout, in order
    e_at = lines.index("env COLOR=green")
    assert lines[e_at:e_at + 4] == [
        "env COLOR=green", "getenv COLOR=green",
        "getenv SECRET_TOKEN=(unset)", "E show_env 0 [] = 1"]
    # B's stdout and stderr shared one pipe
    assert [line[7:] for line in lines if line.startswith("B-out: ")] == [
        "argc 1", "argv[0]=plug-b", "env COLOR=blue", "getenv COLOR=blue",
        "getenv SECRET_TOKEN=(unset)", f"in: {secret_b}", "raw write",
        "stdin: FROM B PIPE", "echoed", "raw write"]
    assert "hunter2" not in r.stdout and "purple" not in r.stdout
    assert lines[-1] == "done"


# ---- 4. AddressSanitizer and LeakSanitizer ------------------------------

def sanitizer_flags_reach_the_runtime(archive, hook):
    """Every object in archive (generated code and runtime) is
    instrumented: each references the sanitizer's hook."""
    r = checked(run(["nm", "-u", archive], text=True), "nm -u")
    members, current = {}, None
    for line in r.stdout.splitlines():
        if line.endswith(":") and line.strip():
            current = line[:-1]
            members[current] = set()
        elif current is not None and line.split():
            members[current].add(line.split()[-1])
    assert len(members) >= 5, members.keys()
    bare = sorted(m for m, syms in members.items() if hook not in syms)
    assert bare == [], f"{archive.name}: not instrumented: {bare}"


def many_outcomes():
    counts = [0] * 9
    for i in range(1000):
        k = i % 8
        if k in (0, 4):
            counts[0] += 1
        elif k in (1, 2):
            counts[k] += 1
        elif k == 3:
            counts[4] += 1
        elif k == 5:
            counts[5] += 1
        elif k == 6:
            counts[6] += 1
        elif i % 16 == 7:
            counts[7] += 1
        else:
            counts[8] += 1
    return ["instances 1000"] + [f"outcome {k} {n}"
                                 for k, n in enumerate(counts)]


def test_thousand_instances_under_asan(plugins, tmp_path):
    require_programs("nm")
    d = plugins.get("asan")
    for name in ("textplug", "calc"):
        sanitizer_flags_reach_the_runtime(d / f"lib{name}.a", "__asan_init")
    host = compile_host(d, "host_many.c", "-std=c99", "-Wall", "-Wextra",
                        "-Werror", "-g", "-fsanitize=address")
    (tmp_path / "in.txt").write_text("input\n")
    r = run_host([host, tmp_path], env=base_env(
        ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0"
                     ":exitcode=99"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Sanitizer" not in r.stderr, r.stderr
    assert r.stdout.splitlines() == many_outcomes()
    assert (tmp_path / "out.txt").read_text() == "written by many\n"


# ---- 5. ThreadSanitizer -------------------------------------------------

def test_two_threads_under_tsan(plugins, tmp_path):
    require_programs("nm")
    d = plugins.get("tsan")
    for name in ("textplug", "calc"):
        sanitizer_flags_reach_the_runtime(d / f"lib{name}.a", "__tsan_init")
    host = compile_host(d, "host_threads.c", "-std=c99", "-Wall", "-Wextra",
                        "-Werror", "-g", "-pthread", "-fsanitize=thread")
    dirs = [tmp_path / "t0", tmp_path / "t1"]
    for i, t in enumerate(dirs):
        t.mkdir()
        (t / "in.txt").write_text(f"input {i}\n")
    r = run_host([host, *dirs], env=base_env(
        TSAN_OPTIONS="halt_on_error=1:exitcode=66"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "ThreadSanitizer" not in r.stderr, r.stderr
    # per round: 7 checks around the starts and WASI calls, 10 per call,
    # 2 more every 8th call
    calls = 40 * (7 + 25 * 10 + 2 * len(range(0, 25, 8)))
    assert r.stdout.splitlines() == [f"thread 0 ok {calls}",
                                     f"thread 1 ok {calls}"]
    for i, t in enumerate(dirs):
        assert (t / "out.txt").read_text() == f"written by t{i}\n"


# ---- 6. pkg-config and the installed runtime ----------------------------

@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """`make install` into a temporary prefix; returns the prefix.  What
    it installs is checked by test_cli.py; here it is built against."""
    require_programs("pkg-config")
    prefix = tmp_path_factory.mktemp("prefix")
    make_in_tree("install", f"PREFIX={prefix}")
    return prefix
    for s in srcs:
        assert Path(s).exists(), s


def emit(src, out, mode, *flags):
    r = run([W2C, f"--emit={mode}", "-O1", *flags, src, "-o", out],
            text=True, errors="replace")
    assert r.returncode == 0, f"w2c --emit={mode} {src.name}:\n" + r.stderr
    return out


def pkg_make(build_dir, target, installed, **variables):
    env = make_env(PKG_CONFIG_PATH=str(installed / "lib" / "pkgconfig"))
    cmd = ["make", "-s", "--no-print-directory", "-f",
           EMBED / "Makefile.pkg", "-C", build_dir, f"SRCDIR={EMBED}",
           f"CC={NATIVE_CC}", target,
           *(f"{k}={v}" for k, v in variables.items())]
    r = run(cmd, env=env, text=True, errors="replace", timeout=600)
    checked(r, f"make -f Makefile.pkg {target}")
    return build_dir / target


def test_emit_c_with_pkg_config(plugins, installed, tmp_path):
    wasm = plugins.textplug_wasm()
    emit(wasm, tmp_path / "textplug.c", "c", "--name=textplug")
    emit(EMBED / "calc.wat", tmp_path / "calc.c", "c")
    for name in ("textplug", "calc"):
        assert (tmp_path / f"{name}.h").exists()
    args, want = two_plugin_case(random.Random(6))
    for target in ("host_lib", "host_src"):
        host = pkg_make(tmp_path, target, installed)
        r = run_host([host, *args])
        assert r.returncode == 0, (target, r.stderr)
        assert r.stdout.splitlines() == want, target


def test_emit_obj_and_mixed_packaging(plugins, installed, tmp_path):
    wasm = plugins.textplug_wasm()
    d = plugins.get("plain")
    args, want = two_plugin_case(random.Random(7))
    # --emit=obj: objects plus headers, linked with the installed runtime
    objs = tmp_path / "obj"
    objs.mkdir()
    emit(wasm, objs / "textplug.o", "obj", "--name=textplug")
    emit(EMBED / "calc.wat", objs / "calc.o", "obj")
    host = pkg_make(objs, "host_lib", installed, PLUGIN_SRCS="",
                    PLUGIN_OBJS="textplug.o calc.o")
    r = run_host([host, *args])
    assert r.returncode == 0 and r.stdout.splitlines() == want, r.stderr
    # one --emit=lib archive (its own runtime) and one --emit=c plugin
    # (the shared installed runtime) in one host
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    shutil.copy(d / "libcalc.a", mixed)
    shutil.copy(d / "calc.h", mixed)
    emit(wasm, mixed / "textplug.c", "c", "--name=textplug")
    host = pkg_make(mixed, "host_lib", installed, PLUGIN_SRCS="textplug.c",
                    PLUGIN_LIBS="libcalc.a")
    r = run_host([host, *args])
    assert r.returncode == 0 and r.stdout.splitlines() == want, r.stderr


# ---- the README's plugin example, as written there ----------------------

def readme_plugin_example():
    """The two C blocks and the shell block of README.md's Plugins
    section: (count.c, host.c, [commands])."""
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Plugins\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(\w+)\n(.*?)```", section, re.S)
    c_blocks = [body for lang, body in blocks if lang == "c"]
    sh_blocks = [body for lang, body in blocks if lang == "sh"]
    assert len(c_blocks) == 2 and len(sh_blocks) == 1, blocks
    commands = [line.split("#", 1)[0].strip()
                for line in sh_blocks[0].splitlines()]
    return c_blocks[0], c_blocks[1], [c for c in commands if c]


def test_readme_plugin_example(w2c_bin, tmp_path):
    """Build and run README.md's plugin example exactly as it shows."""
    count_c, host_c, commands = readme_plugin_example()
    assert "count.c" in count_c.splitlines()[0]
    (tmp_path / "count.c").write_text(count_c)
    (tmp_path / "host.c").write_text(host_c)
    clang, w2c_cmd, cc, host = commands
    assert clang.startswith("clang --target=wasm32-wasi ")
    args = clang.split()[2:]
    out = args[args.index("-o") + 1]
    args = [a for a in args if a not in ("-o", out, "count.c")]
    clang_wasm(tmp_path / "count.c", tmp_path / out, opt=args[-1],
               extra=args[:-1])
    assert w2c_cmd.startswith("w2c ")
    checked(run([Path(W2C).resolve(), *w2c_cmd.split()[1:]], cwd=tmp_path,
                text=True),
            w2c_cmd)
    assert cc.startswith("cc ")
    checked(run([NATIVE_CC, *cc.split()[1:]], cwd=tmp_path, text=True), cc)
    assert host.startswith("./host ")
    text = host.split(" ", 1)[1].strip('"')
    for arg in (text, "", "AEIOU aeiou xyz " * 500):
        r = run_host(["./host", arg], cwd=tmp_path)
        checked(r, f"./host {arg[:20]!r}")
        assert r.stdout == f"{sum(c in 'aeiou' for c in arg)} vowels\n"


# ---- exported tables -----------------------------------------------------

@pytest.mark.parametrize("variant", ["plain", "guard"])
def test_exported_tables(w2c_bin, tmp_path, variant):
    """P_table_size, _get and _set: the host reads what the element segment
    wrote, moves function references between entries and stores NULL, and
    call_indirect follows (results, and each trap kind); the handle
    survives table.grow; externref entries come back as the host stored
    them.  The header compiles in strict C99 with no warnings."""
    flags = ["--bounds=guard"] if variant == "guard" else []
    checked(run([W2C, EMBED / "tables.wat", "--emit=lib", *flags, "-o",
                 tmp_path / "libtables.a"], text=True), "w2c tables.wat")
    host = compile_host(tmp_path, "host_tables.c", *STRICT,
                        libs=("libtables.a",))
    r = run_host([host], cwd=tmp_path)
    assert r.returncode == 0 and r.stdout == "ok\n", r


# ---- w2c-embed(3)'s EXAMPLE, as written there ---------------------------

def manual_example():
    """The three displays of w2c-embed(3)'s EXAMPLE section, roff escapes
    undone: (greeter.wat, host.c, the shell session)."""
    text = (ROOT / "man" / "w2c-embed.3").read_text()
    section = text.split("\n.SH EXAMPLE\n", 1)[1].split("\n.SH ", 1)[0]
    blocks = [b.replace("\\-", "-").replace("\\e", "\\") for b in
              re.findall(r"^\.nf\n(.*?)^\.fi$", section, re.S | re.M)]
    assert len(blocks) == 3, blocks
    return blocks


def test_manual_example(w2c_bin, tmp_path):
    """Build greeter.wat and host.c with the session's commands and check
    that every ./host run prints what the session shows (stdout, then
    stderr) and exits 0 exactly when it prints a result."""
    wat, host_c, session = manual_example()
    (tmp_path / "greeter.wat").write_text(wat)
    (tmp_path / "host.c").write_text(host_c)
    runs = []
    for line in session.splitlines():
        if line.startswith("$ "):
            runs.append((line[2:].split(), []))
        else:
            runs[-1][1].append(line)
    assert [cmd[0] for cmd, _ in runs] == ["w2c", "cc", "./host", "./host"]
    for cmd, want in runs:
        if cmd[0] == "./host":
            r = run_host([tmp_path / "host", *cmd[1:]], cwd=tmp_path)
            assert (r.stdout + r.stderr).splitlines() == want, r
            assert r.returncode == (0 if want[-1].startswith("result ")
                                    else 1), r
            continue
        assert want == [], (cmd, want)
        exe = Path(W2C).resolve() if cmd[0] == "w2c" else NATIVE_CC
        checked(run([exe, *cmd[1:], *(STRICT if cmd[0] == "cc" else [])],
                    cwd=tmp_path, text=True), " ".join(cmd))
