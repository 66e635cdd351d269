#!/usr/bin/env python3
"""large_module - generate a large WebAssembly module, and measure how w2c
(and Debian's wasm2c, when installed) build it.

    python3 test/large_module.py gen OUT.wasm [--code-size 20M] [--huge N]
    python3 test/large_module.py measure [--code-size 20M] [--dir DIR]
                                        [--w2c build/w2c] [--no-wasm2c]

`gen` writes a WASI command module of about --code-size bytes of function
bodies: many varied functions of one type (i32 x, i32 depth) -> i32, each
with a loop over linear memory, straight-line integer, i64 and f64
arithmetic, a branch, a br_table, and (while depth > 0) a direct call of
an earlier function and a call_indirect through the table, plus --huge
functions many times larger than the rest.  _start calls every function
once through the table and prints a checksum of the results (8 hex digits
and a newline), so a build can be checked against another.  The output is
the same for the same arguments (a seeded generator).

`measure` (a measurement, not a test; it takes minutes) generates such a
module, then reports: w2c's translation speed (`-v` phase times, MB of
Wasm code per second), the wall time of `w2c -O1 -j 2` and the peak
memory of every C compiler process (each compile runs under a wrapper
that records its maximum resident set size with getrusage), the result's
checksum, and the same for `wasm2c x.wasm -o x.c` followed by gcc -O1 of
its output with the wasm2c runtime.

test/test_split.py imports generate() for its smaller modules.
"""
import argparse
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TEST = Path(__file__).resolve().parent
sys.path.insert(0, str(TEST))

import wasmgen  # noqa: E402
from wasmgen import I32, I64, F64, uleb, sleb  # noqa: E402

# ---- raw instruction bytes ------------------------------------------------

LOCAL_GET, LOCAL_SET, LOCAL_TEE = 0x20, 0x21, 0x22
I32_CONST, I64_CONST = 0x41, 0x42
BLOCK, LOOP, IF, ELSE, END, BR_IF, BR_TABLE = 0x02, 0x03, 0x04, 0x05, \
    0x0B, 0x0D, 0x0E
CALL, CALL_INDIRECT = 0x10, 0x11
I32_LOAD, I32_LOAD8_U, I32_STORE, I32_STORE8 = 0x28, 0x2D, 0x36, 0x3A
I32_EQZ, I32_NE, I32_LT_U = 0x45, 0x47, 0x49
I32_ADD, I32_SUB, I32_MUL, I32_AND, I32_OR, I32_XOR = 0x6A, 0x6B, 0x6C, \
    0x71, 0x72, 0x73
I32_SHL, I32_SHR_U, I32_ROTL, I32_REM_U = 0x74, 0x76, 0x77, 0x70
I64_ADD, I64_MUL, I64_XOR, I64_SHR_U = 0x7C, 0x7E, 0x85, 0x88
I32_WRAP_I64, I64_EXTEND_I32_U = 0xA7, 0xAD
F64_ADD, F64_MUL, F64_SQRT, F64_CONVERT_I32_U = 0xA0, 0xA2, 0x9F, 0xB8
I64_REINTERPRET_F64 = 0xBD
SELECT = 0x1B

# locals of every generated function: params x=0, d=1, then these
L_X, L_D, L_I, L_ACC, L_T, L_W, L_F = 0, 1, 2, 3, 4, 5, 6
LOCALS = [I32, I32, I32, I64, F64]

MEM_BASE = 1024             # the loops' region: [1024, 1024 + 32 KiB)
MEM_MASK = 0x7FFC


def i32c(v):
    return bytes([I32_CONST]) + sleb(((v + 2**31) % 2**32) - 2**31)


def get(idx):
    return bytes([LOCAL_GET]) + uleb(idx)


def set_(idx):
    return bytes([LOCAL_SET]) + uleb(idx)


def memarg(align, offset=0):
    return uleb(align) + uleb(offset)


def addr(expr):
    """expr (an i32) masked into the loops' memory region."""
    return expr + i32c(MEM_MASK) + bytes([I32_AND]) + i32c(MEM_BASE) + \
        bytes([I32_ADD])


