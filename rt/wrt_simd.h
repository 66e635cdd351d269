/*
 * wrt_simd.h - 128-bit SIMD for generated code (Wasm 2.0 "vector
 * instructions"); included at the end of wrt.h.
 *
 * The value type wrt_v128 is the 16-byte little-endian image of a vector:
 * lane i of an N-bit shape occupies bytes [i * N / 8, (i + 1) * N / 8), as
 * in linear memory, so v128.load and v128.store are a plain copy on every
 * host.  Generated code treats it as opaque: it makes constants with
 * wrt_v128_make and calls one helper per instruction, named wrt_ + the
 * mnemonic with '.' replaced by '_' (i32x4.add -> wrt_i32x4_add); the one
 * exception is i8x16.shuffle, one of the WRT_..._SHUFFLE macros.  Scalar
 * operands and results use uint32_t, uint64_t, float and double; lane
 * indices are the last argument, already validated.
 *
 * Two implementations give bit-identical results:
 *   - the fast path (little-endian GCC >= 9 or Clang): wrt_v128 is a
 *     vector-extension type and the helpers use vector arithmetic, with
 *     SSE2/SSSE3/SSE4.1 or NEON intrinsics where the generic form compiles
 *     poorly;
 *   - the portable path (C99 only): wrt_v128 is a struct of 16 bytes and
 *     the helpers loop over lanes assembled from the bytes.  Selected with
 *     -DWRT_SIMD_PORTABLE=1, and always on big-endian hosts or compilers
 *     without vector extensions.
 *
 * Float semantics follow the spec's numerics: NaN results are quiet (the
 * hardware and the scalar helpers of wrt.h take care of that), min/max
 * give the canonical NaN for a NaN operand and order -0 below +0,
 * pmin/pmax are plain comparisons, nearest rounds ties to even, saturating
 * truncations clamp and give 0 for NaN.  The one freedom left: when both
 * operands of add, sub, mul or div are NaNs, which payload survives is up
 * to the hardware and the C compiler (which may swap a + b), as the spec
 * allows.  Every memory access is bounds-checked through WRT_BOUNDS, and lane
 * loads and stores touch only the lane's bytes.
 */
#ifndef WRT_SIMD_H
#define WRT_SIMD_H

/* ---- which implementation --------------------------------------------- */

#if WRT_BIG_ENDIAN || !defined(__GNUC__) ||                                 \
    (!defined(__clang__) && __GNUC__ < 9)
#undef WRT_SIMD_PORTABLE
#define WRT_SIMD_PORTABLE 1
#endif
#ifndef WRT_SIMD_PORTABLE
#define WRT_SIMD_PORTABLE 0
#endif

#if !WRT_SIMD_PORTABLE
#if defined(__SSE2__)
#include <emmintrin.h>
#define WRT_SIMD_SSE2 1
#endif
#if defined(__SSSE3__)
#include <tmmintrin.h>
#define WRT_SIMD_SSSE3 1
#endif
#if defined(__SSE4_1__)
#include <smmintrin.h>
#define WRT_SIMD_SSE41 1
#endif
#if defined(__aarch64__) && defined(__ARM_NEON)
#include <arm_neon.h>
#define WRT_SIMD_NEON 1
#endif
#endif

/*
 * Every helper is WRT_SIMD_INLINE.  GCC's inliner gives up on the very
 * large functions generated code can have and would leave even a v128.load
 * out of line; the fast-path helpers are a few instructions each, so they
 * are always inlined.  Floats pass in float registers (WRT_FPCALL, wrt.h).
 */
#if !WRT_SIMD_PORTABLE
#define WRT_SIMD_INLINE static inline __attribute__((always_inline)) WRT_FPCALL
#else
#define WRT_SIMD_INLINE static inline WRT_FPCALL
#endif

/* Little-endian byte image <-> integers, for both paths. */
WRT_SIMD_INLINE uint64_t
wrt_simd_rd(const uint8_t *p, unsigned n)
{
    uint64_t x = 0;

    while (n-- > 0)
        x = (x << 8) | p[n];
    return x;
}

WRT_SIMD_INLINE void
wrt_simd_wr(uint8_t *p, unsigned n, uint64_t x)
{
    unsigned i;

    for (i = 0; i < n; i++, x >>= 8)
        p[i] = (uint8_t)x;
}

/* Arithmetic shift right (floor division by 2^n) in portable C. */
WRT_SIMD_INLINE int64_t
wrt_simd_sar(int64_t x, unsigned n)
{
    return x < 0 ? -1 - ((-1 - x) >> n) : x >> n;
}

