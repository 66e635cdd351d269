"""wasmgen - assemble small WebAssembly binary modules from Python.

The trap and bad-input tests build their modules with this instead of
depending on another Wasm tool.  It knows the binary format only as far as
those tests need it: LEB128, sections, the MVP instructions plus the
non-trapping conversions and bulk memory, and the name section.

    m = Module()
    exit_ = m.import_func("wasi_snapshot_preview1", "proc_exit", [I32], [])
    m.memory(1)
    m.func("_start", [], [], asm("i32.const 7", ("call", exit_)),
           export="_start")
    data = m.encode()

Instructions are written as strings with their immediates ("i32.const 5",
"i32.load offset=4 align=2", "br_if 1", "block i32"), as tuples
("call", idx), or as raw bytes for encodings the assembler should not make.
Nothing here validates: a test that wants an invalid module just writes it.
"""
import math
import struct

I32, I64, F32, F64, V128 = 0x7F, 0x7E, 0x7D, 0x7C, 0x7B
FUNCREF, EXTERNREF = 0x70, 0x6F

SEC_CUSTOM, SEC_TYPE, SEC_IMPORT, SEC_FUNC, SEC_TABLE, SEC_MEMORY = range(6)
SEC_GLOBAL, SEC_EXPORT, SEC_START, SEC_ELEM, SEC_CODE, SEC_DATA = range(6, 12)
SEC_DATACOUNT = 12

MAGIC = b"\0asm"
VERSION = b"\1\0\0\0"
HEADER = MAGIC + VERSION

WASI = "wasi_snapshot_preview1"

# ---- LEB128 and other scalars ------------------------------------------


def uleb(n, pad=0):
    """Unsigned LEB128; pad > 0 forces at least that many bytes."""
    if n < 0:
        raise ValueError("uleb of a negative number")
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n or len(out) + 1 < pad:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def sleb(n):
    """Signed LEB128, shortest form."""
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if (n == 0 and not b & 0x40) or (n == -1 and b & 0x40):
            out.append(b)
            return bytes(out)
        out.append(b | 0x80)


def f32(x):
    return struct.pack("<f", x)


def f64(x):
    return struct.pack("<d", x)


def name(s):
    """A vec(byte) name; str is UTF-8 encoded, bytes are taken as they are."""
    raw = s.encode("utf-8") if isinstance(s, str) else bytes(s)
    return uleb(len(raw)) + raw


def vec(items):
    items = list(items)
    return uleb(len(items)) + b"".join(items)


def section(sec_id, payload):
    return bytes([sec_id]) + uleb(len(payload)) + payload


def functype(params, results):
    return b"\x60" + vec(bytes([t]) for t in params) + \
        vec(bytes([t]) for t in results)


def limits(lo, hi=None):
    if hi is None:
        return b"\0" + uleb(lo)
    return b"\1" + uleb(lo) + uleb(hi)


# ---- instructions ------------------------------------------------------

OPS = {
    "unreachable": 0x00, "nop": 0x01, "block": 0x02, "loop": 0x03,
    "if": 0x04, "else": 0x05, "end": 0x0B, "br": 0x0C, "br_if": 0x0D,
    "br_table": 0x0E, "return": 0x0F, "call": 0x10, "call_indirect": 0x11,
    "drop": 0x1A, "select": 0x1B,
    "local.get": 0x20, "local.set": 0x21, "local.tee": 0x22,
    "global.get": 0x23, "global.set": 0x24,
    "memory.size": 0x3F, "memory.grow": 0x40,
    "i32.const": 0x41, "i64.const": 0x42, "f32.const": 0x43,
    "f64.const": 0x44,
}

_MEMOPS = """i32.load i64.load f32.load f64.load i32.load8_s i32.load8_u
    i32.load16_s i32.load16_u i64.load8_s i64.load8_u i64.load16_s
    i64.load16_u i64.load32_s i64.load32_u i32.store i64.store f32.store
    f64.store i32.store8 i32.store16 i64.store8 i64.store16
    i64.store32""".split()
# Natural alignment (log2 of the access width) of each memory instruction.
MEM_WIDTH = {}
for _i, _n in enumerate(_MEMOPS):
    OPS[_n] = 0x28 + _i
    _w = _n.split(".")[1]
    if _w in ("load", "store"):
        _bits = int(_n[1:3])
    else:
        _bits = int("".join(c for c in _w if c.isdigit()))
    MEM_WIDTH[_n] = _bits // 8