def memory_loop(rng):
    """A counted loop that reads, mixes and writes linear memory."""
    n = rng.randrange(4, 24)
    k1, k2 = rng.randrange(3, 1 << 20) | 1, rng.randrange(1, 31)
    step = rng.choice([4, 8, 12, 20])
    b = bytearray()
    b += i32c(0) + set_(L_I)
    b += bytes([BLOCK, 0x40, LOOP, 0x40])
    # t = load(base + (i * step + x))
    b += addr(get(L_I) + i32c(step) + bytes([I32_MUL]) + get(L_X) +
              bytes([I32_ADD]))
    b += bytes([I32_LOAD]) + memarg(2) + set_(L_T)
    # acc = rotl(acc, k2) + t * k1
    b += get(L_ACC) + i32c(k2) + bytes([I32_ROTL]) + get(L_T) + i32c(k1) + \
        bytes([I32_MUL, I32_ADD]) + set_(L_ACC)
    # store(base + (i * 4 + acc), acc); a byte store beside it
    b += addr(get(L_I) + i32c(4) + bytes([I32_MUL]) + get(L_ACC) +
              bytes([I32_ADD]))
    b += get(L_ACC) + bytes([I32_STORE]) + memarg(2)
    if rng.random() < 0.5:
        b += addr(get(L_T)) + get(L_ACC) + i32c(rng.randrange(1, 24)) + \
            bytes([I32_SHR_U, I32_STORE8]) + memarg(0, rng.randrange(0, 64))
    # i++; continue while i < n
    b += get(L_I) + i32c(1) + bytes([I32_ADD, LOCAL_TEE]) + uleb(L_I) + \
        i32c(n) + bytes([I32_LT_U, BR_IF]) + uleb(0)
    b += bytes([END, END])
    return bytes(b)


def arith(rng, n):
    """n random integer steps on acc and t."""
    ops = [I32_ADD, I32_SUB, I32_MUL, I32_XOR, I32_OR, I32_AND, I32_ROTL,
           I32_SHL, I32_SHR_U]
    b = bytearray()
    for _ in range(n):
        src = rng.choice([L_ACC, L_T, L_X])
        dst = rng.choice([L_ACC, L_T])
        b += get(dst) + get(src) + i32c(rng.randrange(1, 1 << 16)) + \
            bytes([rng.choice(ops), rng.choice(ops)]) + set_(dst)
    return bytes(b)


def wide(rng):
    """i64 and f64 arithmetic folded back into acc."""
    b = bytearray()
    b += get(L_ACC) + bytes([I64_EXTEND_I32_U]) + bytes([I64_CONST]) + \
        sleb(rng.randrange(1, 1 << 40) | 1) + bytes([I64_MUL]) + get(L_W) + \
        bytes([I64_XOR]) + set_(L_W)
    b += get(L_T) + bytes([F64_CONVERT_I32_U]) + get(L_F) + \
        bytes([F64_ADD, F64_SQRT]) + set_(L_F)
    b += get(L_W) + get(L_F) + bytes([I64_REINTERPRET_F64, I64_ADD]) + \
        bytes([I64_CONST]) + sleb(rng.randrange(1, 60)) + \
        bytes([I64_SHR_U, I32_WRAP_I64]) + get(L_ACC) + \
        bytes([I32_XOR]) + set_(L_ACC)
    return bytes(b)


def branches(rng):
    """An if/else on acc's low bit and a four-way br_table."""
    b = bytearray()
    b += get(L_ACC) + i32c(1) + bytes([I32_AND, IF, 0x40])
    b += get(L_ACC) + i32c(rng.randrange(3, 999) | 1) + \
        bytes([I32_MUL]) + set_(L_ACC)
    b += bytes([ELSE])
    b += get(L_ACC) + i32c(rng.randrange(1, 1 << 30)) + \
        bytes([I32_XOR]) + set_(L_T)
    b += bytes([END])
    # block block block block (br_table (acc >> k) & 3) ... end x4
    b += bytes([BLOCK, 0x40]) * 4
    b += get(L_ACC) + i32c(rng.randrange(0, 28)) + \
        bytes([I32_SHR_U]) + i32c(3) + bytes([I32_AND, BR_TABLE]) + \
        uleb(3) + uleb(0) + uleb(1) + uleb(2) + uleb(3)
    for k in range(4):
        b += bytes([END])
        b += get(L_T) + i32c(rng.randrange(1, 1 << 20) + k) + \
            bytes([I32_ADD]) + set_(L_T)
    b += get(L_ACC) + get(L_T) + get(L_ACC) + i32c(3) + \
        bytes([I32_AND, SELECT]) + set_(L_ACC)
    return bytes(b)


