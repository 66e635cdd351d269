/*
 * driver.c - run the system C compiler over generated C and the runtime.
 *
 * Commands are argument vectors started with posix_spawnp: no shell ever
 * sees a file name.  For an executable, the generated C and each runtime
 * source compile to objects in parallel, then one link step writes the
 * output; for a static library the same objects, compiled with the
 * library's prefix, go into one archive instead.  A cross build (--target)
 * runs the target's own compiler and archiver with the target's flags.
 * The runtime objects are cached per target, compiler, flags and runtime
 * contents (see "the runtime object cache" below), so usually only the
 * generated C compiles.  The compiler inherits our stdout/stderr, so its
 * diagnostics reach the user unchanged.  What to compile is decided here;
 * what the generated C contains is emit.c's business, and exit statuses
 * are main.c's.
 */
#define _XOPEN_SOURCE 700     /* POSIX.1-2008 with XSI: realpath */

#include "driver.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
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
 * The runtime sources every executable and library links, relative to the
 * runtime directory.  The Makefile passes its own list (the one it
 * installs) so the two cannot drift; this default matches it.
 */
#ifndef W2C_RUNTIME_SOURCES
#define W2C_RUNTIME_SOURCES \
    "rt/mem.c rt/table.c rt/trap.c rt/embed.c " \
    "wasi-rt/guest.c wasi-rt/errno.c wasi-rt/fd.c wasi-rt/path.c " \
    "wasi-rt/sock.c wasi-rt/proc.c " \
    "wasi-rt/run.c"
#endif

/* Language mode for generated code and the runtime: C99 + POSIX (STYLE). */
#define CC_STD "-std=c99"

/* At most this many compiler processes at once by default (-j overrides). */
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

/* Set from a signal handler; checked between spawns and after waits. */
static volatile sig_atomic_t interrupted;

void
driver_interrupt(void)
{
    interrupted = 1;
}

/* One compiler (or archiver) process. */
typedef struct Job {
    Argv argv;
    pid_t pid;
    int status;         /* wait status, when done */
    int spawn_err;      /* errno from posix_spawnp, 0 if it started */
    bool done;
    const char *tool;   /* for messages: NULL is "C compiler" */
    const char *label;  /* -v: "phase cc LABEL: T ms" when done */
    double t0;          /* when it started */
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
    const char *tool = j->tool != NULL ? j->tool : "C compiler";

    if (j->spawn_err) {
        fprintf(stderr, "w2c: error: cannot run %s '%s': %s\n", tool,
                j->argv.v[0], strerror(j->spawn_err));
        return;
    }
    if (WIFEXITED(j->status))
        fprintf(stderr, "w2c: error: %s failed (status %d): ", tool,
                WEXITSTATUS(j->status));
    else if (WIFSIGNALED(j->status))
        fprintf(stderr, "w2c: error: %s failed (signal %d): ", tool,
                WTERMSIG(j->status));
    else
        fprintf(stderr, "w2c: error: %s failed: ", tool);
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

unsigned
driver_jobs(void)
{
    return (unsigned)max_parallel();
}

/*
 * Run every job, at most limit at a time, and wait for all of them
 * (even after a failure, so no compiler outlives us).  Returns true when
 * all succeeded; otherwise reports the first failed job in list order.
 */
static bool
run_jobs(Job *jobs, size_t n, int limit, bool verbose)
{
    size_t next = 0, ndone = 0, i;
    int running = 0;
    bool stopped = false;

    while (ndone < n) {
        if (interrupted && !stopped) {
            stopped = true;
            /* Start nothing more; stop what runs, then reap it below. */
            for (i = 0; i < next; i++) {
                if (!jobs[i].done)
                    kill(jobs[i].pid, SIGTERM);
            }
            for (; next < n; next++) {
                jobs[next].done = true;
                jobs[next].status = 0xff00;
                ndone++;
            }
            continue;
        }
        while (next < n && running < limit) {
            Job *j = &jobs[next++];
            int err;
            if (verbose) {
                fputs("w2c: ", stderr);
                print_command(stderr, j->argv.v);
                fputc('\n', stderr);
            }
            fflush(NULL);
            j->t0 = driver_now();
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
                    break;      /* a signal: look at `interrupted` */
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
                    if (verbose && jobs[i].label != NULL)
                        fprintf(stderr, "w2c: phase cc %s: %.2f ms\n",
                                jobs[i].label,
                                (driver_now() - jobs[i].t0) * 1e3);
                    ndone++;
                    running--;
                    break;
                }
            }
            break;
        }
    }
    if (interrupted)
        return false;
    for (i = 0; i < n; i++) {
        if (job_failed(&jobs[i])) {
            report_failure(&jobs[i]);
            return false;
        }
    }
    return true;
}

