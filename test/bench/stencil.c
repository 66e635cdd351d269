/* stencil.c - 2-D five-point Jacobi relaxation on a float grid; the row
 * loop is vectorizable. */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>

#define W 1024
#define H 1024
#define STEPS 600

static void
step(const float *in, float *out)
{
    int x, y;

    for (y = 1; y < H - 1; y++) {
        const float *up = in + (y - 1) * W, *mid = in + y * W,
                    *down = in + (y + 1) * W;
        float *o = out + y * W;
        for (x = 1; x < W - 1; x++)
            o[x] = 0.2f * (mid[x] + mid[x - 1] + mid[x + 1] + up[x] +
                           down[x]);
    }
}

int
main(void)
{
    float *a = calloc((size_t)W * H, sizeof(float));
    float *b = calloc((size_t)W * H, sizeof(float));
    double sum = 0.0;
    uint32_t seed = 12345;
    int i, s;

    if (!a || !b)
        return 1;
    for (i = 0; i < W * H; i++) {
        seed = seed * 1103515245u + 12345u;
        a[i] = (float)((seed >> 16) & 1023) / 1024.0f;
    }
    /* fixed hot and cold borders */
    for (i = 0; i < W; i++) {
        a[i] = b[i] = 1.0f;
        a[(H - 1) * W + i] = b[(H - 1) * W + i] = 0.0f;
    }
    for (s = 0; s < STEPS; s++) {
        float *t;
        step(a, b);
        t = a;
        a = b;
        b = t;
    }
    for (i = 0; i < W * H; i++)
        sum += a[i];
    printf("stencil %dx%d x %d: sum %.6e centre %.6e\n", W, H, STEPS, sum,
           (double)a[(H / 2) * W + W / 2]);
    free(a);
    free(b);
    return 0;
}
