/*
 * binread.c - decode a .wasm binary into a Module.
 *
 * Structure only: magic and version, section order and sizes, counts,
 * LEB128 ranges, opcodes and immediates, block nesting.  Type rules
 * (operand types, index bounds other than a function's type) belong to
 * validate.c.  Everything is allocated in the caller's arena; names and
 * data point into the input buffer.  Features newer than Wasm 2.0 are
 * rejected with a message naming the feature (see the tables below).
 *
 * All reads go through one bounded cursor (bytes.c) whose bound is narrowed
 * to the current section or function body.  The first error sticks; the
 * section loop stops at it and binread_module reports it once.
 */
#include "binread.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bytes.h"

/* Implementation limits, reported as such. */
#define MAX_LOCALS 50000u       /* declared locals per function */
#define MAX_DEPTH 100000u       /* nested blocks per expression */

/* Section ids (binary: sections). */
enum {
    SEC_CUSTOM = 0,
    SEC_TYPE = 1,
    SEC_IMPORT = 2,
    SEC_FUNCTION = 3,
    SEC_TABLE = 4,
    SEC_MEMORY = 5,
    SEC_GLOBAL = 6,
    SEC_EXPORT = 7,
    SEC_START = 8,
    SEC_ELEM = 9,
    SEC_CODE = 10,
    SEC_DATA = 11,
    SEC_DATACOUNT = 12,
    SEC_TAG = 13
};

static const char *const section_names[] = {
    "custom section", "type section", "import section", "function section",
    "table section", "memory section", "global section", "export section",
    "start section", "element section", "code section", "data section",
    "data count section", "tag section"
};

/*
 * Features past Wasm 2.0, one row per encoding we recognise, so that a
 * later change that implements one removes its rows.  A module using them
 * is rejected with "<feature> is not supported yet".
 */
typedef struct Unsupported {
    uint8_t lo, hi;         /* byte range */
    const char *feature;
} Unsupported;

/* First byte of an instruction (prefix bytes cover their whole space). */
static const Unsupported unsupported_ops[] = {
    {0x06, 0x0A, "exception handling"},     /* try catch throw rethrow */
    {0x12, 0x13, "tail call (return_call)"},  /* and _indirect */
    {0x14, 0x15, "typed function references"}, /* [return_]call_ref */
    {0x18, 0x19, "exception handling"},     /* delegate catch_all */
    {0x1F, 0x1F, "exception handling"},     /* try_table */
    {0xD3, 0xD6, "typed function references"},  /* ref.as_non_null ... */
    {0xFB, 0xFB, "garbage collection"},
    {0xFE, 0xFE, "threads (atomic instructions)"},
};

/* Value type bytes (binary: valtype, reftype, heaptype shorthands). */
static const Unsupported unsupported_types[] = {
    {0x71, 0x74, "garbage collection"},     /* none/noextern/nofunc/noexn */
    {0x69, 0x69, "exception handling"},     /* exnref */
    {0x6A, 0x6E, "garbage collection"},     /* array/struct/i31/eq/any */
    {0x63, 0x64, "typed function references"},  /* (ref null ht) (ref ht) */
};

/* Limits flags byte: bit 1 shared, bit 2 64-bit index. */
static const Unsupported unsupported_mem_limits[] = {
    {0x02, 0x03, "threads (shared memory)"},
    {0x04, 0x07, "memory64"},
};
static const Unsupported unsupported_table_limits[] = {
    {0x04, 0x07, "memory64 (64-bit table indices)"},
};

/* Section ids; the function type forms of the GC proposal. */
static const Unsupported unsupported_sections[] = {
    {SEC_TAG, SEC_TAG, "exception handling"},
};
static const Unsupported unsupported_type_forms[] = {
    {0x4E, 0x50, "garbage collection"},     /* rec, sub final, sub */
    {0x5E, 0x5F, "garbage collection"},     /* array, struct */
};

/* 0xFD sub-opcodes from here on are relaxed SIMD (Wasm 3.0). */
#define RELAXED_SIMD_FIRST 0x100u
#define RELAXED_SIMD_LAST 0x113u

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char *
find_unsupported(const Unsupported *t, size_t n, unsigned b)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (b >= t[i].lo && b <= t[i].hi)
            return t[i].feature;
    return NULL;
}

#define UNSUPPORTED(t, b) find_unsupported((t), NELEMS(t), (b))

typedef struct Reader {
    Arena *a;
    Arena *scratch;         /* growable instruction and control stacks */
    Bytes c;
    Module *m;
    char where[112];        /* error context, c.ctx points here */

    uint16_t op1[256];      /* one-byte opcode -> Opcode + 1, 0: illegal */
    uint16_t opfc[32];      /* 0xFC sub-opcode -> Opcode + 1 */
    uint16_t opfd[256];     /* 0xFD sub-opcode -> Opcode + 1 */

    uint32_t nfuncdecl;     /* entries of the function section */
    bool has_code;
    bool code_mismatch;     /* reported at the end, after section order */
    uint32_t ncodes;
    size_t code_off;
    bool has_data;
    size_t name_start, name_end;    /* payload of the first "name" section */
    bool has_names;
    bool skip_local_names;  /* local names would cost too much memory */
    uint32_t customcap;     /* capacity of m->customs */

    Instr *ibuf;            /* instructions of the current expression */
    size_t icap;
    uint8_t *ctl;           /* open blocks: CTL_* */
    size_t ctlcap;
} Reader;

enum { CTL_BLOCK, CTL_IF, CTL_ELSE };

