/* clang: -mbulk-memory -msign-ext -mnontrapping-fptoint */
/* Built for wasm with the bulk-memory, sign-extension and non-trapping
 * float-to-int features: memcpy/memset become memory.copy/memory.fill,
 * narrow signed casts become extend8/16, saturating conversions become
 * trunc_sat. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static volatile uint32_t vals[] = {0u, 0x7fu, 0x80u, 0xffu, 0x7fffu, 0x8000u,
                                   0xffffu, 0x12345678u, 0xdeadbeefu,
                                   0x80000000u, 0xffffffffu};

int
main(void)
{
    static unsigned char buf[1 << 20];
    unsigned i;
    uint32_t h = 0;

    for (i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        uint32_t v = vals[i];
        int64_t w = (int64_t)(int32_t)v;
        printf("%08x: s8=%d s16=%d s32->64=%lld s8->64=%lld s16->64=%lld\n",
               (unsigned)v, (int)(int8_t)(uint8_t)v,
               (int)(int16_t)(uint16_t)v, (long long)w,
               (long long)(int8_t)(uint8_t)v, (long long)(int16_t)(uint16_t)v);
    }
    /* memory.fill / memory.copy at many sizes and alignments */
    for (i = 0; i < 64; i++) {
        size_t off = i * 4099u % 4096u, len = (size_t)i * i * 37u + i;
        memset(buf + off, (int)i, len);
        memcpy(buf + 500000 + i, buf + off, len);
        memmove(buf + off + 3, buf + off, len / 2);
    }
    for (i = 0; i < sizeof buf; i++)
        h = h * 31u + buf[i];
    printf("buffer hash %08x\n", (unsigned)h);
    memset(buf, 0, sizeof buf);
    printf("cleared %d %d\n", buf[0], buf[sizeof buf - 1]);
    /* in-range float->int conversions (defined in C) */
    {
        static volatile double dv[] = {0.5, -0.5, 1e9, -2147483648.0,
                                       2147483647.0, 4294967295.0, 1e18};
        for (i = 0; i < sizeof dv / sizeof dv[0]; i++) {
            double d = dv[i];
            printf("%.17g: i64=%lld", d, (long long)d);
            if (d > -2147483649.0 && d < 2147483648.0)
                printf(" i32=%d", (int)(int32_t)d);
            if (d > -1.0 && d < 4294967296.0)
                printf(" u32=%u", (unsigned)(uint32_t)d);
            printf(" f=%.9g\n", (double)(float)d);
        }
    }
    return 0;
}
