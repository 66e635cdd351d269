/*
 * test_watlex.c - unit test for compiler/watlex.c (tokens, strings, number
 * literals with their ranges and rounding) and a few abbreviations of
 * compiler/watparse.c checked on the Module they produce.  Exits 0 when
 * every check passes.
 *
 * Build: cc -Icompiler test/unit/test_watlex.c compiler/watlex.c \
 *        compiler/watparse.c compiler/binread.c compiler/bytes.c \
 *        compiler/opinfo.c compiler/diag.c compiler/arena.c -lm
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "watlex.h"
#include "watparse.h"

static int failures;

#define CHECK(cond) check((cond) ? 1 : 0, #cond, __LINE__)

static void
check(int ok, const char *what, int line)
{
    if (!ok) {
        fprintf(stderr, "test_watlex.c:%d: check failed: %s\n", line, what);
        failures++;
    }
}

/* ---- tokens --------------------------------------------------------- */

/* Lex s completely; kinds[] gets the token kinds up to EOF.  Returns the
   count, or -1 on a lexical error (message in msg). */
static int
lex(const char *s, WatTokKind *kinds, int max, char *msg, size_t msgsize)
{
    WatLexer lx;
    WatToken t;
    int n = 0;

    watlex_init(&lx, (const uint8_t *)s, 0, strlen(s));
    for (;;) {
        if (!watlex_next(&lx, &t)) {
            snprintf(msg, msgsize, "%s", lx.err_msg);
            return -1;
        }
        if (t.kind == WT_EOF)
            return n;
        if (n < max)
            kinds[n] = t.kind;
        n++;
    }
}

static WatTokKind
one_kind(const char *s)
{
    WatTokKind k[4];
    char msg[160];

    if (lex(s, k, 4, msg, sizeof msg) != 1)
        return WT_EOF;
    return k[0];
}

static int
lex_error(const char *s, const char *phrase)
{
    WatTokKind k[64];
    char msg[160];

    return lex(s, k, 64, msg, sizeof msg) < 0 && strstr(msg, phrase) != NULL;
}

static void
test_tokens(void)
{
    WatTokKind k[16];
    char msg[160];

    CHECK(lex("(func $f(nop));; comment\n(; a (; nested ;) b ;)x", k, 16,
              msg, sizeof msg) == 8);
    CHECK(k[0] == WT_LPAR && k[1] == WT_KEYWORD && k[2] == WT_ID &&
          k[3] == WT_LPAR && k[4] == WT_KEYWORD && k[5] == WT_RPAR &&
          k[6] == WT_RPAR && k[7] == WT_KEYWORD);
    CHECK(one_kind("i32.const") == WT_KEYWORD);
    CHECK(one_kind("offset=0x10") == WT_KEYWORD);
    CHECK(one_kind("$l$l") == WT_ID);
    CHECK(one_kind("$!#%&'*+-./:<=>?@\\^_`|~") == WT_ID);
    CHECK(one_kind("$") == WT_RESERVED);
    CHECK(one_kind("0drop") == WT_RESERVED);
    CHECK(one_kind("0$l") == WT_RESERVED);
    CHECK(one_kind("\"a\"\"b\"") == WT_RESERVED);
    CHECK(one_kind("$l\"a\"") == WT_RESERVED);
    CHECK(one_kind("_1") == WT_RESERVED);
    CHECK(one_kind("1__0") == WT_RESERVED);
    CHECK(one_kind("-0x1.8p3") == WT_NUM);
    CHECK(one_kind("+inf") == WT_NUM);
    CHECK(one_kind("-nan:0x7f") == WT_NUM);
    CHECK(one_kind("1.e5") == WT_NUM);
    CHECK(one_kind("1_000") == WT_NUM);
    CHECK(one_kind("\"\\t\\n\\r\\\"\\'\\\\\\00\\u{1F600}\"") == WT_STRING);

    CHECK(lex_error("\"abc", "unclosed string"));
    CHECK(lex_error("\"ab\ncd\"", "unclosed string"));
    CHECK(lex_error("\"\\q\"", "illegal escape"));
    CHECK(lex_error("\"\\u{D800}\"", "malformed UTF-8 encoding"));
    CHECK(lex_error("\"\\u{110000}\"", "malformed UTF-8 encoding"));
    CHECK(lex_error("\"\x01\"", "control character"));
    CHECK(lex_error("\"\xff\"", "malformed UTF-8 encoding"));
    CHECK(lex_error(";; \xc0\x80\n", "malformed UTF-8 encoding"));
    CHECK(lex_error("(; (; ;)", "unclosed comment"));
    CHECK(lex_error("a,b", "unexpected character"));
}

