/*
 * emitfn.c - one Wasm function body to one C function.
 *
 * The operand stack becomes C temporaries named by depth and type class:
 * i<d> (i32, u32), k<d> (i64, u64), x<d> (f32), d<d> (f64), r<d>
 * (funcref and externref, void *) and v<d> (v128, the opaque wrt_v128 of
 * rt/wrt_simd.h).  So the value at depth d always lives in the same
 * variable, a block's results land in the slots at the block's
 * height without any copy on fallthrough, and only branches copy values
 * down to their target's height.  Values that cannot trap and have no
 * effect (constants, local.get, global.get, arithmetic) are deferred
 * instead (Lazy below) and printed as operands of the instruction that
 * uses them, so "(local.set 2 (i32.add (local.get 0) (i32.const 1)))"
 * becomes "l2 = l0 + 1u;"; only values that must be computed in order
 * (loads, calls, trapping arithmetic) and values alive across a label go
 * through their slot.  Blocks become labels and gotos, if/else
 * becomes C if/else, br_table a switch.  Code after br, br_table, return
 * and unreachable is dead until the enclosing else or end and is not
 * emitted.
 *
 * Most instructions are printed from their opcodes.def template; this file
 * has a case only for rows without one (control, calls, variables, consts,
 * references, tables, segments).  The input has been validated: operand
 * types are taken from our own type stack, which validation guarantees is
 * consistent, so breaking that is a BUG, not a diagnostic.
 *
 * For the public embedding API (EmitCtx.api) users compile the output with
 * their own warnings: locals and slots that are only written get a
 * "(void)x;", a loop label left without a branch (they were all dead
 * code) is taken out again, and v128 globals, kept as the header's bytes,
 * go through getv128/putv128.
 */
#include "emitfn.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FR_FUNC, FR_BLOCK, FR_LOOP, FR_IF };

/* A control frame: "validation: control instructions", plus C labels. */
typedef struct Frame {
    int kind;
    uint32_t label;             /* L<label> */
    uint32_t base;              /* stack height below the block's params */
    const ValType *params;
    const ValType *results;
    uint32_t nparams;
    uint32_t nresults;
    bool label_used;            /* a branch targets the end label */
    bool has_else;
    bool then_reachable;        /* the then arm falls through to end */
    bool loop_used;             /* a printed branch goes to the loop */
    size_t label_at;            /* where the loop's label line starts */
} Frame;

/* The value classes; the reference class is the one of pointer type. */
#define NCLASS 6
#define REF_CLASS 4

/*
 * A value not stored in its slot yet: the C expression that computes it
 * (len 0: the value is in its slot).  The expression reads only constants,
 * locals, globals and at most the slot at its own depth, and can neither
 * trap nor have an effect, so evaluating it where it is used gives the same
 * value as evaluating it where it was pushed as long as the locals and
 * globals it reads keep their values.  Whatever writes one of them first
 * stores the values reading it into their slots (flush_reading), and so
 * does every control instruction for all values (flush_all), so that
 * labels see every value in its slot.  Floating-point arithmetic is not
 * deferred (template_pure).
 */
typedef struct Lazy {
    char *text;                 /* operand-ready: parenthesized if needed */
    uint32_t len, cap;
    uint64_t locals;            /* locals read, as bits (index % 64) */
    bool globals;               /* reads a global */
    bool own;                   /* reads the slot at its own depth */
    bool paren;                 /* we added the outer parentheses */
    bool boolean;               /* C type int: a comparison */
    bool is_const;              /* an integer constant, cval */
    uint64_t cval;
} Lazy;

/* Longest deferred expression: longer ones are stored into their slot. */
#define LAZY_MAX 64

/* Fn.pending: where a value's pending load is */
#define PEND_LOAD 1             /* in the value's own computation */
#define PEND_LOCAL 2            /* in a local it read */

typedef struct Fn {
    EmitCtx *e;
    const Module *m;
    uint32_t fidx;
    const FuncType *ft;
    CWriter *w;                 /* the body, declarations come later */
    ValType *stack;
    /*
     * Guard bounds: per stack depth, the value depends on a load that
     * nothing observable uses yet: PEND_LOAD when it was computed from a
     * load's result, PEND_LOCAL from a local that may hold one.  Dropping
     * it would let the C compiler delete the load and with it the fault,
     * so drop forces a read.
     */
    uint8_t *pending;
    struct Lazy *lazy;          /* per stack depth: a deferred value */
    uint32_t height, stack_cap;
    Frame *frames;
    uint32_t nframes, frames_cap;
    uint8_t *used[NCLASS];      /* slot (class, depth) was referenced: 1,
                                   and read as an operand (top): | 2 */
    uint32_t used_cap[NCLASS];
    const char **lnames;        /* params then locals */
    ValType *ltypes;
    uint32_t nl;
    uint8_t *loop_target;       /* per block ordinal: a loop branched to */
    uint8_t *local_read;        /* per local: the body reads it */
    /*
     * Guard bounds (plan_dead_sets): per instruction, 1 for a local.set
     * or local.tee whose value no path reads; per local, 1 when the body
     * assigns it (its value may come from a load).  NULL without memory
     * accesses.
     */
    uint8_t *set_dead;
    uint8_t *assigned;
    /* locals holding a pending load's value (a list, and a flag each) */
    uint32_t *pend_list;
    uint8_t *pend_flag;
    uint32_t npend;
    uint32_t pc;                /* index of the instruction being emitted */
    uint32_t nblocks;           /* block ordinals handed out so far */
    bool unreachable;           /* rest of the current arm is dead */
    bool has_return;            /* a return statement was printed */
    uint32_t skip;              /* blocks opened inside dead code */
    uint8_t *views;             /* per memory: loads or stores use it, so
                                   its view mb<i>, ms<i> is kept in locals */
    bool any_view;
    bool has_call;              /* it has call instructions */
    bool skip_next;             /* the last instruction did the next one */
    bool discarded;             /* a deferred value was dropped unprinted */
    bool count_depth;           /* calls: wrt_enter and wrt_leave (else,
                                   guard: the stack's guard page) */
    char bufs[8][24];           /* rotating slot-name buffers */
    char bare[4][LAZY_MAX + 8]; /* rotating buffers of top() */
    unsigned nextbare;
    unsigned nextbuf;
} Fn;

static const char class_letter[NCLASS] = {'i', 'k', 'x', 'd', 'r', 'v'};
static const char *const class_ctype[NCLASS] = {"u32", "u64", "f32", "f64",
                                                "void *", "v128"};

static void *
xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (p == NULL) {
        fputs("w2c: out of memory\n", stderr);
        exit(2);
    }
    return p;
}

static bool
is_ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
}

/* ---- types --------------------------------------------------------------- */

static int
vclass(ValType t)
{
    switch (t) {
    case VT_I32: return 0;
    case VT_I64: return 1;
    case VT_F32: return 2;
    case VT_F64: return 3;
    case VT_V128: return 5;
    default: return REF_CLASS;
    }
}

bool
emitfn_has_float(const FuncType *ft)
{
    uint32_t k;

    for (k = 0; k < ft->nparams; k++)
        if (ft->params[k] == VT_F32 || ft->params[k] == VT_F64)
            return true;
    for (k = 0; k < ft->nresults; k++)
        if (ft->results[k] == VT_F32 || ft->results[k] == VT_F64)
            return true;
    return false;
}

const char *
emitfn_ctype(ValType t)
{
    return class_ctype[vclass(t)];
}

const char *
emitfn_stdtype(ValType t)
{
    static const char *const std[NCLASS] = {"uint32_t", "uint64_t", "float",
                                            "double", "void *", "wrt_v128"};
    return std[vclass(t)];
}

char
emitfn_sigletter(ValType t)
{
    switch (t) {
    case VT_I32: return 'i';
    case VT_I64: return 'I';
    case VT_F32: return 'f';
    case VT_F64: return 'F';
    case VT_V128: return 'v';
    case VT_FUNCREF: return 'r';
    case VT_EXTERNREF: return 'e';
    default: return '?';
    }
}

const char *
emitfn_valtype_text(ValType t)
{
    switch (t) {
    case VT_I32: return "i32";
    case VT_I64: return "i64";
    case VT_F32: return "f32";
    case VT_F64: return "f64";
    case VT_V128: return "v128";
    case VT_FUNCREF: return "funcref";
    case VT_EXTERNREF: return "externref";
    default: return "?";
    }
}

/* "(i32 i32) -> f64", "() -> ()" */
void
emitfn_type_text(CWriter *w, const FuncType *ft)
{
    uint32_t i;

    cw_printf(w, "(");
    for (i = 0; i < ft->nparams; i++)
        cw_printf(w, "%s%s", i ? " " : "",
                  emitfn_valtype_text(ft->params[i]));
    cw_printf(w, ") -> ");
    if (ft->nresults == 1) {
        cw_printf(w, "%s", emitfn_valtype_text(ft->results[0]));
        return;
    }
    cw_printf(w, "(");
    for (i = 0; i < ft->nresults; i++)
        cw_printf(w, "%s%s", i ? " " : "",
                  emitfn_valtype_text(ft->results[i]));
    cw_printf(w, ")");
}

/* Printable ASCII except what could end a comment or form a trigraph. */
void
emitfn_comment_str(CWriter *w, Str s)
{
    uint32_t i;
    char c;

    for (i = 0; i < s.len; i++) {
        c = s.ptr[i];
        if (c < 0x20 || c > 0x7e || c == '*' || c == '/' || c == '\\' ||
            c == '?' || c == '"')
            c = '_';
        cw_raw(w, &c, 1);
    }
}

void
emitfn_params(const EmitCtx *e, CWriter *w, uint32_t ti, const char *first,
              const char *pfx, bool std)
{
    const FuncType *ft = &e->m->types[ti];
    uint32_t i;

    cw_printf(w, "(%s", first);
    for (i = 0; i < ft->nparams; i++) {
        const char *t = std ? emitfn_stdtype(ft->params[i])
                            : emitfn_ctype(ft->params[i]);
        if (pfx == NULL)
            cw_printf(w, ", %s", t);
        else
            cw_printf(w, ", %s%s%s%u", t,
                      t[strlen(t) - 1] == '*' ? "" : " ", pfx, (unsigned)i);
    }
    cw_printf(w, ")");
}

/* ---- fast formatting ------------------------------------------------------ */

/*
 * The emitter's hot paths append text themselves: printf-style formatting
 * took most of the translation time.  put_u32 writes v in decimal at out
 * with a terminating NUL and returns the end; out needs 11 bytes.
 */
static char *
put_u32(char *out, uint32_t v)
{
    char tmp[10];
    int n = 0;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0)
        *out++ = tmp[--n];
    *out = '\0';
    return out;
}

/* Append s at out (NUL-terminated); returns the end.  The caller sized out. */
static char *
put_str(char *out, const char *s)
{
    size_t n = strlen(s);

    memcpy(out, s, n + 1);
    return out + n;
}

/*
 * i8x16.shuffle with byte indices idx (each below 32, selecting from a:b)
 * in the widest form a C compiler permutes well: V128_CONCAT_SHIFT with s
 * when the result is bytes s..s+15 of a:b, else the widest lanes (64, 32
 * or 16 bits) whose bytes move together, else bytes.  GCC lowers a
 * two-operand byte shuffle on SSE2 to sixteen byte moves through memory;
 * the same permute on wider lanes is a few register instructions.
 * Writes the macro's name after WRT_ (name) or its constants (!name).
 */
static char *
put_shuffle(char *out, const uint8_t idx[16], bool name)
{
    static const char *const shape[] = {NULL, "I8X16", "I16X8", NULL,
                                        "I32X4", NULL, NULL, NULL, "I64X2"};
    unsigned w, i, s = idx[0];
    bool ok = s > 0 && s < 16;

    for (i = 1; ok && i < 16; i++)
        ok = idx[i] == s + i;
    if (ok)
        return name ? put_str(out, "V128_CONCAT_SHIFT") : put_u32(out, s);
    for (w = 8; w > 1; w /= 2) {
        ok = true;
        for (i = 0; ok && i < 16; i++)
            ok = idx[i] % w == i % w && idx[i] / w == idx[i - i % w] / w;
        if (ok)
            break;
    }
    if (name)
        return put_str(put_str(out, shape[w]), "_SHUFFLE");
    for (i = 0; i < 16; i += w) {
        if (i > 0)
            out = put_str(out, ", ");
        out = put_u32(out, idx[i] / w);
    }
    return out;
}

