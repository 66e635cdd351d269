/*
 * validate.c - the WebAssembly 2.0 validation rules over a decoded Module.
 *
 * Module-level rules (type indices, limits, constant expressions, exports,
 * start function, element and data segments) and, for every function body,
 * the algorithm of the specification's appendix "Validation Algorithm": an
 * operand stack of value types in which Unknown stands for any type in
 * unreachable code, and a control stack of frames that carry their label
 * types, the operand stack height at entry and an unreachable flag.
 *
 * Structure (section order, LEB ranges, data count presence) belongs to
 * binread.c.  The module is not modified: the emitter tracks its own
 * stack types.  Error messages carry the specification's phrase ("type
 * mismatch", "unknown global", ...) so the spec test runner can classify
 * them.  Validation stops at the first error.
 */
#include "validate.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* An operand of any type: what pops return in unreachable code. */
#define VT_UNKNOWN VT_NONE
/* Only for messages: the operand stack of the frame was empty. */
#define VT_NOTHING 0xFFu

/* validation: limits, the range k of memories (in pages) and tables */
#define MAX_PAGES 65536u
#define MAX_TABLE 0xFFFFFFFFu

/* Initial capacities of the per-body stacks; they double when full. */
#define VALS_INIT 256u
#define CTRLS_INIT 32u

/* The fixed stack signature of one opcode, decoded from opcodes.def. */
typedef struct Sig {
    bool custom;        /* params or results are NULL: validate.c has a case */
    bool check_imm;     /* the immediate names an index or an alignment */
    uint8_t nparams;
    uint8_t nresults;
    uint8_t params[3];
    uint8_t result;
} Sig;

/* A control frame (the appendix's ctrl_frame). */
typedef struct Ctrl {
    const ValType *params;      /* start types */
    const ValType *results;     /* end types */
    uint32_t nparams;
    uint32_t nresults;
    uint32_t height;            /* operand stack height at entry */
    uint16_t op;                /* OP_BLOCK, OP_LOOP, OP_IF or OP_ELSE */
    bool unreachable;
} Ctrl;

typedef struct Validator {
    const Module *m;
    Diag *d;
    Arena *a;                   /* the module's arena: error context only */
    Arena *scratch;             /* per-body stacks; reset between bodies */
    Sig sig[OP_COUNT_];
    uint8_t *refs;              /* bitmap over funcs: C.refs, declared refs */

    /* The body being validated; func is NULL at module level. */
    const Func *func;
    uint32_t funcidx;
    const FuncType *ft;

    uint8_t *vals;              /* operand stack (ValType values) */
    uint32_t nvals, capvals;
    Ctrl *ctrls;                /* control stack */
    uint32_t nctrls, capctrls;
    Ctrl *top;                  /* &ctrls[nctrls - 1] */
    bool grew;                  /* a stack outgrew its first allocation */
} Validator;

/* One-element type sequences for single-result block types. */
static const ValType one_i32[1] = {VT_I32};
static const ValType one_i64[1] = {VT_I64};
static const ValType one_f32[1] = {VT_F32};
static const ValType one_f64[1] = {VT_F64};
static const ValType one_v128[1] = {VT_V128};
static const ValType one_funcref[1] = {VT_FUNCREF};
static const ValType one_externref[1] = {VT_EXTERNREF};

static const char *
type_name(unsigned t)
{
    switch (t) {
    case VT_I32: return "i32";
    case VT_I64: return "i64";
    case VT_F32: return "f32";
    case VT_F64: return "f64";
    case VT_V128: return "v128";
    case VT_FUNCREF: return "funcref";
    case VT_EXTERNREF: return "externref";
    case VT_UNKNOWN: return "any";
    case VT_NOTHING: return "nothing";
    default: return "invalid type";
    }
}

static bool
is_valtype(unsigned t)
{
    switch (t) {
    case VT_I32: case VT_I64: case VT_F32: case VT_F64: case VT_V128:
    case VT_FUNCREF: case VT_EXTERNREF:
        return true;
    default:
        return false;
    }
}

static const ValType *
single_type(ValType t)
{
    switch (t) {
    case VT_I32: return one_i32;
    case VT_I64: return one_i64;
    case VT_F32: return one_f32;
    case VT_F64: return one_f64;
    case VT_V128: return one_v128;
    case VT_FUNCREF: return one_funcref;
    case VT_EXTERNREF: return one_externref;
    default: return NULL;
    }
}

static const char *
extern_name(ExternKind k)
{
    switch (k) {
    case EXT_FUNC: return "function";
    case EXT_TABLE: return "table";
    case EXT_MEMORY: return "memory";
    case EXT_GLOBAL: return "global";
    }
    return "extern";
}

/* ---- diagnostics ------------------------------------------------------ */

#define NAME_MAX_SHOWN 128

/*
 * Copy at most NAME_MAX_SHOWN bytes of a name into out (NUL-terminated),
 * replacing control characters, quotes and backslashes: names are
 * arbitrary UTF-8 and a diagnostic must stay one printable line.
 */
static void
printable(char *out, Str s)
{
    uint32_t i, n = s.len < NAME_MAX_SHOWN ? s.len : NAME_MAX_SHOWN;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        out[i] = (c < 0x20 || c == 0x7F || c == '"' || c == '\\') ? '?'
                                                                 : (char)c;
    }
    out[n] = '\0';
}

/*
 * Record an error at off.  Inside a body the Diag context names the function
 * (index and name-section name); it is built only here, on failure, so the
 * common path allocates nothing, and reset afterwards.  Returns false.
 */
static bool
fail(Validator *v, uint32_t off, const char *fmt, ...)
    DIAG_PRINTF(3, 4);