_NUMERIC = """i32.eqz i32.eq i32.ne i32.lt_s i32.lt_u i32.gt_s i32.gt_u
    i32.le_s i32.le_u i32.ge_s i32.ge_u
    i64.eqz i64.eq i64.ne i64.lt_s i64.lt_u i64.gt_s i64.gt_u i64.le_s
    i64.le_u i64.ge_s i64.ge_u
    f32.eq f32.ne f32.lt f32.gt f32.le f32.ge
    f64.eq f64.ne f64.lt f64.gt f64.le f64.ge
    i32.clz i32.ctz i32.popcnt i32.add i32.sub i32.mul i32.div_s i32.div_u
    i32.rem_s i32.rem_u i32.and i32.or i32.xor i32.shl i32.shr_s i32.shr_u
    i32.rotl i32.rotr
    i64.clz i64.ctz i64.popcnt i64.add i64.sub i64.mul i64.div_s i64.div_u
    i64.rem_s i64.rem_u i64.and i64.or i64.xor i64.shl i64.shr_s i64.shr_u
    i64.rotl i64.rotr
    f32.abs f32.neg f32.ceil f32.floor f32.trunc f32.nearest f32.sqrt
    f32.add f32.sub f32.mul f32.div f32.min f32.max f32.copysign
    f64.abs f64.neg f64.ceil f64.floor f64.trunc f64.nearest f64.sqrt
    f64.add f64.sub f64.mul f64.div f64.min f64.max f64.copysign
    i32.wrap_i64 i32.trunc_f32_s i32.trunc_f32_u i32.trunc_f64_s
    i32.trunc_f64_u i64.extend_i32_s i64.extend_i32_u i64.trunc_f32_s
    i64.trunc_f32_u i64.trunc_f64_s i64.trunc_f64_u f32.convert_i32_s
    f32.convert_i32_u f32.convert_i64_s f32.convert_i64_u f32.demote_f64
    f64.convert_i32_s f64.convert_i32_u f64.convert_i64_s f64.convert_i64_u
    f64.promote_f32 i32.reinterpret_f32 i64.reinterpret_f64
    f32.reinterpret_i32 f64.reinterpret_i64 i32.extend8_s i32.extend16_s
    i64.extend8_s i64.extend16_s i64.extend32_s""".split()
for _i, _n in enumerate(_NUMERIC):
    OPS[_n] = 0x45 + _i
assert OPS["i64.extend32_s"] == 0xC4

# 0xFC-prefixed instructions (sub-opcode as u32 LEB128).
FC_OPS = {
    "i32.trunc_sat_f32_s": 0, "i32.trunc_sat_f32_u": 1,
    "i32.trunc_sat_f64_s": 2, "i32.trunc_sat_f64_u": 3,
    "i64.trunc_sat_f32_s": 4, "i64.trunc_sat_f32_u": 5,
    "i64.trunc_sat_f64_s": 6, "i64.trunc_sat_f64_u": 7,
    "memory.init": 8, "data.drop": 9, "memory.copy": 10, "memory.fill": 11,
}

BLOCKTYPES = {"i32": I32, "i64": I64, "f32": F32, "f64": F64}


def _float(tok):
    t = tok.lower()
    if t in ("nan", "+nan"):
        return math.nan
    if t == "-nan":
        return -math.nan
    if t in ("inf", "+inf"):
        return math.inf
    if t == "-inf":
        return -math.inf
    return float.fromhex(t) if "0x" in t else float(t)


def _int(tok):
    return tok if isinstance(tok, int) else int(str(tok), 0)


def _memarg(op, args):
    align = {1: 0, 2: 1, 4: 2, 8: 3}[MEM_WIDTH[op]]
    offset = 0
    for a in args:
        k, _, v = str(a).partition("=")
        if k == "offset":
            offset = _int(v)
        elif k == "align":
            align = {1: 0, 2: 1, 4: 2, 8: 3, 16: 4}[_int(v)]
        else:
            raise ValueError(f"{op}: bad memarg {a!r}")
    return uleb(align) + uleb(offset)


