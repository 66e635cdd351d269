/* 64-bit integer arithmetic: mul/div/mod, large constants, shifts,
 * mixing with doubles. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

static volatile uint64_t vals[] = {
    0ull, 1ull, 2ull, 3ull, 10ull, 0xffffffffull, 0x100000000ull,
    0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull,
    0x123456789abcdef0ull, 0xfedcba9876543210ull, 1000000000000000003ull,
    9007199254740993ull, 0x00000000deadbeefull, 0xcafebabe00000000ull
};
#define N (sizeof vals / sizeof vals[0])

static uint64_t
mulhi64(uint64_t a, uint64_t b)
{
    uint64_t al = a & 0xffffffffu, ah = a >> 32;
    uint64_t bl = b & 0xffffffffu, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
    return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

static uint64_t
mulmod(uint64_t a, uint64_t b, uint64_t m)
{
    uint64_t r = 0;
    a %= m;
    while (b) {
        if (b & 1)
            r = (r + a) % m;
        a = (a << 1) % m;
        b >>= 1;
    }
    return r;
}

static uint64_t
powmod(uint64_t b, uint64_t e, uint64_t m)
{
    uint64_t r = 1 % m;
    b %= m;
    while (e) {
        if (e & 1)
            r = mulmod(r, b, m);
        b = mulmod(b, b, m);
        e >>= 1;
    }
    return r;
}

int
main(void)
{
    unsigned i, j;
    uint64_t acc = 0x0123456789abcdefull;

    for (i = 0; i < N; i++) {
        uint64_t a = vals[i];
        int64_t sa = (int64_t)a;
        printf("a=%016" PRIx64 " s=%" PRId64 " u=%" PRIu64 " pop=%d"
               " clz=%d ctz=%d\n", a, sa, a, __builtin_popcountll(a),
               a ? __builtin_clzll(a) : 64, a ? __builtin_ctzll(a) : 64);
        printf("  sq=%016" PRIx64 " hi=%016" PRIx64 " d=%.17g sd=%.17g"
               " f=%.9g\n", a * a, mulhi64(a, a), (double)a, (double)sa,
               (double)(float)a);
        for (j = 0; j < 64; j += 13)
            printf("  sh%u %016" PRIx64 " %016" PRIx64 " %016" PRIx64
                   " %016" PRIx64 "\n", j, a << j, a >> j,
                   (uint64_t)(sa >> j),
                   j ? (a << j) | (a >> (64 - j)) : a);
        for (j = 0; j < N; j++) {
            uint64_t b = vals[j];
            int64_t sb = (int64_t)b;
            acc = acc * 0x100000001b3ull ^ (a + b);
            acc += a * b - (a ^ b);
            if (b) {
                acc ^= a / b;
                acc += a % b;
            }
            if (sb && !(sa == INT64_MIN && sb == -1)) {
                int64_t q = sa / sb, r = sa % sb;
                acc ^= (uint64_t)q + ((uint64_t)r << 7);
                if (i < 12 && j < 6)
                    printf("  %" PRId64 " / %" PRId64 " = %" PRId64
                           " r %" PRId64 "\n", sa, sb, q, r);
            }
            acc += (a < b) + ((uint64_t)(sa < sb) << 1);
        }
    }
    printf("acc=%016" PRIx64 "\n", acc);

    /* 64-bit constants and wrap-around */
    {
        uint64_t f = 1;
        for (i = 1; i <= 25; i++) {
            f *= i;
            printf("%u! mod 2^64 = %" PRIu64 "\n", i, f);
        }
        printf("min=%" PRId64 " max=%" PRId64 " umax=%" PRIu64 "\n",
               INT64_MIN, INT64_MAX, UINT64_MAX);
        printf("powmod=%" PRIu64 "\n",
               powmod(0x123456789ull, 1000000007ull, 998244353ull));
    }

    /* mixing with doubles: conversions that are exactly defined */
    {
        static const double dd[] = {
            0.0, 1.5, -1.5, 4294967296.0, -4294967296.5, 9007199254740992.0,
            9.2233720368547748e18, -9.2233720368547758e18, 1e18, -1e18,
            123456789012.75
        };
        for (i = 0; i < sizeof dd / sizeof dd[0]; i++) {
            volatile double d = dd[i];
            int64_t s = (int64_t)d;
            printf("%.17g -> %" PRId64, d, s);
            if (d >= 0 && d < 18446744073709551616.0)
                printf(" u=%" PRIu64, (uint64_t)d);
            printf(" back=%.17g\n", (double)s);
        }
        for (i = 0; i < N; i++) {
            volatile uint64_t u = vals[i];
            double d = (double)u;
            float f = (float)(int64_t)u;
            printf("u64->double %.17g i64->float %.9g mix %.17g\n", d,
                   (double)f, (double)(u >> 11) * 0.5 + (double)(u & 7));
        }
    }
    return 0;
}
