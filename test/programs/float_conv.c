/* Conversions between integers and floating point at the edges of the
 * ranges where C defines them: truncation toward zero, the largest values
 * that fit, 2^24 / 2^53 rounding, unsigned conversions, float<->double. */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

int
main(void)
{
    static volatile double d32[] = {
        0.0, -0.0, 0.9999999, -0.9999999, 1.5, -1.5, 2147483647.0,
        2147483647.9, -2147483648.0, -2147483648.9, 1e9, -1e9, 123456.789
    };
    static volatile double du32[] = {0.0, 0.99, 4294967295.0, 4294967295.5,
                                     2147483648.0, 3e9, 65535.99};
    static volatile double d64[] = {
        9223372036854774784.0, -9223372036854775808.0, 4503599627370497.0,
        -4503599627370497.5, 1e18, 0.5, -0.5
    };
    static volatile double du64[] = {18446744073709549568.0,
                                     9223372036854775808.0, 1e19, 0.25};
    static volatile float f32[] = {
        0.0f, 2147483520.0f, -2147483648.0f, 16777216.0f, 16777217.0f,
        -16777215.0f, 0.99999994f, 4294967040.0f, 1e10f, -3.5f
    };
    static volatile int32_t iv[] = {
        0, 1, -1, 16777215, 16777216, 16777217, 16777219, -16777217,
        INT32_MAX, INT32_MIN, 123456789, -987654321
    };
    static volatile uint32_t uv[] = {0u, 1u, 4294967295u, 2147483648u,
                                     4294967168u, 4294967040u, 33554435u};
    static volatile int64_t lv[] = {
        0, 9007199254740992LL, 9007199254740993LL, 9007199254740995LL,
        -9007199254740993LL, INT64_MAX, INT64_MIN, 1LL << 62,
        (1LL << 62) + 1, 123456789012345678LL
    };
    static volatile uint64_t ulv[] = {
        0ull, UINT64_MAX, 1ull << 63, (1ull << 63) + 1,
        18446744073709550592ull, 18446744073709550593ull, 4294967297ull
    };
    unsigned i;

    for (i = 0; i < sizeof d32 / sizeof d32[0]; i++)
        printf("(int32)%.17g = %" PRId32 "\n", d32[i], (int32_t)d32[i]);
    for (i = 0; i < sizeof du32 / sizeof du32[0]; i++)
        printf("(uint32)%.17g = %" PRIu32 "\n", du32[i], (uint32_t)du32[i]);
    for (i = 0; i < sizeof d64 / sizeof d64[0]; i++)
        printf("(int64)%.17g = %" PRId64 "\n", d64[i], (int64_t)d64[i]);
    for (i = 0; i < sizeof du64 / sizeof du64[0]; i++)
        printf("(uint64)%.17g = %" PRIu64 "\n", du64[i], (uint64_t)du64[i]);
    for (i = 0; i < sizeof f32 / sizeof f32[0]; i++) {
        float f = f32[i];
        printf("float %.9g:", (double)f);
        if (f > -2147483649.0f && f < 2147483648.0f)
            printf(" i32=%" PRId32, (int32_t)f);
        if (f > -1.0f && f < 4294967296.0f)
            printf(" u32=%" PRIu32, (uint32_t)f);
        printf(" i64=%" PRId64 " u64=%" PRIu64 "\n", (int64_t)f,
               f >= 0 ? (uint64_t)f : 0);
    }
    for (i = 0; i < sizeof iv / sizeof iv[0]; i++)
        printf("i32 %" PRId32 " -> f %.9g d %.17g\n", iv[i],
               (double)(float)iv[i], (double)iv[i]);
    for (i = 0; i < sizeof uv / sizeof uv[0]; i++)
        printf("u32 %" PRIu32 " -> f %.9g d %.17g\n", uv[i],
               (double)(float)uv[i], (double)uv[i]);
    for (i = 0; i < sizeof lv / sizeof lv[0]; i++)
        printf("i64 %" PRId64 " -> f %.9g d %.17g\n", lv[i],
               (double)(float)lv[i], (double)lv[i]);
    for (i = 0; i < sizeof ulv / sizeof ulv[0]; i++)
        printf("u64 %" PRIu64 " -> f %.9g d %.17g\n", ulv[i],
               (double)(float)ulv[i], (double)ulv[i]);

    /* double -> float rounding, overflow to inf, underflow to 0 */
    {
        static volatile double dd[] = {
            0.1, 1.0 / 3.0, 16777217.0, 16777219.0, 3.4028235677973366e38,
            3.4028234663852886e38, 1e39, -1e39, 1e-46, 1.401298464324817e-45,
            1.1754943508222875e-38, 0.30000000000000004
        };
        for (i = 0; i < sizeof dd / sizeof dd[0]; i++) {
            float f = (float)dd[i];
            printf("(float)%.17g = %.9g%s\n", dd[i], (double)f,
                   isinf(f) ? " (inf)" : (f == 0 ? " (zero)" : ""));
        }
    }
    /* small ints through float and back must be exact */
    {
        int32_t k, bad = 0;
        for (k = -20000000; k <= 20000000; k += 997) {
            float f = (float)k;
            double d = (double)k;
            if ((int32_t)d != k)
                bad++;
            if ((k >= -16777216 && k <= 16777216) && (int32_t)f != k)
                bad++;
        }
        printf("exactness failures: %d\n", (int)bad);
    }
    /* char, short conversions through floats */
    printf("(unsigned char)255.9=%u (short)-32768.7=%d"
           " (signed char)-128.5=%d\n",
           (unsigned)(unsigned char)(d32[0] + 255.9),
           (int)(short)(d32[0] - 32768.7),
           (int)(signed char)(d32[0] - 128.5));
    return 0;
}
