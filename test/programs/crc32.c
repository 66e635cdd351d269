/* Checksums over generated data: table-driven and bitwise CRC-32,
 * Adler-32, FNV-1a 64, and a 32-bit MurmurHash3-style mixer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t table[256];

static void
make_table(void)
{
    uint32_t i, j, c;
    for (i = 0; i < 256; i++) {
        c = i;
        for (j = 0; j < 8; j++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
}

static uint32_t
crc32_table(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    while (n--)
        c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

static uint32_t
crc32_bitwise(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    int k;
    while (n--) {
        c ^= *p++;
        for (k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return ~c;
}

static uint32_t
adler32(const unsigned char *p, size_t n)
{
    uint32_t a = 1, b = 0;
    while (n--) {
        a = (a + *p++) % 65521u;
        b = (b + a) % 65521u;
    }
    return (b << 16) | a;
}

static uint64_t
fnv1a64(const unsigned char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    while (n--) {
        h ^= *p++;
        h *= 0x100000001b3ull;
    }
    return h;
}

static uint32_t
rotl(uint32_t x, int r)
{
    return (x << r) | (x >> (32 - r));
}

static uint32_t
murmur3_32(const unsigned char *p, size_t n, uint32_t seed)
{
    uint32_t h = seed, k;
    size_t i, blocks = n / 4;
    for (i = 0; i < blocks; i++) {
        k = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
            (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
        k *= 0xcc9e2d51u;
        k = rotl(k, 15);
        k *= 0x1b873593u;
        h ^= k;
        h = rotl(h, 13);
        h = h * 5u + 0xe6546b64u;
    }
    k = 0;
    switch (n & 3) {
    case 3:
        k ^= (uint32_t)p[4 * blocks + 2] << 16;
        /* fall through */
    case 2:
        k ^= (uint32_t)p[4 * blocks + 1] << 8;
        /* fall through */
    case 1:
        k ^= p[4 * blocks];
        k *= 0xcc9e2d51u;
        k = rotl(k, 15);
        k *= 0x1b873593u;
        h ^= k;
    }
    h ^= (uint32_t)n;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

int
main(void)
{
    size_t n = 3 * 1024 * 1024 + 7, i;
    unsigned char *buf = malloc(n);
    uint32_t x = 0x9e3779b9u;
    static const char *msgs[] = {
        "", "a", "abc", "123456789",
        "The quick brown fox jumps over the lazy dog"
    };

    if (!buf)
        return 1;
    make_table();
    for (i = 0; i < 5; i++) {
        const unsigned char *m = (const unsigned char *)msgs[i];
        size_t len = strlen(msgs[i]);
        printf("\"%s\": crc32=%08x bit=%08x adler=%08x fnv=%016llx mm3=%08x\n",
               msgs[i], (unsigned)crc32_table(m, len),
               (unsigned)crc32_bitwise(m, len), (unsigned)adler32(m, len),
               (unsigned long long)fnv1a64(m, len),
               (unsigned)murmur3_32(m, len, 0));
    }
    for (i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (unsigned char)(x >> 11);
    }
    printf("3MB: crc32=%08x adler=%08x fnv=%016llx mm3=%08x\n",
           (unsigned)crc32_table(buf, n), (unsigned)adler32(buf, n),
           (unsigned long long)fnv1a64(buf, n),
           (unsigned)murmur3_32(buf, n, 42));
    printf("64KB bitwise crc32=%08x\n", (unsigned)crc32_bitwise(buf, 65536));
    for (i = 1; i < 9; i++)
        printf("unaligned offset %u: crc=%08x mm3=%08x\n", (unsigned)i,
               (unsigned)crc32_table(buf + i, 1000 + i),
               (unsigned)murmur3_32(buf + i, 1000 + i, (uint32_t)i));
    free(buf);
    return 0;
}
