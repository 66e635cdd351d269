/* Sorting 100000 pseudo-random numbers (fixed LCG seed) with qsort and
 * with a hand-written merge sort, insertion sort on small runs and a
 * heap sort; all must agree. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 100000

static int
cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static void
merge_sort(uint32_t *a, uint32_t *tmp, size_t n)
{
    size_t mid, i, j, k;
    if (n < 16) {
        for (i = 1; i < n; i++) {
            uint32_t v = a[i];
            for (j = i; j > 0 && a[j - 1] > v; j--)
                a[j] = a[j - 1];
            a[j] = v;
        }
        return;
    }
    mid = n / 2;
    merge_sort(a, tmp, mid);
    merge_sort(a + mid, tmp, n - mid);
    for (i = 0, j = mid, k = 0; i < mid && j < n;)
        tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
    while (i < mid)
        tmp[k++] = a[i++];
    while (j < n)
        tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

static void
sift(uint32_t *a, size_t start, size_t end)
{
    size_t root = start;
    while (root * 2 + 1 < end) {
        size_t child = root * 2 + 1;
        uint32_t t;
        if (child + 1 < end && a[child] < a[child + 1])
            child++;
        if (a[root] >= a[child])
            return;
        t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

static void
heap_sort(uint32_t *a, size_t n)
{
    size_t i;
    for (i = n / 2; i-- > 0;)
        sift(a, i, n);
    for (i = n; i-- > 1;) {
        uint32_t t = a[0];
        a[0] = a[i];
        a[i] = t;
        sift(a, 0, i);
    }
}

static uint32_t
digest(const uint32_t *a, size_t n)
{
    uint32_t h = 0x811c9dc5u;
    size_t i;
    for (i = 0; i < n; i++)
        h = (h ^ a[i]) * 16777619u;
    return h;
}

int
main(void)
{
    uint32_t *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b);
    uint32_t *c = malloc(N * sizeof *c), *tmp = malloc(N * sizeof *tmp);
    uint32_t seed = 20240229u;
    size_t i, dups = 0;

    if (!a || !b || !c || !tmp)
        return 1;
    for (i = 0; i < N; i++) {
        seed = seed * 1664525u + 1013904223u;
        a[i] = seed >> 4; /* some duplicates after the shift? few */
        if (i % 1000 == 7)
            a[i] = a[i - 1]; /* guaranteed duplicates */
    }
    printf("input digest %08x first %u last %u\n", (unsigned)digest(a, N),
           (unsigned)a[0], (unsigned)a[N - 1]);
    memcpy(b, a, N * sizeof *a);
    memcpy(c, a, N * sizeof *a);
    qsort(a, N, sizeof *a, cmp_u32);
    merge_sort(b, tmp, N);
    heap_sort(c, N);
    for (i = 1; i < N; i++) {
        if (a[i - 1] > a[i]) {
            printf("qsort output not sorted at %u\n", (unsigned)i);
            return 1;
        }
        dups += a[i - 1] == a[i];
    }
    printf("qsort digest %08x\n", (unsigned)digest(a, N));
    printf("merge digest %08x equal=%d\n", (unsigned)digest(b, N),
           memcmp(a, b, N * sizeof *a) == 0);
    printf("heap digest %08x equal=%d\n", (unsigned)digest(c, N),
           memcmp(a, c, N * sizeof *a) == 0);
    printf("min %u max %u median %u dups %u\n", (unsigned)a[0],
           (unsigned)a[N - 1], (unsigned)a[N / 2], (unsigned)dups);
    for (i = 0; i < N; i += N / 10)
        printf("a[%u]=%u\n", (unsigned)i, (unsigned)a[i]);
    /* already sorted and reversed inputs */
    for (i = 0; i < N; i++)
        b[i] = (uint32_t)(N - i);
    merge_sort(b, tmp, N);
    qsort(a, N, sizeof *a, cmp_u32);
    printf("reversed sorted ok=%d resort digest %08x\n",
           b[0] == 1 && b[N - 1] == N, (unsigned)digest(a, N));
    free(a);
    free(b);
    free(c);
    free(tmp);
    return 0;
}
