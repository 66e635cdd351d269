/*
 * spechost.c - the support code of the test programs w2c-spec generates:
 * the `spectest` host module, running actions so that a trap anywhere
 * comes back as a value, import matching at instantiation time, and the
 * checks that print one result line per script command:
 *
 *     ok <n>
 *     FAIL <n> <reason>
 *
 * <n> is the command's index in the script; w2c-spec reads these lines.
 * The generated main.c includes this file, so everything here is static.
 *
 * Several instances, one landing pad: every instance has its own WrtRt, and
 * a function of instance B may run inside an action started on instance A
 * (an import bound to B's export, or a table entry B wrote).  spec_call
 * therefore points the landing pad of every live instance at the pad of
 * the action's wrt_call, so a trap raised on any WrtRt unwinds to it, and
 * then finds the trap in whichever WrtRt recorded it.  Call depth counts
 * per instance, but every instance shares one C stack limit, which bounds
 * a recursion that crosses instances (assert_exhaustion).
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "wrt.h"

/* Room kept below the stack limit for the runtime and libc. */
#define SPEC_STACK_MARGIN ((uintptr_t)256 << 10)
/* Seconds a whole program may run before SIGALRM ends it. */
#define SPEC_TIME_LIMIT 300

/* ---- results ----------------------------------------------------------- */

static void
spec_ok(int cmd)
{
    printf("ok %d\n", cmd);
}

