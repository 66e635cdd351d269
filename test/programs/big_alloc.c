/* Large allocations that grow linear memory: 72 MB in 1 MB..8 MB steps,
 * every page touched, checksummed, partly freed and allocated again, then
 * one 40 MB block. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MB (1024u * 1024u)

int
main(void)
{
    static const unsigned steps[] = {1, 2, 4, 8, 8, 8, 8, 8, 8, 8, 8, 1};
    unsigned char *blk[sizeof steps / sizeof steps[0]];
    unsigned i, total = 0;
    uint32_t sum = 0;
    size_t off;

    for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        size_t sz = (size_t)steps[i] * MB;
        blk[i] = malloc(sz);
        if (!blk[i]) {
            printf("malloc of %u MB failed\n", steps[i]);
            return 1;
        }
        for (off = 0; off < sz; off += 4096)
            blk[i][off] = (unsigned char)(off / 4096 + i);
        blk[i][sz - 1] = (unsigned char)i;
        total += steps[i];
        printf("step %u: %u MB, total %u MB\n", i, steps[i], total);
    }
    for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        size_t sz = (size_t)steps[i] * MB;
        uint32_t s = 0;
        for (off = 0; off < sz; off += 4096)
            s = s * 31u + blk[i][off];
        s += blk[i][sz - 1];
        printf("block %u checksum %08x\n", i, (unsigned)s);
        sum ^= s;
    }
    printf("xor of checksums %08x\n", (unsigned)sum);
    /* free the odd blocks and reallocate them with a fill pattern */
    for (i = 1; i < sizeof steps / sizeof steps[0]; i += 2) {
        size_t sz = (size_t)steps[i] * MB;
        uint32_t s = 0;
        free(blk[i]);
        blk[i] = malloc(sz);
        if (!blk[i]) {
            printf("re-malloc failed\n");
            return 1;
        }
        memset(blk[i], 0x5a ^ (int)i, sz);
        for (off = 0; off < sz; off += 512)
            s += blk[i][off];
        printf("refill %u sum %u\n", i, (unsigned)s);
    }
    for (i = 0; i < sizeof steps / sizeof steps[0]; i++)
        free(blk[i]);
    {
        size_t sz = 40 * MB;
        uint64_t s = 0;
        uint32_t *w = malloc(sz);
        if (!w) {
            printf("40 MB failed\n");
            return 1;
        }
        for (off = 0; off < sz / 4; off++)
            w[off] = (uint32_t)off * 2654435761u;
        for (off = 0; off < sz / 4; off += 97)
            s += w[off];
        printf("40 MB block sum %llu\n", (unsigned long long)s);
        free(w);
    }
    return 0;
}