static bool
fail(Validator *v, uint32_t off, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (v->func != NULL && v->func->name.len > 0) {
        char name[NAME_MAX_SHOWN + 1];
        printable(name, v->func->name);
        v->d->context = arena_printf(v->a, "function %u \"%s\"", v->funcidx,
                                     name);
    } else if (v->func != NULL) {
        v->d->context = arena_printf(v->a, "function %u", v->funcidx);
    } else {
        v->d->context = NULL;
    }
    diag_error_at(v->d, off, "%s", msg);
    v->d->context = NULL;
    return false;
}

static bool
mismatch(Validator *v, const Instr *in, unsigned want, unsigned got)
{
    return fail(v, in->offset, "type mismatch in %s: expected %s, got %s",
                op_info[in->op].text, type_name(want), type_name(got));
}

/* ---- the operand and control stacks ----------------------------------- */

/* Make room for n more operands (doubling, in the scratch arena). */
static void
reserve_vals(Validator *v, uint32_t n)
{
    uint64_t need = (uint64_t)v->nvals + n;
    uint64_t cap = v->capvals;
    uint8_t *nv;

    if (need <= cap)
        return;
    while (cap < need)
        cap *= 2;
    if (cap > UINT32_MAX)
        BUG("operand stack larger than 4G entries");
    nv = arena_alloc(v->scratch, (size_t)cap);
    memcpy(nv, v->vals, v->nvals);
    v->vals = nv;
    v->capvals = (uint32_t)cap;
    v->grew = true;
}

static inline void
push_val(Validator *v, unsigned t)
{
    if (v->nvals == v->capvals)
        reserve_vals(v, 1);
    v->vals[v->nvals++] = (uint8_t)t;
}

static void
push_vals(Validator *v, const ValType *ts, uint32_t n)
{
    uint32_t i;

    reserve_vals(v, n);
    for (i = 0; i < n; i++)
        v->vals[v->nvals++] = (uint8_t)ts[i];
}

/* The appendix's pop_val(expect): Unknown matches everything. */
static inline bool
pop_expect(Validator *v, const Instr *in, unsigned want)
{
    if (v->nvals > v->top->height) {
        unsigned got = v->vals[--v->nvals];
        if (got == want || got == VT_UNKNOWN || want == VT_UNKNOWN)
            return true;
        return mismatch(v, in, want, got);
    }
    if (v->top->unreachable)
        return true;
    return mismatch(v, in, want, VT_NOTHING);
}

/* The appendix's pop_val(): *out is VT_UNKNOWN in unreachable code. */
static inline bool
pop_any(Validator *v, const Instr *in, unsigned *out)
{
    if (v->nvals > v->top->height) {
        *out = v->vals[--v->nvals];
        return true;
    }
    *out = VT_UNKNOWN;
    if (v->top->unreachable)
        return true;
    return fail(v, in->offset, "type mismatch in %s: expected a value, "
                "got nothing", op_info[in->op].text);
}

/* pop_vals: the last type is on top of the stack. */
static bool
pop_vals(Validator *v, const Instr *in, const ValType *ts, uint32_t n)
{
    while (n > 0) {
        n--;
        if (!pop_expect(v, in, ts[n]))
            return false;
    }
    return true;
}

/*
 * Check that the top of the stack matches ts without changing it: the same
 * outcome as push_vals(pop_vals(ts)) in the appendix's br_table case.
 */
static bool
peek_vals(Validator *v, const Instr *in, const ValType *ts, uint32_t n)
{
    uint32_t k, avail = v->nvals - v->top->height;

    for (k = n; k > 0; k--) {
        uint32_t depth = n - k + 1;     /* 1 = top of the stack */
        unsigned want = ts[k - 1], got;
        if (depth > avail) {
            if (v->top->unreachable)
                return true;
            return mismatch(v, in, want, VT_NOTHING);
        }
        got = v->vals[v->nvals - depth];
        if (got != want && got != VT_UNKNOWN)
            return mismatch(v, in, want, got);
    }
    return true;
}

static void
push_ctrl(Validator *v, uint16_t op, const ValType *params, uint32_t np,
          const ValType *results, uint32_t nr)
{
    Ctrl *c;

    if (v->nctrls == v->capctrls) {
        Ctrl *nc;
        if (v->capctrls > UINT32_MAX / 2)
            BUG("control stack larger than 2G entries");
        nc = arena_array(v->scratch, (size_t)v->capctrls * 2, sizeof *nc);
        memcpy(nc, v->ctrls, v->nctrls * sizeof *nc);
        v->ctrls = nc;
        v->capctrls *= 2;
        v->grew = true;
    }
    c = &v->ctrls[v->nctrls++];
    c->op = op;
    c->params = params;
    c->nparams = np;
    c->results = results;
    c->nresults = nr;
    c->height = v->nvals;
    c->unreachable = false;
    v->top = c;
    push_vals(v, params, np);
}

/*
 * pop_ctrl: the frame's end types must be on the stack and nothing else.
 * Copies the frame to *out; v->top is NULL when the stack becomes empty.
 */
static bool
pop_ctrl(Validator *v, const Instr *in, Ctrl *out)
{
    if (v->nctrls == 0)
        return fail(v, in->offset, "%s without a matching block",
                    op_info[in->op].text);
    if (!pop_vals(v, in, v->top->results, v->top->nresults))
        return false;
    if (v->nvals != v->top->height)
        return fail(v, in->offset, "type mismatch in %s: %u extra value%s "
                    "left on the stack at the end of the block",
                    op_info[in->op].text, v->nvals - v->top->height,
                    v->nvals - v->top->height == 1 ? "" : "s");
    *out = *v->top;
    v->nctrls--;
    v->top = v->nctrls > 0 ? &v->ctrls[v->nctrls - 1] : NULL;
    return true;
}

