"""Traps in the executables w2c produces.

Contract (DESIGN.md, "The executables it produces"): a trap prints exactly
one line on stderr, `<prog>: wasm trap: <message> in "<function>"`, where
<prog> is the executable's base name and <function> the name-section name
of the function that trapped, and the process exits with status 134.

Most cases live in one WASI command module built with wasmgen: `_start`
reads the case number from argv[1] and calls that case's function, so one
compile serves every case.  A case either traps (message and function are
checked) or prints the values it computed, one per line in hex, through
fd_write (stdout is compared exactly).  Every trap case has a control case
beside it that does the same thing just inside the limit and must run
cleanly, which also shows that the module itself is valid.

The module is built at -O0 (the C compile is the slow part) and again at
-O2 and with --bounds=check for the cases where those could differ.
"""
import os
import shutil

import pytest

from conftest import run, w2c
from wasmgen import I32, I64, Command, asm, dispatch_body

PAGE = 65536
M64 = (1 << 64) - 1
M32 = (1 << 32) - 1
INT32_MIN = 1 << 31
INT64_MIN = 1 << 63

UNREACHABLE = "unreachable"
OOB = "out of bounds memory access"
DIV0 = "integer divide by zero"
OVERFLOW = "integer overflow"
INVALID = "invalid conversion to integer"
SIG = "indirect call type mismatch"
UNINIT = "uninitialized element"
UNDEF = "undefined element"
EXHAUSTED = "call stack exhausted"

# Bytes at the very end of the 1-page memory (a data segment puts them
# there); every byte has its top bit set so sign extension shows.
TAIL = bytes([0x81, 0x92, 0xA3, 0xB4, 0xC5, 0xD6, 0xE7, 0xF8])
TAIL_AT = PAGE - len(TAIL)

LOADS = ["i32.load", "i64.load", "f32.load", "f64.load", "i32.load8_s",
         "i32.load8_u", "i32.load16_s", "i32.load16_u", "i64.load8_s",
         "i64.load8_u", "i64.load16_s", "i64.load16_u", "i64.load32_s",
         "i64.load32_u"]
STORES = ["i32.store", "i64.store", "f32.store", "f64.store", "i32.store8",
          "i32.store16", "i64.store8", "i64.store16", "i64.store32"]
WIDTH = {"load": None, "store": None, "load8": 1, "load16": 2, "load32": 4,
         "store8": 1, "store16": 2, "store32": 4}


def width(op):
    kind = op.split(".")[1].split("_")[0]
    if WIDTH[kind] is not None:
        return WIDTH[kind]
    return int(op[1:3]) // 8


class Case:
    def __init__(self, name, body, trap=None, where=None, out=(),
                 locals_=(), tags=()):
        self.name = name
        self.body = body
        self.trap = trap
        self.where = where or name   # function the trap is reported in
        self.out = [v & M64 for v in out]
        self.locals = locals_
        self.tags = set(tags)
        self.idx = None


def hexout(values):
    return "".join(f"{v & M64:016x}\n" for v in values)


def to_i64_bits(op, raw):
    """What print_hex shows after loading raw (little-endian) with op."""
    v = int.from_bytes(raw, "little")
    if op.endswith("_s"):
        bits = 8 * len(raw)
        if v & (1 << (bits - 1)):
            v -= 1 << bits
    if op.startswith(("i32", "f32")):
        v &= M32
    return v & M64


def as_i64(op):
    """Instructions turning op's result into the i64 that print_hex takes."""
    ty = op.split(".")[0]
    return {"i32": ["i64.extend_i32_u"],
            "i64": [],
            "f32": ["i32.reinterpret_f32", "i64.extend_i32_u"],
            "f64": ["i64.reinterpret_f64"]}[ty]


def store_value(op):
    """Instructions pushing the value op stores: low bits of VAL."""
    ty = op.split(".")[0]
    return {"i32": [("i32.const", VAL & M32)],
            "i64": [("i64.const", VAL)],
            "f32": [("i32.const", VAL & M32), "f32.reinterpret_i32"],
            "f64": [("i64.const", VAL), "f64.reinterpret_i64"]}[ty]


