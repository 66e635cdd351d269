/* lz77.c - an LZ77 compressor (hash chains, greedy matching) and its
 * decompressor over generated text; checks the round trip. */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define INPUT (4u << 20)
#define WINDOW 32768u
#define MIN_MATCH 4
#define MAX_MATCH 258
#define HASH_BITS 15
#define MAX_CHAIN 32
#define ROUNDS 4

static uint32_t seed = 77;

static uint32_t
rnd(uint32_t n)
{
    seed = seed * 1664525u + 1013904223u;
    return (seed >> 8) % n;
}

/* Text of words from a skewed vocabulary, so there is something to find. */
static void
make_text(uint8_t *buf, uint32_t n)
{
    static const char *words[] = {
        "the", "of", "and", "memory", "linear", "module", "function",
        "table", "import", "export", "global", "instruction", "stack",
        "value", "branch", "loop", "block", "compile", "runtime", "trap",
        "bounds", "check", "guard", "page", "signal", "handler", "C",
        "wasm", "engine", "native", "benchmark", "result"
    };
    uint32_t i = 0;

    while (i < n) {
        const char *w = words[rnd(8) < 5 ? rnd(8) : rnd(32)];
        size_t len = strlen(w);
        if (i + len + 1 > n)
            break;
        memcpy(buf + i, w, len);
        i += (uint32_t)len;
        buf[i++] = rnd(12) == 0 ? '\n' : ' ';
        if (rnd(50) == 0 && i + 6 < n) {
            uint32_t k = rnd(100000);
            i += (uint32_t)sprintf((char *)buf + i, "%u ", (unsigned)k);
        }
    }
    while (i < n)
        buf[i++] = '.';
}

static uint32_t
hash4(const uint8_t *p)
{
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
                 (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    return (v * 2654435761u) >> (32 - HASH_BITS);
}

/* Output: a flag byte per 8 items; a literal is one byte, a match is
 * length-MIN_MATCH (1 byte) and distance-1 (2 bytes). */
static uint32_t
compress(const uint8_t *in, uint32_t n, uint8_t *out)
{
    static int32_t head[1 << HASH_BITS];
    static int32_t prev[WINDOW];
    uint32_t i = 0, o = 0, flagpos = 0, nitems = 8;

    memset(head, -1, sizeof head);
    while (i < n) {
        uint32_t best_len = 0, best_dist = 0;
        if (nitems == 8) {
            flagpos = o++;
            out[flagpos] = 0;
            nitems = 0;
        }
        if (i + MIN_MATCH <= n) {
            uint32_t h = hash4(in + i), chain = 0;
            int32_t cand = head[h];
            while (cand >= 0 && i - (uint32_t)cand <= WINDOW &&
                   chain++ < MAX_CHAIN) {
                uint32_t len = 0, limit = n - i;
                if (limit > MAX_MATCH)
                    limit = MAX_MATCH;
                while (len < limit && in[cand + len] == in[i + len])
                    len++;
                if (len > best_len) {
                    best_len = len;
                    best_dist = i - (uint32_t)cand;
                    if (len == limit)
                        break;
                }
                cand = prev[cand % WINDOW];
            }
        }
        if (best_len >= MIN_MATCH) {
            uint32_t k;
            out[flagpos] |= (uint8_t)(1u << nitems);
            out[o++] = (uint8_t)(best_len - MIN_MATCH);
            out[o++] = (uint8_t)((best_dist - 1) & 0xff);
            out[o++] = (uint8_t)((best_dist - 1) >> 8);
            for (k = 0; k < best_len; k++, i++) {
                if (i + MIN_MATCH <= n) {
                    uint32_t h = hash4(in + i);
                    prev[i % WINDOW] = head[h];
                    head[h] = (int32_t)i;
                }
            }
        } else {
            if (i + MIN_MATCH <= n) {
                uint32_t h = hash4(in + i);
                prev[i % WINDOW] = head[h];
                head[h] = (int32_t)i;
            }
            out[o++] = in[i++];
        }
        nitems++;
    }
    return o;
}

static uint32_t
decompress(const uint8_t *in, uint32_t n, uint8_t *out)
{
    uint32_t i = 0, o = 0;

    while (i < n) {
        uint32_t flags = in[i++], k;
        for (k = 0; k < 8 && i < n; k++) {
            if (flags & (1u << k)) {
                uint32_t len = in[i] + MIN_MATCH;
                uint32_t dist = ((uint32_t)in[i + 1] |
                                 (uint32_t)in[i + 2] << 8) + 1;
                uint32_t j;
                i += 3;
                for (j = 0; j < len; j++, o++)
                    out[o] = out[o - dist];
            } else {
                out[o++] = in[i++];
            }
        }
    }
    return o;
}

int
main(void)
{
    uint8_t *text = malloc(INPUT);
    uint8_t *packed = malloc(INPUT + INPUT / 8 + 16);
    uint8_t *back = malloc(INPUT);
    uint32_t fnv = 2166136261u, plen = 0, blen = 0, i;
    int r;

    if (!text || !packed || !back)
        return 1;
    make_text(text, INPUT);
    for (r = 0; r < ROUNDS; r++) {
        plen = compress(text, INPUT, packed);
        blen = decompress(packed, plen, back);
        if (blen != INPUT || memcmp(text, back, INPUT) != 0) {
            printf("lz77: round trip FAILED\n");
            return 1;
        }
        /* mutate the input a little so rounds differ */
        for (i = 0; i < INPUT; i += 4099)
            text[i] = (uint8_t)('a' + rnd(26));
    }
    for (i = 0; i < plen; i++)
        fnv = (fnv ^ packed[i]) * 16777619u;
    printf("lz77: %u -> %u bytes, fnv %08x\n", (unsigned)INPUT,
           (unsigned)plen, (unsigned)fnv);
    free(text);
    free(packed);
    free(back);
    return 0;
}
