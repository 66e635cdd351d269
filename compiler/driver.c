/*
 * driver.c - run the system C compiler over generated C and the runtime.
 *
 * Commands are argument vectors started with posix_spawnp: no shell ever
 * sees a file name.  For an executable, the generated C and each runtime
 * source compile to objects in a scratch directory in parallel, then one
 * link step writes the output.  The compiler inherits our stdout/stderr, so
 * its diagnostics reach the user unchanged.  What to compile is decided
 * here; what the generated C contains is emit.c's business, and exit
 * statuses are main.c's.
 */
#define _XOPEN_SOURCE 700     /* POSIX.1-2008 with XSI: realpath */

#include "driver.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"

extern char **environ;

/* Compiled in by the Makefile; these defaults keep a bare `cc *.c` working. */
#ifndef W2C_SOURCE_DIR
#define W2C_SOURCE_DIR "."
#endif

/*
 * The runtime sources every executable links, relative to the runtime
 * directory.  The Makefile passes its own list (the one it installs) so the
 * two cannot drift; this default matches it.
 */
#ifndef W2C_RUNTIME_SOURCES
#define W2C_RUNTIME_SOURCES \
    "rt/mem.c rt/table.c rt/trap.c " \
    "wasi-rt/guest.c wasi-rt/errno.c wasi-rt/fd.c wasi-rt/proc.c " \
    "wasi-rt/run.c"
#endif

/* Language mode for generated code and the runtime: C99 + POSIX (STYLE). */
#define CC_STD "-std=c99"

/* At most this many compiler processes at once. */
#define MAX_JOBS 16

/* A growable argument vector in an arena, NULL-terminated. */
typedef struct Argv {
    Arena *a;
    char **v;
    size_t n, cap;
} Argv;

static void
argv_push(Argv *av, const char *s)
{
    if (av->n + 2 > av->cap) {
        size_t cap = av->cap ? av->cap * 2 : 32;
        char **v = arena_array(av->a, cap, sizeof *v);
        if (av->n)
            memcpy(v, av->v, av->n * sizeof *v);
        av->v = v;
        av->cap = cap;
    }
    av->v[av->n++] = arena_strndup(av->a, s, strlen(s));
    av->v[av->n] = NULL;
}

/* Push each blank-separated word of s (a --cc value like "ccache gcc"). */
static void
argv_push_words(Argv *av, const char *s)
{
    while (*s) {
        size_t n;
        while (*s == ' ' || *s == '\t')
            s++;
        n = strcspn(s, " \t");
        if (n) {
            char *w = arena_strndup(av->a, s, n);
            argv_push(av, w);
        }
        s += n;
    }
}

/* One compiler process. */
typedef struct Job {
    Argv argv;
    pid_t pid;
    int status;         /* wait status, when done */
    int spawn_err;      /* errno from posix_spawnp, 0 if it started */
    bool done;
} Job;

double
driver_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Print a command for -v and errors, quoting words a shell would split. */
static void
print_command(FILE *f, char *const *argv)
{
    size_t i;

    for (i = 0; argv[i] != NULL; i++) {
        const char *w = argv[i];
        if (i)
            fputc(' ', f);
        if (*w && strcspn(w, " \t\n'\"\\$`*?[]{}()<>|&;#~!") == strlen(w)) {
            fputs(w, f);
            continue;
        }
        fputc('\'', f);
        for (; *w; w++) {
            if (*w == '\'')
                fputs("'\\''", f);
            else
                fputc(*w, f);
        }
        fputc('\'', f);
    }
}

static bool
job_failed(const Job *j)
{
    return j->spawn_err != 0 || !WIFEXITED(j->status) ||
           WEXITSTATUS(j->status) != 0;
}

static void
report_failure(const Job *j)
{
    if (j->spawn_err) {
        fprintf(stderr, "w2c: error: cannot run C compiler '%s': %s\n",
                j->argv.v[0], strerror(j->spawn_err));
        return;
    }
    if (WIFEXITED(j->status))
        fprintf(stderr, "w2c: error: C compiler failed (status %d): ",
                WEXITSTATUS(j->status));
    else if (WIFSIGNALED(j->status))
        fprintf(stderr, "w2c: error: C compiler failed (signal %d): ",
                WTERMSIG(j->status));
    else
        fprintf(stderr, "w2c: error: C compiler failed: ");
    print_command(stderr, j->argv.v);
    fputc('\n', stderr);
}