def calls(rng, idx, first, ntable, typeidx):
    """While d > 0: call an earlier function, then one through the table,
    each with d - 1."""
    b = bytearray()
    b += get(L_D) + bytes([IF, 0x40])
    if idx > first:
        callee = rng.randrange(first, idx)
        b += get(L_ACC) + get(L_D) + i32c(1) + bytes([I32_SUB, CALL]) + \
            uleb(callee) + get(L_ACC) + bytes([I32_ADD]) + set_(L_ACC)
    b += get(L_ACC) + get(L_D) + i32c(1) + bytes([I32_SUB])
    b += get(L_ACC) + i32c(rng.randrange(0, 20)) + bytes([I32_SHR_U]) + \
        i32c(ntable) + bytes([I32_REM_U, CALL_INDIRECT]) + uleb(typeidx) + \
        b"\0"
    b += get(L_T) + bytes([I32_XOR]) + set_(L_T)
    b += bytes([END])
    return bytes(b)


def body(rng, idx, first, ntable, typeidx, scale):
    b = bytearray()
    b += get(L_X) + i32c(rng.randrange(1 << 31)) + bytes([I32_XOR]) + \
        set_(L_ACC)
    for _ in range(scale):
        b += memory_loop(rng)
        b += arith(rng, rng.randrange(2, 12))
        b += wide(rng)
        b += branches(rng)
    b += calls(rng, idx, first, ntable, typeidx)
    b += get(L_ACC) + get(L_T) + bytes([I32_ADD])
    return bytes(b)


def start_body(first, n, typeidx, fd_write):
    """acc = acc * 33 ^ f_k(k, 1) for every function k through the table;
    then print acc as 8 hex digits and a newline."""
    b = bytearray()
    # locals: 0 k, 1 acc, 2 j
    b += bytes([BLOCK, 0x40, LOOP, 0x40])
    b += get(1) + i32c(33) + bytes([I32_MUL])
    b += get(0) + i32c(1) + get(0) + bytes([CALL_INDIRECT]) + \
        uleb(typeidx) + b"\0"
    b += bytes([I32_XOR]) + set_(1)
    b += get(0) + i32c(1) + bytes([I32_ADD, LOCAL_TEE]) + uleb(0) + \
        i32c(n) + bytes([I32_LT_U, BR_IF]) + uleb(0)
    b += bytes([END, END])
    # hex digits of acc at 16..23, most significant first
    b += i32c(0) + set_(2)
    b += bytes([BLOCK, 0x40, LOOP, 0x40])
    b += i32c(23) + get(2) + bytes([I32_SUB])           # address 23 - j
    b += get(1) + get(2) + i32c(4) + bytes([I32_MUL, I32_SHR_U]) + \
        i32c(15) + bytes([I32_AND, I32_LOAD8_U]) + memarg(0)
    b += bytes([I32_STORE8]) + memarg(0)
    b += get(2) + i32c(1) + bytes([I32_ADD, LOCAL_TEE]) + uleb(2) + \
        i32c(8) + bytes([I32_LT_U, BR_IF]) + uleb(0)
    b += bytes([END, END])
    # fd_write(1, iov at 32 = {16, 9}, 1, nwritten at 40)
    b += i32c(32) + i32c(16) + bytes([I32_STORE]) + memarg(2)
    b += i32c(36) + i32c(9) + bytes([I32_STORE]) + memarg(2)
    b += i32c(1) + i32c(32) + i32c(1) + i32c(40) + bytes([CALL]) + \
        uleb(fd_write) + bytes([0x1A])                  # drop
    return bytes(b)


def parse_size(text):
    """"20M", "300K" or a number of bytes."""
    mul = {"K": 1 << 10, "M": 1 << 20}.get(text[-1:].upper(), 1)
    return int(text[:-1] if mul != 1 else text) * mul


