"""Malformed and invalid modules: w2c rejects them cleanly.

Contract (DESIGN.md, "Command line"; STYLE.md section 3): invalid input
makes w2c exit 1 after printing one located diagnostic per problem,
`<path>:0x<8 hex digits>: error: <message>`; it writes no output file,
never crashes and never allocates without bound.  Every module here has
exactly one problem, so exactly one line is expected, at the offset of the
offending byte (or instruction) where that offset is well defined.

The inputs are built with wasmgen at test time; each case keeps its input,
the expected offset and the words its message must contain together in
the CASES table below.
"""
import os
import random
import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import EXTRA_FLAGS, W2C, run, w2c
from wasmgen import (F64, HEADER, I32, I64, SEC_CODE, SEC_DATA, SEC_FUNC,
                     SEC_IMPORT, SEC_MEMORY, SEC_TYPE, V128, WASI, Command,
                     Module, asm, f64, find_unique, functype, section, uleb,
                     vec)

DIAG_RE = re.compile(
    r"^(?P<path>.+):0x(?P<off>[0-9a-f]{8}): error: (?P<msg>.+)$")
# What the fuzz loop accepts: an error line for the input, located by
# offset or line:column or not at all (a mangled magic may make w2c read
# the file as text; where a .wasm must be located is checked above).
ERROR_RE = re.compile(
    r"^(?P<path>.+?)(:0x[0-9a-f]{8}|:[0-9]+:[0-9]+)?: error: .+$")
SANITIZER_RE = re.compile(r"ERROR: AddressSanitizer|runtime error:|"
                          r"ERROR: LeakSanitizer|internal error")
MEM_LIMIT = 1 << 30          # address-space cap for w2c on bad input


def under_asan():
    if os.environ.get("SANITIZE") or \
            any("sanitize" in f for f in EXTRA_FLAGS):
        return True
    try:
        return b"__asan_init" in Path(W2C).read_bytes()
    except OSError:
        return False


ASAN = under_asan()


def w2c_limited(*args, timeout=60):
    """w2c with its address space capped (not under ASan, which reserves
    terabytes of shadow memory), so an unbounded allocation fails the run
    instead of the machine."""
    cmd = [W2C, *EXTRA_FLAGS, *args]
    if not ASAN:
        cmd = ["sh", "-c", f'ulimit -v {MEM_LIMIT // 1024} && exec "$@"',
               "w2c", *cmd]
    return run(cmd, timeout=timeout, errors="replace")


def check_rejected(r, path, where=None, words=(), label=""):
    """r is a finished w2c run on path: exit 1 and one located diagnostic.
    where: None (any offset), an int, a set of ints, or a range.  words:
    regexes the message must contain (case-insensitive).  Returns the
    offset."""
    label = label or str(path)
    assert not SANITIZER_RE.search(r.stderr), \
        f"{label}: sanitizer or internal error:\n{r.stderr}"
    assert r.returncode == 1, \
        f"{label}: exit status {r.returncode}, expected 1; " \
        f"stderr: {r.stderr!r}"
    lines = r.stderr.splitlines()
    assert len(lines) == 1, \
        f"{label}: expected one diagnostic line, got {r.stderr!r}"
    m = DIAG_RE.match(lines[0])
    assert m, f"{label}: diagnostic not in located form: {lines[0]!r}"
    assert m["path"] == str(path), f"{label}: wrong path in {lines[0]!r}"
    off = int(m["off"], 16)
    if where is not None:
        ok = off == where if isinstance(where, int) else off in where
        want = hex(where) if isinstance(where, int) else \
            (f"0x{where.start:x}..0x{where.stop - 1:x}"
             if isinstance(where, range)
             else ", ".join(hex(w) for w in sorted(where)))
        assert ok, f"{label}: diagnostic at 0x{off:x}, expected {want}: " \
            f"{lines[0]!r}"
    for w in words:
        assert re.search(w, m["msg"], re.I), \
            f"{label}: message should match /{w}/: {lines[0]!r}"
    return off