VAL = 0x1122334455667788


def memory_cases(m):
    pr = ("call", m.print_hex)
    cases = []
    # Loads at the exact boundary, directly and through the memarg offset.
    for op in LOADS:
        w = width(op)
        good = to_i64_bits(op, TAIL[8 - w:])
        name = op.replace(".", "_")
        for tag, addr, off in (("", PAGE - w, 0), ("_off", PAGE - w - 16, 16),
                               ("_bigoff", 0, PAGE - w)):
            cases.append(Case(
                f"{name}{tag}_ok",
                asm(("i32.const", addr), f"{op} offset={off}", as_i64(op),
                    pr),
                out=[good], tags={"mem"}))
            cases.append(Case(
                f"{name}{tag}_oob",
                asm(("i32.const", addr + 1), f"{op} offset={off}", as_i64(op),
                    pr),
                trap=OOB, tags={"mem"}))
    # Stores likewise; the good ones are read back with one i64.load.
    for op in STORES:
        w = width(op)
        after = TAIL[:8 - w] + VAL.to_bytes(8, "little")[:w]
        name = op.replace(".", "_")
        for tag, addr, off in (("", PAGE - w, 0), ("_off", PAGE - w - 16, 16)):
            cases.append(Case(
                f"{name}{tag}_ok",
                asm(("i32.const", addr), store_value(op), f"{op} offset={off}",
                    ("i32.const", TAIL_AT), "i64.load", pr),
                out=[int.from_bytes(after, "little")], tags={"mem"}))
            cases.append(Case(
                f"{name}{tag}_oob",
                asm(("i32.const", addr + 1), store_value(op),
                    f"{op} offset={off}"),
                trap=OOB, tags={"mem"}))
    # address + offset must not wrap around 2^32 back into memory.
    wrap = [
        ("wrap_load8", asm("i32.const 0xFFFFFFFF", "i32.load8_u offset=1",
                           "drop")),
        ("wrap_load32", asm("i32.const 0xFFFFFFFC", "i32.load offset=4",
                            "drop")),
        ("wrap_load64_bigoff", asm("i32.const 1",
                                   "i64.load offset=0xFFFFFFFF", "drop")),
        ("wrap_store32", asm("i32.const 0xFFFFFFFF", "i32.const 7",
                             "i32.store offset=1")),
        ("wrap_store64", asm("i32.const 0xFFFFFFF9", "i64.const 7",
                             "i64.store offset=8")),
        ("negative_addr", asm("i32.const 0x80000000", "i32.load8_u",
                              "drop")),
        ("top_addr", asm("i32.const 0xFFFFFFFF", "i32.load8_u", "drop")),
    ]
    for name, body in wrap:
        cases.append(Case(name, body, trap=OOB, tags={"mem"}))
    # Control for the wrap cases: the same offsets with address 0 work.
    cases.append(Case("wrap_control", asm(
        "i32.const 0", "i32.load8_u offset=1", "i64.extend_i32_u", pr),
        out=[0], tags={"mem"}))
    # memory.grow: new pages are zeroed and accessible, the rest is not.
    cases.append(Case("grow_ok", asm(
        "i32.const 1", "memory.grow", "i64.extend_i32_u", pr,
        "memory.size", "i64.extend_i32_u", pr,
        ("i32.const", PAGE), "i32.load", "i64.extend_i32_u", pr,
        ("i32.const", 2 * PAGE - 4), "i32.const 0xDEADBEEF", "i32.store",
        ("i32.const", 2 * PAGE - 8), "i64.load", pr,
        ("i32.const", TAIL_AT), "i64.load", pr),
        out=[1, 2, 0, 0xDEADBEEF00000000,
             int.from_bytes(TAIL, "little")], tags={"mem"}))
    cases.append(Case("grow_then_oob", asm(
        "i32.const 1", "memory.grow", "drop",
        ("i32.const", 2 * PAGE - 3), "i32.load", "drop"),
        trap=OOB, tags={"mem"}))
    cases.append(Case("before_grow_oob", asm(
        ("i32.const", PAGE), "i32.load8_u", "drop"),
        trap=OOB, tags={"mem"}))
    cases.append(Case("grow_too_much", asm(
        ("i32.const", PAGE), "memory.grow", "i64.extend_i32_u", pr,
        "memory.size", "i64.extend_i32_u", pr),
        out=[M32, 1], tags={"mem"}))
    # memory.fill and memory.copy check the whole range first.
    cases.append(Case("fill_ok", asm(
        ("i32.const", PAGE - 6), "i32.const 0x5A", "i32.const 6",
        "memory.fill", ("i32.const", TAIL_AT), "i64.load", pr),
        out=[int.from_bytes(TAIL[:2] + b"\x5a" * 6, "little")],
        tags={"mem"}))
    cases.append(Case("fill_oob", asm(
        ("i32.const", PAGE - 6), "i32.const 0x5A", "i32.const 7",
        "memory.fill"), trap=OOB, tags={"mem"}))
    cases.append(Case("fill_empty_at_end", asm(
        ("i32.const", PAGE), "i32.const 0", "i32.const 0", "memory.fill",
        "i64.const 1", pr), out=[1], tags={"mem"}))
    cases.append(Case("fill_empty_past_end", asm(
        ("i32.const", PAGE + 1), "i32.const 0", "i32.const 0",
        "memory.fill"), trap=OOB, tags={"mem"}))
    cases.append(Case("fill_huge_len", asm(
        "i32.const 16", "i32.const 0", "i32.const 0xFFFFFFFF",
        "memory.fill"), trap=OOB, tags={"mem"}))
    cases.append(Case("copy_ok", asm(
        "i32.const 200", ("i64.const", VAL), "i64.store",
        ("i32.const", PAGE - 6), "i32.const 200", "i32.const 6",
        "memory.copy", ("i32.const", TAIL_AT), "i64.load", pr),
        out=[int.from_bytes(TAIL[:2] + VAL.to_bytes(8, "little")[:6],
                            "little")], tags={"mem"}))
    cases.append(Case("copy_oob_dst", asm(
        ("i32.const", PAGE - 5), "i32.const 200", "i32.const 6",
        "memory.copy"), trap=OOB, tags={"mem"}))
    cases.append(Case("copy_oob_src", asm(
        "i32.const 200", ("i32.const", PAGE - 5), "i32.const 6",
        "memory.copy"), trap=OOB, tags={"mem"}))
    cases.append(Case("copy_wrap_len", asm(
        "i32.const 200", "i32.const 100", "i32.const 0xFFFFFF00",
        "memory.copy"), trap=OOB, tags={"mem"}))
    return cases


