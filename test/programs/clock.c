/* clang: -D_WASI_EMULATED_PROCESS_CLOCKS -lwasi-emulated-process-clocks */
/* clock_gettime and friends: values must never go backwards and calls must
 * succeed; nothing time-dependent is printed. */
#include <stdio.h>
#include <time.h>
#include <sys/time.h>

static long long
ns(const struct timespec *t)
{
    return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

int
main(void)
{
    struct timespec a, b, res;
    struct timeval tv;
    int i, mono_ok = 1, real_ok = 1, range_ok = 1;
    volatile unsigned sink = 0;

    if (clock_gettime(CLOCK_MONOTONIC, &a) != 0) {
        printf("CLOCK_MONOTONIC failed\n");
        return 1;
    }
    for (i = 0; i < 2000; i++) {
        int k;
        for (k = 0; k < 100; k++)
            sink += (unsigned)k;
        if (clock_gettime(CLOCK_MONOTONIC, &b) != 0) {
            printf("CLOCK_MONOTONIC failed\n");
            return 1;
        }
        if (ns(&b) < ns(&a))
            mono_ok = 0;
        if (b.tv_nsec < 0 || b.tv_nsec >= 1000000000L)
            range_ok = 0;
        a = b;
    }
    printf("monotonic non-decreasing: %s\n", mono_ok ? "yes" : "no");
    if (clock_gettime(CLOCK_REALTIME, &a) != 0) {
        printf("CLOCK_REALTIME failed\n");
        return 1;
    }
    /* after 2020-01-01 */
    if (a.tv_sec < 1577836800)
        real_ok = 0;
    printf("realtime plausible: %s\n", real_ok ? "yes" : "no");
    printf("nsec in range: %s\n", range_ok ? "yes" : "no");
    printf("resolution call: %s\n",
           clock_getres(CLOCK_MONOTONIC, &res) == 0 ? "ok" : "failed");
    printf("gettimeofday: %s\n",
           gettimeofday(&tv, NULL) == 0 && tv.tv_sec >= 1577836800 ? "ok"
                                                                    : "bad");
    printf("time(): %s\n", time(NULL) >= 1577836800 ? "ok" : "bad");
    {
        clock_t c0 = clock(), c1;
        for (i = 0; i < 100000; i++)
            sink += (unsigned)i;
        c1 = clock();
        printf("clock(): %s\n", c0 != (clock_t)-1 && c1 >= c0 ? "ok" : "bad");
    }
    return 0;
}
