/*
 * host_wasi.c - WASI per instance through the textplug plugin's library
 * API (test_embed.py).  Built with  cc -std=c99 host_wasi.c libtextplug.a
 *
 *   host_wasi DIR_A DIR_B OUT_A ERR_A IN_A
 *
 * Instance A: arguments, two variables, DIR_A as /data, stdout to the file
 * OUT_A, stderr to ERR_A, stdin from IN_A.  Instance B: other arguments, one
 * variable, DIR_B as /data, stdout and stderr into one pipe, stdin from
 * another pipe.  Instance N: no grants at all.  Each runs the same exports;
 * the host prints what they return (<label> <status> [<message>] = <value>),
 * then what came through B's pipe as "B-out: <line>".  A ends with
 * proc_exit, and the host carries on with B and a new instance E whose
 * stdout is the host's own.
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "textplug.h"

static uint32_t
weight(void *ctx, uint32_t byte)
{
    (void)ctx;
    return byte;
}

static void
note(void *ctx, uint32_t msg, uint32_t len)
{
    (void)ctx;
    (void)msg;
    (void)len;
}

static textplug_instance *
make(void)
{
    textplug_imports imp;
    textplug_instance *inst;

    memset(&imp, 0, sizeof imp);
    imp.host_weight = weight;
    imp.host_note = note;
    inst = textplug_new(&imp, NULL);
    if (inst == NULL) {
        fprintf(stderr, "textplug_new failed\n");
        exit(1);
    }
    return inst;
}

static void
need(const char *what, textplug_instance *inst, w2c_status st)
{
    if (st != W2C_OK) {
        fprintf(stderr, "%s: status %d: %s\n", what, (int)st,
                textplug_error_message(inst));
        exit(1);
    }
}

static void
report(const char *tag, const char *what, textplug_instance *inst,
       w2c_status st, const uint32_t *r)
{
    printf("%s %s %d [%s]", tag, what, (int)st,
           textplug_error_message(inst));
    if (st == W2C_OK && r != NULL)
        printf(" = %" PRId32, (int32_t)*r);
    printf("\n");
    fflush(stdout);
}

/* Run every WASI export of inst once, labelled with tag. */
static void
exercise(const char *tag, textplug_instance *inst)
{
    uint32_t r = 0, p;
    uint64_t size;
    uint8_t *mem;

    report(tag, "show_args", inst, textplug_show_args(inst, &r), &r);
    report(tag, "show_env", inst, textplug_show_env(inst, &r), &r);
    need("buf_alloc", inst, textplug_buf_alloc(inst, 8, &p));
    mem = textplug_memory_memory(inst, &size);
    if (mem == NULL || p == 0 || (uint64_t)p + 8 > size) {
        fprintf(stderr, "%s: no buffer\n", tag);
        exit(1);
    }
    memcpy(mem + p, tag, strlen(tag) + 1);
    report(tag, "file_io", inst, textplug_file_io(inst, p, &r), &r);
    report(tag, "raw_write", inst, textplug_raw_write(inst, &r), &r);
    report(tag, "echo_stdin", inst, textplug_echo_stdin(inst, &r), &r);
}

static int
open_or_die(const char *path, int flags)
{
    int fd = open(path, flags, 0644);

    if (fd < 0) {
        perror(path);
        exit(1);
    }
    return fd;
}