static int
max_parallel(void)
{
    long n = 1;

#ifdef _SC_NPROCESSORS_ONLN
    n = sysconf(_SC_NPROCESSORS_ONLN);
#endif
    if (n < 1)
        n = 1;
    return n > MAX_JOBS ? MAX_JOBS : (int)n;
}

/*
 * Run every job, at most max_parallel() at a time, and wait for all of them
 * (even after a failure, so no compiler outlives us).  Returns true when
 * all succeeded; otherwise reports the first failed job in list order.
 */
static bool
run_jobs(Job *jobs, size_t n, bool verbose)
{
    size_t next = 0, ndone = 0, i;
    int running = 0, limit = max_parallel();

    while (ndone < n) {
        while (next < n && running < limit) {
            Job *j = &jobs[next++];
            int err;
            if (verbose) {
                fputs("w2c: ", stderr);
                print_command(stderr, j->argv.v);
                fputc('\n', stderr);
            }
            fflush(NULL);
            err = posix_spawnp(&j->pid, j->argv.v[0], NULL, NULL,
                               j->argv.v, environ);
            if (err) {
                j->spawn_err = err;
                j->done = true;
                ndone++;
            } else {
                running++;
            }
        }
        if (running == 0)
            continue;
        for (;;) {
            int st;
            pid_t pid = waitpid(-1, &st, 0);
            if (pid < 0) {
                if (errno == EINTR)
                    continue;
                /* No children left that we know of: treat as lost. */
                for (i = 0; i < next; i++) {
                    if (!jobs[i].done) {
                        jobs[i].done = true;
                        jobs[i].status = 0xff00;
                        ndone++;
                    }
                }
                running = 0;
                break;
            }
            for (i = 0; i < next; i++) {
                if (!jobs[i].done && jobs[i].pid == pid) {
                    jobs[i].status = st;
                    jobs[i].done = true;
                    ndone++;
                    running--;
                    break;
                }
            }
            break;
        }
    }
    for (i = 0; i < n; i++) {
        if (job_failed(&jobs[i])) {
            report_failure(&jobs[i]);
            return false;
        }
    }
    return true;
}

static bool
file_exists(const char *dir, const char *rel)
{
    char path[4096];
    struct stat st;

    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, rel) >=
        sizeof path)
        return false;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The directory holding the running executable, malloc'd, or NULL. */
static char *
self_dir(const char *argv0)
{
    char buf[4096];
    char *path = NULL, *slash;
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);

    if (n > 0) {
        buf[n] = '\0';
        path = strdup(buf);
    } else if (argv0 != NULL && strchr(argv0, '/') != NULL) {
        path = realpath(argv0, NULL);
    } else if (argv0 != NULL) {
        /* Found through PATH, like the shell did. */
        const char *p = getenv("PATH");
        while (p != NULL && *p && path == NULL) {
            size_t len = strcspn(p, ":");
            if (len > 0 && len + strlen(argv0) + 2 < sizeof buf) {
                memcpy(buf, p, len);
                buf[len] = '/';
                strcpy(buf + len + 1, argv0);
                if (access(buf, X_OK) == 0)
                    path = realpath(buf, NULL);
            }
            p += len;
            if (*p == ':')
                p++;
        }
    }
    if (path == NULL)
        return NULL;
    slash = strrchr(path, '/');
    if (slash == NULL) {
        free(path);
        return NULL;
    }
    *slash = '\0';
    return path;
}

char *
driver_find_runtime(const char *argv0)
{
    const char *env = getenv("W2C_RUNTIME_DIR");
    char *dir;

    if (env != NULL && *env) {
        if (file_exists(env, "rt/wrt.h"))
            return strdup(env);
        fprintf(stderr, "w2c: error: W2C_RUNTIME_DIR=%s: no rt/wrt.h there\n",
                env);
        return NULL;
    }
    dir = self_dir(argv0);
    if (dir != NULL) {
        size_t n = strlen(dir) + sizeof "/../share/w2c";
        char *share = malloc(n);
        if (share != NULL) {
            snprintf(share, n, "%s/../share/w2c", dir);
            if (file_exists(share, "rt/wrt.h")) {
                free(dir);
                return share;
            }
            free(share);
        }
        free(dir);
    }
    if (file_exists(W2C_SOURCE_DIR, "rt/wrt.h"))
        return strdup(W2C_SOURCE_DIR);
    fprintf(stderr, "w2c: error: cannot find the runtime sources (rt/wrt.h) "
            "under PREFIX/share/w2c or %s; set W2C_RUNTIME_DIR\n",
            W2C_SOURCE_DIR);
    return NULL;
}