/* The appendix's unreachable(): drop the frame's operands, poison it. */
static inline void
set_unreachable(Validator *v)
{
    v->nvals = v->top->height;
    v->top->unreachable = true;
}

/* Label types of a frame: a loop's label takes its parameters. */
static inline const ValType *
label_types(const Ctrl *c, uint32_t *n)
{
    if (c->op == OP_LOOP) {
        *n = c->nparams;
        return c->params;
    }
    *n = c->nresults;
    return c->results;
}

/* ---- instruction rules beyond the stack signature --------------------- */

/* log2 of the natural alignment of a load or store (its access width). */
static uint32_t
natural_align(Opcode op)
{
    switch (op) {
    case OP_I32_LOAD8_S: case OP_I32_LOAD8_U: case OP_I64_LOAD8_S:
    case OP_I64_LOAD8_U: case OP_I32_STORE8: case OP_I64_STORE8:
        return 0;
    case OP_I32_LOAD16_S: case OP_I32_LOAD16_U: case OP_I64_LOAD16_S:
    case OP_I64_LOAD16_U: case OP_I32_STORE16: case OP_I64_STORE16:
        return 1;
    case OP_I32_LOAD: case OP_F32_LOAD: case OP_I64_LOAD32_S:
    case OP_I64_LOAD32_U: case OP_I32_STORE: case OP_F32_STORE:
    case OP_I64_STORE32:
        return 2;
    case OP_I64_LOAD: case OP_F64_LOAD: case OP_I64_STORE: case OP_F64_STORE:
        return 3;
    /* SIMD: the width of the access, not of the vector */
    case OP_V128_LOAD8_SPLAT: case OP_V128_LOAD8_LANE:
    case OP_V128_STORE8_LANE:
        return 0;
    case OP_V128_LOAD16_SPLAT: case OP_V128_LOAD16_LANE:
    case OP_V128_STORE16_LANE:
        return 1;
    case OP_V128_LOAD32_SPLAT: case OP_V128_LOAD32_ZERO:
    case OP_V128_LOAD32_LANE: case OP_V128_STORE32_LANE:
        return 2;
    case OP_V128_LOAD8X8_S: case OP_V128_LOAD8X8_U: case OP_V128_LOAD16X4_S:
    case OP_V128_LOAD16X4_U: case OP_V128_LOAD32X2_S: case OP_V128_LOAD32X2_U:
    case OP_V128_LOAD64_SPLAT: case OP_V128_LOAD64_ZERO:
    case OP_V128_LOAD64_LANE: case OP_V128_STORE64_LANE:
        return 3;
    case OP_V128_LOAD: case OP_V128_STORE:
        return 4;
    default:
        BUG("memarg on an opcode that is not a load or store");
        return 0;
    }
}

/*
 * The number of lanes an IMM_LANE or IMM_MEMARG_LANE immediate indexes
 * (validation: the lane index must be smaller than the lane count).
 */
static uint32_t
lane_count(Opcode op)
{
    switch (op) {
    case OP_I8X16_EXTRACT_LANE_S: case OP_I8X16_EXTRACT_LANE_U:
    case OP_I8X16_REPLACE_LANE: case OP_V128_LOAD8_LANE:
    case OP_V128_STORE8_LANE:
        return 16;
    case OP_I16X8_EXTRACT_LANE_S: case OP_I16X8_EXTRACT_LANE_U:
    case OP_I16X8_REPLACE_LANE: case OP_V128_LOAD16_LANE:
    case OP_V128_STORE16_LANE:
        return 8;
    case OP_I32X4_EXTRACT_LANE: case OP_I32X4_REPLACE_LANE:
    case OP_F32X4_EXTRACT_LANE: case OP_F32X4_REPLACE_LANE:
    case OP_V128_LOAD32_LANE: case OP_V128_STORE32_LANE:
        return 4;
    case OP_I64X2_EXTRACT_LANE: case OP_I64X2_REPLACE_LANE:
    case OP_F64X2_EXTRACT_LANE: case OP_F64X2_REPLACE_LANE:
    case OP_V128_LOAD64_LANE: case OP_V128_STORE64_LANE:
        return 2;
    default:
        BUG("lane immediate on an opcode without lanes");
        return 0;
    }
}

static bool
check_lane(Validator *v, const Instr *in, uint32_t lane)
{
    uint32_t n = lane_count((Opcode)in->op);

    if (lane >= n)
        return fail(v, in->offset, "invalid lane index %u in %s: it has %u "
                    "lanes", lane, op_info[in->op].text, n);
    return true;
}

/* validation: memarg alignment must not be larger than natural */
static bool
check_align(Validator *v, const Instr *in)
{
    uint32_t natural = natural_align((Opcode)in->op);

    if (in->imm.mem.align <= natural)
        return true;
    if (in->imm.mem.align < 32)
        return fail(v, in->offset, "alignment must not be larger than "
                    "natural in %s: %lu bytes, natural is %u",
                    op_info[in->op].text, 1ul << in->imm.mem.align,
                    1u << natural);
    return fail(v, in->offset, "alignment must not be larger than natural "
                "in %s: 2^%u bytes, natural is %u", op_info[in->op].text,
                in->imm.mem.align, 1u << natural);
}

static bool
check_memory(Validator *v, const Instr *in, uint32_t idx)
{
    if (idx >= v->m->nmems)
        return fail(v, in->offset, "unknown memory %u in %s", idx,
                    op_info[in->op].text);
    return true;
}

static bool
check_table(Validator *v, const Instr *in, uint32_t idx)
{
    if (idx >= v->m->ntables)
        return fail(v, in->offset, "unknown table %u in %s", idx,
                    op_info[in->op].text);
    return true;
}

