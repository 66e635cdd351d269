/*
 * envdump.c - prints the environment the guest sees, for
 * test/test_sandbox.py: the sizes environ_sizes_get reports, every entry
 * of environ_get (straight from the runtime), and getenv() of each name
 * given as an argument.  The first line is "started", so a run that must
 * not reach the guest (a bad grant) can be told apart from one that did.
 */
#include <stdio.h>
#include <stdlib.h>
#include <wasi/api.h>

int
main(int argc, char **argv)
{
    static char *entries[256];
    static uint8_t text[65536];
    __wasi_size_t count = 0, size = 0, i;
    int k;

    printf("started\n");
    if (__wasi_environ_sizes_get(&count, &size) != 0 ||
        count >= sizeof(entries) / sizeof(entries[0]) ||
        size > sizeof(text)) {
        printf("environ_sizes_get failed or too large\n");
        return 1;
    }
    printf("sizes %lu %lu\n", (unsigned long)count, (unsigned long)size);
    if (__wasi_environ_get((uint8_t **)entries, text) != 0) {
        printf("environ_get failed\n");
        return 1;
    }
    for (i = 0; i < count; i++)
        printf("environ %s\n", entries[i]);
    for (k = 1; k < argc; k++) {
        const char *v = getenv(argv[k]);

        printf("getenv %s %s\n", argv[k], v != NULL ? v : "(unset)");
    }
    return 0;
}
