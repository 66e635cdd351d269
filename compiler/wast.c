/*
 * wast.c - the script format of the official testsuite (script: commands).
 *
 * Reads commands, actions, values and expected results into a Script.
 * Modules are not parsed here: a text module keeps its span in the script
 * so the runner can hand it to watparse_module (and see it fail where the
 * script expects it to), and binary and quoted modules keep their decoded
 * bytes.  Text modules are skipped by balancing parentheses with strings
 * and comments respected, so a malformed module never fails the script.
 */
#include "wast.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "watlex.h"

typedef struct WastParser {
    Arena *a;
    const uint8_t *src;
    size_t len;
    Diag *d;
    jmp_buf jb;
    WatLexer lx;
    WatToken t;         /* current token */
} WastParser;

#if defined(__GNUC__)
#define NORETURN __attribute__((noreturn))
#else
#define NORETURN
#endif

static void wfail(WastParser *w, uint32_t off, const char *fmt, ...)
    DIAG_PRINTF(3, 4) NORETURN;

static void
wfail(WastParser *w, uint32_t off, const char *fmt, ...)
{
    char buf[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    diag_error_at(w->d, off, "%s", buf);
    longjmp(w->jb, 1);
}

static void
next(WastParser *w)
{
    if (!watlex_next(&w->lx, &w->t))
        wfail(w, w->lx.err_off, "%s", w->lx.err_msg);
}

/* The token after the current one, without moving. */
static WatToken
peek_next(WastParser *w)
{
    WatLexer save = w->lx;
    WatToken t;

    if (!watlex_next(&w->lx, &t))
        t.kind = WT_EOF;
    w->lx = save;
    return t;
}

static bool
is_kw(WastParser *w, const WatToken *t, const char *s)
{
    size_t n = strlen(s);
    return t->kind == WT_KEYWORD && t->len == n &&
           memcmp(w->src + t->off, s, n) == 0;
}

static void unexpected(WastParser *w, const char *expected) NORETURN;

static void
unexpected(WastParser *w, const char *expected)
{
    int n = w->t.len > 40 ? 40 : (int)w->t.len;

    if (w->t.kind == WT_EOF)
        wfail(w, w->t.off, "unexpected end of script, expected %s",
              expected);
    wfail(w, w->t.off, "unexpected token %.*s, expected %s", n,
          (const char *)w->src + w->t.off, expected);
}

static void
expect(WastParser *w, WatTokKind k, const char *what)
{
    if (w->t.kind != k)
        unexpected(w, what);
    next(w);
}

/*
 * From the '(' at pos, the offset just past its matching ')', skipping
 * strings, line comments and nested block comments without judging them.
 */
static size_t
skip_balanced(WastParser *w, size_t pos)
{
    const uint8_t *s = w->src;
    size_t open = pos, depth = 0, n = w->len;

    while (pos < n) {
        uint8_t c = s[pos];
        if (c == '"') {
            pos++;
            while (pos < n && s[pos] != '"') {
                if (s[pos] == '\\' && pos + 1 < n)
                    pos++;
                pos++;
            }
            if (pos >= n)
                break;
            pos++;
        } else if (c == ';' && pos + 1 < n && s[pos + 1] == ';') {
            while (pos < n && s[pos] != '\n')
                pos++;
        } else if (c == '(' && pos + 1 < n && s[pos + 1] == ';') {
            size_t d = 1;
            pos += 2;
            while (pos < n && d > 0) {
                if (s[pos] == '(' && pos + 1 < n && s[pos + 1] == ';') {
                    d++;
                    pos += 2;
                } else if (s[pos] == ';' && pos + 1 < n && s[pos + 1] == ')') {
                    d--;
                    pos += 2;
                } else {
                    pos++;
                }
            }
        } else if (c == '(') {
            depth++;
            pos++;
        } else if (c == ')') {
            pos++;
            if (--depth == 0)
                return pos;
        } else {
            pos++;
        }
    }
    wfail(w, (uint32_t)open, "unexpected end of script (unclosed '(')");
}

/* A string token decoded into the arena. */
static Str
take_string(WastParser *w)
{
    uint8_t *buf;
    Str s;

    if (w->t.kind != WT_STRING)
        unexpected(w, "a string");
    buf = arena_alloc(w->a, w->t.len);
    s.len = (uint32_t)watlex_string(w->src + w->t.off, w->t.len, buf);
    s.ptr = (const char *)buf;
    next(w);
    return s;
}

static Str
take_id(WastParser *w)
{
    Str s = {NULL, 0};

    if (w->t.kind == WT_ID) {
        s.ptr = (const char *)w->src + w->t.off;
        s.len = w->t.len;
        next(w);
    }
    return s;
}

/*
 * script: module ::= (module id? ...) | (module id? binary string*) |
 * (module id? quote string*).  The current token is the '('.
 */
static void
parse_module(WastParser *w, WastModule *mod)
{
    size_t open = w->t.off;
    WatToken kw;

    memset(mod, 0, sizeof *mod);
    mod->offset = (uint32_t)open;
    next(w);
    if (!is_kw(w, &w->t, "module"))
        unexpected(w, "(module");
    /* look past an optional $id for binary/quote without consuming
       (a lexical error ahead just ends the lookahead) */
    {
        WatLexer save = w->lx;
        WatToken t1;
        if (!watlex_next(&w->lx, &t1))
            t1.kind = WT_EOF;
        kw = t1;
        if (t1.kind == WT_ID) {
            mod->id.ptr = (const char *)w->src + t1.off;
            mod->id.len = t1.len;
            if (!watlex_next(&w->lx, &kw))
                kw.kind = WT_EOF;
        }
        w->lx = save;
    }
    if (is_kw(w, &kw, "binary") || is_kw(w, &kw, "quote")) {
        uint8_t *buf;
        size_t total = 0, k = 0;
        WatLexer save;
        WatToken st;

        next(w);
        mod->id = take_id(w);
        mod->kind = is_kw(w, &w->t, "binary") ? WMOD_BINARY : WMOD_QUOTE;
        next(w);
        /* size the buffer from the string tokens, then decode them */
        save = w->lx;
        st = w->t;
        while (w->t.kind == WT_STRING) {
            total += w->t.len;
            next(w);
        }
        w->lx = save;
        w->t = st;
        buf = arena_alloc(w->a, total + 1);
        while (w->t.kind == WT_STRING) {
            k += watlex_string(w->src + w->t.off, w->t.len, buf + k);
            next(w);
        }
        mod->bytes = buf;
        mod->len = k;
        expect(w, WT_RPAR, "')'");
        return;
    }
    /* a text module: keep the span, skip it unjudged */
    mod->kind = WMOD_TEXT;
    mod->start = open;
    mod->end = skip_balanced(w, open);
    w->lx.pos = mod->end;
    next(w);
}

/*
 * (v128.const shape lit*), the current token the shape.  In a result, a
 * float lane may be nan:canonical or nan:arithmetic.
 */
static void
parse_v128(WastParser *w, WastValue *v, bool result)
{
    WatToken *t = &w->t;
    WatShape shape;
    unsigned lanes, k;
    WatNum st;

    v->type = VT_V128;
    if (t->kind != WT_KEYWORD ||
        !watlex_shape(w->src + t->off, t->len, &shape, &lanes))
        unexpected(w, "a vector shape");
    v->lane_bits = (uint8_t)(128 / lanes);
    v->lane_float = shape == WSHAPE_F32X4 || shape == WSHAPE_F64X2;
    next(w);
    for (k = 0; k < lanes; k++) {
        if (result && v->lane_float && is_kw(w, t, "nan:canonical")) {
            v->lane_nan[k] = WNAN_CANONICAL;
        } else if (result && v->lane_float &&
                   is_kw(w, t, "nan:arithmetic")) {
            v->lane_nan[k] = WNAN_ARITHMETIC;
        } else {
            if (t->kind != WT_NUM && t->kind != WT_KEYWORD)
                unexpected(w, "a lane literal");
            st = watlex_lane(shape, k, w->src + t->off, t->len, v->v128);
            if (st == WNUM_MALFORMED)
                unexpected(w, "a lane literal");
            if (st == WNUM_RANGE)
                wfail(w, t->off, "constant out of range");
        }
        next(w);
    }
    expect(w, WT_RPAR, "')'");
}

/* Value of an (x.const ...) form's literal. */
static void
parse_value(WastParser *w, WastValue *v, bool result)
{
    WatToken *t = &w->t;
    WatNum st = WNUM_OK;
    const uint8_t *txt;
    uint64_t u = 0;
    uint32_t f = 0;

    memset(v, 0, sizeof *v);
    expect(w, WT_LPAR, "a value");
    txt = w->src + t->off;
    if (is_kw(w, t, "v128.const")) {
        next(w);
        parse_v128(w, v, result);
        return;
    }
    if (is_kw(w, t, "i32.const") || is_kw(w, t, "i64.const")) {
        bool is64 = is_kw(w, t, "i64.const");
        v->type = is64 ? VT_I64 : VT_I32;
        next(w);
        if (t->kind != WT_NUM)
            unexpected(w, "an integer");
        st = watlex_int(w->src + t->off, t->len, is64 ? 64 : 32, &u);
        v->bits = u;
    } else if (is_kw(w, t, "f32.const") || is_kw(w, t, "f64.const")) {
        bool is64 = is_kw(w, t, "f64.const");
        v->type = is64 ? VT_F64 : VT_F32;
        next(w);
        txt = w->src + t->off;
        if (result && is_kw(w, t, "nan:canonical")) {
            v->nan = WNAN_CANONICAL;
        } else if (result && is_kw(w, t, "nan:arithmetic")) {
            v->nan = WNAN_ARITHMETIC;
        } else if (t->kind != WT_NUM && t->kind != WT_KEYWORD) {
            unexpected(w, "a float");
        } else if (is64) {
            st = watlex_f64(txt, t->len, &u);
            v->bits = u;
        } else {
            st = watlex_f32(txt, t->len, &f);
            v->bits = f;
        }
    } else if (is_kw(w, t, "ref.null")) {
        next(w);
        if (is_kw(w, t, "func"))
            v->type = VT_FUNCREF;
        else if (is_kw(w, t, "extern"))
            v->type = VT_EXTERNREF;
        else
            unexpected(w, "func or extern");
        v->is_null = true;
    } else if (is_kw(w, t, "ref.extern") || is_kw(w, t, "ref.func")) {
        v->type = is_kw(w, t, "ref.func") ? VT_FUNCREF : VT_EXTERNREF;
        next(w);
        if (t->kind == WT_RPAR) {
            if (!result)
                unexpected(w, "a reference");
            v->any_ref = true;
            next(w);
            return;
        }
        if (t->kind != WT_NUM)
            unexpected(w, "a number");
        st = watlex_nat(w->src + t->off, t->len, UINT64_MAX, &u);
        v->bits = u;
    } else {
        unexpected(w, "a constant");
    }
    if (st == WNUM_MALFORMED)
        unexpected(w, "a literal");
    if (st == WNUM_RANGE)
        wfail(w, t->off, "constant out of range");
    next(w);
    expect(w, WT_RPAR, "')'");
}

/* script: action ::= (invoke id? name const*) | (get id? name) */
static void
parse_action(WastParser *w, WastAction *act)
{
    WastValue *v = NULL;
    uint32_t n = 0, cap = 0;

    memset(act, 0, sizeof *act);
    act->offset = w->t.off;
    expect(w, WT_LPAR, "an action");
    if (is_kw(w, &w->t, "get"))
        act->is_get = true;
    else if (!is_kw(w, &w->t, "invoke"))
        unexpected(w, "invoke or get");
    next(w);
    act->module_id = take_id(w);
    act->name = take_string(w);
    while (!act->is_get && w->t.kind == WT_LPAR) {
        if (n == cap) {
            WastValue *nb;
            cap = cap ? cap * 2 : 4;
            nb = arena_array(w->a, cap, sizeof *nb);
            if (n > 0)
                memcpy(nb, v, n * sizeof *nb);
            v = nb;
        }
        parse_value(w, &v[n++], false);
    }
    act->args = v;
    act->nargs = n;
    expect(w, WT_RPAR, "')'");
}

/* Whether the current '(' opens an action (rather than a module). */
static bool
at_action(WastParser *w)
{
    WatToken k = peek_next(w);

    return w->t.kind == WT_LPAR &&
           (is_kw(w, &k, "invoke") || is_kw(w, &k, "get"));
}

static void
parse_command(WastParser *w, WastCommand *c)
{
    WatToken *t = &w->t;
    WatToken kw;

    memset(c, 0, sizeof *c);
    c->offset = t->off;
    if (t->kind != WT_LPAR)
        unexpected(w, "a command");
    kw = peek_next(w);
    if (is_kw(w, &kw, "module")) {
        c->kind = WCMD_MODULE;
        c->has_module = true;
        parse_module(w, &c->module);
        return;
    }
    if (is_kw(w, &kw, "invoke") || is_kw(w, &kw, "get")) {
        c->kind = WCMD_ACTION;
        c->has_action = true;
        parse_action(w, &c->action);
        return;
    }
    next(w);
    if (is_kw(w, t, "register")) {
        c->kind = WCMD_REGISTER;
        next(w);
        c->text = take_string(w);
        c->register_id = take_id(w);
    } else if (is_kw(w, t, "assert_return")) {
        uint32_t cap = 0;
        c->kind = WCMD_ASSERT_RETURN;
        next(w);
        c->has_action = true;
        parse_action(w, &c->action);
        while (t->kind == WT_LPAR) {
            if (c->nexpected == cap) {
                WastValue *nb;
                cap = cap ? cap * 2 : 4;
                nb = arena_array(w->a, cap, sizeof *nb);
                if (c->nexpected > 0)
                    memcpy(nb, c->expected, c->nexpected * sizeof *nb);
                c->expected = nb;
            }
            parse_value(w, &c->expected[c->nexpected++], true);
        }
    } else if (is_kw(w, t, "assert_trap") ||
               is_kw(w, t, "assert_exhaustion")) {
        c->kind = is_kw(w, t, "assert_trap") ? WCMD_ASSERT_TRAP
                                             : WCMD_ASSERT_EXHAUSTION;
        next(w);
        if (at_action(w)) {
            c->has_action = true;
            parse_action(w, &c->action);
        } else if (c->kind == WCMD_ASSERT_TRAP) {
            c->has_module = true;
            parse_module(w, &c->module);
        } else {
            unexpected(w, "an action");
        }
        c->text = take_string(w);
    } else if (is_kw(w, t, "assert_malformed") ||
               is_kw(w, t, "assert_invalid") ||
               is_kw(w, t, "assert_unlinkable") ||
               is_kw(w, t, "assert_uninstantiable")) {
        c->kind = is_kw(w, t, "assert_malformed") ? WCMD_ASSERT_MALFORMED
                : is_kw(w, t, "assert_invalid") ? WCMD_ASSERT_INVALID
                : is_kw(w, t, "assert_unlinkable") ? WCMD_ASSERT_UNLINKABLE
                : WCMD_ASSERT_UNINSTANTIABLE;
        next(w);
        c->has_module = true;
        parse_module(w, &c->module);
        c->text = take_string(w);
    } else {
        unexpected(w, "a command");
    }
    expect(w, WT_RPAR, "')'");
}

/* Whether the current '(' opens a module field rather than a command. */
static bool
starts_field(WastParser *w)
{
    static const char *const fields[] = {
        "type", "import", "func", "table", "memory", "global", "export",
        "start", "elem", "data", NULL
    };
    WatToken k = peek_next(w);
    size_t j;

    for (j = 0; fields[j] != NULL; j++)
        if (is_kw(w, &k, fields[j]))
            return true;
    return false;
}

Script *
wast_parse(Arena *a, const uint8_t *src, size_t len, Diag *d)
{
    WastParser *w = arena_alloc(a, sizeof *w);
    Script *sc = arena_alloc(a, sizeof *sc);
    uint32_t cap = 0;

    w->a = a;
    w->src = src;
    w->len = len;
    w->d = d;
    watlex_init(&w->lx, src, 0, len);
    if (setjmp(w->jb) != 0)
        return NULL;
    next(w);
    if (w->t.kind == WT_LPAR && starts_field(w)) {
        /* script: a script may be the fields of one module alone */
        WastCommand *c = arena_alloc(a, sizeof *c);
        c->kind = WCMD_MODULE;
        c->offset = w->t.off;
        c->has_module = true;
        c->module.kind = WMOD_TEXT;
        c->module.start = w->t.off;
        c->module.end = len;
        c->module.offset = w->t.off;
        sc->cmds = c;
        sc->ncmds = 1;
        return sc;
    }
    while (w->t.kind != WT_EOF) {
        if (sc->ncmds == cap) {
            WastCommand *nb;
            cap = cap ? cap * 2 : 64;
            nb = arena_array(a, cap, sizeof *nb);
            if (sc->ncmds > 0)
                memcpy(nb, sc->cmds, sc->ncmds * sizeof *nb);
            sc->cmds = nb;
        }
        parse_command(w, &sc->cmds[sc->ncmds++]);
    }
    return sc;
}
