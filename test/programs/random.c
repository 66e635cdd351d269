/* Randomness from the host: getentropy and arc4random must succeed; the
 * values are checked only for plausibility (not all equal), never printed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>

int
main(void)
{
    unsigned char buf[256], buf2[256];
    int i, distinct = 0, r;

    memset(buf, 0, sizeof buf);
    r = getentropy(buf, sizeof buf);
    printf("getentropy: %s\n", r == 0 ? "ok" : "failed");
    memcpy(buf2, buf, sizeof buf);
    r = getentropy(buf2, 16);
    printf("getentropy again: %s\n", r == 0 ? "ok" : "failed");
    for (i = 1; i < 256; i++)
        if (buf[i] != buf[0])
            distinct = 1;
    printf("not constant: %s\n", distinct ? "yes" : "no");
#ifdef __wasi__
    {
        uint32_t a = arc4random(), b = arc4random(), c = arc4random();
        uint32_t u = arc4random_uniform(10);
        arc4random_buf(buf, 64);
        printf("arc4random: %s\n",
               (a != b || b != c) && u < 10 ? "ok" : "bad");
    }
#else
    printf("arc4random: ok\n"); /* not in older glibc */
#endif
    return 0;
}
