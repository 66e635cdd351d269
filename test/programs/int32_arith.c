/* 32-bit integer arithmetic: wrapping, shifts, rotations, division of
 * negative numbers, bit counting. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

static volatile uint32_t vsrc[] = {
    0u, 1u, 2u, 3u, 7u, 0x7fffffffu, 0x80000000u, 0x80000001u,
    0xffffffffu, 0xfffffffeu, 0x12345678u, 0xdeadbeefu, 0x55555555u,
    0xaaaaaaaau, 0x00010000u, 1000000007u
};
#define N (sizeof vsrc / sizeof vsrc[0])

static uint32_t
rotl32(uint32_t x, unsigned r)
{
    r &= 31;
    return r ? (x << r) | (x >> (32 - r)) : x;
}

static uint32_t
rotr32(uint32_t x, unsigned r)
{
    r &= 31;
    return r ? (x >> r) | (x << (32 - r)) : x;
}

static int
popcount32(uint32_t x)
{
    int n = 0;
    while (x) {
        x &= x - 1;
        n++;
    }
    return n;
}

static int
clz32(uint32_t x)
{
    int n = 0;
    if (x == 0)
        return 32;
    while (!(x & 0x80000000u)) {
        x <<= 1;
        n++;
    }
    return n;
}

static int
ctz32(uint32_t x)
{
    int n = 0;
    if (x == 0)
        return 32;
    while (!(x & 1u)) {
        x >>= 1;
        n++;
    }
    return n;
}

int
main(void)
{
    unsigned i, j;
    uint32_t acc = 0;

    for (i = 0; i < N; i++) {
        uint32_t a = vsrc[i];
        int32_t sa = (int32_t)a;
        printf("a=%08" PRIx32 " sa=%" PRId32 " pop=%d clz=%d ctz=%d"
               " bpop=%d bclz=%d bctz=%d\n",
               a, sa, popcount32(a), clz32(a), ctz32(a),
               __builtin_popcount(a), a ? __builtin_clz(a) : 32,
               a ? __builtin_ctz(a) : 32);
        printf("  neg=%08" PRIx32 " not=%08" PRIx32 " sq=%08" PRIx32
               " x3=%08" PRIx32 "\n", 0u - a, ~a, a * a, a * 3u);
        for (j = 0; j < 40; j += 7) {
            printf("  sh%u: shl=%08" PRIx32 " shr=%08" PRIx32
                   " sar=%08" PRIx32 " rotl=%08" PRIx32 " rotr=%08" PRIx32
                   "\n", j & 31, a << (j & 31), a >> (j & 31),
                   (uint32_t)(sa < 0 ? ~(~(uint32_t)sa >> (j & 31))
                              : (uint32_t)sa >> (j & 31)),
                   rotl32(a, j), rotr32(a, j));
        }
        for (j = 0; j < N; j++) {
            uint32_t b = vsrc[j];
            int32_t sb = (int32_t)b;
            acc = acc * 31u + (a + b);
            acc ^= a - b;
            acc += a * b;
            if (b != 0) {
                acc ^= a / b;
                acc += a % b;
            }
            if (sb != 0 && !(sa == INT32_MIN && sb == -1)) {
                int32_t q = sa / sb, r = sa % sb;
                acc ^= (uint32_t)q * 7u + (uint32_t)r;
                if (i < 10 && j < 10)
                    printf("  %" PRId32 " / %" PRId32 " = %" PRId32
                           " rem %" PRId32 "\n", sa, sb, q, r);
            }
            acc += (a < b) + 2 * (sa < sb) + 4 * (a == b);
        }
    }
    printf("acc=%08" PRIx32 "\n", acc);

    /* the classic negative division table */
    {
        static const int dv[][2] = {
            {7, 2}, {-7, 2}, {7, -2}, {-7, -2}, {1, 3}, {-1, 3},
            {-2147483647 - 1, 2}, {-2147483647 - 1, 3}, {2147483647, -3}
        };
        for (i = 0; i < sizeof dv / sizeof dv[0]; i++)
            printf("%d / %d = %d, %d %% %d = %d\n", dv[i][0], dv[i][1],
                   dv[i][0] / dv[i][1], dv[i][0], dv[i][1],
                   dv[i][0] % dv[i][1]);
    }

    /* wrapping via unsigned */
    {
        volatile int32_t big = INT32_MAX;
        uint32_t w = (uint32_t)big + 1u;
        printf("INT32_MAX+1 wraps to %" PRId32 "\n", (int32_t)w);
        w = (uint32_t)INT32_MIN - 1u;
        printf("INT32_MIN-1 wraps to %" PRId32 "\n", (int32_t)w);
        w = 65536u * 65536u + 5u;
        printf("65536*65536+5 = %" PRIu32 "\n", w);
    }

    /* sign extension and narrowing */
    for (i = 0; i < N; i++) {
        uint32_t a = vsrc[i];
        printf("ext %08" PRIx32 ": i8=%d u8=%u i16=%d u16=%u\n", a,
               (int)(int8_t)(uint8_t)a, (unsigned)(uint8_t)a,
               (int)(int16_t)(uint16_t)a, (unsigned)(uint16_t)a);
    }
    return 0;
}