/*
 * run_jobs, at most o->jobs at a time (default max_parallel()), as a
 * DriverStatus: a failure is the tool's, or the interrupt's.
 */
static DriverStatus
run_status(Job *jobs, size_t n, const DriverOpts *o)
{
    int limit = o->jobs > 0 ? (int)o->jobs : max_parallel();

    if (run_jobs(jobs, n, limit, o->verbose))
        return DRIVER_OK;
    return interrupted ? DRIVER_INTERRUPTED : DRIVER_CC_FAILED;
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

/* An x86 32-bit triple: i386-..., i486-..., i586-... or i686-... */
static bool
is_x86_32(const char *triple)
{
    return triple[0] == 'i' && triple[1] >= '3' && triple[1] <= '6' &&
           strncmp(triple + 2, "86-", 3) == 0;
}

/*
 * Flags a target needs for the results to match every other host's.
 * i?86: the x87 unit keeps float and double intermediates in 80 bits, so
 * f32/f64 arithmetic would round differently from the Wasm spec (and from
 * a 64-bit host); SSE2 rounds each result to its own type.  Bare metal:
 * -ffreestanding, so that the runtime uses no C library (wrt.h).
 */
static void
add_target_flags(Argv *av, const char *triple)
{
    if (is_x86_32(triple)) {
        argv_push(av, "-msse2");
        argv_push(av, "-mfpmath=sse");
    }
    if (driver_target_freestanding(triple))
        argv_push(av, "-ffreestanding");
}

/*
 * The flags of every compile (module and runtime alike, so they are part of
 * the runtime cache key): the runtime headers; the target's flags
 * (add_target_flags); for a library its prefix, position-independent code
 * (the archive may end up in a shared object) and -fno-math-errno, which
 * lets sqrt compile inline instead of calling libm (a host links the
 * archive without -lm); then --cflags, which may override any of these.
 */
static void
add_compile_flags(Argv *av, const DriverOpts *o)
{
    size_t i;

    argv_push(av, arena_printf(av->a, "-I%s/rt", o->runtime_dir));
    argv_push(av, arena_printf(av->a, "-I%s/wasi-rt", o->runtime_dir));
    if (o->target != NULL)
        add_target_flags(av, o->target);
    if (o->mode == DRIVER_LIB) {
        argv_push(av, arena_printf(av->a, "-DWRT_PREFIX=%s", o->prefix));
        /* firmware links at fixed addresses: no GOT on bare metal */
        if (!driver_target_freestanding(o->target))
            argv_push(av, "-fPIC");
        argv_push(av, "-fno-math-errno");
    }
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

/* ---- the runtime object cache ---------------------------------------- */

/*
 * The runtime objects depend only on the C compiler, the flags that reach
 * the runtime compile and the runtime files, so they are built once per
 * combination and kept in <cache>/rt-<key>/, key being a 64-bit FNV-1a hash
 * of all of those.  An entry is built in a private mkdtemp directory beside
 * it and renamed into place only after every object compiled, so an entry
 * that exists is complete and is never written again; concurrent builders
 * of one key race on the rename and the loser uses the winner's entry.
 */

#define FNV_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME UINT64_C(0x100000001b3)

/* Bump when the layout of an entry changes. */
#define CACHE_FORMAT "w2c runtime objects 1"

static uint64_t
fnv_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= s[i];
        h *= FNV_PRIME;
    }
    return h;
}