def span(lo, hi):
    """Offsets lo..hi inclusive."""
    return range(lo, hi + 1)


# ---- building blocks ---------------------------------------------------


def command(extra=None):
    """A small valid WASI command: proc_exit import, memory, a global, a
    data segment and a name section.  extra(m) may add to it before
    _start is defined."""
    m = Command(pages=1)
    g = m.global_(I32, False, asm("i32.const 3"))
    if extra:
        extra(m)
    m.func("_start", [], [], asm(("global.get", g), ("call", m.proc_exit)),
           export="_start")
    m.data(16, b"hi")
    return m


def tiny():
    """The smallest complete command: memory and an empty _start."""
    m = Module()
    m.memory(1)
    m.func("_start", [], [], b"", export="_start")
    return m


def raw(*sections):
    """A module from (id, payload) pairs, in the order given."""
    return HEADER + b"".join(section(i, p) for i, p in sections)


def with_func(body, params=(), results=(), locals_=(), fname="bad_fn",
              imports=False, globals_=()):
    """A command whose extra function fname has the given body.  Returns
    (bytes, function index)."""
    m = Module()
    if imports:
        m.import_func(WASI, "proc_exit", [I32], [])
    m.memory(1)
    for vt, mut, init in globals_:
        m.global_(vt, mut, init)
    m.func("_start", [], [], b"", export="_start")
    idx = m.func(fname, list(params), list(results), body, locals_=locals_)
    return m.encode(), idx


# ---- the cases ---------------------------------------------------------

CASES = {}      # name -> (bytes, where, words)


def case(cname, data, where=None, words=()):
    assert cname not in CASES
    CASES[cname] = (bytes(data), where, tuple(words))


