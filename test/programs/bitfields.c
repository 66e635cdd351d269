/* Bit fields: unsigned fields of many widths, packing into words,
 * read-modify-write, wrap-around on overflow, fields in an array. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct flags {
    unsigned a : 1;
    unsigned b : 3;
    unsigned c : 5;
    unsigned d : 7;
    unsigned e : 16;
};

struct hdr {
    unsigned version : 4;
    unsigned ihl : 4;
    unsigned tos : 8;
    unsigned len : 16;
    unsigned id : 16;
    unsigned frag : 13;
    unsigned flg : 3;
};

struct mixed {
    unsigned char tag;
    unsigned lo : 12;
    unsigned hi : 20;
    uint16_t tail;
};

int
main(void)
{
    struct flags f;
    struct hdr h;
    struct mixed m[16];
    unsigned i;
    uint32_t sum = 0;

    memset(&f, 0, sizeof f);
    f.a = 1;
    f.b = 5;
    f.c = 31;
    f.d = 100;
    f.e = 65535;
    printf("f: %u %u %u %u %u\n", f.a, f.b, f.c, f.d, f.e);
    f.b += 4; /* wraps modulo 8 */
    f.c++;    /* wraps to 0 */
    f.d = (unsigned)(f.d * 2u);
    f.e += 2;
    printf("f after: %u %u %u %u %u\n", f.a, f.b, f.c, f.d, f.e);
    f.a = ~f.a;
    printf("f.a toggled %u\n", f.a);

    memset(&h, 0, sizeof h);
    h.version = 4;
    h.ihl = 5;
    h.tos = 0xb8;
    h.len = 1500;
    h.id = 0xbeef;
    h.frag = 8191;
    h.flg = 2;
    printf("hdr: v=%u ihl=%u tos=%#x len=%u id=%#x frag=%u flg=%u\n",
           h.version, h.ihl, h.tos, h.len, h.id, h.frag, h.flg);
    h.frag += 1;
    h.len -= 1501;
    printf("hdr wrap: frag=%u len=%u flg=%u\n", h.frag, h.len, h.flg);

    for (i = 0; i < 16; i++) {
        m[i].tag = (unsigned char)i;
        m[i].lo = i * 300u;
        m[i].hi = i * 70000u;
        m[i].tail = (uint16_t)(i * 4099u);
    }
    for (i = 0; i < 16; i++) {
        m[i].lo ^= m[15 - i].hi;
        m[i].hi += m[i].lo;
        sum = sum * 131u + m[i].tag + m[i].lo + m[i].hi + m[i].tail;
        if (i % 5 == 0)
            printf("m[%u]: tag=%u lo=%u hi=%u tail=%u\n", i, m[i].tag,
                   m[i].lo, m[i].hi, m[i].tail);
    }
    printf("mixed sum=%08x\n", (unsigned)sum);
    /* a sieve in a bit array of uint32_t words, via shifts */
    {
        static uint32_t bits[(100000 + 31) / 32];
        unsigned count = 0, j;
        for (i = 2; i * i < 100000; i++)
            if (!(bits[i / 32] >> (i % 32) & 1))
                for (j = i * i; j < 100000; j += i)
                    bits[j / 32] |= 1u << (j % 32);
        for (i = 2; i < 100000; i++)
            count += !(bits[i / 32] >> (i % 32) & 1);
        printf("primes below 100000: %u\n", count);
    }
    return 0;
}
