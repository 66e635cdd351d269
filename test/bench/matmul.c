/* matmul.c - dense single-precision matrix multiply (i-k-j order, so the
 * inner loop is a vectorizable saxpy over a row of B). */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>

#define N 640
#define REPS 8

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint32_t
rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545f4914f6cdd1dULL) >> 32);
}

static void
matmul(const float *a, const float *b, float *c)
{
    int i, j, k;

    for (i = 0; i < N * N; i++)
        c[i] = 0.0f;
    for (i = 0; i < N; i++)
        for (k = 0; k < N; k++) {
            float aik = a[i * N + k];
            const float *brow = b + k * N;
            float *crow = c + i * N;
            for (j = 0; j < N; j++)
                crow[j] += aik * brow[j];
        }
}

int
main(void)
{
    float *a = malloc(sizeof(float) * N * N);
    float *b = malloc(sizeof(float) * N * N);
    float *c = malloc(sizeof(float) * N * N);
    double sum = 0.0;
    int i, r;

    if (!a || !b || !c)
        return 1;
    for (i = 0; i < N * N; i++) {
        a[i] = (float)(rng() % 1000) / 500.0f - 1.0f;
        b[i] = (float)(rng() % 1000) / 500.0f - 1.0f;
    }
    for (r = 0; r < REPS; r++) {
        matmul(a, b, c);
        /* feed the result back so each repetition depends on the last */
        for (i = 0; i < N * N; i++)
            a[i] = c[i] * (1.0f / 64.0f);
    }
    for (i = 0; i < N * N; i++)
        sum += c[i];
    printf("matmul %d: sum %.6e c[0] %.6e c[last] %.6e\n", N, sum,
           (double)c[0], (double)c[N * N - 1]);
    free(a);
    free(b);
    free(c);
    return 0;
}
