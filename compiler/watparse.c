/*
 * watparse.c - the WebAssembly text format into a Module (text: modules).
 *
 * The text is lexed into a token array first (watlex.c).  Pass 1 walks the
 * module fields to bind every $id of the module-level index spaces, count
 * each space and read the explicit type definitions; pass 2 walks them
 * again in order and fills the Module exactly as binread.c would from the
 * equivalent binary: imports first in each index space, function index
 * vectors of element segments as ref.func expressions, memarg alignment as
 * its exponent, block types as BLOCK_* values.  Every abbreviation of the
 * text format is expanded here (inline imports/exports/types, folded
 * instructions, inline data and elem, offset shorthands).
 *
 * Type rules are left to validate.c: `(i32.add (f32.const 0))` parses.
 * What the spec calls malformed text (unknown operators, unbound $ids,
 * duplicate ids, mismatching labels, literals out of range, import order)
 * is reported here, located at the offending token.
 *
 * Errors unwind with longjmp to watparse_module: everything allocated lives
 * in arenas, so nothing is leaked by the jump.
 */
#include "watparse.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "binread.h"
#include "bytes.h"
#include "watlex.h"

/* Nesting of folded instructions handled by recursion (implementation
   limit); plain block/loop/if nest on an explicit stack. */
#define MAX_FOLD_DEPTH 2000u

typedef struct NameMap {
    Str *keys;          /* the id with its '$' */
    uint32_t *vals;
    uint32_t cap, n;
} NameMap;

/* One module-level index space. */
typedef struct Space {
    NameMap names;
    uint32_t n;         /* entries counted in pass 1 */
    uint32_t next;      /* next entry to fill in pass 2 */
    const char *what;   /* "func", ... for "duplicate func" */
    const char *unknown;    /* "function", ... for "unknown function" */
} Space;

/* An open block: its label and what may close it. */
typedef struct Label {
    Str id;             /* len 0: no label */
    uint16_t op;        /* OP_BLOCK, OP_LOOP, OP_IF */
    bool plain;         /* opened by a keyword, closed by `end` */
    bool has_else;
} Label;

typedef struct ValVec {
    ValType *v;
    uint32_t n, cap;
} ValVec;

/* A parsed type use: (type x)? (param ...)* (result ...)* */
typedef struct Sig {
    bool has_idx;
    uint32_t idx;
    uint32_t off;
    bool has_inline;
    ValVec params, results;
    Str *names;         /* parallel to params, len 0: unnamed */
    uint32_t namecap;
    bool any_name;
} Sig;

typedef struct Parser {
    Arena *a;           /* the Module's arena */
    Arena *s;           /* scratch: tokens, maps, stacks */
    const uint8_t *src;
    Diag *d;
    jmp_buf jb;

    WatToken *toks;
    uint32_t ntoks, i;
    uint32_t *match;    /* for each '(' the index of its ')' */

    Module *m;
    FuncType *types;
    uint32_t ntypes, typecap;
    Space sp_type, sp_func, sp_table, sp_mem, sp_global, sp_elem, sp_data;
    uint32_t nimports, nexports;
    uint32_t nimp_func, nimp_table, nimp_mem, nimp_global;

    uint16_t optab[1024];   /* hash of mnemonics -> Opcode + 1 */

    /* the expression being parsed */
    Instr *ib;
    uint32_t nib, ibcap;
    Label *labels;
    uint32_t nlabels, labcap;
    NameMap locals;
    uint32_t fold_depth;
} Parser;

#if defined(__GNUC__)
#define NORETURN __attribute__((noreturn))
#else
#define NORETURN
#endif

static void fail(Parser *p, uint32_t off, const char *fmt, ...)
    DIAG_PRINTF(3, 4) NORETURN;

