/* float and double arithmetic: sqrt, fabs, rounding functions, fmin/fmax
 * with signed zeros, NaN and infinity handling. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <stdint.h>

static const char *
cls(double x)
{
    if (isnan(x))
        return "nan";
    if (isinf(x))
        return signbit(x) ? "-inf" : "+inf";
    if (x == 0)
        return signbit(x) ? "-0" : "+0";
    return "num";
}

/* print a double without relying on NaN sign formatting */
static void
pd(const char *what, double x)
{
    if (isnan(x))
        printf("%s=nan ", what);
    else if (x == 0)
        printf("%s=%s ", what, signbit(x) ? "-0" : "+0");
    else
        printf("%s=%.17g ", what, x);
}

static void
pf(const char *what, float x)
{
    if (isnan(x))
        printf("%s=nan ", what);
    else if (x == 0)
        printf("%s=%s ", what, signbit(x) ? "-0" : "+0");
    else
        printf("%s=%.9g ", what, (double)x);
}

/* C leaves the sign of fmin/fmax(+0, -0) unspecified: settle ties
 * explicitly and let the library decide every other case */
static double
zmin(double a, double b)
{
    if (a == b)
        return signbit(a) ? a : b;
    return fmin(a, b);
}

static double
zmax(double a, double b)
{
    if (a == b)
        return signbit(a) ? b : a;
    return fmax(a, b);
}

static float
zminf(float a, float b)
{
    if (a == b)
        return signbit(a) ? a : b;
    return fminf(a, b);
}

static float
zmaxf(float a, float b)
{
    if (a == b)
        return signbit(a) ? b : a;
    return fmaxf(a, b);
}

static volatile double dv[] = {
    0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.5, 0.49999999999999994,
    -0.49999999999999994, 1e300, -1e300, 1e-300, 4.9e-324,
    2.2250738585072014e-308,
    4503599627370496.5, 4503599627370497.0, 9007199254740993.0, 123.456,
    -987.654321, 3.141592653589793, 1.0 / 3.0
};