static bool
check_elem(Validator *v, const Instr *in, uint32_t idx)
{
    if (idx >= v->m->nelems)
        return fail(v, in->offset, "unknown elem segment %u in %s", idx,
                    op_info[in->op].text);
    return true;
}

static bool
check_data(Validator *v, const Instr *in, uint32_t idx)
{
    if (idx >= v->m->ndatas)
        return fail(v, in->offset, "unknown data segment %u in %s", idx,
                    op_info[in->op].text);
    return true;
}

/*
 * Rules keyed on the immediate of an instruction with a fixed signature:
 * the index spaces it names and alignment.
 */
static bool
check_immediate(Validator *v, const Instr *in)
{
    const Module *m = v->m;
    uint32_t k;

    switch (op_info[in->op].imm) {
    case IMM_MEMARG:
        return check_memory(v, in, in->imm.mem.mem) && check_align(v, in);
    case IMM_MEMARG_LANE:
        return check_memory(v, in, in->imm.mem.mem) &&
               check_align(v, in) && check_lane(v, in, in->imm.mem.lane);
    case IMM_LANE:
        return check_lane(v, in, in->imm.idx);
    case IMM_SHUFFLE:
        /* validation: i8x16.shuffle lane indices select from 32 lanes */
        for (k = 0; k < 16; k++)
            if (in->imm.v128[k] >= 32)
                return fail(v, in->offset, "invalid lane index %u in "
                            "i8x16.shuffle (immediate %u): it selects from "
                            "32 lanes", in->imm.v128[k], k);
        return true;
    case IMM_MEM:
        return check_memory(v, in, in->imm.idx);
    case IMM_MEMORY_INIT:
        /* memory first: the spec tests expect "unknown memory" first */
        return check_memory(v, in, in->imm.idx2.b) &&
               check_data(v, in, in->imm.idx2.a);
    case IMM_DATA:
        return check_data(v, in, in->imm.idx);
    case IMM_MEMORY_COPY:
        return check_memory(v, in, in->imm.idx2.a) &&
               check_memory(v, in, in->imm.idx2.b);
    case IMM_TABLE_INIT:
        if (!check_table(v, in, in->imm.idx2.b) ||
            !check_elem(v, in, in->imm.idx2.a))
            return false;
        if (m->elems[in->imm.idx2.a].type != m->tables[in->imm.idx2.b].elem)
            return fail(v, in->offset, "type mismatch in table.init: "
                        "segment of %s, table of %s",
                        type_name(m->elems[in->imm.idx2.a].type),
                        type_name(m->tables[in->imm.idx2.b].elem));
        return true;
    case IMM_ELEM:
        return check_elem(v, in, in->imm.idx);
    case IMM_TABLE_COPY:
        if (!check_table(v, in, in->imm.idx2.a) ||
            !check_table(v, in, in->imm.idx2.b))
            return false;
        if (m->tables[in->imm.idx2.a].elem != m->tables[in->imm.idx2.b].elem)
            return fail(v, in->offset, "type mismatch in table.copy: "
                        "destination of %s, source of %s",
                        type_name(m->tables[in->imm.idx2.a].elem),
                        type_name(m->tables[in->imm.idx2.b].elem));
        return true;
    case IMM_TABLE:
        return check_table(v, in, in->imm.idx);
    case IMM_FUNC:
        /* ref.func: the function must be in C.refs */
        if (in->imm.idx >= m->nfuncs)
            return fail(v, in->offset, "unknown function %u in %s",
                        in->imm.idx, op_info[in->op].text);
        if (in->op == OP_REF_FUNC &&
            !(v->refs[in->imm.idx >> 3] & (1u << (in->imm.idx & 7))))
            return fail(v, in->offset, "undeclared function reference %u "
                        "in ref.func: not named by an element segment, "
                        "export or global", in->imm.idx);
        return true;
    default:
        return true;
    }
}

/* Expand a block type into its function type ("unknown type" if bad). */
static bool
block_type(Validator *v, const Instr *in, const ValType **params,
           uint32_t *np, const ValType **results, uint32_t *nr)
{
    int64_t bt = in->imm.block;

    *params = NULL;
    *np = 0;
    *results = NULL;
    *nr = 0;
    if (bt == BLOCK_EMPTY)
        return true;
    if (BLOCK_IS_TYPEIDX(bt)) {
        uint32_t idx = BLOCK_TYPEIDX_OF(bt);
        const FuncType *t;
        if (idx >= v->m->ntypes)
            return fail(v, in->offset, "unknown type %u in %s block type",
                        idx, op_info[in->op].text);
        t = &v->m->types[idx];
        *params = t->params;
        *np = t->nparams;
        *results = t->results;
        *nr = t->nresults;
        return true;
    }
    if (bt >= 0 && bt <= 0xFF && is_valtype((unsigned)bt)) {
        *results = single_type((ValType)bt);
        *nr = 1;
        return true;
    }
    return fail(v, in->offset, "invalid block type in %s",
                op_info[in->op].text);
}

static ValType
local_type(const Validator *v, uint32_t idx)
{
    if (idx < v->ft->nparams)
        return v->ft->params[idx];
    return v->func->locals[idx - v->ft->nparams];
}

/* ---- function bodies -------------------------------------------------- */

/*
 * Validate the body of v->func (the appendix's algorithm, one instruction
 * at a time, no recursion).  Stacks live in v->scratch.
 */
