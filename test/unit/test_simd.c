/*
 * test_simd.c - the SIMD helpers of rt/wrt_simd.h against scalar
 * references written here, lane by lane, from the spec's definitions.
 *
 * test_unit.py builds this file twice, as is (the fast path on this host)
 * and with -DWRT_SIMD_PORTABLE=1; each build must exit 0, and both must
 * print the same digest: a hash of every result bit pattern, NaN payloads
 * included, so the two paths are bit-identical on these inputs.
 *
 * Inputs mix random bits with edge values in every lane shape: signed and
 * unsigned limits, +-0, +-inf, canonical, payload and signalling NaNs,
 * ties for rounding, the limits of each saturating conversion.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wrt.h"

typedef wrt_v128 V;

static unsigned failures;
static uint32_t digest = 2166136261u;   /* FNV-1a */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t
rnd(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}

/* ---- byte images and lanes -------------------------------------------- */

static void
img(uint8_t *out, V v)
{
    memcpy(out, &v, 16);
}

static V
mk(const uint8_t *in)
{
    V v;
    memcpy(&v, in, 16);
    return v;
}

static uint64_t
lane(const uint8_t *b, unsigned w, unsigned i)
{
    uint64_t x = 0;
    unsigned k;

    for (k = w / 8; k-- > 0;)
        x = (x << 8) | b[i * (w / 8) + k];
    return x;
}

static void
setlane(uint8_t *b, unsigned w, unsigned i, uint64_t x)
{
    unsigned k;

    for (k = 0; k < w / 8; k++, x >>= 8)
        b[i * (w / 8) + k] = (uint8_t)x;
}

static uint64_t
mask(unsigned w)
{
    return w == 64 ? ~0ull : (1ull << w) - 1;
}

/* sign-extend the low w bits */
static int64_t
sx(uint64_t x, unsigned w)
{
    x &= mask(w);
    if (w < 64 && (x >> (w - 1)))
        x |= ~mask(w);
    return (int64_t)x;
}

static int64_t
smin(unsigned w)
{
    return -(int64_t)(1ull << (w - 1) >> 1) * 2;
}

static int64_t
smax(unsigned w)
{
    return (int64_t)((1ull << (w - 1)) - 1);
}

static float
f32of(uint64_t bits)
{
    float f;
    uint32_t u = (uint32_t)bits;
    memcpy(&f, &u, 4);
    return f;
}

