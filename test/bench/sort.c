/* sort.c - sorting integers three ways: quicksort (median of three,
 * insertion sort for short runs), bottom-up merge sort and LSD radix
 * sort; checks they agree. */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define N (1u << 21)
#define ROUNDS 2

static void
insertion(uint32_t *a, int32_t lo, int32_t hi)
{
    int32_t i, j;

    for (i = lo + 1; i <= hi; i++) {
        uint32_t v = a[i];
        for (j = i - 1; j >= lo && a[j] > v; j--)
            a[j + 1] = a[j];
        a[j + 1] = v;
    }
}

static void
quicksort(uint32_t *a, int32_t lo, int32_t hi)
{
    while (hi - lo > 16) {
        int32_t mid = lo + (hi - lo) / 2, i = lo, j = hi;
        uint32_t x = a[lo], y = a[mid], z = a[hi], pivot;
        pivot = x < y ? (y < z ? y : (x < z ? z : x))
                      : (x < z ? x : (y < z ? z : y));
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                uint32_t t = a[i];
                a[i++] = a[j];
                a[j--] = t;
            }
        }
        /* recurse into the smaller side, loop on the larger */
        if (j - lo < hi - i) {
            quicksort(a, lo, j);
            lo = i;
        } else {
            quicksort(a, i, hi);
            hi = j;
        }
    }
    insertion(a, lo, hi);
}

static void
mergesort_bu(uint32_t *a, uint32_t *tmp, uint32_t n)
{
    uint32_t width, i;

    for (width = 1; width < n; width *= 2) {
        for (i = 0; i < n; i += 2 * width) {
            uint32_t l = i, m = i + width < n ? i + width : n;
            uint32_t r = i + 2 * width < n ? i + 2 * width : n;
            uint32_t p = l, q = m, k = l;
            while (p < m && q < r)
                tmp[k++] = a[p] <= a[q] ? a[p++] : a[q++];
            while (p < m)
                tmp[k++] = a[p++];
            while (q < r)
                tmp[k++] = a[q++];
        }
        memcpy(a, tmp, n * sizeof *a);
    }
}

static void
radix(uint32_t *a, uint32_t *tmp, uint32_t n)
{
    int shift;

    for (shift = 0; shift < 32; shift += 8) {
        uint32_t count[257] = { 0 }, i;
        for (i = 0; i < n; i++)
            count[((a[i] >> shift) & 0xff) + 1]++;
        for (i = 1; i < 257; i++)
            count[i] += count[i - 1];
        for (i = 0; i < n; i++)
            tmp[count[(a[i] >> shift) & 0xff]++] = a[i];
        memcpy(a, tmp, n * sizeof *a);
    }
}

int
main(void)
{
    uint32_t *orig = malloc(N * 4), *a = malloc(N * 4), *b = malloc(N * 4);
    uint32_t *c = malloc(N * 4), *tmp = malloc(N * 4);
    uint32_t x = 123456789, h = 0, i;
    int r;

    if (!orig || !a || !b || !c || !tmp)
        return 1;
    for (r = 0; r < ROUNDS; r++) {
        for (i = 0; i < N; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            orig[i] = r == 1 ? x % 1000 : x;   /* many duplicates in round 1 */
        }
        memcpy(a, orig, N * 4);
        memcpy(b, orig, N * 4);
        memcpy(c, orig, N * 4);
        quicksort(a, 0, (int32_t)N - 1);
        mergesort_bu(b, tmp, N);
        radix(c, tmp, N);
        if (memcmp(a, b, N * 4) != 0 || memcmp(a, c, N * 4) != 0) {
            printf("sort: results differ\n");
            return 1;
        }
        for (i = 0; i < N; i += 97)
            h = h * 31 + a[i];
    }
    printf("sort: %u keys, hash %08x, median %u\n", (unsigned)N, (unsigned)h,
           (unsigned)a[N / 2]);
    free(orig);
    free(a);
    free(b);
    free(c);
    free(tmp);
    return 0;
}
