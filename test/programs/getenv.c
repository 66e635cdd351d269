/* getenv of a variable that must be absent prints "(null)"; the
 * environment given by the host is not printed (it differs). */
#include <stdio.h>
#include <stdlib.h>

int
main(void)
{
    const char *v = getenv("W2C_PROGRAM_TEST_SURELY_UNSET_VARIABLE");
    const char *e = getenv("");
    printf("W2C_PROGRAM_TEST_SURELY_UNSET_VARIABLE=%s\n", v ? v : "(null)");
    printf("empty name=%s\n", e ? e : "(null)");
    return 0;
}