def make_cases():
    valid = tiny().encode()
    case("empty-file", b"", 0)
    case("magic-only", b"\0asm", 4)
    case("bad-magic", b"\0asn" + valid[4:], span(0, 3), ["magic"])
    case("bad-magic-elf", b"\x7fELF" + valid[4:], span(0, 3), ["magic"])
    case("bad-version", valid[:4] + b"\2\0\0\0" + valid[8:], span(4, 7),
         ["version"])
    case("truncated-version", valid[:6], span(4, 6))

    # LEB128: a 6-byte u32 (the 5th byte still continues) as a section
    # size, a 5-byte u32 whose last byte sets bits above 32, and a 5-byte
    # s32 whose unused bits do not repeat the sign.
    types = vec([functype([], [])])
    case("leb-overlong-size",
         HEADER + b"\x01" + b"\x80\x80\x80\x80\x80\x00" + types,
         span(9, 13))
    case("leb-u32-too-large",
         HEADER + section(SEC_TYPE, b"\xff\xff\xff\xff\x1f" + types[1:]),
         span(10, 14))
    d, _ = with_func(b"\x41\xff\xff\xff\xff\x4f\x1a")
    at = find_unique(d, b"\x41\xff\xff\xff\xff\x4f")
    case("leb-s32-too-large", d, span(at + 1, at + 5))
    # an s64 of 11 bytes: the 10th still has the continuation bit
    d, _ = with_func(b"\x42\x85" + b"\x80" * 9 + b"\x00\x1a")
    at = find_unique(d, b"\x42\x85\x80")
    case("leb-s64-overlong", d, span(at + 1, at + 10))

    # Section sizes that disagree with their contents.
    case("section-past-end",
         HEADER + b"\x01\x20" + types, span(8, 9))
    case("section-shorter-than-contents",
         HEADER + b"\x01\x03" + types + section(SEC_FUNC, b"\x00"),
         span(8, 13))
    case("section-longer-than-contents",
         HEADER + section(SEC_TYPE, types + b"\x00"), span(8, 14))

    # Counts far larger than the bytes left (no giant allocation).
    case("type-count-huge",
         HEADER + section(SEC_TYPE, uleb(0xFFFFFFF0) + b"\x60\x00\x00"),
         span(10, 18))
    case("func-count-huge",
         HEADER + section(SEC_TYPE, types) +
         section(SEC_FUNC, uleb(0xFFFFFFFF) + b"\x00"), None)
    case("code-count-huge",
         HEADER + section(SEC_TYPE, types) +
         section(SEC_FUNC, b"\x01\x00") +
         section(SEC_CODE, uleb(0x7FFFFFFF) + b"\x02\x00\x0b"), None)
    case("name-length-huge",
         HEADER + section(SEC_IMPORT, b"\x01" + uleb(0xFFFFFFF0) + b"ab"),
         None)
    case("data-length-huge",
         HEADER + section(SEC_MEMORY, b"\x01\x00\x01") +
         section(SEC_DATA, b"\x01\x00\x41\x00\x0b" + uleb(0xFFFFFFF0) +
                 b"xy"), None)
    body_huge = b"\x01" + uleb(0xFFFFFFFF) + bytes([I32]) + b"\x0b"
    case("locals-count-huge",
         HEADER + section(SEC_TYPE, types) +
         section(SEC_FUNC, b"\x01\x00") +
         section(SEC_CODE, b"\x01" + uleb(len(body_huge)) + body_huge),
         None)
    body_sum = b"\x02" + uleb(0x80000000) + bytes([I32]) + \
        uleb(0x80000000) + bytes([I64]) + b"\x0b"
    case("locals-sum-overflows",
         HEADER + section(SEC_TYPE, types) +
         section(SEC_FUNC, b"\x01\x00") +
         section(SEC_CODE, b"\x01" + uleb(len(body_sum)) + body_sum),
         None)

    # Names must be valid UTF-8 (binary: names).
    for tag, seq in (("overlong", b"\xc0\x80"),
                     ("overlong-3byte", b"\xe0\x80\xaf"),
                     ("lone-surrogate", b"\xed\xa0\x80"),
                     ("truncated", b"\xe2\x82"),
                     ("stray-continuation", b"\x80"),
                     ("above-max", b"\xf4\x90\x80\x80")):
        field = b"fd_" + seq + b"x"
        m = Module()
        m.import_func(WASI, field, [I32], [])
        m.memory(1)
        m.func("_start", [], [], b"", export="_start")
        m.names = False
        d = m.encode()
        bad = find_unique(d, field) + 3
        case(f"utf8-import-{tag}", d, span(bad - 4, bad + len(seq)),
             ["utf-?8|encoding"])
    m = tiny()
    m.export(b"caf\xc3", 0, 0)
    d = m.encode()
    bad = find_unique(d, b"caf\xc3")
    case("utf8-export-truncated-at-end", d, span(bad - 1, bad + 4),
         ["utf-?8|encoding"])

    # Section order and identity.
    ftype = (SEC_TYPE, types)
    fsec = (SEC_FUNC, b"\x01\x00")
    code = (SEC_CODE, b"\x01\x02\x00\x0b")
    mem = (SEC_MEMORY, b"\x01\x00\x01")
    d = raw(mem, ftype, fsec, code)
    case("section-out-of-order", d, span(13, 14))
    d = raw(ftype, ftype, fsec, code)
    case("section-duplicate", d, span(8 + 2 + len(types),
                                      8 + 3 + len(types)))
    d = raw(ftype, fsec, code, mem)
    mem_at = len(raw(ftype, fsec, code))
    case("section-memory-after-code", d, span(mem_at, mem_at + 1))
    d = raw(ftype, (0x20, b"\x00"), fsec, code)
    case("section-unknown-id", d, span(8 + 2 + len(types),
                                       8 + 3 + len(types)), ["section"])
    d = raw(ftype, (13 + 20, b""), fsec, code)
    case("section-unknown-id-empty", d, span(8 + 2 + len(types),
                                             8 + 3 + len(types)),
         ["section"])

    # Function and code sections must agree.
    d = raw(ftype, (SEC_FUNC, b"\x02\x00\x00"), code)
    cstart = len(raw(ftype, (SEC_FUNC, b"\x02\x00\x00")))
    case("function-code-mismatch", d, span(cstart, len(d)))
    d = raw(ftype, fsec, (SEC_CODE, b"\x02\x02\x00\x0b\x02\x00\x0b"))
    case("code-more-than-functions", d, None)
    d = raw(ftype, fsec)
    case("code-section-missing", d, span(0, len(d)))
    d = raw(ftype, fsec, (SEC_CODE, b"\x01\x04\x00\x41\x00\x1a"))
    case("body-without-end", d, span(len(d) - 3, len(d)))
    d = raw(ftype, fsec, (SEC_CODE, b"\x01\x04\x00\x0b\x01\x0b"))
    case("body-bytes-after-end", d, span(len(d) - 3, len(d)))
    d = raw(ftype, fsec, (SEC_CODE, b"\x01\x04\x00\x02\x40\x0b"))
    case("body-block-not-closed", d, span(len(d) - 3, len(d)))
    d, _ = with_func(b"\x41\x00\xff\x1a")
    case("unknown-opcode", d, find_unique(d, b"\x41\x00\xff") + 2)

    # Module-level validation.
    d = raw((SEC_MEMORY, b"\x01\x01\x02\x01"))
    case("memory-min-over-max", d, span(10, 13))
    d = raw((SEC_MEMORY, b"\x01\x00" + uleb(65537)))
    case("memory-too-large", d, span(10, 14))
    m = tiny()
    m.export("_start", 0, 0)
    case("export-duplicate-name", m.encode(), None, ["_start"])
    m = tiny()
    m.export("f", 0, 7)
    case("export-unknown-function", m.encode(), None)

    # Type errors in code: located at the instruction, naming the function.
    def code_case(cname, body, target, idx_words=True, **kw):
        d, idx = with_func(body, fname=cname.replace("-", "_"), **kw)
        off = find_unique(d, target[0]) + target[1]
        words = [rf"function {idx}\b", f'"{cname.replace("-", "_")}"'] \
            if idx_words else []
        case(cname, d, off, words)

    code_case("add-i32-on-f64",
              asm("f64.const 1.5", "i32.const 1", "i32.add", "drop"),
              (f64(1.5) + b"\x41\x01\x6a", 10))
    code_case("add-i32-on-f64-after-import",
              asm("f64.const 2.5", "i32.const 1", "i32.add", "drop"),
              (f64(2.5) + b"\x41\x01\x6a", 10), imports=True)
    d, idx = with_func(asm("f64.const 3.5"), results=[I32], fname="ret_f64")
    end = find_unique(d, f64(3.5) + b"\x0b") + 8
    case("wrong-return-type", d, {end, end - 9},
         [rf"function {idx}\b", '"ret_f64"'])
    code_case("br-unknown-label", asm("block", "br 5", "end"),
              (b"\x02\x40\x0c\x05", 2))
    code_case("call-unknown-function", asm("call 99"), (b"\x10\x63", 0))
    code_case("local-index-out-of-range", asm("local.get 2", "drop"),
              (b"\x20\x02\x1a", 0), params=[I32], locals_=[F64])
    code_case("global-set-immutable", asm("i32.const 1", "global.set 0"),
              (b"\x41\x01\x24\x00", 2),
              globals_=[(I32, False, asm("i32.const 0"))])
    code_case("drop-empty-stack", asm("nop", "drop"), (b"\x01\x1a", 1))
    code_case("if-without-condition", asm("if", "end"), (b"\x04\x40", 0))

    # Features not implemented yet are named, at the instruction or type.
    relaxed = b"\xfd\x80\x02"        # i8x16.relaxed_swizzle (Wasm 3.0)
    d, _ = with_func(relaxed)
    case("relaxed-simd", d, find_unique(d, relaxed), ["relaxed simd"])
    atomic = b"\xfe\x03\x00"         # atomic.fence
    d, _ = with_func(atomic)
    case("threads-atomic", d, find_unique(d, atomic), ["threads"])
    tail = b"\x12\x00"               # return_call 0
    d, _ = with_func(tail)
    case("tail-call", d, find_unique(d, tail), ["tail call"])
    d = raw((SEC_TYPE, b"\x01" + functype([0x63], [])))
    case("typed-ref-param-type", d, find_unique(d, b"\x60\x01\x63") + 2,
         ["typed function references"])

    # Imports the executable cannot provide.
    def import_case(cname, module, field, params, results, words):
        m = Module()
        m.import_func(module, field, params, results)
        m.memory(1)
        m.func("_start", [], [], b"", export="_start")
        d = m.encode()
        imp = [s for s in m.section_offsets() if s[0] == SEC_IMPORT][0]
        case(cname, d, span(imp[1], imp[2] - 1), words)

    # path_open's real signature has a ninth parameter, fd_out.
    import_case("wasi-path-open-wrong-signature", WASI, "path_open",
                [I32, I32, I32, I32, I32, I64, I64, I32], [I32],
                ["path_open"])
    import_case("wasi-unknown-function", WASI, "no_such_call", [], [I32],
                ["no_such_call"])
    import_case("wasi-fd-write-wrong-type", WASI, "fd_write", [I32], [I32],
                ["fd_write"])
    import_case("import-env-foo", "env", "foo", [], [], ["env", "foo"])


