/* memgrow.c - memory that grows during the run: keeps allocating larger
 * and larger buffers (and growing one vector with realloc), all live until
 * the end, so a wasm engine's memory.grow happens many times mid-run. */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NBUFS 120
#define STEP (24u * 1024u)     /* buffer k holds (k + 1) * STEP bytes */
#define PASSES 6

int
main(void)
{
    static uint32_t *bufs[NBUFS];
    uint32_t *vec = NULL;
    uint32_t veclen = 0, veccap = 0, h = 1, k, i, total = 0;
    int pass;

    for (k = 0; k < NBUFS; k++) {
        uint32_t words = (k + 1) * STEP / 4;
        uint32_t *b = malloc((size_t)words * 4);
        if (!b) {
            printf("memgrow: out of memory at buffer %u\n", (unsigned)k);
            return 1;
        }
        total += words * 4;
        for (i = 0; i < words; i++)
            b[i] = i * 2654435761u + k;
        /* work over the new buffer, mixing in an older one */
        for (pass = 0; pass < PASSES; pass++) {
            const uint32_t *old = bufs[(k * 7 + (uint32_t)pass) % (k + 1)];
            uint32_t oldwords = old ? ((k * 7 + (uint32_t)pass) % (k + 1) + 1)
                                          * STEP / 4 : 0;
            for (i = 0; i < words; i++) {
                uint32_t v = b[i] ^ (oldwords ? old[i % oldwords] : 0);
                v = (v ^ (v >> 15)) * 0x2c1b3c6dU;
                b[i] = v ^ (v >> 12);
            }
        }
        bufs[k] = b;
        /* the vector doubles now and then, copying through realloc */
        if (veclen + 4096 > veccap) {
            uint32_t *nv;
            veccap = veccap ? veccap * 2 : 4096;
            nv = realloc(vec, (size_t)veccap * 4);
            if (!nv)
                return 1;
            vec = nv;
        }
        for (i = 0; i < 4096; i++)
            vec[veclen++] = b[i * 7 % words];
        h = h * 31 + b[words - 1] + b[words / 3];
    }
    for (i = 0; i < veclen; i++)
        h = h * 31 + vec[i];
    for (k = 0; k < NBUFS; k++) {
        h ^= bufs[k][k];
        free(bufs[k]);
    }
    free(vec);
    printf("memgrow: %u bytes in %d buffers, hash %08x\n", (unsigned)total,
           NBUFS, (unsigned)h);
    return 0;
}
