/*
 * textplug.c - a plugin written in C for the embedding tests
 * (test_embed.py): a WASI reactor built with
 *   clang --target=wasm32-wasi -mexec-model=reactor
 * and turned into a static library with w2c --emit=lib --name=textplug.
 *
 * It has no main(); the host calls its exports:
 *   buf_alloc / buf_free   allocate guest memory the host writes into
 *   transform              rewrite a string in place, asking the host
 *                          (import "host" "weight") to score each byte and
 *                          telling it what it did (import "host" "note")
 *   poke                   a load from any guest address (traps when out of
 *                          bounds)
 * and, through wasi-libc, the WASI calls each instance's own grants decide:
 *   show_args, show_env, file_io, raw_write, echo_stdin, quit.
 * Everything printed is flushed before an export returns: a reactor has no
 * exit to flush stdio for it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

#define EXPORT(name) __attribute__((export_name(name)))
#define IMPORT(name) \
    __attribute__((import_module("host"), import_name(name)))

/* (i32 i32) -> (): a message of len bytes at msg in this memory */
IMPORT("note") void host_note(const char *msg, uint32_t len);
/* (i32) -> i32: the host's weight of one byte */
IMPORT("weight") int32_t host_weight(int32_t byte);

EXPORT("buf_alloc") char *
buf_alloc(uint32_t n)
{
    return malloc(n);
}

EXPORT("buf_free") void
buf_free(char *p)
{
    free(p);
}

/*
 * Reverse s[0..n) in place and rotate each ASCII letter key places through
 * the alphabet (case kept); then report "transform <n> <key>" through
 * host_note and return the sum of host_weight over the resulting bytes.
 */
EXPORT("transform") int32_t
transform(char *s, uint32_t n, uint32_t key)
{
    char note[64];
    int32_t score = 0;
    uint32_t i;

    for (i = 0; i < n / 2; i++) {
        char t = s[i];
        s[i] = s[n - 1 - i];
        s[n - 1 - i] = t;
    }
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'a' && c <= 'z')
            c = (unsigned char)('a' + (c - 'a' + key) % 26);
        else if (c >= 'A' && c <= 'Z')
            c = (unsigned char)('A' + (c - 'A' + key) % 26);
        s[i] = (char)c;
        score += host_weight(c);
    }
    snprintf(note, sizeof note, "transform %u %u", (unsigned)n,
             (unsigned)key);
    host_note(note, (uint32_t)strlen(note));
    return score;
}

EXPORT("poke") int32_t
poke(uint32_t addr)
{
    return *(volatile int32_t *)(uintptr_t)addr;
}

/* Print "argc N" and "argv[i]=..." (the WASI arguments); returns argc. */
EXPORT("show_args") int32_t
show_args(void)
{
    size_t argc, size, i;
    char **argv;
    char *buf;

    if (__wasi_args_sizes_get(&argc, &size) != 0)
        return -1;
    argv = malloc((argc + 1) * sizeof *argv);
    buf = malloc(size + 1);
    if (argv == NULL || buf == NULL || __wasi_args_get((uint8_t **)argv,
                                                       (uint8_t *)buf) != 0)
        return -1;
    printf("argc %zu\n", argc);
    for (i = 0; i < argc; i++)
        printf("argv[%zu]=%s\n", i, argv[i]);
    fflush(stdout);
    free(argv);
    free(buf);
    return (int32_t)argc;
}

/*
 * Print every WASI environment entry as "env NAME=VALUE", then what
 * getenv says about COLOR and SECRET_TOKEN; returns the entry count.
 */
EXPORT("show_env") int32_t
show_env(void)
{
    size_t count, size, i;
    char **env;
    char *buf;
    const char *names[] = {"COLOR", "SECRET_TOKEN"};

    if (__wasi_environ_sizes_get(&count, &size) != 0)
        return -1;
    env = malloc((count + 1) * sizeof *env);
    buf = malloc(size + 1);
    if (env == NULL || buf == NULL ||
        __wasi_environ_get((uint8_t **)env, (uint8_t *)buf) != 0)
        return -1;
    for (i = 0; i < count; i++)
        printf("env %s\n", env[i]);
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *v = getenv(names[i]);
        printf("getenv %s=%s\n", names[i], v != NULL ? v : "(unset)");
    }
    fflush(stdout);
    free(env);
    free(buf);
    return (int32_t)count;
}

/*
 * Copy /data/in.txt to stdout as "in: <first line>" and write
 * "written by <tag>\n" to /data/out.txt.  Returns 0, or the errno of the
 * first failure (fopen of in.txt, then of out.txt).
 */
EXPORT("file_io") int32_t
file_io(const char *tag)
{
    char line[256];
    FILE *f = fopen("/data/in.txt", "r");

    if (f == NULL)
        return errno;
    if (fgets(line, sizeof line, f) == NULL)
        line[0] = '\0';
    fclose(f);
    line[strcspn(line, "\n")] = '\0';
    printf("in: %s\n", line);
    fflush(stdout);
    f = fopen("/data/out.txt", "w");
    if (f == NULL)
        return errno;
    fprintf(f, "written by %s\n", tag);
    if (fclose(f) != 0)
        return errno;
    return 0;
}

/* write(1, ...) of a fixed line: its result, or -errno. */
EXPORT("raw_write") int32_t
raw_write(void)
{
    static const char line[] = "raw write\n";
    ssize_t n = write(1, line, sizeof line - 1);

    return n < 0 ? -errno : (int32_t)n;
}

/*
 * Read one line from stdin and print it upper-cased as "stdin: ..." on
 * stdout and "echoed" on stderr; returns its length, or -errno.
 */
EXPORT("echo_stdin") int32_t
echo_stdin(void)
{
    char line[256];
    size_t i;

    if (fgets(line, sizeof line, stdin) == NULL)
        return ferror(stdin) ? -errno : 0;
    line[strcspn(line, "\n")] = '\0';
    for (i = 0; line[i] != '\0'; i++)
        if (line[i] >= 'a' && line[i] <= 'z')
            line[i] = (char)(line[i] - 'a' + 'A');
    printf("stdin: %s\n", line);
    fflush(stdout);
    fputs("echoed\n", stderr);
    return (int32_t)i;
}

/* Print "quitting" and exit(code): WASI proc_exit. */
EXPORT("quit") void
quit(int32_t code)
{
    printf("quitting %d\n", (int)code);
    exit(code);
}
