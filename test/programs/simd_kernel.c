/* clang: -msimd128 */
/* Loops the optimiser vectorises: with -msimd128 at -O2 clang emits 128-bit
 * SIMD (v128 loads/stores, i32x4/f32x4 arithmetic, shuffles).  Only
 * integer and exactly-rounded float work, so any vector width agrees. */
#include <stdint.h>
#include <stdio.h>

#define N 4096

static int32_t a[N], b[N], c[N];
static uint8_t p[N], q[N];
static int16_t s[N];
static float fa[N], fb[N], fc[N];
static double da[N];

int
main(void)
{
    unsigned i, round;
    uint32_t h = 0, x = 3u;
    int64_t total = 0;
    float fmaxv = -1e30f;

    for (i = 0; i < N; i++) {
        x = x * 1664525u + 1013904223u;
        a[i] = (int32_t)(x >> 8) - (1 << 23);
        b[i] = (int32_t)(x % 1000u) - 500;
        p[i] = (uint8_t)(x >> 24);
        q[i] = (uint8_t)(x >> 16);
        s[i] = (int16_t)(x >> 12);
        fa[i] = (float)(int32_t)(x % 2001u) - 1000.0f;
        fb[i] = (float)(i % 17) * 0.25f;
        da[i] = (double)(int32_t)(x % 777u) * 0.5;
    }
    for (round = 0; round < 50; round++) {
        /* wrapping arithmetic through uint32_t (no signed overflow) */
        for (i = 0; i < N; i++)
            c[i] = (int32_t)((uint32_t)a[i] * (uint32_t)b[i] +
                             (uint32_t)(a[i] >> 3) -
                             (uint32_t)(b[i] ^ (int32_t)round));
        for (i = 0; i < N; i++)
            a[i] = (int32_t)(c[i] > a[i] ? (uint32_t)c[i] - (uint32_t)a[i]
                                         : (uint32_t)a[i] -
                                               (uint32_t)(c[i] & 0xffff));
        for (i = 0; i < N; i++) {
            unsigned sum = (unsigned)p[i] + q[i];
            p[i] = (uint8_t)(sum > 255 ? 255 : sum); /* saturating add */
            q[i] = (uint8_t)(q[i] ^ p[i]);
        }
        for (i = 0; i < N; i++)
            s[i] = (int16_t)((s[i] * 3) >> 1);
        for (i = 0; i < N; i++)
            fc[i] = fa[i] * fb[i] + fc[i] * 0.5f; /* exact: small values */
    }
    for (i = 0; i < N; i++) {
        h = h * 31u + (uint32_t)a[i];
        h ^= (uint32_t)c[i] + p[i] + ((uint32_t)q[i] << 8) +
             ((uint32_t)(uint16_t)s[i] << 16);
        total += a[i];
        if (fc[i] > fmaxv)
            fmaxv = fc[i];
    }
    {
        double dsum = 0;
        int32_t mn = a[0], mx = a[0];
        for (i = 0; i < N; i++) {
            dsum += da[i];
            mn = a[i] < mn ? a[i] : mn;
            mx = a[i] > mx ? a[i] : mx;
        }
        printf("hash=%08x total=%lld fmax=%.9g dsum=%.17g min=%d max=%d\n",
               (unsigned)h, (long long)total, (double)fmaxv, dsum, (int)mn,
               (int)mx);
    }
    {
        /* reversal and interleave: shuffles */
        static uint32_t r[N], il[2 * N];
        uint32_t hh = 0;
        for (i = 0; i < N; i++)
            r[i] = (uint32_t)a[N - 1 - i];
        for (i = 0; i < N; i++) {
            il[2 * i] = r[i];
            il[2 * i + 1] = (uint32_t)b[i];
        }
        for (i = 0; i < 2 * N; i++)
            hh = (hh ^ il[i]) * 16777619u;
        printf("shuffle hash=%08x\n", (unsigned)hh);
    }
    return 0;
}