def instr(op, *args):
    """Encode one instruction with its immediates."""
    if op in FC_OPS:
        out = b"\xFC" + uleb(FC_OPS[op])
        if op == "memory.init":
            return out + uleb(_int(args[0])) + b"\0"
        if op == "data.drop":
            return out + uleb(_int(args[0]))
        if op == "memory.copy":
            return out + b"\0\0"
        if op == "memory.fill":
            return out + b"\0"
        return out
    if op not in OPS:
        raise ValueError(f"unknown instruction {op!r}")
    code = bytes([OPS[op]])
    if op in ("block", "loop", "if"):
        if not args:
            return code + b"\x40"
        bt = args[0]
        if isinstance(bt, str):
            return code + bytes([BLOCKTYPES[bt]])
        return code + sleb(bt)          # a type index
    if op in ("br", "br_if", "call", "local.get", "local.set", "local.tee",
              "global.get", "global.set"):
        return code + uleb(_int(args[0]))
    if op == "br_table":
        labels = [_int(a) for a in args]
        return code + vec(uleb(x) for x in labels[:-1]) + uleb(labels[-1])
    if op == "call_indirect":
        table = _int(args[1]) if len(args) > 1 else 0
        return code + uleb(_int(args[0])) + uleb(table)
    if op in ("memory.size", "memory.grow"):
        return code + b"\0"
    if op == "i32.const":
        v = _int(args[0])
        return code + sleb(v - (1 << 32) if v >= 1 << 31 else v)
    if op == "i64.const":
        v = _int(args[0])
        return code + sleb(v - (1 << 64) if v >= 1 << 63 else v)
    if op == "f32.const":
        return code + (args[0] if isinstance(args[0], bytes)
                       else f32(_float(str(args[0]))))
    if op == "f64.const":
        return code + (args[0] if isinstance(args[0], bytes)
                       else f64(_float(str(args[0]))))
    if op in MEM_WIDTH:
        return code + _memarg(op, args)
    return code


def asm(*items):
    """Assemble instructions: "op imm..." strings, (op, imm...) tuples,
    raw bytes, or nested lists of those."""
    out = bytearray()
    for it in items:
        if isinstance(it, (bytes, bytearray)):
            out += it
        elif isinstance(it, str):
            parts = it.split()
            out += instr(parts[0], *parts[1:])
        elif isinstance(it, tuple):
            out += instr(*it)
        elif isinstance(it, list):
            out += asm(*it)
        else:
            raise TypeError(f"cannot assemble {it!r}")
    return bytes(out)


# ---- modules -----------------------------------------------------------


class Func:
    """A defined function; body is the instruction bytes without the final
    end (Module.encode appends it unless end=False)."""

    def __init__(self, idx, fname, typeidx, body, locals_, end):
        self.idx = idx
        self.name = fname
        self.typeidx = typeidx
        self.body = body
        self.locals = list(locals_)
        self.end = end


