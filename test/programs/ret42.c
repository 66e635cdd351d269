/* Returning 42 from main gives exit status 42. */
#include <stdio.h>

int
main(void)
{
    printf("returning 42\n");
    return 42;
}