/* End a field with its length, so "ab"+"c" and "a"+"bc" hash apart. */
static uint64_t
fnv_end_field(uint64_t h, uint64_t len)
{
    unsigned char b[8];
    int i;

    for (i = 0; i < 8; i++)
        b[i] = (unsigned char)(len >> (8 * i));
    return fnv_bytes(h, b, sizeof b);
}

static uint64_t
fnv_field(uint64_t h, const char *s)
{
    size_t n = strlen(s);

    return fnv_end_field(fnv_bytes(h, s, n), n);
}

/* Hash the contents of path as one field; false if it cannot be read. */
static bool
fnv_file(uint64_t *h, const char *path)
{
    unsigned char buf[65536];
    uint64_t total = 0;
    int fd = open(path, O_RDONLY);

    if (fd < 0)
        return false;
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            close(fd);
            return false;
        }
        if (r == 0)
            break;
        *h = fnv_bytes(*h, buf, (size_t)r);
        total += (uint64_t)r;
    }
    close(fd);
    *h = fnv_end_field(*h, total);
    return true;
}

static int
compare_names(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/*
 * Hash every .c and .h file of runtime_dir/sub, in name order, as its name
 * and its contents.  False (with errno) if the directory cannot be read.
 */
static bool
hash_runtime_files(Arena *a, uint64_t *h, const char *runtime_dir,
                   const char *sub)
{
    Argv names = { 0 };
    char *dir = arena_printf(a, "%s/%s", runtime_dir, sub);
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t i;

    if (d == NULL)
        return false;
    names.a = a;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n > 2 && e->d_name[n - 2] == '.' &&
            (e->d_name[n - 1] == 'c' || e->d_name[n - 1] == 'h'))
            argv_push(&names, e->d_name);
    }
    closedir(d);
    if (names.n)
        qsort(names.v, names.n, sizeof *names.v, compare_names);
    for (i = 0; i < names.n; i++) {
        *h = fnv_field(*h, arena_printf(a, "%s/%s", sub, names.v[i]));
        if (!fnv_file(h, arena_printf(a, "%s/%s", dir, names.v[i])))
            return false;
    }
    return true;
}

/*
 * The file a command word runs: itself when it holds a '/', else the first
 * executable of that name in $PATH (as posix_spawnp searches).  NULL if
 * none is found.
 */
static char *
find_program(Arena *a, const char *word)
{
    const char *p = getenv("PATH");

    if (strchr(word, '/') != NULL)
        return arena_strndup(a, word, strlen(word));
    while (p != NULL && *p) {
        size_t len = strcspn(p, ":");
        char *path = len ? arena_printf(a, "%.*s/%s", (int)len, p, word)
                         : arena_printf(a, "./%s", word);
        if (access(path, X_OK) == 0)
            return path;
        p += len;
        if (*p == ':')
            p++;
    }
    return NULL;
}

/*
 * The cache key: this w2c (its version and executable), the target, the
 * compiler command and the program it runs, every word of the runtime
 * compile command (-std, -O, -g, the -I runtime directories, the target's
 * flags, --cflags), the list of runtime sources and the contents of every
 * runtime source and header.
 * False if a runtime file cannot be read.
 */