static bool
check_body(Validator *v)
{
    const Module *m = v->m;
    const Func *f = v->func;
    const FuncType *ft = v->ft;
    const Instr *code = f->body.code;
    uint32_t n = f->body.n, i;
    uint64_t nlocals = (uint64_t)ft->nparams + f->nlocals;

    v->nvals = 0;
    v->nctrls = 0;
    push_ctrl(v, OP_BLOCK, NULL, 0, ft->results, ft->nresults);

    for (i = 0; i < n; i++) {
        const Instr *in = &code[i];
        const Sig *s = &v->sig[in->op];
        const ValType *ps, *rs;
        uint32_t np, nr, k, idx;
        unsigned t1, t2;
        Ctrl fr;

        if (!s->custom) {
            if (s->check_imm && !check_immediate(v, in))
                return false;
            for (k = s->nparams; k > 0; k--) {
                if (!pop_expect(v, in, s->params[k - 1]))
                    return false;
            }
            if (s->nresults)
                push_val(v, s->result);
            continue;
        }

        switch ((Opcode)in->op) {
        case OP_UNREACHABLE:
            set_unreachable(v);
            break;

        case OP_BLOCK:
        case OP_LOOP:
            if (!block_type(v, in, &ps, &np, &rs, &nr) ||
                !pop_vals(v, in, ps, np))
                return false;
            push_ctrl(v, in->op, ps, np, rs, nr);
            break;

        case OP_IF:
            if (!block_type(v, in, &ps, &np, &rs, &nr) ||
                !pop_expect(v, in, VT_I32) || !pop_vals(v, in, ps, np))
                return false;
            push_ctrl(v, OP_IF, ps, np, rs, nr);
            break;

        case OP_ELSE:
            if (v->top->op != OP_IF)
                return fail(v, in->offset, "else without a matching if");
            if (!pop_ctrl(v, in, &fr))
                return false;
            push_ctrl(v, OP_ELSE, fr.params, fr.nparams, fr.results,
                      fr.nresults);
            break;

        case OP_END:
            if (!pop_ctrl(v, in, &fr))
                return false;
            /* validation: if without else acts as an empty else: [t*]->[t*] */
            if (fr.op == OP_IF) {
                bool same = fr.nparams == fr.nresults;
                for (k = 0; same && k < fr.nparams; k++)
                    same = fr.params[k] == fr.results[k];
                if (!same)
                    return fail(v, in->offset, "type mismatch in if: "
                                "without else, the block's results must "
                                "equal its parameters");
            }
            if (v->nctrls == 0) {
                if (i + 1 != n)
                    return fail(v, code[i + 1].offset, "instruction after "
                                "the end of the function body");
                return true;
            }
            push_vals(v, fr.results, fr.nresults);
            break;

        case OP_BR:
        case OP_BR_IF:
            idx = in->imm.idx;
            if (idx >= v->nctrls)
                return fail(v, in->offset, "unknown label %u in %s", idx,
                            op_info[in->op].text);
            ps = label_types(&v->ctrls[v->nctrls - 1 - idx], &np);
            if (in->op == OP_BR) {
                if (!pop_vals(v, in, ps, np))
                    return false;
                set_unreachable(v);
            } else {
                if (!pop_expect(v, in, VT_I32) || !pop_vals(v, in, ps, np))
                    return false;
                push_vals(v, ps, np);
            }
            break;

        case OP_BR_TABLE: {
            /* validation: every target has the default's arity */
            const uint32_t *tg = in->imm.br_table.targets;
            uint32_t ntg = in->imm.br_table.n, arity;
            if (!pop_expect(v, in, VT_I32))
                return false;
            if (tg[ntg] >= v->nctrls)
                return fail(v, in->offset, "unknown label %u in br_table",
                            tg[ntg]);
            label_types(&v->ctrls[v->nctrls - 1 - tg[ntg]], &arity);
            for (k = 0; k < ntg; k++) {
                if (tg[k] >= v->nctrls)
                    return fail(v, in->offset, "unknown label %u in "
                                "br_table", tg[k]);
                ps = label_types(&v->ctrls[v->nctrls - 1 - tg[k]], &np);
                if (np != arity)
                    return fail(v, in->offset, "type mismatch in br_table: "
                                "label %u takes %u value(s), the default "
                                "label %u", tg[k], np, arity);
                if (!peek_vals(v, in, ps, np))
                    return false;
            }
            ps = label_types(&v->ctrls[v->nctrls - 1 - tg[ntg]], &np);
            if (!pop_vals(v, in, ps, np))
                return false;
            set_unreachable(v);
            break;
        }

        case OP_RETURN:
            if (!pop_vals(v, in, ft->results, ft->nresults))
                return false;
            set_unreachable(v);
            break;

        case OP_CALL: {
            const FuncType *t;
            if (in->imm.idx >= m->nfuncs)
                return fail(v, in->offset, "unknown function %u in call",
                            in->imm.idx);
            t = &m->types[m->funcs[in->imm.idx].type];
            if (!pop_vals(v, in, t->params, t->nparams))
                return false;
            push_vals(v, t->results, t->nresults);
            break;
        }

        case OP_CALL_INDIRECT: {
            const FuncType *t;
            if (!check_table(v, in, in->imm.idx2.b))
                return false;
            if (m->tables[in->imm.idx2.b].elem != VT_FUNCREF)
                return fail(v, in->offset, "type mismatch in call_indirect: "
                            "table %u holds %s, not funcref",
                            in->imm.idx2.b,
                            type_name(m->tables[in->imm.idx2.b].elem));
            if (in->imm.idx2.a >= m->ntypes)
                return fail(v, in->offset, "unknown type %u in "
                            "call_indirect", in->imm.idx2.a);
            t = &m->types[in->imm.idx2.a];
            if (!pop_expect(v, in, VT_I32) ||
                !pop_vals(v, in, t->params, t->nparams))
                return false;
            push_vals(v, t->results, t->nresults);
            break;
        }

        case OP_DROP:
            if (!pop_any(v, in, &t1))
                return false;
            break;

        case OP_SELECT:
            /* validation: untyped select takes numeric (or vector) types */
            if (!pop_expect(v, in, VT_I32) || !pop_any(v, in, &t1) ||
                !pop_any(v, in, &t2))
                return false;
            if (valtype_is_ref((ValType)t1) || valtype_is_ref((ValType)t2))
                return fail(v, in->offset, "type mismatch in select: "
                            "operands of reference type need select with "
                            "a type");
            if (t1 != t2 && t1 != VT_UNKNOWN && t2 != VT_UNKNOWN)
                return mismatch(v, in, t2, t1);
            push_val(v, t1 == VT_UNKNOWN ? t2 : t1);
            break;

        case OP_SELECT_T:
            /* the reader keeps one type; VT_NONE marks any other count */
            if (!is_valtype(in->imm.type))
                return fail(v, in->offset, "invalid result arity in select: "
                            "exactly one type is required");
            if (!pop_expect(v, in, VT_I32) ||
                !pop_expect(v, in, in->imm.type) ||
                !pop_expect(v, in, in->imm.type))
                return false;
            push_val(v, in->imm.type);
            break;

        case OP_LOCAL_GET:
        case OP_LOCAL_SET:
        case OP_LOCAL_TEE:
            if (in->imm.idx >= nlocals)
                return fail(v, in->offset, "unknown local %u in %s",
                            in->imm.idx, op_info[in->op].text);
            t1 = local_type(v, in->imm.idx);
            if (in->op != OP_LOCAL_GET && !pop_expect(v, in, t1))
                return false;
            if (in->op != OP_LOCAL_SET)
                push_val(v, t1);
            break;

        case OP_GLOBAL_GET:
        case OP_GLOBAL_SET:
            if (in->imm.idx >= m->nglobals)
                return fail(v, in->offset, "unknown global %u in %s",
                            in->imm.idx, op_info[in->op].text);
            t1 = m->globals[in->imm.idx].type;
            if (in->op == OP_GLOBAL_GET) {
                push_val(v, t1);
                break;
            }
            if (!m->globals[in->imm.idx].is_mutable)
                return fail(v, in->offset, "global is immutable: global.set "
                            "of global %u", in->imm.idx);
            if (!pop_expect(v, in, t1))
                return false;
            break;

        case OP_TABLE_GET:
        case OP_TABLE_SET:
        case OP_TABLE_GROW:
        case OP_TABLE_FILL:
            if (!check_table(v, in, in->imm.idx))
                return false;
            t1 = m->tables[in->imm.idx].elem;
            switch (in->op) {
            case OP_TABLE_GET:          /* [i32] -> [t] */
                if (!pop_expect(v, in, VT_I32))
                    return false;
                push_val(v, t1);
                break;
            case OP_TABLE_SET:          /* [i32 t] -> [] */
                if (!pop_expect(v, in, t1) || !pop_expect(v, in, VT_I32))
                    return false;
                break;
            case OP_TABLE_GROW:         /* [t i32] -> [i32] */
                if (!pop_expect(v, in, VT_I32) || !pop_expect(v, in, t1))
                    return false;
                push_val(v, VT_I32);
                break;
            default:                    /* table.fill: [i32 t i32] -> [] */
                if (!pop_expect(v, in, VT_I32) || !pop_expect(v, in, t1) ||
                    !pop_expect(v, in, VT_I32))
                    return false;
                break;
            }
            break;

        case OP_REF_NULL:
            if (!valtype_is_ref(in->imm.type))
                return fail(v, in->offset, "type mismatch in ref.null: %s is "
                            "not a reference type", type_name(in->imm.type));
            push_val(v, in->imm.type);
            break;

        case OP_REF_IS_NULL:
            if (!pop_any(v, in, &t1))
                return false;
            if (t1 != VT_UNKNOWN && !valtype_is_ref((ValType)t1))
                return fail(v, in->offset, "type mismatch in ref.is_null: "
                            "expected a reference, got %s", type_name(t1));
            push_val(v, VT_I32);
            break;

        default:
            return fail(v, in->offset, "%s is not supported",
                        op_info[in->op].text);
        }
    }
    return fail(v, f->offset, "function body must end with end");
}

