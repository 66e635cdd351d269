/* Function pointers: tables of callbacks with different signatures, qsort
 * with several comparators, bsearch, pointers stored in structs. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int32_t (*binop)(int32_t, int32_t);
typedef double (*unop_d)(double);

static int32_t
op_add(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a + (uint32_t)b);
}

static int32_t
op_sub(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a - (uint32_t)b);
}

static int32_t
op_mul(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a * (uint32_t)b);
}

static int32_t op_and(int32_t a, int32_t b) { return a & b; }
static int32_t op_or(int32_t a, int32_t b) { return a | b; }
static int32_t op_xor(int32_t a, int32_t b) { return a ^ b; }
static int32_t op_max(int32_t a, int32_t b) { return a > b ? a : b; }
static int32_t op_min(int32_t a, int32_t b) { return a < b ? a : b; }

static double d_half(double x) { return x * 0.5; }
static double d_sq(double x) { return x * x; }
static double d_neg(double x) { return -x; }

struct named_op {
    const char *name;
    binop fn;
};

static const struct named_op ops[] = {
    {"add", op_add}, {"sub", op_sub}, {"mul", op_mul}, {"and", op_and},
    {"or", op_or},   {"xor", op_xor}, {"max", op_max}, {"min", op_min},
};

struct rec {
    int32_t id;
    int32_t score;
    char name[16];
};

static int
cmp_int_asc(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static int
cmp_int_desc(const void *a, const void *b)
{
    return cmp_int_asc(b, a);
}

static int
cmp_rec(const void *a, const void *b)
{
    const struct rec *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return strcmp(x->name, y->name) != 0 ? strcmp(x->name, y->name)
                                         : (x->id > y->id) - (x->id < y->id);
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int32_t
fold(binop f, const int32_t *v, int n, int32_t init)
{
    int i;
    for (i = 0; i < n; i++)
        init = f(init, v[i]);
    return init;
}

static void
apply_all(unop_d const *fs, int nf, double *v, int n)
{
    int i, j;
    for (j = 0; j < nf; j++)
        for (i = 0; i < n; i++)
            v[i] = fs[j](v[i]);
}

static int counter;
static void cb_inc(void) { counter += 1; }
static void cb_dbl(void) { counter *= 2; }
static void cb_dec(void) { counter -= 3; }

int
main(void)
{
    int32_t v[64], keys[2000];
    unsigned i;
    uint32_t x = 99u;
    void (*seq[12])(void);
    unop_d dfs[] = {d_sq, d_half, d_neg, d_sq};
    double dv[8] = {1, 2, 3, 4, 0.5, -1.5, 10, 100};

    for (i = 0; i < 64; i++) {
        x = x * 69069u + 1u;
        v[i] = (int32_t)(x >> 3) - (1 << 27);
    }
    for (i = 0; i < sizeof ops / sizeof ops[0]; i++)
        printf("%s: %d\n", ops[i].name, (int)fold(ops[i].fn, v, 64,
               i == 2 ? 1 : (i == 3 ? -1 : 0)));

    /* a dispatch sequence */
    for (i = 0; i < 12; i++)
        seq[i] = i % 3 == 0 ? cb_inc : (i % 3 == 1 ? cb_dbl : cb_dec);
    for (i = 0; i < 12; i++)
        seq[i]();
    printf("counter=%d\n", counter);

    apply_all(dfs, 4, dv, 8);
    for (i = 0; i < 8; i++)
        printf("%g ", dv[i]);
    printf("\n");

    /* qsort integers, both directions, then bsearch */
    for (i = 0; i < 2000; i++) {
        x = x * 1103515245u + 12345u;
        keys[i] = (int32_t)((x >> 7) % 100000u) * 2; /* even numbers only */
    }
    qsort(keys, 2000, sizeof keys[0], cmp_int_desc);
    printf("desc: %d %d %d ... %d\n", (int)keys[0], (int)keys[1],
           (int)keys[2], (int)keys[1999]);
    qsort(keys, 2000, sizeof keys[0], cmp_int_asc);
    printf("asc: %d %d %d ... %d\n", (int)keys[0], (int)keys[1],
           (int)keys[2], (int)keys[1999]);
    {
        int hits = 0, misses = 0;
        int32_t k;
        for (k = 0; k < 200000; k += 37) {
            int32_t *p = bsearch(&k, keys, 2000, sizeof keys[0], cmp_int_asc);
            if (p) {
                if (*p != k)
                    printf("bsearch wrong\n");
                hits++;
            } else {
                misses++;
            }
        }
        printf("bsearch hits=%d misses=%d\n", hits, misses);
    }

    /* records: a total order makes the result independent of the qsort
     * algorithm */
    {
        struct rec r[300];
        for (i = 0; i < 300; i++) {
            x = x * 1103515245u + 12345u;
            r[i].id = (int32_t)i;
            r[i].score = (int32_t)((x >> 16) % 50u);
            snprintf(r[i].name, sizeof r[i].name, "n%c%c",
                     'a' + (int)((x >> 4) % 5u), 'a' + (int)(i % 3));
        }
        qsort(r, 300, sizeof r[0], cmp_rec);
        for (i = 0; i < 300; i += 23)
            printf("rec %d %d %s\n", (int)r[i].id, (int)r[i].score,
                   r[i].name);
    }

    /* strings */
    {
        const char *words[] = {"pear", "apple", "fig", "banana", "kiwi",
                               "cherry", "date", "elderberry", "grape",
                               "apricot", "Zebra", "zebra", ""};
        const char *key = "kiwi", **hit;
        qsort(words, 13, sizeof words[0], cmp_str);
        for (i = 0; i < 13; i++)
            printf("[%s]", words[i]);
        hit = bsearch(&key, words, 13, sizeof words[0], cmp_str);
        printf("\nkiwi at %d\n", hit ? (int)(hit - words) : -1);
    }

    /* doubles */
    {
        double d[500];
        double s = 0;
        for (i = 0; i < 500; i++) {
            x = x * 1103515245u + 12345u;
            d[i] = ((double)(x >> 8) - 8388608.0) / 1024.0;
        }
        qsort(d, 500, sizeof d[0], cmp_double);
        for (i = 1; i < 500; i++)
            if (d[i - 1] > d[i])
                printf("unsorted!\n");
        for (i = 0; i < 500; i++)
            s += d[i] * (double)(i + 1);
        printf("doubles: min=%.6f max=%.6f weighted=%.6f\n", d[0], d[499], s);
    }
    return 0;
}
