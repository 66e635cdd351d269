/* printf formatting of floating-point values: %f %e %g %a with various
 * precisions, flags, large and small magnitudes, negative zero. */
#include <float.h>
#include <math.h>
#include <stdio.h>

static volatile double vals[] = {
    0.0, -0.0, 1.0, -1.0, 0.1, -0.1, 0.5, 1.5, 2.5, 0.125, 1.0 / 3.0,
    2.0 / 3.0, 3.141592653589793, 2.718281828459045, 100.0, 1e6, 1e7,
    123456789.0, 1e15, 1e16, 1e17, 1e21, 1e22, 1e23, 1.7976931348623157e308,
    1e-5, 1e-6, 1e-7, 1.5e-10, 2.2250738585072014e-308, 9.5, 99.5, 0.05,
    0.005, 0.015, 1.005, 5e-324, 4.35, 123.456e-100, 6.02214076e23,
    -9.999999, 0.999999, 999999.25, 9999995.0
};

static const char *const fmts[] = {
    "%f", "%.0f", "%.1f", "%.3f", "%.10f", "%e", "%.0e", "%.2e", "%.15e",
    /* no "%#g": glibc mishandles it when rounding carries (999999.5) */
    "%g", "%.0g", "%.1g", "%.3g", "%.10g", "%.17g", "%#.8g", "%#.0f",
    "%+f", "% e", "%12.4f", "%-12.3e|", "%012.3f", "%+.4g", "%#.3e"
};

int
main(void)
{
    unsigned i, j;
    char buf[512];
    volatile double zero = 0.0;

    for (i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        double v = vals[i];
        printf("[%u]", i);
        for (j = 0; j < sizeof fmts / sizeof fmts[0]; j++) {
            snprintf(buf, sizeof buf, fmts[j], v);
            printf(" %s", buf);
        }
        printf("\n");
    }

    /* hex floats of normal numbers */
    for (i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        double v = vals[i];
        if (v != 0 && fabs(v) < DBL_MIN)
            continue; /* subnormal %a output differs between libcs */
        printf("%a %.3a %.0a %A %.13a\n", v, v, v, v, v);
    }

    /* floats promoted through varargs */
    {
        static const float fv[] = {0.1f, 1.0f / 3.0f, 16777217.0f, 3.4e38f,
                                   1e-38f, -7.25f};
        for (i = 0; i < sizeof fv / sizeof fv[0]; i++)
            printf("float %.9g %f %e %a\n", (double)fv[i], (double)fv[i],
                   (double)fv[i], (double)fv[i]);
    }

    /* infinities (NaN is printed only through its class) */
    {
        double inf = 1.0 / zero;
        printf("inf: %f %e %g %F %E %G %10.3f| %-8f|\n", inf, -inf, inf, inf,
               -inf, inf, -inf, inf);
    }

    /* width/precision from arguments */
    for (i = 0; i < 12; i++)
        printf("%*.*f|%-*.*e|\n", (int)i + 2, (int)i, 3.14159265358979,
               (int)i + 10, (int)i, -2.5e-3);

    /* powers of ten and two, exact decimal expansions */
    {
        double p = 1.0;
        for (i = 0; i < 70; i += 3) {
            printf("2^-%u = %.*f\n", i, (int)i, p);
            p /= 8.0;
        }
        p = 1.0;
        for (i = 0; i < 310; i += 20) {
            printf("1e%u ~ %.17e %g\n", i, p, p);
            p *= 1e20;
            if (isinf(p))
                break;
        }
        printf("%.40f\n%.60e\n", 0.1, 1.0 / 3.0);
        printf("%f\n", 1e300);
        printf("%.1f %.1f %.1f %.1f %.2f %.2f\n", 0.25, 0.35, 0.45, -0.25,
               1.125, 1.135);
    }
    return 0;
}
