/* strings.c - string processing: build lines of words with snprintf,
 * split them, sort the words with qsort/strcmp, count with strstr and
 * strchr, and transform case. */
#include <ctype.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LINES 40000
#define ROUNDS 6

static uint32_t seed = 4242;

static uint32_t
rnd(uint32_t n)
{
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    return seed % n;
}

static void
make_word(char *w, int len)
{
    static const char letters[] = "etaoinshrdlucmfwypvbgkqjxz";
    int i;

    for (i = 0; i < len; i++) {
        uint32_t k = rnd(26);
        w[i] = letters[rnd(2) ? k : k % 8];   /* common letters more often */
    }
    w[len] = '\0';
}

static int
cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(void)
{
    char **lines = malloc(sizeof(char *) * LINES);
    char **words = malloc(sizeof(char *) * LINES * 8);
    uint32_t hash = 5381, hits = 0, uniq = 0, total_len = 0;
    int r, i;

    if (!lines || !words)
        return 1;
    for (r = 0; r < ROUNDS; r++) {
        int nwords = 0;
        for (i = 0; i < LINES; i++) {
            char buf[256], w1[16], w2[16], w3[16];
            int n, num1;
            unsigned num2;
            /* one rnd() per statement: argument order is unspecified */
            make_word(w1, 2 + (int)rnd(8));
            make_word(w2, 2 + (int)rnd(8));
            make_word(w3, 2 + (int)rnd(8));
            num1 = (int)rnd(1000) - 500;
            num2 = (unsigned)rnd(100000);
            n = snprintf(buf, sizeof buf, "%s %d %s-%s %u %s", w1, num1, w2,
                         w3, num2, w1);
            lines[i] = malloc((size_t)n + 1);
            if (!lines[i])
                return 1;
            memcpy(lines[i], buf, (size_t)n + 1);
            total_len += (uint32_t)strlen(lines[i]);
        }
        for (i = 0; i < LINES; i++) {
            char *copy = malloc(strlen(lines[i]) + 1), *tok, *p;
            if (!copy)
                return 1;
            strcpy(copy, lines[i]);
            if (strstr(copy, "ea") || strstr(copy, "-t"))
                hits++;
            for (p = copy; (p = strchr(p, 'o')) != NULL; p++)
                hits++;
            for (tok = strtok(copy, " -"); tok; tok = strtok(NULL, " -")) {
                if (isalpha((unsigned char)tok[0])) {
                    words[nwords] = malloc(strlen(tok) + 1);
                    if (!words[nwords])
                        return 1;
                    strcpy(words[nwords++], tok);
                } else {
                    hash = hash * 33 + (uint32_t)atoi(tok);
                }
            }
            free(copy);
        }
        qsort(words, (size_t)nwords, sizeof *words, cmp);
        for (i = 0; i < nwords; i++)
            if (i == 0 || strcmp(words[i], words[i - 1]) != 0)
                uniq++;
        for (i = 0; i < nwords; i++) {
            char *p;
            for (p = words[i]; *p; p++)
                *p = (char)toupper((unsigned char)*p);
            for (p = words[i]; *p; p++)
                hash = hash * 33 + (uint8_t)*p;
        }
        for (i = 0; i < nwords; i++)
            free(words[i]);
        for (i = 0; i < LINES; i++)
            free(lines[i]);
    }
    printf("strings: hash %08x hits %u unique %u chars %u\n",
           (unsigned)hash, (unsigned)hits, (unsigned)uniq,
           (unsigned)total_len);
    free(lines);
    free(words);
    return 0;
}
