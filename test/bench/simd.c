/* simd.c - vectorizable float and integer kernels (saxpy, a three-tap
 * blur, an integer dot product, a clamp): built for wasm with -msimd128,
 * natively with plain -O2. */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>

#define N (1u << 16)
#define REPS 6000

static void
saxpy(float *restrict y, const float *restrict x, float a, uint32_t n)
{
    uint32_t i;

    for (i = 0; i < n; i++)
        y[i] = a * x[i] + y[i];
}

static void
blur(float *restrict out, const float *restrict in, uint32_t n)
{
    uint32_t i;

    for (i = 1; i + 1 < n; i++)
        out[i] = 0.25f * in[i - 1] + 0.5f * in[i] + 0.25f * in[i + 1];
}

static int32_t
idot(const int32_t *restrict a, const int32_t *restrict b, uint32_t n)
{
    int32_t s = 0;
    uint32_t i;

    for (i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

static void
clamp(float *restrict v, float lo, float hi, uint32_t n)
{
    uint32_t i;

    for (i = 0; i < n; i++) {
        float t = v[i];
        t = t < lo ? lo : t;
        v[i] = t > hi ? hi : t;
    }
}

int
main(void)
{
    float *x = malloc(N * sizeof(float)), *y = malloc(N * sizeof(float));
    float *t = malloc(N * sizeof(float));
    int32_t *p = malloc(N * sizeof(int32_t)), *q = malloc(N * sizeof(int32_t));
    uint32_t seed = 2024, i, dots = 0;
    double sum = 0.0;
    int r;

    if (!x || !y || !t || !p || !q)
        return 1;
    for (i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        x[i] = (float)((seed >> 16) & 1023) / 512.0f - 1.0f;
        y[i] = (float)((seed >> 6) & 1023) / 1024.0f;
        p[i] = (int32_t)((seed >> 8) & 0xffff) - 32768;
        q[i] = (int32_t)((seed >> 3) & 0xff);
    }
    t[0] = t[N - 1] = 0.0f;
    for (r = 0; r < REPS; r++) {
        saxpy(y, x, 0.001f * (float)(r % 7 - 3), N);
        blur(t, y, N);
        clamp(t, -2.0f, 2.0f, N);
        saxpy(y, t, -0.0005f, N);
        dots = dots * 31u + (uint32_t)idot(p, q, N);
        p[r % N] ^= r;
    }
    for (i = 0; i < N; i++)
        sum += y[i];
    printf("simd: sum %.6e y[7] %.6e dots %08x\n", sum, (double)y[7],
           (unsigned)dots);
    free(x);
    free(y);
    free(t);
    free(p);
    free(q);
    return 0;
}