static void
set_where(Reader *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void
set_where(Reader *r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(r->where, sizeof r->where, fmt, ap);
    va_end(ap);
}

/* Record "feature is not supported yet" at off. */
static bool
fail_feature(Reader *r, size_t off, const char *feature)
{
    return bytes_fail(&r->c, off, "%s is not supported yet", feature);
}

/*
 * A count of items that each take at least one byte, checked against what
 * is left before anything is sized from it.  The reference decoder would
 * run out of bytes while reading the items, so say it that way.
 */
static uint32_t
read_count(Reader *r, const char *what)
{
    size_t off = r->c.pos;
    uint32_t n = bytes_u32(&r->c);

    if (r->c.err)
        return 0;
    if (n > bytes_left(&r->c)) {
        bytes_fail(&r->c, off, "unexpected end of section or function (%u "
                   "%s declared, only %zu bytes left)", n, what,
                   bytes_left(&r->c));
        return 0;
    }
    return n;
}

/* binary: valtype.  b is a value type byte already read at off. */
static ValType
check_valtype(Reader *r, size_t off, unsigned b)
{
    const char *feature;

    switch (b) {
    case VT_I32: case VT_I64: case VT_F32: case VT_F64: case VT_V128:
    case VT_FUNCREF: case VT_EXTERNREF:
        return (ValType)b;
    default:
        break;
    }
    feature = UNSUPPORTED(unsupported_types, b);
    if (feature != NULL)
        fail_feature(r, off, feature);
    else
        bytes_fail(&r->c, off, "malformed value type 0x%02x", b);
    return VT_NONE;
}

static ValType
read_valtype(Reader *r)
{
    size_t off = r->c.pos;
    uint8_t b = bytes_u8(&r->c);

    if (r->c.err)
        return VT_NONE;
    /* the reference decoder reads value types as s7 LEB128 */
    if (b & 0x80) {
        bytes_fail(&r->c, off, "integer representation too long (value "
                   "type 0x%02x)", b);
        return VT_NONE;
    }
    return check_valtype(r, off, b);
}

/* binary: reftype (0x70 funcref, 0x6F externref). */
static ValType
read_reftype(Reader *r)
{
    size_t off = r->c.pos;
    uint8_t b = bytes_u8(&r->c);
    const char *feature;

    if (r->c.err)
        return VT_NONE;
    if (b == VT_FUNCREF || b == VT_EXTERNREF)
        return (ValType)b;
    feature = UNSUPPORTED(unsupported_types, b);
    if (feature != NULL)
        fail_feature(r, off, feature);
    else
        bytes_fail(&r->c, off, "malformed reference type 0x%02x", b);
    return VT_NONE;
}

/* binary: limits.  Flags 0 (min) or 1 (min, max) in 2.0. */
static void
read_limits(Reader *r, Limits *lim, bool is_memory)
{
    size_t off = r->c.pos;
    uint8_t flags = bytes_u8(&r->c);
    const char *feature;

    if (r->c.err)
        return;
    /* binary: limits flags are read as a 1-bit LEB128 in 2.0 */
    if (flags & 0x80) {
        bytes_fail(&r->c, off, "integer representation too long (limits "
                   "flags 0x%02x)", flags);
        return;
    }
    if (flags > 1) {
        feature = is_memory ? UNSUPPORTED(unsupported_mem_limits, flags)
                            : UNSUPPORTED(unsupported_table_limits, flags);
        if (feature != NULL)
            bytes_fail(&r->c, off, "%s is not supported yet (integer too "
                       "large: limits flags 0x%02x)", feature, flags);
        else
            bytes_fail(&r->c, off, "integer too large (malformed limits "
                       "flags 0x%02x, expected 0x00 or 0x01)", flags);
        return;
    }
    lim->min = bytes_u32(&r->c);
    lim->has_max = flags == 1;
    if (lim->has_max)
        lim->max = bytes_u32(&r->c);
}

/* A single byte that must be 0x00 (reserved memory index, elemkind). */
static void
read_zero(Reader *r, const char *what)
{
    size_t off = r->c.pos;
    uint8_t b = bytes_u8(&r->c);

    if (!r->c.err && b != 0)
        bytes_fail(&r->c, off, "zero byte expected (%s, found 0x%02x)",
                   what, b);
}

/* ---- expressions ---------------------------------------------------- */

static void
build_opcode_tables(Reader *r)
{
    unsigned i;

    for (i = 0; i < OP_COUNT_; i++) {
        const OpInfo *o = &op_info[i];
        if (o->prefix == 0x00 && o->code < 256)
            r->op1[o->code] = (uint16_t)(i + 1);
        else if (o->prefix == 0xFC && o->code < NELEMS(r->opfc))
            r->opfc[o->code] = (uint16_t)(i + 1);
        else if (o->prefix == 0xFD && o->code < NELEMS(r->opfd))
            r->opfd[o->code] = (uint16_t)(i + 1);
    }
}

/* Room for one more instruction in r->ibuf (doubling in scratch). */
static Instr *
push_instr(Reader *r, size_t n)
{
    if (n == r->icap) {
        size_t cap = r->icap ? r->icap * 2 : 256;
        Instr *nb = arena_array(r->scratch, cap, sizeof *nb);
        if (n > 0)
            memcpy(nb, r->ibuf, n * sizeof *nb);
        r->ibuf = nb;
        r->icap = cap;
    }
    memset(&r->ibuf[n], 0, sizeof r->ibuf[n]);
    return &r->ibuf[n];
}

static void
push_ctl(Reader *r, size_t depth, uint8_t kind)
{
    if (depth == r->ctlcap) {
        size_t cap = r->ctlcap ? r->ctlcap * 2 : 64;
        uint8_t *nb = arena_alloc(r->scratch, cap);
        if (depth > 0)
            memcpy(nb, r->ctl, depth);
        r->ctl = nb;
        r->ctlcap = cap;
    }
    r->ctl[depth] = kind;
}

/*
 * binary: blocktype.  0x40 is empty, a value type byte is a single result,
 * anything else is a non-negative s33 type index.
 */
static int64_t
read_blocktype(Reader *r)
{
    size_t off = r->c.pos;
    int64_t v = bytes_s33(&r->c);

    if (r->c.err)
        return BLOCK_EMPTY;
    if (v >= 0)
        return BLOCK_TYPEIDX(v);
    if (v == BLOCK_EMPTY)
        return BLOCK_EMPTY;
    if (v >= -64)
        return check_valtype(r, off, (unsigned)(v + 128));
    bytes_fail(&r->c, off, "malformed block type");
    return BLOCK_EMPTY;
}

/*
 * binary: memarg ::= align:u32 offset:u32.  Wasm 2.0 has one memory, so
 * the flags are the alignment exponent alone.
 */
static void
read_memarg(Reader *r, Instr *in)
{
    Bytes *c = &r->c;
    size_t off = c->pos;

    in->imm.mem.align = bytes_u32(c);
    if (c->err)
        return;
    /* multi-memory signals an explicit memory index with bit 6 */
    if (in->imm.mem.align >= 64 && in->imm.mem.align < 128) {
        bytes_fail(c, off, "multi-memory is not supported yet "
                   "(malformed memop flags 0x%x)", in->imm.mem.align);
        return;
    }
    if (in->imm.mem.align >= 32) {
        bytes_fail(c, off, "malformed memop flags (alignment exponent %u)",
                   in->imm.mem.align);
        return;
    }
    in->imm.mem.offset = bytes_u32(c);
    in->imm.mem.mem = 0;
}

/* Decode the immediates of one instruction into in (binary: instructions). */
static void
read_immediates(Reader *r, Instr *in)
{
    Bytes *c = &r->c;
    const uint8_t *p;
    uint32_t i, n;

    switch (op_info[in->op].imm) {
    case IMM_NONE:
        break;
    case IMM_BLOCK:
        in->imm.block = read_blocktype(r);
        break;
    case IMM_LABEL: case IMM_FUNC: case IMM_LOCAL: case IMM_GLOBAL:
    case IMM_TABLE: case IMM_ELEM:
        in->imm.idx = bytes_u32(c);
        break;
    case IMM_DATA:
        in->imm.idx = bytes_u32(c);
        if (!r->m->has_datacount)
            bytes_fail(c, in->offset, "data count section required "
                       "(%s needs it)", op_info[in->op].text);
        break;
    case IMM_BR_TABLE:
        n = read_count(r, "branch targets");
        if (c->err)
            break;
        in->imm.br_table.n = n;
        in->imm.br_table.targets = arena_array(r->a, (size_t)n + 1,
                                               sizeof(uint32_t));
        for (i = 0; i <= n; i++)
            in->imm.br_table.targets[i] = bytes_u32(c);
        break;
    case IMM_CALL_INDIRECT:
    case IMM_TABLE_INIT:
    case IMM_TABLE_COPY:
        in->imm.idx2.a = bytes_u32(c);
        in->imm.idx2.b = bytes_u32(c);
        break;
    case IMM_MEMARG:
        read_memarg(r, in);
        break;
    case IMM_MEMARG_LANE:
        /* binary: memarg then laneidx, one byte; its bound is validation */
        read_memarg(r, in);
        in->imm.mem.lane = bytes_u8(c);
        break;
    case IMM_LANE:
        in->imm.idx = bytes_u8(c);
        break;
    case IMM_V128:
    case IMM_SHUFFLE:
        /* v128.const: 16 bytes in memory order; i8x16.shuffle: 16 lane
           index bytes, each checked (< 32) by validation */
        p = bytes_take(c, 16);
        if (p != NULL)
            memcpy(in->imm.v128, p, 16);
        break;
    case IMM_MEM:
        read_zero(r, "memory index");
        in->imm.idx = 0;
        break;
    case IMM_I32:
        in->imm.i32 = (uint32_t)bytes_s32(c);
        break;
    case IMM_I64:
        in->imm.i64 = (uint64_t)bytes_s64(c);
        break;
    case IMM_F32:
        in->imm.f32 = bytes_f32(c);
        break;
    case IMM_F64:
        in->imm.f64 = bytes_f64(c);
        break;
    case IMM_SELECT_T:
        n = read_count(r, "result types");
        if (c->err)
            break;
        if (n != 1) {
            /* well-formed, but invalid: the validator sees VT_NONE */
            uint32_t k;
            for (k = 0; k < n && !c->err; k++)
                (void)read_valtype(r);
            in->imm.type = VT_NONE;
            break;
        }
        in->imm.type = read_valtype(r);
        break;
    case IMM_REFTYPE:
        in->imm.type = read_reftype(r);
        break;
    case IMM_MEMORY_INIT:
        in->imm.idx2.a = bytes_u32(c);
        read_zero(r, "memory index");
        in->imm.idx2.b = 0;
        if (!r->m->has_datacount)
            bytes_fail(c, in->offset, "data count section required "
                       "(memory.init needs it)");
        break;
    case IMM_MEMORY_COPY:
        read_zero(r, "destination memory index");
        read_zero(r, "source memory index");
        in->imm.idx2.a = in->imm.idx2.b = 0;
        break;
    default:
        BUG("binread: immediate kind without a decoder");
    }
}

/*
 * binary: expr.  Decode instructions up to and including the END that
 * closes nesting depth 0, into a new array in r->a.  Blocks are tracked on
 * an explicit stack (r->ctl), never by recursion.  On failure the cursor
 * holds the error and the returned Expr is empty.
 */
static Expr
read_expr(Reader *r)
{
    Bytes *c = &r->c;
    Expr e = {NULL, 0};
    size_t n = 0, depth = 0;

    for (;;) {
        size_t off = c->pos;
        unsigned b;
        const char *feature;
        uint16_t op;
        Instr *in;

        if (c->err)
            return e;
        if (bytes_left(c) == 0) {
            bytes_fail(c, off, "END opcode expected (at nesting depth %zu): "
                       "unexpected end of section or function", depth);
            return e;
        }
        b = bytes_u8(c);
        feature = UNSUPPORTED(unsupported_ops, b);
        if (feature != NULL) {
            fail_feature(r, off, feature);
            return e;
        }
        if (b == 0xFC) {
            uint32_t sub = bytes_u32(c);
            if (c->err)
                return e;
            op = sub < NELEMS(r->opfc) ? r->opfc[sub] : 0;
            if (op == 0) {
                bytes_fail(c, off, "illegal opcode 0xfc 0x%x", sub);
                return e;
            }
        } else if (b == 0xFD) {
            /* binary: vector instructions, 0xFD then a u32 opcode */
            uint32_t sub = bytes_u32(c);
            if (c->err)
                return e;
            if (sub >= RELAXED_SIMD_FIRST && sub <= RELAXED_SIMD_LAST) {
                bytes_fail(c, off, "relaxed SIMD is not supported yet "
                           "(illegal opcode 0xfd 0x%x)", sub);
                return e;
            }
            op = sub < NELEMS(r->opfd) ? r->opfd[sub] : 0;
            if (op == 0) {
                bytes_fail(c, off, "illegal opcode 0xfd 0x%x", sub);
                return e;
            }
        } else {
            op = r->op1[b];
            if (op == 0) {
                bytes_fail(c, off, "illegal opcode 0x%02x", b);
                return e;
            }
        }
        in = push_instr(r, n);
        in->op = (uint16_t)(op - 1);
        in->offset = (uint32_t)off;
        n++;
        read_immediates(r, in);

        switch (in->op) {
        case OP_BLOCK: case OP_LOOP: case OP_IF:
            if (depth >= MAX_DEPTH) {
                bytes_fail(c, off, "blocks nested deeper than the "
                           "implementation limit of %u", MAX_DEPTH);
                return e;
            }
            push_ctl(r, depth, in->op == OP_IF ? CTL_IF : CTL_BLOCK);
            depth++;
            break;
        case OP_ELSE:
            /* binary: else belongs to an if, at most once */
            if (depth == 0 || r->ctl[depth - 1] != CTL_IF) {
                bytes_fail(c, off, "END opcode expected (else without a "
                           "matching if)");
                return e;
            }
            r->ctl[depth - 1] = CTL_ELSE;
            break;
        case OP_END:
            if (depth == 0) {
                e.code = arena_array(r->a, n, sizeof(Instr));
                memcpy(e.code, r->ibuf, n * sizeof(Instr));
                e.n = (uint32_t)n;
                return e;
            }
            depth--;
            break;
        default:
            break;
        }
    }
}

/* ---- sections ------------------------------------------------------- */

/* binary: type section.  functype ::= 0x60 vec(valtype) vec(valtype) */
static void
read_types(Reader *r)
{
    Module *m = r->m;
    uint32_t i, j, n;

    n = read_count(r, "types");
    m->types = arena_array(r->a, n, sizeof *m->types);
    m->ntypes = n;
    for (i = 0; i < n && !r->c.err; i++) {
        FuncType *ft = &m->types[i];
        size_t off = r->c.pos;
        uint8_t form = bytes_u8(&r->c);
        const char *feature;

        set_where(r, "type section: type %u", i);
        if (r->c.err)
            break;
        if (form & 0x80) {
            bytes_fail(&r->c, off, "integer representation too long "
                       "(function type form 0x%02x)", form);
            break;
        }
        if (form != 0x60) {
            feature = UNSUPPORTED(unsupported_type_forms, form);
            if (feature != NULL)
                fail_feature(r, off, feature);
            else
                bytes_fail(&r->c, off, "malformed function type (expected "
                           "0x60, found 0x%02x)", form);
            break;
        }
        ft->nparams = read_count(r, "parameters");
        ft->params = arena_array(r->a, ft->nparams, sizeof(ValType));
        for (j = 0; j < ft->nparams; j++)
            ft->params[j] = read_valtype(r);
        ft->nresults = read_count(r, "results");
        ft->results = arena_array(r->a, ft->nresults, sizeof(ValType));
        for (j = 0; j < ft->nresults; j++)
            ft->results[j] = read_valtype(r);
    }
}

/*
 * A type index of a function.  An index past the type section is a
 * validation error ("unknown type", assert_invalid in the spec tests), so
 * validate.c checks it, before anything else looks at the type; the reader
 * itself only uses it guarded (the name section).
 */
static uint32_t
read_functype_index(Reader *r)
{
    return bytes_u32(&r->c);
}

/* binary: globaltype ::= valtype mut, mut 0x00 const or 0x01 var */
static void
read_globaltype(Reader *r, Global *g)
{
    size_t off;
    uint8_t mut;

    g->type = read_valtype(r);
    off = r->c.pos;
    mut = bytes_u8(&r->c);
    if (!r->c.err && mut > 1)
        bytes_fail(&r->c, off, "malformed mutability 0x%02x (expected 0x00 "
                   "or 0x01)", mut);
    g->is_mutable = mut == 1;
}

/*
 * Grow an index space array to hold old + add entries, keeping the
 * imported entries in front (the spec's index order).
 */
static void *
extend(Reader *r, void *old, uint32_t nold, uint32_t add, size_t size,
       const char *what)
{
    void *nb;

    if ((uint64_t)nold + add > UINT32_MAX) {
        bytes_fail(&r->c, r->c.pos, "too many %s", what);
        return old;
    }
    nb = arena_array(r->a, (size_t)nold + add, size);
    if (nold > 0)
        memcpy(nb, old, (size_t)nold * size);
    return nb;
}

/*
 * One import description; the entity goes to whichever of f, t, mem, g
 * matches the kind.  Returns the kind, or -1 after recording an error.
 */
static int
read_importdesc(Reader *r, Func *f, Table *t, Memory *mem, Global *g)
{
    size_t off = r->c.pos;
    uint8_t kind = bytes_u8(&r->c);

    if (r->c.err)
        return -1;
    switch (kind) {
    case EXT_FUNC:
        f->type = read_functype_index(r);
        break;
    case EXT_TABLE:
        t->elem = read_reftype(r);
        read_limits(r, &t->lim, false);
        break;
    case EXT_MEMORY:
        read_limits(r, &mem->lim, true);
        break;
    case EXT_GLOBAL:
        read_globaltype(r, g);
        break;
    case 4:
        return bytes_fail(&r->c, off, "exception handling is not supported "
                          "yet (malformed import kind 0x04: tag)"), -1;
    default:
        return bytes_fail(&r->c, off, "malformed import kind 0x%02x", kind),
               -1;
    }
    return r->c.err ? -1 : kind;
}

/*
 * binary: import section.  Imports fill the front of each index space.
 * Read twice: once to check and count each kind, then again into arrays
 * of exactly the right size.
 */
static void
read_imports(Reader *r)
{
    Module *m = r->m;
    uint32_t i, n, pass;
    uint32_t nf = 0, nt = 0, nm = 0, ng = 0;
    size_t first = 0;

    n = read_count(r, "imports");
    m->imports = arena_array(r->a, n, sizeof *m->imports);
    m->nimports = n;
    first = r->c.pos;
    for (pass = 0; pass < 2 && !r->c.err; pass++) {
        if (pass == 1) {
            m->funcs = arena_array(r->a, nf, sizeof *m->funcs);
            m->tables = arena_array(r->a, nt, sizeof *m->tables);
            m->mems = arena_array(r->a, nm, sizeof *m->mems);
            m->globals = arena_array(r->a, ng, sizeof *m->globals);
            nf = nt = nm = ng = 0;
            r->c.pos = first;
        }
        for (i = 0; i < n && !r->c.err; i++) {
            Import *im = &m->imports[i];
            Func fx, *f = pass ? &m->funcs[nf] : &fx;
            Table tx, *t = pass ? &m->tables[nt] : &tx;
            Memory mx, *mem = pass ? &m->mems[nm] : &mx;
            Global gx, *g = pass ? &m->globals[ng] : &gx;
            int kind;

            set_where(r, "import section: import %u", i);
            im->offset = (uint32_t)r->c.pos;
            bytes_name(&r->c, &im->module);
            bytes_name(&r->c, &im->name);
            /* in pass 0 the array slots may not exist yet: use locals */
            if (pass == 0) {
                memset(&fx, 0, sizeof fx);
                memset(&tx, 0, sizeof tx);
                memset(&mx, 0, sizeof mx);
                memset(&gx, 0, sizeof gx);
            }
            kind = read_importdesc(r, f, t, mem, g);
            if (kind < 0)
                break;
            im->kind = (ExternKind)kind;
            switch (kind) {
            case EXT_FUNC:
                f->is_import = true;
                f->import = i;
                f->offset = im->offset;
                im->index = nf++;
                break;
            case EXT_TABLE:
                t->is_import = true;
                t->import = i;
                t->offset = im->offset;
                im->index = nt++;
                break;
            case EXT_MEMORY:
                mem->is_import = true;
                mem->import = i;
                mem->offset = im->offset;
                im->index = nm++;
                break;
            default:
                g->is_import = true;
                g->import = i;
                g->offset = im->offset;
                im->index = ng++;
                break;
            }
        }
    }
    m->nfuncs = m->nimported_funcs = nf;
    m->ntables = m->nimported_tables = nt;
    m->nmems = m->nimported_mems = nm;
    m->nglobals = m->nimported_globals = ng;
}

/* binary: function section, the type of each defined function. */
static void
read_functions(Reader *r)
{
    Module *m = r->m;
    uint32_t i, n;

    n = read_count(r, "functions");
    m->funcs = extend(r, m->funcs, m->nfuncs, n, sizeof *m->funcs,
                      "functions");
    if (r->c.err)
        return;
    for (i = 0; i < n && !r->c.err; i++) {
        set_where(r, "function section: function %u", m->nfuncs + i);
        m->funcs[m->nfuncs + i].type = read_functype_index(r);
    }
    m->nfuncs += n;
    r->nfuncdecl = n;
}

/* binary: table section.  tabletype ::= reftype limits */
static void
read_tables(Reader *r)
{
    Module *m = r->m;
    uint32_t i, n;

    n = read_count(r, "tables");
    m->tables = extend(r, m->tables, m->ntables, n, sizeof *m->tables,
                       "tables");
    if (r->c.err)
        return;
    for (i = 0; i < n && !r->c.err; i++) {
        Table *t = &m->tables[m->ntables + i];
        set_where(r, "table section: table %u", m->ntables + i);
        t->offset = (uint32_t)r->c.pos;
        t->elem = read_reftype(r);
        read_limits(r, &t->lim, false);
    }
    m->ntables += n;
}

/* binary: memory section.  memtype ::= limits */
static void
read_memories(Reader *r)
{
    Module *m = r->m;
    uint32_t i, n;

    n = read_count(r, "memories");
    m->mems = extend(r, m->mems, m->nmems, n, sizeof *m->mems, "memories");
    if (r->c.err)
        return;
    for (i = 0; i < n && !r->c.err; i++) {
        Memory *mem = &m->mems[m->nmems + i];
        set_where(r, "memory section: memory %u", m->nmems + i);
        mem->offset = (uint32_t)r->c.pos;
        read_limits(r, &mem->lim, true);
    }
    m->nmems += n;
}

/* binary: global section.  global ::= globaltype expr */
static void
read_globals(Reader *r)
{
    Module *m = r->m;
    uint32_t i, n;

    n = read_count(r, "globals");
    m->globals = extend(r, m->globals, m->nglobals, n, sizeof *m->globals,
                        "globals");
    if (r->c.err)
        return;
    for (i = 0; i < n && !r->c.err; i++) {
        Global *g = &m->globals[m->nglobals + i];
        set_where(r, "global section: global %u", m->nglobals + i);
        g->offset = (uint32_t)r->c.pos;
        read_globaltype(r, g);
        g->init = read_expr(r);
    }
    m->nglobals += n;
}

/* binary: export section.  export ::= name exportdesc */
static void
read_exports(Reader *r)
{
    Module *m = r->m;
    uint32_t i, n;

    n = read_count(r, "exports");
    m->exports = arena_array(r->a, n, sizeof *m->exports);
    m->nexports = n;
    for (i = 0; i < n && !r->c.err; i++) {
        Export *ex = &m->exports[i];
        size_t off;
        uint8_t kind;

        set_where(r, "export section: export %u", i);
        ex->offset = (uint32_t)r->c.pos;
        bytes_name(&r->c, &ex->name);
        off = r->c.pos;
        kind = bytes_u8(&r->c);
        if (r->c.err)
            break;
        if (kind > EXT_GLOBAL) {
            if (kind == 4)
                bytes_fail(&r->c, off, "exception handling is not "
                           "supported yet (malformed export kind 0x04: tag)");
            else
                bytes_fail(&r->c, off, "malformed export kind 0x%02x", kind);
            break;
        }
        ex->kind = (ExternKind)kind;
        ex->index = bytes_u32(&r->c);
    }
}

/* A vec(funcidx) stored as one `ref.func i; end` expression per entry. */
static void
read_funcidx_inits(Reader *r, Elem *el)
{
    uint32_t i, n = read_count(r, "elements");
    Instr *code;

    if (r->c.err)
        return;
    code = arena_array(r->a, (size_t)n * 2, sizeof *code);
    el->inits = arena_array(r->a, n, sizeof *el->inits);
    el->ninits = n;
    for (i = 0; i < n && !r->c.err; i++) {
        size_t off = r->c.pos;
        code[2 * i].op = OP_REF_FUNC;
        code[2 * i].offset = (uint32_t)off;
        code[2 * i].imm.idx = bytes_u32(&r->c);
        code[2 * i + 1].op = OP_END;
        code[2 * i + 1].offset = (uint32_t)off;
        el->inits[i].code = &code[2 * i];
        el->inits[i].n = 2;
    }
}

static void
read_expr_inits(Reader *r, Elem *el)
{
    uint32_t i, n = read_count(r, "elements");

    if (r->c.err)
        return;
    el->inits = arena_array(r->a, n, sizeof *el->inits);
    el->ninits = n;
    for (i = 0; i < n && !r->c.err; i++)
        el->inits[i] = read_expr(r);
}

/*
 * binary: element section.  The flags field selects one of 8 encodings:
 * bit 0 passive/declarative, bit 1 explicit table (active) or declarative
 * (otherwise), bit 2 expressions instead of function indices.
 */
static void
read_elems(Reader *r)
{
    Module *m = r->m;
    uint32_t i, n;

    n = read_count(r, "element segments");
    m->elems = arena_array(r->a, n, sizeof *m->elems);
    m->nelems = n;
    for (i = 0; i < n && !r->c.err; i++) {
        Elem *el = &m->elems[i];
        size_t off = r->c.pos;
        uint32_t flags;
        bool has_exprs;

        set_where(r, "element section: segment %u", i);
        el->offset = (uint32_t)off;
        flags = bytes_u32(&r->c);
        if (r->c.err)
            break;
        if (flags > 7) {
            bytes_fail(&r->c, off, "malformed element segment flags %u "
                       "(expected 0 to 7)", flags);
            break;
        }
        has_exprs = (flags & 4) != 0;
        el->type = VT_FUNCREF;
        if ((flags & 1) == 0) {
            el->mode = SEG_ACTIVE;
            if (flags & 2)
                el->table = bytes_u32(&r->c);
            el->offset_expr = read_expr(r);
        } else {
            el->mode = (flags & 2) ? SEG_DECLARATIVE : SEG_PASSIVE;
        }
        /* flags 0 and 4 have neither elemkind nor reftype: funcref */
        if (flags != 0 && flags != 4) {
            if (has_exprs)
                el->type = read_reftype(r);
            else
                read_zero(r, "element kind funcref");
        }
        if (has_exprs)
            read_expr_inits(r, el);
        else
            read_funcidx_inits(r, el);
    }
}

/*
 * binary: code section.  code ::= size:u32 func, func ::= vec(locals) expr.
 * Each body is read with the cursor bounded to its size.
 */
static void
read_code(Reader *r)
{
    Module *m = r->m;
    Bytes *c = &r->c;
    size_t secoff = c->pos;
    uint32_t i, n;

    n = read_count(r, "function bodies");
    if (c->err)
        return;
    r->has_code = true;
    if (n != r->nfuncdecl) {
        /* the reference decoder checks this after reading all sections */
        r->code_mismatch = true;
        r->ncodes = n;
        r->code_off = secoff;
        c->pos = c->end;
        return;
    }
    for (i = 0; i < n && !c->err; i++) {
        uint32_t fidx = m->nimported_funcs + i;
        Func *f = &m->funcs[fidx];
        size_t off = c->pos, body_end, saved_end, groups_pos;
        uint32_t size, ngroups, g;
        uint64_t total = 0;

        set_where(r, "code section: function %u body", fidx);
        f->offset = (uint32_t)off;
        size = bytes_u32(c);
        if (c->err)
            break;
        if (size > bytes_left(c)) {
            bytes_fail(c, off, "length out of bounds (body size %u, only "
                       "%zu bytes left in the section)", size, bytes_left(c));
            break;
        }
        saved_end = c->end;
        body_end = c->pos + size;
        c->end = body_end;

        /* binary: locals.  The total must fit in u32 ("too many locals"). */
        ngroups = read_count(r, "local declarations");
        groups_pos = c->pos;
        for (g = 0; g < ngroups && !c->err; g++) {
            size_t goff = c->pos;
            uint32_t cnt = bytes_u32(c);
            total += cnt;
            if (total > UINT32_MAX) {
                bytes_fail(c, goff, "too many locals (more than 2^32-1)");
                break;
            }
            if (total > MAX_LOCALS) {
                bytes_fail(c, goff, "too many locals (%llu declared, the "
                           "implementation limit is %u)",
                           (unsigned long long)total, MAX_LOCALS);
                break;
            }
            read_valtype(r);
        }
        if (!c->err) {
            uint32_t k = 0;
            f->locals = arena_array(r->a, (size_t)total, sizeof(ValType));
            f->nlocals = (uint32_t)total;
            /* second pass over the already checked groups to expand them */
            c->pos = groups_pos;
            for (g = 0; g < ngroups; g++) {
                uint32_t cnt = bytes_u32(c), j;
                ValType t = read_valtype(r);
                for (j = 0; j < cnt; j++)
                    f->locals[k++] = t;
            }
        }
        f->body = read_expr(r);
        if (!c->err && c->pos != body_end)
            bytes_fail(c, c->pos, "END opcode expected (the final END is "
                       "followed by %zu more bytes of the body)",
                       body_end - c->pos);
        c->end = saved_end;
    }
}

/*
 * binary: data section.  flags 0: active in memory 0, 1: passive,
 * 2: active with an explicit memory index.
 */
static void
read_datas(Reader *r)
{
    Module *m = r->m;
    size_t secoff = r->c.pos;
    uint32_t i, n;

    n = read_count(r, "data segments");
    if (r->c.err)
        return;
    if (m->has_datacount && n != m->datacount) {
        bytes_fail(&r->c, secoff, "data count and data section have "
                   "inconsistent lengths (data count %u, %u segments)",
                   m->datacount, n);
        return;
    }
    r->has_data = true;
    m->datas = arena_array(r->a, n, sizeof *m->datas);
    m->ndatas = n;
    for (i = 0; i < n && !r->c.err; i++) {
        Data *dt = &m->datas[i];
        size_t off = r->c.pos;
        uint32_t flags;

        set_where(r, "data section: segment %u", i);
        dt->offset = (uint32_t)off;
        flags = bytes_u32(&r->c);
        if (r->c.err)
            break;
        if (flags > 2) {
            bytes_fail(&r->c, off, "malformed data segment flags %u "
                       "(expected 0, 1 or 2)", flags);
            break;
        }
        if (flags == 1) {
            dt->mode = SEG_PASSIVE;
        } else {
            dt->mode = SEG_ACTIVE;
            if (flags == 2)
                dt->mem = bytes_u32(&r->c);
            dt->offset_expr = read_expr(r);
        }
        bytes_vec(&r->c, &dt->bytes, &dt->len);
    }
}

/* A custom section: name, then opaque bytes up to the section end. */
static void
read_custom(Reader *r, size_t start, size_t end)
{
    Module *m = r->m;
    Custom *cu;
    Str name;
    size_t pos;

    set_where(r, "custom section");
    bytes_name(&r->c, &name);
    if (r->c.err)
        return;
    pos = r->c.pos;
    r->c.pos = end;
    if (name.len == 4 && memcmp(name.ptr, "name", 4) == 0) {
        if (!r->has_names) {
            r->has_names = true;
            r->name_start = pos;
            r->name_end = end;
        }
        return;
    }
    if (m->ncustoms == r->customcap) {
        r->customcap = r->customcap ? r->customcap * 2 : 8;
        cu = arena_array(r->a, r->customcap, sizeof *cu);
        if (m->ncustoms > 0)
            memcpy(cu, m->customs, m->ncustoms * sizeof *cu);
        m->customs = cu;
    }
    cu = m->customs;
    cu[m->ncustoms].name = name;
    cu[m->ncustoms].bytes = r->c.buf + pos;
    cu[m->ncustoms].len = (uint32_t)(end - pos);
    cu[m->ncustoms].offset = (uint32_t)start;
    m->ncustoms++;
}

/* ---- name section --------------------------------------------------- */

/*
 * The name section (appendix: custom sections).  Parsed with its own
 * cursor after everything else, once to check and once to apply, so that
 * a malformed name section is ignored as a whole and never fails the
 * module.  Subsections: 0 module name, 1 function names, 2 local names;
 * others are skipped.
 */
static bool
read_names(Reader *r, bool apply)
{
    Module *m = r->m;
    Bytes nc;
    int last_id = -1;

    bytes_init(&nc, r->c.buf, r->c.len);
    nc.pos = r->name_start;
    nc.end = r->name_end;
    while (!nc.err && nc.pos < nc.end) {
        uint8_t id = bytes_u8(&nc);
        uint32_t size = bytes_u32(&nc);
        size_t sub_end;
        uint32_t i, n;

        if (nc.err || size > bytes_left(&nc) || (int)id <= last_id)
            return false;
        last_id = id;
        sub_end = nc.pos + size;
        nc.end = sub_end;
        if (id == 0) {
            Str s;
            bytes_name(&nc, &s);
            if (apply)
                m->name = s;
        } else if (id == 1) {
            n = bytes_u32(&nc);
            for (i = 0; i < n && !nc.err; i++) {
                uint32_t fi = bytes_u32(&nc);
                Str s;
                bytes_name(&nc, &s);
                if (apply && !nc.err && fi < m->nfuncs)
                    m->funcs[fi].name = s;
            }
        } else if (id == 2) {
            /*
             * Each named function gets an array over all its locals, which
             * the file does not pay for byte by byte: keep the total within
             * a multiple of the input size, else drop the local names.
             */
            uint64_t budget = 4 * (uint64_t)nc.len + 65536, used = 0;
            n = bytes_u32(&nc);
            for (i = 0; i < n && !nc.err; i++) {
                uint32_t fi = bytes_u32(&nc), nl, j;
                uint64_t total = 0;
                Func *f = NULL;
                nl = bytes_u32(&nc);
                if (!nc.err && fi < m->nfuncs) {
                    f = &m->funcs[fi];
                    total = (uint64_t)f->nlocals;
                    if (f->type < m->ntypes)
                        total += func_type(m, f)->nparams;
                    used += total;
                }
                if (!apply && used > budget)
                    r->skip_local_names = true;
                if (!apply || r->skip_local_names)
                    f = NULL;
                if (f != NULL && f->local_names == NULL)
                    f->local_names = arena_array(r->a, (size_t)total,
                                                 sizeof(Str));
                for (j = 0; j < nl && !nc.err; j++) {
                    uint32_t li = bytes_u32(&nc);
                    Str s;
                    bytes_name(&nc, &s);
                    if (f != NULL && !nc.err && li < total)
                        f->local_names[li] = s;
                }
            }
        } else {
            nc.pos = sub_end;
        }
        if (nc.err || nc.pos != sub_end)
            return false;
        nc.end = r->name_end;
    }
    return !nc.err;
}

/* ---- module --------------------------------------------------------- */

/*
 * Position of each section id in the required order (binary: modules);
 * the tag section of exception handling sits between memory and global.
 */
static int
section_rank(unsigned id)
{
    static const int rank[SEC_TAG + 1] = {
        0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6
    };
    return rank[id];
}

static void
read_section(Reader *r, unsigned id, size_t start, size_t end)
{
    Module *m = r->m;

    switch (id) {
    case SEC_CUSTOM: read_custom(r, start, end); break;
    case SEC_TYPE: read_types(r); break;
    case SEC_IMPORT: read_imports(r); break;
    case SEC_FUNCTION: read_functions(r); break;
    case SEC_TABLE: read_tables(r); break;
    case SEC_MEMORY: read_memories(r); break;
    case SEC_GLOBAL: read_globals(r); break;
    case SEC_EXPORT: read_exports(r); break;
    case SEC_START:
        m->has_start = true;
        m->start = bytes_u32(&r->c);
        break;
    case SEC_ELEM: read_elems(r); break;
    case SEC_CODE: read_code(r); break;
    case SEC_DATA: read_datas(r); break;
    case SEC_DATACOUNT:
        m->has_datacount = true;
        m->datacount = bytes_u32(&r->c);
        break;
    default:
        BUG("binread: unhandled section id");
    }
}

/*
 * binary: modules.  magic, version, then sections in order; custom
 * sections may appear anywhere.  Each section's content must use exactly
 * its declared size.
 */
static bool
read_module(Reader *r)
{
    Bytes *c = &r->c;
    Module *m = r->m;
    static const uint8_t magic[4] = {0x00, 0x61, 0x73, 0x6D};
    static const uint8_t version[4] = {0x01, 0x00, 0x00, 0x00};
    const uint8_t *p;
    int last_rank = 0;

    set_where(r, "module header");
    p = bytes_take(c, 4);
    if (p == NULL)
        return false;
    if (memcmp(p, magic, 4) != 0)
        return bytes_fail(c, 0, "magic header not detected (expected "
                          "\\0asm)");
    p = bytes_take(c, 4);
    if (p == NULL)
        return false;
    if (memcmp(p, version, 4) != 0)
        return bytes_fail(c, 4, "unknown binary version (expected 1, "
                          "found 0x%02x%02x%02x%02x)", p[3], p[2], p[1],
                          p[0]);

    while (!c->err && c->pos < c->len) {
        size_t off = c->pos, start, end;
        uint8_t id = bytes_u8(c);
        uint32_t size;
        const char *feature;

        set_where(r, "section at 0x%zx", off);
        if (id > SEC_TAG)
            return bytes_fail(c, off, "malformed section id %u", id);
        set_where(r, "%s", section_names[id]);
        feature = UNSUPPORTED(unsupported_sections, id);
        if (feature != NULL)
            return fail_feature(r, off, feature);
        if (id != SEC_CUSTOM) {
            int rank = section_rank(id);
            if (rank <= last_rank)
                return bytes_fail(c, off, "unexpected content after last "
                                  "section (%s out of order or repeated)",
                                  section_names[id]);
            last_rank = rank;
        }
        size = bytes_u32(c);
        if (c->err)
            return false;
        if (size > bytes_left(c))
            return bytes_fail(c, off + 1, "length out of bounds (section "
                              "size %u, only %zu bytes left)", size,
                              bytes_left(c));
        start = c->pos;
        end = start + size;
        c->end = end;
        c->in_section = true;
        read_section(r, id, off, end);
        if (c->err)
            return false;
        set_where(r, "%s", section_names[id]);
        if (c->pos != end)
            return bytes_fail(c, c->pos, "section size mismatch (declared "
                              "%u bytes, content ends after %zu)", size,
                              c->pos - start);
        c->end = c->len;
        c->in_section = false;
    }
    if (c->err)
        return false;
    set_where(r, "module");
    if (r->code_mismatch)
        return bytes_fail(c, r->code_off, "function and code section have "
                          "inconsistent lengths (%u functions declared, %u "
                          "bodies)", r->nfuncdecl, r->ncodes);
    if (r->nfuncdecl > 0 && !r->has_code)
        return bytes_fail(c, c->len, "function and code section have "
                          "inconsistent lengths (%u functions declared, no "
                          "code section)", r->nfuncdecl);
    if (m->has_datacount && m->datacount > 0 && !r->has_data)
        return bytes_fail(c, c->len, "data count and data section have "
                          "inconsistent lengths (data count %u, no data "
                          "section)", m->datacount);
    return true;
}

Module *
binread_module(Arena *a, const uint8_t *buf, size_t len, Diag *d)
{
    Reader r;
    bool ok;

    memset(&r, 0, sizeof r);
    r.a = a;
    r.scratch = arena_new();
    r.m = arena_alloc(a, sizeof *r.m);
    bytes_init(&r.c, buf, len);
    r.c.ctx = r.where;
    build_opcode_tables(&r);

    ok = read_module(&r);
    if (!ok) {
        diag_error_at(d, (uint32_t)r.c.err_off, "%s", r.c.err_msg);
        arena_free(r.scratch);
        return NULL;
    }
    /* a malformed name section is ignored, never an error */
    if (r.has_names && read_names(&r, false))
        (void)read_names(&r, true);
    arena_free(r.scratch);
    return r.m;
}