/* ---- module-level rules ----------------------------------------------- */

/*
 * validation: constant expressions.  Only *.const, ref.null, ref.func and
 * global.get of an imported immutable global (Wasm 2.0: the context of
 * constant expressions holds the imported globals only); exactly one value
 * of type want.  what names the expression in messages.
 */
static bool
check_const(Validator *v, const Expr *e, ValType want, uint32_t off,
            const char *what)
{
    const Module *m = v->m;
    uint32_t i, depth = 0;
    unsigned t = VT_NOTHING;

    for (i = 0; i < e->n; i++) {
        const Instr *in = &e->code[i];
        switch (in->op) {
        case OP_I32_CONST: t = VT_I32; break;
        case OP_I64_CONST: t = VT_I64; break;
        case OP_F32_CONST: t = VT_F32; break;
        case OP_F64_CONST: t = VT_F64; break;
        case OP_V128_CONST: t = VT_V128; break;
        case OP_REF_NULL:
            if (!valtype_is_ref(in->imm.type))
                return fail(v, in->offset, "type mismatch in ref.null: %s is "
                            "not a reference type", type_name(in->imm.type));
            t = in->imm.type;
            break;
        case OP_REF_FUNC:
            if (in->imm.idx >= m->nfuncs)
                return fail(v, in->offset, "unknown function %u in ref.func "
                            "in %s", in->imm.idx, what);
            t = VT_FUNCREF;
            break;
        case OP_GLOBAL_GET:
            if (in->imm.idx >= m->nimported_globals ||
                in->imm.idx >= m->nglobals)
                return fail(v, in->offset, "unknown global %u in %s: "
                            "constant expressions see imported globals only",
                            in->imm.idx, what);
            if (m->globals[in->imm.idx].is_mutable)
                return fail(v, in->offset, "constant expression required in "
                            "%s: global %u is mutable", what, in->imm.idx);
            t = m->globals[in->imm.idx].type;
            break;
        case OP_END:
            if (i + 1 != e->n)
                return fail(v, in->offset, "constant expression required in "
                            "%s: instructions after end", what);
            i = e->n - 1;
            continue;
        default:
            return fail(v, in->offset, "constant expression required in %s: "
                        "%s is not constant", what, op_info[in->op].text);
        }
        depth++;
    }
    if (depth != 1 || t != want) {
        if (depth > 1)
            return fail(v, off, "type mismatch in %s: expected one %s, got "
                        "%u values", what, type_name(want), depth);
        return fail(v, off, "type mismatch in %s: expected %s, got %s", what,
                    type_name(want), type_name(t));
    }
    return true;
}

