/* Numeric kernels: double matrix multiply (naive and blocked), an LU
 * solve, a float dot product, Horner polynomial evaluation and a small
 * Mandelbrot set rendered as text. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define N 96

static double A[N][N], B[N][N], C[N][N], D[N][N];

int
main(void)
{
    int i, j, k, ii, jj, kk;
    double tr = 0, maxdiff = 0;
    unsigned x = 1u;

    for (i = 0; i < N; i++)
        for (j = 0; j < N; j++) {
            x = x * 1103515245u + 12345u;
            A[i][j] = (double)((x >> 16) % 2001u) / 1000.0 - 1.0;
            x = x * 1103515245u + 12345u;
            B[i][j] = (double)((x >> 16) % 2001u) / 1000.0 - 1.0;
        }
    for (i = 0; i < N; i++)
        for (j = 0; j < N; j++) {
            double s = 0;
            for (k = 0; k < N; k++)
                s += A[i][k] * B[k][j];
            C[i][j] = s;
        }
    for (ii = 0; ii < N; ii += 32)
        for (kk = 0; kk < N; kk += 32)
            for (jj = 0; jj < N; jj += 32)
                for (i = ii; i < ii + 32; i++)
                    for (k = kk; k < kk + 32; k++) {
                        double a = A[i][k];
                        for (j = jj; j < jj + 32; j++)
                            D[i][j] += a * B[k][j];
                    }
    for (i = 0; i < N; i++) {
        tr += C[i][i];
        for (j = 0; j < N; j++) {
            double d = fabs(C[i][j] - D[i][j]);
            if (d > maxdiff)
                maxdiff = d;
        }
    }
    printf("trace=%.15g C[1][2]=%.17g C[95][0]=%.17g\n", tr, C[1][2],
           C[95][0]);
    printf("blocked differs by at most %.3g (summation order)\n",
           maxdiff < 1e-12 ? 0.0 : maxdiff);

    /* LU decomposition with partial pivoting, solve A x = b */
    {
        static double M[N][N];
        double b[N], y[N], xs[N], resid = 0;
        int piv[N];
        for (i = 0; i < N; i++) {
            for (j = 0; j < N; j++)
                M[i][j] = A[i][j] + (i == j ? 4.0 : 0.0);
            b[i] = (double)(i % 7) - 3.0;
            piv[i] = i;
        }
        for (k = 0; k < N; k++) {
            int p = k;
            for (i = k + 1; i < N; i++)
                if (fabs(M[i][k]) > fabs(M[p][k]))
                    p = i;
            if (p != k) {
                for (j = 0; j < N; j++) {
                    double t = M[k][j];
                    M[k][j] = M[p][j];
                    M[p][j] = t;
                }
                j = piv[k];
                piv[k] = piv[p];
                piv[p] = j;
            }
            for (i = k + 1; i < N; i++) {
                double f = M[i][k] / M[k][k];
                M[i][k] = f;
                for (j = k + 1; j < N; j++)
                    M[i][j] -= f * M[k][j];
            }
        }
        for (i = 0; i < N; i++) {
            double s = b[piv[i]];
            for (j = 0; j < i; j++)
                s -= M[i][j] * y[j];
            y[i] = s;
        }
        for (i = N - 1; i >= 0; i--) {
            double s = y[i];
            for (j = i + 1; j < N; j++)
                s -= M[i][j] * xs[j];
            xs[i] = s / M[i][i];
        }
        for (i = 0; i < N; i++) {
            double s = -b[i];
            for (j = 0; j < N; j++)
                s += (A[i][j] + (i == j ? 4.0 : 0.0)) * xs[j];
            resid += s * s;
        }
        printf("x[0]=%.17g x[50]=%.17g residual small=%d\n", xs[0], xs[50],
               sqrt(resid) < 1e-10);
    }

    /* float dot product and Horner */
    {
        float fa[1000], fb[1000], dot = 0;
        double poly = 0, t = 0.7;
        static const double coef[] = {1, -0.5, 0.25, -0.125, 3, 2.5, -1};
        for (i = 0; i < 1000; i++) {
            fa[i] = (float)i * 0.001f;
            fb[i] = 1.0f - (float)i * 0.0005f;
        }
        for (i = 0; i < 1000; i++)
            dot += fa[i] * fb[i];
        for (i = 0; i < 7; i++) {
            /* two statements: clang may otherwise fuse the multiply-add
             * when it folds constants */
            poly *= t;
            poly += coef[i];
        }
        printf("dot=%.9g horner=%.17g\n", (double)dot, poly);
    }

    /* mandelbrot */
    for (i = 0; i < 24; i++) {
        char line[65];
        for (j = 0; j < 64; j++) {
            double cr = -2.2 + j * (3.0 / 64), ci = -1.2 + i * (2.4 / 24);
            double zr = 0, zi = 0;
            int it = 0;
            while (it < 200 && zr * zr + zi * zi < 4.0) {
                double t2 = zr * zr - zi * zi + cr;
                zi = 2 * zr * zi + ci;
                zr = t2;
                it++;
            }
            line[j] = " .:-=+*#%@"[it >= 200 ? 9 : it % 9];
        }
        line[64] = 0;
        printf("%s\n", line);
    }
    return 0;
}