def arith_cases(m):
    pr = ("call", m.print_hex)
    cases = []
    for bits, mask, imin in ((32, M32, INT32_MIN), (64, M64, INT64_MIN)):
        t = f"i{bits}"
        ext = ["i64.extend_i32_u"] if bits == 32 else []
        for op in ("div_s", "div_u", "rem_s", "rem_u"):
            cases.append(Case(f"{t}_{op}_zero", asm(
                (f"{t}.const", 7), (f"{t}.const", 0), f"{t}.{op}", "drop"),
                trap=DIV0))
        # Controls: ordinary quotients and remainders, signs included.
        ops = ["div_s", "div_u", "rem_s", "rem_u"]
        body, want = [], []
        for a, b in ((7, 2), (-7, 2), (7, -2), (-7, -2)):
            au, bu = a & mask, b & mask
            for op in ops:
                body += [(f"{t}.const", au), (f"{t}.const", bu), f"{t}.{op}",
                         *ext, pr]
                q = abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)
                want.append({"div_s": q & mask,
                             "rem_s": (a - q * b) & mask,
                             "div_u": au // bu,
                             "rem_u": au % bu}[op])
        cases.append(Case(f"{t}_divrem_ok", asm(body), out=want))
        cases.append(Case(f"{t}_div_s_overflow", asm(
            (f"{t}.const", imin), (f"{t}.const", mask), f"{t}.div_s",
            "drop"), trap=OVERFLOW))
        # rem_s of the same operands is 0; the unsigned forms are plain.
        cases.append(Case(f"{t}_min_by_minus1_ok", asm(
            (f"{t}.const", imin), (f"{t}.const", mask), f"{t}.rem_s", *ext,
            pr,
            (f"{t}.const", imin), (f"{t}.const", mask), f"{t}.div_u", *ext,
            pr,
            (f"{t}.const", imin), (f"{t}.const", mask), f"{t}.rem_u", *ext,
            pr,
            (f"{t}.const", imin), (f"{t}.const", 1), f"{t}.div_s", *ext,
            pr),
            out=[0, 0, imin, imin]))
    return cases


