/* exit(3) from a nested call: buffered stdout must still be flushed and
 * nothing after the call may run. */
#include <stdio.h>
#include <stdlib.h>

static void
leave(int code)
{
    printf("leaving with %d\n", code);
    exit(code);
}

int
main(void)
{
    int i;
    for (i = 0; i < 3; i++)
        printf("line %d (no flush yet)\n", i);
    leave(3);
    printf("not reached\n");
    return 0;
}