static void spec_fail(int cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void
spec_fail(int cmd, const char *fmt, ...)
{
    va_list ap;

    printf("FAIL %d ", cmd);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

/* ---- instances and actions ---------------------------------------------- */

static WrtRt **spec_rts;
static size_t spec_nrts, spec_caprts;
static uintptr_t spec_stack_limit;

/*
 * Every instance ever created, including those whose instantiation
 * trapped: Wasm 2.0 keeps the table entries an instantiation wrote before
 * it failed, so their functions must stay callable.
 */
static void
spec_add_rt(WrtRt *rt)
{
    if (spec_nrts == spec_caprts) {
        size_t cap = spec_caprts ? spec_caprts * 2 : 16;
        WrtRt **p = realloc(spec_rts, cap * sizeof *p);
        if (p == NULL) {
            printf("spec: out of memory\n");
            exit(70);
        }
        spec_rts = p;
        spec_caprts = cap;
    }
    wrt_set_stack_limit(rt, spec_stack_limit);
    spec_rts[spec_nrts++] = rt;
}

typedef struct SpecCall {
    WrtRt *rt;
    void (*fn)(void);
    int done;
} SpecCall;

static void
spec_entry(void *p)
{
    SpecCall *c = p;
    size_t i;

    for (i = 0; i < spec_nrts; i++)
        if (spec_rts[i] != c->rt) {
            spec_rts[i]->landing = c->rt->landing;
            spec_rts[i]->depth = 0;
        }
    c->fn();
    c->done = 1;
}

/* Run fn under a landing pad shared by all instances; the trap, if any. */
static WrtTrap
spec_call(WrtRt *rt, void (*fn)(void))
{
    SpecCall c;
    WrtTrap t;
    size_t i;

    for (i = 0; i < spec_nrts; i++)
        spec_rts[i]->trap = WRT_TRAP_NONE;
    c.rt = rt;
    c.fn = fn;
    c.done = 0;
    t = wrt_call(rt, spec_entry, &c);
    for (i = 0; i < spec_nrts; i++)
        if (spec_rts[i] != rt) {
            spec_rts[i]->landing = NULL;
            spec_rts[i]->depth = 0;
        }
    if (c.done)
        return WRT_TRAP_NONE;
    for (i = 0; i < spec_nrts; i++)
        if (spec_rts[i]->trap != WRT_TRAP_NONE)
            return spec_rts[i]->trap;
    return t != WRT_TRAP_NONE ? t : WRT_TRAP_UNREACHABLE;
}

/*
 * An action that must return normally: false after printing why not
 * (no instance, or a trap).
 */
static int
spec_act(int cmd, WrtRt *rt, void (*fn)(void))
{
    WrtTrap t;

    if (rt == NULL) {
        spec_fail(cmd, "the module was not instantiated");
        return 0;
    }
    t = spec_call(rt, fn);
    if (t != WRT_TRAP_NONE) {
        spec_fail(cmd, "unexpected trap: %s", wrt_trap_message(t));
        return 0;
    }
    return 1;
}

/*
 * The trap's message must contain the script's text.  The reference
 * interpreter adds details to a few messages ("uninitialized element 2"):
 * our message followed by a space and more words in the script also counts.
 */
static int
spec_msg_matches(const char *ours, const char *text)
{
    size_t n = strlen(ours);

    return strstr(ours, text) != NULL ||
           (strncmp(ours, text, n) == 0 && text[n] == ' ');
}

/* The outcome t of something that must trap with text. */
static void
spec_trap_result(int cmd, WrtTrap t, const char *text)
{
    if (t == WRT_TRAP_NONE)
        spec_fail(cmd, "expected trap \"%s\", returned normally", text);
    else if (!spec_msg_matches(wrt_trap_message(t), text))
        spec_fail(cmd, "expected trap \"%s\", got \"%s\"", text,
                  wrt_trap_message(t));
    else
        spec_ok(cmd);
}

/* assert_trap, assert_exhaustion: the action traps with text. */
static void
spec_act_trap(int cmd, WrtRt *rt, void (*fn)(void), const char *text)
{
    if (rt == NULL) {
        spec_fail(cmd, "the module was not instantiated");
        return;
    }
    spec_trap_result(cmd, spec_call(rt, fn), text);
}

/* ---- import matching ("import matching: limits") ------------------------ */

/* A table or memory of current size cur matches an import's minimum. */
static int
spec_link_min(int cmd, const char *what, uint64_t cur, uint64_t min,
              int report)
{
    if (cur >= min)
        return 1;
    if (report)
        spec_fail(cmd, "unlinkable: %s: size %llu below the import's "
                  "minimum %llu", what, (unsigned long long)cur,
                  (unsigned long long)min);
    return 0;
}

/* ---- checks ------------------------------------------------------------ */

static int
spec_i32(int cmd, int k, uint32_t got, uint32_t want)
{
    if (got == want)
        return 1;
    spec_fail(cmd, "result %d: expected i32 %u (0x%08x), got %u (0x%08x)",
              k, (unsigned)want, (unsigned)want, (unsigned)got,
              (unsigned)got);
    return 0;
}

static int
spec_i64(int cmd, int k, uint64_t got, uint64_t want)
{
    if (got == want)
        return 1;
    spec_fail(cmd, "result %d: expected i64 %llu (0x%016llx), got %llu "
              "(0x%016llx)", k, (unsigned long long)want,
              (unsigned long long)want, (unsigned long long)got,
              (unsigned long long)got);
    return 0;
}

/* nan: 0 exact bits, 1 nan:canonical, 2 nan:arithmetic. */
static int
spec_f32(int cmd, int k, float gotf, uint32_t want, int nan)
{
    uint32_t got = wrt_i32_reinterpret_f32(gotf);
    int ok;

    if (nan == 1)
        ok = (got & 0x7FFFFFFFu) == 0x7FC00000u;
    else if (nan == 2)
        ok = (got & 0x7FC00000u) == 0x7FC00000u;
    else
        ok = got == want;
    if (ok)
        return 1;
    if (nan)
        spec_fail(cmd, "result %d: expected f32 nan:%s, got %.9g (0x%08x)",
                  k, nan == 1 ? "canonical" : "arithmetic", (double)gotf,
                  (unsigned)got);
    else
        spec_fail(cmd, "result %d: expected f32 %.9g (0x%08x), got %.9g "
                  "(0x%08x)", k, (double)wrt_f32_reinterpret_i32(want),
                  (unsigned)want, (double)gotf, (unsigned)got);
    return 0;
}

static int
spec_f64(int cmd, int k, double gotf, uint64_t want, int nan)
{
    uint64_t got = wrt_i64_reinterpret_f64(gotf);
    int ok;

    if (nan == 1)
        ok = (got & 0x7FFFFFFFFFFFFFFFull) == 0x7FF8000000000000ull;
    else if (nan == 2)
        ok = (got & 0x7FF8000000000000ull) == 0x7FF8000000000000ull;
    else
        ok = got == want;
    if (ok)
        return 1;
    if (nan)
        spec_fail(cmd, "result %d: expected f64 nan:%s, got %.17g "
                  "(0x%016llx)", k, nan == 1 ? "canonical" : "arithmetic",
                  gotf, (unsigned long long)got);
    else
        spec_fail(cmd, "result %d: expected f64 %.17g (0x%016llx), got "
                  "%.17g (0x%016llx)", k, wrt_f64_reinterpret_i64(want),
                  (unsigned long long)want, gotf, (unsigned long long)got);
    return 0;
}

/*
 * References.  externref N of the script is the host pointer N + 1, so
 * ref.extern 0 is not null.  kind: 0 null, 1 any non-null, 2 exactly want.
 */
#define SPEC_EXTERN(n) ((void *)(uintptr_t)((uint64_t)(n) + 1))

static int
spec_ref(int cmd, int k, const void *got, int kind, const void *want)
{
    int ok = kind == 0 ? got == NULL : kind == 1 ? got != NULL : got == want;

    if (ok)
        return 1;
    if (got == NULL)
        spec_fail(cmd, "result %d: expected a non-null reference, got "
                  "ref.null", k);
    else if (kind == 0)
        spec_fail(cmd, "result %d: expected ref.null, got a reference", k);
    else
        spec_fail(cmd, "result %d: expected ref.extern %llu, got host "
                  "reference %llu", k,
                  (unsigned long long)((uintptr_t)want - 1),
                  (unsigned long long)((uintptr_t)got - 1));
    return 0;
}

#ifdef SPEC_SIMD
/*
 * v128 results (w2c-spec defines SPEC_SIMD when the script has v128
 * values).  want_lo/want_hi are bytes 0..7 and 8..15 of the expected value
 * in Wasm lane order; bits and is_float give the shape the script wrote
 * (lanes of 8, 16, 32 or 64 bits); nans has one character per float lane:
 * '-' exact bits, 'c' nan:canonical, 'a' nan:arithmetic.  A wrt_v128 is the
 * 16-byte little-endian image of the vector on every host (rt/wrt.h), so
 * its bytes are read with memcpy.
 */
typedef char spec_v128_is_16_bytes[sizeof(wrt_v128) == 16 ? 1 : -1];

/* Lane k of a little-endian byte image, bits wide. */
static uint64_t
spec_lane(const uint8_t *b, unsigned bits, unsigned k)
{
    unsigned n = bits / 8, j;
    uint64_t x = 0;

    for (j = n; j > 0; j--)
        x = x << 8 | b[k * n + j - 1];
    return x;
}

static void
spec_print_lanes(char *out, size_t size, const uint8_t *b, unsigned bits,
                 int is_float, const char *nans)
{
    unsigned k, lanes = 128 / bits;
    size_t len = 0;

    out[0] = '\0';
    for (k = 0; k < lanes && len < size; k++) {
        uint64_t x = spec_lane(b, bits, k);
        const char *sep = k ? " " : "";
        int w;
        if (nans != NULL && nans[k] == 'c')
            w = snprintf(out + len, size - len, "%snan:canonical", sep);
        else if (nans != NULL && nans[k] == 'a')
            w = snprintf(out + len, size - len, "%snan:arithmetic", sep);
        else if (is_float && bits == 32)
            w = snprintf(out + len, size - len, "%s%.9g(0x%08x)", sep,
                         (double)wrt_f32_reinterpret_i32((uint32_t)x),
                         (unsigned)x);
        else if (is_float)
            w = snprintf(out + len, size - len, "%s%.17g(0x%016llx)", sep,
                         wrt_f64_reinterpret_i64(x), (unsigned long long)x);
        else
            w = snprintf(out + len, size - len, "%s0x%0*llx", sep,
                         (int)(bits / 4), (unsigned long long)x);
        if (w < 0)
            break;
        len += (size_t)w;
    }
}

static int
spec_v128(int cmd, int k, wrt_v128 gotv, uint64_t want_lo, uint64_t want_hi,
          unsigned bits, int is_float, const char *nans)
{
    static const char *const shapes[2][4] = {
        {"i8x16", "i16x8", "i32x4", "i64x2"},
        {"?", "?", "f32x4", "f64x2"}
    };
    uint8_t got[16], want[16];
    char gs[400], ws[400];
    unsigned i, lanes = 128 / bits, si;
    int ok = 1;

    memcpy(got, &gotv, 16);
    for (i = 0; i < 8; i++) {
        want[i] = (uint8_t)(want_lo >> (8 * i));
        want[8 + i] = (uint8_t)(want_hi >> (8 * i));
    }
    for (i = 0; i < lanes; i++) {
        uint64_t g = spec_lane(got, bits, i);
        char nk = is_float && nans[i] ? nans[i] : '-';
        if (nk == 'c' && bits == 32)
            ok = ok && (g & 0x7FFFFFFFu) == 0x7FC00000u;
        else if (nk == 'a' && bits == 32)
            ok = ok && (g & 0x7FC00000u) == 0x7FC00000u;
        else if (nk == 'c')
            ok = ok && (g & 0x7FFFFFFFFFFFFFFFull) == 0x7FF8000000000000ull;
        else if (nk == 'a')
            ok = ok && (g & 0x7FF8000000000000ull) == 0x7FF8000000000000ull;
        else
            ok = ok && g == spec_lane(want, bits, i);
    }
    if (ok)
        return 1;
    si = bits == 8 ? 0 : bits == 16 ? 1 : bits == 32 ? 2 : 3;
    spec_print_lanes(ws, sizeof ws, want, bits, is_float,
                     is_float ? nans : NULL);
    spec_print_lanes(gs, sizeof gs, got, bits, is_float, NULL);
    spec_fail(cmd, "result %d: expected v128 %s [%s], got [%s]", k,
              shapes[is_float ? 1 : 0][si], ws, gs);
    return 0;
}
#endif /* SPEC_SIMD */

/* ---- the spectest module ----------------------------------------------- */

static uint32_t spectest_global_i32 = 666;
static uint64_t spectest_global_i64 = 666;
static float spectest_global_f32;
static double spectest_global_f64;
static WrtTable spectest_table;
static WrtMemory spectest_memory;

static void
spectest_print(void *ctx)
{
    (void)ctx;
    printf("print\n");
}

static void
spectest_print_i32(void *ctx, uint32_t x)
{
    (void)ctx;
    printf("%d : i32\n", (int)(int32_t)x);
}

static void
spectest_print_i64(void *ctx, uint64_t x)
{
    (void)ctx;
    printf("%lld : i64\n", (long long)(int64_t)x);
}

/* floats pass as the module passes them (WRT_FPCALL) */
static WRT_FPCALL void
spectest_print_f32(void *ctx, float x)
{
    (void)ctx;
    printf("%.9g : f32\n", (double)x);
}

static WRT_FPCALL void
spectest_print_f64(void *ctx, double x)
{
    (void)ctx;
    printf("%.17g : f64\n", x);
}

static WRT_FPCALL void
spectest_print_i32_f32(void *ctx, uint32_t x, float y)
{
    spectest_print_i32(ctx, x);
    spectest_print_f32(ctx, y);
}

static WRT_FPCALL void
spectest_print_f64_f64(void *ctx, double x, double y)
{
    spectest_print_f64(ctx, x);
    spectest_print_f64(ctx, y);
}

/*
 * The stack limit for every instance (see the top of the file), the
 * spectest instance, and a time limit so a runaway loop cannot hang the
 * run.  stdout is line buffered: a crash loses no result already printed.
 */
static void
spec_init(void)
{
    struct rlimit rl;
    uintptr_t size = (uintptr_t)8 << 20;
    char here;

    setvbuf(stdout, NULL, _IOLBF, 0);
    alarm(SPEC_TIME_LIMIT);
    if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        rl.rlim_cur < (rlim_t)((uintptr_t)1 << 30))
        size = (uintptr_t)rl.rlim_cur;
    size -= size / 8;
    if (size > SPEC_STACK_MARGIN && (uintptr_t)&here > size)
        spec_stack_limit = (uintptr_t)&here - (size - SPEC_STACK_MARGIN);
    spectest_global_f32 = wrt_f32_reinterpret_i32(0x4426A666u); /* 666.6 */
    spectest_global_f64 = wrt_f64_reinterpret_i64(0x4084D4CCCCCCCCCDull);
    if (wrt_table_init(&spectest_table, NULL, 1, 10, 20) != 0 ||
#if SPEC_GUARD
        wrt_memory_init_guard(&spectest_memory, NULL, 1, 2) != 0) {
#else
        wrt_memory_init(&spectest_memory, NULL, 1, 2) != 0) {
#endif
        printf("spec: out of memory\n");
        exit(70);
    }
}
