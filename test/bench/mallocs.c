/* mallocs.c - malloc-heavy: a pool of live blocks of random sizes that are
 * allocated, written, grown with realloc, checked and freed at random. */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 8192
#define OPS 4000000

static uint64_t state = 88172645463325252ULL;

static uint32_t
rnd(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (uint32_t)(state >> 16);
}

typedef struct Block {
    uint8_t *p;
    uint32_t size;
    uint8_t fill;
} Block;

static uint32_t
pick_size(void)
{
    uint32_t r = rnd();
    switch (r & 7) {
    case 0: return 1 + (r >> 8) % 4000;      /* medium */
    case 1: return 1 + (r >> 8) % 30000;     /* large-ish */
    default: return 1 + (r >> 8) % 120;      /* small */
    }
}

int
main(void)
{
    static Block pool[SLOTS];
    uint64_t checksum = 0, live_bytes = 0, peak = 0;
    uint32_t op;
    int i;

    for (op = 0; op < OPS; op++) {
        uint32_t r = rnd();
        Block *b = &pool[r % SLOTS];
        if (b->p == NULL) {
            b->size = pick_size();
            b->fill = (uint8_t)(r >> 24);
            b->p = malloc(b->size);
            if (!b->p)
                return 1;
            memset(b->p, b->fill, b->size);
            live_bytes += b->size;
        } else if ((r >> 20) % 4 == 0) {
            uint32_t ns = pick_size();
            uint8_t *np = realloc(b->p, ns);
            if (!np)
                return 1;
            if (ns > b->size)
                memset(np + b->size, b->fill, ns - b->size);
            live_bytes += ns;
            live_bytes -= b->size;
            b->p = np;
            b->size = ns;
        } else {
            /* check a few bytes, then free */
            checksum += b->p[0] + b->p[b->size / 2] + b->p[b->size - 1];
            if (b->p[b->size - 1] != b->fill) {
                printf("mallocs: corrupted block\n");
                return 1;
            }
            live_bytes -= b->size;
            free(b->p);
            b->p = NULL;
        }
        if (live_bytes > peak)
            peak = live_bytes;
    }
    for (i = 0; i < SLOTS; i++)
        if (pool[i].p) {
            checksum += pool[i].p[0];
            free(pool[i].p);
        }
    printf("mallocs: checksum %llu peak live %llu bytes\n",
           (unsigned long long)checksum, (unsigned long long)peak);
    return 0;
}