/* ---- the type stack and slot names --------------------------------------- */

static const char *
slot_t(Fn *fn, uint32_t depth, ValType t)
{
    int c = vclass(t);
    char *b = fn->bufs[fn->nextbuf++ % 8];

    if (depth >= fn->used_cap[c]) {
        uint32_t cap = fn->used_cap[c] ? fn->used_cap[c] : 16;
        while (cap <= depth)
            cap *= 2;
        fn->used[c] = xrealloc(fn->used[c], cap);
        memset(fn->used[c] + fn->used_cap[c], 0, cap - fn->used_cap[c]);
        fn->used_cap[c] = cap;
    }
    fn->used[c][depth] |= 1;
    b[0] = class_letter[c];
    put_u32(b + 1, depth);
    return b;
}

/* The slot of the value at depth (from the bottom). */
static const char *
slot(Fn *fn, uint32_t depth)
{
    if (depth >= fn->height)
        BUG("operand stack underflow in emitter");
    return slot_t(fn, depth, fn->stack[depth]);
}

/* The slot of the value at depth, as an operand that is read. */
static const char *
slot_read(Fn *fn, uint32_t depth)
{
    const char *s = slot(fn, depth);

    fn->used[vclass(fn->stack[depth])][depth] |= 2;
    return s;
}

/* The value at depth as an operand: its deferred expression or its slot. */
static const char *
operand(Fn *fn, uint32_t depth)
{
    if (depth >= fn->height)
        BUG("operand stack underflow in emitter");
    if (fn->lazy[depth].len > 0)
        return fn->lazy[depth].text;
    return slot_read(fn, depth);
}

/*
 * The value at depth as a whole expression: a condition, an argument, a
 * returned value (without parentheses of ours).
 */
static const char *
whole(Fn *fn, uint32_t depth)
{
    const struct Lazy *z;
    char *b;

    if (depth >= fn->height)
        BUG("operand stack underflow in emitter");
    z = &fn->lazy[depth];
    if (z->len == 0 || !z->paren || z->len - 2 >= sizeof fn->bare[0])
        return operand(fn, depth);
    b = fn->bare[fn->nextbare++ % 4];
    memcpy(b, z->text + 1, z->len - 2);
    b[z->len - 2] = '\0';
    return b;
}

/* The value n below the top (0 = top) as a whole expression. */
static const char *
top(Fn *fn, uint32_t n)
{
    if (n >= fn->height)
        BUG("operand stack underflow in emitter");
    return whole(fn, fn->height - 1 - n);
}

static uint32_t
push(Fn *fn, ValType t)
{
    if (fn->height == fn->stack_cap) {
        uint32_t old = fn->stack_cap;
        fn->stack_cap = old ? old * 2 : 64;
        fn->stack = xrealloc(fn->stack, fn->stack_cap * sizeof(ValType));
        fn->pending = xrealloc(fn->pending, fn->stack_cap);
        fn->lazy = xrealloc(fn->lazy, fn->stack_cap * sizeof(Lazy));
        memset(fn->lazy + old, 0, (fn->stack_cap - old) * sizeof(Lazy));
    }
    fn->stack[fn->height] = t;
    fn->pending[fn->height] = 0;
    fn->lazy[fn->height].len = 0;
    return fn->height++;
}

static void
pop(Fn *fn, uint32_t n)
{
    if (n > fn->height)
        BUG("operand stack underflow in emitter");
    fn->height -= n;
}

static ValType
letter_type(char c)
{
    switch (c) {
    case 'i': return VT_I32;
    case 'I': return VT_I64;
    case 'f': return VT_F32;
    case 'F': return VT_F64;
    case 'v': return VT_V128;
    case 'r': return VT_FUNCREF;
    case 'e': return VT_EXTERNREF;
    default: BUG("bad type letter in opcodes.def"); return VT_NONE;
    }
}

/* ---- block types --------------------------------------------------------- */

static const ValType *
single(ValType t)
{
    static const ValType one[] = {VT_I32, VT_I64, VT_F32, VT_F64, VT_V128,
                                  VT_FUNCREF, VT_EXTERNREF};
    size_t i;

    for (i = 0; i < sizeof one / sizeof one[0]; i++)
        if (one[i] == t)
            return &one[i];
    BUG("bad block result type");
    return NULL;
}

static void
block_type(Fn *fn, int64_t bt, Frame *f)
{
    f->nparams = f->nresults = 0;
    f->params = f->results = NULL;
    if (bt == BLOCK_EMPTY)
        return;
    if (BLOCK_IS_TYPEIDX(bt)) {
        const FuncType *ft = &fn->m->types[BLOCK_TYPEIDX_OF(bt)];
        f->params = ft->params;
        f->nparams = ft->nparams;
        f->results = ft->results;
        f->nresults = ft->nresults;
        return;
    }
    f->results = single((ValType)bt);
    f->nresults = 1;
}

