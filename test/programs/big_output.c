/* A lot of output through every stdio path: 30000 printf lines, puts,
 * putchar, fputs, fwrite of a large block, and unbuffered stdout at the
 * end. About 1.5 MB in total. */
#include <stdio.h>
#include <string.h>

int
main(void)
{
    static char block[200000];
    unsigned i;
    unsigned x = 17u;

    for (i = 0; i < 30000; i++) {
        x = x * 1103515245u + 12345u;
        printf("%05u %08x %s\n", i, x, (x >> 20) & 1 ? "odd-ish" : "even-ish");
    }
    for (i = 0; i < 2000; i++)
        puts(i % 2 ? "puts line one" : "puts line two, a bit longer");
    for (i = 0; i < 5000; i++) {
        putchar('a' + (int)(i % 26));
        if (i % 80 == 79)
            putchar('\n');
    }
    putchar('\n');
    for (i = 0; i < sizeof block; i++)
        block[i] = (char)(' ' + i % 95);
    for (i = 100; i < sizeof block; i += 101)
        block[i] = '\n';
    if (fwrite(block, 1, sizeof block, stdout) != sizeof block)
        return 1;
    fputs("\nafter fwrite\n", stdout);
    fflush(stdout);
    setvbuf(stdout, NULL, _IONBF, 0);
    for (i = 0; i < 200; i++)
        printf("unbuffered %u\n", i);
    return 0;
}