static bool
runtime_key(Arena *a, const DriverOpts *o, const Argv *compile,
            uint64_t *key)
{
    uint64_t h = FNV_OFFSET;
    struct stat st;
    char *prog;
    size_t i;

    h = fnv_field(h, CACHE_FORMAT);
#ifdef W2C_VERSION
    h = fnv_field(h, W2C_VERSION);
#endif
    /* The compiler command usually names the target too, but --cc may not. */
    h = fnv_field(h, o->target != NULL ? o->target : "");
    /* Any rebuilt w2c may compile the runtime differently. */
    (void)fnv_file(&h, "/proc/self/exe");
    /*
     * The command as given names the compiler; the identity of the file it
     * runs notices an upgrade or a switched alternative behind "cc".
     */
    prog = compile->n ? find_program(a, compile->v[0]) : NULL;
    if (prog != NULL && stat(prog, &st) == 0) {
        h = fnv_field(h, arena_printf(a, "%ld %ld %ld %ld",
                                      (long)st.st_dev, (long)st.st_ino,
                                      (long)st.st_size,
                                      (long)st.st_mtime));
    }
    for (i = 0; i < compile->n; i++)
        h = fnv_field(h, compile->v[i]);
    h = fnv_field(h, W2C_RUNTIME_SOURCES);
    if (!hash_runtime_files(a, &h, o->runtime_dir, "rt") ||
        !hash_runtime_files(a, &h, o->runtime_dir, "wasi-rt"))
        return false;
    *key = h;
    return true;
}

/*
 * The cache directory: $W2C_CACHE_DIR, else $XDG_CACHE_HOME/w2c (an
 * absolute one, as the XDG spec asks), else $HOME/.cache/w2c.  NULL when
 * W2C_CACHE_DIR=off or nothing is set; *why then says which.
 */
static char *
cache_dir(Arena *a, const char **why)
{
    const char *env = getenv("W2C_CACHE_DIR");

    if (env != NULL && strcmp(env, "off") == 0) {
        *why = "W2C_CACHE_DIR=off";
        return NULL;
    }
    if (env != NULL && *env)
        return arena_strndup(a, env, strlen(env));
    env = getenv("XDG_CACHE_HOME");
    if (env != NULL && env[0] == '/')
        return arena_printf(a, "%s/w2c", env);
    env = getenv("HOME");
    if (env != NULL && *env)
        return arena_printf(a, "%s/.cache/w2c", env);
    *why = "neither W2C_CACHE_DIR, XDG_CACHE_HOME nor HOME is set";
    return NULL;
}

/* mkdir -p: create dir and its missing parents; false with errno. */
static bool
make_dirs(Arena *a, const char *dir)
{
    char *path = arena_strndup(a, dir, strlen(dir));
    char *p = path;
    struct stat st;

    for (;;) {
        p += strspn(p, "/");
        p += strcspn(p, "/");
        if (*p == '\0')
            break;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            *p = '/';
            return false;
        }
        *p = '/';
    }
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return false;
    if (stat(path, &st) != 0)
        return false;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return false;
    }
    return true;
}

/* True when dir holds every object, each a non-empty regular file. */
static bool
entry_complete(Arena *a, const char *dir, const Argv *objs)
{
    size_t i;

    for (i = 0; i < objs->n; i++) {
        struct stat st;
        if (stat(arena_printf(a, "%s/%s", dir, objs->v[i]), &st) != 0 ||
            !S_ISREG(st.st_mode) || st.st_size == 0)
            return false;
    }
    return true;
}

