/* memops.c - bulk memory: memcpy, memmove, memset and memcmp over blocks
 * of many sizes and alignments. */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BUF (1u << 22)
#define ROUNDS 350

int
main(void)
{
    uint8_t *a = malloc(BUF), *b = malloc(BUF);
    uint32_t x = 99, sum = 0, i;
    int r, diffs = 0;

    if (!a || !b)
        return 1;
    for (i = 0; i < BUF; i++)
        a[i] = (uint8_t)(i * 7 + (i >> 9));
    for (r = 0; r < ROUNDS; r++) {
        uint32_t size, off;
        /* big copies */
        memcpy(b, a, BUF);
        memset(a + (r * 4096u) % (BUF / 2), r & 0xff, BUF / 4);
        memmove(a + 1, a, BUF / 2);
        /* many small and medium copies at odd alignments */
        for (i = 0; i < 20000; i++) {
            x = x * 1664525u + 1013904223u;
            size = 1 + (x >> 20) % 700;
            off = (x >> 3) % (BUF - 2048);
            memcpy(b + off, a + ((off * 3) % (BUF - 2048)), size);
            if ((i & 15) == 0)
                memset(b + ((off * 5) % (BUF - 2048)), (int)(x & 0xff),
                       size);
            if ((i & 63) == 0 &&
                memcmp(a + off, b + off, size < 64 ? size : 64) != 0)
                diffs++;
        }
        sum = sum * 31 + b[(r * 7919u) % BUF] + a[(r * 104729u) % BUF];
    }
    for (i = 0; i < BUF; i += 64)
        sum = sum * 31 + a[i] + b[i];
    printf("memops: sum %08x diffs %d\n", (unsigned)sum, diffs);
    free(a);
    free(b);
    return 0;
}
