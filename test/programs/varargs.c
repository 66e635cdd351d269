/* Variadic functions: summing ints, mixed types by a format string,
 * va_copy, forwarding a va_list to vsnprintf, doubles and 64-bit ints. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int
sum_ints(int count, ...)
{
    va_list ap;
    int s = 0, i;
    va_start(ap, count);
    for (i = 0; i < count; i++)
        s += va_arg(ap, int);
    va_end(ap);
    return s;
}

static double
mixed(const char *fmt, ...)
{
    va_list ap;
    double acc = 0;
    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        switch (*fmt) {
        case 'i':
            acc += va_arg(ap, int);
            break;
        case 'l':
            acc += (double)va_arg(ap, long long);
            break;
        case 'd':
            acc += va_arg(ap, double);
            break;
        case 's':
            acc += (double)strlen(va_arg(ap, const char *));
            break;
        case 'c':
            acc += va_arg(ap, int); /* char promotes to int */
            break;
        case 'f':
            acc *= va_arg(ap, double); /* float promotes to double */
            break;
        }
    }
    va_end(ap);
    return acc;
}

static void
twice(char *out, size_t n, const char *fmt, ...)
{
    va_list ap, ap2;
    int k;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    k = vsnprintf(out, n, fmt, ap);
    if (k >= 0 && (size_t)k < n) {
        out[k] = '|';
        vsnprintf(out + k + 1, n - (size_t)k - 1, fmt, ap2);
    }
    va_end(ap2);
    va_end(ap);
}

static void
logf_(const char *level, const char *fmt, ...)
{
    va_list ap;
    printf("[%s] ", level);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

static int64_t
max64(int n, ...)
{
    va_list ap;
    int64_t m = INT64_MIN;
    va_start(ap, n);
    while (n--) {
        int64_t v = va_arg(ap, int64_t);
        if (v > m)
            m = v;
    }
    va_end(ap);
    return m;
}

struct pair {
    int a;
    double b;
};

static double
pairs(int n, ...)
{
    va_list ap;
    double s = 0;
    va_start(ap, n);
    while (n--) {
        struct pair p = va_arg(ap, struct pair);
        s += p.a * p.b;
    }
    va_end(ap);
    return s;
}

int
main(void)
{
    char buf[200];
    struct pair p1 = {2, 1.5}, p2 = {-3, 0.25}, p3 = {10, 10};

    printf("sum0=%d sum1=%d sum5=%d sum10=%d\n", sum_ints(0), sum_ints(1, 42),
           sum_ints(5, 1, -2, 3, -4, 5),
           sum_ints(10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
    printf("mixed=%.17g\n", mixed("ildscf", 7, -10000000000LL, 2.5, "hello",
                                  'A', 0.5f));
    printf("mixed2=%.17g\n", mixed("dddddddddd", 1.0, 2.0, 3.0, 4.0, 5.0,
                                   6.0, 7.0, 8.0, 9.0, 10.5));
    twice(buf, sizeof buf, "%s-%d-%.2f", "x", 5, 3.14159);
    printf("twice=%s\n", buf);
    twice(buf, 12, "%s", "overflowing string");
    printf("twice small=%s\n", buf);
    logf_("info", "%d items, %s, %lld bytes, %x", 3, "ok", 1LL << 40, 255u);
    logf_("warn", "no arguments");
    printf("max64=%lld\n", (long long)max64(5, (int64_t)-5,
                                            (int64_t)1 << 50, (int64_t)7,
                                            INT64_MIN, (int64_t)-1));
    printf("pairs=%g\n", pairs(3, p1, p2, p3));
    return 0;
}