int
main(int argc, char **argv)
{
    static const char *const args_a[] = {"plug-a", "alpha", "two words"};
    static const char *const args_b[] = {"plug-b"};
    static const char b_input[] = "from b pipe\n";
    textplug_instance *a = make(), *b = make(), *n = make(), *e, *f;
    int out_a, err_a, in_a, pipe_out[2], pipe_in[2];
    char buf[4096], *line, *save;
    ssize_t got;
    size_t len = 0;
    uint32_t r = 0;

    if (argc != 6) {
        fprintf(stderr, "usage: host_wasi DIR_A DIR_B OUT_A ERR_A IN_A\n");
        return 2;
    }
    out_a = open_or_die(argv[3], O_WRONLY | O_CREAT | O_TRUNC);
    err_a = open_or_die(argv[4], O_WRONLY | O_CREAT | O_TRUNC);
    in_a = open_or_die(argv[5], O_RDONLY);
    if (pipe(pipe_out) != 0 || pipe(pipe_in) != 0 ||
        write(pipe_in[1], b_input, sizeof b_input - 1) !=
            (ssize_t)(sizeof b_input - 1)) {
        perror("pipe");
        return 1;
    }
    close(pipe_in[1]);

    need("A args", a, textplug_wasi_args(a, 3, args_a));
    need("A env", a, textplug_wasi_env(a, "COLOR=red"));
    need("A env", a, textplug_wasi_env(a, "ONLY_A=yes"));
    need("A dir", a, textplug_wasi_dir(a, argv[1], "/data"));
    need("A stdout", a, textplug_wasi_stdio(a, 1, out_a));
    need("A stderr", a, textplug_wasi_stdio(a, 2, err_a));
    need("A stdin", a, textplug_wasi_stdio(a, 0, in_a));
    need("B args", b, textplug_wasi_args(b, 1, args_b));
    need("B env", b, textplug_wasi_env(b, "COLOR=blue"));
    need("B dir", b, textplug_wasi_dir(b, argv[2], "/data"));
    need("B stdout", b, textplug_wasi_stdio(b, 1, pipe_out[1]));
    need("B stderr", b, textplug_wasi_stdio(b, 2, pipe_out[1]));
    need("B stdin", b, textplug_wasi_stdio(b, 0, pipe_in[0]));
    need("A start", a, textplug_start(a));
    need("B start", b, textplug_start(b));
    need("N start", n, textplug_start(n));

    exercise("A", a);
    exercise("B", b);
    exercise("N", n);

    report("A", "quit", a, textplug_quit(a, 7), NULL);
    printf("A exit code %d\n", textplug_exit_code(a));
    report("B", "raw_write", b, textplug_raw_write(b, &r), &r);

    /* Misuse: grants after start, bad grants before it. */
    report("B", "wasi_args late", b, textplug_wasi_args(b, 1, args_b),
           NULL);
    report("B", "wasi_env late", b, textplug_wasi_env(b, "X=1"), NULL);
    report("B", "wasi_dir late", b, textplug_wasi_dir(b, argv[2], "/x"),
           NULL);
    report("B", "wasi_stdio late", b, textplug_wasi_stdio(b, 1, 1), NULL);
    f = make();
    report("F", "wasi_dir missing", f,
           textplug_wasi_dir(f, "/nonexistent/w2c-embed", "/x"), NULL);
    report("F", "wasi_stdio 3", f, textplug_wasi_stdio(f, 3, 1), NULL);
    textplug_free(f);

    /* A new instance writing to the host's own stdout. */
    e = make();
    need("E env", e, textplug_wasi_env(e, "COLOR=green"));
    need("E stdout", e, textplug_wasi_stdio(e, 1, 1));
    need("E start", e, textplug_start(e));
    fflush(stdout);
    report("E", "show_env", e, textplug_show_env(e, &r), &r);
    textplug_free(e);

    textplug_free(a);
    textplug_free(b);
    textplug_free(n);
    close(out_a);
    close(err_a);
    close(in_a);
    close(pipe_in[0]);
    close(pipe_out[1]);
    while (len < sizeof buf - 1 &&
           (got = read(pipe_out[0], buf + len, sizeof buf - 1 - len)) > 0)
        len += (size_t)got;
    buf[len] = '\0';
    close(pipe_out[0]);
    for (line = strtok_r(buf, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save))
        printf("B-out: %s\n", line);
    printf("done\n");
    return 0;
}