static Frame *
push_frame(Fn *fn, int kind, int64_t bt)
{
    Frame *f;

    if (fn->nframes == fn->frames_cap) {
        fn->frames_cap = fn->frames_cap ? fn->frames_cap * 2 : 16;
        fn->frames = xrealloc(fn->frames, fn->frames_cap * sizeof(Frame));
    }
    f = &fn->frames[fn->nframes++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    if (kind == FR_FUNC) {
        f->results = fn->ft->results;
        f->nresults = fn->ft->nresults;
        f->base = 0;
        return f;
    }
    block_type(fn, bt, f);
    f->label = ++fn->nblocks;
    if (fn->height < f->nparams)
        BUG("block params underflow in emitter");
    f->base = fn->height - f->nparams;
    return f;
}

/* Reset the type stack to base followed by types. */
static void
reset_stack(Fn *fn, uint32_t base, const ValType *types, uint32_t n)
{
    uint32_t i;

    fn->height = base;
    for (i = 0; i < n; i++)
        push(fn, types[i]);
}

/* A label at one level less indentation than the code around it. */
static void
label(Fn *fn, uint32_t n)
{
    int saved = fn->w->indent;

    fn->w->indent = saved > 0 ? saved - 1 : 0;
    cw_line(fn->w, "L%u:;", (unsigned)n);
    fn->w->indent = saved;
}

/*
 * Print s as one line at the current indentation, broken after ", " where
 * it would pass 79 columns; continuation lines align after the first '('.
 */
static void
put_wrapped(CWriter *w, const char *s)
{
    size_t ind = (size_t)(w->indent > 0 ? w->indent : 0) * 4;
    size_t n = strlen(s), pos = 0, cont, i, brk;
    const char *paren;
    bool first = true;

    if (ind + n <= 79) {
        static const char spaces[] = "                                "
                                     "                                ";
        size_t k;
        for (k = 0; k < ind; k += sizeof spaces - 1)
            cw_raw(w, spaces, ind - k < sizeof spaces - 1 ? ind - k
                                                          : sizeof spaces - 1);
        cw_raw(w, s, n);
        cw_raw(w, "\n", 1);
        return;
    }
    paren = strchr(s, '(');
    cont = paren ? ind + (size_t)(paren - s) + 1 : ind + 4;
    if (cont > ind + 40)
        cont = ind + 4;
    while (pos < n) {
        size_t col = first ? ind : cont;
        size_t avail = col < 79 ? 79 - col : 1;
        if (n - pos <= avail) {
            cw_printf(w, "%*s%s\n", (int)col, "", s + pos);
            break;
        }
        brk = 0;
        for (i = pos; i + 1 < n && i - pos < avail; i++)
            if (s[i] == ',' && s[i + 1] == ' ')
                brk = i + 1;
        if (brk == 0) {
            const char *c = strstr(s + pos + avail, ", ");
            if (c == NULL) {
                cw_printf(w, "%*s%s\n", (int)col, "", s + pos);
                break;
            }
            brk = (size_t)(c - s) + 1;
        }
        cw_printf(w, "%*s%.*s\n", (int)col, "", (int)(brk - pos), s + pos);
        pos = brk + 1;
        first = false;
    }
}

/* A statement, formatted, then printed by put_wrapped. */
static void
stmt(Fn *fn, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void
stmt(Fn *fn, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        BUG("vsnprintf failed");
    if ((size_t)n < sizeof small) {
        put_wrapped(fn->w, small);
    } else {
        char *big = xrealloc(NULL, (size_t)n + 1);
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        put_wrapped(fn->w, big);
        free(big);
    }
}

/* "dst = src;" as a statement, without formatting. */
static void
assign(Fn *fn, const char *dst, const char *src)
{
    char small[256];
    size_t a = strlen(dst), b = strlen(src);

    if (a + b + 5 > sizeof small) {
        stmt(fn, "%s = %s;", dst, src);
        return;
    }
    memcpy(small, dst, a);
    memcpy(small + a, " = ", 3);
    memcpy(small + a + 3, src, b);
    memcpy(small + a + 3 + b, ";", 2);
    put_wrapped(fn->w, small);
}

/* ---- deferred values ----------------------------------------------------- */

/*
 * Whether C text needs parentheses to be an operand: not for identifiers,
 * numbers, members (inst->g0), calls f(...) and text already inside one
 * pair of parentheses.
 */
static bool
needs_parens(const char *s, size_t n)
{
    size_t i = 0, depth = 0;

    for (; i < n; i++) {
        if (s[i] == '-' && i > 0 && i + 1 < n && s[i + 1] == '>')
            i++;                            /* "->" */
        else if (!is_ident_char(s[i]) && s[i] != '.')
            break;
    }
    if (i == n)
        return false;
    if (s[i] != '(' || s[n - 1] != ')')
        return true;
    for (; i < n; i++) {
        if (s[i] == '(')
            depth++;
        else if (s[i] == ')' && --depth == 0)
            return i != n - 1;
    }
    return true;
}

/* Defer the value at depth as the C expression text[0..n). */
static Lazy *
set_lazy(Fn *fn, uint32_t depth, const char *text, size_t n)
{
    Lazy *z = &fn->lazy[depth];
    bool paren = needs_parens(text, n);

    if (n + 3 > z->cap) {
        z->cap = (uint32_t)(n + 3 > 96 ? n + 3 : 96);
        z->text = xrealloc(z->text, z->cap);
    }
    if (paren) {
        z->text[0] = '(';
        memcpy(z->text + 1, text, n);
        z->text[n + 1] = ')';
        n += 2;
    } else {
        memcpy(z->text, text, n);
    }
    z->text[n] = '\0';
    z->len = (uint32_t)n;
    z->paren = paren;
    z->locals = 0;
    z->globals = z->own = z->boolean = z->is_const = false;
    z->cval = 0;
    return z;
}

static uint64_t
local_bit(uint32_t i)
{
    return (uint64_t)1 << (i % 64);
}

/* "dst = <the value at depth>;", the value without our parentheses. */
static void
assign_value(Fn *fn, const char *dst, uint32_t depth)
{
    Lazy *z = &fn->lazy[depth];

    if (z->len == 0) {
        assign(fn, dst, operand(fn, depth));
    } else if (z->paren) {
        z->text[z->len - 1] = '\0';
        assign(fn, dst, z->text + 1);
        z->text[z->len - 1] = ')';
    } else {
        assign(fn, dst, z->text);
    }
}

/* Store the value at depth into its slot if it is deferred. */
static void
materialize(Fn *fn, uint32_t depth)
{
    if (fn->lazy[depth].len == 0)
        return;
    assign_value(fn, slot(fn, depth), depth);
    fn->lazy[depth].len = 0;
}

/* Store every deferred value below depth `below` into its slot. */
static void
flush_all(Fn *fn, uint32_t below)
{
    uint32_t d;

    for (d = 0; d < below && d < fn->height; d++)
        materialize(fn, d);
}

/*
 * Before a write of the locals `locals` (bits) or, with globals, of any
 * global: store the deferred values below depth `below` that read them.
 */
static void
flush_reading(Fn *fn, uint32_t below, uint64_t locals, bool globals)
{
    uint32_t d;

    for (d = 0; d < below && d < fn->height; d++) {
        const Lazy *z = &fn->lazy[d];
        if (z->len > 0 && ((z->locals & locals) || (globals && z->globals)))
            materialize(fn, d);
    }
}

/*
 * Whether the result of an operation on the values at base.. base+n-1 may
 * be deferred: every operand past the first is deferred and does not read
 * its slot (the result takes the first operand's depth, and the slots
 * above it are written again while the result waits).
 */
static bool
operands_allow_defer(const Fn *fn, uint32_t base, uint32_t n)
{
    uint32_t k;

    for (k = 1; k < n; k++)
        if (fn->lazy[base + k].len == 0 || fn->lazy[base + k].own)
            return false;
    return true;
}

/*
 * Defer the result at depth d as text[0..n); ops are its operands' Lazy
 * (NULL: in its slot), ops[0] the one at depth d, which set_lazy reuses,
 * so the flags are read first.
 */
static void
defer_result(Fn *fn, uint32_t d, const char *text, size_t n,
             const Lazy *const *ops, uint32_t nops, bool boolean)
{
    uint64_t locals = 0;
    bool globals = false, own = ops[0] == NULL || ops[0]->own;
    uint32_t k;
    Lazy *z;

    for (k = 0; k < nops; k++) {
        if (ops[k] == NULL)
            continue;
        locals |= ops[k]->locals;
        globals = globals || ops[k]->globals;
    }
    z = set_lazy(fn, d, text, n);
    z->own = own;
    z->locals = locals;
    z->globals = globals;
    z->boolean = boolean;
}

/*
 * local.set or local.tee of local x with the value at depth d (the top),
 * computed by text, or already on the stack when text is NULL.  Deferred
 * values below that read x are stored first; after a tee the value is
 * the local's.
 */
/*
 * Guard bounds, before an instruction that traps by an explicit check
 * (division, conversion, call_indirect, table access, unreachable): the
 * loads whose values are still pending (on the stack, in locals) happen
 * now.  A load is invisible to the C compiler as a trap, so it could sink
 * one past the check, and the later trap would be reported first.  The
 * value at depth `checked` (NO_DEPTH: none) is one the check itself reads
 * (a divisor, a table index), which its load therefore precedes.
 */
#define NO_DEPTH 0xFFFFFFFFu

static void
force_pending(Fn *fn, uint32_t checked)
{
    uint32_t d, i;

    if (fn->set_dead == NULL)       /* not guard, or no memory access */
        return;
    for (d = 0; d < fn->height; d++) {
        /* a local's load is forced below, with the local */
        if (!(fn->pending[d] & PEND_LOAD) || d == checked)
            continue;
        stmt(fn, "WRT_FORCE_READ%s(%s);",
             fn->stack[d] == VT_V128 ? "_V128" : "", operand(fn, d));
        fn->pending[d] = 0;
    }
    for (i = 0; i < fn->npend; i++) {
        uint32_t x = fn->pend_list[i];
        stmt(fn, "WRT_FORCE_READ%s(%s);",
             fn->ltypes[x] == VT_V128 ? "_V128" : "", fn->lnames[x]);
        fn->pend_flag[x] = 0;
    }
    fn->npend = 0;
}

static void
set_local(Fn *fn, uint32_t x, bool tee, uint32_t d, const char *text,
          uint32_t k)
{
    const char *name = fn->lnames[x];
    uint8_t pending = fn->pending[d];

    flush_reading(fn, d, local_bit(x), false);
    if (text != NULL)
        assign(fn, name, text);
    else
        assign_value(fn, name, d);
    /* a value from a load that nothing reads: the C compiler would drop
       the load and its fault (a tee keeps it on the stack, still pending) */
    if (pending && !tee && fn->set_dead != NULL && fn->set_dead[k])
        stmt(fn, "WRT_FORCE_READ%s(%s);",
             fn->ltypes[x] == VT_V128 ? "_V128" : "", name);
    else if ((pending & PEND_LOAD) && fn->pend_flag != NULL &&
             !fn->pend_flag[x]) {
        fn->pend_flag[x] = 1;
        fn->pend_list[fn->npend++] = x;
    }
    if (tee)
        set_lazy(fn, d, name, strlen(name))->locals = local_bit(x);
    else
        pop(fn, 1);
}

/* ---- constants ----------------------------------------------------------- */

/* Append ".0" when s would read as an integer literal. */
static void
make_float_literal(char *s, size_t cap)
{
    if (strpbrk(s, ".eE") == NULL && strlen(s) + 3 <= cap)
        strcat(s, ".0");
}

static void
fmt_f32(char *out, size_t cap, uint32_t bits)
{
    float f, g;
    uint32_t gb;
    int p;

    memcpy(&f, &bits, 4);
    if (isfinite(f)) {
        for (p = 1; p <= 9; p++) {
            snprintf(out, cap, "%.*g", p, (double)f);
            g = strtof(out, NULL);
            memcpy(&gb, &g, 4);
            if (gb == bits) {
                make_float_literal(out, cap - 1);
                strcat(out, "f");
                return;
            }
        }
    }
    snprintf(out, cap, "WRT_F32(0x%08xu)", (unsigned)bits);
}

static void
fmt_f64(char *out, size_t cap, uint64_t bits)
{
    double f, g;
    uint64_t gb;
    int p;

    memcpy(&f, &bits, 8);
    if (isfinite(f)) {
        for (p = 1; p <= 17; p++) {
            snprintf(out, cap, "%.*g", p, f);
            g = strtod(out, NULL);
            memcpy(&gb, &g, 8);
            if (gb == bits) {
                make_float_literal(out, cap);
                return;
            }
        }
    }
    snprintf(out, cap, "WRT_F64(0x%016llxull)", (unsigned long long)bits);
}

static void
fmt_i32(char *out, size_t cap, uint32_t v)
{
    /* the common case without snprintf: cap is at least 24 */
    if (v < 0x80000000u)
        put_str(put_u32(out, v), "u");
    else if (v == 0x80000000u)
        snprintf(out, cap, "0x80000000u");
    else
        put_u32(put_str(out, "(u32)-"), 0u - v);
}

static void
fmt_i64(char *out, size_t cap, uint64_t v)
{
    /* small values in decimal, bit patterns and masks in hex */
    if (v <= 0xFFFFFFFFull)
        put_str(put_u32(out, (uint32_t)v), "ull");
    else if (v >= 0xFFFFFFFF80000000ull)
        snprintf(out, cap, "(u64)-%lluull", (unsigned long long)(0ull - v));
    else
        snprintf(out, cap, "0x%016llxull", (unsigned long long)v);
}

/* v128.const: wrt_v128_make(LO, HI), the halves of the little-endian image */
static void
fmt_v128(char *out, size_t cap, const uint8_t *b)
{
    uint64_t lo = 0, hi = 0;
    int k;

    for (k = 7; k >= 0; k--) {
        lo = (lo << 8) | b[k];
        hi = (hi << 8) | b[k + 8];
    }
    if (lo == 0 && hi == 0)
        snprintf(out, cap, "wrt_v128_make(0, 0)");
    else
        snprintf(out, cap, "wrt_v128_make(0x%016llxull, 0x%016llxull)",
                 (unsigned long long)lo, (unsigned long long)hi);
}

/* ---- memory views -------------------------------------------------------- */

/*
 * Memory i's WrtMemory as the start of a member access: the instance's
 * own storage for a memory the module defines (one load less than through
 * the pointer), else the pointer the host set.
 */
static void
plan_storage_names(EmitCtx *e)
{
    const Module *m = e->m;
    uint32_t k;

    e->mem_struct = arena_array(e->a, m->nmems + 1, sizeof(char *));
    e->table_ptr = arena_array(e->a, m->ntables + 1, sizeof(char *));
    for (k = 0; k < m->nmems; k++)
        e->mem_struct[k] = arena_printf(e->a, m->mems[k].is_import
                                        ? "inst->mem%u->"
                                        : "inst->mem%u_storage.", (unsigned)k);
    for (k = 0; k < m->ntables; k++)
        e->table_ptr[k] = arena_printf(e->a, m->tables[k].is_import
                                       ? "inst->tab%u"
                                       : "&inst->tab%u_storage", (unsigned)k);
}

static const char *
mem_struct(EmitCtx *e, uint32_t i)
{
    return e->mem_struct[i];
}

/* Table i as a WrtTable *, likewise (both made once, emitfn_body). */
static const char *
table_ptr(EmitCtx *e, uint32_t i)
{
    return e->table_ptr[i];
}

/*
 * Memory i's view: its base and size in locals, which the C compiler can
 * keep in registers because nothing else can write them (stores into
 * linear memory could alias inst->mem<i>, not a local).  They are read at
 * entry and again where the memory may have grown.
 */
static void
reload_view(Fn *fn, uint32_t i)
{
    const char *mem = mem_struct(fn->e, i);

    cw_line(fn->w, "mb%u = %sbase;", (unsigned)i, mem);
    cw_line(fn->w, "ms%u = %ssize;", (unsigned)i, mem);
}

/*
 * After a call: reload the views when the callee may grow a memory and,
 * with guard bounds, name this function again as the one whose faults
 * are reported.
 */
static void
after_call(Fn *fn, bool may_grow)
{
    uint32_t i;

    if (!fn->any_view)
        return;
    for (i = 0; may_grow && i < fn->m->nmems; i++)
        if (fn->views[i])
            reload_view(fn, i);
    if (fn->e->o->guard)
        cw_line(fn->w, "inst->rt.func = %uu;", (unsigned)fn->fidx);
}

/* ---- templates ----------------------------------------------------------- */

/*
 * Whether an opcodes.def template can be deferred (Lazy): one result, no
 * trap site, no memory, and not f32 or f64 (floating-point arithmetic is
 * rounded by storing each result: inside one C expression, a target whose
 * FLT_EVAL_METHOD is not 0 (s390x: 1) computes f32 in double, and a C
 * compiler may fuse a * b + c into one multiply-add).
 */
static bool
template_pure(const OpInfo *oi)
{
    char r = oi->results[0];

    if (r == '\0' || oi->results[1] != '\0' || r == 'f' || r == 'F')
        return false;
    return strstr(oi->tmpl, "$T") == NULL && strstr(oi->tmpl, "$M") == NULL &&
           strstr(oi->tmpl, "$N") == NULL;
}

/* Whether a template's i32 result is a C comparison (of type int). */
static bool
template_boolean(const OpInfo *oi)
{
    const char *t = oi->tmpl;

    return oi->results[0] == 'i' &&
           (strstr(t, " == ") || strstr(t, " != ") || strstr(t, " < ") ||
            strstr(t, " > ") || strstr(t, " <= ") || strstr(t, " >= "));
}

/*
 * template_pure and template_boolean per opcode, worked out on first use
 * (1: known, 2: pure, 4: boolean); the emitter runs in one thread.
 */
static uint8_t
template_kind(const Instr *in, const OpInfo *oi)
{
    static uint8_t kind[OP_COUNT_];

    if (kind[in->op] == 0)
        kind[in->op] = (uint8_t)(1 | (template_pure(oi) ? 2 : 0) |
                                 (template_boolean(oi) ? 4 : 0));
    return kind[in->op];
}

/*
 * A division, remainder or trapping conversion (an opcodes.def template
 * with a trap site and no memory): it checks and traps itself, unless its
 * divisor is a constant it cannot trap on (not 0, and not -1 when signed).
 */
static bool
traps_by_check(const Fn *fn, const Instr *in, const OpInfo *oi,
               uint32_t base)
{
    const Lazy *z;
    uint64_t ones;

    if (oi->imm != IMM_NONE || oi->tmpl == NULL ||
        strstr(oi->tmpl, "$T") == NULL)
        return false;
    switch (in->op) {
    case OP_I32_DIV_S: case OP_I32_DIV_U: case OP_I32_REM_S:
    case OP_I32_REM_U: case OP_I64_DIV_S: case OP_I64_DIV_U:
    case OP_I64_REM_S: case OP_I64_REM_U:
        z = &fn->lazy[base + 1];
        ones = in->op >= OP_I64_DIV_S ? ~(uint64_t)0 : 0xFFFFFFFFu;
        if (z->len == 0 || !z->is_const || (z->cval & ones) == 0)
            return true;
        return (in->op == OP_I32_DIV_S || in->op == OP_I32_REM_S ||
                in->op == OP_I64_DIV_S || in->op == OP_I64_REM_S) &&
               (z->cval & ones) == ones;
    default:
        return true;
    }
}

/* Expand an opcodes.def template (see the token list there). */
static void
emit_template(Fn *fn, const Instr *in, const OpInfo *oi)
{
    char line[640];
    char conv[3][LAZY_MAX + 16];
    const char *ops[3] = {"", "", ""};
    const Lazy *lz[3] = {NULL, NULL, NULL};
    const char *tmpl = oi->tmpl;
    size_t np = strlen(oi->params), nr = strlen(oi->results), n = 0;
    uint32_t mem = 0, src = 0, k, base, d = 0;
    const char *p;

    bool is_load = (oi->imm == IMM_MEMARG || oi->imm == IMM_MEMARG_LANE) &&
                   nr == 1;
    uint8_t pending = 0;
    bool defer;

    if (np > 3 || nr > 1)
        BUG("template with more than 3 operands or 1 result");
    if (np > fn->height)
        BUG("operand stack underflow in emitter");
    base = fn->height - (uint32_t)np;
    if (traps_by_check(fn, in, oi, base))   /* the check reads the last */
        force_pending(fn, fn->height - 1);
    defer = nr == 1 && (template_kind(in, oi) & 2) &&
            operands_allow_defer(fn, base, (uint32_t)np);
    for (k = 0; k < np; k++) {
        const Lazy *z = &fn->lazy[base + k];
        ops[k] = operand(fn, base + k);
        pending |= fn->pending[base + k];
        if (z->len == 0)
            continue;
        lz[k] = z;
        /* a comparison (int) computes with u32 as Wasm's i32 does */
        if (z->boolean) {
            snprintf(conv[k], sizeof conv[k], "(u32)%s", ops[k]);
            ops[k] = conv[k];
        }
    }
    pop(fn, (uint32_t)np);
    /* x + -5 reads better as x - 5 (the same in modular arithmetic) */
    if ((in->op == OP_I32_ADD || in->op == OP_I64_ADD) && lz[1] != NULL &&
        lz[1]->is_const) {
        bool w = in->op == OP_I64_ADD;
        uint64_t neg = w ? 0 - lz[1]->cval
                         : (uint64_t)(uint32_t)(0u - (uint32_t)lz[1]->cval);
        if (neg > 0 && neg < 0x80000000u) {
            snprintf(conv[1], sizeof conv[1], "%llu%s",
                     (unsigned long long)neg, w ? "ull" : "u");
            ops[1] = conv[1];
            tmpl = "$0 - $1";
        }
    }

    switch (oi->imm) {
    case IMM_MEMARG:
    case IMM_MEMARG_LANE: mem = in->imm.mem.mem; break;
    case IMM_MEM: mem = in->imm.idx; break;
    case IMM_MEMORY_COPY:
        mem = in->imm.idx2.a;
        src = in->imm.idx2.b;
        break;
    default: break;
    }

    /* every token below appends at most 24 bytes but $S, checked there */
    for (p = tmpl; *p && n < sizeof line - 128; p++) {
        char *at = line + n;
        if (*p != '$') {
            line[n++] = *p;
            continue;
        }
        p++;
        switch (*p) {
        case '0': case '1': case '2':
            k = (uint32_t)(*p - '0');
            /* an argument, "(" or ", " before and ")" or "," after */
            if (lz[k] != NULL && lz[k]->paren && !lz[k]->boolean &&
                p >= tmpl + 2 &&
                (p[-2] == '(' ||
                 (p[-2] == ' ' && p >= tmpl + 3 && p[-3] == ',')) &&
                (p[1] == ')' || p[1] == ',')) {
                memcpy(at, lz[k]->text + 1, lz[k]->len - 2);
                at += lz[k]->len - 2;
            } else {
                at = put_str(at, ops[k]);
            }
            break;
        case 'H':
            /* a shift count: the second operand modulo the width */
            k = oi->results[0] == 'I' ? 63 : 31;
            if (lz[1] != NULL && lz[1]->is_const) {
                at = put_u32(at, (uint32_t)(lz[1]->cval & k));
            } else {
                at = put_str(put_str(at, "("), ops[1]);
                at = put_str(put_str(at, " & "), k == 63 ? "63)" : "31)");
            }
            break;
        case 'T':
            at = put_u32(put_str(at, "&inst->rt, "), fn->fidx);
            *at++ = 'u';
            break;
        case 'M':
            /* loads and stores take the view, the rest the memory */
            if (oi->imm == IMM_MEMARG || oi->imm == IMM_MEMARG_LANE)
                at = put_u32(put_str(put_u32(put_str(at, "mb"), mem), ", ms"),
                             mem);
            else
                at = put_u32(put_str(at, "inst->mem"), mem);
            break;
        case 'N':
            at = put_u32(put_str(at, "inst->mem"), src);
            break;
        case 'O':
            if (in->imm.mem.offset <= 0xFFFFFFFFu) {
                at = put_u32(at, (uint32_t)in->imm.mem.offset);
                *at++ = 'u';
            } else {
                at += snprintf(at, sizeof line - n, "%lluull",
                               (unsigned long long)in->imm.mem.offset);
            }
            break;
        case 'L':
            at = put_u32(at, oi->imm == IMM_MEMARG_LANE ? in->imm.mem.lane
                                                        : in->imm.idx);
            *at++ = 'u';
            break;
        case 'S':
        case 'I':
            at = put_shuffle(at, in->imm.v128, *p == 'S');
            break;
        default:
            BUG("bad token in opcodes.def template");
        }
        n = (size_t)(at - line);
    }
    line[n] = '\0';

    if (nr == 1) {
        d = push(fn, letter_type(oi->results[0]));
        /* a pure operation passes its operands' pending loads on */
        fn->pending[d] = is_load ? PEND_LOAD
                         : in->op != OP_MEMORY_GROW ? pending : 0;
    }
    if (nr == 1 && defer && n <= LAZY_MAX) {
        defer_result(fn, d, line, n, lz, (uint32_t)np,
                     (template_kind(in, oi) & 4) != 0);
        return;
    }
    if (nr == 1 && (in[1].op == OP_LOCAL_SET || in[1].op == OP_LOCAL_TEE) &&
        !fn->e->o->offsets) {
        /* "x = load(...);" rather than through the slot (the body ends
           with end, so in[1] exists) */
        set_local(fn, in[1].imm.idx, in[1].op == OP_LOCAL_TEE, d, line,
                  fn->pc + 1);
        fn->skip_next = true;
    } else if (nr == 1) {
        assign(fn, slot(fn, d), line);
    } else {
        line[n++] = ';';
        line[n] = '\0';
        put_wrapped(fn->w, line);
    }
    if (in->op == OP_MEMORY_GROW && fn->views[mem])
        reload_view(fn, mem);
}

/* ---- branches ------------------------------------------------------------ */

static void
emit_return(Fn *fn, const char *cond)
{
    const FuncType *ft = fn->ft;
    uint32_t n = ft->nresults, k;

    if (cond != NULL)
        cw_open(fn->w, "if (%s) {", cond);
    if (fn->count_depth)
        cw_line(fn->w, "wrt_leave(&inst->rt);");
    fn->has_return = true;
    if (n == 0) {
        cw_line(fn->w, "return;");
    } else if (n == 1) {
        cw_line(fn->w, "return %s;", top(fn, 0));
    } else {
        cw_printf(fn->w, "%*sreturn (%s){", fn->w->indent * 4, "",
                  fn->e->type_ret[fn->m->funcs[fn->fidx].type]);
        for (k = 0; k < n; k++)
            cw_printf(fn->w, "%s%s", k ? ", " : "", top(fn, n - 1 - k));
        cw_printf(fn->w, "};\n");
    }
    if (cond != NULL)
        cw_close(fn->w, "}");
}

/*
 * br to the frame `depth` levels out, taken when cond (a C expression) is
 * true or always when cond is NULL.  Values travel by copying the top of
 * the stack down to the slots at the target's height; copying upward in
 * depth order is safe because no target slot is above its source.
 */
static void
emit_branch(Fn *fn, uint32_t depth, const char *cond)
{
    Frame *t;
    const ValType *types;
    uint32_t n, k, ncopy = 0;

    if (depth >= fn->nframes)
        BUG("branch depth out of range in emitter");
    t = &fn->frames[fn->nframes - 1 - depth];
    if (t->kind == FR_FUNC) {
        emit_return(fn, cond);
        return;
    }
    /* the target's label expects every value in its slot */
    flush_all(fn, fn->height);
    if (t->kind == FR_LOOP) {
        n = t->nparams;
        types = t->params;
        t->loop_used = true;
    } else {
        n = t->nresults;
        types = t->results;
        t->label_used = true;
    }
    if (n > fn->height)
        BUG("branch values underflow in emitter");
    for (k = 0; k < n; k++)
        if (t->base + k != fn->height - n + k)
            ncopy++;
    if (cond != NULL && ncopy == 0) {
        cw_line(fn->w, "if (%s) goto L%u;", cond, (unsigned)t->label);
        return;
    }
    if (cond != NULL)
        cw_open(fn->w, "if (%s) {", cond);
    for (k = 0; k < n; k++) {
        uint32_t from = fn->height - n + k, to = t->base + k;
        if (from != to) {
            const char *dst = slot_t(fn, to, types[k]);
            cw_line(fn->w, "%s = %s;", dst, slot_read(fn, from));
        }
    }
    cw_line(fn->w, "goto L%u;", (unsigned)t->label);
    if (cond != NULL)
        cw_close(fn->w, "}");
}

static void
emit_br_table(Fn *fn, const Instr *in)
{
    const uint32_t *tg = in->imm.br_table.targets;
    uint32_t n = in->imm.br_table.n, i, dflt = tg[n];
    const char *idx;
    int saved;

    /* with only a default, the index is not read */
    idx = n == 0 ? "" : top(fn, 0);
    fn->discarded = fn->discarded || (n == 0 && fn->lazy[fn->height - 1].len);
    pop(fn, 1);
    if (n == 0) {
        emit_branch(fn, dflt, NULL);
        return;
    }
    flush_all(fn, fn->height);
    saved = fn->w->indent;
    cw_line(fn->w, "switch (%s) {", idx);
    for (i = 0; i < n; i++) {
        /* cases going where the default goes need no label */
        if (tg[i] == dflt)
            continue;
        cw_line(fn->w, "case %u:", (unsigned)i);
        /* a run of equal targets shares one body */
        if (i + 1 < n && tg[i + 1] == tg[i])
            continue;
        fn->w->indent = saved + 1;
        emit_branch(fn, tg[i], NULL);
        fn->w->indent = saved;
    }
    cw_line(fn->w, "default:");
    fn->w->indent = saved + 1;
    emit_branch(fn, dflt, NULL);
    fn->w->indent = saved;
    cw_line(fn->w, "}");
}

/* ---- calls --------------------------------------------------------------- */

/*
 * Print "<results> = <callee>(<first>, args...)" for a call of type ti
 * whose arguments are the top nparams slots; callee and first are C text.
 */
static void
emit_call_expr(Fn *fn, uint32_t ti, const char *callee, const char *first)
{
    const FuncType *ft = &fn->m->types[ti];
    CWriter *w = fn->w;
    CWriter line;
    uint32_t np = ft->nparams, nr = ft->nresults, base, k;
    uint32_t d;

    cw_init(&line);

    if (np > fn->height)
        BUG("call arguments underflow in emitter");
    base = fn->height - np;
    /* the callee may write globals */
    flush_reading(fn, base, 0, true);
    line.len = 0;
    if (nr > 1) {
        cw_open(w, "{");
        cw_printf(&line, "%s ret = ", fn->e->type_ret[ti]);
    } else if (nr == 1) {
        cw_printf(&line, "%s = ", slot_t(fn, base, ft->results[0]));
    }
    cw_printf(&line, "%s(%s", callee, first);
    for (k = 0; k < np; k++)
        cw_printf(&line, ", %s", whole(fn, base + k));
    cw_printf(&line, ");");
    put_wrapped(w, line.buf);
    pop(fn, np);
    for (k = 0; k < nr; k++) {
        d = push(fn, ft->results[k]);
        if (nr > 1)
            cw_line(w, "%s = ret.v%u;", slot(fn, d), (unsigned)k);
    }
    if (nr > 1)
        cw_close(w, "}");
    cw_free(&line);
}

static void
emit_call(Fn *fn, uint32_t callee)
{
    const Func *f = &fn->m->funcs[callee];
    char *name, *ctx;

    if (f->is_import) {
        /* the host function gets the margin below the stack limit */
        if (!fn->count_depth)
            stmt(fn, "wrt_stack_check(&inst->rt, %uu);", (unsigned)fn->fidx);
        name = arena_printf(fn->e->a, "inst->%s", f->cname);
        ctx = arena_printf(fn->e->a, "inst->%s_ctx", f->cname);
        emit_call_expr(fn, f->type, name, ctx);
    } else {
        emit_call_expr(fn, f->type, f->cname, "inst");
        if (!fn->count_depth && fn->e->has_calls[callee])
            cw_line(fn->w, "WRT_NO_TAIL_CALL();");
    }
    after_call(fn, fn->e->may_grow[callee]);
}

static void
emit_call_indirect(Fn *fn, const Instr *in)
{
    uint32_t ti = in->imm.idx2.a, tab = in->imm.idx2.b;
    CWriter callee;

    cw_init(&callee);
    cw_printf(&callee, "((%s (%s*)", fn->e->type_ret[ti],
              fn->e->type_cc[ti]);
    emitfn_params(fn->e, &callee, ti, "void *", NULL, false);
    cw_printf(&callee, ")fp->code)");

    force_pending(fn, fn->height - 1);     /* the index */
    cw_open(fn->w, "{");
    stmt(fn, "const WrtTableEntry *fp = wrt_table_func(&inst->rt, %uu, %s, "
            "%s, SIG_%u);", (unsigned)fn->fidx, table_ptr(fn->e, tab),
            top(fn, 0), (unsigned)fn->e->type_sig[ti]);
    pop(fn, 1);
    emit_call_expr(fn, ti, callee.buf, "fp->ctx");
    if (!fn->count_depth)
        cw_line(fn->w, "WRT_NO_TAIL_CALL();");
    cw_close(fn->w, "}");
    cw_free(&callee);
    after_call(fn, fn->e->indirect_may_grow[ti]);
}

/* ---- the instruction walk ------------------------------------------------ */

/*
 * The rest of the arm is dead: deferred values still on the stack are
 * never printed, so the body's text decides which names it reads.
 */
static void
end_arm(Fn *fn)
{
    uint32_t d;

    fn->unreachable = true;
    for (d = 0; d < fn->height; d++)
        if (fn->lazy[d].len > 0)
            fn->discarded = true;
}

/* An integer constant, deferred: its literal and its value. */
static void
lazy_const(Fn *fn, uint32_t depth, const char *lit, uint64_t v)
{
    Lazy *z = set_lazy(fn, depth, lit, strlen(lit));

    z->is_const = true;
    z->cval = v;
}

/* select: "c ? a : b", deferred when the three operands allow it. */
static void
emit_select(Fn *fn)
{
    uint32_t d = fn->height - 3;
    const Lazy *za = &fn->lazy[d];
    const Lazy *ops[3] = {za->len ? za : NULL, &fn->lazy[d + 1],
                          &fn->lazy[d + 2]};
    char line[3 * (LAZY_MAX + 2) + 16];
    /* both arms comparisons (int): the result is one too */
    bool boolean = za->len > 0 && za->boolean && ops[1]->boolean;
    int n;

    n = snprintf(line, sizeof line, "%s ? %s : %s", operand(fn, d + 2),
                 operand(fn, d), operand(fn, d + 1));
    fn->pending[d] |= fn->pending[d + 1] | fn->pending[d + 2];
    if (operands_allow_defer(fn, d, 3) && n > 0 && n <= LAZY_MAX) {
        defer_result(fn, d, line, (size_t)n, ops, 3, boolean);
    } else {
        assign(fn, slot(fn, d), line);
        fn->lazy[d].len = 0;
    }
    pop(fn, 2);
}

/* Global g as an lvalue over inst: "inst->g1_x", "*inst->g0" (imports). */
static const char *
global_ref(EmitCtx *e, uint32_t g)
{
    const Global *gl = &e->m->globals[g];

    return arena_printf(e->a, gl->is_import ? "*inst->%s" : "inst->%s",
                        gl->cname);
}

/*
 * The public API keeps v128 globals as the header's w2c_v128 (bytes, the
 * host may point at them), read and written through the .c's getv128 and
 * putv128; the address of global g for them.
 */
static bool
is_api_v128(const EmitCtx *e, uint32_t g)
{
    return e->api && e->m->globals[g].type == VT_V128;
}

static const char *
global_addr(EmitCtx *e, uint32_t g)
{
    const Global *gl = &e->m->globals[g];

    return arena_printf(e->a, gl->is_import ? "inst->%s" : "&inst->%s",
                        gl->cname);
}

/* The value of global g as one C expression over inst (made once). */
static const char *
global_get(EmitCtx *e, uint32_t g)
{
    if (e->global_get == NULL)
        e->global_get = arena_array(e->a, e->m->nglobals ? e->m->nglobals : 1,
                                    sizeof(char *));
    if (e->global_get[g] == NULL)
        e->global_get[g] = is_api_v128(e, g)
            ? arena_printf(e->a, "getv128(%s)", global_addr(e, g))
            : global_ref(e, g);
    return e->global_get[g];
}

/*
 * A function whose end is unreachable and that never returns (an endless
 * loop, a trap) still needs a return statement, or C compilers warn.
 */
static void
emit_dummy_return(Fn *fn)
{
    const char *t = fn->e->type_ret[fn->m->funcs[fn->fidx].type];

    cw_line(fn->w, "/* not reached */");
    if (fn->ft->nresults > 1)
        cw_line(fn->w, "return (%s){0};", t);
    else if (fn->ft->results[0] == VT_V128)
        cw_line(fn->w, "return wrt_v128_make(0, 0);");
    else
        cw_line(fn->w, "return 0;");
}

/* end of the innermost frame */
static void
emit_end(Fn *fn)
{
    Frame f = fn->frames[fn->nframes - 1];
    bool reachable;

    if (f.kind != FR_FUNC && !fn->unreachable)
        flush_all(fn, fn->height);

    if (f.kind == FR_FUNC) {
        if (!fn->unreachable)
            emit_return(fn, NULL);
        else if (fn->ft->nresults > 0 && !fn->has_return)
            emit_dummy_return(fn);
        fn->nframes--;
        return;
    }
    reachable = !fn->unreachable || f.label_used;
    if (f.kind == FR_IF) {
        cw_close(fn->w, "}");
        reachable = reachable || !f.has_else || f.then_reachable;
    }
    if (f.kind != FR_LOOP && f.label_used)
        label(fn, f.label);
    /*
     * A loop label whose branches all were dead code: the public API's
     * users would see -Wunused-label, so the line goes.
     */
    if (f.kind == FR_LOOP && fn->e->api && f.label_at != (size_t)-1 &&
        !f.loop_used) {
        char *line = fn->w->buf + f.label_at;
        size_t len = (size_t)(strchr(line, '\n') + 1 - line);
        memmove(line, line + len, fn->w->len - f.label_at - len + 1);
        fn->w->len -= len;
    }
    fn->nframes--;
    reset_stack(fn, f.base, f.results, f.nresults);
    fn->unreachable = !reachable;
}

static bool
emit_instr(Fn *fn, const Instr *in)
{
    const Module *m = fn->m;
    CWriter *w = fn->w;
    const OpInfo *oi = &op_info[in->op];
    char lit[80];
    const char *s;
    uint32_t d;
    Frame *f;

    if (oi->tmpl != NULL) {
        emit_template(fn, in, oi);
        return true;
    }
    switch (in->op) {
    case OP_UNREACHABLE:
        force_pending(fn, NO_DEPTH);
        stmt(fn, "wrt_trap(&inst->rt, %uu, WRT_TRAP_UNREACHABLE);",
                (unsigned)fn->fidx);
        end_arm(fn);
        break;
    case OP_NOP:
        break;
    case OP_BLOCK:
        flush_all(fn, fn->height);
        push_frame(fn, FR_BLOCK, in->imm.block);
        break;
    case OP_LOOP:
        flush_all(fn, fn->height);
        f = push_frame(fn, FR_LOOP, in->imm.block);
        f->label_at = (size_t)-1;
        if (f->label <= fn->nblocks && fn->loop_target[f->label - 1]) {
            f->label_at = w->len;
            label(fn, f->label);
        }
        break;
    case OP_IF:
        s = top(fn, 0);
        pop(fn, 1);
        flush_all(fn, fn->height);
        cw_open(w, "if (%s) {", s);
        push_frame(fn, FR_IF, in->imm.block);
        break;
    case OP_ELSE:
        f = &fn->frames[fn->nframes - 1];
        if (f->kind != FR_IF)
            BUG("else outside if in emitter");
        f->then_reachable = !fn->unreachable;
        f->has_else = true;
        if (!fn->unreachable)
            flush_all(fn, fn->height);
        w->indent--;
        cw_open(w, "} else {");
        reset_stack(fn, f->base, f->params, f->nparams);
        fn->unreachable = false;
        break;
    case OP_END:
        emit_end(fn);
        break;
    case OP_BR:
        emit_branch(fn, in->imm.idx, NULL);
        end_arm(fn);
        break;
    case OP_BR_IF:
        s = top(fn, 0);
        pop(fn, 1);
        emit_branch(fn, in->imm.idx, s);
        break;
    case OP_BR_TABLE:
        emit_br_table(fn, in);
        end_arm(fn);
        break;
    case OP_RETURN:
        emit_return(fn, NULL);
        end_arm(fn);
        break;
    case OP_CALL:
        emit_call(fn, in->imm.idx);
        break;
    case OP_CALL_INDIRECT:
        emit_call_indirect(fn, in);
        break;
    case OP_DROP:
        d = fn->height - 1;
        if (fn->e->o->guard && fn->pending[d])
            stmt(fn, "WRT_FORCE_READ%s(%s);",
                 fn->stack[d] == VT_V128 ? "_V128" : "", top(fn, 0));
        else if (fn->e->api)
            materialize(fn, d);     /* the locals it reads count as read */
        else
            fn->discarded = fn->discarded || fn->lazy[d].len > 0;
        pop(fn, 1);
        break;
    case OP_SELECT:
    case OP_SELECT_T:
        emit_select(fn);
        break;
    case OP_LOCAL_GET:
        d = push(fn, fn->ltypes[in->imm.idx]);
        s = fn->lnames[in->imm.idx];
        set_lazy(fn, d, s, strlen(s))->locals = local_bit(in->imm.idx);
        if (fn->assigned != NULL && fn->assigned[in->imm.idx])
            fn->pending[d] = PEND_LOCAL;
        break;
    case OP_LOCAL_SET:
    case OP_LOCAL_TEE:
        set_local(fn, in->imm.idx, in->op == OP_LOCAL_TEE, fn->height - 1,
                  NULL, fn->pc);
        break;
    case OP_GLOBAL_GET:
        d = push(fn, m->globals[in->imm.idx].type);
        s = global_get(fn->e, in->imm.idx);
        set_lazy(fn, d, s, strlen(s))->globals = true;
        break;
    case OP_GLOBAL_SET:
        d = fn->height - 1;
        flush_reading(fn, d, 0, true);
        if (is_api_v128(fn->e, in->imm.idx))
            stmt(fn, "putv128(%s, %s);", global_addr(fn->e, in->imm.idx),
                 top(fn, 0));
        else
            assign_value(fn, global_ref(fn->e, in->imm.idx), d);
        pop(fn, 1);
        break;
    case OP_I32_CONST:
        fmt_i32(lit, sizeof lit, in->imm.i32);
        d = push(fn, VT_I32);
        lazy_const(fn, d, lit, in->imm.i32);
        break;
    case OP_I64_CONST:
        fmt_i64(lit, sizeof lit, in->imm.i64);
        d = push(fn, VT_I64);
        lazy_const(fn, d, lit, in->imm.i64);
        break;
    case OP_F32_CONST:
        /*
         * Stored, not deferred: where FLT_EVAL_METHOD is 1 (s390x) a float
         * constant inside an expression has its double value, 0.001f the
         * double nearest 0.001; stored in an f32 it is the float again.
         */
        fmt_f32(lit, sizeof lit, in->imm.f32);
        d = push(fn, VT_F32);
        assign(fn, slot(fn, d), lit);
        break;
    case OP_F64_CONST:
        fmt_f64(lit, sizeof lit, in->imm.f64);
        d = push(fn, VT_F64);
        set_lazy(fn, d, lit, strlen(lit));
        break;
    case OP_V128_CONST:
        fmt_v128(lit, sizeof lit, in->imm.v128);
        d = push(fn, VT_V128);
        set_lazy(fn, d, lit, strlen(lit));
        break;
    case OP_REF_NULL:
        d = push(fn, in->imm.type);
        set_lazy(fn, d, "NULL", 4);
        break;
    case OP_REF_IS_NULL:
        s = operand(fn, fn->height - 1);
        pop(fn, 1);
        d = push(fn, VT_I32);
        stmt(fn, "%s = %s == NULL;", slot(fn, d), s);
        break;
    case OP_REF_FUNC:
        d = push(fn, VT_FUNCREF);
        stmt(fn, "%s = &inst->funcs[%u];", slot(fn, d),
                (unsigned)in->imm.idx);
        break;
    case OP_TABLE_GET:
        force_pending(fn, fn->height - 1);
        s = top(fn, 0);
        pop(fn, 1);
        d = push(fn, m->tables[in->imm.idx].elem);
        stmt(fn, "%s = wrt_table_get(&inst->rt, %uu, %s, %s);",
                slot(fn, d), (unsigned)fn->fidx,
                table_ptr(fn->e, in->imm.idx), s);
        break;
    case OP_TABLE_SET:
        force_pending(fn, fn->height - 2);
        stmt(fn, "wrt_table_set(&inst->rt, %uu, %s, %s, %s);",
                (unsigned)fn->fidx, table_ptr(fn->e, in->imm.idx),
                top(fn, 1), top(fn, 0));
        pop(fn, 2);
        break;
    case OP_TABLE_SIZE:
        d = push(fn, VT_I32);
        stmt(fn, "%s = wrt_table_size(%s);", slot(fn, d),
                table_ptr(fn->e, in->imm.idx));
        break;
    case OP_TABLE_GROW:
        s = top(fn, 1);
        stmt(fn, "%s = wrt_table_grow(%s, %s, %s);",
                slot_t(fn, fn->height - 2, VT_I32),
                table_ptr(fn->e, in->imm.idx), s, top(fn, 0));
        pop(fn, 2);
        push(fn, VT_I32);
        break;
    case OP_TABLE_FILL:
        stmt(fn, "wrt_table_fill(&inst->rt, %uu, %s, %s, %s, %s);",
                (unsigned)fn->fidx, table_ptr(fn->e, in->imm.idx),
                top(fn, 2), top(fn, 1), top(fn, 0));
        pop(fn, 3);
        break;
    case OP_TABLE_COPY:
        stmt(fn, "wrt_table_copy(&inst->rt, %uu, %s, %s, %s, %s, %s);",
                (unsigned)fn->fidx, table_ptr(fn->e, in->imm.idx2.a),
                table_ptr(fn->e, in->imm.idx2.b), top(fn, 2), top(fn, 1),
                top(fn, 0));
        pop(fn, 3);
        break;
    case OP_TABLE_INIT:
        stmt(fn, "wrt_table_init_seg(&inst->rt, %uu, %s, "
                "inst->elem%u, inst->elem%u_len, %s, %s, %s);",
                (unsigned)fn->fidx, table_ptr(fn->e, in->imm.idx2.b),
                (unsigned)in->imm.idx2.a, (unsigned)in->imm.idx2.a,
                top(fn, 2), top(fn, 1), top(fn, 0));
        pop(fn, 3);
        break;
    case OP_ELEM_DROP:
        stmt(fn, "inst->elem%u_len = 0;", (unsigned)in->imm.idx);
        break;
    case OP_MEMORY_INIT:
        stmt(fn, "wrt_memory_init_seg(&inst->rt, %uu, inst->mem%u, data%u, "
                "inst->data%u_dropped ? 0 : %uu, %s, %s, %s);",
                (unsigned)fn->fidx, (unsigned)in->imm.idx2.b,
                (unsigned)in->imm.idx2.a, (unsigned)in->imm.idx2.a,
                (unsigned)m->datas[in->imm.idx2.a].len, top(fn, 2),
                top(fn, 1), top(fn, 0));
        pop(fn, 3);
        break;
    case OP_DATA_DROP:
        stmt(fn, "inst->data%u_dropped = 1;", (unsigned)in->imm.idx);
        break;
    default:
        return diag_error_at(fn->e->d, in->offset,
                             "%s: not supported by the C emitter yet",
                             oi->text);
    }
    return true;
}

bool
emitfn_const_expr(EmitCtx *e, const Expr *x, const char **out)
{
    const char *st[64];
    uint32_t n = 0, i;
    char lit[80];

    for (i = 0; i < x->n; i++) {
        const Instr *in = &x->code[i];
        const char *v = NULL;

        switch (in->op) {
        case OP_END:
            if (n != 1)
                BUG("constant expression without one value");
            *out = st[0];
            return true;
        case OP_I32_CONST:
            fmt_i32(lit, sizeof lit, in->imm.i32);
            v = arena_strndup(e->a, lit, strlen(lit));
            break;
        case OP_I64_CONST:
            fmt_i64(lit, sizeof lit, in->imm.i64);
            v = arena_strndup(e->a, lit, strlen(lit));
            break;
        case OP_F32_CONST:
            fmt_f32(lit, sizeof lit, in->imm.f32);
            v = arena_strndup(e->a, lit, strlen(lit));
            break;
        case OP_F64_CONST:
            fmt_f64(lit, sizeof lit, in->imm.f64);
            v = arena_strndup(e->a, lit, strlen(lit));
            break;
        case OP_V128_CONST:
            fmt_v128(lit, sizeof lit, in->imm.v128);
            v = arena_strndup(e->a, lit, strlen(lit));
            break;
        case OP_REF_NULL:
            v = "NULL";
            break;
        case OP_REF_FUNC:
            v = arena_printf(e->a, "&inst->funcs[%u]", (unsigned)in->imm.idx);
            break;
        case OP_GLOBAL_GET:
            v = global_get(e, in->imm.idx);
            break;
        case OP_I32_ADD: case OP_I64_ADD:
        case OP_I32_SUB: case OP_I64_SUB:
        case OP_I32_MUL: case OP_I64_MUL:
            if (n < 2)
                BUG("constant expression underflow");
            n -= 2;
            v = arena_printf(e->a, "(%s %c %s)", st[n],
                             op_info[in->op].text[4] == 'a' ? '+' :
                             op_info[in->op].text[4] == 's' ? '-' : '*',
                             st[n + 1]);
            break;
        default:
            return diag_error_at(e->d, in->offset,
                                 "%s: not supported in a constant expression",
                                 op_info[in->op].text);
        }
        if (n == sizeof st / sizeof st[0])
            return diag_error_at(e->d, in->offset,
                                 "constant expression too deep");
        st[n++] = v;
    }
    BUG("constant expression without end");
    return false;
}

/*
 * Which loops are branched to, so that only those get a label.  Block
 * ordinals count block, loop and if in code order, dead code included,
 * exactly as push_frame hands them out.
 */
static void
find_loop_targets(Fn *fn, const Expr *body)
{
    uint32_t *open = NULL, nopen = 0, cap = 0, nblocks = 0, i, k;
    uint8_t *is_loop;

    for (i = 0; i < body->n; i++) {
        uint16_t op = body->code[i].op;
        if (op == OP_BLOCK || op == OP_LOOP || op == OP_IF)
            nblocks++;
    }
    fn->loop_target = xrealloc(NULL, nblocks + 1);
    memset(fn->loop_target, 0, nblocks + 1);
    is_loop = xrealloc(NULL, nblocks + 1);
    nblocks = 0;
    for (i = 0; i < body->n; i++) {
        const Instr *in = &body->code[i];
        uint32_t tgt;
        switch (in->op) {
        case OP_BLOCK:
        case OP_LOOP:
        case OP_IF:
            if (nopen == cap) {
                cap = cap ? cap * 2 : 16;
                open = xrealloc(open, cap * sizeof *open);
            }
            is_loop[nblocks] = in->op == OP_LOOP;
            open[nopen++] = nblocks++;
            break;
        case OP_END:
            if (nopen > 0)
                nopen--;
            break;
        case OP_BR:
        case OP_BR_IF:
            tgt = in->imm.idx;
            if (tgt < nopen && is_loop[open[nopen - 1 - tgt]])
                fn->loop_target[open[nopen - 1 - tgt]] = 1;
            break;
        case OP_BR_TABLE:
            for (k = 0; k <= in->imm.br_table.n; k++) {
                tgt = in->imm.br_table.targets[k];
                if (tgt < nopen && is_loop[open[nopen - 1 - tgt]])
                    fn->loop_target[open[nopen - 1 - tgt]] = 1;
            }
            break;
        default:
            break;
        }
    }
    free(open);
    free(is_loop);
}

/* l<i> or l<i>_<name>, the name reduced as names.c does for functions. */
static const char *
local_name(Arena *a, uint32_t i, const Str *names)
{
    char buf[33];
    size_t n = 0;
    uint32_t k;
    bool last_sub = false;

    if (names != NULL) {
        for (k = 0; k < names[i].len && n < sizeof buf - 1; k++) {
            char c = names[i].ptr[k];
            if (is_ident_char(c)) {
                buf[n++] = c;
                last_sub = false;
            } else if (!last_sub) {
                buf[n++] = '_';
                last_sub = true;
            }
        }
    }
    buf[n] = '\0';
    if (n == 0)
        return arena_printf(a, "l%u", (unsigned)i);
    return arena_printf(a, "l%u_%s", (unsigned)i, buf);
}

/* "u32 i0, i1, i3;" wrapped at 80 columns, for each class in use. */
static void
declare_slots(Fn *fn, CWriter *c)
{
    int k;
    uint32_t dpt;

    for (k = 0; k < NCLASS; k++) {
        size_t col = 0;
        bool any = false;
        for (dpt = 0; dpt < fn->used_cap[k]; dpt++) {
            char name[16];
            size_t len;
            if (!fn->used[k][dpt])
                continue;
            len = (size_t)snprintf(name, sizeof name, "%c%u",
                                   class_letter[k], (unsigned)dpt);
            if (!any) {
                col = 4 + strlen(class_ctype[k]);
                cw_printf(c, "    %s%s%s", class_ctype[k],
                          k == REF_CLASS ? "" : " ", name);
                col += len + (k == REF_CLASS ? 0 : 1);
                any = true;
            } else if (col + len + 3 > 79) {
                cw_printf(c, ";\n    %s%s%s", class_ctype[k],
                          k == REF_CLASS ? "" : " ", name);
                col = 4 + strlen(class_ctype[k]) + len +
                      (k == REF_CLASS ? 0 : 1);
            } else {
                cw_printf(c, ", %s%s", k == REF_CLASS ? "*" : "", name);
                col += len + 2 + (k == REF_CLASS ? 1 : 0);
            }
        }
        if (any)
            cw_printf(c, ";\n");
    }
}

/*
 * What the body text does with locals and slots, from the text itself
 * (a deferred value read a name and was then dropped, or was not): per
 * local whether it is read (local_read), per slot whether it is written
 * (used: 1) and read (2).  A name followed by "=" (not "==") is written,
 * any other occurrence is a read.
 */
static void
scan_names(Fn *fn, const char *text)
{
    const char *p = text;
    uint32_t d;
    int c;

    /* 4: a slot of that name was handed out (not "v128", the type) */
    for (c = 0; c < NCLASS; c++)
        for (d = 0; d < fn->used_cap[c]; d++)
            fn->used[c][d] = fn->used[c][d] ? 4 : 0;
    memset(fn->local_read, 0, fn->nl ? fn->nl : 1);
    for (; *p; p++) {
        const char *q, *end, *digits;
        unsigned long v;
        bool write;
        if (!is_ident_char(*p))
            continue;
        if (p > text && (is_ident_char(p[-1]) || p[-1] == '.' ||
                         p[-1] == '>')) {
            continue;
        }
        if (!(p[1] >= '0' && p[1] <= '9')) {
            while (is_ident_char(p[1]))
                p++;
            continue;
        }
        v = 0;
        for (q = p + 1; *q >= '0' && *q <= '9'; q++)
            if (v < 100000000)  /* past any index: no slot, no local */
                v = v * 10 + (unsigned long)(*q - '0');
        digits = q;
        end = q;
        while (is_ident_char(*end))
            end++;
        q = end;
        while (*q == ' ')
            q++;
        write = q[0] == '=' && q[1] != '=';
        if (*p == 'l' && v < fn->nl &&
            strncmp(fn->lnames[v], p, (size_t)(end - p)) == 0 &&
            fn->lnames[v][end - p] == '\0') {
            if (!write)
                fn->local_read[v] = 1;
        } else if (end == digits) {
            for (c = 0; c < NCLASS; c++)
                if (class_letter[c] == *p && v < fn->used_cap[c] &&
                    fn->used[c][v])
                    fn->used[c][v] |= write ? 1 : 2;
        }
        p = end - 1;
    }
    for (c = 0; c < NCLASS; c++)
        for (d = 0; d < fn->used_cap[c]; d++)
            fn->used[c][d] &= 3;
}

/* Whether C text refers to the identifier inst. */
static bool
mentions_inst(const char *text)
{
    const char *p = text;

    while (p != NULL && (p = strstr(p, "inst")) != NULL) {
        if ((p == text || !is_ident_char(p[-1])) && !is_ident_char(p[4]))
            return true;
        p += 4;
    }
    return false;
}

static bool
types_equal(const FuncType *a, const FuncType *b)
{
    return a->nparams == b->nparams && a->nresults == b->nresults &&
           !memcmp(a->params, b->params, a->nparams * sizeof(ValType)) &&
           !memcmp(a->results, b->results, a->nresults * sizeof(ValType));
}

static bool
mentions_funcref(const FuncType *ft)
{
    uint32_t k;

    for (k = 0; k < ft->nparams; k++)
        if (ft->params[k] == VT_FUNCREF)
            return true;
    for (k = 0; k < ft->nresults; k++)
        if (ft->results[k] == VT_FUNCREF)
            return true;
    return false;
}

/*
 * Whether a function reference can come from outside the module: through
 * an imported or exported table, an imported or exported mutable funcref
 * global, or an import or export whose type has funcref.  Without that,
 * a table holds only functions the module names (funcs_named).
 */
static bool
refs_from_outside(const Module *m)
{
    uint32_t i;

    if (m->nimported_tables > 0)
        return true;
    for (i = 0; i < m->nfuncs; i++)
        if (m->funcs[i].is_import &&
            mentions_funcref(&m->types[m->funcs[i].type]))
            return true;
    for (i = 0; i < m->nglobals; i++)
        if (m->globals[i].is_import && m->globals[i].type == VT_FUNCREF)
            return true;
    for (i = 0; i < m->nexports; i++) {
        const Export *x = &m->exports[i];
        if (x->kind == EXT_TABLE)
            return true;
        if (x->kind == EXT_GLOBAL && m->globals[x->index].is_mutable &&
            m->globals[x->index].type == VT_FUNCREF)
            return true;
        if (x->kind == EXT_FUNC &&
            mentions_funcref(&m->types[m->funcs[x->index].type]))
            return true;
    }
    return false;
}

static void
mark_ref_funcs(const Expr *x, uint8_t *named)
{
    uint32_t k;

    for (k = 0; k < x->n; k++)
        if (x->code[k].op == OP_REF_FUNC)
            named[x->code[k].imm.idx] = 1;
}

/*
 * The functions the module names as values (ref.func in element segments,
 * global initializers and code): the only ones a table can hold when no
 * reference comes from outside.
 */
static uint8_t *
funcs_named(const Module *m)
{
    uint8_t *named = xrealloc(NULL, m->nfuncs ? m->nfuncs : 1);
    uint32_t i, k;

    memset(named, 0, m->nfuncs ? m->nfuncs : 1);
    for (i = 0; i < m->nelems; i++)
        for (k = 0; k < m->elems[i].ninits; k++)
            mark_ref_funcs(&m->elems[i].inits[k], named);
    for (i = 0; i < m->nglobals; i++)
        if (!m->globals[i].is_import)
            mark_ref_funcs(&m->globals[i].init, named);
    for (i = 0; i < m->nfuncs; i++)
        if (!m->funcs[i].is_import)
            mark_ref_funcs(&m->funcs[i].body, named);
    return named;
}

/*
 * EmitCtx.may_grow for every function: the ones that grow a memory
 * themselves or may call code we cannot see (imports), then, walking call
 * edges backwards, everything that calls them.  A call_indirect of type t
 * is a call of a node standing for every function a table can hold with
 * a type equal to t: the named functions of that type, or, when references
 * can come from outside the module, anything (it may grow).
 */
static void
plan_may_grow(EmitCtx *e)
{
    const Module *m = e->m;
    uint32_t nf = m->nfuncs, nt = m->ntypes, nn = nf + nt;
    uint32_t ne = 0, i, k, head = 0, tail = 0;
    uint32_t *from, *to, *start, *queue, *canon;
    uint8_t *grow = arena_array(e->a, nn ? nn : 1, 1);
    uint8_t *calls = arena_array(e->a, nf ? nf : 1, 1);
    uint8_t *named = funcs_named(m);
    bool outside = refs_from_outside(m);

    /* canon[t]: the first type index equal to t */
    canon = xrealloc(NULL, (nt ? nt : 1) * sizeof *canon);
    for (i = 0; i < nt; i++) {
        canon[i] = i;
        for (k = 0; k < i; k++)
            if (canon[k] == k && types_equal(&m->types[i], &m->types[k])) {
                canon[i] = k;
                break;
            }
    }
    for (i = 0; i < nf; i++) {
        ne += named[i];
        for (k = 0; !m->funcs[i].is_import && k < m->funcs[i].body.n; k++)
            ne += m->funcs[i].body.code[k].op == OP_CALL ||
                  m->funcs[i].body.code[k].op == OP_CALL_INDIRECT;
    }
    from = xrealloc(NULL, (ne ? ne : 1) * sizeof *from);
    to = xrealloc(NULL, (ne ? ne : 1) * sizeof *to);
    start = xrealloc(NULL, (nn + 1) * sizeof *start);
    queue = xrealloc(NULL, (nn ? nn : 1) * sizeof *queue);
    ne = 0;
    for (i = 0; i < nt; i++) {
        grow[nf + i] = outside && canon[i] == i;
        if (grow[nf + i])
            queue[tail++] = nf + i;
    }
    for (i = 0; i < nf; i++) {
        const Func *f = &m->funcs[i];
        grow[i] = f->is_import;
        if (named[i]) {     /* the type's node "calls" it */
            from[ne] = nf + canon[f->type];
            to[ne++] = i;
        }
        for (k = 0; !f->is_import && k < f->body.n; k++) {
            const Instr *in = &f->body.code[k];
            calls[i] |= in->op == OP_CALL || in->op == OP_CALL_INDIRECT;
            if (in->op == OP_MEMORY_GROW) {
                grow[i] = 1;
            } else if (in->op == OP_CALL) {
                from[ne] = i;
                to[ne++] = in->imm.idx;
            } else if (in->op == OP_CALL_INDIRECT) {
                from[ne] = i;
                to[ne++] = nf + canon[in->imm.idx2.a];
            }
        }
        if (grow[i])
            queue[tail++] = i;
    }
    /* callers grouped by callee: start[g] .. start[g + 1] in from[] order */
    memset(start, 0, (nn + 1) * sizeof *start);
    for (k = 0; k < ne; k++)
        start[to[k] + 1]++;
    for (i = 0; i < nn; i++)
        start[i + 1] += start[i];
    {
        uint32_t *fill = xrealloc(NULL, (nn + 1) * sizeof *fill);
        uint32_t *callers = xrealloc(NULL, (ne ? ne : 1) * sizeof *callers);
        memcpy(fill, start, (nn + 1) * sizeof *fill);
        for (k = 0; k < ne; k++)
            callers[fill[to[k]]++] = from[k];
        while (head < tail) {
            uint32_t g = queue[head++];
            for (k = start[g]; k < start[g + 1]; k++)
                if (!grow[callers[k]]) {
                    grow[callers[k]] = 1;
                    queue[tail++] = callers[k];
                }
        }
        free(fill);
        free(callers);
    }
    e->indirect_may_grow = arena_array(e->a, nt ? nt : 1, 1);
    for (i = 0; i < nt; i++)
        e->indirect_may_grow[i] = grow[nf + canon[i]];
    free(from);
    free(to);
    free(start);
    free(queue);
    free(canon);
    free(named);
    e->may_grow = grow;
    e->has_calls = calls;
}

void
emitfn_plan(EmitCtx *e)
{
    plan_may_grow(e);
    plan_storage_names(e);
}

/* Which memories the loads and stores of body use; whether it calls. */
/*
 * Guard bounds: which local.set and local.tee store a value that no path
 * reads before the local is written again or the function returns.  The
 * C compiler deletes such a store, and with it a load that computed the
 * value, which would lose the load's fault; set_local forces those reads.
 * Backward liveness of locals over the structured control flow: a branch
 * to a block or if continues after its end, one to a loop at its start,
 * whose live set comes from the previous pass (passes repeat until no
 * loop's set grows).  Also marks the locals the body assigns: only their
 * values can come from a load.
 */
/* Sets of locals, w words each. */
static void
live_copy(uint64_t *dst, const uint64_t *src, uint32_t w)
{
    memcpy(dst, src, w * sizeof *dst);
}

static void
live_or(uint64_t *dst, const uint64_t *src, uint32_t w)
{
    uint32_t k;

    for (k = 0; k < w; k++)
        dst[k] |= src[k];
}

typedef struct LiveFrame {
    uint16_t op;                /* OP_BLOCK, OP_LOOP, OP_IF; OP_END: body */
    uint64_t *label;            /* live where a branch to it continues */
    uint64_t *after;            /* if: live after its end */
    uint64_t *other;            /* if: live at the start of its else arm */
    bool has_else;
} LiveFrame;

static void
plan_dead_sets(Fn *fn, const Expr *body)
{
    uint32_t n = body->n, w = (fn->nl + 63) / 64, nloops = 0, depth = 0;
    uint32_t maxdepth = 1, i, k, top = 0;
    uint32_t *opener, *stack, *loop_id;
    uint8_t *has_else;
    uint64_t *live, *pool, *heads;
    LiveFrame *fr;
    bool changed = true;

    fn->assigned = xrealloc(NULL, fn->nl ? fn->nl : 1);
    memset(fn->assigned, 0, fn->nl ? fn->nl : 1);
    /* each end's opener (n: the body's), each if's else */
    opener = xrealloc(NULL, (n ? n : 1) * sizeof *opener);
    has_else = xrealloc(NULL, n ? n : 1);
    loop_id = xrealloc(NULL, (n ? n : 1) * sizeof *loop_id);
    stack = xrealloc(NULL, (n + 1) * sizeof *stack);
    memset(has_else, 0, n ? n : 1);
    for (i = 0; i < n; i++) {
        uint16_t op = body->code[i].op;
        if (op == OP_BLOCK || op == OP_LOOP || op == OP_IF) {
            stack[depth++] = i;
            maxdepth = depth + 1 > maxdepth ? depth + 1 : maxdepth;
            if (op == OP_LOOP)
                loop_id[i] = nloops++;
        } else if (op == OP_ELSE && depth > 0) {
            has_else[stack[depth - 1]] = 1;
        } else if (op == OP_END) {
            opener[i] = depth > 0 ? stack[--depth] : n;
        } else if (op == OP_LOCAL_SET || op == OP_LOCAL_TEE) {
            fn->assigned[body->code[i].imm.idx] = 1;
        }
    }
    fn->set_dead = xrealloc(NULL, n ? n : 1);
    memset(fn->set_dead, 0, n ? n : 1);
    fn->pend_list = xrealloc(NULL, (fn->nl ? fn->nl : 1) * sizeof(uint32_t));
    fn->pend_flag = xrealloc(NULL, fn->nl ? fn->nl : 1);
    memset(fn->pend_flag, 0, fn->nl ? fn->nl : 1);
    /* three sets per open construct, one per loop, one current */
    pool = xrealloc(NULL, ((size_t)maxdepth * 3 + 1) * w * sizeof *pool + 1);
    heads = xrealloc(NULL, ((size_t)nloops * w + 1) * sizeof *heads);
    memset(heads, 0, ((size_t)nloops * w + 1) * sizeof *heads);
    fr = xrealloc(NULL, maxdepth * sizeof *fr);
    live = pool + (size_t)maxdepth * 3 * w;

    while (changed) {
        changed = false;
        top = 0;
        memset(live, 0, w * sizeof *live);
        for (i = n; i-- > 0;) {
            const Instr *in = &body->code[i];
            LiveFrame *f;
            uint32_t x;
            switch (in->op) {
            case OP_END:
                f = &fr[top];
                f->op = opener[i] == n ? OP_END : body->code[opener[i]].op;
                f->label = pool + (size_t)top * 3 * w;
                f->after = f->label + w;
                f->other = f->after + w;
                f->has_else = f->op == OP_IF && has_else[opener[i]];
                if (f->op == OP_LOOP)
                    f->label = heads + (size_t)loop_id[opener[i]] * w;
                else if (f->op == OP_END)
                    memset(f->label, 0, w * sizeof *live);  /* return */
                else
                    live_copy(f->label, live, w);
                live_copy(f->after, live, w);
                top++;
                break;
            case OP_ELSE:
                if (top == 0)
                    break;
                f = &fr[top - 1];
                live_copy(f->other, live, w);
                live_copy(live, f->after, w);
                break;
            case OP_IF:
                if (top == 0)
                    break;
                f = &fr[--top];
                if (f->has_else)
                    live_or(live, f->other, w);
                else
                    live_or(live, f->after, w);
                break;
            case OP_BLOCK:
                if (top > 0)
                    top--;
                break;
            case OP_LOOP:
                if (top == 0)
                    break;
                f = &fr[--top];
                for (k = 0; k < w; k++) {
                    if (live[k] & ~f->label[k])
                        changed = true;
                    f->label[k] |= live[k];
                }
                break;
            case OP_BR:
                if (in->imm.idx < top)
                    live_copy(live, fr[top - 1 - in->imm.idx].label, w);
                break;
            case OP_BR_IF:
                if (in->imm.idx < top)
                    live_or(live, fr[top - 1 - in->imm.idx].label, w);
                break;
            case OP_BR_TABLE:
                memset(live, 0, w * sizeof *live);
                for (k = 0; k <= in->imm.br_table.n; k++) {
                    uint32_t t = in->imm.br_table.targets[k];
                    if (t < top)
                        live_or(live, fr[top - 1 - t].label, w);
                }
                break;
            case OP_RETURN:
            case OP_UNREACHABLE:
                memset(live, 0, w * sizeof *live);
                break;
            case OP_LOCAL_GET:
                x = in->imm.idx;
                live[x / 64] |= (uint64_t)1 << (x % 64);
                break;
            case OP_LOCAL_SET:
            case OP_LOCAL_TEE:
                x = in->imm.idx;
                fn->set_dead[i] = !(live[x / 64] & ((uint64_t)1 << (x % 64)));
                live[x / 64] &= ~((uint64_t)1 << (x % 64));
                break;
            default:
                break;
            }
        }
    }
    free(opener);
    free(has_else);
    free(loop_id);
    free(stack);
    free(pool);
    free(heads);
    free(fr);
}

static void
scan_body(Fn *fn, const Expr *body)
{
    uint32_t i;

    fn->views = arena_array(fn->e->a, fn->m->nmems ? fn->m->nmems : 1, 1);
    for (i = 0; i < body->n; i++) {
        const Instr *in = &body->code[i];
        int imm = op_info[in->op].imm;
        if (imm == IMM_MEMARG || imm == IMM_MEMARG_LANE) {
            fn->views[in->imm.mem.mem] = 1;
            fn->any_view = true;
        } else if (in->op == OP_CALL || in->op == OP_CALL_INDIRECT) {
            fn->has_call = true;
        }
    }
}

bool
emitfn_body(EmitCtx *e, CWriter *c, uint32_t fidx)
{
    const Module *m = e->m;
    const Func *func = &m->funcs[fidx];
    Fn fn;
    CWriter sig;
    uint32_t i, np;
    size_t mark;
    bool ok = true;
    int k;

    memset(&fn, 0, sizeof fn);
    fn.e = e;
    fn.m = m;
    fn.fidx = fidx;
    fn.ft = func_type(m, func);
    fn.w = &e->scratch;
    e->scratch.len = 0;
    e->scratch.indent = 1;
    if (e->scratch.buf)
        e->scratch.buf[0] = '\0';

    np = fn.ft->nparams;
    fn.nl = np + func->nlocals;
    fn.lnames = arena_array(e->a, fn.nl ? fn.nl : 1, sizeof(char *));
    fn.local_read = arena_array(e->a, fn.nl ? fn.nl : 1, 1);
    fn.ltypes = arena_array(e->a, fn.nl ? fn.nl : 1, sizeof(ValType));
    for (i = 0; i < fn.nl; i++) {
        fn.lnames[i] = local_name(e->a, i, func->local_names);
        fn.ltypes[i] = i < np ? fn.ft->params[i] : func->locals[i - np];
    }

    if (e->may_grow == NULL)
        BUG("emitfn_body before emitfn_plan");
    find_loop_targets(&fn, &func->body);
    scan_body(&fn, &func->body);
    if (e->o->guard && fn.any_view)
        plan_dead_sets(&fn, &func->body);
    /*
     * Calls are counted unless the stack's guard page can stand for the
     * limit (the runtime's fault handler, 64-bit POSIX): not for a
     * library (its host sets limits at run time) nor with an explicit
     * --max-call-depth.
     */
    fn.count_depth = fn.has_call && (!e->o->stack_guard || e->api ||
                                     e->o->max_call_depth != 0);
    push_frame(&fn, FR_FUNC, BLOCK_EMPTY);
    for (i = 0; i < func->body.n && fn.nframes > 0; i++) {
        const Instr *in = &func->body.code[i];
        if (in->op >= OP_COUNT_)
            BUG("bad opcode in emitter");
        if (fn.unreachable) {
            if (in->op == OP_BLOCK || in->op == OP_LOOP ||
                in->op == OP_IF) {
                fn.skip++;
                fn.nblocks++;   /* keep ordinals in step with the scan */
                continue;
            }
            if (in->op == OP_END && fn.skip > 0) {
                fn.skip--;
                continue;
            }
            if (in->op == OP_ELSE && fn.skip > 0)
                continue;
            if (in->op != OP_END && in->op != OP_ELSE)
                continue;
        }
        if (e->o->offsets)
            cw_line(fn.w, "/* @0x%x %s */", (unsigned)in->offset,
                    op_info[in->op].text);
        fn.pc = i;
        if (!emit_instr(&fn, in)) {
            ok = false;
            break;
        }
        if (fn.skip_next) {
            fn.skip_next = false;
            i++;
        }
    }

    if (ok) {
        /* what emission recorded is exact unless a value was dropped */
        if (e->api || fn.discarded)
            scan_names(&fn, e->scratch.buf ? e->scratch.buf : "");
        /* comment, signature, declarations, then the body text */
        cw_printf(c, "/* func %u", (unsigned)fidx);
        if (func->name.len) {
            cw_printf(c, " \"");
            emitfn_comment_str(c, func->name);
            cw_printf(c, "\"");
        }
        cw_printf(c, ": ");
        emitfn_type_text(c, fn.ft);
        cw_printf(c, " */\n%s%s%s\n",
                  e->fn_linkage ? e->fn_linkage : "static ",
                  e->type_cc[func->type], e->type_ret[func->type]);
        cw_init(&sig);
        cw_printf(&sig, "%s(%s_instance *inst", func->cname, e->prefix);
        for (i = 0; i < np; i++) {
            const char *t = emitfn_ctype(fn.ft->params[i]);
            cw_printf(&sig, ", %s%s%s", t,
                      t[strlen(t) - 1] == '*' ? "" : " ", fn.lnames[i]);
        }
        cw_printf(&sig, ")");
        put_wrapped(c, sig.buf);
        cw_free(&sig);
        cw_printf(c, "{\n");
        for (i = np; i < fn.nl; i++) {
            const char *t = emitfn_ctype(fn.ltypes[i]);
            cw_line(c, "    %s%s%s = %s;", t,
                    t[strlen(t) - 1] == '*' ? "" : " ", fn.lnames[i],
                    valtype_is_ref(fn.ltypes[i]) ? "NULL"
                    : fn.ltypes[i] == VT_V128 ? "wrt_v128_make(0, 0)" : "0");
        }
        mark = c->len;
        declare_slots(&fn, c);
        for (i = 0; i < m->nmems; i++) {
            if (!fn.views[i])
                continue;
            cw_line(c, "    u8 *mb%u = %sbase;", (unsigned)i,
                    mem_struct(e, i));
            cw_line(c, "    u64 ms%u = %ssize;", (unsigned)i,
                    mem_struct(e, i));
        }
        if (c->len != mark || fn.nl > np)
            cw_raw(c, "\n", 1);
        /*
         * The public API's C is compiled by its users: no warnings about
         * locals and slots that are only written (a dropped call result).
         */
        for (i = 0; e->api && i < fn.nl; i++)
            if (!fn.local_read[i])
                cw_line(c, "    (void)%s;", fn.lnames[i]);
        for (k = 0; e->api && k < NCLASS; k++)
            for (i = 0; i < fn.used_cap[k]; i++)
                if (fn.used[k][i] == 1)
                    cw_line(c, "    (void)%c%u;", class_letter[k],
                            (unsigned)i);
        /* a function that calls nothing cannot nest calls any deeper */
        if (!fn.count_depth && !fn.any_view &&
            !mentions_inst(e->scratch.buf))
            cw_line(c, "    (void)inst;");
        if (fn.count_depth)
            cw_line(c, "    wrt_enter(&inst->rt, %uu);", (unsigned)fidx);
        if (fn.any_view && e->o->guard)
            cw_line(c, "    inst->rt.func = %uu;", (unsigned)fidx);
        cw_raw(c, e->scratch.buf ? e->scratch.buf : "", e->scratch.len);
        cw_printf(c, "}\n\n");
    }

    free(fn.stack);
    free(fn.pending);
    free(fn.set_dead);
    free(fn.assigned);
    free(fn.pend_list);
    free(fn.pend_flag);
    for (i = 0; i < fn.stack_cap; i++)
        free(fn.lazy[i].text);
    free(fn.lazy);
    free(fn.frames);
    free(fn.loop_target);
    for (k = 0; k < NCLASS; k++)
        free(fn.used[k]);
    return ok;
}