# Trapping float-to-int: (op, input, expected result or trap message).
TRUNC = [
    ("i32.trunc_f32_s", "nan", INVALID),
    ("i32.trunc_f32_s", "3e9", OVERFLOW),
    ("i32.trunc_f32_s", "2147483648", OVERFLOW),
    ("i32.trunc_f32_s", "-2147483904", OVERFLOW),
    ("i32.trunc_f32_s", "-2147483648", INT32_MIN),
    ("i32.trunc_f32_s", "2147483520", 2147483520),
    ("i32.trunc_f32_s", "-1.9", M32),
    ("i32.trunc_f32_u", "nan", INVALID),
    ("i32.trunc_f32_u", "-1.0", OVERFLOW),
    ("i32.trunc_f32_u", "4294967296", OVERFLOW),
    ("i32.trunc_f32_u", "-0.9", 0),
    ("i32.trunc_f32_u", "4294967040", 4294967040),
    ("i32.trunc_f64_s", "-nan", INVALID),
    ("i32.trunc_f64_s", "2147483648", OVERFLOW),
    ("i32.trunc_f64_s", "-2147483649", OVERFLOW),
    ("i32.trunc_f64_s", "inf", OVERFLOW),
    ("i32.trunc_f64_s", "2147483647.9", 0x7FFFFFFF),
    ("i32.trunc_f64_s", "-2147483648.9", INT32_MIN),
    ("i32.trunc_f64_u", "nan", INVALID),
    ("i32.trunc_f64_u", "-1.0", OVERFLOW),
    ("i32.trunc_f64_u", "4294967296", OVERFLOW),
    ("i32.trunc_f64_u", "-0.99", 0),
    ("i32.trunc_f64_u", "4294967295.9", M32),
    ("i64.trunc_f32_s", "nan", INVALID),
    ("i64.trunc_f32_s", "9.3e18", OVERFLOW),
    ("i64.trunc_f32_s", "-9.3e18", OVERFLOW),
    ("i64.trunc_f32_s", "-9223372036854775808", INT64_MIN),
    ("i64.trunc_f32_u", "nan", INVALID),
    ("i64.trunc_f32_u", "-1.0", OVERFLOW),
    ("i64.trunc_f32_u", "1.8446744073709552e19", OVERFLOW),
    ("i64.trunc_f32_u", "-0.5", 0),
    ("i64.trunc_f32_u", "1.8446742974197924e19", 18446742974197923840),
    ("i64.trunc_f64_s", "nan", INVALID),
    ("i64.trunc_f64_s", "1e20", OVERFLOW),
    ("i64.trunc_f64_s", "9223372036854775808", OVERFLOW),
    ("i64.trunc_f64_s", "-inf", OVERFLOW),
    ("i64.trunc_f64_s", "-9223372036854775808", INT64_MIN),
    ("i64.trunc_f64_s", "9223372036854774784", 9223372036854774784),
    ("i64.trunc_f64_s", "-1.5", M64),
    ("i64.trunc_f64_u", "nan", INVALID),
    ("i64.trunc_f64_u", "-1.0", OVERFLOW),
    ("i64.trunc_f64_u", "18446744073709551616", OVERFLOW),
    ("i64.trunc_f64_u", "18446744073709549568", 18446744073709549568),
    ("i64.trunc_f64_u", "-0.75", 0),
]