/* Start a compiler command line: CC words, then the common flags. */
static void
begin_command(Argv *av, const DriverOpts *o)
{
    argv_push_words(av, o->cc);
    argv_push(av, CC_STD);
    argv_push(av, o->opt);
    if (o->debug)
        argv_push(av, "-g");
}

static void
add_compile_flags(Argv *av, const DriverOpts *o)
{
    size_t i;

    argv_push(av, arena_printf(av->a, "-I%s/rt", o->runtime_dir));
    argv_push(av, arena_printf(av->a, "-I%s/wasi-rt", o->runtime_dir));
    for (i = 0; i < o->ncflags; i++)
        argv_push(av, o->cflags[i]);
}

/* The file name of path without directories and extension, in a. */
static char *
stem(Arena *a, const char *path)
{
    const char *base = strrchr(path, '/');
    const char *dot;

    base = base ? base + 1 : path;
    dot = strrchr(base, '.');
    return arena_strndup(a, base, dot ? (size_t)(dot - base) : strlen(base));
}

static DriverStatus
build_exe(Arena *a, const DriverOpts *o, const char *csrc, const char *output)
{
    Argv srcs = { 0 }, link = { 0 };
    Job *jobs;
    size_t i;
    double t0, t1;

    srcs.a = a;
    argv_push(&srcs, csrc);
    {
        Argv rel = { 0 };
        rel.a = a;
        argv_push_words(&rel, W2C_RUNTIME_SOURCES);
        for (i = 0; i < rel.n; i++)
            argv_push(&srcs, arena_printf(a, "%s/%s", o->runtime_dir,
                                          rel.v[i]));
    }

    link.a = a;
    begin_command(&link, o);
    for (i = 0; i < o->ncflags; i++)
        argv_push(&link, o->cflags[i]);

    jobs = arena_array(a, srcs.n, sizeof *jobs);
    for (i = 0; i < srcs.n; i++) {
        /* Numbered so rt/x.c and wasi-rt/x.c never share an object. */
        char *obj = arena_printf(a, "%s/%zu-%s.o", o->tmpdir, i,
                                 stem(a, srcs.v[i]));
        jobs[i].argv.a = a;
        begin_command(&jobs[i].argv, o);
        add_compile_flags(&jobs[i].argv, o);
        argv_push(&jobs[i].argv, "-c");
        argv_push(&jobs[i].argv, srcs.v[i]);
        argv_push(&jobs[i].argv, "-o");
        argv_push(&jobs[i].argv, obj);
        argv_push(&link, obj);
    }
    for (i = 0; i < o->nldflags; i++)
        argv_push(&link, o->ldflags[i]);
    argv_push(&link, "-o");
    argv_push(&link, output);
    argv_push(&link, "-lm");
    argv_push(&link, "-lpthread");

    t0 = driver_now();
    if (!run_jobs(jobs, srcs.n, o->verbose))
        return DRIVER_CC_FAILED;
    t1 = driver_now();
    if (o->verbose)
        fprintf(stderr, "w2c: phase cc: %.2f ms\n", (t1 - t0) * 1e3);

    {
        Job lj = { { 0 }, 0, 0, 0, false };
        lj.argv = link;
        if (!run_jobs(&lj, 1, o->verbose))
            return DRIVER_CC_FAILED;
    }
    if (o->verbose)
        fprintf(stderr, "w2c: phase link: %.2f ms\n",
                (driver_now() - t1) * 1e3);
    return DRIVER_OK;
}

static DriverStatus
build_obj(Arena *a, const DriverOpts *o, const char *csrc, const char *output)
{
    Job j = { { 0 }, 0, 0, 0, false };
    double t0;

    j.argv.a = a;
    begin_command(&j.argv, o);
    add_compile_flags(&j.argv, o);
    argv_push(&j.argv, "-c");
    argv_push(&j.argv, csrc);
    argv_push(&j.argv, "-o");
    argv_push(&j.argv, output);
    t0 = driver_now();
    if (!run_jobs(&j, 1, o->verbose))
        return DRIVER_CC_FAILED;
    if (o->verbose)
        fprintf(stderr, "w2c: phase cc: %.2f ms\n",
                (driver_now() - t0) * 1e3);
    return DRIVER_OK;
}

DriverStatus
driver_build(const DriverOpts *o, const char *csrc, const char *output)
{
    Arena *a = arena_new();
    DriverStatus s;

    if (o->mode == DRIVER_EXE)
        s = build_exe(a, o, csrc, output);
    else
        s = build_obj(a, o, csrc, output);
    if (s == DRIVER_CC_FAILED)
        unlink(output);
    arena_free(a);
    return s;
}