static void
fail(Parser *p, uint32_t off, const char *fmt, ...)
{
    char buf[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    diag_error_at(p->d, off, "%s", buf);
    longjmp(p->jb, 1);
}

/* ---- tokens --------------------------------------------------------- */

static WatToken *
cur(Parser *p)
{
    return &p->toks[p->i];
}

static WatToken *
peek(Parser *p, uint32_t k)
{
    uint32_t j = p->i + k;
    return &p->toks[j < p->ntoks ? j : p->ntoks - 1];
}

static bool
tok_is(Parser *p, const WatToken *t, const char *s)
{
    size_t n = strlen(s);
    return t->kind == WT_KEYWORD && t->len == n &&
           memcmp(p->src + t->off, s, n) == 0;
}

static bool
tok_has_prefix(Parser *p, const WatToken *t, const char *s)
{
    size_t n = strlen(s);
    return t->kind == WT_KEYWORD && t->len >= n &&
           memcmp(p->src + t->off, s, n) == 0;
}

/* Whether the current token opens `(s ...` */
static bool
at_form(Parser *p, const char *s)
{
    return cur(p)->kind == WT_LPAR && tok_is(p, peek(p, 1), s);
}

static Str
tok_str(Parser *p, const WatToken *t)
{
    Str s;
    s.ptr = (const char *)p->src + t->off;
    s.len = t->len;
    return s;
}

/* Words of the text format that are not instructions. */
static const char *const other_keywords[] = {
    "module", "type", "func", "param", "result", "import", "export",
    "table", "memory", "global", "local", "elem", "data", "offset", "item",
    "declare", "start", "mut", "funcref", "externref", "i32", "i64", "f32",
    "f64", "v128", "i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2",
    "then", "else", "end", "extern", "binary", "quote", "inf", "nan",
    "nan:canonical", "nan:arithmetic", NULL
};

/* Relaxed SIMD (Wasm 3.0) mnemonics: <shape>.relaxed_<op> */
static bool
is_relaxed_simd(Parser *p, const WatToken *t)
{
    const uint8_t *s = p->src + t->off;
    uint32_t k;

    for (k = 0; k + 9 <= t->len; k++)
        if (memcmp(s + k, ".relaxed_", 9) == 0)
            return true;
    return false;
}

static int lookup_op(Parser *p, const WatToken *t);

/* Report the current token as out of place, in the spec's words. */
static void unexpected(Parser *p, const char *expected) NORETURN;

static void
unexpected(Parser *p, const char *expected)
{
    WatToken *t = cur(p);
    int n = t->len > 40 ? 40 : (int)t->len;
    char txt[41];
    size_t k;

    /* the token's text, printable ASCII only (strings hold any bytes) */
    for (k = 0; k < (size_t)n; k++) {
        uint8_t c = p->src[t->off + k];
        txt[k] = c >= 0x20 && c < 0x7F ? (char)c : '?';
    }
    txt[n] = '\0';

    switch (t->kind) {
    case WT_EOF:
        fail(p, t->off, "unexpected token: end of input, expected %s",
             expected);
    case WT_RESERVED:
        fail(p, t->off, "unknown operator %.*s", n, txt);
    case WT_KEYWORD:
        if (is_relaxed_simd(p, t))
            fail(p, t->off, "relaxed SIMD is not supported yet (unknown "
                 "operator %.*s)", n, txt);
        for (k = 0; other_keywords[k] != NULL; k++)
            if (tok_is(p, t, other_keywords[k]))
                break;
        /* a word of the language in the wrong place is unexpected; any
           other word is unknown (text: the lexer knows every keyword) */
        if (other_keywords[k] == NULL && lookup_op(p, t) < 0 &&
            !tok_is(p, t, "select") && !tok_has_prefix(p, t, "offset=") &&
            !tok_has_prefix(p, t, "align="))
            fail(p, t->off, "unknown operator %.*s", n, txt);
        break;
    default:
        break;
    }
    fail(p, t->off, "unexpected token %.*s, expected %s", n, txt, expected);
}

static void
expect_rpar(Parser *p)
{
    if (cur(p)->kind != WT_RPAR)
        unexpected(p, "')'");
    p->i++;
}

static void
expect_lpar_kw(Parser *p, const char *kw)
{
    if (!at_form(p, kw)) {
        char e[40];
        snprintf(e, sizeof e, "'(%s'", kw);
        unexpected(p, e);
    }
    p->i += 2;
}

/* Skip from a '(' to just past its ')'. */
static void
skip_form(Parser *p)
{
    p->i = p->match[p->i] + 1;
}

/* ---- names ---------------------------------------------------------- */

static uint32_t
hash_str(Str k)
{
    uint32_t h = 2166136261u, j;

    for (j = 0; j < k.len; j++)
        h = (h ^ (uint8_t)k.ptr[j]) * 16777619u;
    return h;
}

static bool
nm_find(const NameMap *nm, Str k, uint32_t *v)
{
    uint32_t h;

    if (nm->cap == 0)
        return false;
    for (h = hash_str(k) & (nm->cap - 1); nm->keys[h].ptr != NULL;
         h = (h + 1) & (nm->cap - 1)) {
        if (nm->keys[h].len == k.len &&
            memcmp(nm->keys[h].ptr, k.ptr, k.len) == 0) {
            *v = nm->vals[h];
            return true;
        }
    }
    return false;
}

static void
nm_put(NameMap *nm, Str k, uint32_t v)
{
    uint32_t h;

    for (h = hash_str(k) & (nm->cap - 1); nm->keys[h].ptr != NULL;
         h = (h + 1) & (nm->cap - 1))
        ;
    nm->keys[h] = k;
    nm->vals[h] = v;
    nm->n++;
}

/* Bind k to v; false if k is already bound. */
static bool
nm_add(Parser *p, NameMap *nm, Str k, uint32_t v)
{
    uint32_t old;

    if (nm_find(nm, k, &old))
        return false;
    if ((nm->n + 1) * 2 > nm->cap) {
        NameMap g;
        uint32_t j;
        g.cap = nm->cap ? nm->cap * 2 : 16;
        g.n = 0;
        g.keys = arena_array(p->s, g.cap, sizeof *g.keys);
        g.vals = arena_array(p->s, g.cap, sizeof *g.vals);
        for (j = 0; j < nm->cap; j++)
            if (nm->keys[j].ptr != NULL)
                nm_put(&g, nm->keys[j], nm->vals[j]);
        *nm = g;
    }
    nm_put(nm, k, v);
    return true;
}

static void
space_init(Space *sp, const char *what, const char *unknown)
{
    memset(sp, 0, sizeof *sp);
    sp->what = what;
    sp->unknown = unknown;
}

/* Count one more entry of sp, binding the optional $id at the cursor. */
static uint32_t
space_bind(Parser *p, Space *sp)
{
    uint32_t idx = sp->n;

    if (cur(p)->kind == WT_ID) {
        if (!nm_add(p, &sp->names, tok_str(p, cur(p)), idx))
            fail(p, cur(p)->off, "duplicate %s %.*s", sp->what,
                 (int)cur(p)->len, (const char *)p->src + cur(p)->off);
        p->i++;
    }
    if (sp->n == UINT32_MAX)
        fail(p, cur(p)->off, "too many %s entries", sp->what);
    sp->n++;
    return idx;
}

/* The $id at the cursor without its '$' (skipped), or an empty Str. */
static Str
take_id(Parser *p)
{
    Str s = {NULL, 0};

    if (cur(p)->kind == WT_ID) {
        s.ptr = (const char *)p->src + cur(p)->off + 1;
        s.len = cur(p)->len - 1;
        p->i++;
    }
    return s;
}

/* text: u32 literal at the cursor */
static uint32_t
parse_u32(Parser *p, const char *what)
{
    WatToken *t = cur(p);
    uint64_t v = 0;
    WatNum st;

    if (t->kind != WT_NUM)
        unexpected(p, what);
    st = watlex_nat(p->src + t->off, t->len, UINT32_MAX, &v);
    if (st == WNUM_MALFORMED)
        unexpected(p, what);
    if (st == WNUM_RANGE)
        fail(p, t->off, "i32 constant out of range (%s)", what);
    p->i++;
    return (uint32_t)v;
}

/* text: idx ::= u32 | id, in index space sp */
static uint32_t
parse_index(Parser *p, Space *sp)
{
    WatToken *t = cur(p);
    uint32_t v;

    if (t->kind == WT_ID) {
        if (!nm_find(&sp->names, tok_str(p, t), &v))
            fail(p, t->off, "unknown %s %.*s", sp->unknown, (int)t->len,
                 (const char *)p->src + t->off);
        p->i++;
        return v;
    }
    if (t->kind != WT_NUM) {
        char e[64];
        snprintf(e, sizeof e, "a %s index", sp->unknown);
        unexpected(p, e);
    }
    return parse_u32(p, "index");
}

static bool
is_index(Parser *p)
{
    return cur(p)->kind == WT_ID || cur(p)->kind == WT_NUM;
}

/*
 * text: string.  Points into the source when the string has no escapes,
 * else decodes into the module arena.
 */
static void
parse_string(Parser *p, const uint8_t **bytes, uint32_t *len)
{
    WatToken *t = cur(p);
    const uint8_t *txt = p->src + t->off;
    uint8_t *out;

    if (t->kind != WT_STRING)
        unexpected(p, "a string");
    if (memchr(txt, '\\', t->len) == NULL) {
        *bytes = txt + 1;
        *len = t->len - 2;
    } else {
        out = arena_alloc(p->a, t->len);
        *len = (uint32_t)watlex_string(txt, t->len, out);
        *bytes = out;
    }
    p->i++;
}

/* text: name, a string that must be valid UTF-8 */
static Str
parse_name(Parser *p)
{
    uint32_t off = cur(p)->off;
    const uint8_t *b;
    uint32_t n;
    Str s;

    parse_string(p, &b, &n);
    if (!bytes_utf8_valid(b, n))
        fail(p, off, "malformed UTF-8 encoding in name");
    s.ptr = (const char *)b;
    s.len = n;
    return s;
}

/* ---- types ---------------------------------------------------------- */

static void
vv_push(Parser *p, ValVec *vv, ValType t)
{
    if (vv->n == vv->cap) {
        uint32_t cap = vv->cap ? vv->cap * 2 : 8;
        ValType *nb = arena_array(p->s, cap, sizeof *nb);
        if (vv->n > 0)
            memcpy(nb, vv->v, vv->n * sizeof *nb);
        vv->v = nb;
        vv->cap = cap;
    }
    vv->v[vv->n++] = t;
}

static bool
try_valtype(Parser *p, ValType *out)
{
    static const struct { const char *s; ValType t; } vts[] = {
        {"i32", VT_I32}, {"i64", VT_I64}, {"f32", VT_F32}, {"f64", VT_F64},
        {"v128", VT_V128}, {"funcref", VT_FUNCREF},
        {"externref", VT_EXTERNREF}
    };
    size_t k;

    for (k = 0; k < sizeof vts / sizeof vts[0]; k++)
        if (tok_is(p, cur(p), vts[k].s)) {
            *out = vts[k].t;
            p->i++;
            return true;
        }
    return false;
}

/* text: valtype */
static ValType
parse_valtype(Parser *p)
{
    ValType t;

    if (!try_valtype(p, &t))
        unexpected(p, "a value type");
    return t;
}

/* text: reftype */
static ValType
parse_reftype(Parser *p)
{
    if (tok_is(p, cur(p), "funcref")) {
        p->i++;
        return VT_FUNCREF;
    }
    if (tok_is(p, cur(p), "externref")) {
        p->i++;
        return VT_EXTERNREF;
    }
    unexpected(p, "funcref or externref");
}

static void
sig_name(Parser *p, Sig *s, Str name)
{
    if (s->params.n >= s->namecap) {
        uint32_t cap = s->namecap ? s->namecap * 2 : 8;
        Str *nb = arena_array(p->s, cap, sizeof *nb);
        if (s->namecap > 0)
            memcpy(nb, s->names, s->namecap * sizeof *nb);
        s->names = nb;
        s->namecap = cap;
    }
    s->names[s->params.n] = name;
}

/*
 * text: typeuse ::= (type x)? (param ...)* (result ...)*.  names_ok says
 * whether parameters may carry ids (functions) or not (blocks,
 * call_indirect: "unexpected token").
 */
static void
parse_sig(Parser *p, Sig *s, bool names_ok)
{
    memset(s, 0, sizeof *s);
    s->off = cur(p)->off;
    if (at_form(p, "type")) {
        p->i += 2;
        s->idx = parse_index(p, &p->sp_type);
        s->has_idx = true;
        expect_rpar(p);
    }
    while (at_form(p, "param")) {
        p->i += 2;
        s->has_inline = true;
        if (cur(p)->kind == WT_ID) {
            Str id = tok_str(p, cur(p));
            if (!names_ok)
                unexpected(p, "a value type");
            p->i++;
            sig_name(p, s, id);
            vv_push(p, &s->params, parse_valtype(p));
            s->any_name = true;
        } else {
            while (cur(p)->kind != WT_RPAR) {
                Str none = {NULL, 0};
                sig_name(p, s, none);
                vv_push(p, &s->params, parse_valtype(p));
            }
        }
        expect_rpar(p);
    }
    while (at_form(p, "result")) {
        p->i += 2;
        s->has_inline = true;
        while (cur(p)->kind != WT_RPAR)
            vv_push(p, &s->results, parse_valtype(p));
        expect_rpar(p);
    }
    /* the parts come in this order only */
    if (at_form(p, "type") || at_form(p, "param"))
        unexpected(p, "an instruction");
}

static bool
same_type(const FuncType *ft, const ValVec *pa, const ValVec *re)
{
    return ft->nparams == pa->n && ft->nresults == re->n &&
           (pa->n == 0 ||
            memcmp(ft->params, pa->v, pa->n * sizeof(ValType)) == 0) &&
           (re->n == 0 ||
            memcmp(ft->results, re->v, re->n * sizeof(ValType)) == 0);
}

static uint32_t
add_type(Parser *p, const ValVec *pa, const ValVec *re)
{
    FuncType *ft;

    if (p->ntypes == p->typecap) {
        uint32_t cap = p->typecap ? p->typecap * 2 : 16;
        FuncType *nb = arena_array(p->a, cap, sizeof *nb);
        if (p->ntypes > 0)
            memcpy(nb, p->types, p->ntypes * sizeof *nb);
        p->types = nb;
        p->typecap = cap;
    }
    ft = &p->types[p->ntypes];
    ft->nparams = pa->n;
    ft->params = arena_array(p->a, pa->n, sizeof(ValType));
    if (pa->n > 0)
        memcpy(ft->params, pa->v, pa->n * sizeof(ValType));
    ft->nresults = re->n;
    ft->results = arena_array(p->a, re->n, sizeof(ValType));
    if (re->n > 0)
        memcpy(ft->results, re->v, re->n * sizeof(ValType));
    return p->ntypes++;
}

/*
 * The type index of a type use.  An explicit index must agree with any
 * inline signature ("inline function type"); without one, the first
 * matching type is used, else a new type is appended (text: abbreviations
 * of typeuse).  check_range: the index must exist here; otherwise an
 * unknown index is left to the validator ("unknown type").
 */
static uint32_t
resolve_sig(Parser *p, const Sig *s, bool check_range)
{
    uint32_t k;

    if (s->has_idx) {
        if (s->idx >= p->ntypes) {
            /* an inline signature cannot be checked against it */
            if (check_range || s->has_inline)
                fail(p, s->off, "unknown type %u", s->idx);
            return s->idx;
        }
        if (s->has_inline &&
            !same_type(&p->types[s->idx], &s->params, &s->results))
            fail(p, s->off, "inline function type does not match type %u",
                 s->idx);
        return s->idx;
    }
    for (k = 0; k < p->ntypes; k++)
        if (same_type(&p->types[k], &s->params, &s->results))
            return k;
    return add_type(p, &s->params, &s->results);
}

/* ---- instructions --------------------------------------------------- */

static uint32_t
hash_text(const uint8_t *s, size_t n)
{
    uint32_t h = 2166136261u;
    size_t j;

    for (j = 0; j < n; j++)
        h = (h ^ s[j]) * 16777619u;
    return h;
}

static void
build_optab(Parser *p)
{
    uint32_t j, h, mask = sizeof p->optab / sizeof p->optab[0] - 1;

    for (j = 0; j < OP_COUNT_; j++) {
        const char *t = op_info[j].text;
        if (j == OP_SELECT_T)
            continue;   /* `select` with a (result) is decided by parsing */
        h = hash_text((const uint8_t *)t, strlen(t)) & mask;
        while (p->optab[h] != 0)
            h = (h + 1) & mask;
        p->optab[h] = (uint16_t)(j + 1);
    }
}

/* Opcode of the keyword token t, or -1. */
static int
lookup_op(Parser *p, const WatToken *t)
{
    uint32_t mask = sizeof p->optab / sizeof p->optab[0] - 1;
    uint32_t h = hash_text(p->src + t->off, t->len) & mask;

    if (t->kind != WT_KEYWORD)
        return -1;
    for (; p->optab[h] != 0; h = (h + 1) & mask) {
        const char *txt = op_info[p->optab[h] - 1].text;
        if (strlen(txt) == t->len && memcmp(txt, p->src + t->off, t->len) == 0)
            return p->optab[h] - 1;
    }
    return -1;
}

static Instr *
emit(Parser *p, uint16_t op, uint32_t off)
{
    Instr *in;

    if (p->nib == p->ibcap) {
        uint32_t cap = p->ibcap ? p->ibcap * 2 : 256;
        Instr *nb = arena_array(p->s, cap, sizeof *nb);
        if (p->nib > 0)
            memcpy(nb, p->ib, p->nib * sizeof *nb);
        p->ib = nb;
        p->ibcap = cap;
    }
    in = &p->ib[p->nib++];
    memset(in, 0, sizeof *in);
    in->op = op;
    in->offset = off;
    return in;
}

static void
push_label(Parser *p, Str id, uint16_t op, bool plain)
{
    Label *l;

    if (p->nlabels == p->labcap) {
        uint32_t cap = p->labcap ? p->labcap * 2 : 32;
        Label *nb = arena_array(p->s, cap, sizeof *nb);
        if (p->nlabels > 0)
            memcpy(nb, p->labels, p->nlabels * sizeof *nb);
        p->labels = nb;
        p->labcap = cap;
    }
    l = &p->labels[p->nlabels++];
    l->id = id;
    l->op = op;
    l->plain = plain;
    l->has_else = false;
}

/* An optional $label after block/loop/if (the id is kept with its '$'). */
static Str
parse_label_decl(Parser *p)
{
    Str s = {NULL, 0};

    if (cur(p)->kind == WT_ID) {
        s = tok_str(p, cur(p));
        p->i++;
    }
    return s;
}

/* An optional $label after end/else, which must repeat the block's. */
static void
check_end_label(Parser *p, const Label *l)
{
    WatToken *t = cur(p);

    if (t->kind != WT_ID)
        return;
    if (l->id.len != t->len || memcmp(l->id.ptr, p->src + t->off, t->len))
        fail(p, t->off, "mismatching label %.*s", (int)t->len,
             (const char *)p->src + t->off);
    p->i++;
}

/* text: labelidx, relative depth of a $label or a number */
static uint32_t
parse_labelidx(Parser *p)
{
    WatToken *t = cur(p);
    uint32_t k;

    if (t->kind == WT_ID) {
        for (k = p->nlabels; k > 0; k--) {
            Str id = p->labels[k - 1].id;
            if (id.len == t->len && memcmp(id.ptr, p->src + t->off, t->len)
                == 0) {
                p->i++;
                return p->nlabels - k;
            }
        }
        fail(p, t->off, "unknown label %.*s", (int)t->len,
             (const char *)p->src + t->off);
    }
    return parse_u32(p, "a label");
}

/*
 * text: blocktype.  No type index and at most one result: the inline
 * forms; otherwise a type index (explicit, or the type use's implicit one).
 */
static int64_t
parse_blocktype(Parser *p)
{
    Sig s;

    const FuncType *ft;
    uint32_t idx;

    parse_sig(p, &s, false);
    if (!s.has_idx && s.params.n == 0 && s.results.n <= 1)
        return s.results.n == 0 ? BLOCK_EMPTY : (int64_t)s.results.v[0];
    idx = resolve_sig(p, &s, false);
    /* a type index whose type has one of the inline forms is encoded in
       that shorter form, as the usual encoders do */
    ft = idx < p->ntypes ? &p->types[idx] : NULL;
    if (ft != NULL && ft->nparams == 0 && ft->nresults <= 1)
        return ft->nresults == 0 ? BLOCK_EMPTY : (int64_t)ft->results[0];
    return BLOCK_TYPEIDX(idx);
}

/* Natural alignment exponent of a memory instruction (default align). */
static uint32_t
natural_align(uint16_t op)
{
    switch (op) {
    case OP_I32_LOAD8_S: case OP_I32_LOAD8_U: case OP_I64_LOAD8_S:
    case OP_I64_LOAD8_U: case OP_I32_STORE8: case OP_I64_STORE8:
        return 0;
    case OP_I32_LOAD16_S: case OP_I32_LOAD16_U: case OP_I64_LOAD16_S:
    case OP_I64_LOAD16_U: case OP_I32_STORE16: case OP_I64_STORE16:
        return 1;
    case OP_I64_LOAD: case OP_F64_LOAD: case OP_I64_STORE: case OP_F64_STORE:
        return 3;
    /* SIMD: the width of the access, not of the vector */
    case OP_V128_LOAD8_SPLAT: case OP_V128_LOAD8_LANE:
    case OP_V128_STORE8_LANE:
        return 0;
    case OP_V128_LOAD16_SPLAT: case OP_V128_LOAD16_LANE:
    case OP_V128_STORE16_LANE:
        return 1;
    case OP_V128_LOAD8X8_S: case OP_V128_LOAD8X8_U: case OP_V128_LOAD16X4_S:
    case OP_V128_LOAD16X4_U: case OP_V128_LOAD32X2_S: case OP_V128_LOAD32X2_U:
    case OP_V128_LOAD64_SPLAT: case OP_V128_LOAD64_ZERO:
    case OP_V128_LOAD64_LANE: case OP_V128_STORE64_LANE:
        return 3;
    case OP_V128_LOAD: case OP_V128_STORE:
        return 4;
    default:
        return 2;
    }
}

/* text: memarg ::= ('offset=' u32)? ('align=' u32)? */
static void
parse_memarg(Parser *p, Instr *in)
{
    WatToken *t = cur(p);
    uint64_t v;
    uint32_t k;
    WatNum st;

    in->imm.mem.align = natural_align(in->op);
    in->imm.mem.offset = 0;
    in->imm.mem.mem = 0;
    if (tok_has_prefix(p, t, "offset=")) {
        st = watlex_nat(p->src + t->off + 7, t->len - 7, UINT32_MAX, &v);
        if (st == WNUM_MALFORMED)
            fail(p, t->off, "unknown operator %.*s (malformed offset)",
                 (int)t->len, (const char *)p->src + t->off);
        if (st == WNUM_RANGE)
            fail(p, t->off, "i32 constant out of range (memory offset)");
        in->imm.mem.offset = v;
        p->i++;
        t = cur(p);
    }
    if (tok_has_prefix(p, t, "align=")) {
        st = watlex_nat(p->src + t->off + 6, t->len - 6, UINT32_MAX, &v);
        if (st == WNUM_MALFORMED)
            fail(p, t->off, "unknown operator %.*s (malformed alignment)",
                 (int)t->len, (const char *)p->src + t->off);
        if (st == WNUM_RANGE)
            fail(p, t->off, "i32 constant out of range (alignment)");
        if (v == 0 || (v & (v - 1)) != 0)
            fail(p, t->off, "alignment must be a power of two (align=%llu)",
                 (unsigned long long)v);
        for (k = 0; ((uint64_t)1 << k) != v; k++)
            ;
        in->imm.mem.align = k;
        p->i++;
    }
}

static void
parse_const(Parser *p, Instr *in)
{
    WatToken *t = cur(p);
    WatNum st;
    uint64_t v = 0;
    uint32_t f = 0;
    const char *what;

    if (t->kind != WT_NUM && t->kind != WT_KEYWORD)
        unexpected(p, "a number");
    switch (in->op) {
    case OP_I32_CONST:
        what = "i32 constant";
        st = t->kind == WT_NUM ? watlex_int(p->src + t->off, t->len, 32, &v)
                               : WNUM_MALFORMED;
        in->imm.i32 = (uint32_t)v;
        break;
    case OP_I64_CONST:
        what = "i64 constant";
        st = t->kind == WT_NUM ? watlex_int(p->src + t->off, t->len, 64, &v)
                               : WNUM_MALFORMED;
        in->imm.i64 = v;
        break;
    case OP_F32_CONST:
        what = "f32 constant";
        st = watlex_f32(p->src + t->off, t->len, &f);
        in->imm.f32 = f;
        break;
    default:
        what = "f64 constant";
        st = watlex_f64(p->src + t->off, t->len, &v);
        in->imm.f64 = v;
        break;
    }
    if (st == WNUM_MALFORMED)
        unexpected(p, what);
    if (st == WNUM_RANGE)
        fail(p, t->off, "constant out of range (%s %.*s)", what,
             (int)(t->len > 40 ? 40 : t->len),
             (const char *)p->src + t->off);
    p->i++;
}

/*
 * A token that is meant as a number: what v128.const and i8x16.shuffle
 * count as their literals, well-formed or not.
 */
static bool
is_literal_like(Parser *p, const WatToken *t)
{
    return t->kind == WT_NUM || t->kind == WT_RESERVED ||
           tok_has_prefix(p, t, "nan") || tok_has_prefix(p, t, "inf");
}

/*
 * text: v128.const shape lit*, the cursor after the mnemonic.  The number
 * of literals is checked first ("wrong number of lane literals"), then
 * each literal with its lane's range ("constant out of range").
 */
static void
parse_v128_const(Parser *p, Instr *in)
{
    WatToken *t = cur(p);
    WatShape shape;
    unsigned lanes, k, n;
    WatNum st;

    if (t->kind != WT_KEYWORD ||
        !watlex_shape(p->src + t->off, t->len, &shape, &lanes))
        unexpected(p, "a vector shape (i8x16, i16x8, i32x4, i64x2, f32x4 "
                   "or f64x2)");
    p->i++;
    for (n = 0; is_literal_like(p, peek(p, n)); n++)
        ;
    if (n != lanes)
        fail(p, t->off, "wrong number of lane literals: %.*s takes %u, "
             "found %u", (int)t->len, (const char *)p->src + t->off, lanes,
             n);
    for (k = 0; k < lanes; k++) {
        WatToken *l = cur(p);
        st = watlex_lane(shape, k, p->src + l->off, l->len, in->imm.v128);
        if (st == WNUM_MALFORMED)
            unexpected(p, "a lane literal");
        if (st == WNUM_RANGE)
            fail(p, l->off, "constant out of range (lane %u of v128.const "
                 "%.*s)", k, (int)t->len, (const char *)p->src + t->off);
        p->i++;
    }
}

/*
 * A lane index of the text format: a u8 literal, no sign.  The bound that
 * depends on the shape is a validation rule ("invalid lane index").
 */
static uint8_t
parse_laneidx(Parser *p)
{
    WatToken *t = cur(p);
    uint64_t v = 0;

    if (t->kind != WT_NUM ||
        watlex_nat(p->src + t->off, t->len, UINT64_MAX, &v) ==
        WNUM_MALFORMED) {
        if (t->kind == WT_NUM || t->kind == WT_RESERVED ||
            t->kind == WT_KEYWORD)
            fail(p, t->off, "unexpected token %.*s, expected a lane index",
                 (int)(t->len > 40 ? 40 : t->len),
                 (const char *)p->src + t->off);
        unexpected(p, "a lane index");
    }
    if (watlex_nat(p->src + t->off, t->len, 255, &v) != WNUM_OK)
        fail(p, t->off, "malformed lane index %.*s (a lane index is a "
             "byte)", (int)(t->len > 40 ? 40 : t->len),
             (const char *)p->src + t->off);
    p->i++;
    return (uint8_t)v;
}

/*
 * text: i8x16.shuffle laneidx^16.  Exactly 16 literals ("invalid lane
 * length"), each a byte ("malformed lane index"); that they are below 32
 * is validation.
 */
static void
parse_shuffle(Parser *p, Instr *in)
{
    uint32_t n, k;
    uint64_t v;

    for (n = 0; is_literal_like(p, peek(p, n)); n++)
        ;
    if (n != 16)
        fail(p, in->offset, "invalid lane length: i8x16.shuffle takes 16 "
             "lane indices, found %u", n);
    for (k = 0; k < 16; k++) {
        WatToken *t = cur(p);
        if (t->kind != WT_NUM ||
            watlex_nat(p->src + t->off, t->len, 255, &v) != WNUM_OK)
            fail(p, t->off, "malformed lane index %.*s in i8x16.shuffle",
                 (int)(t->len > 40 ? 40 : t->len),
                 (const char *)p->src + t->off);
        in->imm.v128[k] = (uint8_t)v;
        p->i++;
    }
}

/* A local index: number or a $id bound by params and locals. */
static uint32_t
parse_localidx(Parser *p)
{
    WatToken *t = cur(p);
    uint32_t v;

    if (t->kind == WT_ID) {
        if (!nm_find(&p->locals, tok_str(p, t), &v))
            fail(p, t->off, "unknown local %.*s", (int)t->len,
                 (const char *)p->src + t->off);
        p->i++;
        return v;
    }
    return parse_u32(p, "a local index");
}

/*
 * The immediates of a non-block instruction (text: instructions), the
 * cursor just past its mnemonic.  Fills *in; emits nothing.
 */
static void
parse_immediates(Parser *p, Instr *in)
{
    Sig s;
    uint32_t n, cap, *tg;

    switch (op_info[in->op].imm) {
    case IMM_NONE:
        if (in->op == OP_SELECT && at_form(p, "result")) {
            /* select (result t)*: the typed form, exactly one type valid */
            ValVec vv;
            memset(&vv, 0, sizeof vv);
            while (at_form(p, "result")) {
                p->i += 2;
                while (cur(p)->kind != WT_RPAR)
                    vv_push(p, &vv, parse_valtype(p));
                expect_rpar(p);
            }
            in->op = OP_SELECT_T;
            in->imm.type = vv.n == 1 ? vv.v[0] : VT_NONE;
        }
        break;
    case IMM_LABEL:
        in->imm.idx = parse_labelidx(p);
        break;
    case IMM_BR_TABLE:
        n = 0;
        cap = 8;
        tg = arena_array(p->a, cap, sizeof *tg);
        while (is_index(p)) {
            if (n == cap) {
                uint32_t *nb = arena_array(p->a, cap * 2, sizeof *nb);
                memcpy(nb, tg, n * sizeof *nb);
                tg = nb;
                cap *= 2;
            }
            tg[n++] = parse_labelidx(p);
        }
        if (n == 0)
            unexpected(p, "a label");
        in->imm.br_table.targets = tg;
        in->imm.br_table.n = n - 1;
        break;
    case IMM_FUNC:
        in->imm.idx = parse_index(p, &p->sp_func);
        break;
    case IMM_LOCAL:
        in->imm.idx = parse_localidx(p);
        break;
    case IMM_GLOBAL:
        in->imm.idx = parse_index(p, &p->sp_global);
        break;
    case IMM_TABLE:
        in->imm.idx = is_index(p) ? parse_index(p, &p->sp_table) : 0;
        break;
    case IMM_ELEM:
        in->imm.idx = parse_index(p, &p->sp_elem);
        break;
    case IMM_DATA:
        in->imm.idx = parse_index(p, &p->sp_data);
        break;
    case IMM_CALL_INDIRECT:
        in->imm.idx2.b = is_index(p) ? parse_index(p, &p->sp_table) : 0;
        parse_sig(p, &s, false);
        in->imm.idx2.a = resolve_sig(p, &s, false);
        break;
    case IMM_MEMARG:
        parse_memarg(p, in);
        break;
    case IMM_MEMARG_LANE:
        parse_memarg(p, in);
        in->imm.mem.lane = parse_laneidx(p);
        break;
    case IMM_LANE:
        in->imm.idx = parse_laneidx(p);
        break;
    case IMM_V128:
        parse_v128_const(p, in);
        break;
    case IMM_SHUFFLE:
        parse_shuffle(p, in);
        break;
    case IMM_MEM:
        in->imm.idx = 0;
        break;
    case IMM_I32: case IMM_I64: case IMM_F32: case IMM_F64:
        parse_const(p, in);
        break;
    case IMM_REFTYPE:
        if (tok_is(p, cur(p), "func")) {
            in->imm.type = VT_FUNCREF;
        } else if (tok_is(p, cur(p), "extern")) {
            in->imm.type = VT_EXTERNREF;
        } else {
            unexpected(p, "func or extern");
        }
        p->i++;
        break;
    case IMM_MEMORY_INIT:
        in->imm.idx2.a = parse_index(p, &p->sp_data);
        in->imm.idx2.b = 0;
        break;
    case IMM_MEMORY_COPY:
        in->imm.idx2.a = in->imm.idx2.b = 0;
        break;
    case IMM_TABLE_INIT:
        /* table.init x? y: one index is the element segment */
        if (is_index(p) && (peek(p, 1)->kind == WT_ID ||
                            peek(p, 1)->kind == WT_NUM)) {
            in->imm.idx2.b = parse_index(p, &p->sp_table);
            in->imm.idx2.a = parse_index(p, &p->sp_elem);
        } else {
            in->imm.idx2.b = 0;
            in->imm.idx2.a = parse_index(p, &p->sp_elem);
        }
        break;
    case IMM_TABLE_COPY:
        if (is_index(p)) {
            in->imm.idx2.a = parse_index(p, &p->sp_table);
            in->imm.idx2.b = parse_index(p, &p->sp_table);
        } else {
            in->imm.idx2.a = in->imm.idx2.b = 0;
        }
        break;
    default:
        BUG("watparse: immediate kind without a parser");
    }
}

/* Mnemonic at the cursor to an opcode, or the spec's error. */
static uint16_t
parse_opcode(Parser *p)
{
    int op = lookup_op(p, cur(p));

    if (op < 0)
        unexpected(p, "an instruction");
    p->i++;
    return (uint16_t)op;
}

static void parse_instrs(Parser *p);

/* A plain block/loop/if header at the cursor (mnemonic already seen). */
static void
open_plain(Parser *p, uint16_t op, uint32_t off)
{
    Str label;
    int64_t bt;

    p->i++;
    label = parse_label_decl(p);
    bt = parse_blocktype(p);
    emit(p, op, off)->imm.block = bt;
    push_label(p, label, op, true);
}

/*
 * text: foldedinstr at a '('.  Operands come before the instruction;
 * (if ...) evaluates its condition operands before the `if`.
 */
static void
parse_folded(Parser *p)
{
    uint32_t open = cur(p)->off, off;
    WatToken *t;
    Instr in;

    if (++p->fold_depth > MAX_FOLD_DEPTH)
        fail(p, open, "folded instructions nested deeper than the "
             "implementation limit of %u", MAX_FOLD_DEPTH);
    p->i++;
    t = cur(p);
    off = t->off;
    if (tok_is(p, t, "block") || tok_is(p, t, "loop")) {
        uint16_t op = tok_is(p, t, "block") ? OP_BLOCK : OP_LOOP;
        Str label;
        int64_t bt;
        p->i++;
        label = parse_label_decl(p);
        bt = parse_blocktype(p);
        emit(p, op, off)->imm.block = bt;
        push_label(p, label, op, false);
        parse_instrs(p);
        p->nlabels--;
        emit(p, OP_END, cur(p)->off);
        expect_rpar(p);
    } else if (tok_is(p, t, "if")) {
        Str label;
        int64_t bt;
        p->i++;
        label = parse_label_decl(p);
        bt = parse_blocktype(p);
        while (cur(p)->kind == WT_LPAR && !at_form(p, "then"))
            parse_folded(p);
        emit(p, OP_IF, off)->imm.block = bt;
        push_label(p, label, OP_IF, false);
        expect_lpar_kw(p, "then");
        parse_instrs(p);
        expect_rpar(p);
        if (at_form(p, "else")) {
            emit(p, OP_ELSE, cur(p)->off);
            p->i += 2;
            parse_instrs(p);
            expect_rpar(p);
        }
        p->nlabels--;
        emit(p, OP_END, cur(p)->off);
        expect_rpar(p);
    } else {
        memset(&in, 0, sizeof in);
        in.op = parse_opcode(p);
        in.offset = off;
        parse_immediates(p, &in);
        while (cur(p)->kind == WT_LPAR)
            parse_folded(p);
        *emit(p, in.op, off) = in;
        expect_rpar(p);
    }
    p->fold_depth--;
}

/*
 * text: instr*, up to a ')' (or end of input) at this level.  Plain
 * block/loop/if are opened and closed here on the label stack, so their
 * nesting costs no recursion; `end`/`else` with no plain block open here
 * end the sequence and are left to the caller to reject.
 */
static void
parse_instrs(Parser *p)
{
    uint32_t base = p->nlabels;

    for (;;) {
        WatToken *t = cur(p);
        Label *top = p->nlabels > base ? &p->labels[p->nlabels - 1] : NULL;

        if (t->kind == WT_LPAR) {
            parse_folded(p);
        } else if (tok_is(p, t, "end")) {
            if (top == NULL)
                return;
            emit(p, OP_END, t->off);
            p->i++;
            check_end_label(p, top);
            p->nlabels--;
        } else if (tok_is(p, t, "else")) {
            if (top == NULL)
                return;
            if (top->op != OP_IF || top->has_else)
                unexpected(p, "an instruction or end");
            emit(p, OP_ELSE, t->off);
            top->has_else = true;
            p->i++;
            check_end_label(p, top);
        } else if (tok_is(p, t, "block")) {
            open_plain(p, OP_BLOCK, t->off);
        } else if (tok_is(p, t, "loop")) {
            open_plain(p, OP_LOOP, t->off);
        } else if (tok_is(p, t, "if")) {
            open_plain(p, OP_IF, t->off);
        } else if (t->kind == WT_KEYWORD || t->kind == WT_RESERVED) {
            Instr in;
            memset(&in, 0, sizeof in);
            in.offset = t->off;
            in.op = parse_opcode(p);
            parse_immediates(p, &in);
            *emit(p, in.op, in.offset) = in;
        } else if (t->kind == WT_RPAR || t->kind == WT_EOF) {
            if (top != NULL)
                unexpected(p, "end");
            return;
        } else {
            unexpected(p, "an instruction");
        }
    }
}

/* The instructions collected since the start of the expression, with a
   final END at off, as an Expr in the module arena. */
static Expr
finish_expr(Parser *p, uint32_t off)
{
    Expr e;

    emit(p, OP_END, off);
    e.n = p->nib;
    e.code = arena_array(p->a, p->nib, sizeof(Instr));
    memcpy(e.code, p->ib, p->nib * sizeof(Instr));
    p->nib = 0;
    return e;
}

/* text: expr up to the closing ')' of the enclosing form (not consumed),
   outside any function: no locals, no labels. */
static Expr
parse_const_expr(Parser *p)
{
    NameMap none;

    memset(&none, 0, sizeof none);
    p->locals = none;
    p->nlabels = 0;
    p->nib = 0;
    parse_instrs(p);
    if (cur(p)->kind != WT_RPAR)
        unexpected(p, "')'");
    return finish_expr(p, cur(p)->off);
}

/*
 * An offset: (offset instr*) or the abbreviation of one folded
 * instruction.  Consumes the form.
 */
static Expr
parse_offset(Parser *p)
{
    Expr e;

    if (at_form(p, "offset")) {
        p->i += 2;
        e = parse_const_expr(p);
        expect_rpar(p);
        return e;
    }
    if (cur(p)->kind != WT_LPAR)
        unexpected(p, "an offset");
    p->nib = 0;
    p->nlabels = 0;
    memset(&p->locals, 0, sizeof p->locals);
    parse_folded(p);
    return finish_expr(p, cur(p)->off);
}

/* ---- module fields, pass 1 ------------------------------------------ */

enum { DEF_NONE, DEF_FUNC, DEF_TABLE, DEF_MEMORY, DEF_GLOBAL };

static const char *const def_names[] = {
    "", "function", "table", "memory", "global"
};

/* text: type ::= (type id? (func (param ...)* (result ...)*)) */
static void
parse_type_field(Parser *p)
{
    Sig s;
    uint32_t off;

    space_bind(p, &p->sp_type);
    off = cur(p)->off;
    expect_lpar_kw(p, "func");
    parse_sig(p, &s, true);
    if (s.has_idx)
        fail(p, off, "unexpected token (type) in a type definition");
    expect_rpar(p);
    expect_rpar(p);
    add_type(p, &s.params, &s.results);
}

/* Skip inline (export ...) forms, counting them. */
static void
skip_exports(Parser *p)
{
    while (at_form(p, "export")) {
        p->nexports++;
        skip_form(p);
    }
}

/*
 * Pass 1 over the fields in toks[first..last): bind ids, count entries,
 * read explicit types, check that imports precede definitions.
 */
static void
scan_fields(Parser *p, uint32_t first, uint32_t last)
{
    int first_def = DEF_NONE;

    p->i = first;
    while (p->i < last) {
        uint32_t start = p->i, end;
        WatToken *kw;
        int kind = DEF_NONE;
        bool is_import = false;

        if (cur(p)->kind != WT_LPAR)
            unexpected(p, "a module field");
        end = p->match[start];
        kw = peek(p, 1);
        p->i += 2;
        if (tok_is(p, kw, "type")) {
            parse_type_field(p);
        } else if (tok_is(p, kw, "func") || tok_is(p, kw, "table") ||
                   tok_is(p, kw, "memory") || tok_is(p, kw, "global")) {
            Space *sp;
            kind = tok_is(p, kw, "func") ? DEF_FUNC
                 : tok_is(p, kw, "table") ? DEF_TABLE
                 : tok_is(p, kw, "memory") ? DEF_MEMORY : DEF_GLOBAL;
            sp = kind == DEF_FUNC ? &p->sp_func : kind == DEF_TABLE
                 ? &p->sp_table : kind == DEF_MEMORY ? &p->sp_mem
                 : &p->sp_global;
            space_bind(p, sp);
            skip_exports(p);
            if (at_form(p, "import")) {
                is_import = true;
            } else if (kind == DEF_MEMORY && at_form(p, "data")) {
                p->sp_data.n++;
            } else if (kind == DEF_TABLE &&
                       (tok_is(p, cur(p), "funcref") ||
                        tok_is(p, cur(p), "externref")) &&
                       tok_is(p, peek(p, 2), "elem") &&
                       peek(p, 1)->kind == WT_LPAR) {
                p->sp_elem.n++;
            }
        } else if (tok_is(p, kw, "import")) {
            WatToken *k;
            is_import = true;
            if (cur(p)->kind != WT_STRING)
                unexpected(p, "a module name");
            p->i++;
            if (cur(p)->kind != WT_STRING)
                unexpected(p, "an import name");
            p->i++;
            if (cur(p)->kind != WT_LPAR)
                unexpected(p, "an import description");
            k = peek(p, 1);
            p->i += 2;
            if (tok_is(p, k, "func"))
                space_bind(p, &p->sp_func);
            else if (tok_is(p, k, "table"))
                space_bind(p, &p->sp_table);
            else if (tok_is(p, k, "memory"))
                space_bind(p, &p->sp_mem);
            else if (tok_is(p, k, "global"))
                space_bind(p, &p->sp_global);
            else {
                p->i--;
                unexpected(p, "func, table, memory or global");
            }
        } else if (tok_is(p, kw, "elem")) {
            space_bind(p, &p->sp_elem);
        } else if (tok_is(p, kw, "data")) {
            space_bind(p, &p->sp_data);
        } else if (tok_is(p, kw, "export")) {
            p->nexports++;
        } else if (!tok_is(p, kw, "start")) {
            p->i--;
            unexpected(p, "a module field");
        }
        if (is_import) {
            if (first_def != DEF_NONE)
                fail(p, p->toks[start].off, "import after %s",
                     def_names[first_def]);
            p->nimports++;
        } else if (kind != DEF_NONE && first_def == DEF_NONE) {
            first_def = kind;
        }
        p->i = end + 1;
    }
}

/* ---- module fields, pass 2 ------------------------------------------ */

static void
add_export(Parser *p, Str name, ExternKind kind, uint32_t idx, uint32_t off)
{
    Export *ex = &p->m->exports[p->m->nexports++];

    ex->name = name;
    ex->kind = kind;
    ex->index = idx;
    ex->offset = off;
}

/* Inline (export "name")* for entity idx of kind. */
static void
inline_exports(Parser *p, ExternKind kind, uint32_t idx)
{
    while (at_form(p, "export")) {
        uint32_t off = cur(p)->off;
        Str name;
        p->i += 2;
        name = parse_name(p);
        expect_rpar(p);
        add_export(p, name, kind, idx, off);
    }
}

/* An import of kind, entity idx; the cursor is at the module name. */
static void
add_import(Parser *p, ExternKind kind, uint32_t idx, uint32_t off)
{
    Module *m = p->m;
    Import *im = &m->imports[m->nimports];

    im->module = parse_name(p);
    im->name = parse_name(p);
    im->kind = kind;
    im->index = idx;
    im->offset = off;
    m->nimports++;
}

/* An inline (import "m" "n") when present; returns whether it was. */
static bool
inline_import(Parser *p, ExternKind kind, uint32_t idx, uint32_t *imp)
{
    uint32_t off = cur(p)->off;

    if (!at_form(p, "import"))
        return false;
    p->i += 2;
    *imp = p->m->nimports;
    add_import(p, kind, idx, off);
    expect_rpar(p);
    return true;
}

/* text: limits ::= u32 u32? */
static void
parse_limits(Parser *p, Limits *lim)
{
    lim->min = parse_u32(p, "a limit");
    lim->has_max = cur(p)->kind == WT_NUM;
    if (lim->has_max)
        lim->max = parse_u32(p, "a limit");
}

/* text: globaltype ::= valtype | (mut valtype) */
static void
parse_globaltype(Parser *p, Global *g)
{
    if (at_form(p, "mut")) {
        p->i += 2;
        g->type = parse_valtype(p);
        g->is_mutable = true;
        expect_rpar(p);
    } else {
        g->type = parse_valtype(p);
    }
}

/* A function body: (local ...)* instr*, with params named from sig. */
static void
parse_func_body(Parser *p, Func *f, const Sig *s)
{
    ValVec locals;
    Str *names = NULL;
    uint32_t namecap = 0, j, nparams;
    bool any = s->any_name;

    /* an unknown type index is left to the validator ("unknown type") */
    nparams = f->type < p->ntypes ? p->types[f->type].nparams : 0;
    memset(&p->locals, 0, sizeof p->locals);
    memset(&locals, 0, sizeof locals);
    for (j = 0; j < s->params.n && s->has_inline; j++) {
        if (s->names[j].len > 0 &&
            !nm_add(p, &p->locals, s->names[j], j))
            fail(p, f->offset, "duplicate local %.*s", (int)s->names[j].len,
                 s->names[j].ptr);
    }
    while (at_form(p, "local")) {
        p->i += 2;
        if (cur(p)->kind == WT_ID) {
            Str id = tok_str(p, cur(p));
            uint32_t idx = nparams + locals.n;
            if (idx < nparams)
                fail(p, cur(p)->off, "too many locals");
            if (!nm_add(p, &p->locals, id, idx))
                fail(p, cur(p)->off, "duplicate local %.*s", (int)id.len,
                     id.ptr);
            if (idx >= namecap) {
                uint32_t cap = namecap ? namecap * 2 : 16, k;
                Str *nb;
                while (cap <= idx)
                    cap *= 2;
                nb = arena_array(p->s, cap, sizeof *nb);
                for (k = 0; k < namecap; k++)
                    nb[k] = names[k];
                names = nb;
                namecap = cap;
            }
            names[idx] = id;
            any = true;
            p->i++;
            vv_push(p, &locals, parse_valtype(p));
        } else {
            while (cur(p)->kind != WT_RPAR)
                vv_push(p, &locals, parse_valtype(p));
        }
        expect_rpar(p);
    }
    f->nlocals = locals.n;
    f->locals = arena_array(p->a, locals.n, sizeof(ValType));
    if (locals.n > 0)
        memcpy(f->locals, locals.v, locals.n * sizeof(ValType));
    if (any) {
        f->local_names = arena_array(p->a, (size_t)nparams + locals.n,
                                     sizeof(Str));
        for (j = 0; j < nparams && j < s->params.n && s->has_inline; j++)
            if (s->names[j].len > 0) {
                f->local_names[j].ptr = s->names[j].ptr + 1;
                f->local_names[j].len = s->names[j].len - 1;
            }
        for (j = nparams; j < namecap && j < nparams + locals.n; j++)
            if (names[j].len > 0) {
                f->local_names[j].ptr = names[j].ptr + 1;
                f->local_names[j].len = names[j].len - 1;
            }
    }
    p->nlabels = 0;
    p->nib = 0;
    parse_instrs(p);
    if (cur(p)->kind != WT_RPAR)
        unexpected(p, "an instruction or ')'");
    f->body = finish_expr(p, cur(p)->off);
}

static void
field_func(Parser *p, uint32_t off)
{
    Module *m = p->m;
    uint32_t idx = p->sp_func.next++;
    Func *f = &m->funcs[idx];
    Sig s;

    f->offset = off;
    f->name = take_id(p);
    inline_exports(p, EXT_FUNC, idx);
    f->is_import = inline_import(p, EXT_FUNC, idx, &f->import);
    parse_sig(p, &s, true);
    f->type = resolve_sig(p, &s, false);
    if (f->is_import) {
        p->nimp_func++;
        return;
    }
    parse_func_body(p, f, &s);
}

/* An element list: funcref/externref elemexpr* or func? funcidx*. */
static void
parse_elemlist(Parser *p, Elem *el, bool bare_ok)
{
    Expr *v = NULL;
    uint32_t n = 0, cap = 0;
    bool exprs;

    el->type = VT_FUNCREF;
    if (tok_is(p, cur(p), "funcref") || tok_is(p, cur(p), "externref")) {
        el->type = parse_reftype(p);
        exprs = true;
    } else if (tok_is(p, cur(p), "func")) {
        p->i++;
        exprs = false;
    } else {
        /* text: the abbreviation (elem (offset ...) funcidx*) */
        if (!bare_ok && cur(p)->kind != WT_RPAR)
            unexpected(p, "func, funcref or externref");
        exprs = false;
    }
    while (cur(p)->kind != WT_RPAR) {
        Expr e;
        if (exprs) {
            if (at_form(p, "item")) {
                p->i += 2;
                e = parse_const_expr(p);
                expect_rpar(p);
            } else if (cur(p)->kind == WT_LPAR) {
                p->nib = 0;
                p->nlabels = 0;
                memset(&p->locals, 0, sizeof p->locals);
                parse_folded(p);
                e = finish_expr(p, cur(p)->off);
            } else {
                unexpected(p, "an element expression");
            }
        } else {
            uint32_t off = cur(p)->off;
            Instr *in;
            if (!is_index(p))
                unexpected(p, "a function index");
            p->nib = 0;
            in = emit(p, OP_REF_FUNC, off);
            in->imm.idx = parse_index(p, &p->sp_func);
            e = finish_expr(p, off);
        }
        if (n == cap) {
            Expr *nb;
            cap = cap ? cap * 2 : 8;
            nb = arena_array(p->a, cap, sizeof *nb);
            if (n > 0)
                memcpy(nb, v, n * sizeof *nb);
            v = nb;
        }
        v[n++] = e;
    }
    el->inits = v;
    el->ninits = n;
}

static void
field_table(Parser *p, uint32_t off)
{
    Module *m = p->m;
    uint32_t idx = p->sp_table.next++;
    Table *t = &m->tables[idx];

    t->offset = off;
    take_id(p);
    inline_exports(p, EXT_TABLE, idx);
    if (inline_import(p, EXT_TABLE, idx, &t->import)) {
        t->is_import = true;
        p->nimp_table++;
        parse_limits(p, &t->lim);
        t->elem = parse_reftype(p);
        return;
    }
    if (cur(p)->kind == WT_KEYWORD) {
        /* text: (table reftype (elem ...)) with limits from the count */
        Elem *el = &m->elems[p->sp_elem.next++];
        Instr *in;
        t->elem = parse_reftype(p);
        el->offset = cur(p)->off;
        expect_lpar_kw(p, "elem");
        el->mode = SEG_ACTIVE;
        el->table = idx;
        p->nib = 0;
        in = emit(p, OP_I32_CONST, el->offset);
        in->imm.i32 = 0;
        el->offset_expr = finish_expr(p, el->offset);
        if (cur(p)->kind == WT_LPAR) {
            /* elemexpr*: the reftype given is the element type */
            ValType et = t->elem;
            Expr *v = NULL;
            uint32_t n = 0, cap = 0;
            while (cur(p)->kind == WT_LPAR) {
                Expr e;
                if (at_form(p, "item")) {
                    p->i += 2;
                    e = parse_const_expr(p);
                    expect_rpar(p);
                } else {
                    p->nib = 0;
                    p->nlabels = 0;
                    memset(&p->locals, 0, sizeof p->locals);
                    parse_folded(p);
                    e = finish_expr(p, cur(p)->off);
                }
                if (n == cap) {
                    Expr *nb;
                    cap = cap ? cap * 2 : 8;
                    nb = arena_array(p->a, cap, sizeof *nb);
                    if (n > 0)
                        memcpy(nb, v, n * sizeof *nb);
                    v = nb;
                }
                v[n++] = e;
            }
            el->type = et;
            el->inits = v;
            el->ninits = n;
        } else {
            parse_elemlist(p, el, true);
            el->type = t->elem;
        }
        expect_rpar(p);
        t->lim.min = t->lim.max = el->ninits;
        t->lim.has_max = true;
        return;
    }
    parse_limits(p, &t->lim);
    t->elem = parse_reftype(p);
}

static void
field_memory(Parser *p, uint32_t off)
{
    Module *m = p->m;
    uint32_t idx = p->sp_mem.next++;
    Memory *mem = &m->mems[idx];

    mem->offset = off;
    take_id(p);
    inline_exports(p, EXT_MEMORY, idx);
    if (inline_import(p, EXT_MEMORY, idx, &mem->import)) {
        mem->is_import = true;
        p->nimp_mem++;
        parse_limits(p, &mem->lim);
        return;
    }
    if (at_form(p, "data")) {
        /* text: (memory (data ...)), limits from the length in pages */
        Data *dt = &m->datas[p->sp_data.next++];
        uint8_t *buf;
        uint64_t total = 0;
        uint32_t j, k, first;
        Instr *in;
        dt->offset = cur(p)->off;
        p->i += 2;
        first = p->i;
        for (j = first; p->toks[j].kind == WT_STRING; j++)
            total += p->toks[j].len;
        buf = arena_alloc(p->a, (size_t)total + 1);
        for (k = 0; cur(p)->kind == WT_STRING; ) {
            WatToken *t = cur(p);
            k += (uint32_t)watlex_string(p->src + t->off, t->len, buf + k);
            p->i++;
        }
        expect_rpar(p);
        dt->mode = SEG_ACTIVE;
        dt->mem = idx;
        dt->bytes = buf;
        dt->len = k;
        p->nib = 0;
        in = emit(p, OP_I32_CONST, dt->offset);
        in->imm.i32 = 0;
        dt->offset_expr = finish_expr(p, dt->offset);
        mem->lim.min = mem->lim.max = ((uint64_t)k + 65535) / 65536;
        mem->lim.has_max = true;
        return;
    }
    parse_limits(p, &mem->lim);
}

static void
field_global(Parser *p, uint32_t off)
{
    Module *m = p->m;
    uint32_t idx = p->sp_global.next++;
    Global *g = &m->globals[idx];

    g->offset = off;
    g->name = take_id(p);
    inline_exports(p, EXT_GLOBAL, idx);
    if (inline_import(p, EXT_GLOBAL, idx, &g->import)) {
        g->is_import = true;
        p->nimp_global++;
        parse_globaltype(p, g);
        return;
    }
    parse_globaltype(p, g);
    g->init = parse_const_expr(p);
}

/* (import "m" "n" (kind id? desc)), the cursor at the module name */
static void
field_import(Parser *p, uint32_t off)
{
    Module *m = p->m;
    uint32_t names = p->i, imp = m->nimports, close, idx;
    ExternKind kind;
    WatToken *k;

    p->i += 2;
    if (cur(p)->kind != WT_LPAR)
        unexpected(p, "an import description");
    close = p->match[p->i];
    k = peek(p, 1);
    p->i += 2;
    if (tok_is(p, k, "func")) {
        Func *f;
        Sig s;
        kind = EXT_FUNC;
        idx = p->sp_func.next++;
        f = &m->funcs[idx];
        f->name = take_id(p);
        f->is_import = true;
        f->import = imp;
        f->offset = off;
        parse_sig(p, &s, true);
        f->type = resolve_sig(p, &s, false);
        p->nimp_func++;
    } else if (tok_is(p, k, "table")) {
        Table *t;
        kind = EXT_TABLE;
        idx = p->sp_table.next++;
        t = &m->tables[idx];
        take_id(p);
        t->is_import = true;
        t->import = imp;
        t->offset = off;
        parse_limits(p, &t->lim);
        t->elem = parse_reftype(p);
        p->nimp_table++;
    } else if (tok_is(p, k, "memory")) {
        Memory *mem;
        kind = EXT_MEMORY;
        idx = p->sp_mem.next++;
        mem = &m->mems[idx];
        take_id(p);
        mem->is_import = true;
        mem->import = imp;
        mem->offset = off;
        parse_limits(p, &mem->lim);
        p->nimp_mem++;
    } else {
        Global *g;
        kind = EXT_GLOBAL;
        idx = p->sp_global.next++;
        g = &m->globals[idx];
        g->name = take_id(p);
        g->is_import = true;
        g->import = imp;
        g->offset = off;
        parse_globaltype(p, g);
        p->nimp_global++;
    }
    if (p->i != close)
        unexpected(p, "')'");
    p->i = names;
    add_import(p, kind, idx, off);
    p->i = close + 1;
}

static void
field_export(Parser *p, uint32_t off)
{
    Str name = parse_name(p);
    WatToken *k = peek(p, 1);
    ExternKind kind;
    uint32_t idx;

    if (cur(p)->kind != WT_LPAR)
        unexpected(p, "an export description");
    p->i += 2;
    if (tok_is(p, k, "func")) {
        kind = EXT_FUNC;
        idx = parse_index(p, &p->sp_func);
    } else if (tok_is(p, k, "table")) {
        kind = EXT_TABLE;
        idx = parse_index(p, &p->sp_table);
    } else if (tok_is(p, k, "memory")) {
        kind = EXT_MEMORY;
        idx = parse_index(p, &p->sp_mem);
    } else if (tok_is(p, k, "global")) {
        kind = EXT_GLOBAL;
        idx = parse_index(p, &p->sp_global);
    } else {
        p->i--;
        unexpected(p, "func, table, memory or global");
    }
    expect_rpar(p);
    add_export(p, name, kind, idx, off);
}

/*
 * text: elem.  (elem id? elemlist) passive, (elem id? declare elemlist),
 * (elem id? (table x)? offset elemlist) active, offset being
 * (offset instr*) or one folded instruction.
 */
static void
field_elem(Parser *p, uint32_t off)
{
    Elem *el = &p->m->elems[p->sp_elem.next++];
    bool active = false;

    el->offset = off;
    take_id(p);
    if (tok_is(p, cur(p), "declare")) {
        p->i++;
        el->mode = SEG_DECLARATIVE;
    } else if (at_form(p, "table")) {
        p->i += 2;
        el->table = parse_index(p, &p->sp_table);
        expect_rpar(p);
        active = true;
    } else if (cur(p)->kind == WT_LPAR) {
        active = true;
    } else {
        el->mode = SEG_PASSIVE;
    }
    if (active) {
        el->mode = SEG_ACTIVE;
        el->offset_expr = parse_offset(p);
    }
    parse_elemlist(p, el, active);
}

/* text: data ::= (data id? ((memory x)? offset)? string*) */
static void
field_data(Parser *p, uint32_t off)
{
    Data *dt = &p->m->datas[p->sp_data.next++];
    uint64_t total = 0;
    uint32_t j, k;
    uint8_t *buf;

    dt->offset = off;
    take_id(p);
    dt->mode = SEG_PASSIVE;
    if (at_form(p, "memory")) {
        p->i += 2;
        dt->mem = parse_index(p, &p->sp_mem);
        expect_rpar(p);
        dt->mode = SEG_ACTIVE;
        dt->offset_expr = parse_offset(p);
    } else if (cur(p)->kind == WT_LPAR) {
        dt->mode = SEG_ACTIVE;
        dt->offset_expr = parse_offset(p);
    }
    for (j = p->i; p->toks[j].kind == WT_STRING; j++)
        total += p->toks[j].len;
    buf = arena_alloc(p->a, (size_t)total + 1);
    for (k = 0; cur(p)->kind == WT_STRING; p->i++)
        k += (uint32_t)watlex_string(p->src + cur(p)->off, cur(p)->len,
                                     buf + k);
    dt->bytes = buf;
    dt->len = k;
}

/* Pass 2: every field in order into the module. */
static void
fill_fields(Parser *p, uint32_t first, uint32_t last)
{
    Module *m = p->m;

    p->i = first;
    while (p->i < last) {
        uint32_t start = p->i, off = cur(p)->off;
        WatToken *kw = peek(p, 1);

        p->i += 2;
        if (tok_is(p, kw, "type")) {
            p->i = p->match[start] + 1;
            continue;
        } else if (tok_is(p, kw, "func")) {
            field_func(p, off);
        } else if (tok_is(p, kw, "table")) {
            field_table(p, off);
        } else if (tok_is(p, kw, "memory")) {
            field_memory(p, off);
        } else if (tok_is(p, kw, "global")) {
            field_global(p, off);
        } else if (tok_is(p, kw, "import")) {
            field_import(p, off);
        } else if (tok_is(p, kw, "export")) {
            field_export(p, off);
        } else if (tok_is(p, kw, "start")) {
            if (m->has_start)
                fail(p, off, "multiple start sections");
            m->has_start = true;
            m->start = parse_index(p, &p->sp_func);
        } else if (tok_is(p, kw, "elem")) {
            field_elem(p, off);
        } else if (tok_is(p, kw, "data")) {
            field_data(p, off);
        }
        if (p->i != p->match[start])
            unexpected(p, "')'");
        p->i = p->match[start] + 1;
    }
}

/* ---- module --------------------------------------------------------- */

static void
lex_all(Parser *p, size_t start, size_t end)
{
    WatLexer lx;
    uint32_t cap = 256, *stack, depth = 0, j;
    WatToken t;

    watlex_init(&lx, p->src, start, end);
    p->toks = arena_array(p->s, cap, sizeof *p->toks);
    for (;;) {
        if (!watlex_next(&lx, &t))
            fail(p, lx.err_off, "%s", lx.err_msg);
        if (p->ntoks == cap) {
            WatToken *nb = arena_array(p->s, (size_t)cap * 2, sizeof *nb);
            memcpy(nb, p->toks, cap * sizeof *nb);
            p->toks = nb;
            cap *= 2;
        }
        p->toks[p->ntoks++] = t;
        if (t.kind == WT_EOF)
            break;
    }
    /* match parentheses on an explicit stack */
    p->match = arena_array(p->s, p->ntoks, sizeof *p->match);
    stack = arena_array(p->s, p->ntoks, sizeof *stack);
    for (j = 0; j < p->ntoks; j++) {
        if (p->toks[j].kind == WT_LPAR) {
            stack[depth++] = j;
        } else if (p->toks[j].kind == WT_RPAR) {
            if (depth == 0)
                fail(p, p->toks[j].off, "unexpected token ')'");
            p->match[stack[--depth]] = j;
        }
    }
    if (depth > 0)
        fail(p, p->toks[stack[depth - 1]].off, "unexpected token: "
             "unclosed '(' (unexpected end of input)");
}

/* Text of the first message recorded in d, after "path:loc: error: ". */
static const char *
inner_message(const Diag *d)
{
    const char *msg, *e;

    if (d->nmsgs == 0)
        return "invalid module";
    msg = d->msgs[0];
    e = strstr(msg, ": error: ");
    return e ? e + 9 : msg;
}

static const char *
inner_location(const Diag *d)
{
    static char loc[64];
    const char *msg, *e;
    size_t plen;

    loc[0] = '\0';
    if (d->nmsgs == 0)
        return loc;
    msg = d->msgs[0];
    plen = strlen(d->path);
    e = strstr(msg, ": error: ");
    if (e != NULL && (size_t)(e - msg) > plen + 1 &&
        (size_t)(e - msg) - plen - 1 < sizeof loc)
        snprintf(loc, sizeof loc, "%.*s", (int)(e - msg - plen - 1),
                 msg + plen + 1);
    return loc;
}

/*
 * (module id? binary string*) and (module id? quote string*): the strings
 * from toks[first] on, decoded and concatenated in the module arena.
 */
static Module *
parse_embedded(Parser *p, bool is_binary, uint32_t first, uint32_t modoff,
               Str name)
{
    uint64_t total = 0;
    uint32_t j, k = 0;
    uint8_t *buf;
    Diag inner;
    Module *m;

    for (j = first; p->toks[j].kind == WT_STRING; j++)
        total += p->toks[j].len;
    if (p->toks[j].kind != WT_RPAR) {
        p->i = j;
        unexpected(p, "a string or ')'");
    }
    if (p->toks[j + 1].kind != WT_EOF) {
        p->i = j + 1;
        unexpected(p, "end of input");
    }
    buf = arena_alloc(p->a, (size_t)total + 1);
    for (j = first; p->toks[j].kind == WT_STRING; j++)
        k += (uint32_t)watlex_string(p->src + p->toks[j].off,
                                     p->toks[j].len, buf + k);
    if (is_binary) {
        diag_init(&inner, p->d->path, NULL, 0);
        m = binread_module(p->a, buf, k, &inner);
    } else {
        diag_init(&inner, p->d->path, buf, k);
        m = watparse_module(p->a, buf, 0, k, &inner);
    }
    if (m == NULL) {
        char msg[600];
        snprintf(msg, sizeof msg, "%s", inner_message(&inner));
        diag_error_at(p->d, modoff, "in %s module (at %s): %s",
                      is_binary ? "binary" : "quoted",
                      inner_location(&inner), msg);
        diag_free(&inner);
        longjmp(p->jb, 1);
    }
    diag_free(&inner);
    if (name.len > 0)
        m->name = name;
    return m;
}

static Module *
parse_module(Parser *p, size_t start, size_t end)
{
    Module *m;
    uint32_t first = 0, last, j;
    Str name = {NULL, 0};

    lex_all(p, start, end);
    last = p->ntoks - 1;    /* the EOF token */
    if (cur(p)->kind == WT_LPAR && tok_is(p, peek(p, 1), "module")) {
        uint32_t modoff = cur(p)->off, close = p->match[0];
        if (p->toks[close + 1].kind != WT_EOF) {
            p->i = close + 1;
            unexpected(p, "end of input after the module");
        }
        p->i = 2;
        name = take_id(p);
        if (tok_is(p, cur(p), "binary") || tok_is(p, cur(p), "quote"))
            return parse_embedded(p, tok_is(p, cur(p), "binary"), p->i + 1,
                                  modoff, name);
        first = p->i;
        last = close;
    }
    m = arena_alloc(p->a, sizeof *m);
    p->m = m;
    m->name = name;
    scan_fields(p, first, last);

    m->funcs = arena_array(p->a, p->sp_func.n, sizeof *m->funcs);
    m->nfuncs = p->sp_func.n;
    m->tables = arena_array(p->a, p->sp_table.n, sizeof *m->tables);
    m->ntables = p->sp_table.n;
    m->mems = arena_array(p->a, p->sp_mem.n, sizeof *m->mems);
    m->nmems = p->sp_mem.n;
    m->globals = arena_array(p->a, p->sp_global.n, sizeof *m->globals);
    m->nglobals = p->sp_global.n;
    m->elems = arena_array(p->a, p->sp_elem.n, sizeof *m->elems);
    m->nelems = p->sp_elem.n;
    m->datas = arena_array(p->a, p->sp_data.n, sizeof *m->datas);
    m->ndatas = p->sp_data.n;
    m->imports = arena_array(p->a, p->nimports, sizeof *m->imports);
    m->exports = arena_array(p->a, p->nexports, sizeof *m->exports);

    fill_fields(p, first, last);

    m->types = p->types;
    m->ntypes = p->ntypes;
    m->nimported_funcs = p->nimp_func;
    m->nimported_tables = p->nimp_table;
    m->nimported_mems = p->nimp_mem;
    m->nimported_globals = p->nimp_global;
    /* the binary format needs a data count section for these (binary:
       data count section); the encoder adds it when they are used */
    for (j = 0; j < m->nfuncs; j++) {
        const Expr *e = &m->funcs[j].body;
        uint32_t k;
        for (k = 0; k < e->n && !m->has_datacount; k++)
            if (e->code[k].op == OP_MEMORY_INIT ||
                e->code[k].op == OP_DATA_DROP)
                m->has_datacount = true;
    }
    if (m->has_datacount)
        m->datacount = m->ndatas;
    return m;
}

Module *
watparse_module(Arena *a, const uint8_t *src, size_t start, size_t end,
                Diag *d)
{
    Parser *p = arena_alloc(a, sizeof *p);
    Module *m = NULL;

    p->a = a;
    p->s = arena_new();
    p->src = src;
    p->d = d;
    space_init(&p->sp_type, "type", "type");
    space_init(&p->sp_func, "func", "function");
    space_init(&p->sp_table, "table", "table");
    space_init(&p->sp_mem, "memory", "memory");
    space_init(&p->sp_global, "global", "global");
    space_init(&p->sp_elem, "elem", "elem segment");
    space_init(&p->sp_data, "data", "data segment");
    build_optab(p);
    if (end > UINT32_MAX) {
        /* offsets in Instr and Diag are 32-bit */
        diag_error(d, "text input larger than 4 GiB is not supported");
        arena_free(p->s);
        return NULL;
    }
    if (setjmp(p->jb) == 0)
        m = parse_module(p, start, end);
    arena_free(p->s);
    return m;
}