make_cases()


@pytest.mark.parametrize("cname", sorted(CASES))
def test_bad_input(w2c_bin, tmp_path, cname):
    data, where, words = CASES[cname]
    src = tmp_path / (cname + ".wasm")
    src.write_bytes(data)
    out = tmp_path / "out"
    r = w2c_limited(src, "-o", out)
    check_rejected(r, src, where, words, cname)
    assert sorted(p.name for p in tmp_path.iterdir()) == [src.name], \
        f"{cname}: w2c left output behind"


def test_missing_input_file(w2c_bin, tmp_path):
    """Not invalid input but an I/O error: status 2, no crash."""
    r = w2c_limited(tmp_path / "nope.wasm", "-o", tmp_path / "out")
    assert r.returncode == 2, r.stderr
    assert not SANITIZER_RE.search(r.stderr)


def test_controls_are_valid(w2c_bin, tmp_path):
    """The fault-free versions of the modules above compile."""
    d, _ = with_func(asm("f64.const 1.5", "i32.const 1", "drop", "drop"))
    for i, data in enumerate([tiny().encode(), command().encode(), d]):
        src = tmp_path / f"ok{i}.wasm"
        src.write_bytes(data)
        r = w2c_limited(src, "--emit=c", "-o", tmp_path / f"ok{i}")
        assert r.returncode == 0, f"control {i}: {r.stderr}"