# Saturating float-to-int never traps: (op, [(input, expected)]).
TRUNC_SAT = [
    ("i32.trunc_sat_f32_s", [("nan", 0), ("3e9", 0x7FFFFFFF),
                             ("-3e9", INT32_MIN), ("-inf", INT32_MIN),
                             ("-1.5", M32)]),
    ("i32.trunc_sat_f32_u", [("nan", 0), ("-1.0", 0), ("5e9", M32),
                             ("inf", M32), ("7.9", 7)]),
    ("i32.trunc_sat_f64_s", [("nan", 0), ("1e10", 0x7FFFFFFF),
                             ("-1e10", INT32_MIN),
                             ("2147483647.9", 0x7FFFFFFF)]),
    ("i32.trunc_sat_f64_u", [("-nan", 0), ("-1.0", 0), ("1e10", M32),
                             ("4294967295.5", M32)]),
    ("i64.trunc_sat_f32_s", [("nan", 0), ("1e20", 0x7FFFFFFFFFFFFFFF),
                             ("-1e20", INT64_MIN), ("-2.5", M64 - 1)]),
    ("i64.trunc_sat_f32_u", [("nan", 0), ("-1.0", 0), ("1e20", M64),
                             ("inf", M64)]),
    ("i64.trunc_sat_f64_s", [("nan", 0), ("1e20", 0x7FFFFFFFFFFFFFFF),
                             ("-inf", INT64_MIN), ("123.99", 123)]),
    ("i64.trunc_sat_f64_u", [("nan", 0), ("-1e20", 0), ("1e20", M64),
                             ("1e19", 10000000000000000000)]),
]


def trunc_cases(m):
    pr = ("call", m.print_hex)
    cases = []
    counts = {}
    for op, x, want in TRUNC:
        src = op.split("_")[1]          # f32 / f64
        ext = ["i64.extend_i32_u"] if op.startswith("i32") else []
        n = counts[op] = counts.get(op, 0) + 1
        name = f"{op.replace('.', '_')}_{n}"
        body = asm((f"{src}.const", x), op, *ext, pr)
        if isinstance(want, str):
            cases.append(Case(name, body, trap=want))
        else:
            cases.append(Case(name, body, out=[want]))
    for op, pairs in TRUNC_SAT:
        src = op.split("_")[2]
        ext = ["i64.extend_i32_u"] if op.startswith("i32") else []
        body = [[(f"{src}.const", x), op, *ext, pr] for x, _ in pairs]
        cases.append(Case(op.replace(".", "_"), asm(*body),
                          out=[w for _, w in pairs]))
    return cases