class Module:
    """A module under construction.  Index spaces follow the spec: imported
    functions come first, so import every function before defining any."""

    def __init__(self):
        self.types = []
        self.imports = []       # encoded import entries
        self.nimported_funcs = 0
        self.funcs = []         # Func
        self.func_names = {}    # function index -> name-section name
        self.tables = []
        self.memories = []
        self.globals = []
        self.exports = []
        self.start_idx = None
        self.elems = []
        self.datas = []
        self.customs = []       # (name, payload), emitted before the names
        self.names = True       # emit a name section

    def type(self, params, results):
        """Index of the function type (params) -> (results), added once."""
        t = functype(params, results)
        if t not in self.types:
            self.types.append(t)
        return self.types.index(t)

    def add_type(self, params, results):
        """Always append a new type entry (for duplicate-type tests)."""
        self.types.append(functype(params, results))
        return len(self.types) - 1

    def import_func(self, module, field, params, results, fname=None):
        if self.funcs:
            raise ValueError("import functions before defining any")
        t = self.type(params, results)
        self.imports.append(name(module) + name(field) + b"\0" + uleb(t))
        idx = self.nimported_funcs
        self.nimported_funcs += 1
        self.func_names[idx] = fname or field
        return idx

    def func(self, fname, params, results, body=b"", locals_=(),
             export=None, end=True):
        """Define a function; locals_ is a list of value types.  Returns its
        index.  body may be set later with set_body (forward calls)."""
        t = self.type(params, results)
        idx = self.nimported_funcs + len(self.funcs)
        self.funcs.append(Func(idx, fname, t, body, locals_, end))
        if fname is not None:
            self.func_names[idx] = fname
        if export is not None:
            self.export(export, 0, idx)
        return idx

    def set_body(self, idx, body):
        self.funcs[idx - self.nimported_funcs].body = body

    def table(self, lo, hi=None, elemtype=FUNCREF):
        self.tables.append(bytes([elemtype]) + limits(lo, hi))
        return len(self.tables) - 1

    def memory(self, lo, hi=None, export="memory"):
        self.memories.append(limits(lo, hi))
        if export is not None:
            self.export(export, 2, len(self.memories) - 1)
        return len(self.memories) - 1

    def global_(self, valtype, mutable, init):
        """init: constant expression instruction bytes (without end)."""
        self.globals.append(bytes([valtype, 1 if mutable else 0]) + init +
                            b"\x0B")
        return len(self.globals) - 1

    def export(self, field, kind, idx):
        self.exports.append(name(field) + bytes([kind]) + uleb(idx))

    def start(self, idx):
        self.start_idx = idx

    def elem(self, offset, funcidxs):
        """Active segment for table 0 at i32 offset."""
        self.elems.append(b"\0" + asm(("i32.const", offset)) + b"\x0B" +
                          vec(uleb(f) for f in funcidxs))

    def data(self, offset, payload):
        """Active segment for memory 0 at i32 offset."""
        self.datas.append(b"\0" + asm(("i32.const", offset)) + b"\x0B" +
                          uleb(len(payload)) + bytes(payload))

    def code_entry(self, f):
        groups = []
        for t in f.locals:
            if groups and groups[-1][1] == t:
                groups[-1][0] += 1
            else:
                groups.append([1, t])
        body = vec(uleb(n) + bytes([t]) for n, t in groups) + f.body + \
            (b"\x0B" if f.end else b"")
        return uleb(len(body)) + body

    def name_section(self):
        fnames = sorted(self.func_names.items())
        sub = vec(uleb(i) + name(n) for i, n in fnames)
        return name("name") + b"\1" + uleb(len(sub)) + sub

    def sections(self):
        """The module's sections as (id, payload) pairs, in order."""
        secs = []
        if self.types:
            secs.append((SEC_TYPE, vec(self.types)))
        if self.imports:
            secs.append((SEC_IMPORT, vec(self.imports)))
        if self.funcs:
            secs.append((SEC_FUNC, vec(uleb(f.typeidx) for f in self.funcs)))
        if self.tables:
            secs.append((SEC_TABLE, vec(self.tables)))
        if self.memories:
            secs.append((SEC_MEMORY, vec(self.memories)))
        if self.globals:
            secs.append((SEC_GLOBAL, vec(self.globals)))
        if self.exports:
            secs.append((SEC_EXPORT, vec(self.exports)))
        if self.start_idx is not None:
            secs.append((SEC_START, uleb(self.start_idx)))
        if self.elems:
            secs.append((SEC_ELEM, vec(self.elems)))
        if self.funcs:
            secs.append((SEC_CODE, vec(self.code_entry(f)
                                       for f in self.funcs)))
        if self.datas:
            secs.append((SEC_DATA, vec(self.datas)))
        for cname, payload in self.customs:
            secs.append((SEC_CUSTOM, name(cname) + payload))
        if self.names and self.func_names:
            secs.append((SEC_CUSTOM, self.name_section()))
        return secs

    def encode(self):
        return HEADER + b"".join(section(i, p) for i, p in self.sections())

    def section_offsets(self):
        """[(id, start, end)] of each section, start at its id byte."""
        out, pos = [], len(HEADER)
        for i, p in self.sections():
            n = 1 + len(uleb(len(p))) + len(p)
            out.append((i, pos, pos + n))
            pos += n
        return out


def find_unique(data, pattern):
    """Offset of the single occurrence of pattern in data."""
    first = data.find(pattern)
    if first < 0 or data.find(pattern, first + 1) >= 0:
        raise AssertionError(f"pattern {pattern.hex()} not unique in module")
    return first


# ---- WASI command modules ----------------------------------------------