static void
test_strings(void)
{
    const char *s = "\"a\\tb\\41\\u{e9}\\u{1F600}\\\\\"";
    uint8_t out[64];
    size_t n = watlex_string((const uint8_t *)s, strlen(s), out);

    CHECK(n == 11);
    CHECK(memcmp(out, "a\tbA\xc3\xa9\xf0\x9f\x98\x80\\", 11) == 0);
}

/* ---- numbers -------------------------------------------------------- */

#define S(x) (const uint8_t *)(x), strlen(x)

static void
test_ints(void)
{
    uint64_t v = 0;

    CHECK(watlex_int(S("0xffffffff"), 32, &v) == WNUM_OK && v == 0xffffffff);
    CHECK(watlex_int(S("-0x80000000"), 32, &v) == WNUM_OK &&
          v == 0x80000000);
    CHECK(watlex_int(S("-1"), 32, &v) == WNUM_OK && v == 0xffffffff);
    CHECK(watlex_int(S("4294967296"), 32, &v) == WNUM_RANGE);
    CHECK(watlex_int(S("-2147483649"), 32, &v) == WNUM_RANGE);
    CHECK(watlex_int(S("1_000"), 32, &v) == WNUM_OK && v == 1000);
    CHECK(watlex_int(S("1__0"), 32, &v) == WNUM_MALFORMED);
    CHECK(watlex_int(S("0x"), 32, &v) == WNUM_MALFORMED);
    CHECK(watlex_int(S("1.0"), 32, &v) == WNUM_MALFORMED);
    CHECK(watlex_int(S("-9223372036854775808"), 64, &v) == WNUM_OK &&
          v == 0x8000000000000000ull);
    CHECK(watlex_int(S("18446744073709551615"), 64, &v) == WNUM_OK &&
          v == UINT64_MAX);
    CHECK(watlex_int(S("18446744073709551616"), 64, &v) == WNUM_RANGE);
    CHECK(watlex_int(S("-9223372036854775809"), 64, &v) == WNUM_RANGE);
    CHECK(watlex_nat(S("0x1_0000"), UINT32_MAX, &v) == WNUM_OK &&
          v == 0x10000);
    CHECK(watlex_nat(S("+1"), UINT32_MAX, &v) == WNUM_MALFORMED);
    CHECK(watlex_nat(S("4294967296"), UINT32_MAX, &v) == WNUM_RANGE);
}

static uint32_t
f32(const char *s, WatNum want)
{
    uint32_t b = 0xdeadbeef;
    WatNum st = watlex_f32(S(s), &b);

    if (st != want) {
        fprintf(stderr, "test_watlex.c: f32 %s: status %d, expected %d\n",
                s, st, want);
        failures++;
    }
    return b;
}

static uint64_t
f64(const char *s, WatNum want)
{
    uint64_t b = 0xdeadbeef;
    WatNum st = watlex_f64(S(s), &b);

    if (st != want) {
        fprintf(stderr, "test_watlex.c: f64 %s: status %d, expected %d\n",
                s, st, want);
        failures++;
    }
    return b;
}

