/* Conversions between strings and numbers: strtol/strtoul/strtoll with
 * bases and errors, strtod/strtof, atoi, sscanf, snprintf round trips. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main(void)
{
    static const char *ints[] = {
        /* no "0b101": C23 libcs take the prefix, older ones do not */
        "0", "42", "-42", "  +17xyz", "0x1F", "0X7fffffff", "077", "0101",
        "2147483647", "2147483648", "-2147483648", "-2147483649",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "18446744073709551615", "18446744073709551616", "zz", "", "   ",
        "-0", "+-5", "1e5", "123456789012345678901234567890"
    };
    static const int bases[] = {10, 0, 16, 8, 2, 36};
    static const char *dbls[] = {
        "0", "-0", "1.5", "  -2.25e3rest", "1e308", "1e309", "-1e309",
        "1e-320", "1e-400", "0x1.8p3", "inf", "-Infinity", ".5", "5.",
        "3.14159265358979323846264338327950288", "1e", "e5", "+.e1",
        "123456789012345678901234567890", "0.1", "4.9406564584124654e-324",
        "2.2250738585072011e-308", "1.7976931348623157e308",
        "1.7976931348623159e308", "100000000000000000000000000000000000000"
    };
    unsigned i, j;
    char *end;

    for (i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        printf("\"%s\":", ints[i]);
        for (j = 0; j < sizeof bases / sizeof bases[0]; j++) {
            long long v;
            errno = 0;
            v = strtoll(ints[i], &end, bases[j]);
            printf(" b%d=%lld/%d/%d", bases[j], v, (int)(end - ints[i]),
                   errno == ERANGE);
        }
        {
            unsigned long long u;
            long l;
            int e1, e2;
            errno = 0;
            u = strtoull(ints[i], &end, 0);
            e1 = errno == ERANGE;
            errno = 0;
            l = strtol(ints[i], NULL, 10);
            e2 = errno == ERANGE;
            /* long is 32-bit on wasm32 and 64-bit natively: print only
             * what both agree on */
            printf(" ull=%llu/%d", u, e1);
            if (!e2 && l >= INT32_MIN && l <= INT32_MAX)
                printf(" l=%ld", l);
            if (l < INT32_MIN || l > INT32_MAX || e2)
                printf(" l=range");
            printf(" atoi=%d\n", strlen(ints[i]) < 10 ? atoi(ints[i]) : 0);
        }
    }

    for (i = 0; i < sizeof dbls / sizeof dbls[0]; i++) {
        double d;
        float f;
        int e1, e2;
        errno = 0;
        d = strtod(dbls[i], &end);
        e1 = errno == ERANGE;
        errno = 0;
        f = strtof(dbls[i], NULL);
        e2 = errno == ERANGE;
        /* ERANGE on a subnormal result is implementation-defined */
        if (d != 0 && !isinf(d))
            e1 = 0;
        if (f != 0 && !isinf(f))
            e2 = 0;
        printf("strtod(\"%s\")=%.17g used=%d erange=%d f=%.9g %d\n", dbls[i],
               d, (int)(end - dbls[i]), e1, (double)f, e2);
    }

    /* sscanf */
    {
        int a = 0, b = 0, n = 0;
        unsigned u = 0;
        double d = 0;
        char word[32] = "", rest[32] = "";
        long long ll = 0;
        int r;
        r = sscanf("12 -34 5.5e1 hello 0xff", "%d %d %lf %31s %x", &a, &b, &d,
                   word, &u);
        printf("sscanf r=%d a=%d b=%d d=%g word=%s u=%u\n", r, a, b, d, word,
               u);
        r = sscanf("key: value-with-dash;tail", "key: %31[^;];%31s", word,
                   rest);
        printf("scanset r=%d [%s] [%s]\n", r, word, rest);
        r = sscanf("-9223372036854775808 77%", "%lld %d%%%n", &ll, &a, &n);
        printf("ll r=%d %lld %d n=%d\n", r, ll, a, n);
        r = sscanf("abc", "%d", &a);
        printf("mismatch r=%d\n", r);
        r = sscanf("", "%d", &a);
        printf("empty r=%d\n", r);
        {
            int y, mo, dd, h, mi, se;
            r = sscanf("2024-02-29T13:45:07", "%4d-%2d-%2dT%2d:%2d:%2d", &y,
                       &mo, &dd, &h, &mi, &se);
            printf("date fields=%d %04d/%02d/%02d %02d:%02d:%02d\n", r, y,
                   mo, dd, h, mi, se);
        }
    }

    /* snprintf round trips */
    {
        char buf[64];
        uint32_t x = 1u;
        int bad = 0;
        for (i = 0; i < 20000; i++) {
            double v, back;
            x = x * 1664525u + 1013904223u;
            v = (double)x / 65536.0 - 32768.0 + (double)i * 1e-7;
            snprintf(buf, sizeof buf, "%.17g", v);
            back = strtod(buf, NULL);
            if (back != v)
                bad++;
            snprintf(buf, sizeof buf, "%d", (int32_t)x);
            if (strtol(buf, NULL, 10) != (long)(int32_t)x)
                bad++;
        }
        printf("round trip failures: %d\n", bad);
    }
    return 0;
}