class Command(Module):
    """A WASI command: imports proc_exit (function 0) and fd_write
    (function 1), one exported memory of `pages` pages, and helpers to
    print i64 values in hex and to exit.  Scratch memory at 0..63 belongs
    to the helpers."""

    def __init__(self, pages=1, max_pages=None, with_args=False):
        super().__init__()
        self.proc_exit = self.import_func(WASI, "proc_exit", [I32], [])
        self.fd_write = self.import_func(WASI, "fd_write",
                                         [I32, I32, I32, I32], [I32])
        if with_args:
            self.args_sizes_get = self.import_func(
                WASI, "args_sizes_get", [I32, I32], [I32])
            self.args_get = self.import_func(WASI, "args_get",
                                             [I32, I32], [I32])
        self.memory(pages, max_pages)
        self.print_hex = self.func("print_hex", [I64], [],
                                   _print_hex_body(self.fd_write),
                                   locals_=[I32, I32])

    def exit_(self, code):
        """Instructions: proc_exit(code)."""
        return asm(("i32.const", code), ("call", self.proc_exit))


def _print_hex_body(fd_write):
    """print_hex(v: i64): write v as 16 lowercase hex digits and a newline
    to stdout.  Digits at 16..31, newline at 32, iovec at 0, nwritten at
    8.  Locals: 1 = digit index i, 2 = nibble."""
    return asm(
        "i32.const 0", "local.set 1",
        "block", "loop",
        # nibble = (v >> (60 - 4 i)) & 15
        "local.get 0",
        "i32.const 60", "local.get 1", "i32.const 4", "i32.mul", "i32.sub",
        "i64.extend_i32_u", "i64.shr_u", "i32.wrap_i64",
        "i32.const 15", "i32.and", "local.set 2",
        # mem[16 + i] = nibble + (nibble < 10 ? '0' : 'a' - 10)
        "local.get 1", "i32.const 16", "i32.add",
        "local.get 2",
        "i32.const 48", "i32.const 87",
        "local.get 2", "i32.const 10", "i32.lt_u", "select",
        "i32.add", "i32.store8",
        "local.get 1", "i32.const 1", "i32.add", "local.tee 1",
        "i32.const 16", "i32.lt_u", "br_if 0",
        "end", "end",
        "i32.const 32", "i32.const 10", "i32.store8",
        "i32.const 0", "i32.const 16", "i32.store",
        "i32.const 4", "i32.const 17", "i32.store",
        "i32.const 1", "i32.const 0", "i32.const 1", "i32.const 8",
        ("call", fd_write), "drop")


def dispatch_body(m, cases):
    """_start body for a Command made with with_args=True: parse argv[1] as
    a decimal number n (0 when absent) and call cases[n] (a function
    index); an unknown n exits with 99.  Uses memory 64..1023 for the
    argument vectors and strings.  Locals: 0 argc, 1 p, 2 n, 3 ch."""
    sel = []
    for n, fidx in enumerate(cases):
        sel += ["local.get 2", ("i32.const", n), "i32.eq", "if",
                ("call", fidx), "return", "end"]
    return asm(
        # args_sizes_get(&argc @64, &bufsize @68); they must fit our space
        "i32.const 64", "i32.const 68", ("call", m.args_sizes_get), "drop",
        "i32.const 64", "i32.load", "local.set 0",
        "i32.const 68", "i32.load", "i32.const 512", "i32.gt_u",
        "local.get 0", "i32.const 32", "i32.gt_u", "i32.or",
        "if", m.exit_(98), "end",
        # args_get(argv @128, buf @512)
        "i32.const 128", "i32.const 512", ("call", m.args_get), "drop",
        "i32.const 0", "local.set 2",
        "local.get 0", "i32.const 2", "i32.ge_u",
        "if",
        "i32.const 132", "i32.load", "local.set 1",
        "block", "loop",
        "local.get 1", "i32.load8_u", "local.tee 3",
        "i32.const 48", "i32.sub", "i32.const 10", "i32.ge_u", "br_if 1",
        "local.get 2", "i32.const 10", "i32.mul",
        "local.get 3", "i32.const 48", "i32.sub", "i32.add", "local.set 2",
        "local.get 1", "i32.const 1", "i32.add", "local.set 1",
        "br 0",
        "end", "end",
        "end",
        sel,
        m.exit_(99))