void
driver_remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (d != NULL) {
        while ((e = readdir(d)) != NULL) {
            char path[4096];
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            if ((size_t)snprintf(path, sizeof path, "%s/%s", dir,
                                 e->d_name) < sizeof path)
                unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* Where this build's runtime objects come from. */
typedef struct RtPlan {
    const char *dir;    /* the objects are (or will be) here */
    bool compile;       /* compile them into dir first */
    const char *entry;  /* the cache entry to rename dir into, or NULL */
    bool is_private;    /* dir is our own build directory in the cache */
} RtPlan;

/*
 * Decide where the runtime objects (file names objs) come from: a complete
 * cache entry, else a private directory in the cache to build in, else (no
 * cache, or it cannot be written) the temporary directory, as -v says.
 */
static RtPlan
plan_runtime(Arena *a, const DriverOpts *o, const Argv *objs)
{
    RtPlan p = { NULL, true, NULL, false };
    const char *why = NULL;
    char *cache = cache_dir(a, &why);
    char *priv;
    uint64_t key;
    Argv compile = { 0 };

    p.dir = o->tmpdir;
    if (cache == NULL)
        goto no_cache;
    compile.a = a;
    begin_command(&compile, o);
    add_compile_flags(&compile, o);
    if (!runtime_key(a, o, &compile, &key)) {
        why = arena_printf(a, "cannot read the runtime in %s: %s",
                           o->runtime_dir, strerror(errno));
        goto no_cache;
    }
    p.entry = arena_printf(a, "%s/rt-%016llx", cache,
                           (unsigned long long)key);
    if (entry_complete(a, p.entry, objs)) {
        p.dir = p.entry;
        p.entry = NULL;
        p.compile = false;
        if (o->verbose)
            fprintf(stderr, "w2c: runtime objects: cached %s\n", p.dir);
        return p;
    }
    priv = arena_printf(a, "%s/.tmp-rt-XXXXXX", cache);
    if (!make_dirs(a, cache) || mkdtemp(priv) == NULL) {
        why = arena_printf(a, "cannot write the cache %s: %s", cache,
                           strerror(errno));
        p.entry = NULL;
        goto no_cache;
    }
    p.dir = priv;
    p.is_private = true;
    return p;
no_cache:
    if (o->verbose)
        fprintf(stderr, "w2c: runtime objects: building in %s (%s)\n",
                o->tmpdir, why);
    return p;
}

/*
 * After the private directory's objects all compiled: move it into place
 * as the cache entry.  If another w2c got there first, use its entry when
 * complete; otherwise keep linking from ours (removed after the link).
 */
static void
publish_runtime(Arena *a, const DriverOpts *o, const Argv *objs, RtPlan *p)
{
    mode_t mask = umask(0);
    int err;

    umask(mask);
    if (!entry_complete(a, p->dir, objs)) {
        /* The compiler said yes but left no objects: never store that. */
        if (o->verbose)
            fprintf(stderr, "w2c: runtime objects: built in %s; not "
                    "stored (objects missing)\n", p->dir);
        return;
    }
    /* mkdtemp made it private; let the entry be as readable as a mkdir. */
    (void)chmod(p->dir, 0777 & ~mask);
    if (rename(p->dir, p->entry) == 0) {
        if (o->verbose)
            fprintf(stderr, "w2c: runtime objects: built %s\n", p->entry);
        p->dir = p->entry;
        p->is_private = false;
        return;
    }
    err = errno;
    if (entry_complete(a, p->entry, objs)) {
        if (o->verbose)
            fprintf(stderr, "w2c: runtime objects: cached %s (another w2c "
                    "built it first)\n", p->entry);
        driver_remove_dir(p->dir);
        p->dir = p->entry;
        p->is_private = false;
        return;
    }
    if (o->verbose)
        fprintf(stderr, "w2c: runtime objects: built in %s; cannot store "
                "them as %s: %s\n", p->dir, p->entry, strerror(err));
}

/* The module's objects cobjs, then the runtime objects objs in rtdir. */
static void
push_objects(Argv *av, const Argv *cobjs, const char *rtdir,
             const Argv *objs)
{
    size_t i;

    for (i = 0; i < cobjs->n; i++)
        argv_push(av, cobjs->v[i]);
    for (i = 0; i < objs->n; i++)
        argv_push(av, arena_printf(av->a, "%s/%s", rtdir, objs->v[i]));
}

/* Link the module objects cobjs with the runtime objects into `output`. */
static DriverStatus
link_exe(Arena *a, const DriverOpts *o, const Argv *cobjs, const char *rtdir,
         const Argv *objs, const char *output)
{
    Job lj = { { 0 }, 0, 0, 0, false, NULL, NULL, 0 };
    size_t i;

    lj.argv.a = a;
    begin_command(&lj.argv, o);
    for (i = 0; i < o->ncflags; i++)
        argv_push(&lj.argv, o->cflags[i]);
    push_objects(&lj.argv, cobjs, rtdir, objs);
    for (i = 0; i < o->nldflags; i++)
        argv_push(&lj.argv, o->ldflags[i]);
    argv_push(&lj.argv, "-o");
    argv_push(&lj.argv, output);
    argv_push(&lj.argv, "-lm");
    argv_push(&lj.argv, "-lpthread");
    return run_status(&lj, 1, o);
}

/*
 * Archive the module objects cobjs and the runtime objects: `ar rcs` into a
 * fresh temporary beside `output` (ar adds to an existing archive, and a
 * rename only replaces within one file system), renamed over `output` when
 * complete.  On failure nothing of this build is left.
 */
static DriverStatus
archive_lib(Arena *a, const DriverOpts *o, const Argv *cobjs,
            const char *rtdir, const Argv *objs, const char *output)
{
    Job aj = { { 0 }, 0, 0, 0, false, "archiver", NULL, 0 };
    char *tmp = arena_printf(a, "%s.w2c-tmp%ld", output, (long)getpid());
    DriverStatus s;

    aj.argv.a = a;
    argv_push_words(&aj.argv, o->ar);
    argv_push(&aj.argv, "rcs");
    argv_push(&aj.argv, tmp);
    push_objects(&aj.argv, cobjs, rtdir, objs);
    (void)unlink(tmp);
    s = run_status(&aj, 1, o);
    if (s != DRIVER_OK) {
        (void)unlink(tmp);
        return s;
    }
    if (rename(tmp, output) != 0) {
        fprintf(stderr, "%s: error: cannot write: %s\n", output,
                strerror(errno));
        (void)unlink(tmp);
        return DRIVER_SETUP_ERROR;
    }
    return DRIVER_OK;
}

/*
 * The compile jobs of the module's C files, in jobs[0 .. 1 + o->nparts):
 * the parts of split output first (they hold the functions, the most
 * work), then csrc.  Their objects in o->tmpdir are pushed to cobjs in
 * file order (csrc first): "0-<stem of the file>.o", or in an archive,
 * whose members are named after the library, "0-<prefix>.o" and
 * "0-<prefix>-<k>.o".
 */
static void
module_jobs(Arena *a, const DriverOpts *o, const char *csrc, Job *jobs,
            Argv *cobjs)
{
    size_t k, n = 1 + o->nparts;

    cobjs->a = a;
    for (k = 0; k < n; k++) {
        const char *src = k == 0 ? csrc : o->parts[k - 1];
        const char *obj;
        Job *j = &jobs[k == 0 ? n - 1 : k - 1];

        if (o->mode == DRIVER_LIB && k > 0)
            obj = arena_printf(a, "%s/0-%s-%zu.o", o->tmpdir, o->prefix, k);
        else if (o->mode == DRIVER_LIB)
            obj = arena_printf(a, "%s/0-%s.o", o->tmpdir, o->prefix);
        else
            obj = arena_printf(a, "%s/0-%s.o", o->tmpdir, stem(a, src));
        argv_push(cobjs, obj);
        j->argv.a = a;
        j->label = src;
        begin_command(&j->argv, o);
        add_compile_flags(&j->argv, o);
        argv_push(&j->argv, "-c");
        argv_push(&j->argv, src);
        argv_push(&j->argv, "-o");
        argv_push(&j->argv, obj);
    }
}

/*
 * DRIVER_EXE and DRIVER_LIB: compile the module's C and (unless cached) the
 * runtime in parallel, then link them, or archive them.
 */
static DriverStatus
build_with_runtime(Arena *a, const DriverOpts *o, const char *csrc,
                   const char *output)
{
    Argv rel = { 0 }, objs = { 0 }, cobjs = { 0 };
    Job *jobs;
    size_t i, njobs, nmod = 1 + o->nparts;
    double t0, t1;
    RtPlan plan;
    DriverStatus s = DRIVER_OK;

    /* The runtime objects, in link order; numbered so that rt/x.c and
     * wasi-rt/x.c never share an object. */
    rel.a = a;
    argv_push_words(&rel, W2C_RUNTIME_SOURCES);
    if (driver_target_freestanding(o->target)) {
        /* no WASI on bare metal: the rt/ sources only */
        size_t n = 0;
        for (i = 0; i < rel.n; i++)
            if (strncmp(rel.v[i], "rt/", 3) == 0)
                rel.v[n++] = rel.v[i];
        rel.n = n;
    }
    objs.a = a;
    for (i = 0; i < rel.n; i++)
        argv_push(&objs, arena_printf(a, "%zu-%s.o", i + 1,
                                      stem(a, rel.v[i])));
    plan = plan_runtime(a, o, &objs);

    /* The module's C always compiles; the runtime only when not cached. */
    njobs = plan.compile ? nmod + rel.n : nmod;
    jobs = arena_array(a, njobs, sizeof *jobs);
    module_jobs(a, o, csrc, jobs, &cobjs);
    for (i = nmod; i < njobs; i++) {
        const char *src = arena_printf(a, "%s/%s", o->runtime_dir,
                                       rel.v[i - nmod]);
        jobs[i].argv.a = a;
        begin_command(&jobs[i].argv, o);
        add_compile_flags(&jobs[i].argv, o);
        argv_push(&jobs[i].argv, "-c");
        argv_push(&jobs[i].argv, src);
        argv_push(&jobs[i].argv, "-o");
        argv_push(&jobs[i].argv, arena_printf(a, "%s/%s", plan.dir,
                                              objs.v[i - nmod]));
    }

    t0 = driver_now();
    s = run_status(jobs, njobs, o);
    if (s != DRIVER_OK)
        goto done;
    t1 = driver_now();
    if (o->verbose)
        fprintf(stderr, "w2c: phase cc: %.2f ms\n", (t1 - t0) * 1e3);
    if (plan.is_private)
        publish_runtime(a, o, &objs, &plan);

    s = o->mode == DRIVER_LIB
            ? archive_lib(a, o, &cobjs, plan.dir, &objs, output)
            : link_exe(a, o, &cobjs, plan.dir, &objs, output);
    if (s == DRIVER_OK && o->verbose)
        fprintf(stderr, "w2c: phase %s: %.2f ms\n",
                o->mode == DRIVER_LIB ? "ar" : "link",
                (driver_now() - t1) * 1e3);
done:
    /* A failed or unpublished private build never becomes an entry. */
    if (plan.is_private)
        driver_remove_dir(plan.dir);
    return s;
}

/*
 * DRIVER_OBJ with split output: compile every file, then join the objects
 * into one relocatable object (`CC -r -nostdlib`; the shared names stay
 * hidden globals in it).
 */
static DriverStatus
build_obj_parts(Arena *a, const DriverOpts *o, const char *csrc,
                const char *output)
{
    Job *jobs = arena_array(a, 1 + o->nparts, sizeof *jobs);
    Job lj = { { 0 }, 0, 0, 0, false, NULL, NULL, 0 };
    Argv cobjs = { 0 }, none = { 0 };
    double t0, t1;
    DriverStatus s;

    module_jobs(a, o, csrc, jobs, &cobjs);
    t0 = driver_now();
    s = run_status(jobs, 1 + o->nparts, o);
    if (s != DRIVER_OK)
        return s;
    t1 = driver_now();
    if (o->verbose)
        fprintf(stderr, "w2c: phase cc: %.2f ms\n", (t1 - t0) * 1e3);
    lj.argv.a = a;
    begin_command(&lj.argv, o);
    argv_push(&lj.argv, "-r");
    argv_push(&lj.argv, "-nostdlib");
    push_objects(&lj.argv, &cobjs, NULL, &none);
    argv_push(&lj.argv, "-o");
    argv_push(&lj.argv, output);
    s = run_status(&lj, 1, o);
    if (s == DRIVER_OK && o->verbose)
        fprintf(stderr, "w2c: phase link: %.2f ms\n",
                (driver_now() - t1) * 1e3);
    return s;
}

static DriverStatus
build_obj(Arena *a, const DriverOpts *o, const char *csrc, const char *output)
{
    Job j = { { 0 }, 0, 0, 0, false, NULL, NULL, 0 };
    double t0;
    DriverStatus s;

    if (o->nparts > 0)
        return build_obj_parts(a, o, csrc, output);
    j.argv.a = a;
    begin_command(&j.argv, o);
    add_compile_flags(&j.argv, o);
    argv_push(&j.argv, "-c");
    argv_push(&j.argv, csrc);
    argv_push(&j.argv, "-o");
    argv_push(&j.argv, output);
    t0 = driver_now();
    s = run_status(&j, 1, o);
    if (s == DRIVER_OK && o->verbose)
        fprintf(stderr, "w2c: phase cc: %.2f ms\n",
                (driver_now() - t0) * 1e3);
    return s;
}

bool
driver_target_freestanding(const char *triple)
{
    size_t n;

    if (triple == NULL)
        return false;
    n = strlen(triple);
    return strstr(triple, "-none-") != NULL ||
           (n >= 4 && strcmp(triple + n - 4, "-elf") == 0);
}

bool
driver_target_guard(const char *triple)
{
    static const char *const arch64[] = {
        "x86_64-", "aarch64-", "aarch64_be-", "riscv64-", "s390x-",
        "powerpc64-", "powerpc64le-", "ppc64-", "ppc64le-", "mips64-",
        "mips64el-", "loongarch64-", "sparc64-", "arm64-"};
    size_t i;

    if (triple == NULL)     /* this machine: what w2c itself runs on */
        return sizeof(void *) == 8;     /* w2c itself needs POSIX */
    if (driver_target_freestanding(triple) ||
        strstr(triple, "x32") != NULL || strstr(triple, "ilp32") != NULL ||
        strstr(triple, "windows") != NULL || strstr(triple, "mingw") != NULL)
        return false;
    for (i = 0; i < sizeof arch64 / sizeof arch64[0]; i++)
        if (strncmp(triple, arch64[i], strlen(arch64[i])) == 0)
            return true;
    return false;
}

/*
 * The target's own tool TRIPLE-<tool> ("gcc", "ar"), which must be in
 * $PATH: NULL after saying which is missing and what to do instead.
 */
static const char *
target_tool(Arena *a, const char *triple, const char *tool,
            const char *what, const char *instead)
{
    char *name = arena_printf(a, "%s-%s", triple, tool);

    if (find_program(a, name) != NULL)
        return name;
    fprintf(stderr, "w2c: error: no %s for target %s (%s not found; "
            "install it or %s)\n", what, triple, name, instead);
    return NULL;
}

DriverStatus
driver_build(const DriverOpts *o, const char *csrc, const char *output)
{
    Arena *a = arena_new();
    DriverOpts t = *o;
    DriverStatus s = DRIVER_SETUP_ERROR;

    /* A cross build without --cc (or $AR) uses the target's own tools. */
    if (t.cc == NULL && t.target != NULL)
        t.cc = target_tool(a, t.target, "gcc", "C compiler", "give --cc");
    if (t.cc != NULL && t.mode == DRIVER_LIB && t.ar == NULL &&
        t.target != NULL)
        t.ar = target_tool(a, t.target, "ar", "archiver", "set AR");
    if (t.cc != NULL && (t.mode != DRIVER_LIB || t.ar != NULL)) {
        s = t.mode == DRIVER_OBJ ? build_obj(a, &t, csrc, output)
                                 : build_with_runtime(a, &t, csrc, output);
    }
    if (s != DRIVER_OK)
        unlink(output);
    arena_free(a);
    return s;
}