static bool
check_limits(Validator *v, const Limits *l, uint64_t k, uint32_t off,
             const char *what)
{
    if (l->min > k || (l->has_max && l->max > k)) {
        if (k == MAX_PAGES)
            return fail(v, off, "memory size must be at most 65536 pages "
                        "(4GiB) in %s", what);
        return fail(v, off, "table size must be at most 2^32-1 in %s", what);
    }
    if (l->has_max && l->min > l->max)
        return fail(v, off, "size minimum must not be greater than maximum "
                    "in %s: %llu > %llu", what, (unsigned long long)l->min,
                    (unsigned long long)l->max);
    return true;
}

static void
mark_ref(Validator *v, uint32_t idx)
{
    if (idx < v->m->nfuncs)
        v->refs[idx >> 3] |= (uint8_t)(1u << (idx & 7));
}

static void
mark_refs_in(Validator *v, const Expr *e)
{
    uint32_t i;

    for (i = 0; i < e->n; i++) {
        if (e->code[i].op == OP_REF_FUNC)
            mark_ref(v, e->code[i].imm.idx);
    }
}

/*
 * C.refs: the functions named anywhere in the module outside function
 * bodies and the start function (element segments, exports, global
 * initializers, segment offsets).  ref.func in a body may name only these.
 */
static void
collect_refs(Validator *v)
{
    const Module *m = v->m;
    uint32_t i, k;

    v->refs = arena_alloc(v->a, m->nfuncs / 8 + 1);
    for (i = 0; i < m->nexports; i++) {
        if (m->exports[i].kind == EXT_FUNC)
            mark_ref(v, m->exports[i].index);
    }
    for (i = 0; i < m->nglobals; i++)
        mark_refs_in(v, &m->globals[i].init);
    for (i = 0; i < m->nelems; i++) {
        mark_refs_in(v, &m->elems[i].offset_expr);
        for (k = 0; k < m->elems[i].ninits; k++)
            mark_refs_in(v, &m->elems[i].inits[k]);
    }
    for (i = 0; i < m->ndatas; i++)
        mark_refs_in(v, &m->datas[i].offset_expr);
}

static uint32_t
hash_name(Str s)
{
    uint32_t h = 2166136261u, i;

    for (i = 0; i < s.len; i++)
        h = (h ^ (unsigned char)s.ptr[i]) * 16777619u;
    return h;
}

/* validation: exports name existing entities, names are unique */
static bool
check_exports(Validator *v)
{
    const Module *m = v->m;
    uint32_t i, size = 16, *slots;
    char name[NAME_MAX_SHOWN + 1];

    while (size < 2 * (uint64_t)m->nexports)
        size *= 2;
    slots = arena_array(v->scratch, size, sizeof *slots);
    for (i = 0; i < m->nexports; i++) {
        const Export *e = &m->exports[i];
        uint32_t limit, h;

        switch (e->kind) {
        case EXT_FUNC: limit = m->nfuncs; break;
        case EXT_TABLE: limit = m->ntables; break;
        case EXT_MEMORY: limit = m->nmems; break;
        case EXT_GLOBAL: limit = m->nglobals; break;
        default:
            return fail(v, e->offset, "export %u: invalid kind", i);
        }
        if (e->index >= limit) {
            printable(name, e->name);
            return fail(v, e->offset, "unknown %s %u in export \"%s\"",
                        extern_name(e->kind), e->index, name);
        }
        /* open addressing; slots hold export index + 1 */
        for (h = hash_name(e->name) & (size - 1); slots[h] != 0;
             h = (h + 1) & (size - 1)) {
            const Export *o = &m->exports[slots[h] - 1];
            if (o->name.len == e->name.len &&
                memcmp(o->name.ptr, e->name.ptr, e->name.len) == 0) {
                printable(name, e->name);
                return fail(v, e->offset, "duplicate export name \"%s\"",
                            name);
            }
        }
        slots[h] = i + 1;
    }
    arena_reset(v->scratch);
    return true;
}

