/*
 * grants.c - shows what an executable was granted, for
 * test/test_sandbox.py: every preopened directory ("preopen FD NAME"),
 * the contents of each file named as an argument, read through wasi-libc
 * (which maps absolute paths onto the preopens), and the environment.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

extern char **environ;

int
main(int argc, char **argv)
{
    static char line[4096];
    __wasi_fd_t fd;
    char **e;
    int k;

    printf("started\n");
    for (fd = 3;; fd++) {
        __wasi_prestat_t ps;
        size_t len;

        if (__wasi_fd_prestat_get(fd, &ps) != 0)
            break;
        len = ps.u.dir.pr_name_len;
        if (len >= sizeof(line) ||
            __wasi_fd_prestat_dir_name(fd, (uint8_t *)line, len) != 0) {
            printf("preopen %u: bad name\n", (unsigned)fd);
            continue;
        }
        line[len] = '\0';
        printf("preopen %u %s\n", (unsigned)fd, line);
    }
    for (k = 1; k < argc; k++) {
        FILE *f = fopen(argv[k], "r");

        if (f == NULL) {
            printf("file %s: errno %d\n", argv[k], errno);
            continue;
        }
        while (fgets(line, sizeof(line), f) != NULL)
            printf("file %s: %s", argv[k], line);
        fclose(f);
    }
    for (e = environ; *e != NULL; e++)
        printf("environ %s\n", *e);
    return 0;
}