def test_import_controls_compile(w2c_bin, tmp_path):
    """fd_write with its real type is accepted as an import."""
    m = Command(pages=1)
    m.func("_start", [], [], asm("i64.const 1", ("call", m.print_hex)),
           export="_start")
    src = tmp_path / "fdw.wasm"
    src.write_bytes(m.encode())
    r = w2c(src, "-O0", "-o", tmp_path / "fdw", errors="replace")
    assert r.returncode == 0, r.stderr
    r = run([tmp_path / "fdw"], timeout=60, errors="replace")
    assert (r.returncode, r.stdout) == (0, "0000000000000001\n")


# ---- every truncation of a valid module --------------------------------


def test_truncated_prefixes(w2c_bin, tmp_path):
    m = command()
    data = m.encode()
    assert len(data) < 400
    # Prefixes ending on a section boundary may be valid modules.
    boundaries = {len(HEADER)} | {end for _, _, end in m.section_offsets()}
    outdir = tmp_path / "out"
    outdir.mkdir()
    src = tmp_path / "prefix.wasm"
    failures = []
    for n in range(len(data)):
        src.write_bytes(data[:n])
        r = w2c_limited(src, "--emit=c", "-o", outdir / "prefix")
        label = f"prefix of {n} bytes"
        try:
            if n in boundaries and r.returncode == 0:
                pass
            else:
                check_rejected(r, src, span(0, n), (), label)
                assert not any(outdir.iterdir()), \
                    f"{label}: w2c left output behind"
        except AssertionError as e:
            failures.append(str(e))
        for p in outdir.iterdir():
            p.unlink()
    assert not failures, "\n".join(failures[:20])
    # And the whole module compiles.
    src.write_bytes(data)
    r = w2c_limited(src, "--emit=c", "-o", outdir / "prefix")
    assert r.returncode == 0, r.stderr