static bool
check_module_items(Validator *v)
{
    const Module *m = v->m;
    uint32_t i, k;
    char what[64];

    /* validation: types referenced by index (imports and definitions) */
    for (i = 0; i < m->nfuncs; i++) {
        if (m->funcs[i].type >= m->ntypes)
            return fail(v, m->funcs[i].offset, "unknown type %u in %s %u",
                        m->funcs[i].type, m->funcs[i].is_import ?
                        "imported function" : "function", i);
    }

    /* validation: tables and memories (at most one memory in 2.0) */
    for (i = 0; i < m->ntables; i++) {
        if (!valtype_is_ref(m->tables[i].elem))
            return fail(v, m->tables[i].offset, "table %u: invalid element "
                        "type", i);
        snprintf(what, sizeof what, "table %u", i);
        if (!check_limits(v, &m->tables[i].lim, MAX_TABLE,
                          m->tables[i].offset, what))
            return false;
    }
    if (m->nmems > 1)
        return fail(v, m->mems[1].offset, "multiple memories: at most one "
                    "memory is allowed, found %u", m->nmems);
    for (i = 0; i < m->nmems; i++) {
        snprintf(what, sizeof what, "memory %u", i);
        if (!check_limits(v, &m->mems[i].lim, MAX_PAGES, m->mems[i].offset,
                          what))
            return false;
    }

    /* validation: globals */
    for (i = 0; i < m->nglobals; i++) {
        const Global *g = &m->globals[i];
        if (!is_valtype(g->type))
            return fail(v, g->offset, "global %u: invalid type", i);
        if (g->is_import)
            continue;
        snprintf(what, sizeof what, "initializer of global %u", i);
        if (!check_const(v, &g->init, g->type, g->offset, what))
            return false;
    }

    /* validation: element segments */
    for (i = 0; i < m->nelems; i++) {
        const Elem *e = &m->elems[i];
        if (!valtype_is_ref(e->type))
            return fail(v, e->offset, "elem segment %u: invalid element "
                        "type", i);
        for (k = 0; k < e->ninits; k++) {
            snprintf(what, sizeof what, "item %u of elem segment %u", k, i);
            if (!check_const(v, &e->inits[k], e->type, e->offset, what))
                return false;
        }
        if (e->mode != SEG_ACTIVE)
            continue;
        if (e->table >= m->ntables)
            return fail(v, e->offset, "unknown table %u in elem segment %u",
                        e->table, i);
        if (m->tables[e->table].elem != e->type)
            return fail(v, e->offset, "type mismatch in elem segment %u: "
                        "%s items for a table of %s", i, type_name(e->type),
                        type_name(m->tables[e->table].elem));
        snprintf(what, sizeof what, "offset of elem segment %u", i);
        if (!check_const(v, &e->offset_expr, VT_I32, e->offset, what))
            return false;
    }

    /* validation: data segments */
    for (i = 0; i < m->ndatas; i++) {
        const Data *dt = &m->datas[i];
        if (dt->mode != SEG_ACTIVE)
            continue;
        if (dt->mem >= m->nmems)
            return fail(v, dt->offset, "unknown memory %u in data segment %u",
                        dt->mem, i);
        snprintf(what, sizeof what, "offset of data segment %u", i);
        if (!check_const(v, &dt->offset_expr, VT_I32, dt->offset, what))
            return false;
    }

    /* validation: start function, of type [] -> [] */
    if (m->has_start) {
        const FuncType *t;
        if (m->start >= m->nfuncs)
            return fail(v, 0, "unknown function %u as start function",
                        m->start);
        t = &m->types[m->funcs[m->start].type];
        if (t->nparams != 0 || t->nresults != 0)
            return fail(v, m->funcs[m->start].offset, "start function %u "
                        "must have type [] -> [], has %u params and %u "
                        "results", m->start, t->nparams, t->nresults);
    }

    return check_exports(v);
}

/* Decode the params/results columns of opcodes.def once per call. */
static void
build_sigs(Validator *v)
{
    uint32_t op, k;

    for (op = 0; op < OP_COUNT_; op++) {
        const OpInfo *oi = &op_info[op];
        Sig *s = &v->sig[op];
        memset(s, 0, sizeof *s);
        if (oi->params == NULL || oi->results == NULL) {
            s->custom = true;
            continue;
        }
        s->check_imm = oi->imm != IMM_NONE && oi->imm != IMM_I32 &&
                       oi->imm != IMM_I64 && oi->imm != IMM_F32 &&
                       oi->imm != IMM_F64 && oi->imm != IMM_V128;
        if (strlen(oi->params) > 3 || strlen(oi->results) > 1)
            BUG("opcodes.def signature longer than the validator expects");
        s->nparams = (uint8_t)strlen(oi->params);
        s->nresults = (uint8_t)strlen(oi->results);
        for (k = 0; k < s->nparams + s->nresults; k++) {
            char c = k < s->nparams ? oi->params[k]
                                    : oi->results[k - s->nparams];
            uint8_t t;
            switch (c) {
            case 'i': t = VT_I32; break;
            case 'I': t = VT_I64; break;
            case 'f': t = VT_F32; break;
            case 'F': t = VT_F64; break;
            case 'v': t = VT_V128; break;
            case 'r': t = VT_FUNCREF; break;
            default:
                BUG("unknown type letter in opcodes.def");
                t = VT_NONE;
            }
            if (k < s->nparams)
                s->params[k] = t;
            else
                s->result = t;
        }
    }
}

static void
init_stacks(Validator *v)
{
    v->capvals = VALS_INIT;
    v->vals = arena_alloc(v->scratch, v->capvals);
    v->capctrls = CTRLS_INIT;
    v->ctrls = arena_array(v->scratch, v->capctrls, sizeof *v->ctrls);
    v->grew = false;
}

bool
validate_module(Arena *a, const Module *m, Diag *d)
{
    Validator v;
    uint32_t i;
    bool ok = true;

    memset(&v, 0, sizeof v);
    v.m = m;
    v.d = d;
    v.a = a;
    v.scratch = arena_new();
    d->context = NULL;
    build_sigs(&v);

    collect_refs(&v);
    if (!check_module_items(&v)) {
        arena_free(v.scratch);
        return false;
    }

    init_stacks(&v);
    for (i = m->nimported_funcs; i < m->nfuncs && ok; i++) {
        v.func = &m->funcs[i];
        v.funcidx = i;
        v.ft = &m->types[v.func->type];
        ok = check_body(&v);
        if (v.grew) {
            /* keep scratch memory bounded by the largest body */
            arena_reset(v.scratch);
            init_stacks(&v);
        }
    }
    v.func = NULL;
    arena_free(v.scratch);
    return ok;
}
