/* atexit handlers run in reverse order after main returns; output to both
 * stdout and stderr; exit status 7. */
#include <stdio.h>
#include <stdlib.h>

static void
first(void)
{
    printf("atexit: registered first, runs last\n");
}

static void
second(void)
{
    printf("atexit: registered second\n");
    fprintf(stderr, "stderr from an atexit handler\n");
}

static void
third(void)
{
    printf("atexit: registered third, runs first\n");
}

int
main(void)
{
    int i;
    atexit(first);
    atexit(second);
    atexit(third);
    fprintf(stderr, "error line 1\n");
    for (i = 0; i < 5; i++)
        printf("stdout %d\n", i);
    fputs("error line 2: ", stderr);
    fprintf(stderr, "%s %d\n", "code", 7);
    fflush(stdout);
    printf("after flush\n");
    return 7;
}