def generate(code_size, huge=0, huge_scale=60, seed=1):
    """The module's bytes: about code_size bytes of function bodies, huge
    of them huge_scale times the usual size."""
    rng = random.Random(seed)
    m = wasmgen.Module()
    m.names = False
    fd_write = m.import_func(wasmgen.WASI, "fd_write", [I32] * 4, [I32])
    typeidx = m.type([I32, I32], [I32])
    first = m.nimported_funcs
    # about 600 bytes per ordinary function at scale 1..3
    bodies, total, idx = [], 0, first
    nfuncs_est = max(2, code_size // 600)
    huge_at = set(rng.sample(range(nfuncs_est), min(huge, nfuncs_est)))
    while total < code_size:
        scale = huge_scale if (idx - first) in huge_at else \
            rng.choice([1, 1, 2, 3])
        bodies.append(scale)
        total += 300 * scale    # a rough estimate, corrected below
        idx += 1
    n = len(bodies)
    for k, scale in enumerate(bodies):
        m.func(None, [I32, I32], [I32],
               body(rng, first + k, first, n, typeidx, scale),
               locals_=LOCALS)
    start = m.func(None, [], [], start_body(first, n, typeidx, fd_write),
                   locals_=[I32, I32, I32])
    m.export("_start", 0, start)
    m.memory(1)
    m.data(0, b"0123456789abcdef")
    m.data(24, b"\n")
    m.table(n, n)
    m.elem(0, list(range(first, first + n)))
    return m.encode()


# ---- the measurement -------------------------------------------------------

WRAPPER = r'''#!/usr/bin/env python3
# Run the real compiler; append "<max RSS KiB> <seconds> <source>" to LOG.
import os, resource, subprocess, sys, time
t = time.monotonic()
r = subprocess.call(sys.argv[1:])
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
src = next((a for a in sys.argv if a.endswith(".c")), "link")
with open(os.environ["CC_RSS_LOG"], "a") as f:
    f.write("%d %.2f %s\n" % (ru.ru_maxrss, time.monotonic() - t, src))
sys.exit(r)
'''


def run_timed(cmd, env=None, cwd=None, max_bytes=None):
    """(seconds, CompletedProcess) of cmd; max_bytes limits its address
    space (RLIMIT_AS), so that it fails rather than exhaust the machine."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))
    t = time.monotonic()
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                       errors="replace", env=env, cwd=cwd,
                       preexec_fn=limit if max_bytes else None)
    return time.monotonic() - t, r


def children_maxrss_kib():
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def measure(args):
    work = Path(args.dir or tempfile.mkdtemp(prefix="w2c-large-"))
    work.mkdir(parents=True, exist_ok=True)
    wasm = work / "large.wasm"
    size = parse_size(args.code_size)
    t = time.monotonic()
    wasm.write_bytes(generate(size, huge=args.huge))
    print(f"generated {wasm}: {wasm.stat().st_size} bytes "
          f"({time.monotonic() - t:.1f} s)")
    w2c = Path(args.w2c).resolve()
    env = dict(os.environ)

    # translation alone: --emit=c, phase times from -v
    (work / "c").mkdir(exist_ok=True)
    secs, r = run_timed([w2c, "-v", "-j", str(args.jobs), "--emit=c",
                         wasm, "-o", work / "c" / "large.c"])
    if r.returncode != 0:
        sys.exit("w2c --emit=c failed:\n" + r.stderr)
    phases = {}
    code = 0
    for line in r.stderr.splitlines():
        if line.startswith("w2c: phase split: "):
            code = int(line.split()[3])
            print(line)
        elif re.match(r"w2c: phase (read|validate|emit): ", line):
            name, ms = line[len("w2c: phase "):].split(": ")
            phases[name] = float(ms.split()[0]) / 1e3
    tr = sum(phases.get(p, 0) for p in ("read", "validate", "emit"))
    nfiles = len(list((work / "c").glob("*.c")))
    print(f"w2c translation ({nfiles} C files, -j {args.jobs}): "
          + ", ".join(f"{k} {v:.2f} s" for k, v in phases.items())
          + f"; total {tr:.2f} s = {code / tr / 1e6:.1f} MB of code/s"
          f" (wall {secs:.2f} s)")
    csize = sum(p.stat().st_size for p in (work / "c").iterdir())
    print(f"generated C: {csize / 1e6:.1f} MB")

    # the full build at -O1 -j 2, each compiler under the RSS wrapper
    wrapper = work / "cc-rss"
    wrapper.write_text(WRAPPER)
    wrapper.chmod(0o755)
    log = work / "cc-rss.log"
    if log.exists():
        log.unlink()
    env["CC_RSS_LOG"] = str(log)
    env.setdefault("W2C_CACHE_DIR", str(work / "cache"))
    secs, r = run_timed([w2c, "-v", "-O1", "-j", str(args.jobs),
                         f"--cc={wrapper} gcc", wasm, "-o", work / "large"],
                        env=env)
    if r.returncode != 0:
        sys.exit("w2c build failed:\n" + r.stderr[-3000:])
    rows = [line.split(None, 2) for line in log.read_text().splitlines()]
    worst = max(rows, key=lambda row: int(row[0]))
    print(f"w2c -O1 -j {args.jobs} build: {secs:.1f} s wall, "
          f"{len(rows)} compiler processes, largest peak RSS "
          f"{int(worst[0]) / 1024:.0f} MiB ({worst[2]}, {worst[1]} s)")
    for kib, s, src in sorted(rows, key=lambda row: -int(row[0]))[:8]:
        print(f"    {int(kib) / 1024:8.0f} MiB {float(s):7.1f} s  "
              f"{Path(src).name}")
    run = subprocess.run([work / "large"], capture_output=True, text=True)
    print(f"result: {run.stdout.strip()} (exit {run.returncode})")

    if args.no_wasm2c or shutil.which("wasm2c") is None:
        print("wasm2c: not run" + ("" if args.no_wasm2c else
                                   " (not installed)"))
        return
    wdir = work / "wasm2c"
    wdir.mkdir(exist_ok=True)
    secs, r = run_timed(["/usr/bin/time", "-f", "%M %e", "wasm2c", wasm,
                         "-o", wdir / "large.c"])
    print(f"wasm2c translation: {secs:.1f} s, peak "
          f"{int(r.stderr.split()[-2]) / 1024:.0f} MiB"
          if r.returncode == 0 else f"wasm2c failed: {r.stderr[-500:]}")
    if r.returncode != 0:
        return
    print(f"wasm2c C: {(wdir / 'large.c').stat().st_size / 1e6:.1f} MB")
    # compile only: the module's C is what costs; a runtime and main()
    # would add seconds, not memory
    limit = args.wasm2c_limit
    secs, r = run_timed(["/usr/bin/time", "-f", "%M %e", "timeout",
                         str(limit), "gcc", "-O1", "-c",
                         "-I/usr/share/wabt/wasm2c", wdir / "large.c",
                         "-o", wdir / "large.o"],
                        max_bytes=args.wasm2c_max_gb << 30)
    peak = r.stderr.split()[-2] if r.stderr.split() else "?"
    if r.returncode == 0:
        print(f"wasm2c output, gcc -O1 -c: {secs:.1f} s, peak RSS "
              f"{int(peak) / 1024:.0f} MiB (one process)")
    else:
        print(f"wasm2c output, gcc -O1 -c: failed or stopped after "
              f"{secs:.1f} s (status {r.returncode}, limits "
              f"{args.wasm2c_limit} s and {args.wasm2c_max_gb} GiB of "
              f"address space; peak RSS {peak} KiB): {r.stderr[-300:]}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("out")
    g.add_argument("--code-size", default="20M")
    g.add_argument("--huge", type=int, default=8)
    g.add_argument("--seed", type=int, default=1)
    ms = sub.add_parser("measure")
    ms.add_argument("--code-size", default="20M")
    ms.add_argument("--huge", type=int, default=8)
    ms.add_argument("--dir")
    ms.add_argument("--w2c", default=str(TEST.parent / "build" / "w2c"))
    ms.add_argument("--jobs", type=int, default=2)
    ms.add_argument("--no-wasm2c", action="store_true")
    ms.add_argument("--wasm2c-limit", type=int, default=3600,
                    help="seconds gcc may spend on wasm2c's output")
    ms.add_argument("--wasm2c-max-gb", type=int, default=8,
                    help="address space gcc may use on wasm2c's output")
    args = ap.parse_args()
    if args.cmd == "gen":
        data = generate(parse_size(args.code_size), args.huge,
                        seed=args.seed)
        Path(args.out).write_bytes(data)
        print(f"{args.out}: {len(data)} bytes")
    else:
        measure(args)


if __name__ == "__main__":
    main()