static void
test_floats(void)
{
    CHECK(f32("0x1.8p3", WNUM_OK) == 0x41400000);     /* 12.0 */
    CHECK(f32("-0x1.8p3", WNUM_OK) == 0xc1400000);
    CHECK(f32("1.5", WNUM_OK) == 0x3fc00000);
    CHECK(f32("1e0", WNUM_OK) == 0x3f800000);
    CHECK(f32("1.e1", WNUM_OK) == 0x41200000);
    CHECK(f32("-0", WNUM_OK) == 0x80000000);
    CHECK(f32("0x1p-149", WNUM_OK) == 0x00000001);
    CHECK(f32("0x1p-150", WNUM_OK) == 0x00000000);    /* tie to even */
    CHECK(f32("0x1.000001p-149", WNUM_OK) == 0x00000001);
    CHECK(f32("0x1.000002p0", WNUM_OK) == 0x3f800001);
    CHECK(f32("0x1.000001p0", WNUM_OK) == 0x3f800000);    /* tie: even */
    CHECK(f32("0x1.000003p0", WNUM_OK) == 0x3f800002);    /* tie: even */
    CHECK(f32("3.4028235e38", WNUM_OK) == 0x7f7fffff);
    CHECK(f32("0x1.fffffefffffffp127", WNUM_OK) == 0x7f7fffff);
    f32("0x1.ffffffp127", WNUM_RANGE);     /* halfway rounds to 2^128 */
    f32("3.4028236e38", WNUM_RANGE);
    f32("1e39", WNUM_RANGE);
    CHECK(f32("1e-50", WNUM_OK) == 0);
    CHECK(f32("inf", WNUM_OK) == 0x7f800000);
    CHECK(f32("-inf", WNUM_OK) == 0xff800000);
    CHECK(f32("nan", WNUM_OK) == 0x7fc00000);
    CHECK(f32("-nan", WNUM_OK) == 0xffc00000);
    CHECK(f32("nan:0x200000", WNUM_OK) == 0x7fa00000);
    CHECK(f32("+nan:0x7f_ffff", WNUM_OK) == 0x7fffffff);
    f32("nan:0x0", WNUM_RANGE);
    f32("nan:0x800000", WNUM_RANGE);
    f32("nan:1", WNUM_MALFORMED);
    f32("0x", WNUM_MALFORMED);
    f32(".5", WNUM_MALFORMED);
    f32("1e", WNUM_MALFORMED);
    f32("1_", WNUM_MALFORMED);
    f32("infinity", WNUM_MALFORMED);
    CHECK(f32("1_000.000_1", WNUM_OK) == 0x447a0002);

    CHECK(f64("0x1.8p3", WNUM_OK) == 0x4028000000000000ull);
    CHECK(f64("0.1", WNUM_OK) == 0x3fb999999999999aull);
    CHECK(f64("1.7976931348623157e308", WNUM_OK) == 0x7fefffffffffffffull);
    f64("1.7976931348623159e308", WNUM_RANGE);
    f64("0x1.fffffffffffff8p1023", WNUM_RANGE);
    CHECK(f64("0x1.fffffffffffff7ffffp1023", WNUM_OK) ==
          0x7fefffffffffffffull);
    CHECK(f64("0x1p-1074", WNUM_OK) == 1);
    CHECK(f64("0x1p-1075", WNUM_OK) == 0);
    CHECK(f64("4.9406564584124654e-324", WNUM_OK) == 1);
    CHECK(f64("nan:0xf_ffff_ffff_ffff", WNUM_OK) == 0x7fffffffffffffffull);
    f64("nan:0x10_0000_0000_0000", WNUM_RANGE);
    CHECK(f64("-nan", WNUM_OK) == 0xfff8000000000000ull);
}

/* ---- the parser on a few abbreviations ------------------------------ */

static Module *
parse(Arena *a, const char *text, char *msg, size_t msgsize)
{
    Diag d;
    Module *m;

    diag_init(&d, "t.wat", (const uint8_t *)text, strlen(text));
    m = watparse_module(a, (const uint8_t *)text, 0, strlen(text), &d);
    msg[0] = '\0';
    if (d.nmsgs > 0)
        snprintf(msg, msgsize, "%s", d.msgs[0]);
    diag_free(&d);
    return m;
}

static int
rejects(const char *text, const char *phrase)
{
    Arena *a = arena_new();
    char msg[600];
    Module *m = parse(a, text, msg, sizeof msg);
    int ok = m == NULL && strstr(msg, phrase) != NULL;

    if (!ok)
        fprintf(stderr, "test_watlex.c: %s: got \"%s\", expected \"%s\"\n",
                text, msg, phrase);
    arena_free(a);
    return ok;
}

