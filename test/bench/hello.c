/* hello.c - the smallest program: measures exec-to-exit time of an engine. */
#include <stdio.h>

int
main(void)
{
    puts("hello, world");
    return 0;
}
