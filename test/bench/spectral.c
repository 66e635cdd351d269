/* spectral.c - spectral norm of an infinite matrix (after the well-known
 * benchmark): double division and multiply-add loops. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define N 2500

static double
a(int i, int j)
{
    return 1.0 / ((double)(i + j) * (i + j + 1) / 2 + i + 1);
}

static void
mul_av(const double *v, double *out)
{
    int i, j;

    for (i = 0; i < N; i++) {
        double s = 0.0;
        for (j = 0; j < N; j++)
            s += a(i, j) * v[j];
        out[i] = s;
    }
}

static void
mul_atv(const double *v, double *out)
{
    int i, j;

    for (i = 0; i < N; i++) {
        double s = 0.0;
        for (j = 0; j < N; j++)
            s += a(j, i) * v[j];
        out[i] = s;
    }
}

static void
mul_atav(const double *v, double *out, double *tmp)
{
    mul_av(v, tmp);
    mul_atv(tmp, out);
}

int
main(void)
{
    double *u = malloc(sizeof(double) * N), *v = malloc(sizeof(double) * N);
    double *tmp = malloc(sizeof(double) * N);
    double vbv = 0, vv = 0;
    int i;

    if (!u || !v || !tmp)
        return 1;
    for (i = 0; i < N; i++)
        u[i] = 1.0;
    for (i = 0; i < 10; i++) {
        mul_atav(u, v, tmp);
        mul_atav(v, u, tmp);
    }
    for (i = 0; i < N; i++) {
        vbv += u[i] * v[i];
        vv += v[i] * v[i];
    }
    printf("spectral %d: %.9f\n", N, sqrt(vbv / vv));
    free(u);
    free(v);
    free(tmp);
    return 0;
}