/* Saturation of a wide intermediate to a lane type. */
WRT_SIMD_INLINE int64_t
wrt_simd_clamp(int64_t x, int64_t lo, int64_t hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

#if !WRT_SIMD_PORTABLE
/* ======================================================================
 * Fast path: GCC/Clang vector extensions on a little-endian host.
 * ====================================================================== */

typedef uint64_t wrt_v128 __attribute__((vector_size(16)));

typedef uint8_t wrt_u8x16 __attribute__((vector_size(16)));
typedef int8_t wrt_s8x16 __attribute__((vector_size(16)));
typedef uint16_t wrt_u16x8 __attribute__((vector_size(16)));
typedef int16_t wrt_s16x8 __attribute__((vector_size(16)));
typedef uint32_t wrt_u32x4 __attribute__((vector_size(16)));
typedef int32_t wrt_s32x4 __attribute__((vector_size(16)));
typedef uint64_t wrt_u64x2 __attribute__((vector_size(16)));
typedef int64_t wrt_s64x2 __attribute__((vector_size(16)));
typedef float wrt_f32x4 __attribute__((vector_size(16)));
typedef double wrt_f64x2 __attribute__((vector_size(16)));
/* halves, for widening and narrowing */
typedef uint8_t wrt_u8x8 __attribute__((vector_size(8)));
typedef int8_t wrt_s8x8 __attribute__((vector_size(8)));
typedef uint16_t wrt_u16x4 __attribute__((vector_size(8)));
typedef int16_t wrt_s16x4 __attribute__((vector_size(8)));
typedef uint32_t wrt_u32x2 __attribute__((vector_size(8)));
typedef int32_t wrt_s32x2 __attribute__((vector_size(8)));

/* Reinterpret v as shape T (a bit cast between vector types). */
#define WRT_AS(T, v) ((wrt_##T)(v))
/* The low (h = 0) or high (h = 1) 8 bytes of v as the 8-byte type T. */
#define WRT_HALF(T, v, h) ((wrt_##T)((wrt_v128)(v))[h])
/* Two 8-byte halves back into one vector. */
#define WRT_JOIN(lo, hi)                                                    \
    ((wrt_v128){(uint64_t)(lo), (uint64_t)(hi)})

WRT_SIMD_INLINE wrt_v128
wrt_v128_make(uint64_t lo, uint64_t hi)
{
    wrt_v128 v = {lo, hi};
    return v;
}

/* Lanes of m all ones or all zeros: a where set, b elsewhere. */
WRT_SIMD_INLINE wrt_v128
wrt_simd_sel(wrt_v128 m, wrt_v128 a, wrt_v128 b)
{
    return (a & m) | (b & ~m);
}

/* ---- splat, extract_lane, replace_lane -------------------------------- */

WRT_SIMD_INLINE wrt_v128
wrt_i8x16_splat(uint32_t x)
{
    uint8_t b = (uint8_t)x;
    wrt_u8x16 v = {b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b};
    return (wrt_v128)v;
}

WRT_SIMD_INLINE wrt_v128
wrt_i16x8_splat(uint32_t x)
{
    uint16_t h = (uint16_t)x;
    wrt_u16x8 v = {h, h, h, h, h, h, h, h};
    return (wrt_v128)v;
}

WRT_SIMD_INLINE wrt_v128
wrt_i32x4_splat(uint32_t x)
{
    wrt_u32x4 v = {x, x, x, x};
    return (wrt_v128)v;
}

WRT_SIMD_INLINE wrt_v128
wrt_i64x2_splat(uint64_t x)
{
    wrt_u64x2 v = {x, x};
    return v;
}

WRT_SIMD_INLINE wrt_v128
wrt_f32x4_splat(float x)
{
    wrt_f32x4 v = {x, x, x, x};
    return (wrt_v128)v;
}

WRT_SIMD_INLINE wrt_v128
wrt_f64x2_splat(double x)
{
    wrt_f64x2 v = {x, x};
    return (wrt_v128)v;
}

#define WRT_SIMD_LANES(SHAPE, N, T, R)                                      \
    WRT_SIMD_INLINE R                                                       \
    wrt_##SHAPE##_extract_lane(wrt_v128 v, unsigned lane)                   \
    {                                                                       \
        return (R)WRT_AS(T, v)[lane & (N - 1)];                             \
    }                                                                       \
    WRT_SIMD_INLINE wrt_v128                                                \
    wrt_##SHAPE##_replace_lane(wrt_v128 v, R x, unsigned lane)              \
    {                                                                       \
        wrt_##T t = WRT_AS(T, v);                                           \
        t[lane & (N - 1)] = x;                                              \
        return (wrt_v128)t;                                                 \
    }

WRT_SIMD_LANES(i32x4, 4, u32x4, uint32_t)
WRT_SIMD_LANES(i64x2, 2, u64x2, uint64_t)
WRT_SIMD_LANES(f32x4, 4, f32x4, float)
WRT_SIMD_LANES(f64x2, 2, f64x2, double)

WRT_SIMD_INLINE uint32_t
wrt_i8x16_extract_lane_s(wrt_v128 v, unsigned lane)
{
    return (uint32_t)(int32_t)WRT_AS(s8x16, v)[lane & 15];
}

WRT_SIMD_INLINE uint32_t
wrt_i8x16_extract_lane_u(wrt_v128 v, unsigned lane)
{
    return WRT_AS(u8x16, v)[lane & 15];
}

WRT_SIMD_INLINE wrt_v128
wrt_i8x16_replace_lane(wrt_v128 v, uint32_t x, unsigned lane)
{
    wrt_u8x16 t = WRT_AS(u8x16, v);
    t[lane & 15] = (uint8_t)x;
    return (wrt_v128)t;
}

WRT_SIMD_INLINE uint32_t
wrt_i16x8_extract_lane_s(wrt_v128 v, unsigned lane)
{
    return (uint32_t)(int32_t)WRT_AS(s16x8, v)[lane & 7];
}

WRT_SIMD_INLINE uint32_t
wrt_i16x8_extract_lane_u(wrt_v128 v, unsigned lane)
{
    return WRT_AS(u16x8, v)[lane & 7];
}

WRT_SIMD_INLINE wrt_v128
wrt_i16x8_replace_lane(wrt_v128 v, uint32_t x, unsigned lane)
{
    wrt_u16x8 t = WRT_AS(u16x8, v);
    t[lane & 7] = (uint16_t)x;
    return (wrt_v128)t;
}

/* ---- shuffle and swizzle ---------------------------------------------- */

/*
 * i8x16.shuffle as generated code has it, with literal constants and each
 * operand evaluated once.  The emitter picks the widest shape the indices
 * allow (a compiler's permute of bytes can be far worse than the same
 * permute of wider lanes):
 *   WRT_V128_CONCAT_SHIFT(a, b, s)       bytes s..s+15 of a:b, 0 < s < 16
 *   WRT_I64X2_SHUFFLE(a, b, i0, i1)      lanes of a:b, below 4
 *   WRT_I32X4_SHUFFLE(a, b, i0, ..., i3)  below 8
 *   WRT_I16X8_SHUFFLE(a, b, i0, ..., i7)  below 16
 *   WRT_I8X16_SHUFFLE(a, b, i0, ..., i15) below 32
 */
#if defined(__clang__)
#define WRT_SIMD_SHUFFLE(T, a, b, ...)                                      \
    ((wrt_v128)__builtin_shufflevector(WRT_AS(T, a), WRT_AS(T, b),         \
                                       __VA_ARGS__))
#else
#define WRT_SIMD_SHUFFLE(T, a, b, ...)                                      \
    ((wrt_v128)__builtin_shuffle(WRT_AS(T, a), WRT_AS(T, b),                \
                                 (wrt_##T){__VA_ARGS__}))
#endif
#define WRT_I8X16_SHUFFLE(a, b, ...) WRT_SIMD_SHUFFLE(u8x16, a, b, __VA_ARGS__)
#define WRT_I16X8_SHUFFLE(a, b, ...) WRT_SIMD_SHUFFLE(u16x8, a, b, __VA_ARGS__)
#define WRT_I32X4_SHUFFLE(a, b, ...) WRT_SIMD_SHUFFLE(u32x4, a, b, __VA_ARGS__)
#define WRT_I64X2_SHUFFLE(a, b, ...) WRT_SIMD_SHUFFLE(u64x2, a, b, __VA_ARGS__)
#if defined(WRT_SIMD_SSSE3)
#define WRT_V128_CONCAT_SHIFT(a, b, s)                                      \
    ((wrt_v128)_mm_alignr_epi8((__m128i)(b), (__m128i)(a), s))
#elif defined(WRT_SIMD_SSE2)
#define WRT_V128_CONCAT_SHIFT(a, b, s)                                      \
    ((wrt_v128)_mm_or_si128(_mm_srli_si128((__m128i)(a), s),               \
                            _mm_slli_si128((__m128i)(b), 16 - (s))))
#elif defined(WRT_SIMD_NEON)
#define WRT_V128_CONCAT_SHIFT(a, b, s)                                      \
    ((wrt_v128)vextq_u8((uint8x16_t)(a), (uint8x16_t)(b), s))
#else
#define WRT_V128_CONCAT_SHIFT(a, b, s)                                      \
    WRT_I8X16_SHUFFLE(a, b, (s), (s) + 1, (s) + 2, (s) + 3, (s) + 4,       \
                      (s) + 5, (s) + 6, (s) + 7, (s) + 8, (s) + 9, (s) + 10, \
                      (s) + 11, (s) + 12, (s) + 13, (s) + 14, (s) + 15)
#endif

/* i8x16.shuffle with indices in memory: byte i is byte idx[i] of a:b
 * (indices below 32). */
WRT_SIMD_INLINE wrt_v128
wrt_i8x16_shuffle(wrt_v128 a, wrt_v128 b, const uint8_t *idx)
{
#if !defined(__clang__)
    wrt_u8x16 m = {idx[0], idx[1], idx[2], idx[3], idx[4], idx[5], idx[6],
                   idx[7], idx[8], idx[9], idx[10], idx[11], idx[12],
                   idx[13], idx[14], idx[15]};
    return (wrt_v128)__builtin_shuffle(WRT_AS(u8x16, a), WRT_AS(u8x16, b),
                                       m & 31);
#elif defined(WRT_SIMD_SSSE3)
    /* pshufb gives 0 for index bytes with the top bit set */
    __m128i m, ia, ib;
    memcpy(&m, idx, 16);
    ia = _mm_or_si128(m, _mm_cmpgt_epi8(m, _mm_set1_epi8(15)));
    ib = _mm_sub_epi8(m, _mm_set1_epi8(16));
    ib = _mm_or_si128(ib, _mm_cmplt_epi8(m, _mm_set1_epi8(16)));
    return (wrt_v128)_mm_or_si128(_mm_shuffle_epi8((__m128i)a, ia),
                                  _mm_shuffle_epi8((__m128i)b, ib));
#else
    uint8_t in[32], out[16];
    wrt_v128 r;
    unsigned i;
    memcpy(in, &a, 16);
    memcpy(in + 16, &b, 16);
    for (i = 0; i < 16; i++)
        out[i] = in[idx[i] & 31];
    memcpy(&r, out, 16);
    return r;
#endif
}

/* i8x16.swizzle: byte i is byte s[i] of a, or 0 when s[i] > 15. */
WRT_SIMD_INLINE wrt_v128
wrt_i8x16_swizzle(wrt_v128 a, wrt_v128 s)
{
#if defined(WRT_SIMD_SSSE3)
    /* indices 16..255 saturate into 0x80..0xFF, which pshufb zeroes */
    return (wrt_v128)_mm_shuffle_epi8(
        (__m128i)a, _mm_adds_epu8((__m128i)s, _mm_set1_epi8(0x70)));
#elif defined(WRT_SIMD_NEON)
    return (wrt_v128)vqtbl1q_u8((uint8x16_t)a, (uint8x16_t)s);
#elif !defined(__clang__)
    wrt_u8x16 i = WRT_AS(u8x16, s);
    wrt_u8x16 r = __builtin_shuffle(WRT_AS(u8x16, a), i & 15);
    return (wrt_v128)(r & (wrt_u8x16)(i < 16));
#else
    uint8_t in[16], ix[16], out[16];
    wrt_v128 r;
    unsigned i;
    memcpy(in, &a, 16);
    memcpy(ix, &s, 16);
    for (i = 0; i < 16; i++)
        out[i] = ix[i] < 16 ? in[ix[i]] : 0;
    memcpy(&r, out, 16);
    return r;
#endif
}

/* A binary operation on lanes: a and b are the operands as shape T. */
#define WRT_SIMD_BIN(NAME, T, EXPR)                                         \
    WRT_SIMD_INLINE wrt_v128                                                \
    wrt_##NAME(wrt_v128 va, wrt_v128 vb)                                    \
    {                                                                       \
        wrt_##T a = WRT_AS(T, va), b = WRT_AS(T, vb);                       \
        return (wrt_v128)(EXPR);                                            \
    }

#define WRT_SIMD_UN(NAME, T, EXPR)                                          \
    WRT_SIMD_INLINE wrt_v128                                                \
    wrt_##NAME(wrt_v128 va)                                                 \
    {                                                                       \
        wrt_##T a = WRT_AS(T, va);                                          \
        return (wrt_v128)(EXPR);                                            \
    }

/* ---- bitwise ---------------------------------------------------------- */

WRT_SIMD_UN(v128_not, v128, ~a)
WRT_SIMD_BIN(v128_and, v128, a & b)
WRT_SIMD_BIN(v128_andnot, v128, a & ~b)
WRT_SIMD_BIN(v128_or, v128, a | b)
WRT_SIMD_BIN(v128_xor, v128, a ^ b)

WRT_SIMD_INLINE wrt_v128
wrt_v128_bitselect(wrt_v128 a, wrt_v128 b, wrt_v128 c)
{
    return wrt_simd_sel(c, a, b);
}

WRT_SIMD_INLINE uint32_t
wrt_v128_any_true(wrt_v128 a)
{
    return (a[0] | a[1]) != 0;
}

/* ---- lane-wise integer arithmetic ------------------------------------- */

/* Shifts take the count modulo the lane width. */
#define WRT_SIMD_SHIFTS(SHAPE, U, S, W)                                     \
    WRT_SIMD_INLINE wrt_v128                                                \
    wrt_##SHAPE##_shl(wrt_v128 a, uint32_t n)                               \
    {                                                                       \
        return (wrt_v128)(WRT_AS(U, a) << (int)(n & (W - 1)));              \
    }                                                                       \
    WRT_SIMD_INLINE wrt_v128                                                \
    wrt_##SHAPE##_shr_s(wrt_v128 a, uint32_t n)                             \
    {                                                                       \
        return (wrt_v128)(WRT_AS(S, a) >> (int)(n & (W - 1)));              \
    }                                                                       \
    WRT_SIMD_INLINE wrt_v128                                                \
    wrt_##SHAPE##_shr_u(wrt_v128 a, uint32_t n)                             \
    {                                                                       \
        return (wrt_v128)(WRT_AS(U, a) >> (int)(n & (W - 1)));              \
    }

/* add, sub, neg, abs, eq..ge, shifts: every integer shape */
#define WRT_SIMD_INT_COMMON(SHAPE, U, S, W)                                 \
    WRT_SIMD_BIN(SHAPE##_add, U, a + b)                                     \
    WRT_SIMD_BIN(SHAPE##_sub, U, a - b)                                     \
    WRT_SIMD_UN(SHAPE##_neg, U, -a)                                         \
    WRT_SIMD_UN(SHAPE##_abs, U,                                             \
                (a ^ (wrt_##U)(WRT_AS(S, a) < 0)) -                         \
                    (wrt_##U)(WRT_AS(S, a) < 0))                            \
    WRT_SIMD_BIN(SHAPE##_eq, U, a == b)                                     \
    WRT_SIMD_BIN(SHAPE##_ne, U, a != b)                                     \
    WRT_SIMD_BIN(SHAPE##_lt_s, S, a < b)                                    \
    WRT_SIMD_BIN(SHAPE##_gt_s, S, a > b)                                    \
    WRT_SIMD_BIN(SHAPE##_le_s, S, a <= b)                                   \
    WRT_SIMD_BIN(SHAPE##_ge_s, S, a >= b)                                   \
    WRT_SIMD_SHIFTS(SHAPE, U, S, W)

/* unsigned comparisons and min/max: i8x16, i16x8, i32x4 */
#define WRT_SIMD_INT_ORDER(SHAPE, U, S)                                     \
    WRT_SIMD_BIN(SHAPE##_lt_u, U, a < b)                                    \
    WRT_SIMD_BIN(SHAPE##_gt_u, U, a > b)                                    \
    WRT_SIMD_BIN(SHAPE##_le_u, U, a <= b)                                   \
    WRT_SIMD_BIN(SHAPE##_ge_u, U, a >= b)                                   \
    WRT_SIMD_BIN(SHAPE##_min_s, S, wrt_simd_sel((wrt_v128)(a < b),          \
                                                (wrt_v128)a, (wrt_v128)b))  \
    WRT_SIMD_BIN(SHAPE##_min_u, U, wrt_simd_sel((wrt_v128)(a < b),          \
                                                (wrt_v128)a, (wrt_v128)b))  \
    WRT_SIMD_BIN(SHAPE##_max_s, S, wrt_simd_sel((wrt_v128)(a > b),          \
                                                (wrt_v128)a, (wrt_v128)b))  \
    WRT_SIMD_BIN(SHAPE##_max_u, U, wrt_simd_sel((wrt_v128)(a > b),          \
                                                (wrt_v128)a, (wrt_v128)b))

WRT_SIMD_INT_COMMON(i8x16, u8x16, s8x16, 8)
WRT_SIMD_INT_COMMON(i16x8, u16x8, s16x8, 16)
WRT_SIMD_INT_COMMON(i32x4, u32x4, s32x4, 32)
WRT_SIMD_INT_COMMON(i64x2, u64x2, s64x2, 64)
WRT_SIMD_INT_ORDER(i8x16, u8x16, s8x16)
WRT_SIMD_INT_ORDER(i16x8, u16x8, s16x8)
WRT_SIMD_INT_ORDER(i32x4, u32x4, s32x4)
WRT_SIMD_BIN(i16x8_mul, u16x8, a * b)
WRT_SIMD_BIN(i32x4_mul, u32x4, a * b)
WRT_SIMD_BIN(i64x2_mul, u64x2, a * b)

/*
 * Saturating add and sub, rounding average.  x86 and NEON have them; the
 * generic forms detect overflow from the wrapped result.
 */
#if defined(WRT_SIMD_SSE2)
#define WRT_SIMD_SAT(SHAPE, B)                                              \
    WRT_SIMD_BIN(SHAPE##_add_sat_s, v128,                                   \
                 _mm_adds_epi##B((__m128i)a, (__m128i)b))                   \
    WRT_SIMD_BIN(SHAPE##_add_sat_u, v128,                                   \
                 _mm_adds_epu##B((__m128i)a, (__m128i)b))                   \
    WRT_SIMD_BIN(SHAPE##_sub_sat_s, v128,                                   \
                 _mm_subs_epi##B((__m128i)a, (__m128i)b))                   \
    WRT_SIMD_BIN(SHAPE##_sub_sat_u, v128,                                   \
                 _mm_subs_epu##B((__m128i)a, (__m128i)b))                   \
    WRT_SIMD_BIN(SHAPE##_avgr_u, v128,                                      \
                 _mm_avg_epu##B((__m128i)a, (__m128i)b))
WRT_SIMD_SAT(i8x16, 8)
WRT_SIMD_SAT(i16x8, 16)
#elif defined(WRT_SIMD_NEON)
WRT_SIMD_BIN(i8x16_add_sat_s, v128,
             vqaddq_s8((int8x16_t)a, (int8x16_t)b))
WRT_SIMD_BIN(i8x16_add_sat_u, v128,
             vqaddq_u8((uint8x16_t)a, (uint8x16_t)b))
WRT_SIMD_BIN(i8x16_sub_sat_s, v128,
             vqsubq_s8((int8x16_t)a, (int8x16_t)b))
WRT_SIMD_BIN(i8x16_sub_sat_u, v128,
             vqsubq_u8((uint8x16_t)a, (uint8x16_t)b))
WRT_SIMD_BIN(i8x16_avgr_u, v128,
             vrhaddq_u8((uint8x16_t)a, (uint8x16_t)b))
WRT_SIMD_BIN(i16x8_add_sat_s, v128,
             vqaddq_s16((int16x8_t)a, (int16x8_t)b))
WRT_SIMD_BIN(i16x8_add_sat_u, v128,
             vqaddq_u16((uint16x8_t)a, (uint16x8_t)b))
WRT_SIMD_BIN(i16x8_sub_sat_s, v128,
             vqsubq_s16((int16x8_t)a, (int16x8_t)b))
WRT_SIMD_BIN(i16x8_sub_sat_u, v128,
             vqsubq_u16((uint16x8_t)a, (uint16x8_t)b))
WRT_SIMD_BIN(i16x8_avgr_u, v128,
             vrhaddq_u16((uint16x8_t)a, (uint16x8_t)b))
#else
/*
 * Signed overflow happened when the operands' signs allowed it and the
 * result's sign is wrong; the saturated value has the sign of a.
 */
#define WRT_SIMD_SAT(SHAPE, U, S, MAX)                                      \
    WRT_SIMD_INLINE wrt_v128                                                \
    wrt_##SHAPE##_add_sat_s(wrt_v128 va, wrt_v128 vb)                       \
    {                                                                       \
        wrt_##U a = WRT_AS(U, va), b = WRT_AS(U, vb), r = a + b;            \
        wrt_##U sat = (wrt_##U)(WRT_AS(S, a) < 0) ^ MAX;                    \
        return wrt_simd_sel((wrt_v128)(WRT_AS(S, (r ^ a) & (r ^ b)) < 0),   \
                            (wrt_v128)sat, (wrt_v128)r);                    \
    }                                                                       \
    WRT_SIMD_INLINE wrt_v128                                                \
    wrt_##SHAPE##_sub_sat_s(wrt_v128 va, wrt_v128 vb)                       \
    {                                                                       \
        wrt_##U a = WRT_AS(U, va), b = WRT_AS(U, vb), r = a - b;            \
        wrt_##U sat = (wrt_##U)(WRT_AS(S, a) < 0) ^ MAX;                    \
        return wrt_simd_sel((wrt_v128)(WRT_AS(S, (a ^ b) & (a ^ r)) < 0),   \
                            (wrt_v128)sat, (wrt_v128)r);                    \
    }                                                                       \
    WRT_SIMD_BIN(SHAPE##_add_sat_u, U, (a + b) | (wrt_##U)(a + b < a))      \
    WRT_SIMD_BIN(SHAPE##_sub_sat_u, U, (a - b) & (wrt_##U)(a >= b))         \
    WRT_SIMD_BIN(SHAPE##_avgr_u, U, (a | b) - ((a ^ b) >> 1))
WRT_SIMD_SAT(i8x16, u8x16, s8x16, 0x7F)
WRT_SIMD_SAT(i16x8, u16x8, s16x8, 0x7FFF)
#endif

/* ---- population count, all_true, bitmask ------------------------------ */

WRT_SIMD_INLINE wrt_v128
wrt_i8x16_popcnt(wrt_v128 v)
{
#if defined(WRT_SIMD_NEON)
    return (wrt_v128)vcntq_u8((uint8x16_t)v);
#elif defined(WRT_SIMD_SSSE3)
    /* count per nibble by table lookup */
    const __m128i tab = _mm_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3,
                                      2, 3, 3, 4);
    const __m128i lo = _mm_set1_epi8(0x0F);
    __m128i x = (__m128i)v;
    return (wrt_v128)_mm_add_epi8(
        _mm_shuffle_epi8(tab, _mm_and_si128(x, lo)),
        _mm_shuffle_epi8(tab, _mm_and_si128(_mm_srli_epi16(x, 4), lo)));
#else
    wrt_u8x16 x = WRT_AS(u8x16, v);
    x = x - ((x >> 1) & 0x55);
    x = (x & 0x33) + ((x >> 2) & 0x33);
    return (wrt_v128)((x + (x >> 4)) & 0x0F);
#endif
}

#define WRT_SIMD_ALL_TRUE(SHAPE, U)                                         \
    WRT_SIMD_INLINE uint32_t                                                \
    wrt_##SHAPE##_all_true(wrt_v128 v)                                      \
    {                                                                       \
        wrt_v128 z = (wrt_v128)(WRT_AS(U, v) == 0);                         \
        return (z[0] | z[1]) == 0;                                          \
    }

WRT_SIMD_ALL_TRUE(i8x16, u8x16)
WRT_SIMD_ALL_TRUE(i16x8, u16x8)
WRT_SIMD_ALL_TRUE(i32x4, u32x4)
WRT_SIMD_ALL_TRUE(i64x2, u64x2)

#if defined(WRT_SIMD_SSE2)
WRT_SIMD_INLINE uint32_t
wrt_i8x16_bitmask(wrt_v128 v)
{
    return (uint32_t)_mm_movemask_epi8((__m128i)v);
}

WRT_SIMD_INLINE uint32_t
wrt_i16x8_bitmask(wrt_v128 v)
{
    return (uint32_t)_mm_movemask_epi8(
        _mm_packs_epi16((__m128i)v, _mm_setzero_si128()));
}

WRT_SIMD_INLINE uint32_t
wrt_i32x4_bitmask(wrt_v128 v)
{
    return (uint32_t)_mm_movemask_ps((__m128)v);
}

WRT_SIMD_INLINE uint32_t
wrt_i64x2_bitmask(wrt_v128 v)
{
    return (uint32_t)_mm_movemask_pd((__m128d)v);
}
#else
#define WRT_SIMD_BITMASK(SHAPE, N, U, W)                                    \
    WRT_SIMD_INLINE uint32_t                                                \
    wrt_##SHAPE##_bitmask(wrt_v128 v)                                       \
    {                                                                       \
        wrt_##U t = WRT_AS(U, v) >> (W - 1);                                \
        uint32_t m = 0;                                                     \
        unsigned i;                                                         \
        for (i = 0; i < N; i++)                                             \
            m |= (uint32_t)t[i] << i;                                       \
        return m;                                                           \
    }
WRT_SIMD_BITMASK(i8x16, 16, u8x16, 8)
WRT_SIMD_BITMASK(i16x8, 8, u16x8, 16)
WRT_SIMD_BITMASK(i32x4, 4, u32x4, 32)
WRT_SIMD_BITMASK(i64x2, 2, u64x2, 64)
#endif

/* ---- widening: extend, extmul, extadd_pairwise, dot ------------------- */

/* Half H (0 low, 1 high) of v, from 8-byte type T widened to type W. */
#define WRT_SIMD_WIDEN(v, T, H, W)                                          \
    __builtin_convertvector(WRT_HALF(T, v, H), wrt_##W)

#define WRT_SIMD_EXTEND(SHAPE, FROM, NT, NU, WS, WU)                        \
    WRT_SIMD_UN(SHAPE##_extend_low_##FROM##_s, v128,                        \
                WRT_SIMD_WIDEN(a, NT, 0, WS))                               \
    WRT_SIMD_UN(SHAPE##_extend_high_##FROM##_s, v128,                       \
                WRT_SIMD_WIDEN(a, NT, 1, WS))                               \
    WRT_SIMD_UN(SHAPE##_extend_low_##FROM##_u, v128,                        \
                WRT_SIMD_WIDEN(a, NU, 0, WU))                               \
    WRT_SIMD_UN(SHAPE##_extend_high_##FROM##_u, v128,                       \
                WRT_SIMD_WIDEN(a, NU, 1, WU))                               \
    WRT_SIMD_BIN(SHAPE##_extmul_low_##FROM##_s, v128,                       \
                 WRT_SIMD_WIDEN(a, NT, 0, WS) *                             \
                     WRT_SIMD_WIDEN(b, NT, 0, WS))                          \
    WRT_SIMD_BIN(SHAPE##_extmul_high_##FROM##_s, v128,                      \
                 WRT_SIMD_WIDEN(a, NT, 1, WS) *                             \
                     WRT_SIMD_WIDEN(b, NT, 1, WS))                          \
    WRT_SIMD_BIN(SHAPE##_extmul_low_##FROM##_u, v128,                       \
                 WRT_SIMD_WIDEN(a, NU, 0, WU) *                             \
                     WRT_SIMD_WIDEN(b, NU, 0, WU))                          \
    WRT_SIMD_BIN(SHAPE##_extmul_high_##FROM##_u, v128,                      \
                 WRT_SIMD_WIDEN(a, NU, 1, WU) *                             \
                     WRT_SIMD_WIDEN(b, NU, 1, WU))

/* products of sign-extended lanes fit: (-2^(n-1))^2 < 2^(2n-1) */
WRT_SIMD_EXTEND(i16x8, i8x16, s8x8, u8x8, s16x8, u16x8)
WRT_SIMD_EXTEND(i32x4, i16x8, s16x4, u16x4, s32x4, u32x4)
WRT_SIMD_EXTEND(i64x2, i32x4, s32x2, u32x2, s64x2, u64x2)

/* Even and odd narrow lanes of a wide lane: shifts on the wide shape. */
#define WRT_SIMD_PAIRWISE(SHAPE, FROM, U, S, W)                             \
    WRT_SIMD_UN(SHAPE##_extadd_pairwise_##FROM##_s, U,                      \
                (wrt_##U)((WRT_AS(S, a << (W / 2)) >> (W / 2)) +            \
                          (WRT_AS(S, a) >> (W / 2))))                       \
    WRT_SIMD_UN(SHAPE##_extadd_pairwise_##FROM##_u, U,                      \
                ((a << (W / 2)) >> (W / 2)) + (a >> (W / 2)))

WRT_SIMD_PAIRWISE(i16x8, i8x16, u16x8, s16x8, 16)
WRT_SIMD_PAIRWISE(i32x4, i16x8, u32x4, s32x4, 32)

WRT_SIMD_INLINE wrt_v128
wrt_i32x4_dot_i16x8_s(wrt_v128 va, wrt_v128 vb)
{
#if defined(WRT_SIMD_SSE2)
    return (wrt_v128)_mm_madd_epi16((__m128i)va, (__m128i)vb);
#else
    /* each product fits in int32; their sum may wrap, so add unsigned */
    wrt_s32x4 a = WRT_AS(s32x4, va), b = WRT_AS(s32x4, vb);
    wrt_s32x4 even = (WRT_AS(s32x4, WRT_AS(u32x4, a) << 16) >> 16) *
                     (WRT_AS(s32x4, WRT_AS(u32x4, b) << 16) >> 16);
    wrt_s32x4 odd = (a >> 16) * (b >> 16);
    return (wrt_v128)(WRT_AS(u32x4, even) + WRT_AS(u32x4, odd));
#endif
}

/* (a * b + 2^14) >> 15, saturated: only -32768 * -32768 overflows. */
WRT_SIMD_INLINE wrt_v128
wrt_i16x8_q15mulr_sat_s(wrt_v128 va, wrt_v128 vb)
{
    wrt_s16x8 a = WRT_AS(s16x8, va), b = WRT_AS(s16x8, vb);
#if defined(WRT_SIMD_SSSE3)
    wrt_s16x8 r = (wrt_s16x8)_mm_mulhrs_epi16((__m128i)va, (__m128i)vb);
#elif defined(WRT_SIMD_SSE2)
    /*
     * From the product's halves hi:lo, (p + 2^14) >> 15 is
     * (hi << 1) + (((lo >> 14) + 1) >> 1) in wrapping 16-bit arithmetic.
     */
    wrt_u16x8 lo = (wrt_u16x8)_mm_mullo_epi16((__m128i)va, (__m128i)vb);
    wrt_u16x8 hi = (wrt_u16x8)_mm_mulhi_epi16((__m128i)va, (__m128i)vb);
    wrt_s16x8 r = (wrt_s16x8)((hi << 1) + (((lo >> 14) + 1) >> 1));
#else
    wrt_s32x4 lo = (WRT_SIMD_WIDEN(a, s16x4, 0, s32x4) *
                        WRT_SIMD_WIDEN(b, s16x4, 0, s32x4) + 0x4000) >> 15;
    wrt_s32x4 hi = (WRT_SIMD_WIDEN(a, s16x4, 1, s32x4) *
                        WRT_SIMD_WIDEN(b, s16x4, 1, s32x4) + 0x4000) >> 15;
    wrt_s16x8 r = (wrt_s16x8)WRT_JOIN(__builtin_convertvector(lo, wrt_s16x4),
                                      __builtin_convertvector(hi, wrt_s16x4));
#endif
    /* the one overflow wrapped to -32768: flip it to 32767 */
    return (wrt_v128)(r ^ ((a == -32768) & (b == -32768)));
}

/* ---- narrowing -------------------------------------------------------- */

#if defined(WRT_SIMD_SSE2)
WRT_SIMD_BIN(i8x16_narrow_i16x8_s, v128,
             _mm_packs_epi16((__m128i)a, (__m128i)b))
WRT_SIMD_BIN(i8x16_narrow_i16x8_u, v128,
             _mm_packus_epi16((__m128i)a, (__m128i)b))
WRT_SIMD_BIN(i16x8_narrow_i32x4_s, v128,
             _mm_packs_epi32((__m128i)a, (__m128i)b))
#if defined(WRT_SIMD_SSE41)
WRT_SIMD_BIN(i16x8_narrow_i32x4_u, v128,
             _mm_packus_epi32((__m128i)a, (__m128i)b))
#else
/*
 * SSE2 has only the signed pack: zero the negative lanes, bias by -32768
 * so that [0, 65535] maps onto the signed range, pack with signed
 * saturation, and flip the bias back in the top bit.
 */
WRT_SIMD_INLINE __m128i
wrt_simd_bias_u16(__m128i x)
{
    x = _mm_andnot_si128(_mm_srai_epi32(x, 31), x);
    return _mm_sub_epi32(x, _mm_set1_epi32(32768));
}

WRT_SIMD_BIN(i16x8_narrow_i32x4_u, v128,
             _mm_xor_si128(_mm_packs_epi32(wrt_simd_bias_u16((__m128i)a),
                                           wrt_simd_bias_u16((__m128i)b)),
                           _mm_set1_epi16(-32768)))
#endif
#define WRT_SIMD_NARROW_DONE 1
#define WRT_SIMD_NARROW8_DONE 1
#endif

/* Clamp each lane of the signed wide shape S into [LO, HI], then narrow. */
#define WRT_SIMD_NARROW(NAME, S, N, LO, HI)                                 \
    WRT_SIMD_INLINE wrt_v128                                                \
    wrt_##NAME(wrt_v128 va, wrt_v128 vb)                                    \
    {                                                                       \
        wrt_##S a = WRT_AS(S, va), b = WRT_AS(S, vb);                       \
        a = (wrt_##S)wrt_simd_sel((wrt_v128)(a < LO),                       \
                                  (wrt_v128)(a - a + LO), (wrt_v128)a);     \
        a = (wrt_##S)wrt_simd_sel((wrt_v128)(a > HI),                       \
                                  (wrt_v128)(a - a + HI), (wrt_v128)a);     \
        b = (wrt_##S)wrt_simd_sel((wrt_v128)(b < LO),                       \
                                  (wrt_v128)(b - b + LO), (wrt_v128)b);     \
        b = (wrt_##S)wrt_simd_sel((wrt_v128)(b > HI),                       \
                                  (wrt_v128)(b - b + HI), (wrt_v128)b);     \
        return WRT_JOIN(__builtin_convertvector(a, wrt_##N),                \
                        __builtin_convertvector(b, wrt_##N));               \
    }

#if !defined(WRT_SIMD_NARROW8_DONE)
WRT_SIMD_NARROW(i8x16_narrow_i16x8_s, s16x8, s8x8, -128, 127)
WRT_SIMD_NARROW(i8x16_narrow_i16x8_u, s16x8, u8x8, 0, 255)
WRT_SIMD_NARROW(i16x8_narrow_i32x4_s, s32x4, s16x4, -32768, 32767)
#endif
#if !defined(WRT_SIMD_NARROW_DONE)
WRT_SIMD_NARROW(i16x8_narrow_i32x4_u, s32x4, u16x4, 0, 65535)
#endif

/* ---- float arithmetic ------------------------------------------------- */

#define WRT_SIMD_FLOAT(SHAPE, F, U, SIGN, NAN)                              \
    WRT_SIMD_BIN(SHAPE##_add, F, a + b)                                     \
    WRT_SIMD_BIN(SHAPE##_sub, F, a - b)                                     \
    WRT_SIMD_BIN(SHAPE##_mul, F, a * b)                                     \
    WRT_SIMD_BIN(SHAPE##_div, F, a / b)                                     \
    WRT_SIMD_BIN(SHAPE##_eq, F, a == b)                                     \
    WRT_SIMD_BIN(SHAPE##_ne, F, a != b)                                     \
    WRT_SIMD_BIN(SHAPE##_lt, F, a < b)                                      \
    WRT_SIMD_BIN(SHAPE##_gt, F, a > b)                                      \
    WRT_SIMD_BIN(SHAPE##_le, F, a <= b)                                     \
    WRT_SIMD_BIN(SHAPE##_ge, F, a >= b)                                     \
    /* abs and neg touch the sign bit only, NaN payloads included */        \
    WRT_SIMD_UN(SHAPE##_abs, U, a & ~SIGN)                                  \
    WRT_SIMD_UN(SHAPE##_neg, U, a ^ SIGN)                                   \
    /* pmin: b < a ? b : a;  pmax: a < b ? b : a (no NaN rule) */           \
    WRT_SIMD_BIN(SHAPE##_pmin, F,                                           \
                 wrt_simd_sel((wrt_v128)(b < a), (wrt_v128)b, (wrt_v128)a)) \
    WRT_SIMD_BIN(SHAPE##_pmax, F,                                           \
                 wrt_simd_sel((wrt_v128)(a < b), (wrt_v128)b, (wrt_v128)a)) \
    /*                                                                      \
     * min and max: a NaN operand gives the canonical NaN (always a valid   \
     * result, and the same on both paths); for equal operands OR (min) or  \
     * AND (max) of the bits picks -0 or +0 from a pair of zeros and is a   \
     * no-op otherwise.                                                     \
     */                                                                     \
    WRT_SIMD_INLINE wrt_v128                                                \
    wrt_##SHAPE##_min(wrt_v128 va, wrt_v128 vb)                             \
    {                                                                       \
        wrt_##F a = WRT_AS(F, va), b = WRT_AS(F, vb);                       \
        wrt_v128 r = wrt_simd_sel((wrt_v128)(a < b), va, vb);               \
        r |= va & (wrt_v128)(a == b);                                       \
        return wrt_simd_sel((wrt_v128)((a != a) | (b != b)),                \
                            (wrt_v128)(WRT_AS(U, va) - WRT_AS(U, va) + NAN), \
                            r);                                             \
    }                                                                       \
    WRT_SIMD_INLINE wrt_v128                                                \
    wrt_##SHAPE##_max(wrt_v128 va, wrt_v128 vb)                             \
    {                                                                       \
        wrt_##F a = WRT_AS(F, va), b = WRT_AS(F, vb);                       \
        wrt_v128 r = wrt_simd_sel((wrt_v128)(a > b), va, vb);               \
        r &= va | ~(wrt_v128)(a == b);                                      \
        return wrt_simd_sel((wrt_v128)((a != a) | (b != b)),                \
                            (wrt_v128)(WRT_AS(U, va) - WRT_AS(U, va) + NAN), \
                            r);                                             \
    }

WRT_SIMD_FLOAT(f32x4, f32x4, u32x4, 0x80000000u, 0x7FC00000u)
WRT_SIMD_FLOAT(f64x2, f64x2, u64x2, 0x8000000000000000ull,
               0x7FF8000000000000ull)

#if defined(WRT_SIMD_SSE2)
WRT_SIMD_UN(f32x4_sqrt, v128, _mm_sqrt_ps((__m128)a))
WRT_SIMD_UN(f64x2_sqrt, v128, _mm_sqrt_pd((__m128d)a))
#elif defined(WRT_SIMD_NEON)
WRT_SIMD_UN(f32x4_sqrt, v128, vsqrtq_f32((float32x4_t)a))
WRT_SIMD_UN(f64x2_sqrt, v128, vsqrtq_f64((float64x2_t)a))
#else
WRT_SIMD_INLINE wrt_v128
wrt_f32x4_sqrt(wrt_v128 v)
{
    wrt_f32x4 a = WRT_AS(f32x4, v);
    wrt_f32x4 r = {wrt_f32_sqrt(a[0]), wrt_f32_sqrt(a[1]), wrt_f32_sqrt(a[2]),
                   wrt_f32_sqrt(a[3])};
    return (wrt_v128)r;
}

WRT_SIMD_INLINE wrt_v128
wrt_f64x2_sqrt(wrt_v128 v)
{
    wrt_f64x2 a = WRT_AS(f64x2, v);
    wrt_f64x2 r = {wrt_f64_sqrt(a[0]), wrt_f64_sqrt(a[1])};
    return (wrt_v128)r;
}
#endif

/*
 * Rounding to an integer.  SSE4.1 and NEON have instructions (a NaN comes
 * back quiet).  Otherwise: for |x| < 2^(mantissa bits), (|x| + 2^m) - 2^m
 * is |x| rounded to nearest, ties to even, under the default rounding
 * mode; ceil, floor and trunc step from there by one; the result takes
 * x's sign, which is right for all four operations (ceil(-0.5) = -0).
 * Larger magnitudes, infinities and NaNs are already integral: x + 0
 * returns them unchanged, except that a NaN becomes quiet.
 */
enum { WRT_SIMD_NEAREST, WRT_SIMD_CEIL, WRT_SIMD_FLOOR, WRT_SIMD_TRUNC };

#define WRT_SIMD_ROUND_GENERIC(N, F, U, SIGN, BIG, ONE, ZERO)               \
    WRT_SIMD_INLINE wrt_v128                                                \
    wrt_simd_round_##N(wrt_v128 v, int mode)                                \
    {                                                                       \
        wrt_##U bits = WRT_AS(U, v);                                        \
        wrt_##U sign = bits & SIGN;                                         \
        wrt_##F x = WRT_AS(F, v), ax = WRT_AS(F, bits ^ sign);              \
        wrt_v128 small = (wrt_v128)(ax < BIG);                              \
        wrt_##F r = (ax + BIG) - BIG;   /* nearest of |x| */                \
        wrt_##F one = ONE;                                                  \
        wrt_##F s = WRT_AS(F, WRT_AS(U, r) | sign);                         \
        switch (mode) {                                                     \
        case WRT_SIMD_CEIL:                                                 \
            s = s + WRT_AS(F, (wrt_##U)(s < x) & WRT_AS(U, one));           \
            break;                                                          \
        case WRT_SIMD_FLOOR:                                                \
            s = s - WRT_AS(F, (wrt_##U)(s > x) & WRT_AS(U, one));           \
            break;                                                          \
        case WRT_SIMD_TRUNC:                                                \
            r = r - WRT_AS(F, (wrt_##U)(r > ax) & WRT_AS(U, one));          \
            s = r;                                                          \
            break;                                                          \
        default:                                                            \
            break;                                                          \
        }                                                                   \
        s = WRT_AS(F, (WRT_AS(U, s) & ~SIGN) | sign);                       \
        return wrt_simd_sel(small, (wrt_v128)s, (wrt_v128)(x + ZERO));      \
    }

#if defined(WRT_SIMD_SSE41)
#define WRT_SIMD_ROUND(OP, MODE)                                            \
    WRT_SIMD_UN(f32x4_##OP, v128,                                           \
                _mm_round_ps((__m128)a, MODE | _MM_FROUND_NO_EXC))          \
    WRT_SIMD_UN(f64x2_##OP, v128,                                           \
                _mm_round_pd((__m128d)a, MODE | _MM_FROUND_NO_EXC))
WRT_SIMD_ROUND(ceil, _MM_FROUND_TO_POS_INF)
WRT_SIMD_ROUND(floor, _MM_FROUND_TO_NEG_INF)
WRT_SIMD_ROUND(trunc, _MM_FROUND_TO_ZERO)
WRT_SIMD_ROUND(nearest, _MM_FROUND_TO_NEAREST_INT)
#elif defined(WRT_SIMD_NEON)
WRT_SIMD_UN(f32x4_ceil, v128, vrndpq_f32((float32x4_t)a))
WRT_SIMD_UN(f32x4_floor, v128, vrndmq_f32((float32x4_t)a))
WRT_SIMD_UN(f32x4_trunc, v128, vrndq_f32((float32x4_t)a))
WRT_SIMD_UN(f32x4_nearest, v128, vrndnq_f32((float32x4_t)a))
WRT_SIMD_UN(f64x2_ceil, v128, vrndpq_f64((float64x2_t)a))
WRT_SIMD_UN(f64x2_floor, v128, vrndmq_f64((float64x2_t)a))
WRT_SIMD_UN(f64x2_trunc, v128, vrndq_f64((float64x2_t)a))
WRT_SIMD_UN(f64x2_nearest, v128, vrndnq_f64((float64x2_t)a))
#else
WRT_SIMD_ROUND_GENERIC(f32, f32x4, u32x4, 0x80000000u, 8388608.0f,
                       ((wrt_f32x4){1.0f, 1.0f, 1.0f, 1.0f}), 0.0f)
WRT_SIMD_ROUND_GENERIC(f64, f64x2, u64x2, 0x8000000000000000ull,
                       4503599627370496.0, ((wrt_f64x2){1.0, 1.0}), 0.0)
#define WRT_SIMD_ROUND(OP, MODE)                                            \
    WRT_SIMD_UN(f32x4_##OP, v128, wrt_simd_round_f32(a, MODE))              \
    WRT_SIMD_UN(f64x2_##OP, v128, wrt_simd_round_f64(a, MODE))
WRT_SIMD_ROUND(ceil, WRT_SIMD_CEIL)
WRT_SIMD_ROUND(floor, WRT_SIMD_FLOOR)
WRT_SIMD_ROUND(trunc, WRT_SIMD_TRUNC)
WRT_SIMD_ROUND(nearest, WRT_SIMD_NEAREST)
#endif

/* ---- conversions ------------------------------------------------------ */

WRT_SIMD_UN(f32x4_convert_i32x4_s, s32x4,
            __builtin_convertvector(a, wrt_f32x4))
WRT_SIMD_UN(f32x4_convert_i32x4_u, u32x4,
            __builtin_convertvector(a, wrt_f32x4))
WRT_SIMD_UN(f64x2_convert_low_i32x4_s, v128,
            WRT_SIMD_WIDEN(a, s32x2, 0, f64x2))
WRT_SIMD_UN(f64x2_convert_low_i32x4_u, v128,
            WRT_SIMD_WIDEN(a, u32x2, 0, f64x2))

/*
 * Saturating f32 -> i32: lanes out of range are zeroed before converting
 * (the conversion is only defined in range), then get their bound.
 */
WRT_SIMD_INLINE wrt_v128
wrt_i32x4_trunc_sat_f32x4_s(wrt_v128 v)
{
    wrt_f32x4 x = WRT_AS(f32x4, v);
    wrt_s32x4 in = (x >= -2147483648.0f) & (x < 2147483648.0f);
    wrt_s32x4 r = __builtin_convertvector(WRT_AS(f32x4, WRT_AS(s32x4, x) & in),
                                          wrt_s32x4);
    return (wrt_v128)((r & in) | ((x >= 2147483648.0f) & 0x7FFFFFFF) |
                      ((x < -2147483648.0f) & INT32_MIN));
}

WRT_SIMD_INLINE wrt_v128
wrt_i32x4_trunc_sat_f32x4_u(wrt_v128 v)
{
    wrt_f32x4 x = WRT_AS(f32x4, v);
    wrt_s32x4 in = (x > -1.0f) & (x < 4294967296.0f);
    wrt_s32x4 big = x >= 2147483648.0f;
    /* [2^31, 2^32): convert x - 2^31 and put the top bit back */
    const wrt_f32x4 two31 = {2147483648.0f, 2147483648.0f, 2147483648.0f,
                             2147483648.0f};
    wrt_f32x4 t = x - WRT_AS(f32x4, big & WRT_AS(s32x4, two31));
    wrt_s32x4 r = __builtin_convertvector(WRT_AS(f32x4, WRT_AS(s32x4, t) & in),
                                          wrt_s32x4);
    r = (r ^ (big & INT32_MIN)) & in;
    return (wrt_v128)(r | (x >= 4294967296.0f));
}

/* The f64x2 -> lanes 0 and 1 conversions: the scalar helpers of wrt.h. */
WRT_SIMD_INLINE wrt_v128
wrt_i32x4_trunc_sat_f64x2_s_zero(wrt_v128 v)
{
    wrt_f64x2 x = WRT_AS(f64x2, v);
    wrt_u32x4 r = {wrt_i32_trunc_sat_f64_s(x[0]),
                   wrt_i32_trunc_sat_f64_s(x[1]), 0, 0};
    return (wrt_v128)r;
}

WRT_SIMD_INLINE wrt_v128
wrt_i32x4_trunc_sat_f64x2_u_zero(wrt_v128 v)
{
    wrt_f64x2 x = WRT_AS(f64x2, v);
    wrt_u32x4 r = {wrt_i32_trunc_sat_f64_u(x[0]),
                   wrt_i32_trunc_sat_f64_u(x[1]), 0, 0};
    return (wrt_v128)r;
}

WRT_SIMD_INLINE wrt_v128
wrt_f32x4_demote_f64x2_zero(wrt_v128 v)
{
    wrt_f64x2 x = WRT_AS(f64x2, v);
    wrt_f32x4 r = {wrt_f32_demote_f64(x[0]), wrt_f32_demote_f64(x[1]), 0, 0};
    return (wrt_v128)r;
}

WRT_SIMD_INLINE wrt_v128
wrt_f64x2_promote_low_f32x4(wrt_v128 v)
{
    wrt_f32x4 x = WRT_AS(f32x4, v);
    wrt_f64x2 r = {wrt_f64_promote_f32(x[0]), wrt_f64_promote_f32(x[1])};
    return (wrt_v128)r;
}

/* ---- loads that widen ------------------------------------------------- */

/* 8 bytes of memory, as a little-endian uint64_t, widened per lane. */
#define WRT_SIMD_WIDEN64(x, T, W)                                           \
    ((wrt_v128)__builtin_convertvector((wrt_##T)(x), wrt_##W))

#define wrt_simd_load8x8_s(x) WRT_SIMD_WIDEN64(x, s8x8, s16x8)
#define wrt_simd_load8x8_u(x) WRT_SIMD_WIDEN64(x, u8x8, u16x8)
#define wrt_simd_load16x4_s(x) WRT_SIMD_WIDEN64(x, s16x4, s32x4)
#define wrt_simd_load16x4_u(x) WRT_SIMD_WIDEN64(x, u16x4, u32x4)
#define wrt_simd_load32x2_s(x) WRT_SIMD_WIDEN64(x, s32x2, s64x2)
#define wrt_simd_load32x2_u(x) WRT_SIMD_WIDEN64(x, u32x2, u64x2)

#else /* WRT_SIMD_PORTABLE */
/* ======================================================================
 * Portable path: plain C99 on any host.  Lanes are unpacked from the
 * little-endian bytes into arrays, computed on, and packed back.
 * ====================================================================== */

typedef struct wrt_v128 {
    uint8_t b[16];
} wrt_v128;

WRT_SIMD_INLINE wrt_v128
wrt_v128_make(uint64_t lo, uint64_t hi)
{
    wrt_v128 v;

    wrt_simd_wr(v.b, 8, lo);
    wrt_simd_wr(v.b + 8, 8, hi);
    return v;
}

#define WRT_SIMD_PACKING(W)                                                 \
    WRT_SIMD_INLINE void                                                    \
    wrt_simd_unpack##W(uint##W##_t *l, wrt_v128 v)                          \
    {                                                                       \
        unsigned i;                                                         \
        for (i = 0; i < 128 / W; i++)                                       \
            l[i] = (uint##W##_t)wrt_simd_rd(v.b + i * (W / 8), W / 8);      \
    }                                                                       \
    WRT_SIMD_INLINE wrt_v128                                                \
    wrt_simd_pack##W(const uint##W##_t *l)                                  \
    {                                                                       \
        wrt_v128 v;                                                         \
        unsigned i;                                                         \
        for (i = 0; i < 128 / W; i++)                                       \
            wrt_simd_wr(v.b + i * (W / 8), W / 8, l[i]);                    \
        return v;                                                           \
    }

WRT_SIMD_PACKING(8)
WRT_SIMD_PACKING(16)
WRT_SIMD_PACKING(32)
WRT_SIMD_PACKING(64)

WRT_SIMD_INLINE void
wrt_simd_unpackf32(float *l, wrt_v128 v)
{
    unsigned i;

    for (i = 0; i < 4; i++)
        l[i] = wrt_f32_reinterpret_i32((uint32_t)wrt_simd_rd(v.b + 4 * i, 4));
}

WRT_SIMD_INLINE wrt_v128
wrt_simd_packf32(const float *l)
{
    wrt_v128 v;
    unsigned i;

    for (i = 0; i < 4; i++)
        wrt_simd_wr(v.b + 4 * i, 4, wrt_i32_reinterpret_f32(l[i]));
    return v;
}

WRT_SIMD_INLINE void
wrt_simd_unpackf64(double *l, wrt_v128 v)
{
    l[0] = wrt_f64_reinterpret_i64(wrt_simd_rd(v.b, 8));
    l[1] = wrt_f64_reinterpret_i64(wrt_simd_rd(v.b + 8, 8));
}

WRT_SIMD_INLINE wrt_v128
wrt_simd_packf64(const double *l)
{
    wrt_v128 v;

    wrt_simd_wr(v.b, 8, wrt_i64_reinterpret_f64(l[0]));
    wrt_simd_wr(v.b + 8, 8, wrt_i64_reinterpret_f64(l[1]));
    return v;
}

/* All ones when c is true, truncated to the lane by the caller's cast. */
#define WRT_SIMD_MASK(c) (0u - (uint64_t)!!(c))

/*
 * Lane-wise operation families.  W is the lane width; in EXPR, a and b
 * are the operand lanes as uintW_t (or float/double for the F forms) and
 * n is a shift count.
 */
#define WRT_SIMD_PBIN(NAME, W, EXPR)                                        \
    WRT_SIMD_INLINE wrt_v128                                                \
    wrt_##NAME(wrt_v128 va, wrt_v128 vb)                                    \
    {                                                                       \
        uint##W##_t x[128 / W], y[128 / W];                                 \
        unsigned i;                                                         \
        wrt_simd_unpack##W(x, va);                                          \
        wrt_simd_unpack##W(y, vb);                                          \
        for (i = 0; i < 128 / W; i++) {                                     \
            uint##W##_t a = x[i], b = y[i];                                 \
            x[i] = (uint##W##_t)(EXPR);                                     \
        }                                                                   \
        return wrt_simd_pack##W(x);                                         \
    }

#define WRT_SIMD_PUN(NAME, W, EXPR)                                         \
    WRT_SIMD_INLINE wrt_v128                                                \
    wrt_##NAME(wrt_v128 va)                                                 \
    {                                                                       \
        uint##W##_t x[128 / W];                                             \
        unsigned i;                                                         \
        wrt_simd_unpack##W(x, va);                                          \
        for (i = 0; i < 128 / W; i++) {                                     \
            uint##W##_t a = x[i];                                           \
            x[i] = (uint##W##_t)(EXPR);                                     \
        }                                                                   \
        return wrt_simd_pack##W(x);                                         \
    }

#define WRT_SIMD_PSHIFT(NAME, W, EXPR)                                      \
    WRT_SIMD_INLINE wrt_v128                                                \
    wrt_##NAME(wrt_v128 va, uint32_t count)                                 \
    {                                                                       \
        uint##W##_t x[128 / W];                                             \
        unsigned i, n = count & (W - 1);                                    \
        wrt_simd_unpack##W(x, va);                                          \
        for (i = 0; i < 128 / W; i++) {                                     \
            uint##W##_t a = x[i];                                           \
            x[i] = (uint##W##_t)(EXPR);                                     \
        }                                                                   \
        return wrt_simd_pack##W(x);                                         \
    }

/* F is float or double, W its width; EXPR is a value of type R. */
#define WRT_SIMD_PFBIN(NAME, F, W, EXPR)                                    \
    WRT_SIMD_INLINE wrt_v128                                                \
    wrt_##NAME(wrt_v128 va, wrt_v128 vb)                                    \
    {                                                                       \
        F x[128 / W], y[128 / W];                                           \
        unsigned i;                                                         \
        wrt_simd_unpackf##W(x, va);                                         \
        wrt_simd_unpackf##W(y, vb);                                         \
        for (i = 0; i < 128 / W; i++) {                                     \
            F a = x[i], b = y[i];                                           \
            x[i] = (EXPR);                                                  \
        }                                                                   \
        return wrt_simd_packf##W(x);                                        \
    }

#define WRT_SIMD_PFUN(NAME, F, W, EXPR)                                     \
    WRT_SIMD_INLINE wrt_v128                                                \
    wrt_##NAME(wrt_v128 va)                                                 \
    {                                                                       \
        F x[128 / W];                                                       \
        unsigned i;                                                         \
        wrt_simd_unpackf##W(x, va);                                         \
        for (i = 0; i < 128 / W; i++) {                                     \
            F a = x[i];                                                     \
            x[i] = (EXPR);                                                  \
        }                                                                   \
        return wrt_simd_packf##W(x);                                        \
    }

/* Float comparisons give integer masks. */
#define WRT_SIMD_PFCMP(NAME, F, W, EXPR)                                    \
    WRT_SIMD_INLINE wrt_v128                                                \
    wrt_##NAME(wrt_v128 va, wrt_v128 vb)                                    \
    {                                                                       \
        F x[128 / W], y[128 / W];                                           \
        uint##W##_t r[128 / W];                                             \
        unsigned i;                                                         \
        wrt_simd_unpackf##W(x, va);                                         \
        wrt_simd_unpackf##W(y, vb);                                         \
        for (i = 0; i < 128 / W; i++) {                                     \
            F a = x[i], b = y[i];                                           \
            r[i] = (uint##W##_t)WRT_SIMD_MASK(EXPR);                        \
        }                                                                   \
        return wrt_simd_pack##W(r);                                         \
    }

/* ---- splat, extract_lane, replace_lane -------------------------------- */

#define WRT_SIMD_PLANES(SHAPE, W, R)                                        \
    WRT_SIMD_INLINE wrt_v128                                                \
    wrt_##SHAPE##_splat(R x)                                                \
    {                                                                       \
        uint##W##_t l[128 / W];                                             \
        unsigned i;                                                         \
        for (i = 0; i < 128 / W; i++)                                       \
            l[i] = (uint##W##_t)x;                                          \
        return wrt_simd_pack##W(l);                                         \
    }                                                                       \
    WRT_SIMD_INLINE wrt_v128                                                \
    wrt_##SHAPE##_replace_lane(wrt_v128 v, R x, unsigned lane)              \
    {                                                                       \
        wrt_simd_wr(v.b + (lane & (128 / W - 1)) * (W / 8), W / 8, x);      \
        return v;                                                           \
    }

WRT_SIMD_PLANES(i8x16, 8, uint32_t)
WRT_SIMD_PLANES(i16x8, 16, uint32_t)
WRT_SIMD_PLANES(i32x4, 32, uint32_t)
WRT_SIMD_PLANES(i64x2, 64, uint64_t)

WRT_SIMD_INLINE uint32_t
wrt_i8x16_extract_lane_u(wrt_v128 v, unsigned lane)
{
    return v.b[lane & 15];
}

WRT_SIMD_INLINE uint32_t
wrt_i8x16_extract_lane_s(wrt_v128 v, unsigned lane)
{
    return (uint32_t)(int32_t)(int8_t)v.b[lane & 15];
}

WRT_SIMD_INLINE uint32_t
wrt_i16x8_extract_lane_u(wrt_v128 v, unsigned lane)
{
    return (uint32_t)wrt_simd_rd(v.b + 2 * (lane & 7), 2);
}

WRT_SIMD_INLINE uint32_t
wrt_i16x8_extract_lane_s(wrt_v128 v, unsigned lane)
{
    return (uint32_t)(int32_t)(int16_t)wrt_simd_rd(v.b + 2 * (lane & 7), 2);
}

WRT_SIMD_INLINE uint32_t
wrt_i32x4_extract_lane(wrt_v128 v, unsigned lane)
{
    return (uint32_t)wrt_simd_rd(v.b + 4 * (lane & 3), 4);
}

WRT_SIMD_INLINE uint64_t
wrt_i64x2_extract_lane(wrt_v128 v, unsigned lane)
{
    return wrt_simd_rd(v.b + 8 * (lane & 1), 8);
}

WRT_SIMD_INLINE wrt_v128
wrt_f32x4_splat(float x)
{
    return wrt_i32x4_splat(wrt_i32_reinterpret_f32(x));
}

WRT_SIMD_INLINE wrt_v128
wrt_f64x2_splat(double x)
{
    return wrt_i64x2_splat(wrt_i64_reinterpret_f64(x));
}

WRT_SIMD_INLINE float
wrt_f32x4_extract_lane(wrt_v128 v, unsigned lane)
{
    return wrt_f32_reinterpret_i32(wrt_i32x4_extract_lane(v, lane));
}

WRT_SIMD_INLINE double
wrt_f64x2_extract_lane(wrt_v128 v, unsigned lane)
{
    return wrt_f64_reinterpret_i64(wrt_i64x2_extract_lane(v, lane));
}

WRT_SIMD_INLINE wrt_v128
wrt_f32x4_replace_lane(wrt_v128 v, float x, unsigned lane)
{
    return wrt_i32x4_replace_lane(v, wrt_i32_reinterpret_f32(x), lane);
}

WRT_SIMD_INLINE wrt_v128
wrt_f64x2_replace_lane(wrt_v128 v, double x, unsigned lane)
{
    return wrt_i64x2_replace_lane(v, wrt_i64_reinterpret_f64(x), lane);
}

/* ---- shuffle and swizzle ---------------------------------------------- */

/* The shuffle macros of the fast path, on bytes (lane i of w bytes is
 * bytes w*i .. w*i+w-1). */
#define WRT_I8X16_SHUFFLE(a, b, ...)                                        \
    wrt_i8x16_shuffle(a, b, (const uint8_t[16]){__VA_ARGS__})
#define WRT_SIMD_LANE2(i) 2 * (i), 2 * (i) + 1
#define WRT_SIMD_LANE4(i) 4 * (i), 4 * (i) + 1, 4 * (i) + 2, 4 * (i) + 3
#define WRT_SIMD_LANE8(i) WRT_SIMD_LANE4(2 * (i)), WRT_SIMD_LANE4(2 * (i) + 1)
#define WRT_I16X8_SHUFFLE(a, b, i0, i1, i2, i3, i4, i5, i6, i7)            \
    WRT_I8X16_SHUFFLE(a, b, WRT_SIMD_LANE2(i0), WRT_SIMD_LANE2(i1),        \
                      WRT_SIMD_LANE2(i2), WRT_SIMD_LANE2(i3),              \
                      WRT_SIMD_LANE2(i4), WRT_SIMD_LANE2(i5),              \
                      WRT_SIMD_LANE2(i6), WRT_SIMD_LANE2(i7))
#define WRT_I32X4_SHUFFLE(a, b, i0, i1, i2, i3)                            \
    WRT_I8X16_SHUFFLE(a, b, WRT_SIMD_LANE4(i0), WRT_SIMD_LANE4(i1),        \
                      WRT_SIMD_LANE4(i2), WRT_SIMD_LANE4(i3))
#define WRT_I64X2_SHUFFLE(a, b, i0, i1)                                     \
    WRT_I8X16_SHUFFLE(a, b, WRT_SIMD_LANE8(i0), WRT_SIMD_LANE8(i1))
#define WRT_V128_CONCAT_SHIFT(a, b, s)                                      \
    WRT_I8X16_SHUFFLE(a, b, (s), (s) + 1, (s) + 2, (s) + 3, (s) + 4,       \
                      (s) + 5, (s) + 6, (s) + 7, (s) + 8, (s) + 9, (s) + 10, \
                      (s) + 11, (s) + 12, (s) + 13, (s) + 14, (s) + 15)

WRT_SIMD_INLINE wrt_v128
wrt_i8x16_shuffle(wrt_v128 a, wrt_v128 b, const uint8_t *idx)
{
    wrt_v128 r;
    unsigned i, k;

    for (i = 0; i < 16; i++) {
        k = idx[i] & 31;
        r.b[i] = k < 16 ? a.b[k] : b.b[k - 16];
    }
    return r;
}

WRT_SIMD_INLINE wrt_v128
wrt_i8x16_swizzle(wrt_v128 a, wrt_v128 s)
{
    wrt_v128 r;
    unsigned i;

    for (i = 0; i < 16; i++)
        r.b[i] = s.b[i] < 16 ? a.b[s.b[i]] : 0;
    return r;
}

/* ---- bitwise ---------------------------------------------------------- */

WRT_SIMD_PUN(v128_not, 64, ~a)
WRT_SIMD_PBIN(v128_and, 64, a & b)
WRT_SIMD_PBIN(v128_andnot, 64, a & ~b)
WRT_SIMD_PBIN(v128_or, 64, a | b)
WRT_SIMD_PBIN(v128_xor, 64, a ^ b)

WRT_SIMD_INLINE wrt_v128
wrt_v128_bitselect(wrt_v128 a, wrt_v128 b, wrt_v128 c)
{
    wrt_v128 r;
    unsigned i;

    for (i = 0; i < 16; i++)
        r.b[i] = (uint8_t)((a.b[i] & c.b[i]) | (b.b[i] & ~c.b[i]));
    return r;
}

WRT_SIMD_INLINE uint32_t
wrt_v128_any_true(wrt_v128 a)
{
    unsigned i;

    for (i = 0; i < 16; i++)
        if (a.b[i] != 0)
            return 1;
    return 0;
}

/* ---- integer lanes ---------------------------------------------------- */

#define WRT_SIMD_PINT_COMMON(SHAPE, W, S)                                   \
    WRT_SIMD_PBIN(SHAPE##_add, W, a + b)                                    \
    WRT_SIMD_PBIN(SHAPE##_sub, W, a - b)                                    \
    WRT_SIMD_PUN(SHAPE##_neg, W, 0u - a)                                    \
    WRT_SIMD_PUN(SHAPE##_abs, W, (S)a < 0 ? 0u - a : a)                     \
    WRT_SIMD_PBIN(SHAPE##_eq, W, WRT_SIMD_MASK(a == b))                     \
    WRT_SIMD_PBIN(SHAPE##_ne, W, WRT_SIMD_MASK(a != b))                     \
    WRT_SIMD_PBIN(SHAPE##_lt_s, W, WRT_SIMD_MASK((S)a < (S)b))              \
    WRT_SIMD_PBIN(SHAPE##_gt_s, W, WRT_SIMD_MASK((S)a > (S)b))              \
    WRT_SIMD_PBIN(SHAPE##_le_s, W, WRT_SIMD_MASK((S)a <= (S)b))             \
    WRT_SIMD_PBIN(SHAPE##_ge_s, W, WRT_SIMD_MASK((S)a >= (S)b))             \
    WRT_SIMD_PSHIFT(SHAPE##_shl, W, (uint64_t)a << n)                       \
    WRT_SIMD_PSHIFT(SHAPE##_shr_u, W, a >> n)                               \
    /* arithmetic shift without relying on signed >> */                     \
    WRT_SIMD_PSHIFT(SHAPE##_shr_s, W,                                       \
                    (S)a < 0 ? ~((uint64_t)(uint##W##_t)~a >> n)            \
                             : (uint64_t)a >> n)                            \
    WRT_SIMD_INLINE uint32_t                                                \
    wrt_##SHAPE##_all_true(wrt_v128 v)                                      \
    {                                                                       \
        uint##W##_t x[128 / W];                                             \
        unsigned i;                                                         \
        wrt_simd_unpack##W(x, v);                                           \
        for (i = 0; i < 128 / W; i++)                                       \
            if (x[i] == 0)                                                  \
                return 0;                                                   \
        return 1;                                                           \
    }                                                                       \
    WRT_SIMD_INLINE uint32_t                                                \
    wrt_##SHAPE##_bitmask(wrt_v128 v)                                       \
    {                                                                       \
        uint##W##_t x[128 / W];                                             \
        uint32_t m = 0;                                                     \
        unsigned i;                                                         \
        wrt_simd_unpack##W(x, v);                                           \
        for (i = 0; i < 128 / W; i++)                                       \
            m |= (uint32_t)(x[i] >> (W - 1)) << i;                          \
        return m;                                                           \
    }

#define WRT_SIMD_PINT_ORDER(SHAPE, W, S)                                    \
    WRT_SIMD_PBIN(SHAPE##_lt_u, W, WRT_SIMD_MASK(a < b))                    \
    WRT_SIMD_PBIN(SHAPE##_gt_u, W, WRT_SIMD_MASK(a > b))                    \
    WRT_SIMD_PBIN(SHAPE##_le_u, W, WRT_SIMD_MASK(a <= b))                   \
    WRT_SIMD_PBIN(SHAPE##_ge_u, W, WRT_SIMD_MASK(a >= b))                   \
    WRT_SIMD_PBIN(SHAPE##_min_s, W, (S)a < (S)b ? a : b)                    \
    WRT_SIMD_PBIN(SHAPE##_min_u, W, a < b ? a : b)                          \
    WRT_SIMD_PBIN(SHAPE##_max_s, W, (S)a > (S)b ? a : b)                    \
    WRT_SIMD_PBIN(SHAPE##_max_u, W, a > b ? a : b)

/* saturating add/sub and the rounding average: i8x16 and i16x8 */
#define WRT_SIMD_PSAT(SHAPE, W, S, SMIN, SMAX, UMAX)                        \
    WRT_SIMD_PBIN(SHAPE##_add_sat_s, W,                                     \
                  wrt_simd_clamp((int64_t)(S)a + (S)b, SMIN, SMAX))         \
    WRT_SIMD_PBIN(SHAPE##_sub_sat_s, W,                                     \
                  wrt_simd_clamp((int64_t)(S)a - (S)b, SMIN, SMAX))         \
    WRT_SIMD_PBIN(SHAPE##_add_sat_u, W,                                     \
                  wrt_simd_clamp((int64_t)a + b, 0, UMAX))                  \
    WRT_SIMD_PBIN(SHAPE##_sub_sat_u, W,                                     \
                  wrt_simd_clamp((int64_t)a - b, 0, UMAX))                  \
    WRT_SIMD_PBIN(SHAPE##_avgr_u, W, ((uint32_t)a + b + 1) >> 1)

WRT_SIMD_PINT_COMMON(i8x16, 8, int8_t)
WRT_SIMD_PINT_COMMON(i16x8, 16, int16_t)
WRT_SIMD_PINT_COMMON(i32x4, 32, int32_t)
WRT_SIMD_PINT_COMMON(i64x2, 64, int64_t)
WRT_SIMD_PINT_ORDER(i8x16, 8, int8_t)
WRT_SIMD_PINT_ORDER(i16x8, 16, int16_t)
WRT_SIMD_PINT_ORDER(i32x4, 32, int32_t)
WRT_SIMD_PSAT(i8x16, 8, int8_t, -128, 127, 255)
WRT_SIMD_PSAT(i16x8, 16, int16_t, -32768, 32767, 65535)
/* uint16_t operands would promote to int: multiply as uint32_t */
WRT_SIMD_PBIN(i16x8_mul, 16, (uint32_t)a * b)
WRT_SIMD_PBIN(i32x4_mul, 32, a * b)
WRT_SIMD_PBIN(i64x2_mul, 64, a * b)
WRT_SIMD_PUN(i8x16_popcnt, 8, wrt_i32_popcnt(a))

/* (a * b + 2^14) >> 15 saturated; the product is exact in int32_t */
WRT_SIMD_PBIN(i16x8_q15mulr_sat_s, 16,
              wrt_simd_clamp(wrt_simd_sar((int32_t)(int16_t)a * (int16_t)b +
                                              0x4000, 15),
                             -32768, 32767))

/* ---- widening and narrowing ------------------------------------------- */

/*
 * Lane i of the result from lanes of the narrow shape NW: EXT widens one
 * narrow lane (sign or zero extension) to a uint64_t.
 */
#define WRT_SIMD_PS8(x) ((uint64_t)(int64_t)(int8_t)(x))
#define WRT_SIMD_PS16(x) ((uint64_t)(int64_t)(int16_t)(x))
#define WRT_SIMD_PS32(x) ((uint64_t)(int64_t)(int32_t)(x))
#define WRT_SIMD_PU(x) ((uint64_t)(x))

#define WRT_SIMD_PWIDEN(NAME, NW, WW, EXPR)                                 \
    WRT_SIMD_INLINE wrt_v128                                                \
    wrt_##NAME(wrt_v128 va, wrt_v128 vb)                                    \
    {                                                                       \
        uint##NW##_t x[128 / NW], y[128 / NW];                              \
        uint##WW##_t r[128 / WW];                                           \
        unsigned i;                                                         \
        wrt_simd_unpack##NW(x, va);                                         \
        wrt_simd_unpack##NW(y, vb);                                         \
        for (i = 0; i < 128 / WW; i++)                                      \
            r[i] = (uint##WW##_t)(EXPR);                                    \
        return wrt_simd_pack##WW(r);                                        \
    }

/* The same with one operand. */
#define WRT_SIMD_PWIDEN1(NAME, NW, WW, EXPR)                                \
    WRT_SIMD_INLINE wrt_v128                                                \
    wrt_##NAME(wrt_v128 va)                                                 \
    {                                                                       \
        uint##NW##_t x[128 / NW];                                           \
        uint##WW##_t r[128 / WW];                                           \
        unsigned i;                                                         \
        wrt_simd_unpack##NW(x, va);                                         \
        for (i = 0; i < 128 / WW; i++)                                      \
            r[i] = (uint##WW##_t)(EXPR);                                    \
        return wrt_simd_pack##WW(r);                                        \
    }

/* the high half starts at narrow lane 64 / NW */
#define WRT_SIMD_PEXTEND(SHAPE, FROM, NW, WW, SX)                           \
    WRT_SIMD_PWIDEN(SHAPE##_extmul_low_##FROM##_s, NW, WW,                  \
                    SX(x[i]) * SX(y[i]))                                    \
    WRT_SIMD_PWIDEN(SHAPE##_extmul_high_##FROM##_s, NW, WW,                 \
                    SX(x[i + 64 / NW]) * SX(y[i + 64 / NW]))                \
    WRT_SIMD_PWIDEN(SHAPE##_extmul_low_##FROM##_u, NW, WW,                  \
                    WRT_SIMD_PU(x[i]) * y[i])                               \
    WRT_SIMD_PWIDEN(SHAPE##_extmul_high_##FROM##_u, NW, WW,                 \
                    WRT_SIMD_PU(x[i + 64 / NW]) * y[i + 64 / NW])           \
    WRT_SIMD_PWIDEN1(SHAPE##_extend_low_##FROM##_s, NW, WW, SX(x[i]))       \
    WRT_SIMD_PWIDEN1(SHAPE##_extend_high_##FROM##_s, NW, WW,                \
                     SX(x[i + 64 / NW]))                                    \
    WRT_SIMD_PWIDEN1(SHAPE##_extend_low_##FROM##_u, NW, WW,                 \
                     WRT_SIMD_PU(x[i]))                                     \
    WRT_SIMD_PWIDEN1(SHAPE##_extend_high_##FROM##_u, NW, WW,                \
                     WRT_SIMD_PU(x[i + 64 / NW]))

WRT_SIMD_PEXTEND(i16x8, i8x16, 8, 16, WRT_SIMD_PS8)
WRT_SIMD_PEXTEND(i32x4, i16x8, 16, 32, WRT_SIMD_PS16)
WRT_SIMD_PEXTEND(i64x2, i32x4, 32, 64, WRT_SIMD_PS32)

WRT_SIMD_PWIDEN1(i16x8_extadd_pairwise_i8x16_s, 8, 16,
                 WRT_SIMD_PS8(x[2 * i]) + WRT_SIMD_PS8(x[2 * i + 1]))
WRT_SIMD_PWIDEN1(i16x8_extadd_pairwise_i8x16_u, 8, 16,
                 WRT_SIMD_PU(x[2 * i]) + x[2 * i + 1])
WRT_SIMD_PWIDEN1(i32x4_extadd_pairwise_i16x8_s, 16, 32,
                 WRT_SIMD_PS16(x[2 * i]) + WRT_SIMD_PS16(x[2 * i + 1]))
WRT_SIMD_PWIDEN1(i32x4_extadd_pairwise_i16x8_u, 16, 32,
                 WRT_SIMD_PU(x[2 * i]) + x[2 * i + 1])
WRT_SIMD_PWIDEN(i32x4_dot_i16x8_s, 16, 32,
                WRT_SIMD_PS16(x[2 * i]) * WRT_SIMD_PS16(y[2 * i]) +
                    WRT_SIMD_PS16(x[2 * i + 1]) * WRT_SIMD_PS16(y[2 * i + 1]))

/* Signed wide lanes of a then b, clamped into [LO, HI]. */
#define WRT_SIMD_PNARROW(NAME, WW, NW, SW, LO, HI)                          \
    WRT_SIMD_INLINE wrt_v128                                                \
    wrt_##NAME(wrt_v128 va, wrt_v128 vb)                                    \
    {                                                                       \
        uint##WW##_t x[128 / WW], y[128 / WW];                              \
        uint##NW##_t r[128 / NW];                                           \
        unsigned i;                                                         \
        wrt_simd_unpack##WW(x, va);                                         \
        wrt_simd_unpack##WW(y, vb);                                         \
        for (i = 0; i < 128 / WW; i++) {                                    \
            r[i] = (uint##NW##_t)wrt_simd_clamp((SW)x[i], LO, HI);          \
            r[i + 128 / WW] =                                               \
                (uint##NW##_t)wrt_simd_clamp((SW)y[i], LO, HI);             \
        }                                                                   \
        return wrt_simd_pack##NW(r);                                        \
    }

WRT_SIMD_PNARROW(i8x16_narrow_i16x8_s, 16, 8, int16_t, -128, 127)
WRT_SIMD_PNARROW(i8x16_narrow_i16x8_u, 16, 8, int16_t, 0, 255)
WRT_SIMD_PNARROW(i16x8_narrow_i32x4_s, 32, 16, int32_t, -32768, 32767)
WRT_SIMD_PNARROW(i16x8_narrow_i32x4_u, 32, 16, int32_t, 0, 65535)

/* ---- float lanes ------------------------------------------------------ */

#define WRT_SIMD_PFLOAT(SHAPE, F, W, N)                                     \
    WRT_SIMD_PFBIN(SHAPE##_add, F, W, a + b)                                \
    WRT_SIMD_PFBIN(SHAPE##_sub, F, W, a - b)                                \
    WRT_SIMD_PFBIN(SHAPE##_mul, F, W, a * b)                                \
    WRT_SIMD_PFBIN(SHAPE##_div, F, W, a / b)                                \
    WRT_SIMD_PFBIN(SHAPE##_min, F, W, wrt_simd_##N##_min(a, b))             \
    WRT_SIMD_PFBIN(SHAPE##_max, F, W, wrt_simd_##N##_max(a, b))             \
    WRT_SIMD_PFBIN(SHAPE##_pmin, F, W, b < a ? b : a)                       \
    WRT_SIMD_PFBIN(SHAPE##_pmax, F, W, a < b ? b : a)                       \
    WRT_SIMD_PFUN(SHAPE##_abs, F, W, wrt_##N##_abs(a))                      \
    WRT_SIMD_PFUN(SHAPE##_neg, F, W, wrt_##N##_neg(a))                      \
    WRT_SIMD_PFUN(SHAPE##_sqrt, F, W, wrt_##N##_sqrt(a))                    \
    WRT_SIMD_PFUN(SHAPE##_ceil, F, W, wrt_##N##_ceil(a))                    \
    WRT_SIMD_PFUN(SHAPE##_floor, F, W, wrt_##N##_floor(a))                  \
    WRT_SIMD_PFUN(SHAPE##_trunc, F, W, wrt_##N##_trunc(a))                  \
    WRT_SIMD_PFUN(SHAPE##_nearest, F, W, wrt_##N##_nearest(a))              \
    WRT_SIMD_PFCMP(SHAPE##_eq, F, W, a == b)                                \
    WRT_SIMD_PFCMP(SHAPE##_ne, F, W, a != b)                                \
    WRT_SIMD_PFCMP(SHAPE##_lt, F, W, a < b)                                 \
    WRT_SIMD_PFCMP(SHAPE##_gt, F, W, a > b)                                 \
    WRT_SIMD_PFCMP(SHAPE##_le, F, W, a <= b)                                \
    WRT_SIMD_PFCMP(SHAPE##_ge, F, W, a >= b)

/* min and max as on the fast path: a NaN operand gives the canonical NaN */
#define WRT_SIMD_PMINMAX(T, N, NAN)                                         \
    WRT_SIMD_INLINE T                                                       \
    wrt_simd_##N##_min(T a, T b)                                            \
    {                                                                       \
        if (a != a || b != b)                                               \
            return NAN;                                                     \
        return wrt_##N##_min(a, b);                                         \
    }                                                                       \
    WRT_SIMD_INLINE T                                                       \
    wrt_simd_##N##_max(T a, T b)                                            \
    {                                                                       \
        if (a != a || b != b)                                               \
            return NAN;                                                     \
        return wrt_##N##_max(a, b);                                         \
    }

WRT_SIMD_PMINMAX(float, f32, WRT_F32(0x7FC00000u))
WRT_SIMD_PMINMAX(double, f64, WRT_F64(0x7FF8000000000000ull))

WRT_SIMD_PFLOAT(f32x4, float, 32, f32)
WRT_SIMD_PFLOAT(f64x2, double, 64, f64)

/* ---- conversions ------------------------------------------------------ */

WRT_SIMD_INLINE wrt_v128
wrt_f32x4_convert_i32x4_s(wrt_v128 v)
{
    uint32_t x[4];
    float r[4];
    unsigned i;

    wrt_simd_unpack32(x, v);
    for (i = 0; i < 4; i++)
        r[i] = (float)(int32_t)x[i];
    return wrt_simd_packf32(r);
}

WRT_SIMD_INLINE wrt_v128
wrt_f32x4_convert_i32x4_u(wrt_v128 v)
{
    uint32_t x[4];
    float r[4];
    unsigned i;

    wrt_simd_unpack32(x, v);
    for (i = 0; i < 4; i++)
        r[i] = (float)x[i];
    return wrt_simd_packf32(r);
}

WRT_SIMD_INLINE wrt_v128
wrt_f64x2_convert_low_i32x4_s(wrt_v128 v)
{
    uint32_t x[4];
    double r[2];

    wrt_simd_unpack32(x, v);
    r[0] = (double)(int32_t)x[0];
    r[1] = (double)(int32_t)x[1];
    return wrt_simd_packf64(r);
}

WRT_SIMD_INLINE wrt_v128
wrt_f64x2_convert_low_i32x4_u(wrt_v128 v)
{
    uint32_t x[4];
    double r[2];

    wrt_simd_unpack32(x, v);
    r[0] = (double)x[0];
    r[1] = (double)x[1];
    return wrt_simd_packf64(r);
}

WRT_SIMD_INLINE wrt_v128
wrt_i32x4_trunc_sat_f32x4_s(wrt_v128 v)
{
    float x[4];
    uint32_t r[4];
    unsigned i;

    wrt_simd_unpackf32(x, v);
    for (i = 0; i < 4; i++)
        r[i] = wrt_i32_trunc_sat_f32_s(x[i]);
    return wrt_simd_pack32(r);
}

WRT_SIMD_INLINE wrt_v128
wrt_i32x4_trunc_sat_f32x4_u(wrt_v128 v)
{
    float x[4];
    uint32_t r[4];
    unsigned i;

    wrt_simd_unpackf32(x, v);
    for (i = 0; i < 4; i++)
        r[i] = wrt_i32_trunc_sat_f32_u(x[i]);
    return wrt_simd_pack32(r);
}

WRT_SIMD_INLINE wrt_v128
wrt_i32x4_trunc_sat_f64x2_s_zero(wrt_v128 v)
{
    double x[2];
    uint32_t r[4] = {0, 0, 0, 0};

    wrt_simd_unpackf64(x, v);
    r[0] = wrt_i32_trunc_sat_f64_s(x[0]);
    r[1] = wrt_i32_trunc_sat_f64_s(x[1]);
    return wrt_simd_pack32(r);
}

WRT_SIMD_INLINE wrt_v128
wrt_i32x4_trunc_sat_f64x2_u_zero(wrt_v128 v)
{
    double x[2];
    uint32_t r[4] = {0, 0, 0, 0};

    wrt_simd_unpackf64(x, v);
    r[0] = wrt_i32_trunc_sat_f64_u(x[0]);
    r[1] = wrt_i32_trunc_sat_f64_u(x[1]);
    return wrt_simd_pack32(r);
}

WRT_SIMD_INLINE wrt_v128
wrt_f32x4_demote_f64x2_zero(wrt_v128 v)
{
    double x[2];
    float r[4] = {0, 0, 0, 0};

    wrt_simd_unpackf64(x, v);
    r[0] = wrt_f32_demote_f64(x[0]);
    r[1] = wrt_f32_demote_f64(x[1]);
    return wrt_simd_packf32(r);
}

WRT_SIMD_INLINE wrt_v128
wrt_f64x2_promote_low_f32x4(wrt_v128 v)
{
    float x[4];
    double r[2];

    wrt_simd_unpackf32(x, v);
    r[0] = wrt_f64_promote_f32(x[0]);
    r[1] = wrt_f64_promote_f32(x[1]);
    return wrt_simd_packf64(r);
}

/* ---- loads that widen ------------------------------------------------- */

/* 8 bytes of memory as a little-endian uint64_t: lanes of NW bits. */
#define WRT_SIMD_PLOADX(NAME, NW, WW, EXT)                                  \
    WRT_SIMD_INLINE wrt_v128                                                \
    wrt_simd_##NAME(uint64_t x)                                             \
    {                                                                       \
        uint##WW##_t r[128 / WW];                                           \
        unsigned i;                                                         \
        for (i = 0; i < 128 / WW; i++)                                      \
            r[i] = (uint##WW##_t)EXT((uint##NW##_t)(x >> (i * NW)));        \
        return wrt_simd_pack##WW(r);                                        \
    }

WRT_SIMD_PLOADX(load8x8_s, 8, 16, WRT_SIMD_PS8)
WRT_SIMD_PLOADX(load8x8_u, 8, 16, WRT_SIMD_PU)
WRT_SIMD_PLOADX(load16x4_s, 16, 32, WRT_SIMD_PS16)
WRT_SIMD_PLOADX(load16x4_u, 16, 32, WRT_SIMD_PU)
WRT_SIMD_PLOADX(load32x2_s, 32, 64, WRT_SIMD_PS32)
WRT_SIMD_PLOADX(load32x2_u, 32, 64, WRT_SIMD_PU)

#endif /* WRT_SIMD_PORTABLE */

/* ======================================================================
 * Memory, on both paths: the vector is already the memory image, and the
 * scalar helpers of wrt.h do narrower accesses (byte order included).
 * ====================================================================== */

WRT_SIMD_INLINE wrt_v128
wrt_v128_load(WrtRt *rt, uint32_t fn, const uint8_t *mb, uint64_t ms,
              uint32_t addr, uint64_t off)
{
    wrt_v128 v;

    (void)rt, (void)fn, (void)ms;
    WRT_BOUNDS(rt, fn, ms, addr, off, 16);
    memcpy(&v, mb + (uint64_t)addr + off, 16);
    return v;
}

WRT_SIMD_INLINE void
wrt_v128_store(WrtRt *rt, uint32_t fn, uint8_t *mb, uint64_t ms,
               uint32_t addr, uint64_t off, wrt_v128 v)
{
    (void)rt, (void)fn, (void)ms;
    WRT_BOUNDS(rt, fn, ms, addr, off, 16);
    memcpy(mb + (uint64_t)addr + off, &v, 16);
}

#define WRT_SIMD_LOADX(NAME)                                                \
    WRT_SIMD_INLINE wrt_v128                                                \
    wrt_v128_##NAME(WrtRt *rt, uint32_t fn, const uint8_t *mb,              \
                    uint64_t ms, uint32_t addr, uint64_t off)               \
    {                                                                       \
        return wrt_simd_##NAME(wrt_load_u64(rt, fn, mb, ms, addr, off));    \
    }

WRT_SIMD_LOADX(load8x8_s)
WRT_SIMD_LOADX(load8x8_u)
WRT_SIMD_LOADX(load16x4_s)
WRT_SIMD_LOADX(load16x4_u)
WRT_SIMD_LOADX(load32x2_s)
WRT_SIMD_LOADX(load32x2_u)

/* loadN_splat, loadN_lane and storeN_lane for lanes of N bits */
#define WRT_SIMD_LANE_MEM(N, SHAPE, T, GET)                                 \
    WRT_SIMD_INLINE wrt_v128                                                \
    wrt_v128_load##N##_splat(WrtRt *rt, uint32_t fn, const uint8_t *mb,     \
                             uint64_t ms, uint32_t addr, uint64_t off)      \
    {                                                                       \
        return wrt_##SHAPE##_splat(                                         \
            wrt_load_u##N(rt, fn, mb, ms, addr, off));                      \
    }                                                                       \
    WRT_SIMD_INLINE wrt_v128                                                \
    wrt_v128_load##N##_lane(WrtRt *rt, uint32_t fn, const uint8_t *mb,      \
                            uint64_t ms, uint32_t addr, uint64_t off,       \
                            wrt_v128 v, unsigned lane)                      \
    {                                                                       \
        return wrt_##SHAPE##_replace_lane(                                  \
            v, wrt_load_u##N(rt, fn, mb, ms, addr, off), lane);             \
    }                                                                       \
    WRT_SIMD_INLINE void                                                    \
    wrt_v128_store##N##_lane(WrtRt *rt, uint32_t fn, uint8_t *mb,           \
                             uint64_t ms, uint32_t addr, uint64_t off,      \
                             wrt_v128 v, unsigned lane)                     \
    {                                                                       \
        wrt_store_u##N(rt, fn, mb, ms, addr, off,                           \
                       (T)GET(v, lane));                                    \
    }

WRT_SIMD_LANE_MEM(8, i8x16, uint8_t, wrt_i8x16_extract_lane_u)
WRT_SIMD_LANE_MEM(16, i16x8, uint16_t, wrt_i16x8_extract_lane_u)
WRT_SIMD_LANE_MEM(32, i32x4, uint32_t, wrt_i32x4_extract_lane)
WRT_SIMD_LANE_MEM(64, i64x2, uint64_t, wrt_i64x2_extract_lane)

WRT_SIMD_INLINE wrt_v128
wrt_v128_load32_zero(WrtRt *rt, uint32_t fn, const uint8_t *mb,
                     uint64_t ms, uint32_t addr, uint64_t off)
{
    return wrt_v128_make(wrt_load_u32(rt, fn, mb, ms, addr, off), 0);
}

WRT_SIMD_INLINE wrt_v128
wrt_v128_load64_zero(WrtRt *rt, uint32_t fn, const uint8_t *mb,
                     uint64_t ms, uint32_t addr, uint64_t off)
{
    return wrt_v128_make(wrt_load_u64(rt, fn, mb, ms, addr, off), 0);
}

/* A dropped v128 load: both halves, so that all 16 bytes are read. */
#define WRT_FORCE_READ_V128(v)                                              \
    do {                                                                    \
        WRT_FORCE_READ(wrt_i64x2_extract_lane((v), 0));                     \
        WRT_FORCE_READ(wrt_i64x2_extract_lane((v), 1));                     \
    } while (0)

#endif /* WRT_SIMD_H */