int
main(void)
{
    unsigned i, j;
    volatile double zero = 0.0, one = 1.0;
    double inf = one / zero, nan_ = zero / zero;
    float finf = (float)inf, fnan = (float)nan_;

    printf("inf:%s -inf:%s nan:%s nan==nan:%d nan!=nan:%d inf>max:%d\n",
           cls(inf), cls(-inf), cls(nan_), nan_ == nan_, nan_ != nan_,
           inf > DBL_MAX);
    printf("isnan(f)=%d isinf(f)=%d isfinite=%d,%d,%d\n", isnan(fnan) != 0,
           isinf(finf) != 0, isfinite(1.0) != 0, isfinite(inf) != 0,
           isfinite(nan_) != 0);
    pd("inf-inf", inf - inf);
    pd("inf*0", inf * zero);
    pd("0*-1", zero * -one);
    pd("-0+0", -zero + zero);
    pd("-0-0", -zero - zero);
    pd("1/-inf", one / -inf);
    pd("sqrt(-1)", sqrt(-one));
    pd("sqrt(-0)", sqrt(-zero));
    pd("fmod(5.5,2)", fmod(5.5 * one, 2.0));
    pd("fmod(-5.5,2)", fmod(-5.5 * one, 2.0));
    printf("\n");

    for (i = 0; i < sizeof dv / sizeof dv[0]; i++) {
        double x = dv[i];
        float f = (float)x;
        printf("x=%.17g\n  ", x);
        pd("sqrt", sqrt(fabs(x)));
        pd("fabs", fabs(x));
        pd("floor", floor(x));
        pd("ceil", ceil(x));
        pd("round", round(x));
        pd("trunc", trunc(x));
        pd("rint", rint(x));
        pd("nearbyint", nearbyint(x));
        printf("\n  ");
        pd("neg", -x);
        pd("x*x", x * x);
        pd("x/3", x / 3.0);
        pd("x+1e-3", x + 1e-3);
        pd("copysign", copysign(2.0, x));
        printf("\n  ");
        pf("f", f);
        pf("sqrtf", sqrtf(fabsf(f)));
        pf("floorf", floorf(f));
        pf("ceilf", ceilf(f));
        pf("truncf", truncf(f));
        pf("rintf", rintf(f));
        pf("roundf", roundf(f));
        pf("f*f", f * f);
        printf("\n");
    }

    /* fmin/fmax with signed zeros and NaN */
    {
        double a[] = {0.0, -0.0, 1.0, -1.0, 0.0, 0.0};
        a[4] = nan_;
        a[5] = inf;
        for (i = 0; i < 6; i++)
            for (j = 0; j < 6; j++) {
                double mn = zmin(a[i], a[j]), mx = zmax(a[i], a[j]);
                printf("fmin(%s,%s)=%s%s fmax=%s%s\n", cls(a[i]), cls(a[j]),
                       cls(mn), mn == mn && mn != 0 && !isinf(mn) ?
                       (mn < 0 ? "(-1)" : "(1)") : "",
                       cls(mx), mx == mx && mx != 0 && !isinf(mx) ?
                       (mx < 0 ? "(-1)" : "(1)") : "");
            }
        printf("fminf(-0,+0) %s fmaxf(-0,+0) %s\n",
               signbit(zminf(-0.0f, 0.0f)) ? "-0" : "+0",
               signbit(zmaxf(-0.0f, 0.0f)) ? "-0" : "+0");
        printf("fminf(1,nan)=%g fmaxf(nan,-2)=%g fmin(-3,2)=%g\n",
               (double)fminf(1.0f, fnan), (double)fmaxf(fnan, -2.0f),
               fmin(-3.0, 2.0 * one));
    }

    /* comparisons with NaN */
    {
        double v[3];
        v[0] = 1.0;
        v[1] = nan_;
        v[2] = inf;
        for (i = 0; i < 3; i++)
            for (j = 0; j < 3; j++)
                printf("%d%d%d%d%d%d ", v[i] < v[j], v[i] <= v[j],
                       v[i] > v[j], v[i] >= v[j], v[i] == v[j],
                       v[i] != v[j]);
        printf("\n");
    }

    /* bit patterns */
    {
        double d = -2.75;
        float f = 0.1f;
        uint64_t u;
        uint32_t w;
        memcpy(&u, &d, 8);
        memcpy(&w, &f, 4);
        printf("bits(-2.75)=%016llx bits(0.1f)=%08x\n",
               (unsigned long long)u, (unsigned)w);
        u = 0x400921fb54442d18ull;
        memcpy(&d, &u, 8);
        printf("pi from bits %.17g\n", d);
    }

    /* accumulation: a simple series */
    {
        double s = 0;
        float fs = 0;
        for (i = 1; i <= 100000; i++) {
            s += 1.0 / ((double)i * i);
            fs += 1.0f / (float)i;
        }
        printf("basel=%.17g harmonic_f=%.9g\n", s, (double)fs);
        printf("pow=%.17g exp=%.17g log=%.17g sin=%.17g atan2=%.17g\n",
               pow(2.0, 0.5), exp(1.0), log(10.0), sin(1.0),
               atan2(1.0, -1.0));
        printf("hypot=%.17g cbrt=%.17g ldexp=%.17g frexp=", hypot(3, 4),
               cbrt(27.0), ldexp(0.75, 10));
        {
            int e;
            double m = frexp(1000.0, &e);
            printf("%.17g*2^%d modf=", m, e);
            m = modf(-3.25, &s);
            printf("%.17g,%.17g\n", m, s);
        }
    }
    printf("eps=%.17g fmax=%.9g dmin=%.17g\n", DBL_EPSILON, (double)FLT_MAX,
           DBL_MIN);
    return 0;
}