def build_trap_module(only=None):
    """The multi-case command module and its cases (index = argv[1]);
    only: the names of the cases to include (default all)."""
    m = Command(pages=1, with_args=True)
    m.data(TAIL_AT, TAIL)
    pr = ("call", m.print_hex)
    cases = []

    cases.append(Case("nothing", asm("nop"), out=[]))
    cases.append(Case("unreachable", asm("unreachable"), trap=UNREACHABLE))
    cases.append(Case("print_then_trap", asm(
        "i64.const 0x1234", pr, "unreachable"), out=[0x1234],
        trap=UNREACHABLE))

    # The trap names the innermost function, not its callers.
    inner = m.func("inner_fault", [I32], [I32],
                   asm("local.get 0", "if", "unreachable", "end",
                       "i32.const 5"))
    middle = m.func("middle", [I32], [I32],
                    asm("local.get 0", ("call", inner), "i32.const 1",
                        "i32.add"))
    cases.append(Case("nested_ok", asm("i32.const 0", ("call", middle),
                                       "i64.extend_i32_u", pr), out=[6]))
    cases.append(Case("nested_trap", asm("i32.const 1", ("call", middle),
                                         "drop"),
                      trap=UNREACHABLE, where="inner_fault"))

    cases += memory_cases(m)
    cases += arith_cases(m)
    cases += trunc_cases(m)

    # call_indirect.  Table: 0 = ret42 () -> i32, 1 = null, 2 = noop
    # () -> (), 3 = add1 (i32) -> i32; size 4.  A second, identical
    # declaration of () -> i32 must match ret42 too (types are compared
    # structurally).
    t_ret = m.type([], [I32])
    ret42 = m.func("ret42", [], [I32], asm("i32.const 42"))
    noop = m.func("noop", [], [], b"")
    add1 = m.func("add1", [I32], [I32], asm("local.get 0", "i32.const 1",
                                            "i32.add"))
    t_ret_again = m.add_type([], [I32])
    t_add = m.type([I32], [I32])
    m.table(4)
    m.elem(0, [ret42])
    m.elem(2, [noop, add1])
    for name, idx, ty, trap in (
            ("indirect_ok", 0, t_ret, None),
            ("indirect_same_type_again", 0, t_ret_again, None),
            ("indirect_wrong_type", 2, t_ret, SIG),
            ("indirect_wrong_params", 3, t_ret, SIG),
            ("indirect_null", 1, t_ret, UNINIT),
            ("indirect_past_end", 4, t_ret, UNDEF),
            ("indirect_huge_index", 0xFFFFFFFF, t_ret, UNDEF)):
        body = asm(("i32.const", idx), ("call_indirect", ty),
                   "i64.extend_i32_u", pr)
        cases.append(Case(name, body, trap=trap,
                          out=[] if trap else [42]))
    cases.append(Case("indirect_args_ok", asm(
        "i32.const 41", "i32.const 3", ("call_indirect", t_add),
        "i64.extend_i32_u", pr), out=[42]))

    # Unbounded recursion: non-tail, tail position, and mutual.
    recurse = m.func("recurse", [I32], [I32])
    m.set_body(recurse, asm("local.get 0", "i32.const 1", "i32.add",
                            ("call", recurse), "i32.const 1", "i32.add"))
    spin = m.func("spin", [], [])
    m.set_body(spin, asm(("call", spin)))
    ping = m.func("ping", [I64], [I64])
    pong = m.func("pong", [I64], [I64])
    m.set_body(ping, asm("local.get 0", "i64.const 1", "i64.add",
                         ("call", pong)))
    m.set_body(pong, asm("local.get 0", "i64.const 3", "i64.mul",
                         ("call", ping), "i64.const 1", "i64.xor"))
    # Bounded recursion of the same shape works: depth 1000.
    countdown = m.func("countdown", [I32], [I32])
    m.set_body(countdown, asm(
        "local.get 0", "i32.eqz", "if", "i32.const 0", "return", "end",
        "local.get 0", "i32.const 1", "i32.sub", ("call", countdown),
        "i32.const 2", "i32.add"))
    cases.append(Case("recursion_ok", asm(
        "i32.const 1000", ("call", countdown), "i64.extend_i32_u", pr),
        out=[2000]))
    cases.append(Case("recursion", asm(
        "i32.const 0", ("call", recurse), "drop"),
        trap=EXHAUSTED, where="recurse"))
    cases.append(Case("recursion_tail", asm(("call", spin)),
                      trap=EXHAUSTED, where="spin"))
    cases.append(Case("recursion_mutual", asm(
        "i64.const 0", ("call", ping), "drop"),
        trap=EXHAUSTED, where=("ping", "pong")))

    if only is not None:
        cases = [c for c in cases if c.name in only]
        assert len(cases) == len(only), "unknown case in the subset"
    fidx = []
    for c in cases:
        c.idx = m.func(c.name, [], [], c.body, locals_=c.locals)
        fidx.append(c.idx)
    start = m.func("_start", [], [], locals_=[I32] * 4, export="_start")
    m.set_body(start, dispatch_body(m, fidx))
    names = [c.name for c in cases]
    assert len(set(names)) == len(names), "duplicate case names"
    return m.encode(), cases


