/* printf formatting of integers: %d %u %x %o %lld %llu and friends, with
 * the extreme values, flags, widths and precisions. */
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int
main(void)
{
    static const int iv[] = {0, 1, -1, 7, -7, 42, 255, -256, 65535, 100000,
                             INT_MAX, INT_MIN, INT_MIN + 1};
    static const long long lv[] = {0, 1, -1, 1000000000000LL, -999999999999LL,
                                   LLONG_MAX, LLONG_MIN, LLONG_MIN + 1,
                                   4294967296LL, -4294967296LL};
    unsigned i;
    char buf[128];
    int n;

    for (i = 0; i < sizeof iv / sizeof iv[0]; i++) {
        int v = iv[i];
        unsigned u = (unsigned)v;
        printf("%d|%i|%u|%x|%X|%o|%#x|%#o|%+d|% d|%8d|%-8d|%08d|%.5d|%8.3d"
               "|%hd|%hhd|%hu|%hhu|%#X\n", v, v, u, u, u, u, u, u, v, v, v,
               v, v, v, v, (short)v, (signed char)v, (unsigned short)u,
               (unsigned char)u, u);
    }
    for (i = 0; i < sizeof lv / sizeof lv[0]; i++) {
        long long v = lv[i];
        unsigned long long u = (unsigned long long)v;
        printf("%lld|%llu|%llx|%llo|%#llX|%+lld|%25lld|%-22lld|%020lld|%.22lld"
               "\n", v, u, u, u, u, v, v, v, v, v);
    }
    printf("INT_MIN=%d INT_MAX=%d UINT_MAX=%u\n", INT_MIN, INT_MAX, UINT_MAX);
    printf("INT64_MIN=%" PRId64 " INT64_MAX=%" PRId64 " UINT64_MAX=%" PRIu64
           "\n", INT64_MIN, INT64_MAX, UINT64_MAX);
    printf("INT8 %" PRId8 " %" PRId8 " INT16 %" PRId16 " %" PRId16
           " UINT16 %" PRIu16 "\n", (int8_t)INT8_MIN, (int8_t)INT8_MAX,
           (int16_t)INT16_MIN, (int16_t)INT16_MAX, (uint16_t)UINT16_MAX);
    printf("hex64 %016" PRIx64 " %" PRIX64 " oct %" PRIo64 "\n",
           (uint64_t)0xdeadbeefcafef00dull, (uint64_t)0xabcdefull,
           (uint64_t)01234567012345670123ull);
    printf("zero precision: [%.0d] [%.0x] [%#.0o] [%5.0d]\n", 0, 0u, 0u, 0);
    printf("char %c%c%c percent %% string [%s] [%10s] [%-10s] [%.3s]\n",
           'a', 'B', '0', "str", "right", "left", "truncate");
    printf("%zu %zd %td %jd %ju\n", (size_t)12345, (ptrdiff_t)-5,
           (ptrdiff_t)77, (intmax_t)INT64_MIN, (uintmax_t)UINT64_MAX);
    n = snprintf(buf, 8, "%d", 123456789);
    printf("snprintf truncated: n=%d buf=%s\n", n, buf);
    n = snprintf(NULL, 0, "%lld and %s", LLONG_MIN, "more");
    printf("snprintf measure: %d\n", n);
    n = printf("count me\n");
    printf("printf returned %d\n", n);
    {
        int a = 0, b = 0;
        printf("abc%nxyz%n\n", &a, &b);
        printf("%%n: %d %d\n", a, b);
    }
    /* positional arguments (POSIX) */
    printf("%2$s %1$s %3$d\n", "world", "hello", 3);
    /* a table of squares */
    for (i = 0; i < 40; i++) {
        uint64_t sq = (uint64_t)i * i * i * i * i * i * i * i * i * i * i;
        printf("%3u^11 = %20" PRIu64 " = %#18" PRIx64 "\n", i, sq, sq);
    }
    return 0;
}