static void
test_parser(void)
{
    Arena *a = arena_new();
    char msg[600];
    Module *m;

    m = parse(a, "(module $m\n"
              "  (func $f (import \"env\" \"f\") (param i32))\n"
              "  (type $t (func (param i32) (result i32)))\n"
              "  (memory (export \"mem\") (data \"abc\"))\n"
              "  (table $tb funcref (elem $g $f))\n"
              "  (func $g (export \"g\") (type $t) (local $x i64)\n"
              "    (block $b (result i32)\n"
              "      (br_if $b (local.get 0) (i32.const 1)))\n"
              "    i32.load8_u offset=2 align=1\n"
              "    (if (result i32) (then (i32.const 1))\n"
              "      (else (i32.const 2)))\n"
              "    drop)\n"
              "  (func (result i32 i64) (i32.const 0) (i64.const 0)))",
              msg, sizeof msg);
    CHECK(m != NULL);
    if (m == NULL) {
        fprintf(stderr, "%s\n", msg);
        arena_free(a);
        return;
    }
    CHECK(m->name.len == 1 && m->name.ptr[0] == 'm');
    CHECK(m->nimports == 1 && m->nimported_funcs == 1 && m->nfuncs == 3);
    CHECK(m->funcs[0].name.len == 1 && m->funcs[0].name.ptr[0] == 'f');
    /* (param i32) -> () was appended after the explicit type 0 */
    CHECK(m->ntypes == 3 && m->funcs[0].type == 1 && m->funcs[1].type == 0);
    CHECK(m->funcs[2].type == 2 && m->types[2].nresults == 2);
    CHECK(m->nmems == 1 && m->mems[0].lim.min == 1 && m->mems[0].lim.max == 1);
    CHECK(m->ndatas == 1 && m->datas[0].len == 3);
    CHECK(m->ntables == 1 && m->tables[0].lim.min == 2 && m->nelems == 1);
    CHECK(m->elems[0].ninits == 2 &&
          m->elems[0].inits[0].code[0].op == OP_REF_FUNC &&
          m->elems[0].inits[0].code[0].imm.idx == 1);
    CHECK(m->nexports == 2 && m->exports[1].index == 1);
    CHECK(m->funcs[1].nlocals == 1 && m->funcs[1].local_names != NULL &&
          m->funcs[1].local_names[1].len == 1);
    {
        const Expr *e = &m->funcs[1].body;
        /* block, local.get, i32.const, br_if, end, i32.load8_u, ... */
        CHECK(e->code[0].op == OP_BLOCK && e->code[0].imm.block == VT_I32);
        CHECK(e->code[3].op == OP_BR_IF && e->code[3].imm.idx == 0);
        CHECK(e->code[5].op == OP_I32_LOAD8_U &&
              e->code[5].imm.mem.offset == 2 &&
              e->code[5].imm.mem.align == 0);
        CHECK(e->code[6].op == OP_IF && e->code[8].op == OP_ELSE);
        CHECK(e->code[e->n - 1].op == OP_END);
    }
    arena_free(a);

    CHECK(rejects("(func (i32.const 0x1_0000_0000))", "constant out of "
                  "range"));
    CHECK(rejects("(func (f32.const 1e39))", "constant out of range"));
    CHECK(rejects("(func $f) (func $f)", "duplicate func"));
    CHECK(rejects("(func (call $nope))", "unknown function"));
    CHECK(rejects("(func block $a end $b)", "mismatching label"));
    CHECK(rejects("(func (br $nope))", "unknown label"));
    CHECK(rejects("(func (i32.load align=3 (i32.const 0)))",
                  "alignment must be a power of two"));
    CHECK(rejects("(func) (import \"m\" \"n\" (func))", "import after "
                  "function"));
    CHECK(rejects("(type $t (func)) (func (type $t) (param i32))",
                  "inline function type"));
    CHECK(rejects("(func (i32.const0))", "unknown operator"));
    CHECK(rejects("(func (nop) (local i32))", "unexpected token"));
    CHECK(rejects("(func $a) (start $a) (start $a)",
                  "multiple start sections"));
    CHECK(rejects("(import \"\\ff\" \"n\" (func))",
                  "malformed UTF-8 encoding"));
    CHECK(rejects("(module quote \"(func (i32.add (nop\")",
                  "quoted module"));
}

int
main(void)
{
    test_tokens();
    test_strings();
    test_ints();
    test_floats();
    test_parser();
    if (failures > 0) {
        fprintf(stderr, "test_watlex: %d checks failed\n", failures);
        return 1;
    }
    return 0;
}