TRAP_WASM, CASES = build_trap_module()
CASE_NO = {c.name: n for n, c in enumerate(CASES)}

# Cases also run at -O2: at least one of each kind of trap plus controls.
O2_CASES = ["nothing", "unreachable", "print_then_trap", "nested_trap",
            "i32_load_ok", "i32_load_oob", "i64_load_off_oob",
            "i64_store_ok", "i32_store8_oob", "wrap_load32", "wrap_store64",
            "grow_ok", "grow_then_oob", "fill_oob", "copy_oob_src",
            "i32_div_s_zero", "i64_rem_u_zero", "i32_div_s_overflow",
            "i64_div_s_overflow", "i32_min_by_minus1_ok",
            "i64_min_by_minus1_ok", "i32_divrem_ok", "i32_trunc_f32_s_1",
            "i32_trunc_f32_s_2", "i64_trunc_f64_u_1", "i64_trunc_f64_s_2",
            "i32_trunc_f64_s_5", "i32_trunc_sat_f32_s",
            "i64_trunc_sat_f64_u", "indirect_ok", "indirect_wrong_type",
            "indirect_null", "indirect_past_end", "recursion",
            "recursion_tail", "recursion_mutual", "recursion_ok"]
MEM_CASES = [c.name for c in CASES if "mem" in c.tags]
# The -O2 build gets a module of its own with just those cases: the C
# compile of all of them at -O2 (under ASan for SANITIZE=1) is slow.
O2_WASM, O2_CASE_LIST = build_trap_module(set(O2_CASES))
O2_CASE_NO = {c.name: n for n, c in enumerate(O2_CASE_LIST)}


def build(tmp_path_factory, wasm, exe_name, *flags):
    d = tmp_path_factory.mktemp(exe_name)
    src = d / (exe_name + ".wasm")
    src.write_bytes(wasm)
    exe = d / exe_name
    r = w2c(*flags, src, "-o", exe, errors="replace")
    assert r.returncode == 0, \
        f"w2c {' '.join(flags)} failed ({r.returncode}):\n{r.stderr}"
    assert exe.exists()
    return exe


@pytest.fixture(scope="module")
def exe_o0(w2c_bin, tmp_path_factory):
    return build(tmp_path_factory, TRAP_WASM, "traps", "-O0")


@pytest.fixture(scope="module")
def exe_o2(w2c_bin, tmp_path_factory):
    return build(tmp_path_factory, O2_WASM, "traps-o2", "-O2")


# Exhaustion with calls counted (--max-call-depth), which names the
# function; without it, on 64-bit hosts, the stack's guard page stops the
# recursion and no function is named.
RECURSION_CASES = ["recursion", "recursion_tail", "recursion_mutual",
                   "recursion_ok"]


@pytest.fixture(scope="module")
def exe_check(w2c_bin, tmp_path_factory):
    return build(tmp_path_factory, TRAP_WASM, "traps-check", "-O0",
                 "--bounds=check")


def check_case(exe, case, *args):
    r = run([exe, *args], timeout=60, errors="replace")
    prog = os.path.basename(str(exe))
    expect_out = hexout(case.out)
    assert r.returncode >= 0, \
        f"{case.name}: killed by signal {-r.returncode}; stderr:\n{r.stderr}"
    if case.trap is None:
        assert (r.returncode, r.stderr) == (0, ""), \
            f"{case.name}: expected a clean exit"
    else:
        lines = r.stderr.splitlines()
        where = case.where if isinstance(case.where, tuple) else (case.where,)
        wanted = [f'{prog}: wasm trap: {case.trap} in "{w}"' for w in where]
        if case.trap == EXHAUSTED and "counted" not in prog:
            # the stack's guard page: no function named
            wanted.append(f'{prog}: wasm trap: {case.trap}')
        assert len(lines) == 1 and lines[0] in wanted, \
            f"{case.name}: expected one line {wanted[0]!r}, got {r.stderr!r}"
        assert r.returncode == 134, \
            f"{case.name}: exit status {r.returncode}, expected 134"
    assert r.stdout == expect_out, f"{case.name}: wrong output"