static uint32_t
bits32(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static double
f64of(uint64_t bits)
{
    double f;
    memcpy(&f, &bits, 8);
    return f;
}

static uint64_t
bits64(double f)
{
    uint64_t u;
    memcpy(&u, &f, 8);
    return u;
}

static void
note(V v)
{
    uint8_t b[16];
    unsigned i;

    img(b, v);
    for (i = 0; i < 16; i++) {
        digest ^= b[i];
        digest *= 16777619u;
    }
}

static void
note32(uint32_t x)
{
    V v = wrt_v128_make(x, 0);
    note(v);
}

static void
fail(const char *op, const uint8_t *a, const uint8_t *b, const char *what,
     unsigned i)
{
    unsigned k;

    if (++failures > 40)
        return;
    printf("FAIL %s lane %u: %s\n  a =", op, i, what);
    for (k = 0; k < 16; k++)
        printf(" %02x", a[k]);
    if (b != NULL) {
        printf("\n  b =");
        for (k = 0; k < 16; k++)
            printf(" %02x", b[k]);
    }
    printf("\n");
}

/* ---- inputs ----------------------------------------------------------- */

static const uint32_t f32_edge[] = {
    0x00000000u, 0x80000000u, 0x7F800000u, 0xFF800000u, 0x7FC00000u,
    0xFFC00000u, 0x7FC12345u, 0xFFA00001u, 0x7F800001u, 0x3F000000u,
    0xBF000000u, 0x3FC00000u, 0xBFC00000u, 0x40200000u, 0xC0200000u,
    0x3F800000u, 0xBF800000u, 0x4B000000u, 0x4AFFFFFFu, 0xCAFFFFFFu,
    0x4B7FFFFFu, 0x4F000000u, 0xCF000000u, 0x4EFFFFFFu, 0xCF000001u,
    0x4F800000u, 0x4F7FFFFFu, 0x00000001u, 0x807FFFFFu, 0x7F7FFFFFu,
    0xFF7FFFFFu, 0x3EFFFFFFu, 0xBF7FFFFFu, 0x3F7FFFFFu, 0x4B400001u,
};

static const uint64_t f64_edge[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x7FF0000000000000ull,
    0xFFF0000000000000ull, 0x7FF8000000000000ull, 0xFFF8000000000000ull,
    0x7FF8000123456789ull, 0xFFF4000000000001ull, 0x7FF0000000000001ull,
    0x3FE0000000000000ull, 0xBFE0000000000000ull, 0x3FF8000000000000ull,
    0xC004000000000000ull, 0x4330000000000000ull, 0x432FFFFFFFFFFFFFull,
    0xC32FFFFFFFFFFFFFull, 0x41E0000000000000ull, 0xC1E0000000000000ull,
    0x41DFFFFFFFC00000ull, 0xC1E0000000200000ull, 0xC1E0000000100000ull,
    0x41EFFFFFFFE00000ull, 0x41F0000000000000ull, 0x41EFFFFFFFFFFFFFull,
    0xBFEFFFFFFFFFFFFFull, 0x0000000000000001ull, 0x7FEFFFFFFFFFFFFFull,
    0x3FDFFFFFFFFFFFFFull, 0x47EFFFFFE0000000ull, 0x47EFFFFFF0000000ull,
    0x36A0000000000000ull, 0x3690000000000001ull,
};

static const uint64_t int_edge[] = {
    0, 1, 2, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFFFFFF,
    0x80000000, 0xFFFFFFFF, 0x7FFFFFFFFFFFFFFFull, 0x8000000000000000ull,
    0xFFFFFFFFFFFFFFFFull, 0x4000, 0xC000, 0x8001, 0x7F7F, 0x0101,
};

/* A random vector; kind picks the mix of lane values. */
static V
gen(void)
{
    uint8_t b[16];
    unsigned i, kind = (unsigned)(rnd() % 8);

    for (i = 0; i < 16; i += 8)
        setlane(b, 64, i / 8, rnd());
    switch (kind) {
    case 0:
        break;
    case 1: case 2:
        for (i = 0; i < 4; i++)
            if (rnd() % 3)
                setlane(b, 32, i, f32_edge[rnd() % (sizeof f32_edge / 4)]);
        break;
    case 3:
        for (i = 0; i < 2; i++)
            if (rnd() % 3)
                setlane(b, 64, i, f64_edge[rnd() % (sizeof f64_edge / 8)]);
        break;
    case 4:
        /* small floats, many with halves: rounding and conversions */
        for (i = 0; i < 4; i++)
            setlane(b, 32, i, bits32((float)((int32_t)(rnd() % 2001) -
                                             1000) * 0.25f));
        break;
    case 5:
        for (i = 0; i < 2; i++)
            setlane(b, 64, i, bits64((double)((int64_t)(rnd() % 20001) -
                                              10000) * 0.125));
        break;
    default: {
        unsigned w = 8u << (rnd() % 4);
        for (i = 0; i < 128 / w; i++)
            if (rnd() % 2)
                setlane(b, w, i,
                        int_edge[rnd() % (sizeof int_edge / 8)] ^
                            (rnd() % 4 == 0 ? mask(w) : 0));
        break;
    }
    }
    return mk(b);
}

/* ---- integer lane-wise operations ------------------------------------- */

/* The helpers' calling convention (WRT_FPCALL, wrt.h) is part of their type. */
typedef V (WRT_FPCALL *Bin)(V, V);
typedef V (WRT_FPCALL *Un)(V);
typedef V (WRT_FPCALL *Shift)(V, uint32_t);
typedef uint64_t (*Ref2)(uint64_t, uint64_t, unsigned);
typedef uint64_t (*Ref1)(uint64_t, unsigned);

static uint64_t
bool_mask(int c)
{
    return c ? ~0ull : 0;
}

static int64_t
clamp(int64_t x, int64_t lo, int64_t hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

#define U(x) ((x) & mask(w))
static uint64_t r_add(uint64_t a, uint64_t b, unsigned w) { return U(a + b); }
static uint64_t r_sub(uint64_t a, uint64_t b, unsigned w) { return U(a - b); }
static uint64_t r_mul(uint64_t a, uint64_t b, unsigned w) { return U(a * b); }
static uint64_t r_eq(uint64_t a, uint64_t b, unsigned w)
{ return bool_mask(U(a) == U(b)); }
static uint64_t r_ne(uint64_t a, uint64_t b, unsigned w)
{ return bool_mask(U(a) != U(b)); }
static uint64_t r_lt_s(uint64_t a, uint64_t b, unsigned w)
{ return bool_mask(sx(a, w) < sx(b, w)); }
static uint64_t r_gt_s(uint64_t a, uint64_t b, unsigned w)
{ return bool_mask(sx(a, w) > sx(b, w)); }
static uint64_t r_le_s(uint64_t a, uint64_t b, unsigned w)
{ return bool_mask(sx(a, w) <= sx(b, w)); }
static uint64_t r_ge_s(uint64_t a, uint64_t b, unsigned w)
{ return bool_mask(sx(a, w) >= sx(b, w)); }
static uint64_t r_lt_u(uint64_t a, uint64_t b, unsigned w)
{ return bool_mask(U(a) < U(b)); }
static uint64_t r_gt_u(uint64_t a, uint64_t b, unsigned w)
{ return bool_mask(U(a) > U(b)); }
static uint64_t r_le_u(uint64_t a, uint64_t b, unsigned w)
{ return bool_mask(U(a) <= U(b)); }
static uint64_t r_ge_u(uint64_t a, uint64_t b, unsigned w)
{ return bool_mask(U(a) >= U(b)); }
static uint64_t r_min_s(uint64_t a, uint64_t b, unsigned w)
{ return sx(a, w) < sx(b, w) ? a : b; }
static uint64_t r_max_s(uint64_t a, uint64_t b, unsigned w)
{ return sx(a, w) > sx(b, w) ? a : b; }
static uint64_t r_min_u(uint64_t a, uint64_t b, unsigned w)
{ return U(a) < U(b) ? a : b; }
static uint64_t r_max_u(uint64_t a, uint64_t b, unsigned w)
{ return U(a) > U(b) ? a : b; }
static uint64_t r_add_sat_s(uint64_t a, uint64_t b, unsigned w)
{ return (uint64_t)clamp(sx(a, w) + sx(b, w), smin(w), smax(w)); }
static uint64_t r_sub_sat_s(uint64_t a, uint64_t b, unsigned w)
{ return (uint64_t)clamp(sx(a, w) - sx(b, w), smin(w), smax(w)); }
static uint64_t r_add_sat_u(uint64_t a, uint64_t b, unsigned w)
{ return (uint64_t)clamp((int64_t)(U(a) + U(b)), 0, (int64_t)mask(w)); }
static uint64_t r_sub_sat_u(uint64_t a, uint64_t b, unsigned w)
{ return (uint64_t)clamp((int64_t)U(a) - (int64_t)U(b), 0, (int64_t)mask(w)); }
static uint64_t r_avgr_u(uint64_t a, uint64_t b, unsigned w)
{ return (U(a) + U(b) + 1) / 2; }
static uint64_t r_q15(uint64_t a, uint64_t b, unsigned w)
{
    /* floor((a * b + 2^14) / 2^15) by exact arithmetic on int64_t */
    int64_t p = sx(a, w) * sx(b, w) + 0x4000;
    int64_t q = (p - ((p % 32768 + 32768) % 32768)) / 32768;
    return (uint64_t)clamp(q, -32768, 32767);
}
static uint64_t r_neg(uint64_t a, unsigned w) { return U(0 - a); }
static uint64_t r_abs(uint64_t a, unsigned w)
{ return sx(a, w) < 0 ? U(0 - a) : U(a); }
static uint64_t r_popcnt(uint64_t a, unsigned w)
{
    uint64_t n = 0;
    for (a = U(a); a; a >>= 1)
        n += a & 1;
    return n;
}
#undef U

static void
check_int2(const char *name, Bin f, unsigned w, Ref2 ref, unsigned n)
{
    unsigned t, i;

    for (t = 0; t < n; t++) {
        V a = gen(), b = t % 5 == 0 ? a : gen(), r = f(a, b);
        uint8_t ab[16], bb[16], rb[16];
        img(ab, a);
        img(bb, b);
        img(rb, r);
        note(r);
        for (i = 0; i < 128 / w; i++)
            if (lane(rb, w, i) != (ref(lane(ab, w, i), lane(bb, w, i), w) &
                                   mask(w))) {
                fail(name, ab, bb, "wrong value", i);
                break;
            }
    }
}

static void
check_int1(const char *name, Un f, unsigned w, Ref1 ref, unsigned n)
{
    unsigned t, i;

    for (t = 0; t < n; t++) {
        V a = gen(), r = f(a);
        uint8_t ab[16], rb[16];
        img(ab, a);
        img(rb, r);
        note(r);
        for (i = 0; i < 128 / w; i++)
            if (lane(rb, w, i) != (ref(lane(ab, w, i), w) & mask(w))) {
                fail(name, ab, NULL, "wrong value", i);
                break;
            }
    }
}

/* x / 2^s rounded down, one halving at a time */
static int64_t
floor_shift(int64_t x, unsigned s)
{
    while (s-- > 0)
        x = x < 0 ? -((-(x + 1)) / 2) - 1 : x / 2;
    return x;
}

static void
check_shift(const char *name, Shift f, unsigned w, int kind)
{
    unsigned t, i;

    for (t = 0; t < 400; t++) {
        uint32_t c = t < 2 * w + 4 ? t : (uint32_t)rnd();
        V a = gen(), r = f(a, c);
        uint8_t ab[16], rb[16];
        unsigned s = c % w;
        img(ab, a);
        img(rb, r);
        note(r);
        for (i = 0; i < 128 / w; i++) {
            uint64_t x = lane(ab, w, i), want;
            if (kind == 0)
                want = (x << s) & mask(w);
            else if (kind == 1)
                want = (uint64_t)floor_shift(sx(x, w), s) & mask(w);
            else
                want = x >> s;
            if (lane(rb, w, i) != want) {
                fail(name, ab, NULL, "wrong shift", i);
                break;
            }
        }
    }
}

/* ---- float lane-wise operations --------------------------------------- */

/*
 * A float result: exact bits, or for an expected NaN, a quiet NaN that is
 * canonical when every NaN operand was (the spec's NaN propagation).
 */
static int
nan_ok(uint64_t r, unsigned w, const uint64_t *in, unsigned nin)
{
    uint64_t quiet = w == 32 ? 0x00400000u : 0x0008000000000000ull;
    uint64_t expo = w == 32 ? 0x7F800000u : 0x7FF0000000000000ull;
    uint64_t frac = w == 32 ? 0x007FFFFFu : 0x000FFFFFFFFFFFFFull;
    unsigned k;
    int canon = 1;

    if ((r & expo) != expo || (r & quiet) == 0)
        return 0;
    for (k = 0; k < nin; k++)
        if ((in[k] & expo) == expo && (in[k] & frac) != 0 &&
            (in[k] & frac) != quiet)
            canon = 0;
    return !canon || (r & frac) == quiet;
}

/* a NaN whose payload is only the quiet bit */
static int
is_canon(uint64_t x, unsigned w)
{
    return w == 32 ? (x & 0x7FFFFFFFu) == 0x7FC00000u
                   : (x & 0x7FFFFFFFFFFFFFFFull) == 0x7FF8000000000000ull;
}

static int
is_nan_bits(uint64_t x, unsigned w)
{
    return w == 32 ? f32of(x) != f32of(x) : f64of(x) != f64of(x);
}

enum { F_ADD, F_SUB, F_MUL, F_DIV, F_MIN, F_MAX, F_PMIN, F_PMAX, F_EQ, F_NE,
       F_LT, F_GT, F_LE, F_GE, F_ABS, F_NEG, F_SQRT, F_CEIL, F_FLOOR,
       F_TRUNC, F_NEAREST };

/* The reference of one lane as bits; *exact when NaN bits are fixed. */
static uint64_t
fref(int op, uint64_t xa, uint64_t xb, unsigned w, int *exact)
{
    double a = w == 32 ? (double)f32of(xa) : f64of(xa);
    double b = w == 32 ? (double)f32of(xb) : f64of(xb);
    double r = 0;
    uint64_t sign = w == 32 ? 0x80000000u : 0x8000000000000000ull;

    *exact = 0;
    switch (op) {
    case F_ADD: r = a + b; break;
    case F_SUB: r = a - b; break;
    case F_MUL: r = a * b; break;
    case F_DIV: r = a / b; break;
    case F_SQRT: r = sqrt(a); break;
    case F_CEIL: r = ceil(a); break;
    case F_FLOOR: r = floor(a); break;
    case F_TRUNC: r = trunc(a); break;
    case F_NEAREST:
        /* ties to even, by hand */
        r = floor(a);
        if (a - r > 0.5 || (a - r == 0.5 && fmod(r, 2.0) != 0))
            r += 1;
        if (r == 0)
            r = copysign(0.0, a);
        if (a != a || isinf(a))
            r = a;
        break;
    case F_MIN: case F_MAX:
        if (a != a || b != b)
            r = a + b;
        else if (a == 0 && b == 0)
            r = (op == F_MIN) == (signbit(a) != 0) ? a : b;
        else
            r = (op == F_MIN) == (a < b) ? a : b;
        break;
    case F_PMIN: *exact = 1; return b < a ? xb : xa;
    case F_PMAX: *exact = 1; return a < b ? xb : xa;
    case F_ABS: *exact = 1; return xa & ~sign;
    case F_NEG: *exact = 1; return xa ^ sign;
    case F_EQ: *exact = 1; return bool_mask(a == b) & mask(w);
    case F_NE: *exact = 1; return bool_mask(a != b) & mask(w);
    case F_LT: *exact = 1; return bool_mask(a < b) & mask(w);
    case F_GT: *exact = 1; return bool_mask(a > b) & mask(w);
    case F_LE: *exact = 1; return bool_mask(a <= b) & mask(w);
    case F_GE: *exact = 1; return bool_mask(a >= b) & mask(w);
    default: break;
    }
    if (r != r)
        return w == 32 ? 0x7FC00000u : 0x7FF8000000000000ull;
    return w == 32 ? bits32((float)r) : bits64(r);
}

static void
check_float(const char *name, Bin f2, Un f1, unsigned w, int op)
{
    unsigned t, i;

    for (t = 0; t < 3000; t++) {
        V a = gen(), b = t % 7 == 0 ? a : gen();
        V r = f2 ? f2(a, b) : f1(a);
        uint8_t ab[16], bb[16], rb[16], hb[16];
        img(ab, a);
        img(bb, b);
        img(rb, r);
        /*
         * Which payload a + b keeps when both are NaN is the C compiler's
         * choice (it may swap the operands) and the spec's too: hash
         * those lanes as the canonical NaN, after nan_ok checked them.
         */
        memcpy(hb, rb, 16);
        for (i = 0; i < 128 / w && op <= F_DIV; i++)
            if (is_nan_bits(lane(ab, w, i), w) &&
                is_nan_bits(lane(bb, w, i), w))
                setlane(hb, w, i, w == 32 ? 0x7FC00000u
                                          : 0x7FF8000000000000ull);
        note(mk(hb));
        for (i = 0; i < 128 / w; i++) {
            uint64_t in[2], got = lane(rb, w, i), want;
            int exact;
            in[0] = lane(ab, w, i);
            in[1] = lane(bb, w, i);
            want = fref(op, in[0], f2 ? in[1] : 0, w, &exact);
            if (!exact && is_nan_bits(want, w)
                    ? !nan_ok(got, w, in, f2 ? 2 : 1)
                    : got != want) {
                fail(name, ab, f2 ? bb : NULL, "wrong float", i);
                break;
            }
        }
    }
}

/* ---- whole-vector operations ------------------------------------------ */

/* Compare r with the expected image; NaN lanes of shape fw follow nan_ok. */
static void
expect(const char *name, V r, const uint8_t *want, const uint8_t *a,
       const uint8_t *b, unsigned fw)
{
    uint8_t rb[16];
    unsigned i;

    img(rb, r);
    note(r);
    for (i = 0; i < (fw ? 128 / fw : 1); i++) {
        if (fw) {
            uint64_t g = lane(rb, fw, i), e = lane(want, fw, i);
            if (is_nan_bits(e, fw) && e == (fw == 32 ? 0x7FC00000u
                                                     : 0x7FF8000000000000ull))
                continue;   /* checked by the caller */
            if (g != e) {
                fail(name, a, b, "wrong lane", i);
                return;
            }
        } else if (memcmp(rb, want, 16) != 0) {
            fail(name, a, b, "wrong vector", 0);
            return;
        }
    }
}

static void
check_bitwise(void)
{
    unsigned t, i;

    for (t = 0; t < 2000; t++) {
        V a = gen(), b = gen(), c = gen();
        uint8_t ab[16], bb[16], cb[16], w[16];
        img(ab, a);
        img(bb, b);
        img(cb, c);
        for (i = 0; i < 16; i++)
            w[i] = (uint8_t)~ab[i];
        expect("v128.not", wrt_v128_not(a), w, ab, NULL, 0);
        for (i = 0; i < 16; i++)
            w[i] = ab[i] & bb[i];
        expect("v128.and", wrt_v128_and(a, b), w, ab, bb, 0);
        for (i = 0; i < 16; i++)
            w[i] = (uint8_t)(ab[i] & ~bb[i]);
        expect("v128.andnot", wrt_v128_andnot(a, b), w, ab, bb, 0);
        for (i = 0; i < 16; i++)
            w[i] = ab[i] | bb[i];
        expect("v128.or", wrt_v128_or(a, b), w, ab, bb, 0);
        for (i = 0; i < 16; i++)
            w[i] = ab[i] ^ bb[i];
        expect("v128.xor", wrt_v128_xor(a, b), w, ab, bb, 0);
        for (i = 0; i < 16; i++)
            w[i] = (uint8_t)((ab[i] & cb[i]) | (bb[i] & ~cb[i]));
        expect("v128.bitselect", wrt_v128_bitselect(a, b, c), w, ab, bb, 0);
    }
}

static uint32_t
ref_any(const uint8_t *b)
{
    unsigned i;
    for (i = 0; i < 16; i++)
        if (b[i])
            return 1;
    return 0;
}

static void
check_reductions(void)
{
    static const struct {
        const char *name;
        uint32_t (WRT_FPCALL *all)(V);
        uint32_t (WRT_FPCALL *mask)(V);
        unsigned w;
    } red[] = {
        {"i8x16", wrt_i8x16_all_true, wrt_i8x16_bitmask, 8},
        {"i16x8", wrt_i16x8_all_true, wrt_i16x8_bitmask, 16},
        {"i32x4", wrt_i32x4_all_true, wrt_i32x4_bitmask, 32},
        {"i64x2", wrt_i64x2_all_true, wrt_i64x2_bitmask, 64},
    };
    unsigned t, k, i;

    for (t = 0; t < 3000; t++) {
        uint8_t ab[16];
        V a = gen();
        img(ab, a);
        /* make some zero lanes and zero vectors */
        if (t % 3 == 0)
            ab[rnd() % 16] = 0;
        if (t % 50 == 0)
            memset(ab, 0, 16);
        if (t % 7 == 0)
            for (i = 0; i < 16; i++)
                ab[i] |= 1;
        a = mk(ab);
        if (wrt_v128_any_true(a) != ref_any(ab))
            fail("v128.any_true", ab, NULL, "wrong", 0);
        note32(wrt_v128_any_true(a));
        for (k = 0; k < 4; k++) {
            unsigned w = red[k].w;
            uint32_t all = 1, m = 0;
            for (i = 0; i < 128 / w; i++) {
                if (lane(ab, w, i) == 0)
                    all = 0;
                m |= (uint32_t)(lane(ab, w, i) >> (w - 1)) << i;
            }
            if (red[k].all(a) != all)
                fail(red[k].name, ab, NULL, "all_true", 0);
            if (red[k].mask(a) != m)
                fail(red[k].name, ab, NULL, "bitmask", 0);
            note32(red[k].all(a));
            note32(red[k].mask(a));
        }
    }
}

/* narrow, extend, extmul, extadd_pairwise, dot, shuffle, swizzle */
static void
check_shapes(void)
{
    static const struct {
        const char *name;
        Bin f;
        unsigned ww;
        int lo, hi;
    } nar[] = {
        {"i8x16.narrow_i16x8_s", wrt_i8x16_narrow_i16x8_s, 16, -128, 127},
        {"i8x16.narrow_i16x8_u", wrt_i8x16_narrow_i16x8_u, 16, 0, 255},
        {"i16x8.narrow_i32x4_s", wrt_i16x8_narrow_i32x4_s, 32, -32768,
         32767},
        {"i16x8.narrow_i32x4_u", wrt_i16x8_narrow_i32x4_u, 32, 0, 65535},
    };
    /* extend: (narrow width, high half, signed) */
    static const struct {
        const char *name;
        Un f;
        Bin mul;
        unsigned nw, hi, s;
    } ext[] = {
        {"i16x8.ext*_low_i8x16_s", wrt_i16x8_extend_low_i8x16_s,
         wrt_i16x8_extmul_low_i8x16_s, 8, 0, 1},
        {"i16x8.ext*_high_i8x16_s", wrt_i16x8_extend_high_i8x16_s,
         wrt_i16x8_extmul_high_i8x16_s, 8, 1, 1},
        {"i16x8.ext*_low_i8x16_u", wrt_i16x8_extend_low_i8x16_u,
         wrt_i16x8_extmul_low_i8x16_u, 8, 0, 0},
        {"i16x8.ext*_high_i8x16_u", wrt_i16x8_extend_high_i8x16_u,
         wrt_i16x8_extmul_high_i8x16_u, 8, 1, 0},
        {"i32x4.ext*_low_i16x8_s", wrt_i32x4_extend_low_i16x8_s,
         wrt_i32x4_extmul_low_i16x8_s, 16, 0, 1},
        {"i32x4.ext*_high_i16x8_s", wrt_i32x4_extend_high_i16x8_s,
         wrt_i32x4_extmul_high_i16x8_s, 16, 1, 1},
        {"i32x4.ext*_low_i16x8_u", wrt_i32x4_extend_low_i16x8_u,
         wrt_i32x4_extmul_low_i16x8_u, 16, 0, 0},
        {"i32x4.ext*_high_i16x8_u", wrt_i32x4_extend_high_i16x8_u,
         wrt_i32x4_extmul_high_i16x8_u, 16, 1, 0},
        {"i64x2.ext*_low_i32x4_s", wrt_i64x2_extend_low_i32x4_s,
         wrt_i64x2_extmul_low_i32x4_s, 32, 0, 1},
        {"i64x2.ext*_high_i32x4_s", wrt_i64x2_extend_high_i32x4_s,
         wrt_i64x2_extmul_high_i32x4_s, 32, 1, 1},
        {"i64x2.ext*_low_i32x4_u", wrt_i64x2_extend_low_i32x4_u,
         wrt_i64x2_extmul_low_i32x4_u, 32, 0, 0},
        {"i64x2.ext*_high_i32x4_u", wrt_i64x2_extend_high_i32x4_u,
         wrt_i64x2_extmul_high_i32x4_u, 32, 1, 0},
    };
    static const struct {
        const char *name;
        Un f;
        unsigned nw, s;
    } pair[] = {
        {"i16x8.extadd_pairwise_i8x16_s", wrt_i16x8_extadd_pairwise_i8x16_s,
         8, 1},
        {"i16x8.extadd_pairwise_i8x16_u", wrt_i16x8_extadd_pairwise_i8x16_u,
         8, 0},
        {"i32x4.extadd_pairwise_i16x8_s", wrt_i32x4_extadd_pairwise_i16x8_s,
         16, 1},
        {"i32x4.extadd_pairwise_i16x8_u", wrt_i32x4_extadd_pairwise_i16x8_u,
         16, 0},
    };
    unsigned t, k, i;

    for (t = 0; t < 2000; t++) {
        V a = gen(), b = gen();
        uint8_t ab[16], bb[16], w[16], idx[16];
        img(ab, a);
        img(bb, b);
        for (k = 0; k < 4; k++) {
            unsigned ww = nar[k].ww, nw = ww / 2, n = 128 / ww;
            for (i = 0; i < n; i++) {
                setlane(w, nw, i, (uint64_t)clamp(sx(lane(ab, ww, i), ww),
                                                  nar[k].lo, nar[k].hi));
                setlane(w, nw, i + n,
                        (uint64_t)clamp(sx(lane(bb, ww, i), ww), nar[k].lo,
                                        nar[k].hi));
            }
            expect(nar[k].name, nar[k].f(a, b), w, ab, bb, 0);
        }
        for (k = 0; k < 12; k++) {
            unsigned nw = ext[k].nw, ww = 2 * nw, n = 128 / ww;
            uint8_t m[16];
            for (i = 0; i < n; i++) {
                uint64_t x = lane(ab, nw, i + ext[k].hi * n);
                uint64_t y = lane(bb, nw, i + ext[k].hi * n);
                if (ext[k].s) {
                    x = (uint64_t)sx(x, nw);
                    y = (uint64_t)sx(y, nw);
                }
                setlane(w, ww, i, x);
                setlane(m, ww, i, x * y);
            }
            expect(ext[k].name, ext[k].f(a), w, ab, NULL, 0);
            expect(ext[k].name, ext[k].mul(a, b), m, ab, bb, 0);
        }
        for (k = 0; k < 4; k++) {
            unsigned nw = pair[k].nw, ww = 2 * nw;
            for (i = 0; i < 128 / ww; i++) {
                uint64_t x = lane(ab, nw, 2 * i), y = lane(ab, nw, 2 * i + 1);
                if (pair[k].s) {
                    x = (uint64_t)sx(x, nw);
                    y = (uint64_t)sx(y, nw);
                }
                setlane(w, ww, i, x + y);
            }
            expect(pair[k].name, pair[k].f(a), w, ab, NULL, 0);
        }
        for (i = 0; i < 4; i++)
            setlane(w, 32, i,
                    (uint64_t)(sx(lane(ab, 16, 2 * i), 16) *
                                   sx(lane(bb, 16, 2 * i), 16) +
                               sx(lane(ab, 16, 2 * i + 1), 16) *
                                   sx(lane(bb, 16, 2 * i + 1), 16)));
        expect("i32x4.dot_i16x8_s", wrt_i32x4_dot_i16x8_s(a, b), w, ab, bb,
               0);
        for (i = 0; i < 16; i++)
            idx[i] = (uint8_t)(t % 4 == 0 ? rnd() % 32 : (i + t) % 32);
        for (i = 0; i < 16; i++)
            w[i] = idx[i] < 16 ? ab[idx[i]] : bb[idx[i] - 16];
        expect("i8x16.shuffle", wrt_i8x16_shuffle(a, b, idx), w, ab, bb, 0);
        for (i = 0; i < 16; i++) {
            /* swizzle indices: in range, just out, and any byte */
            if (t % 3 == 0)
                bb[i] = (uint8_t)(bb[i] % 20);
            else if (t % 3 == 1)
                bb[i] = (uint8_t)(bb[i] % 16);
        }
        b = mk(bb);
        for (i = 0; i < 16; i++)
            w[i] = bb[i] < 16 ? ab[bb[i]] : 0;
        expect("i8x16.swizzle", wrt_i8x16_swizzle(a, b), w, ab, bb, 0);
    }
}

/* Want for a shuffle of a:b by byte indices ix; expect r to be it. */
static void
expect_shuffle(const char *name, V r, V a, V b, const uint8_t *ix)
{
    uint8_t ab[16], bb[16], w[16];
    unsigned i;

    img(ab, a);
    img(bb, b);
    for (i = 0; i < 16; i++)
        w[i] = ix[i] < 16 ? ab[ix[i]] : bb[ix[i] - 16];
    expect(name, r, w, ab, bb, 0);
}

/* constant shuffles, in each of the shapes generated code uses */
static void
check_const_shuffle(void)
{
    static const uint8_t bytes[16] = {31, 0, 30, 1, 29, 2, 28, 3,
                                      16, 17, 18, 19, 4, 5, 6, 7};
    static const uint8_t h[16] = {2, 3, 30, 31, 0, 1, 16, 17,
                                  14, 15, 14, 15, 8, 9, 20, 21};
    static const uint8_t w[16] = {12, 13, 14, 15, 16, 17, 18, 19,
                                  0, 1, 2, 3, 28, 29, 30, 31};
    static const uint8_t d[16] = {24, 25, 26, 27, 28, 29, 30, 31,
                                  0, 1, 2, 3, 4, 5, 6, 7};
    uint8_t sh[16];
    unsigned t, i;

    for (t = 0; t < 50; t++) {
        V a = gen(), b = gen();

        expect_shuffle("i8x16.shuffle (bytes)",
                       WRT_I8X16_SHUFFLE(a, b, 31, 0, 30, 1, 29, 2, 28, 3,
                                         16, 17, 18, 19, 4, 5, 6, 7),
                       a, b, bytes);
        expect_shuffle("i8x16.shuffle (16-bit lanes)",
                       WRT_I16X8_SHUFFLE(a, b, 1, 15, 0, 8, 7, 7, 4, 10), a,
                       b, h);
        expect_shuffle("i8x16.shuffle (32-bit lanes)",
                       WRT_I32X4_SHUFFLE(a, b, 3, 4, 0, 7), a, b, w);
        expect_shuffle("i8x16.shuffle (64-bit lanes)",
                       WRT_I64X2_SHUFFLE(a, b, 3, 0), a, b, d);
        for (i = 0; i < 16; i++)
            sh[i] = (uint8_t)(i + 1);
        expect_shuffle("i8x16.shuffle (shift 1)",
                       WRT_V128_CONCAT_SHIFT(a, b, 1), a, b, sh);
        for (i = 0; i < 16; i++)
            sh[i] = (uint8_t)(i + 12);
        expect_shuffle("i8x16.shuffle (shift 12)",
                       WRT_V128_CONCAT_SHIFT(a, b, 12), a, b, sh);
        for (i = 0; i < 16; i++)
            sh[i] = (uint8_t)(i + 15);
        expect_shuffle("i8x16.shuffle (shift 15)",
                       WRT_V128_CONCAT_SHIFT(a, b, 15), a, b, sh);
    }
}

static void
check_lanes(void)
{
    unsigned t, i;

    for (t = 0; t < 500; t++) {
        V a = gen(), b = gen();
        uint8_t ab[16], bb[16], w[16];
        uint64_t x;
        img(ab, a);
        img(bb, b);
        x = lane(bb, 64, 0);
        for (i = 0; i < 16; i++)
            w[i] = (uint8_t)x;
        expect("i8x16.splat", wrt_i8x16_splat((uint32_t)x), w, ab, NULL, 0);
        for (i = 0; i < 8; i++)
            setlane(w, 16, i, x);
        expect("i16x8.splat", wrt_i16x8_splat((uint32_t)x), w, ab, NULL, 0);
        for (i = 0; i < 4; i++)
            setlane(w, 32, i, x);
        expect("i32x4.splat", wrt_i32x4_splat((uint32_t)x), w, ab, NULL, 0);
        expect("f32x4.splat", wrt_f32x4_splat(f32of(x)), w, ab, NULL, 0);
        for (i = 0; i < 2; i++)
            setlane(w, 64, i, x);
        expect("i64x2.splat", wrt_i64x2_splat(x), w, ab, NULL, 0);
        expect("f64x2.splat", wrt_f64x2_splat(f64of(x)), w, ab, NULL, 0);
        expect("v128.make", wrt_v128_make(lane(ab, 64, 0), lane(ab, 64, 1)),
               ab, ab, NULL, 0);

#define LANE_CASE(SHAPE, W, L)                                              \
        memcpy(w, ab, 16);                                                  \
        setlane(w, W, L, x);                                                \
        expect(#SHAPE ".replace_lane",                                      \
               wrt_##SHAPE##_replace_lane(a, (uint32_t)x, L), w, ab, NULL,  \
               0)
        LANE_CASE(i8x16, 8, 0);
        LANE_CASE(i8x16, 8, 15);
        LANE_CASE(i8x16, 8, 7);
        LANE_CASE(i16x8, 16, 0);
        LANE_CASE(i16x8, 16, 5);
        LANE_CASE(i32x4, 32, 3);
        LANE_CASE(i32x4, 32, 1);
#undef LANE_CASE
        memcpy(w, ab, 16);
        setlane(w, 64, 1, x);
        expect("i64x2.replace_lane", wrt_i64x2_replace_lane(a, x, 1), w, ab,
               NULL, 0);
        memcpy(w, ab, 16);
        setlane(w, 64, 0, x);
        expect("f64x2.replace_lane", wrt_f64x2_replace_lane(a, f64of(x), 0),
               w, ab, NULL, 0);
        memcpy(w, ab, 16);
        setlane(w, 32, 2, x);
        expect("f32x4.replace_lane",
               wrt_f32x4_replace_lane(a, f32of(x), 2), w, ab, NULL, 0);

        for (i = 0; i < 16; i++) {
            if (wrt_i8x16_extract_lane_u(a, i) != ab[i] ||
                wrt_i8x16_extract_lane_s(a, i) !=
                    (uint32_t)(int32_t)(int8_t)ab[i])
                fail("i8x16.extract_lane", ab, NULL, "wrong", i);
        }
        for (i = 0; i < 8; i++) {
            uint64_t l = lane(ab, 16, i);
            if (wrt_i16x8_extract_lane_u(a, i) != l ||
                wrt_i16x8_extract_lane_s(a, i) != (uint32_t)sx(l, 16))
                fail("i16x8.extract_lane", ab, NULL, "wrong", i);
        }
        for (i = 0; i < 4; i++)
            if (wrt_i32x4_extract_lane(a, i) != lane(ab, 32, i) ||
                bits32(wrt_f32x4_extract_lane(a, i)) != lane(ab, 32, i))
                fail("i32x4/f32x4.extract_lane", ab, NULL, "wrong", i);
        for (i = 0; i < 2; i++)
            if (wrt_i64x2_extract_lane(a, i) != lane(ab, 64, i) ||
                bits64(wrt_f64x2_extract_lane(a, i)) != lane(ab, 64, i))
                fail("i64x2/f64x2.extract_lane", ab, NULL, "wrong", i);
        note32(wrt_i8x16_extract_lane_s(a, 3));
        note32(bits32(wrt_f32x4_extract_lane(a, 1)));
    }
}

/* saturating truncation of one value, with exact bounds in double */
static uint32_t
sat_s32(double x)
{
    if (x != x)
        return 0;
    if (x >= 2147483648.0)
        return 0x7FFFFFFFu;
    if (x <= -2147483649.0)
        return 0x80000000u;
    return (uint32_t)(int32_t)trunc(x);
}

static uint32_t
sat_u32(double x)
{
    if (x != x || x <= -1.0)
        return 0;
    if (x >= 4294967296.0)
        return 0xFFFFFFFFu;
    return (uint32_t)trunc(x);
}

static void
check_conversions(void)
{
    unsigned t, i;

    for (t = 0; t < 4000; t++) {
        V a = gen();
        uint8_t ab[16], w[16], rb[16];
        V r;
        img(ab, a);

        for (i = 0; i < 4; i++)
            setlane(w, 32, i, sat_s32(f32of(lane(ab, 32, i))));
        expect("i32x4.trunc_sat_f32x4_s", wrt_i32x4_trunc_sat_f32x4_s(a), w,
               ab, NULL, 0);
        for (i = 0; i < 4; i++)
            setlane(w, 32, i, sat_u32(f32of(lane(ab, 32, i))));
        expect("i32x4.trunc_sat_f32x4_u", wrt_i32x4_trunc_sat_f32x4_u(a), w,
               ab, NULL, 0);
        memset(w, 0, 16);
        for (i = 0; i < 2; i++)
            setlane(w, 32, i, sat_s32(f64of(lane(ab, 64, i))));
        expect("i32x4.trunc_sat_f64x2_s_zero",
               wrt_i32x4_trunc_sat_f64x2_s_zero(a), w, ab, NULL, 0);
        for (i = 0; i < 2; i++)
            setlane(w, 32, i, sat_u32(f64of(lane(ab, 64, i))));
        expect("i32x4.trunc_sat_f64x2_u_zero",
               wrt_i32x4_trunc_sat_f64x2_u_zero(a), w, ab, NULL, 0);

        for (i = 0; i < 4; i++)
            setlane(w, 32, i, bits32((float)(int32_t)lane(ab, 32, i)));
        expect("f32x4.convert_i32x4_s", wrt_f32x4_convert_i32x4_s(a), w, ab,
               NULL, 0);
        for (i = 0; i < 4; i++)
            setlane(w, 32, i, bits32((float)(uint32_t)lane(ab, 32, i)));
        expect("f32x4.convert_i32x4_u", wrt_f32x4_convert_i32x4_u(a), w, ab,
               NULL, 0);
        for (i = 0; i < 2; i++)
            setlane(w, 64, i, bits64((double)(int32_t)lane(ab, 32, i)));
        expect("f64x2.convert_low_i32x4_s", wrt_f64x2_convert_low_i32x4_s(a),
               w, ab, NULL, 0);
        for (i = 0; i < 2; i++)
            setlane(w, 64, i, bits64((double)(uint32_t)lane(ab, 32, i)));
        expect("f64x2.convert_low_i32x4_u", wrt_f64x2_convert_low_i32x4_u(a),
               w, ab, NULL, 0);

        /*
         * demote and promote: exact for non-NaN lanes; a NaN gives a quiet
         * NaN, canonical when the operand was (in the result's width)
         */
        r = wrt_f32x4_demote_f64x2_zero(a);
        img(rb, r);
        note(r);
        for (i = 0; i < 2; i++) {
            uint64_t in = lane(ab, 64, i);
            uint64_t like = is_canon(in, 64) ? 0x7FC00000u : 0x7FC00001u;
            double x = f64of(in);
            if (x != x ? !nan_ok(lane(rb, 32, i), 32, &like, 1)
                       : lane(rb, 32, i) != bits32((float)x))
                fail("f32x4.demote_f64x2_zero", ab, NULL, "wrong", i);
        }
        if (lane(rb, 64, 1) != 0)
            fail("f32x4.demote_f64x2_zero", ab, NULL, "high lanes", 2);
        r = wrt_f64x2_promote_low_f32x4(a);
        img(rb, r);
        note(r);
        for (i = 0; i < 2; i++) {
            uint64_t in = lane(ab, 32, i);
            uint64_t like = is_canon(in, 32) ? 0x7FF8000000000000ull
                                             : 0x7FF8000000000001ull;
            float x = f32of(in);
            if (x != x ? !nan_ok(lane(rb, 64, i), 64, &like, 1)
                       : lane(rb, 64, i) != bits64((double)x))
                fail("f64x2.promote_low_f32x4", ab, NULL, "wrong", i);
        }
    }
}

/* ---- memory ----------------------------------------------------------- */

static WrtRt rt;
static WrtMemory mem;
/* the memory's view, as loads and stores take it */
#define MV mem.base, mem.size

struct mem_op {
    int which;
    uint32_t addr;
    V v;
};

static void
do_mem(void *arg)
{
    struct mem_op *o = arg;
    switch (o->which) {
    case 0: o->v = wrt_v128_load(&rt, 0, MV, o->addr, 0); break;
    case 1: wrt_v128_store(&rt, 0, MV, o->addr, 0, o->v); break;
    case 2: o->v = wrt_v128_load8x8_s(&rt, 0, MV, o->addr, 0); break;
    case 3: o->v = wrt_v128_load32_zero(&rt, 0, MV, o->addr, 0); break;
    case 4: o->v = wrt_v128_load64_lane(&rt, 0, MV, o->addr, 0, o->v, 1);
        break;
    case 5: wrt_v128_store16_lane(&rt, 0, MV, o->addr, 0, o->v, 7); break;
    case 6: o->v = wrt_v128_load8_lane(&rt, 0, MV, o->addr, 0, o->v, 3);
        break;
    default: o->v = wrt_v128_load64_splat(&rt, 0, MV, o->addr, 0); break;
    }
}

static int
traps(int which, uint32_t addr)
{
    struct mem_op o;
    o.which = which;
    o.addr = addr;
    o.v = wrt_v128_make(0, 0);
    return wrt_call(&rt, do_mem, &o) == WRT_TRAP_OOB;
}

static void
check_memory(void)
{
    uint8_t *p, w[16], ab[16];
    unsigned t, i, k;
    uint32_t end;

    wrt_rt_init(&rt, NULL, 0, 100);
    if (wrt_memory_init(&mem, NULL, 1, 1) != 0) {
        printf("FAIL memory init\n");
        failures++;
        return;
    }
    p = mem.base;
    end = (uint32_t)mem.size;
    for (i = 0; i < end; i++)
        p[i] = (uint8_t)(i * 7 + 3);
    for (t = 0; t < 500; t++) {
        uint32_t addr = (uint32_t)(rnd() % (end - 16));
        uint64_t off = rnd() % 4;
        V a = gen(), r;
        img(ab, a);
        r = wrt_v128_load(&rt, 0, MV, addr, off);
        expect("v128.load", r, p + addr + off, ab, NULL, 0);
        for (k = 0; k < 8; k++)
            setlane(w, 16, k, (uint64_t)sx(p[addr + off + k], 8));
        expect("v128.load8x8_s",
               wrt_v128_load8x8_s(&rt, 0, MV, addr, off), w, ab, NULL, 0);
        for (k = 0; k < 8; k++)
            setlane(w, 16, k, p[addr + off + k]);
        expect("v128.load8x8_u",
               wrt_v128_load8x8_u(&rt, 0, MV, addr, off), w, ab, NULL, 0);
        for (k = 0; k < 4; k++)
            setlane(w, 32, k, (uint64_t)sx(lane(p + addr + off, 16, k), 16));
        expect("v128.load16x4_s",
               wrt_v128_load16x4_s(&rt, 0, MV, addr, off), w, ab, NULL, 0);
        for (k = 0; k < 4; k++)
            setlane(w, 32, k, lane(p + addr + off, 16, k));
        expect("v128.load16x4_u",
               wrt_v128_load16x4_u(&rt, 0, MV, addr, off), w, ab, NULL, 0);
        for (k = 0; k < 2; k++)
            setlane(w, 64, k, (uint64_t)sx(lane(p + addr + off, 32, k), 32));
        expect("v128.load32x2_s",
               wrt_v128_load32x2_s(&rt, 0, MV, addr, off), w, ab, NULL, 0);
        for (k = 0; k < 2; k++)
            setlane(w, 64, k, lane(p + addr + off, 32, k));
        expect("v128.load32x2_u",
               wrt_v128_load32x2_u(&rt, 0, MV, addr, off), w, ab, NULL, 0);
        for (k = 0; k < 16; k++)
            w[k] = p[addr + off];
        expect("v128.load8_splat",
               wrt_v128_load8_splat(&rt, 0, MV, addr, off), w, ab, NULL, 0);
        for (k = 0; k < 8; k++)
            setlane(w, 16, k, lane(p + addr + off, 16, 0));
        expect("v128.load16_splat",
               wrt_v128_load16_splat(&rt, 0, MV, addr, off), w, ab, NULL,
               0);
        for (k = 0; k < 4; k++)
            setlane(w, 32, k, lane(p + addr + off, 32, 0));
        expect("v128.load32_splat",
               wrt_v128_load32_splat(&rt, 0, MV, addr, off), w, ab, NULL,
               0);
        for (k = 0; k < 2; k++)
            setlane(w, 64, k, lane(p + addr + off, 64, 0));
        expect("v128.load64_splat",
               wrt_v128_load64_splat(&rt, 0, MV, addr, off), w, ab, NULL,
               0);
        memset(w, 0, 16);
        setlane(w, 32, 0, lane(p + addr + off, 32, 0));
        expect("v128.load32_zero",
               wrt_v128_load32_zero(&rt, 0, MV, addr, off), w, ab, NULL, 0);
        setlane(w, 64, 0, lane(p + addr + off, 64, 0));
        expect("v128.load64_zero",
               wrt_v128_load64_zero(&rt, 0, MV, addr, off), w, ab, NULL, 0);

        memcpy(w, ab, 16);
        w[t % 16] = p[addr + off];
        expect("v128.load8_lane",
               wrt_v128_load8_lane(&rt, 0, MV, addr, off, a, t % 16), w, ab,
               NULL, 0);
        memcpy(w, ab, 16);
        setlane(w, 16, t % 8, lane(p + addr + off, 16, 0));
        expect("v128.load16_lane",
               wrt_v128_load16_lane(&rt, 0, MV, addr, off, a, t % 8), w, ab,
               NULL, 0);
        memcpy(w, ab, 16);
        setlane(w, 32, t % 4, lane(p + addr + off, 32, 0));
        expect("v128.load32_lane",
               wrt_v128_load32_lane(&rt, 0, MV, addr, off, a, t % 4), w, ab,
               NULL, 0);
        memcpy(w, ab, 16);
        setlane(w, 64, t % 2, lane(p + addr + off, 64, 0));
        expect("v128.load64_lane",
               wrt_v128_load64_lane(&rt, 0, MV, addr, off, a, t % 2), w, ab,
               NULL, 0);

        /* stores write exactly their bytes: check the neighbours too */
        {
            uint8_t before[32];
            uint32_t at = addr + 8 < end - 24 ? addr + 8 : addr;
            unsigned n = 0, l = 0;
            memcpy(before, p + at - 8, 32);
            switch (t % 5) {
            case 0: wrt_v128_store(&rt, 0, MV, at, 0, a); n = 16; break;
            case 1: l = t % 16; n = 1;
                wrt_v128_store8_lane(&rt, 0, MV, at, 0, a, l); break;
            case 2: l = t % 8; n = 2;
                wrt_v128_store16_lane(&rt, 0, MV, at, 0, a, l); break;
            case 3: l = t % 4; n = 4;
                wrt_v128_store32_lane(&rt, 0, MV, at, 0, a, l); break;
            default: l = t % 2; n = 8;
                wrt_v128_store64_lane(&rt, 0, MV, at, 0, a, l); break;
            }
            memcpy(before + 8, ab + l * n, n);
            if (memcmp(before, p + at - 8, 32) != 0)
                fail("v128.store*", ab, NULL, "wrong bytes", l);
        }
    }
    /* bounds: the last byte that fits, one past it */
    for (k = 0; k < 8; k++) {
        static const unsigned size[8] = {16, 16, 8, 4, 8, 2, 1, 8};
        if (traps((int)k, end - size[k]) ||
            !traps((int)k, end - size[k] + 1) || !traps((int)k, 0xFFFFFFFFu))
            fail("bounds", ab, NULL, "trap expected exactly past the end",
                 k);
    }
    wrt_memory_free(&mem);
}

/* ---- the tables ------------------------------------------------------- */

int
main(void)
{
    static const struct {
        const char *name;
        Bin f;
        unsigned w;
        Ref2 ref;
    } bin[] = {
#define B4(OP, REF)                                                         \
        {"i8x16." #OP, wrt_i8x16_##OP, 8, REF},                             \
        {"i16x8." #OP, wrt_i16x8_##OP, 16, REF},                            \
        {"i32x4." #OP, wrt_i32x4_##OP, 32, REF},                            \
        {"i64x2." #OP, wrt_i64x2_##OP, 64, REF}
#define B3(OP, REF)                                                         \
        {"i8x16." #OP, wrt_i8x16_##OP, 8, REF},                             \
        {"i16x8." #OP, wrt_i16x8_##OP, 16, REF},                            \
        {"i32x4." #OP, wrt_i32x4_##OP, 32, REF}
#define B2(OP, REF)                                                         \
        {"i8x16." #OP, wrt_i8x16_##OP, 8, REF},                             \
        {"i16x8." #OP, wrt_i16x8_##OP, 16, REF}
        B4(add, r_add), B4(sub, r_sub), B4(eq, r_eq), B4(ne, r_ne),
        B4(lt_s, r_lt_s), B4(gt_s, r_gt_s), B4(le_s, r_le_s),
        B4(ge_s, r_ge_s),
        B3(lt_u, r_lt_u), B3(gt_u, r_gt_u), B3(le_u, r_le_u),
        B3(ge_u, r_ge_u), B3(min_s, r_min_s), B3(min_u, r_min_u),
        B3(max_s, r_max_s), B3(max_u, r_max_u),
        B2(add_sat_s, r_add_sat_s), B2(add_sat_u, r_add_sat_u),
        B2(sub_sat_s, r_sub_sat_s), B2(sub_sat_u, r_sub_sat_u),
        B2(avgr_u, r_avgr_u),
        {"i16x8.mul", wrt_i16x8_mul, 16, r_mul},
        {"i32x4.mul", wrt_i32x4_mul, 32, r_mul},
        {"i64x2.mul", wrt_i64x2_mul, 64, r_mul},
        {"i16x8.q15mulr_sat_s", wrt_i16x8_q15mulr_sat_s, 16, r_q15},
#undef B4
#undef B3
#undef B2
    };
    static const struct {
        const char *name;
        Un f;
        unsigned w;
        Ref1 ref;
    } un[] = {
        {"i8x16.neg", wrt_i8x16_neg, 8, r_neg},
        {"i16x8.neg", wrt_i16x8_neg, 16, r_neg},
        {"i32x4.neg", wrt_i32x4_neg, 32, r_neg},
        {"i64x2.neg", wrt_i64x2_neg, 64, r_neg},
        {"i8x16.abs", wrt_i8x16_abs, 8, r_abs},
        {"i16x8.abs", wrt_i16x8_abs, 16, r_abs},
        {"i32x4.abs", wrt_i32x4_abs, 32, r_abs},
        {"i64x2.abs", wrt_i64x2_abs, 64, r_abs},
        {"i8x16.popcnt", wrt_i8x16_popcnt, 8, r_popcnt},
    };
    static const struct {
        const char *name;
        Shift f;
        unsigned w;
        int kind;
    } sh[] = {
        {"i8x16.shl", wrt_i8x16_shl, 8, 0},
        {"i8x16.shr_s", wrt_i8x16_shr_s, 8, 1},
        {"i8x16.shr_u", wrt_i8x16_shr_u, 8, 2},
        {"i16x8.shl", wrt_i16x8_shl, 16, 0},
        {"i16x8.shr_s", wrt_i16x8_shr_s, 16, 1},
        {"i16x8.shr_u", wrt_i16x8_shr_u, 16, 2},
        {"i32x4.shl", wrt_i32x4_shl, 32, 0},
        {"i32x4.shr_s", wrt_i32x4_shr_s, 32, 1},
        {"i32x4.shr_u", wrt_i32x4_shr_u, 32, 2},
        {"i64x2.shl", wrt_i64x2_shl, 64, 0},
        {"i64x2.shr_s", wrt_i64x2_shr_s, 64, 1},
        {"i64x2.shr_u", wrt_i64x2_shr_u, 64, 2},
    };
    static const struct {
        const char *name;
        Bin f2;
        Un f1;
        unsigned w;
        int op;
    } fl[] = {
#define F2(OP, K)                                                           \
        {"f32x4." #OP, wrt_f32x4_##OP, NULL, 32, K},                        \
        {"f64x2." #OP, wrt_f64x2_##OP, NULL, 64, K}
#define F1(OP, K)                                                           \
        {"f32x4." #OP, NULL, wrt_f32x4_##OP, 32, K},                        \
        {"f64x2." #OP, NULL, wrt_f64x2_##OP, 64, K}
        F2(add, F_ADD), F2(sub, F_SUB), F2(mul, F_MUL), F2(div, F_DIV),
        F2(min, F_MIN), F2(max, F_MAX), F2(pmin, F_PMIN), F2(pmax, F_PMAX),
        F2(eq, F_EQ), F2(ne, F_NE), F2(lt, F_LT), F2(gt, F_GT),
        F2(le, F_LE), F2(ge, F_GE),
        F1(abs, F_ABS), F1(neg, F_NEG), F1(sqrt, F_SQRT), F1(ceil, F_CEIL),
        F1(floor, F_FLOOR), F1(trunc, F_TRUNC), F1(nearest, F_NEAREST),
#undef F2
#undef F1
    };
    unsigned k;

    for (k = 0; k < sizeof bin / sizeof bin[0]; k++)
        check_int2(bin[k].name, bin[k].f, bin[k].w, bin[k].ref, 3000);
    for (k = 0; k < sizeof un / sizeof un[0]; k++)
        check_int1(un[k].name, un[k].f, un[k].w, un[k].ref, 3000);
    for (k = 0; k < sizeof sh / sizeof sh[0]; k++)
        check_shift(sh[k].name, sh[k].f, sh[k].w, sh[k].kind);
    for (k = 0; k < sizeof fl / sizeof fl[0]; k++)
        check_float(fl[k].name, fl[k].f2, fl[k].f1, fl[k].w, fl[k].op);
    check_bitwise();
    check_reductions();
    check_shapes();
    check_const_shuffle();
    check_lanes();
    check_conversions();
    check_memory();

    printf("%s path: %u failures\n",
           WRT_SIMD_PORTABLE ? "portable" : "fast", failures);
    printf("digest %08x\n", (unsigned)digest);
    return failures ? 1 : 0;
}
