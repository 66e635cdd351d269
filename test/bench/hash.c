/* hash.c - integer hashing: an open-addressing hash table of 32-bit keys
 * (insert, look up, delete by tombstone) with a multiplicative mixer. */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>

#define BITS 21
#define SIZE (1u << BITS)
#define ROUNDS 3
#define EMPTY 0u
#define GONE 1u

static uint32_t *keys;
static uint32_t *vals;

static uint32_t
mix(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    return x;
}

static uint32_t *
slot(uint32_t key, int for_insert)
{
    uint32_t i = mix(key) & (SIZE - 1);
    uint32_t *tomb = NULL;

    for (;;) {
        uint32_t k = keys[i];
        if (k == key)
            return &vals[i];
        if (k == EMPTY) {
            if (!for_insert)
                return NULL;
            if (tomb) {
                keys[tomb - vals] = key;
                return tomb;
            }
            keys[i] = key;
            vals[i] = 0;
            return &vals[i];
        }
        if (k == GONE && !tomb && for_insert) {
            tomb = &vals[i];
            vals[i] = 0;
        }
        i = (i + 1) & (SIZE - 1);
    }
}

int
main(void)
{
    uint32_t found = 0, missing = 0, acc = 0, x = 2463534242u;
    int r;
    uint32_t i;

    keys = calloc(SIZE, sizeof *keys);
    vals = calloc(SIZE, sizeof *vals);
    if (!keys || !vals)
        return 1;
    for (r = 0; r < ROUNDS; r++) {
        uint32_t base = x;
        /* insert 1M keys from a xorshift stream (load factor 1/2) */
        for (i = 0; i < SIZE / 2; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            *slot((x % 1500000u) + 2, 1) += i;
        }
        /* look up keys of the same and of a shifted range */
        for (i = 0; i < SIZE; i++) {
            uint32_t *v = slot(mix(i + base) % 3000000u + 2, 0);
            if (v) {
                found++;
                acc += *v;
            } else {
                missing++;
            }
        }
        /* delete every key in the even half of the range */
        for (i = 0; i < SIZE; i++)
            if (keys[i] > GONE && (keys[i] & 1) == 0)
                keys[i] = GONE;
        /* clean up so the next round starts from an empty table */
        if (r % 2 == 1)
            for (i = 0; i < SIZE; i++)
                keys[i] = EMPTY;
    }
    printf("hash: found %u missing %u acc %u\n", (unsigned)found,
           (unsigned)missing, (unsigned)acc);
    free(keys);
    free(vals);
    return 0;
}