@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_trap_o0(exe_o0, name):
    case = CASES[CASE_NO[name]]
    check_case(exe_o0, case, str(CASE_NO[name]))


@pytest.mark.parametrize("name", O2_CASES)
def test_trap_o2(exe_o2, name):
    case = O2_CASE_LIST[O2_CASE_NO[name]]
    check_case(exe_o2, case, str(O2_CASE_NO[name]))


@pytest.mark.parametrize("name", MEM_CASES)
def test_trap_bounds_check(exe_check, name):
    case = CASES[CASE_NO[name]]
    check_case(exe_check, case, str(CASE_NO[name]))


@pytest.fixture(scope="module")
def exe_counted(w2c_bin, tmp_path_factory):
    return build(tmp_path_factory, TRAP_WASM, "traps-counted", "-O0",
                 "--max-call-depth=100000")


@pytest.mark.parametrize("name", RECURSION_CASES)
def test_exhaustion_counted(exe_counted, name):
    case = CASES[CASE_NO[name]]
    check_case(exe_counted, case, str(CASE_NO[name]))


def test_dispatch_unknown_case(exe_o0):
    """The harness itself: an unknown case number exits 99 cleanly."""
    r = run([exe_o0, "100000"], timeout=60, errors="replace")
    assert (r.returncode, r.stdout, r.stderr) == (99, "", "")


def test_prog_name_is_basename(exe_o0, tmp_path):
    """<prog> follows the executable's own name, whatever it is."""
    other = tmp_path / "renamed-exe"
    shutil.copy(exe_o0, other)
    r = run([other, str(CASE_NO["unreachable"])], timeout=60,
            errors="replace")
    assert r.stderr == 'renamed-exe: wasm trap: unreachable in "unreachable"\n'
    assert r.returncode == 134


# ---- modules of their own ----------------------------------------------


def start_trap_module(fault):
    """A command whose start function traps (or not, as the control)."""
    m = Command(pages=1)
    init = m.func("init", [], [],
                  asm(("i32.const", PAGE if fault else PAGE - 1),
                      "i32.load8_u", "drop"))
    m.start(init)
    m.func("_start", [], [], asm("i64.const 0x5757", ("call", m.print_hex)),
           export="_start")
    return m.encode()


def test_trap_in_start_function(w2c_bin, tmp_path_factory):
    exe = build(tmp_path_factory, start_trap_module(True), "starttrap",
                "-O0")
    r = run([exe], timeout=60, errors="replace")
    assert r.returncode == 134, r.stderr
    assert r.stderr == \
        'starttrap: wasm trap: out of bounds memory access in "init"\n'
    assert r.stdout == "", "_start ran after the start function trapped"


def test_start_function_control(w2c_bin, tmp_path_factory):
    exe = build(tmp_path_factory, start_trap_module(False), "startok", "-O0")
    r = run([exe], timeout=60, errors="replace")
    assert (r.returncode, r.stderr, r.stdout) == (0, "", hexout([0x5757]))


def test_trap_names_export_without_name_section(w2c_bin, tmp_path_factory):
    """Without a name section the export name identifies the function."""
    m = Command(pages=1)
    m.func(None, [], [], asm("unreachable"), export="_start")
    m.names = False
    exe = build(tmp_path_factory, m.encode(), "noname", "-O0")
    r = run([exe], timeout=60, errors="replace")
    assert r.returncode == 134, r.stderr
    assert r.stderr == 'noname: wasm trap: unreachable in "_start"\n'


def test_proc_exit_code(w2c_bin, tmp_path_factory):
    """proc_exit(n) exits with n, no trap line (the values above rely on
    a clean exit being distinguishable from a trap)."""
    m = Command(pages=1)
    m.func("_start", [], [], asm(m.exit_(77), "unreachable"),
           export="_start")
    exe = build(tmp_path_factory, m.encode(), "exit77", "-O0")
    r = run([exe], timeout=60, errors="replace")
    assert (r.returncode, r.stderr) == (77, "")