# ---- random mutations --------------------------------------------------

FUZZ_SEED = 20240607
FUZZ_COUNT = 3000
FUZZ_BUDGET = 30.0 if ASAN else 50.0    # seconds; cuts the count short


def mutate(rng, data):
    d = bytearray(data)
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        k = rng.randrange(6)
        i = rng.randrange(len(d)) if d else 0
        if k == 0 and d:
            d[i] ^= 1 << rng.randrange(8)
        elif k == 1 and d:
            d[i] = rng.choice((0x00, 0x7F, 0x80, 0xFF, rng.randrange(256)))
        elif k == 2:
            d.insert(i, rng.randrange(256))
        elif k == 3 and d:
            del d[i]
        elif k == 4:
            del d[rng.randrange(len(d) + 1):]
        elif k == 5 and d:
            d[i:i + 1] = b"\xff\xff\xff\xff\x0f"
    return bytes(d)


def fuzz_seeds():
    """Valid modules that reach most of the reader and validator."""
    c = command()
    t = Command(pages=1)
    f = t.func("loops", [I32], [I32], asm(
        "block i32", "loop", "local.get 0", "i32.eqz", "br_if 1",
        "local.get 0", "i32.const 1", "i32.sub", "local.set 0", "br 0",
        "end", "i32.const 9", "end", "i64.const -5", "f64.const 0.25",
        "f64.convert_i64_s", "f64.add", "i32.trunc_sat_f64_s", "i32.add"),
        locals_=[I64, F64])
    t.table(2)
    t.elem(0, [f])
    t.func("_start", [], [], asm(
        "i32.const 3", "i32.const 0", ("call_indirect", t.type([I32], [I32])),
        "i32.const 100", "i32.load offset=4", "i32.add",
        "i32.const 0", "i32.const 1", "i32.const 8", "memory.fill",
        "i64.extend_i32_s", ("call", t.print_hex)), export="_start")
    t.data(100, b"abcdefgh")
    return [c.encode(), t.encode()]


def test_fuzz_mutations_never_crash(w2c_bin, tmp_path):
    rng = random.Random(FUZZ_SEED)
    seeds = fuzz_seeds()
    inputs = [mutate(rng, seeds[i % len(seeds)]) for i in range(FUZZ_COUNT)]
    deadline = time.monotonic() + FUZZ_BUDGET

    def one(i):
        if time.monotonic() > deadline:
            return None             # over budget: not run
        d = tmp_path / f"m{i}"
        d.mkdir()
        src = d / "m.wasm"
        src.write_bytes(inputs[i])
        r = w2c_limited(src, "--emit=c", "-o", d / "m", timeout=60)
        problem = ""
        if SANITIZER_RE.search(r.stderr) or r.returncode not in (0, 1):
            problem = f"status {r.returncode}: {r.stderr[-2000:]}"
        elif r.returncode == 1:
            lines = r.stderr.splitlines()
            m = ERROR_RE.match(lines[0]) if lines else None
            if not m or m["path"] != str(src):
                problem = f"bad diagnostic: {r.stderr[-500:]!r}"
        if problem:
            keep = tmp_path / f"crash{i}.wasm"
            keep.write_bytes(inputs[i])
            problem = f"mutation {i} (saved as {keep}): {problem}"
        shutil.rmtree(d, ignore_errors=True)
        return problem

    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as ex:
        results = list(ex.map(one, range(FUZZ_COUNT)))
    ran = [r for r in results if r is not None]
    problems = [r for r in ran if r]
    assert not problems, f"{len(problems)} of {len(ran)} inputs:\n" + \
        "\n".join(problems[:10])
    assert len(ran) >= 300, \
        f"only {len(ran)} mutations ran within {FUZZ_BUDGET} s"
